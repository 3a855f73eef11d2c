//! The child runs: each checker's build of the models binary, and one run of one model in it,
//! read back as its JSON report.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use threadproof_models::{Checker, Report};

use crate::plan::Planned;
use crate::render::executions;

/// A run that takes longer than this has not completed: it counts as a failure.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Builds the models binary for `checker` in release, in its own target directory.
pub fn build(root: &Path, checker: Checker) -> Result<PathBuf, String> {
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
pub fn run_model(
    binary: &Path,
    model: &str,
    planned: &Planned,
    label: &str,
) -> Result<Report, String> {
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
    let mut child = Command::new(binary)
        .args(["run", model, "--search", &planned.search.spelling()])
        .args(["--timing", planned.timing.name(), "--progress"])
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
