//! Search in a real browser (headless Chromium through chromedriver, with the shared
//! harness in `tests/common/browser.rs`), on the sample site published under a base path
//! (`/bones/`, as on a project's GitHub Pages):
//!
//! - by keyboard alone (Tab to the field, type, Enter), a brand ("Fosamax"), a generic name
//!   ("raloxifene") and a typo ("fosamx") find the right drug class first, and the live
//!   status line says how many results there are;
//! - `?q=` in the address works, and the search box in every page's header leads there;
//! - the ranking of `static/search.js` is the ranking of its Rust mirror
//!   (`formulary::search::query`), result for result and score for score.
//!
//! Without Chromium and chromedriver these tests fail, unless `FORMULARY_SKIP_BROWSER=1`.

mod common;

use common::browser::{Browser, StaticServer};
use common::*;
use fantoccini::key::Key;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// The sample site built once into `<tmp>/www/bones/` and served from `<tmp>/www/`.
struct Served {
    out: PathBuf,
    server: StaticServer,
}

fn served() -> &'static Served {
    static SITE: OnceLock<Served> = OnceLock::new();
    SITE.get_or_init(|| {
        let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-browser");
        let _ = std::fs::remove_dir_all(&work);
        let root = work.join("site");
        copy_sample_site(&root);
        let www = work.join("www");
        let out = www.join("bones");
        build(
            &root,
            &out,
            &["--base-url", "https://user.github.io/bones/"],
        )
        .expect_code(0);
        Served {
            server: StaticServer::start(&www),
            out,
        }
    })
}

/// Presses Tab until the element with `id` has focus (a keyboard user's way there).
fn tab_to(browser: &Browser, id: &str) {
    for _ in 0..60 {
        browser.press_tab();
        let focused = browser.eval("return document.activeElement && document.activeElement.id");
        if focused == json!(id) {
            return;
        }
    }
    panic!("Tab never reached #{id}");
}

fn type_text(browser: &Browser, text: &str) {
    for c in text.chars() {
        browser.press_key(c);
    }
}

/// The status line once it reports a finished search.
fn wait_status(browser: &Browser) -> String {
    let v = browser.wait_for(
        "var s = document.getElementById('fm-search-status');
         var busy = document.getElementById('fm-search').hasAttribute('aria-busy');
         return !busy && /result/.test(s.textContent) && s.textContent;",
        WAIT,
    );
    v.as_str().unwrap_or_default().to_string()
}

fn result_links(browser: &Browser) -> Vec<String> {
    let v = browser.eval(
        "return Array.from(document.querySelectorAll('#fm-search-results li > a'))
           .map(function (a) { return a.getAttribute('href'); });",
    );
    serde_json::from_value(v).unwrap()
}

#[test]
fn keyboard_search_finds_brand_generic_and_typo() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let s = served();
    let cases = [
        ("Fosamax", "/bones/drug-classes/bisphosphonates/"),
        ("raloxifene", "/bones/drug-classes/serms/"),
        ("fosamx", "/bones/drug-classes/bisphosphonates/"),
    ];
    for (q, want) in cases {
        browser.goto(&s.server.url("bones/search/"));
        tab_to(&browser, "fm-search-q");
        type_text(&browser, q);
        browser.press_key(Key::Enter.into());
        let status = wait_status(&browser);
        assert!(
            status.contains(&format!("for \u{201C}{q}\u{201D}")),
            "{q}: status {status:?}"
        );
        let links = result_links(&browser);
        assert_found(q, want, &links);
        let count: usize = status.split(' ').next().unwrap().parse().expect("a count");
        assert!(count >= links.len(), "{status}");
        // The focus stays in the field, and the address carries the query.
        assert_eq!(
            browser.eval("return document.activeElement.id"),
            json!("fm-search-q")
        );
        assert!(
            browser.current_url().contains(&format!("q={q}")),
            "{}",
            browser.current_url()
        );
        // Tab moves on, past the button, to the first result.
        browser.press_tab();
        browser.press_tab();
        let focused = browser.eval("return document.activeElement.getAttribute('href')");
        assert_eq!(focused, json!(want), "{q}");
    }
}

#[test]
fn the_address_and_the_header_box_carry_a_query() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let s = served();
    browser.goto(&s.server.url("bones/search/?q=Evista"));
    wait_status(&browser);
    assert_eq!(result_links(&browser)[0], "/bones/drug-classes/serms/");
    assert_eq!(
        browser.eval("return document.getElementById('fm-search-q').value"),
        json!("Evista")
    );

    // From any page: the header's search box, by keyboard.
    browser.goto(&s.server.url("bones/conditions/osteoporosis/"));
    tab_to(&browser, "fm-header-q");
    type_text(&browser, "Binosto");
    browser.press_key(Key::Enter.into());
    browser.wait_for(
        "return location.pathname === '/bones/search/' && document.readyState === 'complete'",
        WAIT,
    );
    wait_status(&browser);
    assert_eq!(
        result_links(&browser)[0],
        "/bones/drug-classes/bisphosphonates/"
    );

    // No result: it says so and offers the A to Z.
    browser.goto(&s.server.url("bones/search/?q=qqqqzz"));
    let status = browser.wait_for(
        "var s = document.getElementById('fm-search-status'); return /No results/.test(s.textContent) && s.innerHTML;",
        WAIT,
    );
    assert!(
        status.as_str().unwrap().contains("href=\"/bones/drugs/\""),
        "{status}"
    );
}

#[test]
fn the_script_ranks_as_its_rust_mirror() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let s = served();
    browser.goto(&s.server.url("bones/search/"));
    browser.wait_for("return typeof window.formularySearch === 'function'", WAIT);
    let queries = [
        "Fosamax",
        "fosamx",
        "raloxifene",
        "Évista",
        "alendronat",
        "zoledronic acid",
        "bone density",
        "fractures",
        "fracturing",
        "take with water",
        "calcium vitamin d",
        "osteoporosis",
        "brittle bones",
        "side effects",
        "denosumab injection",
        "qqqqzz",
        "stomach zzzz",
    ];
    for q in queries {
        let js = browser.eval_with(
            "return window.formularySearch(arguments[0]);",
            vec![json!(q)],
        );
        let mut mirror = formulary::search::query::on_disk(&s.out).unwrap();
        let rust: Vec<Value> = mirror
            .search(q)
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                json!({
                    "doc": h.doc,
                    "score": h.score,
                    "words": h.words,
                    "url": if i < 10 { json!(h.url) } else { Value::Null },
                })
            })
            .collect();
        assert_eq!(js, json!(rust), "{q}: the script and the mirror disagree");
    }
}

/// The Spanish search page searches the Spanish index (stemmed for Spanish) and says what
/// it found in Spanish; a word only on an English page finds nothing there and says so.
#[test]
fn spanish_search_page_searches_spanish_pages_in_spanish() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let s = served();
    // A Spanish brand of the Spanish A to Z, a Spanish generic name, and a word form.
    for (q, want) in [
        ("Aclasta", "/bones/es/drug-classes/bisphosphonates/"),
        ("alendronato", "/bones/es/drug-classes/bisphosphonates/"),
        ("inyecciones", "/bones/es/drug-classes/denosumab/"),
    ] {
        browser.goto(&s.server.url(&format!("bones/es/search/?q={q}")));
        let status = wait_status(&browser);
        assert!(
            status.contains(&format!("para \u{201C}{q}\u{201D}")) && status.contains("resultado"),
            "{q}: status {status:?}"
        );
        let links = result_links(&browser);
        assert_found(q, want, &links);
        assert!(
            links.iter().all(|l| l.starts_with("/bones/es/")),
            "{q}: {links:?}"
        );
        let mut mirror = formulary::search::query::on_disk(&s.out.join("es")).unwrap();
        let mirrored: Vec<String> = mirror.search(q).into_iter().map(|h| h.url).collect();
        assert_eq!(
            mirrored.first(),
            links.first(),
            "{q}: the Rust mirror disagrees"
        );
    }
    // Romosozumab has no Spanish page: nothing found, in Spanish, with the A to Z offered.
    browser.goto(&s.server.url("bones/es/search/?q=romosozumab"));
    let v = browser.wait_for(
        "var s = document.getElementById('fm-search-status');
         return /No hay resultados/.test(s.textContent) && s.innerHTML;",
        WAIT,
    );
    let html = v.as_str().unwrap_or_default();
    assert!(html.contains("href=\"/bones/es/drugs/\""), "{html}");
    assert!(
        html.contains("lista de medicamentos de la A a la Z."),
        "{html}"
    );
}

/// A name ranks its class first; a plain word (`inyecciones`) finds the pages that use it.
fn assert_found(q: &str, want: &str, links: &[String]) {
    if q == "inyecciones" {
        assert!(links.iter().any(|l| l == want), "{q}: {links:?}");
    } else {
        assert_eq!(
            links.first().map(String::as_str),
            Some(want),
            "{q}: {links:?}"
        );
    }
}
