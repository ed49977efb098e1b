//! What serve adds to each served HTML page (never to `build` output): the live-reload
//! script and, while the site has errors, an overlay listing them.

use crate::diagnostic::{Diagnostic, Level};

/// The path of the Server-Sent Events stream.
pub const EVENTS_PATH: &str = "/__formulary/events";

/// Reloads the page on `reload` (or on `pages` that names it), swaps stylesheets on `css`,
/// and reloads when it connects to a later build than the one it was served from (a
/// restart, or an update made while it was loading). `BUILD` is that build's id.
const SCRIPT: &str = r#"<script>
(() => {
  let build = BUILD;
  const connect = () => {
    const es = new EventSource("/__formulary/events");
    es.addEventListener("hello", (e) => {
      if (build !== e.data) location.reload();
      build = e.data;
    });
    es.addEventListener("reload", (e) => { build = e.data; location.reload(); });
    // Some pages changed after the others: reload if this is one of them.
    es.addEventListener("pages", (e) => {
      const [id, ...paths] = e.data.split("\n");
      build = id;
      const here = location.pathname.endsWith("/") ? location.pathname + "index.html" : location.pathname;
      if (paths.includes(decodeURIComponent(here))) location.reload();
    });
    es.addEventListener("css", (e) => {
      build = e.data;
      for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
        const url = new URL(link.href);
        url.searchParams.set("formulary-reload", e.data);
        link.href = url.toString();
      }
    });
    es.onerror = () => { es.close(); setTimeout(connect, 500); };
  };
  connect();
})();
</script>
"#;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The overlay: each diagnostic with its file:line:col, message and source line.
pub fn overlay(diags: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.level == Level::Error).collect();
    if errors.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<div id=\"formulary-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:16px/1.5 ui-monospace,monospace;padding:2rem\">\n",
    );
    out.push_str(&format!(
        "<h2 style=\"color:#ff8a80;margin-top:0\">The site has {} error{}; the last good pages are shown under this</h2>\n<ol>\n",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    ));
    for d in errors {
        out.push_str(&format!(
            "<li style=\"margin-bottom:1rem\"><strong>error[{}]</strong> <code>{}</code>: {}",
            escape(d.id),
            escape(&d.location()),
            escape(&d.message)
        ));
        if let Some(src) = &d.source_line {
            out.push_str(&format!(
                "<pre style=\"background:#000;padding:.5rem;white-space:pre-wrap\">{} | {}</pre>",
                d.line,
                escape(src)
            ));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n<p>Fix the file and save: this page reloads by itself.</p>\n</div>\n");
    out
}

/// Adds the overlay and the live-reload script before `</body>`; `build` is the id of the
/// build the page comes from.
pub fn inject(html: &[u8], diags: &[Diagnostic], build: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let id = serde_json::to_string(build).unwrap_or_else(|_| "null".into());
    let addition = format!("{}{}", overlay(diags), SCRIPT.replace("BUILD", &id));
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + addition.len());
    out.push_str(&text[..at]);
    out.push_str(&addition);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The page shown when there is no good build yet.
pub fn error_page(diags: &[Diagnostic], build: &str) -> Vec<u8> {
    let html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><main><h1>The site could not be built</h1></main></body></html>\n";
    inject(html.as_bytes(), diags, build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_body_end_and_escapes() {
        let d = Diagnostic::error("broken-link", "content/a.md", "no page `<b>`").at(
            "x [a](<b>)",
            1,
            3,
        );
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></body></html>", &[d], "7-3")).unwrap();
        assert!(out.contains("content/a.md:1:3"));
        assert!(out.contains("no page `&lt;b&gt;`"));
        assert!(out.find("formulary-overlay").unwrap() < out.find("</body>").unwrap());
        assert!(out.contains("EventSource"));
        // The page knows the build it comes from, to tell a later one when it connects.
        assert!(out.contains(r#"let build = "7-3";"#));
        let clean = String::from_utf8(inject(b"<body></body>", &[], "7-3")).unwrap();
        assert!(!clean.contains("formulary-overlay"));
    }
}
