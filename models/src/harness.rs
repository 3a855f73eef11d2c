//! Runs a model under the configured checker and turns what happened into a [`Report`].

use std::fmt::Write as _;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use threadproof::check::{self, Check, Search, Timing};

use crate::model::{Model, Size, Verdict};

/// PCT at the tutorial's size, with a fixed seed: the sample the tests and `cargo prove` run
/// under shuttle.
pub const TUTORIAL_SAMPLE: Search = Search::Pct {
    seed: 2018,
    iterations: 1000,
    depth: 5,
};

/// The search the registry ([`for_each_model!`](crate::for_each_model)) spells `proof` (every
/// interleaving) or `bounded_N` (every interleaving with at most N preemptions), read by
/// [`Search::from_spelling`] where the registry is compiled.
///
/// # Panics
/// On any other spelling, including a search that is not exhaustive (`in-order`); in a
/// constant, that is a compile error: a typo in the registry cannot pass unnoticed.
pub const fn registry_search(spelling: &str) -> Search {
    match Search::from_spelling(spelling) {
        Some(search @ Search::Exhaustive { .. }) => search,
        _ => panic!("a registry search is `proof` or `bounded_N`"),
    }
}

/// Whether `search` runs at the model's small size (an exhaustive search, bounded or not)
/// rather than at the tutorial's (a sample, the in-order schedule).
fn at_small_size(search: Search) -> bool {
    matches!(search, Search::Exhaustive { .. })
}

/// Everything one run of one model under one checker found: the checker's own report, and
/// what the model adds to it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// The model's name.
    pub model: String,
    /// The tutorial section.
    pub section: String,
    /// The claim.
    pub claim: String,
    /// Whether the search followed only the random choices that can still print the
    /// tutorial's output (see [`Run::seek_output`]).
    pub seeks_output: bool,
    /// The size explored.
    pub size: Size,
    /// The size in the model's words (`threads = 2, start = 2`).
    pub size_described: String,
    /// The verdict expected.
    pub expected: Verdict,
    /// Under virtual timing, for a model whose tutorial shows its output: how many executions
    /// printed exactly that (or began with it, for a program whose loop runs forever).
    pub tutorial_printed: Option<usize>,
    /// What the verdict rests on beyond the checker's report: the outcome no execution
    /// reached, for a model that needs one reached.
    pub note: Option<String>,
    /// Why the model's verdicts under the two timings differ, when they do.
    pub timing_lesson: Option<String>,
    /// What the checker found: the checker, search and timing, the verdict (the model's: a
    /// claim that needs an outcome reached is violated when none reached it), the executions,
    /// the elapsed time, the outcomes, what was printed and the first counterexample.
    #[serde(flatten)]
    pub check: check::Report,
}

impl Report {
    /// True if the verdict is the expected one.
    pub fn as_expected(&self) -> bool {
        self.check.verdict == self.expected
    }

    /// The report as the snapshots keep it: everything but the time.
    pub fn snapshot(&self) -> String {
        let check = &self.check;
        let mut out = String::new();
        let _ = writeln!(out, "model:      {}", self.model);
        let _ = writeln!(out, "section:    {}", self.section);
        let _ = writeln!(out, "claim:      {}", self.claim);
        let _ = writeln!(
            out,
            "run:        {}, {}, {}, {}",
            check.checker, check.search, check.timing, self.size_described
        );
        let _ = writeln!(out, "expected:   {}", self.expected);
        let _ = writeln!(out, "verdict:    {}", check.verdict);
        let _ = writeln!(out, "executions: {}", check.executions);
        if let Some(note) = self.note.as_ref().or(check.error.as_ref()) {
            let _ = writeln!(out, "note:       {note}");
        }
        let _ = check.write_outcomes(&mut out);
        if !check.printed.is_empty() {
            let _ = writeln!(out, "printed: {} distinct outputs", check.printed.len());
            if let Some(count) = self.tutorial_printed {
                let _ = writeln!(
                    out,
                    "  the tutorial's output: printed by {count} executions"
                );
            }
            // A few outputs are shown whole; many, only by their count.
            if check.printed.len() <= SHOWN_OUTPUTS {
                for (output, count) in &check.printed {
                    let _ = writeln!(out, "  -- printed by {count} executions:");
                    for line in output.lines() {
                        let _ = writeln!(out, "  | {line}");
                    }
                }
            }
        }
        if let Some(counterexample) = &check.counterexample {
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
            // The models' tables count every outcome, past the first counterexample.
            check: Check::with_search(search).all_outcomes(),
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

    /// The same run, replaying only the execution `replay` names (a counterexample's replay
    /// string, under shuttle): see `Check::replay`.
    pub fn replay(mut self, replay: &str) -> Self {
        self.check = self.check.replay(replay);
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
        let mut found = self
            .check
            .run_claim(move || program(size), |ending| ending.claim_holds);
        // The tutorial's output is a run at its own size, on its own timing.
        let at_tutorial = timed && size == model.tutorial;
        let tutorial_printed = model
            .tutorial_printed
            .filter(|_| at_tutorial)
            .map(|tutorial| {
                found
                    .printed
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
        if let (Verdict::Holds, Some(needed)) =
            (found.verdict, model.must_reach.map(|reach| reach(size)))
        {
            if !found.outcomes.contains_key(&needed) {
                note = Some(format!("no execution reached `{needed}`"));
                found.verdict = Verdict::Violated;
            }
        }
        Report {
            model: model.name.to_owned(),
            section: model.section.to_owned(),
            claim: model.claim.to_owned(),
            seeks_output: self.seeks_output,
            size,
            size_described: model.describe(size),
            expected,
            tutorial_printed,
            note,
            timing_lesson: model.timing_lesson.map(str::to_owned),
            check: found,
        }
    }
}

#[cfg(test)]
mod tests {
    use threadproof::check::Checker;

    use super::{registry_search, Report, Run, Search, Timing};

    /// The JSON `cargo prove` reads from a child run reads back into the report it was
    /// written from, counterexample included under a model checker.
    #[test]
    fn a_report_reads_back_from_its_json() {
        let entry = crate::find("counter_unlocked").expect("a registered model");
        let search = entry.search(Checker::CURRENT, Timing::Virtual);
        let report = Run::new(entry.model, search).timing(Timing::Virtual).run();
        let json = serde_json::to_string(&report).expect("a report is plain data");
        let back: Report = serde_json::from_str(&json).expect("a report reads back");
        assert_eq!(back.snapshot(), report.snapshot());
        assert_eq!(back.check.elapsed, report.check.elapsed);
        assert_eq!(back.size, report.size);
    }

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

    #[test]
    #[should_panic(expected = "`proof` or `bounded_N`")]
    fn a_search_that_is_not_exhaustive_is_refused() {
        registry_search("in-order");
    }
}
