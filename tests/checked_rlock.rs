#![cfg(any(loom, shuttle))]
//! `RLock` over every interleaving, under loom or shuttle.
//!
//! loom searches each model exhaustively without a bound: a proof. shuttle's depth-first
//! search has no partial-order reduction, and a nested acquire and release is some fifteen
//! atomic steps per thread, too many schedules to exhaust; under shuttle these models are
//! searched up to a stated preemption bound.
//!
//! Run with `--nocapture` to see each model's execution count and time.

use std::sync::Arc;

use threadproof::explore::{Checker, Exploration, Explorer, Outcome, Search};
use threadproof::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use threadproof::sync::thread::{Builder, JoinHandle};
use threadproof::{trace, RLock, ReleaseError};

/// Prints what the checker did and checks that every execution passed, that loom's search
/// was a proof, and that the checker branched.
fn assert_passed(name: &str, run: &Exploration) {
    println!(
        "{name}: {} {} executions in {:.2?} ({})",
        run.checker.name(),
        run.executions,
        run.elapsed,
        match run.search {
            Search::Exhaustive {
                preemption_bound: Some(bound),
            } => format!("preemption bound {bound}"),
            _ => "no bound".to_owned(),
        }
    );
    assert_eq!(run.outcome, Outcome::Passed, "{name}");
    assert!(
        run.is_proof() || run.checker == Checker::Shuttle,
        "{name}: not an exhaustive search"
    );
    assert!(run.executions > 1, "{name}: the checker did not branch");
}

/// loom: exhaustive, no bound. shuttle: exhaustive up to `shuttle_bound` preemptions.
fn explorer(shuttle_bound: usize) -> Explorer {
    match Checker::CURRENT {
        Checker::Shuttle => Explorer::with_search(Search::Exhaustive {
            preemption_bound: Some(shuttle_bound),
        }),
        _ => Explorer::exhaustive(),
    }
}

fn spawn_named(name: &str, f: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    Builder::new().name(name.to_owned()).spawn(f).unwrap()
}

#[test]
fn rlock_nested_acquires_exclude_other_threads_and_count_back_to_zero() {
    // The seed's `action_a` with `r_lock`: each thread takes the lock twice, updates `num`
    // inside (a read and a separate write), and releases twice. C14, C17.
    let run = explorer(4).run(|| {
        let r_lock = Arc::new(RLock::new());
        let num = Arc::new(AtomicUsize::new(100));
        trace::label(&*r_lock, "r_lock");
        let handles: Vec<_> = (1..=2)
            .map(|i| {
                let (r_lock, num) = (r_lock.clone(), num.clone());
                spawn_named(&format!("Thread-{i}"), move || {
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
fn rlock_is_released_only_by_its_owner_and_only_after_the_last_level() {
    // C15, C16, C17: MainThread holds the lock twice. Thread-1's release is refused whenever
    // it runs; its acquire waits for MainThread's second release; after its own balanced
    // release, a further one is refused again.
    let run = explorer(6).run(|| {
        let r_lock = Arc::new(RLock::new());
        let main_done = Arc::new(AtomicBool::new(false));
        trace::label(&*r_lock, "r_lock");
        r_lock.acquire();
        r_lock.acquire();
        let other = {
            let (r_lock, main_done) = (r_lock.clone(), main_done.clone());
            spawn_named("Thread-1", move || {
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
