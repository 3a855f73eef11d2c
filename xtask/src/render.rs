//! The rendering: the table of verdicts, the lessons where the two timings disagree, and the
//! counterexamples.

use std::fmt::Write as _;

use threadproof_models::{Checker, Report, Search, Timing, Verdict};

/// One model's runs, a row of the table.
pub struct Row {
    /// The model's name.
    pub model: String,
    /// Its runs that completed, in the plan's order.
    pub runs: Vec<Report>,
}

/// `1 execution`, `2 executions`.
pub fn executions(n: usize) -> String {
    if n == 1 {
        "1 execution".to_owned()
    } else {
        format!("{n} executions")
    }
}

/// A cell of the table: the verdict, marked when unexpected, with the search, the executions
/// and the time.
fn cell(report: Option<&Report>) -> String {
    match report {
        None => "-".to_owned(),
        Some(r) => {
            let mark = if r.as_expected() {
                ""
            } else {
                " **UNEXPECTED**"
            };
            format!(
                "{}{mark} ({}, {}, {:.2} s)",
                r.check.verdict,
                r.check.search,
                executions(r.check.executions),
                r.check.elapsed.as_secs_f64()
            )
        }
    }
}

/// The table of verdicts, a row per model, and the lessons where the two timings disagree.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| model | claim | expected, any timing | loom | shuttle | shuttle, tutorial size \
         | expected, tutorial's timing | loom | shuttle | shuttle, tutorial size |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
    let mut lessons = Vec::new();
    for row in rows {
        let find = |checker: Checker, timing: Timing, sampled: bool| {
            row.runs.iter().find(|r| {
                r.check.checker == checker
                    && r.check.timing == timing
                    && matches!(r.check.search, Search::Pct { .. }) == sampled
            })
        };
        let any =
            find(Checker::Loom, Timing::Any, false).or(find(Checker::Shuttle, Timing::Any, false));
        let timed = find(Checker::Loom, Timing::Virtual, false).or(find(
            Checker::Shuttle,
            Timing::Virtual,
            false,
        ));
        let (Some(any), Some(timed)) = (any, timed) else {
            let _ = writeln!(
                out,
                "| {} | | | failed | failed | | | failed | failed |",
                row.model
            );
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.model,
            any.claim,
            any.expected,
            cell(find(Checker::Loom, Timing::Any, false)),
            cell(find(Checker::Shuttle, Timing::Any, false)),
            cell(find(Checker::Shuttle, Timing::Any, true)),
            timed.expected,
            cell(find(Checker::Loom, Timing::Virtual, false)),
            cell(find(Checker::Shuttle, Timing::Virtual, false)),
            cell(find(Checker::Shuttle, Timing::Virtual, true)),
        );
        if any.expected != timed.expected {
            if let Some(lesson) = &any.timing_lesson {
                lessons.push(format!("{}: {lesson}.", row.model));
            }
        }
    }
    if !lessons.is_empty() {
        let _ = writeln!(out, "\nwhere the two timings disagree:");
        for lesson in lessons {
            let _ = writeln!(out, "  {lesson}");
        }
    }
    out
}

/// The first refuting run of each model under each timing (loom's proof if it has one), with
/// its counterexample.
pub fn counterexamples(rows: &[Row]) -> String {
    let mut out = String::new();
    for (row, timing) in rows
        .iter()
        .flat_map(|row| [(row, Timing::Any), (row, Timing::Virtual)])
    {
        let Some(report) = row.runs.iter().find(|r| {
            r.check.timing == timing
                && r.check.counterexample.is_some()
                && matches!(
                    r.check.verdict,
                    Verdict::Violated | Verdict::Deadlocks | Verdict::Hangs
                )
        }) else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n{} ({}): {}, under {} ({}, {})",
            report.model,
            report.claim,
            report.check.verdict,
            report.check.checker,
            report.check.search,
            report.check.timing
        );
        if let Some(counterexample) = &report.check.counterexample {
            out.push_str(&counterexample.to_string());
        }
    }
    out
}

/// Every run's counterexample, or why it has none: what `--explain` prints.
pub fn explanations(rows: &[Row]) -> String {
    let mut out = String::new();
    for report in rows.iter().flat_map(|r| &r.runs) {
        let _ = writeln!(
            out,
            "{} under {} ({}, {}):",
            report.model, report.check.checker, report.check.search, report.check.timing
        );
        match &report.check.counterexample {
            Some(counterexample) => {
                let _ = write!(out, "{counterexample}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "  no counterexample: the claim {}\n",
                    report.check.verdict
                );
            }
        }
    }
    out
}
