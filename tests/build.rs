//! Whole builds: the repository's own sample site, reproducibility, base paths, the
//! output folder's safety rules, aliases, drafts, assets, Markdown extensions and `new`.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the repository's sample site (configuration, content, templates, static) into a
/// temporary folder, so a test can change it.
fn copy_of_sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        manifest_dir().join("formulary.toml"),
        dir.path().join("formulary.toml"),
    )
    .unwrap();
    for sub in ["content", "templates", "static"] {
        let from = manifest_dir().join(sub);
        for (rel, bytes) in read_tree(&from) {
            write_bytes(dir.path(), &format!("{sub}/{rel}"), &bytes);
        }
    }
    dir
}

/// `(output parent, output)`: a fresh output path that does not exist yet.
fn fresh_output() -> (tempfile::TempDir, PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("public");
    (parent, out)
}

fn html_files(tree: &std::collections::BTreeMap<String, Vec<u8>>) -> Vec<String> {
    tree.keys()
        .filter(|k| k.ends_with(".html"))
        .cloned()
        .collect()
}

// --- the sample site ------------------------------------------------------------------

#[test]
fn sample_site_builds_and_every_internal_url_resolves() {
    let (_p, out) = fresh_output();
    let run = build(manifest_dir(), &out, &[]);
    run.expect_code(0);
    assert!(run.stderr.contains("0 errors"), "{}", run.stderr);

    let tree = read_tree(&out);
    for f in [
        ".formulary-output",
        "index.html",
        "drugs/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(
            tree.contains_key(f),
            "no {f} in the output: {:?}",
            tree.keys().collect::<Vec<_>>()
        );
    }
    // One page per content file, at its pretty URL.
    for (rel, _) in read_tree(&manifest_dir().join("content")) {
        if let Some(stem) = rel.strip_suffix(".md") {
            // A translation (`name.es.md`) is published below its language (`es/`).
            let (lang, stem) = match stem.rsplit_once('.') {
                Some((s, code)) if code.len() == 2 && !s.ends_with('/') => (format!("{code}/"), s),
                _ => (String::new(), stem),
            };
            let page = match stem.strip_suffix("_index") {
                Some(dir) => format!("{lang}{dir}index.html"),
                None => format!("{lang}{stem}/index.html"),
            };
            let text = String::from_utf8_lossy(
                &std::fs::read(manifest_dir().join("content").join(&rel)).unwrap(),
            )
            .into_owned();
            if text
                .lines()
                .any(|l| l.trim().replace(' ', "") == "draft=true")
            {
                continue;
            }
            assert!(
                tree.contains_key(&page),
                "content/{rel} was not published at {page}"
            );
        }
    }

    let report = check_links(&out, "/");
    report.assert_ok();
    assert!(
        report.checked > 200,
        "only {} internal URLs checked",
        report.checked
    );
    assert!(
        report.fragments > 10,
        "only {} fragments checked",
        report.fragments
    );

    // Every page has a stylesheet that resolves (checked above) and a canonical link.
    for f in html_files(&tree) {
        let html = String::from_utf8_lossy(&tree[&f]).into_owned();
        let t = tags(&html);
        assert!(
            t.iter()
                .any(|t| t.name == "link" && t.attr("rel") == Some("stylesheet")),
            "{f} has no stylesheet"
        );
    }
    // The 404 page is served at any depth, so its internal URLs are all root-relative.
    for u in internal_urls(&read(out.join("404.html"))) {
        assert!(
            u.starts_with('/') || u.starts_with('#'),
            "404.html has a relative URL `{u}`"
        );
    }
    assert!(read(out.join("robots.txt")).contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn sample_site_builds_byte_identical_twice() {
    let (_p1, out1) = fresh_output();
    let (_p2, out2) = fresh_output();
    build(manifest_dir(), &out1, &[]).expect_code(0);
    let first = read_tree(&out1);
    build(manifest_dir(), &out2, &[]).expect_code(0);
    assert_same_tree(&first, &read_tree(&out2), "two builds into two folders");
    // And a rebuild over the first output.
    build(manifest_dir(), &out1, &[]).expect_code(0);
    assert_same_tree(&first, &read_tree(&out1), "a rebuild over the same folder");
    assert!(leftover_siblings(&out1).is_empty());
    assert!(first.len() > 15, "{} files", first.len());
}

/// A template that walks a table of the configuration (itself, or its keys) gets the keys
/// in the same order in every build: sorted, as the table holds them. Each build is a new
/// process, and a map that hashes with a key drawn afresh by each process would come out
/// in a different order nearly every time.
#[test]
fn a_table_a_template_walks_comes_in_the_same_order_every_build() {
    let keys = [
        "theta", "alpha", "eta", "delta", "zeta", "beta", "iota", "gamma", "kappa", "epsilon",
    ];
    let table: String = keys.iter().map(|k| format!("{k} = \"{k}!\"\n")).collect();
    let config = format!("title = \"Small\"\n[extra.links]\n{table}");
    let dir = site(&[
        ("formulary.toml", &config),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        ),
        (
            "templates/home.html",
            "{% for k, v in site.extra.links %}{{ k }}={{ v }};{% endfor %}\
             |{{ site.extra.links | keys | join(sep=\",\") }}",
        ),
    ]);
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    let pairs: String = sorted.iter().map(|k| format!("{k}={k}!;")).collect();
    let want = format!("{pairs}|{}", sorted.join(","));
    for _ in 0..3 {
        let (_parent, out) = fresh_output();
        build(dir.path(), &out, &[]).expect_code(0);
        assert_eq!(read(out.join("index.html")).trim(), want);
    }
}

/// `page_list` with a heading and `page_list_section` (its older name) make the same titled
/// section, and nothing for an empty list; without a heading, `page_list` is the list alone.
#[test]
fn a_page_list_with_a_heading_is_the_section_page_list_section_makes() {
    let dir = site(&[
        ("formulary.toml", "title = \"Small\"\n"),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\nsummary = \"About A.\"\nreviewed = 2026-10-01\nrelated = [\"b.md\"]\n+++\n\nText.\n",
        ),
        (
            "content/b.md",
            "+++\ntitle = \"B\"\nsummary = \"About B.\"\nreviewed = 2026-10-01\n+++\n\nText.\n",
        ),
        (
            "templates/article.html",
            "{{ <page_list heading=\"See\" pages={page.related} section_class=\"rel\" class=\"l\"/> }}\
             |{{ <page_list_section heading=\"See\" pages={page.related} class=\"rel\" list_class=\"l\"/> }}\
             |{{ <page_list pages={page.related} summaries={false}/> }}\
             |{{ <page_list heading=\"None\" pages={page.treats}/> }}|",
        ),
    ]);
    let (_parent, out) = fresh_output();
    build(dir.path(), &out, &[]).expect_code(0);
    let html = read(out.join("a/index.html"));
    let parts: Vec<&str> = html.split('|').collect();
    let section = "<section class=\"page-links rel\">\n  <h2>See</h2>\n  <ul class=\"l\">\n  \
                   <li><a href=\"/b/\">B</a><p>About B.</p></li>\n</ul>\n</section>";
    assert_eq!(parts[0].trim(), section);
    assert_eq!(parts[1].trim(), section);
    assert_eq!(
        parts[2].trim(),
        "<ul class=\"page-list\">\n  <li><a href=\"/b/\">B</a></li>\n</ul>"
    );
    assert_eq!(parts[3].trim(), "");
}

/// A template may show the table of contents from `page.toc` or from `page.toc_html`,
/// and each is made only for a site whose templates read it: either way, the same lists.
#[test]
fn a_table_of_contents_is_the_same_from_its_data_and_from_its_html() {
    let page = "+++\ntitle = \"A\"\nreviewed = 2026-10-01\n+++\n\n## One & two\n\nText.\n\n\
                ### Under \"one\"\n\nText.\n\n## Three\n\nText.\n";
    let built = |template: &str| {
        let dir = site(&[
            ("formulary.toml", "title = \"Small\"\n"),
            ("content/a.md", page),
            ("templates/article.html", template),
        ]);
        let (_parent, out) = fresh_output();
        build(dir.path(), &out, &[]).expect_code(0);
        read(out.join("a/index.html"))
    };
    let from_data = built("{{ <toc items={page.toc} title=\"C\"/> }}");
    let from_html = built("{{ <toc html={page.toc_html} title=\"C\"/> }}");
    assert_eq!(from_data, from_html);
    assert!(
        from_html.contains(
            "<ol>\n  <li><a href=\"#one--two\">One &amp; two</a>\n  <ol>\n  \
             <li><a href=\"#under-one\">Under &quot;one&quot;</a></li>\n</ol></li>\n  \
             <li><a href=\"#three\">Three</a></li>\n</ol>"
        ),
        "{from_html}"
    );
    // Each alone, and both in one template.
    let lists = &from_html[from_html.find("<ol>").unwrap()..from_html.rfind("</ol>").unwrap() + 5];
    assert_eq!(built("{{ page.toc | length }}"), "2");
    assert_eq!(built("{{ page.toc_html | safe }}"), lists);
    assert_eq!(
        built("{{ page.toc | length }}|{{ page.toc_html | safe }}"),
        format!("2|{lists}")
    );
}

#[test]
fn sample_site_under_a_base_path() {
    let (_p, out) = fresh_output();
    let base = "https://user.github.io/bones/";
    build(manifest_dir(), &out, &["--base-url", base]).expect_code(0);
    let tree = read_tree(&out);

    // Every root-relative URL starts with /bones/ and resolves with it stripped.
    let report = check_links(&out, "/bones/");
    report.assert_ok();
    assert!(
        report.checked > 200,
        "only {} internal URLs checked",
        report.checked
    );
    let mut rooted = 0;
    for f in html_files(&tree) {
        let html = String::from_utf8_lossy(&tree[&f]).into_owned();
        for u in internal_urls(&html) {
            if u.starts_with('/') {
                rooted += 1;
                assert!(u.starts_with("/bones/"), "{f}: `{u}` lacks the base path");
            }
        }
        // The canonical link is the page's own absolute URL with the base.
        let canonical: Vec<String> = tags(&html)
            .iter()
            .filter(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
            .filter_map(|t| t.attr("href").map(str::to_string))
            .collect();
        if f == "404.html" {
            continue;
        }
        let is_redirect = html.contains("http-equiv=\"refresh\"");
        assert_eq!(canonical.len(), 1, "{f}: canonical links {canonical:?}");
        if !is_redirect {
            let own = format!("{base}{}", f.strip_suffix("index.html").unwrap_or(&f));
            assert_eq!(canonical[0], own, "{f}");
        } else {
            assert!(canonical[0].starts_with(base), "{f}: {}", canonical[0]);
        }
    }
    assert!(rooted > 200, "{rooted}");

    let sitemap = read(out.join("sitemap.xml"));
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(locs.len() > 10, "{sitemap}");
    for loc in &locs {
        assert!(loc.starts_with(base), "sitemap loc {loc}");
        let rel = &loc[base.len()..];
        assert!(
            tree.contains_key(&format!("{rel}index.html")),
            "sitemap loc {loc} names no page"
        );
    }
    assert!(read(out.join("robots.txt")).contains(&format!("Sitemap: {base}sitemap.xml")));
}

// --- failed builds and the output folder -----------------------------------------------

/// Builds the sample site, breaks `serms.md` with `break_page`, builds again and requires
/// the build to fail with `error` and leave the first output as it was, with no staging
/// or old folder beside it.
fn failed_build_keeps_output(break_page: impl Fn(String) -> String, error: &str) {
    let root = copy_of_sample_site();
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);
    let before = read_tree(&out);

    let page = root.path().join("content/drug-classes/serms.md");
    std::fs::write(&page, break_page(read(&page))).unwrap();
    let run = build(root.path(), &out, &[]);
    run.expect_code(1);
    let want = format!("error[{error}]: content/drug-classes/serms.md:");
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    assert_same_tree(&before, &read_tree(&out), "the output after a failed build");
    assert!(
        leftover_siblings(&out).is_empty(),
        "{:?}",
        leftover_siblings(&out)
    );
    assert!(!out.parent().unwrap().join(".public.staging").exists());
}

#[test]
fn failed_build_keeps_previous_output() {
    failed_build_keeps_output(
        |text| text + "\nSee [a page that is not there](not-there.md).\n",
        "broken-link",
    );
}

#[test]
fn a_build_failing_while_it_renders_keeps_previous_output() {
    // The checks pass, so pages are being written into the staging folder when a page's
    // template turns out to be missing: the staging folder must go, the output stay.
    failed_build_keeps_output(
        |text| text.replacen("+++\n", "+++\ntemplate = \"not-there.html\"\n", 1),
        "template",
    );
}

#[test]
fn warnings_fail_only_under_strict() {
    // A site whose only finding would be a warning builds, and --strict turns it into a
    // failed build that keeps the output. Made with an always-warning config override.
    let root = site(&[
        (
            "formulary.toml",
            "title = \"T\"\n[checks]\nbroken-link = \"warning\"\n",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        ),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n\nSee [b](b.md).\n",
        ),
    ]);
    let (_p, out) = fresh_output();
    let run = build(root.path(), &out, &[]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("warning[broken-link]: content/a.md:5:5: "),
        "{}",
        run.stderr
    );
    let before = read_tree(&out);
    let run = build(root.path(), &out, &["--strict"]);
    run.expect_code(1);
    assert_same_tree(
        &before,
        &read_tree(&out),
        "the output after a --strict failure",
    );
    check(root.path(), &["--strict"]).expect_code(1);
    check(root.path(), &[]).expect_code(0);
}

#[test]
fn stale_staging_folder_of_ours_is_replaced() {
    let root = site(&[(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
    )]);
    let (p, out) = fresh_output();
    // An interrupted earlier build left its staging folder (with the marker) behind.
    write_files(
        p.path(),
        &[
            (".public.staging/.formulary-output", "x"),
            (".public.staging/junk.html", "junk"),
        ],
    );
    build(root.path(), &out, &[]).expect_code(0);
    assert!(out.join("index.html").is_file());
    assert!(!out.join("junk.html").exists());
    assert!(leftover_siblings(&out).is_empty());
}

fn small_site() -> tempfile::TempDir {
    site(&[
        ("formulary.toml", "title = \"Small\"\n"),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        ),
        ("content/guides/a.md", "+++\ntitle = \"A\"\n+++\n\nText.\n"),
    ])
}

#[test]
fn refuses_the_site_root_as_output() {
    let root = small_site();
    let before = read_tree(root.path());
    let run = build(root.path(), root.path(), &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    assert_same_tree(&before, &read_tree(root.path()), "the site root");
    // Written as `.` from inside the root too.
    let run = formulary()
        .current_dir(root.path())
        .args(["build", "--output", "."])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert_same_tree(&before, &read_tree(root.path()), "the site root");
}

#[test]
fn refuses_an_output_inside_content() {
    let root = small_site();
    let before = read_tree(root.path());
    let out = root.path().join("content/public");
    let run = build(root.path(), &out, &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("content"), "{}", run.stderr);
    assert!(!out.exists());
    assert_same_tree(&before, &read_tree(root.path()), "the site");
    // Relative spelling that climbs back in.
    let sneaky = root.path().join("other/../content/guides/out");
    build(root.path(), &sneaky, &[]).expect_code(2);
    assert!(!root.path().join("content/guides/out").exists());
    assert_same_tree(&before, &read_tree(root.path()), "the site");
}

#[test]
fn refuses_a_foreign_non_empty_folder() {
    let root = small_site();
    let (p, out) = fresh_output();
    write_files(
        p.path(),
        &[
            ("public/thesis.docx", "years of work"),
            ("public/notes/a.txt", "notes"),
        ],
    );
    let before = read_tree(&out);
    let run = build(root.path(), &out, &[]);
    run.expect_code(2);
    assert!(run.stderr.contains(".formulary-output"), "{}", run.stderr);
    assert_same_tree(
        &before,
        &read_tree(&out),
        "a folder formulary did not write",
    );
    assert!(leftover_siblings(&out).is_empty());

    // An empty folder is fine, and gets the marker.
    let (_p2, empty) = fresh_output();
    std::fs::create_dir_all(&empty).unwrap();
    build(root.path(), &empty, &[]).expect_code(0);
    assert!(empty.join(".formulary-output").is_file());
    assert!(empty.join("guides/a/index.html").is_file());
}

#[test]
fn replaces_its_own_output_whole() {
    let root = small_site();
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);
    assert!(out.join("guides/a/index.html").is_file());
    std::fs::remove_file(root.path().join("content/guides/a.md")).unwrap();
    write_files(
        root.path(),
        &[("content/guides/b.md", "+++\ntitle = \"B\"\n+++\n\nText.\n")],
    );
    build(root.path(), &out, &[]).expect_code(0);
    assert!(
        !out.join("guides/a/index.html").exists(),
        "a page removed from content stays in the output"
    );
    assert!(out.join("guides/b/index.html").is_file());
}

// --- what a build writes ----------------------------------------------------------------

#[test]
fn alias_writes_a_redirect_page() {
    let root = site(&[
        ("formulary.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nHello.\n"),
        (
            "content/guides/new-name.md",
            "+++\ntitle = \"New name\"\naliases = [\"/old/path/\", \"/older.html\"]\n+++\n\nText.\n",
        ),
    ]);
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);
    for redirect in ["old/path/index.html", "older.html"] {
        let html = read(out.join(redirect));
        let t = tags(&html);
        let refresh = t
            .iter()
            .find(|t| {
                t.name == "meta"
                    && t.attr("http-equiv")
                        .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
            })
            .unwrap_or_else(|| panic!("{redirect} has no meta refresh:\n{html}"));
        let content = refresh.attr("content").unwrap();
        let target = content
            .split_once("url=")
            .map(|(_, u)| u.trim())
            .unwrap_or("");
        assert!(
            target == "https://example.org/guides/new-name/" || target == "/guides/new-name/",
            "{redirect}: refresh to `{target}`"
        );
        let link = t
            .iter()
            .find(|t| t.name == "a")
            .and_then(|t| t.attr("href"))
            .unwrap_or("");
        assert_eq!(link, target, "{redirect}: the visible link");
    }
    assert!(out.join("guides/new-name/index.html").is_file());
    check_links(&out, "/").assert_ok();
}

#[test]
fn drafts_only_with_the_flag() {
    let root = site(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        ),
        ("content/guides/_index.md", "+++\ntitle = \"Guides\"\n+++\n"),
        (
            "content/guides/done.md",
            "+++\ntitle = \"Finished guide\"\n+++\n\nText.\n",
        ),
        (
            "content/guides/wip.md",
            "+++\ntitle = \"Unfinished guide\"\ndraft = true\n+++\n\nText.\n",
        ),
    ]);
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);
    assert!(out.join("guides/done/index.html").is_file());
    assert!(!out.join("guides/wip/index.html").exists());
    let all: String = read_tree(&out)
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        !all.contains("Unfinished guide"),
        "the draft's title appears in the output"
    );
    assert!(
        !all.contains("guides/wip/"),
        "a URL of the draft appears in the output"
    );

    build(root.path(), &out, &["--drafts"]).expect_code(0);
    assert!(out.join("guides/wip/index.html").is_file());
    assert!(read(out.join("guides/index.html")).contains("Unfinished guide"));
    assert!(read(out.join("sitemap.xml")).contains("/guides/wip/"));
    check_links(&out, "/").assert_ok();
}

#[test]
fn static_files_and_content_assets_are_copied() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-really-an-image";
    let root = site(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        ),
        (
            "content/guides/leaflets.md",
            r#"+++
title = "Leaflets"
+++

Print [the leaflet](leaflet.pdf) or [this one](./files/dosing%20chart.txt).

![A chart of doses by week](chart.png)

![Logo](/images/logo.png)

<span class="raw">Raw HTML is not rewritten.</span>
"#,
        ),
        ("content/guides/leaflet.pdf", "%PDF-1.4 pretend"),
        (
            "content/guides/files/dosing chart.txt",
            "week 1: one tablet\n",
        ),
        ("static/extra.css", "body { color: black; }\n"),
    ]);
    write_bytes(root.path(), "content/guides/chart.png", png);
    write_bytes(root.path(), "static/images/logo.png", png);
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);

    assert_eq!(std::fs::read(out.join("images/logo.png")).unwrap(), png);
    assert_eq!(read(out.join("extra.css")), "body { color: black; }\n");
    assert_eq!(std::fs::read(out.join("guides/chart.png")).unwrap(), png);
    assert_eq!(read(out.join("guides/leaflet.pdf")), "%PDF-1.4 pretend");
    assert_eq!(
        read(out.join("guides/files/dosing chart.txt")),
        "week 1: one tablet\n"
    );
    // The built-in theme's stylesheet is there too, beside the site's own files.
    assert!(out.join("style.css").is_file());

    let page = read(out.join("guides/leaflets/index.html"));
    let urls = internal_urls(&page);
    assert!(urls.iter().any(|u| u.ends_with("leaflet.pdf")), "{urls:?}");
    assert!(urls.iter().any(|u| u.ends_with("chart.png")), "{urls:?}");
    assert!(urls.iter().any(|u| u == "/images/logo.png"), "{urls:?}");
    let report = check_links(&out, "/");
    report.assert_ok();

    // Under a base path, links to assets and static files get it too.
    let (_p2, bones) = fresh_output();
    build(
        root.path(),
        &bones,
        &["--base-url", "https://user.github.io/bones/"],
    )
    .expect_code(0);
    let page = read(bones.join("guides/leaflets/index.html"));
    let urls = internal_urls(&page);
    for want in [
        "/bones/guides/leaflet.pdf",
        "/bones/guides/chart.png",
        "/bones/images/logo.png",
    ] {
        assert!(urls.iter().any(|u| u == want), "no {want} in {urls:?}");
    }
    check_links(&bones, "/bones/").assert_ok();
}

#[test]
fn raw_html_passes_through_unchanged() {
    let raw_block = r#"<div class="callout warning" data-level="2">
<p><strong>Stop</strong> taking it &amp; call 111 if your <em>jaw</em> hurts.</p>
</div>"#;
    let body = format!(
        "+++\ntitle = \"Raw\"\n+++\n\nBefore.\n\n{raw_block}\n\nText with <abbr title=\"milligram\">mg</abbr> inline and <a name=\"old-anchor\"></a>here.\n"
    );
    let root = site(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/raw.md", &body),
    ]);
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);
    let html = read(out.join("raw/index.html"));
    assert!(html.contains(raw_block), "{html}");
    assert!(
        html.contains("<abbr title=\"milligram\">mg</abbr>"),
        "{html}"
    );
    assert!(html.contains("<a name=\"old-anchor\"></a>"), "{html}");
}

#[test]
fn markdown_extensions_render() {
    let body = r#"+++
title = "Extensions"
+++

| Medicine | How often |
|----------|-----------|
| alendronate | weekly |

A claim.[^src]

This is ~~wrong~~ right.

- [x] Take with water
- [ ] Stay upright

[^src]: A trial, 1999.
"#;
    let root = site(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/ext.md", body),
    ]);
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);
    let html = read(out.join("ext/index.html"));
    for needle in [
        "<table>",
        "<th>Medicine</th>",
        "<td>alendronate</td>",
        "<del>wrong</del>",
        "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
        "<input disabled=\"\" type=\"checkbox\"/>",
        "class=\"footnote-reference\"",
        "class=\"footnote-definition\"",
    ] {
        assert!(html.contains(needle), "no `{needle}` in:\n{html}");
    }
    // The footnote reference links to its definition on the same page.
    check_links(&out, "/").assert_ok();
}

#[test]
fn a_to_z_lists_every_drug_and_brand() {
    let body = monograph_body();
    let class = format!(
        "+++\ntitle = \"Bisphosphonates\"\nkind = \"drug-class\"\nsummary = \"Slow bone loss.\"\nreviewed = 2026-06-01\ndrugs = [\n  {{ name = \"alendronate\", brands = [\"Fosamax\", \"Binosto\"] }},\n  {{ name = \"zoledronic acid\", brands = [\"Aclasta\"] }},\n]\n+++\n\n{body}"
    );
    let root = site(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/drug-classes/bisphosphonates.md", &class),
    ]);
    let (_p, out) = fresh_output();
    build(root.path(), &out, &[]).expect_code(0);
    let html = read(out.join("drugs/index.html"));
    let t = tags(&html);
    for (name, anchor) in [
        ("alendronate", "drug-alendronate"),
        ("Fosamax", "drug-alendronate"),
        ("Binosto", "drug-alendronate"),
        ("zoledronic acid", "drug-zoledronic-acid"),
        ("Aclasta", "drug-zoledronic-acid"),
    ] {
        assert!(html.contains(name), "{name} is not in the A to Z");
        let href = format!("/drug-classes/bisphosphonates/#{anchor}");
        assert!(
            t.iter()
                .any(|t| t.name == "a" && t.attr("href") == Some(href.as_str())),
            "no link {href}"
        );
    }
    // In order, case folded: Aclasta, alendronate, Binosto, Fosamax, zoledronic acid.
    let pos = |s: &str| {
        html.find(&format!(">{s}<"))
            .unwrap_or_else(|| panic!("{s} not linked text"))
    };
    assert!(pos("Aclasta") < pos("alendronate"));
    assert!(pos("alendronate") < pos("Binosto"));
    assert!(pos("Binosto") < pos("Fosamax"));
    assert!(pos("Fosamax") < pos("zoledronic acid"));
    check_links(&out, "/").assert_ok();
}

// --- formulary new ---------------------------------------------------------------------

#[test]
fn new_drug_class_writes_sections_and_never_overwrites() {
    let root = site(&[("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")]);
    let r = root.path().to_str().unwrap();
    run(&["new", "drug-class", "Bisphosphonates", "--root", r]).expect_code(0);
    let file = root.path().join("content/drug-classes/bisphosphonates.md");
    let text = read(&file);
    assert!(text.starts_with("+++\n"), "{text}");
    assert!(text.contains("kind = \"drug-class\""), "{text}");
    assert!(text.contains("title = \"Bisphosphonates\""), "{text}");
    for h in REQUIRED_SECTIONS {
        assert!(
            text.lines().any(|l| l == format!("## {h}")),
            "no `## {h}` in:\n{text}"
        );
    }

    // The new page is a valid page: the site checks clean with drafts included.
    let c = check(root.path(), &["--drafts"]);
    c.expect_code(0);
    assert!(
        c.diagnostic_lines().iter().all(|l| !l.starts_with("error")),
        "{}",
        c.stderr
    );

    // A second run refuses and leaves the (edited) file alone.
    let edited = format!("{text}\nMy own words.\n");
    std::fs::write(&file, &edited).unwrap();
    let again = run(&["new", "drug-class", "Bisphosphonates", "--root", r]);
    assert_ne!(
        again.code,
        Some(0),
        "a second `new` succeeded:\n{}",
        again.stderr
    );
    assert!(again.stderr.contains("exists"), "{}", again.stderr);
    assert_eq!(read(&file), edited);
}

#[test]
fn new_uses_the_configured_sections() {
    let root = site(&[(
        "formulary.toml",
        "title = \"T\"\n[monograph]\nrequired_sections = [\"What it does\", \"Dosing\"]\n",
    )]);
    run(&[
        "new",
        "drug-class",
        "SGLT2 inhibitors",
        "--root",
        root.path().to_str().unwrap(),
    ])
    .expect_code(0);
    let text = read(root.path().join("content/drug-classes/sglt2-inhibitors.md"));
    assert!(
        text.contains("\n## What it does\n") && text.contains("\n## Dosing\n"),
        "{text}"
    );
    assert!(!text.contains("## Side effects"), "{text}");
}

/// `page.reading_grade` is the score the reading-level check gives the page, by the formula
/// of its language (Flesch-Kincaid for English, Fernández Huerta for Spanish), to one
/// decimal; none for a page with too little prose.
#[test]
fn templates_see_each_page_reading_grade() {
    use formulary::readability::{self, Formula};
    let dir = copy_of_sample_site();
    let root = dir.path();
    write_files(
        root,
        &[("templates/condition.html", "grade={{ page.reading_grade }}")],
    );
    let (_out_dir, out) = fresh_output();
    build(root, &out, &[]).expect_code(0);
    let (site, _) = formulary::build::load_and_check(root, None, false).unwrap();
    let mut graded = 0;
    for (path, formula) in [
        ("conditions/osteoporosis.md", Formula::FleschKincaid),
        ("conditions/osteoporosis.es.md", Formula::FernandezHuerta),
        (
            "conditions/soft-tissue-calcification.md",
            Formula::FleschKincaid,
        ),
    ] {
        let page = site
            .pages
            .iter()
            .find(|p| p.source.content_path == path)
            .unwrap();
        let want = readability::read_in(&page.source, formula)
            .score()
            .map(readability::round1);
        let html = read(out.join(formulary::render::page_output_path(page)));
        let shown = html.trim().strip_prefix("grade=").unwrap();
        let got = (!shown.is_empty()).then(|| shown.parse::<f64>().unwrap());
        assert_eq!(got, want, "{path}: {html}");
        graded += usize::from(got.is_some());
    }
    assert!(graded >= 2, "the sample's condition pages are graded");
}

/// A build lets go of each page's Markdown, prose and links as soon as its body is
/// rendered, before it renders the pages; nothing a template shows may depend on them, or
/// the pages would change with it.
#[test]
fn rendering_reads_nothing_the_build_sheds() {
    use formulary::render::Renderer;
    use std::sync::atomic::AtomicUsize;
    let dir = copy_of_sample_site();
    let root = dir.path();
    // Fields made from the body, which the built-in theme does not all show.
    write_files(
        root,
        &[(
            "templates/condition.html",
            "{{ page.word_count }} {{ page.reading_grade }} {{ page.toc | length }} {{ page.content | safe }}",
        )],
    );
    let (kept, _) = formulary::build::load_and_check(root, None, false).unwrap();
    let (shed, _, ()) = formulary::build::load_and_check_with(
        root,
        None,
        false,
        |_| || (),
        formulary::site::Site::render_bodies_shedding,
    )
    .unwrap();
    let render = |site: &formulary::site::Site| {
        let renderer = Renderer::new(root, site).unwrap();
        let (files, diags) = renderer.render_site(site, &AtomicUsize::new(0));
        assert!(diags.is_empty(), "{diags:?}");
        files
    };
    assert!(kept.pages.iter().any(|p| !p.source.body().is_empty()));
    assert!(shed.pages.iter().all(|p| p.source.body().is_empty()));
    let before = render(&kept);
    let after = render(&shed);
    assert!(before.len() > 20);
    assert_eq!(before, after);
}

/// A build runs the checks and makes the search index before it renders the bodies; neither
/// may read what rendering them makes (the HTML, the autolinks, `mentioned_on`), or what they
/// find would change with it. The index is made earlier still, from the model's pages and
/// URLs alone (beside its names and links): it must be the same as from the whole model.
#[test]
fn checks_and_index_read_nothing_the_bodies_make() {
    use formulary::site::Site;
    let dir = copy_of_sample_site();
    let root = dir.path();
    // A page the checks find fault with, that mentions other pages' drugs.
    write_files(
        root,
        &[(
            "content/conditions/faulty.md",
            "+++\ntitle = \"Faulty\"\nsummary = \"A page with faults.\"\nreviewed = 2026-01-10\nreviewer = \"A. Reviewer\"\n+++\n\nSee [nothing](missing.md) and [no heading](osteoporosis.md#nowhere). \
             Alendronate and raloxifene are named here.\n",
        )],
    );
    let config = formulary::build::load_config(root, None).unwrap();
    let language = config.language.clone();
    let pages_only = Site::pages_of(config, formulary::load::load(root, false, &language));
    assert!(pages_only.drug_index.is_empty());
    assert!(pages_only.pages.iter().all(|p| p.links.is_empty()));
    let early_index = formulary::search::index_files(&pages_only);
    let config = formulary::build::load_config(root, None).unwrap();
    let mut site = Site::build_model(config, formulary::load::load(root, false, &language));
    assert!(site.pages.iter().all(|p| p.content_html.is_empty()));
    let read = |site: &Site| {
        (
            formulary::checks::run(site),
            formulary::search::index_files(site),
        )
    };
    let before = read(&site);
    site.render_bodies();
    assert!(site.pages.iter().any(|p| !p.mentioned_on.is_empty()));
    assert!(site.pages.iter().any(|p| !p.autolinked.is_empty()));
    let after = read(&site);
    assert!(
        before.0.iter().any(|d| d.path.ends_with("faulty.md")),
        "{:?}",
        before.0
    );
    assert_eq!(before, after);
    assert!(!early_index.is_empty());
    assert_eq!(early_index, after.1);
}
