//! Readability: a score of a page's prose by a formula made for its language, for the
//! `reading-level` check, `formulary check --report` and the theme.
//!
//! - English (`en`, `en-gb`...): the Flesch-Kincaid grade (below); a page above
//!   `readability.max_grade` is hard.
//! - Spanish (`es`, `es-mx`...): the Fernández Huerta score (1959), in its corrected form
//!   (Law, 2011: the sentence term is words per sentence),
//!   `206.84 − 0.60 × syllables per 100 words − 1.02 × words per sentence`, 0 to 100 where
//!   higher is easier (60 to 70 is "normal", school years 7 and 8); a page below
//!   `readability.min_ease` is hard. Spanish syllables are counted by [`syllables_es`].
//! - Any other language: no formula; its pages are not graded, and the report says so
//!   rather than apply the English formula to them.
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
use crate::markdown::{ascii_space, BlockKind};

/// Pages with fewer words of prose than this are not graded: too little text to say.
pub const MIN_WORDS: usize = 100;

/// Abbreviations whose full stop does not end a sentence (lower case, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "al", "approx", "ca", "cf", "dr", "e.g", "eg", "fig", "i.e", "ie", "inc", "jr", "mr", "mrs",
    "ms", "mt", "prof", "sr", "st", "vol", "vs",
];

/// A readability formula made for a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// Flesch-Kincaid grade (English): lower is easier.
    FleschKincaid,
    /// Fernández Huerta score (Spanish): higher is easier.
    FernandezHuerta,
}

impl Formula {
    /// The formula for a language code, if there is one.
    pub fn for_language(code: &str) -> Option<Formula> {
        match code.split(['-', '_']).next().unwrap_or(code) {
            "en" => Some(Formula::FleschKincaid),
            "es" => Some(Formula::FernandezHuerta),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Formula::FleschKincaid => "Flesch-Kincaid grade",
            Formula::FernandezHuerta => "Fernández Huerta score",
        }
    }

    /// The score of a text with these counts.
    pub fn score(self, words: usize, sentences: usize, syllables: usize) -> f64 {
        match self {
            Formula::FleschKincaid => fk_grade(words, sentences, syllables),
            Formula::FernandezHuerta => fernandez_huerta(words, sentences, syllables),
        }
    }

    /// Syllables of one word in the formula's language.
    pub fn syllables(self, word: &str) -> usize {
        match self {
            Formula::FleschKincaid => syllables(word),
            Formula::FernandezHuerta => syllables_es(word),
        }
    }

    /// Whether `score` is harder to read than `limit` allows.
    pub fn too_hard(self, score: f64, limit: f64) -> bool {
        match self {
            Formula::FleschKincaid => score > limit,
            Formula::FernandezHuerta => score < limit,
        }
    }
}

/// The Fernández Huerta score of a text with these counts (higher is easier).
pub fn fernandez_huerta(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    let (w, s, y) = (words as f64, sentences as f64, syllables as f64);
    206.84 - 0.60 * (100.0 * y / w) - 1.02 * (w / s)
}

/// Syllables of one Spanish word: its vowel nuclei. Vowels next to each other share a
/// syllable (a diphthong: `bien`, `cuando`, `hay` counts `y` as a consonant) unless both are
/// strong (`a e o`, or an accented `í ú`), which splits them (`le-er`, `dí-a`, `o-ste-o`). The
/// silent `u` of `que`, `qui`, `gue`, `gui` joins its vowel by the same rule. At least one.
pub fn syllables_es(word: &str) -> usize {
    let strong = |c: char| matches!(c, 'a' | 'e' | 'o' | 'á' | 'é' | 'ó' | 'í' | 'ú');
    let vowel = |c: char| strong(c) || matches!(c, 'i' | 'u' | 'ü');
    let mut count = 0;
    let mut prev: Option<char> = None;
    for c in word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
    {
        if vowel(c) {
            match prev {
                Some(p) if vowel(p) && !(strong(p) && strong(c)) => {}
                _ => count += 1,
            }
        }
        prev = Some(c);
    }
    count.max(1)
}

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
    syllables_ascii(word.as_bytes()).unwrap_or_else(|| syllables_chars(word))
}

/// [`syllables`] a lower-cased character at a time: for any word.
fn syllables_chars(word: &str) -> usize {
    let letters: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let mut groups = 0;
    let mut prev_vowel = false;
    for &c in &letters {
        let v = is_vowel(c);
        groups += usize::from(v && !prev_vowel);
        prev_vowel = v;
    }
    let last = |back: usize| letters.len().checked_sub(back).map(|i| letters[i]);
    finish_syllables(
        groups,
        letters.len(),
        [last(3), last(2), last(1)].map(|c| c.unwrap_or('\0')),
    )
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// What a byte is to [`syllables_ascii`] and [`counts_ascii`]. The order matters: letters
/// and digits from [`DIGIT`] to [`VOWEL`], letters from [`CONSONANT`].
const SPACE: u8 = 0;
const PUNCTUATION: u8 = 1;
const DIGIT: u8 = 2;
const CONSONANT: u8 = 3;
const VOWEL: u8 = 4;
/// A byte of a character beyond ASCII.
const NOT_ASCII: u8 = 5;

const BYTE_CLASS: [u8; 256] = {
    let mut t = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match (b as u8).to_ascii_lowercase() {
            c if ascii_space(c) => SPACE,
            b'0'..=b'9' => DIGIT,
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => VOWEL,
            b'a'..=b'z' => CONSONANT,
            _ => PUNCTUATION,
        };
        b += 1;
    }
    t
};

/// A word's letters as the syllable rule reads them: its vowel groups so far, and its last
/// three letters (lower case, one a byte: enough for the silent-e rule).
#[derive(Default)]
struct Letters {
    groups: usize,
    prev_vowel: bool,
    last: u32,
    n: usize,
}

impl Letters {
    /// The next letter: `b`, of class [`CONSONANT`] or [`VOWEL`].
    fn push(&mut self, b: u8, class: u8) {
        let v = class == VOWEL;
        self.groups += usize::from(v && !self.prev_vowel);
        self.prev_vowel = v;
        self.last = (self.last << 8) | u32::from(b.to_ascii_lowercase());
        self.n += 1;
    }

    /// The word's syllables, by the rule in the module documentation.
    fn syllables(&self) -> usize {
        let [_, a, b, c] = self.last.to_be_bytes();
        finish_syllables(self.groups, self.n, [a, b, c].map(char::from))
    }
}

/// [`syllables`] of an ASCII word, a byte at a time; `None` for any other word.
fn syllables_ascii(word: &[u8]) -> Option<usize> {
    let mut letters = Letters::default();
    for &b in word {
        match BYTE_CLASS[usize::from(b)] {
            NOT_ASCII => return None,
            class @ (CONSONANT | VOWEL) => letters.push(b, class),
            _ => continue,
        }
    }
    Some(letters.syllables())
}

/// The words, sentences and syllables of an ASCII block of prose by the English rules, in
/// one pass and without a list of words: what [`for_each_sentence`] counts with
/// [`Formula::FleschKincaid`], and what a page's score needs. `room` holds the block's
/// [`ByteMasks`].
///
/// Most words are plain: letters, then perhaps punctuation that ends no sentence (`take`,
/// `bones,`). Their words and syllables are counted 64 bytes at a time from bit masks of the
/// bytes, and only whether each starts in lower case is read a word at a time (a full stop
/// before it may end a sentence). Every other word (digits, a full stop, letters after
/// punctuation) is read a byte at a time by [`Tally::token`].
fn counts_ascii(text: &[u8], room: &mut Vec<ByteMasks>) -> (usize, usize, usize) {
    debug_assert!(
        text.is_ascii(),
        "a byte beyond ASCII would read as a letter"
    );
    ByteMasks::fill(text, room);
    let mut tally = Tally::default();
    // The bits of the chunk before the first and after the last: space.
    let space = ByteMasks {
        space: !0,
        ..ByteMasks::default()
    };
    // Where a word is not plain. A word is plain when no byte of it is: a full stop, `!`
    // or `?`; a digit; a letter after a byte that is neither letter nor space; or its first
    // byte, unless a letter. Each chunk marks its words' bytes that lie at or before such a
    // byte (read from the last chunk back), then at or after one (read forward).
    let mut carry = false;
    for k in (0..room.len()).rev() {
        let (m, before) = (room[k], if k > 0 { room[k - 1] } else { space });
        let (word, word_before) = (!m.space, !before.space);
        let junk = word & !m.letter;
        let starts = word & !shl1(word, word_before);
        let not_plain = m.stop
            | m.digit
            | (m.letter & shl1(junk, word_before & !before.letter))
            | (starts & !m.letter);
        let back;
        (back, carry) = fill_up(not_plain.reverse_bits(), word.reverse_bits(), carry);
        room[k].not_plain = not_plain;
        room[k].not_plain_word = back.reverse_bits();
    }
    let (mut vowels_carry, mut not_plain_carry) = (false, false);
    let mut vowels_seen_before = 0;
    for k in 0..room.len() {
        let m = room[k];
        let before = if k > 0 { room[k - 1] } else { space };
        let after = room.get(k + 1).copied().unwrap_or(space);
        let (word, word_before, word_after) = (!m.space, !before.space, !after.space);
        let starts = word & !shl1(word, word_before);
        let ends = word & !shr1(word, word_after);
        let consonants = m.letter & !m.vowel;
        let consonants_before = before.letter & !before.vowel;
        // A vowel starts a group unless the byte before it is a vowel.
        let groups = m.vowel & !shl1(m.vowel, before.vowel);
        // Bytes of a word at or after its first vowel.
        let vowels_seen;
        (vowels_seen, vowels_carry) = fill_up(m.vowel, word, vowels_carry);
        // A silent final `e`: the word's last letter, after a consonant, with a vowel before
        // that, and not the `le` of `table`.
        let silent_e = m.e
            & shl1(consonants, consonants_before)
            & !shr1(m.letter, after.letter)
            & shl2(vowels_seen, vowels_seen_before)
            & !(shl1(m.l, before.l) & shl2(consonants, consonants_before));
        vowels_seen_before = vowels_seen;
        // A word without a vowel has one syllable.
        let no_vowel = ends & !vowels_seen;
        let after_not_plain;
        (after_not_plain, not_plain_carry) = fill_up(m.not_plain, word, not_plain_carry);
        let plain = !(after_not_plain | m.not_plain_word);
        let count = |bits: u64| (bits & plain).count_ones() as usize;
        tally.words += count(starts);
        tally.syllables += count(groups) + count(no_vowel) - count(silent_e);
        // Each word in order, for the sentences.
        let mut next = starts;
        while next != 0 {
            let bit = next.trailing_zeros();
            let at = 64 * k + bit as usize;
            if plain & (1 << bit) != 0 {
                tally.plain_word(text[at].is_ascii_lowercase());
            } else {
                tally.token(text, at);
            }
            next &= next - 1;
        }
    }
    tally.finish()
}

/// Bit masks of 64 bytes of a block of ASCII prose, a bit a byte, for [`counts_ascii`].
/// Bytes past the end of the block are space.
#[derive(Debug, Default, Clone, Copy)]
struct ByteMasks {
    space: u64,
    letter: u64,
    vowel: u64,
    /// `e` and `E`.
    e: u64,
    /// `l` and `L`.
    l: u64,
    /// `.`, `!` and `?`.
    stop: u64,
    digit: u64,
    /// The bytes that make their word not plain.
    not_plain: u64,
    /// The bytes of a word at or before one of those.
    not_plain_word: u64,
}

impl ByteMasks {
    /// The masks of `text` into `room`.
    fn fill(text: &[u8], room: &mut Vec<ByteMasks>) {
        use crate::ascii::{in_range, letters, masks};
        use wide::u8x16;
        room.clear();
        for chunk in text.chunks(64) {
            let mut bytes = [b' '; 64];
            bytes[..chunk.len()].copy_from_slice(chunk);
            let [space, letter, vowel, e, l, stop, digit] = masks(&bytes, |x| {
                let is = |c: u8| x.simd_eq(u8x16::splat(c));
                // A byte that is `c` or its upper case (`c` a lower-case letter).
                let folded = x | u8x16::splat(0x20);
                let either_case = |c: u8| folded.simd_eq(u8x16::splat(c));
                [
                    in_range(x, b'\t', b'\r') | is(b' '),
                    letters(x),
                    b"aeiouy"
                        .iter()
                        .fold(u8x16::splat(0), |m, &c| m | either_case(c)),
                    either_case(b'e'),
                    either_case(b'l'),
                    is(b'.') | is(b'!') | is(b'?'),
                    in_range(x, b'0', b'9'),
                ]
            });
            room.push(ByteMasks {
                space,
                letter,
                vowel,
                e,
                l,
                stop,
                digit,
                ..ByteMasks::default()
            });
        }
    }
}

/// `bits` a byte on (each bit to the next byte), the last bit of `before` coming in.
fn shl1(bits: u64, before: u64) -> u64 {
    (bits << 1) | (before >> 63)
}

/// `bits` two bytes on, the last two bits of `before` coming in.
fn shl2(bits: u64, before: u64) -> u64 {
    (bits << 2) | (before >> 62)
}

/// `bits` a byte back (each bit to the byte before), the first bit of `after` coming in.
fn shr1(bits: u64, after: u64) -> u64 {
    (bits >> 1) | (after << 63)
}

/// The bits of each run of ones of `runs` from its first bit of `seeds` on, and whether the
/// run at the top goes on seeded into the next 64; `carry` says that the run at the bottom
/// comes seeded from the last. Adding a seed to its run clears the run's bits from there up
/// (the carry runs along it).
fn fill_up(seeds: u64, runs: u64, carry: bool) -> (u64, bool) {
    let seeds = seeds & runs;
    let (sum, over) = runs.overflowing_add(seeds);
    let (sum, over_carry) = sum.overflowing_add(u64::from(carry));
    (((sum ^ runs) | seeds) & runs, over || over_carry)
}

/// What [`counts_ascii`] has counted so far of a block.
#[derive(Default)]
struct Tally {
    words: usize,
    sentences: usize,
    syllables: usize,
    /// A sentence holds words not yet counted as a sentence.
    open: bool,
    /// The last word ended in a full stop that ends its sentence unless the next word
    /// starts in lower case.
    pending: bool,
    /// The last word starts in lower case.
    last_lower: bool,
}

impl Tally {
    /// A plain word, whose words and syllables are counted already: whether it starts in
    /// lower case.
    fn plain_word(&mut self, lower: bool) {
        self.next_word(lower);
        self.last_lower = lower;
    }

    /// A word starts: a pending stop ends its sentence unless the word starts in lower case;
    /// either way the word is in an open sentence.
    fn next_word(&mut self, lower: bool) {
        if self.pending {
            self.pending = false;
            self.sentences += usize::from(!lower);
        }
        self.open = true;
    }

    /// Counts the token (a run of bytes that are not space) at `i`, a byte at a time.
    fn token(&mut self, text: &[u8], mut i: usize) {
        let class = |b: u8| BYTE_CLASS[usize::from(b)];
        // The word: from the token's first letter or digit to the end of its last.
        let (mut first, mut end) = (usize::MAX, 0);
        let mut letters = Letters::default();
        while i < text.len() {
            let b = text[i];
            let c = class(b);
            if c == SPACE {
                break;
            }
            if c >= DIGIT {
                first = first.min(i);
                end = i + 1;
                if c >= CONSONANT {
                    letters.push(b, c);
                }
            }
            i += 1;
        }
        if first == usize::MAX {
            return;
        }
        let core = &text[first..end];
        let lower = core[0].is_ascii_lowercase();
        self.next_word(lower);
        self.words += 1;
        self.syllables += letters.syllables();
        // As [`ends_sentence`] reads the punctuation after the word.
        let tail = &text[end..i];
        let closing = |b: &&u8| matches!(b, b'"' | b'\'' | b')' | b']' | b'*' | b'_');
        let tail = &tail[..tail.len() - tail.iter().rev().take_while(closing).count()];
        match tail.last() {
            Some(b'!' | b'?') => {
                self.sentences += 1;
                self.open = false;
            }
            Some(b'.') => {
                let abbreviation = tail[0] == b'.'
                    && (ABBREVIATIONS
                        .iter()
                        .any(|a| a.as_bytes().eq_ignore_ascii_case(core))
                        || core.contains(&b'.')
                        || (core.len() == 1 && core[0].is_ascii_uppercase() && !self.last_lower));
                self.pending = !abbreviation;
            }
            _ => {}
        }
        self.last_lower = lower;
    }

    /// The counts; the end of the block ends its last sentence.
    fn finish(self) -> (usize, usize, usize) {
        let sentences = self.sentences + usize::from(self.pending || self.open);
        (self.words, sentences, self.syllables)
    }
}

/// The vowel groups of a word of `n` letters ending in `last`, less a silent final `e`,
/// and at least one.
fn finish_syllables(groups: usize, n: usize, last: [char; 3]) -> usize {
    if n == 0 {
        return 1;
    }
    let mut groups = groups;
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
    words_into(text, &mut out);
    out
}

/// [`words`], into `out` (emptied first). ASCII is read a byte at a time; only other
/// characters are decoded.
fn words_into(text: &str, out: &mut Vec<Word>) {
    out.clear();
    let bytes = text.as_bytes();
    // The character at `i` (a boundary) if it is whitespace: its length.
    let space_at = |i: usize| -> Option<usize> {
        let b = bytes[i];
        if b < 0x80 {
            return ascii_space(b).then_some(1);
        }
        let c = text[i..].chars().next()?;
        c.is_whitespace().then(|| c.len_utf8())
    };
    let mut i = 0;
    while i < bytes.len() {
        if let Some(n) = space_at(i) {
            i += n;
            continue;
        }
        let start = i;
        let mut ascii = true;
        while i < bytes.len() {
            if bytes[i] < 0x80 {
                if ascii_space(bytes[i]) {
                    break;
                }
                i += 1;
            } else {
                if space_at(i).is_some() {
                    break;
                }
                ascii = false;
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        if let Some((first, last)) = word_in(&text[start..i], ascii) {
            out.push(Word {
                start: start + first,
                end: start + last,
                token_end: i,
            });
        }
    }
}

/// Where the word is in a whitespace-separated token: from its first letter or digit to
/// the end of its last; `None` when it has neither.
fn word_in(token: &str, ascii: bool) -> Option<(usize, usize)> {
    if ascii {
        let bytes = token.as_bytes();
        let first = bytes.iter().position(u8::is_ascii_alphanumeric)?;
        let last = bytes.iter().rposition(u8::is_ascii_alphanumeric)?;
        return Some((first, last + 1));
    }
    let first = token.find(char::is_alphanumeric)?;
    let last = token
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(token.len(), |(i, c)| i + c.len_utf8());
    Some((first, last))
}

/// Whether the word at `i` ends its sentence.
fn ends_sentence(text: &str, words: &[Word], i: usize) -> bool {
    let w = words[i];
    if w.end == w.token_end {
        // Nothing after the word: no stop.
        return false;
    }
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
    sentences_in(text, Formula::FleschKincaid)
}

/// [`sentences`] with the syllables of `formula`'s language.
pub fn sentences_in(text: &str, formula: Formula) -> Vec<Sentence> {
    let mut out = Vec::new();
    for_each_sentence(text, formula, &mut Vec::new(), |s| out.push(s));
    out
}

/// Hands each sentence of `text` to `each`, in order; `words` is room for the text's words.
fn for_each_sentence(
    text: &str,
    formula: Formula,
    words: &mut Vec<Word>,
    mut each: impl FnMut(Sentence),
) {
    words_into(text, words);
    let ws = &words[..];
    let mut current: Option<Sentence> = None;
    for (i, w) in ws.iter().enumerate() {
        let s = current.get_or_insert(Sentence {
            start: w.start,
            end: w.end,
            words: 0,
            syllables: 0,
        });
        s.words += 1;
        s.syllables += formula.syllables(&text[w.start..w.end]);
        s.end = w.token_end;
        if ends_sentence(text, ws, i) {
            current.take().map(&mut each);
        }
    }
    current.take().map(each);
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
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub formula: Formula,
    pub words: usize,
    pub syllables: usize,
    pub sentences: Vec<PageSentence>,
}

impl Default for Reading {
    fn default() -> Reading {
        Reading {
            formula: Formula::FleschKincaid,
            words: 0,
            syllables: 0,
            sentences: Vec::new(),
        }
    }
}

impl Reading {
    /// The Flesch-Kincaid grade, or `None` when the page has too little prose to grade.
    pub fn grade(&self) -> Option<f64> {
        (self.words >= MIN_WORDS)
            .then(|| fk_grade(self.words, self.sentences.len(), self.syllables))
    }

    /// The score by the page's formula, or `None` when the page has too little prose.
    pub fn score(&self) -> Option<f64> {
        (self.words >= MIN_WORDS).then(|| {
            self.formula
                .score(self.words, self.sentences.len(), self.syllables)
        })
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

/// Reads one page's prose by the English rules: words, syllables and each sentence with its
/// line.
pub fn read(source: &Source) -> Reading {
    read_in(source, Formula::FleschKincaid)
}

/// The blocks of a page that are prose: paragraphs and list items, but not footnote
/// definitions.
fn prose_blocks(source: &Source) -> impl Iterator<Item = crate::markdown::TextBlock<'_>> {
    let body = source.body();
    source.blocks().filter(move |block| {
        matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem)
            && !in_footnote_definition(body, block.offset)
    })
}

/// Reads one page's prose with the syllables of `formula`'s language.
pub fn read_in(source: &Source, formula: Formula) -> Reading {
    let lines = LineIndex::new(&source.text);
    let mut r = Reading {
        formula,
        ..Reading::default()
    };
    let mut words = Vec::new();
    for block in prose_blocks(source) {
        let text = block.text;
        // A block keeps its source line breaks, so a sentence's line is the block's line
        // plus the breaks before it.
        let mut line = lines.line(source.body_start + block.offset);
        let mut counted = 0;
        for_each_sentence(text, formula, &mut words, |s| {
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
        });
    }
    r
}

/// A page's score by `formula`, as [`Reading::score`] gives it, without keeping its
/// sentences: `None` when the page has too little prose.
pub fn score_in(source: &Source, formula: Formula) -> Option<f64> {
    let (mut words, mut sentences, mut syllables) = (0, 0, 0);
    let mut room = Room::default();
    for block in prose_blocks(source) {
        let (w, s, y) = counts_with(block.text, formula, &mut room);
        (words, sentences, syllables) = (words + w, sentences + s, syllables + y);
    }
    (words >= MIN_WORDS).then(|| formula.score(words, sentences, syllables))
}

/// The words, sentences and syllables of one block of prose by `formula`'s language: what
/// a page's score adds up.
pub fn counts(text: &str, formula: Formula) -> (usize, usize, usize) {
    counts_with(text, formula, &mut Room::default())
}

/// Room that counting a page's blocks reuses from one block to the next.
#[derive(Default)]
struct Room {
    /// The words of a block that is not English ASCII.
    words: Vec<Word>,
    /// The [`ByteMasks`] of one that is.
    masks: Vec<ByteMasks>,
}

/// [`counts`], with `room` to count in.
fn counts_with(text: &str, formula: Formula, room: &mut Room) -> (usize, usize, usize) {
    if formula == Formula::FleschKincaid && text.is_ascii() {
        return counts_ascii(text.as_bytes(), &mut room.masks);
    }
    let (mut words, mut sentences, mut syllables) = (0, 0, 0);
    for_each_sentence(text, formula, &mut room.words, |s| {
        words += s.words;
        sentences += 1;
        syllables += s.syllables;
    });
    (words, sentences, syllables)
}

/// The formula and limit for the pages of one language of a site (the language's own
/// `[languages.<code>.readability]` over the top-level `[readability]`), if there is one.
pub fn formula_of(site: &crate::site::Site, lang: usize) -> Option<(Formula, f64)> {
    let code = &site.languages[lang].code;
    let formula = Formula::for_language(code)?;
    let own = site
        .config
        .languages
        .get(code)
        .and_then(|l| l.readability.as_ref());
    let limit = match formula {
        Formula::FleschKincaid => own
            .and_then(|r| r.max_grade)
            .unwrap_or(site.config.readability.max_grade),
        Formula::FernandezHuerta => own
            .and_then(|r| r.min_ease)
            .unwrap_or(site.config.readability.min_ease),
    };
    Some((formula, limit))
}

/// One row of `formulary check --report`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    /// The file, relative to the site root.
    pub file: String,
    pub title: String,
    /// The page's language code.
    pub lang: String,
    pub words: usize,
    pub sentences: usize,
    /// The score by `formula`; `None` when too short, or when the language has no formula.
    pub grade: Option<f64>,
    pub formula: Option<Formula>,
    /// Whether the score is harder than the language's limit allows.
    pub too_hard: bool,
}

/// Every page's score and word count, by language (the default first), worst first within
/// one; ungraded pages last.
pub fn report(site: &crate::site::Site) -> Vec<ReportRow> {
    let formulas: Vec<Option<(Formula, f64)>> = (0..site.languages.len())
        .map(|l| formula_of(site, l))
        .collect();
    let mut rows: Vec<(usize, ReportRow)> = site
        .pages
        .iter()
        .map(|p| {
            let f = formulas[p.lang];
            let r = read_in(&p.source, f.map_or(Formula::FleschKincaid, |f| f.0));
            let grade = f.and_then(|_| r.score());
            let row = ReportRow {
                file: p.source.file.to_string_lossy().replace('\\', "/"),
                title: p.title().to_string(),
                lang: site.languages[p.lang].code.clone(),
                words: r.words,
                sentences: r.sentences.len(),
                grade,
                formula: f.map(|f| f.0),
                too_hard: match (f, grade) {
                    (Some((formula, limit)), Some(g)) => formula.too_hard(round1(g), limit),
                    _ => false,
                },
            };
            (p.lang, row)
        })
        .collect();
    rows.sort_by(|(la, a), (lb, b)| {
        // Worst first: the highest grade, or the lowest ease.
        let key = |r: &ReportRow| match (r.grade, r.formula) {
            (Some(g), Some(Formula::FernandezHuerta)) => -round1(g),
            (Some(g), _) => round1(g),
            (None, _) => f64::NEG_INFINITY,
        };
        la.cmp(lb)
            .then_with(|| key(b).total_cmp(&key(a)))
            .then_with(|| a.file.cmp(&b.file))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The report as a plain-text table. `limits` describes each language's formula and limit
/// (one line each, below the table).
pub fn render_report(rows: &[ReportRow], limits: &[String]) -> String {
    use std::fmt::Write as _;
    let width = rows.iter().map(|r| r.file.len()).max().unwrap_or(4).max(4);
    // "grade" on an English site, as it always was; "score" once another formula is in.
    let header = if rows
        .iter()
        .all(|r| r.formula.is_none_or(|f| f == Formula::FleschKincaid))
    {
        "grade"
    } else {
        "score"
    };
    let mut lines = vec![format!(
        "{header:>5}  {:>5}  {:>9}  {:<width$}  note",
        "words", "sentences", "page"
    )];
    for r in rows {
        let grade = match r.grade {
            Some(g) => format!("{:.1}", round1(g)),
            None => "-".to_string(),
        };
        let note = match (r.formula, r.grade) {
            (None, _) => format!("no reading-level formula for `{}`", r.lang),
            (Some(_), None) => "too short to grade".to_string(),
            (Some(f), Some(_)) => {
                let mut n = String::new();
                if f != Formula::FleschKincaid {
                    n.push_str(f.name());
                }
                if r.too_hard {
                    if !n.is_empty() {
                        n.push_str(", ");
                    }
                    n.push_str("above the limit");
                }
                n
            }
        };
        lines.push(format!(
            "{grade:>5}  {:>5}  {:>9}  {:<width$}  {note}",
            r.words, r.sentences, r.file
        ));
    }
    for l in limits {
        lines.push(l.clone());
    }
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(out, "{}", l.trim_end());
    }
    out
}

/// The lines under the report saying each language's formula and limit.
pub fn report_limits(site: &crate::site::Site) -> Vec<String> {
    let mut out = Vec::new();
    for (lang, l) in site.languages.iter().enumerate() {
        let line = match formula_of(site, lang) {
            Some((Formula::FleschKincaid, max)) if !site.is_multilingual() => format!(
                "(limit: grade {max}; pages under {MIN_WORDS} words are not graded)"
            ),
            Some((Formula::FleschKincaid, max)) => format!(
                "({}: Flesch-Kincaid grade, limit {max}; pages under {MIN_WORDS} words are not graded)",
                l.code
            ),
            Some((Formula::FernandezHuerta, min)) => format!(
                "({}: Fernández Huerta score, 0 to 100, higher is easier; limit {min}; pages under {MIN_WORDS} words are not graded)",
                l.code
            ),
            None => format!(
                "({}: no reading-level formula is configured for this language; its pages are not graded)",
                l.code
            ),
        };
        out.push(line);
    }
    out
}

/// `check --report` on a site of more than one language: which pages lack which language.
pub fn translation_report(site: &crate::site::Site) -> String {
    use std::fmt::Write as _;
    if !site.is_multilingual() {
        return String::new();
    }
    let mut out = String::from("\ntranslations\n");
    let sources: Vec<&crate::site::Page> = site
        .pages
        .iter()
        .filter(|p| p.lang == 0 && !p.source.text.is_empty())
        .collect();
    for (lang, l) in site.languages.iter().enumerate().skip(1) {
        let missing: Vec<&str> = sources
            .iter()
            .filter(|p| !p.translations.iter().any(|&t| site.pages[t].lang == lang))
            .map(|p| p.source.content_path.as_str())
            .collect();
        let _ = writeln!(
            out,
            "{}: {} of {} pages translated",
            l.code,
            sources.len() - missing.len(),
            sources.len()
        );
        for m in missing {
            let _ = writeln!(out, "  lacks {}: content/{m}", l.code);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of a text, read a character at a time: what [`words`] must give.
    fn plain_words(text: &str) -> Vec<Word> {
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
                .unwrap();
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

    /// The repository's own sample site, in both its languages.
    fn sample_pages() -> Vec<crate::site::Page> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::build::load_and_check(root, None, false)
            .unwrap()
            .0
            .pages
    }

    #[test]
    fn words_and_syllables_read_bytes_as_characters_would() {
        let mut texts: Vec<String> = [
            "plain words, and (brackets) — dashes – and 1,226 numbers.",
            "tab\there\x0bvertical\x0cfeed\r\nline\u{a0}no-break\u{2003}em\u{3000}ideo",
            "café naïve ÉCOLE œuvre straße İstanbul ǅemal Ωmega",
            "«quoted» “curly” ‘single’ … — ¿Qué? ¡Sí! fármaco ácido",
            "***  ---  ...  \u{85}next\u{2028}sep",
            "",
            " ",
            "a",
            "ée",
        ]
        .map(String::from)
        .to_vec();
        for page in sample_pages() {
            texts.extend(page.source.blocks().map(|b| b.text.to_string()));
        }
        let mut n = 0;
        for text in &texts {
            let words = words(text);
            assert_eq!(words, plain_words(text), "{text:?}");
            for w in words {
                let word = &text[w.start..w.end];
                for form in [word.to_string(), word.to_uppercase()] {
                    let by_bytes = syllables_ascii(form.as_bytes());
                    assert_eq!(by_bytes.is_some(), form.is_ascii(), "{form:?}");
                    if let Some(by_bytes) = by_bytes {
                        assert_eq!(by_bytes, syllables_chars(&form), "{form:?}");
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 5_000, "the sample's prose is read: {n} words");
    }

    #[test]
    fn a_score_counted_is_the_score_of_the_sentences_kept() {
        let mut graded = 0;
        for page in sample_pages() {
            for formula in [Formula::FleschKincaid, Formula::FernandezHuerta] {
                let full = read_in(&page.source, formula).score();
                assert_eq!(
                    score_in(&page.source, formula),
                    full,
                    "{}",
                    page.source.content_path
                );
                graded += usize::from(full.is_some());
            }
        }
        assert!(graded > 10, "{graded} pages graded");
    }

    #[test]
    fn ascii_counts_are_the_counts_of_the_sentences() {
        // Pieces that meet every rule: stops after abbreviations, initials and inside words,
        // closing quotes and brackets, lower-case next words, numbers, bare punctuation.
        const PIECES: &[&str] = &[
            "Take",
            "take",
            "the",
            "tablet.",
            "Dr.",
            "dr.",
            "J.",
            "j.",
            "e.g.",
            "U.S.",
            "vs.",
            "etc.",
            "2.5",
            "60",
            "mg.",
            "(see",
            "below).",
            "\"Why?\"",
            "now!",
            "—",
            "-",
            "...",
            "table",
            "people",
            "agree",
            "medicine.",
            "rhythm",
            "x",
            "A.",
            "Fosamax®",
            "it.)",
            "said.'",
            "*bold.*",
            "_it._",
            "end.]",
            "osteoporosis",
            "B12",
            "?",
            ".",
            "a.m.",
            // Digits and punctuation inside a word, between vowels and consonants.
            "pre-op",
            "T-score",
            "b-a",
            "1a",
            "s'e",
            "x-ray",
            "co-author",
            "e.a",
            "ab-ove",
            "t-apa",
            "re2use",
            // Plain words, as the counter reads most words 64 bytes at a time: endings that
            // are and are not a silent `e`, in either case, and punctuation that ends no
            // sentence.
            "bones,",
            "time:",
            "hope)",
            "e",
            "le",
            "ale",
            "Ale",
            "ble",
            "Bible",
            "TABLE",
            "TAKE",
            "eye",
            "l",
            "y",
            // Longer than the 64 bytes of a mask, with and without punctuation in it.
            "pneumonoultramicroscopicsilicovolcanoconiosispneumonoultramicroscopicsilicovolcanoconiosis",
            "https://example.org/medicines/bisphosphonates/how-to-take-them-safely.",
        ];
        const SPACES: &[&str] = &[" ", " ", " ", "\n", "  ", "\t", "\x0b"];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut compared = 0;
        for _ in 0..3_000 {
            let mut text = String::new();
            if next(4) == 0 {
                text.push(' ');
            }
            for _ in 0..next(40) {
                text.push_str(PIECES[next(PIECES.len())]);
                text.push_str(SPACES[next(SPACES.len())]);
            }
            if !text.is_ascii() {
                continue;
            }
            assert_eq!(
                counts_ascii(text.as_bytes(), &mut Vec::new()),
                totals(&text),
                "{text:?}"
            );
            compared += 1;
        }
        assert!(compared > 1_000, "{compared} texts compared");
        for page in sample_pages() {
            for block in prose_blocks(&page.source).filter(|b| b.text.is_ascii()) {
                assert_eq!(
                    counts_ascii(block.text.as_bytes(), &mut Vec::new()),
                    totals(block.text),
                    "{:?}",
                    block.text
                );
            }
        }
    }

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
            lang: None,
            source_path: "a.md".into(),
            analysis: crate::markdown::analyze(&text[parsed.body_start..]),
            front: parsed.front,
            body_start: parsed.body_start,
            text,
            reading: None,
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
    fn spanish_syllables() {
        let cases = [
            ("casa", 2),
            ("bien", 1),
            ("cuando", 2),
            ("leer", 2),
            ("día", 2),
            ("osteoporosis", 6),
            ("huesos", 2),
            ("que", 1),
            ("hay", 1),
            ("y", 1),
            ("medicamento", 5),
            ("pingüino", 3),
            ("calcio", 2),
            ("país", 2),
        ];
        for (w, n) in cases {
            assert_eq!(syllables_es(w), n, "{w}");
        }
    }

    /// Hand-computed: 100 words, 10 sentences, 200 syllables give
    /// 206.84 − 0.60 × 200 − 1.02 × 10 = 76.64.
    #[test]
    fn fernandez_huerta_formula() {
        assert!((fernandez_huerta(100, 10, 200) - 76.64).abs() < 1e-9);
        // Longer sentences read harder, as they must (the corrected formula).
        assert!(fernandez_huerta(100, 5, 200) < fernandez_huerta(100, 10, 200));
        assert_eq!(
            Formula::for_language("es-MX"),
            Some(Formula::FernandezHuerta)
        );
        assert_eq!(Formula::for_language("fr"), None);
        assert!(Formula::FernandezHuerta.too_hard(55.0, 60.0));
        assert!(!Formula::FleschKincaid.too_hard(7.9, 8.0));
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
            formula: Formula::FleschKincaid,
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
