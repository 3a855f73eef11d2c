//! What happened in one checker execution: the steps threads took, who holds which primitive
//! and who waits for what.
//!
//! Under `--cfg loom` or `--cfg shuttle` the primitives report here when a thread acquires,
//! releases, starts or stops waiting, and every operation on a
//! [`sync::atomic`](crate::sync::atomic) value is a step (`read x` → `3`, `write x` → `2`,
//! `x.fetch_add(1)` → `2`); programs add their own steps with [`step`] and name their
//! primitives and atomics with [`label`]. When an execution stops with every thread waiting, [`blocked`]
//! tells which threads were stuck, on what, and what they held: the wait-for graph, from this
//! crate's own record.
//!
//! Threads are named as Python names them: a thread's own name, else `Thread-1`, `Thread-2`,
//! ... in the order they were spawned, and `MainThread` for the thread that runs the program.
//! Unlabelled objects are called by their kind and their number among objects of that kind in
//! the execution, such as `Lock#2`.
//!
//! In a normal build nothing is recorded and every function here does nothing, at no cost.

use std::fmt;

use crate::check::runtime::record;
pub(crate) use crate::check::runtime::record::ENABLED;
use crate::sync::thread::token;

pub use crate::check::runtime::record::Blocked;
pub(crate) use crate::check::runtime::record::{Id, Sealed};

/// A primitive the trace can name: every primitive of this crate, and the atomics of
/// [`sync::atomic`](crate::sync::atomic). See [`label`].
pub trait Traced: Sealed {}

impl<T: Sealed + ?Sized> Traced for T {}

/// Implements [`Traced`] for a primitive whose identity is the field path `$($field).+`.
macro_rules! impl_traced {
    ($type:ty, $($field:ident).+) => {
        impl $crate::trace::Sealed for $type {
            #[inline(always)]
            fn trace_id(&self) -> $crate::trace::Id {
                self.$($field).+
            }
        }
    };
}
pub(crate) use impl_traced;

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
        record::step(token(), action.into(), value.to_string());
    }
}

/// Records a line the program prints (Python's `print(line)`): a step of the calling thread,
/// and a line of the execution's output, which a [`Check`](crate::check::Check) can collect.
pub fn print(line: impl fmt::Display) {
    step(record::PRINT, line);
}

/// The threads waiting now, each with what it waits for and what it holds: when an execution
/// stops with every thread waiting, this is the wait-for graph.
pub fn blocked() -> Vec<Blocked> {
    record::blocked()
}

/// Records a step of the calling thread on `id` that changes nobody's holds or waits: a nested
/// acquire of a reentrant lock (`acquire r_lock (count 2)`), a notify. The action is `verb`,
/// the object's name, then `detail` unless it is empty.
#[inline(always)]
pub(crate) fn step_on(id: Id, verb: &'static str, detail: impl fmt::Display) {
    if ENABLED {
        record::step_on(token(), id, verb, detail.to_string());
    }
}

/// Records that the calling thread now holds `id` (`verb` says how, such as `acquire`).
#[inline(always)]
pub(crate) fn acquired(id: Id, verb: &'static str) {
    if ENABLED {
        record::acquired(token(), id, verb);
    }
}

/// Records that `id` was released by the calling thread (or, for a `Lock`, on its behalf).
#[inline(always)]
pub(crate) fn released(id: Id, verb: &'static str) {
    if ENABLED {
        record::released(token(), id, verb);
    }
}

/// Records that the calling thread is about to block on `id` (`verb`: `acquire`, `wait`...),
/// with no timeout.
#[inline(always)]
pub(crate) fn blocking(id: Id, verb: &'static str) {
    if ENABLED {
        record::blocking(token(), id, verb, true);
    }
}
