//! Sites in two languages: URLs under `/es/`, translations grouped with their sources
//! (switcher, `hreflang`, sitemap alternates), per-language A to Z, autolinks and search,
//! links that fall back to the source, inherited drugs, the translation checks, the Atom
//! feeds (read back with a feed parser) and bad translations as diagnostics.

mod common;

use common::*;
use std::path::Path;

const CONFIG: &str = r#"title = "Bones"
base_url = "https://example.org/bones/"
language = "en"
description = "Bone medicines."

[languages.es]
title = "Huesos"
description = "Medicamentos para los huesos."

[languages.es.monograph]
required_sections = ["Qué son", "Efectos secundarios"]
"#;

const HOME: &str = "+++\ntitle = \"Bones\"\n+++\n\nSee the [A to Z](/drugs/).\n";
const HOME_ES: &str = "+++\ntitle = \"Huesos\"\n+++\n\nVea la [lista](/drugs/) y la [osteoporosis](conditions/osteoporosis.md).\n";

const BISPHOSPHONATES: &str = r#"+++
title = "Bisphosphonates"
kind = "drug-class"
summary = "Tablets that slow bone loss."
reviewed = 2026-06-01
treats = ["conditions/osteoporosis.md"]
related = ["drug-classes/calcium.md"]
weight = 10
drugs = [
  { name = "alendronate", brands = ["Fosamax", "Binosto"], forms = ["weekly tablet"] },
  { name = "zoledronic acid", brands = ["Reclast", "Aclasta"], forms = ["yearly infusion"] },
]
+++

For [osteoporosis](../conditions/osteoporosis.md). Take them with water.

## What these medicines are

They slow bone loss.

## Who can and cannot take them

Most adults.

## How to take them

With water.

## Side effects

Heartburn.
"#;

fn bisphosphonates_es(reviewed: &str) -> String {
    format!(
        r#"+++
title = "Bifosfonatos"
kind = "drug-class"
summary = "Pastillas que frenan la pérdida de hueso."
reviewed = {reviewed}
drugs = [
  {{ name = "alendronato", translates = "alendronate", forms = ["pastilla semanal"] }},
  {{ name = "ácido zoledrónico", translates = "zoledronic acid", brands = ["Aclasta"] }},
]
+++

Para la osteoporosis. Vea el [calcio](calcium.md), la [osteoporosis](../conditions/osteoporosis.md#qué-es) y el [alendronato](#drug-alendronate).

## Qué son

Frenan la pérdida de hueso. Muchas personas toman Aclasta.

## Efectos secundarios

Acidez.
"#
    )
}

const CALCIUM: &str = r#"+++
title = "Calcium"
kind = "drug-class"
summary = "Supplements."
reviewed = 2026-05-01
treats = ["conditions/osteoporosis.md"]
weight = 20
drugs = [ { name = "calcium carbonate", brands = ["Tums"] } ]
+++

People on Fosamax take these too.

## What these medicines are

Supplements.

## Who can and cannot take them

Most adults.

## How to take them

With food.

## Side effects

Constipation.
"#;

const OSTEOPOROSIS: &str = r#"+++
title = "Osteoporosis"
kind = "condition"
summary = "Thin bones that break easily."
reviewed = 2026-04-01
also_known_as = ["brittle bones"]
+++

## What it is

Bones lose strength. Many people take alendronate.
"#;

const OSTEOPOROSIS_ES: &str = r#"+++
title = "Osteoporosis"
kind = "condition"
summary = "Huesos finos que se rompen con facilidad."
reviewed = 2026-04-01
also_known_as = ["huesos frágiles"]
+++

## Qué es

Los huesos pierden fuerza. Muchas personas toman alendronato, y algunas Fosamax.
"#;

fn files(es_reviewed: &str) -> Vec<(&'static str, String)> {
    vec![
        ("formulary.toml", CONFIG.into()),
        ("content/_index.md", HOME.into()),
        ("content/_index.es.md", HOME_ES.into()),
        (
            "content/drug-classes/bisphosphonates.md",
            BISPHOSPHONATES.into(),
        ),
        (
            "content/drug-classes/bisphosphonates.es.md",
            bisphosphonates_es(es_reviewed),
        ),
        ("content/drug-classes/calcium.md", CALCIUM.into()),
        ("content/conditions/osteoporosis.md", OSTEOPOROSIS.into()),
        (
            "content/conditions/osteoporosis.es.md",
            OSTEOPOROSIS_ES.into(),
        ),
    ]
}

fn fixture(es_reviewed: &str) -> tempfile::TempDir {
    let f = files(es_reviewed);
    let refs: Vec<(&str, &str)> = f.iter().map(|(p, t)| (*p, t.as_str())).collect();
    site(&refs)
}

/// Builds the fixture (translations as new as their sources) into `out`.
fn built() -> (tempfile::TempDir, tempfile::TempDir) {
    let root = fixture("2026-06-01");
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("public");
    let run = build(root.path(), &out, &[]);
    run.expect_code(0);
    assert!(run.diagnostic_lines().is_empty(), "{}", run.stderr);
    (root, outs)
}

fn out(outs: &tempfile::TempDir) -> std::path::PathBuf {
    outs.path().join("public")
}

fn hrefs_with(html: &str, tag: &str, attr: &str, value: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .filter(|t| t.name == tag && t.attr(attr) == Some(value))
        .filter_map(|t| t.attr("href").map(str::to_string))
        .collect()
}

#[test]
fn translations_publish_under_the_language_and_link_to_each_other() {
    let (_root, outs) = built();
    let out = out(&outs);
    check_links(&out, "/bones/").assert_ok();
    let es = read(out.join("es/drug-classes/bisphosphonates/index.html"));
    let en = read(out.join("drug-classes/bisphosphonates/index.html"));
    assert!(es.contains("<html lang=\"es\">"), "{es}");
    assert!(en.contains("<html lang=\"en\">"));
    for page in [&es, &en] {
        assert_eq!(
            hrefs_with(page, "link", "hreflang", "es"),
            ["https://example.org/bones/es/drug-classes/bisphosphonates/"]
        );
        assert_eq!(
            hrefs_with(page, "link", "hreflang", "en"),
            ["https://example.org/bones/drug-classes/bisphosphonates/"]
        );
        assert_eq!(
            hrefs_with(page, "link", "hreflang", "x-default"),
            ["https://example.org/bones/drug-classes/bisphosphonates/"]
        );
    }
    // The switcher names each language in itself; the current one is marked.
    assert!(es.contains(
        "<a href=\"/bones/drug-classes/bisphosphonates/\" hreflang=\"en\" lang=\"en\">English</a>"
    ));
    assert!(es.contains("hreflang=\"es\" lang=\"es\" aria-current=\"page\">Español</a>"));
    // A page without a translation has no switcher and no hreflang links.
    let calcium = read(out.join("drug-classes/calcium/index.html"));
    assert!(hrefs_with(&calcium, "link", "hreflang", "en").is_empty());
    assert!(!calcium.contains("class=\"languages\""));
    // The theme speaks Spanish on a Spanish page, dates included.
    assert!(es.contains("Efectos secundarios") && es.contains("Sobre esta página"));
    assert!(es.contains("1 de junio de 2026"), "{es}");
    assert!(en.contains("1 June 2026"));
    // Each language has its own home, sections and site title.
    let home_es = read(out.join("es/index.html"));
    assert!(home_es.contains("<title>Huesos</title>"));
    let sitemap = read(out.join("sitemap.xml"));
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    assert!(sitemap.contains(
        "<loc>https://example.org/bones/es/drug-classes/bisphosphonates/</loc>\n    <lastmod>2026-06-01</lastmod>\n    <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/bones/drug-classes/bisphosphonates/\"/>\n    <xhtml:link rel=\"alternate\" hreflang=\"es\" href=\"https://example.org/bones/es/drug-classes/bisphosphonates/\"/>"
    ), "{sitemap}");
    assert!(sitemap.contains("<loc>https://example.org/bones/es/drugs/</loc>"));
}

#[test]
fn links_in_a_translation_prefer_its_language_and_fall_back_to_the_source() {
    let (_root, outs) = built();
    let out = out(&outs);
    let es = read(out.join("es/drug-classes/bisphosphonates/index.html"));
    // Translated: the Spanish page, its own heading anchor.
    assert!(
        es.contains("href=\"/bones/es/conditions/osteoporosis/#qu%C3%A9-es\""),
        "{es}"
    );
    // Not translated: the English page.
    assert!(es.contains("href=\"/bones/drug-classes/calcium/\""), "{es}");
    // `/drugs/` from a Spanish page is the Spanish A to Z.
    let home = read(out.join("es/index.html"));
    assert!(home.contains("href=\"/bones/es/drugs/\""), "{home}");
    // The drug anchors are the source's in every language.
    assert!(es.contains("id=\"drug-alendronate\""));
    // A translated condition lists every class that treats its source, in Spanish where
    // there is a translation and in English (marked as such) where there is not.
    let cond = read(out.join("es/conditions/osteoporosis/index.html"));
    assert!(cond.contains("href=\"/bones/es/drug-classes/bisphosphonates/\""));
    assert!(
        cond.contains(
            "<li lang=\"en\"><a href=\"/bones/drug-classes/calcium/\" hreflang=\"en\">Calcium</a>"
        ),
        "{cond}"
    );
}

#[test]
fn each_language_has_its_own_a_to_z_autolinks_drugs_and_search() {
    let (_root, outs) = built();
    let out = out(&outs);
    let az_es = read(out.join("es/drugs/index.html"));
    let az_en = read(out.join("drugs/index.html"));
    assert!(az_es.contains(">alendronato</a>") && az_es.contains(">ácido zoledrónico</a>"));
    // Brands: the translation's own (Aclasta only), else the source's (Fosamax, Binosto).
    assert!(az_es.contains(">Fosamax</a>") && az_es.contains(">Aclasta</a>"));
    assert!(!az_es.contains(">Reclast</a>"), "{az_es}");
    assert!(
        !az_es.contains(">Tums</a>"),
        "untranslated classes stay out of the Spanish A to Z"
    );
    assert!(!az_en.contains("alendronato"));
    assert!(az_en.contains(">Reclast</a>"));
    // Forms: the translation's own, else the source's.
    let es = read(out.join("es/drug-classes/bisphosphonates/index.html"));
    assert!(es.contains("pastilla semanal") && es.contains("yearly infusion"));
    // Autolinks: Spanish names in Spanish text lead to Spanish pages.
    let cond = read(out.join("es/conditions/osteoporosis/index.html"));
    assert!(
        cond.contains(
            "<a href=\"/bones/es/drug-classes/bisphosphonates/#drug-alendronate\">alendronato</a>"
        ),
        "{cond}"
    );
    assert!(
        es.contains(
            "<a href=\"/bones/es/drug-classes/bisphosphonates/#drug-zoledronic-acid\">Aclasta</a>"
        ) || !es.contains("Aclasta</a>"),
        "{es}"
    );
    // Search: one index per language, of its own pages, stemmed for it.
    let mut s_es = formulary::search::query::on_disk(&out.join("es")).unwrap();
    let hits: Vec<String> = s_es
        .search("alendronato")
        .into_iter()
        .map(|h| h.url)
        .collect();
    assert_eq!(
        hits[0], "/bones/es/drug-classes/bisphosphonates/",
        "{hits:?}"
    );
    assert!(hits.iter().all(|u| u.starts_with("/bones/es/")), "{hits:?}");
    // Spanish stemming: "huesos" finds "hueso".
    let hits: Vec<String> = s_es.search("hueso").into_iter().map(|h| h.url).collect();
    assert!(
        hits.contains(&"/bones/es/drug-classes/bisphosphonates/".to_string()),
        "{hits:?}"
    );
    let mut s_en = formulary::search::query::on_disk(&out).unwrap();
    let hits: Vec<String> = s_en
        .search("alendronate")
        .into_iter()
        .map(|h| h.url)
        .collect();
    assert!(
        !hits.is_empty() && hits.iter().all(|u| !u.starts_with("/bones/es/")),
        "{hits:?}"
    );
    let search_es = read(out.join("es/search/index.html"));
    assert!(search_es.contains("data-search-index=\"/bones/es/search/\""));
    assert!(search_es.contains("data-t-many=\"{n} resultados para {q}.\""));
}

#[test]
fn translation_outdated_warns_with_both_dates_and_strict_fails() {
    // Not older: no warning.
    let same = fixture("2026-06-01");
    let run = check(same.path(), &["--strict"]);
    run.expect_code(0);
    // Newer: no warning either.
    let newer = fixture("2026-07-01");
    check(newer.path(), &["--strict"]).expect_code(0);
    // Older: a warning at the translation's `reviewed`, naming both dates.
    let older = fixture("2026-01-15");
    let run = check(older.path(), &[]);
    run.expect_code(0);
    let lines = run.diagnostic_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(
            "warning[translation-outdated]: content/drug-classes/bisphosphonates.es.md:5:1:"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("2026-01-15") && lines[0].contains("2026-06-01"));
    assert!(lines[0].contains("content/drug-classes/bisphosphonates.md"));
    check(older.path(), &["--strict"]).expect_code(1);
    // Readers of the page are told too.
    let outs = tempfile::tempdir().unwrap();
    build(older.path(), &outs.path().join("p"), &[]).expect_code(0);
    let es = read(
        outs.path()
            .join("p/es/drug-classes/bisphosphonates/index.html"),
    );
    assert!(es.contains("La página original cambió después de revisar esta traducción."));
    // `allow` silences it for one page.
    let text = bisphosphonates_es("2026-01-15").replacen(
        "reviewed = 2026-01-15",
        "reviewed = 2026-01-15\nallow = [\"translation-outdated\"]",
        1,
    );
    write_files(
        older.path(),
        &[("content/drug-classes/bisphosphonates.es.md", &text)],
    );
    check(older.path(), &["--strict"]).expect_code(0);
}

#[test]
fn report_lists_missing_translations_and_names_the_formula() {
    let root = fixture("2026-06-01");
    let run = check(root.path(), &["--report"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("es: 3 of 4 pages translated"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("  lacks es: content/drug-classes/calcium.md"));
    assert!(
        run.stdout.contains("(es: Fernández Huerta score"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(en: Flesch-Kincaid grade"));
    // A language with no formula says so rather than use the English one.
    write_files(
        root.path(),
        &[
            ("formulary.toml", &format!("{CONFIG}\n[languages.fr]\n")),
            (
                "content/conditions/osteoporosis.fr.md",
                "+++\ntitle = \"Ostéoporose\"\nkind = \"condition\"\nsummary = \"Os fragiles.\"\nreviewed = 2026-04-01\n+++\n\nTexte.\n",
            ),
        ],
    );
    let run = check(root.path(), &["--report"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("(fr: no reading-level formula is configured for this language"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("no reading-level formula for `fr`"));
    assert!(
        run.stderr.contains(
            "note: no reading-level formula is configured for `fr`; its page is not graded"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn spanish_pages_are_graded_by_fernandez_huerta() {
    let root = fixture("2026-06-01");
    // One long, hard Spanish sentence, many times over.
    let hard = "La administración concomitante de suplementos farmacológicos condiciona \
                significativamente la biodisponibilidad intestinal correspondiente. "
        .repeat(12);
    write_files(
        root.path(),
        &[(
            "content/conditions/osteoporosis.es.md",
            &format!("{OSTEOPOROSIS_ES}\n{hard}\n"),
        )],
    );
    let run = check(root.path(), &[]);
    let lines = run.diagnostic_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("warning[reading-level]: content/conditions/osteoporosis.es.md"));
    assert!(lines[0].contains("Fernández Huerta score"), "{}", lines[0]);
    assert!(lines[0].contains("is below 60"), "{}", lines[0]);
}

#[test]
fn bad_translations_are_diagnostics_with_positions() {
    let root = fixture("2026-06-01");
    write_files(
        root.path(),
        &[
            // A language formulary.toml does not configure.
            ("content/drug-classes/calcium.fr.md", "+++\ntitle = \"Calcium\"\n+++\n"),
            // A translation with no source beside it.
            ("content/guides/missing.es.md", "+++\ntitle = \"Guía\"\n+++\n"),
            // A drug the source does not have.
            (
                "content/drug-classes/calcium.es.md",
                "+++\ntitle = \"Calcio\"\nkind = \"drug-class\"\nsummary = \"S.\"\nreviewed = 2026-06-01\ndrugs = [ { name = \"magnesio\" } ]\n+++\n\n## Qué son\n\nX.\n\n## Efectos secundarios\n\nY.\n",
            ),
        ],
    );
    let run = check(root.path(), &[]);
    run.expect_code(1);
    let errors = run.error_lines();
    let want = [
        "error[translation]: content/drug-classes/calcium.es.md:6:1: `magnesio` is not a drug of content/drug-classes/calcium.md",
        "error[translation]: content/drug-classes/calcium.fr.md:1:1: the file name is in language `fr`, which formulary.toml does not configure",
        "error[translation]: content/guides/missing.es.md:1:1: a translation needs its source: there is no content/guides/missing.md",
    ];
    for w in want {
        assert!(
            errors.iter().any(|e| e.starts_with(w)),
            "no `{w}` in\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"));

    // The source left out as a draft: the message says so.
    let draft = BISPHOSPHONATES.replacen("weight = 10", "weight = 10\ndraft = true", 1);
    write_files(
        root.path(),
        &[("content/drug-classes/bisphosphonates.md", &draft)],
    );
    let run = check(root.path(), &[]);
    assert!(run.error_lines().iter().any(|e| e.starts_with(
        "error[translation]: content/drug-classes/bisphosphonates.es.md:1:1: a translation needs its source: content/drug-classes/bisphosphonates.md is a draft"
    )), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn feeds_are_valid_atom_newest_first_and_linked_from_every_head() {
    let (_root, outs) = built();
    let out = out(&outs);
    for (feed, lang, home, first) in [
        (
            "atom.xml",
            "en",
            "https://example.org/bones/",
            "https://example.org/bones/drug-classes/bisphosphonates/",
        ),
        (
            "es/atom.xml",
            "es",
            "https://example.org/bones/es/",
            "https://example.org/bones/es/drug-classes/bisphosphonates/",
        ),
    ] {
        let text = read(out.join(feed));
        let parsed = atom_syndication::Feed::read_from(text.as_bytes())
            .unwrap_or_else(|e| panic!("{feed} is not valid Atom: {e}\n{text}"));
        assert_eq!(parsed.lang(), Some(lang));
        assert!(parsed
            .links()
            .iter()
            .any(|l| l.rel() == "self" && l.href() == format!("{home}atom.xml")));
        let entries = parsed.entries();
        assert!(!entries.is_empty());
        assert_eq!(entries[0].links()[0].href(), first);
        assert!(entries[0].summary().is_some());
        let dates: Vec<_> = entries.iter().map(|e| *e.updated()).collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "{feed}: newest first");
        assert_eq!(*parsed.updated(), dates[0]);
        assert!(entries
            .iter()
            .all(|e| e.links()[0].href().starts_with(home)));
        if lang == "en" {
            assert!(entries
                .iter()
                .all(|e| !e.links()[0].href().contains("/es/")));
        }
    }
    let en = read(out.join("conditions/osteoporosis/index.html"));
    assert!(en.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Bones\" href=\"/bones/atom.xml\">"
    ));
    let es = read(out.join("es/conditions/osteoporosis/index.html"));
    assert!(es.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Huesos\" href=\"/bones/es/atom.xml\">"
    ));
}

#[test]
fn a_site_without_translations_has_one_language_and_no_alternates() {
    let root = site(&[
        ("formulary.toml", "title = \"One\"\n"),
        ("content/conditions/osteoporosis.md", OSTEOPOROSIS),
    ]);
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("p");
    build(root.path(), &out, &[]).expect_code(0);
    assert!(!Path::new(&out.join("es")).exists());
    let sitemap = read(out.join("sitemap.xml"));
    assert!(!sitemap.contains("xhtml"));
    let page = read(out.join("conditions/osteoporosis/index.html"));
    assert!(!page.contains("hreflang"));
    atom_syndication::Feed::read_from(read(out.join("atom.xml")).as_bytes()).unwrap();
}

#[test]
fn a_site_template_written_before_theme_strings_still_renders_in_english() {
    let root = site(&[
        ("formulary.toml", "title = \"Old\"\n"),
        (
            "content/guide.md",
            "+++\ntitle = \"Guide\"\nreviewed = 2026-01-02\n+++\n\nText.\n",
        ),
        (
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}<h1>{{ page.title }}</h1>{{ <review reviewed={page.reviewed} reviewer={page.reviewer} review_due={page.review_due} overdue={page.overdue}/> }}{{ <pager previous={page.previous} next={page.next}/> }}{% endblock main %}\n",
        ),
    ]);
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("p");
    build(root.path(), &out, &[]).expect_code(0);
    let page = read(out.join("guide/index.html"));
    assert!(page.contains("<h2 id=\"fm-review-title\">About this page</h2>"));
    assert!(page.contains("<p>Reviewed <time datetime=\"2026-01-02\">2 January 2026</time></p>"));
}
