//! Loading: walks `content/` (never following symlinks, skipping hidden and editor temp
//! files), reads each page, parses its front matter and analyses its Markdown. Knows nothing
//! of templates or of other pages.

pub mod front_matter;

use crate::diagnostic::Diagnostic;
use crate::markdown::{self, Analysis};
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
    /// The content path, relative to `content/` with `/` separators (`drug-classes/serms.md`).
    pub content_path: String,
    pub text: String,
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in `text`.
    pub body_start: usize,
    pub analysis: Analysis,
}

impl Source {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
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
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".crswap"]
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
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some((rel, e.path().to_path_buf()))
        })
        .collect();
    files.sort();
    files
}

/// Reads and parses one content file. `rel` is its content path.
pub fn load_source(root: &Path, rel: &str) -> Result<Source, Diagnostic> {
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
    let parsed = front_matter::parse(&text).map_err(|e| {
        Diagnostic::error("front-matter", &file, e.message).at_offset(&text, e.offset)
    })?;
    let analysis = markdown::analyze(&text[parsed.body_start..]);
    Ok(Source {
        file,
        content_path: rel.to_string(),
        front: parsed.front,
        body_start: parsed.body_start,
        text,
        analysis,
    })
}

/// Reads the whole site under `root`.
pub fn load(root: &Path, include_drafts: bool) -> Loaded {
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

    let results: Vec<Result<Source, Diagnostic>> = pages
        .par_iter()
        .map(|(rel, _)| load_source(root, rel))
        .collect();
    for r in results {
        match r {
            Ok(s) if s.front.draft && !include_drafts => {
                loaded.drafts.insert(s.content_path);
            }
            Ok(s) => loaded.sources.push(Arc::new(s)),
            Err(d) => loaded.diagnostics.push(d),
        }
    }
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_files() {
        for name in [".hidden.md", "a.md~", "#a.md#", "4913", "a.md.swp", "x.tmp"] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["a.md", "_index.md", "image.png"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
