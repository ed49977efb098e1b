//! `formulary.toml`: the site configuration, every key with a default.

use crate::diagnostic::Diagnostic;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const CONFIG_FILE: &str = "formulary.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    pub language: String,
    pub description: String,
    pub review: Review,
    pub readability: Readability,
    pub links: Links,
    pub monograph: Monograph,
    /// Per-check level overrides: `id = "error" | "warning" | "off"`.
    pub checks: BTreeMap<String, CheckLevel>,
    /// Free-form values for templates (`site.extra`).
    pub extra: toml::Table,
    /// Languages besides (or settings for) the default one, by code: `[languages.es]`.
    pub languages: BTreeMap<String, LanguageConfig>,
}

/// `[languages.<code>]`: what one language changes. Every key is optional; the default
/// language takes its title and description from the top level unless given here.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Theme strings over the built-in ones (`side_effects = "..."`).
    pub strings: BTreeMap<String, toml::Value>,
    pub monograph: Option<Monograph>,
    pub readability: Option<LanguageReadability>,
    /// Values over the top-level `[extra]` for this language's pages (`site.extra`).
    pub extra: toml::Table,
}

/// `[languages.<code>.readability]`: the limits of the language's own formula.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageReadability {
    pub max_grade: Option<f64>,
    pub min_ease: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Review {
    pub interval_months: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Readability {
    /// The highest Flesch-Kincaid grade (English) a page may read at.
    pub max_grade: f64,
    /// The lowest Fernández Huerta score (Spanish; higher is easier) a page may read at.
    pub min_ease: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Links {
    pub autolink: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Monograph {
    pub required_sections: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckLevel {
    Error,
    Warning,
    Off,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Medicines".into(),
            base_url: "/".into(),
            language: "en".into(),
            description: String::new(),
            review: Review::default(),
            readability: Readability::default(),
            links: Links::default(),
            monograph: Monograph::default(),
            checks: BTreeMap::new(),
            extra: toml::Table::new(),
            languages: BTreeMap::new(),
        }
    }
}

impl Default for Review {
    fn default() -> Self {
        Review {
            interval_months: 24,
        }
    }
}

impl Default for Readability {
    fn default() -> Self {
        // 60 is the floor of Fernández Huerta's "normal" band, school years 7 and 8.
        Readability {
            max_grade: 8.0,
            min_ease: 60.0,
        }
    }
}

impl Default for Links {
    fn default() -> Self {
        Links { autolink: true }
    }
}

impl Default for Monograph {
    fn default() -> Self {
        Monograph {
            required_sections: vec![
                "What these medicines are".into(),
                "Who can and cannot take them".into(),
                "How to take them".into(),
                "Side effects".into(),
            ],
        }
    }
}

impl Config {
    /// Reads `formulary.toml` under `root`; a missing file gives the defaults.
    pub fn load(root: &Path) -> Result<Config, Box<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(Box::new(Diagnostic::error(
                    "config",
                    CONFIG_FILE,
                    format!("cannot read: {e}"),
                )))
            }
        };
        let config = Self::parse(&text)?;
        config.validate(&text)?;
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, Box<Diagnostic>> {
        toml::from_str(text).map_err(|e| {
            let d = Diagnostic::error(
                "config",
                CONFIG_FILE,
                crate::suggest::explain_serde_message(e.message()),
            );
            Box::new(match e.span() {
                Some(span) => d.at_offset(text, span.start),
                None => d,
            })
        })
    }

    fn validate(&self, text: &str) -> Result<(), Box<Diagnostic>> {
        let err = |key: &str, msg: String| {
            let d = Diagnostic::error("config", CONFIG_FILE, msg);
            Box::new(match key_offset(text, key).or_else(|| text.find(key)) {
                Some(o) => d.at_offset(text, o),
                None => d,
            })
        };
        if let Err(msg) = check_base_url(&self.base_url) {
            return Err(err("base_url", msg));
        }
        for id in self.checks.keys() {
            if !crate::checks::ALL_IDS.contains(&id.as_str()) {
                let hint = crate::suggest::closest(id, crate::checks::ALL_IDS.iter().copied())
                    .map(|b| format!("; did you mean `{b}`?"))
                    .unwrap_or_default();
                return Err(err(id, format!("unknown check id `{id}`{hint}")));
            }
        }
        for code in self.languages.keys() {
            if code != &self.language && !is_language_code(code) {
                return Err(err(
                    &format!("[languages.{code}]"),
                    format!(
                        "`{code}` is not a language code a file name can carry: use two lower-case letters, \
                         optionally with a region (`es`, `pt-br`)"
                    ),
                ));
            }
            let strings = &self.languages[code].strings;
            for (key, value) in strings {
                let ok = match key.as_str() {
                    "months" => value
                        .as_array()
                        .is_some_and(|a| a.len() == 12 && a.iter().all(|v| v.is_str())),
                    _ => value.is_str(),
                };
                if !ok {
                    return Err(err(
                        key,
                        format!(
                            "`{key}` in [languages.{code}.strings] must be {}",
                            if key == "months" {
                                "a list of 12 month names"
                            } else {
                                "a string"
                            }
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The sections a drug-class page in `code` needs: the language's own
    /// `[languages.<code>.monograph]`, else the top-level `[monograph]`.
    pub fn required_sections(&self, code: &str) -> &[String] {
        self.languages
            .get(code)
            .and_then(|l| l.monograph.as_ref())
            .map_or(&self.monograph.required_sections, |m| &m.required_sections)
    }

    /// `[extra]` for the pages of `code`: the top level with the language's own over it.
    pub fn extra_for(&self, code: &str) -> toml::Table {
        let mut extra = self.extra.clone();
        if let Some(l) = self.languages.get(code) {
            for (k, v) in &l.extra {
                extra.insert(k.clone(), v.clone());
            }
        }
        extra
    }

    /// Every language of the site, the default first, then the others by code.
    pub fn language_codes(&self) -> Vec<String> {
        let mut codes = vec![self.language.clone()];
        codes.extend(
            self.languages
                .keys()
                .filter(|c| **c != self.language)
                .cloned(),
        );
        codes
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// `base_url` with a trailing slash.
    pub fn base_url_slash(&self) -> String {
        if self.base_url.ends_with('/') {
            self.base_url.clone()
        } else {
            format!("{}/", self.base_url)
        }
    }
}

/// Accepts `https://host/`, `http://host/path/` or a bare path `/path/`.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let ok_scheme = url.starts_with("https://") || url.starts_with("http://");
    if !(ok_scheme || url.starts_with('/')) {
        return Err(format!(
            "base_url `{url}` must start with https://, http:// or /"
        ));
    }
    if url.contains(char::is_whitespace) || url.contains(['?', '#']) {
        return Err(format!(
            "base_url `{url}` must be a plain URL without spaces, ? or #"
        ));
    }
    Ok(())
}

fn base_path_of(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let mut p = String::from("/");
    p.push_str(path.trim_matches('/'));
    if !p.ends_with('/') {
        p.push('/');
    }
    p
}

/// A language code as a file name carries it: two lower-case letters, optionally with a
/// region or script (`es`, `pt-br`, `zh-hant`).
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    primary.len() == 2
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Byte offset of the first line that sets `key` (as `key =` or `key:`), for positions.
pub fn key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return Some(offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_base_path() {
        let c = Config::parse("title = \"x\"\nbase_url = \"https://u.github.io/bones\"").unwrap();
        assert_eq!(c.base_path(), "/bones/");
        assert_eq!(c.base_url_slash(), "https://u.github.io/bones/");
        assert_eq!(c.review.interval_months, 24);
        assert!(c.links.autolink);
        assert_eq!(base_path_of("https://example.org"), "/");
        assert_eq!(base_path_of("/"), "/");
    }

    #[test]
    fn unknown_key_names_closest_with_position() {
        let e = Config::parse("title = \"x\"\n[review]\nintervall_months = 3\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.col, 1);
        assert!(
            e.message.contains("did you mean `interval_months`"),
            "{}",
            e.message
        );
    }
}
