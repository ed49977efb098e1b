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
