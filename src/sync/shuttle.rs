//! The shuttle backend: every operation is a point where shuttle may switch threads; its
//! schedulers explore the interleavings exhaustively (DFS) or by sampling (PCT, random).

use std::fmt;
use std::time::Duration;

pub use shuttle::sync::atomic;
pub use shuttle::sync::Arc;

/// shuttle's mutex, with `lock()` returning the guard directly (a poisoned lock is recovered).
#[derive(Default)]
pub struct Mutex<T>(shuttle::sync::Mutex<T>);

/// The guard of a [`Mutex`]; dropping it unlocks.
pub type MutexGuard<'a, T> = shuttle::sync::MutexGuard<'a, T>;

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self(shuttle::sync::Mutex::new(value))
    }

    /// Blocks until the lock is held, and returns its guard.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The guard if the lock is free now, `None` if another holder has it.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        match self.0.try_lock() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// The protected value, by exclusive access (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.0
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Consumes the mutex and returns the value.
    pub fn into_inner(self) -> T {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mutex { .. }")
    }
}

/// shuttle's condition variable. shuttle does not model time: a timed wait never times out.
#[derive(Default)]
pub struct Condvar(shuttle::sync::Condvar);

impl Condvar {
    /// A new condition variable with no waiters.
    pub fn new() -> Self {
        Self(shuttle::sync::Condvar::new())
    }

    /// Releases `guard`'s lock, blocks until notified, then relocks and returns the guard.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.0
            .wait(guard)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Under shuttle this is [`Condvar::wait`]: time is not modelled, so it never times out.
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        _timeout: Duration,
    ) -> (MutexGuard<'a, T>, bool) {
        (self.wait(guard), false)
    }

    /// Wakes one waiter, if there is one.
    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    /// Wakes every waiter.
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
    pub use shuttle::thread::{current, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId};

    /// Under shuttle, a scheduling point: no time passes, but other threads may run.
    pub fn sleep(_duration: std::time::Duration) {
        shuttle::thread::yield_now();
    }

    /// A number that identifies the calling thread among the live threads of this execution;
    /// never 0.
    pub fn token() -> usize {
        usize::from(shuttle::thread::current().id()) + 1
    }
}
