//! Runs a model under the configured checker and turns what happened into a [`Report`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use threadproof::check::{self, Check, Checker, Counterexample, Search, Timing};

use crate::model::{Model, Size, Verdict};

/// PCT at the tutorial's size, with a fixed seed: the sample the tests and `cargo prove` run
/// under shuttle.
pub const TUTORIAL_SAMPLE: Search = Search::Pct {
    seed: 2018,
    iterations: 1000,
    depth: 5,
};

/// The search the registry ([`for_each_model!`](crate::for_each_model)) and the command line
/// spell `proof` (every interleaving) or `bounded_N` (every interleaving with at most N
/// preemptions), evaluated where the registry is compiled.
///
/// # Panics
/// On any other spelling; in a constant, that is a compile error: a typo in the registry
/// cannot pass unnoticed.
pub const fn registry_search(spelling: &str) -> Search {
    let bytes = spelling.as_bytes();
    if bytes.len() == 5
        && bytes[0] == b'p'
        && bytes[1] == b'r'
        && bytes[2] == b'o'
        && bytes[3] == b'o'
        && bytes[4] == b'f'
    {
        return Search::PROOF;
    }
    let prefix = b"bounded_";
    if bytes.len() <= prefix.len() {
        panic!("a registry search is `proof` or `bounded_N`");
    }
    let mut i = 0;
    while i < prefix.len() {
        if bytes[i] != prefix[i] {
            panic!("a registry search is `proof` or `bounded_N`");
        }
        i += 1;
    }
    let mut bound = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            panic!("a registry search is `proof` or `bounded_N`");
        }
        bound = bound * 10 + (bytes[i] - b'0') as usize;
        i += 1;
    }
    Search::Exhaustive {
        preemption_bound: Some(bound),
    }
}

/// Whether `search` runs at the model's small size (an exhaustive search, bounded or not)
/// rather than at the tutorial's (a sample, the in-order schedule).
fn at_small_size(search: Search) -> bool {
    matches!(search, Search::Exhaustive { .. })
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
    /// The checker that explored.
    pub checker: Checker,
    /// The search it ran.
    pub search: Search,
    /// Whether the search followed only the random choices that can still print the
    /// tutorial's output (see [`Run::seek_output`]).
    pub seeks_output: bool,
    /// Any timing, or the tutorial's own on the virtual clock.
    pub timing: Timing,
    /// The size explored.
    pub size: Size,
    /// The size in the model's words (`threads = 2, start = 2`).
    pub size_described: String,
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
            "run:        {}, {}, {}, {}",
            self.checker, self.search, self.timing, self.size_described
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
    search: Search,
    seeks_output: bool,
    timing: Timing,
    size: Option<Size>,
    check: Check,
}

impl Run {
    /// Prepares `model` to run with `search` under this build's checker, under any timing, at
    /// the search's size: the small one for an exhaustive search, bounded or not, the
    /// tutorial's for a sample or the in-order schedule.
    pub fn new(model: Model, search: Search) -> Self {
        Self {
            model,
            search,
            seeks_output: false,
            timing: Timing::Any,
            size: None,
            check: Check::with_search(search),
        }
    }

    /// The same run, following only the random choices (the models' random sleeps) that can
    /// still print the tutorial's output, and each only until it is printed: a search for a
    /// witness of that output. A model without a tutorial output is unchanged.
    pub fn seek_output(mut self) -> Self {
        if let Some(tutorial) = self.model.tutorial_printed {
            self.seeks_output = true;
            self.check = self
                .check
                .seek_output(tutorial, self.model.printed_is_prefix);
        }
        self
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
        let size = self.size.unwrap_or(if at_small_size(self.search) {
            model.small
        } else {
            model.tutorial
        });
        let timed = self.timing == Timing::Virtual;
        let program = model.program;
        let found = self
            .check
            .run_claim(move || program(size), |ending| ending.claim_holds);
        let check::Report {
            checker,
            search,
            timing,
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
            checker,
            search,
            seeks_output: self.seeks_output,
            timing,
            size,
            size_described: model.describe(size),
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

#[cfg(test)]
mod tests {
    use super::{registry_search, Search};

    #[test]
    fn the_registry_spells_a_proof_and_a_bound() {
        assert_eq!(registry_search("proof"), Search::PROOF);
        assert_eq!(
            registry_search("bounded_12"),
            Search::Exhaustive {
                preemption_bound: Some(12)
            }
        );
    }

    #[test]
    #[should_panic(expected = "`proof` or `bounded_N`")]
    fn a_bound_needs_its_number() {
        registry_search("bounded_");
    }

    #[test]
    #[should_panic(expected = "`proof` or `bounded_N`")]
    fn a_misspelt_bound_is_refused() {
        registry_search("bounded_6x");
    }

    #[test]
    #[should_panic(expected = "`proof` or `bounded_N`")]
    fn a_misspelt_proof_is_refused() {
        registry_search("proofs");
    }
}
