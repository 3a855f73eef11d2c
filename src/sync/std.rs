//! The real-thread backend: `std` threads and atomics, `parking_lot` locks.

use std::fmt;
use std::time::{Duration, Instant};

pub use std::sync::atomic;
/// The primitives' insides use std's atomics directly on real threads.
pub(crate) use std::sync::atomic as raw_atomic;

/// The real-time order of operations: on real threads, the order in which they take their
/// numbers, with nothing to tell a checker.
#[derive(Debug)]
pub(crate) struct RealTime;

impl RealTime {
    pub(crate) fn new() -> Self {
        RealTime
    }

    /// Runs `at`, the taking of an invocation's place in the order.
    #[inline(always)]
    pub(crate) fn invocation<R>(&self, at: impl FnOnce() -> R) -> R {
        at()
    }

    /// Runs `at`, the taking of a response's place in the order.
    #[inline(always)]
    pub(crate) fn response<R>(&self, at: impl FnOnce() -> R) -> R {
        at()
    }
}

/// An object, as the checker's runtime knows it: on real threads, nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Object;

/// A new object's number: on real threads, nothing.
#[inline(always)]
pub(crate) fn new_object() -> Object {
    Object
}

/// Runs `op` on `object`: on real threads there is no checker to tell.
#[inline(always)]
pub(crate) fn on_object<R>(_object: Object, _write: bool, op: impl FnOnce() -> R) -> R {
    op()
}

/// A mutual-exclusion lock whose `lock()` returns the guard directly: a panic while it is held
/// releases it and later users carry on (`parking_lot` has no poisoning).
#[derive(Default)]
pub struct Mutex<T>(parking_lot::Mutex<T>);

/// The guard of a [`Mutex`]; dropping it unlocks.
pub type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub const fn new(value: T) -> Self {
        Self(parking_lot::Mutex::new(value))
    }

    /// Blocks until the lock is held, and returns its guard.
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock()
    }

    /// The guard if the lock is free now, `None` if another holder has it.
    #[inline]
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.0.try_lock()
    }

    /// The protected value, by exclusive access (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.0.get_mut()
    }

    /// Consumes the mutex and returns the value.
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// When a timed wait gives up: never, already, or at an instant.
#[derive(Debug)]
pub(crate) struct Deadline(When);

#[derive(Debug)]
enum When {
    /// Passed: a wait gives up at once (a zero timeout, or a timeout that has run out).
    Passed,
    /// Never passes: the wait lasts until it is woken.
    Never,
    /// Passes at this instant.
    At(Instant),
}

impl Deadline {
    /// A wait without a timeout.
    #[inline]
    pub(crate) fn never() -> Self {
        Self(When::Never)
    }

    /// The deadline of a wait for at most `timeout`, starting now. A zero timeout has passed
    /// already (a non-blocking attempt); a timeout too long to represent never passes.
    #[inline]
    pub(crate) fn after(timeout: Duration) -> Self {
        if timeout.is_zero() {
            return Self(When::Passed);
        }
        match Instant::now().checked_add(timeout) {
            Some(at) => Self(When::At(at)),
            None => Self(When::Never),
        }
    }

    /// [`Deadline::after`] for `Some(timeout)`, [`Deadline::never`] for `None`.
    #[inline]
    pub(crate) fn within(timeout: Option<Duration>) -> Self {
        timeout.map_or_else(Self::never, Self::after)
    }

    /// Whether the deadline can never pass: a wait until it is woken, and nothing else.
    #[inline]
    pub(crate) fn is_never(&self) -> bool {
        matches!(self.0, When::Never)
    }

    /// Whether the deadline has passed. Once it has, it stays passed.
    #[inline]
    pub(crate) fn passed(&mut self) -> bool {
        let passed = match &self.0 {
            When::Passed => return true,
            When::Never => false,
            When::At(at) => Instant::now() >= *at,
        };
        if passed {
            self.0 = When::Passed;
        }
        passed
    }
}

/// A condition variable used with [`Mutex`]. It may wake spuriously: wait in a loop.
#[derive(Default)]
pub struct Condvar(parking_lot::Condvar);

impl Condvar {
    /// A new condition variable with no waiters.
    pub const fn new() -> Self {
        Self(parking_lot::Condvar::new())
    }

    /// Waits once: until notified (or woken spuriously), or until `deadline`, which is marked
    /// passed if this wait timed out. A passed deadline returns at once.
    #[inline]
    pub(crate) fn wait_until<'a, T>(
        &self,
        mut guard: MutexGuard<'a, T>,
        deadline: &mut Deadline,
    ) -> MutexGuard<'a, T> {
        match deadline.0 {
            When::Passed => {}
            When::Never => self.0.wait(&mut guard),
            When::At(at) => {
                if self.0.wait_until(&mut guard, at).timed_out() {
                    deadline.0 = When::Passed;
                }
            }
        }
        guard
    }

    /// Wakes one waiter, if there is one.
    #[inline]
    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    /// Wakes every waiter.
    #[inline]
    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Condvar { .. }")
    }
}

pub mod thread {
    use std::io;

    pub use std::thread::{current, yield_now, JoinHandle, Thread, ThreadId};

    /// Starts a thread, named `name` if given.
    pub fn spawn_named<F, T>(name: Option<String>, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let mut builder = std::thread::Builder::new();
        if let Some(name) = name {
            builder = builder.name(name);
        }
        builder.spawn(f)
    }

    /// Sleeps for `duration`.
    pub fn sleep(duration: std::time::Duration) {
        std::thread::sleep(duration);
    }

    /// A number that identifies the calling thread among the threads alive now; never 0.
    /// A number may be reused after its thread exits, so only compare it with live threads'.
    #[inline]
    pub fn token() -> usize {
        std::thread_local! {
            static TOKEN: u8 = const { 0 };
        }
        TOKEN.with(|slot| slot as *const u8 as usize)
    }
}
