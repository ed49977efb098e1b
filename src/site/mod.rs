//! The site model: pages by id, sections, URLs, headings, resolved links, the drug and
//! condition indexes and the reverse edges (treated_by, mentioned_on). Built once from the
//! loaded files, then read by renderers, checks and search.

pub mod drugs;
pub mod links;
mod names_changed;
mod patch;
pub use patch::Edit;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::front_matter::{Date, Kind};
use crate::load::{translated_path, Asset, Loaded, Source};
use crate::markdown::{self, Autolinker, Heading, RenderInput};
use drugs::DrugName;
use links::Resolution;
use names_changed::NameFinder;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub type PageId = usize;
/// A language of the site: an index into [`Site::languages`]; 0 is the default language.
pub type LangId = usize;

/// URLs the build generates itself (in every language), which no content file may take.
pub const GENERATED_PAGES: [&str; 2] = ["drugs/", "search/"];
/// Files the build generates once, for the whole site.
pub const GENERATED_FILES: [&str; 3] = ["sitemap.xml", "robots.txt", "404.html"];
/// The feed of each language (below its prefix).
pub const FEED_FILE: &str = "atom.xml";

/// One language of the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// `en`, `es`: the code in file names and `hreflang`.
    pub code: String,
    /// Its name in itself ("Español"): the theme's `language_name` string.
    pub name: String,
    /// Below the base path: `""` for the default language, `es/` for the others.
    pub prefix: String,
    pub title: String,
    pub description: String,
    /// The language's home page.
    pub home: PageId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Section,
    Article,
    DrugClass,
    Condition,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Article => "article",
            PageKind::DrugClass => "drug-class",
            PageKind::Condition => "condition",
        }
    }

    pub fn is_section(self) -> bool {
        matches!(self, PageKind::Home | PageKind::Section)
    }
}

/// A link of a page's body with what it resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedLink {
    /// Index into the page's `analysis.links`.
    pub index: usize,
    pub resolution: Resolution,
}

/// A `treats` or `related` entry that names no page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRef {
    pub key: &'static str,
    pub path: String,
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub id: PageId,
    pub source: Arc<Source>,
    pub kind: PageKind,
    /// The page's language.
    pub lang: LangId,
    /// For a translation, the page it translates (in the default language).
    pub translation_of: Option<PageId>,
    /// For a page in the default language, its translations, by language.
    pub translations: Vec<PageId>,
    /// For a drug-class page, its medicines as shown (a translation's merged with its
    /// source's).
    pub drugs: Arc<[drugs::Drug]>,
    /// The URL path below the base path: `""` for home, `drug-classes/serms/`.
    pub url_path: String,
    /// The section that lists this page (home for top-level pages).
    pub parent: Option<PageId>,
    /// For sections: their pages in order (weight, title).
    pub pages: Vec<PageId>,
    pub subsections: Vec<PageId>,
    pub links: Arc<[ResolvedLink]>,
    pub treats: Vec<PageId>,
    pub related: Vec<PageId>,
    pub unknown_refs: Vec<UnknownRef>,
    pub treated_by: Vec<PageId>,
    pub mentioned_on: Vec<PageId>,
    pub previous: Option<PageId>,
    pub next: Option<PageId>,
    pub review_due: Option<Date>,
    /// The body rendered to HTML (links rewritten, autolinks applied); shared with the
    /// previous build's page when nothing it depends on changed.
    pub content_html: Arc<str>,
    /// Pages whose names this page's body autolinks.
    pub autolinked: Vec<PageId>,
    /// Pages this page's body links to, autolinks included.
    pub links_to: Vec<PageId>,
}

impl Page {
    /// Takes a rendered body: its links, HTML, autolinks and the pages it links to.
    fn set_body(&mut self, r: BodyResult) {
        let mut links_to: Vec<PageId> = r
            .links
            .iter()
            .filter_map(|l| match &l.resolution {
                Resolution::Internal { page, .. } => *page,
                _ => None,
            })
            .chain(r.autolinked.iter().copied())
            .filter(|&t| t != self.id)
            .collect();
        links_to.sort_unstable();
        links_to.dedup();
        self.links = r.links;
        self.content_html = r.html;
        self.autolinked = r.autolinked;
        self.links_to = links_to;
    }

    pub fn title(&self) -> &str {
        self.source.title()
    }

    pub fn summary(&self) -> &str {
        self.source.summary()
    }

    pub fn headings(&self) -> &[Heading] {
        self.source.headings()
    }

    /// Every id a link's `#anchor` may name on this page.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.source.analysis.has_anchor(anchor) || self.drugs.iter().any(|d| d.anchor == anchor)
    }

    pub fn anchors(&self) -> Vec<String> {
        let mut a: Vec<String> = self.source.analysis.anchors().map(str::to_string).collect();
        a.extend(self.drugs.iter().map(|d| d.anchor.clone()));
        a
    }

    /// The page this one is (or translates): itself, or its source.
    pub fn source_page(&self) -> PageId {
        self.translation_of.unwrap_or(self.id)
    }
}

/// Two files (or a file and an alias, or a generated page) on one URL.
#[derive(Debug, Clone)]
pub struct Collision {
    pub url_path: String,
    /// The file that lost the URL.
    pub file: PathBuf,
    pub text: String,
    /// What holds the URL: a file path or a generated page.
    pub holder: String,
}

/// The model of the whole site.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// The path part of `base_url`: `/` or `/bones/`.
    pub base_path: String,
    /// `base_url` with a trailing slash.
    pub base_url: String,
    pub pages: Vec<Page>,
    pub by_content_path: HashMap<String, PageId>,
    pub by_url_path: HashMap<String, PageId>,
    /// The home page of the default language.
    pub home: PageId,
    /// The languages, the default first.
    pub languages: Vec<Language>,
    /// Every language's drug names, by language (see [`DrugName::lang`]).
    pub drug_index: Arc<Vec<DrugName>>,
    /// One matcher per language, by [`LangId`].
    pub autolinkers: Vec<Arc<Autolinker>>,
    pub content_assets: Vec<Asset>,
    pub static_files: Vec<Asset>,
    pub drafts: BTreeSet<String>,
    pub collisions: Vec<Collision>,
    /// Aliases by URL path → the page they redirect to.
    pub aliases: Vec<(String, PageId)>,
    /// The day "today" is, for review dates (`SOURCE_DATE_EPOCH` when set).
    pub today: chrono::NaiveDate,
    /// Every autolinked name with the URL it links to, sorted: what a body's autolinks
    /// depend on. Made when first read ([`Site::autolink_names`]): only a rebuild that
    /// compares two models reads it.
    autolink_names: Arc<OnceLock<Vec<(String, String)>>>,
    /// Translations that cannot be placed: an unknown language code in a file name, a
    /// translation with no source, a kind or drug its source does not have.
    pub translation_problems: Vec<Diagnostic>,
}

/// `drug-classes/serms.md` → `drug-classes/serms/`; `x/_index.md` → `x/`.
pub fn url_path_of(content_path: &str) -> String {
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    let stem = stem
        .strip_suffix("_index")
        .or_else(|| stem.strip_suffix("/index"))
        .or_else(|| (stem == "index").then_some(""))
        .unwrap_or(stem);
    let stem = stem.trim_end_matches('/');
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

/// The content directory of a content path: `drug-classes/serms.md` → `drug-classes`.
pub fn dir_of(content_path: &str) -> &str {
    content_path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn is_section_file(content_path: &str) -> bool {
    content_path == "_index.md" || content_path.ends_with("/_index.md")
}

/// Today for review dates: `SOURCE_DATE_EPOCH` (seconds) when set, else the clock.
pub fn today() -> chrono::NaiveDate {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|dt| dt.date_naive())
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
}

impl Site {
    // Joined rather than formatted: these are made for every reference on every page.
    pub fn url(&self, id: PageId) -> String {
        [self.base_path.as_str(), &self.pages[id].url_path].concat()
    }

    pub fn permalink(&self, id: PageId) -> String {
        [self.base_url.as_str(), &self.pages[id].url_path].concat()
    }

    pub fn page_by_path(&self, content_path: &str) -> Option<&Page> {
        self.by_content_path
            .get(content_path)
            .map(|&i| &self.pages[i])
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// A page's translation group: the source first, then its translations by language.
    pub fn alternates(&self, id: PageId) -> Vec<PageId> {
        let source = self.pages[id].source_page();
        let mut all = vec![source];
        all.extend(&self.pages[source].translations);
        all
    }

    /// The version of page `id` in language `lang`: its translation when there is one,
    /// else the source.
    pub fn in_language(&self, id: PageId, lang: LangId) -> PageId {
        let source = self.pages[id].source_page();
        if lang == 0 {
            return source;
        }
        self.pages[source]
            .translations
            .iter()
            .copied()
            .find(|&t| self.pages[t].lang == lang)
            .unwrap_or(source)
    }

    /// The URL of a generated path (`drugs/`, `search/`, `atom.xml`) in a language.
    pub fn generated_url(&self, lang: LangId, path: &str) -> String {
        format!("{}{}{}", self.base_path, self.languages[lang].prefix, path)
    }

    /// The content path a link to `path` means from a page in `lang`: its translation into
    /// `lang` when one exists, else `path` itself.
    pub fn content_path_in(&self, path: &str, lang: LangId) -> String {
        if lang != 0 {
            let t = translated_path(path, &self.languages[lang].code);
            if self.by_content_path.contains_key(&t) {
                return t;
            }
        }
        path.to_string()
    }

    /// Builds the model from what was loaded, bodies and all.
    pub fn build(config: Config, loaded: Loaded) -> Site {
        let mut site = Site::build_model(config, loaded);
        site.render_bodies();
        site
    }

    /// Builds the model without its bodies: every link is resolved, but no body is rendered
    /// yet, so no page has its HTML, its autolinks or its `mentioned_on`.
    /// [`Site::render_bodies`] completes it. The checks and the search index read neither.
    pub fn build_model(config: Config, loaded: Loaded) -> Site {
        let mut site = Site::pages_of(config, loaded);
        site.complete_model();
        site
    }

    /// The model's pages, URLs, sections, references and medicines, but not yet its names
    /// (A to Z, autolinks), links or `treated_by`: what the search index reads, so that a
    /// build can make it beside the rest of the model. [`Site::complete_model`] adds those.
    pub fn pages_of(config: Config, loaded: Loaded) -> Site {
        Site::assemble(config, loaded, None)
    }

    /// Completes a model from [`Site::pages_of`] up to its bodies, as
    /// [`Site::build_model`] describes.
    pub fn complete_model(&mut self) {
        self.names_from(None);
        let site_paths = self.site_paths();
        let links: Vec<Arc<[ResolvedLink]>> = self
            .pages
            .par_iter()
            .map(|page| self.resolve_links(page, &site_paths))
            .collect();
        for (page, links) in self.pages.iter_mut().zip(links) {
            page.links = links;
        }
        self.treated_by_edges();
    }

    /// Renders every body (in parallel) with the links the model resolved, then finds the
    /// pages each page is mentioned on.
    pub fn render_bodies(&mut self) {
        self.render_bodies_then(|_| ());
    }

    /// [`Site::render_bodies`] for a build, which reads no page's Markdown after it: each
    /// page lets go of what only loading, the checks, the search index and its body's
    /// render read (its Markdown body, prose blocks and links) as soon as its HTML is made,
    /// so that the site's HTML is never held beside all of its Markdown. The front matter
    /// stays, for diagnostics that point into it; a source that something else still holds
    /// is kept whole. Serve keeps every source for the next edit.
    pub fn render_bodies_shedding(&mut self) {
        self.render_bodies_then(shed_body_of);
        // The autolinks are found. The matchers (every name of the site, some
        // milliseconds to free) go on a thread of their own.
        crate::drop_later((
            std::mem::take(&mut self.autolinkers),
            std::mem::take(&mut self.autolink_names),
        ));
    }

    /// Renders every body, then does `then` to its page.
    fn render_bodies_then(&mut self, then: impl Fn(&mut Page) + Sync) {
        let (autolinkers, config) = (&self.autolinkers, &self.config);
        self.pages
            .par_iter_mut()
            .with_max_len(crate::PAGES_PER_JOB)
            .for_each(|page| {
                let r = render_body(autolinkers, config, page, page.links.clone());
                page.set_body(r);
                then(page);
            });
        self.mentioned_on_edges();
    }

    /// Builds the model, reusing from `prev` every page body whose inputs did not change:
    /// the same source, the same link targets and no changed autolink name in its text.
    pub fn build_reusing(config: Config, loaded: Loaded, prev: Option<&Site>) -> Site {
        let mut site = Site::assemble(config, loaded, prev);
        site.names_from(prev);
        site.resolve_and_render_bodies(prev);
        site.treated_by_edges();
        site.mentioned_on_edges();
        site
    }

    /// The model up to its names, links and bodies: pages, URLs, sections, references and
    /// medicines (those reused from `prev` where nothing they depend on changed).
    fn assemble(config: Config, loaded: Loaded, prev: Option<&Site>) -> Site {
        let base_path = config.base_path();
        let base_url = config.base_url_slash();
        let today = today();
        let Loaded {
            sources,
            content_assets,
            static_files,
            drafts,
            ..
        } = loaded;

        // The languages: the default first, then the configured others by code.
        let mut languages: Vec<Language> = config
            .language_codes()
            .into_iter()
            .enumerate()
            .map(|(i, code)| {
                let lc = config.languages.get(&code);
                let (title, description) = if i == 0 {
                    (config.title.clone(), config.description.clone())
                } else {
                    (String::new(), String::new())
                };
                let strings = crate::render::strings::strings(&config, &code);
                Language {
                    name: strings
                        .get("language_name")
                        .and_then(|v| v.as_str())
                        .unwrap_or(&code)
                        .to_string(),
                    prefix: if i == 0 {
                        String::new()
                    } else {
                        format!("{code}/")
                    },
                    title: lc.and_then(|l| l.title.clone()).unwrap_or(title),
                    description: lc
                        .and_then(|l| l.description.clone())
                        .unwrap_or(description),
                    code,
                    home: 0,
                }
            })
            .collect();
        for l in languages.iter_mut().skip(1) {
            if l.title.is_empty() {
                l.title = config.title.clone();
            }
        }
        let lang_of_code = |code: &str| languages.iter().position(|l| l.code == code);
        let mut translation_problems = Vec::new();

        // Pages and URLs; the first file (in path order) keeps a contested URL.
        let mut pages: Vec<Page> = Vec::with_capacity(sources.len() + 1);
        let mut by_url: HashMap<String, String> = HashMap::with_capacity(sources.len() + 16);
        for l in &languages {
            for g in GENERATED_PAGES.iter().chain(
                (l.prefix.is_empty())
                    .then_some(GENERATED_FILES.iter())
                    .into_iter()
                    .flatten(),
            ) {
                by_url.insert(
                    format!("{}{g}", l.prefix),
                    format!("the generated page /{}{g}", l.prefix),
                );
            }
            by_url.insert(
                format!("{}{FEED_FILE}", l.prefix),
                format!("the generated feed /{}{FEED_FILE}", l.prefix),
            );
        }
        let mut collisions = Vec::new();
        let has_home = sources.iter().any(|s| s.content_path == "_index.md");
        if !has_home {
            by_url.insert(String::new(), "content/_index.md".into());
            pages.push(new_page(
                0,
                Arc::new(synthetic_home(&languages[0].title, None)),
                PageKind::Home,
                String::new(),
                0,
            ));
        }
        // Each file's URL (below its language's prefix), kind and name as a holder of a URL,
        // made on every core; they are claimed in path order below.
        let placed: Vec<(String, PageKind, String)> = sources
            .par_iter()
            .with_max_len(crate::PAGES_PER_JOB)
            .map(|source| {
                let kind = if source.source_path == "_index.md" {
                    PageKind::Home
                } else if is_section_file(&source.source_path) {
                    PageKind::Section
                } else {
                    match source.front.kind {
                        Kind::Article => PageKind::Article,
                        Kind::DrugClass => PageKind::DrugClass,
                        Kind::Condition => PageKind::Condition,
                    }
                };
                let holder = source.file.to_string_lossy().replace('\\', "/");
                (url_path_of(&source.source_path), kind, holder)
            })
            .collect();
        for (source, (url_path, kind, holder)) in sources.into_iter().zip(placed) {
            let lang = match source.lang.as_deref() {
                None => 0,
                Some(code) => match lang_of_code(code) {
                    Some(0) => {
                        translation_problems.push(
                            Diagnostic::error(
                                "translation",
                                &source.file,
                                format!(
                                    "`.{code}` in the file name names the site's default language; \
                                     name the file `{}`",
                                    source.source_path.rsplit('/').next().unwrap_or("")
                                ),
                            )
                            .at(&source.text, 1, 1),
                        );
                        continue;
                    }
                    Some(l) => l,
                    None => {
                        let known: Vec<&str> =
                            languages.iter().skip(1).map(|l| l.code.as_str()).collect();
                        let hint = crate::suggest::closest(code, known.iter().copied())
                            .map(|k| format!("; did you mean `{k}`?"))
                            .unwrap_or_default();
                        translation_problems.push(
                            Diagnostic::error(
                                "translation",
                                &source.file,
                                format!(
                                    "the file name is in language `{code}`, which formulary.toml \
                                     does not configure: add `[languages.{code}]`, or rename the \
                                     file{hint}"
                                ),
                            )
                            .at(&source.text, 1, 1),
                        );
                        continue;
                    }
                },
            };
            let url_path = match languages[lang].prefix.as_str() {
                "" => url_path,
                prefix => format!("{prefix}{url_path}"),
            };
            if let Some(holder) = by_url.get(&url_path) {
                collisions.push(Collision {
                    url_path,
                    file: source.file.clone(),
                    text: source.text.clone(),
                    holder: holder.clone(),
                });
                continue;
            }
            by_url.insert(url_path.clone(), holder);
            let id = pages.len();
            pages.push(new_page(id, source, kind, url_path, lang));
        }
        // A language without its own `_index.<code>.md` gets a home page of its title.
        for (lang, l) in languages.iter_mut().enumerate() {
            match pages
                .iter()
                .find(|p| p.lang == lang && p.kind == PageKind::Home)
            {
                Some(p) => l.home = p.id,
                None => {
                    let id = pages.len();
                    l.home = id;
                    by_url.insert(l.prefix.clone(), format!("content/_index.{}.md", l.code));
                    pages.push(new_page(
                        id,
                        Arc::new(synthetic_home(&l.title, Some(&l.code))),
                        PageKind::Home,
                        l.prefix.clone(),
                        lang,
                    ));
                }
            }
        }
        // The maps by content path and by URL, side by side.
        let (by_content_path, by_url_path) = rayon::join(
            || -> HashMap<String, PageId> {
                pages
                    .iter()
                    .map(|p| (p.source.content_path.clone(), p.id))
                    .collect()
            },
            || -> HashMap<String, PageId> {
                pages.iter().map(|p| (p.url_path.clone(), p.id)).collect()
            },
        );
        let home = languages[0].home;

        // Translations grouped with their sources.
        let mut translations: Vec<Vec<PageId>> = vec![Vec::new(); pages.len()];
        for page in pages.iter_mut().filter(|p| p.lang != 0) {
            match by_content_path.get(&page.source.source_path) {
                Some(&src) => page.translation_of = Some(src),
                None => {
                    let path = &page.source.source_path;
                    let why = if drafts.contains(path) {
                        format!(
                            "a translation needs its source: content/{path} is a draft, left \
                             out of this build (make this page a draft too, or build with --drafts)"
                        )
                    } else {
                        format!(
                            "a translation needs its source: there is no content/{path} for \
                             this page to translate"
                        )
                    };
                    translation_problems.push(
                        Diagnostic::error("translation", &page.source.file, why).at(
                            &page.source.text,
                            1,
                            1,
                        ),
                    );
                }
            }
        }
        for p in &pages {
            if let Some(src) = p.translation_of {
                translations[src].push(p.id);
            }
        }
        for (i, mut t) in translations.into_iter().enumerate() {
            t.sort_by_key(|&id| pages[id].lang);
            pages[i].translations = t;
        }
        // Each page's drugs, a class's own made in parallel; a translation's merged with its
        // source's.
        let own_drugs: Vec<Option<Arc<[drugs::Drug]>>> = pages
            .par_iter()
            .map(|p| {
                if p.kind != PageKind::DrugClass || class_source(&pages, p).is_some() {
                    return None;
                }
                // An unchanged source has the drugs the last build made of it.
                let kept = prev
                    .and_then(|prev| prev.page_by_path(&p.source.content_path))
                    .filter(|old| {
                        old.translation_of.is_none() && Arc::ptr_eq(&old.source, &p.source)
                    });
                Some(match kept {
                    Some(old) => old.drugs.clone(),
                    None => p.source.front.drugs.iter().map(drugs::Drug::of).collect(),
                })
            })
            .collect();
        for (page, own) in pages.iter_mut().zip(own_drugs) {
            if let Some(own) = own {
                page.drugs = own;
            }
        }
        for i in 0..pages.len() {
            let Some(src) = class_source(&pages, &pages[i]) else {
                continue;
            };
            let front = &pages[i].source.front;
            let (drugs, unknown) =
                drugs::drugs_of_translation(&pages[src].source.front.drugs, &front.drugs);
            let src_page = &pages[src];
            for u in unknown {
                let named = u.translates.as_deref().unwrap_or(&u.name);
                let hint = crate::suggest::closest(
                    named,
                    src_page.source.front.drugs.iter().map(|d| d.name.as_str()),
                )
                .map(|k| format!("; did you mean `translates = \"{k}\"`?"))
                .unwrap_or_default();
                let d = Diagnostic::error(
                    "translation",
                    &pages[i].source.file,
                    format!(
                        "`{named}` is not a drug of {}: an entry of a translation's \
                         `drugs` gives the names of one of its source's drugs (say which \
                         with `translates`){hint}",
                        src_page.source.file.to_string_lossy().replace('\\', "/")
                    ),
                );
                translation_problems.push(pages[i].source.diag_at_key(d, "drugs"));
            }
            pages[i].drugs = drugs.into();
        }
        for p in pages.iter().filter(|p| p.translation_of.is_some()) {
            let src = &pages[p.source_page()];
            if src.kind != p.kind {
                let d = Diagnostic::error(
                    "translation",
                    &p.source.file,
                    format!(
                        "a translation is the same kind of page as its source: {} is a {}, \
                         this page a {}",
                        src.source.file.to_string_lossy().replace('\\', "/"),
                        src.kind.as_str(),
                        p.kind.as_str()
                    ),
                );
                translation_problems.push(p.source.diag_at_key(d, "kind"));
            }
        }

        // Aliases: each an extra URL that redirects.
        let mut aliases = Vec::new();
        for page in &pages {
            for alias in &page.source.front.aliases {
                let path = alias.trim_start_matches('/');
                let path = if path.is_empty() || path.ends_with('/') || path.ends_with(".html") {
                    path.to_string()
                } else {
                    format!("{path}/")
                };
                if let Some(holder) = by_url.get(&path) {
                    collisions.push(Collision {
                        url_path: path,
                        file: page.source.file.clone(),
                        text: page.source.text.clone(),
                        holder: holder.clone(),
                    });
                } else {
                    by_url.insert(
                        path.clone(),
                        format!("an alias of {}", page.source.file.display()),
                    );
                    aliases.push((path, page.id));
                }
            }
        }

        link_sections(&mut pages, &by_content_path, &languages);

        // treats / related (a translation's own, or its source's), in the page's language.
        let all_paths: Vec<&str> = by_content_path.keys().map(String::as_str).collect();
        let refs: Vec<(Vec<PageId>, Vec<PageId>, Vec<UnknownRef>)> = pages
            .par_iter()
            .with_max_len(crate::PAGES_PER_JOB)
            .map(|p| {
                let mut unknown = Vec::new();
                let code = &languages[p.lang].code;
                let mut resolve = |key: &'static str, list: &[String]| -> Vec<PageId> {
                    list.iter()
                        .filter_map(|path| {
                            let clean = path.trim_start_matches('/');
                            let in_lang = (p.lang != 0)
                                .then(|| by_content_path.get(&translated_path(clean, code)))
                                .flatten();
                            let found = in_lang.or_else(|| by_content_path.get(clean)).copied();
                            if found.is_none() {
                                let suggestion =
                                    crate::suggest::closest_path(clean, all_paths.iter().copied())
                                        .map(str::to_string);
                                unknown.push(UnknownRef {
                                    key,
                                    path: path.clone(),
                                    suggestion,
                                });
                            }
                            found
                        })
                        .collect()
                };
                // A list the translation leaves out is its source's: resolved in the
                // translation's language, its unknown paths reported on the source only.
                let front = &p.source.front;
                let src_front = p.translation_of.map(|s| &pages[s].source.front);
                let (treats_list, treats_own) = match src_front {
                    Some(f) if front.treats.is_empty() && p.kind == PageKind::DrugClass => {
                        (&f.treats, false)
                    }
                    _ => (&front.treats, true),
                };
                let (related_list, related_own) = match src_front {
                    Some(f) if front.related.is_empty() => (&f.related, false),
                    _ => (&front.related, true),
                };
                let treats = resolve("treats", treats_list);
                let related = resolve("related", related_list);
                unknown.retain(|u| {
                    if u.key == "treats" {
                        treats_own
                    } else {
                        related_own
                    }
                });
                (treats, related, unknown)
            })
            .collect();
        let interval = chrono::Months::new(config.review.interval_months);
        for (page, (treats, related, unknown)) in pages.iter_mut().zip(refs) {
            page.treats = treats;
            page.related = related;
            page.unknown_refs = unknown;
            page.review_due = page
                .source
                .front
                .reviewed
                .and_then(|d| d.0.checked_add_months(interval))
                .map(Date);
        }

        Site {
            drug_index: Arc::new(Vec::new()),
            autolinkers: Vec::new(),
            config,
            base_path,
            base_url,
            pages,
            by_url_path,
            by_content_path,
            home,
            languages,
            content_assets,
            static_files,
            drafts,
            collisions,
            aliases,
            today,
            autolink_names: Arc::default(),
            translation_problems,
        }
    }

    /// The A to Z, the autolink matchers and the list of autolinked names: `prev`'s when
    /// nothing they depend on changed, else made anew.
    fn names_from(&mut self, prev: Option<&Site>) {
        // The names (A to Z, autolinks) depend only on the drug-class and condition pages'
        // front matter (and their sources') and URLs: with those unchanged, the previous
        // build's are reused.
        let names_reusable = prev.filter(|p| {
            p.base_path == self.base_path
                && p.config.links.autolink == self.config.links.autolink
                && p.languages == self.languages
                && p.pages.len() == self.pages.len()
                && p.pages.iter().zip(&self.pages).all(|(a, b)| {
                    a.source.content_path == b.source.content_path
                        && a.kind == b.kind
                        && (!matches!(b.kind, PageKind::DrugClass | PageKind::Condition)
                            || (Arc::ptr_eq(&a.source, &b.source)
                                || a.source.text[..a.source.body_start]
                                    == b.source.text[..b.source.body_start])
                                && same_list(&a.drugs, &b.drugs))
                })
        });
        if let Some(p) = names_reusable {
            self.drug_index = p.drug_index.clone();
            self.autolinkers = p.autolinkers.clone();
            self.autolink_names = p.autolink_names.clone();
        } else {
            self.build_names();
        }
    }

    /// A matcher for the names whose autolink target differs from `prev`'s (none when
    /// none does): a body without any of them autolinks as it did in `prev`.
    fn changed_names_since(&self, prev: &Site) -> Option<NameFinder> {
        if Arc::ptr_eq(&prev.autolink_names, &self.autolink_names) {
            return None;
        }
        NameFinder::of_changes(prev.autolink_names(), self.autolink_names())
    }

    /// The A to Z and the autolink matchers, from every page's names and URL. The list of
    /// autolinked names is made again when it is next read.
    fn build_names(&mut self) {
        self.build_names_then(|_| ());
    }

    /// Every autolinked name with the URL it links to, sorted.
    pub fn autolink_names(&self) -> &[(String, String)] {
        self.autolink_names.get_or_init(|| {
            let mut names = Vec::new();
            for page in &self.pages {
                self.autolink_entries(page, &mut names);
            }
            // Equal entries are the same strings: an unstable sort orders them just as well.
            names.sort_unstable();
            names
        })
    }

    /// The names `page` gives to autolinks, each with the URL it links to.
    pub(crate) fn autolink_entries(&self, page: &Page, names: &mut Vec<(String, String)>) {
        drugs::each_autolink_target(
            page,
            || self.url(page.id),
            |url, page_names| {
                names.extend(page_names.map(|name| (name.to_string(), url.clone())));
            },
        );
    }

    /// [`Site::build_names`], running `then` on the site beside the autolink matchers,
    /// which take longest.
    pub(crate) fn build_names_then<T: Send>(&mut self, then: impl FnOnce(&Site) -> T + Send) -> T {
        let site = &*self;
        // Independent reads of every name (the A to Z, one autolink matcher per language)
        // and `then`: side by side.
        let autolinker = |lang: LangId| {
            Arc::new(if site.config.links.autolink {
                drugs::autolinker(&site.pages, lang, |id| site.url(id))
            } else {
                Autolinker::new(Vec::<(String, usize)>::new(), Vec::new())
            })
        };
        let ((index, autolinkers), then) = rayon::join(
            || {
                rayon::join(
                    || drugs::drug_index(&site.pages),
                    || {
                        (0..site.languages.len())
                            .into_par_iter()
                            .map(autolinker)
                            .collect::<Vec<_>>()
                    },
                )
            },
            || then(site),
        );
        self.drug_index = Arc::new(index);
        self.autolinkers = autolinkers;
        self.autolink_names = Arc::default();
        then
    }

    /// Resolves every link and renders every body (in parallel): a body's HTML depends on
    /// the other pages only through link targets and autolink names.
    fn resolve_and_render_bodies(&mut self, prev: Option<&Site>) {
        let site_paths = self.site_paths();
        // Names whose autolink target changed since `prev`: a page whose text has none of
        // them autolinks exactly as before.
        let same_pages = prev.is_some_and(|p| {
            p.pages.len() == self.pages.len()
                && p.pages
                    .iter()
                    .zip(&self.pages)
                    .all(|(a, b)| a.source.content_path == b.source.content_path)
        });
        let changed_names = prev
            .filter(|_| same_pages)
            .map(|p| self.changed_names_since(p));
        // A link resolves the same while the site's paths and every page's anchors do: an
        // unchanged page then keeps the links `prev` resolved for it.
        let links_from = prev.filter(|p| {
            same_pages
                && p.base_path == self.base_path
                && p.aliases == self.aliases
                && p.drafts == self.drafts
                && same_outputs(&p.static_files, &self.static_files)
                && same_outputs(&p.content_assets, &self.content_assets)
                && p.pages.iter().zip(&self.pages).all(|(a, b)| {
                    a.url_path == b.url_path
                        && a.kind == b.kind
                        && (Arc::ptr_eq(&a.source, &b.source) || a.anchors() == b.anchors())
                })
        });
        let results: Vec<BodyResult> = self
            .pages
            .par_iter()
            .with_max_len(crate::PAGES_PER_JOB)
            .map(|page| {
                let kept = links_from
                    .map(|p| &p.pages[page.id])
                    .filter(|old| Arc::ptr_eq(&old.source, &page.source));
                let links: Arc<[ResolvedLink]> = match kept {
                    Some(old) => old.links.clone(),
                    None => self.resolve_links(page, &site_paths),
                };
                let reusable = match (&changed_names, prev) {
                    (Some(changed), Some(p)) => {
                        let old = &p.pages[page.id];
                        let same = Arc::ptr_eq(&old.source, &page.source)
                            && (Arc::ptr_eq(&old.links, &links) || old.links == links);
                        let names_same = changed
                            .as_ref()
                            .is_none_or(|ac| !ac.is_match(page.source.body()));
                        (same && names_same).then_some(old)
                    }
                    _ => None,
                };
                match reusable {
                    Some(old) => BodyResult {
                        links,
                        html: old.content_html.clone(),
                        autolinked: old.autolinked.clone(),
                    },
                    None => self.render_body(page, links),
                }
            })
            .collect();
        for (page, r) in self.pages.iter_mut().zip(results) {
            page.set_body(r);
        }
    }

    /// What every link of a page's body resolves to.
    fn resolve_links(&self, page: &Page, site_paths: &HashSet<String>) -> Arc<[ResolvedLink]> {
        page.source
            .analysis
            .links
            .iter()
            .enumerate()
            .map(|(index, link)| ResolvedLink {
                index,
                resolution: self.resolve(page, &link.dest, site_paths),
            })
            .collect()
    }

    /// A page's body as HTML, its links rewritten to `links` and its autolinks made.
    fn render_body(&self, page: &Page, links: Arc<[ResolvedLink]>) -> BodyResult {
        render_body(&self.autolinkers, &self.config, page, links)
    }

    /// Paths below the base path that the build writes, besides pages: generated pages,
    /// static files and content assets.
    fn site_paths(&self) -> HashSet<String> {
        let mut s: HashSet<String> = GENERATED_FILES.iter().map(|s| s.to_string()).collect();
        for l in &self.languages {
            for g in GENERATED_PAGES.iter().chain([FEED_FILE].iter()) {
                s.insert(format!("{}{g}", l.prefix));
            }
        }
        s.extend(self.static_files.iter().map(|a| a.output_path.clone()));
        s.extend(self.content_assets.iter().map(|a| a.output_path.clone()));
        s.extend(self.aliases.iter().map(|(p, _)| p.clone()));
        s
    }

    /// What one link of `page` becomes.
    pub fn resolve(&self, page: &Page, dest: &str, site_paths: &HashSet<String>) -> Resolution {
        if links::is_external(dest) {
            return Resolution::External;
        }
        let (path, fragment) = links::split_fragment(dest);
        let path = links::percent_decode(path);
        if path.is_empty() {
            return match fragment {
                Some(f) if !f.is_empty() && !page.has_anchor(f) => {
                    Resolution::Broken(self.missing_anchor(page, f))
                }
                _ => Resolution::Internal {
                    url: dest.to_string(),
                    page: None,
                },
            };
        }
        let dir = dir_of(&page.source.content_path);
        let Some(joined) = links::join(dir, &path) else {
            return Resolution::Broken(format!("`{path}` climbs out of the site"));
        };
        let target = if joined.ends_with(".md") {
            // From a translation, the same language's page where there is one.
            let joined = self.content_path_in(&joined, page.lang);
            match self.by_content_path.get(&joined) {
                Some(&id) => Some(id),
                None => {
                    let why = if self.drafts.contains(&joined) {
                        format!("`{path}` is a draft, left out of this build (build with --drafts to include it)")
                    } else {
                        let hint = crate::suggest::closest_path(
                            &joined,
                            self.by_content_path.keys().map(String::as_str),
                        )
                        .map(|s| {
                            format!(
                                "; did you mean `{}`?",
                                relative_to(dir, s, path.starts_with('/'))
                            )
                        })
                        .unwrap_or_default();
                        format!("no page `{path}` (looked for content/{joined}){hint}")
                    };
                    return Resolution::Broken(why);
                }
            }
        } else {
            let mut joined = joined;
            let mut as_page = if joined.ends_with('/') || joined.is_empty() {
                joined.clone()
            } else {
                format!("{joined}/")
            };
            // From a translation, `/drugs/` is its language's A to Z where that exists.
            let prefix = &self.languages[page.lang].prefix;
            if !prefix.is_empty() && !joined.is_empty() {
                let (j, p) = (format!("{prefix}{joined}"), format!("{prefix}{as_page}"));
                if self.by_url_path.contains_key(&p)
                    || site_paths.contains(&j)
                    || site_paths.contains(&p)
                {
                    (joined, as_page) = (j, p);
                }
            }
            match self
                .by_url_path
                .get(&as_page)
                .filter(|_| !as_page.is_empty())
            {
                Some(&id) => Some(id),
                None if joined.is_empty() => Some(self.languages[page.lang].home),
                None if site_paths.contains(&joined) || site_paths.contains(&as_page) => {
                    let url = format!(
                        "{}{}{}",
                        self.base_path,
                        joined,
                        fragment.map(|f| format!("#{f}")).unwrap_or_default()
                    );
                    return Resolution::Internal { url, page: None };
                }
                None => {
                    let candidates: Vec<String> = self
                        .pages
                        .iter()
                        .map(|p| p.url_path.clone())
                        .chain(site_paths.iter().cloned())
                        .collect();
                    let hint = crate::suggest::closest_path(
                        &joined,
                        candidates.iter().map(String::as_str),
                    )
                    .map(|s| format!("; did you mean `/{s}`?"))
                    .unwrap_or_default();
                    return Resolution::Broken(format!("nothing is published at `{path}`{hint}"));
                }
            }
        };
        let Some(id) = target else { unreachable!() };
        let target_page = &self.pages[id];
        let mut url = self.url(id);
        if let Some(f) = fragment.filter(|f| !f.is_empty()) {
            if !target_page.has_anchor(f) {
                return Resolution::Broken(self.missing_anchor(target_page, f));
            }
            url.push('#');
            url.push_str(f);
        }
        Resolution::Internal {
            url,
            page: Some(id),
        }
    }

    fn missing_anchor(&self, target: &Page, anchor: &str) -> String {
        let anchors = target.anchors();
        let hint = crate::suggest::closest(anchor, anchors.iter().map(String::as_str))
            .map(|s| format!("; did you mean `#{s}`?"))
            .unwrap_or_default();
        format!(
            "no heading or id `#{anchor}` on {}{hint}",
            target.source.file.to_string_lossy().replace('\\', "/")
        )
    }

    /// `treated_by`: the drug classes that list a condition in their `treats`.
    fn treated_by_edges(&mut self) {
        let mut treated_by: Vec<Vec<PageId>> = vec![Vec::new(); self.pages.len()];
        for page in self.pages.iter().filter(|p| p.kind == PageKind::DrugClass) {
            for &c in &page.treats {
                treated_by[c].push(page.id);
            }
        }
        // A translated condition lists every class that treats its source, in its language
        // where there is a translation.
        for page in self.pages.iter().filter(|p| p.kind == PageKind::Condition) {
            let Some(src) = page.translation_of else {
                continue;
            };
            let from_source: Vec<PageId> = treated_by[src]
                .iter()
                .map(|&c| self.in_language(c, page.lang))
                .collect();
            let own = &mut treated_by[page.id];
            for c in from_source {
                let group = self.pages[c].source_page();
                if !own.iter().any(|&o| self.pages[o].source_page() == group) {
                    own.push(c);
                }
            }
        }
        self.set_by_title(treated_by, |page, list| page.treated_by = list);
    }

    /// `mentioned_on`: the pages whose bodies link to a page, by hand or by autolink (in
    /// its own language only).
    fn mentioned_on_edges(&mut self) {
        let mut mentioned_on: Vec<Vec<PageId>> = vec![Vec::new(); self.pages.len()];
        for page in &self.pages {
            for &t in page
                .links_to
                .iter()
                .filter(|&&t| self.pages[t].lang == page.lang)
            {
                mentioned_on[t].push(page.id);
            }
        }
        self.set_by_title(mentioned_on, |page, list| page.mentioned_on = list);
    }

    /// Gives each page its list of `lists`, ordered by title, without repeats.
    fn set_by_title(
        &mut self,
        lists: Vec<Vec<PageId>>,
        set: impl Fn(&mut Page, Vec<PageId>) + Sync,
    ) {
        // Each page's place in title order, found once: the lists are sorted by it.
        let mut order: Vec<(String, PageId)> = self.pages.par_iter().map(title_key).collect();
        order.par_sort_unstable();
        let mut rank = vec![0; self.pages.len()];
        for (r, (_, id)) in order.into_iter().enumerate() {
            rank[id] = r;
        }
        self.pages
            .par_iter_mut()
            .zip(lists)
            .for_each(|(page, mut list)| {
                list.sort_unstable_by_key(|&a| rank[a]);
                list.dedup();
                set(page, list);
            });
    }

    /// A page's "Related": its own `related`, then (for a drug class) the classes that
    /// treat the same conditions.
    pub fn related_of(&self, id: PageId) -> Vec<PageId> {
        let page = &self.pages[id];
        let mut related = page.related.clone();
        if page.kind == PageKind::DrugClass {
            for &c in &page.treats {
                for &other in &self.pages[c].treated_by {
                    if other != id && !related.contains(&other) {
                        related.push(other);
                    }
                }
            }
        }
        related
    }

    /// Drug-class pages of a language by title.
    pub fn drug_classes(&self, lang: LangId) -> Vec<PageId> {
        self.pages_of_kind(PageKind::DrugClass, lang)
    }

    pub fn conditions(&self, lang: LangId) -> Vec<PageId> {
        self.pages_of_kind(PageKind::Condition, lang)
    }

    fn pages_of_kind(&self, kind: PageKind, lang: LangId) -> Vec<PageId> {
        let mut ids: Vec<PageId> = self
            .pages
            .iter()
            .filter(|p| p.kind == kind && p.lang == lang)
            .map(|p| p.id)
            .collect();
        ids.sort_by_cached_key(|&a| (self.pages[a].title().to_lowercase(), a));
        ids
    }

    /// For a translation reviewed before its source was last reviewed: the two dates
    /// (translation, source).
    pub fn translation_outdated(&self, page: &Page) -> Option<(Date, Date)> {
        let source = &self.pages[page.translation_of?];
        let (own, theirs) = (page.source.front.reviewed?, source.source.front.reviewed?);
        (own < theirs).then_some((own, theirs))
    }

    /// Is `reviewed` older than the review interval?
    pub fn is_overdue(&self, page: &Page) -> bool {
        page.review_due.is_some_and(|due| due.0 < self.today)
    }

    /// The ancestors of a page, home first, not including the page.
    pub fn breadcrumbs(&self, id: PageId) -> Vec<PageId> {
        let mut chain = Vec::new();
        let mut cur = self.pages[id].parent;
        while let Some(p) = cur {
            if chain.contains(&p) {
                break;
            }
            chain.push(p);
            cur = self.pages[p].parent;
        }
        chain.reverse();
        chain
    }
}

/// Lets go of what a page's HTML was made from (see [`Site::render_bodies_shedding`]).
fn shed_body_of(page: &mut Page) {
    if let Some(src) = Arc::get_mut(&mut page.source) {
        src.text.truncate(src.body_start);
        src.text.shrink_to_fit();
        let a = &mut src.analysis;
        a.shed_blocks();
        (a.html, a.html_ids, a.links, a.tape) = Default::default();
    }
    page.links = Arc::from([]);
    page.unknown_refs = Vec::new();
}

/// A page's body as HTML, its links rewritten to `links` and its autolinks made by
/// `autolinkers` (one a language).
fn render_body(
    autolinkers: &[Arc<Autolinker>],
    config: &Config,
    page: &Page,
    links: Arc<[ResolvedLink]>,
) -> BodyResult {
    let mut rewrites: HashMap<&str, &str> = HashMap::new();
    for l in links.iter() {
        if let Resolution::Internal { url, .. } = &l.resolution {
            rewrites.insert(
                page.source.analysis.links[l.index].dest.as_str(),
                url.as_str(),
            );
        }
    }
    let rewrite = |dest: &str| rewrites.get(dest).map(|u| u.to_string());
    let autolink_on = page.source.front.autolink.unwrap_or(true) && config.links.autolink;
    let autolinker = &autolinkers[page.lang];
    let input = RenderInput {
        body: page.source.body(),
        tape: page.source.analysis.tape.as_ref(),
        headings: page.headings(),
        rewrite: &rewrite,
        autolinker: autolink_on.then_some(autolinker),
        page: page.id,
    };
    let (html, targets) = markdown::render(&input);
    let autolinked = targets
        .iter()
        .map(|&t| autolinker.targets()[t].page)
        .collect();
    BodyResult {
        links,
        html: Arc::from(html),
        autolinked,
    }
}

/// One page's body, rendered or reused.
struct BodyResult {
    links: Arc<[ResolvedLink]>,
    html: Arc<str>,
    autolinked: Vec<PageId>,
}

/// Whether two shared lists are equal, without reading them when they are one.
pub fn same_list<T: PartialEq>(a: &Arc<[T]>, b: &Arc<[T]>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// Where a page goes in a list ordered by title: lower-cased title, then id.
fn title_key(page: &Page) -> (String, PageId) {
    (page.title().to_lowercase(), page.id)
}

/// Whether two lists of files have the same output paths.
fn same_outputs(a: &[crate::load::Asset], b: &[crate::load::Asset]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.output_path == y.output_path)
}

/// A suggestion written the way the editor wrote the link.
fn relative_to(dir: &str, target: &str, rooted: bool) -> String {
    if rooted {
        return format!("/{target}");
    }
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

/// The page a drug-class page translates, when that page is a drug class too.
fn class_source(pages: &[Page], page: &Page) -> Option<PageId> {
    page.translation_of
        .filter(|&src| page.kind == PageKind::DrugClass && pages[src].kind == PageKind::DrugClass)
}

fn new_page(
    id: PageId,
    source: Arc<Source>,
    kind: PageKind,
    url_path: String,
    lang: LangId,
) -> Page {
    Page {
        id,
        source,
        kind,
        lang,
        translation_of: None,
        translations: Vec::new(),
        drugs: Arc::from([]),
        url_path,
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        links: Arc::from([]),
        treats: Vec::new(),
        related: Vec::new(),
        unknown_refs: Vec::new(),
        treated_by: Vec::new(),
        mentioned_on: Vec::new(),
        previous: None,
        next: None,
        review_due: None,
        content_html: Arc::from(""),
        autolinked: Vec::new(),
        links_to: Vec::new(),
    }
}

/// The home page of a language that has no `_index.md` (or `_index.<code>.md`).
fn synthetic_home(title: &str, lang: Option<&str>) -> Source {
    let text = format!("+++\ntitle = {title:?}\n+++\n");
    let parsed = crate::load::front_matter::parse(&text).expect("a generated home page parses");
    let content_path = match lang {
        Some(code) => format!("_index.{code}.md"),
        None => "_index.md".into(),
    };
    Source {
        file: PathBuf::from(format!("content/{content_path}")),
        content_path,
        lang: lang.map(str::to_string),
        source_path: "_index.md".into(),
        analysis: Default::default(),
        front: parsed.front,
        body_start: parsed.body_start,
        text,
        reading: None,
    }
}

/// Parents, section page lists (by weight, then title) and previous/next, each language on
/// its own: a page's section is the nearest `_index` of its language up its folders, else
/// its language's home.
fn link_sections(pages: &mut [Page], by_path: &HashMap<String, PageId>, languages: &[Language]) {
    let find_section = |mut dir: &str, lang: LangId| -> PageId {
        loop {
            let candidate = if dir.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{dir}/_index.md")
            };
            let candidate = if lang == 0 {
                candidate
            } else {
                translated_path(&candidate, &languages[lang].code)
            };
            if let Some(&id) = by_path.get(&candidate) {
                return id;
            }
            if dir.is_empty() {
                return languages[lang].home;
            }
            dir = dir_of(dir);
        }
    };
    let parents: Vec<Option<PageId>> = pages
        .par_iter()
        .with_max_len(crate::PAGES_PER_JOB)
        .map(|page| {
            if page.kind == PageKind::Home {
                return None;
            }
            let dir = dir_of(&page.source.source_path);
            let parent_dir = if page.kind == PageKind::Section {
                dir_of(dir)
            } else {
                dir
            };
            Some(find_section(parent_dir, page.lang)).filter(|&parent| parent != page.id)
        })
        .collect();
    for (page, parent) in pages.iter_mut().zip(parents) {
        page.parent = parent;
    }
    // A translation without a `weight` sits where its source does.
    let weights: Vec<Option<i64>> = pages
        .iter()
        .map(|p| {
            p.source
                .front
                .weight
                .or_else(|| p.translation_of.and_then(|s| pages[s].source.front.weight))
        })
        .collect();
    let order = |pages: &[Page], ids: &mut Vec<PageId>| {
        ids.sort_by_cached_key(|&a| {
            let p = &pages[a];
            (
                weights[a].unwrap_or(i64::MAX),
                p.title().to_lowercase(),
                p.source.content_path.clone(),
            )
        });
    };
    let mut children: HashMap<PageId, (Vec<PageId>, Vec<PageId>)> = HashMap::new();
    for p in pages.iter() {
        if let Some(parent) = p.parent {
            let entry = children.entry(parent).or_default();
            if p.kind == PageKind::Section {
                entry.1.push(p.id);
            } else {
                entry.0.push(p.id);
            }
        }
    }
    for (parent, (mut list, mut subs)) in children {
        order(pages, &mut list);
        order(pages, &mut subs);
        for (k, &id) in list.iter().enumerate() {
            pages[id].previous = k.checked_sub(1).map(|j| list[j]);
            pages[id].next = list.get(k + 1).copied();
        }
        pages[parent].pages = list;
        pages[parent].subsections = subs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls() {
        assert_eq!(url_path_of("drug-classes/serms.md"), "drug-classes/serms/");
        assert_eq!(url_path_of("drug-classes/_index.md"), "drug-classes/");
        assert_eq!(url_path_of("_index.md"), "");
        assert_eq!(url_path_of("guides/index.md"), "guides/");
        assert_eq!(url_path_of("about.md"), "about/");
    }

    #[test]
    fn suggestions_read_like_the_link() {
        assert_eq!(
            relative_to("drug-classes", "conditions/osteoporosis.md", false),
            "../conditions/osteoporosis.md"
        );
        assert_eq!(
            relative_to("drug-classes", "drug-classes/serms.md", false),
            "serms.md"
        );
        assert_eq!(relative_to("", "a/b.md", true), "/a/b.md");
    }

    /// Two drug classes, the first naming the second's medicine and linking to it.
    fn two_classes() -> (tempfile::TempDir, Config, impl Fn() -> Loaded) {
        let dir = crate::test_site::write(&[
            ("formulary.toml", "title = \"T\"\n"),
            (
                "content/drug-classes/a.md",
                "+++\ntitle = \"A\"\nkind = \"drug-class\"\nsummary = \"A.\"\nreviewed = 2026-01-01\nreviewer = \"R\"\ndrugs = [{ name = \"druga\" }]\n+++\nSome people take drugb instead; see [B](b.md).\n",
            ),
            (
                "content/drug-classes/b.md",
                "+++\ntitle = \"B\"\nkind = \"drug-class\"\nsummary = \"B.\"\nreviewed = 2026-01-01\nreviewer = \"R\"\ndrugs = [{ name = \"drugb\" }]\n+++\nTake it with water.\n",
            ),
        ]);
        let config = crate::build::load_config(dir.path(), None).unwrap();
        let root = dir.path().to_path_buf();
        let lang = config.language.clone();
        (dir, config, move || crate::load::load(&root, false, &lang))
    }

    #[test]
    fn a_build_lets_go_of_each_markdown_body_once_its_html_is_made() {
        let (_dir, config, load) = two_classes();
        let mut kept = Site::build_model(config.clone(), load());
        kept.render_bodies();
        let mut shed = Site::build_model(config, load());
        let id = |path: &str| shed.page_by_path(path).unwrap().id;
        let (a, b) = (id("drug-classes/a.md"), id("drug-classes/b.md"));
        // A source that something else still holds is left whole.
        let held = shed.pages[b].source.clone();
        shed.render_bodies_shedding();

        assert_eq!(kept.pages.len(), shed.pages.len());
        for (k, s) in kept.pages.iter().zip(&shed.pages) {
            assert_eq!(k.content_html, s.content_html);
            assert_eq!(k.autolinked, s.autolinked);
            assert_eq!(k.links_to, s.links_to);
            assert_eq!(k.mentioned_on, s.mentioned_on);
            assert!(k.source.analysis.tape.is_some() || k.source.body().is_empty());
        }
        assert_eq!(shed.pages[b].mentioned_on, vec![a]);
        let a = &shed.pages[a];
        assert!(
            a.content_html.contains("href=\"/drug-classes/b/"),
            "{}",
            a.content_html
        );
        assert!(kept.pages[a.id].source.body().contains("drugb"));
        assert_eq!(a.source.body(), "");
        assert!(a.source.text.starts_with("+++") && a.source.text.ends_with("+++\n"));
        assert!(a.source.analysis.tape.is_none() && a.source.analysis.links.is_empty());
        assert!(a.links.is_empty());
        assert!(Arc::ptr_eq(&held, &shed.pages[b].source));
        assert_eq!(held.body(), "Take it with water.\n");
        assert!(shed.autolinkers.is_empty());
    }
}
