//! The facade: the one module that chooses between real threads and the model checkers.
//!
//! Every primitive in this crate is written once, against the names this module defines. A
//! normal build uses real threads and `parking_lot`'s mutex and condition variable
//! (poison-free); `RUSTFLAGS="--cfg loom"` uses [loom](https://docs.rs/loom)'s, and
//! `RUSTFLAGS="--cfg shuttle"` uses [shuttle](https://docs.rs/shuttle)'s, so the same code is
//! explored over all interleavings. Two backends supply the mutex, condition variable, threads
//! and deadlines: `std` for real threads, and `model` for both checkers (which offer the same
//! API).
//!
//! What a checked program needs is public, the same in every configuration:
//! - [`thread`]: `spawn`, `Builder`, `JoinHandle`, `current`, `yield_now`, `sleep`,
//! - [`atomic`]: `AtomicBool` and the integer atomics of every width, `Ordering`, which the
//!   checkers explore,
//! - [`Arc`] (std's, in every configuration),
//! - [`time`]: the clock as the program sees it; [`random`]: choices the checkers explore.
//!
//! Programs checked with loom or shuttle spawn with [`thread::spawn`] and take thread identity
//! from [`thread::current`]: all of a checker's threads run on one operating-system thread, so
//! `std::thread::current()` cannot tell them apart.
//!
//! Every primitive blocks through one wait, `wait_for`, and says how long it may wait with a
//! deadline; time is this module's business, never a primitive's. Under the checkers time is
//! part of the model, as [`Timing`](crate::check::Timing) says: under any timing a timed wait
//! may be woken or time out at any point, and a sleep takes no time; under virtual timing
//! both take exactly their duration on the execution's clock, which [`time::now`] reads.
//! Random choices ([`random`]) are explored, each value with every interleaving.
//!
//! This module reports what threads do to the checker's runtime (`crate::check::runtime`),
//! which records it; it imports nothing else of the crate.

#[cfg(all(loom, shuttle))]
compile_error!("`--cfg loom` and `--cfg shuttle` select different model checkers: pass only one");

#[cfg(not(any(loom, shuttle)))]
mod std;
#[cfg(not(any(loom, shuttle)))]
use self::std as backend;

#[cfg(any(loom, shuttle))]
use crate::check::runtime::clock;
#[cfg(any(loom, shuttle))]
mod model;
#[cfg(any(loom, shuttle))]
use self::model as backend;

pub mod atomic;
pub(crate) mod spin;

/// The backend's own atomics, which the trace does not record: the primitives' insides (a
/// lock word, an owner), whose steps the primitives report in their own words.
pub(crate) use backend::raw_atomic;
pub mod thread;
mod wait;

pub(crate) use wait::{wait_for, Blocking, Deadline, Waiters};

pub(crate) use backend::{Condvar, Mutex, MutexGuard, RealTime};
// std's `Arc`, in every configuration: when loom stops an execution with every thread waiting,
// it unwinds the waiting threads after the execution is gone, and dropping a loom `Arc` then
// panics inside a destructor, which aborts the process. Reference counts are no part of what
// this crate's users check.
pub use ::std::sync::Arc;

/// Time as the program sees it.
pub mod time {
    use std::time::Duration;

    /// The time since the execution began (Python's `time.monotonic()`, counted from the
    /// start).
    ///
    /// Under a checker's virtual timing ([`Timing::Virtual`](crate::check::Timing::Virtual)) this is
    /// the execution's virtual clock, which only sleeps and timeouts move; under any timing no
    /// time passes and it is always zero. On real threads it is the time since the first call
    /// in this process.
    pub fn now() -> Duration {
        #[cfg(any(loom, shuttle))]
        {
            super::clock::now()
        }
        #[cfg(not(any(loom, shuttle)))]
        {
            static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
            START.get_or_init(std::time::Instant::now).elapsed()
        }
    }
}

/// Random choices the checkers explore.
pub mod random {
    use crate::check::runtime::{choices, record};

    /// A number in `0..stop`, as Python's `random.randrange(stop)`; `None` if the range is
    /// empty (Python raises `ValueError: empty range for randrange()`).
    ///
    /// Under a checker, inside a [`Check`](crate::check::Check), this is a
    /// choice the exhaustive search explores: every value, each with every interleaving (PCT
    /// samples one value per call). The choice is recorded in the trace. On real threads it is
    /// random.
    pub fn randrange(stop: u64) -> Option<u64> {
        if stop == 0 {
            return None;
        }
        let value = choices::choose(stop);
        if record::ENABLED {
            record::step(
                super::thread::token(),
                format!("randrange({stop})"),
                value.to_string(),
            );
        }
        Some(value)
    }

    /// Sleeps for one of `durations`, chosen as [`randrange`] chooses: Python's
    /// `time.sleep(random.choice(durations))`.
    ///
    /// Under any timing a sleep takes no time whatever its duration, so no choice is made
    /// there (the checker does not explore values that cannot differ); under virtual timing
    /// and on real threads the duration is chosen, then slept. An empty list sleeps not at all.
    pub fn sleep(durations: &[std::time::Duration]) {
        #[cfg(any(loom, shuttle))]
        if super::clock::virtual_now().is_none() {
            return;
        }
        if let Some(index) = randrange(durations.len() as u64) {
            super::thread::sleep(durations[index as usize]);
        }
    }
}

/// One operation of one of the crate's primitives (an acquire, a put, a wait...), from the
/// guard's making to its drop. Under shuttle, unless the check explores the primitives'
/// insides ([`Check::inside_primitives`](crate::check::Check::inside_primitives)), the checker
/// switches threads at the operation's start and where it blocks, never elsewhere inside it:
/// the operation is one step of the user's program. A primitive marks each of its operations
/// so, and never runs the user's code (a predicate, a barrier's action) inside the mark.
#[must_use = "the operation lasts as long as the guard"]
pub(crate) struct Operation(());

impl Operation {
    /// An operation starts.
    #[inline(always)]
    pub(crate) fn begin() -> Self {
        #[cfg(any(loom, shuttle))]
        crate::check::runtime::access::operation_begins();
        Self(())
    }
}

#[cfg(any(loom, shuttle))]
impl Drop for Operation {
    fn drop(&mut self) {
        crate::check::runtime::access::operation_ends();
    }
}

/// Runs `release` from a guard's destructor.
///
/// When a loom execution ends in a deadlock, loom unwinds the stacks of the blocked threads
/// after the execution is gone, and a guard dropped then cannot reach the checker: its release
/// fails. That failure must not abort the test binary, so in checker builds a release made
/// while unwinding is allowed to fail.
#[inline(always)]
pub(crate) fn release_in_drop(release: impl FnOnce()) {
    if cfg!(any(loom, shuttle)) && ::std::thread::panicking() {
        let _ = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(release));
    } else {
        release();
    }
}

/// Keeps a documentation example in a normal build, and replaces it with an empty `main` in a
/// checker build.
///
/// The examples in these docs use real threads (`std::thread`). A checker build's primitives
/// only work inside one of the checker's explorations, and `cargo test` compiles the examples
/// against whichever build it tests; so each example is wrapped in this macro (in hidden lines)
/// and runs where it can run: in the normal build.
#[cfg(not(any(loom, shuttle)))]
#[macro_export]
#[doc(hidden)]
macro_rules! real_threads_only {
    ($($example:tt)*) => { $($example)* };
}

/// Keeps a documentation example in a normal build, and replaces it with an empty `main` in a
/// checker build (see the normal build's definition).
#[cfg(any(loom, shuttle))]
#[macro_export]
#[doc(hidden)]
macro_rules! real_threads_only {
    ($($example:tt)*) => {
        #[allow(dead_code)]
        fn main() {}
    };
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::random;

    /// On real threads `randrange` is random: within its range, and not stuck on one value.
    #[test]
    fn randrange_on_real_threads_stays_in_range_and_varies() {
        let values: Vec<u64> = (0..400).map(|_| random::randrange(10).unwrap()).collect();
        assert!(values.iter().all(|&v| v < 10), "{values:?}");
        for wanted in 0..10 {
            assert!(values.contains(&wanted), "{wanted} never drawn: {values:?}");
        }
        assert_eq!(random::randrange(0), None);
    }
}
