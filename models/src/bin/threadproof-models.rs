//! Runs the models under the checker this binary was built with, for `cargo prove`.
//!
//! ```text
//! threadproof-models list
//! threadproof-models run NAME [--mode registry|proof|bounded:N|sampled] [--threads N] [--value N]
//!                             [--seed N] [--depth N] [--iterations N] [--progress]
//! ```
//!
//! `list` prints every model as one JSON line. `run` explores one model (by default with the
//! registry's search for this checker: a proof, or a stated preemption bound) and prints its
//! report as one JSON line; with `--progress` it also prints `progress N` lines (executions so
//! far) to stderr while it works. `--threads` and `--value` change the size explored, and
//! `--seed`, `--depth`, `--iterations` the PCT sample (give them after `--mode`). Exit status: 0 when the report is written, whatever its
//! verdict; 2 for bad arguments.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use threadproof_models::{all, find, Mode, Run};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("list") => {
            for entry in all() {
                let model = entry.model;
                let line = serde_json::json!({
                    "name": model.name,
                    "section": model.section,
                    "claim": model.claim,
                    "expected": model.expected,
                    "loom": entry.loom.describe(),
                    "shuttle": entry.shuttle.describe(),
                });
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Some("run") => run(&args[1..]),
        _ => usage("expected `list` or `run NAME`"),
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("threadproof-models: {problem}");
    eprintln!("usage: threadproof-models list");
    eprintln!(
        "       threadproof-models run NAME [--mode registry|proof|bounded:N|sampled] [--threads N] [--value N] [--seed N] [--depth N] [--iterations N] [--progress]"
    );
    ExitCode::from(2)
}

fn run(args: &[String]) -> ExitCode {
    let Some(name) = args.first() else {
        return usage("`run` needs a model name");
    };
    let Some(entry) = find(name) else {
        return usage(&format!("no model named `{name}`"));
    };
    let mut mode = entry.mode();
    let mut progress = false;
    let mut model = entry.model;
    // Sizes and sampling options apply to the mode chosen, wherever `--mode` stands.
    let (mut threads, mut value) = (None, None);
    let (mut seed, mut depth, mut iterations) = (None, None, None);
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--progress" => progress = true,
            "--seed" | "--depth" | "--iterations" | "--threads" | "--value" => {
                let Some(Ok(n)) = rest.next().map(|v| v.parse::<usize>()) else {
                    return usage(&format!("`{arg}` needs a number"));
                };
                let slot = match arg.as_str() {
                    "--seed" => &mut seed,
                    "--depth" => &mut depth,
                    "--iterations" => &mut iterations,
                    "--threads" => &mut threads,
                    _ => &mut value,
                };
                *slot = Some(n);
            }
            "--mode" => {
                let Some(value) = rest.next() else {
                    return usage("`--mode` needs a value");
                };
                mode = match value.as_str() {
                    "registry" => entry.mode(),
                    "proof" => Mode::Proof,
                    "sampled" => Mode::TUTORIAL_SAMPLE,
                    bounded => match bounded.strip_prefix("bounded:").map(str::parse) {
                        Some(Ok(n)) => Mode::Bounded(n),
                        _ => return usage(&format!("unknown mode `{value}`")),
                    },
                };
            }
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    if let Mode::Sampled {
        seed: s,
        iterations: i,
        depth: d,
    } = &mut mode
    {
        *s = seed.map_or(*s, |n| n as u64);
        *d = depth.unwrap_or(*d);
        *i = iterations.unwrap_or(*i);
    } else if seed.or(depth).or(iterations).is_some() {
        return usage("`--seed`, `--depth` and `--iterations` apply to `--mode sampled`");
    }
    let size = if matches!(mode, Mode::Sampled { .. }) {
        &mut model.tutorial
    } else {
        &mut model.small
    };
    size.threads = threads.unwrap_or(size.threads);
    size.value = value.unwrap_or(size.value);

    // The checkers report deadlocks by panicking; the report carries them, so keep the
    // checkers' own panic messages off the terminal.
    std::panic::set_hook(Box::new(|_| {}));

    let run = Run::new(model, mode);
    let finished = Arc::new(AtomicBool::new(false));
    let ticker = progress.then(|| {
        let (count, finished) = (run.progress(), Arc::clone(&finished));
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                eprintln!("progress {}", count.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    });
    let report = run.run();
    finished.store(true, Ordering::Relaxed);
    if let Some(ticker) = ticker {
        let _ = ticker.join();
    }
    let line = serde_json::to_string(&report).expect("a report is plain data");
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    ExitCode::SUCCESS
}
