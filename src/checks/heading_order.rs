//! heading-order: a heading that skips a level (`##` then `####`), or a level-1 `#` heading
//! in the body (the page title is the page's only h1). Screen-reader users move by headings;
//! a gap or a second h1 makes the outline lie.

use crate::diagnostic::Diagnostic;
use crate::markdown::Heading;
use crate::site::{Page, Site};

/// Problems with a body's headings: (heading index, message).
pub fn problems(headings: &[Heading]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // The page title is the h1 above the body.
    let mut prev = 1u8;
    for (i, h) in headings.iter().enumerate() {
        if h.level == 1 {
            out.push((
                i,
                format!(
                    "`# {}` is a level-1 heading, but the page title is already the page's h1; use `## {}`",
                    h.title, h.title
                ),
            ));
        } else if h.level > prev + 1 {
            let want = "#".repeat(usize::from(prev) + 1);
            let after = if i == 0 || prev == 1 {
                "the page title (level 1)".to_string()
            } else {
                format!("a level-{prev} heading")
            };
            out.push((
                i,
                format!(
                    "`{} {}` is level {} right after {after}, skipping a level; use `{want} {}`",
                    "#".repeat(usize::from(h.level)),
                    h.title,
                    h.level,
                    h.title
                ),
            ));
        }
        prev = h.level;
    }
    out
}

pub fn check(_site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        let headings = page.headings();
        for (i, msg) in problems(headings) {
            let d = Diagnostic::warning("heading-order", &page.source.file, msg);
            out.push(page.source.diag_at_body(d, headings[i].offset));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::analyze;

    fn levels(body: &str) -> Vec<usize> {
        problems(&analyze(body).headings)
            .into_iter()
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn good_outlines_pass() {
        assert!(levels("## A\n\n### B\n\n#### C\n\n## D\n\n### E\n").is_empty());
        assert!(levels("## A\n\n### B\n\n## C\n").is_empty());
        assert!(levels("No headings at all.\n").is_empty());
        // Going back up by several levels is fine.
        assert!(levels("## A\n\n### B\n\n#### C\n\n## D\n").is_empty());
    }

    #[test]
    fn skips_and_h1_fire() {
        assert_eq!(levels("## A\n\n#### B\n"), [1]);
        assert_eq!(levels("### First\n"), [0]);
        assert_eq!(levels("# Title again\n\n## A\n"), [0]);
        assert_eq!(levels("## A\n\nSetext\n======\n"), [1]);
        let (_, msg) = &problems(&analyze("## A\n\n#### B\n").headings)[0];
        assert!(msg.contains("use `### B`"), "{msg}");
    }
}
