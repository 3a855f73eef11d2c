//! `threading.Semaphore` and `threading.BoundedSemaphore`: a counter of permits that
//! `acquire` takes (blocking at zero) and `release` gives back.
//!
//! Both types share one core, [`RawSemaphore`]: the count and a "someone may be waiting" bit in
//! one atomic word, so an uncontended acquire or release is one atomic operation, and a mutex
//! and condition variable used only when a thread has to wait.

use std::fmt;
use std::time::Duration;

use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::{trace, Condvar, Deadline, Mutex};
use crate::ReleaseError;

/// The low bit of `state`: set while at least one thread is registered as waiting.
const WAITING: usize = 1;
/// One permit, in `state` (the count is kept above the `WAITING` bit).
const ONE: usize = 2;

/// The largest count a semaphore can hold: [`Semaphore::MAX_VALUE`].
const MAX_VALUE: usize = usize::MAX >> 1;

/// The shared core: the permit count and the waiting machinery.
struct RawSemaphore {
    /// `count * ONE | WAITING?`. Every change is a read-modify-write of this one word, so a
    /// releaser that adds permits either sees the `WAITING` bit a waiter set (and wakes it), or
    /// happened before the bit was set (and the waiter, which checks the count after setting
    /// it, sees the permits).
    state: AtomicUsize,
    /// The number of threads in the slow path of an acquire. A waiter registers, sets
    /// `WAITING`, checks the count and waits while holding it, so a releaser, which takes it
    /// before notifying, cannot notify between the check and the wait. The last waiter to
    /// leave clears `WAITING`.
    waiters: Mutex<usize>,
    /// Notified by a release that found `WAITING` set: one waiter per permit added (all of
    /// them when there are no more waiters than permits).
    released: Condvar,
}

impl RawSemaphore {
    /// Panics if `value` exceeds `MAX_VALUE` (see `Semaphore::new`).
    fn new(value: usize) -> Self {
        assert!(
            value <= MAX_VALUE,
            "a semaphore's value may not exceed Semaphore::MAX_VALUE"
        );
        Self {
            state: AtomicUsize::new(value * ONE),
            waiters: Mutex::new(0),
            released: Condvar::new(),
        }
    }

    #[inline]
    fn value(&self) -> usize {
        self.state.load(Ordering::Relaxed) / ONE
    }

    /// Takes a permit if there is one now.
    #[inline]
    fn try_acquire(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state < ONE {
                return false;
            }
            match self.state.compare_exchange(
                state,
                state - ONE,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
    }

    /// Blocks until a permit is taken, or until `timeout` passes (`None`: never). Returns
    /// whether it took one. `traced` and `kind` name the semaphore in the checker-build trace.
    #[inline]
    fn acquire<T: ?Sized>(
        &self,
        timeout: Option<Duration>,
        traced: &T,
        kind: &'static str,
    ) -> bool {
        if self.try_acquire() {
            trace::acquired(traced, kind, "acquire");
            return true;
        }
        if timeout.is_some_and(|t| t.is_zero()) {
            return false;
        }
        self.acquire_slow(timeout.map(Deadline::after), traced, kind)
    }

    #[cold]
    fn acquire_slow<T: ?Sized>(
        &self,
        deadline: Option<Deadline>,
        traced: &T,
        kind: &'static str,
    ) -> bool {
        let mut waiters = self.waiters.lock();
        *waiters += 1;
        self.state.fetch_or(WAITING, Ordering::Relaxed);
        let mut blocked = false;
        let acquired = loop {
            // A permit that is there is taken even when the deadline has just passed.
            if self.try_acquire() {
                break true;
            }
            let left = match deadline.map(|d| d.remaining()) {
                Some(None) => break false,
                Some(Some(left)) => Some(left),
                None => None,
            };
            if !blocked {
                trace::blocking(traced, kind, "acquire");
                blocked = true;
            }
            waiters = match left {
                None => self.released.wait(waiters),
                Some(left) => self.released.wait_timeout(waiters, left).0,
            };
        };
        *waiters -= 1;
        if *waiters == 0 {
            self.state.fetch_and(!WAITING, Ordering::Relaxed);
        }
        drop(waiters);
        if acquired {
            trace::acquired(traced, kind, "acquire");
        } else if blocked {
            trace::unblocked();
        }
        acquired
    }

    /// Adds `n` (at least 1) permits unless the count would exceed `limit`, in which case
    /// nothing changes and it returns false. Wakes up to `n` waiters.
    #[inline]
    fn release(&self, n: usize, limit: usize) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            let value = match (state / ONE).checked_add(n) {
                Some(value) if value <= limit => value,
                _ => return false,
            };
            match self.state.compare_exchange(
                state,
                (value * ONE) | (state & WAITING),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if state & WAITING != 0 {
            self.wake(n);
        }
        true
    }

    #[cold]
    fn wake(&self, n: usize) {
        let waiters = self.waiters.lock();
        if n >= *waiters {
            self.released.notify_all();
        } else {
            for _ in 0..n {
                self.released.notify_one();
            }
        }
    }

    /// Records `n` releases in the checker-build trace.
    #[inline]
    fn trace_released<T: ?Sized>(traced: &T, kind: &'static str, n: usize) {
        if trace::ENABLED {
            for _ in 0..n {
                trace::released(traced, kind, "release");
            }
        }
    }

    /// The number of threads registered as waiting (for `Debug`).
    fn waiting(&self) -> usize {
        *self.waiters.lock()
    }
}

/// A semaphore, Python's `threading.Semaphore(value)`: a count of permits that
/// [`acquire`](Semaphore::acquire) takes, blocking while it is zero, and
/// [`release`](Semaphore::release) gives back.
///
/// A plain semaphore does not remember its initial value: it may be released more times than
/// it was acquired, which raises its value (use [`BoundedSemaphore`] to refuse that). Prefer
/// [`Semaphore::permit`], whose guard gives the permit back when it goes out of scope, also when
/// a panic unwinds through it (Python's `with sem:`).
///
/// The uncontended acquire and release are one atomic operation each; a release wakes waiting
/// threads only when there are some, one per permit it adds.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use threadproof::Semaphore;
///
/// let semaphore = Arc::new(Semaphore::new(3));   // semaphore = threading.Semaphore(3)
/// let inside = Arc::new(AtomicUsize::new(0));
/// let handles: Vec<_> = (0..10)
///     .map(|_| {
///         let (semaphore, inside) = (semaphore.clone(), inside.clone());
///         std::thread::spawn(move || {
///             let _permit = semaphore.permit();     // with semaphore:
///             let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
///             assert!(now <= 3);
///             inside.fetch_sub(1, Ordering::SeqCst);
///         })
///     })
///     .collect();
/// for h in handles {
///     h.join().unwrap();
/// }
/// assert_eq!(semaphore.value(), 3);
/// semaphore.release();                            // semaphore.release(): allowed past 3
/// assert_eq!(semaphore.value(), 4);
/// ```
pub struct Semaphore {
    raw: RawSemaphore,
}

/// Holds one permit of a [`Semaphore`] until dropped (Python's `with sem:` block). Made by
/// [`Semaphore::permit`].
#[must_use = "the permit is released as soon as it is dropped"]
pub struct SemaphorePermit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// The largest value a semaphore can hold, `usize::MAX / 2`.
    pub const MAX_VALUE: usize = MAX_VALUE;

    /// A semaphore holding `value` permits (Python: `threading.Semaphore(value)`).
    ///
    /// # Panics
    /// If `value` exceeds [`Semaphore::MAX_VALUE`].
    pub fn new(value: usize) -> Self {
        Self {
            raw: RawSemaphore::new(value),
        }
    }

    /// Blocks until a permit is available and takes it (Python: `sem.acquire()`).
    #[inline]
    pub fn acquire(&self) {
        self.raw.acquire(None, self, "Semaphore");
    }

    /// Takes a permit if one is available now, without blocking; returns whether it did
    /// (Python: `sem.acquire(blocking=False)`).
    #[inline]
    pub fn try_acquire(&self) -> bool {
        let acquired = self.raw.try_acquire();
        if acquired {
            trace::acquired(self, "Semaphore", "acquire");
        }
        acquired
    }

    /// Blocks for at most `timeout` to take a permit; returns whether it did
    /// (Python: `sem.acquire(timeout=t)`). A zero timeout is a non-blocking attempt.
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.raw.acquire(Some(timeout), self, "Semaphore")
    }

    /// Gives back one permit, waking one waiting thread if there is one
    /// (Python: `sem.release()`). Any thread may release, also past the initial value.
    ///
    /// # Panics
    /// If the value would exceed [`Semaphore::MAX_VALUE`].
    #[inline]
    pub fn release(&self) {
        assert!(
            self.raw.release(1, MAX_VALUE),
            "a semaphore's value may not exceed Semaphore::MAX_VALUE"
        );
        RawSemaphore::trace_released(self, "Semaphore", 1);
    }

    /// Gives back `n` permits at once, waking up to `n` waiting threads
    /// (Python: `sem.release(n)`).
    ///
    /// # Errors
    /// [`ReleaseError::ZeroCount`] if `n` is 0, and [`ReleaseError::TooManyReleases`] if the
    /// value would exceed [`Semaphore::MAX_VALUE`]; in both cases nothing changes.
    #[inline]
    pub fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        if n == 0 {
            return Err(ReleaseError::ZeroCount);
        }
        if !self.raw.release(n, MAX_VALUE) {
            return Err(ReleaseError::TooManyReleases);
        }
        RawSemaphore::trace_released(self, "Semaphore", n);
        Ok(())
    }

    /// Blocks until a permit is taken, and returns a guard that gives it back when dropped
    /// (Python: `with sem:`).
    #[inline]
    pub fn permit(&self) -> SemaphorePermit<'_> {
        self.acquire();
        SemaphorePermit { semaphore: self }
    }

    /// The number of permits available now (Python: `sem._value`). Other threads may change
    /// it at any moment.
    #[inline]
    pub fn value(&self) -> usize {
        self.raw.value()
    }
}

impl Default for Semaphore {
    /// A semaphore with one permit, as Python's `threading.Semaphore()`.
    fn default() -> Self {
        Self::new(1)
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("value", &self.value())
            .field("waiters", &self.raw.waiting())
            .finish()
    }
}

impl Drop for SemaphorePermit<'_> {
    #[inline]
    fn drop(&mut self) {
        crate::sync::release_in_drop(|| self.semaphore.release());
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("semaphore", self.semaphore)
            .finish()
    }
}

/// A semaphore that refuses to be released past its initial value, Python's
/// `threading.BoundedSemaphore(value)`.
///
/// It is a [`Semaphore`] whose [`release`](BoundedSemaphore::release) fails with
/// [`ReleaseError::TooManyReleases`] when the value would exceed the initial value, whichever
/// thread releases: such a release is usually a bug (a permit given back twice), and this
/// catches it.
///
/// ```
/// use threadproof::{BoundedSemaphore, ReleaseError};
///
/// let pool = BoundedSemaphore::new(2);           // pool = threading.BoundedSemaphore(2)
/// {
///     let _connection = pool.permit();           // with pool:
///     assert_eq!(pool.value(), 1);
/// }
/// assert_eq!(pool.value(), 2);
/// let err = pool.release().unwrap_err();         // pool.release() raises ValueError
/// assert_eq!(err, ReleaseError::TooManyReleases);
/// assert_eq!(err.to_string(), "Semaphore released too many times");
/// ```
pub struct BoundedSemaphore {
    raw: RawSemaphore,
    initial: usize,
}

/// Holds one permit of a [`BoundedSemaphore`] until dropped (Python's `with sem:` block). Made
/// by [`BoundedSemaphore::permit`].
///
/// Dropping it releases the permit. If the semaphore is already at its initial value by then
/// (another thread released a permit it did not take), that release fails and the error is
/// ignored: a destructor cannot report it, and the value is left unchanged.
#[must_use = "the permit is released as soon as it is dropped"]
pub struct BoundedSemaphorePermit<'a> {
    semaphore: &'a BoundedSemaphore,
}

impl BoundedSemaphore {
    /// A bounded semaphore holding `value` permits, which is also its maximum
    /// (Python: `threading.BoundedSemaphore(value)`).
    ///
    /// # Panics
    /// If `value` exceeds [`Semaphore::MAX_VALUE`].
    pub fn new(value: usize) -> Self {
        Self {
            raw: RawSemaphore::new(value),
            initial: value,
        }
    }

    /// Blocks until a permit is available and takes it (Python: `sem.acquire()`).
    #[inline]
    pub fn acquire(&self) {
        self.raw.acquire(None, self, "BoundedSemaphore");
    }

    /// Takes a permit if one is available now, without blocking; returns whether it did
    /// (Python: `sem.acquire(blocking=False)`).
    #[inline]
    pub fn try_acquire(&self) -> bool {
        let acquired = self.raw.try_acquire();
        if acquired {
            trace::acquired(self, "BoundedSemaphore", "acquire");
        }
        acquired
    }

    /// Blocks for at most `timeout` to take a permit; returns whether it did
    /// (Python: `sem.acquire(timeout=t)`). A zero timeout is a non-blocking attempt.
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.raw.acquire(Some(timeout), self, "BoundedSemaphore")
    }

    /// Gives back one permit, waking one waiting thread if there is one
    /// (Python: `sem.release()`).
    ///
    /// # Errors
    /// [`ReleaseError::TooManyReleases`] if the value is already the initial value; nothing
    /// changes.
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        self.release_n(1)
    }

    /// Gives back `n` permits at once, waking up to `n` waiting threads
    /// (Python: `sem.release(n)`). All or nothing: a release that would overshoot the initial
    /// value adds no permit at all.
    ///
    /// # Errors
    /// [`ReleaseError::ZeroCount`] if `n` is 0, and [`ReleaseError::TooManyReleases`] if the
    /// value would exceed the initial value; in both cases nothing changes.
    #[inline]
    pub fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        if n == 0 {
            return Err(ReleaseError::ZeroCount);
        }
        if !self.raw.release(n, self.initial) {
            return Err(ReleaseError::TooManyReleases);
        }
        RawSemaphore::trace_released(self, "BoundedSemaphore", n);
        Ok(())
    }

    /// Blocks until a permit is taken, and returns a guard that gives it back when dropped
    /// (Python: `with sem:`).
    #[inline]
    pub fn permit(&self) -> BoundedSemaphorePermit<'_> {
        self.acquire();
        BoundedSemaphorePermit { semaphore: self }
    }

    /// The number of permits available now (Python: `sem._value`). Other threads may change
    /// it at any moment.
    #[inline]
    pub fn value(&self) -> usize {
        self.raw.value()
    }

    /// The initial value, which is also the most the value may be (Python:
    /// `sem._initial_value`).
    #[inline]
    pub fn initial_value(&self) -> usize {
        self.initial
    }
}

impl Default for BoundedSemaphore {
    /// A bounded semaphore with one permit, as Python's `threading.BoundedSemaphore()`.
    fn default() -> Self {
        Self::new(1)
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphore")
            .field("value", &self.value())
            .field("initial_value", &self.initial)
            .field("waiters", &self.raw.waiting())
            .finish()
    }
}

impl Drop for BoundedSemaphorePermit<'_> {
    #[inline]
    fn drop(&mut self) {
        crate::sync::release_in_drop(|| {
            let _ = self.semaphore.release();
        });
    }
}

impl fmt::Debug for BoundedSemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphorePermit")
            .field("semaphore", self.semaphore)
            .finish()
    }
}
