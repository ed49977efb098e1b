//! One build held in memory: every output file by path, and the diagnostics of the build
//! that made it. serve answers from a snapshot; watch writes one out.

use crate::build;
use crate::diagnostic::{self, Diagnostic};
use crate::render::theme;
use crate::write::{self, Entry};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

/// The files of one good build, by output path.
pub type Files = HashMap<String, Arc<[u8]>>;

/// What one rebuild produced.
pub struct BuildResult {
    /// The files, when the build had no errors.
    pub files: Option<Files>,
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
}

/// Builds the whole site into memory.
pub fn build_in_memory(root: &Path, base_url: &str, drafts: bool) -> BuildResult {
    let (site, mut diags, index) = match build::load_and_check_with(
        root,
        Some(base_url),
        drafts,
        crate::search::index_files,
    ) {
        Ok(x) => x,
        Err(build::BuildError::Config(d)) => {
            return BuildResult {
                files: None,
                diagnostics: vec![*d],
                pages: 0,
            }
        }
        Err(e) => {
            let d = Diagnostic::error("config", root, e.to_string());
            return BuildResult {
                files: None,
                diagnostics: vec![d],
                pages: 0,
            };
        }
    };
    let (mut rendered, render_diags) = build::render(root, &site, &AtomicUsize::new(0));
    rendered.extend(index);
    diags.extend(render_diags);
    diagnostic::sort(&mut diags);
    let pages = site.pages.len();
    if !build::passes(&diags, false) {
        return BuildResult {
            files: None,
            diagnostics: diags,
            pages,
        };
    }
    let builtin = theme::builtin_static();
    let mut files = Files::new();
    for e in write::layered(
        &rendered,
        &builtin,
        &site.static_files,
        &site.content_assets,
    ) {
        let bytes: Arc<[u8]> = match e {
            Entry::Bytes(f) => f.bytes.as_slice().into(),
            Entry::Static(_, b) => b.into(),
            Entry::Copy(_, src) => match std::fs::read(src) {
                Ok(b) => b.into(),
                Err(err) => {
                    diags.push(Diagnostic::error("io", src, format!("cannot read: {err}")));
                    continue;
                }
            },
        };
        files.insert(e.rel().to_string(), bytes);
    }
    BuildResult {
        files: Some(files),
        diagnostics: diags,
        pages,
    }
}

/// How many HTML pages differ between two builds (added, removed or changed).
pub fn pages_changed(old: &Files, new: &Files) -> usize {
    let changed = new
        .iter()
        .filter(|(p, b)| p.ends_with(".html") && old.get(*p).is_none_or(|o| o != *b))
        .count();
    let removed = old
        .keys()
        .filter(|p| p.ends_with(".html") && !new.contains_key(*p))
        .count();
    changed + removed
}
