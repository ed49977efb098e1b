//! Times `formulary watch` and `formulary serve` from a save to the rewritten page, on a
//! generated site (see gen_corpus): a body edit and a front-matter edit that renames a
//! brand. The clock starts when the file is saved and stops when the output file (watch)
//! or the page served over HTTP (serve) holds the change, so the debounce, the rebuild and
//! the write are all in the figure. A brand edit also gives when the A to Z (handed over
//! after the edited pages) holds it, read as often as its size allows.
//!
//! `cargo run --release --example bench_watch -- /dev/shm/c10k /dev/shm/c10k-watch`

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

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
    let output = out.join("drug-classes/class-7/index.html");
    let a_to_z = out.join("drugs/index.html");
    edits(
        &root,
        &original,
        "watch",
        &mut watch,
        "Watching",
        &|| std::fs::read_to_string(&output).unwrap_or_default(),
        &|| std::fs::read_to_string(&a_to_z).unwrap_or_default(),
    );

    let port = free_port();
    let mut serve = Command::new(&bin);
    serve
        .args(["serve", "--root"])
        .arg(&root)
        .args(["--port", &port.to_string()]);
    edits(
        &root,
        &original,
        "serve",
        &mut serve,
        "Serving",
        &|| get(port, "/drug-classes/class-7/"),
        &|| get(port, "/drugs/"),
    );
    std::fs::write(root.join(PAGE), original).unwrap();
}

/// Starts `command`, waits for its line starting with `ready`, then times three body edits
/// and three brand edits until `read` shows each.
fn edits(
    root: &Path,
    original: &str,
    what: &str,
    command: &mut Command,
    ready: &str,
    read: &dyn Fn() -> String,
    read_a_to_z: &dyn Fn() -> String,
) {
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .expect("formulary starts");
    let lines = ready_lines(&mut child, ready);
    let measure = |text: String, marker: &str, kind: &str| {
        let saved = Instant::now();
        std::fs::write(root.join(PAGE), text).unwrap();
        let wait_for = |read: &dyn Fn() -> String| {
            while !read().contains(marker) {
                assert!(
                    saved.elapsed() < Duration::from_secs(60),
                    "{what} {kind}: no change seen"
                );
                std::thread::sleep(Duration::from_micros(500));
            }
            saved.elapsed().as_secs_f64() * 1000.0
        };
        let ms = wait_for(read);
        let a_to_z = if kind == "brand edit" {
            format!(", the A to Z at {:.0} ms", wait_for(read_a_to_z))
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
    for i in 0..3 {
        let marker = format!("Body edit number {i}.");
        let text = original.replacen(
            "## Side effects\n",
            &format!("## Side effects\n\n{marker}\n"),
            1,
        );
        measure(text, &marker, "body edit");
    }
    for i in 0..3 {
        let marker = format!("Brand7renamed{i}");
        measure(original.replace("Brand7b0", &marker), &marker, "brand edit");
    }
    std::fs::write(root.join(PAGE), original).unwrap();
    let _ = child.kill();
    let _ = child.wait();
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
