//! The theme's words in each language: the built-in English and Spanish tables
//! (`strings.toml`), under the site's own `[languages.<code>.strings]`. Templates see the
//! table of the page's language as `t`.

use crate::config::Config;
use serde_json::{Map, Value};
use std::sync::OnceLock;

const BUILTIN: &str = include_str!("strings.toml");

fn builtin() -> &'static toml::Table {
    static TABLE: OnceLock<toml::Table> = OnceLock::new();
    TABLE.get_or_init(|| toml::from_str(BUILTIN).expect("the built-in strings parse"))
}

/// The languages the built-in theme has words for.
pub fn builtin_languages() -> Vec<&'static str> {
    builtin().keys().map(String::as_str).collect()
}

/// The primary subtag of a language code: `pt-br` → `pt`.
fn primary(code: &str) -> &str {
    code.split(['-', '_']).next().unwrap_or(code)
}

/// Every string the theme prints, in `code`: English, then the built-in table of the
/// language (`es` serves `es-mx` too), then the site's. A language with no built-in table
/// is named by its code unless the site gives `language_name`.
pub fn strings(config: &Config, code: &str) -> Map<String, Value> {
    let to_json = |v: &toml::Value| serde_json::to_value(v).unwrap_or(Value::Null);
    let mut out = Map::new();
    let table = builtin();
    let mut layer = |t: &toml::Table| {
        for (k, v) in t {
            out.insert(k.clone(), to_json(v));
        }
    };
    if let Some(toml::Value::Table(en)) = table.get("en") {
        layer(en);
    }
    let own = table
        .get(code)
        .or_else(|| table.get(primary(code)))
        .and_then(toml::Value::as_table);
    match own {
        Some(t) => layer(t),
        None if primary(code) != "en" => {
            out.insert("language_name".into(), Value::String(code.to_string()));
        }
        None => {}
    }
    if let Some(lc) = config.languages.get(code) {
        for (k, v) in &lc.strings {
            out.insert(k.clone(), to_json(v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_english_key() {
        let table = builtin();
        let en = table["en"].as_table().unwrap();
        for (lang, t) in table {
            let t = t.as_table().unwrap();
            for k in en.keys() {
                assert!(t.contains_key(k), "[{lang}] lacks `{k}`");
            }
            for k in t.keys() {
                assert!(en.contains_key(k), "[{lang}] has `{k}`, which [en] lacks");
            }
        }
    }

    #[test]
    fn site_strings_override_and_unknown_languages_fall_back() {
        let config = Config::parse(
            "language = \"en\"\n[languages.es.strings]\nside_effects = \"Efectos adversos\"\nrelated = \"Ver también\"\n[languages.fr]\n",
        )
        .unwrap();
        let es = strings(&config, "es");
        assert_eq!(es["related"], "Ver también");
        assert_eq!(es["search"], "Buscar");
        let fr = strings(&config, "fr");
        assert_eq!(fr["search"], "Search");
        assert_eq!(fr["language_name"], "fr");
        assert_eq!(strings(&config, "en")["language_name"], "English");
    }
}
