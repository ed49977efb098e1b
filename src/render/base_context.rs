//! The Tera contexts every render starts from, one per language, holding `site` and the
//! language's strings as `t`. The lists in `site` name every section, drug class and
//! condition of the language, so turning it into Tera values costs far more than rendering
//! one page. Each language's context is made once and kept while what its `site` and `t`
//! show stays the same (checked without building them), and lent to renders: a copy of it
//! shares its values, so a render takes one, adds its own keys and takes them out again.

use super::{context, strings};
use crate::site::{LangId, Page, PageId, PageKind, Site};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tera::{Context, Value};

/// Keeps, per language, the base context of the last render pass and the copies lent
/// from it.
#[derive(Default)]
pub struct BaseContexts {
    /// By [`LangId`].
    state: Mutex<Vec<State>>,
}

#[derive(Default)]
struct State {
    /// What `base` was made from.
    inputs: Option<SiteInputs>,
    /// A context holding only `site` and `t`.
    base: Option<Arc<Context>>,
}

impl BaseContexts {
    fn state(&self) -> MutexGuard<'_, Vec<State>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the base context of each language again if what it shows of `site` changed;
    /// then lends copies of them. Call once per render pass.
    pub fn prepare(&self, site: &Site) -> tera::TeraResult<Lender> {
        let mut states = self.state();
        let n = site.languages.len();
        states.resize_with(n, State::default);
        let mut bases = Vec::with_capacity(n);
        for (lang, state) in states.iter_mut().enumerate() {
            let base = match (&state.base, &state.inputs) {
                (Some(base), Some(inputs)) if inputs.matches(site, lang) => base.clone(),
                _ => {
                    let mut base = Context::new();
                    base.insert_value(
                        "site",
                        Value::try_from_serializable(&context::site_context(site, lang))?,
                    );
                    base.insert(
                        "t",
                        &strings::strings(&site.config, &site.languages[lang].code),
                    );
                    let base = Arc::new(base);
                    state.inputs = Some(SiteInputs::of(site, lang));
                    state.base = Some(base.clone());
                    base
                }
            };
            bases.push(base);
        }
        Ok(Lender { bases })
    }
}

/// Lends copies of the base context of each language.
pub struct Lender {
    /// By [`LangId`].
    bases: Vec<Arc<Context>>,
}

impl Lender {
    /// How many languages there are contexts for.
    pub fn languages(&self) -> usize {
        self.bases.len()
    }

    /// A context holding the `site` and `t` of `lang` and nothing else.
    pub fn lend(&self, lang: LangId) -> Lent {
        Lent {
            ctx: (*self.bases[lang]).clone(),
            added: Vec::new(),
            lang,
        }
    }
}

/// A copy of a language's base context, lent to a render; the keys a render adds are taken
/// out again by [`Lent::clear`].
pub struct Lent {
    ctx: Context,
    added: Vec<&'static str>,
    lang: LangId,
}

impl Lent {
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The language whose `site` and `t` this holds.
    pub fn lang(&self) -> LangId {
        self.lang
    }

    pub fn insert(&mut self, key: &'static str, value: &(impl Serialize + ?Sized)) {
        self.ctx.insert(key, value);
        self.added.push(key);
    }

    /// Puts `value` in without copying it (see [`Lent::take`]).
    pub fn insert_value(&mut self, key: &'static str, value: Value) {
        self.ctx.insert_value(key, value);
        self.added.push(key);
    }

    /// Takes back a value put in, to keep it for the next render.
    pub fn take(&mut self, key: &'static str) -> Option<Value> {
        self.added.retain(|k| *k != key);
        self.ctx.remove(key)
    }

    /// Takes out every key added since the copy was lent.
    pub fn clear(&mut self) {
        for key in self.added.drain(..) {
            self.ctx.remove(key);
        }
    }
}

/// What `context::site_context` and `strings::strings` read of a site for one language.
#[derive(Debug, PartialEq)]
struct SiteInputs {
    /// The language's own: title, description, code and prefix (in the feed's URL).
    title: String,
    description: String,
    code: String,
    prefix: String,
    /// `[extra]`, and the language's `[languages.<code>.extra]` over it.
    extra: toml::Table,
    lang_extra: toml::Table,
    /// The language's `[languages.<code>.strings]`.
    strings: BTreeMap<String, toml::Value>,
    base_url: String,
    base_path: String,
    /// Every language as `site.languages` shows it: code, name and home page URL.
    languages: Vec<(String, String, String)>,
    /// The language's home page's subsections: `site.sections`.
    sections: Vec<PageId>,
    listed: Vec<Listed>,
}

/// What a page reference in `site` shows of a page it may list.
#[derive(Debug, PartialEq)]
struct Listed {
    id: PageId,
    kind: PageKind,
    lang: LangId,
    url_path: String,
    title: String,
    summary: String,
}

/// The pages the `site` of `lang` may list: sections, and the language's drug classes and
/// conditions.
fn listable(site: &Site, lang: LangId) -> impl Iterator<Item = &Page> {
    site.pages.iter().filter(move |p| match p.kind {
        PageKind::Section => true,
        PageKind::DrugClass | PageKind::Condition => p.lang == lang,
        _ => false,
    })
}

impl Listed {
    fn of(page: &Page) -> Listed {
        Listed {
            id: page.id,
            kind: page.kind,
            lang: page.lang,
            url_path: page.url_path.clone(),
            title: page.title().to_string(),
            summary: page.summary().to_string(),
        }
    }

    fn shows(&self, page: &Page) -> bool {
        self.id == page.id
            && self.kind == page.kind
            && self.lang == page.lang
            && self.url_path == page.url_path
            && self.title == page.title()
            && self.summary == page.summary()
    }
}

/// The language's entry in `[languages]`: its `extra` and `strings`.
fn lang_config<'a>(site: &'a Site, code: &str) -> Option<&'a crate::config::LanguageConfig> {
    site.config.languages.get(code)
}

impl SiteInputs {
    fn of(site: &Site, lang: LangId) -> SiteInputs {
        let l = &site.languages[lang];
        let own = lang_config(site, &l.code);
        SiteInputs {
            title: l.title.clone(),
            description: l.description.clone(),
            code: l.code.clone(),
            prefix: l.prefix.clone(),
            extra: site.config.extra.clone(),
            lang_extra: own.map(|c| c.extra.clone()).unwrap_or_default(),
            strings: own.map(|c| c.strings.clone()).unwrap_or_default(),
            base_url: site.base_url.clone(),
            base_path: site.base_path.clone(),
            languages: site
                .languages
                .iter()
                .map(|l| {
                    (
                        l.code.clone(),
                        l.name.clone(),
                        site.pages[l.home].url_path.clone(),
                    )
                })
                .collect(),
            sections: site.pages[l.home].subsections.clone(),
            listed: listable(site, lang).map(Listed::of).collect(),
        }
    }

    /// Whether `site` gives the same `site` and `t` for `lang`, compared without copying
    /// anything.
    fn matches(&self, site: &Site, lang: LangId) -> bool {
        let Some(l) = site.languages.get(lang) else {
            return false;
        };
        let own = lang_config(site, &l.code);
        let mut listed = self.listed.iter();
        self.title == l.title
            && self.description == l.description
            && self.code == l.code
            && self.prefix == l.prefix
            && self.extra == site.config.extra
            && own.map_or(self.lang_extra.is_empty(), |c| self.lang_extra == c.extra)
            && own.map_or(self.strings.is_empty(), |c| self.strings == c.strings)
            && self.base_url == site.base_url
            && self.base_path == site.base_path
            && self.languages.len() == site.languages.len()
            && self
                .languages
                .iter()
                .zip(&site.languages)
                .all(|((code, name, home), l)| {
                    *code == l.code && *name == l.name && *home == site.pages[l.home].url_path
                })
            && self.sections == site.pages[l.home].subsections
            && listable(site, lang).all(|p| listed.next().is_some_and(|l| l.shows(p)))
            && listed.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The repository's own sample site.
    fn sample() -> Site {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::build::load_and_check(root, None, false).unwrap().0
    }

    fn retitle(site: &mut Site, content_path: &str, title: &str) {
        let id = site.by_content_path[content_path];
        let mut source = (*site.pages[id].source).clone();
        source.front.title = title.to_string();
        site.pages[id].source = Arc::new(source);
    }

    fn site_value(lender: &Lender) -> String {
        lender.lend(0).context().get("site").unwrap().to_string()
    }

    #[test]
    fn inputs_change_with_what_site_lists_only() {
        let mut site = sample();
        let inputs = SiteInputs::of(&site, 0);
        assert!(inputs.matches(&site, 0));
        let id = site.by_content_path["drug-classes/serms.md"];
        site.pages[id].content_html = "<p>A new body.</p>".into();
        assert!(inputs.matches(&site, 0), "a body is not in `site`");
        retitle(&mut site, "guides/bone-density-scores.md", "Scores");
        assert!(
            inputs.matches(&site, 0),
            "an article is not listed in `site`"
        );
        retitle(&mut site, "drug-classes/serms.md", "SERMs, renamed");
        assert!(
            !inputs.matches(&site, 0),
            "drug classes are listed in `site`"
        );
        let mut site = sample();
        site.languages[0].title = "Another title".into();
        assert!(!inputs.matches(&site, 0));
    }

    #[test]
    fn each_language_keeps_its_own_context() {
        let mut site = sample();
        assert!(site.languages.len() > 1, "the sample site is translated");
        let (en, es) = (SiteInputs::of(&site, 0), SiteInputs::of(&site, 1));
        let contexts = BaseContexts::default();
        let lender = contexts.prepare(&site).unwrap();
        let es_before = lender.lend(1).context().get("site").unwrap().to_string();
        let t = |lender: &Lender, lang| lender.lend(lang).context().get("t").unwrap().to_string();
        assert_ne!(
            t(&lender, 0),
            t(&lender, 1),
            "each language has its own strings"
        );
        drop(lender);
        retitle(
            &mut site,
            "drug-classes/bisphosphonates.es.md",
            "Bifosfonatos, otro",
        );
        assert!(
            en.matches(&site, 0),
            "a Spanish class is not in the English `site`"
        );
        assert!(!es.matches(&site, 1));
        let lender = contexts.prepare(&site).unwrap();
        let es_after = lender.lend(1).context().get("site").unwrap().to_string();
        assert_ne!(es_before, es_after);
        assert!(es_after.contains("Bifosfonatos, otro"), "{es_after}");
        let fresh = Value::from_serializable(&context::site_context(&site, 1));
        assert_eq!(es_after, fresh.to_string());
        let mut site = sample();
        site.config
            .languages
            .get_mut("es")
            .unwrap()
            .strings
            .insert("search".into(), toml::Value::String("Busque".into()));
        assert!(en.matches(&site, 0));
        assert!(!es.matches(&site, 1), "the Spanish strings changed");
    }

    #[test]
    fn the_site_context_follows_a_listed_title() {
        let mut site = sample();
        let contexts = BaseContexts::default();
        let before = site_value(&contexts.prepare(&site).unwrap());
        assert!(before.contains("SERMs (selective estrogen"), "{before}");
        assert_eq!(before, site_value(&contexts.prepare(&site).unwrap()));
        retitle(&mut site, "drug-classes/serms.md", "SERMs, renamed");
        let after = site_value(&contexts.prepare(&site).unwrap());
        assert!(after.contains("SERMs, renamed"), "{after}");
        let fresh = Value::from_serializable(&context::site_context(&site, 0));
        assert_eq!(after, fresh.to_string());
    }

    #[test]
    fn a_lent_context_is_cleared_of_what_a_render_added() {
        let site = sample();
        let contexts = BaseContexts::default();
        let lender = contexts.prepare(&site).unwrap();
        let mut ctx = lender.lend(0);
        ctx.insert("page", "one");
        ctx.insert_value("letters", Value::from(true));
        assert_eq!(ctx.take("letters"), Some(Value::from(true)));
        assert!(ctx.context().contains_key("page"));
        ctx.clear();
        assert!(!ctx.context().contains_key("page"));
        assert!(ctx.context().contains_key("site"));
        assert!(
            !lender.lend(0).context().contains_key("page"),
            "a copy lent again holds only `site` and `t`"
        );
    }
}
