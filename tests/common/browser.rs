//! Headless Chromium for the browser tests, driven through chromedriver with fantoccini, and
//! a tiny static file server to show it a built site.
//!
//! ```ignore
//! let Some(browser) = Browser::start() else { return }; // None only with FORMULARY_SKIP_BROWSER=1
//! let server = StaticServer::start(&out);               // serves the output folder
//! browser.goto(&server.url("drug-classes/bisphosphonates/"));
//! let title = browser.eval("return document.title");    // a function body; Promises are awaited
//! browser.set_size(375, 800);                            // CSS pixels of the viewport
//! browser.emulate_media(Some("print"), Some("dark"));    // media type, prefers-color-scheme
//! browser.press_tab();                                  // a real key press
//! browser.screenshot("/tmp/page.png");                   // the whole page, as PNG
//! ```
//!
//! The API is blocking (each `Browser` runs its own small tokio runtime), so call it from a
//! plain `#[test]`, not from inside `#[tokio::test]`. Every method panics with a message on
//! failure: these are test helpers. One browser can be reused for many pages; it is closed,
//! and chromedriver stopped, when the `Browser` is dropped.
//!
//! Chromium and chromedriver must be installed (Debian: `apt-get install chromium
//! chromium-driver`). When they are missing, [`Browser::start`] panics saying so, unless
//! `FORMULARY_SKIP_BROWSER=1` is set, when it returns `None` and the test should return.
//! `FORMULARY_CHROMIUM` and `FORMULARY_CHROMEDRIVER` name other binaries.

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The flags every session starts Chromium with: headless, and nothing that talks to the
/// network on its own (on a closed network those calls stall it).
pub const CHROMIUM_FLAGS: [&str; 12] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
    "--lang=en-GB",
];

/// Whether browser tests should be skipped rather than fail (`FORMULARY_SKIP_BROWSER=1`).
pub fn skip_requested() -> bool {
    std::env::var("FORMULARY_SKIP_BROWSER").is_ok_and(|v| v == "1")
}

/// The first of `candidates` that is an executable file, by absolute path or on `PATH`.
pub fn find_program(candidates: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for c in candidates {
        let p = Path::new(c);
        if p.is_absolute() {
            if p.is_file() {
                return Some(p.to_path_buf());
            }
            continue;
        }
        for dir in std::env::split_paths(&path) {
            let full = dir.join(c);
            if full.is_file() {
                return Some(full);
            }
        }
    }
    None
}

/// Panics with `what` unless `FORMULARY_SKIP_BROWSER=1`, when it returns `None`.
pub fn missing<T>(what: &str) -> Option<T> {
    if skip_requested() {
        eprintln!("skipping a browser test (FORMULARY_SKIP_BROWSER=1): {what}");
        return None;
    }
    panic!(
        "{what}\nThe browser tests need Chromium and chromedriver \
         (Debian: apt-get install chromium chromium-driver). \
         Set FORMULARY_SKIP_BROWSER=1 to skip them."
    );
}

/// A chromedriver process with one Chromium session.
pub struct Browser {
    rt: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session (1280 × 900 CSS pixels).
    /// `None` only when the browser is missing and `FORMULARY_SKIP_BROWSER=1` is set.
    pub fn start() -> Option<Browser> {
        let chromium = match std::env::var("FORMULARY_CHROMIUM") {
            Ok(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
            // Debian's /usr/bin/chromium is a shell wrapper; the real binary sits beside it.
            Err(_) => find_program(&[
                "/usr/lib/chromium/chromium",
                "chromium",
                "chromium-browser",
                "google-chrome",
            ]),
        };
        let Some(chromium) = chromium else {
            return missing("Chromium is not installed (no chromium on PATH).");
        };
        let driver_path = match std::env::var("FORMULARY_CHROMEDRIVER") {
            Ok(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
            Err(_) => find_program(&["chromedriver"]),
        };
        let Some(driver_path) = driver_path else {
            return missing("chromedriver is not installed (no chromedriver on PATH).");
        };
        let port = free_port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", driver_path.display()));
        let profile = tempfile::tempdir().expect("a browser profile folder");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let mut browser = Browser {
            rt,
            client: None,
            driver,
            _profile: profile,
        };
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!(
            "--user-data-dir={}",
            browser._profile.path().display()
        ));
        args.push("--window-size=1280,900".into());
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args }),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = browser.rt.block_on(async {
            // chromedriver takes a moment to listen; Chromium a moment to start.
            loop {
                let connector = hyper_util::client::legacy::connect::HttpConnector::new();
                match ClientBuilder::new(connector)
                    .capabilities(caps.clone())
                    .connect(&webdriver)
                    .await
                {
                    Ok(c) => break c,
                    Err(e) if Instant::now() < deadline => {
                        let _ = e;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    Err(e) => panic!(
                        "no browser session from {} with {}: {e}",
                        driver_path.display(),
                        chromium.display()
                    ),
                }
            }
        });
        browser.client = Some(client);
        browser.set_size(1280, 900);
        Some(browser)
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("a browser session")
    }

    /// Loads `url` and waits for the page's load event.
    pub fn goto(&self, url: &str) {
        self.rt
            .block_on(self.client().goto(url))
            .unwrap_or_else(|e| panic!("load {url}: {e}"));
    }

    /// The address the browser is showing.
    pub fn current_url(&self) -> String {
        self.rt
            .block_on(self.client().current_url())
            .map(|u| u.to_string())
            .expect("current URL")
    }

    /// Runs `js` as the body of a function in the page (`return` gives the value; a returned
    /// Promise is awaited) and gives back its JSON value.
    pub fn eval(&self, js: &str) -> Value {
        self.eval_with(js, Vec::new())
    }

    /// [`Browser::eval`] with arguments, seen by the script as `arguments[0]`, ...
    pub fn eval_with(&self, js: &str, args: Vec<Value>) -> Value {
        self.rt
            .block_on(self.client().execute(js, args))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{}", first_lines(js)))
    }

    /// Polls `js` (a function body) until it returns something truthy, and returns that;
    /// panics after `timeout`.
    pub fn wait_for(&self, js: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.eval(js);
            let truthy =
                !matches!(&v, Value::Null | Value::Bool(false)) && v != json!(0) && v != json!("");
            if truthy {
                return v;
            }
            if Instant::now() > deadline {
                panic!("still false after {timeout:?}: {}", first_lines(js));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Presses and releases one key, as a keyboard would (to whatever has focus).
    /// `key` is a character or a [`fantoccini::key::Key`] as `char`.
    pub fn press_key(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.rt
            .block_on(self.client().perform_actions(keys))
            .unwrap_or_else(|e| panic!("press key {key:?}: {e}"));
    }

    /// Presses Tab: focus moves to the next thing a keyboard user reaches.
    pub fn press_tab(&self) {
        self.press_key(fantoccini::key::Key::Tab.into());
    }

    /// Sends a Chrome DevTools Protocol command (e.g. `Page.printToPDF`) and returns its result.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.rt
            .block_on(self.client().issue_cmd(Cdp {
                cmd: cmd.into(),
                params,
            }))
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// Makes the viewport exactly `width` × `height` CSS pixels, as a phone (`width` < 800:
    /// touch, the page's meta viewport honoured) or a desktop screen.
    pub fn set_size(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": width < 800,
            }),
        );
    }

    /// Emulates a CSS media type (`Some("print")`, `None` for screen) and a
    /// `prefers-color-scheme` (`Some("dark")`, `Some("light")`, `None` for the default).
    /// Lasts across navigations until changed.
    pub fn emulate_media(&self, media: Option<&str>, color_scheme: Option<&str>) {
        let features = match color_scheme {
            Some(s) => json!([{ "name": "prefers-color-scheme", "value": s }]),
            None => json!([]),
        };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "media": media.unwrap_or(""), "features": features }),
        );
    }

    /// Print media on (`true`) or off, with the default colour scheme.
    pub fn emulate_print(&self, on: bool) {
        self.emulate_media(on.then_some("print"), None);
    }

    /// Saves a PNG of the whole page (not only the viewport) to `path`.
    pub fn screenshot(&self, path: impl AsRef<Path>) {
        let v = self.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        );
        write_base64(&v, path.as_ref());
    }

    /// Prints the page to an A4 PDF at `path`, as the browser's print dialog would.
    pub fn print_pdf(&self, path: impl AsRef<Path>) {
        let v = self.cdp(
            "Page.printToPDF",
            json!({ "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": false }),
        );
        write_base64(&v, path.as_ref());
    }
}

fn write_base64(v: &Value, path: &Path) {
    use base64::Engine;
    let data = v["data"].as_str().expect("base64 data from the browser");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("valid base64 from the browser");
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn first_lines(js: &str) -> String {
    js.lines().take(5).collect::<Vec<_>>().join("\n")
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), client.close()).await
            });
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

// ---------------------------------------------------------------------------------------
// A static file server: what any web host does with the output folder, and nothing more
// (no live-reload script). Missing files get `404.html` with status 404, as most hosts do.

/// Serves a folder over HTTP on 127.0.0.1 until the test process ends.
pub struct StaticServer {
    pub base: String,
}

impl StaticServer {
    pub fn start(root: &Path) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().unwrap().port();
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || {
                    let _ = serve_one(&root, stream);
                });
            }
        });
        StaticServer {
            base: format!("http://127.0.0.1:{port}/"),
        }
    }

    /// The full URL of `path` (relative to the served folder, no leading `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn serve_one(root: &Path, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let rel = percent_decode(path);
    let rel = rel.trim_start_matches('/');
    let mut stream = stream;
    if rel.split('/').any(|s| s == "..") {
        return respond(
            &mut stream,
            method,
            "400 Bad Request",
            "text/plain",
            b"bad path",
            &[],
        );
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        if !path.ends_with('/') {
            let location = format!("{path}/");
            return respond(
                &mut stream,
                method,
                "301 Moved Permanently",
                "text/plain",
                b"moved",
                &[("Location", &location)],
            );
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => respond(
            &mut stream,
            method,
            "200 OK",
            content_type(&file),
            &bytes,
            &[],
        ),
        Err(_) => {
            let body =
                std::fs::read(root.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
            respond(
                &mut stream,
                method,
                "404 Not Found",
                "text/html; charset=utf-8",
                &body,
                &[],
            )
        }
    }
}

fn respond(
    stream: &mut TcpStream,
    method: &str,
    status: &str,
    content_type: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()?;
    // Let the client read everything before the socket closes.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut sink = [0u8; 256];
    let _ = stream.read(&mut sink);
    Ok(())
}
