//! The one error currency: a diagnostic with its check id, level and source position,
//! shared by build, check and serve, and its printers (human, JSON, GitHub annotations).

use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One finding about the site, pointing at a file, line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The check id (`broken-link`, `front-matter`, ...).
    pub id: &'static str,
    pub level: Level,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line; 0 when the finding is about the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    #[serde(rename = "column")]
    pub col: usize,
    pub message: String,
    /// The text of the source line, when there is one.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(id: &'static str, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(id, Level::Error, path, message)
    }

    pub fn warning(id: &'static str, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(id, Level::Warning, path, message)
    }

    pub fn new(
        id: &'static str,
        level: Level,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            id,
            level,
            path: path.into(),
            line: 0,
            col: 0,
            message: message.into(),
            source_line: None,
        }
    }

    /// Points the diagnostic at a byte offset of `source`, filling line, column and source line.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, col) = line_col(source, offset);
        self.at(source, line, col)
    }

    /// Points the diagnostic at a 1-based line and column of `source`.
    pub fn at(mut self, source: &str, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self.source_line = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// The position as `path:line:col` (or less where unknown).
    pub fn location(&self) -> String {
        let path = display_path(&self.path);
        match (self.line, self.col) {
            (0, _) => path,
            (l, 0) => format!("{path}:{l}"),
            (l, c) => format!("{path}:{l}:{c}"),
        }
    }

    /// `error[id]: path:line:col: message`, the source line and a caret.
    pub fn render_human(&self, color: bool) -> String {
        let (level_style, reset, dim) = if color {
            let s = match self.level {
                Level::Error => "\x1b[1;31m",
                Level::Warning => "\x1b[1;33m",
            };
            (s, "\x1b[0m", "\x1b[2m")
        } else {
            ("", "", "")
        };
        let mut out = format!(
            "{level_style}{}[{}]{reset}: {}: {}\n",
            self.level.as_str(),
            self.id,
            self.location(),
            self.message
        );
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let shown = src.replace('\t', " ");
            let _ = writeln!(out, "{dim}{pad} |{reset}");
            let _ = writeln!(out, "{dim}{num} |{reset} {shown}");
            if self.col > 0 {
                let _ = writeln!(
                    out,
                    "{dim}{pad} |{reset} {}{level_style}^{reset}",
                    " ".repeat(self.col - 1)
                );
            }
        }
        out
    }

    /// A GitHub Actions workflow command that annotates the line in a pull request.
    pub fn render_github(&self) -> String {
        let kind = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut props = format!("file={}", escape_property(&display_path(&self.path)));
        if self.line > 0 {
            let _ = write!(props, ",line={}", self.line);
        }
        if self.col > 0 {
            let _ = write!(props, ",col={}", self.col);
        }
        let _ = write!(props, ",title={}", escape_property(self.id));
        format!("::{kind} {props}::{}", escape_data(&self.message))
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Line starts of a text, for many offset-to-line look-ups in one file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Orders diagnostics for stable output: by path, line, column, then id.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.id, &a.message).cmp(&(&b.path, b.line, b.col, b.id, &b.message))
    });
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
    Github,
}

/// Prints diagnostics in the chosen format. JSON goes to stdout (for machines); the others to stderr.
pub fn print(diags: &[Diagnostic], format: Format) {
    use std::io::Write;
    match format {
        Format::Human => {
            let color =
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
            let mut err = std::io::stderr().lock();
            for d in diags {
                let _ = writeln!(err, "{}", d.render_human(color));
            }
        }
        Format::Json => {
            let json = serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".into());
            println!("{json}");
        }
        Format::Github => {
            for d in diags {
                println!("{}", d.render_github());
            }
        }
    }
}

/// Counts (errors, warnings).
pub fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    (errors, diags.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = "ab\ncé d\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        // 'd' is after a two-byte character: column counts characters.
        assert_eq!(line_col(s, 7), (2, 4));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let s = "ab\ncé d\n\nx";
        let idx = LineIndex::new(s);
        for o in 0..=s.len() {
            if s.is_char_boundary(o) {
                assert_eq!(idx.line(o), line_col(s, o).0, "offset {o}");
            }
        }
    }

    #[test]
    fn human_output_has_location_source_and_caret() {
        let src = "first\nsee [x](y.md) here\n";
        let d = Diagnostic::error("broken-link", "content/a.md", "no page `y.md`")
            .at_offset(src, src.find('[').unwrap());
        let out = d.render_human(false);
        assert!(out.starts_with("error[broken-link]: content/a.md:2:5: no page `y.md`\n"));
        assert!(out.contains("2 | see [x](y.md) here\n"));
        assert!(out.contains("  |     ^\n"), "{out}");
    }

    #[test]
    fn github_annotation_escapes() {
        let d = Diagnostic::warning("p-value", "content/a,b.md", "50%\nmore").at("x\ny", 2, 1);
        assert_eq!(
            d.render_github(),
            "::warning file=content/a%2Cb.md,line=2,col=1,title=p-value::50%25%0Amore"
        );
    }
}
