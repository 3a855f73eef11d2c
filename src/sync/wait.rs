//! The one wait: every primitive of the crate blocks through [`wait_for`].
//!
//! A primitive keeps its state under a facade [`Mutex`](super::Mutex) and waits on a facade
//! [`Condvar`] until its state says it can go on. `wait_for` is that loop, written once: check
//! the state, give up once the [`Deadline`] has passed, otherwise wait and check again. It also
//! keeps the trace's record of who waits for what (the thread is recorded as blocked when it
//! first waits, and as no longer blocked whenever it leaves, a panic included), and the
//! primitive's count of waiting threads, which tells a notifier whether anyone needs waking.
//!
//! Time is the facade's business: a primitive says how long it may wait ([`Deadline::within`])
//! and never reads a clock. Each backend has its own [`Deadline`]: on real threads an instant;
//! under the model checkers the model's (see the model backend's docs), so that the checker
//! explores both the wait that is woken and the wait that times out.

use std::fmt;

pub(crate) use super::backend::Deadline;
use super::{Condvar, MutexGuard};
use crate::check::runtime::record::{self, Id, Sealed};

/// What a thread waiting on a primitive records in the trace: the primitive, and what the
/// thread waits to do.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Blocking {
    object: Id,
    verb: &'static str,
}

impl Blocking {
    /// A thread waits on `object` to `verb` it (`acquire`, `get`).
    #[inline]
    pub(crate) fn on(object: &impl Sealed, verb: &'static str) -> Self {
        Self {
            object: object.trace_id(),
            verb,
        }
    }
}

/// Records the calling thread as blocked on its first wait, and as unblocked when dropped.
struct Recorded {
    blocking: Blocking,
    blocked: bool,
}

impl Recorded {
    /// The thread waits, until `deadline`.
    #[inline]
    fn block(&mut self, deadline: &Deadline) {
        if !self.blocked {
            self.blocked = true;
            if record::ENABLED {
                record::blocking(
                    super::thread::token(),
                    self.blocking.object,
                    self.blocking.verb,
                    deadline.is_never(),
                );
            }
        }
    }

    /// The wait timed out: recorded if the thread had blocked.
    #[inline]
    fn timed_out(&self) {
        if self.blocked && record::ENABLED {
            record::timed_out(
                super::thread::token(),
                self.blocking.object,
                self.blocking.verb,
            );
        }
    }
}

impl Drop for Recorded {
    #[inline]
    fn drop(&mut self) {
        // Not while the thread panics: a checker that stops an execution with every thread
        // waiting may unwind the waiting threads, and the record of their waits must stay.
        if record::ENABLED && self.blocked && !std::thread::panicking() {
            record::unblocked(super::thread::token());
        }
    }
}

/// How many threads wait on a condition variable, as the threads that notify it see it:
/// [`wait_for`] counts a thread in before it waits and out once it has the mutex back, and a
/// notifier that finds nobody counted ([`any`](Waiters::any) false) skips the notification.
///
/// It takes two bytes, so that a queue's whole state fits beside its lock word on one cache
/// line. Should 65,535 threads ever wait at once, the count sticks at that value for good: from
/// then on it says that threads may be waiting, and notifiers notify as though they were, which
/// is always correct (a notification nobody receives changes nothing), only slower.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Waiters(u16);

impl Waiters {
    /// The value at which the count stops counting.
    const STUCK: u16 = u16::MAX;

    /// Nobody waits.
    pub(crate) const fn new() -> Self {
        Self(0)
    }

    /// Whether a thread may be waiting: false only if nobody is.
    #[inline]
    pub(crate) fn any(self) -> bool {
        self.0 != 0
    }

    /// How many threads wait; once the count has stuck, 65,535.
    #[inline]
    pub(crate) fn count(self) -> usize {
        usize::from(self.0)
    }

    /// A thread starts waiting.
    #[inline]
    fn enter(&mut self) {
        if self.0 != Self::STUCK {
            self.0 += 1;
        }
    }

    /// A waiting thread has stopped waiting.
    #[inline]
    fn leave(&mut self) {
        if self.0 != Self::STUCK {
            self.0 -= 1;
        }
    }
}

impl fmt::Debug for Waiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Waits on `condvar` until `ready` returns a value, or until `deadline` passes.
///
/// `ready` is called with the state under `guard`, first at once and then after every wake-up;
/// the first `Some` it returns is the result, so a state that is ready when the deadline passes
/// still counts (a permit that is there is taken). `None` in the result means the deadline
/// passed first. While the thread waits, the count `waiters` picks out of the state (if any)
/// counts it, so that notifiers can tell whether anyone waits. The thread is recorded in the
/// trace as blocked (`blocking`) from its first wait until it returns.
///
/// The state must only change with `guard`'s mutex held, and `condvar` must be notified with it
/// held too: the model checkers rely on that to order every wake-up against the waits.
#[inline]
pub(crate) fn wait_for<'a, T, R>(
    condvar: &Condvar,
    mut guard: MutexGuard<'a, T>,
    deadline: &mut Deadline,
    blocking: Blocking,
    waiters: Option<fn(&mut T) -> &mut Waiters>,
    mut ready: impl FnMut(&mut T) -> Option<R>,
) -> (MutexGuard<'a, T>, Option<R>) {
    let mut recorded = Recorded {
        blocking,
        blocked: false,
    };
    loop {
        if let Some(result) = ready(&mut guard) {
            return (guard, Some(result));
        }
        if deadline.passed() {
            recorded.timed_out();
            return (guard, None);
        }
        recorded.block(deadline);
        if let Some(count) = waiters {
            count(&mut guard).enter();
        }
        guard = condvar.wait_until(guard, deadline);
        if let Some(count) = waiters {
            count(&mut guard).leave();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Waiters;

    #[test]
    fn waiters_count_in_and_out() {
        let mut waiters = Waiters::new();
        assert!(!waiters.any());
        waiters.enter();
        waiters.enter();
        assert_eq!(waiters.count(), 2);
        waiters.leave();
        assert!(waiters.any());
        waiters.leave();
        assert!(!waiters.any());
        assert_eq!(format!("{waiters:?}"), "0");
    }

    /// Past what two bytes hold, the count never comes back to "nobody": a notifier always
    /// notifies, and no wait can lose its wake-up to a count that wrapped around.
    #[test]
    fn waiters_stick_once_two_bytes_are_full() {
        let mut waiters = Waiters::new();
        for _ in 0..usize::from(u16::MAX) + 10 {
            waiters.enter();
        }
        assert_eq!(waiters.count(), 65_535);
        for _ in 0..usize::from(u16::MAX) + 10 {
            waiters.leave();
        }
        assert!(waiters.any());
        assert_eq!(waiters.count(), 65_535);
    }
}

/// A wait that trusts its wake-up is a bug only a spurious wake-up shows: the checks that
/// explore them find it, and the checks that do not, do not.
#[cfg(all(test, any(loom, shuttle)))]
mod spurious {
    use super::{Condvar, Deadline};
    use crate::check::{Check, Verdict};
    use crate::sync::{thread, Arc, Mutex};

    /// Takes the item a producer leaves, waiting once if it is not there yet, and trusting
    /// that a wake-up means the item is there.
    fn take_after_one_wait() {
        let shared = Arc::new((Mutex::new(None::<u32>), Condvar::new()));
        let producer = {
            let shared = shared.clone();
            thread::spawn(move || {
                *shared.0.lock() = Some(1);
                shared.1.notify_one();
            })
        };
        let mut item = shared.0.lock();
        if item.is_none() {
            item = shared.1.wait_until(item, &mut Deadline::never());
        }
        assert_eq!(item.take(), Some(1), "woken with nothing to take");
        drop(item);
        producer.join().unwrap();
    }

    #[test]
    fn a_wait_that_trusts_its_wake_up_is_refuted_only_with_spurious_wake_ups() {
        Check::new()
            .inside_primitives()
            .run(take_after_one_wait)
            .expect(Verdict::Holds);
        let report = Check::new()
            .inside_primitives()
            .spurious_wakeups()
            .run(take_after_one_wait)
            .expect(Verdict::Violated);
        let ending = &report.counterexample.as_ref().unwrap().ending;
        assert!(ending.contains("woken with nothing to take"), "{report}");
    }
}
