//! What an exploration found: the [`Report`], its [`Verdict`] and the [`Counterexample`], and
//! how each is written out.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::runtime::record::Step;
use super::search::{Checker, Part, Search, Timing};

/// What the exploration found about the program's claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Verdict {
    /// The claim holds in every explored execution, and every thread finishes.
    Holds,
    /// Some execution finishes with the claim false, or panics (a failed assertion).
    Violated,
    /// Some execution stops with threads waiting for each other in a cycle: when the cycle
    /// closes, if nothing can break it (every wait in it, with no timeout, is for an `RLock`,
    /// a `Mutex` or a `Condition`'s lock, which only their holders release, or for a thread to
    /// finish), whatever the other threads are doing; otherwise once every thread is stuck.
    Deadlocks,
    /// Some execution stops with a thread waiting for something nobody is left to do, with
    /// no cycle of locks (a lost wake-up, a join that never returns).
    Hangs,
    /// The exploration could not decide: it reached a limit of the checker or of the check
    /// before it found a counterexample, and no proof either way. [`Report::limit`] says which
    /// limit, and what to do about it.
    Inconclusive,
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
            Verdict::Inconclusive => "inconclusive",
            Verdict::Error => "error",
        })
    }
}

/// A limit that stopped an exploration before it could decide: one of the checker's own, or
/// one the check set. Its `Display` is the sentence a report prints, with what to do about it.
///
/// ```
/// use threadproof::check::Limit;
///
/// let limit = Limit::LoomThreads { max: 5 };
/// assert!(limit.to_string().contains("check it under shuttle"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Limit {
    /// An execution started more threads than loom runs at once (the main thread included,
    /// and under any timing one timer thread for each call that blocks with a timeout).
    LoomThreads {
        /// loom's limit, `loom::MAX_THREADS`.
        max: usize,
    },
    /// An execution took more scheduling steps than loom allows one (loom's branches).
    LoomBranches {
        /// The limit it reached.
        max: usize,
    },
    /// An execution took more scheduling steps than shuttle allows one.
    ShuttleSteps {
        /// The limit it reached.
        max: usize,
    },
    /// Under loom, the only executions found to refute the claim have a load see an older
    /// value than the last one written to its atomic, although every operation on an atomic
    /// was `SeqCst`: loom models `SeqCst` as acquire-release, and sequential consistency, which
    /// `SeqCst` promises, allows no such read. The report's counterexample is one of them.
    LoomSeqCst,
    /// Under loom, a panic unwound through a held lock (a `Condition`'s or a `Mutex`'s guard,
    /// dropped by the panic), and a thread then took that lock: loom's mutex stays poisoned after
    /// a panic inside it, so the execution cannot go on as on real threads (or under shuttle),
    /// where the lock is usable again.
    LoomPoisoned,
    /// The check's budget of executions ([`Check::max_executions`](super::Check::max_executions))
    /// was spent.
    Executions {
        /// The budget.
        max: usize,
    },
    /// The check's budget of time ([`Check::max_time`](super::Check::max_time)) was spent.
    Time {
        /// The budget.
        max: Duration,
    },
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::LoomThreads { max } => write!(
                f,
                "an execution started more threads than loom runs ({max}, the main thread and, \
                 under any timing, each timed wait's timer included): check it under shuttle, \
                 or with fewer threads"
            ),
            Limit::LoomBranches { max } => write!(
                f,
                "an execution took more than loom's {max} branches (a long loop, or a thread \
                 spinning until another makes progress): raise the limit with \
                 `Check::max_steps` (say to {}), or check it under shuttle",
                max.saturating_mul(10)
            ),
            Limit::ShuttleSteps { max } => write!(
                f,
                "an execution took more than shuttle's {max} steps (a long loop, or a thread \
                 spinning until another makes progress): raise the limit with \
                 `Check::max_steps`, or make the spinning thread wait on a primitive"
            ),
            Limit::LoomSeqCst => f.write_str(
                "the only executions found to refute the claim have a SeqCst load see an older \
                 value than the last write to its atomic, which loom allows (it models SeqCst as \
                 acquire-release) and sequential consistency does not: check it under shuttle, \
                 whose executions are sequentially consistent",
            ),
            Limit::LoomPoisoned => f.write_str(
                "a panic unwound through a held lock, which a thread then took again: loom's \
                 mutex stays poisoned after a panic inside it (on real threads and under \
                 shuttle the lock is usable again): check it under shuttle",
            ),
            Limit::Executions { max } => write!(
                f,
                "the check's budget of {max} executions was spent before the search ended: \
                 raise `Check::max_executions`, or bound the search (`Search::Exhaustive` with \
                 a preemption bound)"
            ),
            Limit::Time { max } => write!(
                f,
                "the check's budget of {:.1} s was spent before the search ended: raise \
                 `Check::max_time`, or bound the search (`Search::Exhaustive` with a \
                 preemption bound)",
                max.as_secs_f64()
            ),
        }
    }
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
    /// The string that runs this execution again, with
    /// [`Check::replay`](super::Check::replay): under shuttle, `None` under loom and on real
    /// threads.
    #[cfg_attr(feature = "serde", serde(default))]
    pub replay: Option<String>,
    /// Under shuttle, when the search's first counterexample preempted threads: the preemption
    /// bound of the search that found this one instead, the smallest with which any execution
    /// refutes the claim (`execution` counts within that search). `None` if this is the
    /// search's own first counterexample.
    #[cfg_attr(feature = "serde", serde(default))]
    pub fewest_preemptions: Option<usize>,
    /// For a deadlock: the threads of its wait-for cycle, each waiting for something the next
    /// holds (the last for something the first holds); empty for any other ending.
    #[cfg_attr(feature = "serde", serde(default))]
    pub cycle: Vec<String>,
    /// With `fewest_preemptions`, when a search with a smaller bound ran out of its budget of
    /// executions before it ended: that budget. A refuting execution with fewer preemptions
    /// may then exist; the searches found none. `None` when every smaller bound was searched
    /// in full.
    #[cfg_attr(feature = "serde", serde(default))]
    pub fewer_not_ruled_out: Option<usize>,
    /// Under shuttle: whether no refuting execution with as many preemptions (at most) takes
    /// fewer scheduling decisions than this one. A search that cut every execution one
    /// decision short of it ended, and found none.
    #[cfg_attr(feature = "serde", serde(default))]
    pub shortest: bool,
    /// Under shuttle, for a claim found false (not after a lost update, which the ending tells)
    /// by a counterexample with the fewest preemptions: the preemptions it needs, and with one,
    /// the two steps whose order breaks the claim. `None` otherwise.
    #[cfg_attr(feature = "serde", serde(default))]
    pub why: Option<String>,
}

/// `1 preemption`, `2 preemptions`.
fn preemptions(count: usize) -> String {
    if count == 1 {
        "1 preemption".to_owned()
    } else {
        format!("{count} preemptions")
    }
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
        let simpler = match (self.fewest_preemptions, self.fewer_not_ruled_out) {
            (None, _) => String::new(),
            (Some(0), _) => {
                " of the search with no preemption, which refutes the claim too".to_owned()
            }
            (Some(bound), None) => format!(
                " of the search with at most {}, the fewest any refuting execution has",
                preemptions(bound)
            ),
            (Some(bound), Some(budget)) => format!(
                " of the search with at most {}; a search with fewer ran out of its budget \
                 of {budget} executions before it found one",
                preemptions(bound)
            ),
        };
        let shortest = match (self.shortest, self.fewest_preemptions) {
            (false, _) => String::new(),
            (true, Some(_)) => "; the shortest of those".to_owned(),
            // The first counterexample had the fewest preemptions, and no shorter one was found.
            (true, None) => match self.steps.iter().filter(|s| s.preempts.is_some()).count() {
                0 => ", the shortest refuting execution with no preemption".to_owned(),
                marked => format!(
                    ", with {}, the fewest any refuting execution has; the shortest of those",
                    preemptions(marked)
                ),
            },
        };
        writeln!(
            f,
            "counterexample (execution {}{simpler}{shortest}):",
            self.execution
        )?;
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
            let value = match (&s.preempts, s.value.is_empty()) {
                (None, _) => s.value.clone(),
                (Some(preempted), true) => format!("(preempts {preempted})"),
                (Some(preempted), false) => format!("{}  (preempts {preempted})", s.value),
            };
            let line = format!(
                "  {:>4}  {time}{:<thread_width$}  {:<action_width$}  {value}",
                s.step, s.thread, s.action
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
        writeln!(f, "  => {}", self.ending)?;
        if let Some(why) = &self.why {
            writeln!(f, "     {why}")?;
        }
        match &self.replay {
            Some(replay) => writeln!(f, "  replay: Check::replay(\"{replay}\")"),
            None => Ok(()),
        }
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
    /// panics; on real threads, the runs).
    pub executions: usize,
    /// Wall-clock time of the exploration.
    pub elapsed: Duration,
    /// Each outcome the executions reached (the program's return value as text, or the
    /// verdict of an execution that stopped), with how many executions reached it.
    pub outcomes: BTreeMap<String, usize>,
    /// With [`Check::output`](super::Check::output): each distinct output the executions printed with
    /// [`trace::print`](crate::trace::print) (lines joined by newlines), with how many
    /// executions printed it.
    pub printed: BTreeMap<String, usize>,
    /// How many executions had some wait time out.
    pub timed_out_executions: usize,
    /// The first execution that refutes the claim, if one was found.
    pub counterexample: Option<Counterexample>,
    /// The limit that stopped the exploration before it ended: why the verdict is
    /// [`Verdict::Inconclusive`], or, beside a counterexample found before it, why the outcome
    /// table is not complete.
    pub limit: Option<Limit>,
    /// Whether the exploration stopped at the first counterexample (the default), rather than
    /// exploring on to count every outcome ([`Check::all_outcomes`](super::Check::all_outcomes)).
    pub stopped_at_first: bool,
    /// Executions the reducing search under shuttle stopped early, because each thread that
    /// could run had been explored from there already, to the same effect (they are "sleep-set
    /// blocked"): counted in `executions`, they reach no outcome.
    #[cfg_attr(feature = "serde", serde(default))]
    pub sleep_set_blocked: usize,
    /// The part of a split search this exploration was ([`Check::part`](super::Check::part)),
    /// `None` for the whole search.
    #[cfg_attr(feature = "serde", serde(default))]
    pub part: Option<Part>,
    /// Why the exploration could not run, for [`Verdict::Error`].
    pub error: Option<String>,
}

impl Report {
    /// True if this was an exhaustive search without a bound under a model checker: a proof
    /// that the verdict covers every execution, not a sample of them. A part of a split search
    /// is no proof on its own: the claim is proved when every part holds.
    pub fn is_proof(&self) -> bool {
        self.checker != Checker::RealThreads
            && self.part.is_none()
            && matches!(
                self.search,
                Search::Exhaustive {
                    preemption_bound: None
                } | Search::DepthFirst {
                    preemption_bound: None
                }
            )
            && !matches!(self.verdict, Verdict::Error | Verdict::Inconclusive)
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
        let refuted = !matches!(
            verdict,
            Verdict::Holds | Verdict::Error | Verdict::Inconclusive
        );
        assert!(
            !(refuted && self.checker.is_model_checker() && self.counterexample.is_none()),
            "a refuted claim needs its counterexample:\n{self}"
        );
        self
    }

    /// Writes the outcome table: a heading, then each outcome with the number of executions
    /// that reached it, as the report's [`Display`](fmt::Display) shows it.
    ///
    /// ```
    /// use threadproof::check::{Check, Verdict};
    ///
    /// let report = Check::new().run_claim(|| 6 * 7, |answer| *answer == 42);
    /// let mut table = String::new();
    /// report.write_outcomes(&mut table).unwrap();
    /// let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split_whitespace().collect()).collect();
    /// assert_eq!(rows[0], ["outcomes", "(executions", "reaching", "each):"]);
    /// assert_eq!(rows[1][0], "42");
    /// assert_eq!(rows[1][1], report.executions.to_string());
    /// ```
    pub fn write_outcomes(&self, out: &mut impl fmt::Write) -> fmt::Result {
        writeln!(out, "outcomes (executions reaching each):")?;
        for (outcome, count) in &self.outcomes {
            writeln!(out, "  {outcome:<40} {count}")?;
        }
        Ok(())
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
        match self.part {
            Some(part) => format!(
                "{}, part {} of {} (a proof when every part holds)",
                self.search,
                part.index(),
                part.count()
            ),
            None => self.search.to_string(),
        }
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
        if let Some(limit) = &self.limit {
            if self.verdict == Verdict::Inconclusive {
                writeln!(f, "undecided: {limit}")?;
            } else {
                writeln!(f, "the search stopped early: {limit}")?;
            }
        }
        if self.stopped_at_first {
            writeln!(
                f,
                "stopped at the first counterexample, after {} executions \
                 (`Check::all_outcomes` explores on)",
                self.executions
            )?;
        }
        if self.timed_out_executions > 0 {
            writeln!(
                f,
                "a wait timed out in {} of the executions",
                self.timed_out_executions
            )?;
        }
        if self.sleep_set_blocked > 0 {
            writeln!(
                f,
                "{} of the executions stopped early, each the same as one explored \
                 before (sleep-set blocked)",
                self.sleep_set_blocked
            )?;
        }
        if !self.outcomes.is_empty() {
            self.write_outcomes(f)?;
        }
        if let Some(counterexample) = &self.counterexample {
            write!(f, "{counterexample}")?;
        }
        Ok(())
    }
}
