//! Runs a model under the configured checker and turns what happened into a [`Report`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use threadproof::check::{self, Check, Checker, Counterexample, Search, Timing};

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
            let _ = write!(out, "{counterexample}");
        }
        out
    }
}

/// A report lists the outputs printed when there are at most this many.
const SHOWN_OUTPUTS: usize = 4;

/// A prepared run: read [`Run::progress`] from another thread while [`Run::run`] works.
#[derive(Debug)]
pub struct Run {
    model: Model,
    mode: Mode,
    timing: Timing,
    size: Option<Size>,
    check: Check,
}

impl Run {
    /// Prepares `model` to run in `mode` under this build's checker, under any timing, at the
    /// mode's size (the small one for a full or bounded search, the tutorial's for a sample or
    /// the in-order schedule).
    pub fn new(model: Model, mode: Mode) -> Self {
        let mut check = Check::with_search(mode.search());
        let seeking = matches!(mode, Mode::InOrder | Mode::Seek { .. });
        if let (true, Some(tutorial)) = (seeking, model.tutorial_printed) {
            // Only the random choices that can still print the tutorial's output, and only
            // until it is printed.
            check = check.seek_output(tutorial, model.printed_is_prefix);
        }
        Self {
            model,
            mode,
            timing: Timing::Any,
            size: None,
            check,
        }
    }

    /// The same run under `timing`.
    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self.check = self.check.timing(timing);
        if timing == Timing::Virtual {
            // On the tutorial's timing, what the program prints is part of the finding.
            self.check = self.check.output();
        }
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
        self.check.progress()
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
        let program = model.program;
        let found = self
            .check
            .run_claim(move || program(size), |ending| ending.claim_holds);
        let check::Report {
            verdict,
            executions,
            elapsed,
            outcomes,
            printed,
            counterexample,
            error,
            ..
        } = found;
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

        let mut note = error;
        let verdict = match (verdict, model.must_reach.map(|reach| reach(size))) {
            (check::Verdict::Holds, Some(needed)) if !outcomes.contains_key(&needed) => {
                note = Some(format!("no execution reached `{needed}`"));
                Verdict::Violated
            }
            (verdict, _) => verdict,
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
            executions,
            seconds: elapsed.as_secs_f64(),
            outcomes,
            printed,
            tutorial_printed,
            counterexample,
            note,
            timing_lesson: model.timing_lesson.map(str::to_owned),
        }
    }
}
