//! A body's Markdown events, recorded while the analysis reads them, so that the body's
//! render replays them rather than parsing the body a second time.
//!
//! A tape is a few bytes an event: a code, then each string as where it lies in the body
//! (almost every string the parser gives is a slice of it), or else in the tape's own
//! text. Events that the site's Markdown options never give are not recorded: a body that
//! had one keeps no tape, and its render parses it again.

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd,
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tape {
    /// How many events it holds.
    events: usize,
    codes: Box<[u8]>,
    /// The strings that are not slices of the body, one after the other.
    own: Box<str>,
}

/// A tape being recorded.
pub struct Recorder<'b> {
    body: &'b str,
    events: usize,
    codes: Vec<u8>,
    own: String,
    /// An event was met that the tape does not hold.
    failed: bool,
}

// Event codes. A start tag is `START + its tag code`, an end tag `END + its tag code`.
const START: u8 = 0;
const END: u8 = 32;
const TEXT: u8 = 64;
const CODE: u8 = 65;
const HTML: u8 = 66;
const INLINE_HTML: u8 = 67;
const FOOTNOTE_REFERENCE: u8 = 68;
const SOFT_BREAK: u8 = 69;
const HARD_BREAK: u8 = 70;
const RULE: u8 = 71;
const TASK_OPEN: u8 = 72;
const TASK_DONE: u8 = 73;

// Tag codes, shared by start and end tags.
const PARAGRAPH: u8 = 0;
const HEADING: u8 = 1;
const BLOCK_QUOTE: u8 = 2;
const CODE_BLOCK: u8 = 3;
const HTML_BLOCK: u8 = 4;
const LIST: u8 = 5;
const ITEM: u8 = 6;
const FOOTNOTE_DEFINITION: u8 = 7;
const TABLE: u8 = 8;
const TABLE_HEAD: u8 = 9;
const TABLE_ROW: u8 = 10;
const TABLE_CELL: u8 = 11;
const EMPHASIS: u8 = 12;
const STRONG: u8 = 13;
const STRIKETHROUGH: u8 = 14;
const LINK: u8 = 15;
const IMAGE: u8 = 16;

const LINK_TYPES: [LinkType; 9] = [
    LinkType::Inline,
    LinkType::Reference,
    LinkType::ReferenceUnknown,
    LinkType::Collapsed,
    LinkType::CollapsedUnknown,
    LinkType::Shortcut,
    LinkType::ShortcutUnknown,
    LinkType::Autolink,
    LinkType::Email,
];

const ALIGNMENTS: [Alignment; 4] = [
    Alignment::None,
    Alignment::Left,
    Alignment::Center,
    Alignment::Right,
];

const LEVELS: [HeadingLevel; 6] = [
    HeadingLevel::H1,
    HeadingLevel::H2,
    HeadingLevel::H3,
    HeadingLevel::H4,
    HeadingLevel::H5,
    HeadingLevel::H6,
];

impl<'b> Recorder<'b> {
    pub fn new(body: &'b str) -> Recorder<'b> {
        Recorder {
            body,
            events: 0,
            // A tape takes a byte for every eight to ten of its body (the sample site's
            // bisphosphonates page: 800 bytes for 6,381; a benchmark page: 496 for 5,217):
            // a quarter of the body leaves room for denser ones without growing.
            codes: Vec::with_capacity(body.len() / 4),
            own: String::new(),
            failed: false,
        }
    }

    /// Adds an event.
    pub fn record(&mut self, event: &Event) {
        if self.failed {
            return;
        }
        self.events += 1;
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(*end),
            Event::Text(s) => self.code_str(TEXT, s),
            Event::Code(s) => self.code_str(CODE, s),
            Event::Html(s) => self.code_str(HTML, s),
            Event::InlineHtml(s) => self.code_str(INLINE_HTML, s),
            Event::FootnoteReference(s) => self.code_str(FOOTNOTE_REFERENCE, s),
            Event::SoftBreak => self.codes.push(SOFT_BREAK),
            Event::HardBreak => self.codes.push(HARD_BREAK),
            Event::Rule => self.codes.push(RULE),
            Event::TaskListMarker(done) => {
                self.codes.push(if *done { TASK_DONE } else { TASK_OPEN })
            }
            Event::InlineMath(_) | Event::DisplayMath(_) => self.failed = true,
        }
    }

    /// The tape, or `None` when an event was met that it does not hold.
    pub fn finish(self) -> Option<Tape> {
        (!self.failed).then(|| Tape {
            events: self.events,
            codes: self.codes.into(),
            own: self.own.into(),
        })
    }

    fn code_str(&mut self, code: u8, s: &str) {
        self.codes.push(code);
        self.str(s);
    }

    fn start(&mut self, tag: &Tag) {
        match tag {
            Tag::Paragraph => self.codes.push(START + PARAGRAPH),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                self.codes.push(START + HEADING);
                self.codes.push(*level as u8);
                self.opt_str(id.as_deref());
                self.number(classes.len());
                classes.iter().for_each(|c| self.str(c));
                self.number(attrs.len());
                for (name, value) in attrs {
                    self.str(name);
                    self.opt_str(value.as_deref());
                }
            }
            Tag::BlockQuote(None) => self.codes.push(START + BLOCK_QUOTE),
            Tag::CodeBlock(kind) => {
                self.codes.push(START + CODE_BLOCK);
                match kind {
                    CodeBlockKind::Indented => self.codes.push(0),
                    CodeBlockKind::Fenced(info) => {
                        self.codes.push(1);
                        self.str(info);
                    }
                }
            }
            Tag::HtmlBlock => self.codes.push(START + HTML_BLOCK),
            Tag::List(first) => {
                self.codes.push(START + LIST);
                match first {
                    None => self.codes.push(0),
                    Some(n) => {
                        self.codes.push(1);
                        self.number64(*n);
                    }
                }
            }
            Tag::Item => self.codes.push(START + ITEM),
            Tag::FootnoteDefinition(label) => self.code_str(START + FOOTNOTE_DEFINITION, label),
            Tag::Table(alignments) => {
                self.codes.push(START + TABLE);
                self.number(alignments.len());
                for a in alignments {
                    let i = ALIGNMENTS.iter().position(|x| x == a).unwrap_or(0);
                    self.codes.push(i as u8);
                }
            }
            Tag::TableHead => self.codes.push(START + TABLE_HEAD),
            Tag::TableRow => self.codes.push(START + TABLE_ROW),
            Tag::TableCell => self.codes.push(START + TABLE_CELL),
            Tag::Emphasis => self.codes.push(START + EMPHASIS),
            Tag::Strong => self.codes.push(START + STRONG),
            Tag::Strikethrough => self.codes.push(START + STRIKETHROUGH),
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => self.link(START + LINK, *link_type, dest_url, title, id),
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => self.link(START + IMAGE, *link_type, dest_url, title, id),
            _ => self.failed = true,
        }
    }

    fn link(&mut self, code: u8, link_type: LinkType, dest: &str, title: &str, id: &str) {
        match LINK_TYPES.iter().position(|t| *t == link_type) {
            Some(t) => {
                self.codes.push(code);
                self.codes.push(t as u8);
                self.str(dest);
                self.str(title);
                self.str(id);
            }
            None => self.failed = true,
        }
    }

    fn end(&mut self, end: TagEnd) {
        let code = match end {
            TagEnd::Paragraph => PARAGRAPH,
            TagEnd::Heading(level) => {
                self.codes.push(END + HEADING);
                self.codes.push(level as u8);
                return;
            }
            TagEnd::BlockQuote(None) => BLOCK_QUOTE,
            TagEnd::CodeBlock => CODE_BLOCK,
            TagEnd::HtmlBlock => HTML_BLOCK,
            TagEnd::List(ordered) => {
                self.codes.push(END + LIST);
                self.codes.push(u8::from(ordered));
                return;
            }
            TagEnd::Item => ITEM,
            TagEnd::FootnoteDefinition => FOOTNOTE_DEFINITION,
            TagEnd::Table => TABLE,
            TagEnd::TableHead => TABLE_HEAD,
            TagEnd::TableRow => TABLE_ROW,
            TagEnd::TableCell => TABLE_CELL,
            TagEnd::Emphasis => EMPHASIS,
            TagEnd::Strong => STRONG,
            TagEnd::Strikethrough => STRIKETHROUGH,
            TagEnd::Link => LINK,
            TagEnd::Image => IMAGE,
            _ => {
                self.failed = true;
                return;
            }
        };
        self.codes.push(END + code);
    }

    /// A string: its length and where it is, twice its length (plus one when it is in
    /// the tape's own text) and then its start.
    fn str(&mut self, s: &str) {
        let at = (s.as_ptr() as usize).wrapping_sub(self.body.as_ptr() as usize);
        let in_body = self
            .body
            .get(at..at.wrapping_add(s.len()))
            .is_some_and(|b| std::ptr::eq(b.as_ptr(), s.as_ptr()));
        if in_body {
            self.number(s.len() << 1);
            self.number(at);
        } else {
            self.number(s.len() << 1 | 1);
            self.number(self.own.len());
            self.own.push_str(s);
        }
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.codes.push(0),
            Some(s) => {
                self.codes.push(1);
                self.str(s);
            }
        }
    }

    fn number(&mut self, n: usize) {
        self.number64(n as u64)
    }

    /// A number in 7-bit groups, lowest first, the top bit set on all but the last.
    fn number64(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.codes.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.codes.push(n as u8);
    }
}

impl Tape {
    /// The events recorded, their strings borrowed from `body` (the body recorded) and the
    /// tape; `None` if the tape does not read as one of `body`.
    pub fn replay<'a>(&'a self, body: &'a str) -> Option<Vec<Event<'a>>> {
        let mut r = Reader {
            body,
            own: &self.own,
            codes: &self.codes,
            at: 0,
        };
        let mut events = Vec::with_capacity(self.events);
        while r.at < r.codes.len() {
            events.push(r.event()?);
        }
        Some(events)
    }
}

struct Reader<'a> {
    body: &'a str,
    own: &'a str,
    codes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.codes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn number64(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn number(&mut self) -> Option<usize> {
        usize::try_from(self.number64()?).ok()
    }

    fn str(&mut self) -> Option<CowStr<'a>> {
        let len_where = self.number()?;
        let start = self.number()?;
        let from = if len_where & 1 == 0 {
            self.body
        } else {
            self.own
        };
        let s = from.get(start..start.checked_add(len_where >> 1)?)?;
        Some(CowStr::Borrowed(s))
    }

    fn opt_str(&mut self) -> Option<Option<CowStr<'a>>> {
        match self.byte()? {
            0 => Some(None),
            _ => self.str().map(Some),
        }
    }

    fn level(&mut self) -> Option<HeadingLevel> {
        LEVELS
            .get(usize::from(self.byte()?).checked_sub(1)?)
            .copied()
    }

    fn event(&mut self) -> Option<Event<'a>> {
        let code = self.byte()?;
        Some(match code {
            TEXT => Event::Text(self.str()?),
            CODE => Event::Code(self.str()?),
            HTML => Event::Html(self.str()?),
            INLINE_HTML => Event::InlineHtml(self.str()?),
            FOOTNOTE_REFERENCE => Event::FootnoteReference(self.str()?),
            SOFT_BREAK => Event::SoftBreak,
            HARD_BREAK => Event::HardBreak,
            RULE => Event::Rule,
            TASK_OPEN => Event::TaskListMarker(false),
            TASK_DONE => Event::TaskListMarker(true),
            c if c >= END => Event::End(self.end(c - END)?),
            c => Event::Start(self.start(c - START)?),
        })
    }

    fn start(&mut self, tag: u8) -> Option<Tag<'a>> {
        Some(match tag {
            PARAGRAPH => Tag::Paragraph,
            HEADING => {
                let level = self.level()?;
                let id = self.opt_str()?;
                let classes = (0..self.number()?)
                    .map(|_| self.str())
                    .collect::<Option<_>>()?;
                let attrs = (0..self.number()?)
                    .map(|_| Some((self.str()?, self.opt_str()?)))
                    .collect::<Option<_>>()?;
                Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }
            }
            BLOCK_QUOTE => Tag::BlockQuote(None),
            CODE_BLOCK => Tag::CodeBlock(match self.byte()? {
                0 => CodeBlockKind::Indented,
                _ => CodeBlockKind::Fenced(self.str()?),
            }),
            HTML_BLOCK => Tag::HtmlBlock,
            LIST => Tag::List(match self.byte()? {
                0 => None,
                _ => Some(self.number64()?),
            }),
            ITEM => Tag::Item,
            FOOTNOTE_DEFINITION => Tag::FootnoteDefinition(self.str()?),
            TABLE => Tag::Table(
                (0..self.number()?)
                    .map(|_| ALIGNMENTS.get(usize::from(self.byte()?)).copied())
                    .collect::<Option<_>>()?,
            ),
            TABLE_HEAD => Tag::TableHead,
            TABLE_ROW => Tag::TableRow,
            TABLE_CELL => Tag::TableCell,
            EMPHASIS => Tag::Emphasis,
            STRONG => Tag::Strong,
            STRIKETHROUGH => Tag::Strikethrough,
            LINK | IMAGE => {
                let link_type = *LINK_TYPES.get(usize::from(self.byte()?))?;
                let (dest_url, title, id) = (self.str()?, self.str()?, self.str()?);
                if tag == LINK {
                    Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }
                } else {
                    Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }
                }
            }
            _ => return None,
        })
    }

    fn end(&mut self, tag: u8) -> Option<TagEnd> {
        Some(match tag {
            PARAGRAPH => TagEnd::Paragraph,
            HEADING => TagEnd::Heading(self.level()?),
            BLOCK_QUOTE => TagEnd::BlockQuote(None),
            CODE_BLOCK => TagEnd::CodeBlock,
            HTML_BLOCK => TagEnd::HtmlBlock,
            LIST => TagEnd::List(self.byte()? != 0),
            ITEM => TagEnd::Item,
            FOOTNOTE_DEFINITION => TagEnd::FootnoteDefinition,
            TABLE => TagEnd::Table,
            TABLE_HEAD => TagEnd::TableHead,
            TABLE_ROW => TagEnd::TableRow,
            TABLE_CELL => TagEnd::TableCell,
            EMPHASIS => TagEnd::Emphasis,
            STRONG => TagEnd::Strong,
            STRIKETHROUGH => TagEnd::Strikethrough,
            LINK => TagEnd::Link,
            IMAGE => TagEnd::Image,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn parsed(body: &str) -> Vec<Event<'_>> {
        Parser::new_ext(body, super::super::options()).collect()
    }

    fn recorded(body: &str) -> Option<Tape> {
        let mut r = Recorder::new(body);
        Parser::new_ext(body, super::super::options()).for_each(|e| r.record(&e));
        r.finish()
    }

    #[test]
    fn a_replay_gives_the_events_of_a_parse() {
        let body = "# Title {#top .big lang=en}\n\nSome *em*, **strong**, ~~gone~~ and `code`.\\\nA &amp; B \\* c.\n\n\
            > quoted\n\n- [ ] open\n- [x] done\n\n3. three\n4. four\n\n\
            | a | b | c | d |\n|---|:--|:-:|--:|\n| [l](x.md \"t\") | ![i](i.png) | <b>h</b> | [r][ref] |\n\n\
            ```rust\nfn main() {}\n```\n\n    indented\n\n<div id=\"x\">\nblock\n</div>\n\n\
            Note.[^1] <https://example.org> <a@b.org>\n\n[^1]: The note.\n\n---\n\n[ref]: https://r.org \"R\"\n";
        let tape = recorded(body).expect("every event held");
        assert_eq!(tape.replay(body), Some(parsed(body)));
        // Most strings are slices of the body: the tape's own text is the rest.
        assert!(tape.own.len() < 40, "{:?}", tape.own);
    }

    #[test]
    fn a_replay_on_another_body_fails_rather_than_read_past_it() {
        let body = "Some text that is long enough.\n";
        let tape = recorded(body).expect("recorded");
        assert_eq!(tape.replay("Short"), None);
    }

    #[test]
    fn events_outside_the_options_leave_no_tape() {
        let mut r = Recorder::new("x");
        r.record(&Event::InlineMath("x".into()));
        assert_eq!(r.finish(), None);
        let mut r = Recorder::new("x");
        r.record(&Event::Start(Tag::Superscript));
        assert_eq!(r.finish(), None);
    }
}
