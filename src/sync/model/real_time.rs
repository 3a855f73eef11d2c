//! The real-time order of a checked program's operations (a linearizability check's
//! invocations and responses): each point is a step of the checker's, so a search that
//! reorders only related steps still explores every order of a response and an invocation on
//! other threads; and a point after another, on another thread, happens after it.

use super::raw_atomic::{AtomicUsize, Ordering::SeqCst};

/// Points in the real-time order: an invocation loads an atomic, a response swaps it. Two
/// invocations touch nothing in common, and a search need not order them.
///
/// Under loom, whose loads may read values already overwritten, the order must also be a
/// happens-before order, or a correct object looks not linearizable (a later operation's load
/// reading what an earlier one had overwritten). Each response is a read-modify-write, so the
/// responses are one modification order, each after the one before; a `SeqCst` load reads no
/// `SeqCst` store older than another, so an invocation reads the last response, and
/// synchronizes with it and with every response before it. The atomic's first value is stored
/// again with `SeqCst` for that reason: loom does not count the value it was made with as a
/// `SeqCst` store. (A response that stores instead of swapping does not do: loom may leave
/// stores of two threads unordered.)
#[derive(Debug)]
pub(crate) struct RealTime(AtomicUsize);

impl RealTime {
    pub(crate) fn new() -> Self {
        let point = AtomicUsize::new(0);
        point.store(0, SeqCst);
        RealTime(point)
    }

    /// Runs `at`, the taking of an invocation's place in the order.
    pub(crate) fn invocation<R>(&self, at: impl FnOnce() -> R) -> R {
        self.0.load(SeqCst);
        at()
    }

    /// Runs `at`, the taking of a response's place in the order.
    pub(crate) fn response<R>(&self, at: impl FnOnce() -> R) -> R {
        self.0.swap(0, SeqCst);
        at()
    }
}
