//! What happened in one checker execution: the steps threads took, who holds which primitive
//! and who waits for what.
//!
//! Under `--cfg loom` or `--cfg shuttle` the primitives report here when a thread acquires,
//! releases, starts or stops waiting; programs add their own steps with [`step`] and name their
//! primitives with [`label`]. When an execution stops with every thread waiting, [`blocked`]
//! tells which threads were stuck, on what, and what they held: the wait-for graph, from this
//! crate's own record.
//!
//! Threads are known by identity (a number the facade gives each thread) and
//! named as Python names them: a thread's own name, else `Thread-1`, `Thread-2`, ... in the
//! order they were spawned, and `MainThread` for the thread that runs the program. Objects
//! are known by a number each gets when it is made, in that execution: an object made after
//! another was dropped is a new object, even at the same address. Unlabelled objects are
//! called by their kind and their number among objects of that kind, such as `Lock#2`.
//!
//! All of a checker's threads run on one operating-system thread, so the record is kept per
//! operating-system thread: checker tests running in parallel do not mix their records. The
//! explorer starts a new record at the start of each execution.
//!
//! In a normal build nothing is recorded and every function here does nothing, at no cost.

use std::fmt;

/// One recorded step of an execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    /// The thread's name: its own, or Python's default (`Thread-1`, ..., `MainThread`).
    pub thread: String,
    /// What it did, such as `acquire lock_a` or `read num`.
    pub action: String,
    /// What it saw or got, such as `100` or `blocks: held by Thread-2`; empty if nothing.
    pub value: String,
    /// When, on the execution's virtual clock (always zero under any timing).
    pub at: std::time::Duration,
}

/// A thread that was waiting when the record was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// The waiting thread's name.
    pub thread: String,
    /// What it waits for, such as `acquire lock_a`, `wait event` or `join Thread-2`.
    pub waits_for: String,
    /// The name of the object it waits on (for a join, the thread it joins).
    pub object: String,
    /// The names of what it holds, sorted.
    pub holds: Vec<String>,
    /// Who holds the object it waits on (for locks: in the order they took it; for a join,
    /// the thread joined while it runs).
    pub object_held_by: Vec<String>,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}: {}", self.thread, self.action)
        } else {
            write!(f, "{}: {} -> {}", self.thread, self.action, self.value)
        }
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.thread)?;
        if !self.holds.is_empty() {
            write!(f, " holds {} and", self.holds.join(", "))?;
        }
        write!(f, " waits for {}", self.waits_for)?;
        if !self.object_held_by.is_empty() {
            write!(f, " (held by {})", self.object_held_by.join(", "))?;
        }
        Ok(())
    }
}

/// A primitive the trace can name: every primitive of this crate. See [`label`].
pub trait Traced: Sealed {}

impl<T: Sealed + ?Sized> Traced for T {}

pub(crate) use crate::sync::record::{Id, Sealed};

use crate::sync::record;
pub(crate) use crate::sync::record::ENABLED;

/// Implements [`Traced`] for a primitive whose identity is the field path `$($field).+`.
macro_rules! traced {
    ($type:ty, $($field:ident).+) => {
        impl $crate::sync::trace::Sealed for $type {
            #[inline(always)]
            fn trace_id(&self) -> $crate::sync::trace::Id {
                self.$($field).+
            }
        }
    };
}
pub(crate) use traced;

/// Starts a new record for an execution run by the calling thread, `MainThread`.
pub(crate) fn reset() {
    record::reset();
}

/// Names `primitive` in the trace (`lock_a`, `event`...) for the rest of the execution.
/// Unlabelled primitives are called by their kind and number, such as `Lock#1`.
pub fn label<T: Traced + ?Sized>(primitive: &T, name: impl Into<String>) {
    if ENABLED {
        record::label(primitive.trace_id(), name.into());
    }
}

/// Records a step of the calling thread: what it did, and what it saw.
pub fn step(action: impl Into<String>, value: impl fmt::Display) {
    if ENABLED {
        record::step(action.into(), value.to_string());
    }
}

/// The action of a step that [`print`] records.
pub(crate) const PRINT: &str = "print";

/// Records a line the program prints (Python's `print(line)`): a step of the calling thread,
/// and a line of the execution's output, which a [`Check`](crate::check::Check) can collect.
pub fn print(line: impl fmt::Display) {
    step(PRINT, line);
}

/// The steps recorded so far in this execution, in the order they happened.
pub(crate) fn steps() -> Vec<Step> {
    record::steps()
}

/// The threads waiting now, each with what it waits for and what it holds: when an execution
/// stops with every thread waiting, this is the wait-for graph.
pub fn blocked() -> Vec<Blocked> {
    record::blocked()
}

/// Whether every thread of the execution that has started and not finished is waiting on a
/// primitive or a join: the execution can go no further without a timeout.
pub(crate) fn stuck() -> bool {
    record::stuck()
}

/// How many waits of this execution ended by timing out.
pub(crate) fn timeouts() -> usize {
    record::timeouts()
}

/// The calling thread has finished: it no longer runs, holds itself or waits. A thread that
/// finishes by panicking is left as it was: it did not finish its work, and a checker may be
/// unwinding it after its execution is gone.
pub(crate) fn finished() {
    if !std::thread::panicking() {
        record::finished();
    }
}

/// Records a step of the calling thread on `id` that changes nobody's holds or waits: a nested
/// acquire of a reentrant lock (`acquire r_lock (count 2)`), a notify. The action is `verb`,
/// the object's name, then `detail` unless it is empty.
#[inline(always)]
pub(crate) fn step_on(id: Id, verb: &'static str, detail: impl fmt::Display) {
    if ENABLED {
        record::step_on(id, verb, detail.to_string());
    }
}

/// Records that the calling thread now holds `id` (`verb` says how, such as `acquire`).
#[inline(always)]
pub(crate) fn acquired(id: Id, verb: &'static str) {
    record::acquired(id, verb);
}

/// Records that `id` was released by the calling thread (or, for a `Lock`, on its behalf).
#[inline(always)]
pub(crate) fn released(id: Id, verb: &'static str) {
    record::released(id, verb);
}

/// Records that the calling thread is about to block on `id` (`verb`: `acquire`, `wait`...).
#[inline(always)]
pub(crate) fn blocking(id: Id, verb: &'static str) {
    record::blocking(id, verb);
}

/// Records that the calling thread stopped waiting without acquiring anything (a wait that was
/// notified, or timed out). Not while the thread panics: a checker that stops an execution
/// with every thread waiting may unwind the waiting threads, and the record of their waits must
/// stay as it was.
#[inline(always)]
pub(crate) fn unblocked() {
    if !std::thread::panicking() {
        record::unblocked();
    }
}

/// Records that the calling thread's wait to `verb` `id` timed out.
#[inline(always)]
pub(crate) fn timed_out(id: Id, verb: &'static str) {
    record::timed_out(id, verb);
}
