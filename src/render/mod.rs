//! Rendering: each page plus `&Site` through its Tera template, and the generated files
//! (A to Z, search, 404, sitemap, robots, alias redirects). No I/O but reading templates.

pub mod a_to_z;
pub mod a_to_z_items;
pub mod base_context;
pub mod context;
pub mod context_reads;
pub mod feed;
pub mod jsonld;
pub mod page_items;
pub mod strings;
pub mod theme;

use crate::diagnostic::Diagnostic;
use crate::site::{LangId, Page, PageId, PageKind, Site};
use a_to_z::AToZLists;
use base_context::{BaseContexts, Lender, Lent};
use context::RefValues;
use context_reads::ContextReads;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tera::{Context, Kwargs, State, Tera, Value};
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
    /// Per language, the Tera context holding `site` and `t`, made again only when what it
    /// shows changes.
    contexts: BaseContexts,
    /// The A to Z's lists, kept between renders.
    a_to_z: AToZLists,
    /// What of a page's context the templates read, of what is made only if read.
    fields: context::PageFields,
}

/// `url(path="drug-classes/serms.md")` and `url(path="drugs")`; with `lang="es"`, the
/// Spanish page or generated page where there is one.
struct UrlFn {
    base_path: String,
    pages: Arc<HashMap<String, String>>,
    /// Language code → URL prefix (`es/`), for every language but the default.
    prefixes: HashMap<String, String>,
}

impl UrlFn {
    fn of(site: &Site) -> UrlFn {
        let pages: HashMap<String, String> = site
            .pages
            .iter()
            .map(|p| (p.source.content_path.clone(), site.url(p.id)))
            .collect();
        UrlFn {
            base_path: site.base_path.clone(),
            pages: Arc::new(pages),
            prefixes: site
                .languages
                .iter()
                .skip(1)
                .map(|l| (l.code.clone(), l.prefix.clone()))
                .collect(),
        }
    }

    fn url(&self, path: &str, lang: Option<&str>) -> Result<String, String> {
        let clean = path.trim_start_matches('/');
        let prefix = lang.and_then(|code| Some((code, self.prefixes.get(code)?)));
        if clean.ends_with(".md") {
            let translated = prefix
                .and_then(|(code, _)| self.pages.get(&crate::load::translated_path(clean, code)));
            return translated
                .or_else(|| self.pages.get(clean))
                .cloned()
                .ok_or_else(|| format!("url(): no page `{path}` in content/"));
        }
        // The generated pages and files exist in every language.
        let generated = [
            "drugs",
            "drugs/",
            "search",
            "search/",
            crate::site::FEED_FILE,
        ];
        let prefix = match prefix {
            Some((_, p)) if clean.is_empty() || generated.contains(&clean) => p.as_str(),
            _ => "",
        };
        let mut url = format!("{}{prefix}{}", self.base_path, clean);
        let last = clean.rsplit('/').next().unwrap_or("");
        if !clean.is_empty() && !clean.ends_with('/') && !last.contains('.') {
            url.push('/');
        }
        Ok(url)
    }
}

impl tera::Function<tera::TeraResult<Value>> for UrlFn {
    fn call(&self, kwargs: Kwargs, _: &State) -> tera::TeraResult<Value> {
        let path = kwargs.must_get::<&str>("path")?;
        let lang = kwargs.get::<&str>("lang")?;
        self.url(path, lang)
            .map(Value::from)
            .map_err(tera::Error::message)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `asset(path="style.css")`: a static file's URL with the base path.
struct AssetFn {
    base_path: String,
}

impl tera::Function<tera::TeraResult<Value>> for AssetFn {
    fn call(&self, kwargs: Kwargs, _: &State) -> tera::TeraResult<Value> {
        let path = kwargs.must_get::<&str>("path")?;
        Ok(Value::from(format!(
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
        tera.set_escape_fn(escape_html_to);
        // Functions and filters first: Tera checks, as it adds a template, that what the
        // template calls exists.
        tera.register_function("url", UrlFn::of(site));
        tera.register_function(
            "asset",
            AssetFn {
                base_path: site.base_path.clone(),
            },
        );
        register_filters(&mut tera);
        let raw: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.text.as_str()))
            .collect();
        tera.add_raw_templates(raw)
            .map_err(|e| theme::template_error(&e, &sources, "base.html"))?;
        let reads = ContextReads::of(&sources);
        Ok(Renderer {
            tera,
            sources,
            contexts: BaseContexts::default(),
            a_to_z: AToZLists::new(&reads),
            fields: context::PageFields::of(&reads),
        })
    }

    fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| theme::template_error(&e, &self.sources, name))
    }

    /// [`Renderer::render`] as the bytes of a file, into room for `capacity` bytes: not
    /// grown a doubling at a time from a small start, and not checked again for UTF-8 (a
    /// template writes only text).
    fn render_bytes(
        &self,
        name: &str,
        ctx: &Context,
        capacity: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(name, ctx, &mut out)
            .map_err(|e| theme::template_error(&e, &self.sources, name))?;
        Ok(out)
    }

    /// A page's context as a template value; `template` is named if that fails.
    fn page_value(
        &self,
        page: tera::TeraResult<context::PageContext>,
        template: &str,
    ) -> Result<Value, Diagnostic> {
        page.and_then(|p| p.value())
            .map_err(|e| theme::template_error(&e, &self.sources, template))
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

    /// Renders every page and generated file, handing each file to `sink` as soon as it
    /// is made (from any thread), so that a build holds no more than it is writing.
    pub fn render_site_into(
        &self,
        site: &Site,
        done: &AtomicUsize,
        sink: &(dyn Fn(OutputFile) + Sync),
    ) -> Vec<Diagnostic> {
        let all: Vec<PageId> = (0..site.pages.len()).collect();
        self.render_into(site, &all, Generated::all(), done, sink)
    }

    /// Renders the pages `ids` and the chosen generated files, sorted by path.
    pub fn render_some(
        &self,
        site: &Site,
        ids: &[PageId],
        generated: Generated,
        done: &AtomicUsize,
    ) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let files = std::sync::Mutex::new(Vec::with_capacity(ids.len() + 8));
        let diags = self.render_into(site, ids, generated, done, &|f| {
            files.lock().unwrap_or_else(|p| p.into_inner()).push(f)
        });
        let mut files = files.into_inner().unwrap_or_else(|p| p.into_inner());
        files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        (files, diags)
    }

    /// Renders the pages `ids` and the chosen generated files into `sink`; returns the
    /// template errors.
    fn render_into(
        &self,
        site: &Site,
        ids: &[PageId],
        generated: Generated,
        done: &AtomicUsize,
        sink: &(dyn Fn(OutputFile) + Sync),
    ) -> Vec<Diagnostic> {
        let lender = match self.contexts.prepare(site) {
            Ok(l) => l,
            Err(e) => return vec![Diagnostic::error("template", "templates", e.to_string())],
        };
        let refs = context::RefValues::new(site);
        let render_one = |ctx: &mut Lent, id: PageId| -> Result<OutputFile, Diagnostic> {
            let page = &site.pages[id];
            let name = self.template_for(site, page.id)?;
            let pc =
                self.page_value(context::page_context(site, page, &refs, self.fields), &name)?;
            ctx.clear();
            if page.kind.is_section() {
                ctx.insert_value("section", pc.clone());
            }
            ctx.insert_value("page", pc);
            // The page's own HTML and room for the theme around it.
            let room = page.content_html.len() + 32 * 1024;
            let bytes = self.render_bytes(&name, ctx.context(), room)?;
            done.fetch_add(1, Ordering::Relaxed);
            Ok(OutputFile {
                path: page_output_path(page),
                bytes,
            })
        };
        // Each page's file goes to the sink at once; its error, if any, is kept.
        let keep_error = |r: Result<OutputFile, Diagnostic>| match r {
            Ok(f) => {
                sink(f);
                None
            }
            Err(d) => Some(d),
        };
        let render_pages = || -> Vec<Diagnostic> {
            if ids.len() <= 4 {
                // An edit's few pages: one context per language met, no threads.
                let mut ctxs: Vec<Option<Lent>> = Vec::new();
                ctxs.resize_with(lender.languages(), || None);
                return ids
                    .iter()
                    .filter_map(|&id| {
                        let lang = site.pages[id].lang;
                        keep_error(render_one(
                            ctxs[lang].get_or_insert_with(|| lender.lend(lang)),
                            id,
                        ))
                    })
                    .collect();
            }
            // Each worker borrows a context of each language it meets.
            ids.par_iter()
                .with_max_len(crate::PAGES_PER_JOB)
                .map_init(
                    || {
                        let mut ctxs: Vec<Option<Lent>> = Vec::new();
                        ctxs.resize_with(lender.languages(), || None);
                        ctxs
                    },
                    |ctxs: &mut Vec<Option<Lent>>, &id| {
                        let lang = site.pages[id].lang;
                        keep_error(render_one(
                            ctxs[lang].get_or_insert_with(|| lender.lend(lang)),
                            id,
                        ))
                    },
                )
                .flatten()
                .collect()
        };
        // The generated pages (the A to Z above all) render beside the content pages, and
        // go to the sink from there: the last content pages are not left waiting on them.
        let (mut diags, generated) = rayon::join(render_pages, || {
            self.generated(site, &lender, &refs, generated)
                .map(|g| g.into_iter().for_each(sink))
        });
        if let Err(d) = generated {
            diags.push(d);
        }
        // The same mistake in a template is met by every page it renders: reported once.
        crate::diagnostic::sort(&mut diags);
        diags.dedup();
        diags
    }

    /// The A to Z, search page and feed of every language, the 404 page, alias redirects,
    /// sitemap and robots.txt.
    fn generated(
        &self,
        site: &Site,
        base: &Lender,
        refs: &RefValues,
        which: Generated,
    ) -> Result<Vec<OutputFile>, Diagnostic> {
        let mut files = Vec::new();
        for lang in 0..base.languages() {
            if which.a_to_z {
                files.push(self.a_to_z(site, lang, base, refs)?);
            }
            if which.pages {
                self.generated_pages(site, lang, base, refs, &mut files)?;
            }
            if which.feeds {
                files.push(OutputFile {
                    path: format!("{}{}", site.languages[lang].prefix, crate::site::FEED_FILE),
                    bytes: feed::atom(site, lang).into_bytes(),
                });
            }
        }
        if which.aliases {
            for (alias, target) in &site.aliases {
                let mut ctx = base.lend(site.pages[*target].lang);
                ctx.insert("target", &site.permalink(*target));
                let page = context::page_context(site, &site.pages[*target], refs, self.fields);
                ctx.insert_value("page", self.page_value(page, "redirect.html")?);
                files.push(OutputFile {
                    path: alias_output_path(alias),
                    bytes: self.render("redirect.html", ctx.context())?.into_bytes(),
                });
            }
        }
        if which.sitemap {
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
        }
        Ok(files)
    }

    fn a_to_z(
        &self,
        site: &Site,
        lang: LangId,
        base: &Lender,
        refs: &RefValues,
    ) -> Result<OutputFile, Diagnostic> {
        let mut ctx = base.lend(lang);
        let title = string(ctx.context(), "medicines_a_to_z");
        let page = context::generated_page(site, lang, &title, "drugs", "drugs/", refs);
        ctx.insert_value("page", self.page_value(page, "drugs.html")?);
        // A letter's parts: runs of its entries, each rendered on its own.
        let render_part = |entries: Vec<Value>| {
            let mut ctx = base.lend(lang);
            ctx.insert_value("entries", Value::from(entries));
            self.render(a_to_z::PART_TEMPLATE, ctx.context())
        };
        // The page is mostly its parts: room for them and the theme around them, so that
        // a page of some megabytes is not grown (and copied) a doubling at a time.
        let html = self
            .a_to_z
            .render_with(
                site,
                lang,
                &mut ctx,
                refs,
                &render_part,
                |ctx, part_bytes| {
                    self.render_bytes("drugs.html", ctx.context(), part_bytes + 64 * 1024)
                },
            )
            .map_err(|f| match f {
                a_to_z::Failure::Value(e) => theme::template_error(&e, &self.sources, "drugs.html"),
                a_to_z::Failure::Part(d) => d,
            })??;
        Ok(OutputFile {
            path: format!("{}drugs/index.html", site.languages[lang].prefix),
            bytes: html,
        })
    }

    /// The search page of a language, and (for the default language) the 404 page.
    fn generated_pages(
        &self,
        site: &Site,
        lang: LangId,
        base: &Lender,
        refs: &RefValues,
        files: &mut Vec<OutputFile>,
    ) -> Result<(), Diagnostic> {
        let prefix = &site.languages[lang].prefix;
        let mut which = vec![(
            "search.html",
            "search",
            "search",
            "search/",
            format!("{prefix}search/index.html"),
        )];
        if lang == 0 {
            which.push((
                "404.html",
                "page_not_found",
                "404",
                "404.html",
                "404.html".into(),
            ));
        }
        for (template, title, kind, url_path, out) in which {
            let mut ctx = base.lend(lang);
            let title = string(ctx.context(), title);
            let page = context::generated_page(site, lang, &title, kind, url_path, refs);
            ctx.insert_value("page", self.page_value(page, template)?);
            files.push(OutputFile {
                path: out,
                bytes: self.render(template, ctx.context())?.into_bytes(),
            });
        }
        Ok(())
    }
}

/// One of the theme's strings from a base context's `t`.
fn string(base: &Context, key: &str) -> String {
    base.get("t")
        .and_then(|t| t.get_from_path(key))
        .and_then(Value::as_str)
        .unwrap_or(key)
        .to_string()
}

/// Which generated files to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub a_to_z: bool,
    /// The search and 404 pages.
    pub pages: bool,
    pub aliases: bool,
    /// `sitemap.xml` (every page's URL and review date) and `robots.txt` (which names it).
    pub sitemap: bool,
    /// The Atom feeds (pages' titles, summaries, URLs and review dates).
    pub feeds: bool,
}

impl Generated {
    pub fn all() -> Generated {
        Generated {
            a_to_z: true,
            pages: true,
            aliases: true,
            sitemap: true,
            feeds: true,
        }
    }

    pub fn none() -> Generated {
        Generated {
            a_to_z: false,
            pages: false,
            aliases: false,
            sitemap: false,
            feeds: false,
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

/// `safe` as Tera's own gives it, but a string is marked safe where it is rather than
/// copied: a page's body is printed with it, and tested with it, once a page each.
fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    if value.as_str().is_some() {
        value.clone().mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

/// The filters every template can use: `long_date`, `safe`, `page_items` and
/// `a_to_z_items`.
fn register_filters(tera: &mut Tera) {
    tera.register_filter("long_date", long_date);
    tera.register_filter("safe", safe);
    tera.register_filter("page_items", page_items::page_items);
    tera.register_filter("a_to_z_items", a_to_z_items::a_to_z_items);
}

/// `{{ "2026-11-01" | long_date }}` → `1 November 2026`; `long_date(t=t)` in the words of
/// the theme's strings `t` (`months`, `date_pattern`): `1 de noviembre de 2026`. Anything
/// that is not a date is shown as it is. Every page's review box shows two dates: the
/// date is read and the words filled in with no format string parsed on each call.
fn long_date(value: &Value, kwargs: Kwargs, _: &State) -> tera::TeraResult<String> {
    use chrono::Datelike;
    use std::fmt::Write;
    let text = value.as_str().unwrap_or_default();
    // `%Y-%m-%d` exactly: chrono's `FromStr` would also take a sign or a longer year.
    let date = match text.as_bytes() {
        [y @ .., b'-', _, _, b'-', _, _] if y.len() == 4 => text.parse::<chrono::NaiveDate>(),
        _ => return Ok(text.to_string()),
    };
    let Ok(date) = date else {
        return Ok(text.to_string());
    };
    let t = kwargs.get::<&Value>("t")?.and_then(Value::as_map);
    let word = |name: &'static str| t.and_then(|t| t.get(&tera::value::Key::Str(name)));
    let month = word("months")
        .and_then(Value::as_array)
        .and_then(|m| m.get(date.month0() as usize))
        .and_then(Value::as_str);
    let pattern = word("date_pattern").and_then(Value::as_str);
    let (month, pattern) = match (month, pattern) {
        (Some(month), Some(pattern)) => (month, pattern),
        // chrono's own English names.
        _ => (
            chrono::Month::try_from(date.month() as u8).map_or("", |m| m.name()),
            "{day} {month} {year}",
        ),
    };
    let mut out = String::with_capacity(pattern.len() + month.len() + 8);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        rest = if let Some(r) = after.strip_prefix("{day}") {
            let _ = write!(out, "{}", date.day());
            r
        } else if let Some(r) = after.strip_prefix("{month}") {
            out.push_str(month);
            r
        } else if let Some(r) = after.strip_prefix("{year}") {
            let _ = write!(out, "{}", date.year());
            r
        } else {
            out.push('{');
            &after[1..]
        };
    }
    out.push_str(rest);
    Ok(out)
}

/// Escapes what HTML needs escaped (Tera's default also escapes `/`, which makes every URL
/// unreadable in the page source). Most text has nothing to escape: it is read 16 bytes at
/// a time, and only the bytes to escape are looked at one by one.
pub(crate) fn escape_html_to(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use wide::u8x16;
    // The five characters are ASCII, so a byte that is one of them is that character, and
    // the text between two of them is whole characters.
    fn escaped(b: u8) -> Option<&'static [u8]> {
        Some(match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => return None,
        })
    }
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut emit = |i: usize, out: &mut dyn std::io::Write| -> std::io::Result<()> {
        if let Some(e) = escaped(bytes[i]) {
            out.write_all(&bytes[plain..i])?;
            out.write_all(e)?;
            plain = i + 1;
        }
        Ok(())
    };
    let mut chunks = bytes.chunks_exact(16);
    for (k, chunk) in (&mut chunks).enumerate() {
        let x = u8x16::new(chunk.try_into().expect("16 bytes"));
        let hits = b"&<>\"'"
            .iter()
            .fold(u8x16::splat(0), |m, &c| m | x.simd_eq(u8x16::splat(c)));
        let mut mask = hits.to_bitmask();
        while mask != 0 {
            emit(16 * k + mask.trailing_zeros() as usize, out)?;
            mask &= mask - 1;
        }
    }
    for i in bytes.len() - chunks.remainder().len()..bytes.len() {
        emit(i, out)?;
    }
    out.write_all(&bytes[plain..])
}

pub(crate) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every page's permalink, with its review date as `lastmod` and, on a site of more than
/// one language, its language versions as `xhtml:link rel="alternate"`.
fn sitemap(site: &Site) -> String {
    let multilingual = site.is_multilingual();
    /// `(loc, lastmod, [(hreflang, href)])`.
    type Entry = (String, Option<String>, Vec<(String, String)>);
    let mut entries: Vec<Entry> = site
        .pages
        .iter()
        .map(|p| {
            let alternates = context::alternates(site, p.id)
                .into_iter()
                .map(|a| (a.lang, a.permalink))
                .collect();
            (
                site.permalink(p.id),
                p.source.front.reviewed.map(|d| d.to_string()),
                alternates,
            )
        })
        .collect();
    for (lang, l) in site.languages.iter().enumerate() {
        for path in ["drugs/", "search/"] {
            let alternates = context::generated_alternates(site, lang, "search", path)
                .into_iter()
                .map(|a| (a.lang, a.permalink))
                .collect();
            entries.push((
                format!("{}{}{path}", site.base_url, l.prefix),
                None,
                alternates,
            ));
        }
    }
    entries.sort();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if multilingual {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    for (loc, lastmod, alternates) in entries {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&xml_escape(&loc));
        out.push_str("</loc>\n");
        if let Some(d) = lastmod {
            out.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        for (lang, href) in &alternates {
            out.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                xml_escape(lang),
                xml_escape(href)
            ));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    fn escape_html(s: &str) -> String {
        let mut out = Vec::new();
        super::escape_html_to(s, &mut out).expect("a Vec takes every write");
        String::from_utf8(out).expect("escaping keeps UTF-8")
    }

    #[test]
    fn the_site_context_urls_are_what_url_gives() {
        // Under a base path, in a language with its own home page and one without.
        let files: &[(&str, &str)] = &[
            (
                "formulary.toml",
                "title = \"T\"\nbase_url = \"https://user.github.io/bones/\"\n\
                 [languages.es]\ntitle = \"T es\"\n[languages.fr]\ntitle = \"T fr\"\n",
            ),
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHi.\n"),
            (
                "content/_index.es.md",
                "+++\ntitle = \"Inicio\"\n+++\nHola.\n",
            ),
        ];
        let (_dir, site) = crate::test_site::load(files);
        let url = super::UrlFn::of(&site);
        assert_eq!(site.languages.len(), 3);
        for (lang, l) in site.languages.iter().enumerate() {
            let c = crate::render::context::site_context(&site, lang);
            let of = |path| url.url(path, Some(&l.code)).unwrap();
            assert_eq!(c.home_url, of("_index.md"), "{}", l.code);
            assert_eq!(c.search_url, of("search"), "{}", l.code);
            assert_eq!(c.drugs_url, of("drugs"), "{}", l.code);
        }
        let fr = crate::render::context::site_context(&site, 2);
        assert_eq!(fr.drugs_url, "/bones/fr/drugs/");
    }

    #[test]
    fn safe_prints_a_string_unescaped_and_anything_else_as_text() {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.register_filter("safe", super::safe);
        tera.add_raw_template(
            "t.html",
            "{{ body | safe }}|{{ body }}|{{ n | safe }}|{% if empty | safe %}x{% endif %}",
        )
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("body", "<p>Tom & Jerry</p>");
        ctx.insert("n", &3);
        ctx.insert("empty", "");
        assert_eq!(
            tera.render("t.html", &ctx).unwrap(),
            "<p>Tom & Jerry</p>|&lt;p&gt;Tom &amp; Jerry&lt;/p&gt;|3|"
        );
    }

    #[test]
    fn escapes_the_five_characters_html_needs_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"Tom's "A & B" <5 mg> — é/ü"#),
            "Tom&#39;s &quot;A &amp; B&quot; &lt;5 mg&gt; — é/ü"
        );
        assert_eq!(
            escape_html("https://example.org/a?b=c"),
            "https://example.org/a?b=c"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("&"), "&amp;");
        // Characters to escape in the 16-byte blocks and after them, at either end of a
        // block, next to each other and next to characters of more than one byte.
        let text = "<a title='x'>é & \"y\"</a>&&ü<>0123456789abcdef'";
        for start in 0..text.len() {
            if let Some(tail) = text.get(start..) {
                assert_eq!(escape_html(tail), by_char_of(tail), "{tail:?}");
            }
        }
    }

    #[test]
    fn long_date_writes_a_date_in_words_and_anything_else_as_it_is() {
        let mut tera = tera::Tera::default();
        tera.register_filter("long_date", super::long_date);
        let mut render = |template: &str, t: tera::Value| {
            tera.add_raw_template("t", template).unwrap();
            let mut context = tera::Context::new();
            context.insert("t", &t);
            tera.render("t", &context).unwrap()
        };
        let none = tera::Value::none();
        assert_eq!(
            render("{{ '2026-11-01' | long_date }}", none.clone()),
            "1 November 2026"
        );
        assert_eq!(
            render("{{ '2026-02-28' | long_date(t=t) }}", none.clone()),
            "28 February 2026"
        );
        let es = tera::Value::from_serializable(&serde_json::json!({
            "date_pattern": "{day} de {month} de {year} {other}",
            "months": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                       "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
        }));
        assert_eq!(
            render("{{ '2026-10-09' | long_date(t=t) }}", es.clone()),
            "9 de octubre de 2026 {other}"
        );
        // Not a date, or not written as one: shown as it is.
        for text in [
            "2026-02-30",
            "+2026-11-01",
            "26-11-01",
            "2026-1-01",
            "soon",
            "",
        ] {
            let template = format!("{{{{ '{text}' | long_date(t=t) }}}}");
            assert_eq!(render(&template, es.clone()), text);
        }
    }

    #[test]
    fn toc_html_is_what_the_toc_list_component_makes() {
        let heading = |level, id: &str, title: &str| crate::markdown::Heading {
            level,
            id: id.to_string(),
            title: title.to_string(),
            offset: 0,
        };
        let headings = [
            heading(2, "a", "First"),
            heading(3, "a-1", "Under <first> & 'so on'"),
            heading(4, "a-1-1", "Deeper"),
            heading(3, "a-2", "Second under"),
            heading(2, "b", "Second \"quoted\""),
            heading(2, "c", "Third"),
            heading(3, "c-1", "Last"),
        ];
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::escape_html_to);
        super::register_filters(&mut tera);
        tera.add_raw_templates(vec![
            (
                "partials/components.html",
                include_str!("../../templates/partials/components.html"),
            ),
            ("list.html", "{{ <toc_list items={items}/> }}"),
            ("by-html.html", "{{ <toc html={html} title=\"C\"/> }}"),
            ("by-items.html", "{{ <toc items={items} title=\"C\"/> }}"),
        ])
        .unwrap();
        for headings in [&headings[..], &headings[..1], &[]] {
            let entries = super::context::toc(headings);
            let html = super::context::toc_html(&entries);
            let mut context = tera::Context::new();
            context.insert("items", &entries);
            context.insert("html", &html);
            let render = |name| tera.render(name, &context).unwrap();
            if headings.is_empty() {
                assert_eq!(html, "");
            } else {
                assert_eq!(html, render("list.html"));
            }
            assert_eq!(render("by-html.html"), render("by-items.html"));
        }
    }

    /// What escaping gives, a character at a time.
    fn by_char_of(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                c => c.to_string(),
            })
            .collect()
    }
}
