//! Incremental rebuilds equal full builds: random sequences of edits (bodies, titles,
//! summaries, brand names, treats, headings, new and deleted pages, broken and fixed links,
//! templates, static files, the configuration), each followed by an incremental rebuild
//! whose files must equal a fresh full build of the same sources, byte for byte.

use formulary::serve::incremental::Incremental;
use std::path::{Path, PathBuf};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn class(i: usize, title: &str, brand: &str, treats: usize, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nkind = \"drug-class\"\nsummary = \"Summary of class {i}.\"\nreviewed = 2026-10-01\ntreats = [\"conditions/c{treats}.md\"]\ndrugs = [{{ name = \"drug{i}\", brands = [\"{brand}\"] }}]\n+++\n\n## What these medicines are\n\n{body}\n\n## Who can and cannot take them\n\nText.\n\n## How to take them\n\nText.\n\n## Side effects\n\nText.\n"
    )
}

fn condition(i: usize, title: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nkind = \"condition\"\nsummary = \"About condition {i}.\"\nreviewed = 2026-10-01\n+++\n\n## What is it?\n\nPeople with it may take drug0 or drug1.\n")
}

fn fixture(root: &Path) {
    write(
        root,
        "formulary.toml",
        "title = \"Test\"\nbase_url = \"https://example.org/\"\n",
    );
    write(
        root,
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\nWelcome. Start with [class 0](drug-classes/k0.md).\n",
    );
    write(
        root,
        "content/drug-classes/_index.md",
        "+++\ntitle = \"Classes\"\n+++\n",
    );
    write(
        root,
        "content/conditions/_index.md",
        "+++\ntitle = \"Conditions\"\n+++\n",
    );
    for i in 0..4 {
        let body = format!(
            "Class {i} is like [class {}](k{}.md#side-effects). Some take drug{} or Brand{}.",
            (i + 1) % 4,
            (i + 1) % 4,
            (i + 2) % 4,
            (i + 3) % 4
        );
        write(
            root,
            &format!("content/drug-classes/k{i}.md"),
            &class(i, &format!("Class {i}"), &format!("Brand{i}"), i % 2, &body),
        );
    }
    for i in 0..2 {
        write(
            root,
            &format!("content/conditions/c{i}.md"),
            &condition(i, &format!("Condition {i}")),
        );
    }
    write(root, "content/guide.md", "+++\ntitle = \"Guide\"\nsummary = \"A guide.\"\n+++\n\nAsk about Brand2 and Condition 1.\n\n## Steps\n\nGo.\n");
    write(root, "static/extra.css", "body { color: black }\n");
}

fn full_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let (inc, update) = Incremental::new(root, None, false);
    assert!(
        update.ok,
        "the full build must succeed: {:?}",
        update.diagnostics
    );
    sorted(&inc)
}

fn sorted(inc: &Incremental) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = inc
        .files()
        .iter()
        .map(|(p, b)| (p.clone(), b.to_vec()))
        .collect();
    v.sort();
    v
}

/// Asserts that `list` (an update's changed or removed paths) holds `path`.
fn assert_has(list: &[String], path: &str) {
    assert!(list.iter().any(|p| p == path), "{path} not in {list:?}");
}

/// Applies one random edit; returns the paths it touched (relative to the root).
fn edit(root: &Path, rng: &mut Rng, step: usize) -> Vec<PathBuf> {
    let k = rng.below(4);
    let class_path = format!("content/drug-classes/k{k}.md");
    let exists = root.join(&class_path).is_file();
    let body = format!(
        "Edited at step {step}. See [class {}](k{}.md) and drug{} and Brand{}.",
        (k + 1) % 4,
        (k + 1) % 4,
        rng.below(4),
        rng.below(4)
    );
    match rng.below(14) {
        0 => write(
            root,
            &class_path,
            &class(k, &format!("Class {k}"), &format!("Brand{k}"), k % 2, &body),
        ),
        1 => write(
            root,
            &class_path,
            &class(
                k,
                &format!("Class {k} renamed {step}"),
                &format!("Brand{k}"),
                k % 2,
                &body,
            ),
        ),
        2 => write(
            root,
            &class_path,
            &class(
                k,
                &format!("Class {k}"),
                &format!("NewBrand{step}"),
                k % 2,
                &body,
            ),
        ),
        3 => write(
            root,
            &class_path,
            &class(
                k,
                &format!("Class {k}"),
                &format!("Brand{k}"),
                (k + 1) % 2,
                &body,
            ),
        ),
        4 => {
            let c = rng.below(2);
            write(
                root,
                &format!("content/conditions/c{c}.md"),
                &condition(c, &format!("Condition {c} v{step}")),
            );
            return vec![PathBuf::from(format!("content/conditions/c{c}.md"))];
        }
        5 if exists => {
            // Delete a class nobody needs to link to: k3 (links to it would break).
            std::fs::remove_file(root.join("content/drug-classes/k3.md")).ok();
            for i in 0..3 {
                let body = format!("Class {i} stands alone. drug{} helps.", (i + 1) % 3);
                write(
                    root,
                    &format!("content/drug-classes/k{i}.md"),
                    &class(i, &format!("Class {i}"), &format!("Brand{i}"), i % 2, &body),
                );
            }
            return (0..4)
                .map(|i| PathBuf::from(format!("content/drug-classes/k{i}.md")))
                .collect();
        }
        6 => {
            write(root, "content/guide.md", &format!("+++\ntitle = \"Guide\"\nsummary = \"A guide, v{step}.\"\n+++\n\nAsk about Brand{} and Condition 0.\n\n## Steps {step}\n\nGo.\n", rng.below(4)));
            return vec![PathBuf::from("content/guide.md")];
        }
        7 => {
            write(
                root,
                &format!("content/news/n{step}.md"),
                &format!(
                    "+++\ntitle = \"News {step}\"\n+++\n\nNews about drug{}.\n",
                    rng.below(4)
                ),
            );
            return vec![PathBuf::from(format!("content/news/n{step}.md"))];
        }
        8 => {
            write(
                root,
                "static/extra.css",
                &format!("body {{ color: #{:03} }}\n", step % 1000),
            );
            return vec![PathBuf::from("static/extra.css")];
        }
        9 => {
            write(root, "templates/article.html", &format!("{{% extends \"base.html\" %}}\n{{% block main %}}<h1>{{{{ page.title }}}}</h1><p>v{step}</p>{{{{ page.content | safe }}}}{{% endblock main %}}\n"));
            return vec![PathBuf::from("templates/article.html")];
        }
        10 => {
            write(
                root,
                "formulary.toml",
                &format!("title = \"Test {step}\"\nbase_url = \"https://example.org/\"\n"),
            );
            return vec![PathBuf::from("formulary.toml")];
        }
        12 => {
            // A heading that another page's link may point at comes and goes.
            let extra = format!("{body}\n\n## Extra\n\nMore.");
            let text = if step % 2 == 0 { &extra } else { &body };
            write(
                root,
                &class_path,
                &class(k, &format!("Class {k}"), &format!("Brand{k}"), k % 2, text),
            );
        }
        13 => {
            write(root, "content/guide.md", "+++\ntitle = \"Guide\"\nsummary = \"A guide.\"\n+++\n\nSee [more](drug-classes/k0.md#extra).\n");
            return vec![PathBuf::from("content/guide.md")];
        }
        _ => {
            // A heading renamed: links to its old anchor from other pages must follow.
            write(root, "content/guide.md", &format!("+++\ntitle = \"Guide\"\nsummary = \"A guide.\"\n+++\n\nSee [class {k}](drug-classes/k{k}.md#side-effects).\n\n## Steps\n\nGo.\n"));
            return vec![PathBuf::from("content/guide.md")];
        }
    }
    vec![PathBuf::from(class_path)]
}

#[test]
fn random_edit_sequences_equal_full_builds() {
    for seed in 1..=5u64 {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fixture(root);
        // A finding of the whole site (drug0 named by two classes), kept through edits.
        write(
            root,
            "formulary.toml",
            "title = \"Test\"\nbase_url = \"https://example.org/\"\n[checks]\nduplicate-drug = \"warning\"\n",
        );
        write(
            root,
            "content/drug-classes/twin.md",
            &class(0, "Twin class", "TwinBrand", 0, "Another class of drug0."),
        );
        let (mut inc, first) = Incremental::new(root, None, false);
        assert!(first.ok, "{:?}", first.diagnostics);
        assert!(
            first.diagnostics.iter().any(|d| d.id == "duplicate-drug"),
            "{:?}",
            first.diagnostics
        );
        let mut rng = Rng(seed);
        for step in 0..16 {
            let touched = edit(root, &mut rng, step);
            let update = inc.apply(&touched);
            let full = Incremental::new(root, None, false);
            assert_eq!(
                update.ok, full.1.ok,
                "seed {seed} step {step}: incremental and full disagree on success: {:?}",
                update.diagnostics
            );
            let render = |d: &[formulary::diagnostic::Diagnostic]| -> Vec<String> {
                d.iter().map(|d| format!("{d:?}")).collect()
            };
            assert_eq!(
                render(&update.diagnostics),
                render(&full.1.diagnostics),
                "seed {seed} step {step} ({touched:?}): the findings differ from a full build's"
            );
            if update.ok {
                let got = sorted(&inc);
                let want = full_files(root);
                let got_paths: Vec<&String> = got.iter().map(|(p, _)| p).collect();
                let want_paths: Vec<&String> = want.iter().map(|(p, _)| p).collect();
                assert_eq!(
                    got_paths, want_paths,
                    "seed {seed} step {step} ({touched:?}): file lists differ"
                );
                for ((p, a), (_, b)) in got.iter().zip(&want) {
                    assert!(a == b, "seed {seed} step {step} ({touched:?}): {p} differs from a full build:\n--- incremental\n{}\n--- full\n{}", String::from_utf8_lossy(a), String::from_utf8_lossy(b));
                }
            }
        }
    }
}

#[test]
fn a_body_edit_re_renders_only_that_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let (mut inc, _) = Incremental::new(root, None, false);
    write(root, "content/guide.md", "+++\ntitle = \"Guide\"\nsummary = \"A guide.\"\n+++\n\nAsk about Brand2 and Condition 1 today.\n\n## Steps\n\nGo.\n");
    let update = inc.apply(&[PathBuf::from("content/guide.md")]);
    assert!(update.ok);
    assert_eq!(update.rendered, 1, "{update:?}");
    assert!(
        update.changed.contains(&"guide/index.html".to_string()),
        "{:?}",
        update.changed
    );
    assert!(
        update
            .changed
            .iter()
            .all(|p| p == "guide/index.html" || p == "sitemap.xml" || p.starts_with("search/")),
        "{:?}",
        update.changed
    );
}

#[test]
fn a_title_edit_re_renders_the_pages_that_list_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let (mut inc, _) = Incremental::new(root, None, false);
    // The guide autolinks Brand2, so class 2 lists it under "Mentioned on".
    write(root, "content/guide.md", "+++\ntitle = \"Guide to it all\"\nsummary = \"A guide.\"\n+++\n\nAsk about Brand2 and Condition 1.\n\n## Steps\n\nGo.\n");
    let update = inc.apply(&[PathBuf::from("content/guide.md")]);
    assert!(update.ok);
    assert!(
        update
            .changed
            .contains(&"drug-classes/k2/index.html".to_string()),
        "class 2 lists the guide: {:?}",
        update.changed
    );
    assert!(update.rendered < 10, "{update:?}");
}

#[test]
fn a_heading_added_mends_a_link_from_a_page_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    write(root, "content/guide.md", "+++\ntitle = \"Guide\"\nsummary = \"A guide.\"\n+++\n\nSee [more](drug-classes/k0.md#extra).\n");
    let (mut inc, first) = Incremental::new(root, None, false);
    assert!(!first.ok, "the anchor is missing: {:?}", first.diagnostics);
    let k0 = "content/drug-classes/k0.md";
    let with_extra = class(0, "Class 0", "Brand0", 0, "Text.\n\n## Extra\n\nMore.");
    write(root, k0, &with_extra);
    let update = inc.apply(&[PathBuf::from(k0)]);
    assert!(
        update.ok,
        "the guide's link resolves now: {:?}",
        update.diagnostics
    );
    assert_eq!(sorted(&inc), full_files(root));
    // And the heading gone again breaks it again.
    write(root, k0, &class(0, "Class 0", "Brand0", 0, "Text."));
    let update = inc.apply(&[PathBuf::from(k0)]);
    assert!(
        update.diagnostics.iter().any(|d| d.id == "broken-link"),
        "{:?}",
        update.diagnostics
    );
}

/// A class and a condition translated into Spanish: edits to a source, a translation and the
/// set of translations, each followed by an incremental rebuild that must equal a full build,
/// files and diagnostics (translation-outdated reads the source's date) alike.
#[test]
fn translations_rebuild_like_full_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let config = "title = \"Test\"\nbase_url = \"https://example.org/\"\n[languages.es]\ntitle = \"Prueba\"\n[languages.es.monograph]\nrequired_sections = [\"Qué son\"]\n";
    write(root, "formulary.toml", config);
    let es_class = |reviewed: &str, body: &str| {
        format!("+++\ntitle = \"Clase 0\"\nkind = \"drug-class\"\nsummary = \"Resumen.\"\nreviewed = {reviewed}\ndrugs = [{{ name = \"fármaco0\", translates = \"drug0\" }}]\n+++\n\n## Qué son\n\n{body}\n")
    };
    write(
        root,
        "content/drug-classes/k0.es.md",
        &es_class(
            "2026-10-01",
            "Vea la [clase 1](k1.md) y la [condición](../conditions/c0.md).",
        ),
    );
    write(root, "content/conditions/c0.es.md", "+++\ntitle = \"Condición 0\"\nkind = \"condition\"\nsummary = \"Sobre ella.\"\nreviewed = 2026-10-01\n+++\n\nAlgunos toman fármaco0.\n");
    let (mut inc, first) = Incremental::new(root, None, false);
    assert!(first.ok, "{:?}", first.diagnostics);
    let k0 = |reviewed: &str, brand: &str| {
        class(0, "Class 0", brand, 0, "Class 0 text.").replacen(
            "reviewed = 2026-10-01",
            &format!("reviewed = {reviewed}"),
            1,
        )
    };
    let steps: Vec<(&str, String)> = vec![
        // The source is reviewed again: the translation is now outdated.
        ("content/drug-classes/k0.md", k0("2026-12-01", "Brand0")),
        // The source's brand changes: the translation inherits it.
        ("content/drug-classes/k0.md", k0("2026-12-01", "Marca0")),
        // The translation catches up.
        (
            "content/drug-classes/k0.es.md",
            es_class("2026-12-15", "Vea la [clase 1](k1.md)."),
        ),
        // A translation of the linked class appears: the link now goes to it.
        (
            "content/drug-classes/k1.es.md",
            "+++\ntitle = \"Clase 1\"\nkind = \"drug-class\"\nsummary = \"Otra.\"\nreviewed = 2026-10-01\n+++\n\n## Qué son\n\nTexto.\n".into(),
        ),
        // The condition's source changes title: the Spanish list of classes follows.
        ("content/conditions/c0.md", condition(0, "Condition zero")),
    ];
    for (step, (path, text)) in steps.into_iter().enumerate() {
        write(root, path, &text);
        let update = inc.apply(&[PathBuf::from(path)]);
        let (full, full_update) = Incremental::new(root, None, false);
        assert!(update.ok, "step {step}: {:?}", update.diagnostics);
        let ids = |u: &formulary::serve::incremental::Update| {
            u.diagnostics
                .iter()
                .map(|d| format!("{}:{}", d.id, d.path.display()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&update), ids(&full_update), "step {step}: diagnostics");
        let (got, want) = (sorted(&inc), sorted(&full));
        let gp: Vec<&String> = got.iter().map(|(p, _)| p).collect();
        let wp: Vec<&String> = want.iter().map(|(p, _)| p).collect();
        assert_eq!(gp, wp, "step {step}: file lists differ");
        for ((p, a), (_, b)) in got.iter().zip(&want) {
            assert!(
                a == b,
                "step {step} ({path}): {p} differs from a full build"
            );
        }
        if step == 0 {
            assert!(ids(&update)
                .contains(&"translation-outdated:content/drug-classes/k0.es.md".to_string()));
        }
    }
    let files = sorted(&inc);
    let page = |p: &str| {
        String::from_utf8_lossy(&files.iter().find(|(f, _)| f == p).unwrap().1).into_owned()
    };
    assert!(page("es/drug-classes/k0/index.html").contains("Marca0"));
    assert!(page("es/drug-classes/k0/index.html").contains("href=\"/es/drug-classes/k1/\""));
}

#[test]
fn a_review_date_edit_rewrites_the_sitemap() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let (mut inc, _) = Incremental::new(root, None, false);
    let body = "A body edit: the sitemap stays as it is.";
    write(
        root,
        "content/drug-classes/k1.md",
        &class(1, "Class 1", "Brand1", 1, body),
    );
    let update = inc.apply(&[PathBuf::from("content/drug-classes/k1.md")]);
    assert!(update.ok, "{:?}", update.diagnostics);
    assert!(
        !update.changed.contains(&"sitemap.xml".to_string()),
        "{:?}",
        update.changed
    );
    write(
        root,
        "content/drug-classes/k1.md",
        &class(1, "Class 1", "Brand1", 1, body).replace("2026-10-01", "2026-11-15"),
    );
    let update = inc.apply(&[PathBuf::from("content/drug-classes/k1.md")]);
    assert!(update.ok, "{:?}", update.diagnostics);
    assert!(
        update.changed.contains(&"sitemap.xml".to_string()),
        "{:?}",
        update.changed
    );
    assert_eq!(sorted(&inc), full_files(root));
}

#[test]
fn a_treats_edit_updates_related_on_the_classes_it_leaves_and_joins() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let (mut inc, _) = Incremental::new(root, None, false);
    // Classes 0 and 2 treat condition 0, so each lists the other as related; class 0 moves
    // to condition 1, beside classes 1 and 3. First its body stops naming other classes, so
    // that "Related" is all that ties them.
    let page = "content/drug-classes/k0.md";
    write(root, page, &class(0, "Class 0", "Brand0", 0, "Plain."));
    assert!(inc.apply(&[PathBuf::from(page)]).ok);
    write(root, page, &class(0, "Class 0", "Brand0", 1, "Plain."));
    let update = inc.apply(&[PathBuf::from(page)]);
    assert!(update.ok, "{:?}", update.diagnostics);
    for other in ["k1", "k2", "k3"] {
        let out = format!("drug-classes/{other}/index.html");
        assert!(update.changed.contains(&out), "{out}: {:?}", update.changed);
    }
    assert_eq!(sorted(&inc), full_files(root));
}

#[test]
fn an_a_to_z_template_reading_both_lists_follows_name_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    write(
        root,
        "templates/drugs.html",
        "{% for d in drugs %}{{ d.name }} {{ d.is_brand }} {% if d.generic %}{{ d.generic }}{% endif %} {{ d.class.title }} {{ d.url }};\n{% endfor %}\
         {% for l in letters %}[{{ l.letter }} {{ l.id }}:{% for e in l.entries %} {{ e.name }}{% endfor %}]\n{% endfor %}",
    );
    let (mut inc, first) = Incremental::new(root, None, false);
    assert!(first.ok, "{:?}", first.diagnostics);
    let page = "content/drug-classes/k1.md";
    let original = std::fs::read_to_string(root.join(page)).unwrap();
    // Each edit, a name it brings, and how often the A to Z then shows that name.
    let edits = [
        // A brand renamed: it moves to another letter.
        (original.replace("\"Brand1\"", "\"Zobrand\""), "Zobrand", 2),
        // Another brand, and a drug before every other name.
        (
            original.replace("\"Brand1\"]", "\"Brand1\", \"Alphabrand\"]"),
            "Alphabrand",
            2,
        ),
        (
            original.replace("name = \"drug1\"", "name = \"aadrug\""),
            // Its name, generic of Brand1, and anchor twice; in its letter.
            "aadrug",
            5,
        ),
        // The class renamed: both its entries show the new title.
        (
            original.replace("title = \"Class 1\"", "title = \"Class One\""),
            "Class One",
            2,
        ),
        (original.clone(), "Brand1", 2),
    ];
    for (step, (text, shown, times)) in edits.iter().enumerate() {
        write(root, page, text);
        let update = inc.apply(&[PathBuf::from(page)]);
        assert!(update.ok, "step {step}: {:?}", update.diagnostics);
        let got = sorted(&inc);
        let a_to_z = &got.iter().find(|(p, _)| p == "drugs/index.html").unwrap().1;
        let a_to_z = String::from_utf8_lossy(a_to_z);
        assert_eq!(
            a_to_z.matches(shown).count(),
            *times,
            "step {step}:\n{a_to_z}"
        );
        assert_eq!(got, full_files(root), "step {step}");
    }
}

/// Each language keeps its own A to Z between renders: a template reading both lists and
/// the language's strings, through edits to an English brand, a Spanish drug name and an
/// English class title, stays equal to a full build in both languages.
#[test]
fn each_language_keeps_its_own_a_to_z_through_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let config = "title = \"Test\"\nbase_url = \"https://example.org/\"\n[languages.es]\ntitle = \"Prueba\"\n[languages.es.monograph]\nrequired_sections = [\"Qué son\"]\n";
    write(root, "formulary.toml", config);
    write(
        root,
        "templates/drugs.html",
        "{{ t.medicines_a_to_z }} {{ site.language }}\n{% for d in drugs %}{{ d.name }} {{ d.is_brand }} {% if d.generic %}{{ d.generic }}{% endif %} {{ d.class.title }} {{ d.class.lang }} {{ d.url }};\n{% endfor %}\
         {% for l in letters %}[{{ l.letter }} {{ l.id }}:{% for e in l.entries %} {{ e.name }}{% endfor %}]\n{% endfor %}",
    );
    let es_class = |drug: &str| {
        format!("+++\ntitle = \"Clase 1\"\nkind = \"drug-class\"\nsummary = \"Resumen.\"\nreviewed = 2026-10-01\ndrugs = [{{ name = \"{drug}\", translates = \"drug1\" }}]\n+++\n\n## Qué son\n\nTexto.\n")
    };
    let es = "content/drug-classes/k1.es.md";
    write(root, es, &es_class("fármaco1"));
    let (mut inc, first) = Incremental::new(root, None, false);
    assert!(first.ok, "{:?}", first.diagnostics);
    let en = "content/drug-classes/k1.md";
    let original = std::fs::read_to_string(root.join(en)).unwrap();
    let steps: Vec<(&str, String)> = vec![
        // The English brand renamed: the Spanish A to Z inherits it.
        (en, original.replace("\"Brand1\"", "\"Zobrand\"")),
        // The Spanish drug renamed: only the Spanish A to Z shows it.
        (es, es_class("aafármaco")),
        // The English class retitled: the Spanish entries keep their own class.
        (
            en,
            original
                .replace("\"Brand1\"", "\"Zobrand\"")
                .replace("title = \"Class 1\"", "title = \"Class One\""),
        ),
        (en, original.clone()),
    ];
    for (step, (path, text)) in steps.iter().enumerate() {
        write(root, path, text);
        let update = inc.apply(&[PathBuf::from(path)]);
        assert!(update.ok, "step {step}: {:?}", update.diagnostics);
        let got = sorted(&inc);
        let page = |p: &str| {
            String::from_utf8_lossy(&got.iter().find(|(f, _)| f == p).unwrap().1).into_owned()
        };
        let (en_az, es_az) = (page("drugs/index.html"), page("es/drugs/index.html"));
        assert!(en_az.starts_with("Medicines A to Z en\n"), "{en_az}");
        assert!(es_az.contains(" es\n"), "{es_az}");
        assert!(
            !en_az.contains("fármaco") && !en_az.contains("Clase 1"),
            "{en_az}"
        );
        assert!(!es_az.contains("Class"), "{es_az}");
        if step == 1 {
            assert!(es_az.contains("aafármaco"), "{es_az}");
        }
        assert_eq!(got, full_files(root), "step {step}");
    }
}

/// A brand renamed: the edited class page is handed over before the A to Z, which follows
/// in the same update; the files then equal a full build's. A body edit hands over nothing
/// early. So it goes too when the editor saves through a temporary file.
#[test]
fn a_brand_rename_hands_over_its_pages_before_the_a_to_z() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let (mut inc, _) = Incremental::new(root, None, false);
    let k1 = "content/drug-classes/k1.md";
    let original = std::fs::read_to_string(root.join(k1)).unwrap();
    write(
        root,
        k1,
        &original.replace("\"Brand1\"", "\"Renamedbrand\""),
    );
    let mut early: Vec<(Vec<String>, bool)> = Vec::new();
    let update = inc.apply_with(&[PathBuf::from(k1)], &mut |u, files| {
        let a_to_z = String::from_utf8_lossy(&files["drugs/index.html"]).into_owned();
        early.push((u.changed.clone(), a_to_z.contains("Renamedbrand")));
    });
    assert!(update.ok, "{:?}", update.diagnostics);
    let [(before, a_to_z_had_it)] = &early[..] else {
        panic!("one early hand-over, not {early:?}")
    };
    assert!(
        before.contains(&"drug-classes/k1/index.html".to_string()),
        "{before:?}"
    );
    assert!(
        !before.contains(&"drugs/index.html".to_string()),
        "{before:?}"
    );
    assert!(!a_to_z_had_it, "the A to Z came early");
    assert!(update.changed.contains(&"drugs/index.html".to_string()));
    assert!(update
        .changed
        .contains(&"drug-classes/k1/index.html".to_string()));
    assert_eq!(sorted(&inc), full_files(root));

    let mut called = false;
    let renamed = original.replace("\"Brand1\"", "\"Renamedbrand\"");
    write(root, k1, &renamed.replace("Text.", "Other text."));
    let update = inc.apply_with(&[PathBuf::from(k1)], &mut |_, _| called = true);
    assert!(update.ok);
    assert!(
        !called,
        "a body edit leaves the A to Z alone: nothing to hand over early"
    );

    // Saved through a temporary file beside the page, renamed over it (`sed -i` names it
    // `sedXXXXXX`): the batch names both, and by then the temporary file is gone. That is
    // an edit of the page alone, and its page is handed over early too.
    let temp = "content/drug-classes/sedQ4xZ2a";
    write(
        root,
        temp,
        &original.replace("\"Brand1\"", "\"Otherbrand\""),
    );
    std::fs::rename(root.join(temp), root.join(k1)).unwrap();
    let mut early = 0;
    let batch = [PathBuf::from(temp), PathBuf::from(k1)];
    let update = inc.apply_with(&batch, &mut |_, _| early += 1);
    assert!(update.ok, "{:?}", update.diagnostics);
    assert_eq!(early, 1, "the page was handed over before the A to Z");
    assert_has(&update.changed, "drugs/index.html");
    assert_eq!(sorted(&inc), full_files(root));

    // A file of that name that stays is published, and goes when it is taken away.
    write(root, temp, "not a page");
    assert_has(
        &inc.apply(&[PathBuf::from(temp)]).changed,
        "drug-classes/sedQ4xZ2a",
    );
    std::fs::remove_file(root.join(temp)).unwrap();
    assert_has(
        &inc.apply(&[PathBuf::from(temp)]).removed,
        "drug-classes/sedQ4xZ2a",
    );
    assert_eq!(sorted(&inc), full_files(root));
}

/// A folder of pages renamed: the watcher names the two folders only, and the pages of the
/// one that is gone go with it.
#[test]
fn a_folder_of_pages_renamed_moves_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    write(
        root,
        "content/news/n1.md",
        "+++\ntitle = \"News one\"\n+++\n\nNews.\n",
    );
    write(
        root,
        "content/news/n2.md",
        "+++\ntitle = \"News two\"\n+++\n\nMore news.\n",
    );
    let (mut inc, _) = Incremental::new(root, None, false);
    std::fs::rename(root.join("content/news"), root.join("content/updates")).unwrap();
    let update = inc.apply(&[
        PathBuf::from("content/news"),
        PathBuf::from("content/updates"),
    ]);
    assert!(update.ok, "{:?}", update.diagnostics);
    assert_has(&update.removed, "news/n1/index.html");
    assert_has(&update.changed, "updates/n2/index.html");
    assert_eq!(sorted(&inc), full_files(root));
}

/// The A to Z failing after an edit's pages were handed over fails the update; the next
/// rebuild renders it again, though that edit changes no name.
#[test]
fn an_a_to_z_that_fails_after_the_pages_is_rendered_again_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    // An A to Z that cannot render one name.
    write(
        root,
        "templates/drugs.html",
        "{% for d in drugs %}{% if d.name == \"Badbrand\" %}{{ d.nothing.here }}{% endif %}{{ d.name }} {% endfor %}",
    );
    let (mut inc, first) = Incremental::new(root, None, false);
    assert!(first.ok, "{:?}", first.diagnostics);
    let k1 = "content/drug-classes/k1.md";
    let original = std::fs::read_to_string(root.join(k1)).unwrap();
    write(root, k1, &original.replace("\"Brand1\"", "\"Badbrand\""));
    let mut early = 0;
    let update = inc.apply_with(&[PathBuf::from(k1)], &mut |u, _| {
        assert!(u.ok);
        early += 1;
    });
    assert_eq!(early, 1);
    assert!(!update.ok);
    assert!(
        update.diagnostics.iter().any(|d| d.id == "template"),
        "{:?}",
        update.diagnostics
    );
    // An edit that changes no name renders the A to Z again, and fails as a full build does.
    write(
        root,
        "content/guide.md",
        "+++\ntitle = \"Guide\"\n+++\n\nA new body.\n",
    );
    let update = inc.apply(&[PathBuf::from("content/guide.md")]);
    assert!(!update.ok);
    assert!(!Incremental::new(root, None, false).1.ok);
    assert!(update.diagnostics.iter().any(|d| d.id == "template"));
    // A good name: the A to Z renders, and the files are a full build's.
    write(root, k1, &original.replace("\"Brand1\"", "\"Goodbrand\""));
    let update = inc.apply(&[PathBuf::from(k1)]);
    assert!(update.ok, "{:?}", update.diagnostics);
    assert_eq!(sorted(&inc), full_files(root));
}

/// A section lists its pages by title and summary: a page retitled is retitled there, and a
/// brand renamed on a page (which the list does not show) leaves the list alone.
#[test]
fn a_section_list_follows_what_it_shows_of_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    write(
        root,
        "content/guides/_index.md",
        "+++\ntitle = \"Guides\"\n+++\n",
    );
    let guide =
        |title: &str| format!("+++\ntitle = \"{title}\"\nsummary = \"How to.\"\n+++\n\nText.\n");
    write(root, "content/guides/one.md", &guide("First guide"));
    let (mut inc, _) = Incremental::new(root, None, false);
    write(root, "content/guides/one.md", &guide("Renamed guide"));
    let update = inc.apply(&[PathBuf::from("content/guides/one.md")]);
    assert!(update.ok, "{:?}", update.diagnostics);
    assert!(
        update.changed.contains(&"guides/index.html".to_string()),
        "{:?}",
        update.changed
    );
    assert_eq!(sorted(&inc), full_files(root));

    let k1 = "content/drug-classes/k1.md";
    let original = std::fs::read_to_string(root.join(k1)).unwrap();
    write(
        root,
        k1,
        &original.replace("\"Brand1\"", "\"Renamedbrand\""),
    );
    let update = inc.apply(&[PathBuf::from(k1)]);
    assert!(update.ok, "{:?}", update.diagnostics);
    assert!(update.changed.contains(&"drugs/index.html".to_string()));
    assert!(
        !update
            .changed
            .contains(&"drug-classes/index.html".to_string()),
        "{:?}",
        update.changed
    );
    assert_eq!(sorted(&inc), full_files(root));
}
