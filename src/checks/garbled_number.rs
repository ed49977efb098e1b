//! garbled-number: numbers broken by machine translation, found in the prose (paragraphs,
//! list items, headings, table cells) and in `title` and `summary`.
//!
//! What fires (see `shared/domain/source-notes.md`):
//!
//! - the "65438" family, where `65438` (or `65,438`) stands for the digit 1: `65438 0.8%`,
//!   `65,438 0 ~ 3%`, `7.65438 0%`; a longer number that merely contains those digits
//!   (`2654381`) does not;
//! - a decimal whose fraction is all zeros, split from its last digits: `0.00 1` (`0.001`);
//! - a decimal followed by a stray `0%`: `7.1 0%`.
//!
//! Ordinary figures never fire: `1,226 patients`, `60 mg`, `5.9%`, `30 to 50%`, `1 in 100`,
//! `2026-10-01`, `P < 0.05`, `Vitamin D3`, `JAMA 1999; 282: 637-45`.
//!
//! The finding's text is located in the raw file (from its block's start on), so the
//! diagnostic points at the exact column even when the block's text lost the markup.

use crate::diagnostic::Diagnostic;
use crate::site::{Page, Site};
use memchr::memmem::Finder;
use regex::Regex;
use std::sync::LazyLock;

/// A suspicious piece of a text: its byte range in that text and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

static FAMILY_65438: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\d+\.)?65,?438(?:\s0(?:\.\d+)?)?%?").unwrap());
static FAMILY_CORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"65,?438(?:\s0)?").unwrap());
static SPLIT_ZEROS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d+\.0+\s\d{1,3}").unwrap());
static STRAY_ZERO_PERCENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d+\.\d+\s0%").unwrap());

/// The patterns' literals, each searched for with SIMD by a searcher built once: every
/// block of prose is searched for all three.
static HAS_438: LazyLock<Finder> = LazyLock::new(|| Finder::new("438"));
static HAS_POINT_ZERO: LazyLock<Finder> = LazyLock::new(|| Finder::new(".0"));
static HAS_ZERO_PERCENT: LazyLock<Finder> = LazyLock::new(|| Finder::new("0%"));

/// Whether `text` holds the literal `finder` looks for.
fn has(text: &str, finder: &Finder) -> bool {
    finder.find(text.as_bytes()).is_some()
}

/// The character before `i` in `text`, if any.
pub(super) fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// Whether a number may start at `i`: not in the middle of a longer number or a word.
pub(super) fn number_starts_at(text: &str, i: usize) -> bool {
    match char_before(text, i) {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        // `1.65438`, `1,65438`: part of a longer number.
        Some('.' | ',') => !char_before(text, i - 1).is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Whether a number may end at `i`: not followed by more digits, letters, or `.5`.
pub(super) fn number_ends_at(text: &str, i: usize) -> bool {
    let mut rest = text[i..].chars();
    match rest.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('.' | ',') => !rest.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Whether [`find`] could find anything in `text` (or in a part of it).
fn may_find(text: &str) -> bool {
    has(text, &HAS_438) || has(text, &HAS_POINT_ZERO) || has(text, &HAS_ZERO_PERCENT)
}

/// Every garbled number in a text. Each pattern holds a literal (`438`, `.0`, `0%`) that
/// most prose lacks: a pattern runs only over a text that has its literal.
pub fn find(text: &str) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let family = has(text, &HAS_438).then(|| FAMILY_65438.find_iter(text));
    for m in family.into_iter().flatten() {
        if !number_starts_at(text, m.start()) || !number_ends_at(text, m.end()) {
            continue;
        }
        let guess = FAMILY_CORE.replace(m.as_str(), "1");
        out.push(Finding {
            start: m.start(),
            end: m.end(),
            message: format!(
                "`{}` looks garbled by machine translation (\"65438\" stands for the digit 1: \
                 probably `{guess}`); check the figure against the original source",
                m.as_str()
            ),
        });
    }
    let split = has(text, &HAS_POINT_ZERO).then(|| SPLIT_ZEROS.find_iter(text));
    for m in split.into_iter().flatten() {
        if !number_starts_at(text, m.start()) || !number_ends_at(text, m.end()) {
            continue;
        }
        let joined: String = m.as_str().split_whitespace().collect();
        out.push(Finding {
            start: m.start(),
            end: m.end(),
            message: format!(
                "`{}` looks like one number split in two (probably `{joined}`); check it \
                 against the original source",
                m.as_str()
            ),
        });
    }
    let stray = has(text, &HAS_ZERO_PERCENT).then(|| STRAY_ZERO_PERCENT.find_iter(text));
    for m in stray.into_iter().flatten() {
        if !number_starts_at(text, m.start()) {
            continue;
        }
        out.push(Finding {
            start: m.start(),
            end: m.end(),
            message: format!(
                "`{}` has a stray digit group, a translation artifact; check the figure \
                 against the original source",
                m.as_str()
            ),
        });
    }
    // One finding per place: the first pattern that claimed it wins.
    out.sort_by_key(|f| f.start);
    let mut kept: Vec<Finding> = Vec::new();
    for f in out {
        if kept.last().is_none_or(|k| f.start >= k.end) {
            kept.push(f);
        }
    }
    kept
}

/// Where `needle` occurs in `raw` at or after `from`, any run of whitespace in the needle
/// matching any run of whitespace in the raw text (a soft line break became a space).
pub(super) fn locate(raw: &str, from: usize, needle: &str) -> Option<usize> {
    let parts: Vec<&str> = needle.split_whitespace().collect();
    let first = *parts.first()?;
    let mut at = from.min(raw.len());
    while !raw.is_char_boundary(at) {
        at += 1;
    }
    while let Some(i) = raw[at..].find(first) {
        let start = at + i;
        let mut pos = start + first.len();
        let mut ok = true;
        for p in &parts[1..] {
            let rest = &raw[pos..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || !trimmed.starts_with(p) {
                ok = false;
                break;
            }
            pos += rest.len() - trimmed.len() + p.len();
        }
        if ok {
            return Some(start);
        }
        at = start + first.len();
    }
    None
}

/// Runs a finder over a page's prose and its `title` and `summary`, placing each finding
/// at its exact position in the file.
///
/// The blocks are read only where the page's prose as a whole passes `may_find`: a test
/// that every text the finder finds something in passes (most pages hold nothing it looks
/// for, and one test of the whole prose costs less than one of each block).
pub(super) fn scan(
    _site: &Site,
    pages: &[&Page],
    id: &'static str,
    finder: fn(&str) -> Vec<Finding>,
    may_find: fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        scan_page(page, id, finder, may_find, &mut out);
    }
    out
}

fn scan_page(
    page: &Page,
    id: &'static str,
    finder: fn(&str) -> Vec<Finding>,
    may_find: fn(&str) -> bool,
    out: &mut Vec<Diagnostic>,
) {
    let src = &page.source;
    let text = &src.text;
    // Front matter: the title and the summary are published too.
    let front = &text[..src.body_start];
    for (key, value) in [
        ("title", Some(src.front.title.as_str())),
        ("summary", src.front.summary.as_deref()),
    ] {
        let Some(value) = value else { continue };
        let key_at = crate::config::key_offset(front, key).unwrap_or(0);
        let mut cursor = key_at;
        for f in finder(value) {
            let needle = &value[f.start..f.end];
            let d = Diagnostic::warning(id, &src.file, f.message);
            match locate(front, cursor, needle) {
                Some(at) => {
                    cursor = at + 1;
                    out.push(d.at_offset(text, at));
                }
                None => out.push(src.diag_at_key(d, key)),
            }
        }
    }
    let body = src.body();
    if !src.analysis.prose_may_hold(body, may_find) {
        return;
    }
    for block in src.blocks() {
        let mut cursor = block.offset;
        for f in finder(block.text) {
            let needle = &block.text[f.start..f.end];
            // The whole finding if the source has it as written; else its first number.
            let first_number: String = needle
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
                .collect();
            let at = locate(body, cursor, needle)
                .or_else(|| locate(body, cursor, &first_number))
                .unwrap_or(block.offset);
            cursor = at + 1;
            let d = Diagnostic::warning(id, &src.file, f.message);
            out.push(src.diag_at_body(d, at));
        }
    }
}

pub fn check(site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    scan(site, pages, "garbled-number", find, may_find)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Ordinary medical text that must never fire (also used by the p-value tests).
    pub(crate) const ORDINARY: &[&str] = &[
        "P < 0.05",
        "p = 0.3",
        "P<0.001",
        "P ≤ 0.05 and P=.04",
        "1,226 patients",
        "60 mg",
        "2026-10-01",
        "30 to 50%",
        "1 in 100",
        "5.9%",
        "10 mg daily",
        "every 3 months",
        "Vitamin D3",
        "1,000 to 1,200 mg",
        "800 to 1,000 units",
        "JAMA 1999; 282: 637-45",
        "Osteoporos Int 2000; 11: 83-91.",
        "N Engl J Med 2007;356:1809-22",
        "A T-score of -2.5 or lower",
        "between -1 and -2.5",
        "about 1 in 3 women and 1 in 5 men over 50",
        "bone density rose by 5.9% in the spine and 6.4% at the hip",
        "70% fewer spine fractures and 41% fewer hip fractures",
        "take 1.0 mg a day",
        "Costs 5.00 a month.",
        "1 200 mg in SI style",
        "PMID 26543812",
        "phone 0165438 is not a figure",
        "a score of 2.0, 3.0 or 4.0",
        "in 2012, 0.1% of people",
        "risk ratio 0.65 (95% CI 0.43 to 0.98)",
        "HR 0.60; 95% CI, 0.48-0.76",
        "P value 0.02 was reported as P = 0.02",
        "page p. 45 and pp. 637-45",
        "step 0.5 mg",
        "Adcal-D3 and Calcichew-D3",
        "12 months, then 3 years",
        "ibandronate 150 mg monthly",
    ];

    /// The pieces of `text` that a finder reports.
    pub(crate) fn fired_by(finder: fn(&str) -> Vec<Finding>, text: &str) -> Vec<&str> {
        finder(text)
            .into_iter()
            .map(|f| &text[f.start..f.end])
            .collect()
    }

    fn fired(text: &str) -> Vec<&str> {
        fired_by(find, text)
    }

    #[test]
    fn must_fire() {
        let cases: &[(&str, &str)] = &[
            ("increased by 65,438 0 ~ 3%", "65,438 0"),
            ("increased by 7.65438 0%", "7.65438 0%"),
            ("placebo group increased by 65438 0.8%", "65438 0.8%"),
            ("3.65438 0%", "3.65438 0%"),
            ("(0.65438 0%)", "0.65438 0%"),
            ("65438", "65438"),
            ("65,438", "65,438"),
            ("0.00 1)", "0.00 1"),
            ("(P < 0.00 1)", "0.00 1"),
            ("rose by 7.1 0% in two years", "7.1 0%"),
        ];
        for (text, want) in cases {
            assert_eq!(fired(text), [*want], "{text}");
            // A page's blocks are read only where this lets them.
            assert!(may_find(text), "{text}");
        }
    }

    #[test]
    fn suggestions() {
        let msg = |t: &str| find(t).remove(0).message;
        assert!(msg("by 7.65438 0%").contains("probably `7.1%`"));
        assert!(msg("by 65438 0.8%").contains("probably `1.8%`"));
        assert!(msg("by 65,438 0 ~ 3%").contains("probably `1`"));
        assert!(msg("P 0.00 1)").contains("probably `0.001`"));
    }

    #[test]
    fn must_not_fire() {
        for text in ORDINARY {
            assert!(fired(text).is_empty(), "{text}: {:?}", fired(text));
        }
    }

    #[test]
    fn locate_across_line_breaks() {
        let raw = "x 0.00\n1) and 0.00 1";
        assert_eq!(locate(raw, 0, "0.00 1"), Some(2));
        assert_eq!(locate(raw, 3, "0.00 1"), Some(raw.len() - 6));
        assert_eq!(locate(raw, 0, "0.001"), None);
    }
}
