//! `--html DIR`: the table of verdicts as an index page, each cell of a run that refuted its
//! claim linking to the page of its counterexample, which the checking API draws
//! (`Report::to_html`).

use std::fmt::Write as _;
use std::path::Path;

use threadproof_models::{Checker, Report, Search, Timing};

use crate::render::{executions, Row};

/// The page of a run's counterexample, by model, checker, timing and whether it sampled.
pub fn page_name(report: &Report) -> String {
    let sampled = if matches!(report.check.search, Search::Pct { .. }) {
        "-sampled"
    } else {
        ""
    };
    let timing = match report.check.timing {
        Timing::Any => "any",
        Timing::Virtual => "virtual",
    };
    format!(
        "{}-{}-{timing}{sampled}.html",
        report.model,
        report.check.checker.name()
    )
}

/// The title of a run's page.
fn page_title(report: &Report) -> String {
    format!(
        "{} ({}): {} under {} ({}, {}, {})",
        report.model,
        report.claim,
        report.check.verdict,
        report.check.checker,
        report.check.search,
        report.check.timing,
        report.size_described
    )
}

/// Writes `index.html` and a page for each run with a counterexample into `dir`, made if
/// missing; returns the pages' names, the index's first.
pub fn write(dir: &Path, rows: &[Row]) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut names = vec!["index.html".to_owned()];
    for report in rows.iter().flat_map(|r| &r.runs) {
        if report.check.counterexample.is_some() {
            let name = page_name(report);
            std::fs::write(dir.join(&name), report.check.to_html(&page_title(report)))?;
            names.push(name);
        }
    }
    std::fs::write(dir.join("index.html"), index(rows))?;
    Ok(names)
}

/// The index: the table of verdicts, a row per model, as `cargo prove` prints it.
pub fn index(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>cargo prove: the verdicts</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>The verdicts</h1>\n<p>Each model of the threading tutorial under loom and shuttle, \
         under any timing and under the tutorial's own. A verdict that refutes its claim links \
         to its counterexample, drawn.</p>\n<table class=\"verdicts\">\n<tr><th rowspan=\"2\">\
         model</th><th rowspan=\"2\">claim</th><th colspan=\"4\">any timing</th>\
         <th colspan=\"4\">the tutorial's timing</th></tr>\n<tr><th>expected</th><th>loom</th>\
         <th>shuttle</th><th>shuttle, tutorial size</th><th>expected</th><th>loom</th>\
         <th>shuttle</th><th>shuttle, tutorial size</th></tr>"
    );
    for row in rows {
        let find = |checker: Checker, timing: Timing, sampled: bool| {
            row.runs.iter().find(|r| {
                r.check.checker == checker
                    && r.check.timing == timing
                    && matches!(r.check.search, Search::Pct { .. }) == sampled
            })
        };
        let claim = row.runs.first().map_or("", |r| r.claim.as_str());
        let _ = write!(
            out,
            "<tr data-model=\"{}\"><td>{}</td><td>{}</td>",
            escape(&row.model),
            escape(&row.model),
            escape(claim)
        );
        for timing in [Timing::Any, Timing::Virtual] {
            let expected = row
                .runs
                .iter()
                .find(|r| r.check.timing == timing)
                .map_or(String::new(), |r| r.expected.to_string());
            let _ = write!(out, "<td>{expected}</td>");
            for (checker, sampled) in [
                (Checker::Loom, false),
                (Checker::Shuttle, false),
                (Checker::Shuttle, true),
            ] {
                let _ = write!(out, "<td>{}</td>", cell(find(checker, timing, sampled)));
            }
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</table>\n</body>\n</html>");
    out
}

/// A cell: the verdict, linked to its counterexample if it has one, marked when unexpected,
/// with the search, the executions and the time.
fn cell(report: Option<&Report>) -> String {
    let Some(r) = report else {
        return "-".to_owned();
    };
    let verdict = r.check.verdict.to_string();
    let verdict = if r.check.counterexample.is_some() {
        format!("<a href=\"{}\">{verdict}</a>", escape(&page_name(r)))
    } else {
        verdict
    };
    let mark = if r.as_expected() {
        ""
    } else {
        " <strong class=\"unexpected\">UNEXPECTED</strong>"
    };
    format!(
        "<span class=\"verdict-{}\">{verdict}</span>{mark}<br><small>{}, {}, {:.2} s</small>",
        r.check.verdict,
        escape(&r.check.search.to_string()),
        executions(r.check.executions),
        r.check.elapsed.as_secs_f64()
    )
}

const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .25em .5em; vertical-align: top; text-align: left; }
small { color: #666; }
.verdict-holds { color: #185; font-weight: 600; }
.verdict-violated, .verdict-deadlocks, .verdict-hangs { color: #a11; font-weight: 600; }
.verdict-inconclusive, .verdict-error { color: #c60; font-weight: 600; }
.unexpected { color: #fff; background: #a11; padding: 0 .3em; }
span a { color: inherit; }
";

/// The text with HTML's special characters escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use threadproof_models::{find, Checker, Run, Search, Timing, Verdict};

    use super::{index, page_name, write};
    use crate::render::Row;

    /// A row of two runs of `counter_locked` on real threads, the second made to look like a
    /// sampled run under shuttle that found a counterexample.
    fn row() -> Row {
        let entry = find("counter_locked").expect("a registered model");
        let held = Run::new(entry.model, Search::InOrder).run();
        let mut refuted = held.clone();
        refuted.check.checker = Checker::Shuttle;
        refuted.check.search = threadproof_models::TUTORIAL_SAMPLE;
        refuted.check.timing = Timing::Virtual;
        refuted.check.verdict = Verdict::Violated;
        refuted.check.counterexample = Some(threadproof::check::Counterexample {
            execution: 1,
            timed: true,
            steps: Vec::new(),
            ending: "num = 1: the claim is false".to_owned(),
            replay: None,
            fewest_preemptions: None,
            fewer_not_ruled_out: None,
            shortest: false,
            why: None,
            cycle: Vec::new(),
        });
        Row {
            model: "counter_locked".to_owned(),
            runs: vec![held, refuted],
        }
    }

    #[test]
    fn the_index_links_each_counterexample_to_its_page() {
        let row = row();
        assert_eq!(
            page_name(&row.runs[1]),
            "counter_locked-shuttle-virtual-sampled.html"
        );
        let page = index(&[row]);
        assert!(page.contains("<tr data-model=\"counter_locked\"><td>counter_locked</td>"));
        assert_eq!(page.matches("<a href=").count(), 1, "{page}");
        assert!(page.contains(
            "<a href=\"counter_locked-shuttle-virtual-sampled.html\">violated</a></span> \
             <strong class=\"unexpected\">UNEXPECTED</strong>"
        ));
    }

    #[test]
    fn the_pages_are_written_beside_the_index() {
        let dir = std::env::temp_dir().join(format!("prove-html-{}", std::process::id()));
        let pages = write(&dir, &[row()]).expect("a writable directory");
        assert_eq!(
            pages,
            ["index.html", "counter_locked-shuttle-virtual-sampled.html"]
        );
        let page = std::fs::read_to_string(dir.join(&pages[1])).expect("written");
        assert!(
            page.contains("<title>counter_locked (after N threads"),
            "{page}"
        );
        assert!(page.contains("num = 1: the claim is false"));
        std::fs::remove_dir_all(&dir).expect("removable");
    }
}
