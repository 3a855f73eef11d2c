//! `queue.Queue`, `queue.LifoQueue`, `queue.PriorityQueue`: multi-producer, multi-consumer
//! queues with task accounting (`task_done`/`join`) and CPython 3.13's `shutdown`.
//!
//! As in CPython's `Lib/queue.py`, one implementation, [`GenericQueue`], holds the whole
//! protocol (blocking, timeouts, task counting, shutdown); the three kinds differ only in their
//! [`Storage`]: [`Fifo`], [`Lifo`] or [`Priority`]. Each kind has its alias: [`Queue`],
//! [`LifoQueue`], [`PriorityQueue`].
//!
//! | Python                               | threadproof                              |
//! |--------------------------------------|------------------------------------------|
//! | `q = queue.Queue(maxsize)`           | `let q = Queue::new(maxsize);`           |
//! | `q.put(x)` / `q.get()`               | `q.put(x)?` / `q.get()?`                 |
//! | `q.put(x, timeout=t)`                | `q.put_timeout(x, t)`                    |
//! | `q.put_nowait(x)` / `q.put(x, False)`| `q.put_nowait(x)`                        |
//! | `q.get(timeout=t)` / `q.get_nowait()`| `q.get_timeout(t)` / `q.get_nowait()`    |
//! | `queue.Full` / `queue.Empty`         | [`PutError::Full`] / [`GetError::Empty`] |
//! | `queue.ShutDown`                     | [`PutError::ShutDown`] / [`GetError::ShutDown`] |
//! | `q.task_done()` / `q.join()`         | `q.task_done()?` / `q.join()`            |
//! | `q.shutdown(immediate=False)`        | `q.shutdown(false)`                      |
//!
//! A failed put hands its item back inside the [`PutError`], so nothing is lost.

mod error;
mod storage;

pub use error::{GetError, PutError, TaskDoneError};
pub use storage::{Fifo, Lifo, Priority, Storage};

use std::fmt;
use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::Duration;

use crate::sync::Operation;
use crate::sync::{spin, wait_for, Blocking, Condvar, Deadline, Mutex, MutexGuard, Waiters};
use crate::trace;

/// A first-in, first-out queue, Python's `queue.Queue(maxsize)`.
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::queue::Queue;
///
/// let q = Arc::new(Queue::new(0));                // q = queue.Queue()
/// let worker = {
///     let q = Arc::clone(&q);
///     std::thread::spawn(move || {
///         let mut total = 0;
///         while let Ok(n) = q.get() {             // while True: n = q.get()
///             total += n;
///             q.task_done().unwrap();             //     q.task_done()
///         }
///         total                                   // (ends with ShutDown)
///     })
/// };
/// for n in 1..=10 {
///     q.put(n).unwrap();                          // q.put(n)
/// }
/// q.join();                                       // q.join()
/// assert_eq!(q.unfinished_tasks(), 0);
/// q.shutdown(false);                              // q.shutdown()
/// assert_eq!(worker.join().unwrap(), 55);
/// # }
/// ```
pub type Queue<T> = GenericQueue<T, Fifo<T>>;

/// A last-in, first-out queue (a stack), Python's `queue.LifoQueue(maxsize)`.
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::queue::LifoQueue;
///
/// let q = LifoQueue::new(0);                      // q = queue.LifoQueue()
/// for n in [111, 333, 222] {
///     q.put(n).unwrap();                          // q.put(n)
/// }
/// let order: Vec<i32> = (0..3).map(|_| q.get().unwrap()).collect();
/// assert_eq!(order, [222, 333, 111]);             // [q.get() for _ in range(3)]
/// # }
/// ```
pub type LifoQueue<T> = GenericQueue<T, Lifo<T>>;

/// A queue that hands out its smallest item first, Python's `queue.PriorityQueue(maxsize)`.
///
/// Items are compared by `Ord`; tuples fall to their next field on a tie, as Python's do.
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::queue::PriorityQueue;
///
/// let q = PriorityQueue::new(0);                  // q = queue.PriorityQueue()
/// q.put((2, "write")).unwrap();                   // q.put((2, "write"))
/// q.put((1, "read")).unwrap();                    // q.put((1, "read"))
/// q.put((1, "open")).unwrap();                    // q.put((1, "open"))
/// assert_eq!(q.get().unwrap(), (1, "open"));      // q.get()
/// assert_eq!(q.get().unwrap(), (1, "read"));
/// assert_eq!(q.get().unwrap(), (2, "write"));
/// # }
/// ```
pub type PriorityQueue<T> = GenericQueue<T, Priority<T>>;

/// The queue behind [`Queue`], [`LifoQueue`] and [`PriorityQueue`]: CPython's `queue.Queue`
/// class, with the order of items left to its [`Storage`] `S`.
///
/// A put blocks while the queue is full (`maxsize` items; `maxsize` 0 is unbounded), a get
/// while it is empty. Every put adds an unfinished task; [`task_done`](Self::task_done)
/// finishes one and [`join`](Self::join) waits until none is left.
/// [`shutdown`](Self::shutdown) makes later puts fail, and gets once the items are gone (or at
/// once, with `immediate`), and wakes every blocked caller.
///
/// [`qsize`](Self::qsize), [`empty`](Self::empty) and [`full`](Self::full) tell the state at
/// the moment of the call, which other threads may change before the answer is used (CPython:
/// "not reliable!").
///
/// The item type is inferred, as for `Vec::new()`:
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::queue::Queue;
///
/// let q = Queue::new(2);                          // q = queue.Queue(2)
/// q.put("a").unwrap();
/// q.put("b").unwrap();
/// assert!(q.full());                              // q.full()
/// assert!(q.put_nowait("c").unwrap_err().is_full()); // q.put_nowait("c") -> queue.Full
/// assert_eq!(q.get_nowait(), Ok("a"));            // q.get_nowait()
/// # }
/// ```
#[repr(C, align(64))]
pub struct GenericQueue<T, S> {
    /// Python's `mutex`: every method holds it while it reads or changes the state, and the
    /// three conditions below wait on it. The lock word and the state fill the queue's first
    /// cache line (64 bytes for a `Queue` and the others), which a put or a get hands from one
    /// core to the next: all that a put or a get reads or writes, unless it reaches an edge
    /// (empty or full) or has a thread to wake.
    state: Mutex<State<S>>,
    /// The number of items as the last put or get that reached or left an edge (0 or
    /// `maxsize`) saw it, published after it unlocked. A get that finds the queue empty, or a
    /// put that finds it full, watches it for a moment before blocking (on real threads only;
    /// see [`spin`](crate::sync::spin)); it sits on the second line, apart from the state, so
    /// that watching it does not pull the first line away from the thread working under the
    /// lock, and it is written only at an edge.
    len: spin::Hint,
    /// The capacity, for readers without the lock ([`maxsize`](Self::maxsize) and the
    /// watchers); the operations under the lock read the state's copy, on the first line.
    maxsize: usize,
    /// `get` waits here while the queue is empty. Notified, one waiter per item, by a put that
    /// stored an item; all waiters by `shutdown`.
    not_empty: Condvar,
    /// `put` waits here while the queue is full. Notified, one waiter, by a get that took an
    /// item; all waiters by `shutdown`.
    not_full: Condvar,
    /// `join` waits here while tasks are unfinished. Notified, all waiters, by the
    /// `task_done` that brings the count to zero, and by a `shutdown(immediate)` that does.
    all_tasks_done: Condvar,
    /// The queue in the checker-build trace.
    id: trace::Id,
    _items: PhantomData<fn(T) -> T>,
}

impl<T, S> trace::Sealed for GenericQueue<T, S> {
    fn trace_id(&self) -> trace::Id {
        self.id
    }
}

/// The state: 56 bytes with the built-in stores, so that with the lock word it fills one
/// cache line (the waiter counts take two bytes each for that).
struct State<S> {
    items: S,
    unfinished_tasks: usize,
    /// The queue's capacity (0: unbounded), which every put checks.
    maxsize: usize,
    is_shutdown: bool,
    /// How many threads wait on `not_empty`, `not_full` and `all_tasks_done`: an operation
    /// notifies a condition only when somebody waits on it. A waiter counts itself before it
    /// waits and uncounts itself once it has the mutex back, so a change made while it waits
    /// always sees it.
    getters: Waiters,
    putters: Waiters,
    joiners: Waiters,
}

impl<T, S: Storage<T>> GenericQueue<T, S> {
    /// An empty queue that holds at most `maxsize` items; 0 means unbounded
    /// (Python: `queue.Queue(maxsize)`).
    pub fn new(maxsize: usize) -> Self {
        Self {
            maxsize,
            state: Mutex::new(State {
                items: S::new(maxsize),
                unfinished_tasks: 0,
                maxsize,
                is_shutdown: false,
                getters: Waiters::new(),
                putters: Waiters::new(),
                joiners: Waiters::new(),
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
            len: spin::Hint::new(0),
            id: trace::Id::new(S::NAME),
            _items: PhantomData,
        }
    }

    /// Puts `item` in the queue, waiting while it is full (Python: `q.put(item)`).
    ///
    /// # Errors
    /// [`PutError::ShutDown`] with the item if the queue is shut down, before or while this
    /// call waits.
    #[inline]
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        self.put_with(item, None)
    }

    /// Puts `item` in the queue, waiting at most `timeout` while it is full
    /// (Python: `q.put(item, timeout=t)`). A zero timeout is [`put_nowait`](Self::put_nowait).
    ///
    /// # Errors
    /// [`PutError::ShutDown`] with the item if the queue is shut down (checked first), or
    /// [`PutError::Full`] with the item if no slot freed up in time.
    #[inline]
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
        self.put_with(item, Some(timeout))
    }

    /// Puts `item` in the queue if it is not full, without waiting
    /// (Python: `q.put_nowait(item)`, `q.put(item, block=False)`).
    ///
    /// # Errors
    /// [`PutError::ShutDown`] with the item if the queue is shut down (checked first), or
    /// [`PutError::Full`] with the item if it is full.
    #[inline]
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        self.put_with(item, Some(Duration::ZERO))
    }

    /// Takes the next item, waiting while the queue is empty (Python: `q.get()`).
    ///
    /// # Errors
    /// [`GetError::ShutDown`] if the queue is shut down and has no item for this call: after
    /// `shutdown(false)` once it is empty, after `shutdown(true)` at once. This call then
    /// returns without waiting, or stops waiting.
    #[inline]
    pub fn get(&self) -> Result<T, GetError> {
        self.get_with(None)
    }

    /// Takes the next item, waiting at most `timeout` while the queue is empty
    /// (Python: `q.get(timeout=t)`). A zero timeout is [`get_nowait`](Self::get_nowait).
    ///
    /// # Errors
    /// [`GetError::ShutDown`] as for [`get`](Self::get) (at once, not after the timeout), or
    /// [`GetError::Empty`] if no item came in time.
    #[inline]
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
        self.get_with(Some(timeout))
    }

    /// Takes the next item if there is one, without waiting
    /// (Python: `q.get_nowait()`, `q.get(block=False)`).
    ///
    /// # Errors
    /// [`GetError::ShutDown`] as for [`get`](Self::get), or [`GetError::Empty`] if the queue
    /// is empty.
    #[inline]
    pub fn get_nowait(&self) -> Result<T, GetError> {
        self.get_with(Some(Duration::ZERO))
    }

    /// Marks one task taken by a get as finished (Python: `q.task_done()`). When no task is
    /// left unfinished, every [`join`](Self::join) returns.
    ///
    /// # Errors
    /// [`TaskDoneError`] if no task is unfinished: it was called more times than items were
    /// put. Nothing changes.
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let _operation = Operation::begin();
        let mut st = self.state.lock();
        match st.unfinished_tasks {
            0 => Err(TaskDoneError),
            n => {
                st.unfinished_tasks = n - 1;
                if n == 1 && st.joiners.any() {
                    self.all_tasks_done.notify_all();
                }
                Ok(())
            }
        }
    }

    /// Waits until every item ever put has been marked done by
    /// [`task_done`](Self::task_done) (Python: `q.join()`). Never fails; a shutdown does not
    /// end it, except that `shutdown(true)` finishes the tasks of the items it discards.
    pub fn join(&self) {
        let _operation = Operation::begin();
        let _unfinished = wait_for(
            &self.all_tasks_done,
            self.state.lock(),
            &mut Deadline::never(),
            Blocking::on(self, "join"),
            Some(|st: &mut State<S>| &mut st.joiners),
            |st| (st.unfinished_tasks == 0).then_some(()),
        );
    }

    /// Shuts the queue down, for good (Python: `q.shutdown(immediate)`).
    ///
    /// Every later put fails with [`PutError::ShutDown`]. Gets go on returning the items left
    /// and then fail with [`GetError::ShutDown`]; with `immediate`, the items are discarded at
    /// once, one unfinished task is finished per discarded item (the count never goes below
    /// zero), and gets fail at once. Every blocked put and get wakes to find out; joiners wake
    /// when the count has reached zero. Calling it again, either way, is allowed.
    pub fn shutdown(&self, immediate: bool) {
        let _operation = Operation::begin();
        let discarded = {
            let mut st = self.state.lock();
            st.is_shutdown = true;
            // Blocked gets and puts re-check the state once this returns and unlocks.
            if st.getters.any() {
                self.not_empty.notify_all();
            }
            if st.putters.any() {
                self.not_full.notify_all();
            }
            if immediate {
                let before = st.items.len();
                let discarded = {
                    let recount = Recount::new(self, &mut st);
                    storage_call(|| recount.st.items.take_all())
                };
                self.unlock_noting(st, before);
                discarded.unwrap_or_else(|panic| resume_unwind(panic))
            } else {
                Vec::new()
            }
        };
        // The discarded items are dropped with the mutex free: their destructors may use the
        // queue.
        drop(discarded);
    }

    /// How many items the queue holds now (Python: `q.qsize()`).
    pub fn qsize(&self) -> usize {
        let _operation = Operation::begin();
        self.state.lock().items.len()
    }

    /// True if the queue holds no items now (Python: `q.empty()`).
    pub fn empty(&self) -> bool {
        let _operation = Operation::begin();
        self.state.lock().items.is_empty()
    }

    /// True if the queue is bounded and holds `maxsize` items now (Python: `q.full()`); never
    /// true for an unbounded queue.
    pub fn full(&self) -> bool {
        let _operation = Operation::begin();
        Self::is_full(&self.state.lock())
    }

    /// The capacity given to [`new`](Self::new); 0 means unbounded (Python: `q.maxsize`).
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// How many items have been put and not yet marked done (Python: `q.unfinished_tasks`).
    pub fn unfinished_tasks(&self) -> usize {
        let _operation = Operation::begin();
        self.state.lock().unfinished_tasks
    }

    /// True once [`shutdown`](Self::shutdown) has been called (Python: `q.is_shutdown`).
    pub fn is_shutdown(&self) -> bool {
        let _operation = Operation::begin();
        self.state.lock().is_shutdown
    }

    /// Puts `item`, waiting for room for at most `timeout` (`None`: as long as it takes; zero:
    /// not at all).
    fn put_with(&self, item: T, timeout: Option<Duration>) -> Result<(), PutError<T>> {
        let _operation = Operation::begin();
        let mut st = self.state.lock();
        if st.is_shutdown {
            return Err(PutError::ShutDown(item));
        }
        if Self::is_full(&st) {
            // The clock starts only once the call has to wait, as CPython's does.
            let mut deadline = Deadline::within(timeout);
            st = self.spin(st, &mut deadline, |len| {
                self.maxsize > 0 && len >= self.maxsize
            });
            let (after, room) = wait_for(
                &self.not_full,
                st,
                &mut deadline,
                Blocking::on(self, "put"),
                Some(|st: &mut State<S>| &mut st.putters),
                |st| {
                    if st.is_shutdown {
                        Some(false)
                    } else {
                        (!Self::is_full(st)).then_some(true)
                    }
                },
            );
            st = after;
            match room {
                Some(true) => {}
                Some(false) => return Err(PutError::ShutDown(item)),
                None => return Err(PutError::Full(item)),
            }
        }
        let before = st.items.len();
        let stored = {
            let recount = Recount::new(self, &mut st);
            storage_call(|| recount.st.items.push(item))
        };
        self.unlock_noting(st, before);
        stored.unwrap_or_else(|panic| resume_unwind(panic));
        Ok(())
    }

    /// A get, blocking until `timeout` (`None`: no limit); a zero timeout does not block.
    fn get_with(&self, timeout: Option<Duration>) -> Result<T, GetError> {
        let _operation = Operation::begin();
        let mut st = self.state.lock();
        match self.take(&mut st) {
            Ok(Some(item)) => {
                let before = st.items.len() + 1;
                self.unlock_noting(st, before);
                return Ok(item);
            }
            Ok(None) => {}
            Err(panic) => {
                drop(st);
                resume_unwind(panic)
            }
        }
        // The clock starts only once the call has to wait, as CPython's does.
        let mut deadline = Deadline::within(timeout);
        st = self.spin(st, &mut deadline, |len| len == 0);
        let (st, got) = wait_for(
            &self.not_empty,
            st,
            &mut deadline,
            Blocking::on(self, "get"),
            Some(|st: &mut State<S>| &mut st.getters),
            |st| match self.take(st) {
                Ok(Some(item)) => Some(Ok(Ok(item))),
                Ok(None) => st.is_shutdown.then_some(Ok(Err(GetError::ShutDown))),
                Err(panic) => Some(Err(panic)),
            },
        );
        match got {
            Some(Ok(Ok(item))) => {
                let before = st.items.len() + 1;
                self.unlock_noting(st, before);
                Ok(item)
            }
            Some(Ok(Err(error))) => Err(error),
            None => Err(GetError::Empty),
            Some(Err(panic)) => {
                drop(st);
                resume_unwind(panic)
            }
        }
    }

    /// True if a put would have to wait for room.
    #[inline]
    fn is_full(st: &State<S>) -> bool {
        st.maxsize > 0 && st.items.len() >= st.maxsize
    }

    /// Before a get or put blocks: on real threads, lets go of the mutex and watches the
    /// `len` hint for a few rounds, while `busy(len)` (empty, or full) holds, the
    /// queue is not shut down and `deadline` has not passed; retakes the mutex whenever the hint
    /// says it changed, and returns the guard, on which the caller re-checks everything. In
    /// checker builds the budget is spent from the start: it returns the guard untouched.
    #[inline]
    fn spin<'a>(
        &'a self,
        mut st: MutexGuard<'a, State<S>>,
        deadline: &mut Deadline,
        busy: impl Fn(usize) -> bool,
    ) -> MutexGuard<'a, State<S>> {
        let mut backoff = spin::Backoff::new();
        while !backoff.is_completed()
            && busy(st.items.len())
            && !st.is_shutdown
            && !deadline.passed()
        {
            drop(st);
            backoff.snooze();
            while busy(self.len.get()) && !backoff.is_completed() {
                backoff.snooze();
            }
            // The other side has moved the queue off the edge: one more round lets it make
            // more changes before the lock changes hands, so that this thread finds a batch
            // of items (or of free slots), not one, and the two do not go in lockstep.
            backoff.snooze();
            st = self.state.lock();
        }
        st
    }

    /// Unlocks `st`, then publishes the number of items it held if that or the number
    /// `before` the change is 0 or `maxsize`. Published after unlocking, so that a thread
    /// watching the hint goes for a free lock; a later change can therefore be published before
    /// an earlier one, and the hint be stale until the next edge. That costs a watcher at most
    /// its spin budget: the hint only decides when to look, and everything is checked again
    /// under the lock.
    #[inline]
    fn unlock_noting(&self, st: MutexGuard<'_, State<S>>, before: usize) {
        let (after, maxsize) = (st.items.len(), st.maxsize);
        drop(st);
        let edge = |len: usize| len == 0 || (maxsize > 0 && len >= maxsize);
        if edge(before) || edge(after) {
            self.len.set(after);
        }
    }

    /// Takes the next item, if any, and lets one blocked put go on; a panic in the storage's
    /// `pop` comes back as its payload (see [`storage_call`]).
    #[inline]
    fn take(&self, st: &mut State<S>) -> Result<Option<T>, Panic> {
        let Some(item) = storage_call(|| st.items.pop())? else {
            return Ok(None);
        };
        if st.putters.any() {
            self.not_full.notify_one();
        }
        Ok(Some(item))
    }
}

/// What a panic unwinds with.
type Panic = Box<dyn std::any::Any + Send>;

/// Runs `call`, a call into the queue's [`Storage`]: code of the user's, run under the queue's
/// lock, that may panic (C63). A panic comes back as its payload, and the caller lets go of the
/// lock before it unwinds on: no lock is held by an unwinding panic, which would poison loom's
/// mutex for good under `--cfg loom` (the facade's mutex recovers everywhere else).
#[inline]
fn storage_call<R>(call: impl FnOnce() -> R) -> Result<R, Panic> {
    catch_unwind(AssertUnwindSafe(call))
}

/// Brings the task count in line with what the storage holds once it
/// returns, also when it panics (C63): each item a put stored is an unfinished task and may wake
/// a blocked get. Otherwise (an immediate shutdown, or a put whose storage panicked before
/// storing) each item gone finishes one task, never below zero, and a count of zero releases
/// the joiners, as the shutdown always checks.
struct Recount<'a, 'g, T, S: Storage<T>> {
    st: &'a mut MutexGuard<'g, State<S>>,
    before: usize,
    queue: &'a GenericQueue<T, S>,
}

impl<'a, 'g, T, S: Storage<T>> Recount<'a, 'g, T, S> {
    #[inline]
    fn new(queue: &'a GenericQueue<T, S>, st: &'a mut MutexGuard<'g, State<S>>) -> Self {
        let before = st.items.len();
        Self { st, before, queue }
    }
}

impl<T, S: Storage<T>> Drop for Recount<'_, '_, T, S> {
    #[inline]
    fn drop(&mut self) {
        let (before, after) = (self.before, self.st.items.len());
        if after > before {
            let added = after - before;
            self.st.unfinished_tasks += added;
            for _ in 0..added.min(self.st.getters.count()) {
                self.queue.not_empty.notify_one();
            }
        } else {
            let st = &mut *self.st;
            st.unfinished_tasks = st.unfinished_tasks.saturating_sub(before - after);
            if st.unfinished_tasks == 0 && st.joiners.any() {
                self.queue.all_tasks_done.notify_all();
            }
        }
    }
}

impl<T, S: Storage<T>> Default for GenericQueue<T, S> {
    /// An unbounded queue.
    fn default() -> Self {
        Self::new(0)
    }
}

impl<T, S: Storage<T>> fmt::Debug for GenericQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct(S::NAME);
        out.field("maxsize", &self.maxsize);
        match self.state.try_lock() {
            Some(st) => out
                .field("qsize", &st.items.len())
                .field("unfinished_tasks", &st.unfinished_tasks)
                .field("is_shutdown", &st.is_shutdown),
            None => out.field("state", &format_args!("<locked>")),
        };
        out.finish()
    }
}

/// The layout a put or a get relies on for its speed: the lock word and the whole state on the
/// queue's first cache line, the watchers' hint on the next. Real threads only: the checkers'
/// mutexes are larger, and their layout does not matter.
#[cfg(all(test, real_threads, target_pointer_width = "64"))]
mod tests {
    use std::mem::{align_of, offset_of, size_of};

    use super::{Fifo, Lifo, Mutex, Priority, Queue, State};

    #[test]
    fn the_lock_word_and_the_state_fill_the_first_cache_line() {
        assert_eq!(align_of::<Queue<u64>>(), 64);
        assert_eq!(offset_of!(Queue<u64>, state), 0);
        assert_eq!(size_of::<Mutex<State<Fifo<u64>>>>(), 64);
        assert!(size_of::<Mutex<State<Lifo<u64>>>>() <= 64);
        assert!(size_of::<Mutex<State<Priority<u64>>>>() <= 64);
        assert_eq!(offset_of!(Queue<u64>, len), 64);
    }
}
