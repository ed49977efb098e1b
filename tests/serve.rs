//! `formulary serve` as an editor uses it: a real server on a free port, real file edits
//! (plain writes, atomic renames, deletes, new files), pages read back over HTTP.

mod common;

use common::serve::{free_port, get, page, start, wait_for, write};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn edits_show_errors_overlay_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/_index.md",
        &page("Home", "Welcome. See [a](a.md)."),
    );
    write(root, "content/a.md", &page("Page A", "First version."));
    let server = start(root, free_port());
    let port = server.port;

    let (status, body) = get(port, "/a/");
    assert_eq!(status, 200);
    assert!(body.contains("First version."));
    assert!(
        body.contains("/__formulary/events"),
        "live reload script injected"
    );

    // A plain write.
    write(root, "content/a.md", &page("Page A", "Second version."));
    wait_for(port, "/a/", |_, b| b.contains("Second version."));

    // An atomic save: write a temporary file, then rename it over the page.
    write(root, "content/.a.md.tmp", &page("Page A", "Third version."));
    std::fs::rename(root.join("content/.a.md.tmp"), root.join("content/a.md")).unwrap();
    wait_for(port, "/a/", |_, b| b.contains("Third version."));

    // A new file in a new folder.
    write(root, "content/new/b.md", &page("Page B", "Brand new."));
    wait_for(port, "/new/b/", |s, b| s == 200 && b.contains("Brand new."));

    // A broken link: the overlay names file, line and column; the last good page stays.
    write(
        root,
        "content/a.md",
        &page("Page A", "Third version. [x](missing.md)"),
    );
    let (_, body) = wait_for(port, "/a/", |_, b| b.contains("formulary-overlay"));
    assert!(body.contains("content/a.md:4:16"), "{body:.2000}");
    assert!(
        body.contains("Third version."),
        "last good page still served"
    );

    // The fix clears it.
    write(root, "content/a.md", &page("Page A", "Fixed."));
    let (_, body) = wait_for(port, "/a/", |_, b| b.contains("Fixed."));
    assert!(!body.contains("formulary-overlay"));

    // A delete: the page is gone, and the site's 404 page answers with status 404.
    std::fs::remove_file(root.join("content/new/b.md")).unwrap();
    wait_for(port, "/new/b/", |s, _| s == 404);
    drop(server);
}

#[test]
fn traversal_is_refused_and_404_is_the_sites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "content/_index.md", &page("Home", "Hi."));
    write(root, "secret.txt", "do not serve");
    let server = start(root, free_port());
    for bad in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/a/..\\..\\secret.txt",
    ] {
        let (status, body) = get(server.port, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("do not serve"), "{bad}");
    }
    let (status, body) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html"), "the site's own 404 page");
    let (status, _) = get(server.port, "/style.css");
    assert_eq!(status, 200);
}

#[test]
fn first_build_failing_still_serves_errors_and_ctrl_c_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/_index.md",
        "+++\ntitle = \"Home\"\nreviewed = 2026-13-45\n+++\n",
    );
    let mut server = start(root, free_port());
    let (status, body) = get(server.port, "/");
    assert_eq!(status, 500);
    assert!(body.contains("content/_index.md:3:12"), "{body:.1500}");
    write(root, "content/_index.md", &page("Home", "Now it builds."));
    wait_for(server.port, "/", |s, b| {
        s == 200 && b.contains("Now it builds.")
    });

    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    // The port is free again.
    std::net::TcpListener::bind(("127.0.0.1", server.port)).expect("port freed");
    let _ = server.log.try_recv();
}

#[test]
fn two_hundred_parallel_requests_during_rebuilds_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    write(&root, "content/_index.md", &page("Home", "Welcome."));
    for i in 0..20 {
        write(
            &root,
            &format!("content/p{i}.md"),
            &page(&format!("Page {i}"), "Text."),
        );
    }
    let server = start(&root, free_port());
    let port = server.port;
    // An editor saving over and over while the requests run.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let stop = stop.clone();
        let root = root.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 200 {
                write(
                    &root,
                    "content/p0.md",
                    &page("Page 0", &format!("Version {n}.")),
                );
                n += 1;
                std::thread::sleep(Duration::from_millis(15));
            }
            n
        })
    };
    let workers: Vec<_> = (0..20)
        .map(|w| {
            std::thread::spawn(move || {
                (0..10)
                    .map(|k| {
                        // Spread over about half a second, so they meet many rebuilds.
                        std::thread::sleep(Duration::from_millis(50));
                        get(port, &format!("/p{}/", (w + k) % 20)).0
                    })
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    let statuses: Vec<u16> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let edits = editor.join().unwrap();
    assert_eq!(statuses.len(), 200);
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    assert!(
        edits >= 10,
        "only {edits} saves happened during the requests"
    );
    // The last edit is served once the rebuilds settle.
    wait_for(port, "/p0/", |s, b| {
        s == 200 && b.contains(&format!("Version {}.", edits - 1))
    });
}
