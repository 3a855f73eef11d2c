//! `cargo prove`: builds the loom and the shuttle configurations, runs every model under both,
//! and prints the verdicts.
//!
//! `cargo prove --help` lists the options. Exits 1 if a verdict differs from the expected one
//! or a run fails to complete, 2 for bad arguments or a failed build, 0 otherwise.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use threadproof_models::{Checker, Report, Search, Timing, Verdict, TUTORIAL_SAMPLE};

/// A run that takes longer than this has not completed: it counts as a failure.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// Runs every model of the threading tutorial under loom and shuttle, under any timing and
/// under the tutorial's own, and prints the verdicts, the table and the counterexamples.
#[derive(Parser)]
#[command(name = "cargo prove", bin_name = "cargo prove")]
struct Cli {
    /// Only this model.
    #[arg(long, value_parser = model_names())]
    model: Option<String>,
    /// Only this model, printing the counterexample of each run instead of the table.
    #[arg(long, value_parser = model_names(), conflicts_with = "model")]
    explain: Option<String>,
    /// Only this checker.
    #[arg(long, value_parser = PossibleValuesParser::new(["loom", "shuttle"])
        .map(|name| if name == "loom" { Checker::Loom } else { Checker::Shuttle }))]
    checker: Option<Checker>,
    /// Also write every run's report to this file, as JSON.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Search every model with at most N preemptions instead of the registry's search: a
    /// faster, bounded run.
    #[arg(long, value_name = "N")]
    preemption_bound: Option<usize>,
    /// Skip shuttle's PCT samples at the tutorial's size.
    #[arg(long)]
    no_sample: bool,
}

fn model_names() -> PossibleValuesParser {
    PossibleValuesParser::new(threadproof_models::all().into_iter().map(|e| e.model.name))
}

/// One run of one model: which checker, search and timing.
struct Planned {
    checker: Checker,
    /// The search as the models binary's `--search` spells it.
    argument: String,
    search: Search,
    timing: Timing,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let checkers = match cli.checker {
        Some(checker) => vec![checker],
        None => vec![Checker::Loom, Checker::Shuttle],
    };
    let root = workspace_root();
    let mut binaries = Vec::new();
    for &checker in &checkers {
        match build(&root, checker) {
            Ok(binary) => binaries.push((checker, binary)),
            Err(problem) => {
                eprintln!("cargo prove: {problem}");
                return ExitCode::from(2);
            }
        }
    }

    let selected = cli.explain.as_ref().or(cli.model.as_ref());
    let entries: Vec<_> = threadproof_models::all()
        .into_iter()
        .filter(|entry| selected.is_none_or(|name| entry.model.name == name))
        .collect();

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for entry in &entries {
        let model = entry.model.name;
        let mut row = Row {
            model: model.to_owned(),
            runs: Vec::new(),
        };
        for (checker, binary) in &binaries {
            let checker = *checker;
            let mut plan = Vec::new();
            for timing in [Timing::Any, Timing::Virtual] {
                plan.push(match cli.preemption_bound {
                    Some(n) => Planned {
                        checker,
                        argument: format!("bounded_{n}"),
                        search: Search::Exhaustive {
                            preemption_bound: Some(n),
                        },
                        timing,
                    },
                    None => Planned {
                        checker,
                        argument: "registry".to_owned(),
                        search: entry.search(checker, timing),
                        timing,
                    },
                });
            }
            if checker == Checker::Shuttle && !cli.no_sample && cli.explain.is_none() {
                for timing in [Timing::Any, Timing::Virtual] {
                    plan.push(Planned {
                        checker,
                        argument: "sampled".to_owned(),
                        search: TUTORIAL_SAMPLE,
                        timing,
                    });
                }
            }
            for planned in plan {
                let label = format!(
                    "{model:<26} {:<7} {:<14} {}",
                    planned.checker, planned.timing, planned.search
                );
                match run_model(binary, model, &planned, &label) {
                    Ok(report) => {
                        if !report.as_expected() {
                            failures.push(format!(
                                "{label}: expected {}, got {}",
                                report.expected, report.check.verdict
                            ));
                        }
                        row.runs.push(report);
                    }
                    Err(problem) => failures.push(format!("{label}: {problem}")),
                }
            }
        }
        rows.push(row);
    }

    if cli.explain.is_some() {
        for report in rows.iter().flat_map(|r| &r.runs) {
            println!(
                "{} under {} ({}, {}):",
                report.model, report.check.checker, report.check.search, report.check.timing
            );
            match &report.check.counterexample {
                Some(counterexample) => print!("{counterexample}"),
                None => println!("  no counterexample: the claim {}\n", report.check.verdict),
            }
        }
    } else {
        print!("{}", table(&rows));
        print!("{}", counterexamples(&rows));
    }

    if let Some(path) = &cli.json {
        let reports: Vec<&Report> = rows.iter().flat_map(|r| &r.runs).collect();
        let json = serde_json::to_string_pretty(&reports).expect("reports are plain data");
        if let Err(e) = std::fs::write(path, json) {
            eprintln!("cargo prove: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }

    if failures.is_empty() {
        println!("\nevery verdict is the expected one");
        ExitCode::SUCCESS
    } else {
        println!(
            "\n{} verdict(s) differ from the expected ones, or failed to complete:",
            failures.len()
        );
        for failure in &failures {
            println!("  {failure}");
        }
        ExitCode::from(1)
    }
}

struct Row {
    model: String,
    runs: Vec<Report>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Builds the models binary for `checker` in release, in its own target directory.
fn build(root: &Path, checker: Checker) -> Result<PathBuf, String> {
    let target = root.join("target").join(checker.name());
    eprintln!("building the {} configuration (release)...", checker.name());
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "threadproof-models",
            "--bin",
            "threadproof-models",
        ])
        .env("RUSTFLAGS", format!("--cfg {}", checker.name()))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the {} build failed", checker.name()));
    }
    Ok(target.join("release").join("threadproof-models"))
}

/// Runs one model, showing its live execution count: a spinner on a terminal, a line every
/// five seconds otherwise.
fn run_model(binary: &Path, model: &str, planned: &Planned, label: &str) -> Result<Report, String> {
    let live = std::io::stderr().is_terminal();
    let start = Instant::now();
    let spinner = live.then(|| {
        let spinner = ProgressBar::new_spinner().with_prefix(label.to_owned());
        spinner.set_style(
            ProgressStyle::with_template(
                "{spinner} {prefix} {human_pos} executions, {per_sec}, {elapsed}",
            )
            .expect("a valid template"),
        );
        spinner.enable_steady_tick(Duration::from_millis(100));
        spinner
    });
    let timing = match planned.timing {
        Timing::Any => "any",
        Timing::Virtual => "virtual",
    };
    let mut child = Command::new(binary)
        .args(["run", model, "--search", &planned.argument])
        .args(["--timing", timing, "--progress"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let stderr = child.stderr.take().expect("piped");
    let other_lines = Arc::new(Mutex::new(String::new()));
    let reader = {
        let (other_lines, spinner, label) =
            (Arc::clone(&other_lines), spinner.clone(), label.to_owned());
        std::thread::spawn(move || {
            let mut next_line = Duration::from_secs(5);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let count = line
                    .strip_prefix("progress ")
                    .and_then(|count| count.parse::<u64>().ok());
                match (count, &spinner) {
                    (Some(count), Some(spinner)) => spinner.set_position(count),
                    (Some(count), None) => {
                        if start.elapsed() > next_line {
                            eprintln!(
                                "{label} {count:>9} executions, {:.0} s",
                                start.elapsed().as_secs_f64()
                            );
                            next_line += Duration::from_secs(5);
                        }
                    }
                    (None, _) => {
                        let mut other = other_lines.lock().unwrap_or_else(|e| e.into_inner());
                        let _ = writeln!(other, "{line}");
                    }
                }
            }
        })
    };
    // The report is the child's whole stdout, complete when the child exits.
    let mut stdout = child.stdout.take().expect("piped");
    let (sender, output) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        let _ = sender.send(text);
    });
    let text = match output.recv_timeout(RUN_LIMIT) {
        Ok(text) => text,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            if let Some(spinner) = &spinner {
                spinner.finish_and_clear();
            }
            return Err(format!("did not finish within {} s", RUN_LIMIT.as_secs()));
        }
    };
    let status = child.wait().map_err(|e| e.to_string())?;
    let _ = reader.join();
    if let Some(spinner) = &spinner {
        spinner.finish_and_clear();
    }
    let report: Report = match serde_json::from_str(text.trim()) {
        Ok(report) if status.success() => report,
        _ => {
            let other = other_lines
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            return Err(format!(
                "the run failed to complete ({status}): {}",
                other.trim()
            ));
        }
    };
    eprintln!(
        "{label} {} ({}, {:.2} s)",
        report.check.verdict,
        executions(report.check.executions),
        report.check.elapsed.as_secs_f64()
    );
    Ok(report)
}

fn executions(n: usize) -> String {
    if n == 1 {
        "1 execution".to_owned()
    } else {
        format!("{n} executions")
    }
}

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

fn table(rows: &[Row]) -> String {
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

fn counterexamples(rows: &[Row]) -> String {
    let mut out = String::new();
    // The first refuting run of each model under each timing: loom's proof if it has one.
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

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;
    use clap::{CommandFactory as _, Parser as _};

    use super::{Checker, Cli};

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn arguments_are_parsed() {
        let cli = Cli::try_parse_from([
            "cargo prove",
            "--checker",
            "shuttle",
            "--model",
            "counter_locked",
            "--preemption-bound",
            "2",
            "--no-sample",
        ])
        .expect("valid arguments");
        assert_eq!(cli.checker, Some(Checker::Shuttle));
        assert_eq!(cli.model.as_deref(), Some("counter_locked"));
        assert_eq!(cli.preemption_bound, Some(2));
        assert!(cli.no_sample && cli.explain.is_none() && cli.json.is_none());
    }

    #[test]
    fn bad_arguments_are_refused() {
        let refused = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("cargo prove").chain(args.iter().copied()))
                .err()
                .map(|e| e.kind())
        };
        assert_eq!(
            refused(&["--checker", "tla"]),
            Some(ErrorKind::InvalidValue)
        );
        assert_eq!(refused(&["--model", "nope"]), Some(ErrorKind::InvalidValue));
        assert_eq!(
            refused(&["--preemption-bound", "two"]),
            Some(ErrorKind::ValueValidation)
        );
        assert_eq!(refused(&["--frobnicate"]), Some(ErrorKind::UnknownArgument));
        assert_eq!(
            refused(&["--model", "counter_locked", "--explain", "counter_gil"]),
            Some(ErrorKind::ArgumentConflict)
        );
    }
}
