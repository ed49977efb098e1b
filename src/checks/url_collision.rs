//! url-collision: two files (or a file and an alias or a generated page) on one URL.

use crate::diagnostic::Diagnostic;
use crate::site::Site;

pub fn check(site: &Site) -> Vec<Diagnostic> {
    site.collisions
        .iter()
        .map(|c| {
            let msg = format!(
                "`{}` would be published at /{}, which {} already takes",
                c.file.to_string_lossy().replace('\\', "/"),
                c.url_path,
                c.holder
            );
            Diagnostic::error("url-collision", &c.file, msg).at(&c.text, 1, 1)
        })
        .collect()
}
