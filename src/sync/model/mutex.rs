//! The checker's mutex, as the facade's `Mutex`.

use std::fmt;
use std::ops::{Deref, DerefMut};

use super::{rt, unpoison};

/// The checker's mutex, with `lock()` returning the guard directly (a poisoned lock is
/// recovered: a panic never poisons it for later users).
#[derive(Default)]
pub struct Mutex<T>(pub(super) rt::sync::Mutex<T>);

/// The guard of a [`Mutex`]; dropping it unlocks.
pub struct MutexGuard<'a, T> {
    pub(super) mutex: &'a Mutex<T>,
    /// `None` only inside a wait, while the lock is let go.
    pub(super) guard: Option<rt::sync::MutexGuard<'a, T>>,
}

impl<T> MutexGuard<'_, T> {
    /// Lets go of the lock and takes it back: other threads may take it in between.
    pub(super) fn relock(&mut self) {
        drop(self.guard.take());
        self.guard = Some(unpoison(self.mutex.0.lock()));
    }
}

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self(rt::sync::Mutex::new(value))
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

pub(super) const HELD: &str = "a mutex guard holds its lock outside a wait";

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
