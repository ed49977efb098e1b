//! Times incremental rebuilds on a generated site (see gen_corpus): a body edit and a
//! front-matter edit that changes a brand name, each applied to the in-memory model.
//!
//! `cargo run --release --example bench_edit -- /dev/shm/c10k`

use formulary::serve::incremental::Incremental;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The allocator of the formulary binary, so that the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let edit = |inc: &mut Incremental, text: String, what: &str| {
        std::fs::write(root.join(page), text).unwrap();
        let t = Instant::now();
        let u = inc.apply(&[Path::new(page).to_path_buf()]);
        println!(
            "{what}: {:.1} ms, {} pages re-rendered, {} files changed, ok = {}",
            ms(t),
            u.rendered,
            u.changed.len(),
            u.ok
        );
    };
    for i in 0..3 {
        edit(
            &mut inc,
            original.replacen(
                "## Side effects\n",
                &format!("## Side effects\n\nEdit {i}.\n"),
                1,
            ),
            "body edit",
        );
    }
    for i in 0..3 {
        edit(
            &mut inc,
            original.replace("Brand7b0", &format!("Brand7renamed{i}")),
            "brand edit",
        );
    }
    std::fs::write(root.join(page), original).unwrap();
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
