//! What a model is: a small program from the tutorial, the claim the tutorial makes about it,
//! and the verdict the checkers must reach.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use threadproof::check::Verdict;

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

/// What one execution of a model ended with. Its `Debug`, as its `Display`, is the outcome, as
/// the outcome table shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Ending {
    /// What the execution reached, as the outcome table shows it (`num = 1`).
    pub outcome: String,
    /// Whether the claim held in this execution.
    pub claim_holds: bool,
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.outcome)
    }
}

impl fmt::Debug for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.outcome)
    }
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
    /// The verdict the checkers must reach under any timing.
    pub expected: Verdict,
    /// The verdict they must reach under the tutorial's own timing: the snippet's sleeps (see
    /// [`Model::timing`]) on a virtual clock.
    pub expected_virtual: Verdict,
    /// The snippet's sleeps, which the model makes on the virtual clock (`time.sleep(2)`).
    pub timing: &'static str,
    /// Why the two verdicts differ, in a sentence; `None` when they agree.
    pub timing_lesson: Option<&'static str>,
    /// What the tutorial shows its own run printing, as the model prints it (one line each,
    /// `time.ctime()` as seconds since the start, `0s`), if the tutorial shows an output; see
    /// [`Model::printed_is_prefix`].
    pub tutorial_printed: Option<&'static str>,
    /// Whether the tutorial's output is the start of what the program prints (its loop runs
    /// forever, and the tutorial shows the first lines), rather than all of it.
    pub printed_is_prefix: bool,
    /// Who [`Size::threads`] counts for this model (`threads`, `workers`, `consumers`).
    pub threads_are: &'static str,
    /// What [`Size::value`] means for this model.
    pub value_means: &'static str,
    /// The size explored exhaustively (at most 4 threads in all, for loom).
    pub small: Size,
    /// The tutorial's own size: sampled with shuttle's PCT under any timing, and explored
    /// under the tutorial's timing.
    pub tutorial: Size,
    /// An outcome some execution must reach for the claim to hold (the semaphore's limit is
    /// reached), given the size.
    pub must_reach: Option<fn(Size) -> String>,
    /// Runs one execution: spawns the threads, joins them, and says how it ended.
    pub program: fn(Size) -> Ending,
}

impl Model {
    /// `size` in this model's words: `threads = 2, start = 2`.
    pub fn describe(&self, size: Size) -> String {
        format!(
            "{} = {}, {} = {}",
            self.threads_are, size.threads, self.value_means, size.value
        )
    }
}
