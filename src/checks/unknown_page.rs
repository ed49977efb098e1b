//! unknown-page: `treats` or `related` names a content path with no page.

use crate::diagnostic::Diagnostic;
use crate::site::{Page, Site};

pub fn check(_site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        for u in &page.unknown_refs {
            let hint = u
                .suggestion
                .as_ref()
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let msg = format!(
                "`{}` names no page `{}` (paths are relative to content/){hint}",
                u.key, u.path
            );
            let d = Diagnostic::error("unknown-page", &page.source.file, msg);
            let fm = &page.source.text[..page.source.body_start];
            let d = match fm
                .find(&format!("\"{}\"", u.path))
                .or_else(|| fm.find(&u.path))
            {
                Some(o) => d.at_offset(&page.source.text, o),
                None => page.source.diag_at_key(d, u.key),
            };
            out.push(d);
        }
    }
    out
}
