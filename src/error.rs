//! The errors of the threading primitives. Each displays CPython's message for the same mistake.

use std::error::Error;
use std::fmt;

/// A release that CPython would refuse: nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReleaseError {
    /// [`Lock::release`](crate::Lock::release) of a lock that is not held
    /// (Python: `RuntimeError: release unlocked lock`).
    Unlocked,
    /// [`RLock::release`](crate::RLock::release) by a thread that does not own it
    /// (Python: `RuntimeError: cannot release un-acquired lock`).
    NotOwned,
    /// A [`BoundedSemaphore`](crate::BoundedSemaphore) released past its initial value
    /// (Python: `ValueError: Semaphore released too many times`).
    TooManyReleases,
    /// `release_n(0)` (Python: `ValueError: n must be one or more`).
    ZeroCount,
    /// A plain [`Semaphore`](crate::Semaphore) released past `usize::MAX`, the most its value
    /// can hold (CPython's integers have no such limit).
    Overflow,
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unlocked => "release unlocked lock",
            Self::NotOwned => "cannot release un-acquired lock",
            Self::TooManyReleases => "Semaphore released too many times",
            Self::ZeroCount => "n must be one or more",
            Self::Overflow => "Semaphore value would exceed usize::MAX",
        })
    }
}

impl Error for ReleaseError {}

/// A [`Barrier`](crate::Barrier) wait that failed because the barrier is broken: it was
/// aborted, reset while this thread waited, a timed wait expired, or the action panicked
/// (Python: `threading.BrokenBarrierError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct BrokenBarrierError;

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("barrier is broken")
    }
}

impl Error for BrokenBarrierError {}

/// `Barrier::new(0)`: a barrier needs at least one party
/// (Python: `ValueError: parties must be > 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct PartiesError;

impl fmt::Display for PartiesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("parties must be > 0")
    }
}

impl Error for PartiesError {}
