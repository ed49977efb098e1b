//! Markdown: one analysis pass (headings with ids, links and images with their positions,
//! raw-HTML anchors) and one rendering pass (ids applied, `.md` links rewritten).

mod render;
mod slug;
mod tape;

pub use render::{autolink_targets, render, AutolinkTarget, Autolinker, RenderInput};
pub use slug::{slugify, Slugger};
pub use tape::Tape;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// CommonMark plus tables, footnotes, strikethrough, task lists and heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// The heading's text, without markup.
    pub title: String,
    /// Byte offset in the body.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written (reference-style links already resolved to it).
    pub dest: String,
    /// Byte offset in the body of the link's `[` (or `![`).
    pub offset: usize,
    pub is_image: bool,
    /// For an image, its alt text.
    pub alt: String,
}

/// A run of prose (a paragraph, list item, table cell...) for checks and search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextBlock<'a> {
    pub text: &'a str,
    /// Where the block starts in the body.
    pub offset: usize,
    pub kind: BlockKind,
}

/// Where a [`TextBlock`]'s text lies: in the body, where the body has it as it reads (most
/// paragraphs, items and headings), or else in its page's [`Analysis::prose`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct BlockAt {
    start: usize,
    end: usize,
    offset: usize,
    kind: BlockKind,
    in_body: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    ListItem,
    Heading,
    TableCell,
    Other,
}

#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    /// `id` and `name` attributes found in raw HTML.
    pub html_ids: Vec<String>,
    /// Where raw HTML stands in the body (byte ranges), for checks that read it.
    pub html: Vec<std::ops::Range<usize>>,
    /// The text of every prose block that the body does not have as it reads, one after the
    /// other: one allocation for the page, not one a block.
    prose: String,
    blocks: Vec<BlockAt>,
    /// Words of prose in the body (the blocks' whitespace-separated runs).
    pub words: usize,
    /// The body's events as the analysis read them, for its render to replay (none when
    /// the body had an event that a tape does not hold).
    pub tape: Option<Tape>,
}

impl Analysis {
    /// The page's runs of prose, in body order; `body` is the body analysed.
    pub fn blocks<'a>(&'a self, body: &'a str) -> impl Iterator<Item = TextBlock<'a>> + Clone {
        self.blocks.iter().map(move |b| {
            let from = if b.in_body { body } else { &self.prose };
            TextBlock {
                text: &from[b.start..b.end],
                offset: b.offset,
                kind: b.kind,
            }
        })
    }

    /// Whether any block could hold what `may_find` looks for. `may_find` must pass every
    /// text that contains a text it passes: it is asked once of the body and once of the
    /// copied prose, which between them contain every block.
    pub fn prose_may_hold(&self, body: &str, may_find: impl Fn(&str) -> bool) -> bool {
        may_find(&self.prose) || may_find(body)
    }

    /// Lets go of the prose blocks, which only the checks and the search index read.
    pub fn shed_blocks(&mut self) {
        (self.prose, self.blocks) = Default::default();
    }

    /// Whether `anchor` names a heading or a raw-HTML id on this page.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.headings.iter().any(|h| h.id == anchor) || self.html_ids.iter().any(|i| i == anchor)
    }

    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .map(|h| h.id.as_str())
            .chain(self.html_ids.iter().map(String::as_str))
    }
}

/// Reads a body once for everything the model needs to know about it.
pub fn analyze(body: &str) -> Analysis {
    let mut a = Analysis::default();
    let mut slugger = Slugger::default();
    // Custom ids are reserved first, so a generated slug never takes one.
    let mut pending: Option<(u8, Option<String>, usize, String)> = None;
    let mut image: Option<(usize, String, String)> = None;
    // The open block's text is gathered here, then copied to the page's prose when the
    // block ends: a heading inside a list item never splits the item's text.
    let mut block: Option<(usize, BlockKind)> = None;
    let mut text = String::new();
    let mut prose = Blocks::of(body);
    let mut list_depth_items: Vec<bool> = Vec::new();
    let mut raw_headings: Vec<(u8, Option<String>, usize, String)> = Vec::new();

    let mut tape = tape::Recorder::new(body);
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        tape.record(&event);
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                pending = Some((
                    level as u8,
                    id.map(|s| s.to_string()),
                    range.start,
                    String::new(),
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = pending.take() {
                    // A heading ends a line of a block it stands in (a list item's).
                    if block.is_some() && !text.is_empty() {
                        text.push('\n');
                    }
                    prose.push_as_is(&h.3, h.2, BlockKind::Heading);
                    raw_headings.push(h);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => a.links.push(Link {
                dest: dest_url.to_string(),
                offset: range.start,
                is_image: false,
                alt: String::new(),
            }),
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((range.start, dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Image) => {
                if let Some((offset, dest, alt)) = image.take() {
                    a.links.push(Link {
                        dest,
                        offset,
                        is_image: true,
                        alt,
                    });
                }
            }
            Event::Start(Tag::Paragraph) if block.is_none() => {
                block = Some((range.start, BlockKind::Paragraph));
            }
            Event::Start(Tag::Item) => {
                prose.flush(&mut block, &mut text);
                list_depth_items.push(true);
                block = Some((range.start, BlockKind::ListItem));
            }
            Event::End(TagEnd::Item) => {
                list_depth_items.pop();
                prose.flush(&mut block, &mut text);
            }
            Event::Start(Tag::TableCell) => {
                text.clear();
                block = Some((range.start, BlockKind::TableCell));
            }
            Event::End(TagEnd::Paragraph) if list_depth_items.is_empty() => {
                prose.flush(&mut block, &mut text)
            }
            Event::End(TagEnd::TableCell) => prose.flush(&mut block, &mut text),
            Event::Start(Tag::CodeBlock(_)) => prose.flush(&mut block, &mut text),
            Event::Text(t) | Event::Code(t) => {
                if let Some(p) = pending.as_mut() {
                    p.3.push_str(&t);
                } else if let Some(img) = image.as_mut() {
                    img.2.push_str(&t);
                } else if block.is_some() {
                    text.push_str(&t);
                }
            }
            // Line breaks stay line breaks, so a position in the text maps to a source line.
            Event::SoftBreak | Event::HardBreak if block.is_some() => text.push('\n'),
            // A second paragraph of a list item starts on a line of its own.
            Event::Start(Tag::Paragraph) if block.is_some() && !text.is_empty() => text.push('\n'),
            Event::Html(html) | Event::InlineHtml(html) => {
                collect_html_ids(&html, &mut a.html_ids);
                a.html.push(range);
            }
            _ => {}
        }
    }
    prose.flush(&mut block, &mut text);
    (a.prose, a.blocks) = prose.finish();
    a.tape = tape.finish();

    for (_, id, _, _) in &raw_headings {
        if let Some(id) = id {
            slugger.reserve(id);
        }
    }
    for (level, id, offset, title) in raw_headings {
        let id = match id {
            Some(id) => id,
            None => slugger.unique(&slugify(&title)),
        };
        a.headings.push(Heading {
            level,
            id,
            title: title.trim().to_string(),
            offset,
        });
    }
    a.words = a.blocks(body).map(|b| word_count(b.text)).sum();
    a
}

/// The whitespace-separated words of a text: `split_whitespace().count()`, with ASCII
/// read a byte at a time rather than decoded.
fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let bytes = text.as_bytes();
    let first = bytes.first().is_some_and(|&b| !ascii_space(b));
    // A word starts at each non-space after a space. Counted in runs of up to 255 pairs
    // of bytes, each run's count a byte: a loop the compiler runs 16 bytes a step.
    let (before, after) = (bytes, bytes.get(1..).unwrap_or_default());
    let after_space: usize = before
        .chunks(255)
        .zip(after.chunks(255))
        .map(|(a, b)| {
            let starts: u8 = a
                .iter()
                .zip(b)
                .map(|(&x, &y)| u8::from(ascii_space(x) & !ascii_space(y)))
                .sum();
            usize::from(starts)
        })
        .sum();
    usize::from(first) + after_space
}

/// Whether an ASCII byte is whitespace as [`char::is_whitespace`] has it (which, unlike
/// [`u8::is_ascii_whitespace`], counts the vertical tab).
pub(crate) const fn ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// A page's prose blocks as they are read: where the body has a block's text as it reads,
/// a pointer to it; otherwise its text, trimmed, after the others'.
struct Blocks<'a> {
    body: &'a str,
    prose: String,
    blocks: Vec<BlockAt>,
}

/// How far past a block's start its text may begin in the body: past a list marker, a
/// table's `|`, a heading's `#`s and their spaces.
const MARKUP_BEFORE_TEXT: usize = 16;

impl<'a> Blocks<'a> {
    fn of(body: &'a str) -> Blocks<'a> {
        Blocks {
            body,
            prose: String::new(),
            blocks: Vec::new(),
        }
    }

    /// Adds a block as it is (a heading's text, which the parser has trimmed).
    fn push_as_is(&mut self, text: &str, offset: usize, kind: BlockKind) {
        let (start, in_body) = match self.in_body(text, offset) {
            Some(start) => (start, true),
            None => {
                self.prose.push_str(text);
                (self.prose.len() - text.len(), false)
            }
        };
        self.blocks.push(BlockAt {
            start,
            end: start + text.len(),
            offset,
            kind,
            in_body,
        });
    }

    /// Where the body has `text` as it reads, starting at most [`MARKUP_BEFORE_TEXT`] bytes
    /// past `offset`.
    fn in_body(&self, text: &str, offset: usize) -> Option<usize> {
        let first = *text.as_bytes().first()?;
        let last_start = (offset + MARKUP_BEFORE_TEXT).min(self.body.len());
        let starts = self.body.as_bytes().get(offset..last_start)?;
        memchr::memchr_iter(first, starts)
            .map(|i| offset + i)
            .find(|&i| self.body.as_bytes()[i..].starts_with(text.as_bytes()))
    }

    /// Ends the open block, if any, with the text gathered for it.
    fn flush(&mut self, block: &mut Option<(usize, BlockKind)>, text: &mut String) {
        if let Some((offset, kind)) = block.take() {
            let trimmed = text.trim();
            if !trimmed.is_empty() {
                self.push_as_is(trimmed, offset, kind);
            }
        }
        text.clear();
    }

    /// The prose and its blocks, each held in an allocation of its own size.
    fn finish(self) -> (String, Vec<BlockAt>) {
        (self.prose.as_str().into(), self.blocks.as_slice().into())
    }
}

/// Collects `id="..."` and `name="..."` attribute values from a piece of raw HTML.
pub fn collect_html_ids(html: &str, out: &mut Vec<String>) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let at_word_start = i > 0 && (bytes[i - 1].is_ascii_whitespace());
        let rest = &html[i..];
        let name_len = if at_word_start && rest.len() > 2 && rest[..2].eq_ignore_ascii_case("id") {
            2
        } else if at_word_start && rest.len() > 4 && rest[..4].eq_ignore_ascii_case("name") {
            4
        } else {
            i += 1;
            continue;
        };
        let after = rest[name_len..].trim_start();
        if let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let quote = value.chars().next();
            let v = match quote {
                Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
                _ => value
                    .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .next()
                    .unwrap_or(""),
            };
            if !v.is_empty() {
                out.push(v.to_string());
            }
        }
        i += name_len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "one",
            " one two\tthree\n",
            "a\x0bb\x0cc\rd",
            "  lead and trail  ",
            "non-ASCII\u{00A0}space and\u{2003}em",
            "één twee",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        // Long texts, with words starting on each side of every 255-byte run.
        for gap in [2, 3, 7, 254, 255, 256] {
            let text: String = (0..2000)
                .map(|i| {
                    if i % gap == 0 || i % 13 == 5 {
                        ' '
                    } else {
                        'x'
                    }
                })
                .collect();
            for text in [&text[..], &text[1..], &text[..1999], &text[3..1500]] {
                assert_eq!(word_count(text), text.split_whitespace().count(), "{gap}");
            }
        }
    }

    #[test]
    fn headings_get_ids_custom_and_repeated() {
        let a =
            analyze("## Side effects\n\n## Side effects\n\n### Why? {#why}\n\n## `code` *here*\n");
        let ids: Vec<_> = a.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["side-effects", "side-effects-1", "why", "code-here"]);
        assert_eq!(a.headings[2].title, "Why?");
        assert_eq!(a.headings[2].level, 3);
    }

    #[test]
    fn links_with_offsets_inline_and_reference() {
        let body = "See [a](a.md#x) and [b][ref].\n\n![alt text](i.png)\n\n[ref]: ../b.md\n";
        let a = analyze(body);
        assert_eq!(a.links.len(), 3);
        assert_eq!(a.links[0].dest, "a.md#x");
        assert_eq!(a.links[0].offset, 4);
        assert_eq!(a.links[1].dest, "../b.md");
        assert_eq!(&body[a.links[1].offset..a.links[1].offset + 3], "[b]");
        assert!(a.links[2].is_image);
        assert_eq!(a.links[2].alt, "alt text");
    }

    #[test]
    fn html_ids_and_names() {
        let a = analyze("<a name=\"old-anchor\"></a>\n\n<div id='box' class=\"x\">hi</div>\n\nText <span id=inline>x</span>\n");
        assert_eq!(a.html_ids, ["old-anchor", "box", "inline"]);
        assert!(a.has_anchor("box"));
    }

    #[test]
    fn a_heading_inside_a_list_item_keeps_the_item_whole() {
        let body = "- Before\n  # Title\n  after *this*\n\n| a | b |\n|---|---|\n| c | `d` |\n";
        let a = analyze(body);
        let texts: Vec<_> = a.blocks(body).map(|b| (b.kind, b.text, b.offset)).collect();
        assert_eq!(
            texts,
            [
                (BlockKind::Heading, "Title", 11),
                (BlockKind::ListItem, "Before\nafter this", 0),
                (BlockKind::TableCell, "a", 36),
                (BlockKind::TableCell, "b", 40),
                (BlockKind::TableCell, "c", 56),
                (BlockKind::TableCell, "d", 60),
            ]
        );
        assert_eq!(a.words, 8);
    }

    #[test]
    fn blocks_the_body_has_as_they_read_are_not_copied() {
        let body =
            "## Side effects\n\nOne two.\nThree.\n\n- item one\n- *item* two\n\nA &amp; B.\n";
        let a = analyze(body);
        let texts: Vec<_> = a.blocks(body).map(|b| b.text).collect();
        assert_eq!(
            texts,
            [
                "Side effects",
                "One two.\nThree.",
                "item one",
                "item two",
                "A & B."
            ]
        );
        // Only the item with markup and the paragraph with an entity differ from the body.
        assert_eq!(a.prose, "item twoA & B.");
        let in_body: Vec<_> = a.blocks.iter().map(|b| b.in_body).collect();
        assert_eq!(in_body, [true, true, true, false, false]);
    }

    #[test]
    fn blocks_cover_paragraphs_and_items() {
        let body = "One two.\nThree.\n\n- item one\n- item two\n\n```\ncode\n```\n";
        let a = analyze(body);
        let texts: Vec<_> = a.blocks(body).map(|b| (b.kind, b.text)).collect();
        assert_eq!(
            texts,
            [
                (BlockKind::Paragraph, "One two.\nThree."),
                (BlockKind::ListItem, "item one"),
                (BlockKind::ListItem, "item two")
            ]
        );
    }
}
