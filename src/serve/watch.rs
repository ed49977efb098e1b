//! Watching the site's sources with notify: every change to `content/`, `templates/`,
//! `static/` or `formulary.toml` is batched (a short debounce) and handed over; editor temp
//! files are ignored; events that arrive during a rebuild wait for the next batch.

use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the sources must be quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(20);
/// A batch never waits longer than this for quiet.
const MAX_WAIT: Duration = Duration::from_millis(250);

/// A running watcher; dropping it stops watching.
pub struct SourceWatcher {
    _watcher: Box<dyn Watcher + Send>,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
}

/// Whether a changed path can affect the site.
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut comps = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = comps.next() else {
        return false;
    };
    if rel.components().count() == 1 {
        return first == crate::config::CONFIG_FILE
            || [
                crate::load::CONTENT_DIR,
                crate::load::TEMPLATES_DIR,
                crate::load::STATIC_DIR,
            ]
            .contains(&first.as_ref());
    }
    if ![
        crate::load::CONTENT_DIR,
        crate::load::TEMPLATES_DIR,
        crate::load::STATIC_DIR,
    ]
    .contains(&first.as_ref())
    {
        return false;
    }
    !rel.components()
        .any(|c| crate::load::is_ignored_name(&c.as_os_str().to_string_lossy()))
}

impl SourceWatcher {
    /// Starts watching `root`; `poll` uses a polling watcher for file systems without events.
    pub fn start(root: &Path, poll: bool) -> notify::Result<SourceWatcher> {
        let root = crate::write::absolute(root);
        let (tx, rx) = channel();
        let mut watcher: Box<dyn Watcher + Send> = if poll {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(200));
            Box::new(notify::PollWatcher::new(tx, config)?)
        } else {
            Box::new(notify::recommended_watcher(tx)?)
        };
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        for dir in [
            crate::load::CONTENT_DIR,
            crate::load::TEMPLATES_DIR,
            crate::load::STATIC_DIR,
        ] {
            let d = root.join(dir);
            if d.is_dir() {
                watcher.watch(&d, RecursiveMode::Recursive)?;
            }
        }
        Ok(SourceWatcher {
            _watcher: watcher,
            events: rx,
            root,
        })
    }

    /// Blocks until something relevant changed, then returns the batch of changed paths
    /// (relative to the root, sorted, deduplicated). `None` when the watcher has stopped.
    /// Once nothing has changed for `idle_after`, calls `on_idle`, once, and goes on
    /// waiting.
    pub fn next_batch(
        &self,
        idle_after: Duration,
        on_idle: &mut dyn FnMut(),
    ) -> Option<Vec<PathBuf>> {
        let mut batch: Vec<PathBuf> = Vec::new();
        let mut idle = false;
        loop {
            let event = match self.events.recv_timeout(idle_after) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    if !idle {
                        on_idle();
                        idle = true;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            };
            self.take(event, &mut batch);
            if !batch.is_empty() {
                break;
            }
        }
        let start = Instant::now();
        loop {
            let left = MAX_WAIT.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            match self.events.recv_timeout(DEBOUNCE.min(left)) {
                Ok(e) => self.take(e, &mut batch),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        batch.sort();
        batch.dedup();
        Some(batch)
    }

    fn take(&self, event: notify::Result<notify::Event>, batch: &mut Vec<PathBuf>) {
        let Ok(event) = event else { return };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for p in event.paths {
            if is_relevant(&self.root, &p) {
                batch.push(
                    p.strip_prefix(&self.root)
                        .map(Path::to_path_buf)
                        .unwrap_or(p),
                );
            }
        }
    }
}

/// A short description of a batch for the terminal: `content/a.md` or `3 files`.
pub fn describe(batch: &[PathBuf]) -> String {
    match batch {
        [one] => one.display().to_string(),
        many => format!("{} files", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_paths() {
        let root = Path::new("/site");
        assert!(is_relevant(root, Path::new("/site/content/a.md")));
        assert!(is_relevant(root, Path::new("/site/formulary.toml")));
        assert!(is_relevant(root, Path::new("/site/static/css/x.css")));
        assert!(!is_relevant(root, Path::new("/site/public/index.html")));
        assert!(!is_relevant(root, Path::new("/site/content/.a.md.swp")));
        assert!(!is_relevant(root, Path::new("/site/content/4913")));
        assert!(!is_relevant(root, Path::new("/site/content/a.md~")));
        assert!(!is_relevant(root, Path::new("/site/README.md")));
        assert!(!is_relevant(
            root,
            Path::new("/site/content/a.md___jb_tmp___")
        ));
    }

    /// A watcher that waits longer than `idle_after` for a change says so once, then
    /// hands over the change when it comes.
    #[test]
    fn says_once_when_idle_then_hands_over_the_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let watcher = SourceWatcher::start(&root, false).unwrap();
        let page = root.join("content/a.md");
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            std::fs::write(page, "+++\ntitle = \"A\"\n+++\n").unwrap();
        });
        let mut idle = 0;
        let batch = watcher
            .next_batch(Duration::from_millis(50), &mut || idle += 1)
            .unwrap();
        writer.join().unwrap();
        assert_eq!(idle, 1);
        assert_eq!(batch, vec![PathBuf::from("content/a.md")]);
    }
}
