//! The search index kept between rebuilds (serve, watch): every page's words merged with
//! counts, so that an edited page is taken out and read again, and only the shards of the
//! keys it touched, the document chunk it sits in and the manifest are made again. After
//! any edits the files equal those of a full build ([`super::index_files`]).

use super::index::{self, doc_of, page_words, Forms, Key, Posting, Scratch, Words, CHUNK};
use super::model::{IndexedPage, IndexedSite};
use super::text::{self, Stem};
use crate::render::OutputFile;
use crate::site::{LangId, PageId, Site};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One language's index as last written.
pub struct Live {
    lang: LangId,
    /// Where its files go: the language's prefix (`es/`).
    prefix: String,
    words: Words,
    /// The document of each page.
    doc_of: Vec<u32>,
    /// Every key's `"key":value`, sorted.
    fragments: BTreeMap<String, String>,
    /// The shards' leaves.
    leaves: HashSet<String>,
    /// Every index file's hash (the manifest's excepted), by path.
    hashes: HashMap<String, u64>,
}

impl Live {
    /// Every index file's path, the manifest's included.
    pub fn paths(&self) -> impl Iterator<Item = String> + '_ {
        self.hashes.keys().cloned().chain(std::iter::once(format!(
            "{}{}",
            self.prefix,
            super::MANIFEST
        )))
    }
}

/// What an update wrote and removed.
pub struct Changes {
    pub written: Vec<OutputFile>,
    pub removed: Vec<String>,
}

impl Live {
    /// Reads every page of language `lang`; returns the state and every index file.
    pub fn new(site: &Site, lang: LangId) -> (Live, Vec<OutputFile>) {
        let words = Words::read(&IndexedSite::of(site), lang);
        let fragments: BTreeMap<String, String> = words.merged.fragments().into_iter().collect();
        let mut doc_of = vec![0; site.pages.len()];
        for (doc, &id) in words.order.iter().enumerate() {
            doc_of[id] = doc as u32;
        }
        let mut live = Live {
            lang,
            prefix: site.languages[lang].prefix.clone(),
            words,
            doc_of,
            fragments,
            leaves: HashSet::new(),
            hashes: HashMap::new(),
        };
        let files = live.write(&BTreeSet::new(), &BTreeSet::new()).written;
        (live, files)
    }

    /// Brings the index from `prev` to `site`, which must have the same pages at the same
    /// URLs (`None` when they do not: build it anew).
    pub fn update(&mut self, prev: &Site, site: &Site) -> Option<Changes> {
        let same_pages = prev.pages.len() == site.pages.len()
            && prev.base_url == site.base_url
            && prev.languages.len() == site.languages.len()
            && site.languages.get(self.lang).is_some_and(|l| {
                l.code == prev.languages[self.lang].code && l.prefix == self.prefix
            })
            && prev
                .pages
                .iter()
                .zip(&site.pages)
                .all(|(a, b)| a.url_path == b.url_path && a.lang == b.lang);
        if !same_pages {
            return None;
        }
        let stem = Stem::new(&site.languages[self.lang].code);
        let mut touched: HashSet<Key> = HashSet::new();
        let mut fuzzy_touched: BTreeSet<String> = BTreeSet::new();
        let mut chunks: BTreeSet<usize> = BTreeSet::new();
        for id in 0..site.pages.len() {
            let (a, b) = (&prev.pages[id], &site.pages[id]);
            // A translation's names come from its source too.
            if b.lang != self.lang
                || (std::sync::Arc::ptr_eq(&a.source, &b.source)
                    && crate::site::same_list(&a.drugs, &b.drugs))
            {
                continue;
            }
            let doc = self.doc_of[id];
            self.reread(prev, site, id, &stem, &mut touched, &mut fuzzy_touched);
            let d = doc_of(&IndexedPage::of(site, id));
            if self.words.docs[doc as usize] != d {
                self.words.docs[doc as usize] = d;
                chunks.insert(doc as usize / CHUNK);
            }
        }
        // A whole name whose stem's postings changed carries them too.
        let merged = &self.words.merged;
        let names: Vec<Key> = merged
            .forms
            .iter()
            .filter(|(f, (s, n))| {
                *n > 0 && s != *f && touched.contains(s) && merged.postings.contains_key(f)
            })
            .map(|(f, _)| f.clone())
            .collect();
        touched.extend(names);
        let mut keys: BTreeSet<String> = BTreeSet::new();
        for k in &touched {
            let text = k.to_text();
            match merged.fragment(k) {
                Some(f) => self.fragments.insert(text.clone(), f),
                None => self.fragments.remove(&text),
            };
            keys.insert(text);
        }
        for k in &fuzzy_touched {
            match merged.fuzzy_fragment(k) {
                Some(f) => self.fragments.insert(k.clone(), f),
                None => self.fragments.remove(k),
            };
            keys.insert(k.clone());
        }
        Some(self.write(&keys, &chunks))
    }

    /// Takes page `id` out as it was in `prev` and reads it again from `site`, noting the
    /// keys whose entries can have changed.
    fn reread(
        &mut self,
        prev: &Site,
        site: &Site,
        id: PageId,
        stem: &Stem,
        touched: &mut HashSet<Key>,
        fuzzy_touched: &mut BTreeSet<String>,
    ) {
        let doc = self.doc_of[id];
        let (mut old_forms, mut new_forms) = (Forms::default(), Forms::default());
        let mut scratch = Scratch::default();
        let old = page_words(
            &IndexedPage::of(prev, id),
            stem,
            &mut old_forms,
            &mut scratch,
        );
        let new = page_words(
            &IndexedPage::of(site, id),
            stem,
            &mut new_forms,
            &mut scratch,
        );
        let m = &mut self.words.merged;

        let old_keys: HashMap<&Key, u8> = old.keys.iter().map(|(k, w)| (k, *w)).collect();
        let new_keys: HashMap<&Key, u8> = new.keys.iter().map(|(k, w)| (k, *w)).collect();
        for (k, &w) in &old_keys {
            if !new_keys.contains_key(k) {
                if let Some(list) = m.postings.get_mut(*k) {
                    if let Ok(i) = list.binary_search_by_key(&doc, |p| p.doc()) {
                        list.remove(i);
                    }
                    if list.is_empty() {
                        m.postings.remove(*k);
                    }
                }
                touched.insert((*k).clone());
            } else if new_keys[k] != w {
                touched.insert((*k).clone());
            }
        }
        for (k, &w) in &new_keys {
            if old_keys.get(k) == Some(&w) {
                continue;
            }
            let list = m.postings.entry((*k).clone()).or_default();
            match list.binary_search_by_key(&doc, |p| p.doc()) {
                Ok(i) => list[i] = Posting::new(doc, w),
                Err(i) => list.insert(i, Posting::new(doc, w)),
            }
            touched.insert((*k).clone());
        }

        // Word forms: a form's entry can change only when it appears or disappears.
        for (form, (s, _)) in old_forms {
            if let Some(e) = m.forms.get_mut(&form) {
                e.1 -= 1;
                if e.1 == 0 {
                    m.forms.remove(&form);
                    if s != form {
                        touched.insert(form);
                    }
                }
            }
        }
        for (form, (s, _)) in new_forms {
            let e = m.forms.entry(form.clone()).or_insert((s, 0));
            e.1 += 1;
            if e.1 == 1 && e.0 != form {
                touched.insert(form);
            }
        }

        // One-typo keys: a key's entry changes when a word appears or disappears.
        for w in old.name_words {
            let Some(k) = text::fuzzy_key(&w) else {
                continue;
            };
            if let Some(words) = m.fuzzy.get_mut(&k) {
                if let Some(n) = words.get_mut(&w) {
                    *n -= 1;
                    if *n == 0 {
                        words.remove(&w);
                        fuzzy_touched.insert(k.clone());
                    }
                }
                if words.is_empty() {
                    m.fuzzy.remove(&k);
                }
            }
        }
        for w in new.name_words {
            let Some(k) = text::fuzzy_key(&w) else {
                continue;
            };
            let n = m.fuzzy.entry(k.clone()).or_default().entry(w).or_default();
            *n += 1;
            if *n == 1 {
                fuzzy_touched.insert(k);
            }
        }
    }

    /// Writes the shards holding any of `keys`, the chunks `chunks`, the shards that are
    /// new, and the manifest; forgets the shards that went.
    fn write(&mut self, keys: &BTreeSet<String>, chunks: &BTreeSet<usize>) -> Changes {
        let fragments: Vec<(&str, &str)> = self
            .fragments
            .iter()
            .map(|(k, f)| (k.as_str(), f.as_str()))
            .collect();
        let holds_a_key = |leaf: &str| match leaf.strip_suffix('$') {
            Some(exact) => keys.contains(exact),
            None => keys
                .range(leaf.to_string()..)
                .next()
                .is_some_and(|k| k.starts_with(leaf)),
        };
        let written = index::write_files_keeping(
            &self.prefix,
            &fragments,
            &self.words.docs,
            |leaf| self.leaves.contains(leaf) && !holds_a_key(leaf),
            |n| !chunks.contains(&n),
            |path| self.hashes.get(path).copied(),
        );
        let hashes: HashMap<String, u64> = written.hashes.into_iter().collect();
        let removed = self
            .hashes
            .keys()
            .filter(|p| !hashes.contains_key(*p))
            .cloned()
            .collect();
        self.hashes = hashes;
        self.leaves = written.leaves.into_iter().collect();
        Changes {
            written: written.files,
            removed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Site;
    use std::path::Path;

    const CONFIG: &str =
        "title = \"T\"\n[checks]\nmissing-section = \"off\"\nduplicate-drug = \"off\"\n";

    fn site(root: &Path) -> Site {
        let (site, diags) = crate::build::load_and_check(root, None, false).unwrap();
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.level == crate::diagnostic::Level::Error)
            .map(|d| format!("{}: {}", d.path.display(), d.message))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        site
    }

    /// Pages made of words drawn from a small pool, so that edits make word forms, stems,
    /// whole names that are also forms (`raloxifene`), and one-typo keys appear and go.
    fn write_page(root: &Path, i: usize, seed: u64) {
        const WORDS: &[&str] = &[
            "fracture",
            "fractures",
            "fracturing",
            "bone",
            "bones",
            "raloxifene",
            "raloxifen",
            "tablet",
            "tablets",
            "evista",
            "fosamax",
            "fosamx",
            "stomach",
            "pain",
            "taking",
            "taken",
            "daily",
            "weekly",
            "water",
        ];
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(i as u64 + 1);
        let mut pick = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            WORDS[(x >> 33) as usize % WORDS.len()]
        };
        let body: Vec<&str> = (0..5).map(|_| pick()).collect();
        let brand = pick();
        let title = pick();
        let path = root.join(format!("content/drug-classes/c{i}.md"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!(
                "+++\ntitle = \"Class {title}\"\nkind = \"drug-class\"\nreviewed = 2026-01-01\nsummary = \"About {}.\"\n\
                 drugs = [ {{ name = \"{}\", brands = [\"{brand}\"] }} ]\n+++\n{}\n\n## {}\n\nMore.\n",
                pick(),
                pick(),
                body.join(" "),
                pick()
            ),
        )
        .unwrap();
    }

    #[test]
    fn updates_equal_a_full_index_after_random_edits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("formulary.toml"), CONFIG).unwrap();
        for i in 0..3 {
            write_page(root, i, 0);
        }
        let mut prev = site(root);
        let (mut live, first) = Live::new(&prev, 0);
        let mut files: BTreeMap<String, Vec<u8>> =
            first.into_iter().map(|f| (f.path, f.bytes)).collect();
        for step in 1..60u64 {
            write_page(root, (step as usize * 7) % 3, step);
            if step % 5 == 0 {
                write_page(root, (step as usize * 5 + 1) % 3, step * 31);
            }
            let next = site(root);
            let changes = live.update(&prev, &next).expect("the same pages");
            assert!(
                changes.written.len() < 20,
                "step {step}: an edit rewrites only what it touched ({} files)",
                changes.written.len()
            );
            for p in changes.removed {
                files.remove(&p);
            }
            for f in changes.written {
                files.insert(f.path, f.bytes);
            }
            let want: BTreeMap<String, Vec<u8>> =
                super::super::Index::build(&IndexedSite::of(&next), 0)
                    .files("")
                    .into_iter()
                    .map(|f| (f.path, f.bytes))
                    .collect();
            assert_eq!(
                files.keys().collect::<Vec<_>>(),
                want.keys().collect::<Vec<_>>(),
                "step {step}"
            );
            for (p, b) in &want {
                assert!(
                    files[p] == *b,
                    "step {step}: {p} differs:\n{}\n{}",
                    String::from_utf8_lossy(&files[p]),
                    String::from_utf8_lossy(b)
                );
            }
            prev = next;
        }
    }

    #[test]
    fn a_new_page_asks_for_a_new_index() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("formulary.toml"), CONFIG).unwrap();
        write_page(root, 0, 0);
        let prev = site(root);
        let (mut live, _) = Live::new(&prev, 0);
        write_page(root, 1, 0);
        let next = site(root);
        assert_eq!(next.pages.len(), prev.pages.len() + 1);
        assert!(live.update(&prev, &next).is_none());
    }
}
