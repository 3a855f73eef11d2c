//! The tests as libtest-mimic trials, for a test binary whose `main` must call
//! `threadproof::process::init` first (libtest owns `main`).
//!
//! libtest-mimic gives the binary libtest's command line and output, and runs the trials on
//! parallel threads, each taking the next trial in order when it is done with one. The tests of
//! `last` are the last trials, and each waits until every test of `tests` that this run runs has
//! finished: they run after all of those, with none of them alongside. A test still running
//! after [`LIMIT`] fails the run at once, so a hang shows as a failure.

use std::panic;
use std::sync::{Condvar, Mutex, Once};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};

/// How long one test may run.
pub const LIMIT: Duration = Duration::from_secs(60);

/// One test: its name and body. A panic fails it.
pub struct Test {
    pub name: &'static str,
    pub run: fn(),
}

/// The tests running now, and since when.
static RUNNING: Mutex<Vec<(&str, Instant)>> = Mutex::new(Vec::new());

/// How many of the tests before `last` have finished, and a condition notified at each.
static FINISHED: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// The trials of `tests` and then of `last`, for a run with `arguments`.
pub fn trials(tests: &'static [Test], last: &'static [Test], arguments: &Arguments) -> Vec<Trial> {
    let mut trials: Vec<Trial> = tests
        .iter()
        .map(|test| {
            Trial::test(test.name, move || {
                let outcome = one(test);
                *FINISHED.0.lock().unwrap() += 1;
                FINISHED.1.notify_all();
                passed(outcome)
            })
        })
        .collect();
    // The tests before `last` that this run runs: those its filters keep and does not ignore.
    let before = trials
        .iter()
        .filter(|trial| !arguments.is_filtered_out(trial) && !arguments.is_ignored(trial))
        .count();
    trials.extend(last.iter().map(|test| {
        Trial::test(test.name, move || {
            let finished = FINISHED.0.lock().unwrap();
            drop(FINISHED.1.wait_while(finished, |n| *n < before).unwrap());
            passed(one(test))
        })
    }));
    trials
}

/// Runs one test on a thread named after it, so a panic message names the test, under the
/// watchdog; returns its panic, if any.
fn one(test: &'static Test) -> std::thread::Result<()> {
    static WATCHDOG: Once = Once::new();
    WATCHDOG.call_once(watchdog);
    RUNNING.lock().unwrap().push((test.name, Instant::now()));
    let outcome = std::thread::Builder::new()
        .name(test.name.to_owned())
        .spawn(test.run)
        .expect("cannot start a test thread")
        .join();
    RUNNING
        .lock()
        .unwrap()
        .retain(|(running, _)| *running != test.name);
    outcome
}

/// A trial's result: a test's panic goes on in the trial, which libtest-mimic reports as the
/// test's failure, with the panic's message.
fn passed(outcome: std::thread::Result<()>) -> Result<(), Failed> {
    match outcome {
        Ok(()) => Ok(()),
        Err(panic) => panic::resume_unwind(panic),
    }
}

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
