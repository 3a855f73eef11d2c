//! Atomic types, the same in every configuration: std's on real threads, the checker's under
//! loom and shuttle, which explore every order of their operations.
//!
//! Each type wraps its backend's and offers the operations all three have, with one signature:
//! a program written against these compiles in every configuration. (The backends differ:
//! std's `new` is a `const fn` and loom's is not, std has `get_mut` and loom `with_mut`...)
//!
//! There is one type per integer width, signed and unsigned ([`AtomicI8`] .. [`AtomicI64`],
//! [`AtomicIsize`], [`AtomicU8`] .. [`AtomicU64`], [`AtomicUsize`]), and [`AtomicBool`]. Every
//! type has `new`, `load`, `store`, `swap`, `compare_exchange` and `into_inner`; the integers
//! add `fetch_add` and `fetch_sub` (which wrap around on overflow, as std's do), `fetch_max`,
//! `fetch_min`, `fetch_and`, `fetch_nand`, `fetch_or` and `fetch_xor`; the `bool` has the four
//! logical ones. The examples run in every configuration: each is a [`Check`] of a program
//! that uses the atomic (on real threads a stress test, under a checker every interleaving).
//!
//! In a checker build every operation is also a step of the execution's trace, shown in a
//! counterexample's table: `read x` with the value read, `write x` with the value stored,
//! `x.fetch_add(1)` with the value before. An atomic is named by its
//! [`label`](crate::trace::label), or by its kind and number (`AtomicUsize#2`). On real
//! threads nothing is recorded, at no cost.
//!
//! ```
//! use threadproof::check::{Check, Verdict};
//! use threadproof::sync::atomic::{AtomicI32, Ordering};
//! use threadproof::sync::{thread, Arc};
//!
//! // One thread takes 5 off a balance of 0 while another adds 3: it goes below zero.
//! let report = Check::new().run_claim(
//!     || {
//!         let balance = Arc::new(AtomicI32::new(0));
//!         let spender = {
//!             let balance = balance.clone();
//!             thread::spawn(move || balance.fetch_sub(5, Ordering::SeqCst))
//!         };
//!         balance.fetch_add(3, Ordering::SeqCst);
//!         spender.join().unwrap();
//!         balance.load(Ordering::SeqCst)
//!     },
//!     |balance| *balance == -2,
//! );
//! assert_eq!(report.verdict, Verdict::Holds);
//! ```
//!
//! [`Check`]: crate::check::Check

use std::fmt;

pub use std::sync::atomic::Ordering;

use super::backend::atomic as backend;
use super::backend::{new_object, on_object as on_atomic, Object};
use super::thread::token;
use crate::check::runtime::record::{self, Access, Id, Sealed};

/// What an operation did to an atomic, for the trace: read it (a load, a failed
/// compare-exchange), or left a value in it (a store, a swap, a read-modify-write), with the
/// operation's ordering.
enum Effect<T> {
    Read(T, Ordering),
    Write(T, Ordering),
}

/// Defines the atomic type `$name`, a `$value` shared between threads, as a wrapper of the
/// backend's type of that name, with the operations every atomic type has, each documented
/// with an example run in a [`Check`](crate::check::Check). `$a` and `$b` are two different
/// values of `$value` (as source text) that the examples store and compare.
macro_rules! atomic_type {
    ($name:ident, $value:ident, $a:literal, $b:literal) => {
        #[doc = concat!("A `", stringify!($value), "` shared between threads (`std::sync::atomic::", stringify!($name), "`, or the checker's).")]
        ///
        /// Every operation takes an [`Ordering`], as std's do. Under loom and shuttle each
        /// operation is a step the checker orders against the other threads' steps.
        ///
        /// ```
        /// # threadproof::check::Check::new().runs(1).run(|| {
        #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
        ///
        #[doc = concat!("let x = ", stringify!($name), "::new(", $a, ");")]
        #[doc = concat!("assert_eq!(x.swap(", $b, ", Ordering::SeqCst), ", $a, ");")]
        #[doc = concat!("assert_eq!(x.load(Ordering::SeqCst), ", $b, ");")]
        #[doc = concat!("assert_eq!(format!(\"{x:?}\"), format!(\"{:?}\", ", $b, "));")]
        /// # }).expect(threadproof::check::Verdict::Holds);
        /// ```
        pub struct $name {
            inner: backend::$name,
            /// The atomic in the trace: a checker build records each operation on it.
            id: Id,
            /// The atomic as the checker's search knows it (nothing on real threads).
            object: Object,
        }

        impl Sealed for $name {
            #[inline(always)]
            fn trace_id(&self) -> Id {
                self.id
            }
        }

        impl $name {
            /// A new atomic holding `value`.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(", $a, ");")]
            #[doc = concat!("assert_eq!(x.load(Ordering::SeqCst), ", $a, ");")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::default().into_inner(), ", stringify!($value), "::default());")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn new(value: $value) -> Self {
                Self {
                    inner: backend::$name::new(value),
                    id: Id::new(stringify!($name)),
                    object: new_object(),
                }
            }

            /// Loads the value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(", $b, ");")]
            #[doc = concat!("assert_eq!(x.load(Ordering::Acquire), ", $b, ");")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn load(&self, order: Ordering) -> $value {
                let value = on_atomic(self.object, false, || self.inner.load(order));
                self.record(|name| format!("read {name}"), &value, Effect::Read(value, order));
                value
            }

            /// Stores `value`.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(", $a, ");")]
            #[doc = concat!("x.store(", $b, ", Ordering::Release);")]
            #[doc = concat!("assert_eq!(x.load(Ordering::Acquire), ", $b, ");")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn store(&self, value: $value, order: Ordering) {
                on_atomic(self.object, true, || self.inner.store(value, order));
                self.record(|name| format!("write {name}"), &value, Effect::Write(value, order));
            }

            /// Stores `value` and returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(", $a, ");")]
            #[doc = concat!("assert_eq!(x.swap(", $b, ", Ordering::AcqRel), ", $a, ");")]
            #[doc = concat!("assert_eq!(x.load(Ordering::Acquire), ", $b, ");")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn swap(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.swap(value, order));
                self.record(|name| format!("{name}.swap({value:?})"), &previous, Effect::Write(value, order));
                previous
            }

            /// Stores `new` if the value is `current`; returns the previous value, `Ok` if it
            /// was `current` (and `new` was stored), `Err` if not (and nothing was).
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(", $a, ");")]
            /// let (success, failure) = (Ordering::AcqRel, Ordering::Acquire);
            #[doc = concat!("assert_eq!(x.compare_exchange(", $a, ", ", $b, ", success, failure), Ok(", $a, "));")]
            #[doc = concat!("// Now ", $b, ", not ", $a, ": nothing is stored.")]
            #[doc = concat!("assert_eq!(x.compare_exchange(", $a, ", ", $b, ", success, failure), Err(", $b, "));")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn compare_exchange(
                &self,
                current: $value,
                new: $value,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$value, $value> {
                let result = on_atomic(self.object, true, || self.inner.compare_exchange(current, new, success, failure));
                let effect = match result {
                    Ok(_) => Effect::Write(new, success),
                    Err(seen) => Effect::Read(seen, failure),
                };
                self.record(
                    |name| format!("{name}.compare_exchange({current:?}, {new:?})"),
                    &result,
                    effect,
                );
                result
            }

            /// Consumes the atomic and returns the value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($name), "::new(", $b, ").into_inner(), ", $b, ");")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn into_inner(self) -> $value {
                self.inner.into_inner()
            }

            /// Records an operation on this atomic as a step of the calling thread, in a
            /// checker build: `action` makes the step's action from the atomic's name, `value`
            /// is what the operation returned, and `effect` whether it only read the atomic or
            /// left a value in it, and with which ordering.
            #[inline(always)]
            fn record(
                &self,
                action: impl FnOnce(&str) -> String,
                value: &impl fmt::Debug,
                effect: Effect<$value>,
            ) {
                if record::ENABLED {
                    let access = match effect {
                        Effect::Read(seen, order) => Access::Read {
                            seen: format!("{seen:?}"),
                            seq_cst: order == Ordering::SeqCst,
                        },
                        Effect::Write(now, order) => Access::Write {
                            now: format!("{now:?}"),
                            seq_cst: order == Ordering::SeqCst,
                        },
                    };
                    record::access(token(), self.id, action, format!("{value:?}"), access);
                }
            }
        }

        impl Default for $name {
            /// A new atomic holding the type's default value.
            fn default() -> Self {
                Self::new(<$value>::default())
            }
        }

        impl fmt::Debug for $name {
            /// The value, loaded with `Relaxed` ordering.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Read without recording: showing a value is no step of the program.
                fmt::Debug::fmt(&on_atomic(self.object, false, || self.inner.load(Ordering::Relaxed)), f)
            }
        }
    };
}

/// Defines `$name`, an atomic integer of type `$value`, as a wrapper of the backend's type of
/// that name: the operations of every atomic type ([`atomic_type`]), and the arithmetic and
/// bitwise read-modify-write operations all three backends have, each documented with an
/// example run in a [`Check`](crate::check::Check).
macro_rules! atomic_integer {
    ($name:ident, $value:ident) => {
        atomic_type!($name, $value, "7", "42");

        impl $name {
            /// Adds `value`, wrapping around on overflow; returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(40);")]
            /// assert_eq!(x.fetch_add(2, Ordering::SeqCst), 40);
            /// assert_eq!(x.load(Ordering::SeqCst), 42);
            #[doc = concat!("x.store(", stringify!($value), "::MAX, Ordering::SeqCst);")]
            #[doc = concat!("assert_eq!(x.fetch_add(1, Ordering::SeqCst), ", stringify!($value), "::MAX);")]
            #[doc = concat!("assert_eq!(x.load(Ordering::SeqCst), ", stringify!($value), "::MIN); // wrapped around")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_add(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_add(value, order));
                self.record(|name| format!("{name}.fetch_add({value:?})"), &previous, Effect::Write(previous.wrapping_add(value), order));
                previous
            }

            /// Subtracts `value`, wrapping around on overflow; returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(44);")]
            /// assert_eq!(x.fetch_sub(2, Ordering::SeqCst), 44);
            /// assert_eq!(x.load(Ordering::SeqCst), 42);
            #[doc = concat!("x.store(", stringify!($value), "::MIN, Ordering::SeqCst);")]
            #[doc = concat!("assert_eq!(x.fetch_sub(1, Ordering::SeqCst), ", stringify!($value), "::MIN);")]
            #[doc = concat!("assert_eq!(x.load(Ordering::SeqCst), ", stringify!($value), "::MAX); // wrapped around")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_sub(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_sub(value, order));
                self.record(|name| format!("{name}.fetch_sub({value:?})"), &previous, Effect::Write(previous.wrapping_sub(value), order));
                previous
            }

            /// Stores the larger of the value and `value`; returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(7);")]
            /// assert_eq!(x.fetch_max(42, Ordering::SeqCst), 7);
            /// assert_eq!(x.fetch_max(3, Ordering::SeqCst), 42);
            /// assert_eq!(x.load(Ordering::SeqCst), 42);
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_max(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_max(value, order));
                self.record(|name| format!("{name}.fetch_max({value:?})"), &previous, Effect::Write(previous.max(value), order));
                previous
            }

            /// Stores the smaller of the value and `value`; returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(7);")]
            /// assert_eq!(x.fetch_min(42, Ordering::SeqCst), 7);
            #[doc = concat!("assert_eq!(x.fetch_min(", stringify!($value), "::MIN, Ordering::SeqCst), 7);")]
            #[doc = concat!("assert_eq!(x.load(Ordering::SeqCst), ", stringify!($value), "::MIN);")]
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_min(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_min(value, order));
                self.record(|name| format!("{name}.fetch_min({value:?})"), &previous, Effect::Write(previous.min(value), order));
                previous
            }

            /// Bitwise "and" with `value`; returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(0b1100);")]
            /// assert_eq!(x.fetch_and(0b1010, Ordering::SeqCst), 0b1100);
            /// assert_eq!(x.load(Ordering::SeqCst), 0b1000);
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_and(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_and(value, order));
                self.record(|name| format!("{name}.fetch_and({value:?})"), &previous, Effect::Write(previous & value, order));
                previous
            }

            /// Bitwise "nand" with `value` (the complement of the "and"); returns the previous
            /// value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(0b1100);")]
            /// assert_eq!(x.fetch_nand(0b1010, Ordering::SeqCst), 0b1100);
            /// assert_eq!(x.load(Ordering::SeqCst), !0b1000);
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_nand(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_nand(value, order));
                self.record(|name| format!("{name}.fetch_nand({value:?})"), &previous, Effect::Write(!(previous & value), order));
                previous
            }

            /// Bitwise "or" with `value`; returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(0b1100);")]
            /// assert_eq!(x.fetch_or(0b1010, Ordering::SeqCst), 0b1100);
            /// assert_eq!(x.load(Ordering::SeqCst), 0b1110);
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_or(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_or(value, order));
                self.record(|name| format!("{name}.fetch_or({value:?})"), &previous, Effect::Write(previous | value, order));
                previous
            }

            /// Bitwise "xor" with `value`; returns the previous value.
            ///
            /// ```
            /// # threadproof::check::Check::new().runs(1).run(|| {
            #[doc = concat!("use threadproof::sync::atomic::{", stringify!($name), ", Ordering};")]
            ///
            #[doc = concat!("let x = ", stringify!($name), "::new(0b1100);")]
            /// assert_eq!(x.fetch_xor(0b1010, Ordering::SeqCst), 0b1100);
            /// assert_eq!(x.load(Ordering::SeqCst), 0b0110);
            /// # }).expect(threadproof::check::Verdict::Holds);
            /// ```
            #[inline]
            pub fn fetch_xor(&self, value: $value, order: Ordering) -> $value {
                let previous = on_atomic(self.object, true, || self.inner.fetch_xor(value, order));
                self.record(|name| format!("{name}.fetch_xor({value:?})"), &previous, Effect::Write(previous ^ value, order));
                previous
            }
        }
    };
}

atomic_integer!(AtomicI8, i8);
atomic_integer!(AtomicI16, i16);
atomic_integer!(AtomicI32, i32);
#[cfg(target_has_atomic = "64")]
atomic_integer!(AtomicI64, i64);
atomic_integer!(AtomicIsize, isize);
atomic_integer!(AtomicU8, u8);
atomic_integer!(AtomicU16, u16);
atomic_integer!(AtomicU32, u32);
#[cfg(target_has_atomic = "64")]
atomic_integer!(AtomicU64, u64);
atomic_integer!(AtomicUsize, usize);

atomic_type!(AtomicBool, bool, "false", "true");

impl AtomicBool {
    /// Logical "and" with `value`; returns the previous value.
    ///
    /// ```
    /// # threadproof::check::Check::new().runs(1).run(|| {
    /// use threadproof::sync::atomic::{AtomicBool, Ordering};
    ///
    /// let x = AtomicBool::new(true);
    /// assert_eq!(x.fetch_and(false, Ordering::SeqCst), true);
    /// assert_eq!(x.load(Ordering::SeqCst), false);
    /// # }).expect(threadproof::check::Verdict::Holds);
    /// ```
    #[inline]
    pub fn fetch_and(&self, value: bool, order: Ordering) -> bool {
        let previous = on_atomic(self.object, true, || self.inner.fetch_and(value, order));
        self.record(
            |name| format!("{name}.fetch_and({value:?})"),
            &previous,
            Effect::Write(previous & value, order),
        );
        previous
    }

    /// Logical "nand" with `value` (the negation of the "and"); returns the previous value.
    ///
    /// ```
    /// # threadproof::check::Check::new().runs(1).run(|| {
    /// use threadproof::sync::atomic::{AtomicBool, Ordering};
    ///
    /// let x = AtomicBool::new(true);
    /// assert_eq!(x.fetch_nand(true, Ordering::SeqCst), true);
    /// assert_eq!(x.load(Ordering::SeqCst), false);
    /// assert_eq!(x.fetch_nand(true, Ordering::SeqCst), false);
    /// assert_eq!(x.load(Ordering::SeqCst), true);
    /// # }).expect(threadproof::check::Verdict::Holds);
    /// ```
    #[inline]
    pub fn fetch_nand(&self, value: bool, order: Ordering) -> bool {
        let previous = on_atomic(self.object, true, || self.inner.fetch_nand(value, order));
        self.record(
            |name| format!("{name}.fetch_nand({value:?})"),
            &previous,
            Effect::Write(!(previous & value), order),
        );
        previous
    }

    /// Logical "or" with `value`; returns the previous value.
    ///
    /// ```
    /// # threadproof::check::Check::new().runs(1).run(|| {
    /// use threadproof::sync::atomic::{AtomicBool, Ordering};
    ///
    /// let x = AtomicBool::new(false);
    /// assert_eq!(x.fetch_or(true, Ordering::SeqCst), false);
    /// assert_eq!(x.load(Ordering::SeqCst), true);
    /// # }).expect(threadproof::check::Verdict::Holds);
    /// ```
    #[inline]
    pub fn fetch_or(&self, value: bool, order: Ordering) -> bool {
        let previous = on_atomic(self.object, true, || self.inner.fetch_or(value, order));
        self.record(
            |name| format!("{name}.fetch_or({value:?})"),
            &previous,
            Effect::Write(previous | value, order),
        );
        previous
    }

    /// Logical "xor" with `value`; returns the previous value. `fetch_xor(true)` flips it.
    ///
    /// ```
    /// # threadproof::check::Check::new().runs(1).run(|| {
    /// use threadproof::sync::atomic::{AtomicBool, Ordering};
    ///
    /// let x = AtomicBool::new(false);
    /// assert_eq!(x.fetch_xor(true, Ordering::SeqCst), false);
    /// assert_eq!(x.fetch_xor(true, Ordering::SeqCst), true);
    /// assert_eq!(x.load(Ordering::SeqCst), false);
    /// # }).expect(threadproof::check::Verdict::Holds);
    /// ```
    #[inline]
    pub fn fetch_xor(&self, value: bool, order: Ordering) -> bool {
        let previous = on_atomic(self.object, true, || self.inner.fetch_xor(value, order));
        self.record(
            |name| format!("{name}.fetch_xor({value:?})"),
            &previous,
            Effect::Write(previous ^ value, order),
        );
        previous
    }
}

/// The signed types and the wrapping arithmetic, in every configuration: each program runs in
/// a [`Check`](crate::check::Check), under the checkers over every interleaving.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Check, Verdict};
    use crate::sync::{thread, Arc};

    const SEQ: Ordering = Ordering::SeqCst;

    /// Runs `program` alone (one thread): its assertions must hold.
    fn holds(program: impl Fn() + Send + Sync + 'static) {
        Check::new().runs(1).run(program).expect(Verdict::Holds);
    }

    #[test]
    fn signed_atomics_hold_negative_values_and_order_them_as_signed() {
        holds(|| {
            let x = AtomicI8::new(-5);
            assert_eq!(x.fetch_add(3, SEQ), -5);
            assert_eq!(x.load(SEQ), -2);
            assert_eq!(x.fetch_max(-7, SEQ), -2, "-2 > -7 as signed");
            assert_eq!(x.fetch_min(-7, SEQ), -2);
            assert_eq!(x.load(SEQ), -7);
            assert_eq!(x.fetch_and(-1, SEQ), -7, "-1 is every bit set");
            assert_eq!(x.into_inner(), -7);

            let y = AtomicI16::new(i16::MIN);
            assert_eq!(y.fetch_max(0, SEQ), i16::MIN);
            assert_eq!(y.fetch_sub(1, SEQ), 0);
            assert_eq!(y.load(SEQ), -1);
            assert_eq!(y.compare_exchange(-1, -300, SEQ, SEQ), Ok(-1));
            assert_eq!(format!("{y:?}"), "-300");

            let z = AtomicI32::default();
            assert_eq!(z.fetch_or(i32::MIN, SEQ), 0);
            assert!(z.load(SEQ) < 0, "the sign bit set by a bitwise or");
            assert_eq!(z.fetch_xor(-1, SEQ), i32::MIN);
            assert_eq!(z.load(SEQ), i32::MAX);

            let w = AtomicIsize::new(-1);
            assert_eq!(w.swap(isize::MIN, SEQ), -1);
            assert_eq!(w.fetch_min(isize::MAX, SEQ), isize::MIN);
            assert_eq!(w.load(SEQ), isize::MIN);

            #[cfg(target_has_atomic = "64")]
            {
                let v = AtomicI64::new(-(1 << 40));
                assert_eq!(v.fetch_add(1 << 41, SEQ), -(1 << 40));
                assert_eq!(v.load(SEQ), 1 << 40);
            }
        });
    }

    /// `fetch_add` and `fetch_sub` wrap around at both ends of every width, as std's do (and
    /// never panic on overflow, unlike `+` in a debug build).
    #[test]
    fn fetch_add_and_fetch_sub_wrap_around_at_every_width() {
        macro_rules! wraps {
            ($($name:ident: $value:ident),* $(,)?) => {$({
                let x = $name::new($value::MAX);
                assert_eq!(x.fetch_add(1, SEQ), $value::MAX);
                assert_eq!(x.load(SEQ), $value::MIN, "{} MAX + 1", stringify!($name));
                assert_eq!(x.fetch_sub(1, SEQ), $value::MIN);
                assert_eq!(x.load(SEQ), $value::MAX, "{} MIN - 1", stringify!($name));
                assert_eq!(x.fetch_add($value::MAX, SEQ), $value::MAX);
                assert_eq!(x.load(SEQ), $value::MAX.wrapping_add($value::MAX));
            })*};
        }
        holds(|| {
            wraps!(
                AtomicI8: i8,
                AtomicI16: i16,
                AtomicI32: i32,
                AtomicIsize: isize,
                AtomicU8: u8,
                AtomicU16: u16,
                AtomicU32: u32,
                AtomicUsize: usize,
            );
            #[cfg(target_has_atomic = "64")]
            wraps!(AtomicI64: i64, AtomicU64: u64);
        });
    }

    /// Two threads race a `fetch_sub` below zero and a `fetch_add` on an unsigned and a signed
    /// byte: whichever goes first, no update is lost, and the unsigned one wraps through
    /// `u8::MAX` on the way when the subtraction goes first.
    #[test]
    fn racing_fetch_ops_lose_no_update_and_wrap_unsigned_values() {
        let report = Check::new().run_claim(
            || {
                let unsigned = Arc::new(AtomicU8::new(0));
                let signed = Arc::new(AtomicI8::new(0));
                let other = {
                    let (unsigned, signed) = (unsigned.clone(), signed.clone());
                    thread::spawn(move || {
                        let before = unsigned.fetch_sub(1, SEQ);
                        signed.fetch_sub(1, SEQ);
                        before
                    })
                };
                unsigned.fetch_add(2, SEQ);
                signed.fetch_add(2, SEQ);
                let seen = other.join().unwrap();
                format!(
                    "u8 {} (sub saw {seen}), i8 {}",
                    unsigned.load(SEQ),
                    signed.load(SEQ)
                )
            },
            |outcome| outcome.starts_with("u8 1 ") && outcome.ends_with("i8 1"),
        );
        assert_eq!(report.verdict, Verdict::Holds, "{report}");
        if crate::check::Checker::CURRENT.is_model_checker() {
            // Both orders are explored: the subtraction first (from 0, wrapping) or second.
            assert_eq!(
                report.outcomes.keys().collect::<Vec<_>>(),
                ["u8 1 (sub saw 0), i8 1", "u8 1 (sub saw 2), i8 1"],
                "{report}"
            );
        }
    }

    #[test]
    fn atomic_bool_has_every_logical_fetch_op() {
        holds(|| {
            let x = AtomicBool::default();
            assert!(!x.fetch_or(true, SEQ));
            assert!(x.fetch_xor(true, SEQ));
            assert!(!x.fetch_nand(false, SEQ));
            assert!(x.load(SEQ), "!(false & false)");
            assert!(x.fetch_and(false, SEQ));
            assert!(!x.into_inner());
        });
    }
}
