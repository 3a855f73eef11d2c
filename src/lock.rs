//! `threading.Lock`: a plain, non-reentrant lock that any thread may release.

use std::fmt;
use std::time::Duration;

use crate::raw_lock::RawLock;
use crate::ReleaseError;

/// A primitive lock, Python's `threading.Lock()`.
///
/// It is not owned by a thread: any thread may [`release`](Lock::release) it, as in CPython,
/// and the thread that holds it blocks if it acquires it again. Prefer [`Lock::lock`], whose
/// guard releases the lock when it goes out of scope, also when a panic unwinds through it
/// (Python's `with lock:`).
///
/// The uncontended path is one atomic operation; a thread that must wait sleeps on a condition
/// variable, and a release wakes one waiter only when there is one.
///
/// ```
/// # threadproof::real_threads_only! {
/// use std::sync::Arc;
/// use threadproof::Lock;
///
/// let lock = Arc::new(Lock::new());           // lock = threading.Lock()
/// let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
/// let handles: Vec<_> = (0..4)
///     .map(|_| {
///         let (lock, counter) = (lock.clone(), counter.clone());
///         std::thread::spawn(move || {
///             let _held = lock.lock();            // with lock:
///             let n = counter.load(std::sync::atomic::Ordering::Relaxed);
///             counter.store(n + 1, std::sync::atomic::Ordering::Relaxed);
///         })
///     })
///     .collect();
/// for h in handles {
///     h.join().unwrap();
/// }
/// assert_eq!(counter.load(std::sync::atomic::Ordering::Relaxed), 4);
/// assert!(!lock.locked());
/// assert_eq!(lock.release().unwrap_err().to_string(), "release unlocked lock");
/// # }
/// ```
pub struct Lock {
    raw: RawLock,
}

/// Holds a [`Lock`] until dropped (Python's `with lock:` block). Made by [`Lock::lock`].
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl Lock {
    /// A new, unlocked lock (Python: `threading.Lock()`).
    pub fn new() -> Self {
        Self {
            raw: RawLock::new("Lock"),
        }
    }

    /// Blocks until the lock is acquired (Python: `lock.acquire()`).
    #[inline]
    pub fn acquire(&self) {
        self.raw.acquire(None);
    }

    /// Acquires the lock if it is free now, without blocking; returns whether it did
    /// (Python: `lock.acquire(blocking=False)`).
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.raw.acquire(Some(Duration::ZERO))
    }

    /// Blocks for at most `timeout` to acquire the lock; returns whether it did
    /// (Python: `lock.acquire(timeout=t)`). A zero timeout is a non-blocking attempt.
    #[inline]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.raw.acquire(Some(timeout))
    }

    /// Releases the lock. Any thread may release it, not only the one that acquired it
    /// (Python: `lock.release()`).
    ///
    /// # Errors
    /// [`ReleaseError::Unlocked`] if the lock is not held; nothing changes.
    #[inline]
    pub fn release(&self) -> Result<(), ReleaseError> {
        if self.raw.release() {
            Ok(())
        } else {
            Err(ReleaseError::Unlocked)
        }
    }

    /// Whether some thread holds the lock now (Python: `lock.locked()`).
    #[inline]
    pub fn locked(&self) -> bool {
        self.raw.locked()
    }

    /// Blocks until the lock is acquired, and returns a guard that releases it when dropped
    /// (Python: `with lock:`).
    #[inline]
    pub fn lock(&self) -> LockGuard<'_> {
        self.acquire();
        LockGuard { lock: self }
    }

    /// The guard if the lock is free now, `None` if it is held.
    #[inline]
    pub fn try_lock(&self) -> Option<LockGuard<'_>> {
        self.try_acquire().then(|| LockGuard { lock: self })
    }
}

crate::trace::impl_traced!(Lock, raw.id);

impl Default for Lock {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.locked())
            .finish()
    }
}

impl Drop for LockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // If another thread released the lock meanwhile (allowed for a Lock), there is nothing
        // left to release; Python's `with` would raise here, a destructor cannot.
        crate::sync::release_in_drop(|| {
            let _ = self.lock.release();
        });
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard")
            .field("lock", self.lock)
            .finish()
    }
}
