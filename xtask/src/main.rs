//! `cargo prove`: builds the loom and the shuttle configurations, runs every model under both,
//! and prints the verdicts.
//!
//! ```text
//! cargo prove [--model NAME] [--explain NAME] [--checker loom|shuttle] [--json PATH]
//!             [--preemption-bound N] [--no-sample]
//! ```
//!
//! Exits 1 if a verdict differs from the expected one or a run fails to complete, 2 for bad
//! arguments or a failed build, 0 otherwise.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use threadproof_models::{Report, Verdict};

/// A run that takes longer than this has not completed: it counts as a failure.
const RUN_LIMIT: Duration = Duration::from_secs(600);

const USAGE: &str = "usage: cargo prove [--model NAME] [--explain NAME] [--checker loom|shuttle] \
[--json PATH] [--preemption-bound N] [--no-sample]";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Checker {
    Loom,
    Shuttle,
}

impl Checker {
    fn name(self) -> &'static str {
        match self {
            Checker::Loom => "loom",
            Checker::Shuttle => "shuttle",
        }
    }
}

struct Options {
    model: Option<String>,
    explain: Option<String>,
    checkers: Vec<Checker>,
    json: Option<PathBuf>,
    preemption_bound: Option<usize>,
    sample: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        model: None,
        explain: None,
        checkers: vec![Checker::Loom, Checker::Shuttle],
        json: None,
        preemption_bound: None,
        sample: true,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("`{arg}` needs a value"))
        };
        match arg.as_str() {
            "--model" => options.model = Some(value()?),
            "--explain" => options.explain = Some(value()?),
            "--checker" => {
                options.checkers = match value()?.as_str() {
                    "loom" => vec![Checker::Loom],
                    "shuttle" => vec![Checker::Shuttle],
                    other => return Err(format!("unknown checker `{other}`")),
                }
            }
            "--json" => options.json = Some(PathBuf::from(value()?)),
            "--preemption-bound" => {
                let n = value()?;
                options.preemption_bound = Some(
                    n.parse()
                        .map_err(|_| format!("bad preemption bound `{n}`"))?,
                );
            }
            "--no-sample" => options.sample = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("cargo prove: {problem}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    let mut binaries = Vec::new();
    for &checker in &options.checkers {
        match build(&root, checker) {
            Ok(binary) => binaries.push((checker, binary)),
            Err(problem) => {
                eprintln!("cargo prove: {problem}");
                return ExitCode::from(2);
            }
        }
    }

    let selected = options.explain.as_ref().or(options.model.as_ref());
    let models = match list_models(&binaries[0].1) {
        Ok(models) => models,
        Err(problem) => {
            eprintln!("cargo prove: {problem}");
            return ExitCode::from(2);
        }
    };
    let models: Vec<Listed> = match selected {
        None => models,
        Some(name) => {
            let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
            if !names.contains(&name.as_str()) {
                eprintln!(
                    "cargo prove: no model named `{name}`; the models are: {}",
                    names.join(", ")
                );
                return ExitCode::from(2);
            }
            models.into_iter().filter(|m| &m.name == name).collect()
        }
    };

    let mode = match options.preemption_bound {
        Some(n) => format!("bounded:{n}"),
        None => "registry".to_owned(),
    };
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for listed in &models {
        let model = &listed.name;
        let mut row = Row {
            model: model.clone(),
            runs: Vec::new(),
        };
        for (checker, binary) in &binaries {
            let mut runs = vec![(mode.clone(), "any"), (mode.clone(), "virtual")];
            if *checker == Checker::Shuttle && options.sample && options.explain.is_none() {
                runs.push(("sampled".to_owned(), "any"));
                runs.push(("sampled".to_owned(), "virtual"));
            }
            for (mode, timing) in runs {
                let shown = match (mode.as_str(), checker, timing) {
                    ("registry", Checker::Loom, "any") => listed.loom.as_str(),
                    ("registry", Checker::Shuttle, "any") => listed.shuttle.as_str(),
                    ("registry", Checker::Loom, _) => listed.loom_virtual.as_str(),
                    ("registry", Checker::Shuttle, _) => listed.shuttle_virtual.as_str(),
                    ("sampled", _, _) => "sampled",
                    (other, _, _) => other,
                };
                let label = format!("{} {} {}", checker.name(), timing, shown);
                match run_model(binary, model, &mode, timing, &label) {
                    Ok(report) => {
                        if !report.as_expected() {
                            failures.push(format!(
                                "{model} ({label}): expected {}, got {}",
                                report.expected, report.verdict
                            ));
                        }
                        row.runs.push(report);
                    }
                    Err(problem) => {
                        failures.push(format!("{model} ({label}): {problem}"));
                    }
                }
            }
        }
        rows.push(row);
    }

    if options.explain.is_some() {
        for report in rows.iter().flat_map(|r| &r.runs) {
            println!(
                "{} under {} ({}, {}):",
                report.model, report.checker, report.mode, report.timing
            );
            match &report.counterexample {
                Some(counterexample) => print!("{counterexample}"),
                None => println!("  no counterexample: the claim {}\n", report.verdict),
            }
        }
    } else {
        print!("{}", table(&rows));
        print!("{}", counterexamples(&rows));
    }

    if let Some(path) = &options.json {
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

/// A model of the registry, with the search each checker gives it there.
struct Listed {
    name: String,
    loom: String,
    shuttle: String,
    loom_virtual: String,
    shuttle_virtual: String,
}

fn list_models(binary: &Path) -> Result<Vec<Listed>, String> {
    let output = Command::new(binary)
        .arg("list")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "listing the models failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let models = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("bad model list: {e}"))?;
            let field = |key: &str| {
                value[key]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("the model list lacks `{key}`"))
            };
            Ok(Listed {
                name: field("name")?,
                loom: field("loom")?,
                shuttle: field("shuttle")?,
                loom_virtual: field("loom_virtual")?,
                shuttle_virtual: field("shuttle_virtual")?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if models.is_empty() {
        return Err("the model list is empty".to_owned());
    }
    Ok(models)
}

/// Runs one model, showing which one and, after a second, a live execution count.
fn run_model(
    binary: &Path,
    model: &str,
    mode: &str,
    timing: &str,
    label: &str,
) -> Result<Report, String> {
    let live = std::io::stderr().is_terminal();
    let start = Instant::now();
    if live {
        eprint!("{label:<30} {model:<26} ...");
    }
    let mut child = Command::new(binary)
        .args([
            "run",
            model,
            "--mode",
            mode,
            "--timing",
            timing,
            "--progress",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let stderr = child.stderr.take().expect("piped");
    let other_lines = Arc::new(Mutex::new(String::new()));
    let reader = {
        let (other_lines, label, model) =
            (Arc::clone(&other_lines), label.to_owned(), model.to_owned());
        std::thread::spawn(move || {
            let mut next_line = Duration::from_secs(5);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                match line.strip_prefix("progress ") {
                    Some(count) if live && start.elapsed() > Duration::from_secs(1) => {
                        eprint!(
                            "\r{label:<30} {model:<26} {count:>9} executions, {:.0} s",
                            start.elapsed().as_secs_f64()
                        );
                        let _ = std::io::stderr().flush();
                    }
                    // Without a terminal to redraw, a line every five seconds.
                    Some(count) if !live && start.elapsed() > next_line => {
                        eprintln!(
                            "{label:<30} {model:<26} {count:>9} executions, {:.0} s",
                            start.elapsed().as_secs_f64()
                        );
                        next_line += Duration::from_secs(5);
                    }
                    Some(_) => {}
                    None => {
                        let mut other = other_lines.lock().unwrap_or_else(|e| e.into_inner());
                        let _ = writeln!(other, "{line}");
                    }
                }
            }
        })
    };
    let mut stdout = child.stdout.take().expect("piped");
    let output = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("did not finish within {} s", RUN_LIMIT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = reader.join();
    let text = output.join().unwrap_or_default();
    let status = child.wait().map_err(|e| e.to_string())?;
    if live {
        eprint!("\r{}\r", " ".repeat(80));
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
        "{label:<30} {model:<26} {} ({}, {:.2} s)",
        report.verdict,
        executions(report.executions),
        report.seconds
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
            let kind = if r.mode == "proof" {
                "proof"
            } else if r.mode.starts_with("bounded") {
                "bounded"
            } else {
                "sampled"
            };
            let kind = if kind == "bounded" { &r.mode } else { kind };
            let mark = if r.as_expected() {
                ""
            } else {
                " **UNEXPECTED**"
            };
            format!(
                "{}{mark} ({kind}, {}, {:.2} s)",
                r.verdict,
                executions(r.executions),
                r.seconds
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
        let find = |checker: &str, timing: &str, sampled: bool| {
            row.runs.iter().find(|r| {
                r.checker == checker
                    && r.timing == timing
                    && r.mode.starts_with("sampled") == sampled
            })
        };
        let any = find("loom", "any timing", false).or(find("shuttle", "any timing", false));
        let timed =
            find("loom", "virtual timing", false).or(find("shuttle", "virtual timing", false));
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
            cell(find("loom", "any timing", false)),
            cell(find("shuttle", "any timing", false)),
            cell(find("shuttle", "any timing", true)),
            timed.expected,
            cell(find("loom", "virtual timing", false)),
            cell(find("shuttle", "virtual timing", false)),
            cell(find("shuttle", "virtual timing", true)),
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
        .flat_map(|row| [(row, "any timing"), (row, "virtual timing")])
    {
        let Some(report) = row.runs.iter().find(|r| {
            r.timing == timing
                && r.counterexample.is_some()
                && matches!(
                    r.verdict,
                    Verdict::Violated | Verdict::Deadlocks | Verdict::Hangs
                )
        }) else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n{} ({}): {}, under {} ({}, {})",
            report.model, report.claim, report.verdict, report.checker, report.mode, report.timing
        );
        if let Some(counterexample) = &report.counterexample {
            out.push_str(&counterexample.to_string());
        }
    }
    out
}
