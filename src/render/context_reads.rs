//! Which names of the context the templates can read, found by reading their tags: a
//! costly value (the A to Z's lists) is made only if some template names it. Errs on the
//! side of reading: a name used anywhere in a tag, even as a loop variable, a component's
//! argument or a keyword, counts, and `__tera_context` (which prints the whole context)
//! reads everything. Text outside tags, comments and quoted strings are not reads.

use super::theme::TemplateSource;
use std::collections::{BTreeMap, HashSet};

/// What Tera prints the whole context for.
const WHOLE_CONTEXT: &str = "__tera_context";

/// The first names of every variable the templates look up, and the names of the fields
/// they look up in them.
#[derive(Debug, Default)]
pub struct ContextReads {
    names: HashSet<String>,
    fields: HashSet<String>,
}

impl ContextReads {
    /// Every template, built-in and the site's.
    pub fn of(sources: &BTreeMap<String, TemplateSource>) -> ContextReads {
        let mut reads = ContextReads::default();
        for source in sources.values() {
            reads.template(&source.text);
        }
        reads
    }

    /// Whether a template can read the context's `name`.
    pub fn reads(&self, name: &str) -> bool {
        self.names.contains(name) || self.names.contains(WHOLE_CONTEXT)
    }

    /// Whether a template can read a field `name` of some value (`letter.parts`).
    pub fn reads_field(&self, name: &str) -> bool {
        self.fields.contains(name) || self.names.contains(WHOLE_CONTEXT)
    }

    /// The tags of a template: `{{ ... }}` and `{% ... %}`; `{# ... #}` is skipped.
    fn template(&mut self, text: &str) {
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = match after.as_bytes().first() {
                Some(b'{') => "}}",
                Some(b'%') => "%}",
                Some(b'#') => {
                    rest = after.find("#}").map_or("", |end| &after[end + 2..]);
                    continue;
                }
                _ => {
                    rest = after;
                    continue;
                }
            };
            let inside = &after[1..];
            let end = tag_end(inside, close);
            self.tag(&inside[..end]);
            rest = inside.get(end + close.len()..).unwrap_or("");
        }
    }

    /// `a.b[c.d]["e"]` looks up `a` and `c`: each name not after a single `.`; and the
    /// fields `b` and `d`. `...spread` is a name.
    fn tag(&mut self, tag: &str) {
        let bytes = tag.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(end) = past_string(bytes, i) {
                i = end;
                continue;
            }
            if b.is_ascii_digit() {
                // A number, with its decimal point and digits.
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                continue;
            }
            if !(b.is_ascii_alphabetic() || b == b'_') {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &tag[start..i];
            let field = tag[..start].ends_with('.') && !tag[..start].ends_with("...");
            if field {
                self.fields.insert(word.to_string());
            } else {
                self.names.insert(word.to_string());
            }
        }
    }
}

/// If a quoted string (`"`, `'` or `` ` ``) starts at `i`, where it ends: past its closing
/// quote, or at the end when it has none.
fn past_string(bytes: &[u8], i: usize) -> Option<usize> {
    let q = bytes[i];
    if !matches!(q, b'"' | b'\'' | b'`') {
        return None;
    }
    Some(
        bytes[i + 1..]
            .iter()
            .position(|&c| c == q)
            .map_or(bytes.len(), |p| i + p + 2),
    )
}

/// Where a tag's closing `}}` or `%}` is, past any quoted string holding one.
fn tag_end(inside: &str, close: &str) -> usize {
    let bytes = inside.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = past_string(bytes, i) {
            i = end;
        } else if inside[i..].starts_with(close) {
            return i;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(template: &str) -> ContextReads {
        let mut sources = BTreeMap::new();
        sources.insert(
            "t.html".to_string(),
            TemplateSource {
                file: "templates/t.html".into(),
                text: template.to_string(),
            },
        );
        ContextReads::of(&sources)
    }

    #[test]
    fn names_read_anywhere_count() {
        for t in [
            "{{ drugs }}",
            "{{ drugs[0].name }}",
            "{{ drugs?.name }}",
            "{% set m = {...drugs} %}",
            "{{ <page_list pages={drugs}/> }}",
            "{{ \"}}\" }}{{ drugs }}",
            "{% for d in drugs %}{{ d }}{% endfor %}",
            "{% if drugs | length > 0 %}x{% endif %}",
            "{% if drugs is defined %}x{% endif %}",
            "{{ letters[drugs] }}",
            "{{ x | default(value=drugs) }}",
            "{% set n = drugs | length %}",
            "{% component m(a) %}{{ drugs }}{% endcomponent m %}",
            "{% filter upper %}{{ drugs }}{% endfilter %}",
            "{% block b %}{% if x %}{% else %}{{ drugs }}{% endif %}{% endblock b %}",
            "{{ 'a' ~ drugs }}",
            "{{ 1 + drugs }}",
            "{{ 'x' in drugs }}",
            "{{ url(path=drugs) }}",
            "{{ __tera_context }}",
        ] {
            assert!(reads(t).reads("drugs"), "{t}");
        }
    }

    #[test]
    fn fields_read_anywhere_count() {
        for t in [
            "{{ letter.parts }}",
            "{% for p in letters[0].parts %}{{ p }}{% endfor %}",
            "{{ letter?.parts }}",
            "{{ x[letter.parts] }}",
            "{{ __tera_context }}",
        ] {
            assert!(reads(t).reads_field("parts"), "{t}");
        }
        for t in ["{{ parts }}", "{{ letter.part }}", "{{ x[\"parts\"] }}"] {
            assert!(!reads(t).reads_field("parts"), "{t}");
        }
    }

    #[test]
    fn a_field_or_a_string_of_that_name_is_not_a_read() {
        for t in [
            "{{ page.drugs }}",
            "{{ url(path=\"drugs\") }}",
            "{% set drugs_url = 1 %}{{ drugs_url }}",
            "{{ letters[\"drugs\"] }}",
            "drugs",
            "{# drugs #}",
            "{{ 1.5 }} drugs",
        ] {
            assert!(!reads(t).reads("drugs"), "{t}");
        }
    }
}
