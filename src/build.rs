//! The pipeline end to end: load → model → checks → render → write. Used by `build`,
//! `check` and (later) `serve`.

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::drop_later;
use crate::render::{OutputFile, Renderer};
use crate::site::Site;
use crate::write::{self, WriteError};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub strict: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The configuration or command line is wrong (exit status 2).
    #[error("{}", .0.render_human(false))]
    Config(Box<Diagnostic>),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What a build did.
#[derive(Debug)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub files: usize,
    pub written: bool,
    pub elapsed: Duration,
    /// The output this build replaced, moved aside: removed when dropped, or apart with
    /// [`write::Discarded::detach`].
    pub discarded: write::Discarded,
}

impl Outcome {
    /// Whether the site may be published: no errors, and no warnings under `strict`.
    pub fn passes(&self, strict: bool) -> bool {
        passes(&self.diagnostics, strict)
    }
}

pub fn passes(diags: &[Diagnostic], strict: bool) -> bool {
    let (errors, warnings) = diagnostic::count(diags);
    errors == 0 && (!strict || warnings == 0)
}

/// Reads the configuration (with a `--base-url` override).
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<Config, BuildError> {
    if !root.is_dir() {
        return Err(BuildError::Config(Box::new(Diagnostic::error(
            "config",
            root,
            "the site root is not a folder",
        ))));
    }
    let mut config = Config::load(root).map_err(BuildError::Config)?;
    if let Some(url) = base_url {
        crate::config::check_base_url(url).map_err(|m| {
            BuildError::Config(Box::new(Diagnostic::error("config", "--base-url", m)))
        })?;
        config.base_url = url.to_string();
    }
    Ok(config)
}

/// Loads the site and builds its model; returns it with every diagnostic of loading and
/// of the checks, sorted.
pub fn load_and_check(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
) -> Result<(Site, Vec<Diagnostic>), BuildError> {
    load_and_check_with(root, base_url, drafts, |_| || (), Site::render_bodies)
        .map(|(site, diags, ())| (site, diags))
}

/// [`load_and_check`] that also runs what `beside` makes of the model's pages while the
/// rest of the model is built and checked (a build reads the search index's words there:
/// they read only the pages and their URLs, and fill the cores that building the names and
/// the longest check leave idle), then renders the bodies with `bodies` once both are done
/// (a build lets go there of each page's Markdown as its HTML is made).
pub fn load_and_check_with<T: Send, B: FnOnce() -> T + Send>(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    beside: impl FnOnce(&Site) -> B,
    bodies: impl FnOnce(&mut Site),
) -> Result<(Site, Vec<Diagnostic>, T), BuildError> {
    let config = load_config(root, base_url)?;
    let t = Instant::now();
    let mut loaded = crate::load::load(root, drafts, &config.language);
    timing("load", t);
    let mut diags = std::mem::take(&mut loaded.diagnostics);
    let t = Instant::now();
    let mut site = Site::pages_of(config, loaded);
    timing("assemble", t);
    let t = Instant::now();
    let beside = beside(&site);
    let (extra, checked) = rayon::join(beside, || {
        site.complete_model();
        timing("model", t);
        let t = Instant::now();
        let checked = crate::checks::run(&site);
        timing("checks", t);
        checked
    });
    diags.extend(checked);
    let t = Instant::now();
    bodies(&mut site);
    timing("bodies", t);
    Ok((site, diags, extra))
}

/// Renders every page of a loaded site, handing each file to `sink` as it is made;
/// returns the template errors.
pub fn render_into(
    root: &Path,
    site: &Site,
    done: &AtomicUsize,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> Vec<Diagnostic> {
    match Renderer::new(root, site) {
        Ok(r) => {
            let diags = r.render_site_into(site, done, sink);
            drop_later(r);
            diags
        }
        Err(d) => vec![d],
    }
}

/// Builds the site into `opts.output`; the output is replaced only if the build passes.
pub fn build(opts: &Options) -> Result<Outcome, BuildError> {
    let start = Instant::now();
    write::check_output_dir(&opts.root, &opts.output)?;
    // The search index (`search/*.json`) is made from the model: its words are read
    // beside the checks, which read the same prose (each page's source is let go of once
    // both are done and its body is rendered), and its files are made and written beside
    // the render.
    let (site, mut diags, words) = load_and_check_with(
        &opts.root,
        opts.base_url.as_deref(),
        opts.drafts,
        |site| {
            let pages = crate::search::IndexedSite::of(site);
            move || crate::search::read_words(&pages)
        },
        Site::render_bodies_shedding,
    )?;
    let done = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let progress = spawn_progress(site.pages.len(), done.clone(), finished.clone());
    // A site that may be published is written as it renders, into the staging folder:
    // the build never holds every page at once. The output is swapped in only if the
    // render finds nothing that stops it; otherwise the staging folder goes.
    let staging = if passes(&diags, opts.strict) {
        Some(write::Staging::new(&opts.root, &opts.output)?)
    } else {
        None
    };
    let t = Instant::now();
    // The index's files are made and written (hundreds of small files) beside the render,
    // so that the steps of the index that one core makes alone leave no core idle; they
    // are made only when they are to be written.
    let (render_diags, ()) = rayon::join(
        || {
            render_into(&opts.root, &site, &done, &|f| {
                if let Some(s) = &staging {
                    s.write(&f.path, &f.bytes);
                }
            })
        },
        || {
            if let Some(s) = &staging {
                words
                    .files()
                    .par_iter()
                    .for_each(|f| s.write(&f.path, &f.bytes));
            }
        },
    );
    timing("render and write", t);
    diags.extend(render_diags);
    diagnostic::sort(&mut diags);
    let mut outcome = Outcome {
        pages: site.pages.len(),
        files: 0,
        written: false,
        elapsed: Duration::ZERO,
        diagnostics: diags,
        discarded: write::Discarded::default(),
    };
    if let Some(staging) = staging.filter(|_| outcome.passes(opts.strict)) {
        let t = Instant::now();
        (outcome.files, outcome.discarded) = staging.finish(
            &crate::render::theme::builtin_static(),
            &site.static_files,
            &site.content_assets,
        )?;
        timing("write", t);
        outcome.written = true;
    }
    finished.store(true, Ordering::Relaxed);
    if let Some(p) = progress {
        let _ = p.join();
    }
    drop_later(site);
    outcome.elapsed = start.elapsed();
    Ok(outcome)
}

/// A progress bar on a terminal once a build has run for a second; none when piped or in CI.
fn spawn_progress(
    total: usize,
    done: Arc<AtomicUsize>,
    finished: Arc<AtomicBool>,
) -> Option<std::thread::JoinHandle<()>> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    Some(std::thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(1) {
            if finished.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        while !finished.load(Ordering::Relaxed) {
            bar.set_position(done.load(Ordering::Relaxed) as u64);
            std::thread::sleep(Duration::from_millis(50));
        }
        bar.finish_and_clear();
    }))
}

/// With `FORMULARY_TIMINGS` set, prints how long a phase took (for profiling and the benchmark).
/// Where the memory is available (Linux), it also gives the resident size and its peak.
pub fn timing(phase: &str, since: Instant) {
    if std::env::var_os("FORMULARY_TIMINGS").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().strip_suffix(" kB"))
                .and_then(|kb| kb.trim().parse::<u64>().ok())
                .map(|kb| format!(" {} {} MiB", name.trim_end_matches(':'), kb / 1024))
                .unwrap_or_default()
        };
        // The process's CPU time so far (user and system; in ticks of 10 ms), to see
        // how busy the cores were in each phase.
        let cpu = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|stat| {
                let after_name = stat.rsplit_once(')')?.1;
                let f: Vec<u64> = after_name
                    .split_whitespace()
                    .skip(11)
                    .take(2)
                    .filter_map(|v| v.parse().ok())
                    .collect();
                Some(format!(" cpu {} ms", f.iter().sum::<u64>() * 10))
            })
            .unwrap_or_default();
        eprintln!(
            "timing: {phase} {:.1} ms{}{}{cpu}",
            since.elapsed().as_secs_f64() * 1000.0,
            field("VmRSS:"),
            field("VmHWM:")
        );
    }
}

/// The one-line summary printed after a build or check.
pub fn summary(verb: &str, pages: usize, diags: &[Diagnostic], elapsed: Duration) -> String {
    let (errors, warnings) = diagnostic::count(diags);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{verb} {} in {} ms: {}, {}",
        plural(pages, "page"),
        elapsed.as_millis(),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
