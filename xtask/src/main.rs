//! `cargo prove`: builds the loom and the shuttle configurations, runs every model under both,
//! and prints the verdicts.
//!
//! `cargo prove --help` lists the options. Exits 1 if a verdict differs from the expected one
//! or a run fails to complete, 2 for bad arguments or a failed build, 0 otherwise. The plan of
//! runs is in [`plan`], the child runs in [`child`], what is printed in [`render`], the pages
//! of `--html` in [`html`].

#[cfg(test)]
mod architecture;
mod child;
mod html;
mod plan;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::Parser;
use threadproof_models::{Checker, Report};

use crate::render::Row;

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
    #[arg(long, value_parser = checker_names().try_map(|name| name.parse::<Checker>()))]
    checker: Option<Checker>,
    /// Also write every run's report to this file, as JSON.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Also write the table of verdicts to DIR/index.html, linking a page for each
    /// counterexample that draws it (made if missing).
    #[arg(long, value_name = "DIR")]
    html: Option<PathBuf>,
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

/// The checkers `cargo prove` builds, as the checking API names them.
fn checker_names() -> PossibleValuesParser {
    PossibleValuesParser::new([Checker::Loom, Checker::Shuttle].map(Checker::name))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let checkers = match cli.checker {
        Some(checker) => vec![checker],
        None => vec![Checker::Loom, Checker::Shuttle],
    };
    let root = child::workspace_root();
    let mut binaries = Vec::new();
    for &checker in &checkers {
        match child::build(&root, checker) {
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
    let samples = !cli.no_sample && cli.explain.is_none();

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for entry in &entries {
        let model = entry.model.name;
        let mut row = Row {
            model: model.to_owned(),
            runs: Vec::new(),
        };
        for (checker, binary) in &binaries {
            for planned in plan::plan(entry, *checker, cli.preemption_bound, samples) {
                let label = planned.label(model);
                match child::run_model(binary, model, &planned, &label) {
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
        print!("{}", render::explanations(&rows));
    } else {
        print!("{}", render::table(&rows));
        print!("{}", render::counterexamples(&rows));
    }

    if let Some(path) = &cli.json {
        let reports: Vec<&Report> = rows.iter().flat_map(|r| &r.runs).collect();
        let json = serde_json::to_string_pretty(&reports).expect("reports are plain data");
        if let Err(e) = std::fs::write(path, json) {
            eprintln!("cargo prove: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }

    if let Some(dir) = &cli.html {
        match html::write(dir, &rows) {
            Ok(pages) => eprintln!(
                "wrote {} ({} pages of counterexamples)",
                dir.join("index.html").display(),
                pages.len() - 1
            ),
            Err(e) => {
                eprintln!("cargo prove: cannot write {}: {e}", dir.display());
                return ExitCode::from(2);
            }
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
            "--html",
            "pages",
        ])
        .expect("valid arguments");
        assert_eq!(cli.checker, Some(Checker::Shuttle));
        assert_eq!(cli.model.as_deref(), Some("counter_locked"));
        assert_eq!(cli.preemption_bound, Some(2));
        assert!(cli.no_sample && cli.explain.is_none() && cli.json.is_none());
        assert_eq!(cli.html.as_deref(), Some(std::path::Path::new("pages")));
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
