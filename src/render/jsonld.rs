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
use serde_json::{json, Value};

/// The JSON-LD of a content page, ready to be written between `<script>` tags.
pub fn page_json_ld(site: &Site, page: &Page) -> String {
    let permalink = site.permalink(page.id);
    script_safe(&content_page(site, page, &permalink))
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

/// A content page's JSON-LD, written straight from these borrowing structs (a page's
/// values were a tree of JSON maps, made and dropped for every page). The fields of each are
/// in the order of their keys, as a JSON object (a sorted map) is written everywhere else.
#[derive(Serialize)]
struct ContentPage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<About<'a>>,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: Value,
    #[serde(rename = "lastReviewed", skip_serializing_if = "Option::is_none")]
    last_reviewed: Option<String>,
    #[serde(rename = "medicalAudience", skip_serializing_if = "Option::is_none")]
    medical_audience: Option<Typed<'a>>,
    name: &'a str,
    #[serde(rename = "reviewedBy", skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<Typed<'a>>,
    url: &'a str,
}

/// What a page is about: its class's drugs, or its condition.
#[derive(Serialize)]
#[serde(untagged)]
enum About<'a> {
    Drugs(Vec<DrugLd<'a>>),
    Condition(ConditionLd<'a>),
}

/// A small object with a `@type`: the audience, a reviewer, a drug's class.
#[derive(Serialize)]
struct Typed<'a> {
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(rename = "audienceType", skip_serializing_if = "Option::is_none")]
    audience_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

impl<'a> Typed<'a> {
    fn named(ty: &'static str, name: &'a str) -> Typed<'a> {
        Typed {
            ty,
            audience_type: None,
            name: Some(name),
            url: None,
        }
    }
}

#[derive(Serialize)]
struct ConditionLd<'a> {
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(rename = "alternateName", skip_serializing_if = "<[String]>::is_empty")]
    alternate_name: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    drug: Vec<DrugLd<'a>>,
    name: &'a str,
    url: &'a str,
}

/// One drug of a class page: generic name, brand names, the class, and where it is described.
#[derive(Serialize)]
struct DrugLd<'a> {
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(rename = "drugClass")]
    drug_class: Typed<'a>,
    name: &'a str,
    #[serde(
        rename = "proprietaryName",
        skip_serializing_if = "<[String]>::is_empty"
    )]
    proprietary_name: &'a [String],
    url: AnchorUrl<'a>,
}

fn drug<'a>(site: &'a Site, class: &'a Page, drug: &'a Drug) -> DrugLd<'a> {
    DrugLd {
        ty: "Drug",
        drug_class: Typed::named("DrugClass", class.title()),
        name: &drug.name,
        proprietary_name: &drug.brands,
        url: AnchorUrl {
            base_url: &site.base_url,
            url_path: &class.url_path,
            anchor: &drug.anchor,
        },
    }
}

/// The JSON-LD of a content page (what [`page_json_ld`] writes).
fn content_page<'a>(site: &'a Site, page: &'a Page, permalink: &'a str) -> ContentPage<'a> {
    let front = &page.source.front;
    let medical = matches!(
        page.kind,
        PageKind::Article | PageKind::DrugClass | PageKind::Condition
    );
    let reviewed_by = front.reviewed.map(|_| {
        match front.reviewer.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Typed::named("Person", name),
            // Reviewed, but nobody named: the site stands behind the review.
            _ => Typed {
                url: Some(&site.base_url),
                ..Typed::named("Organization", &site.languages[page.lang].title)
            },
        }
    });
    let about = match page.kind {
        PageKind::DrugClass => {
            let drugs: Vec<DrugLd> = page.drugs.iter().map(|d| drug(site, page, d)).collect();
            (!drugs.is_empty()).then_some(About::Drugs(drugs))
        }
        PageKind::Condition => Some(About::Condition(ConditionLd {
            ty: "MedicalCondition",
            alternate_name: &front.also_known_as,
            drug: page
                .treated_by
                .iter()
                .map(|&c| &site.pages[c])
                .flat_map(|class| class.drugs.iter().map(move |d| drug(site, class, d)))
                .collect(),
            name: page.title(),
            url: permalink,
        })),
        _ => None,
    };
    ContentPage {
        context: "https://schema.org",
        ty: if medical {
            "MedicalWebPage"
        } else {
            "CollectionPage"
        },
        about,
        description: page.summary(),
        in_language: &site.languages[page.lang].code,
        is_part_of: website(site, page.lang),
        last_reviewed: front.reviewed.map(|d| d.to_string()),
        medical_audience: medical.then_some(Typed {
            ty: "MedicalAudience",
            audience_type: Some("Patient"),
            name: None,
            url: None,
        }),
        name: page.title(),
        reviewed_by,
        url: permalink,
    }
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
    fn content_pages_are_written_as_sorted_objects_are() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = crate::build::load_and_check(root, None, false).unwrap();
        let mut kinds = std::collections::BTreeSet::new();
        for page in &site.pages {
            let text = page_json_ld(&site, page);
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(text, script_safe(&value), "{}", page.source.content_path);
            kinds.insert(page.kind.as_str());
        }
        // Every shape of page the structs write: class, condition, article, section, home.
        assert!(kinds.len() >= 5, "{kinds:?}");
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
