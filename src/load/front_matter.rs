//! Front matter: TOML between `+++` lines or YAML between `---` lines, into typed structs
//! that deny unknown keys, with every error at its file line and column.

use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a page is; picks its template and its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    #[default]
    Article,
    DrugClass,
    Condition,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::DrugClass => "drug-class",
            Kind::Condition => "condition",
        }
    }
}

/// A calendar date written `YYYY-MM-DD` (a TOML date or a YAML string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let well_formed = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !well_formed {
            return Err(format!(
                "`{s}` is not a date; write it as YYYY-MM-DD, such as 2026-10-01"
            ));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| format!("`{s}` is not a real date (check the month and the day)"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2026-10-01")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
            // TOML hands its date values over as a one-entry map.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_, value)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom("expected a date such as 2026-10-01"));
                };
                Date::parse(&value).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

/// One medicine of a drug class.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DrugEntry {
    pub name: String,
    /// In a translation: the source's name of the drug this entry gives in the page's
    /// language (defaults to `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translates: Option<String>,
    #[serde(default)]
    pub brands: Vec<String>,
    #[serde(default)]
    pub forms: Vec<String>,
}

/// Every key a page's front matter may have.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub reviewed: Option<Date>,
    #[serde(default)]
    pub reviewer: Option<String>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub allow: Vec<String>,
    /// `false` turns autolinking off on this page.
    #[serde(default)]
    pub autolink: Option<bool>,
    #[serde(default)]
    pub drugs: Vec<DrugEntry>,
    #[serde(default)]
    pub treats: Vec<String>,
    #[serde(default)]
    pub also_known_as: Vec<String>,
}

/// A front-matter problem at a byte offset of the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub offset: usize,
    pub message: String,
}

/// A file split into its parsed front matter and its Markdown body.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub front: FrontMatter,
    /// Byte offset of the body in the file.
    pub body_start: usize,
}

fn fail(offset: usize, message: impl Into<String>) -> FrontMatterError {
    FrontMatterError {
        offset,
        message: message.into(),
    }
}

/// Splits `text` (a whole file) and parses its front matter.
pub fn parse(text: &str) -> Result<Parsed, FrontMatterError> {
    parse_as(text, false)
}

/// Where a file's front matter and body are: the text between the fences, and the body
/// after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The front matter's byte range in the file, without its fences.
    pub front: std::ops::Range<usize>,
    /// Whether it is TOML (`+++`), not YAML (`---`).
    pub is_toml: bool,
    /// Byte offset of the body in the file.
    pub body_start: usize,
}

/// Finds the front matter of `text` (a whole file) between its fences, without reading it.
pub fn split(text: &str) -> Result<Split, FrontMatterError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    if rest.trim().is_empty() {
        return Err(fail(
            start,
            "the file is empty; a page starts with front matter between `+++` lines",
        ));
    }
    let first_line = rest.lines().next().unwrap_or("").trim_end();
    let (fence, is_toml) = match first_line {
        "+++" => ("+++", true),
        "---" => ("---", false),
        _ => {
            return Err(fail(
                start,
                "no front matter: a page starts with `+++` (TOML) or `---` (YAML) on its first line, then `title = \"...\"`",
            ))
        }
    };
    let fm_start = start + rest.find('\n').map_or(rest.len(), |i| i + 1);
    let mut offset = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Split {
                front: fm_start..offset,
                is_toml,
                body_start: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(fail(
        start,
        format!("the front matter opened with `{fence}` is never closed by a `{fence}` line"),
    ))
}

/// [`parse`] for a page that is (`translation`) or is not a translation of another: a
/// translation's drug class may leave `drugs` out (it inherits the source's) and may say
/// which source drug an entry `translates`.
pub fn parse_as(text: &str, translation: bool) -> Result<Parsed, FrontMatterError> {
    let Split {
        front: fm_range,
        is_toml,
        body_start,
    } = split(text)?;
    let (fm_start, fm_end) = (fm_range.start, fm_range.end);
    let fm = &text[fm_start..fm_end];
    let front: FrontMatter = if is_toml {
        toml::from_str(fm).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            fail(
                fm_start + at,
                crate::suggest::explain_serde_message(e.message()),
            )
        })?
    } else {
        if fm.trim().is_empty() {
            return Err(fail(fm_start, "missing required key `title`"));
        }
        serde_norway::from_str(fm).map_err(|e| {
            let at = e.location().map_or(0, |l| l.index());
            let msg = e.to_string();
            // serde_norway appends " at line X column Y"; the diagnostic carries the position.
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            fail(fm_start + at, crate::suggest::explain_serde_message(&msg))
        })?
    };
    validate(&front, fm, fm_start, translation)?;
    Ok(Parsed { front, body_start })
}

/// Rules no type can state: what each kind requires and what it may not have.
fn validate(
    front: &FrontMatter,
    fm: &str,
    fm_start: usize,
    translation: bool,
) -> Result<(), FrontMatterError> {
    let at_key = |key: &str| fm_start + crate::config::key_offset(fm, key).unwrap_or(0);
    let at_kind = at_key("kind");
    if front.title.trim().is_empty() {
        return Err(fail(at_key("title"), "`title` is empty"));
    }
    let kind = front.kind;
    let needs_summary_and_date = matches!(kind, Kind::DrugClass | Kind::Condition);
    if needs_summary_and_date && front.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(fail(
            at_kind,
            format!("a {} page needs a `summary`", kind.as_str()),
        ));
    }
    if needs_summary_and_date && front.reviewed.is_none() {
        return Err(fail(
            at_kind,
            format!(
                "a {} page needs a `reviewed` date (YYYY-MM-DD)",
                kind.as_str()
            ),
        ));
    }
    if kind == Kind::DrugClass && front.drugs.is_empty() && !translation {
        return Err(fail(
            at_kind,
            "a drug-class page needs `drugs`, with at least one `{ name = \"...\" }`",
        ));
    }
    if kind != Kind::DrugClass {
        for key in ["drugs", "treats"] {
            let given = if key == "drugs" {
                !front.drugs.is_empty()
            } else {
                !front.treats.is_empty()
            };
            if given {
                return Err(fail(
                    at_key(key),
                    format!("`{key}` is only for pages with kind = \"drug-class\""),
                ));
            }
        }
    }
    if kind != Kind::Condition && !front.also_known_as.is_empty() {
        return Err(fail(
            at_key("also_known_as"),
            "`also_known_as` is only for pages with kind = \"condition\"",
        ));
    }
    if let Some(d) = front.drugs.iter().find(|d| d.name.trim().is_empty()) {
        let _ = d;
        return Err(fail(
            at_key("drugs"),
            "a drug in `drugs` has an empty `name`",
        ));
    }
    if !translation && front.drugs.iter().any(|d| d.translates.is_some()) {
        return Err(fail(
            at_key("translates"),
            "`translates` is only for a translation (a file such as `name.es.md`)",
        ));
    }
    for alias in &front.aliases {
        let climbs = alias.split(['/', '\\']).any(|seg| seg == "..");
        if climbs || crate::site::links::is_external(alias) || alias.trim().is_empty() {
            return Err(fail(
                at_key("aliases"),
                format!("alias `{alias}` must be a path on this site, such as \"/old/page/\", without `..`"),
            ));
        }
    }
    for id in &front.allow {
        if !crate::checks::ALL_IDS.contains(&id.as_str()) {
            let hint = crate::suggest::closest(id, crate::checks::ALL_IDS.iter().copied())
                .map(|b| format!("; did you mean `{b}`?"))
                .unwrap_or_default();
            return Err(fail(
                at_key("allow"),
                format!("unknown check id `{id}` in `allow`{hint}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::line_col;

    #[test]
    fn split_finds_the_front_matter_and_the_body_without_reading_them() {
        let toml = "+++\ntitle = \"A\"\n+++  \nBody\n";
        let s = split(toml).unwrap();
        assert_eq!(&toml[s.front.clone()], "title = \"A\"\n");
        assert!(s.is_toml);
        assert_eq!(&toml[s.body_start..], "Body\n");
        let yaml = "\u{feff}---\ntitle: [not, read]\n---\n";
        let s = split(yaml).unwrap();
        assert_eq!(&yaml[s.front.clone()], "title: [not, read]\n");
        assert!(!s.is_toml);
        assert_eq!(s.body_start, yaml.len());
        assert!(split("+++\ntitle = \"A\"\n").is_err());
        assert!(split("Body\n").is_err());
    }

    fn err_at(text: &str) -> ((usize, usize), String) {
        let e = parse(text).unwrap_err();
        (line_col(text, e.offset), e.message)
    }

    #[test]
    fn toml_and_yaml_parse_alike() {
        let t = parse("+++\ntitle = \"A\"\nkind = \"condition\"\nsummary = \"s\"\nreviewed = 2026-10-01\n+++\nbody\n").unwrap();
        let y =
            parse("---\ntitle: A\nkind: condition\nsummary: s\nreviewed: 2026-10-01\n---\nbody\n")
                .unwrap();
        for p in [&t, &y] {
            assert_eq!(p.front.kind, Kind::Condition);
            assert_eq!(p.front.reviewed.unwrap().to_string(), "2026-10-01");
        }
        let text = "+++\ntitle = \"A\"\n+++\nbody\n";
        assert_eq!(&text[parse(text).unwrap().body_start..], "body\n");
    }

    #[test]
    fn bad_dates_are_found_where_written() {
        let (pos, msg) = err_at("+++\ntitle = \"A\"\nreviewed = 2026-13-45\n+++\n");
        assert_eq!(pos.0, 3, "{msg}");
        let (pos, msg) = err_at("---\ntitle: A\nreviewed: 2026-13-45\n---\n");
        assert_eq!(pos.0, 3);
        assert!(msg.contains("not a real date"), "{msg}");
    }

    #[test]
    fn unknown_key_suggests_and_points_at_it() {
        let (pos, msg) = err_at("+++\ntitle = \"A\"\nsumary = \"x\"\n+++\n");
        assert_eq!(pos, (3, 1));
        assert!(msg.contains("did you mean `summary`"), "{msg}");
        let (pos, msg) = err_at("---\ntitle: A\nsumary: x\n---\n");
        assert_eq!(pos.0, 3, "{msg}");
        assert!(msg.contains("did you mean `summary`"), "{msg}");
    }

    #[test]
    fn wrong_type_and_missing_title() {
        let (pos, msg) = err_at("+++\ntitle = \"A\"\nweight = \"heavy\"\n+++\n");
        assert_eq!(pos.0, 3, "{msg}");
        let (_, msg) = err_at("+++\nsummary = \"x\"\n+++\n");
        assert!(msg.contains("missing required key `title`"), "{msg}");
    }

    #[test]
    fn kinds_require_their_keys() {
        let (pos, msg) = err_at("+++\ntitle = \"A\"\nkind = \"drug-class\"\nsummary = \"s\"\nreviewed = 2026-01-01\n+++\n");
        assert_eq!(pos.0, 3);
        assert!(msg.contains("needs `drugs`"), "{msg}");
        let (_, msg) = err_at("+++\ntitle = \"A\"\ntreats = [\"x.md\"]\n+++\n");
        assert!(msg.contains("only for pages with kind"), "{msg}");
    }

    #[test]
    fn empty_missing_and_unclosed() {
        assert!(parse("").unwrap_err().message.contains("empty"));
        assert!(parse("# Title\n")
            .unwrap_err()
            .message
            .contains("no front matter"));
        assert!(parse("+++\ntitle = \"A\"\n")
            .unwrap_err()
            .message
            .contains("never closed"));
    }
}
