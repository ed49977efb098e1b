//! The content checks, end to end: each id fires at its exact line and column on a small
//! fixture site and stays quiet on a clean one; levels, `allow`, `--strict`, the output
//! formats, `--report` and the opt-in `--external` link check against a local server.

mod common;

use common::{build, check, site};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A drug-class page with every required section, reviewed recently, in plain words.
const GOOD_CLASS: &str = r#"+++
title = "Testamabs"
kind = "drug-class"
summary = "A made-up class of medicines for the tests."
reviewed = 2026-06-01
drugs = [{ name = "testamab" }]
+++

Testamabs are made-up medicines. They help your bones.

## What these medicines are

They are shots. You get one every month.

## Who can and cannot take them

Most adults can take them.

## How to take them

A nurse gives you the shot.

## Side effects

Some people feel tired for a day.
"#;

/// Easy prose, well over 100 words (grade about 1).
const EASY: &str = "You take the pill once a week. Drink a full glass of water with it. \
Sit up for half an hour. Do not eat or drink for that time. Then you can have your breakfast. \
If you miss a dose, take it the next day. Do not take two at once. Tell your doctor if your \
chest hurts. Tell them if it is hard to swallow. Keep the pills in a dry place. Keep them out \
of reach of children. Ask your pharmacist if you are not sure what to do. They are glad to help. \
Go for your checks each year. Your doctor may test your bones again.";

/// Hard prose, well over 100 words.
const HARD: &str = "Bisphosphonate pharmacotherapy considerably diminishes osteoclastic resorption, \
consequently augmenting trabecular microarchitecture and substantially reducing vertebral fracture incidence.\n\
Pharmacokinetic considerations necessitate administration following overnight fasting, \
accompanied exclusively by unflavoured water, preceding any nutritional intake whatsoever.\n\
Gastrointestinal intolerance, particularly oesophageal irritation, represents the predominant \
adverse manifestation necessitating discontinuation among susceptible individuals.\n\
Osteonecrosis affecting mandibular structures constitutes an exceptionally uncommon \
complication, predominantly associated with intravenous administration in oncological populations.\n\
Atypical femoral fractures, characteristically demonstrating transverse configuration, \
occasionally complicate prolonged therapeutic exposure exceeding approximately five years.\n\
Comprehensive evaluation incorporating densitometric reassessment facilitates individualised \
determination regarding continuation or temporary interruption of pharmacological treatment.\n\
Supplementary calcium and vitamin D administration remains fundamentally necessary throughout \
therapy, guaranteeing adequate mineralisation substrate availability.";

fn article(title: &str, front_extra: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n{front_extra}+++\n\n{body}\n")
}

/// 1-based (line, column) of the first `needle` in `text`.
fn pos(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in fixture"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

/// The diagnostic lines of a run that have this check id.
fn lines_with<'a>(run: &'a common::Run, id: &str) -> Vec<&'a str> {
    let tag = format!("[{id}]: ");
    run.diagnostic_lines()
        .into_iter()
        .filter(|l| l.contains(&tag))
        .collect()
}

fn expect_at(run: &common::Run, id: &str, file: &str, (line, col): (usize, usize)) {
    let want = format!("[{id}]: {file}:{line}:{col}: ");
    assert!(
        lines_with(run, id).iter().any(|l| l.contains(&want)),
        "expected {want} in\n{}",
        run.stderr
    );
}

fn expect_none(run: &common::Run, id: &str) {
    assert!(
        lines_with(run, id).is_empty(),
        "expected no {id}, got\n{}",
        run.stderr
    );
}

#[test]
fn clean_site_has_no_findings() {
    let dir = site(&[
        ("content/drug-classes/testamabs.md", GOOD_CLASS),
        (
            "content/guides/easy.md",
            &article(
                "Easy",
                "",
                &format!(
                    "{EASY}\n\n## Numbers\n\nAbout 1 in 100 people, 1,226 women, 60 mg, 5.9%, 30 to 50% fewer, \
                     P < 0.05, p = 0.3, P<0.001, 1,000 to 1,200 mg, 800 to 1,000 units, Vitamin D3.\n\n\
                     ### Smaller\n\n![A hip bone](bone.png)\n\n<img src=\"bone.png\" alt=\"A hip bone\">\n\n\
                     [^ref]: JAMA 1999; 282: 637-45. Reviewed 2026-10-01.\n"
                ),
            ),
        ),
        ("content/guides/bone.png", "not really a png"),
    ]);
    let run = check(dir.path(), &["--strict"]);
    run.expect_code(0);
    assert!(run.diagnostic_lines().is_empty(), "{}", run.stderr);
}

#[test]
fn missing_section_lists_every_missing_one_at_the_kind_key() {
    let text = GOOD_CLASS
        .replace("## Who can and cannot take them", "## Who can take them")
        .replace("## How to take them", "## How to use them")
        .replace("## Side effects", "### side effects:");
    let dir = site(&[("content/drug-classes/testamabs.md", &text)]);
    let run = check(dir.path(), &[]);
    run.expect_code(1);
    let file = "content/drug-classes/testamabs.md";
    expect_at(&run, "missing-section", file, pos(&text, "kind ="));
    let lines = lines_with(&run, "missing-section");
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("error[missing-section]"));
    assert!(
        lines[0].contains("\"Who can and cannot take them\""),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("\"How to take them\""), "{}", lines[0]);
    assert!(
        !lines[0].contains("Side effects"),
        "matched without case or colon"
    );

    // An article needs no sections.
    let dir = site(&[("content/a.md", &article("A", "", "Just text."))]);
    expect_none(&check(dir.path(), &[]), "missing-section");
}

#[test]
fn image_alt_fires_at_the_image() {
    let body = "Intro.\n\n![](bone.png)\n\nText <img src=\"bone.png\"> and <img src=\"bone.png\" alt=\"ok\">.\n\n![ok](bone.png)\n\n```\n<img src=\"in-code.png\">\n```\n";
    let text = article("Pics", "", body);
    let dir = site(&[("content/pics.md", &text), ("content/bone.png", "x")]);
    let run = check(dir.path(), &[]);
    run.expect_code(1);
    expect_at(&run, "image-alt", "content/pics.md", pos(&text, "![]"));
    expect_at(
        &run,
        "image-alt",
        "content/pics.md",
        pos(&text, "<img src=\"bone.png\">"),
    );
    assert_eq!(lines_with(&run, "image-alt").len(), 2, "{}", run.stderr);
    assert!(lines_with(&run, "image-alt")[0].starts_with("error[image-alt]"));
}

#[test]
fn heading_order_fires_on_skips_and_body_h1() {
    let body = "Intro.\n\n## Fine\n\n#### Skipped\n\n## Fine again\n\n# Second title\n";
    let text = article("Heads", "", body);
    let dir = site(&[("content/heads.md", &text)]);
    let run = check(dir.path(), &[]);
    run.expect_code(0);
    expect_at(
        &run,
        "heading-order",
        "content/heads.md",
        pos(&text, "#### Skipped"),
    );
    expect_at(
        &run,
        "heading-order",
        "content/heads.md",
        pos(&text, "# Second"),
    );
    assert_eq!(lines_with(&run, "heading-order").len(), 2, "{}", run.stderr);
    assert!(lines_with(&run, "heading-order")[0].starts_with("warning[heading-order]"));
}

#[test]
fn reading_level_fires_with_grade_limit_and_hardest_sentences() {
    let text = article("Hard", "", HARD);
    let dir = site(&[
        ("content/hard.md", &text),
        ("content/easy.md", &article("Easy", "", EASY)),
        (
            "content/short.md",
            &article(
                "Short",
                "",
                "Osteonecrosis predominantly complicates intravenous administration.",
            ),
        ),
    ]);
    let run = check(dir.path(), &["--report"]);
    run.expect_code(0);
    expect_at(
        &run,
        "reading-level",
        "content/hard.md",
        pos(&text, "Bisphosphonate pharmacotherapy"),
    );
    let lines = lines_with(&run, "reading-level");
    assert_eq!(lines.len(), 1, "only the hard page: {}", run.stderr);
    let l = lines[0];
    assert!(
        l.contains("reading grade ") && l.contains(" is above 8; hardest sentences: line "),
        "{l}"
    );
    assert_eq!(l.matches("line ").count(), 3, "{l}");

    // The report: every page, worst first, on stdout.
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert!(rows[0].starts_with("grade"), "{}", run.stdout);
    assert!(
        rows[1].contains("content/hard.md") && rows[1].contains("above the limit"),
        "{}",
        run.stdout
    );
    assert!(rows[2].contains("content/easy.md"), "{}", run.stdout);
    assert!(
        rows.iter()
            .any(|r| r.contains("content/short.md") && r.contains("too short")),
        "{}",
        run.stdout
    );
}

#[test]
fn allow_and_configured_levels_control_reading_level() {
    let hard = article("Hard", "", HARD);
    // allow silences it on the page.
    let allowed = article("Hard", "allow = [\"reading-level\"]\n", HARD);
    let dir = site(&[("content/hard.md", &allowed)]);
    let run = check(dir.path(), &["--strict"]);
    run.expect_code(0);
    expect_none(&run, "reading-level");

    // [checks] reading-level = "error" makes it an error (exit 1 without --strict).
    let dir = site(&[
        ("content/hard.md", &hard),
        ("formulary.toml", "[checks]\nreading-level = \"error\"\n"),
    ]);
    let run = check(dir.path(), &[]);
    run.expect_code(1);
    assert!(lines_with(&run, "reading-level")[0].starts_with("error[reading-level]"));

    // "off" drops it.
    let dir = site(&[
        ("content/hard.md", &hard),
        ("formulary.toml", "[checks]\nreading-level = \"off\"\n"),
    ]);
    let run = check(dir.path(), &["--strict"]);
    run.expect_code(0);
    expect_none(&run, "reading-level");

    // And a raised limit lets it pass.
    let dir = site(&[
        ("content/hard.md", &hard),
        ("formulary.toml", "[readability]\nmax_grade = 40\n"),
    ]);
    expect_none(&check(dir.path(), &[]), "reading-level");
}

#[test]
fn review_overdue_fires_at_the_reviewed_key() {
    // Today is 2027-01-01 (SOURCE_DATE_EPOCH in the helpers); 24 months after 2024-01-01.
    let text = GOOD_CLASS.replace("reviewed = 2026-06-01", "reviewed = 2024-01-01");
    let dir = site(&[("content/drug-classes/testamabs.md", &text)]);
    let run = check(dir.path(), &[]);
    run.expect_code(0);
    let file = "content/drug-classes/testamabs.md";
    expect_at(&run, "review-overdue", file, pos(&text, "reviewed ="));
    let l = lines_with(&run, "review-overdue")[0];
    assert!(
        l.contains("reviewed 2024-01-01")
            && l.contains("fell due on 2026-01-01")
            && l.contains("1 year ago"),
        "{l}"
    );

    // A shorter interval makes the good page overdue too.
    let dir = site(&[
        ("content/drug-classes/testamabs.md", GOOD_CLASS),
        ("formulary.toml", "[review]\ninterval_months = 3\n"),
    ]);
    let run = check(dir.path(), &[]);
    let l = lines_with(&run, "review-overdue")[0];
    assert!(
        l.contains("fell due on 2026-09-01") && l.contains("4 months ago"),
        "{l}"
    );
}

#[test]
fn garbled_numbers_and_p_values_at_their_exact_columns() {
    let body = "In the trial, spine density increased by 7.65438 0% against placebo.\n\n\
                - **Placebo:** up by 65438 0.8% (P 0.02), and at the hip\n  by 0.65438 0% (P0.02).\n\
                - A split value: P < 0.00\n  1 in the table.\n\n\
                | site | change |\n|---|---|\n| hip | 3.65438 0% |\n\n\
                Ordinary: P < 0.05, p = 0.3, 1,226 women, 60 mg, 2026-10-01, 5.9%.\n";
    let text = article(
        "Numbers",
        "summary = \"Rose by 65,438 0 ~ 3% in three years.\"\n",
        body,
    );
    let dir = site(&[("content/numbers.md", &text)]);
    let run = check(dir.path(), &[]);
    run.expect_code(0);
    let f = "content/numbers.md";
    for needle in [
        "7.65438 0%",
        "65438 0.8%",
        "0.65438 0%",
        "0.00\n  1",
        "3.65438 0%",
        "65,438 0",
    ] {
        expect_at(&run, "garbled-number", f, pos(&text, needle));
    }
    assert_eq!(
        lines_with(&run, "garbled-number").len(),
        6,
        "{}",
        run.stderr
    );
    expect_at(&run, "p-value", f, pos(&text, "P 0.02"));
    expect_at(&run, "p-value", f, pos(&text, "P0.02"));
    assert_eq!(lines_with(&run, "p-value").len(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("probably `7.1%`"), "{}", run.stderr);
    assert!(run.stderr.contains("write `P < 0.02`"), "{}", run.stderr);
}

#[test]
fn warnings_only_pass_unless_strict_and_every_format_reports_them() {
    let text = article("Heads", "", "Intro.\n\n#### Too deep\n");
    let dir = site(&[("content/heads.md", &text)]);
    check(dir.path(), &[]).expect_code(0);
    check(dir.path(), &["--strict"]).expect_code(1);
    let out = dir.path().join("public");
    build(dir.path(), &out, &["--strict"]).expect_code(1);
    assert!(!out.exists(), "a failed strict build writes nothing");
    build(dir.path(), &out, &[]).expect_code(0);

    let run = check(dir.path(), &["--format", "json"]);
    run.expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let arr = json.as_array().expect("an array");
    assert_eq!(arr.len(), 1, "{json}");
    assert_eq!(arr[0]["id"], "heading-order");
    assert_eq!(arr[0]["level"], "warning");
    assert_eq!(arr[0]["path"], "content/heads.md");
    assert_eq!(arr[0]["line"], 7);
    assert_eq!(arr[0]["column"], 1);

    let run = check(dir.path(), &["--format", "github"]);
    run.expect_code(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::warning "))
        .unwrap_or_else(|| panic!("no annotation in {}", run.stdout));
    assert!(
        line.starts_with("::warning file=content/heads.md,line=7,col=1,title=heading-order::"),
        "{line}"
    );
}

/// A tiny HTTP server on 127.0.0.1 for the external-link check: `/ok` 200, `/moved` 301 to
/// `/ok`, `/missing` 404, `/error` 500, `/no-head` 405 to HEAD and 200 to GET, `/stall`
/// answers nothing for 2 s. It stops by itself after a minute.
fn start_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    let c = counter.clone();
                    std::thread::spawn(move || answer(stream, &c));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(_) => break,
            }
        }
    });
    (port, hits)
}

fn answer(mut stream: TcpStream, hits: &AtomicUsize) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut l = String::new();
        match reader.read_line(&mut l) {
            Ok(0) | Err(_) => break,
            Ok(_) if l.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    hits.fetch_add(1, Ordering::SeqCst);
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("");
    let (status, extra) = match (method, path) {
        (_, "/ok") => ("200 OK", ""),
        (_, "/moved") => ("301 Moved Permanently", "Location: /ok\r\n"),
        (_, "/missing") => ("404 Not Found", ""),
        (_, "/error") => ("500 Internal Server Error", ""),
        ("HEAD", "/no-head") => ("405 Method Not Allowed", ""),
        (_, "/no-head") => ("200 OK", ""),
        (_, "/stall") => {
            std::thread::sleep(Duration::from_secs(2));
            return;
        }
        _ => ("404 Not Found", ""),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn external_links_are_checked_once_and_cached() {
    let (port, hits) = start_server();
    let base = format!("http://127.0.0.1:{port}");
    let body = format!(
        "See [ok]({base}/ok) and [moved]({base}/moved).\n\n\
         [missing]({base}/missing)\n\n\
         Also ![a chart]({base}/error) here.\n\n\
         [slow]({base}/stall) and [head refused]({base}/no-head) and [missing again]({base}/missing#part).\n"
    );
    let text = article("Links", "", &body);
    let dir = site(&[("content/links.md", &text)]);
    let f = "content/links.md";

    // Not without --external.
    let run = check(dir.path(), &[]);
    run.expect_code(0);
    expect_none(&run, "external-link");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no request without --external"
    );

    let external = || {
        let out = common::formulary()
            .args(["check", "--external", "--root"])
            .arg(dir.path())
            .env("FORMULARY_EXTERNAL_TIMEOUT_MS", "500")
            .output()
            .expect("run formulary");
        common::Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    let start = Instant::now();
    let run = external();
    run.expect_code(0);
    let first = start.elapsed();
    expect_at(&run, "external-link", f, pos(&text, "[missing]"));
    expect_at(&run, "external-link", f, pos(&text, "![a chart]"));
    expect_at(&run, "external-link", f, pos(&text, "[slow]"));
    expect_at(&run, "external-link", f, pos(&text, "[missing again]"));
    let lines = lines_with(&run, "external-link");
    assert_eq!(lines.len(), 4, "{}", run.stderr);
    assert!(
        lines.iter().any(|l| l.contains("/missing` is broken: 404")),
        "{}",
        run.stderr
    );
    assert!(
        lines.iter().any(|l| l.contains("/error` is broken: 500")),
        "{}",
        run.stderr
    );
    assert!(
        lines.iter().any(|l| l.contains("timed out after 500 ms")),
        "{}",
        run.stderr
    );
    let requests = hits.load(Ordering::SeqCst);
    // ok, moved (+ its target), missing once for both links, error, stall, no-head twice.
    assert!((7..=9).contains(&requests), "{requests} requests");
    check(dir.path(), &["--external", "--strict"]).expect_code(1);
    let after_strict = hits.load(Ordering::SeqCst);
    assert_eq!(after_strict, requests, "the rerun used the cache");

    // The cache is a file beside the site; a rerun is fast and asks nothing.
    let cache = dir.path().join(".formulary-cache/external-links.json");
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).expect("cache file")).expect("JSON");
    assert_eq!(
        cached["links"].as_object().map(|m| m.len()),
        Some(6),
        "{cached}"
    );
    let start = Instant::now();
    let again = external();
    assert!(start.elapsed() < first + Duration::from_secs(1));
    assert_eq!(lines_with(&again, "external-link"), lines);
    assert_eq!(hits.load(Ordering::SeqCst), requests);
}
