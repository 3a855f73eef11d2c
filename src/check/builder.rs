//! The [`Check`] builder: every setting of an exploration, and the exploration itself.

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::diagnosis::diagnose;
use super::report::{Counterexample, Report, Verdict};
use super::runtime::choices::{self, Astray};
use super::runtime::record::{self, Blocked, Step};
use super::scheduler;
use super::search::{Checker, Search, Timing};

/// A prepared exploration: how to search, under which timing, and what to keep.
#[derive(Clone)]
pub struct Check {
    search: Search,
    timing: Timing,
    output: bool,
    runs: usize,
    /// Asked at each random choice past those already explored: a yes prunes the choices
    /// after it (see [`Check::seek_output`]).
    astray: Option<Astray>,
    /// Asked after the exploration of each sequence of random choices: a yes stops.
    done: Option<Astray>,
    /// Executions started so far.
    progress: Arc<AtomicUsize>,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("search", &self.search)
            .field("timing", &self.timing)
            .field("output", &self.output)
            .field("runs", &self.runs)
            .field("seeks_output", &self.astray.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for Check {
    fn default() -> Self {
        Self::new()
    }
}

/// On real threads a check is a stress test of this many runs, unless [`Check::runs`] says
/// otherwise.
const REAL_THREAD_RUNS: usize = 100;

impl Check {
    /// An exhaustive search with no bound, under any timing: a proof, under a model checker.
    pub fn new() -> Self {
        Self::with_search(Search::PROOF)
    }

    /// The given search, under any timing.
    pub fn with_search(search: Search) -> Self {
        Self {
            search,
            timing: Timing::Any,
            output: false,
            runs: REAL_THREAD_RUNS,
            astray: None,
            done: None,
            progress: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The same check under `timing`: [`Timing::Any`] (the default) or on the program's own
    /// timing, [`Timing::Virtual`].
    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// The same check, keeping what each execution printed ([`Report::printed`]).
    pub fn output(mut self) -> Self {
        self.output = true;
        self
    }

    /// The same check, looking for one output: it keeps what each execution printed, explores
    /// only the random choices of executions that can still print `wanted` (or, with
    /// `prefix`, an output that begins with it), and stops at the first that does. A search
    /// for a witness: when it stops early it is no proof of the verdict.
    pub fn seek_output(mut self, wanted: &str, prefix: bool) -> Self {
        let lines: Vec<String> = wanted.lines().map(str::to_owned).collect();
        let found = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&found);
        self.astray = Some(Arc::new(move || {
            let printed = printed_lines();
            let wanted: Vec<&str> = lines.iter().map(String::as_str).collect();
            let printed: Vec<&str> = printed.iter().map(String::as_str).collect();
            if printed == wanted || (prefix && printed.starts_with(&wanted)) {
                seen.store(true, Ordering::Relaxed);
            }
            printed.len() >= wanted.len() || !wanted.starts_with(&printed)
        }));
        self.done = Some(Arc::new(move || found.load(Ordering::Relaxed)));
        self.output = true;
        self
    }

    /// On real threads, how many times to run the program (a stress test; 100 unless set);
    /// under a model checker this changes nothing.
    pub fn runs(mut self, runs: usize) -> Self {
        self.runs = runs.max(1);
        self
    }

    /// The number of executions started so far: read it from another thread to show progress.
    pub fn progress(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.progress)
    }

    /// Explores `program`, whose claim is that it finishes: no execution panics, deadlocks or
    /// hangs. Each execution that finishes has the outcome `finished`.
    pub fn run<P>(&self, program: P) -> Report
    where
        P: Fn() + Send + Sync + 'static,
    {
        self.run_claim(
            move || {
                program();
                "finished"
            },
            |_| true,
        )
    }

    /// Explores `program`, whose claim is that it finishes and that `claim` holds of what it
    /// returns, in every execution. Exploring goes on past a violated claim, so that the
    /// report counts every outcome; the first violation is the counterexample.
    pub fn run_claim<T, P, C>(&self, program: P, claim: C) -> Report
    where
        T: fmt::Display,
        P: Fn() -> T + Send + Sync + 'static,
        C: Fn(&T) -> bool + Send + Sync + 'static,
    {
        let found = Arc::new(Mutex::new(Found::default()));
        let progress = Arc::clone(&self.progress);
        progress.store(0, Ordering::Relaxed);
        let output = self.output;
        let timed = self.timing == Timing::Virtual;
        let body = {
            let found = Arc::clone(&found);
            move || {
                let result = program();
                let holds = claim(&result);
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                let outcome = result.to_string();
                if output {
                    *found.printed.entry(printed_lines().join("\n")).or_insert(0) += 1;
                }
                if record::timeouts() > 0 {
                    found.timed_out_executions += 1;
                }
                if !holds && found.first_violation.is_none() {
                    found.first_violation = Some(Counterexample {
                        execution: progress.load(Ordering::Relaxed),
                        timed,
                        steps: record::steps(),
                        ending: format!("{outcome}: the claim is false"),
                    });
                }
                *found.outcomes.entry(outcome).or_insert(0) += 1;
            }
        };
        let body = Arc::new(body);
        let runs = if Checker::CURRENT.is_model_checker() {
            1
        } else {
            self.runs
        };
        let start = Instant::now();
        let mut stop = Stop::Completed;
        for _ in 0..runs {
            let body = Arc::clone(&body);
            stop = self.explore(move || body());
            if stop != Stop::Completed {
                break;
            }
        }
        let elapsed = start.elapsed();
        let executions = self.progress.load(Ordering::Relaxed);
        let Found {
            mut outcomes,
            printed,
            timed_out_executions,
            first_violation,
        } = std::mem::take(&mut *found.lock().unwrap_or_else(|e| e.into_inner()));
        let mut error = None;
        let (verdict, counterexample) = match stop {
            Stop::Completed => match first_violation {
                Some(counterexample) => (Verdict::Violated, Some(counterexample)),
                None => (Verdict::Holds, None),
            },
            Stop::Stuck { blocked, steps } => {
                let (verdict, ending) = diagnose(&blocked);
                *outcomes.entry(verdict.to_string()).or_insert(0) += 1;
                let counterexample = Counterexample {
                    execution: executions,
                    timed,
                    steps,
                    ending,
                };
                (verdict, Some(counterexample))
            }
            Stop::Panicked { message, steps } => {
                *outcomes.entry("panicked".to_owned()).or_insert(0) += 1;
                let counterexample = Counterexample {
                    execution: executions,
                    timed,
                    steps,
                    ending: format!("panicked: {message}"),
                };
                (Verdict::Violated, Some(counterexample))
            }
            Stop::Unsupported { reason } => {
                error = Some(reason);
                (Verdict::Error, None)
            }
        };
        Report {
            checker: Checker::CURRENT,
            search: self.search,
            timing: self.timing,
            verdict,
            executions,
            elapsed,
            outcomes,
            printed,
            timed_out_executions,
            counterexample,
            error,
        }
    }

    /// Explores `program` under the build's checker. Each execution starts with a fresh record
    /// (and, under [`Timing::Virtual`], its clock at zero). A program that makes random choices
    /// ([`randrange`](crate::sync::random::randrange)) is explored once per sequence of choices
    /// its executions can make, each with every interleaving. A failure is returned, not
    /// raised; the checker's own report still goes to the panic hook.
    fn explore<F>(&self, program: F) -> Stop
    where
        F: Fn() + Send + Sync + 'static,
    {
        let program = Arc::new(program);
        let scripted = matches!(self.search, Search::Exhaustive { .. } | Search::InOrder)
            || self.astray.is_some();
        let seed = match self.search {
            Search::Pct { seed, .. } => Some(seed),
            _ => None,
        };
        let mut scripts = vec![Vec::new()];
        let mut stop = Stop::Completed;
        while let Some(script) = scripts.pop() {
            choices::begin(script.clone(), scripted, seed, self.astray.clone());
            stop = self.explore_script(Arc::clone(&program));
            let extensions = choices::extensions(&script);
            if stop != Stop::Completed || self.done.as_ref().is_some_and(|done| done()) {
                break;
            }
            // Depth-first, smallest choices first.
            scripts.extend(extensions.into_iter().rev());
        }
        choices::end();
        #[cfg(any(loom, shuttle))]
        super::runtime::clock::end_exploration();
        stop
    }

    /// One exploration of `program` with the random choices of the current script.
    fn explore_script<F>(&self, program: Arc<F>) -> Stop
    where
        F: Fn() + Send + Sync + 'static,
    {
        let progress = Arc::clone(&self.progress);
        let timing = self.timing;
        let execution = move || {
            progress.fetch_add(1, Ordering::Relaxed);
            record::reset();
            choices::begin_execution();
            #[cfg(any(loom, shuttle))]
            super::runtime::clock::begin_execution(timing == Timing::Virtual);
            #[cfg(not(any(loom, shuttle)))]
            let _ = timing;
            program();
            record::main_finished();
            // The main thread is done: the clock may move on for threads still running.
            #[cfg(any(loom, shuttle))]
            super::runtime::clock::thread_idle();
        };
        let run = match scheduler::runner(self.search, execution) {
            Err(reason) => return Stop::Unsupported { reason },
            Ok(run) => run,
        };
        match catch_unwind(AssertUnwindSafe(run)) {
            Ok(()) => Stop::Completed,
            // Our own record decides, not the checker's words: an execution stopped with every
            // thread that has not finished waiting on a primitive or a join is stuck.
            Err(_) if record::stuck() => Stop::Stuck {
                blocked: record::blocked(),
                steps: record::steps(),
            },
            Err(payload) => Stop::Panicked {
                message: payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "panic with a non-text payload".to_owned()),
                steps: record::steps(),
            },
        }
    }
}

/// Why an exploration stopped (what the program returned is its outcome, kept apart).
#[derive(Clone, Debug, PartialEq)]
enum Stop {
    /// Every explored execution ran to its end.
    Completed,
    /// An execution stopped with every thread that had not finished blocked.
    Stuck {
        /// The blocked threads, with what they held and waited for.
        blocked: Vec<Blocked>,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// An execution panicked (a failed assertion in the program, or a checker limit).
    Panicked {
        /// The panic message.
        message: String,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// The checker cannot run this search (PCT needs shuttle).
    Unsupported {
        /// Why not.
        reason: String,
    },
}

/// What the program's executions found, shared with the checker's executions.
#[derive(Default)]
struct Found {
    outcomes: BTreeMap<String, usize>,
    printed: BTreeMap<String, usize>,
    timed_out_executions: usize,
    first_violation: Option<Counterexample>,
}

/// What the execution has printed so far, line by line.
fn printed_lines() -> Vec<String> {
    record::steps()
        .into_iter()
        .filter(|step| step.action == record::PRINT)
        .map(|step| step.value)
        .collect()
}
