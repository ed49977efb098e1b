//! Readability: the Flesch-Kincaid grade of a page's prose, for the `reading-level` check,
//! `formulary check --report` and the theme.
//!
//! ```text
//! grade = 0.39 × words/sentences + 11.8 × syllables/words − 15.59
//! ```
//!
//! How this counts (published checkers differ by about a grade; this is ours):
//!
//! - **Prose** is the page's paragraphs and list items (blockquotes included): never headings,
//!   table cells, code, or footnote definitions (references are not prose for the reader).
//! - **Words** are runs of non-space characters that contain a letter or a digit, with
//!   punctuation stripped from both ends: `flu-like` is one word, `1,226` is one word, `—` is
//!   none.
//! - **Sentences** end at a word ending in `.`, `!` or `?` (closing quotes or brackets may
//!   follow). A full stop inside a word never ends one (`2.5`, `e.g.`, `U.S.`), nor does one
//!   after a known abbreviation (`Dr.`, `vs.`, `et al.`, `approx.`...), an initial (`J.`), or
//!   one followed by a word that starts in lower case (`etc. and`). The end of a paragraph or
//!   list item always ends a sentence, so each list item counts as at least one.
//! - **Syllables** are the groups of vowels (`a e i o u y`) in the word's letters, minus a
//!   silent final `e` (`take` 1, `medicine` 3) but not `-le` after a consonant (`table` 2,
//!   `people` 2) nor an `e` that is part of a vowel group (`agree` 2), and at least one a
//!   word. A word without letters (a number) counts one. This undercounts some words
//!   (`osteoporosis` 5, `bisphosphonates` 5: `-es` is not removed) and so errs a little
//!   low, like most vowel-group counters.
//! - Pages with fewer than [`MIN_WORDS`] words of prose are not graded.

use crate::diagnostic::LineIndex;
use crate::load::Source;
use crate::markdown::BlockKind;

/// Pages with fewer words of prose than this are not graded: too little text to say.
pub const MIN_WORDS: usize = 100;

/// Abbreviations whose full stop does not end a sentence (lower case, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "al", "approx", "ca", "cf", "dr", "e.g", "eg", "fig", "i.e", "ie", "inc", "jr", "mr", "mrs",
    "ms", "mt", "prof", "sr", "st", "vol", "vs",
];

/// The Flesch-Kincaid grade of a text with these counts.
pub fn fk_grade(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    let (w, s, y) = (words as f64, sentences as f64, syllables as f64);
    0.39 * (w / s) + 11.8 * (y / w) - 15.59
}

/// The Flesch reading ease of a text with these counts (higher is easier).
pub fn reading_ease(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    let (w, s, y) = (words as f64, sentences as f64, syllables as f64);
    206.835 - 1.015 * (w / s) - 84.6 * (y / w)
}

/// Syllables of one word, by the rule in the module documentation.
pub fn syllables(word: &str) -> usize {
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut groups = 0;
    let mut prev_vowel = false;
    let mut n = 0;
    // The last three letters, enough for the silent-e rule; no allocation per word.
    let mut last = ['\0'; 3];
    let mut take = |c: char| {
        let v = is_vowel(c);
        if v && !prev_vowel {
            groups += 1;
        }
        prev_vowel = v;
        last = [last[1], last[2], c];
        n += 1;
    };
    if word.is_ascii() {
        for b in word.bytes().filter(u8::is_ascii_alphabetic) {
            take(char::from(b.to_ascii_lowercase()));
        }
    } else {
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            c.to_lowercase().for_each(&mut take);
        }
    }
    if n == 0 {
        return 1;
    }
    if groups > 1 && last[2] == 'e' && !is_vowel(last[1]) {
        let consonant_le = n >= 3 && last[1] == 'l' && !is_vowel(last[0]);
        if !consonant_le {
            groups -= 1;
        }
    }
    groups.max(1)
}

/// One sentence of a text: its byte range, words and syllables.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub words: usize,
    pub syllables: usize,
}

impl Sentence {
    /// The sentence's own grade: how hard it is to read on its own.
    pub fn grade(&self) -> f64 {
        fk_grade(self.words, 1, self.syllables)
    }
}

/// A word of a text: its byte range, with punctuation stripped from both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// The whitespace-separated token's end (the word plus its trailing punctuation).
    pub token_end: usize,
}

/// The words of a text, in order.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut token_start: Option<usize> = None;
    let mut push = |start: usize, end: usize| {
        let token = &text[start..end];
        let Some(first) = token.find(|c: char| c.is_alphanumeric()) else {
            return;
        };
        let last = token
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphanumeric())
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(token.len());
        out.push(Word {
            start: start + first,
            end: start + last,
            token_end: end,
        });
    };
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), token_start) {
            (true, Some(start)) => {
                push(start, i);
                token_start = None;
            }
            (false, None) => token_start = Some(i),
            _ => {}
        }
    }
    if let Some(start) = token_start {
        push(start, text.len());
    }
    out
}

/// Whether the word at `i` ends its sentence.
fn ends_sentence(text: &str, words: &[Word], i: usize) -> bool {
    let w = words[i];
    let tail = text[w.end..w.token_end].trim_end_matches(['"', '\'', ')', ']', '”', '’', '*', '_']);
    if tail.ends_with(['!', '?']) {
        return true;
    }
    if !tail.ends_with('.') {
        return false;
    }
    let core = &text[w.start..w.end];
    // A stop right after the word (not after a closing bracket): maybe an abbreviation.
    if tail.starts_with('.') {
        let lower = core.to_lowercase();
        if ABBREVIATIONS.contains(&lower.as_str())
            || core.contains('.')
            || (core.chars().count() == 1
                && core.chars().all(char::is_uppercase)
                && !previous_is_lowercase(text, words, i))
        {
            return false;
        }
    }
    match words.get(i + 1) {
        Some(next) => !text[next.start..]
            .chars()
            .next()
            .is_some_and(char::is_lowercase),
        None => true,
    }
}

/// Whether the word before `i` starts in lower case: `vitamin D.` ends a sentence, while
/// the initial in `Smith J. et al.` or `J. Smith` does not.
fn previous_is_lowercase(text: &str, words: &[Word], i: usize) -> bool {
    i > 0
        && text[words[i - 1].start..]
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
}

/// The sentences of one block of prose; the end of the text ends the last one.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let ws = words(text);
    let mut out = Vec::new();
    let mut current: Option<Sentence> = None;
    for i in 0..ws.len() {
        let w = ws[i];
        let s = current.get_or_insert(Sentence {
            start: w.start,
            end: w.end,
            words: 0,
            syllables: 0,
        });
        s.words += 1;
        s.syllables += syllables(&text[w.start..w.end]);
        s.end = w.token_end;
        if ends_sentence(text, &ws, i) {
            out.extend(current.take());
        }
    }
    out.extend(current.take());
    out
}

/// One sentence of a page, placed in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSentence {
    pub text: String,
    /// 1-based line in the file where the sentence starts.
    pub line: usize,
    pub words: usize,
    pub syllables: usize,
}

impl PageSentence {
    pub fn grade(&self) -> f64 {
        fk_grade(self.words, 1, self.syllables)
    }
}

/// The readability of one page's prose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    pub words: usize,
    pub syllables: usize,
    pub sentences: Vec<PageSentence>,
}

impl Reading {
    /// The Flesch-Kincaid grade, or `None` when the page has too little prose to grade.
    pub fn grade(&self) -> Option<f64> {
        (self.words >= MIN_WORDS)
            .then(|| fk_grade(self.words, self.sentences.len(), self.syllables))
    }

    /// The `n` hardest sentences, in page order. Hardest means most syllables (words ×
    /// syllables per word: long sentences of long words), then the highest grade of its own;
    /// a one-word sentence's own grade is high but it is rarely what needs rewriting.
    pub fn hardest(&self, n: usize) -> Vec<&PageSentence> {
        let mut by_grade: Vec<&PageSentence> = self.sentences.iter().collect();
        by_grade.sort_by(|a, b| {
            b.syllables
                .cmp(&a.syllables)
                .then(b.grade().total_cmp(&a.grade()))
                .then(a.line.cmp(&b.line))
        });
        by_grade.truncate(n);
        by_grade.sort_by_key(|s| s.line);
        by_grade
    }
}

/// Rounds to one decimal, the way grades are shown and compared.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Whether the body line holding `offset` is a footnote definition (`[^id]: ...`).
fn in_footnote_definition(body: &str, offset: usize) -> bool {
    let offset = offset.min(body.len());
    let line_start = body[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = body[line_start..].trim_start();
    line.starts_with("[^") && line.split('\n').next().is_some_and(|l| l.contains("]:"))
}

/// Reads one page's prose: words, syllables and each sentence with its line.
pub fn read(source: &Source) -> Reading {
    let body = source.body();
    let lines = LineIndex::new(&source.text);
    let mut r = Reading::default();
    for block in &source.analysis.blocks {
        if !matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem)
            || in_footnote_definition(body, block.offset)
        {
            continue;
        }
        let text = &block.text;
        // A block keeps its source line breaks, so a sentence's line is the block's line
        // plus the breaks before it.
        let block_line = lines.line(source.body_start + block.offset);
        let mut line = block_line;
        let mut counted = 0;
        for s in sentences(text) {
            line += text[counted..s.start].matches('\n').count();
            counted = s.start;
            r.words += s.words;
            r.syllables += s.syllables;
            r.sentences.push(PageSentence {
                text: text[s.start..s.end].replace('\n', " "),
                line,
                words: s.words,
                syllables: s.syllables,
            });
        }
    }
    r
}

/// One row of `formulary check --report`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    /// The file, relative to the site root.
    pub file: String,
    pub title: String,
    pub words: usize,
    pub sentences: usize,
    pub grade: Option<f64>,
}

/// Every page's grade and word count, worst (highest grade) first; ungraded pages last.
pub fn report(site: &crate::site::Site) -> Vec<ReportRow> {
    let mut rows: Vec<ReportRow> = site
        .pages
        .iter()
        .map(|p| {
            let r = read(&p.source);
            ReportRow {
                file: p.source.file.to_string_lossy().replace('\\', "/"),
                title: p.title().to_string(),
                words: r.words,
                sentences: r.sentences.len(),
                grade: r.grade(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &ReportRow| r.grade.map_or(f64::NEG_INFINITY, round1);
        key(b).total_cmp(&key(a)).then_with(|| a.file.cmp(&b.file))
    });
    rows
}

/// The report as a plain-text table.
pub fn render_report(rows: &[ReportRow], max_grade: f64) -> String {
    use std::fmt::Write as _;
    let width = rows.iter().map(|r| r.file.len()).max().unwrap_or(4).max(4);
    let mut lines = vec![format!(
        "{:>5}  {:>5}  {:>9}  {:<width$}  note",
        "grade", "words", "sentences", "page"
    )];
    for r in rows {
        let grade = match r.grade {
            Some(g) => format!("{:.1}", round1(g)),
            None => "-".to_string(),
        };
        let note = match r.grade {
            Some(g) if round1(g) > max_grade => "above the limit",
            Some(_) => "",
            None => "too short to grade",
        };
        lines.push(format!(
            "{grade:>5}  {:>5}  {:>9}  {:<width$}  {note}",
            r.words, r.sentences, r.file
        ));
    }
    lines.push(format!(
        "(limit: grade {max_grade}; pages under {MIN_WORDS} words are not graded)"
    ));
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(out, "{}", l.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(text: &str) -> (usize, usize, usize) {
        let s = sentences(text);
        let w = s.iter().map(|s| s.words).sum();
        let y = s.iter().map(|s| s.syllables).sum();
        (w, s.len(), y)
    }

    #[test]
    fn syllable_rule() {
        let cases = [
            ("the", 1),
            ("take", 1),
            ("table", 2),
            ("people", 2),
            ("agree", 2),
            ("whole", 1),
            ("medicine", 3),
            ("bone", 1),
            ("you", 1),
            ("water", 2),
            ("calcium", 2), // cal-ci-um is 3; "iu" is one vowel group
            ("osteoporosis", 5),
            ("creature", 2),
            ("seemingly", 3),
            ("platypus", 3),
            ("rhythm", 1),
            ("1,226", 1),
            ("Paget's", 2),
            ("flu-like", 2),
            ("a", 1),
            ("be", 1),
        ];
        for (w, n) in cases {
            assert_eq!(syllables(w), n, "{w}");
        }
    }

    /// Published example (Wikipedia, "Flesch–Kincaid readability tests"): this sentence "is an
    /// 11.3 as it has 24 syllables and 13 words". Our counter gives the same counts.
    #[test]
    fn published_platypus_example() {
        let text =
            "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.";
        let (w, s, y) = totals(text);
        assert_eq!((w, s, y), (13, 1, 24));
        assert_eq!(round1(fk_grade(w, s, y)), 11.3);
    }

    /// Published example (same article): "The cat sat on the mat." has a reading ease of
    /// about 116; the grade (−1.45) is hand-computed from the formula, not a published figure.
    #[test]
    fn cat_on_the_mat() {
        let (w, s, y) = totals("The cat sat on the mat.");
        assert_eq!((w, s, y), (6, 1, 6));
        assert_eq!(reading_ease(w, s, y).round(), 116.0);
        assert!((fk_grade(w, s, y) - (-1.45)).abs() < 1e-9);
    }

    /// Published figures for "Green Eggs and Ham" (Wikipedia, same article): 5.7 words per
    /// sentence and 1.02 syllables per word give a grade of −1.3. A formula check only.
    #[test]
    fn green_eggs_and_ham_formula() {
        let g = 0.39 * 5.7 + 11.8 * 1.02 - 15.59;
        assert_eq!(round1(g), -1.3);
        // And in counts: 570 words, 100 sentences, 581 syllables (hand-computed).
        assert_eq!(round1(fk_grade(570, 100, 581)), round1(g));
    }

    #[test]
    fn sentences_ignore_decimals_and_abbreviations() {
        let text = "Bone density rose by 2.5% in 3 years, e.g. in the spine. Ask Dr. Smith about it! \
                    Is it safe? Smith J. et al. found it was. Also calcium, vitamin D, etc. and sun";
        let s = sentences(text);
        let texts: Vec<&str> = s.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(
            texts,
            [
                "Bone density rose by 2.5% in 3 years, e.g. in the spine.",
                "Ask Dr. Smith about it!",
                "Is it safe?",
                "Smith J. et al. found it was.",
                "Also calcium, vitamin D, etc. and sun",
            ]
        );
    }

    #[test]
    fn vitamin_d_ends_a_sentence_but_initials_do_not() {
        assert_eq!(
            sentences("They were low in vitamin D. Those who took it did well.").len(),
            2
        );
        assert_eq!(sentences("As J. Smith and Black DM. Reported it.").len(), 2);
    }

    #[test]
    fn closing_brackets_and_quotes_after_the_stop() {
        let text = "Take it with water (not milk.) Then wait. \"Stop now.\" Done";
        assert_eq!(sentences(text).len(), 4);
    }

    #[test]
    fn words_skip_punctuation_only_tokens() {
        let text = "Calcium — and (vitamin D), 1,226 people.";
        let ws: Vec<&str> = words(text).iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(ws, ["Calcium", "and", "vitamin", "D", "1,226", "people"]);
    }

    #[test]
    fn reads_a_page_with_lines_and_skips_headings_tables_code_footnotes() {
        let body = "Intro sentence here. Second one\ngoes on.\n\n## A heading with many syllables\n\n- item one\n- item two\n\n| a | b |\n|---|---|\n| cell text | more |\n\n```\ncode words here.\n```\n\nSee this.[^x]\n\n[^x]: Black DM et al. A reference. The Lancet, 1996.\n";
        let text = format!("+++\ntitle = \"t\"\n+++\n{body}");
        let parsed = crate::load::front_matter::parse(&text).unwrap();
        let source = Source {
            file: "content/a.md".into(),
            content_path: "a.md".into(),
            analysis: crate::markdown::analyze(&text[parsed.body_start..]),
            front: parsed.front,
            body_start: parsed.body_start,
            text,
        };
        let r = read(&source);
        let got: Vec<(usize, &str)> = r
            .sentences
            .iter()
            .map(|s| (s.line, s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (4, "Intro sentence here."),
                (4, "Second one goes on."),
                (9, "item one"),
                (10, "item two"),
                (20, "See this."),
            ]
        );
        assert_eq!(r.words, 13);
        assert_eq!(r.grade(), None, "too short to grade");
    }

    #[test]
    fn hardest_are_in_page_order() {
        let mk = |line, words, syllables| PageSentence {
            text: String::new(),
            line,
            words,
            syllables,
        };
        let r = Reading {
            words: 0,
            syllables: 0,
            // A one-word sentence of four syllables has the highest grade of its own (32.0)
            // but is not among the hardest.
            sentences: vec![
                mk(1, 1, 4),
                mk(2, 30, 60),
                mk(3, 4, 4),
                mk(4, 20, 40),
                mk(5, 25, 30),
            ],
        };
        let lines: Vec<usize> = r.hardest(3).iter().map(|s| s.line).collect();
        assert_eq!(lines, [2, 4, 5]);
    }
}
