//! `formulary serve` in a real browser: an open page reloads by itself after a save,
//! shows the error overlay after a broken edit and clears it after the fix, and swaps a
//! changed stylesheet without reloading.

mod common;

use common::browser::Browser;
use common::serve::{free_port, page, start, write};
use serde_json::json;
use std::time::{Duration, Instant};

#[test]
fn an_open_page_follows_every_save() {
    let Some(b) = Browser::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "content/_index.md", &page("Home", "Welcome."));
    write(root, "content/a.md", &page("Page A", "First version."));
    write(root, "static/extra.css", "p { color: black; }\n");
    write(
        root,
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block head %}<link rel=\"stylesheet\" href=\"{{ asset(path='extra.css') }}\">{% endblock head %}\n{% block main %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock main %}\n",
    );
    let server = start(root, free_port());
    let url = format!("http://127.0.0.1:{}/a/", server.port);
    b.goto(&url);
    b.wait_for(
        "return document.body.innerText.includes('First version.')",
        Duration::from_secs(5),
    );
    // Give the page a moment to connect to the event stream, then mark it: a reload clears
    // the mark.
    std::thread::sleep(Duration::from_millis(300));
    b.eval("window.__mark = 1; return true");

    // A save reloads the page, well under a second later.
    let saved = Instant::now();
    write(root, "content/a.md", &page("Page A", "Second version."));
    b.wait_for(
        "return window.__mark === undefined && document.body.innerText.includes('Second version.')",
        Duration::from_secs(5),
    );
    let took = saved.elapsed();
    assert!(
        took < Duration::from_millis(1000),
        "the page showed the save after {took:?}"
    );
    eprintln!("save to reloaded page: {} ms", took.as_millis());

    // A broken link: the overlay names the file, line and column.
    std::thread::sleep(Duration::from_millis(200));
    write(
        root,
        "content/a.md",
        &page("Page A", "Second version. [x](missing.md)"),
    );
    let text = b.wait_for(
        "const o = document.getElementById('formulary-overlay'); return o ? o.innerText : false",
        Duration::from_secs(5),
    );
    let text = text.as_str().unwrap_or_default().to_string();
    assert!(text.contains("content/a.md:4:17"), "{text}");
    assert!(text.contains("broken-link"), "{text}");

    // The fix clears it.
    std::thread::sleep(Duration::from_millis(200));
    write(root, "content/a.md", &page("Page A", "Fixed."));
    b.wait_for(
        "return !document.getElementById('formulary-overlay') && document.body.innerText.includes('Fixed.')",
        Duration::from_secs(5),
    );

    // A stylesheet edit swaps the stylesheet in place: no reload.
    std::thread::sleep(Duration::from_millis(300));
    b.eval("window.__mark = 2; return true");
    write(root, "static/extra.css", "p { color: rgb(0, 0, 255); }\n");
    let color = b.wait_for(
        "const c = getComputedStyle(document.querySelector('main p')).color; return c === 'rgb(0, 0, 255)' ? c : false",
        Duration::from_secs(5),
    );
    assert_eq!(color, json!("rgb(0, 0, 255)"));
    assert_eq!(
        b.eval("return window.__mark === 2"),
        json!(true),
        "the page reloaded for a CSS change"
    );
    drop(server);
}

/// A brand renamed: the open class page reloads once, as soon as its pages are ready, and
/// not again when the A to Z follows; an open A to Z reloads when it is ready.
#[test]
fn a_brand_rename_reloads_the_class_page_once_and_the_a_to_z_after() {
    let Some(b) = Browser::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "content/_index.md", &page("Home", "Welcome."));
    let class = |brand: &str| {
        format!(
            "+++\ntitle = \"Bisphosphonates\"\nkind = \"drug-class\"\nsummary = \"Medicines that slow bone loss.\"\nreviewed = 2026-10-01\ndrugs = [{{ name = \"alendronate\", brands = [\"{brand}\"] }}]\n+++\n\n## What these medicines are\n\nThey slow bone loss.\n\n## Who can and cannot take them\n\nAsk.\n\n## How to take them\n\nWith water.\n\n## Side effects\n\nSome.\n"
        )
    };
    write(root, "content/drug-classes/bis.md", &class("Fosamax"));
    // An A to Z slow enough (a few hundred milliseconds) that its event comes well after the
    // class page has reloaded, as on a site of thousands of names.
    write(
        root,
        "templates/drugs.html",
        "{% extends \"base.html\" %}{% block main %}{% for i in range(end=5000) %}{% for j in range(end=1000) %}{% endfor %}{% endfor %}{% for d in drugs %}<p>{{ d.name }}</p>{% endfor %}{% endblock main %}",
    );
    let server = start(root, free_port());
    let class_url = format!("http://127.0.0.1:{}/drug-classes/bis/", server.port);
    let shows = |name: &str| {
        format!("return document.body.innerText.includes('{name}') && window.__mark === undefined")
    };
    b.goto(&class_url);
    b.wait_for(&shows("Fosamax"), Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    b.eval("window.__mark = 1; return true");

    write(root, "content/drug-classes/bis.md", &class("Renamedbrand"));
    b.wait_for(&shows("Renamedbrand"), Duration::from_secs(5));
    // The A to Z follows; its event tells only the A to Z to reload.
    b.eval("window.__mark = 2; return true");
    std::thread::sleep(Duration::from_millis(4000));
    assert_eq!(
        b.eval("return window.__mark === 2"),
        json!(true),
        "the class page reloaded again for the A to Z"
    );

    b.goto(&format!("http://127.0.0.1:{}/drugs/", server.port));
    b.wait_for(&shows("Renamedbrand"), Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    b.eval("window.__mark = 3; return true");
    write(root, "content/drug-classes/bis.md", &class("Otherbrand"));
    b.wait_for(&shows("Otherbrand"), Duration::from_secs(10));
    drop(server);
}
