//! `formulary serve` and `formulary watch`: build, watch the sources, rebuild on every
//! save; serve answers from memory with live reload and an error overlay, watch writes the
//! output folder. The current snapshot lives in one struct behind one lock.

mod http;
pub mod incremental;
pub mod inject;
pub mod watch;

use crate::diagnostic::{self, Diagnostic, Format};
use incremental::Files;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio::sync::broadcast;

/// How long `serve` and `watch` keep the memory one rebuild freed for the next (see
/// [`crate::alloc::keep_freed_memory`]), and how long they wait for a change before they
/// give it back. At 10,000 pages, a brand edit's rebuild that reuses it takes a sixth to a
/// quarter less time and a body edit's a third less; while an editor is at work the
/// process holds about 350 MiB more.
pub const KEEP_MEMORY_WHILE_EDITING: std::time::Duration = std::time::Duration::from_secs(60);

/// The next batch of changes, giving freed memory back once the sources have been quiet
/// for [`KEEP_MEMORY_WHILE_EDITING`].
fn next_batch(watcher: &watch::SourceWatcher) -> Option<Vec<PathBuf>> {
    watcher.next_batch(
        KEEP_MEMORY_WHILE_EDITING,
        &mut crate::alloc::give_back_freed_memory,
    )
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub interface: IpAddr,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    pub poll: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("no free port from {0} to {1} on {2}")]
    NoPort(u16, u16, IpAddr),
    #[error("cannot watch the site: {0}")]
    Watch(#[from] notify::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What serve answers from: the last good files and the latest diagnostics.
pub struct Snapshot {
    pub files: Option<Arc<Files>>,
    pub diagnostics: Vec<Diagnostic>,
    pub build_id: String,
}

/// The state shared by the server and the rebuild loop.
#[derive(Clone)]
pub struct Shared {
    inner: Arc<RwLock<Arc<Snapshot>>>,
    events: broadcast::Sender<(&'static str, String)>,
}

impl Shared {
    fn new(snapshot: Snapshot) -> Shared {
        let (events, _) = broadcast::channel(64);
        Shared {
            inner: Arc::new(RwLock::new(Arc::new(snapshot))),
            events,
        }
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.inner
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    fn replace(&self, snapshot: Snapshot) {
        match self.inner.write() {
            Ok(mut g) => *g = Arc::new(snapshot),
            Err(p) => *p.into_inner() = Arc::new(snapshot),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<(&'static str, String)> {
        self.events.subscribe()
    }

    pub fn build_id(&self) -> String {
        self.current().build_id.clone()
    }
}

/// A build id unique to this process and rebuild, so a page can tell a restart.
fn build_id(n: u64) -> String {
    format!("{}-{n}", std::process::id())
}

/// Binds the first free port from `port` on.
fn bind(interface: IpAddr, port: u16) -> Result<std::net::TcpListener, ServeError> {
    let last = port.saturating_add(20);
    for p in port..=last {
        if let Ok(l) = std::net::TcpListener::bind(SocketAddr::new(interface, p)) {
            return Ok(l);
        }
    }
    Err(ServeError::NoPort(port, last, interface))
}

/// Runs `serve` until Ctrl-C.
pub fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    let listener = bind(opts.interface, opts.port)?;
    let addr = listener.local_addr()?;
    if addr.port() != opts.port {
        eprintln!(
            "Port {} is taken; using {} instead.",
            opts.port,
            addr.port()
        );
    }
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let base_url = format!("http://{host}:{}/", addr.port());
    let start = Instant::now();
    let (mut inc, first) = incremental::Incremental::new(&opts.root, Some(&base_url), opts.drafts);
    diagnostic::print(&first.diagnostics, Format::Human);
    eprintln!(
        "{}",
        crate::build::summary("Built", first.pages, &first.diagnostics, start.elapsed())
    );
    let mut generation = 0u64;
    let shared = Shared::new(Snapshot {
        files: first.ok.then(|| Arc::new(inc.files().clone())),
        diagnostics: first.diagnostics,
        build_id: build_id(generation),
    });

    let watcher = watch::SourceWatcher::start(&opts.root, opts.poll)?;
    let rebuild_state = shared.clone();
    std::thread::spawn(move || {
        while let Some(batch) = next_batch(&watcher) {
            generation += 1;
            rebuild(&mut inc, &batch, &rebuild_state, build_id(generation));
        }
    });

    eprintln!(
        "Serving {} at http://{host}:{}/ (Ctrl-C to stop)",
        opts.root.display(),
        addr.port()
    );
    if opts.open {
        let _ = open::that_detached(format!("http://{host}:{}/", addr.port()));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let app = http::router(shared);
        tokio::select! {
            r = axum::serve(listener, app) => r,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    });
    runtime.shutdown_background();
    eprintln!("Stopped.");
    result.map_err(ServeError::Io)
}

/// One rebuild after a batch of changes: a new snapshot (or the old files with the new
/// errors), one terminal line, and an event to the open pages. Where an edit's pages are
/// ready before the A to Z, they are served at once, and the A to Z after them.
fn rebuild(inc: &mut incremental::Incremental, batch: &[PathBuf], shared: &Shared, id: String) {
    let start = Instant::now();
    let mut early: Option<(std::time::Duration, Vec<String>)> = None;
    let update = inc.apply_with(batch, &mut |u, files| {
        publish(shared, u, files, &id, None);
        early = Some((start.elapsed(), u.changed.clone()));
    });
    diagnostic::print(&update.diagnostics, Format::Human);
    let took = start.elapsed();
    eprintln!(
        "{}",
        rebuild_line(batch, &update, took, early.as_ref().map(|e| e.0))
    );
    let files = inc.files();
    match early {
        None => publish(shared, &update, files, &id, None),
        Some((_, before)) => {
            // Only the pages showing a file that changed after the hand-over reload; on an
            // error, every page does, to show it.
            let later: Vec<&str> = update
                .changed
                .iter()
                .filter(|p| !before.contains(p))
                .map(String::as_str)
                .collect();
            if !update.ok || !later.is_empty() {
                let only = update.ok.then_some(&later[..]);
                publish(shared, &update, files, &format!("{id}.1"), only);
            }
        }
    }
}

/// Serves `update`: `files` (or, when it failed, the last good ones with its errors),
/// then tells the open pages. They reload, or swap their stylesheets when only those
/// changed; with `only`, just the pages showing one of those output paths reload.
fn publish(
    shared: &Shared,
    update: &incremental::Update,
    files: &Files,
    id: &str,
    only: Option<&[&str]>,
) {
    let old = shared.current();
    if !update.ok {
        shared.replace(Snapshot {
            files: old.files.clone(),
            diagnostics: update.diagnostics.clone(),
            build_id: id.to_string(),
        });
        let _ = shared.events.send(("reload", id.to_string()));
        return;
    }
    let old_ok = old.files.is_some()
        && old
            .diagnostics
            .iter()
            .all(|d| d.level != diagnostic::Level::Error);
    let css_only = old_ok
        && !update.changed.is_empty()
        && update.removed.is_empty()
        && update.changed.iter().all(|p| p.ends_with(".css"));
    shared.replace(Snapshot {
        files: Some(Arc::new(files.clone())),
        diagnostics: update.diagnostics.clone(),
        build_id: id.to_string(),
    });
    let event = match only {
        // `pages`: the build id, then one output path a line (`/drugs/index.html`).
        Some(paths) => (
            "pages",
            std::iter::once(id.to_string())
                .chain(paths.iter().map(|p| format!("/{p}")))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        None => (if css_only { "css" } else { "reload" }, id.to_string()),
    };
    let _ = shared.events.send(event);
}

/// `Rebuilt after content/a.md changed: 1 page re-rendered, 2 files changed, 14 ms`.
fn rebuild_line(
    batch: &[PathBuf],
    update: &incremental::Update,
    took: std::time::Duration,
    pages_at: Option<std::time::Duration>,
) -> String {
    let what = watch::describe(batch);
    let ms = took.as_millis();
    let (errors, warnings) = diagnostic::count(&update.diagnostics);
    let s = |n: usize| if n == 1 { "" } else { "s" };
    // After an edit whose pages were handed over before the A to Z.
    let pages_ms = pages_at.map(|d| d.as_millis());
    if update.ok {
        format!(
            "Rebuilt after {what} changed: {} page{} re-rendered, {} file{} changed, {warnings} warning{}, {ms} ms{}",
            update.rendered,
            s(update.rendered),
            update.changed.len() + update.removed.len(),
            s(update.changed.len() + update.removed.len()),
            s(warnings),
            pages_ms
                .map(|p| format!(" (the pages in {p} ms, then the A to Z)"))
                .unwrap_or_default()
        )
    } else if let Some(p) = pages_ms {
        format!(
            "Rebuilt the pages after {what} changed in {p} ms, but the A to Z failed: {errors} error{}, {ms} ms; its last good version stays",
            s(errors)
        )
    } else {
        format!(
            "Rebuild after {what} changed failed: {errors} error{}, {ms} ms; the last good pages stay",
            s(errors)
        )
    }
}

/// Runs `watch`: rebuilds the output folder on every change until interrupted; the first
/// good build replaces the folder whole, later ones rewrite only the files that changed.
pub fn watch_and_build(opts: &crate::build::Options, poll: bool) -> Result<(), ServeError> {
    let report = |e: crate::write::WriteError| eprintln!("error: {e}");
    if let Err(e) = crate::write::check_output_dir(&opts.root, &opts.output) {
        report(e);
        return Ok(());
    }
    let watcher = watch::SourceWatcher::start(&opts.root, poll)?;
    let start = Instant::now();
    let (mut inc, first) =
        incremental::Incremental::new(&opts.root, opts.base_url.as_deref(), opts.drafts);
    diagnostic::print(&first.diagnostics, Format::Human);
    let mut written = false;
    if first.ok {
        match write_all(opts, inc.files()) {
            Ok(()) => written = true,
            Err(e) => report(e),
        }
    }
    eprintln!(
        "{}",
        crate::build::summary("Built", first.pages, &first.diagnostics, start.elapsed())
    );
    eprintln!("Watching {} (Ctrl-C to stop)", opts.root.display());
    while let Some(batch) = next_batch(&watcher) {
        let start = Instant::now();
        // An edit's pages are written before the A to Z when they are ready first.
        let mut early: Option<(std::time::Duration, Vec<String>)> = None;
        let mut write = |update: &incremental::Update, files: &Files, skip: &[String]| {
            let result = if written {
                let changed: Vec<(&str, &[u8])> = update
                    .changed
                    .iter()
                    .filter(|p| !skip.contains(p))
                    .filter_map(|p| files.get(p).map(|b| (p.as_str(), &b[..])))
                    .collect();
                let removed: Vec<&str> = update.removed.iter().map(String::as_str).collect();
                crate::write::update_in_place(&opts.output, &changed, &removed)
            } else {
                write_all(opts, files)
            };
            match result {
                Ok(()) => written = true,
                Err(e) => report(e),
            }
        };
        let update = inc.apply_with(&batch, &mut |u, files| {
            write(u, files, &[]);
            early = Some((start.elapsed(), u.changed.clone()));
        });
        diagnostic::print(&update.diagnostics, Format::Human);
        if update.ok {
            let skip = early.as_ref().map(|e| &e.1[..]).unwrap_or_default();
            write(&update, inc.files(), skip);
        }
        eprintln!(
            "{}",
            rebuild_line(&batch, &update, start.elapsed(), early.map(|e| e.0))
        );
    }
    Ok(())
}

/// Writes a whole build through the staging folder.
fn write_all(opts: &crate::build::Options, files: &Files) -> Result<(), crate::write::WriteError> {
    let mut out: Vec<crate::render::OutputFile> = files
        .iter()
        .map(|(p, b)| crate::render::OutputFile {
            path: p.clone(),
            bytes: b.to_vec(),
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    crate::write::write_site(&opts.root, &opts.output, &out, &[], &[], &[]).map(|_| ())
}
