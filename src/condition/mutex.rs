//! Several conditions on one lock: a [`Mutex`] that owns the data, and a [`Condvar`] per
//! condition, each made for that mutex (CPython's `threading.Condition(lock)`).

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::sync::{
    Blocking, Condvar as RawCondvar, Deadline, Mutex as RawMutex, MutexGuard as RawGuard,
};
use crate::trace;

use super::waits::{self, Key, State, HELD};

/// A number for each mutex and condition variable, which no other has: how a [`Condvar`]
/// knows its mutex, and how the waiters of one condition are told from another's. 0 is a
/// [`Condition`](crate::Condition)'s own condition, which never meets these.
fn unique() -> Key {
    // Only identity: no ordering with anything else is needed, and under the checkers this is
    // not a step of the program (each execution makes its own objects).
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A lock that owns the data it guards, on which several [`Condvar`]s wait: CPython's
/// `threading.Lock()` with `threading.Condition(lock)` for each condition, or a pthread mutex
/// and its condition variables.
///
/// [`lock`](Mutex::lock) takes the lock (Python's `with lock:`) and returns a guard that
/// derefs to the data. A [`Condvar`], made for this mutex with [`Condvar::new`], waits and
/// notifies through that guard, so waiting or notifying without the lock cannot be written.
/// Each condition has waiters of its own: `notify(n)` on one wakes only threads waiting on that
/// one, as in CPython, which is what a bounded buffer needs (see [`Condvar`]).
///
/// Not reentrant: a thread that locks it while it holds its guard blocks forever (two live
/// guards would be two `&mut` to the data). A panic while the guard is held releases the lock,
/// and later users carry on (nothing is poisoned).
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::{Condvar, Mutex};
///
/// let mutex = Arc::new(Mutex::new(0));                // mutex = threading.Lock(); count = 0
/// let ready = Arc::new(Condvar::new(&mutex));         // ready = threading.Condition(mutex)
/// let waiter = {
///     let (mutex, ready) = (mutex.clone(), ready.clone());
///     std::thread::spawn(move || {
///         let mut count = mutex.lock();               // with mutex:
///         ready.wait_for(&mut count, |count| *count == 2); // ready.wait_for(lambda: count == 2)
///     })
/// };
/// for _ in 0..2 {
///     let mut count = mutex.lock();                   // with mutex:
///     *count += 1;                                    //     count += 1
///     ready.notify(&mut count, 1);                    //     ready.notify()
/// }
/// waiter.join().unwrap();
/// assert_eq!(*mutex.lock(), 2);
/// # }
/// ```
pub struct Mutex<T> {
    state: RawMutex<State<T>>,
    /// This mutex, for the condition variables made for it.
    key: Key,
    /// The mutex in the checker-build trace.
    id: trace::Id,
}

impl<T> trace::Sealed for Mutex<T> {
    fn trace_id(&self) -> trace::Id {
        self.id
    }
}

/// A [`Mutex`], held (Python's `with lock:` block); derefs to the data. Made by
/// [`Mutex::lock`]; dropping it releases the lock. The [`Condvar`]s of its mutex wait and
/// notify through it.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// `None` only while a wait has handed the lock to the condition variable.
    guard: Option<RawGuard<'a, State<T>>>,
}

impl<T> Mutex<T> {
    /// A new, unlocked mutex guarding `data` (Python: `threading.Lock()`, beside the data).
    pub fn new(data: T) -> Self {
        Self {
            state: RawMutex::new(State::new(data)),
            key: unique(),
            id: trace::Id::new("Mutex"),
        }
    }

    /// Blocks until the lock is held, and returns the guard (Python: `with lock:`, or
    /// `with cond:` for any condition made on it). Not reentrant: see the [type docs](Mutex).
    pub fn lock(&self) -> MutexGuard<'_, T> {
        MutexGuard {
            mutex: self,
            guard: Some(waits::lock(&self.state, self.id)),
        }
    }

    /// The guard if the lock is free now, `None` if another thread holds it
    /// (Python: `lock.acquire(blocking=False)`).
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        Some(MutexGuard {
            mutex: self,
            guard: Some(waits::try_lock(&self.state, self.id)?),
        })
    }

    /// The data, through exclusive access: no lock is needed.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.state.get_mut().data
    }

    /// Consumes the mutex and returns the data.
    pub fn into_inner(self) -> T {
        self.state.into_inner().data
    }
}

impl<T> MutexGuard<'_, T> {
    fn state(&mut self) -> &mut State<T> {
        self.guard.as_mut().expect(HELD)
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard.as_ref().expect(HELD).data
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.state().data
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(guard) = self.guard.take() {
            waits::release(guard, self.mutex.id);
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    /// The data and the number of threads waiting on its conditions, or `<locked>` while a
    /// thread holds it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Mutex");
        match self.state.try_lock() {
            Some(state) => s
                .field("data", &state.data)
                .field("waiters", &state.queue.len()),
            None => s.field("data", &format_args!("<locked>")),
        };
        s.finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutexGuard").field("data", &**self).finish()
    }
}

/// One condition on a [`Mutex`]: CPython's `threading.Condition(lock)`, a pthread condition
/// variable. A mutex has as many as the program makes ([`Condvar::new`]), and each has waiters
/// of its own.
///
/// It waits and notifies through the guard of its mutex, which the caller holds: waiting or
/// notifying without the lock, which CPython refuses at run time, cannot be written. A guard of
/// another mutex is refused at run time: the call panics with CPython's message ("cannot wait
/// on un-acquired lock", "cannot notify on un-acquired lock"), as Rust's own condition
/// variables refuse a second mutex.
///
/// The semantics are [`Condition`](crate::Condition)'s, that is CPython's: `wait` returns only
/// when this waiter was notified; `notify(n)` wakes at most `n` of the threads waiting on this
/// condition at that moment, the longest-waiting first, and none of another condition's;
/// `notify_all` wakes every thread waiting on it; notifying with nobody waiting does nothing;
/// a timed wait that gives up never takes a notification meant for another waiter.
///
/// A bounded buffer, as `queue.py` and pthread programs write it: producers wait on
/// `not_full`, consumers on `not_empty`, and each wakes one thread of the other kind.
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::collections::VecDeque;
/// use std::sync::Arc;
/// use threadproof::{Condvar, Mutex};
///
/// struct Buffer {
///     items: Mutex<VecDeque<u32>>, // mutex = threading.Lock(); items = deque()
///     not_empty: Condvar,          // not_empty = threading.Condition(mutex)
///     not_full: Condvar,           // not_full = threading.Condition(mutex)
/// }
///
/// impl Buffer {
///     fn put(&self, item: u32) {
///         let mut items = self.items.lock();                      // with mutex:
///         self.not_full.wait_for(&mut items, |items| items.len() < 2); // not_full.wait_for(...)
///         items.push_back(item);                                  //     items.append(item)
///         self.not_empty.notify(&mut items, 1);                   //     not_empty.notify()
///     }
///
///     fn get(&self) -> u32 {
///         let mut items = self.items.lock();
///         self.not_empty.wait_for(&mut items, |items| !items.is_empty());
///         let item = items.pop_front().unwrap();
///         self.not_full.notify(&mut items, 1);
///         item
///     }
/// }
///
/// let items = Mutex::new(VecDeque::new());
/// let buffer = Arc::new(Buffer {
///     not_empty: Condvar::new(&items),
///     not_full: Condvar::new(&items),
///     items,
/// });
/// let producer = {
///     let buffer = buffer.clone();
///     std::thread::spawn(move || (1..=10).for_each(|item| buffer.put(item)))
/// };
/// let sum: u32 = (0..10).map(|_| buffer.get()).sum();
/// producer.join().unwrap();
/// assert_eq!(sum, 55);
/// # }
/// ```
///
/// Without the guard, it does not compile:
///
/// ```compile_fail
/// let mutex = threadproof::Mutex::new(0);
/// let cond = threadproof::Condvar::new(&mutex);
/// cond.notify(1); // C22: notify without the lock
/// ```
///
/// ```compile_fail
/// let mutex = threadproof::Mutex::new(0);
/// let cond = threadproof::Condvar::new(&mutex);
/// let mut guard = mutex.lock();
/// drop(guard);
/// cond.wait(&mut guard); // C21: wait after the lock was released
/// ```
pub struct Condvar {
    /// The key of the mutex it was made for.
    mutex: Key,
    /// This condition's waiters, among the mutex's.
    key: Key,
    /// Notified (all its waiters) whenever `notify` takes one of its tickets off the queue; a
    /// waiter whose ticket is still queued goes back to sleep.
    notified: RawCondvar,
    /// The condition in the checker-build trace.
    id: trace::Id,
}

impl trace::Sealed for Condvar {
    fn trace_id(&self) -> trace::Id {
        self.id
    }
}

impl Condvar {
    /// A new condition on `mutex`, with nobody waiting (Python:
    /// `threading.Condition(lock)`). It waits and notifies with `mutex`'s guard only.
    pub fn new<T>(mutex: &Mutex<T>) -> Self {
        Self {
            mutex: mutex.key,
            key: unique(),
            notified: RawCondvar::new(),
            id: trace::Id::new("Condition"),
        }
    }

    /// Refuses a guard of another mutex, with CPython's message for a lock not held.
    #[track_caller]
    fn check<T>(&self, guard: &MutexGuard<'_, T>, verb: &str) {
        assert!(
            guard.mutex.key == self.mutex,
            "cannot {verb} on un-acquired lock (the guard is of another Mutex than this Condvar's)"
        );
    }

    /// Releases the lock, blocks until notified, then takes the lock back
    /// (Python: `cond.wait()`). Returns only when this thread was notified.
    ///
    /// # Panics
    /// If `guard` is of another mutex than this condition's.
    #[track_caller]
    pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        self.check(guard, "wait");
        self.wait_until(guard, &mut Deadline::never());
    }

    /// [`wait`](Condvar::wait) for at most `timeout`; returns true if notified, false if it
    /// timed out (Python: `cond.wait(timeout=t)`). A zero timeout returns false at once.
    ///
    /// # Panics
    /// If `guard` is of another mutex than this condition's.
    #[track_caller]
    pub fn wait_timeout<T>(&self, guard: &mut MutexGuard<'_, T>, timeout: Duration) -> bool {
        self.check(guard, "wait");
        self.wait_until(guard, &mut Deadline::after(timeout))
    }

    /// Waits until `pred` holds of the data, checking it first, so it does not wait if it
    /// holds already (Python: `cond.wait_for(pred)`, which then returns the predicate's last
    /// value: always true here).
    ///
    /// # Panics
    /// If `guard` is of another mutex than this condition's.
    #[track_caller]
    pub fn wait_for<T>(&self, guard: &mut MutexGuard<'_, T>, mut pred: impl FnMut(&mut T) -> bool) {
        self.check(guard, "wait");
        while !pred(&mut **guard) {
            self.wait_until(guard, &mut Deadline::never());
        }
    }

    /// [`wait_for`](Condvar::wait_for) for at most `timeout`; returns the predicate's last
    /// value: true if it holds, false if it still does not when the time is up
    /// (Python: `cond.wait_for(pred, timeout=t)`). The predicate is checked first, and once
    /// more after the last wait.
    ///
    /// # Panics
    /// If `guard` is of another mutex than this condition's.
    #[track_caller]
    pub fn wait_for_timeout<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        mut pred: impl FnMut(&mut T) -> bool,
        timeout: Duration,
    ) -> bool {
        self.check(guard, "wait");
        let mut deadline = Deadline::after(timeout);
        loop {
            if pred(&mut **guard) {
                return true;
            }
            if deadline.passed() {
                return false;
            }
            self.wait_until(guard, &mut deadline);
        }
    }

    /// Waits until notified or until `deadline`; returns whether this thread was notified.
    fn wait_until<T>(&self, guard: &mut MutexGuard<'_, T>, deadline: &mut Deadline) -> bool {
        let lock = guard.mutex.id;
        waits::wait(
            &mut guard.guard,
            &self.notified,
            self.key,
            lock,
            Blocking::on(self, "wait"),
            deadline,
        )
    }

    /// Wakes at most `n` of the threads waiting on this condition now, those that have waited
    /// longest first (Python: `cond.notify(n)`). Threads waiting on the mutex's other
    /// conditions stay asleep. With nobody waiting, or `n = 0`, it does nothing.
    ///
    /// # Panics
    /// If `guard` is of another mutex than this condition's.
    #[track_caller]
    pub fn notify<T>(&self, guard: &mut MutexGuard<'_, T>, n: usize) {
        self.check(guard, "notify");
        let queue = &mut guard.state().queue;
        waits::notify(queue, &self.notified, self.key, n, self.id);
    }

    /// Wakes every thread waiting on this condition now (Python: `cond.notify_all()`).
    ///
    /// # Panics
    /// If `guard` is of another mutex than this condition's.
    #[track_caller]
    pub fn notify_all<T>(&self, guard: &mut MutexGuard<'_, T>) {
        self.check(guard, "notify");
        self.notify(guard, usize::MAX);
    }

    /// The number of threads waiting on this condition now and not yet notified (Python:
    /// `len(cond._waiters)`), read through the guard of its mutex: with the lock held, a count
    /// no thread can change until it is let go.
    ///
    /// # Panics
    /// If `guard` is of another mutex than this condition's.
    ///
    /// ```
    /// # threadproof::check::Check::new().runs(1).run(|| {
    /// use threadproof::{Condvar, Mutex};
    ///
    /// let items = Mutex::new(Vec::<u32>::new());
    /// let not_empty = Condvar::new(&items);
    /// assert_eq!(not_empty.waiters(&items.lock()), 0);
    /// # }).expect(threadproof::check::Verdict::Holds);
    /// ```
    #[track_caller]
    pub fn waiters<T>(&self, guard: &MutexGuard<'_, T>) -> usize {
        self.check(guard, "count the waiters");
        guard.guard.as_ref().expect(HELD).queue.count(self.key)
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Condvar { .. }")
    }
}
