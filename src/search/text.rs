//! Words for search: breaking (Unicode word boundaries), folding (case and accents),
//! stemming (Snowball, by the site's `language`), and the one-typo test of the query side.
//!
//! `static/search.js` mirrors [`tokens`], [`within_one_typo`] and [`fuzzy_key`]; keep them
//! in step.

use crate::ascii;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;
use wide::u8x16;

/// Apostrophes inside a word are dropped (`don't` → `dont`), not a break.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Calls `f` with each folded token of `text`: Unicode words, lower case, accents removed,
/// apostrophes dropped, split at anything that is neither a letter nor a digit
/// (`5-HT3` → `5`, `ht3`). The query side does the same.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    if text.is_ascii() {
        return ascii_tokens(text, &mut buf, f);
    }
    for word in text.unicode_words() {
        if word.is_ascii() {
            ascii_tokens(word, &mut buf, &mut f);
            continue;
        }
        buf.clear();
        for c in crate::site::drugs::fold(word).chars() {
            if c.is_alphanumeric() {
                buf.push(c);
            } else if !is_apostrophe(c) && !buf.is_empty() {
                f(&buf);
                buf.clear();
            }
        }
        if !buf.is_empty() {
            f(&buf);
        }
    }
}

/// [`for_each_token`] for ASCII text, without the general word-boundary machinery: for
/// ASCII, Unicode word boundaries come down to runs of letters and digits, an apostrophe
/// joining two letters or two digits (`don't`), and the rest breaking.
fn ascii_tokens(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    ascii_spans(text.as_bytes(), |start, end, joined| {
        let token = &text[start..end];
        if !joined && !token.bytes().any(|c| c.is_ascii_uppercase()) {
            f(token); // already folded: a slice of `text`
        } else {
            fold_ascii(token, buf);
            f(buf);
        }
    })
}

/// Which of 64 ASCII bytes are letters or digits, and which are apostrophes, a bit a
/// byte (byte `k` at bit `k`).
fn classify(block: &[u8; 64]) -> (u64, u64) {
    let [word, apostrophe] = ascii::masks(block, |x| {
        [
            ascii::letters(x) | ascii::in_range(x, b'0', b'9'),
            x.simd_eq(u8x16::splat(b'\'')),
        ]
    });
    (word, apostrophe)
}

/// The tokens of ASCII text as byte ranges, and whether each holds an apostrophe that
/// joins its halves. The bytes are classified 16 at a time into a bit a byte, and the
/// tokens found as runs of ones, with no branch on each byte.
fn ascii_spans(b: &[u8], mut f: impl FnMut(usize, usize, bool)) {
    let n = b.len();
    let len = n.div_ceil(64);
    // A text block is most often short enough for the stack.
    let (mut stack, mut heap) = ([0u64; 32], Vec::new());
    let bits = if 2 * len <= stack.len() {
        &mut stack[..2 * len]
    } else {
        heap.resize(2 * len, 0);
        &mut heap[..]
    };
    let (words, apostrophes) = bits.split_at_mut(len);
    let mut any_apostrophe = 0;
    let mut blocks = b.chunks_exact(64);
    for (i, block) in (&mut blocks).enumerate() {
        let block: &[u8; 64] = block.try_into().expect("64 bytes");
        (words[i], apostrophes[i]) = classify(block);
        any_apostrophe |= apostrophes[i];
    }
    if !blocks.remainder().is_empty() {
        let mut last = [0u8; 64];
        last[..blocks.remainder().len()].copy_from_slice(blocks.remainder());
        (words[len - 1], apostrophes[len - 1]) = classify(&last);
        any_apostrophe |= apostrophes[len - 1];
    }
    // An apostrophe between two letters or two digits joins them.
    let mut joined = Vec::new();
    if any_apostrophe != 0 {
        for (i, &a) in apostrophes.iter().enumerate() {
            let mut a = a;
            while a != 0 {
                let p = i * 64 + a.trailing_zeros() as usize;
                a &= a - 1;
                if p > 0 && p + 1 < n {
                    let (l, r) = (b[p - 1], b[p + 1]);
                    if (l.is_ascii_alphabetic() && r.is_ascii_alphabetic())
                        || (l.is_ascii_digit() && r.is_ascii_digit())
                    {
                        joined.push(p);
                    }
                }
            }
        }
        for &p in &joined {
            words[p / 64] |= 1 << (p % 64);
        }
    }
    let mut joins = joined.iter().peekable();
    ascii::runs(words, n, |start, end| {
        let mut has_join = false;
        while let Some(&&p) = joins.peek() {
            if p >= end {
                break;
            }
            has_join = true;
            joins.next();
        }
        f(start, end, has_join);
    })
}

/// An ASCII token folded: lower case, apostrophes dropped.
fn fold_ascii(token: &str, buf: &mut String) {
    buf.clear();
    buf.extend(
        token
            .bytes()
            .filter(|&c| c != b'\'')
            .map(|c| c.to_ascii_lowercase() as char),
    );
}

/// A folded token of up to 16 bytes packed into one number, its first byte lowest (tokens
/// never hold a zero byte, so the number gives the token back); `None` when longer.
pub fn pack(token: &str) -> Option<u128> {
    let b = token.as_bytes();
    (b.len() <= 16).then(|| {
        let mut k = [0u8; 16];
        k[..b.len()].copy_from_slice(b);
        u128::from_le_bytes(k)
    })
}

/// The low `n` bytes of a `u128` set, by `n`.
static MASKS: [u128; 17] = {
    let mut m = [0; 17];
    let mut n = 1;
    while n <= 16 {
        m[n] = u128::MAX >> (128 - 8 * n);
        n += 1;
    }
    m
};

/// [`for_each_token`], giving each token of up to 16 bytes to `short` packed as [`pack`]
/// does, and longer ones to `long`. For ASCII text (nearly all of a page) the tokens are
/// packed straight from the text, never copied out first.
pub fn for_each_packed_token(text: &str, mut short: impl FnMut(u128), mut long: impl FnMut(&str)) {
    if !text.is_ascii() {
        return for_each_token(text, |t| match pack(t) {
            Some(k) => short(k),
            None => long(t),
        });
    }
    let b = text.as_bytes();
    let mut buf = String::new();
    ascii_spans(b, |start, end, joined| {
        let len = end - start;
        if len > 16 || joined {
            fold_ascii(&text[start..end], &mut buf);
            match pack(&buf) {
                Some(k) => short(k),
                None => long(&buf),
            }
            return;
        }
        let mask = MASKS[len];
        let raw = match b.get(start..start + 16) {
            Some(w) => u128::from_le_bytes(w.try_into().expect("16 bytes")),
            None => {
                let mut w = [0u8; 16];
                w[..len].copy_from_slice(&b[start..end]);
                u128::from_le_bytes(w)
            }
        };
        // Letters and digits: setting 0x20 lowers a letter and leaves a digit as it is.
        short((raw | u128::from_le_bytes([0x20; 16])) & mask)
    })
}

/// The folded tokens of `text`.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// A name kept whole: its tokens joined by one space (`Zoledronic Acid` → `zoledronic acid`).
pub fn whole(text: &str) -> String {
    let mut out = String::new();
    for_each_token(text, |t| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    });
    out
}

/// The Snowball algorithm for a language tag (`en`, `en-GB`, `pt_BR`), if rust-stemmers has one.
pub fn algorithm(language: &str) -> Option<Algorithm> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Some(match primary.as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// Stems folded tokens; a language without a Snowball algorithm keeps words as they are.
pub struct Stem(Option<Stemmer>);

impl Stem {
    pub fn new(language: &str) -> Stem {
        Stem(algorithm(language).map(Stemmer::create))
    }

    pub fn stem<'a>(&self, token: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.0 {
            // Numbers and codes ("5000", "ht3", "covid19s") are kept as they are: the
            // stemmers are made for words, and a token with a digit in it is not one.
            Some(s) if !token.chars().any(char::is_numeric) => s.stem(token),
            _ => std::borrow::Cow::Borrowed(token),
        }
    }
}

/// The key under which a name word is found again with one typo after its first two
/// letters: its first two and last three characters (`fosamax` → `fo~max`). A query word
/// whose typo is not in its last three characters has the same key; one whose typo is
/// there shares the prefix before them, which the query side scans instead.
pub fn fuzzy_key(word: &str) -> Option<String> {
    if word.is_ascii() {
        let n = word.len();
        return (n >= 5).then(|| format!("{}~{}", &word[..2], &word[n - 3..]));
    }
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 5 {
        return None;
    }
    let mut k: String = chars[..2].iter().collect();
    k.push('~');
    k.extend(&chars[chars.len() - 3..]);
    Some(k)
}

/// Whether `a` and `b` share their first two characters and differ by at most one edit
/// (a letter changed, added or left out, or two neighbours swapped).
pub fn within_one_typo(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() < 2 || b.len() < 2 || a[..2] != b[..2] {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff.as_slice() {
                [] | [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let i = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[i..] == long[i + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_broken_and_folded() {
        assert_eq!(
            tokens("Évista®, 5-HT3 and don't: Brand5000b1 (zoledronic-acid)"),
            [
                "evista",
                "5",
                "ht3",
                "and",
                "dont",
                "brand5000b1",
                "zoledronic",
                "acid"
            ]
        );
        assert_eq!(
            tokens("ÀLENDRONATE’s Ångström"),
            ["alendronates", "angstrom"]
        );
        assert_eq!(tokens("3.5 mg"), ["3", "5", "mg"]);
        assert_eq!(whole("Zoledronic  Acid"), "zoledronic acid");
        assert_eq!(whole("  Évista® (raloxifene) "), "evista raloxifene");
        assert_eq!(whole("— …"), "");
        assert!(tokens("— … !").is_empty());
    }

    /// The tokens of ASCII text by Unicode word breaking, which the ASCII shortcut must match.
    fn unicode_tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in text.unicode_words() {
            let mut buf = String::new();
            for c in word.chars() {
                if c.is_ascii_alphanumeric() {
                    buf.push(c.to_ascii_lowercase());
                } else if c != '\'' && !buf.is_empty() {
                    out.push(std::mem::take(&mut buf));
                }
            }
            if !buf.is_empty() {
                out.push(buf);
            }
        }
        out
    }

    /// `text`'s tokens as [`for_each_packed_token`] gives them: packed, or as they are.
    fn packed_tokens(text: &str) -> Vec<Result<String, u128>> {
        let packed = std::cell::RefCell::new(Vec::new());
        for_each_packed_token(
            text,
            |k| packed.borrow_mut().push(Err(k)),
            |t| packed.borrow_mut().push(Ok(t.to_string())),
        );
        packed.into_inner()
    }

    /// Random ASCII text of letters, digits, apostrophes and breaks, some with long words
    /// (past 16 bytes, across the scan's 64-byte blocks) and some of a few KiB, compared with
    /// Unicode word breaking.
    #[test]
    fn ascii_shortcut_agrees_with_unicode_words_on_random_text() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let letters = b"abcxyzABCXYZ0129";
        let others = b"'' -._\"\n,";
        for _ in 0..3000 {
            // Now and then longer than the masks kept on the stack.
            let len = if next(30) == 0 {
                2000 + next(2000)
            } else {
                next(300)
            };
            let breaks = 1 + next(30); // one byte in `breaks` is not a letter or digit
            let text: String = (0..len)
                .map(|_| {
                    if next(breaks) == 0 {
                        others[next(others.len())] as char
                    } else {
                        letters[next(letters.len())] as char
                    }
                })
                .collect();
            let mut fast = Vec::new();
            ascii_tokens(&text, &mut String::new(), |t| fast.push(t.to_string()));
            let slow = unicode_tokens(&text);
            assert_eq!(fast, slow, "{text:?}");
            let packed: Vec<Result<String, u128>> = slow
                .into_iter()
                .map(|t| pack(&t).map_or(Ok(t), Err))
                .collect();
            assert_eq!(packed_tokens(&text), packed, "{text:?}");
        }
    }

    #[test]
    fn ascii_shortcut_breaks_words_as_unicode_does() {
        let slow = unicode_tokens;
        let samples = [
            "Don't take it ok'ay: 3.5 mg, twice (a day); e.g. 5-HT3 'tis x'1 1'2 a''b it's' _a_b_ a:b",
            "Brand5000b1 drug12x0. \"Quoted\" -- end' 'start O'Neill 90's",
        ];
        for s in samples {
            let mut fast = Vec::new();
            ascii_tokens(s, &mut String::new(), |t| fast.push(t.to_string()));
            assert_eq!(fast, slow(s), "{s}");
        }
    }

    #[test]
    fn packed_tokens_are_the_tokens_packed() {
        let samples = [
            "Don't take it ok'ay: 3.5 mg, twice (a day); e.g. 5-HT3 'tis x'1 1'2 a''b it's'",
            "Brand5000b1 DRUG12X0 sixteen-letters ABCDEFGHIJKLMNOP abcdefghijklmnopq",
            "Antidepressants-Tricyclic and ZOLEDRONICACIDINJECTION end",
            "Évista®, Ångström and ÀLENDRONATE’s: crème brûlée",
            "x",
            "",
        ];
        for s in samples {
            let packed = packed_tokens(s);
            let expected: Vec<Result<String, u128>> = tokens(s)
                .into_iter()
                .map(|t| pack(&t).map_or(Ok(t), Err))
                .collect();
            assert_eq!(packed, expected, "{s}");
        }
        assert_eq!(pack("ab"), Some(0x6261));
        assert_eq!(pack("abcdefghijklmnopq"), None);
    }

    #[test]
    fn body_words_are_stemmed_by_language() {
        let en = Stem::new("en-GB");
        assert_eq!(en.stem("fractures"), "fractur");
        assert_eq!(en.stem("fracture"), "fractur");
        assert_eq!(en.stem("breaking"), "break");
        assert_eq!(en.stem("medicines"), "medicin");
        assert_eq!(en.stem("5000"), "5000");
        assert_eq!(en.stem("covid19s"), "covid19s");
        assert_eq!(en.stem("ht3"), "ht3");
        let fr = Stem::new("fr");
        assert_eq!(fr.stem("médicaments"), fr.stem("médicament"));
        let none = Stem::new("ja");
        assert_eq!(none.stem("fractures"), "fractures");
        assert!(algorithm("xx").is_none());
    }

    #[test]
    fn one_typo_after_two_letters() {
        assert!(within_one_typo("fosamx", "fosamax")); // left out
        assert!(within_one_typo("fosamaxx", "fosamax")); // added
        assert!(within_one_typo("fosanax", "fosamax")); // changed
        assert!(within_one_typo("fosmaax", "fosamax")); // swapped
        assert!(within_one_typo("fosamax", "fosamax"));
        assert!(!within_one_typo("fsoamax", "fosamax")); // in the first two letters
        assert!(!within_one_typo("fosmx", "fosamax")); // two edits
        assert!(!within_one_typo("fosanay", "fosamax"));
        assert_eq!(fuzzy_key("fosamax").as_deref(), Some("fo~max"));
        assert_eq!(fuzzy_key("évista").as_deref(), Some("év~sta"));
        assert_eq!(fuzzy_key("abcd"), None);
        assert_eq!(fuzzy_key("abcde").as_deref(), Some("ab~cde"));
        assert_eq!(fuzzy_key("ébcd"), None);
        assert_eq!(fuzzy_key("abcdé").as_deref(), Some("ab~cdé"));
    }
}
