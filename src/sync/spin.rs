//! Waiting a moment before blocking, on real threads only.
//!
//! A thread that cannot go on (a get on an empty queue, a put on a full one) often could a
//! moment later, when another thread on another core has done its part. Blocking on a
//! condition variable and being woken costs system calls and context switches, many times the
//! cost of that moment; so on real threads a primitive may first watch for the change for a
//! few rounds of a [`Backoff`], reading a [`Hint`] that its lock holders keep up to date, and
//! block only if the change does not come. Whatever the hint says, the primitive re-checks its
//! state under its lock before it acts: the hint only decides when to look.
//!
//! The model checkers must explore exactly the program they explored before, so in checker
//! builds [`SPIN_LIMIT`] is 0: a `Backoff` is spent from the start and nobody reads a `Hint`.
//! A `Hint` is a `std` atomic in every build, which the checkers do not see.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many rounds a [`Backoff`] allows before its thread should block: 10 on real threads
/// (about a microsecond of spinning, then a few yields of the processor), 0 in checker builds.
pub const SPIN_LIMIT: u32 = if cfg!(any(loom, shuttle)) { 0 } else { 10 };

/// Rounds after which a [`Backoff`] yields the processor instead of spinning.
const YIELD_AFTER: u32 = 6;

/// A budget of short waits before blocking: spins that double in length, then yields of the
/// processor (to let a descheduled thread that would make the change run), as
/// crossbeam's `Backoff::snooze`.
#[derive(Debug, Default)]
pub struct Backoff {
    step: u32,
}

impl Backoff {
    /// A full budget of [`SPIN_LIMIT`] rounds.
    #[inline]
    pub fn new() -> Self {
        Self { step: 0 }
    }

    /// True once the budget is spent: the caller should block. Always true in checker builds.
    #[inline]
    #[cfg_attr(
        any(loom, shuttle),
        expect(
            clippy::absurd_extreme_comparisons,
            reason = "the limit is 0 in checker builds on purpose: no spinning at all"
        )
    )]
    pub fn is_completed(&self) -> bool {
        self.step >= SPIN_LIMIT
    }

    /// Waits one round, or does nothing once the budget is spent.
    #[inline]
    pub fn snooze(&mut self) {
        if self.is_completed() {
            return;
        }
        if self.step <= YIELD_AFTER {
            for _ in 0..1u32 << self.step {
                std::hint::spin_loop();
            }
        } else {
            std::thread::yield_now();
        }
        self.step += 1;
    }
}

/// A number that lock holders publish for threads watching without the lock, such as how many
/// items a queue holds. Written and read with relaxed ordering: a reader may see it late, so it
/// tells only when to take the lock and look.
#[derive(Debug, Default)]
pub struct Hint(AtomicUsize);

impl Hint {
    /// A hint that says `value`.
    pub const fn new(value: usize) -> Self {
        Self(AtomicUsize::new(value))
    }

    /// Publishes `value`.
    #[inline]
    pub fn set(&self, value: usize) {
        self.0.store(value, Ordering::Relaxed);
    }

    /// The last value published (or a recent one).
    #[inline]
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}
