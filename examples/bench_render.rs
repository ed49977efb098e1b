//! Times the render step alone on a generated site (see gen_corpus), the model built once:
//! one page as a body edit renders it, the A to Z as a brand edit renders it, and the whole
//! site; and, with `search`, the making of the search index files from the same model. Prints the median and least wall time of several rounds of each, and their mean
//! CPU time.
//!
//! `cargo run --release --example bench_render -- /dev/shm/c10k [one|a-to-z|site|search ...]`

use formulary::build;
use formulary::render::{Generated, Renderer};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

/// The allocator of the formulary binary, so that the figures are the binary's.
#[global_allocator]
static ALLOC: formulary::alloc::Allocator = formulary::alloc::Allocator;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: bench_render SITE_DIR [WHAT ...]"),
    );
    let mut what: Vec<String> = args.collect();
    if what.is_empty() {
        what = vec!["one".into(), "a-to-z".into(), "site".into()];
    }
    let (site, _) = build::load_and_check(&root, None, false).expect("a gen_corpus site");
    let renderer = Renderer::new(&root, &site).expect("templates compile");
    let page = site
        .page_by_path("drug-classes/class-7.md")
        .expect("a gen_corpus site")
        .id;
    let nothing = Generated::none();
    let a_to_z = Generated {
        a_to_z: true,
        ..nothing
    };
    // The first call fills the renderer's caches, as the full build before an edit does.
    renderer.render_some(&site, &[], nothing, &AtomicUsize::new(0));
    for w in &what {
        let (rounds, run): (usize, Box<dyn Fn()>) = match w.as_str() {
            "one" => (
                50,
                Box::new(|| {
                    renderer.render_some(&site, &[page], nothing, &AtomicUsize::new(0));
                }),
            ),
            "a-to-z" => (
                15,
                Box::new(|| {
                    renderer.render_some(&site, &[], a_to_z, &AtomicUsize::new(0));
                }),
            ),
            "site" => (
                5,
                Box::new(|| {
                    renderer.render_site(&site, &AtomicUsize::new(0));
                }),
            ),
            "search" => (
                7,
                Box::new(|| {
                    formulary::search::index_files(&site);
                }),
            ),
            other => panic!("unknown `{other}`: one, a-to-z, site or search"),
        };
        // BENCH_ROUNDS=N: more rounds, for a profiler.
        let rounds = std::env::var("BENCH_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(rounds);
        let cpu = cpu_seconds();
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                run();
                t.elapsed()
            })
            .collect();
        let cpu = (cpu_seconds() - cpu) / rounds as f64;
        times.sort();
        println!(
            "{w:<8} median {:8.2} ms  min {:8.2} ms  cpu {:8.2} ms  ({} pages)",
            times[rounds / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            cpu * 1e3,
            site.pages.len()
        );
    }
}

/// User and system CPU time of this process so far, from /proc (0 where there is none):
/// steadier than wall time on a busy machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}
