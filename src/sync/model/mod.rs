//! The model backend: the facade's `Mutex`, `Condvar`, threads and timed waits, built on the
//! model checker's own primitives: loom's under `--cfg loom`, shuttle's under `--cfg shuttle`.
//! Every operation is a point where the checker may switch threads; loom explores every
//! interleaving (up to its preemption bound, when one is set), shuttle's schedulers explore them
//! exhaustively (DFS) or by sampling (PCT).
//!
//! The two checkers offer the same API, named `rt` here; what differs between them is how the
//! thread of one wait sleeps ([`sleeper`]) and how a thread is told apart
//! ([`thread::token`]).
//!
//! Neither checker models time: loom's `Condvar::wait_timeout` never times out, nor does
//! shuttle's. Here time is part of the model, by the rules
//! [`Timing`](crate::check::Timing) states; this is how any timing is built:
//!
//! - Each wait has a `Slot` of its own, queued on the condition variable: a notify ends the
//!   first slot that still waits, and a timer ends a slot by timing it out. Whichever comes
//!   first decides, and the checker orders the two (the `Slot` says how), so it explores both;
//!   a waiter that timed out is never the one a later notify wakes.
//! - A call that blocks with a timeout starts a [`Timer`](timer::Timer): a thread of the model
//!   whose one step is "the deadline passes now". The checker schedules that step at every
//!   point it can matter (loom's partial-order reduction orders it only against what it
//!   touches), so the deadline may pass before the call's first wait, between two of its waits
//!   or during one, and the timed-out thread may run straight on. A state in which every thread
//!   waits is no deadlock while a timer can still fire: the timer can run.
//!
//! The timer is a thread of the model, so under loom a program has one thread fewer to spend
//! (`loom::MAX_THREADS` is 5, the main thread included) for each of its calls that blocks with a
//! timeout. The slots' queue is plain data: all of a checker's threads run on one
//! operating-system thread, and every notify happens under the waiters' mutex, which orders it
//! for the checker against every wait.
//!
//! Under virtual timing a deadline is a time on the execution's virtual clock instead, and the
//! clock, not a timer, ends the wait (see `clock`).

#[cfg(loom)]
use ::loom as rt;
#[cfg(shuttle)]
use ::shuttle as rt;

// The checker's per-execution runtime: the virtual clock, the record, and what steps touch.
use crate::check::runtime::access::{self, Kind};
pub(crate) use crate::check::runtime::access::{new_object, Object};
use crate::check::runtime::{choices, clock, record};

mod condvar;
mod deadline;
mod mutex;
mod sleeper;
mod slot;
pub mod thread;
mod timer;

pub use rt::sync::atomic;
pub(crate) mod raw_atomic;
mod real_time;

pub(crate) use condvar::Condvar;
pub(crate) use deadline::Deadline;
pub(crate) use mutex::{Mutex, MutexGuard};
pub(crate) use real_time::RealTime;

/// Runs `op`, an operation of the checker's that may switch threads and touches `accesses`,
/// telling the checker's runtime what it touches ([`access`]): the search that reorders only
/// related steps must know each step of the model. Every call into the checker that may switch
/// threads goes through here (or [`operation_touching_everything`]).
fn operation<R>(accesses: &[(Object, Kind)], op: impl FnOnce() -> R) -> R {
    if !cfg!(shuttle) {
        return op();
    }
    access::announce(accesses);
    let result = op();
    access::done();
    result
}

/// Runs `op`, an operation of the checker's on `object` that may switch threads: a read, or
/// (`write`) a write. An atomic's load is a read; every other operation on it is a write.
#[inline]
pub(crate) fn on_object<R>(object: Object, write: bool, op: impl FnOnce() -> R) -> R {
    let kind = if write { Kind::Write } else { Kind::Read };
    operation(&[(object, kind)], op)
}

/// Runs `op`, an operation of the checker's that blocks unless `can_go_on()` (a join), and
/// touches `accesses` from its first switch on (see `access::announce_blocking`).
fn operation_blocking<R>(
    accesses: &[(Object, Kind)],
    can_go_on: std::rc::Rc<dyn Fn() -> bool>,
    op: impl FnOnce() -> R,
) -> R {
    if !cfg!(shuttle) {
        return op();
    }
    access::announce_blocking(accesses, can_go_on);
    let result = op();
    access::done();
    result
}

/// Runs `op`, an operation of the checker's that may switch threads, as a step that may touch
/// anything (a yield: it lets the checker run another thread, whatever that thread does).
fn operation_touching_everything<R>(op: impl FnOnce() -> R) -> R {
    if !cfg!(shuttle) {
        return op();
    }
    access::announce_everything();
    let result = op();
    access::done();
    result
}

/// The value behind a checker's lock result: a panic never poisons a lock for later users.
fn unpoison<G>(result: Result<G, std::sync::PoisonError<G>>) -> G {
    result.unwrap_or_else(|poisoned| poisoned.into_inner())
}
