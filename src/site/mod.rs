//! The site model: pages by id, sections, URLs, headings, resolved links, the drug and
//! condition indexes and the reverse edges (treated_by, mentioned_on). Built once from the
//! loaded files, then read by renderers, checks and search.

pub mod drugs;
pub mod links;

use crate::config::Config;
use crate::load::front_matter::{Date, Kind};
use crate::load::{Asset, Loaded, Source};
use crate::markdown::{self, Autolinker, Heading, RenderInput};
use drugs::DrugName;
use links::Resolution;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

pub type PageId = usize;

/// URLs the build generates itself, which no content file may take.
pub const GENERATED_PAGES: [&str; 2] = ["drugs/", "search/"];
pub const GENERATED_FILES: [&str; 3] = ["sitemap.xml", "robots.txt", "404.html"];

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
    /// The URL path below the base path: `""` for home, `drug-classes/serms/`.
    pub url_path: String,
    /// The section that lists this page (home for top-level pages).
    pub parent: Option<PageId>,
    /// For sections: their pages in order (weight, title).
    pub pages: Vec<PageId>,
    pub subsections: Vec<PageId>,
    pub links: Vec<ResolvedLink>,
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
    pub fn title(&self) -> &str {
        &self.source.front.title
    }

    pub fn summary(&self) -> &str {
        self.source.front.summary.as_deref().unwrap_or("")
    }

    pub fn headings(&self) -> &[Heading] {
        &self.source.analysis.headings
    }

    /// Every id a link's `#anchor` may name on this page.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.source.analysis.has_anchor(anchor)
            || (self.kind == PageKind::DrugClass
                && self
                    .source
                    .front
                    .drugs
                    .iter()
                    .any(|d| drugs::drug_anchor(&d.name) == anchor))
    }

    pub fn anchors(&self) -> Vec<String> {
        let mut a: Vec<String> = self.source.analysis.anchors().map(str::to_string).collect();
        if self.kind == PageKind::DrugClass {
            a.extend(
                self.source
                    .front
                    .drugs
                    .iter()
                    .map(|d| drugs::drug_anchor(&d.name)),
            );
        }
        a
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
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// The path part of `base_url`: `/` or `/bones/`.
    pub base_path: String,
    /// `base_url` with a trailing slash.
    pub base_url: String,
    pub pages: Vec<Page>,
    pub by_content_path: HashMap<String, PageId>,
    pub by_url_path: HashMap<String, PageId>,
    pub home: PageId,
    pub drug_index: Arc<Vec<DrugName>>,
    pub autolinker: Arc<Autolinker>,
    pub content_assets: Vec<Asset>,
    pub static_files: Vec<Asset>,
    pub drafts: BTreeSet<String>,
    pub collisions: Vec<Collision>,
    /// Aliases by URL path → the page they redirect to.
    pub aliases: Vec<(String, PageId)>,
    /// The day "today" is, for review dates (`SOURCE_DATE_EPOCH` when set).
    pub today: chrono::NaiveDate,
    /// Every autolinked name with the URL it links to, sorted: what a body's autolinks
    /// depend on.
    pub autolink_names: Arc<Vec<(String, String)>>,
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
    pub fn url(&self, id: PageId) -> String {
        format!("{}{}", self.base_path, self.pages[id].url_path)
    }

    pub fn permalink(&self, id: PageId) -> String {
        format!("{}{}", self.base_url, self.pages[id].url_path)
    }

    pub fn page_by_path(&self, content_path: &str) -> Option<&Page> {
        self.by_content_path
            .get(content_path)
            .map(|&i| &self.pages[i])
    }

    /// Builds the model from what was loaded.
    pub fn build(config: Config, loaded: Loaded) -> Site {
        Site::build_reusing(config, loaded, None)
    }

    /// Builds the model, reusing from `prev` every page body whose inputs did not change:
    /// the same source, the same link targets and no changed autolink name in its text.
    pub fn build_reusing(config: Config, loaded: Loaded, prev: Option<&Site>) -> Site {
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

        // Pages and URLs; the first file (in path order) keeps a contested URL.
        let mut pages: Vec<Page> = Vec::with_capacity(sources.len() + 1);
        let mut by_url: HashMap<String, String> = HashMap::new();
        for g in GENERATED_PAGES.iter().chain(GENERATED_FILES.iter()) {
            by_url.insert(g.to_string(), format!("the generated page /{g}"));
        }
        let mut collisions = Vec::new();
        let has_home = sources.iter().any(|s| s.content_path == "_index.md");
        if !has_home {
            by_url.insert(String::new(), "content/_index.md".into());
            pages.push(new_page(
                0,
                Arc::new(synthetic_home(&config)),
                PageKind::Home,
                String::new(),
            ));
        }
        for source in sources {
            let url_path = url_path_of(&source.content_path);
            if let Some(holder) = by_url.get(&url_path) {
                collisions.push(Collision {
                    url_path,
                    file: source.file.clone(),
                    text: source.text.clone(),
                    holder: holder.clone(),
                });
                continue;
            }
            by_url.insert(
                url_path.clone(),
                source.file.to_string_lossy().replace('\\', "/"),
            );
            let kind = if source.content_path == "_index.md" {
                PageKind::Home
            } else if is_section_file(&source.content_path) {
                PageKind::Section
            } else {
                match source.front.kind {
                    Kind::Article => PageKind::Article,
                    Kind::DrugClass => PageKind::DrugClass,
                    Kind::Condition => PageKind::Condition,
                }
            };
            let id = pages.len();
            pages.push(new_page(id, source, kind, url_path));
        }
        let by_content_path: HashMap<String, PageId> = pages
            .iter()
            .map(|p| (p.source.content_path.clone(), p.id))
            .collect();
        let home = pages
            .iter()
            .position(|p| p.kind == PageKind::Home)
            .unwrap_or(0);

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

        link_sections(&mut pages, &by_content_path, home);

        // treats / related, and review dates.
        let all_paths: Vec<&str> = by_content_path.keys().map(String::as_str).collect();
        let refs: Vec<(Vec<PageId>, Vec<PageId>, Vec<UnknownRef>)> = pages
            .iter()
            .map(|p| {
                let mut unknown = Vec::new();
                let mut resolve = |key: &'static str, list: &[String]| -> Vec<PageId> {
                    list.iter()
                        .filter_map(|path| {
                            let clean = path.trim_start_matches('/');
                            let found = by_content_path.get(clean).copied();
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
                let treats = resolve("treats", &p.source.front.treats);
                let related = resolve("related", &p.source.front.related);
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

        // The names (A to Z, autolinks) depend only on the drug-class and condition pages'
        // front matter and URLs: with those unchanged, the previous build's are reused.
        let names_reusable = prev.filter(|p| {
            p.base_path == base_path
                && p.config.links.autolink == config.links.autolink
                && p.pages.len() == pages.len()
                && p.pages.iter().zip(&pages).all(|(a, b)| {
                    a.source.content_path == b.source.content_path
                        && a.kind == b.kind
                        && (!matches!(b.kind, PageKind::DrugClass | PageKind::Condition)
                            || Arc::ptr_eq(&a.source, &b.source)
                            || a.source.text[..a.source.body_start]
                                == b.source.text[..b.source.body_start])
                })
        });
        let mut site = Site {
            drug_index: Arc::new(Vec::new()),
            autolinker: Arc::new(Autolinker::new(Vec::new(), Vec::new())),
            config,
            base_path,
            base_url,
            pages,
            by_url_path: HashMap::new(),
            by_content_path,
            home,
            content_assets,
            static_files,
            drafts,
            collisions,
            aliases,
            today,
            autolink_names: Arc::new(Vec::new()),
        };
        site.by_url_path = site
            .pages
            .iter()
            .map(|p| (p.url_path.clone(), p.id))
            .collect();
        if let Some(p) = names_reusable {
            site.drug_index = p.drug_index.clone();
            site.autolinker = p.autolinker.clone();
            site.autolink_names = p.autolink_names.clone();
        } else {
            // Three independent reads of every name: side by side.
            let ((index, autolinker), names) = rayon::join(
                || {
                    rayon::join(
                        || drugs::drug_index(&site.pages),
                        || {
                            site.config.links.autolink.then(|| {
                                drugs::autolinker(&site.pages, |id| {
                                    format!("{}{}", site.base_path, site.pages[id].url_path)
                                })
                            })
                        },
                    )
                },
                || autolink_names(&site),
            );
            site.drug_index = Arc::new(index);
            if let Some(a) = autolinker {
                site.autolinker = Arc::new(a);
            }
            site.autolink_names = Arc::new(names);
        }
        site.resolve_and_render_bodies(prev);
        site.reverse_edges();
        site
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
        let changed_names = prev.filter(|_| same_pages).map(|p| {
            let changed = if Arc::ptr_eq(&p.autolink_names, &self.autolink_names) {
                Vec::new()
            } else {
                changed_names(&p.autolink_names, &self.autolink_names)
            };
            (!changed.is_empty()).then(|| {
                aho_corasick::AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .build(&changed)
                    .expect("names form a valid automaton")
            })
        });
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
            .map(|page| {
                let kept = links_from
                    .map(|p| &p.pages[page.id])
                    .filter(|old| Arc::ptr_eq(&old.source, &page.source));
                let links: Vec<ResolvedLink> = match kept {
                    Some(old) => old.links.clone(),
                    None => page
                        .source
                        .analysis
                        .links
                        .iter()
                        .enumerate()
                        .map(|(index, link)| ResolvedLink {
                            index,
                            resolution: self.resolve(page, &link.dest, &site_paths),
                        })
                        .collect(),
                };
                let reusable = match (&changed_names, prev) {
                    (Some(changed), Some(p)) => {
                        let old = &p.pages[page.id];
                        let same = Arc::ptr_eq(&old.source, &page.source) && old.links == links;
                        let names_same = changed
                            .as_ref()
                            .is_none_or(|ac| !ac.is_match(page.source.body()));
                        (same && names_same).then_some(old)
                    }
                    _ => None,
                };
                if let Some(old) = reusable {
                    return BodyResult {
                        links,
                        html: old.content_html.clone(),
                        autolinked: old.autolinked.clone(),
                    };
                }
                let mut rewrites: HashMap<&str, &str> = HashMap::new();
                for l in &links {
                    if let Resolution::Internal { url, .. } = &l.resolution {
                        rewrites.insert(
                            page.source.analysis.links[l.index].dest.as_str(),
                            url.as_str(),
                        );
                    }
                }
                let rewrite = |dest: &str| rewrites.get(dest).map(|u| u.to_string());
                let autolink_on =
                    page.source.front.autolink.unwrap_or(true) && self.config.links.autolink;
                let input = RenderInput {
                    body: page.source.body(),
                    headings: page.headings(),
                    rewrite: &rewrite,
                    autolinker: autolink_on.then_some(&self.autolinker),
                    page: page.id,
                };
                let (html, targets) = markdown::render(&input);
                let autolinked = targets
                    .iter()
                    .map(|&t| self.autolinker.targets()[t].page)
                    .collect();
                BodyResult {
                    links,
                    html: Arc::from(html),
                    autolinked,
                }
            })
            .collect();
        for (page, r) in self.pages.iter_mut().zip(results) {
            let mut links_to: Vec<PageId> = r
                .links
                .iter()
                .filter_map(|l| match &l.resolution {
                    Resolution::Internal { page, .. } => *page,
                    _ => None,
                })
                .chain(r.autolinked.iter().copied())
                .filter(|&t| t != page.id)
                .collect();
            links_to.sort_unstable();
            links_to.dedup();
            page.links = r.links;
            page.content_html = r.html;
            page.autolinked = r.autolinked;
            page.links_to = links_to;
        }
    }

    /// Paths below the base path that the build writes, besides pages: generated pages,
    /// static files and content assets.
    fn site_paths(&self) -> HashSet<String> {
        let mut s: HashSet<String> = GENERATED_PAGES
            .iter()
            .chain(GENERATED_FILES.iter())
            .map(|s| s.to_string())
            .collect();
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
            let as_page = if joined.ends_with('/') || joined.is_empty() {
                joined.clone()
            } else {
                format!("{joined}/")
            };
            match self
                .by_url_path
                .get(&as_page)
                .filter(|_| !as_page.is_empty())
            {
                Some(&id) => Some(id),
                None if joined.is_empty() => Some(self.home),
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

    /// treated_by and mentioned_on: one pass over every edge.
    fn reverse_edges(&mut self) {
        let n = self.pages.len();
        let mut treated_by: Vec<Vec<PageId>> = vec![Vec::new(); n];
        let mut mentioned_on: Vec<Vec<PageId>> = vec![Vec::new(); n];
        for page in &self.pages {
            if page.kind == PageKind::DrugClass {
                for &c in &page.treats {
                    treated_by[c].push(page.id);
                }
            }
            for &t in &page.links_to {
                mentioned_on[t].push(page.id);
            }
        }
        let by_title = |ids: &mut Vec<PageId>, pages: &[Page]| {
            ids.sort_unstable();
            ids.dedup();
            ids.sort_by_cached_key(|&a| (pages[a].title().to_lowercase(), a));
        };
        for (i, (mut tb, mut mo)) in treated_by.into_iter().zip(mentioned_on).enumerate() {
            by_title(&mut tb, &self.pages);
            by_title(&mut mo, &self.pages);
            self.pages[i].treated_by = tb;
            self.pages[i].mentioned_on = mo;
        }
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

    /// Drug-class pages by title.
    pub fn drug_classes(&self) -> Vec<PageId> {
        self.pages_of_kind(PageKind::DrugClass)
    }

    pub fn conditions(&self) -> Vec<PageId> {
        self.pages_of_kind(PageKind::Condition)
    }

    fn pages_of_kind(&self, kind: PageKind) -> Vec<PageId> {
        let mut ids: Vec<PageId> = self
            .pages
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.id)
            .collect();
        ids.sort_by_cached_key(|&a| (self.pages[a].title().to_lowercase(), a));
        ids
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

/// One page's body, rendered or reused.
struct BodyResult {
    links: Vec<ResolvedLink>,
    html: Arc<str>,
    autolinked: Vec<PageId>,
}

/// Every autolinked name with the URL it links to, sorted.
/// Whether two lists of files have the same output paths.
fn same_outputs(a: &[crate::load::Asset], b: &[crate::load::Asset]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.output_path == y.output_path)
}

fn autolink_names(site: &Site) -> Vec<(String, String)> {
    let mut names = Vec::new();
    for page in &site.pages {
        let url = site.url(page.id);
        match page.kind {
            PageKind::DrugClass => {
                for d in &page.source.front.drugs {
                    let target = format!("{url}#{}", drugs::drug_anchor(&d.name));
                    names.push((d.name.clone(), target.clone()));
                    for b in &d.brands {
                        names.push((b.clone(), target.clone()));
                    }
                }
            }
            PageKind::Condition => {
                names.push((page.title().to_string(), url.clone()));
                for a in &page.source.front.also_known_as {
                    names.push((a.clone(), url.clone()));
                }
            }
            _ => {}
        }
    }
    names.sort();
    names
}

/// The names in either sorted list whose entry differs between them (a merge of the two).
fn changed_names(old: &[(String, String)], new: &[(String, String)]) -> Vec<String> {
    let (mut i, mut j) = (0, 0);
    let mut changed: Vec<String> = Vec::new();
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                changed.push(a.0.clone());
                i += 1;
            }
            (Some(_), Some(b)) | (None, Some(b)) => {
                changed.push(b.0.clone());
                j += 1;
            }
            (Some(a), None) => {
                changed.push(a.0.clone());
                i += 1;
            }
            (None, None) => break,
        }
    }
    // The matcher folds ASCII case only, so other letters are matched in lower case too,
    // as the autolinker itself does.
    let lower: Vec<String> = changed.iter().map(|n| n.to_lowercase()).collect();
    changed.extend(lower);
    changed.sort();
    changed.dedup();
    changed
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

fn new_page(id: PageId, source: Arc<Source>, kind: PageKind, url_path: String) -> Page {
    Page {
        id,
        source,
        kind,
        url_path,
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        links: Vec::new(),
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

fn synthetic_home(config: &Config) -> Source {
    let text = format!("+++\ntitle = {:?}\n+++\n", config.title);
    let parsed = crate::load::front_matter::parse(&text).expect("a generated home page parses");
    Source {
        file: PathBuf::from("content/_index.md"),
        content_path: "_index.md".into(),
        analysis: Default::default(),
        front: parsed.front,
        body_start: parsed.body_start,
        text,
    }
}

/// Parents, section page lists (by weight, then title) and previous/next.
fn link_sections(pages: &mut [Page], by_path: &HashMap<String, PageId>, home: PageId) {
    let find_section = |mut dir: &str| -> PageId {
        loop {
            let candidate = if dir.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{dir}/_index.md")
            };
            if let Some(&id) = by_path.get(&candidate) {
                return id;
            }
            if dir.is_empty() {
                return home;
            }
            dir = dir_of(dir);
        }
    };
    for page in pages.iter_mut().filter(|p| p.kind != PageKind::Home) {
        let dir = dir_of(&page.source.content_path);
        let parent_dir = if page.kind == PageKind::Section {
            dir_of(dir)
        } else {
            dir
        };
        let parent = find_section(parent_dir);
        if parent != page.id {
            page.parent = Some(parent);
        }
    }
    let order = |pages: &[Page], ids: &mut Vec<PageId>| {
        ids.sort_by_cached_key(|&a| {
            let p = &pages[a];
            (
                p.source.front.weight.unwrap_or(i64::MAX),
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
    fn changed_names_are_the_difference_of_two_sorted_lists() {
        let e = |n: &str, u: &str| (n.to_string(), u.to_string());
        let old = vec![e("Actonel", "/b/"), e("Fosamax", "/b/"), e("Évista", "/s/")];
        let new = vec![
            e("Actonel", "/b/"),
            e("Fosavance", "/b/"),
            e("Évista", "/x/"),
        ];
        assert_eq!(
            changed_names(&old, &new),
            [
                "Fosamax",
                "Fosavance",
                "fosamax",
                "fosavance",
                "Évista",
                "évista"
            ]
        );
        assert!(changed_names(&old, &old).is_empty());
    }

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
}
