//! external-link (opt-in: `formulary check --external`): every `http://` or `https://` link
//! and image of the content is requested once per URL (without its `#fragment`): `HEAD`,
//! then `GET` when the server refuses `HEAD` with 405 or 501; redirects are followed. A
//! 4xx or 5xx status, a timeout, an unknown host or a refused connection is a warning at
//! every place the URL is linked.
//!
//! - At most [`PER_HOST`] requests run at once per host, [`WORKERS`] in all.
//! - Each request times out after 10 s; the environment variable
//!   `FORMULARY_EXTERNAL_TIMEOUT_MS` sets another timeout in milliseconds (tests use it).
//! - Results, good and bad, are cached for a day in `.formulary-cache/external-links.json`
//!   under the site root, so a rerun is fast; delete that folder to check everything again.

use crate::diagnostic::Diagnostic;
use crate::site::Site;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Requests at once to one host.
pub const PER_HOST: usize = 2;
/// Requests at once in all.
pub const WORKERS: usize = 8;
/// How long a cached result is trusted.
pub const CACHE_TTL: Duration = Duration::from_secs(24 * 60 * 60);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub const TIMEOUT_ENV: &str = "FORMULARY_EXTERNAL_TIMEOUT_MS";
pub const CACHE_DIR: &str = ".formulary-cache";
pub const CACHE_FILE: &str = "external-links.json";

/// The request timeout: `FORMULARY_EXTERNAL_TIMEOUT_MS` or 10 s.
pub fn timeout() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_TIMEOUT, Duration::from_millis)
}

/// What requesting a URL gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Whether the link works (a 2xx status after redirects).
    pub ok: bool,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// What went wrong, in words: `404 Not Found`, `timed out after 10 s`, `unknown host`.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    /// Seconds since the Unix epoch when the URL was checked.
    checked: u64,
    #[serde(flatten)]
    outcome: Outcome,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    links: BTreeMap<String, CacheEntry>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub fn cache_path(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(CACHE_FILE)
}

fn load_cache(root: &Path) -> Cache {
    std::fs::read_to_string(cache_path(root))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save_cache(root: &Path, cache: &Cache) -> std::io::Result<()> {
    let path = cache_path(root);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let json = serde_json::to_string_pretty(cache).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, &path)
}

/// Whether a link destination is an external web address.
pub fn is_external(dest: &str) -> bool {
    let lower = dest.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The URL to request: without its `#fragment`.
pub fn request_url(dest: &str) -> &str {
    let dest = dest.trim();
    dest.split_once('#').map_or(dest, |(u, _)| u)
}

/// The host part of a URL (`example.org:8080`), for the per-host limit.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.to_ascii_lowercase()
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(timeout)
        .redirects(10)
        .user_agent(concat!("formulary-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Requests one URL: HEAD, then GET if HEAD is refused with 405 or 501.
pub fn request(agent: &ureq::Agent, url: &str, timeout: Duration) -> Outcome {
    match agent.head(url).call() {
        Err(ureq::Error::Status(405 | 501, _)) => classify(agent.get(url).call(), timeout),
        r => classify(r, timeout),
    }
}

fn classify(r: Result<ureq::Response, ureq::Error>, timeout: Duration) -> Outcome {
    match r {
        Ok(resp) => {
            let status = resp.status();
            Outcome {
                ok: (200..300).contains(&status),
                status: Some(status),
                detail: format!("{status} {}", resp.status_text()),
            }
        }
        Err(ureq::Error::Status(code, resp)) => Outcome {
            ok: false,
            status: Some(code),
            detail: format!("{code} {}", resp.status_text()).trim().to_string(),
        },
        Err(ureq::Error::Transport(t)) => {
            let detail = match t.kind() {
                ureq::ErrorKind::Dns => "unknown host".to_string(),
                ureq::ErrorKind::ConnectionFailed => "could not connect".to_string(),
                ureq::ErrorKind::TooManyRedirects => "too many redirects".to_string(),
                _ if is_timeout(&t) => format!("timed out after {}", human(timeout)),
                _ => t.to_string(),
            };
            Outcome {
                ok: false,
                status: None,
                detail,
            }
        }
    }
}

fn is_timeout(t: &ureq::Transport) -> bool {
    use std::error::Error as _;
    let mut source = t.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return true;
            }
        }
        source = e.source();
    }
    let s = t.to_string().to_lowercase();
    s.contains("timed out") || s.contains("timeout")
}

fn human(d: Duration) -> String {
    if d.as_millis() % 1000 == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Requests every URL, at most [`PER_HOST`] at once per host and [`WORKERS`] in all.
pub fn request_all(urls: &[String], timeout: Duration) -> HashMap<String, Outcome> {
    // Each host's URLs are dealt into at most PER_HOST lanes; a lane runs one request at a
    // time, so a host never has more than PER_HOST requests in flight.
    let mut by_host: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for u in urls {
        by_host.entry(host_of(u)).or_default().push(u);
    }
    let mut lanes: VecDeque<Vec<String>> = VecDeque::new();
    for list in by_host.values() {
        let n = list.len().min(PER_HOST);
        let mut host_lanes: Vec<Vec<String>> = vec![Vec::new(); n];
        for (i, u) in list.iter().enumerate() {
            host_lanes[i % n].push((*u).clone());
        }
        lanes.extend(host_lanes);
    }
    let queue = Mutex::new(lanes);
    let results = Mutex::new(HashMap::new());
    let agent = agent(timeout);
    let workers = WORKERS.min(queue.lock().map_or(0, |q| q.len()));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let lane = match queue.lock() {
                    Ok(mut q) => q.pop_front(),
                    Err(_) => None,
                };
                let Some(lane) = lane else { break };
                for url in lane {
                    let outcome = request(&agent, &url, timeout);
                    if let Ok(mut r) = results.lock() {
                        r.insert(url, outcome);
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// Checks every external link of the site (using and refreshing the cache under `root`),
/// without `allow` and `[checks]` applied: see [`run`].
pub fn check(site: &Site, root: &Path) -> Vec<Diagnostic> {
    // Every place each URL is linked.
    let mut places: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for page in &site.pages {
        for (i, l) in page.source.analysis.links.iter().enumerate() {
            if is_external(&l.dest) {
                places
                    .entry(request_url(&l.dest).to_string())
                    .or_default()
                    .push((page.id, i));
            }
        }
    }
    if places.is_empty() {
        return Vec::new();
    }
    let now = now_secs();
    let mut cache = load_cache(root);
    cache
        .links
        .retain(|_, e| now.saturating_sub(e.checked) < CACHE_TTL.as_secs() && e.checked <= now);
    let todo: Vec<String> = places
        .keys()
        .filter(|u| !cache.links.contains_key(*u))
        .cloned()
        .collect();
    let timeout = timeout();
    for (url, outcome) in request_all(&todo, timeout) {
        cache.links.insert(
            url,
            CacheEntry {
                checked: now,
                outcome,
            },
        );
    }
    let mut out = Vec::new();
    if todo.is_empty() {
        // Nothing new was asked: leave the cache file as it is.
    } else if let Err(e) = save_cache(root, &cache) {
        out.push(Diagnostic::warning(
            "external-link",
            Path::new(CACHE_DIR).join(CACHE_FILE),
            format!("cannot write the link cache: {e}"),
        ));
    }
    for (url, at) in &places {
        let Some(entry) = cache.links.get(url) else {
            continue;
        };
        if entry.outcome.ok {
            continue;
        }
        for &(page_id, link) in at {
            let page = &site.pages[page_id];
            let l = &page.source.analysis.links[link];
            let what = if l.is_image { "image" } else { "link" };
            let msg = format!(
                "external {what} `{}` is broken: {}",
                l.dest.trim(),
                entry.outcome.detail
            );
            let d = Diagnostic::warning("external-link", &page.source.file, msg);
            out.push(page.source.diag_at_body(d, l.offset));
        }
    }
    out
}

/// [`check`] with each page's `allow` and the configured levels applied.
pub fn run(site: &Site, root: &Path) -> Vec<Diagnostic> {
    let mut out = check(site, root);
    out.retain_mut(|d| super::apply_policy(site, d));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_hosts() {
        assert!(is_external("https://example.org/x"));
        assert!(is_external("HTTP://example.org"));
        assert!(!is_external("../a.md"));
        assert!(!is_external("mailto:a@b.org"));
        assert_eq!(request_url("https://a.org/x#part"), "https://a.org/x");
        assert_eq!(host_of("https://User@A.org:8080/x?y"), "a.org:8080");
        assert_eq!(host_of("http://127.0.0.1:5/ok"), "127.0.0.1:5");
    }

    #[test]
    fn timeout_wording() {
        assert_eq!(human(Duration::from_secs(10)), "10 s");
        assert_eq!(human(Duration::from_millis(300)), "300 ms");
    }

    #[test]
    fn refused_connection_is_reported() {
        // A port that was free a moment ago: nothing listens there now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/");
        let r = request_all(std::slice::from_ref(&url), Duration::from_millis(500));
        let o = &r[&url];
        assert!(!o.ok);
        assert_eq!(o.status, None);
        assert_eq!(o.detail, "could not connect");
    }
}
