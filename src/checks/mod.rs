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
mod unknown_page;
mod url_collision;

use crate::config::CheckLevel;
use crate::diagnostic::{Diagnostic, Level};
use crate::site::Site;
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
];

type Check = fn(&Site) -> Vec<Diagnostic>;

/// The registered checks, in the order they run.
const CHECKS: &[Check] = &[
    broken_link::check,
    unknown_page::check,
    url_collision::check,
    duplicate_drug::check,
    missing_section::check,
    image_alt::check,
    heading_order::check,
    reading_level::check,
    review_overdue::check,
    garbled_number::check,
    p_value::check,
];

/// Runs every check, then applies each page's `allow` and the configured levels.
pub fn run(site: &Site) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Checks are independent readers of the model: run them side by side.
    let mut out: Vec<Diagnostic> = CHECKS
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, c)| {
            let t = std::time::Instant::now();
            let found = c(site);
            crate::build::timing(&format!("check {i}"), t);
            found
        })
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
