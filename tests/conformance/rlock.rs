//! `threading.RLock` conformance on real threads: the checklist items (`docs/conformance.md`) C14..C18 (and C1, C2, C11
//! for the RLock).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use threadproof::{RLock, RLockGuard, ReleaseError};

use crate::common::assert_about;

/// The timeout of the timing checks.
const T: Duration = Duration::from_millis(80);

/// Runs `f` on a new thread and returns its result.
fn on_another_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    thread::spawn(f).join().unwrap()
}

#[test]
fn c1_acquire_and_release_work() {
    let r_lock = RLock::new();
    assert!(!r_lock.locked());
    r_lock.acquire();
    assert!(r_lock.locked());
    r_lock.release().unwrap();
    assert!(!r_lock.locked());
}

#[test]
fn c14_the_owner_reacquires_and_releases_once_per_acquire() {
    let r_lock = Arc::new(RLock::new());
    r_lock.acquire();
    assert!(r_lock.try_acquire());
    assert!(r_lock.acquire_timeout(T));
    assert!(r_lock.acquire_timeout(Duration::ZERO));
    assert_eq!(r_lock.recursion_count(), 4);
    for left in (0..4).rev() {
        let other = r_lock.clone();
        assert!(!on_another_thread(move || other.try_acquire()));
        r_lock.release().unwrap();
        assert_eq!(r_lock.recursion_count(), left);
    }
    assert!(!r_lock.locked());
    let other = r_lock.clone();
    assert!(on_another_thread(move || {
        let got = other.try_acquire();
        other.release().unwrap();
        got
    }));
}

#[test]
fn c15_release_when_not_owned_is_an_error_also_after_balanced_releases() {
    let r_lock = RLock::new();
    let err = r_lock.release().unwrap_err();
    assert_eq!(err, ReleaseError::NotOwned);
    assert_eq!(err.to_string(), "cannot release un-acquired lock");
    r_lock.acquire();
    r_lock.acquire();
    r_lock.release().unwrap();
    r_lock.release().unwrap();
    assert_eq!(r_lock.release(), Err(ReleaseError::NotOwned));
    // Nothing changed.
    assert!(!r_lock.locked());
    assert_eq!(r_lock.recursion_count(), 0);
}

#[test]
fn c16_release_by_a_non_owner_thread_is_an_error() {
    let r_lock = Arc::new(RLock::new());
    r_lock.acquire();
    let other = r_lock.clone();
    let err = on_another_thread(move || other.release()).unwrap_err();
    assert_eq!(err, ReleaseError::NotOwned);
    assert_eq!(err.to_string(), "cannot release un-acquired lock");
    // The owner still holds it, at the same level.
    assert!(r_lock.is_owned());
    assert_eq!(r_lock.recursion_count(), 1);
    r_lock.release().unwrap();
}

#[test]
fn c17_recursion_count_and_is_owned_seen_by_owner_and_non_owner() {
    let r_lock = Arc::new(RLock::new());
    assert!(!r_lock.is_owned());
    assert_eq!(r_lock.recursion_count(), 0);
    r_lock.acquire();
    r_lock.acquire();
    r_lock.acquire();
    assert!(r_lock.is_owned());
    assert_eq!(r_lock.recursion_count(), 3);
    let other = r_lock.clone();
    let (owned, count, locked) =
        on_another_thread(move || (other.is_owned(), other.recursion_count(), other.locked()));
    assert!(!owned);
    assert_eq!(count, 0);
    assert!(locked);
    for _ in 0..3 {
        r_lock.release().unwrap();
    }
    assert!(!r_lock.is_owned());
    assert_eq!(r_lock.recursion_count(), 0);
}

#[test]
fn c2_c18_non_owner_try_acquire_fails_at_once() {
    let r_lock = Arc::new(RLock::new());
    r_lock.acquire();
    let other = r_lock.clone();
    assert!(!on_another_thread(move || other.try_acquire()));
    let other = r_lock.clone();
    let (got, elapsed) = on_another_thread(move || {
        let start = Instant::now();
        (other.acquire_timeout(Duration::ZERO), start.elapsed())
    });
    assert!(!got);
    assert!(elapsed < T);
    r_lock.release().unwrap();
}

#[test]
fn c18_timed_acquire_by_a_non_owner_fails_after_about_the_timeout() {
    let r_lock = Arc::new(RLock::new());
    r_lock.acquire();
    let other = r_lock.clone();
    let (got, elapsed) = on_another_thread(move || {
        let start = Instant::now();
        (other.acquire_timeout(T), start.elapsed())
    });
    assert!(!got);
    assert_about(elapsed, T);
    // C8 for the RLock: consistent afterwards.
    assert_eq!(r_lock.recursion_count(), 1);
    r_lock.release().unwrap();
    let other = r_lock.clone();
    assert!(on_another_thread(move || {
        let got = other.acquire_timeout(T);
        other.release().unwrap();
        got
    }));
}

#[test]
fn c18_a_waiting_non_owner_gets_the_lock_after_the_last_release() {
    let r_lock = Arc::new(RLock::new());
    r_lock.acquire();
    r_lock.acquire();
    let last_released = Arc::new(AtomicBool::new(false));
    let (started_tx, started_rx) = mpsc::channel();
    let waiter = {
        let (r_lock, last_released) = (r_lock.clone(), last_released.clone());
        thread::spawn(move || {
            started_tx.send(()).unwrap();
            let _held = r_lock.lock();
            assert!(
                last_released.load(Ordering::SeqCst),
                "the waiter got the lock before the owner's last release"
            );
            assert_eq!(r_lock.recursion_count(), 1);
        })
    };
    started_rx.recv().unwrap();
    r_lock.release().unwrap();
    // Still held once: the waiter cannot have it yet.
    assert!(r_lock.is_owned());
    last_released.store(true, Ordering::SeqCst);
    r_lock.release().unwrap();
    waiter.join().unwrap();
    assert!(!r_lock.locked());
}

#[test]
fn c11_guard_releases_one_level_on_normal_exit_and_on_panic() {
    let r_lock = RLock::new();
    {
        let _outer: RLockGuard<'_> = r_lock.lock();
        {
            let _inner = r_lock.try_lock().unwrap();
            assert_eq!(r_lock.recursion_count(), 2);
        }
        assert_eq!(r_lock.recursion_count(), 1);
        let result = catch_unwind(AssertUnwindSafe(|| {
            let _inner = r_lock.lock();
            panic!("inside with");
        }));
        assert_eq!(
            result.unwrap_err().downcast_ref::<&str>(),
            Some(&"inside with")
        );
        assert_eq!(r_lock.recursion_count(), 1);
    }
    assert!(!r_lock.locked());
}

#[test]
fn c11_panic_in_the_owner_thread_releases_every_guarded_level() {
    let r_lock = Arc::new(RLock::new());
    let panicker = {
        let r_lock = r_lock.clone();
        thread::spawn(move || {
            let _a = r_lock.lock();
            let _b = r_lock.lock();
            panic!("worker failed");
        })
    };
    assert!(panicker.join().is_err());
    assert!(!r_lock.locked());
    assert!(r_lock.try_acquire());
    r_lock.release().unwrap();
}

#[test]
fn rlock_debug_and_default() {
    let r_lock = RLock::default();
    assert_eq!(
        format!("{r_lock:?}"),
        "RLock { locked: false, is_owned: false, recursion_count: 0 }"
    );
    let _a = r_lock.lock();
    let b = r_lock.lock();
    assert_eq!(
        format!("{r_lock:?}"),
        "RLock { locked: true, is_owned: true, recursion_count: 2 }"
    );
    assert_eq!(
        format!("{b:?}"),
        "RLockGuard { lock: RLock { locked: true, is_owned: true, recursion_count: 2 } }"
    );
}
