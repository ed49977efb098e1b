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
    let mut obj = Map::new();
    obj.insert("@context".into(), json!("https://schema.org"));
    obj.insert("@type".into(), json!(ty));
    obj.insert("name".into(), json!(title));
    obj.insert(
        "url".into(),
        json!(format!(
            "{}{}{}",
            site.base_url, site.languages[lang].prefix, url_path
        )),
    );
    obj.insert("inLanguage".into(), json!(site.languages[lang].code));
    obj.insert("isPartOf".into(), website(site, lang));
    if kind == "drugs" {
        let drugs: Vec<Value> = site
            .drug_index
            .iter()
            .filter(|d| !d.is_brand && d.lang == lang)
            .map(|d| {
                json!({
                    "@type": "Drug",
                    "name": d.name,
                    "url": format!("{}#{}", site.permalink(d.class), d.anchor),
                })
            })
            .collect();
        if !drugs.is_empty() {
            obj.insert("about".into(), Value::Array(drugs));
        }
    }
    script_safe(&Value::Object(obj))
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
pub fn script_safe(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
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
