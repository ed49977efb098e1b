//! broken-link: a link to a page, file or heading that does not exist.

use crate::diagnostic::Diagnostic;
use crate::site::Site;
use crate::site::{links::Resolution, Page};

pub fn check(_site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        for l in page.links.iter() {
            if let Resolution::Broken(why) = &l.resolution {
                let link = &page.source.analysis.links[l.index];
                let d = Diagnostic::error("broken-link", &page.source.file, why.clone());
                out.push(page.source.diag_at_body(d, link.offset));
            }
        }
    }
    out
}
