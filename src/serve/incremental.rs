//! Incremental rebuilds for serve and watch: the sources, the model and the output of the
//! last build are kept; a batch of changed files re-reads only those files, reuses every
//! page body whose inputs did not change, and re-renders exactly the pages whose output
//! can have changed. After any sequence of edits the files equal a fresh full build.

use crate::build::{self, BuildError};
use crate::config::{Config, CONFIG_FILE};
use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, Asset, Loaded, Source};
use crate::render::{self, theme, Generated, Renderer};
use crate::search::live::{Changes, Live};
use crate::site::{same_list, Edit, PageId, Site};
use crate::write::{self, Entry};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

/// The files of one good build, by output path: a persistent map, so that serve's
/// snapshot of it is a pointer copy and an edit's changes share everything else.
pub type Files = imbl::HashMap<String, Arc<[u8]>>;

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Update {
    /// Output paths written or rewritten, and removed.
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// Pages rendered through their templates.
    pub rendered: usize,
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the site built (no errors); if not, the files are the last good ones.
    pub ok: bool,
    /// The rebuild could not even start (bad configuration).
    pub fatal: bool,
}

/// The state kept between rebuilds.
pub struct Incremental {
    root: PathBuf,
    base_url: Option<String>,
    drafts: bool,
    config: Option<Config>,
    sources: BTreeMap<String, Arc<Source>>,
    draft_paths: BTreeSet<String>,
    load_errors: BTreeMap<String, Diagnostic>,
    static_files: Vec<Asset>,
    content_assets: Vec<Asset>,
    renderer: Option<Renderer>,
    site: Option<Site>,
    /// The output of the last good build.
    files: Files,
    /// The static files and content assets in it.
    asset_paths: BTreeSet<String>,
    /// The page checks' findings for each page of `site`, and the site checks'.
    page_diags: Vec<Vec<Diagnostic>>,
    site_diags: Vec<Diagnostic>,
    /// The search index of the last good build, one per language.
    search: Vec<Live>,
    /// Pages re-read since the last good build, which had them too.
    edited: BTreeSet<String>,
    /// Whether a page came, went or changed between draft and page since then.
    pages_changed: bool,
    /// The A to Z of `site` is not in `files` (its render, put after an edit's pages,
    /// failed): the next rebuild renders it.
    a_to_z_owed: bool,
}

impl Incremental {
    /// Loads everything and builds the whole site once.
    pub fn new(root: &Path, base_url: Option<&str>, drafts: bool) -> (Incremental, Update) {
        let mut inc = Incremental {
            root: root.to_path_buf(),
            base_url: base_url.map(str::to_string),
            drafts,
            config: None,
            sources: BTreeMap::new(),
            draft_paths: BTreeSet::new(),
            load_errors: BTreeMap::new(),
            static_files: Vec::new(),
            content_assets: Vec::new(),
            renderer: None,
            site: None,
            files: Files::new(),
            asset_paths: BTreeSet::new(),
            page_diags: Vec::new(),
            site_diags: Vec::new(),
            search: Vec::new(),
            edited: BTreeSet::new(),
            pages_changed: false,
            a_to_z_owed: false,
        };
        let update = inc.full();
        (inc, update)
    }

    /// The files of the last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Re-reads everything (a configuration change, or the first build).
    fn full(&mut self) -> Update {
        self.site = None;
        self.renderer = None;
        self.sources.clear();
        self.draft_paths.clear();
        self.load_errors.clear();
        self.config = match build::load_config(&self.root, self.base_url.as_deref()) {
            Ok(c) => Some(c),
            Err(e) => {
                let d = match e {
                    BuildError::Config(d) => *d,
                    other => Diagnostic::error("config", CONFIG_FILE, other.to_string()),
                };
                return Update {
                    diagnostics: vec![d],
                    fatal: true,
                    ..Update::default()
                };
            }
        };
        let language = self.config.as_ref().map_or("", |c| c.language.as_str());
        let loaded = load::load(&self.root, self.drafts, language);
        for s in loaded.sources {
            self.sources.insert(s.content_path.clone(), s);
        }
        self.draft_paths = loaded.drafts;
        for d in loaded.diagnostics {
            let key = content_path_of(&d.path).unwrap_or_default();
            self.load_errors.insert(key, d);
        }
        self.static_files = loaded.static_files;
        self.content_assets = loaded.content_assets;
        self.rebuild(&HashSet::new(), true, &mut |_, _| ())
    }

    /// Applies a batch of changed paths (relative to the root).
    pub fn apply(&mut self, batch: &[PathBuf]) -> Update {
        self.apply_with(batch, &mut |_, _| ())
    }

    /// [`Incremental::apply`] that hands over the pages an edit changed before the A to Z,
    /// when the edit renamed a drug or a brand: the A to Z shows every name of the site and
    /// takes far longer than the pages, which are what the editor is looking at. `early`
    /// gets the update so far and the files with it; the update returned holds everything.
    pub fn apply_with(
        &mut self,
        batch: &[PathBuf],
        early: &mut dyn FnMut(&Update, &Files),
    ) -> Update {
        if self.config.is_none() || batch.iter().any(|p| p == Path::new(CONFIG_FILE)) {
            return self.full();
        }
        let mut templates_changed = HashSet::new();
        let mut rewalk_static = false;
        let mut rewalk_assets = false;
        for path in batch {
            let rel = path.to_string_lossy().replace('\\', "/");
            if let Some(cp) = rel.strip_prefix("content/") {
                if cp.ends_with(".md") {
                    self.reload_source(cp);
                } else if changes_assets(&self.root.join(path), cp, &self.content_assets) {
                    rewalk_assets = true;
                }
            } else if rel == load::CONTENT_DIR {
                // The folder itself appeared or went: read it all again.
                return self.full();
            } else if let Some(t) = rel.strip_prefix("templates/") {
                templates_changed.insert(t.to_string());
            } else if rel == load::TEMPLATES_DIR {
                templates_changed.insert(String::new());
            } else if let Some(sp) = rel.strip_prefix("static/") {
                if changes_assets(&self.root.join(path), sp, &self.static_files) {
                    rewalk_static = true;
                }
            } else if rel == load::STATIC_DIR {
                rewalk_static = true;
            }
        }
        // A folder renamed or removed under content/ leaves pages whose file is gone. Only
        // a batch naming a page or a folder of pages that is not a file now can have done
        // that: a save of a page (even through a temporary file, gone by now) does not need
        // every page's file looked up.
        let maybe_gone = batch.iter().any(|p| {
            content_path_of(p).is_some_and(|cp| {
                !self.root.join(p).is_file() && (cp.ends_with(".md") || self.holds_pages(&cp))
            })
        });
        if maybe_gone {
            let gone: Vec<String> = self
                .sources
                .keys()
                .filter(|cp| !self.root.join(load::CONTENT_DIR).join(cp).is_file())
                .cloned()
                .collect();
            for cp in gone {
                self.sources.remove(&cp);
                self.pages_changed = true;
            }
        }
        let new_files: Vec<String> = batch
            .iter()
            .filter_map(|p| p.to_str())
            .filter_map(|p| p.strip_prefix("content/"))
            .filter(|p| !p.ends_with(".md"))
            .map(str::to_string)
            .collect();
        // A new folder of pages: its files arrive as one event for the folder.
        for dir in new_files {
            let abs = self.root.join(load::CONTENT_DIR).join(&dir);
            if abs.is_dir() {
                for (rel, _) in load::walk_files(&abs) {
                    if rel.ends_with(".md") {
                        self.reload_source(&format!("{dir}/{rel}"));
                    }
                }
            }
        }
        if rewalk_assets {
            self.content_assets =
                asset_list(&self.root.join(load::CONTENT_DIR), |r| !r.ends_with(".md"));
        }
        if rewalk_static {
            self.static_files = asset_list(&self.root.join(load::STATIC_DIR), |_| true);
        }
        if !templates_changed.is_empty() {
            self.renderer = None;
        }
        self.rebuild(&templates_changed, rewalk_static || rewalk_assets, early)
    }

    /// Whether `dir` (a content path) is a folder that held pages at the last rebuild. A
    /// path that is gone and is neither a page nor such a folder (an editor's temporary
    /// file) took no page with it.
    fn holds_pages(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.sources
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(cp, _)| cp.starts_with(&prefix))
    }

    fn reload_source(&mut self, cp: &str) {
        let was_page = self.sources.contains_key(cp);
        self.read_source(cp);
        if self.sources.contains_key(cp) == was_page {
            self.edited.insert(cp.to_string());
        } else {
            self.pages_changed = true;
        }
    }

    fn read_source(&mut self, cp: &str) {
        self.sources.remove(cp);
        self.draft_paths.remove(cp);
        self.load_errors.remove(cp);
        if !self.root.join(load::CONTENT_DIR).join(cp).is_file() {
            return;
        }
        let language = self.config.as_ref().map_or("", |c| c.language.as_str());
        match load::load_source(&self.root, cp, language) {
            Ok(s) if s.front.draft && !self.drafts => {
                self.draft_paths.insert(cp.to_string());
            }
            Ok(s) => {
                self.sources.insert(cp.to_string(), Arc::new(s));
            }
            Err(d) => {
                self.load_errors.insert(cp.to_string(), d);
            }
        }
    }

    /// The model after the edits since the last good build: the last model mended where
    /// only bodies or names changed (with what the edit changed), else built again
    /// (reusing bodies).
    fn model(&self, assets_changed: bool) -> (Site, Option<Edit>) {
        if let Some(prev) = self.site.as_ref() {
            if !self.pages_changed && !assets_changed && !self.edited.is_empty() {
                let edited: Option<Vec<Arc<Source>>> = self
                    .edited
                    .iter()
                    .map(|cp| self.sources.get(cp).cloned())
                    .collect();
                if let Some((site, edit)) = edited.and_then(|e| Site::with_edited_pages(prev, &e)) {
                    return (site, Some(edit));
                }
            }
        }
        let loaded = Loaded {
            sources: self.sources.values().cloned().collect(),
            content_assets: self.content_assets.clone(),
            static_files: self.static_files.clone(),
            drafts: self.draft_paths.clone(),
            diagnostics: Vec::new(),
        };
        let config = self.config.clone().expect("configuration loaded");
        (
            Site::build_reusing(config, loaded, self.site.as_ref()),
            None,
        )
    }

    /// Builds the model again, checks it and re-renders what changed.
    fn rebuild(
        &mut self,
        templates_changed: &HashSet<String>,
        assets_changed: bool,
        early: &mut dyn FnMut(&Update, &Files),
    ) -> Update {
        let t = std::time::Instant::now();
        let (site, edit) = self.model(assets_changed);
        // Where only bodies changed, the pages the model says changed are all that can
        // render or check differently.
        let touched = edit.filter(|e| !e.names_changed).map(|e| e.touched);
        build::timing("incremental model", t);
        let t = std::time::Instant::now();
        let mut diags: Vec<Diagnostic> = self.load_errors.values().cloned().collect();
        // The site checks read front matter and paths only, which a body edit leaves.
        let site_diags = match (&touched, &self.site) {
            (Some(_), Some(_)) => self.site_diags.clone(),
            _ => crate::checks::run_site(&site),
        };
        diags.extend(site_diags.iter().cloned());
        let page_diags = self.check_pages(&site, touched.as_deref());
        diags.extend(page_diags.iter().flatten().cloned());
        build::timing("incremental checks", t);
        if self.renderer.is_none() {
            match Renderer::new(&self.root, &site) {
                Ok(r) => self.renderer = Some(r),
                Err(d) => diags.push(d),
            }
        }
        let pages = site.pages.len();
        let Some(renderer) = self.renderer.as_ref() else {
            diagnostic::sort(&mut diags);
            return Update {
                diagnostics: diags,
                pages,
                ..Update::default()
            };
        };
        let t = std::time::Instant::now();
        let (ids, mut generated) = match &self.site {
            Some(prev) if !self.files.is_empty() && templates_changed.is_empty() => match touched {
                // Only bodies changed: no list, date or name another page shows.
                Some(touched) => {
                    debug_assert_eq!(dirty(prev, &site), (touched.clone(), Generated::none()));
                    (touched, Generated::none())
                }
                None => dirty(prev, &site),
            },
            _ => ((0..site.pages.len()).collect(), Generated::all()),
        };
        generated.a_to_z |= self.a_to_z_owed;
        let full = ids.len() == pages && generated == Generated::all();
        // An edit's pages first; the A to Z, if it changed, after they are handed over.
        let a_to_z_later = generated.a_to_z && !full && !assets_changed && !ids.is_empty();
        let now = Generated {
            a_to_z: generated.a_to_z && !a_to_z_later,
            ..generated
        };
        let (mut rendered, render_diags) =
            renderer.render_some(&site, &ids, now, &AtomicUsize::new(0));
        build::timing("incremental render", t);
        diags.extend(render_diags);
        diagnostic::sort(&mut diags);
        let mut update = Update {
            rendered: ids.len(),
            pages,
            ..Update::default()
        };
        if !build::passes(&diags, false) {
            // Keep the last good files and model: the next build is compared with them.
            update.diagnostics = diags;
            return update;
        }
        if !full && !assets_changed {
            // An edit: the files it wrote and removed are all that can differ.
            let t = std::time::Instant::now();
            let index = self.search_update(&site);
            build::timing("incremental search", t);
            let mut delta: BTreeMap<String, Option<Arc<[u8]>>> = BTreeMap::new();
            for old in index.removed {
                delta.insert(old, None);
            }
            for f in rendered.into_iter().chain(index.written) {
                delta.insert(f.path, Some(f.bytes.into()));
            }
            for (path, bytes) in delta {
                match bytes {
                    Some(b) => {
                        if self.files.get(&path).is_none_or(|old| *old != b) {
                            update.changed.push(path.clone());
                            self.files.insert(path, b);
                        }
                    }
                    None => {
                        if self.files.remove(&path).is_some() {
                            update.removed.push(path);
                        }
                    }
                }
            }
            self.a_to_z_owed = false;
            let update = self.finish(update, diags, site, (page_diags, site_diags));
            return if a_to_z_later {
                early(&update, &self.files);
                self.render_a_to_z(update)
            } else {
                update
            };
        }
        let layer = if full || assets_changed {
            asset_layer(&site)
        } else {
            Files::new()
        };
        let mut next: Files = if full {
            layer
        } else {
            let mut next = self.files.clone();
            if assets_changed {
                // Pages win over files of the same path, as in a full build.
                let outputs: HashSet<String> = output_paths(&site);
                for old in self.asset_paths.iter() {
                    if !layer.contains_key(old) && !outputs.contains(old) {
                        next.remove(old);
                    }
                }
                for (p, b) in &layer {
                    if !outputs.contains(p) {
                        next.insert(p.clone(), b.clone());
                    }
                }
            }
            next
        };
        if full || assets_changed {
            self.asset_paths = asset_layer_paths(&site);
        }
        // The search index: only the shards and chunks of what changed are made again.
        let t = std::time::Instant::now();
        let index = self.search_update(&site);
        for old in &index.removed {
            next.remove(old);
        }
        if full {
            // `next` started empty: the index files that stayed the same come over too.
            for path in self.search.iter().flat_map(Live::paths) {
                if let Some(bytes) = self.files.get(&path) {
                    let bytes = bytes.clone();
                    next.entry(path).or_insert(bytes);
                }
            }
        }
        rendered.extend(index.written);
        build::timing("incremental search", t);
        for f in rendered {
            next.insert(f.path, f.bytes.into());
        }
        for (path, bytes) in &next {
            if self
                .files
                .get(path)
                .is_none_or(|old| !Arc::ptr_eq(old, bytes) && old != bytes)
            {
                update.changed.push(path.clone());
            }
        }
        for path in self.files.keys() {
            if !next.contains_key(path) {
                update.removed.push(path.clone());
            }
        }
        update.changed.sort();
        update.removed.sort();
        self.files = next;
        self.a_to_z_owed = false;
        self.finish(update, diags, site, (page_diags, site_diags))
    }

    /// Renders the A to Z of the model just kept, after an edit's pages, and adds what it
    /// changed to their `update`. If it fails, the update fails with its error, and the
    /// next rebuild renders it again.
    fn render_a_to_z(&mut self, mut update: Update) -> Update {
        let (Some(site), Some(renderer)) = (self.site.as_ref(), self.renderer.as_ref()) else {
            return update;
        };
        let t = std::time::Instant::now();
        let only = Generated {
            a_to_z: true,
            ..Generated::none()
        };
        let (files, diags) = renderer.render_some(site, &[], only, &AtomicUsize::new(0));
        build::timing("incremental a to z", t);
        if !diags.is_empty() {
            update.diagnostics.extend(diags);
            diagnostic::sort(&mut update.diagnostics);
            update.ok = false;
            self.a_to_z_owed = true;
            return update;
        }
        for f in files {
            if self
                .files
                .get(&f.path)
                .is_none_or(|old| **old != f.bytes[..])
            {
                update.changed.push(f.path.clone());
                self.files.insert(f.path, f.bytes.into());
            }
        }
        update.changed.sort();
        update
    }

    /// Keeps a good build's model and checks for the next rebuild.
    fn finish(
        &mut self,
        mut update: Update,
        diags: Vec<Diagnostic>,
        site: Site,
        (page_diags, site_diags): (Vec<Vec<Diagnostic>>, Vec<Diagnostic>),
    ) -> Update {
        update.diagnostics = diags;
        update.ok = true;
        self.edited.clear();
        self.pages_changed = false;
        // The last model (thousands of pages) is freed on another thread.
        if let Some(old) = self.site.replace(site) {
            crate::drop_later(old);
        }
        self.page_diags = page_diags;
        self.site_diags = site_diags;
        update
    }
}

impl Incremental {
    /// The search index files that change from the last good build to `site`.
    fn search_update(&mut self, site: &Site) -> Changes {
        let mut changes = Changes {
            written: Vec::new(),
            removed: Vec::new(),
        };
        if !crate::search::enabled() {
            return changes;
        }
        if let Some(prev) = self.site.as_ref().filter(|_| !self.search.is_empty()) {
            let mut updated = Vec::new();
            for live in &mut self.search {
                match live.update(prev, site) {
                    Some(c) => updated.push(c),
                    None => break,
                }
            }
            if updated.len() == self.search.len() && self.search.len() == site.languages.len() {
                for c in updated {
                    changes.written.extend(c.written);
                    changes.removed.extend(c.removed);
                }
                return changes;
            }
        }
        // A page added, removed or moved: every language's index anew.
        let old: Vec<String> = self.search.iter().flat_map(Live::paths).collect();
        self.search.clear();
        for lang in 0..site.languages.len() {
            let (live, written) = Live::new(site, lang);
            changes.written.extend(written);
            self.search.push(live);
        }
        let now: HashSet<&str> = changes.written.iter().map(|f| f.path.as_str()).collect();
        changes.removed = old
            .into_iter()
            .filter(|p| !now.contains(p.as_str()))
            .collect();
        changes
    }

    /// The page checks for every page: run again only on pages whose source or links
    /// changed since the last good build (`touched`, when the model says which), reused
    /// for the others.
    fn check_pages(&self, site: &Site, touched: Option<&[PageId]>) -> Vec<Vec<Diagnostic>> {
        let prev = self.site.as_ref().filter(|p| {
            p.pages.len() == site.pages.len()
                && self.page_diags.len() == site.pages.len()
                && p.pages
                    .iter()
                    .zip(&site.pages)
                    .all(|(a, b)| a.source.content_path == b.source.content_path)
        });
        let stale: Vec<&crate::site::Page> = match (prev, touched) {
            (Some(_), Some(ids)) => ids.iter().map(|&id| &site.pages[id]).collect(),
            _ => self.stale_pages(site, prev),
        };
        let mut out: Vec<Vec<Diagnostic>> = match prev {
            Some(_) => self.page_diags.clone(),
            None => vec![Vec::new(); site.pages.len()],
        };
        for page in &stale {
            out[page.id].clear();
        }
        let by_file: std::collections::HashMap<&Path, PageId> = stale
            .iter()
            .map(|p| (p.source.file.as_path(), p.id))
            .collect();
        for d in crate::checks::run_pages(site, &stale) {
            if let Some(&id) = by_file.get(d.path.as_path()) {
                out[id].push(d);
            }
        }
        out
    }

    /// The pages whose checks can give other findings than in `prev`.
    fn stale_pages<'a>(&self, site: &'a Site, prev: Option<&Site>) -> Vec<&'a crate::site::Page> {
        site.pages
            .iter()
            .filter(|b| {
                prev.is_none_or(|p| {
                    let a = &p.pages[b.id];
                    // A translation's checks read its source's review date and drugs.
                    let source_changed = b
                        .translation_of
                        .is_some_and(|s| !Arc::ptr_eq(&p.pages[s].source, &site.pages[s].source));
                    !Arc::ptr_eq(&a.source, &b.source)
                        || !same_list(&a.links, &b.links)
                        || a.unknown_refs != b.unknown_refs
                        || a.review_due != b.review_due
                        || !same_list(&a.drugs, &b.drugs)
                        || source_changed
                })
            })
            .collect()
    }
}

/// The static files and content assets, read into memory.
fn asset_layer(site: &Site) -> Files {
    let builtin = theme::builtin_static();
    let mut files = Files::new();
    for e in write::layered(&[], &builtin, &site.static_files, &site.content_assets) {
        let bytes: Arc<[u8]> = match e {
            Entry::Static(_, b) => b.into(),
            Entry::Copy(_, src) => match std::fs::read(src) {
                Ok(b) => b.into(),
                Err(_) => continue,
            },
            Entry::Bytes(f) => f.bytes.as_slice().into(),
        };
        files.insert(e.rel().to_string(), bytes);
    }
    files
}

fn asset_layer_paths(site: &Site) -> BTreeSet<String> {
    theme::builtin_static()
        .into_iter()
        .map(|(p, _)| p)
        .chain(site.static_files.iter().map(|a| a.output_path.clone()))
        .chain(site.content_assets.iter().map(|a| a.output_path.clone()))
        .collect()
}

/// Every path the renderer writes (pages, aliases, generated files).
fn output_paths(site: &Site) -> HashSet<String> {
    site.pages
        .iter()
        .map(render::page_output_path)
        .chain(
            site.aliases
                .iter()
                .map(|(a, _)| render::alias_output_path(a)),
        )
        .chain(
            ["404.html", "sitemap.xml", "robots.txt"]
                .into_iter()
                .map(str::to_string),
        )
        .chain(site.languages.iter().flat_map(|l| {
            [
                "drugs/index.html",
                "search/index.html",
                crate::site::FEED_FILE,
            ]
            .into_iter()
            .map(move |g| format!("{}{g}", l.prefix))
        }))
        .collect()
}

/// Whether a changed file that is not a page (`rel`, below `content/` or `static/`; `abs`
/// on disk) can change what is published from `known`, that folder's files at the last
/// rebuild: it is there now (new, changed, or a folder that came), or it was one of them
/// or a folder holding some (gone). An editor that saves by writing a temporary file
/// beside the page and renaming it over the page (`sed -i`, Kate, JetBrains' safe write)
/// leaves a path that is neither by the time the batch is read: the save is then an edit
/// of the page alone, not a change of the files to copy, which would build the whole
/// model again.
fn changes_assets(abs: &Path, rel: &str, known: &[Asset]) -> bool {
    abs.exists()
        || known.iter().any(|a| {
            a.output_path
                .strip_prefix(rel)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

fn asset_list(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<Asset> {
    load::walk_files(dir)
        .into_iter()
        .filter(|(rel, _)| keep(rel))
        .map(|(output_path, file)| Asset { output_path, file })
        .collect()
}

fn content_path_of(path: &Path) -> Option<String> {
    path.strip_prefix(load::CONTENT_DIR)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

/// The pages (and generated files) whose output can differ between `prev` and `next`.
/// With a different set of pages, everything is rendered again.
fn dirty(prev: &Site, next: &Site) -> (Vec<PageId>, Generated) {
    let all = || ((0..next.pages.len()).collect(), Generated::all());
    if prev.pages.len() != next.pages.len()
        || prev
            .pages
            .iter()
            .zip(&next.pages)
            .any(|(a, b)| a.source.content_path != b.source.content_path || a.kind != b.kind)
    {
        return all();
    }
    let n = next.pages.len();
    // What every page may show of another (the site's lists): title and summary.
    let listed_changed: Vec<bool> = prev
        .pages
        .iter()
        .zip(&next.pages)
        .map(|(a, b)| a.title() != b.title() || a.summary() != b.summary())
        .collect();
    // What a neighbour may show (its drugs, names, dates...): anything in the front matter,
    // and a translation's drugs, which it inherits from its source's.
    let ref_changed: Vec<bool> = prev
        .pages
        .iter()
        .zip(&next.pages)
        .map(|(a, b)| {
            (!Arc::ptr_eq(&a.source, &b.source)
                && a.source.text[..a.source.body_start] != b.source.text[..b.source.body_start])
                || !same_list(&a.drugs, &b.drugs)
        })
        .collect();
    let any_ref_changed = ref_changed.contains(&true);
    // What a section's list of its pages shows of each: a page reference (title, URL,
    // summary). A section of thousands of pages need not render again for a brand renamed
    // in one of them.
    let listed_or_moved: Vec<bool> = prev
        .pages
        .iter()
        .zip(&next.pages)
        .zip(&listed_changed)
        .map(|((a, b), &listed)| listed || a.url_path != b.url_path)
        .collect();
    // A page's "Related" reads the treated_by of the conditions it treats.
    let treated_by_changed: Vec<bool> = prev
        .pages
        .iter()
        .zip(&next.pages)
        .map(|(a, b)| a.treated_by != b.treated_by)
        .collect();
    let site_changed = (0..n).any(|i| {
        listed_changed[i]
            && (next.pages[i].kind.is_section()
                || matches!(
                    next.pages[i].kind,
                    crate::site::PageKind::DrugClass | crate::site::PageKind::Condition
                ))
    }) || prev.aliases != next.aliases;
    if site_changed {
        return all();
    }
    let mut dirty = vec![false; n];
    for (i, (a, b)) in prev.pages.iter().zip(&next.pages).enumerate() {
        let own = !Arc::ptr_eq(&a.source, &b.source)
            || !Arc::ptr_eq(&a.content_html, &b.content_html)
            || a.treats != b.treats
            || ((a.related != b.related || b.treats.iter().any(|&c| treated_by_changed[c]))
                && prev.related_of(i) != next.related_of(i))
            || a.treated_by != b.treated_by
            || a.mentioned_on != b.mentioned_on
            || a.pages != b.pages
            || a.subsections != b.subsections
            || a.previous != b.previous
            || a.next != b.next
            || a.parent != b.parent
            || a.review_due != b.review_due
            || !same_list(&a.drugs, &b.drugs);
        let shows_changed = || {
            // Every page related_of(i) can name, without making the list.
            let related = b
                .related
                .iter()
                .chain(b.treats.iter().flat_map(|&c| &next.pages[c].treated_by));
            let ancestors = std::iter::successors(b.parent, |&p| next.pages[p].parent).take(n);
            b.treats
                .iter()
                .chain(related)
                .chain(&b.treated_by)
                .chain(&b.mentioned_on)
                .chain(b.previous.iter())
                .chain(b.next.iter())
                // A translation shows its source's review date (and its drugs).
                .chain(b.translation_of.iter())
                .copied()
                .chain(ancestors)
                .any(|j| ref_changed[j])
                || b.pages
                    .iter()
                    .chain(&b.subsections)
                    .any(|&j| listed_or_moved[j])
        };
        dirty[i] = own || (any_ref_changed && shows_changed());
    }
    let drug_index_changed =
        !Arc::ptr_eq(&prev.drug_index, &next.drug_index) && prev.drug_index != next.drug_index;
    // The sitemap lists every page's URL and review date, and its language versions.
    let sitemap_changed = prev.pages.iter().zip(&next.pages).any(|(a, b)| {
        a.url_path != b.url_path
            || a.source.front.reviewed != b.source.front.reviewed
            || a.translation_of != b.translation_of
            || a.translations != b.translations
    });
    let ids: Vec<PageId> = (0..n).filter(|&i| dirty[i]).collect();
    (
        ids,
        Generated {
            a_to_z: drug_index_changed,
            pages: false,
            aliases: false,
            sitemap: sitemap_changed,
            // A feed shows front matter (title, summary, review date) and URLs only.
            feeds: sitemap_changed || any_ref_changed,
        },
    )
}
