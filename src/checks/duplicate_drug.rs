//! duplicate-drug: one drug name (compared without case) in two classes.

use crate::diagnostic::Diagnostic;
use crate::site::{drugs::fold, PageKind, Site};
use std::collections::HashMap;

pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for page in site.pages.iter().filter(|p| p.kind == PageKind::DrugClass) {
        for drug in &page.source.front.drugs {
            let key = fold(drug.name.trim());
            match seen.get(&key) {
                Some(&first) if first != page.id => {
                    let other = &site.pages[first];
                    let msg = format!(
                        "`{}` is already a drug of {} ({}); a drug belongs to one class",
                        drug.name,
                        other.title(),
                        other.source.file.to_string_lossy().replace('\\', "/")
                    );
                    let d = Diagnostic::error("duplicate-drug", &page.source.file, msg);
                    let text = &page.source.text;
                    let fm = &text[..page.source.body_start];
                    let at = fm
                        .find(&format!("\"{}\"", drug.name))
                        .or_else(|| fm.find(&drug.name))
                        .unwrap_or(0);
                    out.push(d.at_offset(text, at));
                }
                Some(_) => {}
                None => {
                    seen.insert(key, page.id);
                }
            }
        }
    }
    out
}
