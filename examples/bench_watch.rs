//! Times `formulary watch` from a save to the rewritten output file, on a generated site
//! (see gen_corpus): a body edit and a front-matter edit that renames a brand. The clock
//! starts when the file is saved and stops when the output page holds the change, so the
//! debounce, the rebuild and the write are all in the figure.
//!
//! `cargo run --release --example bench_watch -- /dev/shm/c10k /dev/shm/c10k-watch`

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let page = "content/drug-classes/class-7.md";
    let original = std::fs::read_to_string(root.join(page)).expect("a gen_corpus site");
    let mut child = Command::new(&bin)
        .args(["watch", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .expect("formulary watch starts");
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
            .expect("watch prints Watching");
        if l.starts_with("Watching") {
            break;
        }
    }
    let output = out.join("drug-classes/class-7/index.html");
    let measure = |text: String, marker: &str, what: &str| {
        let saved = Instant::now();
        std::fs::write(root.join(page), text).unwrap();
        loop {
            if std::fs::read_to_string(&output).is_ok_and(|s| s.contains(marker)) {
                break;
            }
            assert!(
                saved.elapsed() < Duration::from_secs(60),
                "{what}: no change seen"
            );
            std::thread::sleep(Duration::from_micros(500));
        }
        let ms = saved.elapsed().as_secs_f64() * 1000.0;
        // Let the rebuild's terminal line arrive, then print both.
        std::thread::sleep(Duration::from_millis(300));
        let log: Vec<String> = rx.try_iter().collect();
        println!(
            "{what}: {ms:.0} ms from save to file ({})",
            log.last().map_or("", String::as_str)
        );
    };
    for i in 0..3 {
        let marker = format!("Body edit number {i}.");
        measure(
            original.replacen(
                "## Side effects\n",
                &format!("## Side effects\n\n{marker}\n"),
                1,
            ),
            &marker,
            "body edit",
        );
    }
    for i in 0..3 {
        let marker = format!("Brand7renamed{i}");
        measure(original.replace("Brand7b0", &marker), &marker, "brand edit");
    }
    std::fs::write(root.join(page), original).unwrap();
    let _ = child.kill();
    let _ = child.wait();
}
