//! Markdown to HTML: heading ids from the analysis, `.md` links rewritten to page URLs,
//! and first mentions of drugs and conditions linked (autolinks). Everything else is
//! exactly what pulldown-cmark renders.

use super::{options, Heading};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};

/// One matcher for every linkable name of the site.
#[derive(Debug, Clone)]
pub struct Autolinker {
    ac: Option<AhoCorasick>,
    /// For each pattern, the index of its target.
    pattern_target: Vec<usize>,
    targets: Vec<AutolinkTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutolinkTarget {
    /// The page the name belongs to (never autolinked from that page).
    pub page: usize,
    /// The URL to link to.
    pub url: String,
}

impl Autolinker {
    /// `names` pairs each name with an index into `targets`.
    pub fn new(names: Vec<(String, usize)>, targets: Vec<AutolinkTarget>) -> Autolinker {
        let mut patterns = Vec::new();
        let mut pattern_target = Vec::new();
        for (name, target) in names {
            let name = name.trim().to_string();
            if name.is_empty() {
                continue;
            }
            // Names and text are matched with ASCII letters in lower case (see
            // `matches`); for other letters, the lower-case form is added too.
            let lower = name.to_lowercase();
            if lower != name && !name.is_ascii() {
                patterns.push(lower);
                pattern_target.push(target);
            }
            patterns.push(name.to_ascii_lowercase());
            pattern_target.push(target);
        }
        // Folding ASCII case in the automaton doubles its transitions, and building it
        // for 60,000 names took twice as long as folding the names and the text.
        let ac = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .expect("names form a valid automaton")
        });
        Autolinker {
            ac,
            pattern_target,
            targets,
        }
    }

    pub fn targets(&self) -> &[AutolinkTarget] {
        &self.targets
    }

    /// Whole-word matches in `text`: (start, end, target).
    fn matches(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        // ASCII case folding keeps every byte where it is: the matches' offsets are `text`'s.
        let folded = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(text.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        ac.find_iter(folded.as_ref())
            .filter(|m| {
                !is_word(text[..m.start()].chars().next_back())
                    && !is_word(text[m.end()..].chars().next())
            })
            .map(|m| {
                (
                    m.start(),
                    m.end(),
                    self.pattern_target[m.pattern().as_usize()],
                )
            })
            .collect()
    }
}

/// What a page's body needs to render.
pub struct RenderInput<'a> {
    pub body: &'a str,
    /// The ids from the analysis, applied in order.
    pub headings: &'a [Heading],
    /// Returns the new destination for a link, or `None` to keep it.
    pub rewrite: &'a dyn Fn(&str) -> Option<String>,
    pub autolinker: Option<&'a Autolinker>,
    /// The page being rendered (its own names are never autolinked).
    pub page: usize,
}

/// Renders a body to HTML; also returns the autolink targets it linked.
pub fn render(input: &RenderInput) -> (String, Vec<usize>) {
    let mut linked = Vec::new();
    let events = transform(input, &mut linked);
    let mut html = String::with_capacity(input.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (html, linked)
}

/// The autolink targets a body would link, without rendering it.
pub fn autolink_targets(input: &RenderInput) -> Vec<usize> {
    let mut linked = Vec::new();
    let _ = transform(input, &mut linked);
    linked
}

fn transform<'a>(input: &'a RenderInput, linked: &mut Vec<usize>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut heading_index = 0;
    // Depth of places where no autolink may go: headings, links, images, code blocks, raw HTML.
    let mut no_link_depth = 0usize;
    let mut html_depth = 0usize;
    let mut table_start: Option<(usize, String)> = None;
    for event in Parser::new_ext(input.body, options()) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let id = input
                    .headings
                    .get(heading_index)
                    .map(|h| CowStr::from(h.id.clone()))
                    .or(id);
                heading_index += 1;
                no_link_depth += 1;
                out.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                no_link_depth += 1;
                let dest_url = match link_type {
                    LinkType::Email => dest_url,
                    _ => (input.rewrite)(&dest_url)
                        .map(CowStr::from)
                        .unwrap_or(dest_url),
                };
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                no_link_depth += 1;
                let dest_url = (input.rewrite)(&dest_url)
                    .map(CowStr::from)
                    .unwrap_or(dest_url);
                out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(tag @ Tag::CodeBlock(_)) => {
                no_link_depth += 1;
                out.push(Event::Start(tag));
            }
            Event::End(
                end @ (TagEnd::Heading(_) | TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock),
            ) => {
                no_link_depth = no_link_depth.saturating_sub(1);
                out.push(Event::End(end));
            }
            // A table that is wider than a phone scrolls in its own box; the box can take
            // focus, so a keyboard can scroll it, and is named by the table's header.
            Event::Start(Tag::Table(align)) => {
                table_start = Some((out.len(), String::new()));
                out.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::TableHead) => {
                if let Some((at, label)) = table_start.take() {
                    let label = label
                        .split('\u{1f}')
                        .map(|cell| cell.split_whitespace().collect::<Vec<_>>().join(" "))
                        .filter(|cell| !cell.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let open = format!(
                        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table: {}\">\n",
                        escape_attr(&label)
                    );
                    out.insert(at, Event::Html(CowStr::from(open)));
                }
                out.push(Event::End(TagEnd::TableHead));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Text(text) if table_start.is_some() => {
                if let Some((_, label)) = table_start.as_mut() {
                    label.push_str(&text);
                }
                out.push(Event::Text(text));
            }
            Event::End(TagEnd::TableCell) if table_start.is_some() => {
                if let Some((_, label)) = table_start.as_mut() {
                    label.push('\u{1f}');
                }
                out.push(Event::End(TagEnd::TableCell));
            }
            Event::InlineHtml(html) => {
                html_depth = track_inline_html(&html, html_depth);
                out.push(Event::InlineHtml(html));
            }
            Event::Text(text) if no_link_depth == 0 && html_depth == 0 => match input.autolinker {
                Some(al) => link_text(text, al, input.page, linked, &mut out),
                None => out.push(Event::Text(text)),
            },
            other => out.push(other),
        }
    }
    out
}

fn link_text<'a>(
    text: CowStr<'a>,
    al: &Autolinker,
    page: usize,
    linked: &mut Vec<usize>,
    out: &mut Vec<Event<'a>>,
) {
    let mut last = 0;
    let s: &str = &text;
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
    for (start, end, target) in al.matches(s) {
        let t = &al.targets[target];
        if t.page == page || linked.contains(&target) {
            continue;
        }
        linked.push(target);
        pieces.push((start, end, target));
    }
    if pieces.is_empty() {
        out.push(Event::Text(text));
        return;
    }
    for (start, end, target) in pieces {
        if start > last {
            out.push(Event::Text(CowStr::from(s[last..start].to_string())));
        }
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: CowStr::from(al.targets[target].url.clone()),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }));
        out.push(Event::Text(CowStr::from(s[start..end].to_string())));
        out.push(Event::End(TagEnd::Link));
        last = end;
    }
    if last < s.len() {
        out.push(Event::Text(CowStr::from(s[last..].to_string())));
    }
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Follows inline HTML tags so that text inside raw HTML is never autolinked.
fn track_inline_html(html: &str, depth: usize) -> usize {
    let tag = html.trim();
    if tag.starts_with("</") {
        depth.saturating_sub(1)
    } else if tag.starts_with("<!") || tag.ends_with("/>") || is_void(tag) {
        depth
    } else if tag.starts_with('<') {
        depth + 1
    } else {
        depth
    }
}

fn is_void(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        name.as_str(),
        "br" | "img" | "hr" | "input" | "wbr" | "meta" | "link" | "source" | "area" | "col"
    )
}

#[cfg(test)]
mod tests {
    use super::super::analyze;
    use super::*;

    fn html(body: &str, al: Option<&Autolinker>, page: usize) -> String {
        let a = analyze(body);
        let rewrite = |d: &str| d.strip_suffix(".md").map(|s| format!("/{s}/"));
        render(&RenderInput {
            body,
            headings: &a.headings,
            rewrite: &rewrite,
            autolinker: al,
            page,
        })
        .0
    }

    fn linker() -> Autolinker {
        Autolinker::new(
            vec![
                ("alendronate".into(), 0),
                ("Fosamax".into(), 0),
                ("zoledronic acid".into(), 1),
                ("osteoporosis".into(), 2),
            ],
            vec![
                AutolinkTarget {
                    page: 1,
                    url: "/bis/#drug-alendronate".into(),
                },
                AutolinkTarget {
                    page: 1,
                    url: "/bis/#drug-zoledronic-acid".into(),
                },
                AutolinkTarget {
                    page: 2,
                    url: "/osteoporosis/".into(),
                },
            ],
        )
    }

    #[test]
    fn ids_and_md_links() {
        let out = html(
            "## Side effects\n\nSee [x](serms.md) and <https://example.org>.\n",
            None,
            0,
        );
        assert!(
            out.contains("<h2 id=\"side-effects\">Side effects</h2>"),
            "{out}"
        );
        assert!(out.contains("<a href=\"/serms/\">x</a>"), "{out}");
        assert!(out.contains("<a href=\"https://example.org\">"), "{out}");
    }

    #[test]
    fn autolinks_first_mention_whole_words_only() {
        let out = html(
            "Take FOSAMAX. Alendronate again. Osteoporosis-like? zoledronic acids.\n",
            Some(&linker()),
            0,
        );
        assert!(
            out.contains("<a href=\"/bis/#drug-alendronate\">FOSAMAX</a>"),
            "{out}"
        );
        assert!(
            !out.contains(">Alendronate</a>"),
            "second mention of the same drug: {out}"
        );
        assert!(
            out.contains("<a href=\"/osteoporosis/\">Osteoporosis</a>-like"),
            "{out}"
        );
        assert!(
            !out.contains(">zoledronic acid</a>"),
            "not a whole word: {out}"
        );
    }

    #[test]
    fn autolinks_fold_ascii_case_and_accented_capitals() {
        let linker = Autolinker::new(
            vec![("Évista".into(), 0)],
            vec![AutolinkTarget {
                page: 1,
                url: "/serms/".into(),
            }],
        );
        for (text, shown) in [
            ("ÉVISTA", "ÉVISTA"),
            ("évista", "évista"),
            ("Évista", "Évista"),
        ] {
            let out = html(&format!("Ask about {text} today.\n"), Some(&linker), 0);
            assert!(
                out.contains(&format!("<a href=\"/serms/\">{shown}</a>")),
                "{out}"
            );
        }
        let out = html("Ask about ÉVISTAS.\n", Some(&linker), 0);
        assert!(!out.contains("<a "), "not a whole word: {out}");
    }

    #[test]
    fn never_in_headings_links_code_html_or_own_page() {
        let body = "## Osteoporosis\n\n[osteoporosis](x.md) `alendronate`\n\n```\nFosamax\n```\n\n<span>alendronate</span> ![osteoporosis](i.png)\n";
        let out = html(body, Some(&linker()), 0);
        assert_eq!(out.matches("<a href").count(), 1, "{out}");
        let own = html("Osteoporosis here.\n", Some(&linker()), 2);
        assert!(!own.contains("<a"), "{own}");
    }

    #[test]
    fn tables_scroll_in_a_focusable_named_box() {
        let out = html(
            "| Medicine | How often |\n|---|---|\n| alendronate | weekly |\n",
            None,
            0,
        );
        assert!(
            out.starts_with("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table: Medicine, How often\">\n<table>"),
            "{out}"
        );
        assert!(out.trim_end().ends_with("</table>\n</div>"), "{out}");
    }

    #[test]
    fn reports_targets_linked() {
        let body = "alendronate and osteoporosis\n";
        let a = analyze(body);
        let rewrite = |_: &str| None;
        let input = RenderInput {
            body,
            headings: &a.headings,
            rewrite: &rewrite,
            autolinker: Some(&linker()),
            page: 9,
        };
        assert_eq!(autolink_targets(&input), vec![0, 2]);
    }
}
