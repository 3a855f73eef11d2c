//! What the loom and shuttle backends share: both offer std-shaped `Mutex` and `Condvar` whose
//! results carry poisoning; the facade's versions drop it, and their timed waits never time out
//! because neither checker models time.

/// Defines `Mutex`, `MutexGuard` and `Condvar` over the checker crate `$checker`.
macro_rules! checker_sync {
    ($checker:ident) => {
        use std::fmt;
        use std::time::Duration;

        /// The checker's mutex, with `lock()` returning the guard directly (a poisoned lock is
        /// recovered: a panic never poisons it for later users).
        #[derive(Default)]
        pub struct Mutex<T>($checker::sync::Mutex<T>);

        /// The guard of a [`Mutex`]; dropping it unlocks.
        pub type MutexGuard<'a, T> = $checker::sync::MutexGuard<'a, T>;

        impl<T> Mutex<T> {
            /// A new unlocked mutex holding `value`.
            pub fn new(value: T) -> Self {
                Self($checker::sync::Mutex::new(value))
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

        /// The checker's condition variable. Time is not modelled: a timed wait never times out.
        #[derive(Default)]
        pub struct Condvar($checker::sync::Condvar);

        impl Condvar {
            /// A new condition variable with no waiters.
            pub fn new() -> Self {
                Self($checker::sync::Condvar::new())
            }

            /// Releases `guard`'s lock, blocks until notified, then relocks and returns it.
            pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
                self.0
                    .wait(guard)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
            }

            /// The same as [`Condvar::wait`]: time is not modelled, so it never times out.
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
    };
}

pub(super) use checker_sync;
