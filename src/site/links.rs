//! Link resolution: a link as written (`../conditions/osteoporosis.md#risks`, `/drugs/`,
//! `#side-effects`) to the URL it becomes, or why it cannot.

/// What a link turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// `https://…`, `mailto:…` and the like: left as written.
    External,
    /// An internal link, rewritten to this URL (with the base path).
    Internal { url: String, page: Option<usize> },
    /// The link names nothing; the message says what and suggests the closest name.
    Broken(String),
}

/// Whether a destination leaves the site (has a scheme, or is protocol-relative).
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// Splits `path#fragment` (dropping any `?query` from the path).
pub fn split_fragment(dest: &str) -> (&str, Option<&str>) {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    (path, fragment)
}

/// Joins a link path to the content directory `dir` (or to the root for `/…`) and
/// normalises `.` and `..`; `None` when it climbs out of the site.
pub fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// Decodes `%20` and the like in a link path.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_links() {
        for d in ["https://x.org", "mailto:a@b", "//cdn.x/y", "tel:123"] {
            assert!(is_external(d), "{d}");
        }
        for d in ["a.md", "../a.md#x", "/drugs/", "#top", "a/b:c.md"] {
            assert!(!is_external(d), "{d}");
        }
    }

    #[test]
    fn joins_and_normalises() {
        assert_eq!(
            join("drug-classes", "../conditions/osteoporosis.md").as_deref(),
            Some("conditions/osteoporosis.md")
        );
        assert_eq!(
            join("drug-classes", "./serms.md").as_deref(),
            Some("drug-classes/serms.md")
        );
        assert_eq!(
            join("drug-classes", "/conditions/a.md").as_deref(),
            Some("conditions/a.md")
        );
        assert_eq!(join("", "../a.md"), None);
        assert_eq!(join("a", "/drugs/").as_deref(), Some("drugs/"));
    }

    #[test]
    fn fragments_and_decoding() {
        assert_eq!(split_fragment("a.md?x=1#y"), ("a.md", Some("y")));
        assert_eq!(split_fragment("#top"), ("", Some("top")));
        assert_eq!(percent_decode("my%20page.md"), "my page.md");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
