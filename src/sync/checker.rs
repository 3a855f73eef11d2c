//! What the loom and shuttle backends share: the facade's `Mutex`, `Condvar` and timed waits,
//! built on the checker's own primitives.
//!
//! Neither checker models time: loom's `Condvar::wait_timeout` never times out, nor does
//! shuttle's. Here time is part of the model, under *any timing*: a wait with a deadline may be
//! woken, or time out at any point while it waits, and the checker explores both.
//!
//! - Each wait has a `Slot` of its own, queued on the condition variable: a notify ends the
//!   first slot that still waits, and a timer ends a slot by timing it out. Whichever comes
//!   first decides, and the checker orders the two (each backend's `Slot` says how), so it
//!   explores both; a waiter that timed out is never the one a later notify wakes.
//! - A call that blocks with a timeout starts a [`Timer`]: a thread of the model whose one step
//!   is "the deadline passes now". The checker schedules that step at every point it can matter
//!   (loom's partial-order reduction orders it only against what it touches), so the deadline
//!   may pass before the call's first wait, between two of its waits or during one, and the
//!   timed-out thread may run straight on. A state in which every thread waits is no deadlock
//!   while a timer can still fire: the timer can run.
//!
//! The timer is a thread of the model, so under loom a program has one thread fewer to spend
//! (`loom::MAX_THREADS` is 5, the main thread included) for each of its calls that blocks with a
//! timeout. The slots' queue is plain data: all of a checker's threads run on one
//! operating-system thread, and every notify happens under the waiters' mutex, which orders it
//! for the checker against every wait.

/// Defines `Mutex`, `MutexGuard`, `Condvar`, `Timer` and `Slot` over the checker crate
/// `$checker`, which must define `Sleeper`: how the thread of one wait sleeps until its slot is
/// ended and is woken (`Sleeper::new()`; `wake()`, called once by whoever ends the slot; and
/// `sleep(&slot, &mut guard)`, which lets go of the guard's mutex, sleeps until the slot is
/// ended, and takes the mutex back).
macro_rules! checker_sync {
    ($checker:ident) => {
        use std::collections::VecDeque;
        use std::fmt;
        use std::ops::{Deref, DerefMut};

        use super::wait::{Deadline, When};

        /// The checker's mutex, with `lock()` returning the guard directly (a poisoned lock is
        /// recovered: a panic never poisons it for later users).
        #[derive(Default)]
        pub struct Mutex<T>($checker::sync::Mutex<T>);

        /// The guard of a [`Mutex`]; dropping it unlocks.
        pub struct MutexGuard<'a, T> {
            mutex: &'a Mutex<T>,
            /// `None` only inside a wait, while the lock is let go.
            guard: Option<$checker::sync::MutexGuard<'a, T>>,
        }

        fn unpoison<G>(result: Result<G, std::sync::PoisonError<G>>) -> G {
            result.unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        impl<T> Mutex<T> {
            /// A new unlocked mutex holding `value`.
            pub fn new(value: T) -> Self {
                Self($checker::sync::Mutex::new(value))
            }

            /// Blocks until the lock is held, and returns its guard.
            pub fn lock(&self) -> MutexGuard<'_, T> {
                MutexGuard {
                    mutex: self,
                    guard: Some(unpoison(self.0.lock())),
                }
            }

            /// The guard if the lock is free now, `None` if another holder has it.
            pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
                let guard = match self.0.try_lock() {
                    Ok(guard) => guard,
                    Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    Err(std::sync::TryLockError::WouldBlock) => return None,
                };
                Some(MutexGuard {
                    mutex: self,
                    guard: Some(guard),
                })
            }

            /// The protected value, by exclusive access (no locking needed).
            pub fn get_mut(&mut self) -> &mut T {
                unpoison(self.0.get_mut())
            }

            /// Consumes the mutex and returns the value.
            pub fn into_inner(self) -> T {
                unpoison(self.0.into_inner())
            }
        }

        impl<T> fmt::Debug for Mutex<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Mutex { .. }")
            }
        }

        const HELD: &str = "a mutex guard holds its lock outside a wait";

        impl<T> Deref for MutexGuard<'_, T> {
            type Target = T;

            fn deref(&self) -> &T {
                self.guard.as_ref().expect(HELD)
            }
        }

        impl<T> DerefMut for MutexGuard<'_, T> {
            fn deref_mut(&mut self) -> &mut T {
                self.guard.as_mut().expect(HELD)
            }
        }

        impl<T> fmt::Debug for MutexGuard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("MutexGuard { .. }")
            }
        }

        /// How a wait ended, or that it has not.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Ending {
            Waiting,
            Notified,
            TimedOut,
        }

        /// One wait of one thread, which a notify ends, or for a timed wait its timer,
        /// whichever comes first.
        ///
        /// A notify comes from a thread holding the waiters' mutex, which orders it for the
        /// checker against the wait; a timer does not hold it, so a timed wait has a mutex of
        /// its own, `timed`, which whoever ends the wait takes first: the checker orders a
        /// notify and a timer by it. `ending` itself is plain data (see the module docs).
        struct Slot {
            ending: std::sync::Mutex<Ending>,
            timed: Option<$checker::sync::Mutex<()>>,
            sleeper: Sleeper,
        }

        impl Slot {
            fn new(timed: bool) -> Self {
                Self {
                    ending: std::sync::Mutex::new(Ending::Waiting),
                    timed: timed.then(|| $checker::sync::Mutex::new(())),
                    sleeper: Sleeper::new(),
                }
            }

            fn ending(&self) -> Ending {
                *unpoison(self.ending.lock())
            }

            /// Ends the wait `how`, and wakes its thread; false if it had ended already.
            fn end(&self, how: Ending) -> bool {
                let _timed = self.timed.as_ref().map(|timed| unpoison(timed.lock()));
                let mut ending = unpoison(self.ending.lock());
                if *ending != Ending::Waiting {
                    return false;
                }
                *ending = how;
                super::clock::thread_woken();
                self.sleeper.wake();
                true
            }

            /// Lets go of `guard`'s mutex, sleeps until the wait is ended, and takes it back.
            fn block<T>(&self, guard: &mut MutexGuard<'_, T>) {
                self.sleeper.sleep(self, guard);
            }
        }

        /// On the virtual clock, a slot's alarm times its wait out (or ends its sleep).
        impl super::clock::Alarm for Slot {
            fn ring(&self) {
                self.end(Ending::TimedOut);
            }
        }

        /// The deadline of one call that blocked with a timeout, as a thread of the model that
        /// makes it pass: started when the call first blocks, it fires once, at whatever point
        /// of the execution the checker runs it, and times out the call's wait if it is in one.
        #[derive(Debug)]
        pub(crate) struct Timer {
            state: $checker::sync::Mutex<TimerState>,
        }

        #[derive(Default)]
        struct TimerState {
            fired: bool,
            /// The wait the call is in, if it is in one.
            waiting: Option<std::sync::Arc<Slot>>,
        }

        impl fmt::Debug for TimerState {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("TimerState")
                    .field("fired", &self.fired)
                    .finish()
            }
        }

        impl Timer {
            /// A timer whose thread is running.
            fn start() -> std::sync::Arc<Self> {
                let timer = std::sync::Arc::new(Self {
                    state: $checker::sync::Mutex::new(TimerState::default()),
                });
                let firing = std::sync::Arc::clone(&timer);
                $checker::thread::spawn(move || firing.fire());
                timer
            }

            fn fire(&self) {
                let waiting = {
                    let mut state = unpoison(self.state.lock());
                    state.fired = true;
                    state.waiting.take()
                };
                if let Some(slot) = waiting {
                    slot.end(Ending::TimedOut);
                }
            }

            /// Whether the deadline has passed.
            pub(crate) fn fired(&self) -> bool {
                unpoison(self.state.lock()).fired
            }

            /// Makes `slot` the wait to time out; false if the deadline has passed already.
            fn watch(&self, slot: &std::sync::Arc<Slot>) -> bool {
                let mut state = unpoison(self.state.lock());
                if state.fired {
                    return false;
                }
                state.waiting = Some(std::sync::Arc::clone(slot));
                true
            }
        }

        /// The condition variable of the facade, for the checkers. Its timed waits may time
        /// out, at any point; see the [module docs](self).
        #[derive(Default)]
        pub struct Condvar {
            /// The waits in the order they began; notifies take them from the front.
            slots: std::sync::Mutex<VecDeque<std::sync::Arc<Slot>>>,
        }

        impl Condvar {
            /// A new condition variable with no waiters.
            pub fn new() -> Self {
                Self::default()
            }

            fn slots(&self) -> std::sync::MutexGuard<'_, VecDeque<std::sync::Arc<Slot>>> {
                unpoison(self.slots.lock())
            }

            /// Waits once: until notified, or until `deadline`, which is marked passed if this
            /// wait timed out. A passed deadline returns at once.
            pub(crate) fn wait_until<'a, T>(
                &self,
                mut guard: MutexGuard<'a, T>,
                deadline: &mut Deadline,
            ) -> MutexGuard<'a, T> {
                let (timer, at) = match &mut deadline.0 {
                    When::Passed => return guard,
                    When::Never => (None, None),
                    When::Timed(timer) => (
                        Some(std::sync::Arc::clone(
                            timer.get_or_insert_with(Timer::start),
                        )),
                        None,
                    ),
                    When::Virtual(at) => (None, Some(*at)),
                };
                let slot = std::sync::Arc::new(Slot::new(timer.is_some() || at.is_some()));
                if let Some(timer) = &timer {
                    if !timer.watch(&slot) {
                        deadline.0 = When::Passed;
                        return guard;
                    }
                }
                let alarm =
                    at.map(|at| super::clock::schedule(at, std::sync::Arc::clone(&slot) as _));
                self.slots().push_back(std::sync::Arc::clone(&slot));
                super::clock::thread_idle();
                slot.block(&mut guard);
                if let Some(alarm) = alarm {
                    super::clock::cancel(alarm);
                }
                if slot.ending() == Ending::TimedOut {
                    // Still queued: take it out, so no notify is spent on it.
                    self.slots()
                        .retain(|queued| !std::sync::Arc::ptr_eq(queued, &slot));
                    deadline.0 = When::Passed;
                }
                guard
            }

            /// Wakes the longest-waiting thread that still waits, if there is one.
            pub fn notify_one(&self) {
                loop {
                    let Some(slot) = self.slots().pop_front() else {
                        return;
                    };
                    if slot.end(Ending::Notified) {
                        return;
                    }
                }
            }

            /// Wakes every waiting thread.
            pub fn notify_all(&self) {
                let slots = std::mem::take(&mut *self.slots());
                for slot in slots {
                    slot.end(Ending::Notified);
                }
            }
        }

        impl fmt::Debug for Condvar {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Condvar { .. }")
            }
        }

        /// The checker's threads, with what the virtual clock needs to know of them: when a
        /// thread starts, finishes, sleeps and joins.
        pub mod thread {
            use std::sync::Arc;
            use std::time::Duration;

            use super::{Ending, Slot};
            use crate::check::runtime::clock::{self, Exit};
            use crate::check::runtime::record;

            pub use super::token;
            pub use $checker::thread::{current, yield_now, Thread, ThreadId};

            /// Starts a thread of the model, named `name` if given.
            pub fn spawn_named<F, T>(name: Option<String>, f: F) -> std::io::Result<JoinHandle<T>>
            where
                F: FnOnce() -> T + Send + 'static,
                T: Send + 'static,
            {
                let (traced, object) = record::spawning(token(), name.as_deref());
                let mut builder = $checker::thread::Builder::new();
                if let Some(name) = name {
                    builder = builder.name(name);
                }
                let exit = Arc::new(Exit::default());
                let finished = Arc::clone(&exit);
                clock::thread_woken();
                let inner = builder.spawn(move || {
                    /// Tells the clock and the trace the thread finished, however it finishes.
                    struct Finish(Arc<Exit>);
                    impl Drop for Finish {
                        fn drop(&mut self) {
                            // A thread that finishes by panicking is left as it was: it did
                            // not finish its work, and a checker may be unwinding it after
                            // its execution is gone.
                            if !std::thread::panicking() {
                                record::finished(token());
                            }
                            self.0.finish();
                        }
                    }
                    record::started(token(), traced, object);
                    let _finish = Finish(finished);
                    f()
                })?;
                Ok(JoinHandle {
                    inner,
                    exit,
                    object,
                })
            }

            /// A handle to join a thread of the model; see `std::thread::JoinHandle`.
            pub struct JoinHandle<T> {
                inner: $checker::thread::JoinHandle<T>,
                exit: Arc<Exit>,
                /// The thread in the trace.
                object: record::Id,
            }

            impl<T> JoinHandle<T> {
                /// Waits for the thread to finish, and returns its result.
                pub fn join(self) -> std::thread::Result<T> {
                    /// The trace's record of the wait, ended however the join ends.
                    struct Joining;
                    impl Drop for Joining {
                        fn drop(&mut self) {
                            if !std::thread::panicking() {
                                record::unblocked(token());
                            }
                        }
                    }
                    record::joining(token(), self.object);
                    let _joining = Joining;
                    self.exit.join();
                    self.inner.join()
                }

                /// The thread.
                pub fn thread(&self) -> &Thread {
                    self.inner.thread()
                }
            }

            /// Under any timing no time passes, and a sleep is no scheduling point: it touches
            /// nothing another thread can see, so the schedules around it are those of the
            /// steps before and after it. Under virtual timing the thread sleeps until the
            /// clock has moved on by `duration` (a zero sleep returns at once).
            pub fn sleep(duration: Duration) {
                let Some(now) = clock::virtual_now() else {
                    return;
                };
                if duration.is_zero() {
                    return;
                }
                let Some(at) = now.checked_add(duration) else {
                    // Longer than the clock can count: a sleep nothing ends.
                    clock::thread_idle();
                    loop {
                        $checker::thread::park();
                    }
                };
                // Only the clock ends a sleep, so its slot needs no mutex of its own to order
                // enders; shuttle's sleeper waits on one all the same.
                let slot = Arc::new(Slot::new(cfg!(shuttle)));
                clock::schedule(at, Arc::clone(&slot) as _);
                clock::thread_idle();
                slot.sleeper.sleep_alone(&slot);
                debug_assert_eq!(slot.ending(), Ending::TimedOut);
            }
        }
    };
}

pub(super) use checker_sync;
