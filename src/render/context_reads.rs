//! Which names of the context the templates can read, found in their syntax trees: a
//! costly value (the A to Z's lists) is made only if some template names it. Errs on the
//! side of reading: a name used anywhere, even as a loop or macro variable, counts, and
//! `__tera_context` (which prints the whole context) reads everything.

use std::collections::HashSet;
use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

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
    /// Every template Tera holds, built-in and the site's.
    pub fn of(tera: &Tera) -> ContextReads {
        let mut reads = ContextReads::default();
        for template in tera.templates.values() {
            reads.nodes(&template.ast);
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

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, e) => self.expr(e),
            Node::MacroDefinition(_, m, _) => {
                m.args.values().flatten().for_each(|e| self.expr(e));
                self.nodes(&m.body);
            }
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, f, _) => {
                f.filter.args.values().for_each(|e| self.expr(e));
                self.nodes(&f.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, f, _) => {
                self.expr(&f.container);
                self.nodes(&f.body);
                if let Some(body) = &f.empty_body {
                    self.nodes(body);
                }
            }
            Node::If(i, _) => {
                for (_, e, body) in &i.conditions {
                    self.expr(e);
                    self.nodes(body);
                }
                if let Some((_, body)) = &i.otherwise {
                    self.nodes(body);
                }
            }
            Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::Include(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        self.value(&e.val);
        for filter in &e.filters {
            filter.args.values().for_each(|a| self.expr(a));
        }
    }

    fn value(&mut self, v: &ExprVal) {
        match v {
            ExprVal::Ident(ident) => self.ident(ident),
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::Test(t) => {
                self.ident(&t.ident);
                t.args.iter().for_each(|a| self.expr(a));
            }
            ExprVal::MacroCall(m) => m.args.values().for_each(|a| self.expr(a)),
            ExprVal::FunctionCall(f) => f.args.values().for_each(|a| self.expr(a)),
            ExprVal::Array(items) => items.iter().for_each(|a| self.expr(a)),
            ExprVal::StringConcat(c) => c.values.iter().for_each(|v| self.value(v)),
            ExprVal::In(i) => {
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
        }
    }

    /// `a.b[c.d]["e"]` looks up `a` and `c`: the name at the start and each name that
    /// opens a square bracket; and the fields `b` and `d`.
    fn ident(&mut self, ident: &str) {
        for (i, _) in ident.match_indices('.') {
            let rest = &ident[i + 1..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                self.fields.insert(rest[..end].to_string());
            }
        }
        let starts = std::iter::once(0).chain(ident.match_indices('[').map(|(i, _)| i + 1));
        for start in starts {
            let rest = &ident[start..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) {
                self.names.insert(name.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(template: &str) -> ContextReads {
        let mut tera = Tera::default();
        tera.add_raw_template("t.html", template).unwrap();
        ContextReads::of(&tera)
    }

    #[test]
    fn names_read_anywhere_count() {
        for t in [
            "{{ drugs }}",
            "{{ drugs.0.name }}",
            "{% for d in drugs %}{{ d }}{% endfor %}",
            "{% if drugs | length > 0 %}x{% endif %}",
            "{% if drugs is defined %}x{% endif %}",
            "{{ letters[drugs] }}",
            "{{ x | default(value=drugs) }}",
            "{% set n = drugs | length %}",
            "{% macro m(a) %}{{ drugs }}{% endmacro m %}",
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
            "{% for p in letters.0.parts %}{{ p }}{% endfor %}",
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
        ] {
            assert!(!reads(t).reads("drugs"), "{t}");
        }
    }
}
