//! `formulary serve` as an editor uses it: a real server on a free port, real file edits
//! (plain writes, atomic renames, deletes, new files), pages read back over HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    log: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(root: &Path, port: u16) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_formulary"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // From here the server is killed and waited for on drop, even if a wait below fails.
    let mut server = Server {
        child,
        port: 0,
        log: rx,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.port == 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = server
            .log
            .recv_timeout(left)
            .expect("serve prints its address");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            server.port = digits.parse().expect("a port number");
        }
    }
    server
}

/// A raw HTTP/1.1 GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Polls a page until `pred` holds (or fails after a few seconds).
fn wait_for(port: u16, path: &str, pred: impl Fn(u16, &str) -> bool) -> (u16, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = get(port, path);
        if pred(status, &body) {
            return (status, body);
        }
        assert!(
            Instant::now() < deadline,
            "{path} never matched; last: {status} {body:.300}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}\n")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn edits_show_errors_overlay_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/_index.md",
        &page("Home", "Welcome. See [a](a.md)."),
    );
    write(root, "content/a.md", &page("Page A", "First version."));
    let server = start(root, free_port());
    let port = server.port;

    let (status, body) = get(port, "/a/");
    assert_eq!(status, 200);
    assert!(body.contains("First version."));
    assert!(
        body.contains("/__formulary/events"),
        "live reload script injected"
    );

    // A plain write.
    write(root, "content/a.md", &page("Page A", "Second version."));
    wait_for(port, "/a/", |_, b| b.contains("Second version."));

    // An atomic save: write a temporary file, then rename it over the page.
    write(root, "content/.a.md.tmp", &page("Page A", "Third version."));
    std::fs::rename(root.join("content/.a.md.tmp"), root.join("content/a.md")).unwrap();
    wait_for(port, "/a/", |_, b| b.contains("Third version."));

    // A new file in a new folder.
    write(root, "content/new/b.md", &page("Page B", "Brand new."));
    wait_for(port, "/new/b/", |s, b| s == 200 && b.contains("Brand new."));

    // A broken link: the overlay names file, line and column; the last good page stays.
    write(
        root,
        "content/a.md",
        &page("Page A", "Third version. [x](missing.md)"),
    );
    let (_, body) = wait_for(port, "/a/", |_, b| b.contains("formulary-overlay"));
    assert!(body.contains("content/a.md:4:16"), "{body:.2000}");
    assert!(
        body.contains("Third version."),
        "last good page still served"
    );

    // The fix clears it.
    write(root, "content/a.md", &page("Page A", "Fixed."));
    let (_, body) = wait_for(port, "/a/", |_, b| b.contains("Fixed."));
    assert!(!body.contains("formulary-overlay"));

    // A delete: the page is gone, and the site's 404 page answers with status 404.
    std::fs::remove_file(root.join("content/new/b.md")).unwrap();
    wait_for(port, "/new/b/", |s, _| s == 404);
    drop(server);
}

#[test]
fn traversal_is_refused_and_404_is_the_sites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "content/_index.md", &page("Home", "Hi."));
    write(root, "secret.txt", "do not serve");
    let server = start(root, free_port());
    for bad in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/a/..\\..\\secret.txt",
    ] {
        let (status, body) = get(server.port, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("do not serve"), "{bad}");
    }
    let (status, body) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html"), "the site's own 404 page");
    let (status, _) = get(server.port, "/style.css");
    assert_eq!(status, 200);
}

#[test]
fn first_build_failing_still_serves_errors_and_ctrl_c_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/_index.md",
        "+++\ntitle = \"Home\"\nreviewed = 2026-13-45\n+++\n",
    );
    let mut server = start(root, free_port());
    let (status, body) = get(server.port, "/");
    assert_eq!(status, 500);
    assert!(body.contains("content/_index.md:3:12"), "{body:.1500}");
    write(root, "content/_index.md", &page("Home", "Now it builds."));
    wait_for(server.port, "/", |s, b| {
        s == 200 && b.contains("Now it builds.")
    });

    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    // The port is free again.
    std::net::TcpListener::bind(("127.0.0.1", server.port)).expect("port freed");
    let _ = server.log.try_recv();
}
