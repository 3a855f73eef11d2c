//! Checking a program of your own: run it under the configured model checker and read the
//! verdict, the outcomes it can reach, and the execution that refutes it.
//!
//! ```
//! use threadproof::check::{Check, Checker, Verdict};
//! use threadproof::sync::atomic::{AtomicUsize, Ordering};
//! use threadproof::sync::{thread, Arc};
//! use threadproof::trace;
//!
//! // Two threads add one to a count with a read and a separate write, and no lock.
//! let report = Check::new().run_claim(
//!     || {
//!         let count = Arc::new(AtomicUsize::new(0));
//!         let other = {
//!             let count = count.clone();
//!             thread::spawn(move || {
//!                 let read = count.load(Ordering::SeqCst);
//!                 trace::step("read count", read); // a row of the counterexample's table
//!                 count.store(read + 1, Ordering::SeqCst);
//!             })
//!         };
//!         let read = count.load(Ordering::SeqCst);
//!         trace::step("read count", read);
//!         count.store(read + 1, Ordering::SeqCst);
//!         other.join().unwrap();
//!         count.load(Ordering::SeqCst)
//!     },
//!     |count| *count == 2,
//! );
//! if Checker::CURRENT.is_model_checker() {
//!     // RUSTFLAGS="--cfg loom" or "--cfg shuttle": every interleaving, the outcomes
//!     // `1` and `2` with their counts, and the steps of an execution that loses an update.
//!     assert_eq!(report.verdict, Verdict::Violated);
//!     assert!(report.outcomes.contains_key("1") && report.outcomes.contains_key("2"));
//! }
//! println!("{report}");
//! ```
//!
//! [`Check::run`] explores a closure: under `RUSTFLAGS="--cfg loom"` with loom's exhaustive
//! search, under `RUSTFLAGS="--cfg shuttle"` with shuttle's depth-first search (or a sampled
//! or bounded one, see [`Search`]); on real threads it runs the closure many times as a stress
//! test, and the report says that this is no proof. The program spawns its threads with
//! [`sync::thread`](crate::sync::thread) and shares data through
//! [`sync::Arc`](crate::sync::Arc) and [`sync::atomic`](crate::sync::atomic), so the checker
//! sees every step; it returns what the execution reached (a value shown in the outcome table)
//! and [`Check::run_claim`] says which of those values satisfy the claim.
//!
//! The [`Report`] has the verdict ([`Verdict`]), the search and its size, every outcome with
//! the number of executions that reached it, and the first [`Counterexample`]: the steps of
//! that execution, thread by thread, and a sentence saying why it is one. Its `Display` is the
//! whole report; [`Report::expect`] asserts a verdict with the report as its panic message.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::sync::explore::{Explorer, Outcome};
use crate::sync::trace::{self, Blocked};

pub use crate::sync::explore::{Checker, ParseError, Search, Timing};

/// What the exploration found about the program's claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Verdict {
    /// The claim holds in every explored execution, and every thread finishes.
    Holds,
    /// Some execution finishes with the claim false, or panics (a failed assertion).
    Violated,
    /// Some execution stops with threads waiting for each other in a cycle.
    Deadlocks,
    /// Some execution stops with a thread waiting for something nobody is left to do, with
    /// no cycle of locks (a lost wake-up, a join that never returns).
    Hangs,
    /// The exploration did not run: the checker cannot run this search.
    Error,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "violated",
            Verdict::Deadlocks => "deadlocks",
            Verdict::Hangs => "hangs",
            Verdict::Error => "error",
        })
    }
}

/// One step of a counterexample.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Step {
    /// 1-based position in the execution.
    pub step: usize,
    /// When, in seconds on the virtual clock (0 under any timing).
    pub seconds: f64,
    /// The thread that took it, as Python names it (`MainThread`, `Thread-1`, or its name).
    pub thread: String,
    /// What it did, such as `acquire lock_a`.
    pub action: String,
    /// What it saw or got, such as `ok` or `blocks: held by Thread-1`.
    pub value: String,
}

/// The first execution the checker found that refutes the claim.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Counterexample {
    /// Which execution it was (1-based, in the checker's order).
    pub execution: usize,
    /// Whether it ran on the virtual clock: the table then shows each step's time.
    pub timed: bool,
    /// Its steps, in order.
    pub steps: Vec<Step>,
    /// How it ended: the outcome against the claim, the wait-for cycle, or who hangs.
    pub ending: String,
}

/// Traces longer than this are shown by their first half and last quarter.
const LONG_TRACE: usize = 80;

impl fmt::Display for Counterexample {
    /// The step-by-step table and the ending.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = |column: fn(&Step) -> usize| {
            self.steps.iter().map(column).chain([6]).max().unwrap_or(6)
        };
        let thread_width = width(|s| s.thread.len());
        let action_width = width(|s| s.action.len());
        writeln!(f, "counterexample (execution {}):", self.execution)?;
        let time = if self.timed { "  time  " } else { "" };
        writeln!(
            f,
            "  {:>4}  {time}{:<thread_width$}  {:<action_width$}  value",
            "step", "thread", "action"
        )?;
        // A trace of a hundred threads is long: show its start and its end.
        let (head, tail) = if self.steps.len() > LONG_TRACE {
            (
                &self.steps[..LONG_TRACE / 2],
                &self.steps[self.steps.len() - LONG_TRACE / 4..],
            )
        } else {
            (&self.steps[..], &self.steps[..0])
        };
        let row = |f: &mut fmt::Formatter<'_>, s: &Step| {
            let time = if self.timed {
                format!("{:>6}  ", format!("{}s", s.seconds))
            } else {
                String::new()
            };
            let line = format!(
                "  {:>4}  {time}{:<thread_width$}  {:<action_width$}  {}",
                s.step, s.thread, s.action, s.value
            );
            writeln!(f, "{}", line.trim_end())
        };
        for s in head {
            row(f, s)?;
        }
        if !tail.is_empty() {
            let skipped = self.steps.len() - head.len() - tail.len();
            writeln!(f, "   ...  ({skipped} steps)")?;
            for s in tail {
                row(f, s)?;
            }
        }
        writeln!(f, "  => {}", self.ending)
    }
}

/// Everything one exploration found.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
    /// The checker that explored.
    pub checker: Checker,
    /// The search it ran.
    pub search: Search,
    /// The timing it explored under.
    pub timing: Timing,
    /// The verdict.
    pub verdict: Verdict,
    /// Executions explored (an exploration stops at the first that deadlocks, hangs or
    /// panics).
    pub executions: usize,
    /// Wall-clock time of the exploration.
    pub elapsed: Duration,
    /// Each outcome the executions reached (the program's return value as text, or the
    /// verdict of an execution that stopped), with how many executions reached it.
    pub outcomes: BTreeMap<String, usize>,
    /// With [`Check::output`]: each distinct output the executions printed with
    /// [`trace::print`] (lines joined by newlines), with how many
    /// executions printed it.
    pub printed: BTreeMap<String, usize>,
    /// How many executions had some wait time out.
    pub timed_out_executions: usize,
    /// The first execution that refutes the claim, if one was found.
    pub counterexample: Option<Counterexample>,
    /// Why the exploration could not run, for [`Verdict::Error`].
    pub error: Option<String>,
}

impl Report {
    /// True if this was an exhaustive search without a bound under a model checker: a proof
    /// that the verdict covers every execution, not a sample of them.
    pub fn is_proof(&self) -> bool {
        self.checker != Checker::RealThreads
            && self.search == Search::PROOF
            && self.verdict != Verdict::Error
    }

    /// The report, after asserting that its verdict is `verdict`.
    ///
    /// # Panics
    /// If the verdict is another, with the whole report as the message; and, for a model
    /// checker, if a refuted claim came without its counterexample.
    #[track_caller]
    pub fn expect(self, verdict: Verdict) -> Self {
        assert!(
            self.verdict == verdict,
            "expected the verdict `{verdict}`, the checker reached:\n{self}"
        );
        let refuted = !matches!(verdict, Verdict::Holds | Verdict::Error);
        assert!(
            !(refuted && self.checker.is_model_checker() && self.counterexample.is_none()),
            "a refuted claim needs its counterexample:\n{self}"
        );
        self
    }

    /// The search, said in words: `every interleaving (a proof)`, ...
    pub fn search_described(&self) -> String {
        if self.checker == Checker::RealThreads {
            return format!(
                "{} runs on real threads (a stress test, not a proof)",
                self.executions
            );
        }
        if self.is_proof() {
            return format!("{} (a proof)", self.search);
        }
        self.search.to_string()
    }

    /// The outcomes, one line each with the executions that reached it.
    pub fn outcome_lines(&self) -> String {
        self.outcomes
            .iter()
            .map(|(outcome, count)| format!("  {outcome:<40} {count}\n"))
            .collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "verdict: {} ({}, {}, {}: {} executions in {:.2} s)",
            self.verdict,
            self.checker.name(),
            self.search_described(),
            self.timing.name(),
            self.executions,
            self.elapsed.as_secs_f64()
        )?;
        if let Some(error) = &self.error {
            writeln!(f, "error: {error}")?;
        }
        if self.timed_out_executions > 0 {
            writeln!(
                f,
                "a wait timed out in {} of the executions",
                self.timed_out_executions
            )?;
        }
        if !self.outcomes.is_empty() {
            writeln!(f, "outcomes (executions reaching each):")?;
            f.write_str(&self.outcome_lines())?;
        }
        if let Some(counterexample) = &self.counterexample {
            write!(f, "{counterexample}")?;
        }
        Ok(())
    }
}

/// A prepared exploration: how to search, under which timing, and what to keep.
#[derive(Clone, Debug)]
pub struct Check {
    explorer: Explorer,
    output: bool,
    runs: usize,
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
            explorer: Explorer::with_search(search),
            output: false,
            runs: REAL_THREAD_RUNS,
        }
    }

    /// The same check under `timing`: [`Timing::Any`] (the default) or on the program's own
    /// timing, [`Timing::Virtual`].
    pub fn timing(mut self, timing: Timing) -> Self {
        self.explorer = self.explorer.timing(timing);
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
        let found = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = Arc::clone(&found);
        self.explorer = self
            .explorer
            .prune(move || {
                let printed = printed_lines();
                let wanted: Vec<&str> = lines.iter().map(String::as_str).collect();
                let printed: Vec<&str> = printed.iter().map(String::as_str).collect();
                if printed == wanted || (prefix && printed.starts_with(&wanted)) {
                    seen.store(true, Ordering::Relaxed);
                }
                printed.len() >= wanted.len() || !wanted.starts_with(&printed)
            })
            .until(move || found.load(Ordering::Relaxed));
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
        self.explorer.progress()
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
        let record = Arc::new(Mutex::new(Record::default()));
        let progress = self.explorer.progress();
        let output = self.output;
        let timed = self.explorer.timing_of() == Timing::Virtual;
        let body = {
            let record = Arc::clone(&record);
            move || {
                let result = program();
                let holds = claim(&result);
                let mut record = record.lock().unwrap_or_else(|e| e.into_inner());
                let outcome = result.to_string();
                if output {
                    *record
                        .printed
                        .entry(printed_lines().join("\n"))
                        .or_insert(0) += 1;
                }
                if trace::timeouts() > 0 {
                    record.timed_out += 1;
                }
                if !holds && record.first_violation.is_none() {
                    record.first_violation = Some(Counterexample {
                        execution: progress.load(Ordering::Relaxed),
                        timed,
                        steps: numbered(trace::steps()),
                        ending: format!("{outcome}: the claim is false"),
                    });
                }
                *record.outcomes.entry(outcome).or_insert(0) += 1;
            }
        };
        let body = Arc::new(body);
        let real_threads = Checker::CURRENT == Checker::RealThreads;
        let runs = if real_threads { self.runs } else { 1 };
        let mut executions = 0;
        let mut elapsed = Duration::ZERO;
        let mut outcome = Outcome::Passed;
        for _ in 0..runs {
            let body = Arc::clone(&body);
            let exploration = self.explorer.run(move || body());
            executions += exploration.executions;
            elapsed += exploration.elapsed;
            outcome = exploration.outcome;
            if outcome != Outcome::Passed {
                break;
            }
        }
        let Record {
            mut outcomes,
            printed,
            timed_out,
            first_violation,
        } = std::mem::take(&mut *record.lock().unwrap_or_else(|e| e.into_inner()));
        let mut error = None;
        let (verdict, counterexample) = match outcome {
            Outcome::Passed => match first_violation {
                Some(counterexample) => (Verdict::Violated, Some(counterexample)),
                None => (Verdict::Holds, None),
            },
            Outcome::Deadlock { blocked, steps, .. } => {
                let (verdict, ending) = diagnose(&blocked);
                *outcomes.entry(verdict.to_string()).or_insert(0) += 1;
                let counterexample = Counterexample {
                    execution: executions,
                    timed,
                    steps: numbered(steps),
                    ending,
                };
                (verdict, Some(counterexample))
            }
            Outcome::Failed { message, steps } => {
                *outcomes.entry("panicked".to_owned()).or_insert(0) += 1;
                let counterexample = Counterexample {
                    execution: executions,
                    timed,
                    steps: numbered(steps),
                    ending: format!("panicked: {message}"),
                };
                (Verdict::Violated, Some(counterexample))
            }
            Outcome::Unsupported { reason } => {
                error = Some(reason);
                (Verdict::Error, None)
            }
        };
        Report {
            checker: Checker::CURRENT,
            search: self.explorer.search_of(),
            timing: self.explorer.timing_of(),
            verdict,
            executions,
            elapsed,
            outcomes,
            printed,
            timed_out_executions: timed_out,
            counterexample,
            error,
        }
    }
}

/// What the program's executions recorded, shared with the checker's executions.
#[derive(Default)]
struct Record {
    outcomes: BTreeMap<String, usize>,
    printed: BTreeMap<String, usize>,
    timed_out: usize,
    first_violation: Option<Counterexample>,
}

fn numbered(steps: Vec<trace::Step>) -> Vec<Step> {
    steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| Step {
            step: i + 1,
            seconds: s.at.as_secs_f64(),
            thread: s.thread,
            action: s.action,
            value: s.value,
        })
        .collect()
}

/// What the execution has printed so far, line by line.
fn printed_lines() -> Vec<String> {
    trace::steps()
        .into_iter()
        .filter(|step| step.action == trace::PRINT)
        .map(|step| step.value)
        .collect()
}

/// A deadlock if the blocked threads wait for each other in a cycle, a hang otherwise; and
/// the sentence that says which.
fn diagnose(blocked: &[Blocked]) -> (Verdict, String) {
    // thread -> the threads holding what it waits for
    let waits_on = |thread: &str| -> Vec<String> {
        blocked
            .iter()
            .find(|b| b.thread == thread)
            .map(|b| {
                b.object_held_by
                    .iter()
                    .filter(|h| *h != thread)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    for start in blocked {
        // Follow the wait-for edges from `start`; a return to it is a cycle.
        let mut path = vec![start.thread.clone()];
        let mut current = start.thread.clone();
        while let Some(next) = waits_on(&current).into_iter().next() {
            if next == start.thread {
                let sentence = path
                    .iter()
                    .filter_map(|t| blocked.iter().find(|b| &b.thread == t))
                    .map(|b| {
                        format!(
                            "{} holds {} and waits for {}",
                            b.thread,
                            b.holds.join(", "),
                            b.object
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                return (Verdict::Deadlocks, format!("deadlock: {sentence}"));
            }
            if path.contains(&next) {
                break;
            }
            path.push(next.clone());
            current = next;
        }
    }
    // A thread joining a stuck thread is stuck because of it: the sentence names the others.
    let joining = |b: &&Blocked| b.waits_for.starts_with("join ");
    let stuck: Vec<&Blocked> = if blocked.iter().all(|b| joining(&b)) {
        blocked.iter().collect()
    } else {
        blocked.iter().filter(|b| !joining(b)).collect()
    };
    let sentence = stuck
        .iter()
        .map(|b| format!("{} is blocked in `{}`", b.thread, b.waits_for))
        .collect::<Vec<_>>()
        .join("; ");
    let them = if stuck.len() == 1 { "it" } else { "them" };
    (
        Verdict::Hangs,
        format!("hang: {sentence}, and no other thread is left to wake {them}"),
    )
}

#[cfg(test)]
mod tests {
    use super::{Counterexample, Step};

    fn steps(n: usize) -> Vec<Step> {
        (1..=n)
            .map(|i| Step {
                step: i,
                seconds: 0.0,
                thread: "Thread-1".to_owned(),
                action: format!("step {i}"),
                value: String::new(),
            })
            .collect()
    }

    /// A trace of more than 80 steps shows its first 40 and its last 20, and says how many
    /// it leaves out; a shorter one shows every step.
    #[test]
    fn a_long_counterexample_shows_its_start_and_its_end() {
        let long = Counterexample {
            execution: 1,
            timed: false,
            steps: steps(100),
            ending: "the end".to_owned(),
        }
        .to_string();
        let rows: Vec<&str> = long.lines().skip(2).collect();
        assert_eq!(rows.len(), 40 + 1 + 20 + 1, "{long}");
        assert!(
            rows[0].ends_with("step 1") && rows[39].ends_with("step 40"),
            "{long}"
        );
        assert_eq!(rows[40], "   ...  (40 steps)");
        assert!(
            rows[41].ends_with("step 81") && rows[60].ends_with("step 100"),
            "{long}"
        );
        assert_eq!(rows[61], "  => the end");

        let short = Counterexample {
            execution: 1,
            timed: false,
            steps: steps(80),
            ending: "the end".to_owned(),
        }
        .to_string();
        assert_eq!(short.lines().count(), 2 + 80 + 1, "{short}");
    }

    /// Each search has one spelling, and a report calls only an unbounded exhaustive search
    /// under a model checker a proof.
    #[test]
    fn searches_are_said_in_words() {
        use super::{Checker, Report, Search, Timing, Verdict};
        let bounded = Search::Exhaustive {
            preemption_bound: Some(3),
        };
        let pct = Search::Pct {
            seed: 7,
            iterations: 100,
            depth: 2,
        };
        assert_eq!(Search::PROOF.to_string(), "every interleaving");
        assert_eq!(
            bounded.to_string(),
            "every interleaving with at most 3 preemptions"
        );
        assert_eq!(Search::InOrder.to_string(), "the in-order schedule");
        assert_eq!(
            pct.to_string(),
            "100 sampled schedules (PCT, seed 7, depth 2)"
        );
        let report = |checker, search, verdict| Report {
            checker,
            search,
            timing: Timing::Any,
            verdict,
            executions: 5,
            elapsed: std::time::Duration::ZERO,
            outcomes: Default::default(),
            printed: Default::default(),
            timed_out_executions: 0,
            counterexample: None,
            error: None,
        };
        let described =
            |checker, search, verdict| report(checker, search, verdict).search_described();
        assert_eq!(
            described(Checker::Loom, Search::PROOF, Verdict::Holds),
            "every interleaving (a proof)"
        );
        assert_eq!(
            described(Checker::Shuttle, bounded, Verdict::Holds),
            "every interleaving with at most 3 preemptions"
        );
        assert_eq!(
            described(Checker::Loom, Search::PROOF, Verdict::Error),
            "every interleaving"
        );
        assert_eq!(
            described(Checker::RealThreads, Search::PROOF, Verdict::Holds),
            "5 runs on real threads (a stress test, not a proof)"
        );
        assert_eq!(Checker::Shuttle.to_string(), "shuttle");
        assert_eq!(Timing::Virtual.to_string(), "virtual timing");
        assert_eq!(format!("{:<8}|", Checker::Loom), "loom    |");
    }

    /// Every search, checker and timing reads back from what it writes: its words and its short
    /// spelling; anything else is refused with the spellings it could have been.
    #[test]
    fn searches_read_back_what_they_write() {
        use super::{Checker, Search, Timing};
        let searches = [
            Search::PROOF,
            Search::Exhaustive {
                preemption_bound: Some(0),
            },
            Search::Exhaustive {
                preemption_bound: Some(12),
            },
            Search::InOrder,
            Search::Pct {
                seed: 2018,
                iterations: 1000,
                depth: 5,
            },
        ];
        for search in searches {
            assert_eq!(search.to_string().parse(), Ok(search), "{search}");
            assert_eq!(search.spelling().parse(), Ok(search), "{search}");
        }
        assert_eq!(searches[2].spelling(), "bounded_12");
        assert_eq!(searches[3].spelling(), "in-order");
        for bad in [
            "",
            "bounded_",
            "bounded_+3",
            "bounded:3",
            "bounded_3x",
            "bounded_99999999999999999999999",
            "pct:1:2",
            "pct:1:2:3:4",
            "pct:+1:2:3",
            "everything",
            "every interleaving with at most x preemptions",
        ] {
            let error = bad.parse::<Search>().unwrap_err().to_string();
            assert_eq!(
                error,
                format!(
                    "`{bad}` is not a search: expected `proof`, `bounded_N`, `in-order` or \
                     `pct:SEED:ITERATIONS:DEPTH`"
                )
            );
        }
        for checker in [Checker::Loom, Checker::Shuttle, Checker::RealThreads] {
            assert_eq!(checker.to_string().parse(), Ok(checker));
        }
        assert_eq!(
            "Loom".parse::<Checker>().unwrap_err().to_string(),
            "`Loom` is not a checker: expected `loom`, `shuttle` or `threads`"
        );
        for timing in [Timing::Any, Timing::Virtual] {
            assert_eq!(timing.to_string().parse(), Ok(timing));
        }
        assert_eq!("virtual".parse(), Ok(Timing::Virtual));
        assert_eq!("any".parse(), Ok(Timing::Any));
        assert!("real".parse::<Timing>().is_err());
    }
}
