//! `threading.Barrier`: a fixed number of threads wait until all of them have arrived, then
//! all go on together; the barrier is then ready for the next round.

use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::Duration;

use crate::sync::Operation;
use crate::sync::{wait_for, Blocking, Condvar, Deadline, Mutex, MutexGuard};
use crate::trace;
use crate::{BrokenBarrierError, PartiesError};

/// A barrier for a fixed number of threads, Python's `threading.Barrier(parties, action)`.
///
/// Each thread calls [`wait`](Barrier::wait); the call blocks until `parties` threads have
/// called it, then all of them return, each with a distinct arrival index (`0` for the first
/// to arrive, `parties - 1` for the last), and the barrier is reused for the next round. An
/// optional action runs once per round, in the last thread to arrive, before any thread is
/// released.
///
/// The barrier breaks (every waiting and later [`wait`](Barrier::wait) fails with
/// [`BrokenBarrierError`]) when it is [`abort`](Barrier::abort)ed, when a
/// [`wait_timeout`](Barrier::wait_timeout) expires, or when the action panics;
/// [`reset`](Barrier::reset) makes it usable again. Resetting a barrier that threads are
/// waiting on breaks their wait, and it is usable as soon as they have left.
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::Barrier;
///
/// let barrier = Arc::new(Barrier::new(3).unwrap()); // barrier = threading.Barrier(3)
/// let handles: Vec<_> = (0..3)
///     .map(|_| {
///         let barrier = barrier.clone();
///         std::thread::spawn(move || barrier.wait().unwrap()) // barrier.wait()
///     })
///     .collect();
/// let mut indexes: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
/// indexes.sort();
/// assert_eq!(indexes, [0, 1, 2]);
/// assert_eq!(barrier.n_waiting(), 0);
/// assert!(!barrier.broken());
/// # }
/// ```
pub struct Barrier {
    parties: usize,
    action: Option<Box<dyn Fn() + Send + Sync>>,
    state: Mutex<State>,
    /// Notified (all waiters) whenever `phase` changes: the last arrival starts draining, the
    /// last thread out of a draining or resetting barrier refills it, `abort` or a failure
    /// breaks it, `reset` resets it.
    changed: Condvar,
    /// The barrier in the checker-build trace.
    id: trace::Id,
}

trace::impl_traced!(Barrier, id);

/// CPython's four states of a barrier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Threads are arriving (CPython's state 0).
    Filling,
    /// All parties arrived; they are leaving, and new arrivals wait until they have (1).
    Draining,
    /// `reset` was called while threads waited; they leave with an error, and new arrivals
    /// wait until they have (-1).
    Resetting,
    /// Aborted, timed out or failed: every wait fails until `reset` (-2).
    Broken,
}

struct State {
    phase: Phase,
    /// Threads inside `wait` past the entry check: arrived and not yet gone.
    count: usize,
}

impl State {
    /// CPython's `n_waiting`: the arrivals of the round being filled, 0 in any other phase.
    fn n_waiting(&self) -> usize {
        if self.phase == Phase::Filling {
            self.count
        } else {
            0
        }
    }
}

impl Barrier {
    /// A barrier for `parties` threads (Python: `threading.Barrier(parties)`).
    ///
    /// # Errors
    /// [`PartiesError`] if `parties` is 0.
    pub fn new(parties: usize) -> Result<Barrier, PartiesError> {
        Self::build(parties, None)
    }

    /// A barrier for `parties` threads that runs `action` once per round, in the last thread
    /// to arrive, before releasing any thread (Python: `threading.Barrier(parties, action)`).
    ///
    /// The action runs while the barrier's internal lock is held, as in CPython: it must not
    /// call this barrier's own methods (other than [`parties`](Barrier::parties)), or it
    /// deadlocks. If it panics, the barrier breaks: the other threads of the round get
    /// [`BrokenBarrierError`], and the panic goes on in the thread that ran it.
    ///
    /// # Errors
    /// [`PartiesError`] if `parties` is 0.
    pub fn with_action(
        parties: usize,
        action: impl Fn() + Send + Sync + 'static,
    ) -> Result<Barrier, PartiesError> {
        Self::build(parties, Some(Box::new(action)))
    }

    fn build(
        parties: usize,
        action: Option<Box<dyn Fn() + Send + Sync>>,
    ) -> Result<Barrier, PartiesError> {
        if parties == 0 {
            return Err(PartiesError);
        }
        Ok(Self {
            parties,
            action,
            state: Mutex::new(State {
                phase: Phase::Filling,
                count: 0,
            }),
            changed: Condvar::new(),
            id: trace::Id::new("Barrier"),
        })
    }

    /// Waits until all parties have called `wait`, and returns this thread's arrival index,
    /// from 0 to `parties - 1` (Python: `barrier.wait()`).
    ///
    /// # Errors
    /// [`BrokenBarrierError`] if the barrier is broken, or breaks or is reset while this thread
    /// waits.
    ///
    /// # Panics
    /// If this thread is the last to arrive and the action panics: the panic is resumed here
    /// after the barrier is broken for the others.
    pub fn wait(&self) -> Result<usize, BrokenBarrierError> {
        self.wait_until(&mut Deadline::never())
    }

    /// [`wait`](Barrier::wait) for at most `timeout` (Python: `barrier.wait(timeout=t)`). If the
    /// timeout passes before all parties arrive, the barrier breaks, for every thread waiting
    /// on it too.
    ///
    /// # Errors
    /// [`BrokenBarrierError`] if the barrier is broken, breaks, is reset, or the timeout passes.
    ///
    /// # Panics
    /// As [`wait`](Barrier::wait), if the action panics.
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize, BrokenBarrierError> {
        self.wait_until(&mut Deadline::after(timeout))
    }

    fn wait_until(&self, deadline: &mut Deadline) -> Result<usize, BrokenBarrierError> {
        let mut operation = Some(Operation::begin());
        let blocking = Blocking::on(self, "wait");
        // Wait while the previous round drains or a reset completes (CPython's `_enter`).
        let (mut state, _) = wait_for(
            &self.changed,
            self.state.lock(),
            &mut Deadline::never(),
            blocking,
            None,
            |state| (!matches!(state.phase, Phase::Draining | Phase::Resetting)).then_some(()),
        );
        if state.phase == Phase::Broken {
            return Err(BrokenBarrierError);
        }
        let index = state.count;
        state.count += 1;
        let result = if index + 1 == self.parties {
            // The last to arrive runs the action and releases the round (CPython's `_release`).
            if let Some(action) = &self.action {
                // The action is the program's own code: no part of the operation.
                operation.take();
                if let Err(panic) = catch_unwind(AssertUnwindSafe(action)) {
                    self.break_barrier(&mut state);
                    self.leave(state);
                    resume_unwind(panic);
                }
            }
            state.phase = Phase::Draining;
            self.changed.notify_all();
            Ok(index)
        } else {
            // Wait for the round to be released, broken or reset (CPython's `_wait`).
            let (released, phase) =
                wait_for(&self.changed, state, deadline, blocking, None, |state| {
                    (state.phase != Phase::Filling).then_some(state.phase)
                });
            state = released;
            match phase {
                Some(Phase::Draining) => Ok(index),
                Some(_) => Err(BrokenBarrierError),
                None => {
                    // The timeout passed first: it breaks the barrier for everyone.
                    self.break_barrier(&mut state);
                    Err(BrokenBarrierError)
                }
            }
        };
        self.leave(state);
        result
    }

    /// A thread leaves `wait`; the last one out of a draining or resetting barrier makes it
    /// ready for the next round (CPython's `_exit`).
    fn leave(&self, mut state: MutexGuard<'_, State>) {
        state.count -= 1;
        if state.count == 0 && matches!(state.phase, Phase::Draining | Phase::Resetting) {
            state.phase = Phase::Filling;
            self.changed.notify_all();
        }
    }

    fn break_barrier(&self, state: &mut State) {
        state.phase = Phase::Broken;
        self.changed.notify_all();
    }

    /// Returns the barrier to its initial, empty state (Python: `barrier.reset()`). Threads
    /// waiting on it get [`BrokenBarrierError`]; once they have left, it is usable again. A
    /// broken barrier is repaired the same way.
    pub fn reset(&self) {
        let _operation = Operation::begin();
        let mut state = self.state.lock();
        if state.count > 0 {
            // Filling: wake the waiters with an error. Broken: the waiters still inside leave
            // with an error anyway. Either way the last one out refills the barrier.
            if matches!(state.phase, Phase::Filling | Phase::Broken) {
                state.phase = Phase::Resetting;
            }
        } else {
            state.phase = Phase::Filling;
        }
        self.changed.notify_all();
    }

    /// Breaks the barrier (Python: `barrier.abort()`): the threads waiting on it and every
    /// later [`wait`](Barrier::wait) get [`BrokenBarrierError`], until
    /// [`reset`](Barrier::reset). Use it so that no thread waits forever when one of the
    /// parties cannot arrive.
    pub fn abort(&self) {
        let _operation = Operation::begin();
        let mut state = self.state.lock();
        self.break_barrier(&mut state);
    }

    /// The number of threads needed to pass the barrier (Python: `barrier.parties`).
    #[inline]
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The number of threads waiting for the round to fill now (Python: `barrier.n_waiting`).
    pub fn n_waiting(&self) -> usize {
        let _operation = Operation::begin();
        self.state.lock().n_waiting()
    }

    /// Whether the barrier is broken (Python: `barrier.broken`).
    pub fn broken(&self) -> bool {
        let _operation = Operation::begin();
        self.state.lock().phase == Phase::Broken
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n_waiting, broken) = {
            let state = self.state.lock();
            (state.n_waiting(), state.phase == Phase::Broken)
        };
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("n_waiting", &n_waiting)
            .field("broken", &broken)
            .field("action", &self.action.is_some())
            .finish()
    }
}
