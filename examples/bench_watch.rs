//! Times `formulary watch` and `formulary serve` from a save to the rewritten page, on a
//! generated site (see gen_corpus): a body edit and a front-matter edit that renames a
//! brand, each saved in place and through a temporary file renamed over the page. The
//! clock starts when the file is saved and stops when the output file (watch) or the page
//! served over HTTP (serve) holds the change, so the debounce, the rebuild and the write
//! are all in the figure. A brand edit also gives when the A to Z (handed over after the
//! edited pages) holds it.
//!
//! A page is read again only when it may have changed, as its reader would: `watch`'s
//! output file when its size, time or inode changes (a stat every 0.5 ms), and `serve`'s
//! page when the live-reload stream sends an event, as a browser reloads on one. Reading
//! the multi-megabyte A to Z every 0.5 ms instead would take a core from the rebuild.
//!
//! `cargo run --release --example bench_watch -- /dev/shm/c10k /dev/shm/c10k-watch`

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

const PAGE: &str = "content/drug-classes/class-7.md";

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bench_watch SITE_DIR OUTPUT_DIR";
    let root = PathBuf::from(args.next().expect(usage));
    let out = PathBuf::from(args.next().expect(usage));
    let bin = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("formulary"))
        .expect("target/release/formulary");
    let original = std::fs::read_to_string(root.join(PAGE)).expect("a gen_corpus site");

    let mut watch = Command::new(&bin);
    watch
        .args(["watch", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out);
    edits(
        &root,
        &original,
        "watch",
        &mut watch,
        "Watching",
        Some(&out),
        &FileProbe::new(out.join("drug-classes/class-7/index.html")),
        &FileProbe::new(out.join("drugs/index.html")),
        &|| {},
    );

    let port = free_port();
    let mut serve = Command::new(&bin);
    serve
        .args(["serve", "--root"])
        .arg(&root)
        .args(["--port", &port.to_string()]);
    let events = Mutex::new(None);
    let page = PageProbe {
        port,
        path: "/drug-classes/class-7/",
        events: &events,
    };
    let a_to_z = PageProbe {
        port,
        path: "/drugs/",
        events: &events,
    };
    edits(
        &root,
        &original,
        "serve",
        &mut serve,
        "Serving",
        None,
        &page,
        &a_to_z,
        // The live-reload stream, opened once the server is ready; what it sent before a
        // save is dropped.
        &|| {
            let mut events = events.lock().unwrap();
            match &*events {
                Some(rx) => while rx.try_recv().is_ok() {},
                None => *events = Some(live_reload_events(port)),
            }
        },
    );
    std::fs::write(root.join(PAGE), original).unwrap();
}

/// How a reader sees a page: what it holds now, and a wait until it may have changed.
trait Probe {
    fn read(&self) -> String;
    fn wait_for_change(&self, deadline: Instant);
}

/// An output file, read again when its size, time or inode changes.
struct FileProbe {
    path: PathBuf,
    seen: Mutex<Option<(u64, Option<SystemTime>, u64)>>,
}

impl FileProbe {
    fn new(path: PathBuf) -> FileProbe {
        FileProbe {
            path,
            seen: Mutex::new(None),
        }
    }

    fn stat(&self) -> Option<(u64, Option<SystemTime>, u64)> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(&self.path).ok()?;
        Some((m.len(), m.modified().ok(), m.ino()))
    }
}

impl Probe for FileProbe {
    fn read(&self) -> String {
        *self.seen.lock().unwrap() = self.stat();
        std::fs::read_to_string(&self.path).unwrap_or_default()
    }

    fn wait_for_change(&self, deadline: Instant) {
        let seen = *self.seen.lock().unwrap();
        while self.stat() == seen && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(500));
        }
    }
}

/// A page served over HTTP, read again on each live-reload event, as a browser would.
struct PageProbe<'a> {
    port: u16,
    path: &'static str,
    events: &'a Mutex<Option<Receiver<String>>>,
}

impl Probe for PageProbe<'_> {
    fn read(&self) -> String {
        get(self.port, self.path)
    }

    fn wait_for_change(&self, deadline: Instant) {
        let events = self.events.lock().unwrap();
        let rx = events.as_ref().expect("the live-reload stream is open");
        let _ = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()));
    }
}

/// The events of the server's live-reload stream (`/__formulary/events`), one string each.
fn live_reload_events(port: u16) -> Receiver<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("the server listens");
    let request =
        "GET /__formulary/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    s.write_all(request.as_bytes()).expect("a request sent");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_string();
            } else if line.is_empty()
                && !event.is_empty()
                && tx.send(std::mem::take(&mut event)).is_err()
            {
                return;
            }
        }
    });
    // The stream starts with `hello`: from then on it is live.
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).as_deref(),
        Ok("hello"),
        "the live-reload stream greets"
    );
    rx
}

/// Starts `command`, waits for its line starting with `ready` (and for the removal of the
/// `output` it replaced), then times four body edits and four brand edits until `page`
/// (and, for a brand, `a_to_z`) shows each, the last of each saved through a temporary
/// file; `before_save` runs before each save.
#[allow(clippy::too_many_arguments)]
fn edits(
    root: &Path,
    original: &str,
    what: &str,
    command: &mut Command,
    ready: &str,
    output: Option<&Path>,
    page: &dyn Probe,
    a_to_z: &dyn Probe,
    before_save: &dyn Fn(),
) {
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .expect("formulary starts");
    let lines = ready_lines(&mut child, ready);
    if let Some(out) = output {
        settle(out);
    }
    let measure = |text: String, marker: &str, kind: &str, save: Save| {
        page.read();
        a_to_z.read();
        before_save();
        let saved = Instant::now();
        save.write(&root.join(PAGE), &text);
        let deadline = saved + Duration::from_secs(60);
        let wait_for = |probe: &dyn Probe| {
            while !probe.read().contains(marker) {
                assert!(Instant::now() < deadline, "{what} {kind}: no change seen");
                probe.wait_for_change(deadline);
            }
            saved.elapsed().as_secs_f64() * 1000.0
        };
        let ms = wait_for(page);
        let a_to_z = if kind.starts_with("brand edit") {
            format!(", the A to Z at {:.0} ms", wait_for(a_to_z))
        } else {
            String::new()
        };
        // Let the rebuild's terminal line arrive, then print both.
        std::thread::sleep(Duration::from_millis(300));
        let log: Vec<String> = lines.try_iter().collect();
        println!(
            "{what} {kind}: {ms:.0} ms from save to page{a_to_z} ({})",
            log.last().map_or("", String::as_str)
        );
    };
    let saves = [
        Save::InPlace,
        Save::InPlace,
        Save::InPlace,
        Save::ThroughTemporaryFile,
    ];
    for (i, save) in saves.into_iter().enumerate() {
        let marker = format!("Body edit number {i}.");
        let text = original.replacen(
            "## Side effects\n",
            &format!("## Side effects\n\n{marker}\n"),
            1,
        );
        measure(text, &marker, &save.kind("body edit"), save);
    }
    for (i, save) in saves.into_iter().enumerate() {
        let marker = format!("Brand7renamed{i}");
        let text = original.replace("Brand7b0", &marker);
        measure(text, &marker, &save.kind("brand edit"), save);
    }
    std::fs::write(root.join(PAGE), original).unwrap();
    let _ = child.kill();
    let _ = child.wait();
}

/// How an editor saves a page.
#[derive(Clone, Copy)]
enum Save {
    /// The file written over (most editors).
    InPlace,
    /// The new text written to a temporary file beside it, renamed over it (`sed -i`,
    /// Kate, JetBrains' safe write): the watcher sees two paths, one gone by the rebuild.
    ThroughTemporaryFile,
}

impl Save {
    fn write(self, path: &Path, text: &str) {
        match self {
            Save::InPlace => std::fs::write(path, text).unwrap(),
            Save::ThroughTemporaryFile => {
                let temp = path.with_file_name("sedB3nch7");
                std::fs::write(&temp, text).unwrap();
                std::fs::rename(&temp, path).unwrap();
            }
        }
    }

    /// The edit's name as printed: `brand edit (through a temporary file)`.
    fn kind(self, edit: &str) -> String {
        match self {
            Save::InPlace => edit.to_string(),
            Save::ThroughTemporaryFile => format!("{edit} (through a temporary file)"),
        }
    }
}

/// Waits (up to a minute) until the output that `watch`'s first build replaced is gone: it
/// is removed in the background, and that removal (a third of a second of kernel time at
/// 10,000 pages) is no part of an edit's time.
fn settle(output: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !formulary::write::named_as_replaced(output).is_empty() {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The child's terminal lines, once it has printed the one starting with `ready`.
fn ready_lines(child: &mut Child, ready: &str) -> Receiver<String> {
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in lines.map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    loop {
        let l = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("formulary says it is ready");
        if l.starts_with(ready) {
            return rx;
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The body of a page served on the loopback (plain HTTP/1.1, one request).
fn get(port: u16, path: &str) -> String {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut body = String::new();
    if s.write_all(request.as_bytes()).is_ok() {
        let _ = s.read_to_string(&mut body);
    }
    body
}
