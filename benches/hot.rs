//! `cargo bench`: the hot functions of a build, each timed on a generated monograph
//! (about 3 KB of Markdown with lists, a table, a footnote and links), reported as the
//! median time per call of several rounds. No harness crate: plain `Instant` timing, so
//! compare figures from the same run and machine only.

use formulary::markdown::{self, RenderInput};

/// The binary's allocator, so that allocation costs what it costs in a build.
#[global_allocator]
static ALLOC: formulary::alloc::Allocator = formulary::alloc::Allocator;
use formulary::readability;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn monograph() -> String {
    let para = "Take your tablet each week in the morning with a full glass of water. \
                Stay upright for thirty minutes, and tell your doctor about stomach pain. ";
    let mut b = String::from("Bisphosphonates slow bone loss.\n\n## What these medicines are\n\n");
    for i in 0..6 {
        b.push_str(&para.repeat(3));
        b.push_str(&format!(
            "See [class {i}](./class-{i}.md#side-effects), or ask about drug{i}x0.\n\n"
        ));
        b.push_str("### Key facts\n\n- one a week\n- with water\n- sit up\n\n");
    }
    b.push_str("| Medicine | How often |\n|---|---|\n| alendronate | weekly |\n\n");
    b.push_str(
        "## Side effects\n\nA trial found fewer breaks.[^t]\n\n[^t]: A trial. Journal, 2000.\n",
    );
    b
}

/// Runs `f` in rounds of `n` calls; prints the median time per call. With arguments
/// (`cargo bench -- autolink`), only the functions whose name holds one of them.
fn bench(name: &str, n: u32, mut f: impl FnMut()) {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
        return;
    }
    let mut rounds: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed() / n
        })
        .collect();
    rounds.sort();
    println!(
        "{name:<28} {:>10.1} µs per call",
        rounds[3].as_secs_f64() * 1e6
    );
}

fn main() {
    let body = monograph();
    println!("input: {} bytes of Markdown", body.len());
    let analysis = markdown::analyze(&body);
    let names: Vec<(String, usize)> = (0..3000).map(|i| (format!("drug{i}x0"), i)).collect();
    let targets = (0..3000)
        .map(|i| markdown::AutolinkTarget {
            page: i,
            url: format!("/c/{i}/#d"),
        })
        .collect();
    let linker = markdown::Autolinker::new(names, targets);
    let rewrite = |d: &str| d.strip_suffix(".md").map(|s| format!("/{s}/"));

    bench("markdown::analyze", 200, || {
        black_box(markdown::analyze(black_box(&body)));
    });
    bench("markdown::render (parsing the body again)", 200, || {
        let input = RenderInput {
            body: &body,
            tape: None,
            headings: &analysis.headings,
            rewrite: &rewrite,
            autolinker: None,
            page: 0,
        };
        black_box(markdown::render(&input));
    });
    bench("markdown::render", 200, || {
        let input = RenderInput {
            body: &body,
            tape: analysis.tape.as_ref(),
            headings: &analysis.headings,
            rewrite: &rewrite,
            autolinker: None,
            page: 0,
        };
        black_box(markdown::render(&input));
    });
    bench("markdown::render (autolinks)", 200, || {
        let input = RenderInput {
            body: &body,
            tape: analysis.tape.as_ref(),
            headings: &analysis.headings,
            rewrite: &rewrite,
            autolinker: Some(&linker),
            page: 0,
        };
        black_box(markdown::render(&input));
    });
    // The size of the generated 10,000-page site's names: about 60,000.
    let many: Vec<(String, usize)> = (0..60_000)
        .map(|i| (format!("Brand{}b{}", i / 6, i % 6), i))
        .collect();
    let many_targets: Vec<markdown::AutolinkTarget> = (0..60_000)
        .map(|i| markdown::AutolinkTarget {
            page: i,
            url: format!("/c/{i}/#d"),
        })
        .collect();
    bench("Autolinker::new (60,000)", 5, || {
        black_box(markdown::Autolinker::new(
            black_box(many.iter().map(|(n, t)| (n.as_str(), *t))),
            many_targets.clone(),
        ));
    });
    bench("readability::sentences", 200, || {
        for b in analysis.blocks(&body) {
            black_box(readability::sentences(black_box(b.text)));
        }
    });
    bench("readability::counts", 200, || {
        for b in analysis.blocks(&body) {
            black_box(readability::counts(
                black_box(b.text),
                readability::Formula::FleschKincaid,
            ));
        }
    });
    let page = format!(
        "+++\ntitle = \"Class 0\"\nkind = \"drug-class\"\nsummary = \"Medicines of class 0.\"\n\
         reviewed = 2026-10-01\nreviewer = \"Benchmark\"\ntreats = [\"conditions/condition-0.md\"]\n\
         drugs = [\n{}]\n+++\n{body}",
        (0..3)
            .map(|i| format!("  {{ name = \"drug0x{i}\", brands = [\"Brand0b{i}\"], forms = [\"weekly tablet\"] }},\n"))
            .collect::<String>()
    );
    assert!(formulary::load::front_matter::parse(&page).is_ok());
    bench("front_matter::parse", 2_000, || {
        black_box(formulary::load::front_matter::parse(black_box(&page)).is_ok());
    });
    bench("markdown::slugify", 20_000, || {
        black_box(markdown::slugify(black_box(
            "Who can and cannot take them?",
        )));
    });
}
