//! Client-side search: the index that a build writes from the site model, and a Rust
//! mirror of the query side (`static/search.js`) for tests and measurements.
//!
//! # What is indexed
//!
//! Every page: its title, summary, headings and body text (the Markdown analysis blocks),
//! and the names it owns: a drug class's drug and brand names, a condition's title and
//! `also_known_as`. Text is broken into words ([`text::for_each_token`]), case and accents
//! folded, and stemmed by the site's `language` ([`text::Stem`]). Names (and every page's
//! title) are also kept whole, unstemmed (`zoledronic acid`, `fosamax`).
//!
//! # The files (below the output's `search/`)
//!
//! - `index.json`, the manifest: `{"chunk":C,"docs":N,"shards":[...],"v":"<hash>","version":1}`.
//!   `shards` lists the leaves of a prefix trie over the keys, in key order: a leaf `br`
//!   holds every key that starts with `br`; a leaf ending in `$` holds only the key before
//!   it. `v` changes whenever any index file does; the script adds it to the URLs it fetches.
//! - `terms-<leaf>.json`, one per leaf (the leaf spelt with `[a-z0-9]` as they are, any
//!   other character as `_<hex>_`, the final `$` as `-`): a JSON object, keys sorted, whose
//!   values are
//!   - a string of postings: for each document, its id as the gap from the previous one
//!     and then one weight character, in the 64-letter alphabet [`ALPHABET`]. A gap is
//!     written 5 bits a letter, low bits first; a letter of value 32 or more says another
//!     follows. A weight is [`NAME`] | [`TITLE`] | [`HEADING`] | [`SUMMARY`] | body (0-3:
//!     none, once, twice or three times, four times or more);
//!   - `"=stem"`: a word form seen on the site whose postings are under its stem;
//!   - an array of words: a one-typo key ([`text::fuzzy_key`]) and the name words it finds.
//! - `docs-<n>.json`: documents `n*C .. n*C+C-1` as `[title, url, summary]` (URLs with the
//!   base path). Documents are numbered in URL order.
//!
//! A leaf's file depends only on the keys below its prefix (and the trie splits a prefix
//! only by its own size), so an edit changes only the shards of the words it touches, the
//! document chunk of the page (when its title, summary or URL changes) and the manifest.
//! Serve and watch keep the merged words between rebuilds ([`live`]) and make only those
//! files again; `v` is a hash of the files' hashes, so it needs no re-reading of the rest.
//!
//! # Ranking (mirrored by `static/search.js`; see [`query`])
//!
//! A posting scores [`weight_score`]: an exact whole name 1000, then title 100, heading 40,
//! summary 20 and body 2-6, summed over the fields it is in. Each query word is looked up
//! exactly (a word form through its stem; factor 10), by the longest key that is a prefix
//! of it by at most three characters (a form the site never used; 8), as the prefix of
//! longer keys (5), and, when it is not a key, as a name with one typo after its first two
//! letters (4). A document's score is the sum over the query's words of the best
//! score×factor of each, plus 10× the whole-name score when the words make a name.
//! Documents matching every word come first (only they are shown when there are any);
//! then by score, then by id.

pub mod index;
pub mod live;
pub mod model;
pub mod query;
pub mod text;

pub use index::{index_files, index_files_of, read_words, Index, PendingIndex};
pub use model::IndexedSite;

/// The letters of postings, each worth its position.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The key is one of the document's names whole: a drug or brand name of a class, a
/// condition's title or other name, any page's title.
pub const NAME: u8 = 32;
/// In the title, or a word of one of the document's names.
pub const TITLE: u8 = 16;
pub const HEADING: u8 = 8;
pub const SUMMARY: u8 = 4;
/// The two low bits: how often the word is in the body.
pub const BODY: u8 = 3;

/// The score of one posting's weight.
pub fn weight_score(w: u8) -> u64 {
    let mut s = 0;
    if w & NAME != 0 {
        s += 1000;
    }
    if w & TITLE != 0 {
        s += 100;
    }
    if w & HEADING != 0 {
        s += 40;
    }
    if w & SUMMARY != 0 {
        s += 20;
    }
    s + 2 * u64::from(w & BODY)
}

/// Where the index files go below the output.
pub const DIR: &str = "search/";
/// The manifest's path below the output.
pub const MANIFEST: &str = "search/index.json";

/// Whether builds write the index. `FORMULARY_NO_SEARCH_INDEX=1` leaves it out; it exists
/// only to measure what the index costs a build, and a site built with it has a search
/// page that cannot search.
pub fn enabled() -> bool {
    std::env::var_os("FORMULARY_NO_SEARCH_INDEX").is_none_or(|v| v != "1")
}
