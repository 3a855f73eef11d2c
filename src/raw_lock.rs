//! The lock state machine under [`Lock`](crate::Lock) and [`RLock`](crate::RLock): one atomic
//! operation when uncontended; on real threads a short spin on the lock word when it is held;
//! a mutex and condition variable only when a thread must wait.

use std::time::Duration;

use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::{spin, trace, wait_for, Blocking, Condvar, Deadline, Mutex};

/// Nobody holds the lock.
const UNLOCKED: usize = 0;
/// Held, and nobody has had to wait since it was taken.
const LOCKED: usize = 1;
/// Held, and a thread may be waiting: the release must wake one.
const CONTENDED: usize = 2;

pub(crate) struct RawLock {
    state: AtomicUsize,
    /// Taken only on the slow paths. A waiter marks the lock `CONTENDED` while holding it and
    /// then waits on `released` (which lets go of it atomically), so a releaser, which takes it
    /// before notifying, cannot notify between the mark and the wait.
    waiters: Mutex<()>,
    /// Notified (one waiter) by a release that found the lock `CONTENDED`.
    released: Condvar,
    /// The lock in the checker-build trace.
    pub(crate) id: trace::Id,
}

trace::traced!(RawLock, id);

impl RawLock {
    /// A new unlocked lock, of kind `kind` (`Lock`, `RLock`) in the trace.
    pub(crate) fn new(kind: &'static str) -> Self {
        Self {
            state: AtomicUsize::new(UNLOCKED),
            waiters: Mutex::new(()),
            released: Condvar::new(),
            id: trace::Id::new(kind),
        }
    }

    #[inline]
    fn try_acquire(&self) -> bool {
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Blocks until acquired, or until `timeout` passes (`None`: never). Returns whether it was
    /// acquired.
    #[inline]
    pub(crate) fn acquire(&self, timeout: Option<Duration>) -> bool {
        if self.try_acquire() {
            trace::acquired(self.id, "acquire");
            return true;
        }
        self.acquire_slow(timeout)
    }

    #[cold]
    #[inline(never)]
    fn acquire_slow(&self, timeout: Option<Duration>) -> bool {
        let mut deadline = Deadline::within(timeout);
        if deadline.passed() {
            // A non-blocking attempt: it failed, and it must not mark the lock contended.
            return false;
        }
        if self.spin() {
            trace::acquired(self.id, "acquire");
            return true;
        }
        let guard = self.waiters.lock();
        let blocking = Blocking::on(self, "acquire");
        // Taking it as CONTENDED is conservative: other waiters may still be queued, and our
        // release must wake one of them.
        let (_guard, acquired) =
            wait_for(&self.released, guard, &mut deadline, blocking, None, |_| {
                (self.state.swap(CONTENDED, Ordering::Acquire) == UNLOCKED).then_some(())
            });
        if acquired.is_some() {
            trace::acquired(self.id, "acquire");
        }
        acquired.is_some()
    }

    /// Before a blocking acquire parks: on real threads, watches the lock word for a few rounds
    /// of a [`spin::Backoff`] while the holder has it and nobody waits, and takes the lock if it
    /// comes free; true if it did. A holder's critical section is often shorter than a park and
    /// a wake-up. It stops at once when a thread is parked already (the lock is `CONTENDED`):
    /// that thread is next, and the spinner would only delay its wake-up. In checker builds the
    /// budget is spent from the start: nothing is read, and the checkers explore the protocol
    /// alone.
    #[inline]
    fn spin(&self) -> bool {
        let mut backoff = spin::Backoff::new();
        while !backoff.is_completed() {
            match self.state.load(Ordering::Relaxed) {
                UNLOCKED if self.try_acquire() => return true,
                UNLOCKED | LOCKED => backoff.snooze(),
                _ => return false,
            }
        }
        false
    }

    /// Releases the lock, whoever holds it. False if it was not held (nothing changes).
    /// The release is traced as it happens, before a waiter is woken, so the trace never shows
    /// the next holder's acquire ahead of it.
    #[inline]
    pub(crate) fn release(&self) -> bool {
        let was = self.state.swap(UNLOCKED, Ordering::Release);
        if was == UNLOCKED {
            return false;
        }
        trace::released(self.id, "release");
        if was == CONTENDED {
            self.wake_one();
        }
        true
    }

    #[cold]
    fn wake_one(&self) {
        let _guard = self.waiters.lock();
        self.released.notify_one();
    }

    #[inline]
    pub(crate) fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) != UNLOCKED
    }
}
