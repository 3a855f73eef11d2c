//! `RLock` over every interleaving, under loom or shuttle.
//!
//! loom searches each model exhaustively without a bound: a proof. shuttle's depth-first
//! search has no partial-order reduction, and a nested acquire and release is some fifteen
//! atomic steps per thread, too many schedules to exhaust; under shuttle these models are
//! searched up to a stated preemption bound.
//!
//! Run with `--nocapture` to see each model's execution count and time.

use std::sync::Arc;

use threadproof::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use threadproof::{trace, RLock, ReleaseError};

use crate::common::{self, assert_passed, check, spawn};

#[test]
fn rlock_nested_acquires_exclude_other_threads_and_count_back_to_zero_shuttle_bounded_4() {
    // The tutorial's `action_a` with `r_lock`: each thread takes the lock twice, updates `num`
    // inside (a read and a separate write), and releases twice. C14, C17.
    let run = check(None, Some(4)).run(|| {
        let r_lock = Arc::new(RLock::new());
        let num = Arc::new(AtomicUsize::new(100));
        trace::label(&*r_lock, "r_lock");
        let handles: Vec<_> = (1..=2)
            .map(|i| {
                let (r_lock, num) = (r_lock.clone(), num.clone());
                spawn(&format!("Thread-{i}"), move || {
                    r_lock.acquire();
                    r_lock.acquire();
                    assert_eq!(r_lock.recursion_count(), 2);
                    // Relaxed on purpose: only the lock orders these accesses.
                    let temp = num.load(Ordering::Relaxed) - 1;
                    num.store(temp, Ordering::Relaxed);
                    r_lock.release().unwrap();
                    assert_eq!(r_lock.recursion_count(), 1);
                    r_lock.release().unwrap();
                    assert_eq!(r_lock.recursion_count(), 0);
                    assert!(!r_lock.is_owned());
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(num.load(Ordering::Relaxed), 98, "an update was lost");
        assert!(!r_lock.locked());
    });
    assert_passed("nested, two threads", &run);
}

#[test]
fn rlock_is_released_only_by_its_owner_and_only_after_the_last_level_shuttle_bounded_6() {
    // C15, C16, C17: MainThread holds the lock twice. Thread-1's release is refused whenever
    // it runs; its acquire waits for MainThread's second release; after its own balanced
    // release, a further one is refused again.
    let run = check(None, Some(6)).run(|| {
        let r_lock = Arc::new(RLock::new());
        let main_done = Arc::new(AtomicBool::new(false));
        trace::label(&*r_lock, "r_lock");
        r_lock.acquire();
        r_lock.acquire();
        let other = {
            let (r_lock, main_done) = (r_lock.clone(), main_done.clone());
            spawn("Thread-1", move || {
                assert_eq!(r_lock.release(), Err(ReleaseError::NotOwned));
                assert!(!r_lock.is_owned());
                assert_eq!(r_lock.recursion_count(), 0);
                r_lock.acquire();
                assert!(
                    main_done.load(Ordering::Relaxed),
                    "acquired before the owner's last release"
                );
                assert_eq!(r_lock.recursion_count(), 1);
                assert_eq!(r_lock.release(), Ok(()));
                assert_eq!(r_lock.release(), Err(ReleaseError::NotOwned));
            })
        };
        r_lock.release().unwrap();
        assert_eq!(r_lock.recursion_count(), 1);
        main_done.store(true, Ordering::Relaxed);
        r_lock.release().unwrap();
        assert_eq!(r_lock.release(), Err(ReleaseError::NotOwned));
        other.join().unwrap();
        assert!(!r_lock.locked());
    });
    assert_passed("owner only", &run);
}

/// C14, C17: `try_lock` racing another thread's `with rlock:` gets a guard (and then nests,
/// owned, with its recursion count) or `None` while the other owns it; both happen. Shuttle's
/// full search of it takes a quarter of a million executions, so shuttle bounds it.
#[test]
fn rlock_try_lock_racing_an_owner_gets_the_guard_or_none_shuttle_bounded_3() {
    common::assert_outcomes(
        "rlock try_lock vs an owner",
        (None, Some(3)),
        &["got it", "owned by the other"],
        || {
            let lock = Arc::new(RLock::new());
            let owner = {
                let lock = lock.clone();
                spawn("Thread-1", move || drop(lock.lock()))
            };
            let outcome = match lock.try_lock() {
                Some(outer) => {
                    assert!(lock.is_owned() && lock.locked());
                    assert!(lock.try_acquire(), "the owner may nest");
                    assert_eq!(lock.recursion_count(), 2);
                    lock.release().unwrap();
                    drop(outer);
                    "got it"
                }
                None => {
                    assert!(!lock.is_owned());
                    "owned by the other"
                }
            };
            owner.join().unwrap();
            assert!(!lock.locked() && !lock.is_owned());
            assert_eq!(lock.recursion_count(), 0);
            outcome.to_owned()
        },
    );
}
