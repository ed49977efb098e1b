//! The built-in theme in a real browser (headless Chromium through chromedriver): axe-core
//! finds no WCAG 2.2 AA or best-practice problem on any kind of page, in light or dark mode;
//! nothing is wider than a phone; the text is big and the lines short; keyboard users get a
//! skip link and a visible focus; the print stylesheet makes a clean handout with the page's
//! address and review date; alias redirects work.
//!
//! Needs Chromium, chromedriver and pdftotext (poppler-utils), and axe-core installed with
//! `npm ci --prefix tests/browser`. Without the browser these tests fail, unless
//! `FORMULARY_SKIP_BROWSER=1` is set.
//!
//! Screenshots for a person to look at (desktop and phone, light and dark, and print):
//! `cargo test --test browser_theme -- --ignored screenshots` (into
//! `$FORMULARY_SCREENSHOTS`, default `/tmp/formulary-screenshots`).

mod common;

use common::browser::{find_program, missing, Browser, StaticServer};
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// Every kind of page the theme renders: `(what, URL path, body class)`.
const PAGES: &[(&str, &str, &str)] = &[
    ("home", "", "kind-home"),
    ("section", "drug-classes/", "kind-section"),
    (
        "drug class",
        "drug-classes/bisphosphonates/",
        "kind-drug-class",
    ),
    (
        "drug class with footnotes",
        "drug-classes/hormone-therapy/",
        "kind-drug-class",
    ),
    (
        "drug class overdue for review",
        "drug-classes/romosozumab/",
        "kind-drug-class",
    ),
    ("condition", "conditions/osteoporosis/", "kind-condition"),
    (
        "article with a table",
        "guides/bone-density-scores/",
        "kind-article",
    ),
    (
        "article with a wide table",
        "guides/doses-table/",
        "kind-article",
    ),
    ("A to Z", "drugs/", "kind-drugs"),
    ("search", "search/", "kind-search"),
    ("404", "no/such/page/", "kind-404"),
    // The Spanish pages of the sample site (`lang="es"`, checked below).
    (
        "Spanish drug class",
        "es/drug-classes/bisphosphonates/",
        "kind-drug-class",
    ),
    (
        "Spanish condition",
        "es/conditions/osteoporosis/",
        "kind-condition",
    ),
    ("Spanish home", "es/", "kind-home"),
    ("Spanish A to Z", "es/drugs/", "kind-drugs"),
];

/// The axe-core rule tags the theme must pass.
const AXE_TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// The sample site, with one drug-class page made overdue for review and given an old
/// address, built once per test run and served over HTTP.
struct Served {
    server: StaticServer,
}

fn served() -> &'static Served {
    static SITE: OnceLock<Served> = OnceLock::new();
    SITE.get_or_init(|| {
        let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-theme");
        let _ = std::fs::remove_dir_all(&work);
        let root = work.join("site");
        copy_sample_site(&root);
        let romo = root.join("content/drug-classes/romosozumab.md");
        let text = read(&romo);
        let changed = text.replacen(
            "reviewed = 2026-11-01",
            "reviewed = 2020-01-01\naliases = [\"/old/romosozumab/\"]",
            1,
        );
        assert_ne!(text, changed, "romosozumab.md no longer has its review date");
        std::fs::write(&romo, changed).unwrap();
        // A table too wide for a phone, which must scroll in its own box.
        write_files(
            &root,
            &[(
                "content/guides/doses-table.md",
                "+++\ntitle = \"Doses at a glance\"\nsummary = \"A wide table.\"\nweight = 90\n+++\n\n\
                 The table lists each medicine.\n\n\
                 | Medicine | Brand names | How often | How taken | With food | Common side effects |\n\
                 |---|---|---|---|---|---|\n\
                 | alendronate | Fosamax, Binosto | once a week | tablet with plain water | no, 30 minutes before | heartburn, stomach ache |\n\
                 | zoledronic acid | Reclast, Aclasta | once a year | drip into a vein | does not matter | flu-like symptoms for a few days |\n\n\
                 After the table.\n",
            )],
        );
        let out = work.join("public");
        // The server is up before the build so the site can be built for its address
        // (the alias redirect goes to an absolute URL).
        let server = StaticServer::start(&out);
        build(&root, &out, &["--base-url", &server.base]).expect_code(0);
        Served { server }
    })
}

fn axe_source() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "{}: {e}\naxe-core is not installed: run `npm ci --prefix tests/browser`",
            p.display()
        )
    })
}

/// Loads a page and checks it is the kind expected (a 404 is served `404.html`).
fn open(b: &Browser, what: &str, path: &str, body_class: &str) {
    let url = served().server.url(path);
    b.goto(&url);
    let class = b.eval("return document.body ? document.body.className : ''");
    assert_eq!(
        class,
        json!(body_class),
        "{what}: {url} is not the page expected"
    );
}

/// Runs axe-core on the current page: `(violations, number of rules passed)`.
fn run_axe(b: &Browser, axe: &str) -> (Vec<Value>, u64) {
    if b.eval("return typeof window.axe") != json!("object") {
        b.eval_with("(0, eval)(arguments[0]);", vec![json!(axe)]);
    }
    let r = b.eval_with(
        r#"return axe.run(document, {
              runOnly: { type: 'tag', values: arguments[0] },
              resultTypes: ['violations'],
            }).then(r => ({
              passes: r.passes.length,
              violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, why: n.failureSummary })),
              })),
            }));"#,
        vec![json!(AXE_TAGS)],
    );
    let violations = r["violations"].as_array().cloned().unwrap_or_default();
    (violations, r["passes"].as_u64().unwrap_or(0))
}

fn describe_violations(where_: &str, violations: &[Value]) -> String {
    let mut s = String::new();
    for v in violations {
        s.push_str(&format!(
            "{where_}: {} ({}) {}\n",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("")
        ));
        for n in v["nodes"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                "    at {}\n      {}\n      {}\n",
                n["target"].as_str().unwrap_or(""),
                n["html"].as_str().unwrap_or(""),
                n["why"].as_str().unwrap_or("").replace('\n', "\n      ")
            ));
        }
    }
    s
}

#[test]
fn axe_finds_no_violations_on_any_page_kind_in_light_and_dark_mode() {
    let Some(b) = Browser::start() else { return };
    let axe = axe_source();
    let started = Instant::now();

    // The checker itself must catch what it is for: a page with a faint, unlabelled image.
    open(&b, "home", "", "kind-home");
    b.eval(
        "document.querySelector('main').insertAdjacentHTML('beforeend', \
         '<p style=\"color:#999;background:#aaa\">faint</p><img src=\"x.png\">')",
    );
    let (v, _) = run_axe(&b, &axe);
    let ids: Vec<&str> = v.iter().filter_map(|v| v["id"].as_str()).collect();
    assert!(
        ids.contains(&"color-contrast") && ids.contains(&"image-alt"),
        "axe did not catch planted problems: {ids:?}"
    );

    let mut report = String::new();
    let mut runs = 0;
    // Light and dark at desktop width; light at phone width too, where tables scroll.
    for (scheme, width) in [
        ("light", 1280),
        ("dark", 1280),
        ("light", 375),
        ("dark", 375),
    ] {
        b.set_size(width, 900);
        b.emulate_media(None, Some(scheme));
        for (what, path, class) in PAGES {
            open(&b, what, path, class);
            let lang = b.eval("return document.documentElement.lang");
            let want = if path.starts_with("es/") { "es" } else { "en" };
            assert_eq!(lang, json!(want), "{what}: <html lang>");
            let dark = b.eval("return matchMedia('(prefers-color-scheme: dark)').matches");
            assert_eq!(dark, json!(scheme == "dark"), "colour scheme not emulated");
            let (violations, passes) = run_axe(&b, &axe);
            assert!(
                passes > 10,
                "{what}: axe passed only {passes} rules: did it run?"
            );
            runs += 1;
            report.push_str(&describe_violations(
                &format!("{what} (/{path}, {scheme}, {width}px)"),
                &violations,
            ));
        }
    }
    // Dark mode really is dark, and light really light.
    b.set_size(1280, 900);
    for (scheme, want_dark) in [("dark", true), ("light", false)] {
        b.emulate_media(None, Some(scheme));
        open(
            &b,
            "drug class",
            "drug-classes/bisphosphonates/",
            "kind-drug-class",
        );
        let lum = b.eval(
            "const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); \
             return (c[0] + c[1] + c[2]) / 3;",
        );
        let lum = lum.as_f64().unwrap();
        assert_eq!(
            lum < 128.0,
            want_dark,
            "{scheme}: body background level {lum}"
        );
    }
    eprintln!(
        "axe: {runs} page runs in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(report.is_empty(), "axe-core found problems:\n{report}");
}

/// JS: what sticks out beyond `arguments[0]` CSS pixels, unless a scrolling box that itself
/// fits holds it.
const OVERFLOW_JS: &str = r#"
const vw = arguments[0];
const bad = [];
const de = document.documentElement;
if (de.scrollWidth > vw) bad.push(`the page is ${de.scrollWidth}px wide`);
if (window.innerWidth > vw) bad.push(`the browser zoomed out to ${window.innerWidth}px`);
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  if (r.right <= vw + 0.5 && r.left >= -0.5) continue;
  if (el.closest('.visually-hidden')) continue;
  let a = el.parentElement, held = false;
  while (a && a !== document.body) {
    if (getComputedStyle(a).overflowX !== 'visible') {
      const ar = a.getBoundingClientRect();
      if (ar.right <= vw + 0.5 && ar.left >= -0.5) { held = true; break; }
    }
    a = a.parentElement;
  }
  if (!held) bad.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}px`);
}
return bad.slice(0, 10);
"#;

#[test]
fn nothing_is_wider_than_a_phone_screen() {
    let Some(b) = Browser::start() else { return };
    let started = Instant::now();
    let mut problems = Vec::new();
    for width in [375u32, 320] {
        b.set_size(width, 800);
        for (what, path, class) in PAGES {
            open(&b, what, path, class);
            let bad = b.eval_with(OVERFLOW_JS, vec![json!(width)]);
            for p in bad.as_array().into_iter().flatten() {
                problems.push(format!("{what} at {width}px: {}", p.as_str().unwrap_or("")));
            }
        }
    }
    // The check can fail: a wide element planted in the page is found.
    b.eval("document.querySelector('main').insertAdjacentHTML('beforeend', '<div style=\"width:600px\">wide</div>')");
    let bad = b.eval_with(OVERFLOW_JS, vec![json!(320)]);
    assert!(
        bad.as_array().is_some_and(|a| !a.is_empty()),
        "the overflow check missed a 600px element"
    );
    eprintln!("widths: checked in {:.1}s", started.elapsed().as_secs_f64());
    assert!(
        problems.is_empty(),
        "wider than the screen:\n{}",
        problems.join("\n")
    );
}

/// JS: the longest rendered line (in characters) of the main text's longer paragraphs.
const LINE_LENGTH_JS: &str = r#"
const ps = [...document.querySelectorAll('main .content p, main .content li')]
  .filter(p => p.textContent.length > 120).slice(0, 12);
let worst = 0, sample = '';
const range = document.createRange();
for (const p of ps) {
  const lines = new Map();
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    for (let i = 0; i < n.length; i++) {
      range.setStart(n, i); range.setEnd(n, i + 1);
      const r = range.getClientRects()[0];
      if (!r) continue;
      const key = Math.round(r.top / 10);
      lines.set(key, (lines.get(key) || '') + n.data[i]);
    }
  }
  for (const t of lines.values()) if (t.trim().length > worst) { worst = t.trim().length; sample = t; }
}
return { paragraphs: ps.length, worst, sample };
"#;

#[test]
fn text_is_large_lines_are_short_and_the_keyboard_is_seen() {
    let Some(b) = Browser::start() else { return };
    for width in [1280u32, 375] {
        b.set_size(width, 900);
        for (what, path, class) in PAGES {
            open(&b, what, path, class);
            let lang = b.eval("return document.documentElement.lang");
            let want = if path.starts_with("es/") { "es" } else { "en" };
            assert_eq!(lang, json!(want), "{what}: html lang");
            let px = b.eval(
                "return [...document.querySelectorAll('main p, main li')]
                   .filter(e => e.offsetParent && !e.closest('nav, .breadcrumbs'))
                   .map(e => parseFloat(getComputedStyle(e).fontSize))
                   .reduce((a, b) => Math.min(a, b), 99)",
            );
            let px = px.as_f64().unwrap();
            assert!(
                px >= 18.0,
                "{what} at {width}px: body text is {px}px, under 18px"
            );
        }
    }
    // At desktop width, where lines are longest.
    b.set_size(1280, 900);
    for (what, path, class) in [PAGES[2], PAGES[5], PAGES[6]] {
        open(&b, what, path, class);
        let r = b.eval(LINE_LENGTH_JS);
        assert!(
            r["paragraphs"].as_u64().unwrap() > 0,
            "{what}: no long paragraph measured"
        );
        let worst = r["worst"].as_u64().unwrap();
        eprintln!("{what}: longest line {worst} characters");
        assert!(
            (40..75).contains(&worst),
            "{what}: the longest line has {worst} characters: {:?}",
            r["sample"]
        );
    }

    // Keyboard: the first Tab shows the skip link, with a visible focus ring; it leads to main.
    open(
        &b,
        "drug class",
        "drug-classes/bisphosphonates/",
        "kind-drug-class",
    );
    b.press_tab();
    let focus = b.eval(
        "const e = document.activeElement; const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
         return { cls: e.className, top: r.top, bottom: r.bottom, text: e.textContent,
                  outline: s.outlineStyle, width: parseFloat(s.outlineWidth), href: e.getAttribute('href') }",
    );
    assert_eq!(focus["cls"], "skip-link", "first Tab: {focus}");
    assert!(
        focus["top"].as_f64().unwrap() >= 0.0 && focus["bottom"].as_f64().unwrap() <= 900.0,
        "the focused skip link is off screen: {focus}"
    );
    assert!(
        focus["outline"] != "none" && focus["width"].as_f64().unwrap() >= 2.0,
        "no visible focus ring: {focus}"
    );
    assert_eq!(focus["href"], "#fm-main");
    let main = b.eval("return document.querySelector('#fm-main').tagName");
    assert_eq!(main, json!("MAIN"));
    // The next Tab stop is a header link, also with a ring, in the header's own colour.
    b.press_tab();
    let next = b.eval(
        "const s = getComputedStyle(document.activeElement); return [document.activeElement.closest('header') !== null, s.outlineStyle, s.outlineColor]",
    );
    assert_eq!(next[0], json!(true), "{next}");
    assert_ne!(next[1], json!("none"), "{next}");
}

#[test]
fn print_stylesheet_makes_a_clean_handout_with_address_and_review_date() {
    let Some(b) = Browser::start() else { return };
    let Some(pdftotext) = find_program(&["pdftotext"]).or_else(|| {
        missing::<PathBuf>("pdftotext is not installed (Debian: apt-get install poppler-utils).")
    }) else {
        return;
    };
    let site = served();
    let path = "drug-classes/bisphosphonates/";
    let permalink = site.server.url(path);
    b.emulate_print(true);
    open(&b, "drug class", path, "kind-drug-class");
    let shown = b.eval(
        r#"const d = s => { const e = document.querySelector(s); return e ? getComputedStyle(e).display : 'missing'; };
           return {
             print: matchMedia('print').matches,
             nav: d('.main-nav'), skip: d('.skip-link'), search: d('.header-search'),
             breadcrumbs: d('.breadcrumbs'), toc: d('.toc'), pager: d('.pager'),
             review: d('.review'), address: d('.print-only'), glance: d('.glance'),
             addressText: document.querySelector('.print-only').innerText,
             reviewText: document.querySelector('.review').innerText,
           };"#,
    );
    assert_eq!(shown["print"], json!(true), "print media not emulated");
    for hidden in ["nav", "skip", "search", "breadcrumbs", "toc", "pager"] {
        assert_eq!(shown[hidden], json!("none"), "{hidden} prints: {shown:#}");
    }
    for visible in ["review", "address", "glance"] {
        assert_ne!(
            shown[visible],
            json!("none"),
            "{visible} does not print: {shown:#}"
        );
    }
    assert_eq!(
        shown["addressText"].as_str().unwrap(),
        format!("Page address: {permalink}")
    );
    let review = shown["reviewText"].as_str().unwrap();
    assert!(
        review.contains("Reviewed 1 November 2026") && review.contains("Next review due"),
        "{review}"
    );
    b.emulate_print(false);
    let on_screen =
        b.eval("return getComputedStyle(document.querySelector('.print-only')).display");
    assert_eq!(on_screen, json!("none"), "the page address shows on screen");

    // The PDF itself: the handout has the address and review date, and no site chrome.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("page.pdf");
    b.print_pdf(&pdf);
    let out = std::process::Command::new(&pdftotext)
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let text = String::from_utf8_lossy(&out.stdout);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Bisphosphonates",
        "At a glance",
        "Reviewed 1 November 2026",
        "This page does not replace advice from your doctor or pharmacist.",
        &format!("Page address: {permalink}"),
    ] {
        assert!(
            flat.contains(want),
            "the printed page lacks {want:?}:\n{text}"
        );
    }
    for unwanted in [
        "Skip to main content",
        "Search this site",
        "Contents",
        "Next Parathyroid",
    ] {
        assert!(
            !flat.contains(unwanted),
            "the printed page has {unwanted:?}:\n{text}"
        );
    }
}

#[test]
fn an_old_address_redirects_to_the_page() {
    let Some(b) = Browser::start() else { return };
    let site = served();
    b.goto(&site.server.url("old/romosozumab/"));
    let target = site.server.url("drug-classes/romosozumab/");
    b.wait_for(
        "return document.body !== null && document.body.classList.contains('kind-drug-class')",
        std::time::Duration::from_secs(10),
    );
    assert_eq!(b.current_url(), target);
    // The overdue page says so, in its review box.
    let overdue = b.eval(
        "const e = document.querySelector('.review .overdue'); return e ? e.innerText : null",
    );
    assert!(
        overdue
            .as_str()
            .is_some_and(|t| t.contains("overdue for review")),
        "{overdue}"
    );
}

/// Screenshots for a person to look at; not a check.
#[test]
#[ignore = "writes screenshots to look at: cargo test --test browser_theme -- --ignored"]
fn screenshots() {
    let Some(b) = Browser::start() else { return };
    let dir = PathBuf::from(
        std::env::var("FORMULARY_SCREENSHOTS")
            .unwrap_or_else(|_| "/tmp/formulary-screenshots".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    for (name, path, class) in [
        (
            "drug-class",
            "drug-classes/bisphosphonates/",
            "kind-drug-class",
        ),
        ("home", "", "kind-home"),
        ("article", "guides/bone-density-scores/", "kind-article"),
        ("overdue", "drug-classes/romosozumab/", "kind-drug-class"),
        (
            "footnotes",
            "drug-classes/hormone-therapy/",
            "kind-drug-class",
        ),
        ("wide-table", "guides/doses-table/", "kind-article"),
    ] {
        for (size, width) in [("desktop", 1280), ("phone", 375)] {
            for scheme in ["light", "dark"] {
                b.set_size(width, if width > 800 { 900 } else { 800 });
                b.emulate_media(None, Some(scheme));
                open(&b, name, path, class);
                b.screenshot(dir.join(format!("{name}-{size}-{scheme}.png")));
                slices(&b, &dir, &format!("{name}-{size}-{scheme}"), width);
            }
        }
    }
    b.set_size(1280, 900);
    b.emulate_media(Some("print"), None);
    open(
        &b,
        "drug class",
        "drug-classes/bisphosphonates/",
        "kind-drug-class",
    );
    b.screenshot(dir.join("drug-class-print-media.png"));
    b.emulate_media(None, None);
    b.print_pdf(dir.join("drug-class-print.pdf"));
    if let Some(pdftoppm) = find_program(&["pdftoppm"]) {
        let status = std::process::Command::new(pdftoppm)
            .args(["-png", "-r", "60"])
            .arg(dir.join("drug-class-print.pdf"))
            .arg(dir.join("drug-class-print"))
            .status()
            .unwrap();
        assert!(status.success());
    }
    eprintln!("screenshots in {}", dir.display());
}

/// The page in screen-high slices (`NAME-part1.png`, ...), easier to look at than one long image.
fn slices(b: &Browser, dir: &Path, name: &str, width: u32) {
    use base64::Engine;
    let height = b
        .eval("return document.documentElement.scrollHeight")
        .as_f64()
        .unwrap();
    let step: f64 = if width > 800 { 1000.0 } else { 1200.0 };
    let mut y = 0.0;
    let mut n = 1;
    while y < height && n <= 12 {
        let v = b.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": y, "width": width, "height": step.min(height - y), "scale": 1 } }),
        );
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(v["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(dir.join(format!("{name}-part{n}.png")), bytes).unwrap();
        y += step;
        n += 1;
    }
}

#[test]
fn a_table_too_wide_for_a_phone_scrolls_and_the_keyboard_can_scroll_it() {
    let Some(b) = Browser::start() else { return };
    b.set_size(320, 800);
    open(&b, "wide table", "guides/doses-table/", "kind-article");
    // The scrolling box: the table itself, or a wrapper the renderer puts around it.
    const SCROLLER: &str = "const t = document.querySelector('main table');
        const s = [t, t.parentElement].find(e => getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth);";
    let scrolls = b.eval(&format!("{SCROLLER} return !!s"));
    assert_eq!(
        scrolls,
        json!(true),
        "the fixture table does not scroll at 320px"
    );
    let mut reached = false;
    for _ in 0..40 {
        b.press_tab();
        let here = b.eval(&format!("{SCROLLER} return document.activeElement === s"));
        if here == json!(true) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab never reaches the scrolling table");
    let ring = b.eval("return getComputedStyle(document.activeElement).outlineStyle");
    assert_ne!(ring, json!("none"), "the focused table shows no focus ring");
    b.press_key(fantoccini::key::Key::Right.into());
    b.press_key(fantoccini::key::Key::Right.into());
    let left = b.wait_for(
        &format!("{SCROLLER} return s.scrollLeft"),
        std::time::Duration::from_secs(3),
    );
    assert!(
        left.as_f64().unwrap() > 0.0,
        "arrow keys do not scroll the table"
    );
}
