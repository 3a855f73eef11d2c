//! `threading.Condition`: data behind a lock, and threads waiting until another thread
//! notifies them of a change.
//!
//! Three shapes, as CPython builds its conditions:
//! - [`Condition<T>`]: `threading.Condition()` with the data it guards, its own lock and one
//!   condition, the common case;
//! - [`Mutex<T>`] and [`Condvar`]: several conditions on one lock and one piece of data,
//!   `threading.Condition(lock)` for each (as `queue.py` keeps `not_empty` and `not_full` on
//!   one mutex, and a pthread program its condition variables);
//! - [`RLockCondition`]: a condition on an [`RLock`](crate::RLock), reentrant as CPython's
//!   default `Condition()` is, which therefore guards no data of its own.
//!
//! All three share one waiting discipline (`waits`): CPython's, with a queue of tickets.

mod mutex;
mod reentrant;
mod waits;

pub use mutex::{Condvar, Mutex, MutexGuard};
pub use reentrant::RLockCondition;

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use crate::sync::{
    Blocking, Condvar as RawCondvar, Deadline, Mutex as RawMutex, MutexGuard as RawGuard,
};
use crate::trace;

use waits::{State, HELD, OWN};

/// A condition variable that owns the data it guards, Python's `threading.Condition()`.
///
/// [`lock`](Condition::lock) takes the lock (Python's `with cond:`) and returns a guard that
/// derefs to the data. Through the guard a thread [`wait`](ConditionGuard::wait)s (releasing
/// the lock until it is notified, then taking it back), or
/// [`notify`](ConditionGuard::notify)s waiters. Waiting or notifying without the lock, which
/// CPython refuses at run time, cannot be written: those methods exist only on the guard.
///
/// The semantics are CPython's: `wait` returns only when this waiter was notified (the
/// condition variable underneath may wake spuriously; the caller never sees it);
/// `notify(n)` wakes at most `n` of the threads waiting at that moment, the longest-waiting
/// first; `notify_all` wakes every thread waiting at that moment; notifying with nobody
/// waiting does nothing. A timed wait that gives up removes itself, so it never takes a
/// notification meant for another waiter.
///
/// **Not reentrant**, unlike CPython's default `Condition()`, whose lock is an `RLock`: a
/// thread that calls [`lock`](Condition::lock) while it already holds the guard blocks
/// forever, because two live guards would give two `&mut` to the same data. A condition on
/// an `RLock` is an [`RLockCondition`], which guards no data for that reason.
///
/// A `Condition` has one lock and one condition. Several conditions on one lock and its data
/// (CPython's `threading.Condition(lock)`, once per condition) are a [`Mutex`] and a
/// [`Condvar`] per condition: see [`Condvar`] for a bounded buffer whose producers and
/// consumers each wait on a condition of their own.
///
/// A notify wakes every blocked waiter of the underlying condition variable and those not
/// chosen go back to sleep, so with many waiters `notify(1)` costs more than it does in
/// CPython, which keeps one lock per waiter.
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::Condition;
///
/// let cond = Arc::new(Condition::new(Vec::new())); // cond = threading.Condition(); items = []
/// let consumer = {
///     let cond = cond.clone();
///     std::thread::spawn(move || {
///         let mut items = cond.lock();               // with cond:
///         items.wait_for(|items| !items.is_empty()); //     cond.wait_for(lambda: items)
///         items.pop().unwrap()                       //     return items.pop()
///     })
/// };
/// {
///     let mut items = cond.lock();                   // with cond:
///     items.push(42);                                //     items.append(42)
///     items.notify(1);                               //     cond.notify()
/// }
/// assert_eq!(consumer.join().unwrap(), 42);
/// # }
/// ```
pub struct Condition<T> {
    state: RawMutex<State<T>>,
    /// Notified (all its waiters) whenever `notify` takes a ticket off the queue; a waiter
    /// whose ticket is still queued goes back to sleep.
    notified: RawCondvar,
    /// The condition in the checker-build trace.
    id: trace::Id,
}

impl<T> trace::Sealed for Condition<T> {
    fn trace_id(&self) -> trace::Id {
        self.id
    }
}

/// The lock of a [`Condition`], held (Python's `with cond:` block); derefs to the data.
/// Made by [`Condition::lock`]; dropping it releases the lock.
///
/// Waiting and notifying are methods of the guard only, so they cannot be called without
/// the lock (CPython's "cannot wait on un-acquired lock" and "cannot notify on un-acquired
/// lock" errors are compile errors here):
///
/// ```compile_fail
/// let cond = threadproof::Condition::new(0);
/// cond.notify(1); // C22: notify without the lock
/// ```
///
/// ```compile_fail
/// let cond = threadproof::Condition::new(0);
/// cond.wait(); // C21: wait without the lock
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ConditionGuard<'a, T> {
    condition: &'a Condition<T>,
    /// `None` only while a wait has handed the lock to the condition variable.
    guard: Option<RawGuard<'a, State<T>>>,
}

impl<T> Condition<T> {
    /// A new condition guarding `data` (Python: `threading.Condition()`).
    pub fn new(data: T) -> Self {
        Self {
            state: RawMutex::new(State::new(data)),
            notified: RawCondvar::new(),
            id: trace::Id::new("Condition"),
        }
    }

    /// Blocks until the lock is held, and returns the guard (Python: `with cond:`).
    /// Not reentrant: see the [type docs](Condition).
    pub fn lock(&self) -> ConditionGuard<'_, T> {
        ConditionGuard {
            condition: self,
            guard: Some(waits::lock(&self.state, self.id)),
        }
    }

    /// The guard if the lock is free now, `None` if another thread holds it
    /// (Python: `cond.acquire(blocking=False)`).
    pub fn try_lock(&self) -> Option<ConditionGuard<'_, T>> {
        let guard = waits::try_lock(&self.state, self.id)?;
        Some(ConditionGuard {
            condition: self,
            guard: Some(guard),
        })
    }

    /// The data, through exclusive access: no lock is needed.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.state.get_mut().data
    }

    /// Consumes the condition and returns the data.
    pub fn into_inner(self) -> T {
        self.state.into_inner().data
    }
}

impl<T> ConditionGuard<'_, T> {
    fn state(&mut self) -> &mut State<T> {
        self.guard.as_mut().expect(HELD)
    }

    /// Releases the lock, blocks until notified, then takes the lock back
    /// (Python: `cond.wait()`). Returns only when this thread was notified.
    pub fn wait(&mut self) {
        self.wait_until(&mut Deadline::never());
    }

    /// [`wait`](ConditionGuard::wait) for at most `timeout`; returns true if notified, false
    /// if it timed out (Python: `cond.wait(timeout=t)`). A zero timeout returns false at once.
    pub fn wait_timeout(&mut self, timeout: Duration) -> bool {
        self.wait_until(&mut Deadline::after(timeout))
    }

    /// Waits until `pred` holds of the data, checking it first, so it does not wait if it
    /// holds already (Python: `cond.wait_for(pred)`, which then returns the predicate's last
    /// value: always true here).
    pub fn wait_for(&mut self, mut pred: impl FnMut(&mut T) -> bool) {
        while !pred(&mut **self) {
            self.wait();
        }
    }

    /// [`wait_for`](ConditionGuard::wait_for) for at most `timeout`; returns the predicate's
    /// last value: true if it holds, false if it still does not when the time is up
    /// (Python: `cond.wait_for(pred, timeout=t)`). The predicate is checked first, and once
    /// more after the last wait.
    pub fn wait_for_timeout(
        &mut self,
        mut pred: impl FnMut(&mut T) -> bool,
        timeout: Duration,
    ) -> bool {
        let mut deadline = Deadline::after(timeout);
        loop {
            if pred(&mut **self) {
                return true;
            }
            if deadline.passed() {
                return false;
            }
            self.wait_until(&mut deadline);
        }
    }

    /// Waits until notified or until `deadline`; returns whether this thread was notified.
    fn wait_until(&mut self, deadline: &mut Deadline) -> bool {
        let condition = self.condition;
        waits::wait(
            &mut self.guard,
            &condition.notified,
            OWN,
            condition.id,
            Blocking::on(condition, "wait"),
            deadline,
        )
    }

    /// Wakes at most `n` of the threads waiting now, those that have waited longest first
    /// (Python: `cond.notify(n)`). With nobody waiting, or `n = 0`, it does nothing.
    pub fn notify(&mut self, n: usize) {
        let condition = self.condition;
        let state = self.state();
        waits::notify(&mut state.queue, &condition.notified, OWN, n, condition.id);
    }

    /// Wakes every thread waiting now (Python: `cond.notify_all()`).
    pub fn notify_all(&mut self) {
        self.notify(usize::MAX);
    }
}

// C21/C22 (waiting or notifying without holding the lock is an error in CPython) are type
// checks here: `wait*` and `notify*` are methods of the guard, which only `lock` makes.

impl<T> Deref for ConditionGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard.as_ref().expect(HELD).data
    }
}

impl<T> DerefMut for ConditionGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.state().data
    }
}

impl<T> Drop for ConditionGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(guard) = self.guard.take() {
            waits::release(guard, self.condition.id);
        }
    }
}

impl<T: Default> Default for Condition<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Condition");
        match self.state.try_lock() {
            Some(state) => s
                .field("data", &state.data)
                .field("waiters", &state.queue.len()),
            None => s.field("data", &format_args!("<locked>")),
        };
        s.finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for ConditionGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionGuard")
            .field("data", &**self)
            .finish()
    }
}
