//! The A to Z's lists for `drugs.html`, one A to Z per language: `drugs`, every generic and
//! brand name of the language in order,
//! each `{name, is_brand, generic, brand_of, class, url}` with its class's page reference; and
//! `letters`, `[{letter, id, entries, parts}]`, the same grouped by letter, with the
//! letter's entries rendered by [`PART_TEMPLATE`] a run at a time.
//!
//! At 10,000 classes that is 60,000 entries, and making their Tera values, or rendering
//! them, takes far longer than an edit to one name should. So an entry keeps a number from
//! one render to the next while its name and its class's page reference stay the same; a
//! run's part is rendered again only when the numbers in it change, and the runs are cut
//! where the names say (not every so many entries), so a name added or taken away changes
//! only its own run. Lists no template reads are not made at all: the built-in theme reads
//! the parts, so no entry's value is made but for the runs rendered. Each language keeps
//! its own.

use super::base_context::Lent;
use super::context::{page_ref, PageRef, RefValues};
use crate::diagnostic::Diagnostic;
use crate::site::drugs::{letter_of, DrugName};
use crate::site::{LangId, Site};
use fnv::FnvHasher;
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::Hasher;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use tera::{Map, Value};

/// The partial that renders a run of entries for `letter.parts`.
pub const PART_TEMPLATE: &str = "partials/a-to-z-entries.html";

/// A letter's entries are cut into runs for `letter.parts` after an entry whose name hashes
/// to 0 modulo this (so a name added or taken away changes only the run it falls in)...
const RUN: u64 = 64;
/// ...or after this many entries.
const MAX_RUN: usize = 256;

/// The A to Z's entries, kept between renders.
pub struct AToZLists {
    /// Which lists the templates read: `drugs`, `letters`, a letter's `entries`, and a
    /// letter's `parts` (its entries rendered by [`PART_TEMPLATE`] a run at a time).
    drugs: bool,
    letters: bool,
    entries: bool,
    parts: bool,
    /// The number the next new entry gets.
    next_id: AtomicU64,
    /// By [`LangId`].
    kept: Mutex<Vec<Kept>>,
}

/// The entries of the last render and what they were made from.
#[derive(Default)]
struct Kept {
    /// The whole drug index; the language's names are [`of_lang`] of it.
    names: Arc<Vec<DrugName>>,
    /// The page reference of each class, by page id.
    classes: Vec<Option<PageRef<'static>>>,
    /// One entry per name, for `drugs` (empty when no template reads it).
    flat: Vec<Value>,
    /// The same, for a letter's `entries` (empty when no template reads them).
    grouped: Vec<Value>,
    /// One number per name: an entry keeps its number while its name and class's
    /// reference stay the same, so a run of the same numbers renders the same part.
    ids: Vec<u64>,
    /// Each part rendered, by the hash of its entries' numbers.
    /// Template values, which share their text: showing a kept part again copies nothing.
    parts: HashMap<u64, Value>,
}

/// One entry as the template sees it.
#[derive(Serialize)]
struct Entry<'a> {
    name: &'a str,
    is_brand: bool,
    generic: Option<&'a str>,
    /// The class's page reference, shared with every page that shows it.
    class: Value,
    url: String,
    /// For a brand, the theme's `brand_of` with its generic name: `(brand of alendronate)`.
    brand_of: Option<String>,
}

/// Renders one part from the entries of a run.
pub type RenderPart<'a> = dyn Fn(Vec<Value>) -> Result<String, Diagnostic> + Sync + 'a;

/// Why the A to Z's lists could not be made.
#[derive(Debug)]
pub enum Failure {
    /// An entry would not become a template value.
    Value(tera::Error),
    /// A part would not render.
    Part(Diagnostic),
}

impl From<tera::Error> for Failure {
    fn from(e: tera::Error) -> Failure {
        Failure::Value(e)
    }
}

impl AToZLists {
    pub fn new(reads: &super::context_reads::ContextReads) -> AToZLists {
        let letters = reads.reads("letters");
        let parts = letters && reads.reads_field("parts");
        AToZLists {
            drugs: reads.reads("drugs"),
            letters,
            // A template that shows no parts gets the entries, however it reads them.
            entries: letters && (reads.reads_field("entries") || !parts),
            parts,
            next_id: AtomicU64::new(0),
            kept: Mutex::new(Vec::new()),
        }
    }

    /// Runs `render` with the `drugs` and `letters` of `lang` in `ctx`, and the bytes of
    /// all the letters' parts, then takes them back for the next render. `render_part`
    /// renders a letter's parts, those of runs of entries that changed since the last
    /// render (all of them the first time).
    pub fn render_with<R>(
        &self,
        site: &Site,
        lang: LangId,
        ctx: &mut Lent,
        refs: &RefValues,
        render_part: &RenderPart,
        render: impl FnOnce(&Lent, usize) -> R,
    ) -> Result<R, Failure> {
        if !self.drugs && !self.letters {
            return Ok(render(ctx, 0));
        }
        let mut all = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if all.len() <= lang {
            all.resize_with(lang + 1, Kept::default);
        }
        let kept = &mut all[lang];
        // Taken out first: if anything fails from here on, nothing half-used is kept.
        let old = std::mem::take(kept);
        let names = of_lang(&site.drug_index, lang);
        let mut old_classes = old.classes;
        let classes = ClassRefs::new(site, names, &mut old_classes);
        let maker = EntryMaker::new(site, lang, &classes, refs);
        let mut lists = self.entries(
            names,
            lang,
            &maker,
            Kept {
                classes: Vec::new(),
                ..old
            },
        )?;
        if self.drugs {
            ctx.insert_value("drugs", Value::from(std::mem::take(&mut lists.flat)));
        }
        let mut part_bytes = 0;
        if self.letters {
            let letters = letter_ranges(names);
            let parts = if self.parts {
                self.parts(names, &letters, &mut lists, &maker, render_part)?
            } else {
                Vec::new()
            };
            part_bytes = parts
                .iter()
                .flatten()
                .map(|p| p.as_str().map_or(0, str::len))
                .sum();
            let grouped = std::mem::take(&mut lists.grouped);
            ctx.insert_value("letters", Value::from(by_letter(letters, grouped, parts)));
        }
        let out = render(ctx, part_bytes);
        // Taking a list back copies only its entries' handles: a value shares its contents.
        lists.flat = ctx
            .take("drugs")
            .and_then(|v| v.as_array().map(<[Value]>::to_vec))
            .unwrap_or_default();
        lists.grouped = ctx
            .take("letters")
            .and_then(|v| v.as_array().map(ungroup))
            .unwrap_or_default();
        lists.names = site.drug_index.clone();
        lists.classes = classes.refs;
        *kept = lists;
        Ok(out)
    }

    /// The entries for the names of `lang` in `site`'s drug index, in its order, and their
    /// numbers: the kept ones where the name and its class's reference are unchanged, new
    /// ones where not. The kept parts are handed on as they are.
    fn entries(
        &self,
        names: &[DrugName],
        lang: LangId,
        maker: &EntryMaker,
        mut kept: Kept,
    ) -> tera::TeraResult<Kept> {
        let old_names = of_lang(&kept.names, lang);
        let mut flat = Vec::with_capacity(if self.drugs { names.len() } else { 0 });
        let mut grouped = Vec::with_capacity(if self.entries { names.len() } else { 0 });
        let mut ids = Vec::with_capacity(names.len());
        let reusable = kept.flat.len() == old_names.len() * usize::from(self.drugs)
            && kept.grouped.len() == old_names.len() * usize::from(self.entries)
            && kept.ids.len() == old_names.len();
        let mut old = 0;
        for name in names.iter() {
            // Both lists are in drug-index order: move along the old one to this name.
            while reusable
                && old < old_names.len()
                && order(&old_names[old], name) == Ordering::Less
            {
                old += 1;
            }
            let same =
                reusable && old_names.get(old) == Some(name) && maker.classes.unchanged[name.class];
            if same {
                if self.drugs {
                    flat.push(std::mem::replace(&mut kept.flat[old], Value::none()));
                }
                if self.entries {
                    grouped.push(std::mem::replace(&mut kept.grouped[old], Value::none()));
                }
                ids.push(kept.ids[old]);
                old += 1;
                continue;
            }
            ids.push(self.next_id.fetch_add(1, AtomicOrdering::Relaxed));
            if !self.drugs && !self.entries {
                continue;
            }
            let entry = maker.value(name)?;
            match (self.drugs, self.entries) {
                (true, true) => {
                    flat.push(entry.clone());
                    grouped.push(entry);
                }
                (true, false) => flat.push(entry),
                _ => grouped.push(entry),
            }
        }
        Ok(Kept {
            names: Arc::default(),
            classes: Vec::new(),
            flat,
            grouped,
            ids,
            parts: kept.parts,
        })
    }

    /// Each letter's parts: a run's part is kept when its entries' numbers are the same
    /// as at the last render, and rendered (in parallel) when not. `lists.parts` becomes
    /// the parts of this render.
    fn parts(
        &self,
        names: &[DrugName],
        letters: &[(String, Range<usize>)],
        lists: &mut Kept,
        maker: &EntryMaker,
        render_part: &RenderPart,
    ) -> Result<Vec<Vec<Value>>, Failure> {
        let runs: Vec<Vec<Range<usize>>> = letters
            .iter()
            .map(|(_, range)| runs(names, range.clone()))
            .collect();
        let key = |run: &Range<usize>| {
            let mut h = FnvHasher::default();
            for id in &lists.ids[run.clone()] {
                h.write(&id.to_le_bytes());
            }
            h.finish()
        };
        let mut old = std::mem::take(&mut lists.parts);
        let mut todo: Vec<(u64, Range<usize>)> = Vec::new();
        let mut keys: Vec<Vec<u64>> = Vec::with_capacity(runs.len());
        for letter in &runs {
            let mut letter_keys = Vec::with_capacity(letter.len());
            for run in letter {
                let k = key(run);
                if !old.contains_key(&k) {
                    todo.push((k, run.clone()));
                }
                letter_keys.push(k);
            }
            keys.push(letter_keys);
        }
        let made: Vec<(u64, Value)> = todo
            .into_par_iter()
            .map(|(k, run)| {
                let values = names[run]
                    .iter()
                    .map(|name| maker.value(name))
                    .collect::<tera::TeraResult<Vec<Value>>>()?;
                Ok((k, Value::from(render_part(values).map_err(Failure::Part)?)))
            })
            .collect::<Result<_, Failure>>()?;
        old.extend(made);
        let mut parts = Vec::with_capacity(keys.len());
        // Only the parts of this render are kept for the next.
        let mut now = HashMap::with_capacity(old.len());
        for letter_keys in keys {
            let mut letter_parts = Vec::with_capacity(letter_keys.len());
            for k in letter_keys {
                let part = now
                    .entry(k)
                    .or_insert_with(|| old.remove(&k).expect("each part kept or just made"));
                letter_parts.push(part.clone());
            }
            parts.push(letter_parts);
        }
        lists.parts = now;
        Ok(parts)
    }
}

/// Makes the template value of a name's entry.
struct EntryMaker<'a> {
    site: &'a Site,
    classes: &'a ClassRefs,
    refs: &'a RefValues<'a>,
    /// The theme's `brand_of`, with `{generic}` in it.
    brand_of: Option<String>,
}

impl<'a> EntryMaker<'a> {
    fn new(
        site: &'a Site,
        lang: LangId,
        classes: &'a ClassRefs,
        refs: &'a RefValues<'a>,
    ) -> EntryMaker<'a> {
        EntryMaker {
            site,
            classes,
            refs,
            brand_of: super::strings::strings(&site.config, &site.languages[lang].code)
                .get("brand_of")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string),
        }
    }

    fn value(&self, name: &DrugName) -> tera::TeraResult<Value> {
        Value::try_from_serializable(&Entry {
            name: &name.name,
            is_brand: name.is_brand,
            generic: name.generic.as_deref(),
            class: self.refs.get(name.class)?,
            url: [
                self.site.base_path.as_str(),
                &self.site.pages[name.class].url_path,
                "#",
                &name.anchor,
            ]
            .concat(),
            brand_of: match (&self.brand_of, &name.generic) {
                (Some(b), Some(g)) if name.is_brand => Some(b.replace("{generic}", g)),
                _ => None,
            },
        })
    }
}

/// The runs of one letter's entries, by [`RUN`] and [`MAX_RUN`]: a cut depends only on the
/// names around it, so a name added or taken away changes only its own run (or two).
fn runs(names: &[DrugName], range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for i in range.clone() {
        // FNV-1a: the same cut on every machine and every run.
        let mut h = FnvHasher::default();
        h.write(names[i].name.as_bytes());
        if h.finish() % RUN == 0 || i + 1 - start >= MAX_RUN || i + 1 == range.end {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    out
}

/// The drug index's order.
fn order(a: &DrugName, b: &DrugName) -> Ordering {
    (a.lang, &a.sort_key, &a.name, a.class).cmp(&(b.lang, &b.sort_key, &b.name, b.class))
}

/// The names of one language: the drug index is in language order first.
fn of_lang(index: &[DrugName], lang: LangId) -> &[DrugName] {
    let start = index.partition_point(|d| d.lang < lang);
    let end = start + index[start..].partition_point(|d| d.lang == lang);
    &index[start..end]
}

/// The page reference of every class in the A to Z of one language, by page id.
struct ClassRefs {
    refs: Vec<Option<PageRef<'static>>>,
    /// Whether a class's reference is the one kept from the last render.
    unchanged: Vec<bool>,
}

impl ClassRefs {
    /// Reuses each kept reference that still describes the page of its id.
    fn new(site: &Site, names: &[DrugName], kept: &mut [Option<PageRef<'static>>]) -> ClassRefs {
        let n = site.pages.len();
        let mut refs: Vec<Option<PageRef<'static>>> = vec![None; n];
        let mut unchanged = vec![false; n];
        for name in names {
            let id = name.class;
            if refs[id].is_some() {
                continue;
            }
            match kept.get_mut(id).and_then(Option::take) {
                Some(r) if r.is_of(site, id) => {
                    refs[id] = Some(r);
                    unchanged[id] = true;
                }
                _ => refs[id] = Some(page_ref(site, id).into_owned()),
            }
        }
        ClassRefs { refs, unchanged }
    }
}

/// Each letter of the entries, with the range of those under it, in drug-index order.
fn letter_ranges(names: &[DrugName]) -> Vec<(String, Range<usize>)> {
    let mut letters: Vec<(String, Range<usize>)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let letter = letter_of(&name.sort_key);
        match letters.last_mut() {
            Some((l, range)) if *l == letter => range.end = i + 1,
            _ => letters.push((letter, i..i + 1)),
        }
    }
    letters
}

/// `[{letter, id, entries, parts}]`: `entries` and `parts` as read (empty when not).
fn by_letter(
    letters: Vec<(String, Range<usize>)>,
    entries: Vec<Value>,
    parts: Vec<Vec<Value>>,
) -> Vec<Value> {
    let mut entries = entries.into_iter();
    let mut parts = parts.into_iter();
    letters
        .into_iter()
        .map(|(letter, range)| {
            let mut obj = Map::new();
            let id = if letter == "#" {
                "other".to_string()
            } else {
                letter.to_lowercase()
            };
            let list: Vec<Value> = entries.by_ref().take(range.len()).collect();
            obj.insert("entries".into(), Value::from(list));
            obj.insert("id".into(), Value::from(format!("letter-{id}")));
            obj.insert("letter".into(), Value::from(letter));
            let letter_parts = parts.next().unwrap_or_default();
            obj.insert("parts".into(), Value::from(letter_parts));
            Value::from(obj)
        })
        .collect()
}

/// The entries of `letters`, in order.
fn ungroup(letters: &[Value]) -> Vec<Value> {
    letters
        .iter()
        .filter_map(|letter| letter.get_from_path("entries")?.as_array())
        .flatten()
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[String]) -> Vec<DrugName> {
        list.iter()
            .map(|n| DrugName {
                name: n.clone(),
                is_brand: false,
                generic: None,
                class: 0,
                anchor: String::new(),
                sort_key: n.to_lowercase(),
                lang: 0,
            })
            .collect()
    }

    /// The runs as the names they start with.
    fn starts(list: &[String]) -> Vec<String> {
        let n = names(list);
        runs(&n, 0..n.len())
            .into_iter()
            .map(|r| list[r.start].clone())
            .collect()
    }

    #[test]
    fn a_name_added_changes_only_the_run_it_falls_in() {
        let list: Vec<String> = (0..5000).map(|i| format!("name{i:05}")).collect();
        let runs_before = names(&list);
        let before = runs(&runs_before, 0..list.len());
        assert!(before.len() > 20, "{}", before.len());
        assert!(before.iter().all(|r| !r.is_empty() && r.len() <= MAX_RUN));
        assert_eq!(before.last().unwrap().end, list.len());
        for at in [0, 1234, 2500, 4999] {
            let mut with = list.clone();
            with.insert(at, format!("name{at:05}a"));
            let (a, b) = (starts(&list), starts(&with));
            // Every run start but those beside the new name is still a start.
            let kept = a.iter().filter(|s| b.contains(s)).count();
            assert!(kept + 2 >= a.len(), "{at}: {kept} of {}", a.len());
        }
    }
}
