//! One test per diagnostic: the exact `path:line:col` and check id on stderr, exit status 1,
//! and a previous good output folder left byte-for-byte as it was (no staging left behind).

mod common;

use common::*;
use std::path::Path;

const CONFIG: &str = r#"title = "Bone Health"
base_url = "https://example.org/"
"#;

const HOME: &str = r#"+++
title = "Bone Health"
+++

Guides to medicines for bones.
"#;

const OSTEOPOROSIS: &str = r#"+++
title = "Osteoporosis"
kind = "condition"
summary = "Bones that are thin and break more easily."
reviewed = 2026-06-01
+++

Bones get thin.

## Risks

Some people have more risk.

## Treatment

There are medicines.
"#;

fn bisphosphonates() -> String {
    format!(
        r#"+++
title = "Bisphosphonates"
kind = "drug-class"
summary = "Medicines that slow bone loss."
reviewed = 2026-06-01
treats = ["conditions/osteoporosis.md"]
drugs = [
  {{ name = "alendronate", brands = ["Fosamax"], forms = ["weekly tablet"] }},
]
+++

{}"#,
        monograph_body()
    )
}

const GUIDE: &str = r#"+++
title = "Taking tablets"
+++

Take them with water. See [risks](../conditions/osteoporosis.md#risks).
"#;

const GUIDE2: &str = r#"+++
title = "Seeing your doctor"
+++

Ask your doctor.
"#;

/// A small good site: it builds with no diagnostics.
fn good_site() -> tempfile::TempDir {
    let bis = bisphosphonates();
    site(&[
        ("formulary.toml", CONFIG),
        ("content/_index.md", HOME),
        ("content/conditions/osteoporosis.md", OSTEOPOROSIS),
        ("content/drug-classes/bisphosphonates.md", &bis),
        ("content/guides/taking-tablets.md", GUIDE),
        ("content/guides/seeing-your-doctor.md", GUIDE2),
    ])
}

/// Builds the good site into a fresh output folder, applies `break_it` to the site, builds
/// again and checks that the second build fails with status 1 and leaves the first output as
/// it was. Returns the failing run.
fn fails_keeping_output(break_it: impl FnOnce(&Path)) -> Run {
    let root = good_site();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("public");
    let first = build(root.path(), &out, &[]);
    first.expect_code(0);
    assert!(
        first.diagnostic_lines().is_empty(),
        "the good fixture has diagnostics:\n{}",
        first.stderr
    );
    assert!(out.join(".formulary-output").is_file());
    let before = read_tree(&out);
    assert!(before.contains_key("index.html"));

    break_it(root.path());
    let second = build(root.path(), &out, &[]);
    second.expect_code(1);
    assert_same_tree(&before, &read_tree(&out), "the output after a failed build");
    assert_eq!(leftover_siblings(&out), Vec::<std::path::PathBuf>::new());
    second
}

/// Finds the one error of the run and checks its check id, `path:line:col`, message parts,
/// and (when `source` is given) the source line and the caret under column `col`.
fn assert_only_error(run: &Run, id: &str, location: &str, parts: &[&str], source: Option<&str>) {
    let errors = run.error_lines();
    let head = format!("error[{id}]: {location}: ");
    assert_eq!(
        errors.len(),
        1,
        "expected exactly one error `{head}...`, got:\n{}",
        run.stderr
    );
    let line = errors[0];
    assert!(
        line.starts_with(&head),
        "expected `{head}...`, got:\n{}",
        run.stderr
    );
    for p in parts {
        assert!(line.contains(p), "the message lacks `{p}`:\n{line}");
    }
    if let Some(src) = source {
        let mut pos = location.rsplitn(3, ':');
        let col: usize = pos.next().unwrap().parse().unwrap();
        let num = pos.next().unwrap();
        let lines: Vec<&str> = run.stderr.lines().collect();
        let at = lines.iter().position(|l| *l == line).unwrap();
        let pad = " ".repeat(num.len());
        assert_eq!(
            lines.get(at + 2).copied(),
            Some(format!("{num} | {src}").as_str()),
            "{}",
            run.stderr
        );
        let caret = format!("{pad} | {}^", " ".repeat(col - 1));
        assert_eq!(
            lines.get(at + 3).copied(),
            Some(caret.as_str()),
            "{}",
            run.stderr
        );
    }
}

// --- front-matter ---------------------------------------------------------------------

#[test]
fn front_matter_bad_toml_syntax() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/bad.md",
                "+++\ntitle = \"Bad\"\nweight = = 3\n+++\nText.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/bad.md:3:10",
        &[],
        Some("weight = = 3"),
    );
}

#[test]
fn front_matter_bad_date() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/bad.md",
                "+++\ntitle = \"Bad\"\nreviewed = 2026-13-45\n+++\nText.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/bad.md:3:12",
        &["month"],
        Some("reviewed = 2026-13-45"),
    );
}

#[test]
fn front_matter_bad_date_in_yaml() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/bad.md",
                "---\ntitle: Bad\nreviewed: 2026-13-45\n---\nText.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/bad.md:3:11",
        &["2026-13-45", "not a real date"],
        Some("reviewed: 2026-13-45"),
    );
}

#[test]
fn front_matter_wrong_type() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/bad.md",
                "+++\ntitle = \"Bad\"\nweight = \"x\"\n+++\nText.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/bad.md:3:10",
        &["invalid type", "string"],
        Some("weight = \"x\""),
    );
}

#[test]
fn front_matter_missing_title() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/bad.md",
                "+++\nsummary = \"No title here.\"\n+++\nText.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/bad.md:2:1",
        &["missing required key `title`"],
        Some("summary = \"No title here.\""),
    );
}

#[test]
fn front_matter_unknown_key_suggests_closest() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/bad.md",
                "+++\ntitle = \"Bad\"\nsumary = \"Typo.\"\n+++\nText.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/bad.md:3:1",
        &["`sumary`", "did you mean `summary`"],
        Some("sumary = \"Typo.\""),
    );
}

#[test]
fn front_matter_unknown_key_in_yaml() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/bad.md",
                "---\ntitle: Bad\nweight: 3\nreviwer: Dr Who\n---\nText.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/bad.md:4:1",
        &["`reviwer`", "did you mean `reviewer`"],
        Some("reviwer: Dr Who"),
    );
}

#[test]
fn front_matter_drug_class_without_drugs() {
    let run = fails_keeping_output(|root| {
        let text = format!(
            "+++\ntitle = \"SERMs\"\nkind = \"drug-class\"\nsummary = \"Tablets.\"\nreviewed = 2026-06-01\n+++\n\n{}",
            monograph_body()
        );
        write_files(root, &[("content/drug-classes/serms.md", &text)]);
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/drug-classes/serms.md:3:1",
        &["`drugs`"],
        Some("kind = \"drug-class\""),
    );
}

#[test]
fn front_matter_empty_file() {
    let run = fails_keeping_output(|root| write_files(root, &[("content/guides/empty.md", "")]));
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/empty.md:1:1",
        &["empty"],
        None,
    );
}

#[test]
fn front_matter_missing() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/plain.md",
                "# Just a heading\n\nSome text.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/plain.md:1:1",
        &["no front matter"],
        Some("# Just a heading"),
    );
}

#[test]
fn front_matter_invalid_utf8() {
    let run = fails_keeping_output(|root| {
        write_bytes(
            root,
            "content/guides/latin1.md",
            b"+++\ntitle = \"Caf\xe9\"\n+++\nText.\n",
        );
    });
    // The bad byte is the 13th character of line 2: `title = "Caf` is 12 characters.
    assert_only_error(
        &run,
        "front-matter",
        "content/guides/latin1.md:2:13",
        &["UTF-8"],
        None,
    );
}

/// The position and exit status of an invalid-UTF-8 file, whatever its check id.
#[test]
fn invalid_utf8_position() {
    let run = fails_keeping_output(|root| {
        write_bytes(
            root,
            "content/guides/latin1.md",
            b"+++\ntitle = \"Caf\xe9\"\n+++\nText.\n",
        );
    });
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].contains("]: content/guides/latin1.md:2:13: ") && errors[0].contains("UTF-8"),
        "{}",
        run.stderr
    );
}

// --- broken-link ----------------------------------------------------------------------

#[test]
fn broken_link_missing_page_suggests_closest() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/seeing-your-doctor.md",
                "+++\ntitle = \"Seeing your doctor\"\n+++\n\nAsk your doctor.\nRead about [thin bones](../conditions/osteoporsis.md) first.\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "broken-link",
        "content/guides/seeing-your-doctor.md:6:12",
        &[
            "osteoporsis.md",
            "did you mean `../conditions/osteoporosis.md`",
        ],
        Some("Read about [thin bones](../conditions/osteoporsis.md) first."),
    );
}

#[test]
fn broken_link_missing_anchor_suggests_closest() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/seeing-your-doctor.md",
                "+++\ntitle = \"Seeing your doctor\"\n+++\n\n- Ask your doctor about [the risks](../conditions/osteoporosis.md#risk).\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "broken-link",
        "content/guides/seeing-your-doctor.md:5:25",
        &["#risk", "did you mean `#risks`"],
        Some("- Ask your doctor about [the risks](../conditions/osteoporosis.md#risk)."),
    );
}

#[test]
fn broken_link_reference_style() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/seeing-your-doctor.md",
                "+++\ntitle = \"Seeing your doctor\"\n+++\n\nAsk about [x][r] today.\n\n[r]: missing.md\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "broken-link",
        "content/guides/seeing-your-doctor.md:5:11",
        &["missing.md"],
        Some("Ask about [x][r] today."),
    );
}

#[test]
fn broken_link_to_a_draft() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[
                ("content/guides/coming-soon.md", "+++\ntitle = \"Coming soon\"\ndraft = true\n+++\n\nNot yet.\n"),
                (
                    "content/guides/seeing-your-doctor.md",
                    "+++\ntitle = \"Seeing your doctor\"\n+++\n\nAsk your doctor.\n\nSee [the next guide](coming-soon.md).\n",
                ),
            ],
        );
    });
    assert_only_error(
        &run,
        "broken-link",
        "content/guides/seeing-your-doctor.md:7:5",
        &["draft"],
        Some("See [the next guide](coming-soon.md)."),
    );
}

#[test]
fn broken_link_in_a_file_with_windows_line_endings() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/seeing-your-doctor.md",
                "+++\r\ntitle = \"Seeing your doctor\"\r\n+++\r\n\r\nAsk your doctor.\r\nThen read [this](nowhere.md).\r\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "broken-link",
        "content/guides/seeing-your-doctor.md:6:11",
        &["nowhere.md"],
        Some("Then read [this](nowhere.md)."),
    );
}

// --- unknown-page, url-collision, duplicate-drug ----------------------------------------

#[test]
fn unknown_page_in_treats() {
    let run = fails_keeping_output(|root| {
        let text = bisphosphonates().replace(
            "treats = [\"conditions/osteoporosis.md\"]",
            "treats = [\"conditions/osteoporosis.md\", \"conditions/nope.md\"]",
        );
        write_files(root, &[("content/drug-classes/bisphosphonates.md", &text)]);
    });
    assert_only_error(
        &run,
        "unknown-page",
        "content/drug-classes/bisphosphonates.md:6:41",
        &["conditions/nope.md"],
        Some("treats = [\"conditions/osteoporosis.md\", \"conditions/nope.md\"]"),
    );
}

#[test]
fn url_collision_names_both_files() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[
                (
                    "content/about.md",
                    "+++\ntitle = \"About\"\n+++\n\nAbout us.\n",
                ),
                (
                    "content/about/_index.md",
                    "+++\ntitle = \"About section\"\n+++\n\nMore.\n",
                ),
            ],
        );
    });
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    let e = errors[0];
    assert!(e.starts_with("error[url-collision]: content/about"), "{e}");
    // Whichever file is reported, at its first line, the message names both.
    assert!(
        e.starts_with("error[url-collision]: content/about.md:1:1: ")
            || e.starts_with("error[url-collision]: content/about/_index.md:1:1: "),
        "{e}"
    );
    assert!(
        e.contains("content/about.md") && e.contains("content/about/_index.md"),
        "{e}"
    );
    assert!(e.contains("/about/"), "{e}");
}

#[test]
fn duplicate_drug_at_second_definition() {
    let run = fails_keeping_output(|root| {
        let text = format!(
            r#"+++
title = "Other bone medicines"
kind = "drug-class"
summary = "More medicines."
reviewed = 2026-06-01
drugs = [
  {{ name = "risedronate", brands = ["Actonel"] }},
  {{ name = "Alendronate", brands = ["Binosto"] }},
]
+++

{}"#,
            monograph_body()
        );
        write_files(root, &[("content/drug-classes/other.md", &text)]);
    });
    assert_only_error(
        &run,
        "duplicate-drug",
        "content/drug-classes/other.md:8:12",
        &["Alendronate", "content/drug-classes/bisphosphonates.md"],
        Some("  { name = \"Alendronate\", brands = [\"Binosto\"] },"),
    );
}

// --- template -------------------------------------------------------------------------

#[test]
fn template_syntax_error() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{{ page.content | safe }}\n{% endblock main %}\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "template",
        "templates/article.html:3:19",
        &["article.html"],
        Some("<h1>{{ page.title }</h1>"),
    );
}

#[test]
fn template_unknown_filter_points_at_its_name() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title | shout_it }}</h1>\n{% endblock main %}\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "template",
        "templates/article.html:3:21",
        &["Unknown filter `shout_it`"],
        Some("<h1>{{ page.title | shout_it }}</h1>"),
    );
}

#[test]
fn a_component_defined_twice_is_reported_in_the_sites_own_file() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "templates/partials/mine.html",
                "{% component toc(items, title=\"x\") %}mine{% endcomponent toc %}\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "template",
        "templates/partials/mine.html",
        &["`toc` is defined in both", "partials/components.html"],
        None,
    );
}

#[test]
fn template_written_with_tera_1_macros_says_what_replaces_them() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% import \"partials/macros.html\" as m %}\n{% block main %}{{ m::toc(items=page.toc) }}{% endblock main %}\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "template",
        "templates/article.html:2:4",
        &["no `import` or macros", "{{ <name arg={value}/> }}"],
        Some("{% import \"partials/macros.html\" as m %}"),
    );
}

#[test]
fn template_unknown_variable() {
    // Two article pages use the template: the error is still reported once.
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.nope }}</p>\n{% endblock main %}\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "template",
        "templates/article.html:4:12",
        &["`nope` is not defined"],
        Some("<p>{{ page.nope }}</p>"),
    );
}

#[test]
fn unknown_component_arguments_are_named_in_order_and_reported_once() {
    // Every article page meets the mistake; Tera lists the names in a new order each time.
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n{{ <pager previous={page.previous} next={page.next} zeta=\"z\" alpha=\"a\" mu=\"m\" beta=\"b\"/> }}\n{% endblock main %}\n",
            )],
        );
    });
    assert_only_error(
        &run,
        "template",
        "templates/article.html:4:4",
        &["Unknown argument(s) `alpha`, `beta`, `mu`, `zeta` in component call"],
        Some("{{ <pager previous={page.previous} next={page.next} zeta=\"z\" alpha=\"a\" mu=\"m\" beta=\"b\"/> }}"),
    );
}

// --- configuration and formats ----------------------------------------------------------

#[test]
fn config_unknown_key_exits_2() {
    let root = good_site();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("public");
    build(root.path(), &out, &[]).expect_code(0);
    let before = read_tree(&out);

    write_files(
        root.path(),
        &[(
            "formulary.toml",
            "base_url = \"https://example.org/\"\ntitel = \"Bone Health\"\n",
        )],
    );
    let run = build(root.path(), &out, &[]);
    run.expect_code(2);
    assert_only_error(
        &run,
        "config",
        "formulary.toml:2:1",
        &["`titel`", "did you mean `title`"],
        Some("titel = \"Bone Health\""),
    );
    assert_same_tree(
        &before,
        &read_tree(&out),
        "the output after a configuration error",
    );
    assert!(leftover_siblings(&out).is_empty());

    let run = check(root.path(), &[]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("error[config]: formulary.toml:2:1: "),
        "{}",
        run.stderr
    );
}

#[test]
fn json_format() {
    let root = good_site();
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("public");

    // A clean site prints an empty array.
    let run = build(root.path(), &out, &["--format", "json"]);
    run.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(v, serde_json::json!([]));

    write_files(
        root.path(),
        &[
            (
                "content/guides/bad.md",
                "+++\ntitle = \"Bad\"\nsumary = \"Typo.\"\n+++\nText.\n",
            ),
            (
                "content/guides/seeing-your-doctor.md",
                "+++\ntitle = \"Seeing your doctor\"\n+++\n\nSee [x](nowhere.md).\n",
            ),
        ],
    );
    for args in [
        vec!["build", "--output", out.to_str().unwrap()],
        vec!["check"],
    ] {
        let mut full = args.clone();
        full.extend(["--root", root.path().to_str().unwrap(), "--format", "json"]);
        let failed = common::run(&full);
        failed.expect_code(1);
        let v: serde_json::Value = serde_json::from_str(&failed.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", failed.stdout));
        let arr = v.as_array().expect("a JSON array");
        assert_eq!(arr.len(), 2, "{v:#}");
        let expected = [
            (
                "front-matter",
                "content/guides/bad.md",
                3,
                1,
                "did you mean `summary`",
            ),
            (
                "broken-link",
                "content/guides/seeing-your-doctor.md",
                5,
                5,
                "nowhere.md",
            ),
        ];
        for (obj, (id, path, line, col, msg)) in arr.iter().zip(expected) {
            let o = obj.as_object().expect("an object");
            for key in ["id", "level", "path", "line", "column", "message"] {
                assert!(o.contains_key(key), "no `{key}` in {obj}");
            }
            assert_eq!(o["id"], id, "{obj}");
            assert_eq!(o["level"], "error", "{obj}");
            assert_eq!(o["path"], path, "{obj}");
            assert_eq!(o["line"], line, "{obj}");
            assert_eq!(o["column"], col, "{obj}");
            assert!(o["message"].as_str().unwrap().contains(msg), "{obj}");
        }
        // Not printed twice: no human diagnostics on stderr.
        assert!(
            !failed.stderr.contains("error[front-matter]"),
            "{}",
            failed.stderr
        );
    }
}

#[test]
fn github_format() {
    let root = good_site();
    write_files(
        root.path(),
        &[(
            "content/guides/bad.md",
            "+++\ntitle = \"Bad\"\nsumary = \"Typo.\"\n+++\nText.\n",
        )],
    );
    let run = check(root.path(), &["--format", "github"]);
    run.expect_code(1);
    let all = format!("{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = all.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(lines.len(), 1, "{all}");
    assert!(
        lines[0].starts_with("::error file=content/guides/bad.md,line=3,col=1"),
        "{}",
        lines[0]
    );
    let (_, message) = lines[0].rsplit_once("::").unwrap();
    assert!(message.contains("did you mean `summary`"), "{}", lines[0]);
    assert!(!all.contains("error[front-matter]"), "{all}");
}

#[test]
fn check_writes_nothing() {
    let root = good_site();
    let before = read_tree(root.path());
    let run = check(root.path(), &[]);
    run.expect_code(0);
    assert!(run.stderr.contains("0 errors"), "{}", run.stderr);
    assert_same_tree(&before, &read_tree(root.path()), "the site after `check`");
    assert!(!root.path().join("public").exists());

    write_files(
        root.path(),
        &[(
            "content/guides/bad.md",
            "+++\ntitle = \"Bad\"\nsumary = \"x\"\n+++\n",
        )],
    );
    let before = read_tree(root.path());
    check(root.path(), &[]).expect_code(1);
    assert_same_tree(
        &before,
        &read_tree(root.path()),
        "the site after a failing `check`",
    );
    // Nothing beside the site either.
    let siblings: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        siblings
            .iter()
            .all(|n| ["formulary.toml", "content"].contains(&n.as_str())),
        "{siblings:?}"
    );
}

#[test]
fn every_error_is_reported_in_order() {
    // Errors in several files are all reported, sorted by path and line, in one run.
    let root = good_site();
    write_files(
        root.path(),
        &[
            (
                "content/guides/b.md",
                "+++\ntitle = \"B\"\n+++\n\n[x](a.md#nope)\n",
            ),
            (
                "content/guides/a.md",
                "+++\ntitle = \"A\"\nweight = \"heavy\"\n+++\n",
            ),
            (
                "content/guides/c.md",
                "+++\ntitle = \"C\"\n+++\n\nOne [x](z1.md).\n\nTwo [y](z2.md).\n",
            ),
        ],
    );
    let run = check(root.path(), &[]);
    run.expect_code(1);
    let heads: Vec<String> = run
        .diagnostic_lines()
        .iter()
        .map(|l| l.split(": ").take(2).collect::<Vec<_>>().join(": "))
        .collect();
    assert_eq!(
        heads,
        [
            "error[front-matter]: content/guides/a.md:3:10",
            // a.md failed to load, so the anchor link in b.md names a page that is not there.
            "error[broken-link]: content/guides/b.md:5:1",
            "error[broken-link]: content/guides/c.md:5:5",
            "error[broken-link]: content/guides/c.md:7:5",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("4 errors"), "{}", run.stderr);
}

#[test]
fn command_line_mistakes_exit_2() {
    let root = good_site();
    let r = root.path().to_str().unwrap();
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("public");
    let o = out.to_str().unwrap();
    let missing = outs.path().join("no-such-site");
    for args in [
        vec!["build", "--root", missing.to_str().unwrap(), "--output", o],
        vec!["check", "--root", r, "--bogus"],
        vec!["check", "--root", r, "--format", "xml"],
        vec![
            "build",
            "--root",
            r,
            "--output",
            o,
            "--base-url",
            "example.org",
        ],
        vec!["new", "drug-class", "!!!", "--root", r],
        vec!["frobnicate"],
    ] {
        let run = common::run(&args);
        assert_eq!(run.code, Some(2), "{args:?}\n{}", run.stderr);
        assert!(!run.stderr.is_empty(), "{args:?} said nothing");
    }
    assert!(!out.exists(), "a failed command wrote the output");
    // `--base-url` names the problem.
    let run = common::run(&[
        "build",
        "--root",
        r,
        "--output",
        o,
        "--base-url",
        "example.org",
    ]);
    assert!(
        run.stderr.contains("base_url") || run.stderr.contains("base-url"),
        "{}",
        run.stderr
    );
}

#[test]
fn output_inside_templates_or_static_is_refused() {
    let root = good_site();
    for dir in ["templates", "static"] {
        std::fs::create_dir_all(root.path().join(dir)).unwrap();
        let before = read_tree(root.path());
        let out = root.path().join(dir).join("out");
        let run = build(root.path(), &out, &[]);
        run.expect_code(2);
        assert!(run.stderr.contains(dir), "{}", run.stderr);
        assert_same_tree(&before, &read_tree(root.path()), "the site");
    }
}

#[test]
fn alias_climbing_out_is_a_diagnostic() {
    let run = fails_keeping_output(|root| {
        write_files(
            root,
            &[(
                "content/guides/moved.md",
                "+++\ntitle = \"Moved\"\naliases = [\"/../../escape/\"]\n+++\n\nText.\n",
            )],
        );
    });
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].contains("]: content/guides/moved.md:3:"),
        "{}",
        run.stderr
    );
}

/// Whatever the message, such an alias never writes outside the output folder.
#[test]
fn alias_climbing_out_writes_nothing_outside() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    let files = [
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/moved.md",
            "+++\ntitle = \"Moved\"\naliases = [\"/../../escape/\", \"/../escape2/\"]\n+++\n",
        ),
    ];
    write_files(&root, &files);
    let out = outer.path().join("a/public");
    let run = build(&root, &out, &[]);
    assert_ne!(run.code, Some(0), "{}", run.stderr);
    assert!(!out.exists());
    assert!(!outer.path().join("escape").exists() && !outer.path().join("a/escape2").exists());
    assert!(!outer.path().join("escape2").exists());
    assert!(leftover_siblings(&out).is_empty());
}
