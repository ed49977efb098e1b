//! The floor of a build on this machine, for the speed benchmark: reads every Markdown file
//! of a site, renders its body with bare pulldown-cmark (formulary's Markdown options, no
//! template, no link, no check, no search index) and writes it where formulary writes the
//! page (`drug-classes/a.md` to `drug-classes/a/index.html`), on every core. No generator
//! that reads, renders and writes the same pages can take less; the benchmark reports it
//! beside the builds, so that figures taken on machines of different speeds can be set
//! side by side.
//!
//! `cargo run --release --example bench_floor -- SITE_DIR OUTPUT_DIR` (OUTPUT_DIR must not
//! exist: every file is written afresh, as after a clean).

use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The allocator of the formulary binary, as the builds it is set beside use.
#[global_allocator]
static ALLOC: formulary::alloc::Allocator = formulary::alloc::Allocator;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let (Some(site), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: bench_floor SITE_DIR OUTPUT_DIR");
        std::process::exit(2);
    };
    let content = Path::new(&site).join("content");
    let out = PathBuf::from(out);
    if out.exists() {
        eprintln!("bench_floor: {} exists; give a new folder", out.display());
        std::process::exit(2);
    }
    // The files formulary reads, found the way it finds them.
    let files: Vec<(String, PathBuf)> = formulary::load::walk_files(&content)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .collect();
    let bytes: usize = files
        .par_iter()
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(path).expect("a readable Markdown file");
            let mut html = String::with_capacity(text.len() * 3 / 2);
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(body(&text), formulary::markdown::options()),
            );
            let dir = out.join(formulary::site::url_path_of(rel));
            std::fs::create_dir_all(&dir).expect("a folder for the page");
            std::fs::write(dir.join("index.html"), &html).expect("the page written");
            html.len()
        })
        .sum();
    eprintln!(
        "{} pages, {:.1} MB of HTML written to {}",
        files.len(),
        bytes as f64 / 1e6,
        out.display()
    );
}

/// The Markdown after the front matter, found as formulary finds it (the whole text when it
/// has none).
fn body(text: &str) -> &str {
    formulary::load::front_matter::split(text).map_or(text, |s| &text[s.body_start..])
}
