//! Sites generated in code: a 300-page formulary and a book carried over from mdBook. Both
//! must build with zero diagnostics and every internal link must resolve in the output.

mod common;

use common::*;
use std::fmt::Write as _;
use std::path::Path;

/// A made-up word, distinct for every `i` (so drug names never collide or overlap).
fn word(i: usize, suffix: &str) -> String {
    const SYL: [&str; 10] = ["ba", "ke", "lo", "mi", "nu", "ra", "so", "ti", "vo", "ze"];
    let mut s = String::new();
    let mut n = i;
    for _ in 0..3 {
        s.push_str(SYL[n % 10]);
        n /= 10;
    }
    s.push_str(suffix);
    s
}

const CLASSES: usize = 250;
const CONDITIONS: usize = 50;

fn class_path(i: usize) -> String {
    format!("class-{i:03}.md")
}

fn generic(i: usize, k: usize) -> String {
    word(i, if k == 0 { "dronate" } else { "mab" })
}

fn brand(i: usize, k: usize) -> String {
    let mut b = word(i, if k == 0 { "max" } else { "lia" });
    b[..1].make_ascii_uppercase();
    b
}

fn condition_title(c: usize) -> String {
    let mut w = word(c, "osis");
    w[..1].make_ascii_uppercase();
    w
}

/// The 300-page site: 250 drug classes of two drugs each, 50 conditions they treat.
fn formulary_site() -> Vec<(String, String)> {
    let mut files = vec![
        (
            "formulary.toml".to_string(),
            // The made-up drug names are long words, which no reading-level formula likes.
            "title = \"Generated\"\nbase_url = \"https://example.org/\"\n[readability]\nmax_grade = 40\n".to_string(),
        ),
        ("content/_index.md".into(), "+++\ntitle = \"Generated\"\n+++\n\nA site made by a test.\n".into()),
        (
            "content/drug-classes/_index.md".into(),
            "+++\ntitle = \"Types of medicine\"\n+++\n\nEvery type.\n".into(),
        ),
        ("content/conditions/_index.md".into(), "+++\ntitle = \"Conditions\"\n+++\n\nEvery condition.\n".into()),
    ];
    for i in 0..CLASSES {
        let next = (i + 1) % CLASSES;
        let far = (i * 7 + 13) % CLASSES;
        let c1 = i % CONDITIONS;
        let c2 = (i * 3 + 1) % CONDITIONS;
        let treats = if c1 == c2 {
            format!("\"conditions/cond-{c1:02}.md\"")
        } else {
            format!("\"conditions/cond-{c1:02}.md\", \"conditions/cond-{c2:02}.md\"")
        };
        let mut t = String::new();
        let _ = write!(
            t,
            "+++\ntitle = \"Class {i:03}\"\nkind = \"drug-class\"\nsummary = \"Medicines of group {i}.\"\nreviewed = 2026-06-01\nweight = {i}\ntreats = [{treats}]\nrelated = [\"drug-classes/{}\"]\ndrugs = [\n",
            class_path(next)
        );
        for k in 0..2 {
            let _ = writeln!(
                t,
                "  {{ name = \"{}\", brands = [\"{}\"], forms = [\"daily tablet\"] }},",
                generic(i, k),
                brand(i, k)
            );
        }
        let _ = write!(
            t,
            "]\n+++\n\nThis group helps with [a condition](../conditions/cond-{c1:02}.md). \
             It is not like {other}. See [the next group](./{next_path}) \
             and [how to take the far group](/drug-classes/{far_path}#how-to-take-them).\n\n\
             ## What these medicines are\n\nThey are tablets.\n\n\
             ### Key facts\n\nTake one a day. Read about [the risks](../conditions/cond-{c2:02}.md#risks).\n\n\
             ## Who can and cannot take them\n\nMost adults can.\n\n\
             ### Key facts\n\nAsk first. See [their key facts](#key-facts).\n\n\
             ## How to take them\n\nWith water. Compare [the far drug]({far_path}#drug-{far_drug}).\n\n\
             ## Side effects\n\nSome people feel sick. See [below](#key-facts-1) and \
             [the other side effects]({next_path}#side-effects).\n\n\
             ### Common side effects\n\nA sore stomach. Look in the [A to Z](/drugs/).\n",
            other = brand(far, 1),
            next_path = class_path(next),
            far_path = class_path(far),
            far_drug = generic(far, 0),
        );
        files.push((format!("content/drug-classes/{}", class_path(i)), t));
    }
    for c in 0..CONDITIONS {
        let title = condition_title(c);
        let text = format!(
            "+++\ntitle = \"{title}\"\nkind = \"condition\"\nsummary = \"A made-up condition.\"\nreviewed = 2026-06-01\nalso_known_as = [\"{aka}\"]\n+++\n\n\
             This is a condition of the bones.\n\n## Symptoms\n\nPain.\n\n## Risks\n\nAge. See [symptoms](#symptoms) and \
             [the next one](cond-{n:02}.md#symptoms).\n\n## Treatment\n\nSee [a group](../drug-classes/{cls}#side-effects).\n",
            aka = word(c, " disease"),
            n = (c + 1) % CONDITIONS,
            cls = class_path(c * 5),
        );
        files.push((format!("content/conditions/cond-{c:02}.md"), text));
    }
    files
}

fn write_generated(root: &Path, files: &[(String, String)]) {
    for (p, t) in files {
        write_bytes(root, p, t.as_bytes());
    }
}

fn assert_clean(run: &Run) {
    run.expect_code(0);
    assert!(
        run.diagnostic_lines().is_empty(),
        "expected zero diagnostics:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn three_hundred_pages_build_clean_and_every_link_resolves() {
    let files = formulary_site();
    let root = tempfile::tempdir().unwrap();
    write_generated(root.path(), &files);
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("public");

    let run = build(root.path(), &out, &[]);
    assert_clean(&run);
    assert!(run.stderr.contains("303 pages"), "{}", run.stderr);
    let first = read_tree(&out);
    for i in [0, 1, 124, 249] {
        assert!(first.contains_key(&format!("drug-classes/class-{i:03}/index.html")));
    }
    let report = check_links(&out, "/");
    report.assert_ok();
    // Each class page alone writes 8 body links; autolinks, lists and the theme add more.
    assert!(
        report.checked > CLASSES * 8,
        "only {} URLs checked",
        report.checked
    );
    assert!(
        report.fragments > CLASSES * 5,
        "only {} fragments checked",
        report.fragments
    );

    // Spot checks: links rewritten to pretty URLs with their fragments, a repeated heading's
    // id, a drug's anchor, the autolinked brand of another class, and the reverse edges.
    let page = String::from_utf8_lossy(&first["drug-classes/class-000/index.html"]).into_owned();
    let urls = internal_urls(&page);
    for want in [
        "/conditions/cond-00/",
        "/drug-classes/class-001/",
        "/drug-classes/class-013/#how-to-take-them",
        "/drug-classes/class-013/#drug-",
        "/conditions/cond-01/#risks",
        "#key-facts-1",
        "/drug-classes/class-001/#side-effects",
        "/drugs/",
    ] {
        assert!(
            urls.iter().any(|u| u.starts_with(want)),
            "class-000 has no link to {want}: {urls:?}"
        );
    }
    assert!(page.contains(&format!("/drug-classes/class-013/#drug-{}", generic(13, 0))));
    assert!(page.contains("<h3 id=\"key-facts-1\">"), "{page}");
    assert!(
        page.contains(&format!(">{}</a>", brand(13, 1))),
        "the other class's brand was not autolinked"
    );
    let cond = String::from_utf8_lossy(&first["conditions/cond-00/index.html"]).into_owned();
    // cond-00 is treated by classes 0, 50, 100, 150, 200 (as c1) at least.
    for i in [0, 50, 100, 150, 200] {
        assert!(
            cond.contains(&format!("/drug-classes/class-{i:03}/")),
            "cond-00 does not list class {i}"
        );
    }

    // Byte-identical when built again.
    let out2 = outs.path().join("again");
    assert_clean(&build(root.path(), &out2, &[]));
    assert_same_tree(
        &first,
        &read_tree(&out2),
        "two builds of the generated site",
    );

    // And every link resolves under a base path.
    let out3 = outs.path().join("bones");
    assert_clean(&build(
        root.path(),
        &out3,
        &["--base-url", "https://user.github.io/bones/"],
    ));
    let report = check_links(&out3, "/bones/");
    report.assert_ok();
    assert!(report.checked > CLASSES * 8);
    let page = read(out3.join("drug-classes/class-000/index.html"));
    assert!(
        page.contains("href=\"/bones/drug-classes/class-013/#how-to-take-them\""),
        "{page}"
    );
}

/// The part of a page inside `<section class="page-links NAME">`.
fn section<'a>(page: &'a str, class: &str) -> &'a str {
    let start = page
        .find(&format!("<section class=\"page-links {class}\">"))
        .unwrap_or_else(|| panic!("no {class} section"));
    let end = page[start..]
        .find("</section>")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

/// The cross-links of the 300-page site, checked everywhere, not by sample: every name in
/// the A to Z, every first mention of another class's brand, every condition's list of
/// medicines and every class's "Mentioned on".
#[test]
fn three_hundred_pages_are_cross_linked_everywhere() {
    let files = formulary_site();
    let root = tempfile::tempdir().unwrap();
    write_generated(root.path(), &files);
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("public");
    assert_clean(&build(root.path(), &out, &[]));
    let tree = read_tree(&out);
    let page = |p: &str| String::from_utf8_lossy(&tree[p]).into_owned();
    let class_url = |i: usize| format!("/drug-classes/class-{i:03}/");

    // The A to Z: every generic and brand name, linked to its class at the drug's anchor.
    let az = page("drugs/index.html");
    for i in 0..CLASSES {
        for k in 0..2 {
            let href = format!("href=\"{}#drug-{}\"", class_url(i), generic(i, k));
            for name in [generic(i, k), brand(i, k)] {
                assert!(
                    az.contains(&format!("{href}>{name}</a>")),
                    "{name} is not in the A to Z linked to class {i}"
                );
            }
        }
    }

    // Who links to each class: its previous class, the classes that name it as their far
    // class (a link and an autolinked brand), and the condition that points at it.
    let mut linked_from: Vec<Vec<String>> = vec![Vec::new(); CLASSES];
    for i in 0..CLASSES {
        let far = (i * 7 + 13) % CLASSES;
        linked_from[(i + 1) % CLASSES].push(class_url(i));
        linked_from[far].push(class_url(i));
    }
    for c in 0..CONDITIONS {
        linked_from[c * 5].push(format!("/conditions/cond-{c:02}/"));
    }
    for (i, linkers) in linked_from.iter().enumerate() {
        let html = page(&format!("drug-classes/class-{i:03}/index.html"));
        // The first mention of the far class's brand links to that class's drug anchor.
        let far = (i * 7 + 13) % CLASSES;
        let want = format!(
            "<a href=\"{}#drug-{}\">{}</a>",
            class_url(far),
            generic(far, 1),
            brand(far, 1)
        );
        assert!(
            html.contains(&want),
            "class {i} does not autolink {}",
            brand(far, 1)
        );
        let mentioned = section(&html, "mentioned-on");
        for from in linkers {
            assert!(
                mentioned.contains(&format!("href=\"{from}\"")),
                "class {i} does not list {from} under Mentioned on"
            );
        }
    }

    // Every condition lists every class that treats it.
    for c in 0..CONDITIONS {
        let html = page(&format!("conditions/cond-{c:02}/index.html"));
        let listed = section(&html, "treated-by");
        for i in 0..CLASSES {
            let treats = i % CONDITIONS == c || (i * 3 + 1) % CONDITIONS == c;
            assert_eq!(
                listed.contains(&format!("href=\"{}\"", class_url(i))),
                treats,
                "condition {c} and class {i}"
            );
        }
    }
}

// --- a book carried over from mdBook ----------------------------------------------------

const PARTS: usize = 5;
const CHAPTERS: usize = 8;

fn chapter(p: usize, c: usize) -> (usize, usize) {
    // Wraps into 1..=PARTS, 1..=CHAPTERS.
    ((p - 1) % PARTS + 1, (c - 1) % CHAPTERS + 1)
}

/// A link destination to chapter (q, d) from chapter (p, _), written as mdBook authors do.
fn to_chapter(p: usize, q: usize, d: usize) -> String {
    if p == q {
        format!("chapter-{d}.md")
    } else {
        format!("../part-{q}/chapter-{d}.md")
    }
}

/// One chapter. Its headings give the ids overview, details, dosing, details-1,
/// side-effects-common--serious, details-2, notes-P-C (custom), why-it-matters; its raw HTML
/// gives `legacy-P-C`.
fn chapter_text(p: usize, c: usize) -> (String, usize) {
    let mut t = format!("+++\ntitle = \"Part {p}, chapter {c}\"\nweight = {c}\n+++\n\n");
    let mut links = 0;
    let mut refs = String::new();
    let _ = writeln!(
        t,
        "<a name=\"legacy-{p}-{c}\"></a>\n\nThis chapter is short.\n"
    );
    let _ = writeln!(t, "## Overview\n");
    // Inline links to chapters in other parts and to the next chapter of this part.
    for k in 1..=4 {
        let (q, d) = chapter(p + k, c + k);
        let anchor = [
            "details-1",
            "side-effects-common--serious",
            "overview",
            "details-2",
        ][k - 1];
        let _ = writeln!(
            t,
            "- Read [part {q} chapter {d}]({}#{anchor}).",
            to_chapter(p, q, d)
        );
        links += 1;
    }
    let (q, d) = chapter(p, c + 1);
    let _ = writeln!(t, "- Next: [chapter {d}]({}).\n", to_chapter(p, q, d));
    links += 1;
    let _ = writeln!(
        t,
        "### Details\n\nSee [the notes](#notes-{p}-{c}) and [why](#why-it-matters).\n"
    );
    links += 2;
    let _ = writeln!(t, "## Dosing\n");
    // Reference-style links, to custom ids and raw-HTML anchors.
    for k in 1..=4 {
        let (q, d) = chapter(p + 2 * k, c + 3 * k);
        let anchor = if k % 2 == 0 {
            format!("notes-{q}-{d}")
        } else {
            format!("legacy-{q}-{d}")
        };
        let _ = writeln!(t, "Look at [this part][r{k}] and then [that one][s{k}].");
        let _ = writeln!(refs, "[r{k}]: {}#{anchor}", to_chapter(p, q, d));
        let _ = writeln!(refs, "[s{k}]: {}#why-it-matters", to_chapter(p, q, d));
        links += 2;
    }
    let _ = writeln!(
        t,
        "\n### Details\n\nMore detail. Back to [the top details](#details).\n"
    );
    links += 1;
    let _ = writeln!(
        t,
        "## Side effects: common & serious\n\nSome.\n\n### Details\n\nEven more.\n"
    );
    let _ = writeln!(t, "## Notes {{#notes-{p}-{c}}}\n\nA note with a [root link](/src/part-1/chapter-1.md#overview).\n");
    links += 1;
    let _ = writeln!(t, "### Why it matters?\n\nIt does.\n");
    t.push_str(&refs);
    (t, links)
}

#[test]
fn mdbook_style_book_resolves_every_anchor() {
    let root = tempfile::tempdir().unwrap();
    write_files(
        root.path(),
        &[
            ("formulary.toml", "title = \"The Book\"\n"),
            (
                "content/_index.md",
                "+++\ntitle = \"The Book\"\n+++\n\nStart with [part 1](src/part-1/chapter-1.md).\n",
            ),
        ],
    );
    let mut total_links = 0;
    for p in 1..=PARTS {
        for c in 1..=CHAPTERS {
            let (text, n) = chapter_text(p, c);
            total_links += n;
            write_bytes(
                root.path(),
                &format!("content/src/part-{p}/chapter-{c}.md"),
                text.as_bytes(),
            );
        }
    }
    assert!(total_links >= 400, "{total_links}");

    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("book");
    let run = build(root.path(), &out, &[]);
    assert_clean(&run);
    let report = check_links(&out, "/");
    report.assert_ok();
    assert!(
        report.checked >= total_links,
        "{} < {total_links}",
        report.checked
    );
    assert!(
        report.fragments >= 40 * 14,
        "only {} fragments checked",
        report.fragments
    );

    // Part 1 chapter 1: its first link goes to part 2 chapter 2's second "Details" heading.
    let html = read(out.join("src/part-1/chapter-1/index.html"));
    let urls = internal_urls(&html);
    assert!(
        urls.contains(&"/src/part-2/chapter-2/#details-1".to_string()),
        "{urls:?}"
    );
    assert!(
        urls.contains(&"/src/part-1/chapter-2/".to_string()),
        "{urls:?}"
    );
    // r1 → part 3 chapter 4, a raw-HTML anchor; r2 → part 5 chapter 7, a custom id.
    assert!(
        urls.contains(&"/src/part-3/chapter-4/#legacy-3-4".to_string()),
        "{urls:?}"
    );
    assert!(
        urls.contains(&"/src/part-5/chapter-7/#notes-5-7".to_string()),
        "{urls:?}"
    );
    assert!(urls.contains(&"#notes-1-1".to_string()), "{urls:?}");
    let target = read(out.join("src/part-2/chapter-2/index.html"));
    for id in [
        "<h3 id=\"details\">",
        "<h3 id=\"details-1\">",
        "<h3 id=\"details-2\">",
        "<h2 id=\"notes-2-2\">",
        "<h2 id=\"side-effects-common--serious\">",
        "<h3 id=\"why-it-matters\">",
        "<a name=\"legacy-2-2\"></a>",
    ] {
        assert!(
            target.contains(id),
            "no `{id}` in part 2 chapter 2:\n{target}"
        );
    }
    // The custom id's braces do not show in the heading text.
    assert!(!target.contains("{#notes"), "{target}");
}
