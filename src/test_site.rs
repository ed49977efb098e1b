//! For unit tests: a site written into a temporary folder, then loaded and checked.

use crate::site::Site;

/// Writes `files` (path below the site's root, text) and loads the site; the folder lives
/// as long as the returned guard.
pub(crate) fn load(files: &[(&str, &str)]) -> (tempfile::TempDir, Site) {
    let dir = write(files);
    let (site, _) = crate::build::load_and_check(dir.path(), None, false).unwrap();
    (dir, site)
}

/// Writes `files` into a new temporary folder, the site's root.
pub(crate) fn write(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, t) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    dir
}
