//! Building the index from the site model: words of every page, merged into postings by
//! key, then written as a manifest, prefix shards and document chunks (see the module
//! documentation of [`crate::search`]).

use super::text::{self, Stem};
use super::{ALPHABET, DIR, NAME, SUMMARY, TITLE};
use crate::markdown::BlockKind;
use crate::render::OutputFile;
use crate::site::{LangId, Page, PageKind, Site};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A shard is split by the next character of its prefix once it is larger than this.
pub const SHARD_TARGET: usize = 12 * 1024;
/// Documents per chunk of result data.
pub const CHUNK: usize = 50;

/// One key's value in a shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `(document, weight)`, by document.
    Postings(Vec<(u32, u8)>),
    /// A word form whose postings are under its stem.
    Stem(String),
    /// A one-typo key: the name words it finds.
    Names(Vec<String>),
}

/// The whole index in memory, before it is written.
#[derive(Debug, Default)]
pub struct Index {
    /// Every key, sorted.
    pub entries: BTreeMap<String, Entry>,
    /// `[title, url, summary]` by document id.
    pub docs: Vec<[String; 3]>,
}

/// A key while the index is built: up to 16 bytes packed into one number (tokens never
/// hold a zero byte), so the maps the words go through hash and compare integers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Short(u128),
    Long(Arc<str>),
}

impl Key {
    fn new(word: &str) -> Key {
        match pack(word) {
            Some(k) => Key::Short(k),
            None => Key::Long(Arc::from(word)),
        }
    }

    fn to_text(&self) -> String {
        match self {
            Key::Short(k) => unpack(*k, &mut [0; 16]).to_string(),
            Key::Long(s) => s.to_string(),
        }
    }
}

/// What one page contributes.
struct PageWords {
    /// Key (a stem or a whole name) → weight.
    keys: Vec<(Key, u8)>,
    /// Word forms of the page that differ from their stem.
    forms: Vec<(String, String)>,
    /// Words of the page's names, for one-typo keys.
    name_words: Vec<String>,
}

/// The names a page owns: kept whole and findable with a typo.
fn names_of(page: &Page) -> Vec<&str> {
    let front = &page.source.front;
    let mut names = Vec::new();
    match page.kind {
        PageKind::DrugClass => {
            names.push(front.title.as_str());
            for d in &page.drugs {
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

/// Per worker: each word form's stem, and whether this worker has already reported the
/// form (forms are reported once, not once a page).
type StemCache = FastMap<Key, (Key, bool)>;

fn pack(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    (b.len() <= 16).then(|| {
        let mut k = 0u128;
        for (i, &c) in b.iter().enumerate() {
            k |= u128::from(c) << (8 * i);
        }
        k
    })
}

fn unpack(k: u128, out: &mut [u8; 16]) -> &str {
    *out = k.to_le_bytes();
    let n = out.iter().position(|&b| b == 0).unwrap_or(16);
    std::str::from_utf8(&out[..n]).expect("packed from a str")
}

fn page_words(page: &Page, stem: &Stem, cache: &mut StemCache) -> PageWords {
    // Word form → (field flags, times in the body).
    let mut short: FastMap<u128, (u8, u32)> =
        FastMap::with_capacity_and_hasher(256, Default::default());
    let mut long: FastMap<String, (u8, u32)> = FastMap::default();
    let mut add = |text: &str, flag: u8| {
        text::for_each_token(text, |t| {
            let e = match pack(t) {
                Some(k) => short.entry(k).or_default(),
                None => match long.get_mut(t) {
                    Some(e) => e,
                    None => long.entry(t.to_string()).or_default(),
                },
            };
            if flag == 0 {
                e.1 += 1;
            } else {
                e.0 |= flag;
            }
        })
    };
    add(page.title(), TITLE);
    add(page.summary(), SUMMARY);
    for h in page.headings() {
        add(&h.title, super::HEADING);
    }
    for b in &page.source.analysis.blocks {
        if b.kind != BlockKind::Heading {
            add(&b.text, 0);
        }
    }
    let names = names_of(page);
    for n in &names {
        add(n, TITLE);
    }

    let mut forms = Vec::new();
    let mut by_key: FastMap<Key, (u8, u32)> =
        FastMap::with_capacity_and_hasher(short.len() + long.len() + 8, Default::default());
    let words = short
        .into_iter()
        .map(|(k, v)| (Key::Short(k), v))
        .chain(long.into_iter().map(|(w, v)| (Key::Long(Arc::from(w)), v)));
    for (word, (flags, tf)) in words {
        let s = match cache.get_mut(&word) {
            Some((s, reported)) => {
                if !*reported && *s != word {
                    *reported = true;
                    forms.push((word.to_text(), s.to_text()));
                }
                s.clone()
            }
            None => {
                let text = word.to_text();
                let stemmed = stem.stem(&text);
                let s = if stemmed == text {
                    word.clone()
                } else {
                    let s = Key::new(&stemmed);
                    forms.push((text.clone(), stemmed.into_owned()));
                    s
                };
                cache.insert(word, (s.clone(), true));
                s
            }
        };
        let e = by_key.entry(s).or_default();
        e.0 |= flags;
        e.1 += tf;
    }
    let mut name_words = Vec::new();
    for n in names.iter().copied().chain(std::iter::once(page.title())) {
        let w = text::whole(n);
        if !w.is_empty() {
            by_key.entry(Key::new(&w)).or_default().0 |= NAME;
        }
    }
    for n in &names {
        text::for_each_token(n, |t| name_words.push(t.to_string()));
    }
    let keys = by_key
        .into_iter()
        .map(|(k, (flags, tf))| (k, flags | body_bucket(tf)))
        .collect();
    PageWords {
        keys,
        forms,
        name_words,
    }
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

fn push_posting(list: &mut Vec<(u32, u8)>, doc: u32, w: u8) {
    match list.last_mut() {
        Some(last) if last.0 == doc => last.1 |= w,
        _ => list.push((doc, w)),
    }
}

/// The union of two postings lists, weights of one document or'ed.
fn union(a: &[(u32, u8)], b: &[(u32, u8)]) -> Vec<(u32, u8)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].0 <= b[j].0);
        let (d, w) = if take_a { a[i] } else { b[j] };
        push_posting(&mut out, d, w);
        if take_a {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Postings, word forms and one-typo keys of every page read so far.
#[derive(Default)]
struct Merged {
    postings: FastMap<Key, Vec<(u32, u8)>>,
    forms: FastMap<String, String>,
    fuzzy: BTreeMap<String, BTreeSet<String>>,
}

impl Merged {
    /// `other` read the pages after this one's.
    fn append(mut self, other: Merged) -> Merged {
        if self.postings.is_empty() {
            return other;
        }
        for (key, list) in other.postings {
            match self.postings.get_mut(&key) {
                Some(l) => l.extend(list),
                None => {
                    self.postings.insert(key, list);
                }
            }
        }
        for (form, s) in other.forms {
            self.forms.entry(form).or_insert(s);
        }
        for (k, words) in other.fuzzy {
            self.fuzzy.entry(k).or_default().extend(words);
        }
        self
    }

    fn add(&mut self, doc: u32, pw: PageWords) {
        for (key, w) in pw.keys {
            match self.postings.get_mut(&key) {
                Some(list) => push_posting(list, doc, w),
                None => {
                    self.postings.insert(key, vec![(doc, w)]);
                }
            }
        }
        for (form, s) in pw.forms {
            self.forms.entry(form).or_insert(s);
        }
        for w in pw.name_words {
            if let Some(k) = text::fuzzy_key(&w) {
                self.fuzzy.entry(k).or_default().insert(w);
            }
        }
    }
}

impl Index {
    /// Reads every page of one language of the model (in parallel, a batch at a time),
    /// stemming its words by that language.
    pub fn build(site: &Site, lang: LangId) -> Index {
        let t = std::time::Instant::now();
        let stem = Stem::new(&site.languages[lang].code);
        let mut order: Vec<usize> = (0..site.pages.len())
            .filter(|&id| site.pages[id].lang == lang)
            .collect();
        order.sort_by(|&a, &b| site.pages[a].url_path.cmp(&site.pages[b].url_path));

        // Pages are read in parallel; each worker merges its run of pages into postings of
        // its own, and runs are merged in order, so every list stays sorted by document.
        let merged = order
            .par_iter()
            .enumerate()
            .fold(
                || (Merged::default(), StemCache::default()),
                |(mut m, mut cache), (doc, &id)| {
                    m.add(doc as u32, page_words(&site.pages[id], &stem, &mut cache));
                    (m, cache)
                },
            )
            .map(|(m, _)| m)
            .reduce(Merged::default, Merged::append);
        let Merged {
            mut postings,
            forms,
            fuzzy,
        } = merged;
        for list in postings.values_mut() {
            if !list.is_sorted_by_key(|p| p.0) {
                list.sort_by_key(|p| p.0);
            }
        }

        crate::build::timing("search words", t);
        let t = std::time::Instant::now();
        // A whole name that is also a word form (`raloxifene`, stem `raloxifen`) carries
        // its stem's postings too, so the name finds every page that mentions it.
        let mut stems: Vec<(String, String)> = Vec::new();
        for (form, s) in forms {
            let key = Key::new(&form);
            match (postings.get(&key), postings.get(&Key::new(&s))) {
                (Some(list), Some(stemmed)) => {
                    let u = union(list, stemmed);
                    postings.insert(key, u);
                }
                (Some(_), None) => {}
                (None, _) => stems.push((form, s)),
            }
        }

        let mut all: Vec<(String, Entry)> =
            Vec::with_capacity(postings.len() + stems.len() + fuzzy.len());
        all.extend(stems.into_iter().map(|(f, s)| (f, Entry::Stem(s))));
        all.extend(
            postings
                .into_iter()
                .map(|(k, v)| (k.to_text(), Entry::Postings(v))),
        );
        all.extend(
            fuzzy
                .into_iter()
                .map(|(k, words)| (k, Entry::Names(words.into_iter().collect()))),
        );
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let entries: BTreeMap<String, Entry> = all.into_iter().collect();
        let docs = order
            .iter()
            .map(|&id| {
                let p = &site.pages[id];
                [p.title().to_string(), site.url(id), p.summary().to_string()]
            })
            .collect();
        crate::build::timing("search merge", t);
        Index { entries, docs }
    }

    /// The index files, by path below the output; `prefix` is the language's (`es/`).
    pub fn files(&self, prefix: &str) -> Vec<OutputFile> {
        let entries: Vec<(&String, &Entry)> = self.entries.iter().collect();
        let fragments: Vec<(&str, String)> = entries
            .par_iter()
            .map(|(k, e)| (k.as_str(), fragment(k, e)))
            .collect();
        let mut leaves = Vec::new();
        split(&fragments, 0, String::new(), &mut leaves);

        let mut files = Vec::with_capacity(leaves.len() + self.docs.len() / CHUNK + 2);
        let mut names = Vec::with_capacity(leaves.len());
        for (leaf, range) in &leaves {
            let mut body = String::from("{");
            for (i, (_, f)) in fragments[range.clone()].iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(f);
            }
            body.push('}');
            files.push(OutputFile {
                path: format!("{prefix}{DIR}terms-{}.json", leaf_file_name(leaf)),
                bytes: body.into_bytes(),
            });
            names.push(leaf.clone());
        }
        for (n, chunk) in self.docs.chunks(CHUNK).enumerate() {
            files.push(OutputFile {
                path: format!("{prefix}{DIR}docs-{n}.json"),
                bytes: serde_json::to_vec(chunk).expect("strings serialise"),
            });
        }
        let mut hash = Fnv::default();
        for f in &files {
            hash.write(f.path.as_bytes());
            hash.write(&[0]);
            hash.write(&f.bytes);
        }
        let manifest = serde_json::json!({
            "version": 1,
            "v": format!("{:016x}", hash.0),
            "docs": self.docs.len(),
            "chunk": CHUNK,
            "shards": names,
        });
        files.push(OutputFile {
            path: format!("{prefix}{DIR}index.json"),
            bytes: serde_json::to_vec(&manifest).expect("a manifest serialises"),
        });
        files
    }
}

/// FNV-1a, 64 bits: the manifest's version of the index files.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The search index files of a site: `search/index.json`, `search/terms-*.json`,
/// `search/docs-*.json`, and the same below each other language's prefix (`es/search/`):
/// each language has its own index of its own pages, stemmed for it.
///
/// `FORMULARY_NO_SEARCH_INDEX=1` leaves them out; it exists only to measure what the
/// index costs a build, and a site built with it has a search page that cannot search.
pub fn index_files(site: &Site) -> Vec<OutputFile> {
    if std::env::var_os("FORMULARY_NO_SEARCH_INDEX").is_some_and(|v| v == "1") {
        return Vec::new();
    }
    let t = std::time::Instant::now();
    let files = (0..site.languages.len())
        .flat_map(|lang| Index::build(site, lang).files(&site.languages[lang].prefix))
        .collect();
    crate::build::timing("search", t);
    files
}

/// Postings as the letters of [`ALPHABET`]: gaps between document ids, then weights.
pub fn encode_postings(list: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(list.len() * 2);
    let mut prev = 0u32;
    for (i, &(doc, w)) in list.iter().enumerate() {
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

/// `"key":value` as it stands in a shard.
fn fragment(key: &str, e: &Entry) -> String {
    let k = serde_json::to_string(key).expect("a string serialises");
    let v = match e {
        Entry::Postings(p) => format!("\"{}\"", encode_postings(p)),
        Entry::Stem(s) => serde_json::to_string(&format!("={s}")).expect("a string serialises"),
        Entry::Names(w) => serde_json::to_string(w).expect("strings serialise"),
    };
    format!("{k}:{v}")
}

/// The character of `key` at char position `depth`.
fn char_at(key: &str, depth: usize) -> Option<char> {
    key.chars().nth(depth)
}

/// Splits sorted `(key, fragment)` pairs below `prefix` (of `depth` characters) into
/// leaves of at most [`SHARD_TARGET`] bytes where it can: a leaf is the prefix itself
/// (every key below it), or the prefix and `$` (only the key equal to it).
fn split(
    items: &[(&str, String)],
    depth: usize,
    prefix: String,
    out: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    split_at(items, 0..items.len(), depth, prefix, out)
}

fn split_at(
    items: &[(&str, String)],
    range: std::ops::Range<usize>,
    depth: usize,
    prefix: String,
    out: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    if range.is_empty() {
        return;
    }
    let size: usize = items[range.clone()].iter().map(|(_, f)| f.len() + 1).sum();
    if depth > 0 && (size <= SHARD_TARGET || range.len() == 1) {
        out.push((prefix, range));
        return;
    }
    let mut i = range.start;
    if depth > 0 && items[i].0.chars().count() == depth {
        out.push((format!("{prefix}$"), i..i + 1));
        i += 1;
    }
    while i < range.end {
        let c = char_at(items[i].0, depth).expect("longer than the prefix");
        let mut j = i + 1;
        while j < range.end && char_at(items[j].0, depth) == Some(c) {
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
    fn postings_round_trip() {
        let list = vec![(0, 1), (1, 63), (40, 32), (40_000, 17), (1_000_000, 0)];
        let s = encode_postings(&list);
        assert_eq!(&s[..4], "ABB_");
        assert_eq!(decode_postings(&s), Some(list));
        assert_eq!(decode_postings("A"), None);
        assert_eq!(decode_postings("!A"), None);
    }

    #[test]
    fn leaves_split_by_size_and_name_files_safely() {
        assert_eq!(leaf_file_name("br"), "br");
        assert_eq!(leaf_file_name("fo~"), "fo_7e_");
        assert_eq!(leaf_file_name("é$"), "_e9_-");
        assert_eq!(leaf_file_name("bone$"), "bone-");
        let big = "x".repeat(SHARD_TARGET / 2);
        let items: Vec<(&str, String)> = vec![
            ("ab", big.clone()),
            ("abc", big.clone()),
            ("abd", big.clone()),
            ("b", "1".into()),
        ];
        let mut leaves = Vec::new();
        split(&items, 0, String::new(), &mut leaves);
        let names: Vec<&str> = leaves.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(names, ["ab$", "abc", "abd", "b"]);
        assert_eq!(leaves[1].1, 1..2);
    }

    #[test]
    fn unions_or_weights() {
        assert_eq!(
            union(&[(1, 32), (4, 1)], &[(1, 16), (2, 2)]),
            vec![(1, 48), (2, 2), (4, 1)]
        );
    }
}
