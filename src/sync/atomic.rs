//! Atomic types, the same in every configuration: std's on real threads, the checker's under
//! loom and shuttle, which explore every order of their operations.
//!
//! Each type wraps its backend's and offers the operations all three have, with one signature:
//! a program written against these compiles in every configuration. (The backends differ:
//! std's `new` is a `const fn` and loom's is not, std has `get_mut` and loom `with_mut`...)

use std::fmt;

pub use std::sync::atomic::Ordering;

use super::backend::atomic as backend;

macro_rules! common {
    ($name:ident, $value:ty) => {
        impl $name {
            /// A new atomic holding `value`.
            #[inline]
            pub fn new(value: $value) -> Self {
                Self(backend::$name::new(value))
            }

            /// Loads the value.
            #[inline]
            pub fn load(&self, order: Ordering) -> $value {
                self.0.load(order)
            }

            /// Stores `value`.
            #[inline]
            pub fn store(&self, value: $value, order: Ordering) {
                self.0.store(value, order);
            }

            /// Stores `value` and returns the previous value.
            #[inline]
            pub fn swap(&self, value: $value, order: Ordering) -> $value {
                self.0.swap(value, order)
            }

            /// Stores `new` if the value is `current`; returns the previous value, `Ok` if it
            /// was `current`.
            #[inline]
            pub fn compare_exchange(
                &self,
                current: $value,
                new: $value,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$value, $value> {
                self.0.compare_exchange(current, new, success, failure)
            }

            /// Consumes the atomic and returns the value.
            #[inline]
            pub fn into_inner(self) -> $value {
                self.0.into_inner()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new(<$value>::default())
            }
        }

        impl fmt::Debug for $name {
            /// The value, loaded with `Relaxed` ordering.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.load(Ordering::Relaxed), f)
            }
        }
    };
}

/// A `usize` shared between threads (`std::sync::atomic::AtomicUsize`, or the checker's).
pub struct AtomicUsize(backend::AtomicUsize);

common!(AtomicUsize, usize);

impl AtomicUsize {
    /// Adds `value`, wrapping around on overflow; returns the previous value.
    #[inline]
    pub fn fetch_add(&self, value: usize, order: Ordering) -> usize {
        self.0.fetch_add(value, order)
    }

    /// Subtracts `value`, wrapping around on overflow; returns the previous value.
    #[inline]
    pub fn fetch_sub(&self, value: usize, order: Ordering) -> usize {
        self.0.fetch_sub(value, order)
    }

    /// Stores the larger of the value and `value`; returns the previous value.
    #[inline]
    pub fn fetch_max(&self, value: usize, order: Ordering) -> usize {
        self.0.fetch_max(value, order)
    }

    /// Stores the smaller of the value and `value`; returns the previous value.
    #[inline]
    pub fn fetch_min(&self, value: usize, order: Ordering) -> usize {
        self.0.fetch_min(value, order)
    }
}

/// A `bool` shared between threads (`std::sync::atomic::AtomicBool`, or the checker's).
pub struct AtomicBool(backend::AtomicBool);

common!(AtomicBool, bool);

impl AtomicBool {
    /// Logical "and" with `value`; returns the previous value.
    #[inline]
    pub fn fetch_and(&self, value: bool, order: Ordering) -> bool {
        self.0.fetch_and(value, order)
    }

    /// Logical "or" with `value`; returns the previous value.
    #[inline]
    pub fn fetch_or(&self, value: bool, order: Ordering) -> bool {
        self.0.fetch_or(value, order)
    }
}
