//! Checks: plain functions from the site model to diagnostics, one file each, registered in
//! one list. `allow` in a page's front matter and `[checks]` in the configuration apply here.

mod broken_link;
mod duplicate_drug;
pub mod external_link;
mod garbled_number;
mod heading_order;
mod image_alt;
mod missing_section;
mod p_value;
mod reading_level;
mod review_overdue;
mod translation;
mod translation_outdated;
mod unknown_page;
mod url_collision;

use crate::config::CheckLevel;
use crate::diagnostic::{Diagnostic, Level};
use crate::site::{Page, Site};
use std::path::Path;

/// Every check id, for `allow`, `[checks]` and suggestions.
pub const ALL_IDS: &[&str] = &[
    "front-matter",
    "broken-link",
    "unknown-page",
    "url-collision",
    "duplicate-drug",
    "missing-section",
    "image-alt",
    "heading-order",
    "reading-level",
    "review-overdue",
    "garbled-number",
    "p-value",
    "template",
    "external-link",
    "translation",
    "translation-outdated",
];

/// A check of the whole site (it compares pages with each other).
type SiteCheck = fn(&Site) -> Vec<Diagnostic>;
/// A check of some pages, each on its own (with the site for context): it can run on just
/// the pages an edit touched.
type PageCheck = fn(&Site, &[&Page]) -> Vec<Diagnostic>;

const SITE_CHECKS: &[SiteCheck] = &[
    url_collision::check,
    duplicate_drug::check,
    translation::check,
];

const PAGE_CHECKS: &[PageCheck] = &[
    broken_link::check,
    unknown_page::check,
    missing_section::check,
    image_alt::check,
    heading_order::check,
    reading_level::check,
    review_overdue::check,
    translation_outdated::check,
    garbled_number::check,
    p_value::check,
];

/// Runs every check, then applies each page's `allow` and the configured levels.
pub fn run(site: &Site) -> Vec<Diagnostic> {
    let mut out = run_site(site);
    let pages: Vec<&Page> = site.pages.iter().collect();
    out.extend(run_pages(site, &pages));
    out
}

/// The whole-site checks, with the policy applied.
pub fn run_site(site: &Site) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = SITE_CHECKS.iter().flat_map(|c| c(site)).collect();
    out.retain_mut(|d| apply_policy(site, d));
    out
}

/// The page checks on `pages` only, with the policy applied.
pub fn run_pages(site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Checks are independent readers of the model: run them side by side.
    let mut out: Vec<Diagnostic> = PAGE_CHECKS
        .par_iter()
        .flat_map_iter(|c| c(site, pages))
        .collect();
    out.retain_mut(|d| apply_policy(site, d));
    out
}

/// Applies `allow` and `[checks]` to one diagnostic; false drops it.
pub fn apply_policy(site: &Site, d: &mut Diagnostic) -> bool {
    if let Some(level) = site.config.checks.get(d.id) {
        match level {
            CheckLevel::Off => return false,
            CheckLevel::Error => d.level = Level::Error,
            CheckLevel::Warning => d.level = Level::Warning,
        }
    }
    let allowed = content_path_of(&d.path)
        .and_then(|cp| site.page_by_path(&cp))
        .is_some_and(|p| p.source.front.allow.iter().any(|a| a == d.id));
    !allowed
}

fn content_path_of(path: &Path) -> Option<String> {
    path.strip_prefix(crate::load::CONTENT_DIR)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}
