//! The lock state machine under [`Lock`](crate::Lock) and [`RLock`](crate::RLock): one atomic
//! operation when uncontended; on real threads a short spin on the lock word when it is held;
//! a mutex and condition variable only when a thread must wait, and a release pays for waking
//! only when a thread is parked.

use std::time::Duration;

use crate::sync::raw_atomic::{AtomicUsize, Ordering};
use crate::sync::Operation;
use crate::sync::{spin, wait_for, Blocking, Condvar, Deadline, Mutex, Waiters};
use crate::trace;

/// Nobody holds the lock.
const UNLOCKED: usize = 0;
/// Held, and nobody has had to wait since it was taken.
const LOCKED: usize = 1;
/// Held, and a thread may be waiting: the release must wake one.
const CONTENDED: usize = 2;

pub(crate) struct RawLock {
    state: AtomicUsize,
    /// The number of threads parked on `released`, taken only on the slow paths. The lock is
    /// marked `CONTENDED` only with it held, and a waiter marks the lock and then waits on
    /// `released` (which lets go of it atomically), so a releaser, which takes it before
    /// notifying, cannot notify between the mark and the wait; and a waiter that finds nobody
    /// else parked knows that its own release needs to wake nobody.
    parked: Mutex<Waiters>,
    /// Notified (one waiter) by a release that found the lock `CONTENDED`.
    released: Condvar,
    /// The lock in the checker-build trace.
    pub(crate) id: trace::Id,
}

trace::impl_traced!(RawLock, id);

impl RawLock {
    /// A new unlocked lock, of kind `kind` (`Lock`, `RLock`) in the trace.
    pub(crate) fn new(kind: &'static str) -> Self {
        Self {
            state: AtomicUsize::new(UNLOCKED),
            parked: Mutex::new(Waiters::new()),
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
        let _operation = Operation::begin();
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
        let parked = self.parked.lock();
        let mut woken = false;
        let (parked, acquired) = wait_for(
            &self.released,
            parked,
            &mut deadline,
            Blocking::on(self, "acquire"),
            Some(|parked: &mut Waiters| parked),
            |parked| {
                let acquired = self.acquire_parking(*parked, woken);
                woken = true;
                acquired.then_some(())
            },
        );
        match acquired {
            Some(()) => trace::acquired(self.id, "acquire"),
            // The last parked thread gave up: the holder's release has nobody to wake.
            None if !parked.any() => self.uncontend(),
            None => {}
        }
        drop(parked);
        acquired.is_some()
    }

    /// One attempt under the `parked` mutex, with `others` other threads parked, by a thread
    /// that is about to park or (`woken`) has been woken. A woken thread with nobody else parked
    /// takes a free lock as `LOCKED`, so that its release wakes nobody. Otherwise the lock is
    /// marked `CONTENDED`, so that its release wakes the next parked thread, and taken so
    /// marked if it is free (the one case where a release may wake nobody: the lock came free
    /// between a thread's spin and its first attempt).
    #[inline]
    fn acquire_parking(&self, others: Waiters, woken: bool) -> bool {
        (woken && !others.any() && self.try_acquire())
            || self.state.swap(CONTENDED, Ordering::Acquire) == UNLOCKED
    }

    /// With nobody parked (under the `parked` mutex), a held lock marked `CONTENDED` goes back
    /// to `LOCKED`: its release has nobody to wake.
    #[inline]
    fn uncontend(&self) {
        let _ =
            self.state
                .compare_exchange(CONTENDED, LOCKED, Ordering::Relaxed, Ordering::Relaxed);
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
        let _operation = Operation::begin();
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
        let _parked = self.parked.lock();
        self.released.notify_one();
    }

    #[inline]
    pub(crate) fn locked(&self) -> bool {
        let _operation = Operation::begin();
        self.state.load(Ordering::Relaxed) != UNLOCKED
    }
}

/// The waiter bookkeeping, through the lock word a holder sees: run on real threads once (the
/// waiters made to park first) and under the checkers in every interleaving.
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{RawLock, CONTENDED, LOCKED, UNLOCKED};
    use crate::check::{Check, Checker, Report, Search, Verdict};
    use crate::sync::raw_atomic::Ordering;
    use crate::sync::thread::{self, JoinHandle};
    use crate::sync::Arc;

    fn word(lock: &RawLock) -> &'static str {
        match lock.state.load(Ordering::Relaxed) {
            UNLOCKED => "UNLOCKED",
            LOCKED => "LOCKED",
            CONTENDED => "CONTENDED",
            _ => "invalid",
        }
    }

    fn parked(lock: &RawLock) -> usize {
        lock.parked.lock().count()
    }

    /// On real threads, lets `n` waiters park before the holder releases, so that the run
    /// shows the parked case; the checkers explore every case without it.
    fn let_park(lock: &RawLock, n: usize) {
        if !Checker::CURRENT.is_model_checker() {
            while parked(lock) < n {
                thread::yield_now();
            }
        }
    }

    /// Spawns a thread that runs `body` on `lock`.
    fn spawn_on<T: Send + 'static>(
        lock: &Arc<RawLock>,
        body: impl FnOnce(&RawLock) -> T + Send + 'static,
    ) -> JoinHandle<T> {
        let lock = Arc::clone(lock);
        thread::spawn(move || body(&lock))
    }

    /// The search for a test of three threads: every interleaving under loom. Under shuttle,
    /// inside the primitives, the three threads' steps on the lock word all touch it, so even
    /// the reduced search walks most of their orders: it is bounded to two preemptions there;
    /// one is enough for two waiters to park before the holder lets go.
    fn three_threads() -> Check {
        let preemption_bound = (Checker::CURRENT == Checker::Shuttle).then_some(2);
        Check::with_search(Search::Exhaustive { preemption_bound }).inside_primitives()
    }

    /// The claim held in every execution, and some execution reached `outcome`, the case the
    /// test is about.
    fn assert_holds_reaching(report: &Report, outcome: &str) {
        assert_eq!(report.verdict, Verdict::Holds, "{report}");
        assert!(
            report.outcomes.contains_key(outcome),
            "no execution reached {outcome:?}: {report}"
        );
    }

    /// A waiter woken with nobody else parked takes the lock as `LOCKED`: its release has
    /// nobody to wake. (A waiter that never parked may hold it `CONTENDED`: it found the lock
    /// free in the instant between its spin and its first attempt.)
    #[test]
    fn a_woken_waiter_alone_holds_the_lock_uncontended() {
        let report = Check::new().inside_primitives().run_claim(
            || {
                let lock = Arc::new(RawLock::new("Lock"));
                assert!(lock.acquire(None));
                let waiter = spawn_on(&lock, |lock| {
                    assert!(lock.acquire(None));
                    let held = word(lock);
                    assert!(lock.release());
                    held
                });
                let_park(&lock, 1);
                let was_parked = parked(&lock) == 1;
                assert!(lock.release());
                let held = waiter.join().unwrap();
                format!("parked: {was_parked}, then held {held}")
            },
            |outcome| outcome != "parked: true, then held CONTENDED",
        );
        assert_holds_reaching(&report, "parked: true, then held LOCKED");
    }

    /// With two waiters parked, the first woken takes the lock as `CONTENDED`, so that its
    /// release wakes the second, which takes it as `LOCKED`. Under shuttle bounded to two
    /// preemptions ([`three_threads`]).
    #[test]
    fn the_first_of_two_woken_waiters_wakes_the_second() {
        let report = three_threads().run_claim(
            || {
                let lock = Arc::new(RawLock::new("Lock"));
                let order = Arc::new(crate::sync::Mutex::new(Vec::new()));
                assert!(lock.acquire(None));
                let waiters: Vec<_> = (0..2)
                    .map(|_| {
                        let order = Arc::clone(&order);
                        spawn_on(&lock, move |lock| {
                            assert!(lock.acquire(None));
                            order.lock().push(word(lock));
                            assert!(lock.release());
                        })
                    })
                    .collect();
                let_park(&lock, 2);
                let both_parked = parked(&lock) == 2;
                assert!(lock.release());
                for waiter in waiters {
                    waiter.join().unwrap();
                }
                let order = order.lock().join(" then ");
                format!("parked: {both_parked}, held {order}")
            },
            |outcome| outcome != "parked: true, held LOCKED then LOCKED",
        );
        assert_holds_reaching(&report, "parked: true, held CONTENDED then LOCKED");
    }

    /// The last waiter to give up (its timeout passed) unmarks the lock: the holder's release
    /// has nobody to wake.
    #[test]
    fn the_last_waiter_to_time_out_leaves_the_lock_uncontended() {
        let report = Check::new().inside_primitives().run_claim(
            || {
                let lock = Arc::new(RawLock::new("Lock"));
                assert!(lock.acquire(None));
                let waiter = spawn_on(&lock, |lock| lock.acquire(Some(Duration::from_millis(1))));
                let acquired = waiter.join().unwrap();
                let held = word(&lock);
                assert!(lock.release());
                format!("acquired: {acquired}, then held {held}")
            },
            |outcome| outcome == "acquired: false, then held LOCKED",
        );
        assert_holds_reaching(&report, "acquired: false, then held LOCKED");
    }

    /// A waiter that gives up while another is still parked leaves the lock `CONTENDED`: the
    /// holder's release must still wake the one left, which then gets the lock. Under shuttle
    /// bounded to two preemptions ([`three_threads`]).
    #[test]
    fn a_waiter_that_times_out_before_another_leaves_the_lock_contended() {
        let report = three_threads().run_claim(
            || {
                let lock = Arc::new(RawLock::new("Lock"));
                assert!(lock.acquire(None));
                let patient = spawn_on(&lock, |lock| {
                    assert!(lock.acquire(None));
                    assert!(lock.release());
                });
                let_park(&lock, 1);
                let impatient =
                    spawn_on(&lock, |lock| lock.acquire(Some(Duration::from_millis(10))));
                assert!(!impatient.join().unwrap(), "the holder never let go");
                let other_parked = parked(&lock) == 1;
                let held = word(&lock);
                assert!(lock.release());
                patient.join().unwrap();
                format!("other parked: {other_parked}, then held {held}")
            },
            |outcome| outcome != "other parked: true, then held LOCKED",
        );
        assert_holds_reaching(&report, "other parked: true, then held CONTENDED");
    }
}
