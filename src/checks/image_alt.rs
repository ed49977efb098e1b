//! image-alt: an image without alt text, in Markdown (`![](x.png)`) or raw HTML (`<img>`
//! without a non-empty `alt`). A screen reader says nothing useful about such an image.

use crate::diagnostic::Diagnostic;
use crate::site::{Page, Site};
use std::ops::Range;

pub fn check(_site: &Site, pages: &[&Page]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        let src = &page.source;
        let mut found: Vec<(usize, String)> = src
            .analysis
            .links
            .iter()
            .filter(|l| l.is_image && l.alt.trim().is_empty())
            .map(|l| {
                (
                    l.offset,
                    format!(
                        "the image `{}` has no alt text; describe it between the brackets: `![what it shows]({})`",
                        l.dest, l.dest
                    ),
                )
            })
            .collect();
        found.extend(html_images_without_alt(src.body(), &src.analysis.html).into_iter().map(|(o, tag_src)| {
            (
                o,
                format!(
                    "the image `{tag_src}` has no alt text; add alt=\"what it shows\" to the <img> tag"
                ),
            )
        }));
        found.sort();
        for (offset, msg) in found {
            let d = Diagnostic::error("image-alt", &src.file, msg);
            out.push(src.diag_at_body(d, offset));
        }
    }
    out
}

/// Byte offsets (in `body`) and `src` values of raw-HTML `<img>` tags without a non-empty
/// `alt`. Only raw HTML counts: an `<img` in code or in text is left alone.
pub fn html_images_without_alt(body: &str, html: &[Range<usize>]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for range in html {
        // Search the raw source: the event's text may be one line of a longer tag.
        let region = &body[range.clone()];
        let mut from = 0;
        while let Some(i) = find_ci(&region[from..], "<img") {
            let start = range.start + from + i;
            from += i + 4;
            let after = body[start + 4..].chars().next();
            if !after.is_some_and(|c| c.is_whitespace() || c == '>' || c == '/') {
                continue;
            }
            let end = body[start..]
                .find('>')
                .map_or(body.len(), |e| start + e + 1);
            let tag = &body[start..end];
            let alt = attribute(tag, "alt");
            if alt.is_none_or(|a| a.trim().is_empty()) {
                let src = attribute(tag, "src").unwrap_or_default();
                if !out.iter().any(|(o, _)| *o == start) {
                    out.push((start, src));
                }
            }
        }
    }
    out
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The value of an attribute of an HTML tag: `Some("")` for a bare `alt`, `None` if absent.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let bytes = tag.as_bytes();
    let mut i = 0;
    while let Some(p) = find_ci(&tag[i..], name) {
        let at = i + p;
        i = at + name.len();
        let before_ok = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let next = tag[i..].chars().next();
        let after_ok = next.is_none_or(|c| c.is_whitespace() || c == '=' || c == '>' || c == '/');
        if !(before_ok && after_ok) {
            continue;
        }
        let rest = tag[i..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            return Some(String::new());
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or("").to_string(),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes() {
        let t = "<img src=\"a.png\" alt=\"A bone\">";
        assert_eq!(attribute(t, "alt").as_deref(), Some("A bone"));
        assert_eq!(attribute(t, "src").as_deref(), Some("a.png"));
        assert_eq!(attribute("<img alt src=x>", "alt").as_deref(), Some(""));
        assert_eq!(
            attribute("<img src=x alt='' />", "alt").as_deref(),
            Some("")
        );
        assert_eq!(
            attribute("<img src=x alt=bone/>", "alt").as_deref(),
            Some("bone")
        );
        assert_eq!(attribute("<img data-alt=\"x\" src=y>", "alt"), None);
        assert_eq!(
            attribute("<IMG SRC=y ALT=\"Hip\">", "alt").as_deref(),
            Some("Hip")
        );
    }

    #[test]
    fn html_images() {
        let body = "Text <img src=\"a.png\"> here.\n\n<img src=\"b.png\" alt=\"fine\">\n\n<p>\n<img\n  src=\"c.png\"\n  alt=\"\">\n</p>\n\n`<img src=\"code.png\">`\n\n```\n<img src=\"block.png\">\n```\n\n<imgur>no</imgur>\n";
        let got = html_images_without_alt(body, &crate::markdown::analyze(body).html);
        let srcs: Vec<&str> = got.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(srcs, ["a.png", "c.png"]);
        assert_eq!(&body[got[0].0..got[0].0 + 4], "<img");
        assert_eq!(got[0].0, 5);
    }
}
