//! `formulary new`: a new page with its front matter and the configured required sections.

use crate::config::Config;
use crate::load::front_matter::Kind;
use crate::markdown::slugify;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum NewPageError {
    #[error("{0} already exists; formulary new never overwrites a page")]
    Exists(PathBuf),
    #[error("`{0}` is not a usable page name")]
    BadName(String),
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// The folder under `content/` a kind's pages go to when NAME has no folder of its own.
pub fn default_dir(kind: Kind) -> &'static str {
    match kind {
        Kind::DrugClass => "drug-classes",
        Kind::Condition => "conditions",
        Kind::Article => "guides",
    }
}

/// Where `NAME` goes: a path under `content/` if it has a `/` or ends in `.md`, else the
/// kind's folder and the name's slug.
pub fn content_path(kind: Kind, name: &str) -> Result<String, NewPageError> {
    let name = name.trim();
    let path = if name.contains('/') || name.ends_with(".md") {
        let p = name.trim_start_matches('/').trim_start_matches("content/");
        if p.ends_with(".md") {
            p.to_string()
        } else {
            format!("{p}.md")
        }
    } else {
        let slug = slugify(name);
        if slug.is_empty() {
            return Err(NewPageError::BadName(name.to_string()));
        }
        format!("{}/{slug}.md", default_dir(kind))
    };
    let safe = path
        .split('/')
        .all(|s| !s.is_empty() && s != "." && s != "..");
    if !safe {
        return Err(NewPageError::BadName(name.to_string()));
    }
    Ok(path)
}

fn title_of(name: &str) -> String {
    let stem = name
        .trim()
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .trim_end_matches(".md");
    let words: Vec<String> = stem
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| w.to_string())
        .collect();
    let mut t = words.join(" ");
    if let Some(first) = t.get(..1) {
        t = first.to_uppercase() + &t[1..];
    }
    t
}

/// The text of a new page.
pub fn page_text(kind: Kind, name: &str, config: &Config, today: chrono::NaiveDate) -> String {
    let title = title_of(name);
    let mut fm = format!("+++\ntitle = {title:?}\n");
    if kind != Kind::Article {
        fm.push_str(&format!("kind = \"{}\"\n", kind.as_str()));
    }
    fm.push_str("summary = \"One or two plain sentences: what this is and who it is for.\"\n");
    fm.push_str(&format!(
        "reviewed = {}\nreviewer = \"\"\n",
        today.format("%Y-%m-%d")
    ));
    match kind {
        Kind::DrugClass => fm.push_str(
            "treats = []\nrelated = []\ndrugs = [\n  { name = \"generic name\", brands = [], forms = [] },\n]\n",
        ),
        Kind::Condition => fm.push_str("also_known_as = []\n"),
        Kind::Article => {}
    }
    fm.push_str("draft = true\n+++\n\n");
    let mut body = String::from("Start with one short paragraph a patient can read first.\n");
    if kind == Kind::DrugClass {
        for section in config.required_sections(&config.language) {
            body.push_str(&format!(
                "\n## {section}\n\nWrite this section in plain language.\n"
            ));
        }
    }
    fm + &body
}

/// Writes the new page under `root/content/`; never overwrites.
pub fn create(
    root: &Path,
    kind: Kind,
    name: &str,
    config: &Config,
) -> Result<PathBuf, NewPageError> {
    let rel = content_path(kind, name)?;
    let file = root.join(crate::load::CONTENT_DIR).join(&rel);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(|e| NewPageError::Io(parent.to_path_buf(), e))?;
    }
    let text = page_text(kind, name, config, crate::site::today());
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewPageError::Exists(file.clone()),
            _ => NewPageError::Io(file.clone(), e),
        })?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .map_err(|e| NewPageError::Io(file.clone(), e))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_titles() {
        assert_eq!(
            content_path(Kind::DrugClass, "Bisphosphonates").unwrap(),
            "drug-classes/bisphosphonates.md"
        );
        assert_eq!(
            content_path(Kind::Article, "news/first-post").unwrap(),
            "news/first-post.md"
        );
        assert!(content_path(Kind::Article, "../evil").is_err());
        assert!(content_path(Kind::Article, "!!!").is_err());
        assert_eq!(
            title_of("drug-classes/sglt2-inhibitors.md"),
            "Sglt2 inhibitors"
        );
    }

    #[test]
    fn drug_class_text_parses_and_has_sections() {
        let cfg = Config::default();
        let text = page_text(
            Kind::DrugClass,
            "Bisphosphonates",
            &cfg,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
        );
        let parsed = crate::load::front_matter::parse(&text).unwrap();
        assert_eq!(parsed.front.kind, Kind::DrugClass);
        for s in &cfg.monograph.required_sections {
            assert!(text.contains(&format!("## {s}")));
        }
    }
}
