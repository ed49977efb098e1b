//! What a template sees: the site (built once) and one page (built per page). Lists that
//! span the site live in `site` only, so a page's context stays the size of the page.

use super::context_reads::ContextReads;
use crate::markdown::Heading;
use crate::site::drugs::Drug;
use crate::site::{LangId, Page, PageId, Site};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::OnceLock;
use tera::{TeraResult, Value};

/// `{title, url, summary, kind, lang}`: how one page refers to another. Its text is
/// borrowed from the model (a page has about thirty of these); [`PageRef::into_owned`]
/// makes one to keep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageRef<'a> {
    pub title: Cow<'a, str>,
    pub url: String,
    pub summary: Cow<'a, str>,
    pub kind: &'static str,
    /// The language code of the page referred to (a translation's list may fall back to a
    /// page of the default language).
    pub lang: Cow<'a, str>,
}

pub fn page_ref(site: &Site, id: PageId) -> PageRef<'_> {
    let p = &site.pages[id];
    PageRef {
        title: Cow::Borrowed(p.title()),
        url: site.url(id),
        summary: Cow::Borrowed(p.summary()),
        kind: p.kind.as_str(),
        lang: Cow::Borrowed(&site.languages[p.lang].code),
    }
}

/// One language version of a page, for the language switcher and `hreflang` links.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternate {
    pub lang: String,
    /// The language's name in itself ("Español").
    pub name: String,
    pub url: String,
    pub permalink: String,
    /// Whether this is the page being rendered.
    pub current: bool,
}

/// A language of the site: `{code, name, url}` (the URL of its home page).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageRef {
    pub code: String,
    pub name: String,
    pub url: String,
}

impl PageRef<'_> {
    /// The same reference, holding its own text.
    pub fn into_owned(self) -> PageRef<'static> {
        PageRef {
            title: Cow::Owned(self.title.into_owned()),
            url: self.url,
            summary: Cow::Owned(self.summary.into_owned()),
            kind: self.kind,
            lang: Cow::Owned(self.lang.into_owned()),
        }
    }

    /// Whether this is what [`page_ref`] gives for `id`, checked without making it.
    pub fn is_of(&self, site: &Site, id: PageId) -> bool {
        let p = &site.pages[id];
        self.title == p.title()
            && self.summary == p.summary()
            && self.kind == p.kind.as_str()
            && self.lang == site.languages[p.lang].code
            && self.url.strip_prefix(site.base_path.as_str()) == Some(p.url_path.as_str())
    }
}

fn refs<'a>(site: &'a Site, ids: &[PageId]) -> Vec<PageRef<'a>> {
    ids.iter().map(|&i| page_ref(site, i)).collect()
}

#[derive(Debug, PartialEq, Serialize)]
pub struct SiteContext<'a> {
    pub title: String,
    pub description: String,
    /// The code of the language being rendered.
    pub language: String,
    pub base_url: String,
    pub extra: toml::Table,
    pub sections: Vec<PageRef<'a>>,
    pub drug_classes: Vec<PageRef<'a>>,
    pub conditions: Vec<PageRef<'a>>,
    /// Every language of the site, the default first.
    pub languages: Vec<LanguageRef>,
    /// The URL of this language's Atom feed.
    pub feed_url: String,
    /// The URLs of this language's home page, search page and A to Z: what
    /// `url(path="_index.md")`, `url(path="search")` and `url(path="drugs")` give with
    /// `lang=site.language`, made once for every page of the language that shows them.
    pub home_url: String,
    pub search_url: String,
    pub drugs_url: String,
}

/// The site as the pages of one language see it.
pub fn site_context(site: &Site, lang: LangId) -> SiteContext<'_> {
    let l = &site.languages[lang];
    let home = &site.pages[l.home];
    SiteContext {
        title: l.title.clone(),
        description: l.description.clone(),
        language: l.code.clone(),
        base_url: site.base_url.clone(),
        extra: site.config.extra_for(&l.code),
        sections: refs(site, &home.subsections),
        drug_classes: refs(site, &site.drug_classes(lang)),
        conditions: refs(site, &site.conditions(lang)),
        languages: site
            .languages
            .iter()
            .map(|l| LanguageRef {
                code: l.code.clone(),
                name: l.name.clone(),
                url: site.url(l.home),
            })
            .collect(),
        feed_url: site.generated_url(lang, crate::site::FEED_FILE),
        home_url: site.url(l.home),
        search_url: site.generated_url(lang, "search/"),
        drugs_url: site.generated_url(lang, "drugs/"),
    }
}

/// The language versions of a page (all of them, itself included), when there is more
/// than one.
pub fn alternates(site: &Site, id: PageId) -> Vec<Alternate> {
    let group = site.alternates(id);
    if group.len() < 2 {
        return Vec::new();
    }
    group
        .into_iter()
        .map(|p| {
            let l = &site.languages[site.pages[p].lang];
            Alternate {
                lang: l.code.clone(),
                name: l.name.clone(),
                url: site.url(p),
                permalink: site.permalink(p),
                current: p == id,
            }
        })
        .collect()
}

/// A heading in the table of contents, its text borrowed from the page's analysis.
#[derive(Debug, Serialize)]
pub struct TocEntry<'a> {
    pub level: u8,
    pub id: &'a str,
    pub title: &'a str,
    pub children: Vec<TocEntry<'a>>,
}

/// Nests the page's headings (level 2 and below) into a table of contents.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry<'_>> {
    fn push<'a>(list: &mut Vec<TocEntry<'a>>, e: TocEntry<'a>) {
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
                id: &h.id,
                title: &h.title,
                children: Vec::new(),
            },
        );
    }
    out
}

/// The table of contents as nested `<ol>` lists: what the `toc_list` component makes of
/// the same entries, to the byte, without a component call for each list. Empty when
/// there are no entries.
pub fn toc_html(entries: &[TocEntry]) -> String {
    fn list(entries: &[TocEntry], out: &mut Vec<u8>) {
        out.extend_from_slice(b"<ol>");
        for e in entries {
            out.extend_from_slice(b"\n  <li><a href=\"#");
            escape(e.id, out);
            out.extend_from_slice(b"\">");
            escape(e.title, out);
            out.extend_from_slice(b"</a>");
            if !e.children.is_empty() {
                out.extend_from_slice(b"\n  ");
                list(&e.children, out);
            }
            out.extend_from_slice(b"</li>");
        }
        out.extend_from_slice(b"\n</ol>");
    }
    fn escape(text: &str, out: &mut Vec<u8>) {
        super::escape_html_to(text, out).expect("a Vec takes every write");
    }
    if entries.is_empty() {
        return String::new();
    }
    let mut out = Vec::with_capacity(128 * entries.len());
    list(entries, &mut out);
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// The parts of a page's context that are made only when a template reads them.
#[derive(Debug, Clone, Copy)]
pub struct PageFields {
    /// `toc`, the table of contents as data.
    pub toc: bool,
    /// `toc_html`, the same as nested lists.
    pub toc_html: bool,
}

impl PageFields {
    pub fn of(reads: &ContextReads) -> PageFields {
        PageFields {
            toc: reads.reads_field("toc"),
            toc_html: reads.reads_field("toc_html"),
        }
    }
}

/// A page as its template sees it. The page's own text (its body's HTML above all) is
/// borrowed from the model: it is copied once, into the template's context. The pages it
/// refers to are their shared [`RefValues`], which the template value shares in turn.
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub kind: &'static str,
    /// The page's language code.
    pub lang: &'a str,
    /// The page in every language it is published in (empty when only one).
    pub alternates: Vec<Alternate>,
    /// A translation reviewed before its source was last reviewed.
    pub translation_outdated: bool,
    pub url: String,
    pub permalink: String,
    pub path: &'a str,
    pub content: &'a str,
    pub toc: Vec<TocEntry<'a>>,
    /// `toc` as nested lists (see [`toc_html`]).
    pub toc_html: String,
    pub reviewed: Option<String>,
    pub review_due: Option<String>,
    pub overdue: bool,
    pub reviewer: Option<&'a str>,
    pub reading_grade: Option<f64>,
    pub word_count: usize,
    /// A drug class's medicines: `{name, anchor, brands, forms}` each.
    pub drugs: &'a [Drug],
    pub also_known_as: &'a [String],
    /// schema.org JSON-LD for the page, safe to print unescaped inside
    /// `<script type="application/ld+json">`; empty when the page has none (the 404 page).
    pub json_ld: String,
    /// Lists of page references.
    pub treats: Value,
    pub treated_by: Value,
    pub related: Value,
    pub mentioned_on: Value,
    pub breadcrumbs: Value,
    pub pages: Value,
    pub subsections: Value,
    /// Single page references, or none: for a translation, the page it translates.
    pub translation_of: Value,
    pub previous: Value,
    pub next: Value,
}

impl PageContext<'_> {
    /// The page as a template value. Its page references are not copied: serialising
    /// into a template value clones a value (a reference count) where it meets one.
    pub fn value(&self) -> TeraResult<Value> {
        Value::try_from_serializable(self)
    }
}

/// Each page's reference as a template value, made the first time a page shows it and
/// shared by every page that does: a value shares its contents, so showing it again costs
/// a reference count. Good for one render pass.
pub struct RefValues<'a> {
    site: &'a Site,
    made: Vec<OnceLock<Value>>,
}

impl<'a> RefValues<'a> {
    pub fn new(site: &'a Site) -> RefValues<'a> {
        RefValues {
            site,
            made: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    pub fn get(&self, id: PageId) -> TeraResult<Value> {
        if let Some(v) = self.made[id].get() {
            return Ok(v.clone());
        }
        let v = Value::try_from_serializable(&page_ref(self.site, id))?;
        Ok(self.made[id].get_or_init(|| v).clone())
    }

    /// The reference of `id`, or none.
    pub fn one(&self, id: Option<PageId>) -> TeraResult<Value> {
        id.map_or_else(|| Ok(Value::none()), |id| self.get(id))
    }

    pub fn list(&self, ids: &[PageId]) -> TeraResult<Value> {
        Ok(Value::from(
            ids.iter()
                .map(|&id| self.get(id))
                .collect::<TeraResult<Vec<Value>>>()?,
        ))
    }
}

/// A content page as its template sees it, its page references taken from `refs`.
pub fn page_context<'a>(
    site: &'a Site,
    page: &'a Page,
    refs: &RefValues,
    fields: PageFields,
) -> TeraResult<PageContext<'a>> {
    let id = page.id;
    let toc_entries = if fields.toc || fields.toc_html {
        toc(page.headings())
    } else {
        Vec::new()
    };
    let front = &page.source.front;
    let word_count = page.source.analysis.words;
    Ok(PageContext {
        title: &front.title,
        summary: page.summary(),
        kind: page.kind.as_str(),
        lang: &site.languages[page.lang].code,
        alternates: alternates(site, id),
        translation_outdated: site.translation_outdated(page).is_some(),
        url: site.url(id),
        permalink: site.permalink(id),
        path: &page.source.content_path,
        content: &page.content_html,
        toc_html: if fields.toc_html {
            toc_html(&toc_entries)
        } else {
            String::new()
        },
        toc: if fields.toc { toc_entries } else { Vec::new() },
        reviewed: front.reviewed.map(|d| d.to_string()),
        review_due: page.review_due.map(|d| d.to_string()),
        overdue: site.is_overdue(page),
        reviewer: front.reviewer.as_deref(),
        reading_grade: page
            .source
            .reading
            .map(|(_, s)| crate::readability::round1(s)),
        word_count,
        drugs: &page.drugs,
        also_known_as: &front.also_known_as,
        json_ld: super::jsonld::page_json_ld(site, page),
        treats: refs.list(&page.treats)?,
        treated_by: refs.list(&page.treated_by)?,
        related: refs.list(&site.related_of(id))?,
        mentioned_on: refs.list(&page.mentioned_on)?,
        breadcrumbs: refs.list(&site.breadcrumbs(id))?,
        pages: refs.list(&page.pages)?,
        subsections: refs.list(&page.subsections)?,
        translation_of: refs.one(page.translation_of)?,
        previous: refs.one(page.previous)?,
        next: refs.one(page.next)?,
    })
}

/// A generated page (A to Z, search, 404) of a language as a `page` for its template;
/// `url_path` is below the language's prefix.
pub fn generated_page<'a>(
    site: &'a Site,
    lang: LangId,
    title: &'a str,
    kind: &'static str,
    url_path: &str,
    refs: &RefValues,
) -> TeraResult<PageContext<'a>> {
    let prefix = &site.languages[lang].prefix;
    let empty = || Value::from(Vec::<Value>::new());
    Ok(PageContext {
        title,
        summary: "",
        kind,
        lang: &site.languages[lang].code,
        alternates: generated_alternates(site, lang, kind, url_path),
        translation_outdated: false,
        url: format!("{}{prefix}{url_path}", site.base_path),
        permalink: format!("{}{prefix}{url_path}", site.base_url),
        path: "",
        content: "",
        toc: Vec::new(),
        toc_html: String::new(),
        reviewed: None,
        review_due: None,
        overdue: false,
        reviewer: None,
        reading_grade: None,
        word_count: 0,
        drugs: &[],
        also_known_as: &[],
        json_ld: super::jsonld::generated_json_ld(site, lang, title, kind, url_path),
        treats: empty(),
        treated_by: empty(),
        related: empty(),
        mentioned_on: empty(),
        breadcrumbs: refs.list(&[site.languages[lang].home])?,
        pages: empty(),
        subsections: empty(),
        translation_of: Value::none(),
        previous: Value::none(),
        next: Value::none(),
    })
}

/// The language versions of a generated page (`url_path` below each language's prefix):
/// the A to Z and the search page exist in every language; the 404 page once.
pub fn generated_alternates(
    site: &Site,
    lang: LangId,
    kind: &str,
    url_path: &str,
) -> Vec<Alternate> {
    if site.is_multilingual() && kind != "404" {
        site.languages
            .iter()
            .enumerate()
            .map(|(i, l)| Alternate {
                lang: l.code.clone(),
                name: l.name.clone(),
                url: format!("{}{}{url_path}", site.base_path, l.prefix),
                permalink: format!("{}{}{url_path}", site.base_url, l.prefix),
                current: i == lang,
            })
            .collect()
    } else {
        Vec::new()
    }
}
