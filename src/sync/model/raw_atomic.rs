//! The checker's `AtomicUsize`, for the primitives' insides (a lock word, an owner): the
//! trace does not record its operations, but the checker's runtime learns what each touches
//! (see `super::operation`), as for every other call into the checker.

pub use std::sync::atomic::Ordering;

use super::{new_object, on_object, rt, Object};

/// The checker's `AtomicUsize`, each operation of which tells the runtime what it touches.
#[derive(Debug)]
pub struct AtomicUsize(rt::sync::atomic::AtomicUsize, Object);

impl AtomicUsize {
    pub fn new(value: usize) -> Self {
        Self(rt::sync::atomic::AtomicUsize::new(value), new_object())
    }

    pub fn load(&self, order: Ordering) -> usize {
        on_object(self.1, false, || self.0.load(order))
    }

    pub fn store(&self, value: usize, order: Ordering) {
        on_object(self.1, true, || self.0.store(value, order));
    }

    pub fn swap(&self, value: usize, order: Ordering) -> usize {
        on_object(self.1, true, || self.0.swap(value, order))
    }

    pub fn compare_exchange(
        &self,
        current: usize,
        new: usize,
        success: Ordering,
        failure: Ordering,
    ) -> Result<usize, usize> {
        on_object(self.1, true, || {
            self.0.compare_exchange(current, new, success, failure)
        })
    }
}
