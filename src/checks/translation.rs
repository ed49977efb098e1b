//! translation: a translation that cannot be placed: a language code in its file name that
//! formulary.toml does not configure, no source page beside it, a different kind of page
//! from its source, or a drug its source does not have. Found while the model is built.

use crate::diagnostic::Diagnostic;
use crate::site::Site;

pub fn check(site: &Site) -> Vec<Diagnostic> {
    site.translation_problems.clone()
}
