//! The A to Z's lists for `drugs.html`, one A to Z per language: `drugs`, every generic and
//! brand name of the language in order,
//! each `{name, is_brand, generic, brand_of, class, url}` with its class's page reference; and
//! `letters`, `[{letter, id, entries}]`, the same grouped by letter.
//!
//! At 10,000 classes that is 60,000 entries, and making their Tera values costs more than
//! rendering the page. So they are kept from one render to the next: an entry is made
//! again only when its name or its class's page reference changed, and a list no template
//! reads is not made at all. Each language keeps its own entries.

use super::base_context::Lent;
use super::context::{page_ref, PageRef};
use crate::site::drugs::{letter_of, DrugName};
use crate::site::{LangId, Site};
use serde::Serialize;
use std::cmp::Ordering;
use std::sync::{Arc, Mutex};
use tera::{Map, Value};

/// The A to Z's entries, kept between renders.
pub struct AToZLists {
    /// Which lists the templates read.
    drugs: bool,
    letters: bool,
    /// By [`LangId`].
    kept: Mutex<Vec<Kept>>,
}

/// The entries of the last render and what they were made from.
#[derive(Default)]
struct Kept {
    /// The whole drug index; the language's names are [`of_lang`] of it.
    names: Arc<Vec<DrugName>>,
    /// The page reference of each class, by page id.
    classes: Vec<Option<PageRef>>,
    /// One entry per name, for `drugs` (empty when no template reads it).
    flat: Vec<Value>,
    /// The same, for `letters` (empty when no template reads it).
    grouped: Vec<Value>,
}

/// One entry as the template sees it.
#[derive(Serialize)]
struct Entry<'a> {
    name: &'a str,
    is_brand: bool,
    generic: Option<&'a str>,
    class: &'a PageRef,
    url: String,
    /// For a brand, the theme's `brand_of` with its generic name: `(brand of alendronate)`.
    brand_of: Option<String>,
}

impl AToZLists {
    pub fn new(drugs: bool, letters: bool) -> AToZLists {
        AToZLists {
            drugs,
            letters,
            kept: Mutex::new(Vec::new()),
        }
    }

    /// Runs `render` with the `drugs` and `letters` of `lang` in `ctx`, then takes them back
    /// for the next render.
    pub fn render_with<R>(
        &self,
        site: &Site,
        lang: LangId,
        ctx: &mut Lent,
        render: impl FnOnce(&Lent) -> R,
    ) -> tera::Result<R> {
        if !self.drugs && !self.letters {
            return Ok(render(ctx));
        }
        let mut all = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if all.len() <= lang {
            all.resize_with(lang + 1, Kept::default);
        }
        let kept = &mut all[lang];
        // Taken out first: if anything fails from here on, nothing half-used is kept.
        let mut old = std::mem::take(kept);
        let names = of_lang(&site.drug_index, lang);
        let classes = ClassRefs::new(site, names, &mut old.classes);
        let (flat, grouped) = self.entries(site, lang, &classes, old)?;
        if self.drugs {
            ctx.insert_value("drugs", Value::Array(flat));
        }
        if self.letters {
            ctx.insert_value("letters", Value::Array(by_letter(names, grouped)));
        }
        let out = render(ctx);
        kept.flat = match ctx.take("drugs") {
            Some(Value::Array(flat)) => flat,
            _ => Vec::new(),
        };
        kept.grouped = match ctx.take("letters") {
            Some(Value::Array(letters)) => ungroup(letters),
            _ => Vec::new(),
        };
        kept.names = site.drug_index.clone();
        kept.classes = classes.refs;
        Ok(out)
    }

    /// The entries for the names of `lang` in `site`'s drug index, in its order: the kept
    /// ones where the name and its class's reference are unchanged, new ones where not.
    fn entries(
        &self,
        site: &Site,
        lang: LangId,
        classes: &ClassRefs,
        mut kept: Kept,
    ) -> tera::Result<(Vec<Value>, Vec<Value>)> {
        let names = of_lang(&site.drug_index, lang);
        let old_names = of_lang(&kept.names, lang);
        let mut flat = Vec::with_capacity(if self.drugs { names.len() } else { 0 });
        let mut grouped = Vec::with_capacity(if self.letters { names.len() } else { 0 });
        let reusable = kept.flat.len() == old_names.len() * usize::from(self.drugs)
            && kept.grouped.len() == old_names.len() * usize::from(self.letters);
        let brand_of = super::strings::strings(&site.config, &site.languages[lang].code)
            .get("brand_of")
            .and_then(Value::as_str)
            .map(str::to_string);
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
                reusable && old_names.get(old) == Some(name) && classes.unchanged[name.class];
            if same {
                if self.drugs {
                    flat.push(std::mem::take(&mut kept.flat[old]));
                }
                if self.letters {
                    grouped.push(std::mem::take(&mut kept.grouped[old]));
                }
                old += 1;
                continue;
            }
            let entry = tera::to_value(Entry {
                name: &name.name,
                is_brand: name.is_brand,
                generic: name.generic.as_deref(),
                class: classes.refs[name.class]
                    .as_ref()
                    .expect("a class's reference"),
                url: format!("{}#{}", site.url(name.class), name.anchor),
                brand_of: match (&brand_of, &name.generic) {
                    (Some(b), Some(g)) if name.is_brand => Some(b.replace("{generic}", g)),
                    _ => None,
                },
            })?;
            match (self.drugs, self.letters) {
                (true, true) => {
                    flat.push(entry.clone());
                    grouped.push(entry);
                }
                (true, false) => flat.push(entry),
                _ => grouped.push(entry),
            }
        }
        Ok((flat, grouped))
    }
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
    refs: Vec<Option<PageRef>>,
    /// Whether a class's reference is the one kept from the last render.
    unchanged: Vec<bool>,
}

impl ClassRefs {
    /// Reuses each kept reference that still describes the page of its id.
    fn new(site: &Site, names: &[DrugName], kept: &mut [Option<PageRef>]) -> ClassRefs {
        let n = site.pages.len();
        let mut refs: Vec<Option<PageRef>> = vec![None; n];
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
                _ => refs[id] = Some(page_ref(site, id)),
            }
        }
        ClassRefs { refs, unchanged }
    }
}

/// `[{letter, id, entries}]`: the entries (in drug-index order) cut where the letter changes.
fn by_letter(names: &[DrugName], entries: Vec<Value>) -> Vec<Value> {
    let mut letters: Vec<Value> = Vec::new();
    let mut current: Option<(String, Vec<Value>)> = None;
    let close = |letters: &mut Vec<Value>, (letter, entries): (String, Vec<Value>)| {
        let mut obj = Map::new();
        let id = if letter == "#" {
            "other".to_string()
        } else {
            letter.to_lowercase()
        };
        obj.insert("entries".into(), Value::Array(entries));
        obj.insert("id".into(), Value::String(format!("letter-{id}")));
        obj.insert("letter".into(), Value::String(letter));
        letters.push(Value::Object(obj));
    };
    for (name, entry) in names.iter().zip(entries) {
        let letter = letter_of(&name.sort_key);
        match &mut current {
            Some((l, list)) if *l == letter => list.push(entry),
            _ => {
                if let Some(done) = current.replace((letter, Vec::new())) {
                    close(&mut letters, done);
                }
                if let Some((_, list)) = &mut current {
                    list.push(entry);
                }
            }
        }
    }
    if let Some(done) = current {
        close(&mut letters, done);
    }
    letters
}

/// The entries of `letters`, in order.
fn ungroup(letters: Vec<Value>) -> Vec<Value> {
    let mut entries = Vec::new();
    for letter in letters {
        if let Value::Object(mut obj) = letter {
            if let Some(Value::Array(list)) = obj.remove("entries") {
                entries.extend(list);
            }
        }
    }
    entries
}
