//! The model after the usual saves in serve and watch: an edit of page bodies, or of the
//! names a page gives (a drug class's drugs and brands, a condition's other names). The
//! last model is copied and mended instead of built again:
//!
//! - a body edit that keeps the page's front matter and anchors changes nothing another
//!   page shows of it except "mentioned on" lists: the edited bodies are rendered again
//!   and the lists of the pages they stop or start linking to are mended;
//! - a names edit also makes the A to Z and the autolink matchers again, and renders again
//!   every body that holds a name whose link changed.
//!
//! Anything further reaching (other front matter, anchors, pages added or removed,
//! translations, a new day) is left to [`Site::build_reusing`].

use super::{drugs, title_key, Page, PageId, PageKind, Site};
use crate::load::Source;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// What an edit changed in the model.
#[derive(Debug)]
pub struct Edit {
    /// The pages whose model changed: those edited, those whose body was rendered again
    /// and those whose "mentioned on" list changed.
    pub touched: Vec<PageId>,
    /// Whether the names changed (the A to Z, autolinks): then pages that show the edited
    /// pages' names may need rendering too, and the checks that read names a new run.
    pub names_changed: bool,
}

impl Site {
    /// `prev` with the pages of `edited` (sources of pages it has) replaced, when only
    /// their bodies or the names they give changed; `None` when an edit reaches further
    /// (build the whole model then).
    pub fn with_edited_pages(prev: &Site, edited: &[Arc<Source>]) -> Option<(Site, Edit)> {
        if super::today() != prev.today {
            return None;
        }
        let mut ids = Vec::with_capacity(edited.len());
        let mut names_changed = false;
        for source in edited {
            let &id = prev.by_content_path.get(&source.content_path)?;
            let old = &prev.pages[id];
            let old_front = &old.source.text[..old.source.body_start];
            if old_front != &source.text[..source.body_start] {
                if !names_only(prev, old, source) {
                    return None;
                }
                names_changed = true;
            }
            ids.push(id);
        }
        let mut site = prev.clone();
        for (source, &id) in edited.iter().zip(&ids) {
            let page = &mut site.pages[id];
            page.source = source.clone();
            if page.kind == PageKind::DrugClass {
                page.drugs = source.front.drugs.iter().map(drugs::Drug::of).collect();
            }
            // Another page's link to `#anchor` resolves against these.
            if site.pages[id].anchors() != prev.pages[id].anchors() {
                return None;
            }
        }
        let mut bodies: BTreeSet<PageId> = ids.iter().copied().collect();
        if names_changed {
            // A body that holds a name whose link changed autolinks differently. Those are
            // found while the autolink matchers are made. Only the edited pages' names can
            // have changed, and a name's link holds its page's URL, which an edit of names
            // keeps: the names that changed are those the edited pages gave or give.
            let holding = site.build_names_then(|site| {
                let (mut old, mut new) = (Vec::new(), Vec::new());
                for &id in &ids {
                    prev.autolink_entries(&prev.pages[id], &mut old);
                    site.autolink_entries(&site.pages[id], &mut new);
                }
                old.sort_unstable();
                new.sort_unstable();
                let Some(changed) = super::NameFinder::of_changes(&old, &new) else {
                    return Vec::new();
                };
                site.pages
                    .par_iter()
                    .filter(|p| changed.is_match(p.source.body()))
                    .map(|p| p.id)
                    .collect::<Vec<PageId>>()
            });
            bodies.extend(holding);
        }
        let site_paths = site.site_paths();
        let bodies: Vec<PageId> = bodies.into_iter().collect();
        let rendered: Vec<_> = bodies
            .par_iter()
            .map(|&id| {
                let page = &site.pages[id];
                site.render_body(page, site.resolve_links(page, &site_paths))
            })
            .collect();
        for (&id, body) in bodies.iter().zip(rendered) {
            site.pages[id].set_body(body);
        }
        let mut touched: BTreeSet<PageId> = bodies.iter().copied().collect();
        for &id in &bodies {
            mend_mentioned_on(prev, &mut site, id, &mut touched);
        }
        let edit = Edit {
            touched: touched.into_iter().collect(),
            names_changed,
        };
        Some((site, edit))
    }
}

/// Whether `source` differs from `old`'s source, in its front matter, only in the names it
/// gives: its drugs (for a drug class) or other names (for a condition). A translation, or
/// a page with translations, shares its names, and a site with collisions or translation
/// problems quotes front matter in them: those are built again whole.
fn names_only(prev: &Site, old: &Page, source: &Source) -> bool {
    if !matches!(old.kind, PageKind::DrugClass | PageKind::Condition)
        || old.translation_of.is_some()
        || !old.translations.is_empty()
        || !prev.collisions.is_empty()
        || !prev.translation_problems.is_empty()
    {
        return false;
    }
    let mut front = source.front.clone();
    front.drugs.clone_from(&old.source.front.drugs);
    front
        .also_known_as
        .clone_from(&old.source.front.also_known_as);
    front == old.source.front
}

/// Takes page `id` out of the "mentioned on" lists of the pages it no longer links to,
/// and into those of the pages it now links to (in its language), in title order.
fn mend_mentioned_on(prev: &Site, site: &mut Site, id: PageId, touched: &mut BTreeSet<PageId>) {
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
