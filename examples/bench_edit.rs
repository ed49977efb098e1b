//! Times incremental rebuilds on a generated site (see gen_corpus): a body edit and a
//! front-matter edit that changes a brand name, each applied to the in-memory model.
//!
//! `cargo run --release --example bench_edit -- /dev/shm/c10k`

use formulary::serve::incremental::Incremental;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The allocator of the formulary binary, so that the figures are the binary's.
#[global_allocator]
static ALLOC: formulary::alloc::Allocator = formulary::alloc::Allocator;

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: bench_edit SITE_DIR"));
    let page = "content/drug-classes/class-7.md";
    let original = std::fs::read_to_string(root.join(page)).expect("a gen_corpus site");
    let t = Instant::now();
    let (mut inc, first) = Incremental::new(&root, None, false);
    assert!(first.ok, "{:?}", first.diagnostics.first());
    println!(
        "full build in memory: {:.0} ms, {} pages",
        ms(t),
        first.pages
    );
    let edit = |inc: &mut Incremental, text: String, what: &str| -> f64 {
        std::fs::write(root.join(page), text).unwrap();
        let t = Instant::now();
        let u = inc.apply(&[Path::new(page).to_path_buf()]);
        let took = ms(t);
        println!(
            "{what}: {:.1} ms, {} pages re-rendered, {} files changed, ok = {}",
            took,
            u.rendered,
            u.changed.len(),
            u.ok
        );
        took
    };
    // BENCH_EDITS=N repeats each kind of edit N times (for a profiler); BENCH_BRAND_EDITS
    // sets the brand edits apart.
    let rounds: usize = std::env::var("BENCH_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let mut body = Vec::new();
    for i in 0..rounds {
        body.push(edit(
            &mut inc,
            original.replacen(
                "## Side effects\n",
                &format!("## Side effects\n\nEdit {i}.\n"),
                1,
            ),
            "body edit",
        ));
    }
    let brand_rounds: usize = std::env::var("BENCH_BRAND_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(rounds);
    let mut brand = Vec::new();
    for i in 0..brand_rounds {
        brand.push(edit(
            &mut inc,
            original.replace("Brand7b0", &format!("Brand7renamed{i}")),
            "brand edit",
        ));
    }
    std::fs::write(root.join(page), original).unwrap();
    summary("body edit", body);
    summary("brand edit", brand);
}

/// The fastest and the median of a kind of edit: on a shared machine the fastest is the
/// least disturbed.
fn summary(what: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    if let (Some(min), Some(median)) = (times.first(), times.get(times.len() / 2)) {
        println!(
            "{what}: fastest {min:.1} ms, median {median:.1} ms of {}",
            times.len()
        );
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
