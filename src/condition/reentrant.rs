//! A condition on an [`RLock`]: CPython's default `threading.Condition()`, and
//! `threading.Condition(r_lock)`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::sync::{Blocking, Condvar as RawCondvar, Deadline, Mutex as RawMutex};
use crate::trace;
use crate::{RLock, RLockGuard};

use super::waits::{self, Tickets, OWN};

/// A condition on a reentrant lock, an [`RLock`]: CPython's default `threading.Condition()`,
/// whose lock is an `RLock`, and `threading.Condition(r_lock)` on a lock of the program's.
///
/// **It guards no data**, as CPython's conditions do not: the thread that holds an `RLock`
/// may take it again, so two guards of one thread can be alive at once, and a `&mut` to data
/// reached through each would be two `&mut` to the same data. The program keeps its state
/// elsewhere, where every thread may reach it (in [atomics](crate::sync::atomic), say), and
/// the lock orders the threads' steps on it. For a condition that owns its data, use a
/// [`Condition`](crate::Condition) (one condition) or a [`Mutex`](crate::Mutex) and
/// [`Condvar`](crate::Condvar)s (several), whose locks are not reentrant.
///
/// [`lock`](RLockCondition::lock) takes the lock, one more level if the thread holds it already
/// (Python's `with cond:`), and returns the `RLock`'s guard. Waiting and notifying take that
/// guard, so that they cannot be written without the lock; the guard of another `RLock` is
/// refused at run time with CPython's message ("cannot wait on un-acquired lock").
/// [`wait`](RLockCondition::wait) releases the lock entirely, however many levels the thread
/// holds, and restores them all before it returns, as CPython's does. Several conditions may
/// share one `RLock` ([`with_lock`](RLockCondition::with_lock)); `notify(n)` on one wakes only
/// threads waiting on that one. The rest of the semantics are [`Condition`](crate::Condition)'s.
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::sync::atomic::{AtomicUsize, Ordering};
/// use threadproof::RLockCondition;
///
/// let cond = Arc::new(RLockCondition::new());      // cond = threading.Condition()
/// let count = Arc::new(AtomicUsize::new(0));       // count = 0
/// let waiter = {
///     let (cond, count) = (cond.clone(), count.clone());
///     std::thread::spawn(move || {
///         let outer = cond.lock();                 // with cond:
///         let inner = cond.lock();                 //     with cond:  (reentrant)
///         cond.wait_for(&inner, || count.load(Ordering::Relaxed) == 1);
///         assert_eq!(cond.r_lock().recursion_count(), 2); // both levels back
///         drop((inner, outer));
///     })
/// };
/// {
///     let held = cond.lock();                      // with cond:
///     count.store(1, Ordering::Relaxed);           //     count = 1
///     cond.notify(&held, 1);                       //     cond.notify()
/// }
/// waiter.join().unwrap();
/// # }
/// ```
///
/// Without the guard, it does not compile:
///
/// ```compile_fail
/// let cond = threadproof::RLockCondition::new();
/// cond.r_lock().acquire();
/// cond.notify(1); // C22: notify without a guard of the lock
/// ```
pub struct RLockCondition {
    lock: Arc<RLock>,
    /// The waiters, under a mutex of the condition's own: a waiter joins the queue before it
    /// lets go of the `RLock`, so a notify that follows (by a thread that took the `RLock`
    /// next) finds it there.
    queue: RawMutex<Tickets>,
    /// Notified (all its waiters) whenever `notify` takes a ticket off the queue; a waiter
    /// whose ticket is still queued goes back to sleep.
    notified: RawCondvar,
    /// The condition in the checker-build trace (its lock is the `RLock`'s own).
    id: trace::Id,
}

impl trace::Sealed for RLockCondition {
    fn trace_id(&self) -> trace::Id {
        self.id
    }
}

impl RLockCondition {
    /// A new condition on a new `RLock` of its own (Python: `threading.Condition()`).
    pub fn new() -> Self {
        Self::with_lock(Arc::new(RLock::new()))
    }

    /// A new condition on `lock`, which other conditions and the program may share (Python:
    /// `threading.Condition(r_lock)`).
    pub fn with_lock(lock: Arc<RLock>) -> Self {
        Self {
            lock,
            queue: RawMutex::new(Tickets::new()),
            notified: RawCondvar::new(),
            id: trace::Id::new("Condition"),
        }
    }

    /// The condition's lock (Python: `cond._lock`), to share with another condition
    /// ([`with_lock`](RLockCondition::with_lock)), label in the trace, or ask
    /// [`is_owned`](RLock::is_owned).
    pub fn r_lock(&self) -> &Arc<RLock> {
        &self.lock
    }

    /// Takes the lock, or one more level of it if the calling thread holds it already, and
    /// returns its guard, which releases that level when dropped (Python: `with cond:`).
    pub fn lock(&self) -> RLockGuard<'_> {
        self.lock.lock()
    }

    /// Refuses a guard of another `RLock`: the calling thread must own this one.
    #[track_caller]
    fn check(&self, verb: &str) {
        assert!(
            self.lock.is_owned(),
            "cannot {verb} on un-acquired lock (the guard is of another RLock than this condition's)"
        );
    }

    /// Releases the lock, every level the thread holds, blocks until notified, then takes the
    /// lock back at the same level (Python: `cond.wait()`). Returns only when this thread was
    /// notified.
    ///
    /// # Panics
    /// If the calling thread does not own this condition's lock (`held` is another's guard).
    #[track_caller]
    pub fn wait(&self, held: &RLockGuard<'_>) {
        self.check("wait");
        let _ = held;
        self.wait_until(&mut Deadline::never());
    }

    /// [`wait`](RLockCondition::wait) for at most `timeout`; returns true if notified, false
    /// if it timed out (Python: `cond.wait(timeout=t)`). A zero timeout returns false at once.
    /// The lock is taken back without a timeout, as CPython does.
    ///
    /// # Panics
    /// If the calling thread does not own this condition's lock.
    #[track_caller]
    pub fn wait_timeout(&self, held: &RLockGuard<'_>, timeout: Duration) -> bool {
        self.check("wait");
        let _ = held;
        self.wait_until(&mut Deadline::after(timeout))
    }

    /// Waits until `pred` holds, checking it first, so it does not wait if it holds already
    /// (Python: `cond.wait_for(pred)`, which then returns the predicate's last value: always
    /// true here). The predicate runs with the lock held.
    ///
    /// # Panics
    /// If the calling thread does not own this condition's lock.
    #[track_caller]
    pub fn wait_for(&self, held: &RLockGuard<'_>, mut pred: impl FnMut() -> bool) {
        self.check("wait");
        let _ = held;
        while !pred() {
            self.wait_until(&mut Deadline::never());
        }
    }

    /// [`wait_for`](RLockCondition::wait_for) for at most `timeout`; returns the predicate's
    /// last value (Python: `cond.wait_for(pred, timeout=t)`). The predicate is checked first,
    /// and once more after the last wait.
    ///
    /// # Panics
    /// If the calling thread does not own this condition's lock.
    #[track_caller]
    pub fn wait_for_timeout(
        &self,
        held: &RLockGuard<'_>,
        mut pred: impl FnMut() -> bool,
        timeout: Duration,
    ) -> bool {
        self.check("wait");
        let _ = held;
        let mut deadline = Deadline::after(timeout);
        loop {
            if pred() {
                return true;
            }
            if deadline.passed() {
                return false;
            }
            self.wait_until(&mut deadline);
        }
    }

    /// Joins the queue, releases every level of the lock, waits until notified or until
    /// `deadline`, and takes the lock back at the level it had. Returns whether this thread
    /// was notified.
    fn wait_until(&self, deadline: &mut Deadline) -> bool {
        if deadline.passed() {
            return false;
        }
        let mut queue = self.queue.lock();
        let ticket = queue.enqueue(OWN);
        let levels = self.lock.recursion_count();
        for _ in 0..levels {
            self.lock
                .release()
                .expect("the waiting thread owns the lock");
        }
        let (queue, notified) = waits::wait_for_ticket(
            &self.notified,
            queue,
            |queue| queue,
            ticket,
            Blocking::on(self, "wait"),
            deadline,
        );
        drop(queue);
        for _ in 0..levels {
            self.lock.acquire();
        }
        notified
    }

    /// Wakes at most `n` of the threads waiting on this condition now, those that have waited
    /// longest first (Python: `cond.notify(n)`). With nobody waiting, or `n = 0`, it does
    /// nothing.
    ///
    /// # Panics
    /// If the calling thread does not own this condition's lock.
    #[track_caller]
    pub fn notify(&self, held: &RLockGuard<'_>, n: usize) {
        self.check("notify");
        let _ = held;
        let mut queue = self.queue.lock();
        waits::notify(&mut queue, &self.notified, OWN, n, self.id);
    }

    /// Wakes every thread waiting on this condition now (Python: `cond.notify_all()`).
    ///
    /// # Panics
    /// If the calling thread does not own this condition's lock.
    #[track_caller]
    pub fn notify_all(&self, held: &RLockGuard<'_>) {
        self.notify(held, usize::MAX);
    }
}

impl Default for RLockCondition {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for RLockCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RLockCondition");
        s.field("lock", &self.lock);
        // The queue's mutex is the condition's own, never held across a caller's code: taking
        // it here cannot wait for long, and the count is always shown.
        s.field("waiters", &self.queue.lock().len());
        s.finish()
    }
}
