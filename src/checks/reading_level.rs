//! reading-level: a page whose prose reads harder than its language's limit, by the formula
//! made for the language: above `readability.max_grade` on the Flesch-Kincaid scale
//! (English), below `readability.min_ease` on the Fernández Huerta scale (Spanish). A
//! language with neither is not graded. The counting rules are in [`crate::readability`].

use crate::diagnostic::Diagnostic;
use crate::readability::{self, round1};
use crate::site::{Page, Site};

/// Longest sentence quoted in a message, in characters.
const QUOTE_CHARS: usize = 60;

/// A sentence shortened for a message.
pub fn quote(sentence: &str) -> String {
    let s: String = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= QUOTE_CHARS {
        return s;
    }
    let cut: String = s.chars().take(QUOTE_CHARS - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > QUOTE_CHARS / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

pub fn check(site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Each language's formula and limit; a language without one is not graded.
    let formulas: Vec<Option<(readability::Formula, f64)>> = (0..site.languages.len())
        .map(|l| readability::formula_of(site, l))
        .collect();
    let graded: Vec<(&Page, readability::Reading, f64, f64)> = pages
        .par_iter()
        .filter_map(|&page| {
            let (formula, limit) = formulas[page.lang]?;
            // Counted as the page was read (most pages pass, and only a failing page's
            // sentences are kept); counted here for a page read by another formula.
            let score = match page.source.reading {
                Some((f, score)) if f == formula => score,
                _ => readability::score_in(&page.source, formula)?,
            };
            let score = round1(score);
            formula.too_hard(score, limit).then(|| {
                let reading = readability::read_in(&page.source, formula);
                (page, reading, score, limit)
            })
        })
        .collect();
    let mut out = Vec::new();
    for (page, reading, score, limit) in graded {
        let hardest = reading
            .hardest(3)
            .iter()
            .map(|s| format!("line {} \"{}\"", s.line, quote(&s.text)))
            .collect::<Vec<_>>()
            .join(", ");
        let msg = match reading.formula {
            readability::Formula::FleschKincaid => format!(
                "reading grade {score:.1} is above {limit}; hardest sentences: {hardest} \
                 (use shorter sentences and everyday words)"
            ),
            readability::Formula::FernandezHuerta => format!(
                "Fernández Huerta score {score:.1} is below {limit} (higher is easier); hardest \
                 sentences: {hardest} (use shorter sentences and everyday words)"
            ),
        };
        let d = Diagnostic::warning("reading-level", &page.source.file, msg);
        out.push(
            page.source
                .diag_at_body(d, first_line_offset(page.source.body())),
        );
    }
    out
}

/// The offset of the body's first non-blank line.
fn first_line_offset(body: &str) -> usize {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if !line.trim().is_empty() {
            return offset;
        }
        offset += line.len();
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_shortened_at_a_word() {
        assert_eq!(quote("Short one."), "Short one.");
        let long = "Bisphosphonates are the medicines most often prescribed first for postmenopausal osteoporosis.";
        let q = quote(long);
        assert!(q.ends_with('…'), "{q}");
        assert!(q.chars().count() <= QUOTE_CHARS, "{q}");
        assert!(long.starts_with(q.trim_end_matches('…')), "{q}");
    }

    #[test]
    fn first_line_skips_blank_lines() {
        assert_eq!(first_line_offset("\n\nText"), 2);
        assert_eq!(first_line_offset("Text"), 0);
    }
}
