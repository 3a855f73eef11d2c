//! `threading.Condition`: data behind a lock, and threads waiting until another thread
//! notifies them of a change.

use std::collections::VecDeque;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use crate::sync::{wait_for, Blocking, Condvar, Deadline, Mutex, MutexGuard};
use crate::trace;

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
/// forever, because two live guards would give two `&mut` to the same data. For the same
/// reason a `Condition` cannot be built on an existing lock.
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
    state: Mutex<State<T>>,
    /// Notified (all its waiters) whenever `notify` takes a ticket off the queue; a waiter
    /// whose ticket is still queued goes back to sleep.
    notified: Condvar,
    /// The condition in the checker-build trace.
    id: trace::Id,
}

impl<T> trace::Sealed for Condition<T> {
    fn trace_id(&self) -> trace::Id {
        self.id
    }
}

struct State<T> {
    data: T,
    queue: Tickets,
}

/// The waiters, in the order they started waiting, by ticket. Tickets only grow, so the queue
/// is sorted: a waiter finds its own by binary search.
struct Tickets {
    next: u64,
    waiting: VecDeque<u64>,
}

impl Tickets {
    fn new() -> Self {
        Self {
            next: 0,
            waiting: VecDeque::new(),
        }
    }

    fn enqueue(&mut self) -> u64 {
        let ticket = self.next;
        self.next += 1;
        self.waiting.push_back(ticket);
        ticket
    }

    fn is_waiting(&self, ticket: u64) -> bool {
        self.waiting.binary_search(&ticket).is_ok()
    }

    /// Removes a waiter that gives up.
    fn cancel(&mut self, ticket: u64) {
        if let Ok(at) = self.waiting.binary_search(&ticket) {
            self.waiting.remove(at);
        }
    }

    /// Takes up to `n` tickets off the front; returns how many.
    fn wake(&mut self, n: usize) -> usize {
        let n = n.min(self.waiting.len());
        self.waiting.drain(..n);
        n
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
    guard: Option<MutexGuard<'a, State<T>>>,
}

const HELD: &str = "a condition guard holds its lock except inside wait";

impl<T> Condition<T> {
    /// A new condition guarding `data` (Python: `threading.Condition()`).
    pub fn new(data: T) -> Self {
        Self {
            state: Mutex::new(State {
                data,
                queue: Tickets::new(),
            }),
            notified: Condvar::new(),
            id: trace::Id::new("Condition"),
        }
    }

    /// Blocks until the lock is held, and returns the guard (Python: `with cond:`).
    /// Not reentrant: see the [type docs](Condition).
    pub fn lock(&self) -> ConditionGuard<'_, T> {
        let guard = match self.state.try_lock() {
            Some(guard) => guard,
            None => {
                trace::blocking(self.id, "acquire");
                self.state.lock()
            }
        };
        trace::acquired(self.id, "acquire");
        ConditionGuard {
            condition: self,
            guard: Some(guard),
        }
    }

    /// The guard if the lock is free now, `None` if another thread holds it
    /// (Python: `cond.acquire(blocking=False)`).
    pub fn try_lock(&self) -> Option<ConditionGuard<'_, T>> {
        let guard = self.state.try_lock()?;
        trace::acquired(self.id, "acquire");
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
        if deadline.passed() {
            return false;
        }
        let condition = self.condition;
        let mut guard = self.guard.take().expect(HELD);
        let ticket = guard.queue.enqueue();
        trace::released(condition.id, "release");
        let (mut guard, notified) = wait_for(
            &condition.notified,
            guard,
            deadline,
            Blocking::on(condition, "wait"),
            None,
            |state| (!state.queue.is_waiting(ticket)).then_some(()),
        );
        if notified.is_none() {
            // Timed out and not notified: leave the queue, so that a later notify goes to a
            // thread still waiting.
            guard.queue.cancel(ticket);
        }
        trace::acquired(condition.id, "reacquire");
        self.guard = Some(guard);
        notified.is_some()
    }

    /// Wakes at most `n` of the threads waiting now, those that have waited longest first
    /// (Python: `cond.notify(n)`). With nobody waiting, or `n = 0`, it does nothing.
    pub fn notify(&mut self, n: usize) {
        let woken = self.state().queue.wake(n);
        self.woke(woken);
    }

    /// Wakes every thread waiting now (Python: `cond.notify_all()`).
    pub fn notify_all(&mut self) {
        let woken = self.state().queue.wake(usize::MAX);
        self.woke(woken);
    }

    fn woke(&self, woken: usize) {
        trace::step_on(self.condition.id, "notify", format_args!("(woke {woken})"));
        if woken > 0 {
            self.condition.notified.notify_all();
        }
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
            let condition = self.condition;
            crate::sync::release_in_drop(move || {
                trace::released(condition.id, "release");
                drop(guard);
            });
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
                .field("waiters", &state.queue.waiting.len()),
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
