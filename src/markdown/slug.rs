//! GitHub-style heading slugs, so anchors written for a code-hosting preview keep working.

use fnv::FnvHashMap;

/// Lower case, spaces to `-`, punctuation other than `-` and `_` dropped.
pub fn slugify(text: &str) -> String {
    let keep = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_ascii() {
            // ASCII lowercases to one ASCII character: no table lookup.
            let c = c.to_ascii_lowercase();
            if keep(c) {
                out.push(c);
            } else if c == ' ' {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase().filter(|&c| keep(c)));
        }
    }
    out
}

/// Hands out unique ids on one page: a repeat gets `-1`, `-2`, ...
#[derive(Debug, Default)]
pub struct Slugger {
    /// Each id handed out or reserved, with the last number tried after it. A page has a
    /// few dozen at most: a fast hash, not one made to resist chosen keys.
    seen: FnvHashMap<String, usize>,
}

impl Slugger {
    pub fn unique(&mut self, base: &str) -> String {
        if !self.seen.contains_key(base) {
            self.seen.insert(base.to_string(), 0);
            return base.to_string();
        }
        let mut candidate = base.to_string();
        while let Some(n) = self.seen.get_mut(&candidate) {
            *n += 1;
            candidate = format!("{base}-{}", *n);
            if !self.seen.contains_key(&candidate) {
                break;
            }
        }
        self.seen.entry(candidate.clone()).or_insert(0);
        candidate
    }

    /// Marks an id as taken without numbering it (a `{#custom}` id).
    pub fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_string()).or_insert(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs() {
        assert_eq!(
            slugify("Who can and cannot take them?"),
            "who-can-and-cannot-take-them"
        );
        assert_eq!(
            slugify("Side effects: common & serious"),
            "side-effects-common--serious"
        );
        assert_eq!(
            slugify("  Vitamin D_3 (colecalciferol) "),
            "vitamin-d_3-colecalciferol"
        );
        assert_eq!(slugify("Ästhetik über Alles"), "ästhetik-über-alles");
        assert_eq!(slugify("1. Step-by-step"), "1-step-by-step");
    }

    #[test]
    fn ascii_is_read_as_characters_would_be() {
        let by_chars = |text: &str| -> String {
            let mut out = String::new();
            for c in text.trim().chars().flat_map(char::to_lowercase) {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    out.push(c);
                } else if c == ' ' {
                    out.push('-');
                }
            }
            out
        };
        // Every ASCII character, and characters whose lower case is ASCII or more than one.
        let ascii: String = (0u8..128).map(char::from).collect();
        for text in [
            ascii.as_str(),
            "İstanbul KELVIN \u{212A} ẞ ǅ ΣΑΣ",
            "Vitamin D\u{00A0}3 – „Zähne“ 50 % (Ärzte)",
        ] {
            assert_eq!(slugify(text), by_chars(text), "{text:?}");
        }
    }

    #[test]
    fn repeats_are_numbered() {
        let mut s = Slugger::default();
        assert_eq!(s.unique("faq"), "faq");
        assert_eq!(s.unique("faq"), "faq-1");
        assert_eq!(s.unique("faq"), "faq-2");
        assert_eq!(s.unique("faq-1"), "faq-1-1");
    }
}
