//! `threading.Lock` conformance on real threads: the checklist items (`docs/conformance.md`) C1..C12.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use threadproof::{Lock, LockGuard, ReleaseError};

use crate::common::assert_about;

/// The timeout of the timing checks.
const T: Duration = Duration::from_millis(80);

#[test]
fn c1_acquire_and_release_work() {
    let lock = Lock::new();
    assert!(!lock.locked());
    lock.acquire();
    assert!(lock.locked());
    assert_eq!(lock.release(), Ok(()));
    assert!(!lock.locked());
    assert!(lock.try_acquire());
    assert_eq!(lock.release(), Ok(()));
    assert!(lock.acquire_timeout(T));
    assert_eq!(lock.release(), Ok(()));
}

#[test]
fn c2_try_acquire_of_a_held_lock_fails_at_once_also_from_another_thread() {
    let lock = Arc::new(Lock::new());
    lock.acquire();
    assert!(!lock.try_acquire());
    let other = {
        let lock = lock.clone();
        thread::spawn(move || lock.try_acquire())
    };
    assert!(!other.join().unwrap());
    assert!(lock.try_lock().is_none());
    lock.release().unwrap();
    assert!(lock.try_lock().is_some());
    assert!(!lock.locked());
}

#[test]
fn c3_release_of_an_unlocked_lock_is_an_error() {
    let lock = Lock::new();
    let err = lock.release().unwrap_err();
    assert_eq!(err, ReleaseError::Unlocked);
    assert_eq!(err.to_string(), "release unlocked lock");
    // Nothing changed: the lock still works.
    assert!(!lock.locked());
    lock.acquire();
    lock.release().unwrap();
    assert_eq!(lock.release(), Err(ReleaseError::Unlocked));
}

#[test]
fn c7_timed_acquire_of_a_held_lock_fails_after_about_the_timeout() {
    let lock = Arc::new(Lock::new());
    lock.acquire();
    let other = {
        let lock = lock.clone();
        thread::spawn(move || {
            let start = Instant::now();
            let acquired = lock.acquire_timeout(T);
            (acquired, start.elapsed())
        })
    };
    let (acquired, elapsed) = other.join().unwrap();
    assert!(!acquired);
    assert_about(elapsed, T);
    lock.release().unwrap();
}

#[test]
fn c7_timeout_zero_fails_at_once() {
    let lock = Lock::new();
    lock.acquire();
    let start = Instant::now();
    assert!(!lock.acquire_timeout(Duration::ZERO));
    assert!(start.elapsed() < T);
    lock.release().unwrap();
    assert!(lock.acquire_timeout(Duration::ZERO));
}

#[test]
fn c8_lock_is_consistent_after_a_timed_out_acquire() {
    let lock = Lock::new();
    lock.acquire();
    assert!(!lock.acquire_timeout(Duration::from_millis(10)));
    assert!(lock.locked());
    lock.release().unwrap();
    assert!(!lock.locked());
    assert!(lock.try_acquire());
    lock.release().unwrap();
}

#[test]
fn c9_lock_is_not_reentrant_second_acquire_blocks_until_another_thread_releases() {
    let lock = Arc::new(Lock::new());
    let (held_tx, held_rx) = mpsc::channel();
    let holder = {
        let lock = lock.clone();
        thread::spawn(move || {
            lock.acquire();
            // The same thread cannot take it again...
            assert!(!lock.try_acquire());
            assert!(!lock.acquire_timeout(Duration::from_millis(20)));
            held_tx.send(()).unwrap();
            // ...until another thread releases it.
            lock.acquire();
        })
    };
    held_rx.recv().unwrap();
    lock.release().unwrap();
    holder.join().unwrap();
    assert!(lock.locked());
    lock.release().unwrap();
}

#[test]
fn c10_a_different_thread_may_release_the_lock() {
    let lock = Arc::new(Lock::new());
    lock.acquire();
    let other = {
        let lock = lock.clone();
        thread::spawn(move || lock.release())
    };
    assert_eq!(other.join().unwrap(), Ok(()));
    assert!(!lock.locked());
}

#[test]
fn c11_guard_releases_on_normal_exit() {
    let lock = Lock::new();
    {
        let _held: LockGuard<'_> = lock.lock();
        assert!(lock.locked());
    }
    assert!(!lock.locked());
    {
        let _held = lock.try_lock().unwrap();
        assert!(lock.locked());
    }
    assert!(!lock.locked());
}

#[test]
fn c11_guard_releases_on_panic_and_the_panic_propagates() {
    let lock = Arc::new(Lock::new());
    let result = catch_unwind(AssertUnwindSafe(|| {
        let _held = lock.lock();
        panic!("inside with");
    }));
    let payload = result.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"inside with"));
    assert!(!lock.locked());
    // Later users carry on, on this thread and on others.
    drop(lock.lock());
    let lock2 = lock.clone();
    thread::spawn(move || drop(lock2.lock())).join().unwrap();
    assert!(!lock.locked());
}

#[test]
fn c11_panic_in_another_thread_releases_the_lock() {
    let lock = Arc::new(Lock::new());
    let panicker = {
        let lock = lock.clone();
        thread::spawn(move || {
            let _held = lock.lock();
            panic!("worker failed");
        })
    };
    assert!(panicker.join().is_err());
    assert!(!lock.locked());
    assert!(lock.try_acquire());
}

#[test]
fn c12_all_threads_blocked_in_acquire_finish_after_releases() {
    const N: usize = 5;
    let lock = Arc::new(Lock::new());
    let num = Arc::new(std::sync::atomic::AtomicUsize::new(100));
    lock.acquire();
    let (started_tx, started_rx) = mpsc::channel();
    let threads: Vec<_> = (0..N)
        .map(|_| {
            let (lock, num, started_tx) = (lock.clone(), num.clone(), started_tx.clone());
            thread::spawn(move || {
                started_tx.send(()).unwrap();
                let _held = lock.lock();
                // The tutorial's `sub`: a read and a write, safe only under the lock.
                let temp = num.load(std::sync::atomic::Ordering::Relaxed) - 1;
                thread::yield_now();
                num.store(temp, std::sync::atomic::Ordering::Relaxed);
            })
        })
        .collect();
    for _ in 0..N {
        started_rx.recv().unwrap();
    }
    lock.release().unwrap();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(num.load(std::sync::atomic::Ordering::Relaxed), 100 - N);
    assert!(!lock.locked());
}

#[test]
fn lock_debug_and_default() {
    let lock = Lock::default();
    assert_eq!(format!("{lock:?}"), "Lock { locked: false }");
    let held = lock.lock();
    assert_eq!(format!("{lock:?}"), "Lock { locked: true }");
    assert_eq!(
        format!("{held:?}"),
        "LockGuard { lock: Lock { locked: true } }"
    );
}
