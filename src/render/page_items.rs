//! The `page_items` filter: a list of page references as the `<li>` items of the theme's
//! `page_list`. A drug-class page shows three such lists, often with twenty or more
//! pages between them; written out item by item in Tera (four lookups, a test and an
//! escape each), they took about a fifth of the page's render. Each item is written here
//! in one pass instead, for about half as much.

use tera::value::Key;
use tera::{Kwargs, State, TeraResult, Value};

/// `{{ pages | page_items(summaries=true, lang=page.lang) }}`: for each page reference
/// (`{title, url, summary, lang}`), `\n  <li><a href="url">title</a><p>summary</p></li>`;
/// without the summary when `summaries` is false or the page has none; a page in another
/// language than a non-empty `lang` gets its `lang` on its item and as `hreflang` on its
/// link (a reference without a `lang` is taken to be in the page's).
/// Text is escaped as Tera escapes it in a template: a value marked safe is written as it
/// is. Safe itself: the result is HTML.
pub fn page_items(pages: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let summaries = kwargs.get::<bool>("summaries")?.unwrap_or(true);
    let lang = kwargs.get::<&Value>("lang")?.filter(|l| l.is_truthy());
    let pages = list(pages, "page_items", "a list of page references")?;
    let mut out = Vec::with_capacity(160 * pages.len());
    for p in pages {
        let (Some(url), Some(title)) = (field(p, "url"), field(p, "title")) else {
            return Err(tera::Error::message(
                "page_items: each page reference needs a `url` and a `title`",
            ));
        };
        let none = Value::none();
        let p_lang = field(p, "lang").unwrap_or(&none);
        match lang {
            Some(lang) if !p_lang.is_none() && p_lang != lang => {
                out.extend_from_slice(b"\n  <li lang=\"");
                write(p_lang, &mut out);
                out.extend_from_slice(b"\"><a href=\"");
                write(url, &mut out);
                out.extend_from_slice(b"\" hreflang=\"");
                write(p_lang, &mut out);
                out.extend_from_slice(b"\">");
            }
            _ => {
                out.extend_from_slice(b"\n  <li><a href=\"");
                write(url, &mut out);
                out.extend_from_slice(b"\">");
            }
        }
        write(title, &mut out);
        out.extend_from_slice(b"</a>");
        if let Some(summary) = field(p, "summary").filter(|s| summaries && s.is_truthy()) {
            out.extend_from_slice(b"<p>");
            write(summary, &mut out);
            out.extend_from_slice(b"</p>");
        }
        out.extend_from_slice(b"</li>");
    }
    Ok(safe_html(out))
}

/// The list a filter of items was given: none when it was given nothing (a missing or
/// `none` value), and an error that names the filter and `what` it expects otherwise.
pub(super) fn list<'v>(value: &'v Value, filter: &str, what: &str) -> TeraResult<&'v [Value]> {
    match value.as_array() {
        Some(items) => Ok(items),
        None if value.is_none() || value.is_undefined() => Ok(&[]),
        None => Err(tera::Error::message(format!(
            "{filter}: expected {what}, got {}",
            value.name()
        ))),
    }
}

/// Items written as HTML, marked safe: a filter's result.
pub(super) fn safe_html(out: Vec<u8>) -> Value {
    let html = String::from_utf8(out).expect("values and markup are UTF-8");
    Value::safe_string(&html)
}

/// The field `name` of a map, looked up as Tera looks up `p.name`: a page reference has
/// five fields, and comparing five names costs less than hashing one (Tera's maps hash
/// with SipHash).
fn map_field<'v>(map: &'v Value, name: &'v str) -> Option<&'v Value> {
    const SCAN_UP_TO: usize = 12;
    let map = map.as_map()?;
    if map.len() <= SCAN_UP_TO {
        map.iter()
            .find_map(|(k, v)| (k.as_str() == Some(name)).then_some(v))
    } else {
        map.get(&Key::Str(name))
    }
}

/// The field `name` of a map, if it is set.
pub(super) fn field<'v>(map: &'v Value, name: &'v str) -> Option<&'v Value> {
    map_field(map, name).filter(|v| !v.is_undefined())
}

/// A value as `{{ value }}` prints it in an HTML template.
pub(super) fn write(value: &Value, out: &mut Vec<u8>) {
    let text = match value.as_str() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(value.to_string()),
    };
    if value.is_safe() {
        out.extend_from_slice(text.as_bytes());
    } else {
        super::escape_html_to(&text, out).expect("a Vec takes every write");
    }
}

#[cfg(test)]
mod tests {
    use tera::{Context, Tera, Value};

    fn render(template: &str, pages: serde_json::Value) -> String {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::super::escape_html_to);
        tera.register_filter("page_items", super::page_items);
        tera.add_raw_template("t.html", template).unwrap();
        let mut ctx = Context::new();
        ctx.insert("pages", &pages);
        ctx.insert("safe_title", &Value::safe_string("<b>Bold</b>"));
        tera.render("t.html", &ctx).unwrap()
    }

    fn pages() -> serde_json::Value {
        serde_json::json!([
            {"title": "Bisphosphonates", "url": "/drug-classes/bisphosphonates/",
             "summary": "Medicines that slow bone loss & \"keep\" bones strong.", "kind": "drug-class", "lang": "en"},
            {"title": "Osteoporosis", "url": "/conditions/osteoporosis/", "summary": "", "kind": "condition", "lang": "en"},
            {"title": "Osteoporosis <es>", "url": "/es/conditions/osteoporosis/", "summary": "Huesos débiles.", "kind": "condition", "lang": "es"},
        ])
    }

    #[test]
    fn each_page_is_an_item_with_its_summary_escaped_as_the_template_escapes() {
        assert_eq!(
            render("{{ pages | page_items }}", pages()),
            "\n  <li><a href=\"/drug-classes/bisphosphonates/\">Bisphosphonates</a>\
             <p>Medicines that slow bone loss &amp; &quot;keep&quot; bones strong.</p></li>\
             \n  <li><a href=\"/conditions/osteoporosis/\">Osteoporosis</a></li>\
             \n  <li><a href=\"/es/conditions/osteoporosis/\">Osteoporosis &lt;es&gt;</a>\
             <p>Huesos débiles.</p></li>"
        );
    }

    #[test]
    fn without_summaries_and_in_a_language_other_pages_are_marked() {
        assert_eq!(
            render(
                "{{ pages | page_items(summaries=false, lang=\"en\") }}",
                pages()
            ),
            "\n  <li><a href=\"/drug-classes/bisphosphonates/\">Bisphosphonates</a></li>\
             \n  <li><a href=\"/conditions/osteoporosis/\">Osteoporosis</a></li>\
             \n  <li lang=\"es\"><a href=\"/es/conditions/osteoporosis/\" hreflang=\"es\">\
             Osteoporosis &lt;es&gt;</a></li>"
        );
        // An empty `lang` marks no page.
        assert!(!render("{{ pages | page_items(lang=\"\") }}", pages()).contains("lang="));
    }

    #[test]
    fn a_safe_value_is_written_as_it_is_and_no_pages_make_nothing() {
        assert_eq!(
            render(
                "{{ [{\"title\": safe_title, \"url\": \"/a/\"}] | page_items }}|{{ [] | page_items }}",
                serde_json::json!([])
            ),
            "\n  <li><a href=\"/a/\"><b>Bold</b></a></li>|"
        );
        // A reference without a `lang` is not marked as in another language.
        assert_eq!(
            render(
                "{{ [{\"title\": \"A\", \"url\": \"/a/\"}] | page_items(lang=\"en\") }}",
                serde_json::json!([])
            ),
            "\n  <li><a href=\"/a/\">A</a></li>"
        );
    }

    #[test]
    fn a_reference_without_a_url_is_an_error_that_says_so() {
        let mut tera = Tera::default();
        tera.register_filter("page_items", super::page_items);
        tera.add_raw_template("t.html", "{{ [{\"title\": \"A\"}] | page_items }}")
            .unwrap();
        let err = tera.render("t.html", &Context::new()).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("needs a `url` and a `title`"), "{text}");
    }
}
