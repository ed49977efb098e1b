//! Search, end to end: a fixture site built by the binary, its written index read back
//! through the Rust mirror of the query side (`formulary::search::query`), the search page
//! and the search boxes that lead to it.
//!
//! `cargo test --test search -- --ignored first_query_bytes` measures what a first query
//! downloads on an already built site: `FORMULARY_SEARCH_OUTPUT=/dev/shm/out` (the output
//! folder) and `FORMULARY_SEARCH_QUERIES="Brand5000b1,stomach"`.

mod common;

use common::*;
use formulary::search::query::{on_disk, Hit};
use std::collections::BTreeMap;
use std::path::Path;

fn fixture_files() -> Vec<(&'static str, String)> {
    let class = |title: &str, summary: &str, drugs: &str, body: &str| {
        format!(
            "+++\ntitle = \"{title}\"\nkind = \"drug-class\"\nsummary = \"{summary}\"\nreviewed = 2026-10-01\ndrugs = [\n{drugs}\n]\n+++\n\n{body}\n\n{}",
            monograph_body()
        )
    };
    vec![
        (
            "formulary.toml",
            "title = \"Bones\"\nbase_url = \"https://user.github.io/bones/\"\n[readability]\nmax_grade = 30\n".to_string(),
        ),
        ("content/_index.md", "+++\ntitle = \"Bone medicines\"\n+++\nGuides to medicines.\n".into()),
        ("content/drug-classes/_index.md", "+++\ntitle = \"Medicines\"\n+++\n".into()),
        (
            "content/drug-classes/bisphosphonates.md",
            class(
                "Bisphosphonates",
                "Medicines that slow down bone loss.",
                "  { name = \"alendronate\", brands = [\"Fosamax\", \"Binosto\"] },\n  { name = \"zoledronic acid\", brands = [\"Reclast\"] },",
                "Bisphosphonates lower the chance of fractures.",
            ),
        ),
        (
            "content/drug-classes/serms.md",
            class(
                "SERMs",
                "Tablets that act like estrogen on bone.",
                "  { name = \"raloxifene\", brands = [\"Évista\"] },",
                "Raloxifene is not the same as alendronate or Fosamax.",
            ),
        ),
        (
            "content/conditions/osteoporosis.md",
            "+++\ntitle = \"Osteoporosis\"\nkind = \"condition\"\nsummary = \"Thin, weak bones.\"\nreviewed = 2026-10-01\nalso_known_as = [\"brittle bones\"]\n+++\n\nMany people take Fosamax (alendronate) or Evista.\n".into(),
        ),
        (
            "content/guides/fosamax-mornings.md",
            "+++\ntitle = \"Taking tablets in the morning\"\nsummary = \"Tips.\"\n+++\n\n## Fosamax with water\n\nTake Fosamax with a full glass of water. Fosamax, Fosamax and Fosamax again.\n".into(),
        ),
    ]
}

/// Builds the fixture into `out` and returns the run.
fn build_fixture(root: &Path, out: &Path) {
    let files = fixture_files();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    write_files(root, &refs);
    build(root, out, &[]).expect_code(0);
}

fn search(out: &Path, q: &str) -> Vec<Hit> {
    on_disk(out).expect("an index").search(q)
}

fn urls(out: &Path, q: &str) -> Vec<String> {
    search(out, q).into_iter().map(|h| h.url).collect()
}

fn search_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree(&out.join("search"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".json"))
        .collect()
}

#[test]
fn the_index_finds_brands_names_typos_and_words() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("out"));
    build_fixture(&root, &out);

    let manifest: serde_json::Value =
        serde_json::from_str(&read(out.join("search/index.json"))).unwrap();
    assert_eq!(manifest["version"], 1);
    assert_eq!(manifest["docs"], 6);
    for leaf in manifest["shards"].as_array().unwrap() {
        let name = formulary::search::index::leaf_file_name(leaf.as_str().unwrap());
        assert!(
            out.join(format!("search/terms-{name}.json")).is_file(),
            "{name}"
        );
    }
    assert!(out.join("search/docs-0.json").is_file());
    assert!(out.join("search.js").is_file());

    let class = "/bones/drug-classes/bisphosphonates/";
    let serms = "/bones/drug-classes/serms/";
    // A brand on a pill box: its class first, then pages that mention it.
    let hits = search(&out, "Fosamax");
    assert_eq!(hits[0].url, class, "{hits:#?}");
    assert_eq!(hits[0].title, "Bisphosphonates");
    assert_eq!(hits[0].summary, "Medicines that slow down bone loss.");
    assert!(hits.len() >= 4, "{hits:#?}");
    for q in [
        "fosamax",
        "FOSAMAX",
        "binosto",
        "alendronate",
        "Reclast",
        "zoledronic acid",
    ] {
        assert_eq!(urls(&out, q)[0], class, "{q}");
    }
    for q in ["raloxifene", "Evista", "évista", "EVISTA"] {
        assert_eq!(urls(&out, q)[0], serms, "{q}");
    }
    // Prefixes and one typo after the first two letters.
    for q in [
        "alendronat",
        "alendr",
        "fosamx",
        "fosmaax",
        "fosamaxx",
        "fosanax",
        "alendronte",
    ] {
        assert_eq!(
            urls(&out, q).first().map(String::as_str),
            Some(class),
            "{q}"
        );
    }
    assert_eq!(urls(&out, "raloxifine")[0], serms);
    assert_eq!(
        urls(&out, "brittle bones")[0],
        "/bones/conditions/osteoporosis/"
    );
    // Body words are stemmed: "fracture" finds "fractures".
    assert!(urls(&out, "fracture").contains(&class.to_string()));
    // Nothing for nonsense.
    assert!(search(&out, "qqqqzz").is_empty());
}

#[test]
fn the_search_page_and_boxes_lead_to_it_under_the_base_path() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("out"));
    build_fixture(&root, &out);

    let page = read(out.join("search/index.html"));
    let tags = tags(&page);
    let holder = tags
        .iter()
        .find(|t| t.attr("id") == Some("fm-search"))
        .expect("the search block");
    assert_eq!(holder.attr("data-search-index"), Some("/bones/search/"));
    assert_eq!(holder.attr("data-drugs"), Some("/bones/drugs/"));
    assert!(tags
        .iter()
        .any(|t| t.name == "script" && t.attr("src") == Some("/bones/search.js")));
    let status = tags
        .iter()
        .find(|t| t.attr("id") == Some("fm-search-status"))
        .expect("a status line");
    assert_eq!(status.attr("aria-live"), Some("polite"));
    let form = tags.iter().find(|t| t.name == "form").expect("a form");
    assert_eq!(form.attr("action"), Some("/bones/search/"));
    assert_eq!(form.attr("method"), Some("get"));
    assert!(tags.iter().any(|t| t.name == "input"
        && t.attr("name") == Some("q")
        && t.attr("id") == Some("fm-search-q")));
    // Without JavaScript it says so and links to the A to Z.
    let noscript = &page[page.find("<noscript>").expect("noscript")..];
    let noscript = &noscript[..noscript.find("</noscript>").unwrap()];
    assert!(noscript.contains("JavaScript") && noscript.contains("href=\"/bones/drugs/\""));

    // Every other page's header, and the home page, send `q` to the search page.
    for page in [
        "index.html",
        "drug-classes/serms/index.html",
        "drugs/index.html",
    ] {
        let html = read(out.join(page));
        let forms: Vec<_> = tags_of_forms(&html);
        assert!(
            forms.iter().any(|a| a == "/bones/search/"),
            "{page}: no search box ({forms:?})"
        );
    }
}

fn tags_of_forms(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .filter(|t| t.name == "form" && t.attr("role") == Some("search"))
        .filter_map(|t| t.attr("action").map(str::to_string))
        .collect()
}

#[test]
fn the_index_is_byte_identical_and_an_edit_changes_only_its_shards() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("out"));
    build_fixture(&root, &out);
    let first = search_files(&out);
    build(&root, &out, &[]).expect_code(0);
    assert_same_tree(&first, &search_files(&out), "search index rebuilt");

    // One new word in one page's body.
    let path = root.join("content/guides/fosamax-mornings.md");
    let text = read(&path).replace("again.", "again. Zebrafish.");
    std::fs::write(&path, text).unwrap();
    build(&root, &out, &[]).expect_code(0);
    let second = search_files(&out);
    let changed: Vec<&String> = second
        .iter()
        .filter(|(p, b)| first.get(*p) != Some(*b))
        .map(|(p, _)| p)
        .collect();
    assert!(changed.contains(&&"index.json".to_string()), "{changed:?}");
    assert!(
        changed.iter().any(|p| p.starts_with("terms-z")),
        "{changed:?}"
    );
    assert!(
        changed.len() <= 3,
        "only the manifest and the shard of the new word change: {changed:?}"
    );
    assert_eq!(urls(&out, "zebrafish"), ["/bones/guides/fosamax-mornings/"]);
}

/// Measures a first query on a built site (see the top of this file).
#[test]
#[ignore]
fn first_query_bytes() {
    let out = std::env::var("FORMULARY_SEARCH_OUTPUT").expect("FORMULARY_SEARCH_OUTPUT");
    let out = Path::new(&out);
    let queries =
        std::env::var("FORMULARY_SEARCH_QUERIES").unwrap_or_else(|_| "Brand5000b1,stomach".into());
    let script = std::fs::metadata(out.join("search.js")).unwrap().len() as usize;
    for q in queries.split(',') {
        let mut s = on_disk(out).unwrap();
        let t = std::time::Instant::now();
        let hits = s.search(q);
        let elapsed = t.elapsed();
        let index: usize = s.fetched.iter().map(|(_, n)| n).sum();
        println!(
            "{q:?}: {} results, first {:?}; script {script} B + index {index} B = {} B in {} files ({:?}) {:?}",
            hits.len(),
            hits.first().map(|h| &h.url),
            script + index,
            s.fetched.len() + 1,
            elapsed,
            s.fetched
        );
        assert!(script + index <= 150 * 1024, "{q}: over 150 KB");
    }
}
