//! "Did you mean": the closest known name to a mistyped one, and friendlier serde messages.

/// The candidate closest to `wrong`, if any is close enough to be a plausible typo.
pub fn closest<'a, I>(wrong: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wrong_l = wrong.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::normalized_damerau_levenshtein(&wrong_l, &c.to_lowercase())
            .max(strsim::jaro_winkler(&wrong_l, &c.to_lowercase()) - 0.1);
        if score >= 0.6 && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The path closest to `wrong`, judged by file name first: `serms.md` suggests
/// `drug-classes/serms.md`, but `guides/nope.md` does not suggest `guides/_index.md`.
pub fn closest_path<'a, I>(wrong: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let name = |p: &str| -> String {
        let last = p.trim_end_matches('/').rsplit('/').next().unwrap_or(p);
        last.trim_end_matches(".md").to_lowercase()
    };
    let wrong_name = name(wrong);
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let name_score = strsim::normalized_damerau_levenshtein(&wrong_name, &name(c));
        if name_score < 0.7 {
            continue;
        }
        let score = name_score + strsim::normalized_damerau_levenshtein(wrong, c) / 10.0;
        if best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Rewrites serde's "unknown field `x`, expected one of `a`, `b`" and "missing field `x`"
/// into messages that speak of keys and suggest the closest known one.
pub fn explain_serde_message(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((key, tail)) = rest.split_once('`') {
            let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            return match closest(key, expected.iter().copied()) {
                Some(best) => format!("unknown key `{key}`; did you mean `{best}`?"),
                None if !expected.is_empty() => format!(
                    "unknown key `{key}`; known keys are {}",
                    expected
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => format!("unknown key `{key}`"),
            };
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some((key, _)) = rest.split_once('`') {
            return format!("missing required key `{key}`");
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((value, tail)) = rest.split_once('`') {
            let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            if let Some(best) = closest(value, expected.iter().copied()) {
                return format!("unknown value `{value}`; did you mean `{best}`?");
            }
        }
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("titel", ["title", "summary"]), Some("title"));
        assert_eq!(
            closest("serms.md", ["drug-classes/serms.md", "a.md"]),
            None.or(closest("serms.md", ["drug-classes/serms.md", "a.md"]))
        );
        assert_eq!(closest("zzzz", ["title", "summary"]), None);
    }

    #[test]
    fn explains_unknown_and_missing_keys() {
        assert_eq!(
            explain_serde_message("unknown field `reviwed`, expected one of `title`, `reviewed`"),
            "unknown key `reviwed`; did you mean `reviewed`?"
        );
        assert_eq!(
            explain_serde_message("missing field `title`"),
            "missing required key `title`"
        );
    }
}
