//! Markdown to HTML: heading ids from the analysis, `.md` links rewritten to page URLs,
//! and first mentions of drugs and conditions linked (autolinks). Everything else is
//! exactly what pulldown-cmark renders.

use super::{options, Heading, Tape};
use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One matcher for every linkable name of the site.
///
/// A name links only as a whole word, so it can only start where a word starts. The
/// matcher keys each name by a hash of its first word and reads a text a word at a time,
/// looking each word's hash up; a name found that way is then compared in full. Building
/// it is filling one hash map (about 15 ms for 60,000 names), so an edit that renames a
/// brand makes it again at little cost.
#[derive(Debug, Clone)]
pub struct Autolinker {
    /// The hash of each name's first word (see [`WordHash`]) → the names it starts, by
    /// index into `patterns`, longest first. Words of the same hash share a list: each
    /// name is compared before it matches.
    by_first_word: HashMap<u64, Vec<u32>, BuildHasherDefault<HashIsKey>>,
    /// The names that start with a character that is not part of a word (rare).
    by_symbol: Vec<u32>,
    /// The longest first word, in bytes: a longer word of the text starts no name.
    longest_first_word: usize,
    /// A bit for each first word's [`FirstWordSieve::bit`]: a word of the text whose bit is
    /// clear starts no name, and is not hashed or looked up (most words of prose).
    sieve: FirstWordSieve,
    /// Each name as matched (ASCII letters in lower case), with its target.
    patterns: Vec<(Box<str>, usize)>,
    targets: Vec<AutolinkTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutolinkTarget {
    /// The page the name belongs to (never autolinked from that page).
    pub page: usize,
    /// The URL to link to.
    pub url: String,
}

/// The hasher of a map whose keys are hashes already.
#[derive(Default)]
struct HashIsKey(u64);

impl Hasher for HashIsKey {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A hash of a word's bytes with ASCII letters in lower case (FNV-1a), mixed at the end
/// so that every bit depends on every byte (the map reads its high bits as well as its
/// low ones).
struct WordHash(u64);

impl WordHash {
    fn new() -> WordHash {
        WordHash(0xcbf2_9ce4_8422_2325)
    }

    #[inline]
    fn push(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3);
    }

    fn finish(&self) -> u64 {
        let h = (self.0 ^ (self.0 >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }

    fn of(word: &[u8]) -> u64 {
        let mut h = WordHash::new();
        word.iter().for_each(|&b| h.push(b));
        h.finish()
    }
}

/// The length and first two bytes (ASCII letters in lower case) of the first words of the
/// names, as bits of a set small enough to stay in the cache.
#[derive(Debug, Clone)]
struct FirstWordSieve(Box<[u64; 1024]>);

impl FirstWordSieve {
    fn new() -> FirstWordSieve {
        FirstWordSieve(Box::new([0; 1024]))
    }

    /// The bit of a word: `word` is its bytes, which two words the matcher takes as the
    /// same (their bytes equal but for the case of ASCII letters) share.
    fn bit(word: &[u8]) -> usize {
        let byte = |i: usize| u32::from(word.get(i).map_or(0, u8::to_ascii_lowercase));
        let key = (word.len() as u32) << 16 | byte(0) << 8 | byte(1);
        (key.wrapping_mul(0x9e37_79b1) >> 16) as usize
    }

    fn insert(&mut self, word: &[u8]) {
        let b = Self::bit(word);
        self.0[b / 64] |= 1 << (b % 64);
    }

    fn may_hold(&self, word: &[u8]) -> bool {
        let b = Self::bit(word);
        self.0[b / 64] & (1 << (b % 64)) != 0
    }
}

/// Whether `c` is part of a word: a name matches only where none is before or after it.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Which ASCII bytes are part of a word: letters, digits and `_`.
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// The length of the character that starts at byte `i` of `text` (a character boundary
/// before its end), and whether it is part of a word.
fn char_at(text: &str, i: usize) -> (usize, bool) {
    match text[i..].chars().next() {
        Some(c) => (c.len_utf8(), is_word(c)),
        None => (1, false),
    }
}

impl Autolinker {
    /// `names` pairs each name with an index into `targets`.
    pub fn new<S: AsRef<str>>(
        names: impl IntoIterator<Item = (S, usize)>,
        targets: Vec<AutolinkTarget>,
    ) -> Autolinker {
        let mut patterns: Vec<(Box<str>, usize)> = Vec::new();
        for (name, target) in names {
            let name = name.as_ref().trim();
            if name.is_empty() {
                continue;
            }
            // Names and text are matched with ASCII letters in lower case; for other
            // letters, the lower-case form is added too.
            if !name.is_ascii() {
                let lower = name.to_lowercase();
                if lower != name {
                    patterns.push((lower.into(), target));
                }
            }
            patterns.push((name.to_ascii_lowercase().into(), target));
        }
        let mut by_first_word: HashMap<u64, Vec<u32>, BuildHasherDefault<HashIsKey>> =
            HashMap::with_capacity_and_hasher(patterns.len(), Default::default());
        let mut by_symbol = Vec::new();
        let mut longest_first_word = 0;
        let mut sieve = FirstWordSieve::new();
        for (i, (pattern, _)) in patterns.iter().enumerate() {
            let first = first_word(pattern);
            if first == 0 {
                by_symbol.push(i as u32);
            } else {
                longest_first_word = longest_first_word.max(first);
                sieve.insert(&pattern.as_bytes()[..first]);
                by_first_word
                    .entry(WordHash::of(&pattern.as_bytes()[..first]))
                    .or_default()
                    .push(i as u32);
            }
        }
        // Longest first: the longest name that is a whole word wins.
        let longest = |list: &mut Vec<u32>| {
            if list.len() > 1 {
                list.sort_by_key(|&i| (std::cmp::Reverse(patterns[i as usize].0.len()), i))
            }
        };
        by_first_word.values_mut().for_each(longest);
        longest(&mut by_symbol);
        Autolinker {
            by_first_word,
            by_symbol,
            longest_first_word,
            sieve,
            patterns,
            targets,
        }
    }

    pub fn targets(&self) -> &[AutolinkTarget] {
        &self.targets
    }

    /// Whole-word matches in `text`, left to right, none overlapping: (start, end, target).
    /// Where names start at the same place, the longest that is a whole word there.
    #[cfg(test)]
    fn matches(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        self.matches_into(text, &mut Vec::new(), &mut found);
        found
    }

    /// [`Autolinker::matches`] into `found`, with `bits` as room to read the text in.
    fn matches_into(
        &self,
        text: &str,
        bits: &mut Vec<u64>,
        found: &mut Vec<(usize, usize, usize)>,
    ) {
        if self.patterns.is_empty() {
            return;
        }
        if self.by_symbol.is_empty() && text.is_ascii() {
            self.ascii_matches(text, bits, found)
        } else {
            self.char_matches(text, found)
        }
    }

    /// [`Autolinker::matches_into`] for any text, a character at a time.
    fn char_matches(&self, text: &str, found: &mut Vec<(usize, usize, usize)>) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let (len, word) = if b < 0x80 {
                (1, ASCII_WORD[b as usize])
            } else {
                char_at(text, i)
            };
            if !word {
                // Only a name that starts with a symbol can start here, after no word.
                let symbol = if self.by_symbol.is_empty()
                    || text[..i].chars().next_back().is_some_and(is_word)
                {
                    None
                } else {
                    self.longest_at(text, i, &self.by_symbol)
                };
                match symbol {
                    Some((end, target)) => {
                        found.push((i, end, target));
                        i = end;
                    }
                    None => i += len,
                }
                continue;
            }
            // A word starts here: read to its end, then, if it may start a name, hashed
            // and the names it starts looked up, longest first.
            let mut end = i;
            while end < bytes.len() {
                let b = bytes[end];
                if b < 0x80 {
                    if !ASCII_WORD[b as usize] {
                        break;
                    }
                    end += 1;
                } else {
                    let (len, word) = char_at(text, end);
                    if !word {
                        break;
                    }
                    end += len;
                }
            }
            let word = &bytes[i..end];
            let candidates = if word.len() <= self.longest_first_word && self.sieve.may_hold(word) {
                self.by_first_word.get(&WordHash::of(word))
            } else {
                None
            };
            match candidates.and_then(|c| self.longest_at(text, i, c)) {
                Some((m_end, target)) => {
                    found.push((i, m_end, target));
                    i = m_end;
                }
                None => i = end,
            }
            // What follows is not part of a word: the word, or the name, ended there.
        }
    }

    /// [`Autolinker::matches_into`] for ASCII text when no name starts with a symbol: the
    /// words are found as runs of word bytes in masks made 16 bytes at a time, not a byte
    /// at a time.
    fn ascii_matches(
        &self,
        text: &str,
        bits: &mut Vec<u64>,
        found: &mut Vec<(usize, usize, usize)>,
    ) {
        let bytes = text.as_bytes();
        crate::ascii::text_masks(
            bytes,
            |x| {
                crate::ascii::letters(x)
                    | crate::ascii::in_range(x, b'0', b'9')
                    | x.simd_eq(wide::u8x16::splat(b'_'))
            },
            bits,
        );
        // A name found ends where no word goes on: words that start before its end are in it.
        let mut next = 0;
        crate::ascii::runs(bits, bytes.len(), |start, end| {
            let word = &bytes[start..end];
            if start < next || word.len() > self.longest_first_word || !self.sieve.may_hold(word) {
                return;
            }
            let candidates = self.by_first_word.get(&WordHash::of(word));
            if let Some((m_end, target)) = candidates.and_then(|c| self.longest_at(text, start, c))
            {
                found.push((start, m_end, target));
                next = m_end;
            }
        });
    }

    /// The longest of `candidates` at byte `at` of `text` with no word character after it:
    /// its end and its target.
    fn longest_at(&self, text: &str, at: usize, candidates: &[u32]) -> Option<(usize, usize)> {
        let rest = &text.as_bytes()[at..];
        candidates.iter().find_map(|&p| {
            let (pattern, target) = &self.patterns[p as usize];
            let end = at + pattern.len();
            let same = rest.len() >= pattern.len()
                && rest
                    .iter()
                    .zip(pattern.bytes())
                    .all(|(a, b)| a.to_ascii_lowercase() == b);
            (same && text.is_char_boundary(end) && !text[end..].chars().next().is_some_and(is_word))
                .then_some((end, *target))
        })
    }
}

/// The length in bytes of the word `name` starts with (0 when it starts with a character
/// that is not part of a word).
fn first_word(name: &str) -> usize {
    name.char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(name.len(), |(i, _)| i)
}

/// What a page's body needs to render.
pub struct RenderInput<'a> {
    pub body: &'a str,
    /// The body's events as its analysis recorded them, if it did: replayed rather than
    /// the body parsed again.
    pub tape: Option<&'a Tape>,
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
    let replayed = input.tape.and_then(|t| t.replay(input.body));
    // Room for the body's events and some more (an autolink adds three, a table two), so
    // that the list is not grown and copied again and again. Without a tape: room for the
    // events of most bodies (one for every 16 bytes; the sample site has one for every 20,
    // the benchmark's pages one for every 27).
    let room = replayed
        .as_ref()
        .map_or(input.body.len() / 16, |e| e.len() + e.len() / 8 + 8);
    let mut out = Vec::with_capacity(room);
    let mut heading_index = 0;
    // Depth of places where no autolink may go: headings, links, images, code blocks, raw HTML.
    let mut no_link_depth = 0usize;
    let mut html_depth = 0usize;
    let mut table_start: Option<(usize, String)> = None;
    // Room to read a text in when autolinking.
    let mut bits = Vec::new();
    let events: Box<dyn Iterator<Item = Event<'a>>> = match replayed {
        Some(events) => Box::new(events.into_iter()),
        None => Box::new(Parser::new_ext(input.body, options())),
    };
    for event in events {
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
                Some(al) => link_text(text, al, &mut bits, input.page, linked, &mut out),
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
    bits: &mut Vec<u64>,
    page: usize,
    linked: &mut Vec<usize>,
    out: &mut Vec<Event<'a>>,
) {
    let mut last = 0;
    let s: &str = &text;
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
    let mut found = Vec::new();
    al.matches_into(s, bits, &mut found);
    for (start, end, target) in found {
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
            tape: a.tape.as_ref(),
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
                ("alendronate", 0),
                ("Fosamax", 0),
                ("zoledronic acid", 1),
                ("osteoporosis", 2),
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
            vec![("Évista", 0)],
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
    fn every_name_is_found_whatever_the_case_of_its_ascii_letters() {
        // Enough names that their first words' bits fill much of the sieve.
        let names: Vec<String> = (0..3000)
            .map(|i| match i % 3 {
                0 => format!("drug{i}x"),
                1 => format!("Brand{i} plus"),
                _ => format!("ézé{i}"),
            })
            .collect();
        let targets = (0..names.len())
            .map(|i| AutolinkTarget {
                page: 1,
                url: format!("/{i}/"),
            })
            .collect();
        let linker = Autolinker::new(
            names.iter().enumerate().map(|(i, n)| (n.as_str(), i)),
            targets,
        );
        let text: String = names
            .iter()
            .map(|n| format!("{}, then ", n.to_ascii_uppercase()))
            .collect();
        let found: Vec<usize> = linker
            .matches(&text)
            .into_iter()
            .map(|(_, _, t)| t)
            .collect();
        assert_eq!(found, (0..names.len()).collect::<Vec<_>>());
        // Words that start no name are not found.
        assert!(linker.matches("Then take a drug or a brand.").is_empty());
    }

    #[test]
    fn ascii_text_is_matched_as_a_character_at_a_time() {
        let names = [
            "Evista",
            "Evista 60",
            "vitamin D",
            "vitamin",
            "x_y",
            "5-FU",
            "FU",
            "60",
        ];
        let targets = (0..names.len())
            .map(|i| AutolinkTarget {
                page: 1,
                url: format!("/{i}/"),
            })
            .collect();
        let linker = Autolinker::new(names.iter().enumerate().map(|(i, n)| (*n, i)), targets);
        let words = [
            "EVISTA", "evista", "60", "600", "vitamin", "D", "d3", "x_y", "5-FU",
        ];
        let gaps = [" ", ", ", "-", "_", "", "\n", " (", ". "];
        // Texts long enough to cross 64-byte masks, with names at every offset.
        for k in 0..400 {
            let text: String = (0..30)
                .map(|i| {
                    let w = words[(k * 7 + i * 3) % words.len()];
                    format!("{w}{}", gaps[(k + i * 5) % gaps.len()])
                })
                .collect();
            for text in [&text[..], &text[1..], &text[..text.len() - 3]] {
                let (mut ascii, mut by_char) = (Vec::new(), Vec::new());
                linker.ascii_matches(text, &mut Vec::new(), &mut ascii);
                linker.char_matches(text, &mut by_char);
                assert_eq!(ascii, by_char, "{text:?}");
            }
        }
    }

    #[test]
    fn the_longest_whole_word_name_wins() {
        let target = |url: &str| AutolinkTarget {
            page: 1,
            url: url.into(),
        };
        let linker = Autolinker::new(
            vec![
                ("Evista", 0),
                ("Evista 60", 1),
                ("vitamin D", 2),
                ("vitamin", 3),
                ("(R)-warfarin", 4),
                ("café", 5),
            ],
            ["/e/", "/e60/", "/d/", "/v/", "/w/", "/c/"]
                .map(target)
                .to_vec(),
        );
        fn found<'t>(linker: &Autolinker, text: &'t str) -> Vec<(&'t str, usize)> {
            linker
                .matches(text)
                .into_iter()
                .map(|(s, e, t)| (&text[s..e], t))
                .collect()
        }
        let found = |text| found(&linker, text);
        // A longer name that is not a whole word there leaves the shorter one.
        assert_eq!(found("Evista 600 mg"), [("Evista", 0)]);
        assert_eq!(found("Evista 60 mg"), [("Evista 60", 1)]);
        assert_eq!(
            found("Vitamin D3 or vitamin d."),
            [("Vitamin", 3), ("vitamin d", 2)]
        );
        // A name that starts with a symbol, at the start, after a space, not after a word.
        assert_eq!(
            found("(R)-warfarin, then (R)-warfarin; x(R)-warfarin"),
            [("(R)-warfarin", 4), ("(R)-warfarin", 4)]
        );
        // Words hold letters of any script: "cafés" is not "café", "ÉEvista" not "Evista".
        assert_eq!(found("cafés, ÉEvista, café"), [("café", 5)]);
        assert_eq!(found("drug_Evista Evista_"), []);
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
    fn a_body_renders_the_same_from_its_tape_as_parsed_again() {
        let body = "## Osteoporosis {#bones}\n\nTake alendronate (see [serms](serms.md)) &amp; \
            Fosamax.[^1]\n\n| Medicine | How often |\n|---|---|\n| alendronate | weekly |\n\n\
            - [x] osteoporosis\n- `code`\n\n<span>alendronate</span>\n\n[^1]: A note.\n";
        let a = analyze(body);
        assert!(a.tape.is_some());
        let rewrite = |d: &str| d.strip_suffix(".md").map(|s| format!("/{s}/"));
        let linker = linker();
        let with = |tape| {
            render(&RenderInput {
                body,
                tape,
                headings: &a.headings,
                rewrite: &rewrite,
                autolinker: Some(&linker),
                page: 0,
            })
        };
        let (replayed, parsed) = (with(a.tape.as_ref()), with(None));
        assert_eq!(replayed, parsed);
        assert!(
            replayed.0.contains("<a href=\"/serms/\">"),
            "{}",
            replayed.0
        );
        assert_eq!(replayed.1, [0, 2]);
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
            tape: a.tape.as_ref(),
            headings: &a.headings,
            rewrite: &rewrite,
            autolinker: Some(&linker()),
            page: 9,
        };
        assert_eq!(autolink_targets(&input), vec![0, 2]);
    }
}
