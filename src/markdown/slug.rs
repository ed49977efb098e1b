//! GitHub-style heading slugs, so anchors written for a code-hosting preview keep working.

use std::collections::HashMap;

/// Lower case, spaces to `-`, punctuation other than `-` and `_` dropped.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Hands out unique ids on one page: a repeat gets `-1`, `-2`, ...
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    pub fn unique(&mut self, base: &str) -> String {
        let mut candidate = base.to_string();
        while let Some(n) = self.seen.get_mut(&candidate) {
            *n += 1;
            candidate = format!("{base}-{}", *n);
            if !self.seen.contains_key(&candidate) {
                break;
            }
        }
        self.seen.entry(candidate.clone()).or_insert(0);
        self.seen.entry(base.to_string()).or_insert(0);
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
    fn repeats_are_numbered() {
        let mut s = Slugger::default();
        assert_eq!(s.unique("faq"), "faq");
        assert_eq!(s.unique("faq"), "faq-1");
        assert_eq!(s.unique("faq"), "faq-2");
        assert_eq!(s.unique("faq-1"), "faq-1-1");
    }
}
