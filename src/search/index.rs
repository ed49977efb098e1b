//! Building the index from the site model: words of every page, merged into postings by
//! key, then written as a manifest, prefix shards and document chunks (see the module
//! documentation of [`crate::search`]).

use super::model::{IndexedPage, IndexedSite};
use super::text::{self, Stem};
use super::{ALPHABET, DIR, NAME, SUMMARY, TITLE};
use crate::markdown::BlockKind;
use crate::render::OutputFile;
use crate::site::{LangId, PageId, PageKind, Site};
use fnv::FnvHasher;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A shard is split by the next character of its prefix once it is larger than this.
pub const SHARD_TARGET: usize = 12 * 1024;
/// Documents per chunk of result data.
pub const CHUNK: usize = 50;

/// The whole index in memory, before it is written.
#[derive(Debug, Default)]
pub struct Index {
    /// Every key with its `"key":value` as it stands in a shard, sorted by key.
    pub fragments: Vec<(String, String)>,
    /// `[title, url, summary]` by document id.
    pub docs: Vec<[String; 3]>,
}

/// A key while the index is built: up to 16 bytes packed into one number (tokens never
/// hold a zero byte), so the maps the words go through hash and compare integers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Key {
    /// The packed number's low and high halves: as two `u64`s (not one `u128`, which is
    /// aligned to 16 bytes) a key takes 24 bytes, not 32, in every list and map of keys.
    Short(u64, u64),
    Long(Arc<str>),
}

impl Key {
    pub(super) fn new(word: &str) -> Key {
        match text::pack(word) {
            Some(k) => Key::short(k),
            None => Key::Long(Arc::from(word)),
        }
    }

    /// The key of a word packed by [`text::pack`].
    fn short(k: u128) -> Key {
        Key::Short(k as u64, (k >> 64) as u64)
    }

    pub(super) fn to_text(&self) -> String {
        match self {
            Key::Short(low, high) => {
                let k = u128::from(*low) | u128::from(*high) << 64;
                unpack(k, &mut [0; 16]).to_string()
            }
            Key::Long(s) => s.to_string(),
        }
    }
}

/// What one page contributes (its word forms go into the [`Forms`] it was read with).
pub(super) struct PageWords {
    /// Key (a stem or a whole name) → weight.
    pub(super) keys: Vec<(Key, u8)>,
    /// Words of the page's names, for one-typo keys.
    pub(super) name_words: Vec<String>,
}

/// The names a page owns: kept whole and findable with a typo.
fn names_of(page: &IndexedPage) -> Vec<&str> {
    let front = &page.source.front;
    let mut names = Vec::new();
    match page.kind {
        PageKind::DrugClass => {
            names.push(front.title.as_str());
            for d in page.drugs.iter() {
                names.push(d.name.as_str());
                names.extend(d.brands.iter().map(String::as_str));
            }
        }
        PageKind::Condition => {
            names.push(front.title.as_str());
            names.extend(front.also_known_as.iter().map(String::as_str));
        }
        _ => {}
    }
    names
}

fn body_bucket(tf: u32) -> u8 {
    match tf {
        0 => 0,
        1 => 1,
        2 | 3 => 2,
        _ => 3,
    }
}

/// Each word form read so far: its stem, and how many of the pages read have it. It is
/// also the cache that spares stemming a form twice.
pub(super) type Forms = FastMap<Key, (Key, u32)>;

fn unpack(k: u128, out: &mut [u8; 16]) -> &str {
    *out = k.to_le_bytes();
    let n = out.iter().position(|&b| b == 0).unwrap_or(16);
    std::str::from_utf8(&out[..n]).expect("packed from a str")
}

/// The maps one page's words go through, kept from page to page so that they keep their
/// capacity.
#[derive(Default)]
pub(super) struct Scratch {
    /// Word forms of up to 16 bytes → (field flags, times in the body).
    short: FastMap<u128, (u8, u32)>,
    /// Longer word forms, likewise.
    long: FastMap<String, (u8, u32)>,
    by_key: FastMap<Key, (u8, u32)>,
}

/// Reads one page: its keys and weights, and its name words; each distinct word form of
/// the page counts once in `forms`.
pub(super) fn page_words(
    page: &IndexedPage,
    stem: &Stem,
    forms: &mut Forms,
    scratch: &mut Scratch,
) -> PageWords {
    let Scratch {
        short,
        long,
        by_key,
    } = scratch;
    short.clear();
    long.clear();
    by_key.clear();
    let count = |e: &mut (u8, u32), flag: u8| {
        if flag == 0 {
            e.1 += 1;
        } else {
            e.0 |= flag;
        }
    };
    let mut add = |text: &str, flag: u8| {
        text::for_each_packed_token(
            text,
            |k| count(short.entry(k).or_default(), flag),
            |t| match long.get_mut(t) {
                Some(e) => count(e, flag),
                None => count(long.entry(t.to_string()).or_default(), flag),
            },
        )
    };
    add(page.source.title(), TITLE);
    add(page.source.summary(), SUMMARY);
    for h in page.source.headings() {
        add(&h.title, super::HEADING);
    }
    for b in page.source.blocks() {
        if b.kind != BlockKind::Heading {
            add(b.text, 0);
        }
    }
    let names = names_of(page);
    for n in &names {
        add(n, TITLE);
    }

    let words = short
        .drain()
        .map(|(k, v)| (Key::short(k), v))
        .chain(long.drain().map(|(w, v)| (Key::Long(Arc::from(w)), v)));
    for (word, (flags, tf)) in words {
        let s = match forms.get_mut(&word) {
            Some((s, pages)) => {
                *pages += 1;
                s.clone()
            }
            None => {
                let text = word.to_text();
                let stemmed = stem.stem(&text);
                let s = if stemmed == text {
                    word.clone()
                } else {
                    Key::new(&stemmed)
                };
                forms.insert(word, (s.clone(), 1));
                s
            }
        };
        let e = by_key.entry(s).or_default();
        e.0 |= flags;
        e.1 += tf;
    }
    let mut name_words = Vec::new();
    for n in names
        .iter()
        .copied()
        .chain(std::iter::once(page.source.title()))
    {
        let w = text::whole(n);
        if !w.is_empty() {
            by_key.entry(Key::new(&w)).or_default().0 |= NAME;
        }
    }
    for n in &names {
        text::for_each_token(n, |t| name_words.push(t.to_string()));
    }
    let keys = by_key
        .drain()
        .map(|(k, (flags, tf))| (k, flags | body_bucket(tf)))
        .collect();
    PageWords { keys, name_words }
}

/// A small fast hash for the maps the index is built in (never iterated into output
/// without sorting).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// Documents an index can number: a [`Posting`] keeps 26 bits for one. (A model of that
/// many pages would need terabytes of memory before it came to be indexed.)
pub const MAX_DOCS: usize = 1 << 26;

/// A document's entry in a key's postings: its number above the six bits of its weight,
/// in one word. A list takes four bytes a document (a pair would take eight), and sorts
/// by document as numbers do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Posting(u32);

impl Posting {
    pub fn new(doc: u32, weight: u8) -> Posting {
        debug_assert!((doc as usize) < MAX_DOCS && weight < 64);
        Posting(doc << 6 | u32::from(weight & 63))
    }

    pub fn doc(self) -> u32 {
        self.0 >> 6
    }

    pub fn weight(self) -> u8 {
        (self.0 & 63) as u8
    }
}

fn push_posting(list: &mut Vec<Posting>, doc: u32, w: u8) {
    match list.last_mut() {
        Some(last) if last.doc() == doc => last.0 |= u32::from(w),
        _ => list.push(Posting::new(doc, w)),
    }
}

/// The union of two postings lists, weights of one document or'ed.
fn union(a: &[Posting], b: &[Posting]) -> Vec<Posting> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].doc() <= b[j].doc());
        let p = if take_a { a[i] } else { b[j] };
        push_posting(&mut out, p.doc(), p.weight());
        if take_a {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Postings, word forms and one-typo keys of every page read so far, with counts, so
/// that a page can be taken out again ([`super::live`]).
#[derive(Default)]
pub(super) struct Merged {
    pub(super) postings: FastMap<Key, Vec<Posting>>,
    pub(super) forms: Forms,
    /// One-typo key → name word → times read.
    pub(super) fuzzy: BTreeMap<String, BTreeMap<String, u32>>,
}

impl Merged {
    /// `other` read other pages than this one's: each postings list stays sorted by
    /// document. The three maps are merged side by side:
    /// this is the one step of reading the words that the cores do not share otherwise.
    fn append(mut self, other: Merged) -> Merged {
        if self.postings.is_empty() && self.forms.is_empty() {
            return other;
        }
        let Merged {
            postings,
            forms,
            fuzzy,
        } = other;
        let (my_postings, my_forms, my_fuzzy) =
            (&mut self.postings, &mut self.forms, &mut self.fuzzy);
        rayon::join(
            || {
                for (key, list) in postings {
                    match my_postings.get_mut(&key) {
                        Some(l) if l.last().map(|p| p.doc()) < list.first().map(|p| p.doc()) => {
                            l.extend(list)
                        }
                        Some(l) => *l = union(l, &list),
                        None => {
                            my_postings.insert(key, list);
                        }
                    }
                }
            },
            || {
                rayon::join(
                    || {
                        for (form, (s, n)) in forms {
                            my_forms.entry(form).or_insert((s, 0)).1 += n;
                        }
                    },
                    || {
                        for (k, words) in fuzzy {
                            let e = my_fuzzy.entry(k).or_default();
                            for (w, n) in words {
                                *e.entry(w).or_default() += n;
                            }
                        }
                    },
                )
            },
        );
        self
    }

    fn add(&mut self, doc: u32, pw: PageWords) {
        for (key, w) in pw.keys {
            match self.postings.get_mut(&key) {
                Some(list) => push_posting(list, doc, w),
                None => {
                    self.postings.insert(key, vec![Posting::new(doc, w)]);
                }
            }
        }
        for w in pw.name_words {
            if let Some(k) = text::fuzzy_key(&w) {
                *self.fuzzy.entry(k).or_default().entry(w).or_default() += 1;
            }
        }
    }

    /// The stem of a word form seen on the site that differs from it.
    fn stem_of(&self, key: &Key) -> Option<&Key> {
        match self.forms.get(key) {
            Some((s, n)) if *n > 0 && s != key => Some(s),
            _ => None,
        }
    }

    /// The fragment of a word key (not a one-typo key), if the site has it.
    pub(super) fn fragment(&self, key: &Key) -> Option<String> {
        let stem = self.stem_of(key);
        let text = || key.to_text();
        match (self.postings.get(key), stem) {
            // A whole name that is also a word form (`raloxifene`, stem `raloxifen`)
            // carries its stem's postings too, so the name finds every page with the word.
            (Some(list), Some(s)) => Some(match self.postings.get(s) {
                Some(stemmed) => postings_fragment(&text(), &union(list, stemmed)),
                None => postings_fragment(&text(), list),
            }),
            (Some(list), None) => Some(postings_fragment(&text(), list)),
            (None, Some(s)) => Some(json_fragment(&text(), &format!("={}", s.to_text()))),
            (None, None) => None,
        }
    }

    /// The fragment of a one-typo key, if the site has it.
    pub(super) fn fuzzy_fragment(&self, key: &str) -> Option<String> {
        let words = self.fuzzy.get(key)?;
        let found: Vec<&String> = words
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(w, _)| w)
            .collect();
        (!found.is_empty()).then(|| json_fragment(key, &found))
    }

    /// Every key that has a fragment: word keys, then one-typo keys.
    pub(super) fn keys(&self) -> Vec<&Key> {
        self.postings
            .keys()
            .chain(
                self.forms
                    .iter()
                    .filter(|(f, (s, n))| *n > 0 && s != *f && !self.postings.contains_key(f))
                    .map(|(f, _)| f),
            )
            .collect()
    }

    /// Every key's fragment, sorted by key.
    pub(super) fn fragments(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .keys()
            .par_iter()
            .filter_map(|k| Some((k.to_text(), self.fragment(k)?)))
            .collect();
        all.extend(
            self.fuzzy
                .keys()
                .filter_map(|k| Some((k.clone(), self.fuzzy_fragment(k)?))),
        );
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// The words of every page, and the documents in the order they are numbered.
pub(super) struct Words {
    pub(super) merged: Merged,
    /// `[title, url, summary]` by document.
    pub(super) docs: Vec<[String; 3]>,
    /// The page of each document: pages in URL order.
    pub(super) order: Vec<PageId>,
}

impl Words {
    /// Reads every page of one language (in parallel, a batch at a time), stemming its
    /// words by that language.
    pub(super) fn read(site: &IndexedSite, lang: LangId) -> Words {
        Words::read_in_batches(site, lang, 32)
    }

    /// [`Words::read`], `batch` pages at a time.
    fn read_in_batches(site: &IndexedSite, lang: LangId, batch: usize) -> Words {
        let t = std::time::Instant::now();
        let stem = Stem::new(&site.languages[lang].code);
        let mut order: Vec<PageId> = (0..site.pages.len())
            .filter(|&id| site.pages[id].lang == lang)
            .collect();
        order.sort_by(|&a, &b| site.pages[a].url_path.cmp(&site.pages[b].url_path));

        // Pages are read in parallel, a batch at a time: each worker takes the next batch
        // until none is left, so a worker that comes late (from the checks, which run
        // beside the index) takes a share of what is left, and none waits on another's
        // last pages. Each worker keeps postings of its own, sorted by document since it
        // takes batches in order; one set of maps per worker, since a worker's maps come
        // to hold most of the site's words and stems, and each further set would mean
        // stemming them again and merging them.
        let next = AtomicUsize::new(0);
        let read_batches = |_worker| {
            let (mut m, mut scratch) = (Merged::default(), Scratch::default());
            loop {
                let start = next.fetch_add(batch, Ordering::Relaxed);
                if start >= order.len() {
                    return m;
                }
                for (doc, &id) in order.iter().enumerate().skip(start).take(batch) {
                    let pw = page_words(&site.pages[id], &stem, &mut m.forms, &mut scratch);
                    m.add(doc as u32, pw);
                }
            }
        };
        let merged = (0..rayon::current_num_threads())
            .into_par_iter()
            .with_max_len(1)
            .map(read_batches)
            .reduce(Merged::default, Merged::append);
        let docs = order.iter().map(|&id| doc_of(&site.pages[id])).collect();
        crate::build::timing("search words", t);
        Words {
            merged,
            docs,
            order,
        }
    }
}

/// What a result shows of a page: `[title, url, summary]`.
pub(super) fn doc_of(p: &IndexedPage) -> [String; 3] {
    [
        p.source.title().to_string(),
        p.url.clone(),
        p.source.summary().to_string(),
    ]
}

impl Index {
    /// Reads every page of one language of the model.
    pub fn build(site: &IndexedSite, lang: LangId) -> Index {
        Index::of_words(Words::read(site, lang))
    }

    /// The index of the words read of one language's pages.
    fn of_words(words: Words) -> Index {
        let t = std::time::Instant::now();
        let fragments = words.merged.fragments();
        crate::build::timing("search merge", t);
        Index {
            fragments,
            docs: words.docs,
        }
    }

    /// The index files, by path below the output.
    /// The index files, by path below the output; `prefix` is the language's (`es/`).
    pub fn files(&self, prefix: &str) -> Vec<OutputFile> {
        let fragments: Vec<(&str, &str)> = self
            .fragments
            .iter()
            .map(|(k, f)| (k.as_str(), f.as_str()))
            .collect();
        write_files_keeping(
            prefix,
            &fragments,
            &self.docs,
            |_| false,
            |_| false,
            |_| None,
        )
        .files
    }
}

/// The index files as [`write_files`] made them.
pub(super) struct Written {
    /// The files made: changed shards and chunks, then the manifest.
    pub files: Vec<OutputFile>,
    /// The shards' leaves, in key order.
    pub leaves: Vec<String>,
    /// Every index file's hash by path (the manifest's excepted), those kept included.
    pub hashes: Vec<(String, u64)>,
}

/// Splits the sorted `(key, fragment)` pairs into shards and the documents into chunks,
/// and writes them with the manifest. A shard whose leaf `keep_leaf` accepts, and a
/// chunk `keep_chunk` accepts, is not made again: its hash comes from `old_hash`.
pub(super) fn write_files_keeping(
    prefix: &str,
    fragments: &[(&str, impl AsRef<str> + Sync)],
    docs: &[[String; 3]],
    keep_leaf: impl Fn(&str) -> bool + Sync,
    keep_chunk: impl Fn(usize) -> bool + Sync,
    old_hash: impl Fn(&str) -> Option<u64> + Sync,
) -> Written {
    let sizes: Vec<(&str, usize)> = fragments
        .iter()
        .map(|(k, f)| (*k, f.as_ref().len()))
        .collect();
    let mut leaves = Vec::new();
    split(&sizes, 0, String::new(), &mut leaves);

    let shard = |(leaf, range): &(String, std::ops::Range<usize>)| {
        let path = format!("{prefix}{DIR}terms-{}.json", leaf_file_name(leaf));
        if keep_leaf(leaf) {
            if let Some(h) = old_hash(&path) {
                return (path, h, None);
            }
        }
        let mut body = String::from("{");
        for (i, (_, f)) in fragments[range.clone()].iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(f.as_ref());
        }
        body.push('}');
        let bytes = body.into_bytes();
        (path, fnv(&bytes), Some(bytes))
    };
    let chunk = |n: usize| {
        let path = format!("{prefix}{DIR}docs-{n}.json");
        if keep_chunk(n) {
            if let Some(h) = old_hash(&path) {
                return (path, h, None);
            }
        }
        let end = (n * CHUNK + CHUNK).min(docs.len());
        let bytes = serde_json::to_vec(&docs[n * CHUNK..end]).expect("strings serialise");
        (path, fnv(&bytes), Some(bytes))
    };
    let mut made: Vec<(String, u64, Option<Vec<u8>>)> = leaves.par_iter().map(shard).collect();
    made.extend(
        (0..docs.len().div_ceil(CHUNK))
            .into_par_iter()
            .map(chunk)
            .collect::<Vec<_>>(),
    );

    let mut version = FnvHasher::default();
    let mut files = Vec::new();
    let mut hashes = Vec::with_capacity(made.len());
    for (path, hash, bytes) in made {
        version.write(path.as_bytes());
        version.write(&[0]);
        version.write(&hash.to_le_bytes());
        if let Some(bytes) = bytes {
            files.push(OutputFile {
                path: path.clone(),
                bytes,
            });
        }
        hashes.push((path, hash));
    }
    let names: Vec<String> = leaves.into_iter().map(|(l, _)| l).collect();
    let manifest = serde_json::json!({
        "version": 1,
        "v": format!("{:016x}", version.finish()),
        "docs": docs.len(),
        "chunk": CHUNK,
        "shards": names,
    });
    files.push(OutputFile {
        path: format!("{prefix}{}", super::MANIFEST),
        bytes: serde_json::to_vec(&manifest).expect("a manifest serialises"),
    });
    Written {
        files,
        leaves: names,
        hashes,
    }
}

/// FNV-1a, 64 bits: the hash of each index file, and of their hashes for the manifest's
/// version.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h = FnvHasher::default();
    h.write(bytes);
    h.finish()
}

/// The search index files of a site: `search/index.json`, `search/terms-*.json`,
/// `search/docs-*.json`, and the same below each other language's prefix (`es/search/`):
/// each language has its own index of its own pages, stemmed for it. None when
/// [`super::enabled`] says not.
pub fn index_files(site: &Site) -> Vec<OutputFile> {
    index_files_of(&IndexedSite::of(site))
}

/// [`index_files`] from what the index reads of the model.
pub fn index_files_of(site: &IndexedSite) -> Vec<OutputFile> {
    read_words(site).files()
}

/// Every language's words, read from the pages: all that is left of making the index
/// (merging the postings into keys, and writing the files) reads no page.
pub struct PendingIndex {
    /// Each language's URL prefix and words.
    langs: Vec<(String, Words)>,
}

/// Reads the words of every page of `site`, language by language ([`PendingIndex`]); none
/// when [`super::enabled`] says not. A build reads them beside the model's checks, which
/// read the same prose, and makes the files beside the render, which reads none of it.
pub fn read_words(site: &IndexedSite) -> PendingIndex {
    if !super::enabled() {
        return PendingIndex { langs: Vec::new() };
    }
    let langs = (0..site.languages.len())
        .map(|lang| (site.languages[lang].prefix.clone(), Words::read(site, lang)))
        .collect();
    PendingIndex { langs }
}

impl PendingIndex {
    /// The index files ([`index_files`]).
    pub fn files(self) -> Vec<OutputFile> {
        let t = std::time::Instant::now();
        let files = self
            .langs
            .into_iter()
            .flat_map(|(prefix, words)| Index::of_words(words).files(&prefix))
            .collect();
        crate::build::timing("search files", t);
        files
    }
}

/// Postings as the letters of [`ALPHABET`]: gaps between document ids, then weights.
pub fn encode_postings(list: &[Posting]) -> String {
    let mut out = String::with_capacity(list.len() * 2);
    let mut prev = 0u32;
    for (i, (doc, w)) in list.iter().map(|p| (p.doc(), p.weight())).enumerate() {
        let mut gap = if i == 0 { doc } else { doc - prev };
        prev = doc;
        while gap >= 32 {
            out.push(ALPHABET[(32 + (gap & 31)) as usize] as char);
            gap >>= 5;
        }
        out.push(ALPHABET[gap as usize] as char);
        out.push(ALPHABET[usize::from(w & 63)] as char);
    }
    out
}

/// The reverse of [`encode_postings`]; `None` for a letter outside the alphabet.
pub fn decode_postings(s: &str) -> Option<Vec<(u32, u8)>> {
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|v| v as u32);
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut doc) = (0, 0u32);
    while i < bytes.len() {
        let (mut gap, mut shift) = (0u32, 0);
        loop {
            let v = value(*bytes.get(i)?)?;
            i += 1;
            gap |= (v & 31) << shift;
            shift += 5;
            if v < 32 {
                break;
            }
        }
        doc = if out.is_empty() { gap } else { doc + gap };
        let w = value(*bytes.get(i)?)? as u8;
        i += 1;
        out.push((doc, w));
    }
    Some(out)
}

/// `"key":"postings"` as it stands in a shard.
fn postings_fragment(key: &str, list: &[Posting]) -> String {
    let mut out = serde_json::to_string(key).expect("a string serialises");
    out.push_str(":\"");
    out.push_str(&encode_postings(list));
    out.push('"');
    out
}

/// `"key":value` with the value as JSON.
fn json_fragment(key: &str, value: &impl serde::Serialize) -> String {
    let mut out = serde_json::to_string(key).expect("a string serialises");
    out.push(':');
    out.push_str(&serde_json::to_string(value).expect("strings serialise"));
    out
}

/// Splits sorted `(key, fragment size)` pairs below `prefix` (of `depth` characters) into
/// leaves of at most [`SHARD_TARGET`] bytes where it can: a leaf is the prefix itself
/// (every key below it), or the prefix and `$` (only the key equal to it).
fn split(
    items: &[(&str, usize)],
    depth: usize,
    prefix: String,
    out: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    split_at(items, 0..items.len(), depth, prefix, out)
}

fn split_at(
    items: &[(&str, usize)],
    range: std::ops::Range<usize>,
    depth: usize,
    prefix: String,
    out: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    if range.is_empty() {
        return;
    }
    let size: usize = items[range.clone()].iter().map(|(_, n)| n + 1).sum();
    if depth > 0 && (size <= SHARD_TARGET || range.len() == 1) {
        out.push((prefix, range));
        return;
    }
    // Every key in the range starts with `prefix`: the next character follows its bytes.
    let next_char = |key: &str| key[prefix.len()..].chars().next();
    let mut i = range.start;
    if depth > 0 && items[i].0.len() == prefix.len() {
        out.push((format!("{prefix}$"), i..i + 1));
        i += 1;
    }
    while i < range.end {
        let c = next_char(items[i].0).expect("longer than the prefix");
        let mut j = i + 1;
        while j < range.end && next_char(items[j].0) == Some(c) {
            j += 1;
        }
        let mut child = prefix.clone();
        child.push(c);
        split_at(items, i..j, depth + 1, child, out);
        i = j;
    }
}

/// A leaf as it stands in a file name: `[a-z0-9]` as they are, other characters as
/// `_<hex>_`, a final `$` as `-`.
pub fn leaf_file_name(leaf: &str) -> String {
    let (body, exact) = match leaf.strip_suffix('$') {
        Some(b) => (b, true),
        None => (leaf, false),
    };
    let mut out = String::new();
    for c in body.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", c as u32));
        }
    }
    if exact {
        out.push('-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_takes_three_words_and_reads_back_as_its_word() {
        assert_eq!(std::mem::size_of::<Key>(), 24);
        for w in [
            "a",
            "bone",
            "alendronate",
            "bisphosphonates",
            "osteonecrosisjaw",
            "über",
        ] {
            let k = Key::new(w);
            assert!(matches!(k, Key::Short(..)), "{w}");
            assert_eq!(k.to_text(), w);
        }
        let long = Key::new("osteonecrosisjaws");
        assert!(matches!(long, Key::Long(_)));
        assert_eq!(long.to_text(), "osteonecrosisjaws");
        assert_ne!(Key::new("bone"), Key::new("bones"));
    }

    /// However many workers read the pages, and whichever batches each takes, the index
    /// is the same, every postings list in document order.
    #[test]
    fn the_index_does_not_depend_on_the_workers() {
        let mut files: Vec<(String, String)> = (0..150)
            .map(|i| {
                let words = ["bone", "tablet", "calcium", "daily", "water", "doctor"];
                let body: Vec<&str> = (0..600).map(|k| words[(i * 7 + k * k) % 6]).collect();
                (
                    format!("content/drug-classes/class-{i:03}.md"),
                    format!(
                        "+++\ntitle = \"Class {i}\"\nsummary = \"About class {i}.\"\n+++\n\nWord{} {}.\n",
                        i % 9,
                        body.join(" ")
                    ),
                )
            })
            .collect();
        files.push(("formulary.toml".into(), "title = \"T\"\n".into()));
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (&p[..], &t[..])).collect();
        let (_dir, site) = crate::test_site::load(&files);
        assert_eq!(site.pages.len(), 151, "the pages and the home page");
        let indexed = IndexedSite::of(&site);
        let index_with = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let files = pool.install(|| index_files_of(&indexed));
            files
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect::<Vec<_>>()
        };
        let one = index_with(1);
        assert!(one.len() > 2, "{} index files", one.len());
        for threads in [2, 3, 8] {
            assert!(index_with(threads) == one, "{threads} workers");
        }
        // A page at a time, the workers' batches interleave.
        let by_page = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| Words::read_in_batches(&indexed, 0, 1))
                .merged
        };
        let one = by_page(1);
        for threads in [2, 4] {
            let merged = by_page(threads);
            assert!(merged.postings == one.postings, "{threads} workers");
            assert!(merged.forms == one.forms && merged.fuzzy == one.fuzzy);
        }
    }

    #[test]
    fn postings_round_trip() {
        let list = vec![(0, 1), (1, 63), (40, 32), (40_000, 17), (1_000_000, 0)];
        let packed: Vec<Posting> = list.iter().map(|&(d, w)| Posting::new(d, w)).collect();
        let s = encode_postings(&packed);
        assert_eq!(&s[..4], "ABB_");
        assert_eq!(decode_postings(&s), Some(list));
        let last = Posting::new(MAX_DOCS as u32 - 1, 63);
        assert_eq!((last.doc(), last.weight()), (MAX_DOCS as u32 - 1, 63));
        assert_eq!(decode_postings("A"), None);
        assert_eq!(decode_postings("!A"), None);
    }

    #[test]
    fn leaves_split_by_size_and_name_files_safely() {
        assert_eq!(leaf_file_name("br"), "br");
        assert_eq!(leaf_file_name("fo~"), "fo_7e_");
        assert_eq!(leaf_file_name("é$"), "_e9_-");
        assert_eq!(leaf_file_name("bone$"), "bone-");
        let big = SHARD_TARGET / 2;
        let items: Vec<(&str, usize)> = vec![("ab", big), ("abc", big), ("abd", big), ("b", 1)];
        let mut leaves = Vec::new();
        split(&items, 0, String::new(), &mut leaves);
        let names: Vec<&str> = leaves.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(names, ["ab$", "abc", "abd", "b"]);
        assert_eq!(leaves[1].1, 1..2);
    }

    #[test]
    fn unions_or_weights() {
        let list = |l: &[(u32, u8)]| -> Vec<Posting> {
            l.iter().map(|&(d, w)| Posting::new(d, w)).collect()
        };
        assert_eq!(
            union(&list(&[(1, 32), (4, 1)]), &list(&[(1, 16), (2, 2)])),
            list(&[(1, 48), (2, 2), (4, 1)])
        );
    }
}
