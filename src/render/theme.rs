//! The templates: the built-in theme compiled into the program, overridden by name by the
//! site's own `templates/`; template errors become diagnostics naming file and line.

use crate::diagnostic::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

static BUILTIN_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static BUILTIN_STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Where a template came from, for error messages.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub file: PathBuf,
    pub text: String,
}

/// The templates by name, the built-in ones first, the site's over them.
pub fn template_sources(root: &Path) -> BTreeMap<String, TemplateSource> {
    let mut map = BTreeMap::new();
    collect_builtin(&BUILTIN_TEMPLATES, &mut map);
    for (rel, file) in crate::load::walk_files(&root.join(crate::load::TEMPLATES_DIR)) {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let shown = Path::new(crate::load::TEMPLATES_DIR).join(&rel);
            map.insert(rel, TemplateSource { file: shown, text });
        }
    }
    map
}

fn collect_builtin(dir: &Dir<'static>, map: &mut BTreeMap<String, TemplateSource>) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        if let Some(text) = f.contents_utf8() {
            let file = PathBuf::from(format!("(built-in theme) templates/{rel}"));
            map.insert(
                rel,
                TemplateSource {
                    file,
                    text: text.to_string(),
                },
            );
        }
    }
    for d in dir.dirs() {
        collect_builtin(d, map);
    }
}

/// The built-in theme's static files (relative path, bytes), sorted.
pub fn builtin_static() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&BUILTIN_STATIC, &mut out);
    out.sort();
    out
}

/// Turns a Tera error into a diagnostic at the template's file and line where it can.
pub fn template_error(
    err: &tera::Error,
    sources: &BTreeMap<String, TemplateSource>,
    fallback_name: &str,
) -> Diagnostic {
    use std::error::Error as _;
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        parts.push(e.to_string());
        cur = e.source();
    }
    let full = parts.join("\n");
    // The template the error is about: the last one named in quotes in the chain.
    let name = parts
        .iter()
        .rev()
        .find_map(|p| quoted_template(p, sources))
        .unwrap_or_else(|| fallback_name.to_string());
    let source = sources.get(&name);
    let file = source.map_or_else(
        || PathBuf::from(format!("templates/{name}")),
        |s| s.file.clone(),
    );
    let message = parts
        .iter()
        .map(|p| {
            // A parse error's own lines: ` --> 4:1`, the source, then `= expected ...`.
            match p.lines().find_map(|l| l.trim().strip_prefix("= ")) {
                Some(expected) => expected.trim().to_string(),
                None => p.lines().next().unwrap_or("").trim().to_string(),
            }
        })
        .filter(|p| !p.is_empty() && !p.starts_with("-->"))
        .collect::<Vec<_>>()
        .join(": ");
    let mut d = Diagnostic::error("template", file, message);
    if let Some(src) = source {
        if let Some((line, col)) = pest_position(&full) {
            d = d.at(&src.text, line, col);
        } else if let Some(var) = missing_variable(&full) {
            if let Some((i, l)) = src.text.lines().enumerate().find(|(_, l)| l.contains(&var)) {
                d = d.at(
                    &src.text,
                    i + 1,
                    l.find(&var).map_or(1, |c| l[..c].chars().count() + 1),
                );
            }
        }
    }
    d
}

fn quoted_template(s: &str, sources: &BTreeMap<String, TemplateSource>) -> Option<String> {
    s.split('\'')
        .skip(1)
        .step_by(2)
        .find(|n| sources.contains_key(*n))
        .map(str::to_string)
}

/// Tera's parse errors carry ` --> line:col`.
fn pest_position(s: &str) -> Option<(usize, usize)> {
    let rest = &s[s.find("--> ")? + 4..];
    let pos: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let (l, c) = pos.split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// "Variable `page.foo` not found" → `page.foo`.
fn missing_variable(s: &str) -> Option<String> {
    let rest = &s[s.find("Variable `")? + 10..];
    Some(rest[..rest.find('`')?].to_string())
}
