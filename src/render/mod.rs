//! Rendering: each page plus `&Site` through its Tera template, and the generated files
//! (A to Z, search, 404, sitemap, robots, alias redirects). No I/O but reading templates.

pub mod context;
pub mod jsonld;
pub mod theme;

use crate::diagnostic::Diagnostic;
use crate::site::{Page, PageId, PageKind, Site};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tera::{Context, Tera};
use theme::TemplateSource;

/// One file of the output, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Templates compiled and ready, with the functions they call.
pub struct Renderer {
    tera: Tera,
    sources: BTreeMap<String, TemplateSource>,
    /// The last `site` context and a Tera context holding it: rebuilt only when it changes.
    site_value: std::sync::Mutex<Option<(context::SiteContext, Context)>>,
}

/// `url(path="drug-classes/serms.md")` and `url(path="drugs")`.
struct UrlFn {
    base_path: String,
    pages: Arc<HashMap<String, String>>,
}

impl tera::Function for UrlFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("url() needs path=\"...\""))?;
        let clean = path.trim_start_matches('/');
        if clean.ends_with(".md") {
            return self
                .pages
                .get(clean)
                .map(|u| Value::String(u.clone()))
                .ok_or_else(|| tera::Error::msg(format!("url(): no page `{path}` in content/")));
        }
        let mut url = format!("{}{}", self.base_path, clean);
        let last = clean.rsplit('/').next().unwrap_or("");
        if !clean.is_empty() && !clean.ends_with('/') && !last.contains('.') {
            url.push('/');
        }
        Ok(Value::String(url))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `asset(path="style.css")`: a static file's URL with the base path.
struct AssetFn {
    base_path: String,
}

impl tera::Function for AssetFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("asset() needs path=\"...\""))?;
        Ok(Value::String(format!(
            "{}{}",
            self.base_path,
            path.trim_start_matches('/')
        )))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

impl Renderer {
    /// Compiles the built-in templates and the site's own (which override by name).
    pub fn new(root: &Path, site: &Site) -> Result<Renderer, Diagnostic> {
        let sources = theme::template_sources(root);
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let raw: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.text.as_str()))
            .collect();
        tera.add_raw_templates(raw)
            .map_err(|e| theme::template_error(&e, &sources, "base.html"))?;
        let pages: HashMap<String, String> = site
            .pages
            .iter()
            .map(|p| (p.source.content_path.clone(), site.url(p.id)))
            .collect();
        tera.register_function(
            "url",
            UrlFn {
                base_path: site.base_path.clone(),
                pages: Arc::new(pages),
            },
        );
        tera.register_function(
            "asset",
            AssetFn {
                base_path: site.base_path.clone(),
            },
        );
        tera.register_filter("long_date", long_date);
        Ok(Renderer {
            tera,
            sources,
            site_value: std::sync::Mutex::new(None),
        })
    }

    /// A Tera context holding `site`, reused while the site context stays the same (turning
    /// thousands of page references into Tera values is the costly part).
    fn base_context(&self, site: &Site) -> tera::Result<Context> {
        let ctx = context::site_context(site);
        let mut cache = self.site_value.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((old, base)) = cache.as_ref() {
            if *old == ctx {
                return Ok(base.clone());
            }
        }
        let mut base = Context::new();
        base.insert("site", &tera::to_value(&ctx)?);
        *cache = Some((ctx, base.clone()));
        Ok(base)
    }

    fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| theme::template_error(&e, &self.sources, name))
    }

    /// The template a page renders with.
    pub fn template_for(&self, site: &Site, id: usize) -> Result<String, Diagnostic> {
        let page = &site.pages[id];
        let name = match &page.source.front.template {
            Some(t) => t.clone(),
            None => match page.kind {
                PageKind::Home => "home.html".into(),
                PageKind::Section => "section.html".into(),
                k => format!("{}.html", k.as_str()),
            },
        };
        if self.has(&name) {
            Ok(name)
        } else {
            let hint = crate::suggest::closest(&name, self.sources.keys().map(String::as_str))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let d = Diagnostic::error(
                "template",
                &page.source.file,
                format!("no template `{name}`{hint}"),
            );
            Err(page.source.diag_at_key(d, "template"))
        }
    }

    /// Renders every page and generated file. `done` counts pages as they finish.
    pub fn render_site(
        &self,
        site: &Site,
        done: &AtomicUsize,
    ) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let all: Vec<PageId> = (0..site.pages.len()).collect();
        self.render_some(site, &all, Generated::all(), done)
    }

    /// Renders the pages `ids` and the chosen generated files.
    pub fn render_some(
        &self,
        site: &Site,
        ids: &[PageId],
        generated: Generated,
        done: &AtomicUsize,
    ) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let base_ctx = match self.base_context(site) {
            Ok(c) => c,
            Err(e) => {
                return (
                    Vec::new(),
                    vec![Diagnostic::error("template", "templates", e.to_string())],
                )
            }
        };
        let render_one = |ctx: &mut Context, id: PageId| -> Result<OutputFile, Diagnostic> {
            let page = &site.pages[id];
            let name = self.template_for(site, page.id)?;
            let pc = context::page_context(site, page);
            ctx.insert("page", &pc);
            if page.kind.is_section() {
                ctx.insert("section", &pc);
            }
            let html = self.render(&name, ctx)?;
            done.fetch_add(1, Ordering::Relaxed);
            Ok(OutputFile {
                path: page_output_path(page),
                bytes: html.into_bytes(),
            })
        };
        let render_pages = || -> Vec<Result<OutputFile, Diagnostic>> {
            if ids.len() <= 4 {
                // An edit's few pages: one copy of the context, no threads.
                let mut ctx = base_ctx.clone();
                return ids.iter().map(|&id| render_one(&mut ctx, id)).collect();
            }
            ids.par_iter()
                .map_init(|| base_ctx.clone(), |ctx, &id| render_one(ctx, id))
                .collect()
        };
        // The generated pages (the A to Z above all) render beside the content pages.
        let (results, generated) =
            rayon::join(render_pages, || self.generated(site, &base_ctx, generated));
        let mut files = Vec::with_capacity(results.len() + 8);
        let mut diags = Vec::new();
        for r in results {
            match r {
                Ok(f) => files.push(f),
                Err(d) => diags.push(d),
            }
        }
        match generated {
            Ok(mut g) => files.append(&mut g),
            Err(d) => diags.push(d),
        }
        diags.sort_by(|a, b| a.path.cmp(&b.path));
        diags.dedup_by(|a, b| a.path == b.path && a.line == b.line && a.message == b.message);
        (files, diags)
    }

    /// The A to Z, search page, 404 page, alias redirects, sitemap and robots.txt.
    fn generated(
        &self,
        site: &Site,
        base: &Context,
        which: Generated,
    ) -> Result<Vec<OutputFile>, Diagnostic> {
        let mut files = Vec::new();
        if which.a_to_z {
            files.push(self.a_to_z(site, base)?);
        }
        if which.pages {
            self.generated_pages(site, base, &mut files)?;
        }
        if which.aliases {
            for (alias, target) in &site.aliases {
                let mut ctx = base.clone();
                ctx.insert("target", &site.permalink(*target));
                ctx.insert("page", &context::page_context(site, &site.pages[*target]));
                files.push(OutputFile {
                    path: alias_output_path(alias),
                    bytes: self.render("redirect.html", &ctx)?.into_bytes(),
                });
            }
        }
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap(site).into_bytes(),
        });
        files.push(OutputFile {
            path: "robots.txt".into(),
            bytes: format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
                site.base_url
            )
            .into_bytes(),
        });
        Ok(files)
    }

    fn a_to_z(&self, site: &Site, base: &Context) -> Result<OutputFile, Diagnostic> {
        let mut ctx = base.clone();
        let letters = context::a_to_z(site);
        let flat: Vec<&context::AzEntry> = letters.iter().flat_map(|l| &l.entries).collect();
        ctx.insert("letters", &letters);
        ctx.insert("drugs", &flat);
        ctx.insert(
            "page",
            &context::generated_page(site, "Medicines A to Z", "drugs", "drugs/"),
        );
        Ok(OutputFile {
            path: "drugs/index.html".into(),
            bytes: self.render("drugs.html", &ctx)?.into_bytes(),
        })
    }

    /// The search page and the 404 page.
    fn generated_pages(
        &self,
        site: &Site,
        base: &Context,
        files: &mut Vec<OutputFile>,
    ) -> Result<(), Diagnostic> {
        for (template, title, kind, url_path, out) in [
            (
                "search.html",
                "Search",
                "search",
                "search/",
                "search/index.html",
            ),
            ("404.html", "Page not found", "404", "404.html", "404.html"),
        ] {
            let mut ctx = base.clone();
            ctx.insert(
                "page",
                &context::generated_page(site, title, kind, url_path),
            );
            files.push(OutputFile {
                path: out.into(),
                bytes: self.render(template, &ctx)?.into_bytes(),
            });
        }
        Ok(())
    }
}

/// Which generated files to render (the sitemap and robots.txt always are: they are cheap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub a_to_z: bool,
    /// The search and 404 pages.
    pub pages: bool,
    pub aliases: bool,
}

impl Generated {
    pub fn all() -> Generated {
        Generated {
            a_to_z: true,
            pages: true,
            aliases: true,
        }
    }
}

/// Where a page is written: `drug-classes/serms/index.html`.
pub fn page_output_path(page: &Page) -> String {
    format!("{}index.html", page.url_path)
}

/// Where an alias's redirect page is written.
pub fn alias_output_path(alias: &str) -> String {
    if alias.ends_with(".html") {
        alias.to_string()
    } else {
        format!("{alias}index.html")
    }
}

/// `{{ "2026-11-01" | long_date }}` → `1 November 2026`; anything else is shown as it is.
fn long_date(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value.as_str().unwrap_or_default();
    let shown = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| text.to_string());
    Ok(Value::String(shown))
}

/// Escapes what HTML needs escaped (Tera's default also escapes `/`, which makes every URL
/// unreadable in the page source).
fn escape_html(s: &str) -> String {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every page's permalink, with its review date as `lastmod`.
fn sitemap(site: &Site) -> String {
    let mut entries: Vec<(String, Option<String>)> = site
        .pages
        .iter()
        .map(|p| {
            (
                site.permalink(p.id),
                p.source.front.reviewed.map(|d| d.to_string()),
            )
        })
        .collect();
    entries.push((format!("{}drugs/", site.base_url), None));
    entries.push((format!("{}search/", site.base_url), None));
    entries.sort();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (loc, lastmod) in entries {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&xml_escape(&loc));
        out.push_str("</loc>\n");
        if let Some(d) = lastmod {
            out.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
