//! The Atom feed of each language (`/atom.xml`, `/es/atom.xml`): the pages most recently
//! reviewed, newest first, each with its title, summary, link and review date. Written by
//! hand like the sitemap (a few fixed elements, every text escaped), so the same site gives
//! the same bytes; `updated` is the newest review date, never the time of the build.

use super::xml_escape;
use crate::site::{LangId, PageId, Site, FEED_FILE};

/// How many pages a feed lists.
pub const ENTRIES: usize = 20;

/// The pages of a language in its feed: those with a `reviewed` date, newest first (then by
/// title and URL).
pub fn entries(site: &Site, lang: LangId) -> Vec<PageId> {
    let mut ids: Vec<PageId> = site
        .pages
        .iter()
        .filter(|p| p.lang == lang && p.source.front.reviewed.is_some())
        .map(|p| p.id)
        .collect();
    ids.sort_by_cached_key(|&id| {
        let p = &site.pages[id];
        (
            std::cmp::Reverse(p.source.front.reviewed),
            p.title().to_lowercase(),
            p.url_path.clone(),
        )
    });
    ids.truncate(ENTRIES);
    ids
}

fn timestamp(date: crate::load::front_matter::Date) -> String {
    format!("{date}T00:00:00Z")
}

/// The feed of one language as Atom XML.
pub fn atom(site: &Site, lang: LangId) -> String {
    let l = &site.languages[lang];
    let strings = super::strings::strings(&site.config, &l.code);
    let subtitle = strings
        .get("feed")
        .and_then(|v| v.as_str())
        .unwrap_or("Recently reviewed pages");
    let home = format!("{}{}", site.base_url, l.prefix);
    let self_url = format!("{home}{FEED_FILE}");
    let ids = entries(site, lang);
    let updated = ids
        .first()
        .and_then(|&id| site.pages[id].source.front.reviewed)
        .map(timestamp)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let e = xml_escape;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        e(&l.code)
    ));
    out.push_str(&format!("  <title>{}</title>\n", e(&l.title)));
    out.push_str(&format!("  <subtitle>{}</subtitle>\n", e(subtitle)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        e(&self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        e(&home)
    ));
    out.push_str(&format!("  <id>{}</id>\n", e(&self_url)));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <author>\n    <name>{}</name>\n    <uri>{}</uri>\n  </author>\n",
        e(&l.title),
        e(&home)
    ));
    out.push_str("  <generator>formulary</generator>\n");
    for id in ids {
        let p = &site.pages[id];
        let permalink = site.permalink(id);
        let reviewed = p.source.front.reviewed.map(timestamp).unwrap_or_default();
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", e(p.title())));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            e(&permalink)
        ));
        out.push_str(&format!("    <id>{}</id>\n", e(&permalink)));
        out.push_str(&format!("    <updated>{reviewed}</updated>\n"));
        if !p.summary().is_empty() {
            out.push_str(&format!("    <summary>{}</summary>\n", e(p.summary())));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
