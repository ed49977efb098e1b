//! schema.org structured data for search engines and link previews: one JSON-LD object per
//! page, built with serde_json (never by pasting strings) and made safe to sit inside a
//! `<script type="application/ld+json">` element.
//!
//! - a drug-class, condition or article page is a `MedicalWebPage` with `lastReviewed`,
//!   `reviewedBy` and `about`: each `Drug` of a class (generic name as `name`, brand names as
//!   `proprietaryName`), or the `MedicalCondition` of a condition page (`alternateName` from
//!   `also_known_as`, and the drugs of the classes that treat it as `drug`);
//! - the home page and section pages are a `CollectionPage`; the generated pages are a
//!   `CollectionPage` (the A to Z) or a `SearchResultsPage` (search).

use crate::site::{drugs::Drug, LangId, Page, PageKind, Site};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// The JSON-LD of a content page, ready to be written between `<script>` tags.
pub fn page_json_ld(site: &Site, page: &Page) -> String {
    script_safe(&page_value(site, page))
}

/// The JSON-LD of a generated page (`kind` is the generated page's kind: `drugs`, `search`;
/// the 404 page gets none, as it is served at any missing address).
pub fn generated_json_ld(
    site: &Site,
    lang: LangId,
    title: &str,
    kind: &str,
    url_path: &str,
) -> String {
    let ty = match kind {
        "drugs" => "CollectionPage",
        "search" => "SearchResultsPage",
        _ => return String::new(),
    };
    // Every generic name of the language's A to Z: tens of thousands on a large site, so
    // written straight from these structs rather than through a tree of JSON values.
    let about = if kind == "drugs" {
        site.drug_index
            .iter()
            .filter(|d| !d.is_brand && d.lang == lang)
            .map(|d| DrugLink {
                ty: "Drug",
                name: &d.name,
                url: AnchorUrl {
                    base_url: &site.base_url,
                    url_path: &site.pages[d.class].url_path,
                    anchor: &d.anchor,
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    script_safe(&GeneratedPage {
        context: "https://schema.org",
        ty,
        about,
        in_language: &site.languages[lang].code,
        is_part_of: website(site, lang),
        name: title,
        url: format!(
            "{}{}{}",
            site.base_url, site.languages[lang].prefix, url_path
        ),
    })
}

/// A generated page's JSON-LD. The fields are in the order of their keys, as a JSON
/// object (a sorted map) is written everywhere else.
#[derive(Serialize)]
struct GeneratedPage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<DrugLink<'a>>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: Value,
    name: &'a str,
    url: String,
}

/// A drug of the A to Z and where it is described (keys in order, as above).
#[derive(Serialize)]
struct DrugLink<'a> {
    #[serde(rename = "@type")]
    ty: &'static str,
    name: &'a str,
    url: AnchorUrl<'a>,
}

/// `https://example.org/drug-classes/serms/#drug-raloxifene`, written without making it.
struct AnchorUrl<'a> {
    base_url: &'a str,
    url_path: &'a str,
    anchor: &'a str,
}

impl std::fmt::Display for AnchorUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.base_url)?;
        f.write_str(self.url_path)?;
        f.write_str("#")?;
        f.write_str(self.anchor)
    }
}

impl Serialize for AnchorUrl<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The page as a JSON value (what [`page_json_ld`] serialises).
pub fn page_value(site: &Site, page: &Page) -> Value {
    let front = &page.source.front;
    let permalink = site.permalink(page.id);
    let ty = match page.kind {
        PageKind::Home | PageKind::Section => "CollectionPage",
        PageKind::Article | PageKind::DrugClass | PageKind::Condition => "MedicalWebPage",
    };
    let mut obj = Map::new();
    obj.insert("@context".into(), json!("https://schema.org"));
    obj.insert("@type".into(), json!(ty));
    obj.insert("name".into(), json!(page.title()));
    if !page.summary().is_empty() {
        obj.insert("description".into(), json!(page.summary()));
    }
    obj.insert("url".into(), json!(permalink));
    obj.insert("inLanguage".into(), json!(site.languages[page.lang].code));
    obj.insert("isPartOf".into(), website(site, page.lang));
    if ty == "MedicalWebPage" {
        obj.insert(
            "medicalAudience".into(),
            json!({ "@type": "MedicalAudience", "audienceType": "Patient" }),
        );
    }
    if let Some(reviewed) = front.reviewed {
        obj.insert("lastReviewed".into(), json!(reviewed.to_string()));
        let reviewer = match front.reviewer.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => json!({ "@type": "Person", "name": name }),
            // Reviewed, but nobody named: the site stands behind the review.
            _ => {
                json!({ "@type": "Organization", "name": site.languages[page.lang].title, "url": site.base_url })
            }
        };
        obj.insert("reviewedBy".into(), reviewer);
    }
    match page.kind {
        PageKind::DrugClass => {
            let drugs: Vec<Value> = page.drugs.iter().map(|d| drug(site, page, d)).collect();
            if !drugs.is_empty() {
                obj.insert("about".into(), Value::Array(drugs));
            }
        }
        PageKind::Condition => {
            let mut condition = Map::new();
            condition.insert("@type".into(), json!("MedicalCondition"));
            condition.insert("name".into(), json!(page.title()));
            if !front.also_known_as.is_empty() {
                condition.insert("alternateName".into(), json!(front.also_known_as));
            }
            condition.insert("url".into(), json!(permalink));
            let drugs: Vec<Value> = page
                .treated_by
                .iter()
                .map(|&c| &site.pages[c])
                .flat_map(|class| class.drugs.iter().map(move |d| drug(site, class, d)))
                .collect();
            if !drugs.is_empty() {
                condition.insert("drug".into(), Value::Array(drugs));
            }
            obj.insert("about".into(), Value::Object(condition));
        }
        _ => {}
    }
    Value::Object(obj)
}

/// One drug of a class page: generic name, brand names, the class, and where it is described.
fn drug(site: &Site, class: &Page, drug: &Drug) -> Value {
    let mut d = Map::new();
    d.insert("@type".into(), json!("Drug"));
    d.insert("name".into(), json!(drug.name));
    if !drug.brands.is_empty() {
        d.insert("proprietaryName".into(), json!(drug.brands));
    }
    d.insert(
        "drugClass".into(),
        json!({ "@type": "DrugClass", "name": class.title() }),
    );
    d.insert(
        "url".into(),
        json!(format!("{}#{}", site.permalink(class.id), drug.anchor)),
    );
    Value::Object(d)
}

fn website(site: &Site, lang: LangId) -> Value {
    let l = &site.languages[lang];
    json!({ "@type": "WebSite", "name": l.title, "url": format!("{}{}", site.base_url, l.prefix) })
}

/// Serialises `value` so that nothing in it can end the `<script>` element or open an HTML
/// comment: `<`, `>` and `&` only ever occur inside JSON strings, where `\u003c`, `\u003e`
/// and `\u0026` mean the same characters.
pub fn script_safe(value: &impl Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let unsafe_byte = |b: &u8| matches!(b, b'<' | b'>' | b'&');
    if !text.as_bytes().iter().any(unsafe_byte)
        && !text.contains('\u{2028}')
        && !text.contains('\u{2029}')
    {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pages_are_written_as_sorted_objects_are() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = crate::build::load_and_check(root, None, false).unwrap();
        assert!(site.languages.len() > 1, "the sample site is translated");
        for lang in 0..site.languages.len() {
            for kind in ["drugs", "search"] {
                let text = generated_json_ld(&site, lang, "A page", kind, "x/");
                let value: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(text, script_safe(&value), "{kind}");
            }
            let text = generated_json_ld(&site, lang, "A page", "drugs", "drugs/");
            let value: Value = serde_json::from_str(&text).unwrap();
            let generics = site
                .drug_index
                .iter()
                .filter(|d| !d.is_brand && d.lang == lang)
                .count();
            assert!(generics > 0, "language {lang} has drugs");
            assert_eq!(value["about"].as_array().map(Vec::len), Some(generics));
            assert_eq!(value["inLanguage"], site.languages[lang].code.as_str());
        }
    }

    #[test]
    fn nothing_can_break_out_of_the_script_element() {
        let v = json!({ "name": "a</script><script>alert(1)</script><!-- & \u{2028}" });
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert!(!s.contains('\u{2028}'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
