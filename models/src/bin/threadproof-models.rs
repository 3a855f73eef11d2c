//! Runs the models under the checker this binary was built with, for `cargo prove`.
//!
//! ```text
//! threadproof-models list
//! threadproof-models run NAME [--mode registry|proof|bounded:N|sampled|in-order] [--timing any|virtual]
//!                             [--tutorial-size] [--threads N] [--value N]
//!                             [--seed N] [--depth N] [--iterations N] [--progress]
//! ```
//!
//! `list` prints every model as one JSON line. `run` explores one model (by default with the
//! registry's search for this checker: a proof, or a stated preemption bound) and prints its
//! report as one JSON line; with `--progress` it also prints `progress N` lines (executions so
//! far) to stderr while it works. `--timing virtual` runs it on the virtual clock, with the
//! tutorial's sleeps (the registry has a search for each timing); `--tutorial-size` explores
//! the tutorial's own size, and `--threads` and `--value` change the size explored;
//! `--seed`, `--depth`, `--iterations` change the PCT sample. Exit status: 0 when the report is
//! written, whatever its verdict; 2 for bad arguments.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use threadproof_models::{all, find, Mode, Run, Timing};

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
                    "expected_virtual": model.expected_virtual,
                    "loom": entry.loom.describe(),
                    "shuttle": entry.shuttle.describe(),
                    "loom_virtual": entry.loom_virtual.describe(),
                    "shuttle_virtual": entry.shuttle_virtual.describe(),
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
        "       threadproof-models run NAME [--mode registry|proof|bounded:N|sampled|in-order] [--timing any|virtual] [--tutorial-size] [--threads N] [--value N] [--seed N] [--depth N] [--iterations N] [--progress]"
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
    let mut mode = None;
    let mut timing = Timing::Any;
    let mut tutorial_size = false;
    let mut progress = false;
    let model = entry.model;
    // Sizes and sampling options apply to the mode chosen, wherever `--mode` stands.
    let (mut threads, mut value) = (None, None);
    let (mut seed, mut depth, mut iterations) = (None, None, None);
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--progress" => progress = true,
            "--tutorial-size" => tutorial_size = true,
            "--timing" => {
                timing = match rest.next().map(String::as_str) {
                    Some("any") => Timing::Any,
                    Some("virtual") => Timing::Virtual,
                    _ => return usage("`--timing` needs `any` or `virtual`"),
                };
            }
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
                    "registry" => None,
                    "proof" => Some(Mode::Proof),
                    "sampled" => Some(Mode::TUTORIAL_SAMPLE),
                    "in-order" => Some(Mode::InOrder),
                    "seek" => Some(Mode::Seek {
                        seed: 2018,
                        iterations: 100,
                        depth: 3,
                    }),
                    bounded => match bounded.strip_prefix("bounded:").map(str::parse) {
                        Some(Ok(n)) => Some(Mode::Bounded(n)),
                        _ => return usage(&format!("unknown mode `{value}`")),
                    },
                };
            }
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    let mut mode = mode.unwrap_or_else(|| entry.mode(timing));
    if let Mode::Sampled {
        seed: s,
        iterations: i,
        depth: d,
    }
    | Mode::Seek {
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
    let mut size = if tutorial_size
        || matches!(
            mode,
            Mode::Sampled { .. } | Mode::InOrder | Mode::Seek { .. }
        ) {
        model.tutorial
    } else {
        model.small
    };
    size.threads = threads.unwrap_or(size.threads);
    size.value = value.unwrap_or(size.value);

    // The checkers report deadlocks by panicking; the report carries them, so keep the
    // checkers' own panic messages off the terminal.
    std::panic::set_hook(Box::new(|_| {}));

    let run = Run::new(model, mode).timing(timing).size(size);
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
