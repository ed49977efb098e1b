//! `formulary serve` and `formulary watch`: build, watch the sources, rebuild on every
//! save; serve answers from memory with live reload and an error overlay, watch writes the
//! output folder. The current snapshot lives in one struct behind one lock.

mod http;
pub mod inject;
pub mod snapshot;
pub mod watch;

use crate::diagnostic::{self, Diagnostic, Format};
use snapshot::{BuildResult, Files};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio::sync::broadcast;

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

fn print_result(result: &BuildResult) {
    diagnostic::print(&result.diagnostics, Format::Human);
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
    let first = snapshot::build_in_memory(&opts.root, &base_url, opts.drafts);
    print_result(&first);
    eprintln!(
        "{}",
        crate::build::summary("Built", first.pages, &first.diagnostics, start.elapsed())
    );
    let mut generation = 0u64;
    let shared = Shared::new(Snapshot {
        files: first.files.map(Arc::new),
        diagnostics: first.diagnostics,
        build_id: build_id(generation),
    });

    let watcher = watch::SourceWatcher::start(&opts.root, opts.poll)?;
    let rebuild_state = shared.clone();
    let root = opts.root.clone();
    std::thread::spawn(move || {
        while let Some(batch) = watcher.next_batch() {
            generation += 1;
            rebuild(
                &root,
                &base_url,
                opts.drafts,
                &batch,
                &rebuild_state,
                build_id(generation),
            );
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
/// errors), one terminal line, and an event to the open pages.
fn rebuild(
    root: &Path,
    base_url: &str,
    drafts: bool,
    batch: &[PathBuf],
    shared: &Shared,
    id: String,
) {
    let start = Instant::now();
    let result = snapshot::build_in_memory(root, base_url, drafts);
    let old = shared.current();
    print_result(&result);
    let (errors, warnings) = diagnostic::count(&result.diagnostics);
    let what = watch::describe(batch);
    let ms = start.elapsed().as_millis();
    match result.files {
        Some(files) => {
            let changed = old
                .files
                .as_deref()
                .map_or(files.len(), |o| snapshot::pages_changed(o, &files));
            let css_only = old
                .diagnostics
                .iter()
                .all(|d| d.level != diagnostic::Level::Error)
                && old.files.is_some()
                && batch
                    .iter()
                    .all(|p| p.extension().is_some_and(|e| e == "css"));
            eprintln!(
                "Rebuilt after {what} changed: {changed} page{} changed, {warnings} warning{}, {ms} ms",
                if changed == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            );
            shared.replace(Snapshot {
                files: Some(Arc::new(files)),
                diagnostics: result.diagnostics,
                build_id: id.clone(),
            });
            let _ = shared
                .events
                .send((if css_only { "css" } else { "reload" }, id));
        }
        None => {
            eprintln!(
                "Rebuild after {what} changed failed: {errors} error{}, {ms} ms; still serving the last good pages",
                if errors == 1 { "" } else { "s" }
            );
            shared.replace(Snapshot {
                files: old.files.clone(),
                diagnostics: result.diagnostics,
                build_id: id.clone(),
            });
            let _ = shared.events.send(("reload", id));
        }
    }
}

/// Runs `watch`: rebuilds the output folder on every change until interrupted.
pub fn watch_and_build(opts: &crate::build::Options, poll: bool) -> Result<(), ServeError> {
    let once = |what: &str| match crate::build::build(opts) {
        Ok(outcome) => {
            diagnostic::print(&outcome.diagnostics, Format::Human);
            let verb = if outcome.written {
                format!("Rebuilt after {what}:")
            } else {
                format!("Not rebuilt after {what}:")
            };
            eprintln!(
                "{}",
                crate::build::summary(&verb, outcome.pages, &outcome.diagnostics, outcome.elapsed)
            );
        }
        Err(e) => eprintln!("error: {e}"),
    };
    let watcher = watch::SourceWatcher::start(&opts.root, poll)?;
    once("start");
    eprintln!("Watching {} (Ctrl-C to stop)", opts.root.display());
    while let Some(batch) = watcher.next_batch() {
        once(&format!("{} changed", watch::describe(&batch)));
    }
    Ok(())
}
