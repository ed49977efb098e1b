//! The templates: the built-in theme compiled into the program, overridden by name by the
//! site's own `templates/`; template errors become diagnostics naming file and line.

use crate::diagnostic::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

static BUILTIN_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static BUILTIN_STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// How a built-in template's file is shown in diagnostics, before its name.
const BUILTIN_PREFIX: &str = "(built-in theme) templates/";

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
            let file = PathBuf::from(format!("{BUILTIN_PREFIX}{rel}"));
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

/// Turns a Tera error into a diagnostic at the template's file, line and column where it
/// can: Tera's syntax and rendering errors say where they are, and so do its reports of a
/// filter, function or component that does not exist.
pub fn template_error(
    err: &tera::Error,
    sources: &BTreeMap<String, TemplateSource>,
    fallback_name: &str,
) -> Diagnostic {
    use std::error::Error as _;
    let (name, mut message, at) = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            Some(r.filename().to_string()),
            r.message().to_string(),
            Some(At::Offset(r.span().range.start)),
        ),
        _ => {
            let text = err.to_string();
            match report_position(&text) {
                // `error: Unknown filter ...` then ` --> name:line:col`.
                Some((name, line, col)) => (
                    Some(name),
                    text.lines()
                        .next()
                        .unwrap_or("")
                        .trim_start_matches("error: ")
                        .to_string(),
                    Some(At::LineCol(line, col)),
                ),
                // The others name their template in quotes: `Template 'x.html' not found`.
                None => (quoted_template(&text, sources), text, None),
            }
        }
    };
    let mut cur = err.source();
    while let Some(e) = cur {
        message = format!("{message}: {e}");
        cur = e.source();
    }
    let mut message = sorted_unknown_arguments(&message);
    let name = name.filter(|n| sources.contains_key(n));
    // A place is in the template the error names, never in the fallback.
    let at = at.filter(|_| name.is_some());
    let name = name.unwrap_or_else(|| fallback_name.to_string());
    let source = sources.get(&name);
    let file = source.map_or_else(
        || PathBuf::from(format!("templates/{name}")),
        |s| s.file.clone(),
    );
    let (line, col) = match (source, at) {
        (Some(src), Some(At::Offset(offset))) => match src.text.get(..offset) {
            Some(before) => {
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                let line = before.matches('\n').count() + 1;
                (line, before[line_start..].chars().count() + 1)
            }
            None => (0, 0),
        },
        (Some(_), Some(At::LineCol(l, c))) => (l, c),
        _ => (0, 0),
    };
    if let Some(src) = source {
        let tag: String = src
            .text
            .lines()
            .nth(line.wrapping_sub(1))
            .map(|l| l.chars().skip(col.wrapping_sub(1)).collect())
            .unwrap_or_default();
        if message.starts_with("Unknown tag")
            && (tag.starts_with("import") || tag.starts_with("macro"))
        {
            message.push_str(
                ": Tera 2 has no `import` or macros. Write `{% component name(args) %}` and \
                 call it as `{{ <name arg={value}/> }}` from any template, with no import; \
                 the built-in theme's are in templates/partials/components.html",
            );
        }
    }
    let d = Diagnostic::error("template", file, message);
    match source {
        Some(src) if line > 0 => d.at(&src.text, line, col),
        _ => d,
    }
}

/// Where in a template an error is.
enum At {
    /// A byte offset.
    Offset(usize),
    /// A line and a column, both from 1.
    LineCol(usize, usize),
}

/// Tera lists a component call's unknown arguments in the order of a hash set keyed afresh
/// each time: "Unknown argument(s) `b`, `a` in component call". Sorted, the same mistake
/// reads the same in every build, and is reported once however many pages meet it.
fn sorted_unknown_arguments(message: &str) -> String {
    const HEAD: &str = "Unknown argument(s) ";
    const TAIL: &str = " in component call";
    let Some(rest) = message.strip_prefix(HEAD) else {
        return message.to_string();
    };
    let Some(end) = rest.find(TAIL) else {
        return message.to_string();
    };
    let mut names: Vec<&str> = rest[..end].split(", ").collect();
    names.sort_unstable();
    format!("{HEAD}{}{}", names.join(", "), &rest[end..])
}

/// Tera's reports carry ` --> name:line:col`.
fn report_position(s: &str) -> Option<(String, usize, usize)> {
    let rest = &s[s.find("--> ")? + 4..];
    let loc = rest.lines().next()?;
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, col))
}

/// The template an error names in quotes ('x.html' or `x.html`): the site's own where it
/// names one of those (`Component `toc` is defined in both `partials/components.html` and
/// `partials/mine.html``), else the first it names.
fn quoted_template(s: &str, sources: &BTreeMap<String, TemplateSource>) -> Option<String> {
    let named: Vec<&str> = ['\'', '`']
        .iter()
        .flat_map(|q| s.split(*q).skip(1).step_by(2))
        .filter(|n| sources.contains_key(*n))
        .collect();
    let builtin = |n: &&str| sources[*n].file.starts_with(BUILTIN_PREFIX);
    named
        .iter()
        .find(|n| !builtin(n))
        .or(named.first())
        .map(|n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::sorted_unknown_arguments;

    #[test]
    fn unknown_arguments_are_sorted_and_other_messages_kept() {
        assert_eq!(
            sorted_unknown_arguments(
                "Unknown argument(s) `zeta`, `alpha` in component call. Possible argument(s) are: `next`"
            ),
            "Unknown argument(s) `alpha`, `zeta` in component call. Possible argument(s) are: `next`"
        );
        let other = "Field `nope` is not defined";
        assert_eq!(sorted_unknown_arguments(other), other);
    }
}
