//! `threading.Event`: a flag that threads wait on until another thread sets it.

use std::fmt;
use std::time::Duration;

use crate::sync::Operation;
use crate::sync::{wait_for, Blocking, Condvar, Deadline, Mutex, Waiters};
use crate::trace;

/// An event, Python's `threading.Event()`: a flag, initially false, that
/// [`set`](Event::set) makes true and [`clear`](Event::clear) false again, and that threads
/// [`wait`](Event::wait) on until it is true.
///
/// Setting it wakes every waiting thread. A thread that was waiting when the event was set
/// returns as released even if the event was cleared again before it ran (as in CPython, where
/// `wait()` returns `True` in that case).
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::Event;
///
/// let event = Arc::new(Event::new());             // event = threading.Event()
/// let workers: Vec<_> = (0..3)
///     .map(|_| {
///         let event = event.clone();
///         std::thread::spawn(move || {
///             event.wait();                        // event.wait()
///             assert!(event.is_set());
///         })
///     })
///     .collect();
/// event.set();                                    // event.set()
/// for worker in workers {
///     worker.join().unwrap();
/// }
/// event.clear();                                  // event.clear()
/// assert!(!event.wait_timeout(std::time::Duration::ZERO)); // event.wait(0) is False
/// # }
/// ```
pub struct Event {
    /// The flag and the waiters' bookkeeping, under one mutex (a lock-free flag made the
    /// checkers' search an order of magnitude larger, for a saving of one uncontended lock).
    state: Mutex<EventState>,
    /// Notified (all waiters) by a `set` that turns the flag on while threads wait.
    changed: Condvar,
    /// The event in the checker-build trace.
    id: trace::Id,
}

trace::impl_traced!(Event, id);

struct EventState {
    /// The flag.
    set: bool,
    /// Counts the times the flag was turned on. A waiter that sees it change was released by
    /// a `set`, even if a `clear` has turned the flag off again since.
    generation: usize,
    /// Threads waiting now; `set` notifies only when there are some.
    waiters: Waiters,
}

impl Event {
    /// A new event, not set (Python: `threading.Event()`).
    pub fn new() -> Self {
        Self {
            state: Mutex::new(EventState {
                set: false,
                generation: 0,
                waiters: Waiters::new(),
            }),
            changed: Condvar::new(),
            id: trace::Id::new("Event"),
        }
    }

    /// Whether the flag is set now (Python: `event.is_set()`).
    #[inline]
    pub fn is_set(&self) -> bool {
        let _operation = Operation::begin();
        self.state.lock().set
    }

    /// Sets the flag and wakes every waiting thread (Python: `event.set()`). Threads that wait
    /// afterwards return at once, until [`clear`](Event::clear). Setting a set event does
    /// nothing.
    pub fn set(&self) {
        let _operation = Operation::begin();
        let mut state = self.state.lock();
        if state.set {
            return;
        }
        state.set = true;
        state.generation = state.generation.wrapping_add(1);
        if state.waiters.any() {
            self.changed.notify_all();
        }
    }

    /// Resets the flag to false (Python: `event.clear()`). Threads that wait afterwards block
    /// until the next [`set`](Event::set). Threads already released by a `set` still return.
    pub fn clear(&self) {
        let _operation = Operation::begin();
        self.state.lock().set = false;
    }

    /// Blocks until the flag is set (Python: `event.wait()`, which then returns `True`).
    /// Returns at once if it is set already.
    #[inline]
    pub fn wait(&self) {
        self.wait_until(None);
    }

    /// Blocks until the flag is set or `timeout` passes (Python: `event.wait(timeout=t)`).
    /// Returns true if the flag was set (or a `set` released this thread), false if the timeout
    /// passed. A zero timeout only looks at the flag.
    #[inline]
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_until(Some(timeout))
    }

    fn wait_until(&self, timeout: Option<Duration>) -> bool {
        let _operation = Operation::begin();
        let state = self.state.lock();
        if state.set {
            return true;
        }
        // Released by the next `set`, even if a `clear` follows it before this thread runs.
        let generation = state.generation;
        let (_state, released) = wait_for(
            &self.changed,
            state,
            &mut Deadline::within(timeout),
            Blocking::on(self, "wait"),
            Some(|state: &mut EventState| &mut state.waiters),
            |state| (state.generation != generation).then_some(()),
        );
        released.is_some()
    }
}

impl Default for Event {
    /// A new event, not set.
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (is_set, waiters) = {
            let state = self.state.lock();
            (state.set, state.waiters)
        };
        f.debug_struct("Event")
            .field("is_set", &is_set)
            .field("waiters", &waiters)
            .finish()
    }
}
