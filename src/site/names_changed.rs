//! Which bodies an edit of names can change: those that hold a name whose autolink target
//! changed. A names edit looks for a few names in every body, so the search skips along
//! the rarest byte of each name instead of stepping through every byte.

/// Finds whether a text holds any of a few names, anywhere, with ASCII letters in any case.
#[derive(Debug)]
pub struct NameFinder {
    names: Vec<Needle>,
}

#[derive(Debug)]
struct Needle {
    /// The name with its ASCII letters in lower case.
    name: Box<[u8]>,
    /// Where in the name its rarest byte is, and that byte in both cases.
    rare_at: usize,
    rare: (u8, u8),
}

impl NameFinder {
    /// A finder for the names whose entry differs between two sorted lists of (name, URL);
    /// none when none does.
    pub fn of_changes(old: &[(String, String)], new: &[(String, String)]) -> Option<NameFinder> {
        let changed = changed_names(old, new);
        (!changed.is_empty()).then(|| NameFinder::new(&changed))
    }

    pub fn new(names: &[String]) -> NameFinder {
        let names = names
            .iter()
            .filter(|n| !n.is_empty())
            .map(|n| {
                let name: Box<[u8]> = n.to_ascii_lowercase().into_bytes().into();
                let rare_at = (0..name.len())
                    .min_by_key(|&i| commonness(name[i]))
                    .unwrap_or(0);
                let b = name[rare_at];
                Needle {
                    rare_at,
                    rare: (b, b.to_ascii_uppercase()),
                    name,
                }
            })
            .collect();
        NameFinder { names }
    }

    pub fn is_match(&self, text: &str) -> bool {
        let hay = text.as_bytes();
        self.names.iter().any(|n| {
            memchr::memchr2_iter(n.rare.0, n.rare.1, hay).any(|at| {
                at >= n.rare_at
                    && hay
                        .get(at - n.rare_at..at - n.rare_at + n.name.len())
                        .is_some_and(|s| s.eq_ignore_ascii_case(&n.name))
            })
        })
    }
}

/// How common a byte (an ASCII letter in lower case) is in prose: English letters by
/// frequency, the space most of all; digits, other symbols and the bytes of other letters
/// are rare in the pages' text.
fn commonness(b: u8) -> u8 {
    const LETTERS: &[u8] = b"zqjxkvbpygfwmucldrhsnioate";
    match b {
        b' ' => 255,
        b'a'..=b'z' => 100 + LETTERS.iter().position(|&l| l == b).unwrap_or(0) as u8,
        b'.' | b',' | b'\n' | b'-' => 90,
        b'0'..=b'9' => 50,
        _ => 10,
    }
}

/// The names in either sorted list whose entry differs between them (a merge of the two).
fn changed_names(old: &[(String, String)], new: &[(String, String)]) -> Vec<String> {
    let (mut i, mut j) = (0, 0);
    let mut changed: Vec<String> = Vec::new();
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                changed.push(a.0.clone());
                i += 1;
            }
            (Some(_), Some(b)) | (None, Some(b)) => {
                changed.push(b.0.clone());
                j += 1;
            }
            (Some(a), None) => {
                changed.push(a.0.clone());
                i += 1;
            }
            (None, None) => break,
        }
    }
    // The finder folds ASCII case only, so other letters are looked for in lower case too,
    // as the autolinker itself does.
    let lower: Vec<String> = changed.iter().map(|n| n.to_lowercase()).collect();
    changed.extend(lower);
    changed.sort();
    changed.dedup();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_names_are_the_difference_of_two_sorted_lists() {
        let e = |n: &str, u: &str| (n.to_string(), u.to_string());
        let old = vec![e("Actonel", "/b/"), e("Fosamax", "/b/"), e("Évista", "/s/")];
        let new = vec![
            e("Actonel", "/b/"),
            e("Fosavance", "/b/"),
            e("Évista", "/x/"),
        ];
        assert_eq!(
            changed_names(&old, &new),
            [
                "Fosamax",
                "Fosavance",
                "fosamax",
                "fosavance",
                "Évista",
                "évista"
            ]
        );
        assert!(changed_names(&old, &old).is_empty());
        assert!(NameFinder::of_changes(&old, &old).is_none());
    }

    #[test]
    fn finds_names_in_any_ascii_case_anywhere() {
        let f = NameFinder::new(&["Fosamax".into(), "Brand7b0".into(), "Évista".into()]);
        for text in [
            "take FOSAMAX daily",
            "fosamax",
            "xfosamaxes",
            "ask about bRaNd7B0.",
            "Évista",
            "ÉVISTA at the start",
        ] {
            assert!(f.is_match(text), "{text}");
        }
        for text in [
            "", "fosama", "osamax", "Brand7b", "rand7b0", "évista", "Evista",
        ] {
            assert!(!f.is_match(text), "{text}");
        }
        // The rarest byte near either end of the text.
        let g = NameFinder::new(&["x1".into()]);
        assert!(g.is_match("x1") && g.is_match("aaX1") && !g.is_match("1x"));
    }
}
