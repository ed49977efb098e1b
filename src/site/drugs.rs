//! The drug and condition indexes: the A to Z of every generic and brand name, and the
//! one autolink matcher for the whole site.

use super::{LangId, Page, PageKind};
use crate::load::front_matter::DrugEntry;
use crate::markdown::{slugify, AutolinkTarget, Autolinker};
use fnv::FnvHasher;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use unicode_normalization::UnicodeNormalization;

/// One medicine of a drug-class page as the page shows it: for a translation, the source's
/// drug with the names and forms the translation gives (see [`drugs_of_translation`]).
/// Templates see it as `page.drugs`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Drug {
    pub name: String,
    /// The element id on the class page, from the source's generic name, so it is the same
    /// in every language.
    pub anchor: String,
    pub brands: Vec<String>,
    pub forms: Vec<String>,
}

impl Drug {
    pub fn of(entry: &DrugEntry) -> Drug {
        Drug {
            name: entry.name.clone(),
            anchor: drug_anchor(&entry.name),
            brands: entry.brands.clone(),
            forms: entry.forms.clone(),
        }
    }
}

/// A translation's drugs: every drug of the source, in the source's order, with the
/// translation's `name`, `brands` and `forms` where it gives an entry for it (matched by
/// `translates`, else by `name`); what it leaves empty is the source's. Also returns the
/// translation's entries that name no drug of the source.
pub fn drugs_of_translation<'a>(
    source: &[DrugEntry],
    translation: &'a [DrugEntry],
) -> (Vec<Drug>, Vec<&'a DrugEntry>) {
    let key = |e: &DrugEntry| fold(e.translates.as_deref().unwrap_or(&e.name));
    let mut used = vec![false; translation.len()];
    let drugs = source
        .iter()
        .map(|s| {
            let mut d = Drug::of(s);
            let want = fold(&s.name);
            if let Some(i) = translation.iter().position(|t| key(t) == want) {
                used[i] = true;
                let t = &translation[i];
                d.name = t.name.clone();
                if !t.brands.is_empty() {
                    d.brands = t.brands.clone();
                }
                if !t.forms.is_empty() {
                    d.forms = t.forms.clone();
                }
            }
            d
        })
        .collect();
    let unknown = translation
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(t, _)| t)
        .collect();
    (drugs, unknown)
}

/// One name in the A to Z.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrugName {
    pub name: String,
    pub is_brand: bool,
    /// For a brand, its generic name.
    pub generic: Option<String>,
    /// The drug-class page.
    pub class: usize,
    /// The element id of the drug on its class page.
    pub anchor: String,
    /// The key it sorts by: case and accents folded.
    pub sort_key: String,
    /// The language of the class page (each language has its own A to Z).
    pub lang: LangId,
}

/// The id a drug gets on its class page: `drug-<slug>`.
pub fn drug_anchor(name: &str) -> String {
    format!("drug-{}", slugify(name))
}

/// Lower case with accents removed, for sorting and comparing names.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The letter a name is filed under in the A to Z (`#` for digits and symbols).
pub fn letter_of(sort_key: &str) -> String {
    match sort_key.chars().next() {
        Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
        _ => "#".to_string(),
    }
}

/// Every generic and brand name, by language, then sorted without regard to case or accents.
pub fn drug_index(pages: &[Page]) -> Vec<DrugName> {
    let mut names = Vec::new();
    for page in pages.iter().filter(|p| p.kind == PageKind::DrugClass) {
        for drug in page.drugs.iter() {
            names.push(DrugName {
                name: drug.name.clone(),
                is_brand: false,
                generic: None,
                class: page.id,
                anchor: drug.anchor.clone(),
                sort_key: fold(&drug.name),
                lang: page.lang,
            });
            for brand in &drug.brands {
                names.push(DrugName {
                    name: brand.clone(),
                    is_brand: true,
                    generic: Some(drug.name.clone()),
                    class: page.id,
                    anchor: drug.anchor.clone(),
                    sort_key: fold(brand),
                    lang: page.lang,
                });
            }
        }
    }
    // The names are sorted by position, not moved at each step: a name is a few strings.
    // Ties (a name listed twice on one page) keep the pages' order.
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_unstable_by(|&i, &j| {
        let (a, b) = (&names[i as usize], &names[j as usize]);
        (a.lang, &a.sort_key, &a.name, a.class, i).cmp(&(b.lang, &b.sort_key, &b.name, b.class, j))
    });
    let mut slots: Vec<Option<DrugName>> = names.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots[i as usize].take())
        .collect()
}

/// Each autolink target `page` gives, with the names that link to it: a drug-class page,
/// each drug's anchor (its name and brands); a condition page, the page itself (its title
/// and the names it is also known as). `url` is the page's URL, asked for only when the
/// page gives a target. The autolink matchers and the list that tells which names changed
/// both read the names from here.
pub fn each_autolink_target<'a>(
    page: &'a Page,
    url: impl FnOnce() -> String,
    mut each: impl FnMut(String, &mut dyn Iterator<Item = &'a str>),
) {
    match page.kind {
        PageKind::DrugClass => {
            let url = url();
            for drug in page.drugs.iter() {
                let brands = drug.brands.iter().map(String::as_str);
                each(
                    format!("{url}#{}", drug.anchor),
                    &mut std::iter::once(drug.name.as_str()).chain(brands),
                );
            }
        }
        PageKind::Condition => {
            let also = page.source.front.also_known_as.iter().map(String::as_str);
            each(url(), &mut std::iter::once(page.title()).chain(also));
        }
        _ => {}
    }
}

/// One matcher for every drug, brand and condition name of the pages in language `lang`;
/// targets are drug anchors and condition pages. A name claimed twice links to its first
/// owner.
pub fn autolinker(pages: &[Page], lang: LangId, url_of: impl Fn(usize) -> String) -> Autolinker {
    let mut names: Vec<(&str, usize)> = Vec::new();
    let mut targets: Vec<AutolinkTarget> = Vec::new();
    let mut seen: HashSet<String, BuildHasherDefault<FnvHasher>> =
        HashSet::with_capacity_and_hasher(pages.len() * 4, Default::default());
    for page in pages.iter().filter(|p| p.lang == lang) {
        each_autolink_target(
            page,
            || url_of(page.id),
            |url, page_names| {
                let target = targets.len();
                targets.push(AutolinkTarget { page: page.id, url });
                for name in page_names {
                    if seen.insert(fold(name)) {
                        names.push((name, target));
                    }
                }
            },
        );
    }
    Autolinker::new(names, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_letters() {
        assert_eq!(fold("Évista"), "evista");
        assert_eq!(letter_of("évista"), "É");
        assert_eq!(letter_of(&fold("Évista")), "E");
        assert_eq!(letter_of("5-ht"), "#");
        assert_eq!(drug_anchor("Zoledronic acid"), "drug-zoledronic-acid");
    }
}
