//! duplicate-drug: one drug name (compared without case) in two classes of one language (a
//! translation shares its source's drugs, and is no duplicate of it).

use crate::diagnostic::Diagnostic;
use crate::site::drugs::DrugName;
use crate::site::Site;

/// Reads the drug index (already folded and sorted), so a name's classes stand together.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let generics: Vec<&DrugName> = site.drug_index.iter().filter(|d| !d.is_brand).collect();
    let mut out = Vec::new();
    for group in
        generics.chunk_by(|a, b| a.lang == b.lang && a.sort_key.trim() == b.sort_key.trim())
    {
        // The first definition is the one in the first page; every other class repeats it.
        let Some(first) = group.iter().map(|d| d.class).min() else {
            continue;
        };
        let mut reported = Vec::new();
        for d in group.iter().filter(|d| d.class != first) {
            if reported.contains(&d.class) {
                continue;
            }
            reported.push(d.class);
            let page = &site.pages[d.class];
            let other = &site.pages[first];
            let msg = format!(
                "`{}` is already a drug of {} ({}); a drug belongs to one class",
                d.name,
                other.title(),
                other.source.file.to_string_lossy().replace('\\', "/")
            );
            let diag = Diagnostic::error("duplicate-drug", &page.source.file, msg);
            let text = &page.source.text;
            let fm = &text[..page.source.body_start];
            let at = fm
                .find(&format!("\"{}\"", d.name))
                .or_else(|| fm.find(&d.name))
                .unwrap_or(0);
            out.push(diag.at_offset(text, at));
        }
    }
    out
}
