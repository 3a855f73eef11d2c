//! `threading.RLock`: a reentrant lock, owned by the thread that acquired it.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use crate::raw_lock::RawLock;
use crate::sync::raw_atomic::{AtomicUsize, Ordering};
use crate::sync::thread;
use crate::sync::Operation;
use crate::trace;
use crate::ReleaseError;

/// No thread owns the lock.
const NO_OWNER: usize = 0;

/// A reentrant lock, Python's `threading.RLock()`.
///
/// The thread that acquires it owns it and may acquire it again without blocking; it is
/// released for other threads once the owner has released it as many times as it acquired
/// it. Only the owner may release it: [`release`](RLock::release) from any other thread is an
/// error, as in CPython. Prefer [`RLock::lock`], whose guard releases one level when it goes
/// out of scope, also when a panic unwinds through it (Python's `with r_lock:`).
///
/// It is a [`Lock`](crate::Lock)'s state machine plus the owner's thread token and a recursion
/// count that only the owner touches, so a nested acquire is a load and a store.
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::RLock;
///
/// let r_lock = Arc::new(RLock::new());        // r_lock = threading.RLock()
/// let handles: Vec<_> = (0..4)
///     .map(|_| {
///         let r_lock = r_lock.clone();
///         std::thread::spawn(move || {
///             r_lock.acquire();                   // r_lock.acquire()
///             r_lock.acquire();                   // r_lock.acquire()  (no deadlock)
///             assert_eq!(r_lock.recursion_count(), 2);
///             r_lock.release().unwrap();          // r_lock.release()
///             r_lock.release().unwrap();          // r_lock.release()
///         })
///     })
///     .collect();
/// for h in handles {
///     h.join().unwrap();
/// }
/// {
///     let _outer = r_lock.lock();                 // with r_lock:
///     let _inner = r_lock.lock();                 //     with r_lock:
///     assert!(r_lock.is_owned());
/// }
/// assert!(!r_lock.locked());
/// assert_eq!(
///     r_lock.release().unwrap_err().to_string(),
///     "cannot release un-acquired lock"
/// );
/// # }
/// ```
pub struct RLock {
    raw: RawLock,
    /// The owner's [`thread::token`], or [`NO_OWNER`]. Only the owner stores its own token
    /// here, so a thread that reads its own token (even with a relaxed load) owns the lock.
    owner: AtomicUsize,
    /// How many times the owner holds it. Read and written only by the owner, which sets it to
    /// 1 when it takes `raw`; meaningless while nobody owns the lock.
    count: AtomicUsize,
}

/// Holds one level of an [`RLock`] until dropped (Python's `with r_lock:` block). Made by
/// [`RLock::lock`].
///
/// It cannot be sent to another thread: only the owning thread may release an `RLock`.
///
/// ```compile_fail
/// fn send<T: Send>(_: T) {}
/// let r_lock = threadproof::RLock::new();
/// send(r_lock.lock());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RLockGuard<'a> {
    lock: &'a RLock,
    /// Not `Send`: the release must happen on the owning thread.
    _owner_thread: PhantomData<*const ()>,
}

impl RLock {
    /// A new, unlocked reentrant lock (Python: `threading.RLock()`).
    pub fn new() -> Self {
        Self {
            raw: RawLock::new("RLock"),
            owner: AtomicUsize::new(NO_OWNER),
            count: AtomicUsize::new(0),
        }
    }

    /// Blocks until the calling thread owns the lock; if it owns it already, adds a level at
    /// once (Python: `r_lock.acquire()`).
    #[inline]
    pub fn acquire(&self) {
        self.acquire_within(None);
    }

    /// Acquires the lock if the calling thread owns it already or it is free now, without
    /// blocking; returns whether it did (Python: `r_lock.acquire(blocking=False)`).
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.acquire_within(Some(Duration::ZERO))
    }

    /// Blocks for at most `timeout` to acquire the lock; returns whether it did
    /// (Python: `r_lock.acquire(timeout=t)`). The owner acquires again at once; a zero
    /// timeout is a non-blocking attempt.
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_within(Some(timeout))
    }

    #[inline]
    fn acquire_within(&self, timeout: Option<Duration>) -> bool {
        let _operation = Operation::begin();
        let me = thread::token();
        if self.owner.load(Ordering::Relaxed) == me {
            let count = self.count.load(Ordering::Relaxed) + 1;
            self.count.store(count, Ordering::Relaxed);
            trace::step_on(self.raw.id, "acquire", format_args!("(count {count})"));
            return true;
        }
        if !self.raw.acquire(timeout) {
            return false;
        }
        self.owner.store(me, Ordering::Relaxed);
        self.count.store(1, Ordering::Relaxed);
        true
    }

    /// Releases one level; the last release by the owner frees the lock for other threads
    /// (Python: `r_lock.release()`).
    ///
    /// # Errors
    /// [`ReleaseError::NotOwned`] if the calling thread does not own the lock, including after
    /// it has already released every level; nothing changes.
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        let _operation = Operation::begin();
        if self.owner.load(Ordering::Relaxed) != thread::token() {
            return Err(ReleaseError::NotOwned);
        }
        let count = self.count.load(Ordering::Relaxed);
        if count > 1 {
            self.count.store(count - 1, Ordering::Relaxed);
            trace::step_on(
                self.raw.id,
                "release",
                format_args!("(count {})", count - 1),
            );
            return Ok(());
        }
        // The count is left as it is: nobody reads it until the next owner sets it to 1.
        self.owner.store(NO_OWNER, Ordering::Relaxed);
        self.raw.release();
        Ok(())
    }

    /// Whether some thread owns the lock now.
    #[inline]
    pub fn locked(&self) -> bool {
        let _operation = Operation::begin();
        self.raw.locked()
    }

    /// Whether the calling thread owns the lock (Python: `r_lock._is_owned()`).
    #[inline]
    pub fn is_owned(&self) -> bool {
        let _operation = Operation::begin();
        self.owner.load(Ordering::Relaxed) == thread::token()
    }

    /// How many times the calling thread holds the lock: 0 if it does not own it
    /// (Python: `r_lock._recursion_count()`).
    #[inline]
    pub fn recursion_count(&self) -> usize {
        let _operation = Operation::begin();
        if self.is_owned() {
            self.count.load(Ordering::Relaxed)
        } else {
            0
        }
    }

    /// Acquires one level (blocking until the calling thread owns the lock) and returns a
    /// guard that releases it when dropped (Python: `with r_lock:`).
    #[inline]
    pub fn lock(&self) -> RLockGuard<'_> {
        self.acquire();
        self.guard()
    }

    /// The guard if the calling thread owns the lock already or it is free now, `None` if
    /// another thread owns it.
    #[inline]
    pub fn try_lock(&self) -> Option<RLockGuard<'_>> {
        self.try_acquire().then(|| self.guard())
    }

    fn guard(&self) -> RLockGuard<'_> {
        RLockGuard {
            lock: self,
            _owner_thread: PhantomData,
        }
    }
}

trace::impl_traced!(RLock, raw.id);

impl Default for RLock {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for RLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RLock")
            .field("locked", &self.locked())
            .field("is_owned", &self.is_owned())
            .field("recursion_count", &self.recursion_count())
            .finish()
    }
}

impl Drop for RLockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // The guard stays on the owning thread, so this only fails if the owner has already
        // released this level by hand; Python's `with` would raise there, a destructor cannot.
        crate::sync::release_in_drop(|| {
            let _ = self.lock.release();
        });
    }
}

impl fmt::Debug for RLockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RLockGuard")
            .field("lock", self.lock)
            .finish()
    }
}
