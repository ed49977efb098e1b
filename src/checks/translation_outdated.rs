//! translation-outdated: a translation whose `reviewed` date is older than its source's: the
//! source changed (perhaps a safety update) after the translation was last checked against
//! it.

use crate::diagnostic::Diagnostic;
use crate::site::{Page, Site};

pub fn check(site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        let Some((own, source_date)) = site.translation_outdated(page) else {
            continue;
        };
        let source = &site.pages[page.source_page()];
        let msg = format!(
            "this translation was reviewed {own}, before its source {} was reviewed \
             {source_date}; bring the translation up to date with the source, then set \
             `reviewed`",
            source.source.file.to_string_lossy().replace('\\', "/")
        );
        let d = Diagnostic::warning("translation-outdated", &page.source.file, msg);
        out.push(page.source.diag_at_key(d, "reviewed"));
    }
    out
}
