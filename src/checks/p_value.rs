//! p-value: a p-value whose comparator was lost in translation: `(P 0.02)`, `P0.02`,
//! `p 0.001` (was it `<`, `=` or `>`?). A `P` or `p` standing alone (not inside a word) and
//! followed, with nothing but spaces between, by a number below 1 (`0.02`, `.05`) fires;
//! `P < 0.05`, `p = 0.3`, `P<0.001`, `P ≤ .05` do not.

use super::garbled_number::{char_before, number_ends_at, scan, Finding};
use crate::diagnostic::Diagnostic;
use crate::site::{Page, Site};
use regex::Regex;
use std::sync::LazyLock;

static BARE_P: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[Pp] *(0?\.\d+)").unwrap());

/// Whether `text` has a `.` before a digit, which every p-value [`find`] finds has. Most
/// text has many full stops and no such pair: the pairs are tested 64 at a time, with no
/// branch inside a run, which the compiler makes a few vector steps.
fn has_decimal(text: &str) -> bool {
    let bytes = text.as_bytes();
    let pairs = bytes.len().saturating_sub(1);
    (0..pairs).step_by(64).any(|start| {
        let end = (start + 64).min(pairs);
        bytes[start..end]
            .iter()
            .zip(&bytes[start + 1..=end])
            .fold(false, |hit, (&x, &y)| {
                hit | ((x == b'.') & y.is_ascii_digit())
            })
    })
}

/// Every p-value without a comparator in a text. The pattern needs a `.` before a digit,
/// which most prose lacks (and `p` is in most words): it runs only over a text that has one.
pub fn find(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if !has_decimal(text) {
        return out;
    }
    for caps in BARE_P.captures_iter(text) {
        let (Some(m), Some(num)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let standalone = char_before(text, m.start())
            .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | ';' | ',' | ':'));
        // `p 0.5 mg` or `P 0.02%` is not a p-value.
        let rest = text[m.end()..].trim_start();
        let unit_follows = rest.starts_with('%')
            || rest
                .split(|c: char| !c.is_alphabetic())
                .next()
                .is_some_and(|w| ["mg", "g", "ml", "mcg", "units", "kg"].contains(&w));
        if !standalone || !number_ends_at(text, m.end()) || unit_follows {
            continue;
        }
        let p = &text[m.start()..m.start() + 1];
        out.push(Finding {
            start: m.start(),
            end: m.end(),
            message: format!(
                "`{}`: this p-value has lost its comparator; write `{p} < {}` (or `=`, `>`) \
                 as the original study reports it",
                m.as_str(),
                num.as_str()
            ),
        });
    }
    out
}

pub fn check(site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    scan(site, pages, "p-value", find, has_decimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_decimal_finds_a_point_before_a_digit_anywhere() {
        let by_chars = |t: &str| {
            let b = t.as_bytes();
            (1..b.len()).any(|i| b[i - 1] == b'.' && b[i].is_ascii_digit())
        };
        let mut texts = vec![
            String::new(),
            ".".to_string(),
            ".5".to_string(),
            "5.".to_string(),
            "End. Next.".to_string(),
            "é.9".to_string(),
        ];
        // The pair on either side of every run's edge, and at the very end.
        for at in [0, 62, 63, 64, 65, 127, 128, 200] {
            let mut t = "x. ".repeat(70);
            t.replace_range(at..at + 2, ".7");
            texts.push(t.clone());
            t.truncate(at + 2);
            texts.push(t);
        }
        for t in &texts {
            assert_eq!(has_decimal(t), by_chars(t), "{t:?}");
        }
        assert!(!has_decimal(&"A full stop. ".repeat(100)));
    }

    fn fired(text: &str) -> Vec<&str> {
        super::super::garbled_number::tests::fired_by(find, text)
    }

    #[test]
    fn must_fire() {
        let cases: &[(&str, &str)] = &[
            ("(P 0.02)", "P 0.02"),
            ("(P0.02)", "P0.02"),
            ("P0.02", "P0.02"),
            ("p 0.001", "p 0.001"),
            ("fewer fractures (p .05).", "p .05"),
            ("significant, P 0.001, in both groups", "P 0.001"),
            ("[P 0.04]", "P 0.04"),
        ];
        for (text, want) in cases {
            assert_eq!(fired(text), [*want], "{text}");
            // A page's blocks are read only where this lets them.
            assert!(has_decimal(text), "{text}");
        }
        assert!(find("(P 0.02)")[0].message.contains("`P < 0.02`"));
    }

    #[test]
    fn must_not_fire() {
        for text in super::super::garbled_number::tests::ORDINARY {
            assert!(fired(text).is_empty(), "{text}: {:?}", fired(text));
        }
        for text in [
            "P < 0.02",
            "(P<0.02)",
            "P = 0.02",
            "p=0.3",
            "P > 0.05",
            "P ≥ 0.05",
            "P-value 0.03",
            "Group P 0.5 mg",
            "HbA1c p 12",
            "step 0.5",
            "top 0.1%",
            "P 0.05%",
            "pp 0.5",
            "P 1.5",
            "P 0.02.5",
        ] {
            assert!(fired(text).is_empty(), "{text}: {:?}", fired(text));
        }
    }
}
