//! `threading.Semaphore` and `threading.BoundedSemaphore`: a counter of permits that
//! `acquire` takes (blocking at zero) and `release` gives back.
//!
//! Both are one core, [`RawSemaphore`]: the count under a mutex, its limit, and a condition
//! variable that a release notifies only when threads wait. A `BoundedSemaphore` differs only
//! in its limit and its name, as in CPython, where it is a subclass that overrides `release`.

use std::fmt;
use std::time::Duration;

use crate::sync::Operation;
use crate::sync::{wait_for, Blocking, Condvar, Deadline, Mutex, Waiters};
use crate::trace;
use crate::ReleaseError;

/// The shared core: the permit count, its limit, and the waiting machinery.
struct RawSemaphore {
    count: Mutex<Count>,
    /// Notified by a release while threads wait: one waiter per permit added, or all of them
    /// when there are no more waiters than permits.
    released: Condvar,
    /// The most the value may be: a bounded semaphore's initial value, or `usize::MAX`.
    limit: usize,
    /// Whether this is a `BoundedSemaphore`, whose limit is a rule of the program (passing it
    /// is [`ReleaseError::TooManyReleases`]) rather than the size of a `usize`.
    bounded: bool,
    /// The semaphore in the checker-build trace.
    id: trace::Id,
}

trace::impl_traced!(RawSemaphore, id);

struct Count {
    /// Permits available.
    value: usize,
    /// Threads blocked in an acquire (including any that were notified and have not yet run):
    /// a release notifies only when there are some.
    waiters: Waiters,
}

impl RawSemaphore {
    /// A semaphore of `value` permits; a bounded one may not hold more than that.
    fn new(value: usize, bounded: bool) -> Self {
        let kind = if bounded {
            "BoundedSemaphore"
        } else {
            "Semaphore"
        };
        Self {
            count: Mutex::new(Count {
                value,
                waiters: Waiters::new(),
            }),
            released: Condvar::new(),
            limit: if bounded { value } else { usize::MAX },
            bounded,
            id: trace::Id::new(kind),
        }
    }

    #[inline]
    fn value(&self) -> usize {
        let _operation = Operation::begin();
        self.count.lock().value
    }

    /// Blocks until a permit is taken, or until `timeout` passes (`None`: never). Returns
    /// whether it took one.
    fn acquire(&self, timeout: Option<Duration>) -> bool {
        let _operation = Operation::begin();
        let count = self.count.lock();
        let (count, acquired) = wait_for(
            &self.released,
            count,
            &mut Deadline::within(timeout),
            Blocking::on(self, "acquire"),
            Some(|count: &mut Count| &mut count.waiters),
            // A permit that is there is taken even when the deadline has just passed.
            |count| {
                (count.value > 0).then(|| {
                    count.value -= 1;
                })
            },
        );
        drop(count);
        if acquired.is_some() {
            trace::acquired(self.id, "acquire");
        }
        acquired.is_some()
    }

    /// Adds `n` permits and wakes up to `n` waiters; records the releases in the checker-build
    /// trace once the count is unlocked.
    ///
    /// # Errors
    /// [`ReleaseError::ZeroCount`] if `n` is 0, [`ReleaseError::TooManyReleases`] if a bounded
    /// semaphore's value would exceed its initial value, and [`ReleaseError::Overflow`] if a
    /// plain one's would exceed `usize::MAX`; in each case nothing changes.
    #[inline]
    fn release(&self, n: usize) -> Result<(), ReleaseError> {
        let _operation = Operation::begin();
        if n == 0 {
            return Err(ReleaseError::ZeroCount);
        }
        {
            let mut count = self.count.lock();
            match count.value.checked_add(n) {
                Some(value) if value <= self.limit => count.value = value,
                _ if self.bounded => return Err(ReleaseError::TooManyReleases),
                _ => return Err(ReleaseError::Overflow),
            }
            if count.waiters.any() {
                if n >= count.waiters.count() {
                    self.released.notify_all();
                } else {
                    for _ in 0..n {
                        self.released.notify_one();
                    }
                }
            }
        }
        if trace::ENABLED {
            for _ in 0..n {
                trace::released(self.id, "release");
            }
        }
        Ok(())
    }

    /// Blocks until a permit is taken, and returns the guard that gives it back.
    #[inline]
    fn permit(&self) -> SemaphorePermit<'_> {
        self.acquire(None);
        SemaphorePermit { semaphore: self }
    }
}

impl fmt::Debug for RawSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (value, waiters) = {
            let count = self.count.lock();
            (count.value, count.waiters)
        };
        if self.bounded {
            f.debug_struct("BoundedSemaphore")
                .field("value", &value)
                .field("initial_value", &self.limit)
                .field("waiters", &waiters)
                .finish()
        } else {
            f.debug_struct("Semaphore")
                .field("value", &value)
                .field("waiters", &waiters)
                .finish()
        }
    }
}

/// Holds one permit of a [`Semaphore`] or a [`BoundedSemaphore`] until dropped (Python's
/// `with sem:` block). Made by [`Semaphore::permit`] and [`BoundedSemaphore::permit`].
///
/// Dropping it releases the permit. If a bounded semaphore is already at its initial value by
/// then (another thread released a permit it did not take), that release fails and the error is
/// ignored: a destructor cannot report it, and the value is left unchanged.
#[must_use = "the permit is released as soon as it is dropped"]
pub struct SemaphorePermit<'a> {
    semaphore: &'a RawSemaphore,
}

impl Drop for SemaphorePermit<'_> {
    #[inline]
    fn drop(&mut self) {
        crate::sync::release_in_drop(|| {
            let _ = self.semaphore.release(1);
        });
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("semaphore", self.semaphore)
            .finish()
    }
}

/// The methods a bounded semaphore shares with a plain one, as CPython's subclass inherits
/// them.
macro_rules! acquiring {
    ($semaphore:ident) => {
        impl $semaphore {
            /// Blocks until a permit is available and takes it (Python: `sem.acquire()`).
            #[inline]
            pub fn acquire(&self) {
                self.raw.acquire(None);
            }

            /// Takes a permit if one is available now, without blocking; returns whether it
            /// did (Python: `sem.acquire(blocking=False)`).
            #[inline]
            pub fn try_acquire(&self) -> bool {
                self.raw.acquire(Some(Duration::ZERO))
            }

            /// Blocks for at most `timeout` to take a permit; returns whether it did
            /// (Python: `sem.acquire(timeout=t)`). A zero timeout is a non-blocking attempt.
            #[inline]
            pub fn acquire_timeout(&self, timeout: Duration) -> bool {
                self.raw.acquire(Some(timeout))
            }

            /// Blocks until a permit is taken, and returns a guard that gives it back when
            /// dropped (Python: `with sem:`).
            #[inline]
            pub fn permit(&self) -> SemaphorePermit<'_> {
                self.raw.permit()
            }

            /// The number of permits available now (Python: `sem._value`). Other threads may
            /// change it at any moment.
            #[inline]
            pub fn value(&self) -> usize {
                self.raw.value()
            }
        }

        trace::impl_traced!($semaphore, raw.id);

        impl fmt::Debug for $semaphore {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.raw, f)
            }
        }
    };
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
/// Acquire and release hold a short internal lock; a release wakes waiting threads only when
/// there are some, one per permit it adds.
///
/// ```
/// # threadproof::real_threads_only! {
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
/// # }
/// ```
pub struct Semaphore {
    raw: RawSemaphore,
}

impl Semaphore {
    /// A semaphore holding `value` permits (Python: `threading.Semaphore(value)`).
    pub fn new(value: usize) -> Self {
        Self {
            raw: RawSemaphore::new(value, false),
        }
    }

    /// Gives back one permit, waking one waiting thread if there is one
    /// (Python: `sem.release()`). Any thread may release, also past the initial value.
    ///
    /// # Panics
    /// If the value is already `usize::MAX` (Python's integers do not overflow; a `usize`
    /// does): [`release_n`](Semaphore::release_n) returns that as
    /// [`ReleaseError::Overflow`] instead.
    #[inline]
    pub fn release(&self) {
        if let Err(error) = self.release_n(1) {
            panic!("{error}");
        }
    }

    /// Gives back `n` permits at once, waking up to `n` waiting threads
    /// (Python: `sem.release(n)`).
    ///
    /// # Errors
    /// [`ReleaseError::ZeroCount`] if `n` is 0, and [`ReleaseError::Overflow`] if the value
    /// would exceed `usize::MAX`; in both cases nothing changes.
    #[inline]
    pub fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        self.raw.release(n)
    }
}

acquiring!(Semaphore);

impl Default for Semaphore {
    /// A semaphore with one permit, as Python's `threading.Semaphore()`.
    fn default() -> Self {
        Self::new(1)
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
/// # threadproof::real_threads_only! {
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
/// # }
/// ```
pub struct BoundedSemaphore {
    raw: RawSemaphore,
}

impl BoundedSemaphore {
    /// A bounded semaphore holding `value` permits, which is also its maximum
    /// (Python: `threading.BoundedSemaphore(value)`).
    pub fn new(value: usize) -> Self {
        Self {
            raw: RawSemaphore::new(value, true),
        }
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
        self.raw.release(n)
    }

    /// The initial value, which is also the most the value may be (Python:
    /// `sem._initial_value`).
    #[inline]
    pub fn initial_value(&self) -> usize {
        self.raw.limit
    }
}

acquiring!(BoundedSemaphore);

impl Default for BoundedSemaphore {
    /// A bounded semaphore with one permit, as Python's `threading.BoundedSemaphore()`.
    fn default() -> Self {
        Self::new(1)
    }
}
