//! What the index reads of the site model: each page's source, medicines and URL, and the
//! languages. It is taken from the model once its pages and URLs are known, before its
//! names and links, so that a build makes the index beside the rest of the model and the
//! checks; and it holds the sources by reference, so taking it copies no text.

use crate::load::Source;
use crate::site::{drugs::Drug, LangId, PageKind, Site};
use rayon::prelude::*;
use std::sync::Arc;

/// One page as the index reads it.
pub struct IndexedPage {
    pub source: Arc<Source>,
    pub kind: PageKind,
    pub lang: LangId,
    pub drugs: Arc<[Drug]>,
    /// Below the base path, as pages are ordered by (`drug-classes/serms/`).
    pub url_path: String,
    /// With the base path, as results link to it.
    pub url: String,
}

impl IndexedPage {
    pub fn of(site: &Site, id: usize) -> IndexedPage {
        let p = &site.pages[id];
        IndexedPage {
            source: p.source.clone(),
            kind: p.kind,
            lang: p.lang,
            drugs: p.drugs.clone(),
            url_path: p.url_path.clone(),
            url: site.url(id),
        }
    }
}

/// A language as the index reads it: its code (which stemmer) and URL prefix (`es/`).
pub struct IndexedLanguage {
    pub code: String,
    pub prefix: String,
}

/// Every page as the index reads it, by page id, and every language.
pub struct IndexedSite {
    pub pages: Vec<IndexedPage>,
    pub languages: Vec<IndexedLanguage>,
}

impl IndexedSite {
    pub fn of(site: &Site) -> IndexedSite {
        IndexedSite {
            // On every core: a build takes it when the model is assembled, before anything
            // else runs beside it.
            pages: (0..site.pages.len())
                .into_par_iter()
                .map(|id| IndexedPage::of(site, id))
                .collect(),
            languages: site
                .languages
                .iter()
                .map(|l| IndexedLanguage {
                    code: l.code.clone(),
                    prefix: l.prefix.clone(),
                })
                .collect(),
        }
    }
}
