//! A small test runner with libtest's command line and output, for a test binary whose `main`
//! must call `threadproof::process::init` first (libtest owns `main`).
//!
//! Understands `--list` (with `--format terse`), `--exact`, `--skip NAME`, `--test-threads N`
//! and name filters; other libtest flags are accepted and ignored. Tests run on parallel
//! threads, like libtest's; the tests in `last` run afterwards, alone. A test still running
//! after [`LIMIT`] fails the run at once, so a hang shows as a failure.

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one test may run.
pub const LIMIT: Duration = Duration::from_secs(60);

/// The tests running now, and since when.
static RUNNING: Mutex<Vec<(&str, Instant)>> = Mutex::new(Vec::new());

/// Ends the run if a test overruns [`LIMIT`].
fn watchdog() {
    std::thread::spawn(|| loop {
        std::thread::sleep(Duration::from_millis(500));
        let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((name, _)) = running.iter().find(|(_, since)| since.elapsed() > LIMIT) {
            println!("test {name} ... FAILED (still running after {LIMIT:?})");
            // Leave nothing running behind.
            for pid in crate::procfs::descendants_of(std::process::id()) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid as i32),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            std::process::exit(101);
        }
    });
}

/// One test: its name and body. A panic fails it.
pub struct Test {
    pub name: &'static str,
    pub run: fn(),
}

struct Options {
    list: bool,
    exact: bool,
    ignored: bool,
    threads: usize,
    filters: Vec<String>,
    skips: Vec<String>,
}

fn options(args: &[String]) -> Options {
    let mut options = Options {
        list: false,
        exact: false,
        ignored: false,
        threads: 4,
        filters: Vec::new(),
        skips: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--list" => options.list = true,
            "--exact" => options.exact = true,
            "--ignored" => options.ignored = true,
            "--skip" => options.skips.extend(args.next().cloned()),
            "--test-threads" => {
                if let Some(n) = args.next().and_then(|n| n.parse().ok()) {
                    options.threads = n;
                }
            }
            // Flags with a value that this runner does not use.
            "--format" | "--color" | "--logfile" | "-Z" | "--report-time" => {
                args.next();
            }
            flag if flag.starts_with("--test-threads=") => {
                if let Ok(n) = flag["--test-threads=".len()..].parse() {
                    options.threads = n;
                }
            }
            flag if flag.starts_with('-') => {}
            filter => options.filters.push(filter.to_owned()),
        }
    }
    options.threads = options.threads.max(1);
    options
}

fn selected(options: &Options, name: &str) -> bool {
    if options.ignored
        || options
            .skips
            .iter()
            .any(|skip| name.contains(skip.as_str()))
    {
        return false;
    }
    options.filters.is_empty()
        || options.filters.iter().any(|filter| {
            if options.exact {
                name == filter
            } else {
                name.contains(filter.as_str())
            }
        })
}

/// Runs the selected tests, then the selected ones of `last`; prints libtest's report.
pub fn run(tests: &[Test], last: &[Test], args: &[String]) -> ExitCode {
    let options = options(args);
    let chosen: Vec<&Test> = tests
        .iter()
        .filter(|t| selected(&options, t.name))
        .collect();
    let chosen_last: Vec<&Test> = last.iter().filter(|t| selected(&options, t.name)).collect();
    let filtered_out = tests.len() + last.len() - chosen.len() - chosen_last.len();
    if options.list {
        for test in chosen.iter().chain(&chosen_last) {
            println!("{}: test", test.name);
        }
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    watchdog();
    println!();
    println!("running {} tests", chosen.len() + chosen_last.len());
    let failures = Arc::new(Mutex::new(Vec::new()));
    let queue = Arc::new(Mutex::new(
        chosen
            .iter()
            .map(|t| (t.name, t.run))
            .collect::<VecDeque<_>>(),
    ));
    let workers: Vec<_> = (0..options.threads)
        .map(|_| {
            let (queue, failures) = (queue.clone(), failures.clone());
            std::thread::spawn(move || loop {
                let Some((name, run)) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                one(name, run, &failures);
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a runner thread panicked");
    }
    for test in &chosen_last {
        one(test.name, test.run, &failures);
    }
    let failures = failures.lock().unwrap().clone();
    let passed = chosen.len() + chosen_last.len() - failures.len();
    if !failures.is_empty() {
        println!();
        println!("failures:");
        for name in &failures {
            println!("    {name}");
        }
    }
    println!();
    println!(
        "test result: {}. {passed} passed; {} failed; 0 ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s",
        if failures.is_empty() { "ok" } else { "FAILED" },
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    println!();
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(101)
    }
}

/// Runs one test on a thread named after it, so a panic message names the test.
fn one(name: &'static str, run: fn(), failures: &Mutex<Vec<&'static str>>) {
    RUNNING.lock().unwrap().push((name, Instant::now()));
    let outcome = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || panic::catch_unwind(AssertUnwindSafe(run)).is_ok())
        .expect("cannot start a test thread")
        .join()
        .unwrap_or(false);
    RUNNING
        .lock()
        .unwrap()
        .retain(|(running, _)| *running != name);
    println!("test {name} ... {}", if outcome { "ok" } else { "FAILED" });
    if !outcome {
        failures.lock().unwrap().push(name);
    }
}
