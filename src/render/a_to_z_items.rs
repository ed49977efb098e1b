//! The `a_to_z_items` filter: a run of the A to Z's entries as the `<li>` items of
//! `partials/a-to-z-entries.html`. At 10,000 classes the A to Z has 60,000 entries; written
//! out item by item in Tera (five lookups, a test and five escapes each), they took most
//! of the A to Z's render. Each item is written here in one pass instead.

use super::page_items::{field, list, safe_html, write};
use tera::{Kwargs, State, TeraResult, Value};

/// `{{ entries | a_to_z_items(in_class=t.in_class) }}`: for each entry (`{name, url,
/// brand_of, class: {title, url}}`),
/// `\n      <li><a href="url">name</a> <span class="az-brand">brand_of</span>` (the span
/// only when `brand_of` is set) and
/// `\n        <span class="az-class">in_class <a href="class.url">class.title</a></span></li>`.
/// Text is escaped as Tera escapes it in a template: a value marked safe is written as it
/// is. Safe itself: the result is HTML.
pub fn a_to_z_items(entries: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let in_class = kwargs.get::<&Value>("in_class")?;
    let entries = list(entries, "a_to_z_items", "a list of A to Z entries")?;
    let needs = || {
        tera::Error::message(
            "a_to_z_items: each entry needs a `name`, a `url` and a `class` with a `title` and a `url`",
        )
    };
    let mut out = Vec::with_capacity(200 * entries.len());
    for e in entries {
        let (Some(name), Some(url), Some(class)) =
            (field(e, "name"), field(e, "url"), field(e, "class"))
        else {
            return Err(needs());
        };
        let (Some(class_title), Some(class_url)) = (field(class, "title"), field(class, "url"))
        else {
            return Err(needs());
        };
        out.extend_from_slice(b"\n      <li><a href=\"");
        write(url, &mut out);
        out.extend_from_slice(b"\">");
        write(name, &mut out);
        out.extend_from_slice(b"</a>");
        if let Some(brand_of) = field(e, "brand_of").filter(|b| b.is_truthy()) {
            out.extend_from_slice(b" <span class=\"az-brand\">");
            write(brand_of, &mut out);
            out.extend_from_slice(b"</span>");
        }
        out.extend_from_slice(b"\n        <span class=\"az-class\">");
        if let Some(in_class) = in_class {
            write(in_class, &mut out);
        }
        out.extend_from_slice(b" <a href=\"");
        write(class_url, &mut out);
        out.extend_from_slice(b"\">");
        write(class_title, &mut out);
        out.extend_from_slice(b"</a></span></li>");
    }
    Ok(safe_html(out))
}

#[cfg(test)]
mod tests {
    use tera::{Context, Tera, Value};

    /// The loop the built-in partial wrote the items with before it called the filter.
    const LOOP: &str = r#"{%- for entry in entries %}
      <li><a href="{{ entry.url }}">{{ entry.name }}</a>
        {%- if entry.brand_of %} <span class="az-brand">{{ entry.brand_of }}</span>{% endif %}
        <span class="az-class">{{ t.in_class }} <a href="{{ entry.class.url }}">{{ entry.class.title }}</a></span></li>
{%- endfor -%}"#;

    fn render(template: &str, entries: &serde_json::Value) -> Result<String, tera::Error> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::super::escape_html_to);
        tera.register_filter("a_to_z_items", super::a_to_z_items);
        tera.add_raw_template("t.html", template).unwrap();
        let mut ctx = Context::new();
        ctx.insert("entries", entries);
        ctx.insert(
            "t",
            &serde_json::json!({"in_class": "in <class> & \"kind\""}),
        );
        ctx.insert("safe_name", &Value::safe_string("<b>Bold</b>"));
        tera.render("t.html", &ctx)
    }

    fn class(title: &str) -> serde_json::Value {
        serde_json::json!({"title": title, "url": "/drug-classes/bisphosphonates/",
                           "summary": "Slow bone loss.", "kind": "drug-class", "lang": "en"})
    }

    #[test]
    fn the_items_are_what_the_loop_wrote() {
        let entries = serde_json::json!([
            {"name": "alendronate", "is_brand": false, "generic": null,
             "class": class("Bisphosphonates"), "url": "/drug-classes/bisphosphonates/#drug-alendronate",
             "brand_of": null},
            {"name": "Fosamax & Co", "is_brand": true, "generic": "alendronate",
             "class": class("Bis <phosphonates>"), "url": "/drug-classes/bisphosphonates/#drug-alendronate",
             "brand_of": "(brand of \"alendronate\")"},
            {"name": "Empty brand", "is_brand": true, "generic": "x",
             "class": class("C"), "url": "/c/", "brand_of": ""},
        ]);
        let filtered = render(
            "{{ entries | a_to_z_items(in_class=t.in_class) }}",
            &entries,
        )
        .unwrap();
        assert_eq!(filtered, render(LOOP, &entries).unwrap());
        assert!(
            filtered.contains("Fosamax &amp; Co</a> <span class=\"az-brand\">"),
            "{filtered}"
        );
        assert_eq!(render("{{ [] | a_to_z_items }}", &entries).unwrap(), "");
    }

    #[test]
    fn a_safe_value_is_written_as_it_is() {
        let template = "{{ [{\"name\": safe_name, \"url\": \"/a/\", \"class\": {\"title\": \"C\", \"url\": \"/c/\"} }] | a_to_z_items(in_class=\"in\") }}";
        assert_eq!(
            render(template, &serde_json::json!([])).unwrap(),
            "\n      <li><a href=\"/a/\"><b>Bold</b></a>\
             \n        <span class=\"az-class\">in <a href=\"/c/\">C</a></span></li>"
        );
    }

    #[test]
    fn an_entry_without_its_class_is_an_error_that_says_so() {
        let err = render(
            "{{ [{\"name\": \"a\", \"url\": \"/a/\"}] | a_to_z_items }}",
            &serde_json::json!([]),
        )
        .unwrap_err();
        let text = format!("{err:?}");
        assert!(
            text.contains("needs a `name`, a `url` and a `class`"),
            "{text}"
        );
    }
}
