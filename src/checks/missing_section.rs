//! missing-section: a drug-class page lacks one of `monograph.required_sections` (for a page
//! in another language, `[languages.<code>.monograph]`'s when given).
//!
//! A required section matches a heading of any level from 2 down when the two are equal
//! after trimming whitespace and trailing punctuation and ignoring case, so
//! `## Side effects:` and `### side effects` both satisfy "Side effects".

use crate::diagnostic::Diagnostic;
use crate::site::{Page, PageKind, Site};

/// The form in which a heading and a required section are compared.
pub fn normalize(title: &str) -> String {
    let t = title
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    let mut words = String::with_capacity(t.len());
    for word in t.split_whitespace() {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    if words.is_ascii() {
        words.make_ascii_lowercase();
        words
    } else {
        words.to_lowercase()
    }
}

/// A language's required sections, each with the form it is compared in, made once for
/// all the language's pages.
pub struct Required<'a> {
    sections: &'a [String],
    normalized: Vec<String>,
}

impl<'a> Required<'a> {
    pub fn new(sections: &'a [String]) -> Required<'a> {
        Required {
            sections,
            normalized: sections.iter().map(|s| normalize(s)).collect(),
        }
    }

    /// The required sections (as configured) that no heading of level 2 or deeper matches.
    pub fn missing(&self, headings: &[crate::markdown::Heading]) -> Vec<&'a str> {
        let have: Vec<String> = headings
            .iter()
            .filter(|h| h.level >= 2)
            .map(|h| normalize(&h.title))
            .collect();
        self.sections
            .iter()
            .zip(&self.normalized)
            .filter(|(_, n)| !have.contains(n))
            .map(|(s, _)| s.as_str())
            .collect()
    }
}

pub fn check(site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let required: Vec<Required> = site
        .languages
        .iter()
        .map(|l| Required::new(site.config.required_sections(&l.code)))
        .collect();
    for page in pages.iter().filter(|p| p.kind == PageKind::DrugClass) {
        let code = &site.languages[page.lang].code;
        let gone = required[page.lang].missing(page.headings());
        if gone.is_empty() {
            continue;
        }
        let list = gone
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let (noun, verb) = if gone.len() == 1 {
            ("section", "it")
        } else {
            ("sections", "them")
        };
        let mut msg =
            format!("a drug-class page needs the {noun} {list}; add {verb} as `## ` headings");
        let own = site
            .config
            .languages
            .get(code.as_str())
            .is_some_and(|l| l.monograph.is_some());
        if page.lang != 0 && !own {
            msg.push_str(&format!(
                " (or give this language its own headings in `[languages.{code}.monograph]` \
                 `required_sections`)"
            ));
        }
        let d = Diagnostic::error("missing-section", &page.source.file, msg);
        out.push(page.source.diag_at_key(d, "kind"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::analyze;

    fn req() -> Vec<String> {
        [
            "What these medicines are",
            "Side effects",
            "How to take them",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn matches_without_case_or_trailing_punctuation() {
        let a = analyze(
            "## what these medicines ARE?\n\n### Side effects:  \n\n## How to take them.\n",
        );
        assert!(Required::new(&req()).missing(&a.headings).is_empty());
    }

    #[test]
    fn lists_every_missing_section() {
        let a = analyze("## Side effects\n\n## How to take it\n");
        assert_eq!(
            Required::new(&req()).missing(&a.headings),
            ["What these medicines are", "How to take them"]
        );
    }

    #[test]
    fn a_level_one_heading_does_not_count() {
        let a = analyze("# Side effects\n");
        assert!(Required::new(&req())
            .missing(&a.headings)
            .contains(&"Side effects"));
    }

    #[test]
    fn normalize_trims_and_folds() {
        assert_eq!(normalize("  Side   Effects!? "), "side effects");
        assert_eq!(normalize("Efectos  SECUNDARIOS:"), "efectos secundarios");
        assert_eq!(normalize("ÉVISTA y Más\t."), "évista y más");
        assert_eq!(normalize("!?"), "");
        assert_eq!(
            normalize("Who can and cannot take them"),
            "who can and cannot take them"
        );
    }
}
