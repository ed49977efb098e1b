//! What a template sees: the site (built once) and one page (built per page). Lists that
//! span the site live in `site` only, so a page's context stays the size of the page.

use crate::markdown::Heading;
use crate::site::{drugs, Page, PageId, Site};
use serde::Serialize;

/// `{title, url, summary, kind}`: how one page refers to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageRef {
    pub title: String,
    pub url: String,
    pub summary: String,
    pub kind: &'static str,
}

pub fn page_ref(site: &Site, id: PageId) -> PageRef {
    let p = &site.pages[id];
    PageRef {
        title: p.title().to_string(),
        url: site.url(id),
        summary: p.summary().to_string(),
        kind: p.kind.as_str(),
    }
}

fn refs(site: &Site, ids: &[PageId]) -> Vec<PageRef> {
    ids.iter().map(|&i| page_ref(site, i)).collect()
}

#[derive(Debug, PartialEq, Serialize)]
pub struct SiteContext {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    pub extra: toml::Table,
    pub sections: Vec<PageRef>,
    pub drug_classes: Vec<PageRef>,
    pub conditions: Vec<PageRef>,
}

pub fn site_context(site: &Site) -> SiteContext {
    let home = &site.pages[site.home];
    SiteContext {
        title: site.config.title.clone(),
        description: site.config.description.clone(),
        language: site.config.language.clone(),
        base_url: site.base_url.clone(),
        extra: site.config.extra.clone(),
        sections: refs(site, &home.subsections),
        drug_classes: refs(site, &site.drug_classes()),
        conditions: refs(site, &site.conditions()),
    }
}

#[derive(Debug, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Nests the page's headings (level 2 and below) into a table of contents.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    fn push(list: &mut Vec<TocEntry>, e: TocEntry) {
        match list.last_mut() {
            Some(last) if e.level > last.level => push(&mut last.children, e),
            _ => list.push(e),
        }
    }
    let mut out = Vec::new();
    for h in headings.iter().filter(|h| h.level >= 2) {
        push(
            &mut out,
            TocEntry {
                level: h.level,
                id: h.id.clone(),
                title: h.title.clone(),
                children: Vec::new(),
            },
        );
    }
    out
}

#[derive(Debug, Serialize)]
pub struct DrugContext {
    pub name: String,
    pub anchor: String,
    pub brands: Vec<String>,
    pub forms: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PageContext {
    pub title: String,
    pub summary: String,
    pub kind: &'static str,
    pub url: String,
    pub permalink: String,
    pub path: String,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub reviewed: Option<String>,
    pub review_due: Option<String>,
    pub overdue: bool,
    pub reviewer: Option<String>,
    pub reading_grade: Option<f64>,
    pub word_count: usize,
    pub drugs: Vec<DrugContext>,
    pub treats: Vec<PageRef>,
    pub treated_by: Vec<PageRef>,
    pub related: Vec<PageRef>,
    pub mentioned_on: Vec<PageRef>,
    pub also_known_as: Vec<String>,
    pub breadcrumbs: Vec<PageRef>,
    pub previous: Option<PageRef>,
    pub next: Option<PageRef>,
    pub pages: Vec<PageRef>,
    pub subsections: Vec<PageRef>,
    /// schema.org JSON-LD for the page, safe to print unescaped inside
    /// `<script type="application/ld+json">`; empty when the page has none (the 404 page).
    pub json_ld: String,
}

pub fn page_context(site: &Site, page: &Page) -> PageContext {
    let id = page.id;
    let front = &page.source.front;
    let related = site.related_of(id);
    let word_count = page
        .source
        .analysis
        .blocks
        .iter()
        .map(|b| b.text.split_whitespace().count())
        .sum();
    PageContext {
        title: front.title.clone(),
        summary: page.summary().to_string(),
        kind: page.kind.as_str(),
        url: site.url(id),
        permalink: site.permalink(id),
        path: page.source.content_path.clone(),
        content: page.content_html.to_string(),
        toc: toc(page.headings()),
        reviewed: front.reviewed.map(|d| d.to_string()),
        review_due: page.review_due.map(|d| d.to_string()),
        overdue: site.is_overdue(page),
        reviewer: front.reviewer.clone(),
        reading_grade: None,
        word_count,
        drugs: front
            .drugs
            .iter()
            .map(|d| DrugContext {
                name: d.name.clone(),
                anchor: drugs::drug_anchor(&d.name),
                brands: d.brands.clone(),
                forms: d.forms.clone(),
            })
            .collect(),
        treats: refs(site, &page.treats),
        treated_by: refs(site, &page.treated_by),
        related: refs(site, &related),
        mentioned_on: refs(site, &page.mentioned_on),
        also_known_as: front.also_known_as.clone(),
        breadcrumbs: refs(site, &site.breadcrumbs(id)),
        previous: page.previous.map(|p| page_ref(site, p)),
        next: page.next.map(|p| page_ref(site, p)),
        pages: refs(site, &page.pages),
        subsections: refs(site, &page.subsections),
        json_ld: super::jsonld::page_json_ld(site, page),
    }
}

/// A generated page (A to Z, search, 404) as a `page` for its template.
pub fn generated_page(site: &Site, title: &str, kind: &'static str, url_path: &str) -> PageContext {
    PageContext {
        title: title.to_string(),
        summary: String::new(),
        kind,
        url: format!("{}{}", site.base_path, url_path),
        permalink: format!("{}{}", site.base_url, url_path),
        path: String::new(),
        content: String::new(),
        toc: Vec::new(),
        reviewed: None,
        review_due: None,
        overdue: false,
        reviewer: None,
        reading_grade: None,
        word_count: 0,
        drugs: Vec::new(),
        treats: Vec::new(),
        treated_by: Vec::new(),
        related: Vec::new(),
        mentioned_on: Vec::new(),
        also_known_as: Vec::new(),
        breadcrumbs: vec![page_ref(site, site.home)],
        previous: None,
        next: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        json_ld: super::jsonld::generated_json_ld(site, title, kind, url_path),
    }
}

#[derive(Debug, Serialize)]
pub struct AzEntry {
    pub name: String,
    pub is_brand: bool,
    pub generic: Option<String>,
    pub class: PageRef,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct AzLetter {
    pub letter: String,
    pub id: String,
    pub entries: Vec<AzEntry>,
}

/// The A to Z grouped by letter.
pub fn a_to_z(site: &Site) -> Vec<AzLetter> {
    let mut letters: Vec<AzLetter> = Vec::new();
    for d in site.drug_index.iter() {
        let letter = drugs::letter_of(&d.sort_key);
        let entry = AzEntry {
            name: d.name.clone(),
            is_brand: d.is_brand,
            generic: d.generic.clone(),
            class: page_ref(site, d.class),
            url: format!("{}#{}", site.url(d.class), d.anchor),
        };
        match letters.last_mut() {
            Some(l) if l.letter == letter => l.entries.push(entry),
            _ => letters.push(AzLetter {
                id: format!(
                    "letter-{}",
                    if letter == "#" {
                        "other".into()
                    } else {
                        letter.to_lowercase()
                    }
                ),
                letter,
                entries: vec![entry],
            }),
        }
    }
    letters
}
