//! Loading: walks `content/` (never following symlinks, skipping hidden and editor temp
//! files), reads each page, parses its front matter and analyses its Markdown. Knows nothing
//! of templates or of other pages.

pub mod front_matter;

use crate::diagnostic::Diagnostic;
use crate::markdown::{self, Analysis};
use crate::readability;
use front_matter::FrontMatter;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
pub const TEMPLATES_DIR: &str = "templates";

/// One page's file, read and understood on its own.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file, relative to the site root (`content/drug-classes/serms.md`), for diagnostics.
    pub file: PathBuf,
    /// The content path, relative to `content/` with `/` separators (`drug-classes/serms.md`,
    /// `drug-classes/serms.es.md`).
    pub content_path: String,
    /// The language code in the file name (`es` for `serms.es.md`); `None` for a page in
    /// the site's default language.
    pub lang: Option<String>,
    /// The content path without the language code: the source a translation translates
    /// (`drug-classes/serms.md` for `drug-classes/serms.es.md`).
    pub source_path: String,
    pub text: String,
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in `text`.
    pub body_start: usize,
    pub analysis: Analysis,
    /// The prose's readability by the formula of the page's language, and that formula:
    /// `None` for a language without one, or a page with too little prose. Made as the page
    /// is read, so it outlasts the prose (which a build sheds before rendering).
    pub reading: Option<(readability::Formula, f64)>,
}

impl Source {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The body's runs of prose, in order.
    pub fn blocks(&self) -> impl Iterator<Item = crate::markdown::TextBlock<'_>> + Clone {
        self.analysis.blocks(self.body())
    }

    pub fn title(&self) -> &str {
        &self.front.title
    }

    /// The summary, or "" when there is none.
    pub fn summary(&self) -> &str {
        self.front.summary.as_deref().unwrap_or("")
    }

    pub fn headings(&self) -> &[crate::markdown::Heading] {
        &self.analysis.headings
    }

    /// A diagnostic at a byte offset of the body.
    pub fn diag_at_body(&self, d: Diagnostic, body_offset: usize) -> Diagnostic {
        d.at_offset(&self.text, self.body_start + body_offset)
    }

    /// A diagnostic at the line that sets a front-matter key (or the first line).
    pub fn diag_at_key(&self, d: Diagnostic, key: &str) -> Diagnostic {
        let fm = &self.text[..self.body_start];
        let offset = crate::config::key_offset(fm, key).unwrap_or(0);
        d.at_offset(&self.text, offset)
    }
}

/// A file copied to the output as it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asset {
    /// Where it goes, relative to the output directory, with `/` separators.
    pub output_path: String,
    pub file: PathBuf,
}

/// Everything read from disk for one build.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Vec<Arc<Source>>,
    /// Non-Markdown files under `content/`, published beside their pages.
    pub content_assets: Vec<Asset>,
    pub static_files: Vec<Asset>,
    /// Content paths of drafts left out of this build.
    pub drafts: BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Editor temp files and hidden files that must never be read as content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [
            ".swp",
            ".swo",
            ".swx",
            ".tmp",
            ".bak",
            ".crswap",
            // JetBrains' safe write: the new text, then the old file, beside the page.
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// The files below `dir` (relative paths with `/`), sorted, skipping ignored names and symlinks.
pub fn walk_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files: Vec<(String, PathBuf)> = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = relative_path(e.path().strip_prefix(dir).ok()?);
            Some((rel, e.into_path()))
        })
        .collect();
    files.sort();
    files
}

/// A path below a folder as a content path: its parts joined by `/` on every system. A
/// build walks every file of the site, so the common case (a valid UTF-8 path, where the
/// system's separator already is `/`) is taken whole.
fn relative_path(rel: &Path) -> String {
    match rel.to_str() {
        Some(s) if std::path::MAIN_SEPARATOR == '/' => s.to_string(),
        _ => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    }
}

/// Splits a content path into the path of its source and the language code in its file
/// name: `a/b.es.md` → (`a/b.md`, `Some("es")`); `a/b.md` → (`a/b.md`, `None`). The code is
/// two lower-case letters, optionally with a region (`pt-br`); anything else stays part of
/// the name (`notes.old.md`, `vitamin.d3.md`).
pub fn split_language(content_path: &str) -> (String, Option<String>) {
    let Some(stem) = content_path.strip_suffix(".md") else {
        return (content_path.to_string(), None);
    };
    let (dir, name) = match stem.rsplit_once('/') {
        Some((d, n)) => (Some(d), n),
        None => (None, stem),
    };
    match name.rsplit_once('.') {
        Some((base, code)) if !base.is_empty() && crate::config::is_language_code(code) => {
            let path = match dir {
                Some(d) => format!("{d}/{base}.md"),
                None => format!("{base}.md"),
            };
            (path, Some(code.to_string()))
        }
        _ => (content_path.to_string(), None),
    }
}

/// The content path of the translation of `source_path` into `lang`: `a/b.md` → `a/b.es.md`.
pub fn translated_path(source_path: &str, lang: &str) -> String {
    match source_path.strip_suffix(".md") {
        Some(stem) => format!("{stem}.{lang}.md"),
        None => source_path.to_string(),
    }
}

/// Reads and parses one content file. `rel` is its content path.
/// Reads one content file; `default_language` is the code of the pages whose file name
/// has none.
pub fn load_source(root: &Path, rel: &str, default_language: &str) -> Result<Source, Diagnostic> {
    let file = Path::new(CONTENT_DIR).join(rel);
    let bytes = std::fs::read(root.join(&file))
        .map_err(|e| Diagnostic::error("io", &file, format!("cannot read: {e}")))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            return Err(Diagnostic::error(
                "front-matter",
                &file,
                "the file is not valid UTF-8; save it as UTF-8",
            )
            .at_offset(&prefix, valid));
        }
    };
    let (source_path, lang) = split_language(rel);
    let parsed = front_matter::parse_as(&text, lang.is_some()).map_err(|e| {
        Diagnostic::error("front-matter", &file, e.message).at_offset(&text, e.offset)
    })?;
    let analysis = markdown::analyze(&text[parsed.body_start..]);
    let mut source = Source {
        file,
        content_path: rel.to_string(),
        lang,
        source_path,
        front: parsed.front,
        body_start: parsed.body_start,
        text,
        analysis,
        reading: None,
    };
    let code = source.lang.as_deref().unwrap_or(default_language);
    source.reading = readability::Formula::for_language(code)
        .and_then(|f| Some((f, readability::score_in(&source, f)?)));
    Ok(source)
}

/// Reads the whole site under `root`.
pub fn load(root: &Path, include_drafts: bool, default_language: &str) -> Loaded {
    let content = root.join(CONTENT_DIR);
    let mut loaded = Loaded::default();
    let (pages, assets): (Vec<_>, Vec<_>) = walk_files(&content)
        .into_iter()
        .partition(|(rel, _)| rel.ends_with(".md"));
    loaded.content_assets = assets
        .into_iter()
        .map(|(rel, file)| Asset {
            output_path: rel,
            file,
        })
        .collect();
    loaded.static_files = walk_files(&root.join(STATIC_DIR))
        .into_iter()
        .map(|(rel, file)| Asset {
            output_path: rel,
            file,
        })
        .collect();

    let results: Vec<Result<Arc<Source>, Diagnostic>> = pages
        .par_iter()
        .with_max_len(crate::PAGES_PER_JOB)
        .map(|(rel, _)| load_source(root, rel, default_language).map(Arc::new))
        .collect();
    loaded.sources.reserve(results.len());
    for r in results {
        match r {
            Ok(s) if s.front.draft && !include_drafts => {
                loaded.drafts.insert(s.content_path.clone());
            }
            Ok(s) => loaded.sources.push(s),
            Err(d) => loaded.diagnostics.push(d),
        }
    }
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_in_file_names() {
        let s = |p: &str| split_language(p);
        assert_eq!(s("a/b.es.md"), ("a/b.md".into(), Some("es".into())));
        assert_eq!(s("_index.es.md"), ("_index.md".into(), Some("es".into())));
        assert_eq!(s("a/b.pt-br.md"), ("a/b.md".into(), Some("pt-br".into())));
        assert_eq!(s("a/b.md"), ("a/b.md".into(), None));
        assert_eq!(s("notes.old.md"), ("notes.old.md".into(), None));
        assert_eq!(s("a/.es.md"), ("a/.es.md".into(), None));
        assert_eq!(translated_path("a/_index.md", "es"), "a/_index.es.md");
    }

    #[test]
    fn walked_files_are_named_by_content_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("drug-classes/old")).unwrap();
        for f in [
            "drug-classes/old/a.md",
            "drug-classes-b.md",
            "drug-classes/z.md",
        ] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        let files: Vec<String> = walk_files(dir.path()).into_iter().map(|f| f.0).collect();
        // Sorted as strings: `-` comes before `/`.
        assert_eq!(
            files,
            [
                "drug-classes-b.md",
                "drug-classes/old/a.md",
                "drug-classes/z.md"
            ]
        );
        assert_eq!(relative_path(Path::new("a/b/c.md")), "a/b/c.md");
    }

    #[test]
    fn ignores_editor_files() {
        for name in [
            ".hidden.md",
            "a.md~",
            "#a.md#",
            "4913",
            "a.md.swp",
            "x.tmp",
            "a.md___jb_tmp___",
            "a.md___jb_old___",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["a.md", "_index.md", "image.png"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
