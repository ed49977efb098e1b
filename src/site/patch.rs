//! The model after an edit of page bodies only: the common save in serve and watch. When
//! every edited page keeps its front matter and its anchors, nothing another page shows of
//! it can change except "mentioned on" lists, so the last model is copied, the edited bodies
//! are rendered again and the lists of the pages they stop or start linking to are mended.
//! Anything further reaching (front matter, anchors, pages added or removed, a new day)
//! is left to [`Site::build_reusing`].

use super::{title_key, Page, PageId, Site};
use crate::load::Source;
use std::collections::BTreeSet;
use std::sync::Arc;

impl Site {
    /// `prev` with the bodies of `edited` (sources of pages it has) replaced, and the pages
    /// whose model changed: the edited ones and those whose "mentioned on" list did. `None`
    /// when an edit reaches beyond bodies; build the whole model then.
    pub fn with_edited_bodies(prev: &Site, edited: &[Arc<Source>]) -> Option<(Site, Vec<PageId>)> {
        if super::today() != prev.today {
            return None;
        }
        let mut ids = Vec::with_capacity(edited.len());
        for source in edited {
            let &id = prev.by_content_path.get(&source.content_path)?;
            let old = &prev.pages[id].source;
            if old.text[..old.body_start] != source.text[..source.body_start] {
                return None;
            }
            ids.push(id);
        }
        let mut site = prev.clone();
        for (source, &id) in edited.iter().zip(&ids) {
            site.pages[id].source = source.clone();
            // Another page's link to `#anchor` resolves against these.
            if site.pages[id].anchors() != prev.pages[id].anchors() {
                return None;
            }
        }
        let site_paths = site.site_paths();
        for &id in &ids {
            let page = &site.pages[id];
            let body = site.render_body(page, site.resolve_links(page, &site_paths));
            site.pages[id].set_body(body);
        }
        let mut touched: BTreeSet<PageId> = ids.iter().copied().collect();
        for &id in &ids {
            let lang = site.pages[id].lang;
            let same_lang = |p: &Page| -> BTreeSet<PageId> {
                p.links_to
                    .iter()
                    .copied()
                    .filter(|&t| site.pages[t].lang == lang)
                    .collect()
            };
            let (before, after) = (same_lang(&prev.pages[id]), same_lang(&site.pages[id]));
            for &t in before.difference(&after) {
                site.pages[t].mentioned_on.retain(|&m| m != id);
                touched.insert(t);
            }
            for &t in after.difference(&before) {
                let mut list = std::mem::take(&mut site.pages[t].mentioned_on);
                list.push(id);
                list.sort_by_cached_key(|&m| title_key(&site.pages[m]));
                list.dedup();
                site.pages[t].mentioned_on = list;
                touched.insert(t);
            }
        }
        Some((site, touched.into_iter().collect()))
    }
}
