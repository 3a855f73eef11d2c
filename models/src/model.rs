//! What a model is: a small program from the tutorial, the claim the tutorial makes about it,
//! and the verdict the checkers must reach.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A verdict on a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The claim holds in every explored execution, and every thread finishes.
    Holds,
    /// Some execution finishes with the claim false.
    Violated,
    /// Some execution reaches a state where threads wait for each other in a cycle.
    Deadlocks,
    /// Some execution reaches a state where a thread waits for something nobody will do, with
    /// no cycle of locks (a lost wake-up).
    Hangs,
    /// The run did not complete: the program panicked, or the checker refused the search.
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

/// The size of one run of a model: how many threads, and one number whose meaning the model
/// states (the counter's start value, the semaphore's value, how many items are produced).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    /// Threads spawned besides the main thread and a boss or producer, if the model has one;
    /// see [`Model::threads_are`].
    pub threads: usize,
    /// The model's own number; see [`Model::value_means`].
    pub value: usize,
}

/// What one execution of a model ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ending {
    /// What the execution reached, as the outcome table shows it (`num = 1`).
    pub outcome: String,
    /// Whether the claim held in this execution.
    pub claim_holds: bool,
}

impl Ending {
    /// An ending with outcome `outcome`, and whether the claim held.
    pub fn new(outcome: impl Into<String>, claim_holds: bool) -> Self {
        Self {
            outcome: outcome.into(),
            claim_holds,
        }
    }
}

/// A scenario of the tutorial, with its claim and expected verdict.
#[derive(Clone, Copy, Debug)]
pub struct Model {
    /// The model's name (`counter_unlocked`).
    pub name: &'static str,
    /// The tutorial section it comes from.
    pub section: &'static str,
    /// The claim, in a sentence.
    pub claim: &'static str,
    /// The verdict the checkers must reach.
    pub expected: Verdict,
    /// Who [`Size::threads`] counts for this model (`threads`, `workers`, `consumers`).
    pub threads_are: &'static str,
    /// What [`Size::value`] means for this model.
    pub value_means: &'static str,
    /// The size explored exhaustively (at most 4 threads in all, for loom).
    pub small: Size,
    /// The tutorial's own size, sampled with shuttle's PCT.
    pub tutorial: Size,
    /// An outcome some execution must reach for the claim to hold (the semaphore's limit is
    /// reached), given the size.
    pub must_reach: Option<fn(Size) -> String>,
    /// Runs one execution: spawns the threads, joins them, and says how it ended.
    pub program: fn(Size) -> Ending,
}
