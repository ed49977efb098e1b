//! The query side in Rust: the same lookups and ranking as `static/search.js`, reading the
//! index files through a fetch function. Tests use it to check the ranking, and the
//! benchmark to count what a first query downloads.

use super::index::{decode_postings, leaf_file_name};
use super::text::{self, fuzzy_key, within_one_typo};
use super::{weight_score, NAME, TITLE};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// At most this many shards are read for one prefix scan.
pub const SCAN_SHARDS: usize = 3;
/// At most this many longer keys are taken for a prefix.
pub const PREFIX_KEYS: usize = 50;
/// Results are shown (and their documents fetched) this many at a time.
pub const PAGE: usize = 10;

/// Match factors (out of 10).
const EXACT: u64 = 10;
const SHORTER: u64 = 8;
const PREFIX: u64 = 5;
const TYPO: u64 = 4;

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub score: u64,
    /// How many of the query's words it matched.
    pub words: usize,
    pub title: String,
    pub url: String,
    pub summary: String,
}

/// An index being read, file by file, as the browser would.
pub struct Searcher<F: FnMut(&str) -> Option<Vec<u8>>> {
    fetch: F,
    leaves: Vec<String>,
    chunk: usize,
    shards: HashMap<String, Map<String, Value>>,
    chunks: HashMap<usize, Vec<[String; 3]>>,
    /// Every file read so far, with its size in bytes.
    pub fetched: Vec<(String, usize)>,
}

impl<F: FnMut(&str) -> Option<Vec<u8>>> Searcher<F> {
    /// Reads the manifest; `fetch` gets paths below `search/` (`index.json`).
    pub fn open(mut fetch: F) -> Result<Self, String> {
        let bytes = fetch("index.json").ok_or("no index.json")?;
        let m: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        let leaves = m["shards"]
            .as_array()
            .ok_or("no shards")?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let chunk = m["chunk"].as_u64().ok_or("no chunk")? as usize;
        Ok(Searcher {
            fetch,
            leaves,
            chunk,
            shards: HashMap::new(),
            chunks: HashMap::new(),
            fetched: vec![("index.json".into(), bytes.len())],
        })
    }

    fn get(&mut self, path: &str) -> Option<Vec<u8>> {
        let bytes = (self.fetch)(path)?;
        self.fetched.push((path.to_string(), bytes.len()));
        Some(bytes)
    }

    fn load_leaf(&mut self, leaf: &str) {
        if self.shards.contains_key(leaf) {
            return;
        }
        let path = format!("terms-{}.json", leaf_file_name(leaf));
        let map = self
            .get(&path)
            .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok())
            .unwrap_or_default();
        self.shards.insert(leaf.to_string(), map);
    }

    /// The leaf holding `key`, if any.
    fn leaf_of(&self, key: &str) -> Option<String> {
        self.leaves
            .iter()
            .filter(|l| match l.strip_suffix('$') {
                Some(exact) => key == exact,
                None => key.starts_with(l.as_str()),
            })
            .max_by_key(|l| l.len())
            .cloned()
    }

    fn entry(&mut self, key: &str) -> Option<Value> {
        let leaf = self.leaf_of(key)?;
        self.load_leaf(&leaf);
        self.shards[&leaf].get(key).cloned()
    }

    /// The key whose postings `key` stands for (itself, or its stem).
    fn resolve(&mut self, key: &str) -> Option<String> {
        match self.entry(key)? {
            Value::String(s) => match s.strip_prefix('=') {
                Some(stem) => match self.entry(stem)? {
                    Value::String(p) if !p.starts_with('=') => Some(stem.to_string()),
                    _ => None,
                },
                None => Some(key.to_string()),
            },
            _ => None,
        }
    }

    fn postings(&mut self, key: &str) -> Vec<(u32, u8)> {
        match self.entry(key) {
            Some(Value::String(s)) if !s.starts_with('=') => {
                decode_postings(&s).unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// Keys starting with `prefix`, in order, from the first [`SCAN_SHARDS`] shards that
    /// can hold them.
    fn scan(&mut self, prefix: &str) -> Vec<String> {
        let leaves: Vec<String> = self
            .leaves
            .iter()
            .filter(|l| {
                let body = l.strip_suffix('$').unwrap_or(l);
                body.starts_with(prefix) || (!l.ends_with('$') && prefix.starts_with(l.as_str()))
            })
            .take(SCAN_SHARDS)
            .cloned()
            .collect();
        let mut keys = Vec::new();
        for leaf in leaves {
            self.load_leaf(&leaf);
            keys.extend(
                self.shards[&leaf]
                    .keys()
                    .filter(|k| k.starts_with(prefix))
                    .cloned(),
            );
        }
        keys
    }

    /// The keys one query word matches, each with its factor.
    fn word_matches(&mut self, w: &str) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let n = w.chars().count();
        let exact = self.resolve(w);
        let found = exact.is_some();
        if let Some(k) = exact {
            out.push((k, EXACT));
        } else if n >= 5 {
            // A form the site never used: the longest key it extends by at most 3 letters.
            let chars: Vec<char> = w.chars().collect();
            for len in (n.saturating_sub(3).max(4)..n).rev() {
                let p: String = chars[..len].iter().collect();
                if let Some(k) = self.resolve(&p) {
                    out.push((k, SHORTER));
                    break;
                }
            }
        }
        if n >= 3 {
            let longer: Vec<String> = self
                .scan(w)
                .into_iter()
                .filter(|k| k != w)
                .take(PREFIX_KEYS)
                .collect();
            for k in longer {
                if let Some(r) = self.resolve(&k) {
                    out.push((r, PREFIX));
                }
            }
        }
        if !found && n >= 4 {
            let mut cands: BTreeSet<String> = BTreeSet::new();
            if let Some(Value::Array(words)) = fuzzy_key(w).and_then(|k| self.entry(&k)) {
                cands.extend(words.iter().filter_map(|v| v.as_str().map(str::to_string)));
            }
            let head: String = w.chars().take(n.saturating_sub(5).max(2)).collect();
            cands.extend(
                self.scan(&head)
                    .into_iter()
                    .filter(|k| !k.contains([' ', '~'])),
            );
            for c in cands {
                if c != w && within_one_typo(w, &c) {
                    if let Some(r) = self.resolve(&c) {
                        if self
                            .postings(&r)
                            .iter()
                            .any(|&(_, wt)| wt & (NAME | TITLE) != 0)
                        {
                            out.push((r, TYPO));
                        }
                    }
                }
            }
        }
        out
    }

    /// Every result of `q`, best first; the first [`PAGE`] have their title, URL and summary.
    pub fn search(&mut self, q: &str) -> Vec<Hit> {
        let mut words: Vec<String> = Vec::new();
        for t in text::tokens(q) {
            if !words.contains(&t) {
                words.push(t);
            }
        }
        // doc → (words matched, score)
        let mut docs: HashMap<u32, (usize, u64)> = HashMap::new();
        for w in &words {
            let mut best: HashMap<u32, u64> = HashMap::new();
            for (key, factor) in self.word_matches(w) {
                for (d, wt) in self.postings(&key) {
                    let s = weight_score(wt) * factor;
                    let b = best.entry(d).or_insert(0);
                    *b = (*b).max(s);
                }
            }
            for (d, s) in best {
                let e = docs.entry(d).or_insert((0, 0));
                e.0 += 1;
                e.1 += s;
            }
        }
        if words.len() > 1 {
            let phrase = words.join(" ");
            for (d, wt) in self.postings(&phrase) {
                if let Some(e) = docs.get_mut(&d) {
                    e.1 += weight_score(wt) * EXACT;
                }
            }
        }
        let all = docs.values().any(|&(n, _)| n == words.len());
        let mut ranked: Vec<(u32, usize, u64)> = docs
            .into_iter()
            .filter(|&(_, (n, _))| !all || n == words.len())
            .map(|(d, (n, s))| (d, n, s))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        let mut hits = Vec::with_capacity(ranked.len());
        for (i, (doc, n, score)) in ranked.into_iter().enumerate() {
            let [title, url, summary] = if i < PAGE {
                self.doc(doc).unwrap_or_default()
            } else {
                Default::default()
            };
            hits.push(Hit {
                doc,
                score,
                words: n,
                title,
                url,
                summary,
            });
        }
        hits
    }

    fn doc(&mut self, doc: u32) -> Option<[String; 3]> {
        let c = doc as usize / self.chunk;
        if !self.chunks.contains_key(&c) {
            let bytes = self.get(&format!("docs-{c}.json"))?;
            let list: Vec<[String; 3]> = serde_json::from_slice(&bytes).ok()?;
            self.chunks.insert(c, list);
        }
        self.chunks[&c].get(doc as usize % self.chunk).cloned()
    }
}

/// A searcher over files in memory (paths below the output, as a build returns them).
pub fn in_memory(
    files: &[crate::render::OutputFile],
) -> Result<Searcher<impl FnMut(&str) -> Option<Vec<u8>> + '_>, String> {
    Searcher::open(move |p: &str| {
        let path = format!("{}{p}", super::DIR);
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.bytes.clone())
    })
}

/// A searcher over a built output folder.
pub fn on_disk(
    output: &std::path::Path,
) -> Result<Searcher<impl FnMut(&str) -> Option<Vec<u8>>>, String> {
    let dir = output.join(super::DIR);
    Searcher::open(move |p: &str| std::fs::read(dir.join(p)).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::Index;

    /// A small site: two classes, a condition and an article that mentions brands.
    fn fixture() -> (tempfile::TempDir, Vec<crate::render::OutputFile>) {
        let files: &[(&str, &str)] = &[
            ("formulary.toml", "title = \"T\"\nbase_url = \"https://user.github.io/bones/\"\n"),
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
            (
                "content/drug-classes/bisphosphonates.md",
                "+++\ntitle = \"Bisphosphonates\"\nkind = \"drug-class\"\nsummary = \"Medicines that slow bone loss.\"\nreviewed = 2026-01-01\ndrugs = [ { name = \"alendronate\", brands = [\"Fosamax\", \"Binosto\"] }, { name = \"zoledronic acid\", brands = [\"Reclast\"] } ]\n+++\nThey help fractures heal less often.\n\n## Side effects\n\nStomach pain.\n",
            ),
            (
                "content/drug-classes/serms.md",
                "+++\ntitle = \"SERMs\"\nkind = \"drug-class\"\nsummary = \"Tablets that act like estrogen on bone.\"\nreviewed = 2026-01-01\ndrugs = [ { name = \"raloxifene\", brands = [\"Évista\"] } ]\n+++\nRaloxifene is a tablet. It is not like alendronate.\n",
            ),
            (
                "content/conditions/osteoporosis.md",
                "+++\ntitle = \"Osteoporosis\"\nkind = \"condition\"\nsummary = \"Thin bones.\"\nreviewed = 2026-01-01\nalso_known_as = [\"brittle bones\"]\n+++\nPeople take Fosamax or Évista for it. A fracture hurts.\n",
            ),
            (
                "content/guides/fosamax-tips.md",
                "+++\ntitle = \"Taking tablets\"\nsummary = \"Tips.\"\n+++\n## Fosamax in the morning\n\nTake Fosamax with water. Fosamax, Fosamax, Fosamax.\n",
            ),
        ];
        let (dir, site) = crate::test_site::load(files);
        let out = Index::build(&crate::search::IndexedSite::of(&site), 0).files("");
        (dir, out)
    }

    fn urls(files: &[crate::render::OutputFile], q: &str) -> Vec<String> {
        let mut s = in_memory(files).unwrap();
        s.search(q).into_iter().map(|h| h.url).collect()
    }

    #[test]
    fn a_brand_ranks_its_class_first() {
        let (_d, files) = fixture();
        let u = urls(&files, "Fosamax");
        assert_eq!(u[0], "/bones/drug-classes/bisphosphonates/", "{u:?}");
        // The guide that says it in a heading and five times comes after the class.
        assert!(u.contains(&"/bones/guides/fosamax-tips/".to_string()));
        assert!(u.contains(&"/bones/conditions/osteoporosis/".to_string()));
        assert_eq!(urls(&files, "evista")[0], "/bones/drug-classes/serms/");
        assert_eq!(urls(&files, "RALOXIFENE")[0], "/bones/drug-classes/serms/");
        assert_eq!(
            urls(&files, "zoledronic acid")[0],
            "/bones/drug-classes/bisphosphonates/"
        );
        assert_eq!(
            urls(&files, "brittle bones")[0],
            "/bones/conditions/osteoporosis/"
        );
    }

    #[test]
    fn prefixes_and_one_typo_find_a_name() {
        let (_d, files) = fixture();
        for q in [
            "alendronat",
            "fosamx",
            "fosmaax",
            "fosamaxx",
            "raloxifine",
            "alendronte",
            "binost",
        ] {
            let u = urls(&files, q);
            assert!(!u.is_empty(), "{q}: nothing");
            let want = if q.starts_with("ral") {
                "/bones/drug-classes/serms/"
            } else {
                "/bones/drug-classes/bisphosphonates/"
            };
            assert_eq!(u[0], want, "{q}: {u:?}");
        }
        // A typo in the first two letters is not forgiven.
        assert!(urls(&files, "ofsamax").is_empty());
    }

    #[test]
    fn body_words_are_stemmed_and_fields_ranked() {
        let (_d, files) = fixture();
        // "fractures" and "fracture" meet at their stem; "fracturing" was never written.
        let a = urls(&files, "fractures");
        let b = urls(&files, "fracture");
        let c = urls(&files, "fracturing");
        assert_eq!(a.len(), 2);
        assert_eq!(a, b);
        assert_eq!(a, c);
        // Title beats summary beats body.
        let t = urls(&files, "tablets");
        assert_eq!(t[0], "/bones/guides/fosamax-tips/", "{t:?}");
        assert_eq!(t[1], "/bones/drug-classes/serms/", "{t:?}");
        // Every word must match when some page has them all.
        assert_eq!(
            urls(&files, "stomach pain"),
            ["/bones/drug-classes/bisphosphonates/"]
        );
        assert!(urls(&files, "zzzz qqqq").is_empty());
        // When no page has every word, pages with some of them still show, most words first.
        assert_eq!(
            urls(&files, "stomach zzzz")[0],
            "/bones/drug-classes/bisphosphonates/"
        );
    }

    #[test]
    fn output_is_deterministic() {
        let (_d, a) = fixture();
        let (_e, b) = fixture();
        let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"search/index.json"));
        assert!(paths.contains(&"search/docs-0.json"));
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y);
        }
    }
}
