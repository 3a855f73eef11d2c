//! The checker's mutex, as the facade's `Mutex`.

use std::fmt;
use std::ops::{Deref, DerefMut};

use super::{new_object, operation, rt, unpoison, Kind, Object};

/// The checker's mutex, with `lock()` returning the guard directly (a poisoned lock is
/// recovered: a panic never poisons it for later users).
pub struct Mutex<T>(rt::sync::Mutex<T>, Object, LetGoByPanic);

/// Under loom, whether a panic let go of the mutex (its guard was dropped as the panic unwound):
/// loom's mutex is then poisoned for good, and taking it again ends the execution with
/// [`LOOM_POISONED`](crate::check::runtime::LOOM_POISONED), which the checker reports as a limit
/// of loom's, not as the program's panic. (The crate's own primitives let go of their mutex
/// before a panic of the user's code unwinds on; a `Condition`'s lock is held over the user's
/// code, so a panic there lets go of it.) Under shuttle, whose mutex recovers, nothing.
#[derive(Default)]
struct LetGoByPanic(#[cfg(loom)] std::sync::atomic::AtomicBool);

impl LetGoByPanic {
    /// A guard taken while a panic was (`panicking_when_taken`) or was not unwinding is being
    /// dropped: note it if a panic unwinds now that did not when it was taken (the std mutex
    /// inside loom's is then poisoned, by the same rule).
    fn dropping(&self, panicking_when_taken: bool) {
        #[cfg(loom)]
        if !panicking_when_taken && std::thread::panicking() {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        #[cfg(not(loom))]
        let _ = panicking_when_taken;
    }

    /// The mutex is about to be taken: under loom, after a panic let go of it, the execution
    /// ends here, as loom's own `lock` would (with its poisoning message).
    fn taking(&self) {
        #[cfg(loom)]
        if self.0.load(std::sync::atomic::Ordering::Relaxed) {
            panic!("{}", crate::check::runtime::LOOM_POISONED);
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

/// The guard of a [`Mutex`]; dropping it unlocks.
pub struct MutexGuard<'a, T> {
    pub(super) mutex: &'a Mutex<T>,
    /// `None` only inside a wait, while the lock is let go.
    pub(super) guard: Option<rt::sync::MutexGuard<'a, T>>,
    /// Whether a panic was unwinding when the lock was taken (see [`LetGoByPanic`]).
    panicking_when_taken: bool,
}

impl<'a, T> MutexGuard<'a, T> {
    /// Lets go of the lock and takes it back: other threads may take it in between.
    pub(super) fn relock(&mut self) {
        self.let_go();
        self.take_back();
    }

    /// Lets go of the lock (inside a wait); [`take_back`](Self::take_back) takes it again.
    pub(super) fn let_go(&mut self) {
        if let Some(guard) = self.guard.take() {
            self.mutex.2.dropping(self.panicking_when_taken);
            operation(&[self.mutex.touched()], || drop(guard));
        }
    }

    /// Takes back the lock let go of.
    pub(super) fn take_back(&mut self) {
        self.guard = Some(self.mutex.lock_inner());
        self.panicking_when_taken = std::thread::panicking();
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.let_go();
    }
}

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self(
            rt::sync::Mutex::new(value),
            new_object(),
            LetGoByPanic::default(),
        )
    }

    /// What taking or letting go of the lock touches.
    pub(super) fn touched(&self) -> (Object, Kind) {
        (self.1, Kind::Write)
    }

    fn lock_inner(&self) -> rt::sync::MutexGuard<'_, T> {
        self.2.taking();
        operation(&[self.touched()], || unpoison(self.0.lock()))
    }

    /// Blocks until the lock is held, and returns its guard.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        MutexGuard {
            mutex: self,
            guard: Some(self.lock_inner()),
            panicking_when_taken: std::thread::panicking(),
        }
    }

    /// The guard if the lock is free now, `None` if another holder has it.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.2.taking();
        let guard = match operation(&[self.touched()], || self.0.try_lock()) {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        Some(MutexGuard {
            mutex: self,
            guard: Some(guard),
            panicking_when_taken: std::thread::panicking(),
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
