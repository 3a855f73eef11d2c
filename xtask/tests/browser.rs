//! The pages of `cargo prove --html DIR`, loaded in a real browser (headless Chromium): each
//! page's DOM after load has a lane for every thread of its counterexample, a deadlock's has
//! the threads of its cycle marked and named, and each page is saved as a screenshot beside it
//! (`DIR/screenshots/`).
//!
//! Ignored by a plain `cargo test`: it needs the pages and a browser. `.ci/steps browser` runs
//! it on the pages the `prove` step wrote:
//!
//! ```text
//! PROVE_HTML=DIR cargo test -p xtask --test browser -- --ignored
//! ```
//!
//! The pages the guide's checked programs write (`GUIDE_HTML`) are loaded and checked the same
//! way. A relative `PROVE_HTML` or `GUIDE_HTML` is taken from the workspace's root. The test fails, saying so, when
//! no browser is installed (`chromium`, `chromium-browser` or `google-chrome` on the `PATH`, or
//! the one `CHROMIUM` names).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser's command, if one is installed.
fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs the browser headless on `page` with `action` (`--dump-dom`, `--screenshot=...`), in
/// a profile of its own and without its background networking; returns its stdout.
fn run(browser: &Path, profile: &Path, action: &[String], page: &Path) -> String {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(action)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", browser.display()));
    assert!(
        output.status.success(),
        "{} failed on {}: {}",
        browser.display(),
        page.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value of `attribute` in each opening tag that begins with `start`.
fn attributes<'a>(dom: &'a str, start: &str, attribute: &str) -> Vec<&'a str> {
    let key = format!(" {attribute}=\"");
    dom.match_indices(start)
        .filter_map(|(i, _)| {
            let tag = &dom[i..i + dom[i..].find('>')?];
            let value = &tag[tag.find(&key)? + key.len()..];
            Some(&value[..value.find('"')?])
        })
        .collect()
}

/// What the DOM of a counterexample's page must show; the problems found, if any.
fn check_counterexample(dom: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let lanes = attributes(dom, "<g class=\"lane", "data-thread");
    let declared: Vec<&str> = attributes(dom, "<svg", "data-threads");
    if declared != [lanes.len().to_string()] {
        problems.push(format!(
            "{} lanes, the picture says {declared:?}",
            lanes.len()
        ));
    }
    // Every thread that takes a step, as the table names it, has its lane.
    for thread in attributes(dom, "<g class=\"step", "data-thread") {
        if !lanes.contains(&thread) {
            problems.push(format!("no lane for {thread}"));
        }
    }
    let steps = attributes(dom, "<g class=\"step", "data-step").len();
    let rows = dom.matches("<tr id=\"step-").count();
    if steps == 0 || steps != rows {
        problems.push(format!("{steps} steps drawn, {rows} rows in the table"));
    }
    let cycle = attributes(dom, "<g class=\"lane cycle\"", "data-thread");
    if dom.contains("data-verdict=\"deadlocks\"") {
        if cycle.len() < 2 {
            problems.push(format!("a deadlock whose cycle marks {cycle:?}"));
        }
        let caption = dom
            .split("<figcaption class=\"cycle\">wait-for cycle: ")
            .nth(1)
            .and_then(|rest| rest.split("</figcaption>").next())
            .unwrap_or_default();
        for thread in &cycle {
            if !caption.contains(thread) {
                problems.push(format!("the caption {caption:?} does not name {thread}"));
            }
        }
        if attributes(dom, "<g class=\"edge\"", "data-from").len() != cycle.len() {
            problems.push("not an arrow for each thread of the cycle".to_owned());
        }
    } else if !cycle.is_empty() {
        problems.push(format!("a cycle marked without a deadlock: {cycle:?}"));
    }
    problems
}

/// The installed browser; the test fails, saying so, when there is none.
fn installed_browser() -> PathBuf {
    browser().unwrap_or_else(|| {
        panic!(
            "no browser installed: install Chromium (Debian: `apt-get install chromium`) or \
             name one with CHROMIUM; the pages were not checked"
        )
    })
}

/// The directory the environment variable `variable` names, from the workspace's root if
/// relative, with a `screenshots` directory made inside it.
fn pages(variable: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::var_os(variable)
        .unwrap_or_else(|| panic!("{variable} names the directory of the pages"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace");
    let dir = root
        .join(dir)
        .canonicalize()
        .expect("the pages' directory exists");
    let screenshots = dir.join("screenshots");
    std::fs::create_dir_all(&screenshots).expect("a writable directory");
    (dir, screenshots)
}

/// Loads `page` (named `name`) and, unless it is an index, checks its counterexample; then
/// saves its screenshot. Adds what is wrong to `problems`; returns whether it is a deadlock's.
fn load(
    browser: &Path,
    profile: &Path,
    (page, name): (&Path, &str),
    screenshots: &Path,
    problems: &mut Vec<String>,
) -> bool {
    let mut deadlock = false;
    if name != "index.html" {
        let dom = run(browser, profile, &["--dump-dom".to_owned()], page);
        deadlock = dom.contains("data-verdict=\"deadlocks\"");
        problems.extend(
            check_counterexample(&dom)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
    }
    let png = screenshots.join(name.replace(".html", ".png"));
    run(
        browser,
        profile,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,900".to_owned(),
        ],
        page,
    );
    if !std::fs::read(&png)
        .unwrap_or_default()
        .starts_with(b"\x89PNG")
    {
        problems.push(format!("{name}: no screenshot"));
    }
    deadlock
}

#[test]
#[ignore = "needs the pages of `cargo prove --html` (PROVE_HTML) and a browser"]
fn every_page_loads_in_a_browser_with_its_lanes_and_its_cycle() {
    let browser = installed_browser();
    let (dir, screenshots) = pages("PROVE_HTML");
    let index = dir.join("index.html");
    let profile = std::env::temp_dir().join(format!("browser-profile-{}", std::process::id()));

    let dom = run(&browser, &profile, &["--dump-dom".to_owned()], &index);
    let linked = attributes(&dom, "<a href=", "href");
    assert!(
        dom.contains("<table class=\"verdicts\">") && !linked.is_empty(),
        "the index links no counterexample: {dom}"
    );
    let mut problems = Vec::new();
    // Every refuted verdict of the table links to its counterexample's page.
    for verdict in ["violated", "deadlocks", "hangs"] {
        let cell = format!("<span class=\"verdict-{verdict}\">");
        let unlinked = dom
            .split(&cell)
            .skip(1)
            .filter(|rest| !rest.starts_with("<a href="))
            .count();
        if unlinked > 0 {
            problems.push(format!("{unlinked} {verdict} verdicts link no page"));
        }
    }
    let mut deadlocks = 0;
    for name in std::iter::once("index.html").chain(linked.iter().copied()) {
        let page = dir.join(name);
        let deadlock = load(
            &browser,
            &profile,
            (&page, name),
            &screenshots,
            &mut problems,
        );
        deadlocks += usize::from(deadlock);
    }
    let _ = std::fs::remove_dir_all(&profile);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        deadlocks > 0,
        "no deadlock among the pages, so no cycle was checked: check pages of every model"
    );
    println!(
        "{} pages loaded in {}, {deadlocks} of them deadlocks; screenshots in {}",
        linked.len() + 1,
        browser.display(),
        screenshots.display()
    );
}

/// The pages the guide's checked programs write (`GUIDE_HTML`, see `tests/guide.rs`), loaded
/// and checked as the models' are.
#[test]
#[ignore = "needs the guide's pages (GUIDE_HTML) and a browser"]
fn every_guide_page_loads_in_a_browser_with_its_lanes_and_its_cycle() {
    let browser = installed_browser();
    let (dir, screenshots) = pages("GUIDE_HTML");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the pages' directory can be read")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".html"))
        .collect();
    names.sort();
    let profile = std::env::temp_dir().join(format!("browser-guide-{}", std::process::id()));
    let (mut problems, mut deadlocks) = (Vec::new(), 0);
    for name in &names {
        let page = dir.join(name);
        let deadlock = load(
            &browser,
            &profile,
            (&page, name),
            &screenshots,
            &mut problems,
        );
        deadlocks += usize::from(deadlock);
    }
    let _ = std::fs::remove_dir_all(&profile);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The guide has three refuted programs, a deadlock among them, under each checker.
    assert!(
        names.len() >= 3,
        "only {} guide pages in {}",
        names.len(),
        dir.display()
    );
    assert!(deadlocks > 0, "no deadlock among the guide's pages");
    println!(
        "{} guide pages loaded in {}, {deadlocks} of them deadlocks",
        names.len(),
        browser.display()
    );
}

#[test]
fn a_page_missing_a_lane_or_its_cycle_is_found() {
    let good = "<body data-verdict=\"deadlocks\"><svg class=\"trace\" data-threads=\"2\">\
        <g class=\"lane cycle\" data-thread=\"A\"></g><g class=\"lane cycle\" data-thread=\"B\"></g>\
        <g class=\"edge\" data-from=\"A\" data-to=\"B\"></g><g class=\"edge\" data-from=\"B\" data-to=\"A\"></g>\
        <g class=\"step acquire\" data-step=\"1\" data-thread=\"A\"></g>\
        <g class=\"step blocks\" data-step=\"2\" data-thread=\"B\"></g></svg>\
        <figcaption class=\"cycle\">wait-for cycle: A → B → A</figcaption>\
        <tr id=\"step-1\"></tr><tr id=\"step-2\"></tr>";
    assert_eq!(check_counterexample(good), Vec::<String>::new());
    let unmarked = good.replace("lane cycle\" data-thread=\"B", "lane\" data-thread=\"B");
    assert!(!check_counterexample(&unmarked).is_empty());
    let no_lane = good.replace(
        "data-thread=\"B\"></g><g class=\"edge",
        "></g><g class=\"edge",
    );
    assert!(check_counterexample(&no_lane)
        .iter()
        .any(|p| p == "no lane for B"));
    let lost_step = good.replace("<tr id=\"step-2\"></tr>", "");
    assert!(!check_counterexample(&lost_step).is_empty());
}
