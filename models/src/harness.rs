//! Runs a model under the configured checker and turns what happened into a [`Report`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use threadproof::explore::{Checker, Explorer, Outcome, Search, Timing};
use threadproof::trace::{self, Blocked};

use crate::model::{Model, Size, Verdict};

/// How a model is explored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every interleaving at the model's small size: a proof.
    Proof,
    /// Every interleaving with at most this many preemptions, at the small size: bounded.
    Bounded(usize),
    /// The in-order schedule (each thread runs until it blocks, then the first-created thread
    /// that can run goes next) with every sequence of random choices that can still print the
    /// tutorial's output, at the tutorial's size: a search for a witness, shuttle only.
    InOrder,
    /// shuttle's PCT sampler, `iterations` executions for each sequence of random choices that
    /// can still print the tutorial's output, at the tutorial's size: a search for a witness
    /// among sampled schedules, shuttle only.
    Seek {
        /// PCT's seed.
        seed: u64,
        /// Executions sampled for each sequence of choices.
        iterations: usize,
        /// PCT's bug depth.
        depth: usize,
    },
    /// shuttle's PCT sampler at the tutorial's own size, with a fixed seed: sampled.
    Sampled {
        /// PCT's seed.
        seed: u64,
        /// Executions to sample.
        iterations: usize,
        /// PCT's bug depth.
        depth: usize,
    },
}

impl Mode {
    /// The sampled run the tests and `cargo prove` use at the tutorial's size.
    pub const TUTORIAL_SAMPLE: Mode = Mode::Sampled {
        seed: 2018,
        iterations: 1000,
        depth: 5,
    };

    /// The registry's spelling: `proof` or `bounded_N`.
    ///
    /// # Panics
    /// On any other spelling: the registry is code, and a typo in it must not pass unnoticed.
    pub fn from_registry(spelling: &str) -> Mode {
        match spelling.strip_prefix("bounded_").map(str::parse) {
            None if spelling == "proof" => Mode::Proof,
            Some(Ok(bound)) => Mode::Bounded(bound),
            _ => panic!("the registry names an unknown search `{spelling}`"),
        }
    }

    /// `proof`, `bounded to N preemptions` or `sampled (PCT, ...)`.
    pub fn describe(self) -> String {
        match self {
            Mode::Proof => "proof".to_owned(),
            Mode::Bounded(n) => format!("bounded to {n} preemptions"),
            Mode::InOrder => "in-order schedule".to_owned(),
            Mode::Seek {
                seed,
                iterations,
                depth,
            } => format!("sought (PCT seed {seed}, depth {depth}, {iterations} runs per choice)"),
            Mode::Sampled {
                seed,
                iterations,
                depth,
            } => format!("sampled (PCT seed {seed}, depth {depth}, {iterations} runs)"),
        }
    }

    fn search(self) -> Search {
        match self {
            Mode::Proof => Search::Exhaustive {
                preemption_bound: None,
            },
            Mode::Bounded(n) => Search::Exhaustive {
                preemption_bound: Some(n),
            },
            Mode::InOrder => Search::InOrder,
            Mode::Seek {
                seed,
                iterations,
                depth,
            }
            | Mode::Sampled {
                seed,
                iterations,
                depth,
            } => Search::Pct {
                seed,
                iterations,
                depth,
            },
        }
    }
}

/// One step of a counterexample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceStep {
    /// 1-based position in the execution.
    pub step: usize,
    /// When, in seconds on the virtual clock (0 under any timing).
    pub seconds: f64,
    /// The thread that took it.
    pub thread: String,
    /// What it did.
    pub action: String,
    /// What it saw or got.
    pub value: String,
}

/// The first execution the checker found that refutes the claim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counterexample {
    /// Which execution it was (1-based, in the checker's order).
    pub execution: usize,
    /// Whether it ran on the virtual clock: the table then shows each step's time.
    pub timed: bool,
    /// Its steps, in order.
    pub steps: Vec<TraceStep>,
    /// How it ended: the outcome against the claim, or the wait-for cycle, or who hangs.
    pub ending: String,
}

/// Everything one run of one model under one checker found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The model's name.
    pub model: String,
    /// The tutorial section.
    pub section: String,
    /// The claim.
    pub claim: String,
    /// `loom` or `shuttle`.
    pub checker: String,
    /// `proof`, `bounded to N preemptions` or `sampled (...)`.
    pub mode: String,
    /// `any timing` or `virtual timing` (the tutorial's own).
    pub timing: String,
    /// The size explored.
    pub size: String,
    /// The verdict expected.
    pub expected: Verdict,
    /// The verdict reached.
    pub verdict: Verdict,
    /// Executions explored (an exploration stops at a deadlock or hang).
    pub executions: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Each outcome reached, with how many executions reached it.
    pub outcomes: BTreeMap<String, usize>,
    /// Under virtual timing, each distinct output the executions printed (lines joined by
    /// newlines), with how many executions printed it.
    pub printed: BTreeMap<String, usize>,
    /// Under virtual timing, for a model whose tutorial shows its output: how many executions
    /// printed exactly that (or began with it, for a program whose loop runs forever).
    pub tutorial_printed: Option<usize>,
    /// The first counterexample, for a refuted claim.
    pub counterexample: Option<Counterexample>,
    /// Why the run failed to complete, or what a verdict rests on.
    pub note: Option<String>,
    /// Why the model's verdicts under the two timings differ, when they do.
    pub timing_lesson: Option<String>,
}

impl Report {
    /// True if the verdict is the expected one.
    pub fn as_expected(&self) -> bool {
        self.verdict == self.expected
    }

    /// The report as the snapshots keep it: everything but the time.
    pub fn snapshot(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "model:      {}", self.model);
        let _ = writeln!(out, "section:    {}", self.section);
        let _ = writeln!(out, "claim:      {}", self.claim);
        let _ = writeln!(
            out,
            "run:        {} {}, {}, {}",
            self.checker, self.mode, self.timing, self.size
        );
        let _ = writeln!(out, "expected:   {}", self.expected);
        let _ = writeln!(out, "verdict:    {}", self.verdict);
        let _ = writeln!(out, "executions: {}", self.executions);
        if let Some(note) = &self.note {
            let _ = writeln!(out, "note:       {note}");
        }
        let _ = writeln!(out, "outcomes (executions reaching each):");
        for (outcome, count) in &self.outcomes {
            let _ = writeln!(out, "  {outcome:<40} {count}");
        }
        if !self.printed.is_empty() {
            let _ = writeln!(out, "printed: {} distinct outputs", self.printed.len());
            if let Some(count) = self.tutorial_printed {
                let _ = writeln!(
                    out,
                    "  the tutorial's output: printed by {count} executions"
                );
            }
            // A few outputs are shown whole; many, only by their count.
            if self.printed.len() <= SHOWN_OUTPUTS {
                for (output, count) in &self.printed {
                    let _ = writeln!(out, "  -- printed by {count} executions:");
                    for line in output.lines() {
                        let _ = writeln!(out, "  | {line}");
                    }
                }
            }
        }
        if let Some(counterexample) = &self.counterexample {
            out.push_str(&counterexample.render());
        }
        out
    }
}

/// A report lists the outputs printed when there are at most this many.
const SHOWN_OUTPUTS: usize = 4;

/// Traces longer than this are shown by their first half and last quarter.
const LONG_TRACE: usize = 80;

impl Counterexample {
    /// The step-by-step table and the ending.
    pub fn render(&self) -> String {
        let thread_width = self
            .steps
            .iter()
            .map(|s| s.thread.len())
            .chain([6])
            .max()
            .unwrap_or(6);
        let action_width = self
            .steps
            .iter()
            .map(|s| s.action.len())
            .chain([6])
            .max()
            .unwrap_or(6);
        let mut out = String::new();
        let _ = writeln!(out, "counterexample (execution {}):", self.execution);
        let time = if self.timed { "  time  " } else { "" };
        let _ = writeln!(
            out,
            "  {:>4}  {time}{:<thread_width$}  {:<action_width$}  value",
            "step", "thread", "action"
        );
        // A trace of a hundred threads is long: show its start and its end.
        let (head, tail) = if self.steps.len() > LONG_TRACE {
            (
                &self.steps[..LONG_TRACE / 2],
                &self.steps[self.steps.len() - LONG_TRACE / 4..],
            )
        } else {
            (&self.steps[..], &self.steps[..0])
        };
        let row = |s: &TraceStep| {
            let time = if self.timed {
                format!("{:>6}  ", format!("{}s", s.seconds))
            } else {
                String::new()
            };
            let line = format!(
                "  {:>4}  {time}{:<thread_width$}  {:<action_width$}  {}",
                s.step, s.thread, s.action, s.value
            );
            format!("{}\n", line.trim_end())
        };
        out.extend(head.iter().map(row));
        if !tail.is_empty() {
            let skipped = self.steps.len() - head.len() - tail.len();
            let _ = writeln!(out, "   ...  ({skipped} steps)");
            out.extend(tail.iter().map(row));
        }
        let _ = writeln!(out, "  => {}", self.ending);
        out
    }
}

/// What the program's executions recorded, shared with the checker's executions.
#[derive(Default)]
struct Record {
    outcomes: BTreeMap<String, usize>,
    printed: BTreeMap<String, usize>,
    first_violation: Option<Counterexample>,
}

/// A prepared run: read [`Run::progress`] from another thread while [`Run::run`] works.
#[derive(Debug)]
pub struct Run {
    model: Model,
    mode: Mode,
    timing: Timing,
    size: Option<Size>,
    explorer: Explorer,
}

impl Run {
    /// Prepares `model` to run in `mode` under this build's checker, under any timing, at the
    /// mode's size (the small one for a full or bounded search, the tutorial's for a sample or
    /// the in-order schedule).
    pub fn new(model: Model, mode: Mode) -> Self {
        let mut explorer = Explorer::with_search(mode.search());
        let seeking = matches!(mode, Mode::InOrder | Mode::Seek { .. });
        if let (true, Some(tutorial)) = (seeking, model.tutorial_printed) {
            // Only the random choices that can still print the tutorial's output, and only
            // until it is printed.
            let found = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let seen = Arc::clone(&found);
            explorer = explorer
                .prune(move || {
                    let printed = printed();
                    let (printed, lines): (Vec<&str>, Vec<&str>) =
                        (printed.lines().collect(), tutorial.lines().collect());
                    if printed.starts_with(&lines) {
                        seen.store(true, Ordering::Relaxed);
                    }
                    printed.len() >= lines.len() || !lines.starts_with(&printed)
                })
                .until(move || found.load(Ordering::Relaxed));
        }
        Self {
            model,
            mode,
            timing: Timing::Any,
            size: None,
            explorer,
        }
    }

    /// The same run under `timing`.
    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self.explorer = self.explorer.timing(timing);
        self
    }

    /// The same run at `size`.
    pub fn size(mut self, size: Size) -> Self {
        self.size = Some(size);
        self
    }

    /// The verdict this run must reach.
    pub fn expected(&self) -> Verdict {
        match self.timing {
            Timing::Any => self.model.expected,
            Timing::Virtual => self.model.expected_virtual,
        }
    }

    /// Executions started so far.
    pub fn progress(&self) -> Arc<AtomicUsize> {
        self.explorer.progress()
    }

    /// Explores the model and reports.
    pub fn run(self) -> Report {
        let model = self.model;
        let expected = self.expected();
        let size = self.size.unwrap_or(match self.mode {
            Mode::Proof | Mode::Bounded(_) => model.small,
            Mode::InOrder | Mode::Seek { .. } | Mode::Sampled { .. } => model.tutorial,
        });
        let timed = self.timing == Timing::Virtual;
        let record = Arc::new(Mutex::new(Record::default()));
        let progress = self.explorer.progress();
        let exploration = {
            let record = Arc::clone(&record);
            let program = model.program;
            self.explorer.run(move || {
                let ending = program(size);
                let mut record = record.lock().unwrap_or_else(|e| e.into_inner());
                *record.outcomes.entry(ending.outcome.clone()).or_insert(0) += 1;
                if timed {
                    *record.printed.entry(printed()).or_insert(0) += 1;
                }
                if !ending.claim_holds && record.first_violation.is_none() {
                    record.first_violation = Some(Counterexample {
                        execution: progress.load(Ordering::Relaxed),
                        timed,
                        steps: numbered(trace::steps()),
                        ending: format!("{}: the claim is false", ending.outcome),
                    });
                }
            })
        };
        let Record {
            mut outcomes,
            printed,
            first_violation,
        } = std::mem::take(&mut *record.lock().unwrap_or_else(|e| e.into_inner()));
        // The tutorial's output is a run at its own size, on its own timing.
        let at_tutorial = timed && size == model.tutorial;
        let tutorial_printed = model
            .tutorial_printed
            .filter(|_| at_tutorial)
            .map(|tutorial| {
                printed
                    .iter()
                    .filter(|(output, _)| {
                        if model.printed_is_prefix {
                            output.starts_with(tutorial)
                        } else {
                            output.as_str() == tutorial
                        }
                    })
                    .map(|(_, count)| count)
                    .sum()
            });

        let mut note = None;
        let (verdict, counterexample) = match exploration.outcome {
            Outcome::Passed => match first_violation {
                Some(counterexample) => (Verdict::Violated, Some(counterexample)),
                None => match model.must_reach.map(|reach| reach(size)) {
                    Some(needed) if !outcomes.contains_key(&needed) => {
                        note = Some(format!("no execution reached `{needed}`"));
                        (Verdict::Violated, None)
                    }
                    _ => (Verdict::Holds, None),
                },
            },
            Outcome::Deadlock { blocked, steps, .. } => {
                let (verdict, ending) = diagnose(&blocked);
                *outcomes.entry(verdict.to_string()).or_insert(0) += 1;
                let counterexample = Counterexample {
                    execution: exploration.executions,
                    timed,
                    steps: numbered(steps),
                    ending,
                };
                (verdict, Some(counterexample))
            }
            Outcome::Failed { message, .. } => {
                note = Some(format!("the program panicked: {message}"));
                (Verdict::Error, None)
            }
            Outcome::Unsupported { reason } => {
                note = Some(reason);
                (Verdict::Error, None)
            }
        };
        Report {
            model: model.name.to_owned(),
            section: model.section.to_owned(),
            claim: model.claim.to_owned(),
            checker: Checker::CURRENT.name().to_owned(),
            mode: self.mode.describe(),
            timing: self.timing.name().to_owned(),
            size: format!(
                "{} = {}, {} = {}",
                model.threads_are, size.threads, model.value_means, size.value
            ),
            expected,
            verdict,
            executions: exploration.executions,
            seconds: exploration.elapsed.as_secs_f64(),
            outcomes,
            printed,
            tutorial_printed,
            counterexample,
            note,
            timing_lesson: model.timing_lesson.map(str::to_owned),
        }
    }
}

fn numbered(steps: Vec<trace::Step>) -> Vec<TraceStep> {
    steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| TraceStep {
            step: i + 1,
            seconds: s.at.as_secs_f64(),
            thread: s.thread,
            action: s.action,
            value: s.value,
        })
        .collect()
}

/// What the execution printed: the values of its `print` steps, one line each.
fn printed() -> String {
    trace::steps()
        .into_iter()
        .filter(|step| step.action == PRINT)
        .map(|step| step.value)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The action of a step that stands for a `print` of the tutorial's program.
pub(crate) const PRINT: &str = "print";

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
    let sentence = blocked
        .iter()
        .map(|b| format!("{} is blocked in `{}`", b.thread, b.waits_for))
        .collect::<Vec<_>>()
        .join("; ");
    let them = if blocked.len() == 1 { "it" } else { "them" };
    (
        Verdict::Hangs,
        format!("hang: {sentence}, and no other thread is left to wake {them}"),
    )
}
