//! Helpers shared by the whole-program tests: fixture sites in temporary folders, running
//! the binary, reading an output folder, and checking that every internal link resolves.
//!
//! Each test crate uses only some of these, hence the `dead_code` allowance.
#![allow(dead_code)]

/// Headless Chromium through chromedriver, and a static file server: see `browser.rs`.
pub mod browser;
pub mod serve;

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// A fixed "today" (2027-01-01T00:00:00Z) so review dates never drift into warnings.
pub const EPOCH: &str = "1798761600";

/// Writes a fixture site: each `(path, text)` relative to a new temporary folder.
pub fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_files(dir.path(), files);
    dir
}

/// Writes (or overwrites) files below `root`, creating folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        write_bytes(root, path, text.as_bytes());
    }
}

pub fn write_bytes(root: &Path, path: &str, bytes: &[u8]) {
    let p = root.join(path);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
}

/// Copies the repository's sample site (configuration, content, templates, static files)
/// to `root`, for tests that change it before building.
pub fn copy_sample_site(root: &Path) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    write_bytes(
        root,
        "formulary.toml",
        &std::fs::read(manifest.join("formulary.toml")).unwrap(),
    );
    for sub in ["content", "templates", "static"] {
        for (rel, bytes) in read_tree(&manifest.join(sub)) {
            write_bytes(root, &format!("{sub}/{rel}"), &bytes);
        }
    }
}

/// The `formulary` binary, with a fixed `SOURCE_DATE_EPOCH`, no colour and no CI detection
/// surprises.
pub fn formulary() -> Command {
    let mut cmd = Command::cargo_bin("formulary").expect("the formulary binary");
    cmd.env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// What one run printed and how it ended.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Panics with both streams unless the exit status is `code`.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit status {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// The `error[...]` lines on stderr.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error["))
            .collect()
    }

    /// Diagnostic lines (`error[...]` / `warning[...]`) on stderr.
    pub fn diagnostic_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
            .collect()
    }
}

/// Runs `formulary` with `args`.
pub fn run(args: &[&str]) -> Run {
    Run::from(formulary().args(args).output().expect("run formulary"))
}

/// `formulary build --root ROOT --output OUT` plus `extra`.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&str> = vec!["build", "--root"];
    let root_s = root.to_str().expect("utf-8 path");
    let out_s = out.to_str().expect("utf-8 path");
    args.extend([root_s, "--output", out_s]);
    args.extend(extra);
    run(&args)
}

/// `formulary check --root ROOT` plus `extra`.
pub fn check(root: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&str> = vec!["check", "--root", root.to_str().expect("utf-8 path")];
    args.extend(extra);
    run(&args)
}

/// Every file below `dir` (relative path with `/`) with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("read {}: {e}", d.display())) {
            let entry = entry.unwrap();
            let p = entry.path();
            let ft = entry.file_type().unwrap();
            if ft.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Asserts two trees hold the same files with the same bytes, naming the differences.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let ka: BTreeSet<&String> = a.keys().collect();
    let kb: BTreeSet<&String> = b.keys().collect();
    let only_a: Vec<_> = ka.difference(&kb).collect();
    let only_b: Vec<_> = kb.difference(&ka).collect();
    let differ: Vec<_> = ka.intersection(&kb).filter(|k| a[**k] != b[**k]).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "{what}: only in first {only_a:?}; only in second {only_b:?}; different bytes {differ:?}"
    );
}

/// The siblings a build left next to `out` (`.{name}.staging`, `.{name}.old-…`). A build
/// hands the output it replaced to a process of its own to delete, so that one is given a
/// few seconds to go.
pub fn leftover_siblings(out: &Path) -> Vec<PathBuf> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let parent = out.parent().unwrap();
    let siblings = || -> Vec<PathBuf> {
        let prefix = format!(".{name}.");
        // No parent folder: nothing was left.
        let Ok(entries) = std::fs::read_dir(parent) else {
            return Vec::new();
        };
        let mut v: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .collect();
        v.sort();
        v
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let left = siblings();
        let staging = left
            .iter()
            .any(|p| p.to_string_lossy().ends_with(".staging"));
        if left.is_empty() || staging || std::time::Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

pub fn read(path: impl AsRef<Path>) -> String {
    let p = path.as_ref();
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

// ---------------------------------------------------------------------------------------
// A tiny HTML tag reader: enough to find attributes without being fooled by text, comments
// or script bodies.

/// One start tag with its attributes (values entity-decoded).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes the few entities a URL in an attribute may carry.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&amp;", "&")
}

/// Every start tag of `html`, skipping comments, doctype, and the bodies of script and style.
pub fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        i += rel;
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
            continue;
        }
        // Tag name.
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == i + 1 {
            i += 1;
            continue;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        // Attributes.
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let vs = j + 1;
                    let ve = html[vs..].find(q as char).map_or(b.len(), |e| vs + e);
                    value = decode_entities(&html[vs..ve]);
                    j = (ve + 1).min(b.len());
                } else {
                    let vs = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&html[vs..j]);
                }
            }
            if !attr.is_empty() {
                attrs.push((attr, value));
            } else if j == start {
                j += 1;
            }
        }
        i = j.min(b.len());
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i += html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .unwrap_or(html.len() - i);
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// Every `id` and `name` attribute value of a page.
pub fn anchors_of(html: &str) -> BTreeSet<String> {
    tags(html)
        .iter()
        .flat_map(|t| t.attrs.iter())
        .filter(|(n, _)| n == "id" || n == "name")
        .map(|(_, v)| v.clone())
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a URL leaves the site (and so is not checked).
pub fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("//")
        // Neither names a file of the output either.
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
}

/// What a link check found.
#[derive(Debug, Default)]
pub struct LinkReport {
    /// Internal URLs checked (href, src, form action), fragments included.
    pub checked: usize,
    /// Of those, how many had a `#fragment` that was checked against the target page.
    pub fragments: usize,
    pub problems: Vec<String>,
}

impl LinkReport {
    pub fn assert_ok(&self) {
        assert!(
            self.problems.is_empty(),
            "{} broken internal URLs (of {} checked), first ones:\n{}",
            self.problems.len(),
            self.checked,
            self.problems
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Joins `url_path` (without the base path, leading `/` meaning the site root) to the
/// directory of the page at `from` (an output-relative file path), normalising `.` and `..`.
fn join_url(from: &str, url_path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if url_path.starts_with('/') {
        Vec::new()
    } else {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in url_path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if (url_path.ends_with('/') || url_path.ends_with("/.") || url_path.ends_with("/.."))
        && !joined.is_empty()
    {
        joined.push('/');
    }
    Some(joined)
}

/// The output file a URL path (below the base path) names: pretty URLs `a/b/` →
/// `a/b/index.html`, the root → `index.html`.
fn file_for(joined: &str) -> String {
    if joined.is_empty() {
        "index.html".to_string()
    } else if joined.ends_with('/') {
        format!("{joined}index.html")
    } else {
        joined.to_string()
    }
}

/// Checks every internal `href`, `src` and form `action` in every `.html` file of `out`,
/// and that no page gives one `id` to two elements.
/// `base_path` is the path part of the base URL (`/` or `/bones/`): every root-relative URL
/// must start with it, and it is stripped before looking for the file.
pub fn check_links(out: &Path, base_path: &str) -> LinkReport {
    assert!(
        base_path.starts_with('/') && base_path.ends_with('/'),
        "base path {base_path}"
    );
    let tree = read_tree(out);
    let mut anchor_cache: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut anchors = |file: &str, tree: &BTreeMap<String, Vec<u8>>| -> BTreeSet<String> {
        anchor_cache
            .entry(file.to_string())
            .or_insert_with(|| anchors_of(&String::from_utf8_lossy(&tree[file])))
            .clone()
    };
    let mut report = LinkReport::default();
    for (file, bytes) in &tree {
        if !file.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let page_tags = tags(&html);
        // An id given twice makes a fragment ambiguous.
        let mut ids = BTreeSet::new();
        for id in page_tags.iter().filter_map(|t| t.attr("id")) {
            if !ids.insert(id) {
                report
                    .problems
                    .push(format!("{file}: the id `{id}` is used twice"));
            }
        }
        for tag in &page_tags {
            for (attr, value) in &tag.attrs {
                if !(attr == "href" || attr == "src" || (attr == "action" && tag.name == "form")) {
                    continue;
                }
                let url = value.trim();
                if is_external(url) {
                    continue;
                }
                report.checked += 1;
                let at = format!("{file}: <{} {attr}=\"{url}\">", tag.name);
                let (before_frag, fragment) = match url.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (url, None),
                };
                let path = before_frag.split('?').next().unwrap_or("");
                let path = percent_decode(path);
                let target = if path.is_empty() {
                    file.clone()
                } else {
                    let below_base = if path.starts_with('/') {
                        match path.strip_prefix(base_path) {
                            Some(rest) => format!("/{rest}"),
                            None if path == base_path.trim_end_matches('/') => "/".to_string(),
                            None => {
                                report.problems.push(format!(
                                    "{at}: does not start with the base path {base_path}"
                                ));
                                continue;
                            }
                        }
                    } else {
                        path.clone()
                    };
                    match join_url(file, &below_base) {
                        Some(j) => file_for(&j),
                        None => {
                            report
                                .problems
                                .push(format!("{at}: climbs out of the output"));
                            continue;
                        }
                    }
                };
                if !tree.contains_key(&target) {
                    report
                        .problems
                        .push(format!("{at}: no file {target} in the output"));
                    continue;
                }
                if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                    if target.ends_with(".html") {
                        report.fragments += 1;
                        let f = percent_decode(f);
                        if !anchors(&target, &tree).contains(&f) {
                            report
                                .problems
                                .push(format!("{at}: {target} has no id or name `{f}`"));
                        }
                    }
                }
            }
        }
    }
    report
}

/// Every internal URL (href, src, action) of one HTML page, in order, as written.
pub fn internal_urls(html: &str) -> Vec<String> {
    tags(html)
        .iter()
        .flat_map(|t| {
            t.attrs
                .iter()
                .filter(|(n, _)| n == "href" || n == "src" || (n == "action" && t.name == "form"))
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        })
        .filter(|u| !is_external(u))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Fixture text.

/// The required section headings of a drug-class page (the default configuration's).
pub const REQUIRED_SECTIONS: [&str; 4] = [
    "What these medicines are",
    "Who can and cannot take them",
    "How to take them",
    "Side effects",
];

/// A body with every required section, each a few short plain sentences.
pub fn monograph_body() -> String {
    let mut s = String::from("These are medicines for bones.\n");
    for h in REQUIRED_SECTIONS {
        s.push_str(&format!(
            "\n## {h}\n\nThis part is short. It is easy to read.\n"
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_reader_finds_attributes_only_in_tags() {
        let html = r#"<!doctype html><p>a href="x"</p><!-- <a href="c"> --><a class=x href='/a/?q=1&amp;r=2#t'>x</a><script src="/s.js">var s = '<a href="nope">';</script><img src=/i.png alt="">"#;
        let t = tags(html);
        let urls: Vec<_> = t
            .iter()
            .filter_map(|t| t.attr("href").or(t.attr("src")))
            .collect();
        assert_eq!(urls, ["/a/?q=1&r=2#t", "/s.js", "/i.png"]);
    }

    #[test]
    fn joins_like_a_browser() {
        assert_eq!(join_url("a/b/index.html", "../c/").as_deref(), Some("a/c/"));
        assert_eq!(
            join_url("a/b/index.html", "/x.css").as_deref(),
            Some("x.css")
        );
        assert_eq!(join_url("index.html", "../x"), None);
        assert_eq!(file_for("a/c/"), "a/c/index.html");
        assert_eq!(file_for(""), "index.html");
    }
}

#[cfg(test)]
mod link_check_tests {
    use super::*;

    /// The checker itself must catch what it is for, or every test using it proves nothing.
    #[test]
    fn link_checker_finds_broken_urls() {
        let out = tempfile::tempdir().unwrap();
        write_files(
            out.path(),
            &[
                ("bones/ignored.txt", ""),
                ("a/index.html", r##"<h2 id="x">X</h2><a name="y"></a>"##),
                ("style.css", ""),
                (
                    "index.html",
                    r##"<link rel="stylesheet" href="/bones/style.css">
<a href="/bones/a/#x">ok</a> <a href="/bones/a/#y">ok</a> <a href="a/">ok</a>
<a href="https://x.org/nope">external</a> <a href="mailto:a@b">mail</a> <a href="//cdn/x.js">cdn</a>
<a href="/bones/a/#z">bad fragment</a>
<a href="/bones/b/">missing page</a>
<a href="/a/">no base path</a>
<img src="/bones/missing.png" alt="">
<a href="#top">missing same-page anchor</a><p id="x"></p><p id="x"></p>"##,
                ),
            ],
        );
        let r = check_links(out.path(), "/bones/");
        assert_eq!(r.checked, 9, "{:?}", r.problems);
        assert_eq!(r.problems.len(), 6, "{:#?}", r.problems);
        assert!(r.problems.iter().any(|p| p.contains("`x` is used twice")));
        assert!(r.problems[0].contains("#z") || r.problems.iter().any(|p| p.contains("`z`")));
        assert!(r.problems.iter().any(|p| p.contains("b/index.html")));
        assert!(r.problems.iter().any(|p| p.contains("base path")));
        assert!(r.problems.iter().any(|p| p.contains("missing.png")));
        assert!(r.problems.iter().any(|p| p.contains("`top`")));
    }
}
