//! Structured data and link previews: every page of the sample site carries valid schema.org
//! JSON-LD (parsed here with serde_json), a canonical URL, a meta description and Open Graph
//! tags; and nothing written in front matter can break out of the JSON-LD `<script>`.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const LD_OPEN: &str = "<script type=\"application/ld+json\">";

/// Every JSON-LD block of a page, parsed.
fn json_ld_blocks(file: &str, html: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(LD_OPEN) {
        let body = &rest[start + LD_OPEN.len()..];
        let end = body
            .find("</script")
            .unwrap_or_else(|| panic!("{file}: an ld+json script is never closed"));
        let text = &body[..end];
        assert!(
            !text.contains('<'),
            "{file}: a raw `<` inside the JSON-LD could end the script early: {text}"
        );
        let v: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("{file}: the JSON-LD is not valid JSON ({e}): {text}"));
        out.push(v);
        rest = &body[end..];
    }
    out
}

/// `<meta property|name=KEY content=...>` and `<link rel=canonical>` of a page.
fn head_values(html: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for t in tags(html) {
        match t.name.as_str() {
            "meta" => {
                if let (Some(k), Some(c)) =
                    (t.attr("property").or(t.attr("name")), t.attr("content"))
                {
                    out.insert(k.to_string(), c.to_string());
                }
            }
            "link" if t.attr("rel") == Some("canonical") => {
                out.insert("canonical".into(), t.attr("href").unwrap_or("").to_string());
            }
            _ => {}
        }
    }
    out
}

fn str_of<'a>(v: &'a Value, key: &str, file: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{file}: JSON-LD has no string `{key}`: {v:#}"))
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn build_sample() -> (tempfile::TempDir, BTreeMap<String, String>) {
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("public");
    build(Path::new(env!("CARGO_MANIFEST_DIR")), &out, &[]).expect_code(0);
    let pages = read_tree(&out)
        .into_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
        .collect();
    (parent, pages)
}

#[test]
fn every_page_of_the_sample_site_has_json_ld_canonical_and_open_graph() {
    let (_keep, pages) = build_sample();
    let mut drug_classes = 0;
    let mut conditions = 0;
    for (file, html) in &pages {
        let head = head_values(html);
        let is_redirect = html.contains("http-equiv=\"refresh\"");
        if is_redirect {
            // An alias redirect only points at the page's real address.
            assert!(
                head.contains_key("canonical"),
                "{file}: redirect without canonical"
            );
            continue;
        }
        let blocks = json_ld_blocks(file, html);
        for key in [
            "description",
            "og:title",
            "og:description",
            "og:type",
            "og:site_name",
        ] {
            assert!(
                head.get(key).is_some_and(|v| !v.trim().is_empty()),
                "{file}: no `{key}` meta tag; found {head:?}"
            );
        }
        // Each language's pages carry its own site title.
        let site_name = if file.starts_with("es/") {
            "Medicamentos para la salud de los huesos"
        } else {
            "Bone Health Medicines"
        };
        assert_eq!(head["og:site_name"], site_name, "{file}");
        if file == "404.html" {
            // Served at any missing address: no canonical, no og:url, no structured data.
            assert!(
                !head.contains_key("canonical") && !head.contains_key("og:url"),
                "{file}"
            );
            assert!(blocks.is_empty(), "{file}: {blocks:?}");
            continue;
        }
        let canonical = head
            .get("canonical")
            .unwrap_or_else(|| panic!("{file}: no canonical link"));
        assert!(
            canonical.starts_with("https://example.org/"),
            "{file}: {canonical}"
        );
        assert_eq!(head.get("og:url"), Some(canonical), "{file}: og:url");
        assert_eq!(blocks.len(), 1, "{file}: expected one JSON-LD block");
        let ld = &blocks[0];
        assert_eq!(ld["@context"], "https://schema.org", "{file}");
        assert_eq!(str_of(ld, "url", file), canonical, "{file}: JSON-LD url");
        assert_eq!(ld["isPartOf"]["@type"], "WebSite", "{file}");
        let ty = str_of(ld, "@type", file);
        let kind = html
            .split("<body class=\"kind-")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{file}: no body kind class"));
        match kind {
            "drug-class" | "condition" => {
                assert_eq!(ty, "MedicalWebPage", "{file}");
                assert_eq!(head["og:type"], "article", "{file}");
                let reviewed = str_of(ld, "lastReviewed", file);
                assert!(
                    chrono::NaiveDate::parse_from_str(reviewed, "%Y-%m-%d").is_ok(),
                    "{file}: lastReviewed {reviewed}"
                );
                // The review date the reader sees is the one search engines get.
                assert!(
                    html.contains(&format!("<time datetime=\"{reviewed}\">")),
                    "{file}: page does not show review date {reviewed}"
                );
                let by = &ld["reviewedBy"];
                assert!(
                    matches!(by["@type"].as_str(), Some("Person" | "Organization"))
                        && by["name"].as_str().is_some_and(|n| !n.is_empty()),
                    "{file}: reviewedBy {by}"
                );
            }
            "article" => assert_eq!(ty, "MedicalWebPage", "{file}"),
            "home" | "section" | "drugs" => assert_eq!(ty, "CollectionPage", "{file}"),
            "search" => assert_eq!(ty, "SearchResultsPage", "{file}"),
            other => panic!("{file}: unexpected page kind {other}"),
        }
        if kind == "drug-class" {
            drug_classes += 1;
            let about = ld["about"]
                .as_array()
                .unwrap_or_else(|| panic!("{file}: about is not a list of drugs: {ld:#}"));
            assert!(!about.is_empty(), "{file}");
            for d in about {
                assert_eq!(d["@type"], "Drug", "{file}: {d}");
                let name = str_of(d, "name", file);
                // Each drug is in the page's at-a-glance box with its own anchor.
                let url = str_of(d, "url", file);
                let anchor = url.rsplit_once('#').map(|(_, a)| a).unwrap_or("");
                assert!(
                    html.contains(&format!("id=\"{anchor}\"")),
                    "{file}: drug {name} links to #{anchor}, which the page lacks"
                );
            }
        }
        if kind == "condition" {
            conditions += 1;
            let about = &ld["about"];
            assert_eq!(about["@type"], "MedicalCondition", "{file}: {about}");
            let h1 = html
                .split("<h1>")
                .nth(1)
                .and_then(|s| s.split("</h1>").next())
                .unwrap();
            assert_eq!(str_of(about, "name", file), h1, "{file}");
        }
    }
    // Eight classes and two conditions in English; two classes and one condition in Spanish.
    assert_eq!(drug_classes, 10, "drug-class pages checked");
    assert_eq!(conditions, 3, "condition pages checked");

    // Spot checks against the sample content's front matter.
    let bis = &json_ld_blocks("b", &pages["drug-classes/bisphosphonates/index.html"])[0];
    let alendronate = bis["about"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "alendronate")
        .expect("alendronate in about");
    assert_eq!(
        strings(&alendronate["proprietaryName"]),
        ["Fosamax", "Binosto"]
    );
    assert_eq!(bis["about"].as_array().unwrap().len(), 7);
    assert_eq!(bis["lastReviewed"], "2026-11-01");
    let osteo = &json_ld_blocks("o", &pages["conditions/osteoporosis/index.html"])[0];
    assert_eq!(
        strings(&osteo["about"]["alternateName"]),
        ["brittle bones", "thinning bones"]
    );
    assert!(
        osteo["about"]["drug"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["name"] == "denosumab")),
        "osteoporosis lists the drugs that treat it: {osteo:#}"
    );
}

#[test]
fn front_matter_cannot_break_out_of_the_json_ld_script() {
    let hostile = r#"Pills </script><script>alert(1)</script> <!-- & "quotes" \ back"#;
    let site = site(&[
        ("formulary.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nHello.\n"),
        (
            "content/conditions/x.md",
            &format!(
                "+++\ntitle = \"X\"\nkind = \"condition\"\nsummary = {s:?}\nreviewed = 2026-06-01\nreviewer = {s:?}\nalso_known_as = [{s:?}]\n+++\n\nText.\n",
                s = hostile
            ),
        ),
        (
            "content/classes/y.md",
            &format!(
                "+++\ntitle = \"Y\"\nkind = \"drug-class\"\nsummary = \"S.\"\nreviewed = 2026-06-01\ntreats = [\"conditions/x.md\"]\ndrugs = [{{ name = \"ydrug\", brands = [{s:?}] }}]\n+++\n\n{body}",
                s = hostile,
                body = monograph_body()
            ),
        ),
    ]);
    let out = site.path().join("public");
    build(site.path(), &out, &[]).expect_code(0);
    for file in ["conditions/x/index.html", "classes/y/index.html"] {
        let html = read(out.join(file));
        // Exactly one script element: the hostile text opened none and closed none early.
        assert_eq!(html.matches("<script").count(), 1, "{file}:\n{html}");
        let blocks = json_ld_blocks(file, &html);
        assert_eq!(blocks.len(), 1, "{file}");
        let ld = &blocks[0];
        if file.starts_with("conditions") {
            assert_eq!(ld["description"], hostile);
            assert_eq!(ld["reviewedBy"]["name"], hostile);
            assert_eq!(strings(&ld["about"]["alternateName"]), [hostile]);
        } else {
            assert_eq!(strings(&ld["about"][0]["proprietaryName"]), [hostile]);
            // Reviewed with no reviewer named: the site is the reviewer.
            assert_eq!(ld["reviewedBy"]["@type"], "Organization");
            assert_eq!(ld["reviewedBy"]["name"], "T");
        }
    }
}
