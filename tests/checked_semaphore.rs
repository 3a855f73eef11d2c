#![cfg(any(loom, shuttle))]
//! `Semaphore` and `BoundedSemaphore` over every interleaving: the count bounds the threads
//! inside, k releases let exactly k waiters through, and a bounded over-release fails without
//! changing anything (C31, C34, C35, C36, C37).

use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};
use std::sync::Arc;

use threadproof::explore::{Exploration, Explorer, Outcome};
use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::trace;
use threadproof::{BoundedSemaphore, ReleaseError, Semaphore};

mod common;
use common::{assert_passed, report, spawn};

/// The tutorial's `MyThread.run`: take a permit, be inside, give it back.
fn run_inside(semaphore: &Semaphore, inside: &AtomicUsize) {
    let _permit = semaphore.permit();
    enter(inside);
    inside.fetch_sub(1, Ordering::SeqCst);
}

/// Counts the calling thread in, and checks that a semaphore of value 2 let it in.
fn enter(inside: &AtomicUsize) {
    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
    assert!(now <= 2, "{now} threads inside a semaphore of value 2");
}

/// Three threads on a semaphore of value 2. Thread-1 goes in and out; meanwhile the main
/// thread goes in and stays; then Thread-2 goes in and out, and may arrive while both others
/// are inside, when it must wait for Thread-1 to leave.
///
/// The main thread staying in, and spawning Thread-2 only once it is in, keeps the model small
/// enough for shuttle's search, which has no partial-order reduction: with all three going in
/// and out at once it did not finish in 15 minutes, and with the main thread in from the start
/// of Thread-2 too it took 8.6 million executions (79 s).
#[test]
fn semaphore_of_value_two_never_has_three_threads_inside() {
    let run = Explorer::exhaustive().run(|| {
        let semaphore = Arc::new(Semaphore::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let thread = |name| {
            let (semaphore, inside) = (semaphore.clone(), inside.clone());
            spawn(name, move || run_inside(&semaphore, &inside))
        };
        let first = thread("Thread-1");
        let mine = semaphore.permit();
        enter(&inside);
        let second = thread("Thread-2");
        first.join().unwrap();
        second.join().unwrap();
        drop(mine);
        assert_eq!(semaphore.value(), 2);
    });
    assert_passed(
        "semaphore_of_value_two_never_has_three_threads_inside",
        &run,
    );
}

/// Two threads block on an empty semaphore while the main thread releases `releases` in turn;
/// no acquire passes before enough permits were released, and none is left waiting.
fn releases_let_waiters_through(releases: &'static [usize]) -> Exploration {
    Explorer::exhaustive().run(move || {
        let semaphore = Arc::new(Semaphore::new(0));
        // Bookkeeping only: std atomics, which are no scheduling points. All of a checker's
        // threads run on one operating-system thread, so they are exact.
        let released = Arc::new(StdAtomicUsize::new(0));
        let passed = Arc::new(StdAtomicUsize::new(0));
        let waiters: Vec<_> = ["Thread-1", "Thread-2"]
            .into_iter()
            .map(|name| {
                let (semaphore, released, passed) =
                    (semaphore.clone(), released.clone(), passed.clone());
                spawn(name, move || {
                    semaphore.acquire();
                    let through = passed.fetch_add(1, StdOrdering::SeqCst) + 1;
                    assert!(through <= released.load(StdOrdering::SeqCst));
                })
            })
            .collect();
        for &n in releases {
            released.fetch_add(n, StdOrdering::SeqCst);
            if n == 1 {
                semaphore.release();
            } else {
                semaphore.release_n(n).unwrap();
            }
        }
        for w in waiters {
            w.join().unwrap();
        }
        assert_eq!(passed.load(StdOrdering::SeqCst), 2);
        assert_eq!(semaphore.value(), 0);
    })
}

#[test]
fn c35_two_releases_let_exactly_two_waiters_through() {
    let run = releases_let_waiters_through(&[1, 1]);
    assert_passed("c35_two_releases_let_exactly_two_waiters_through", &run);
}

#[test]
fn c34_release_n_of_two_lets_both_waiters_through() {
    let run = releases_let_waiters_through(&[2]);
    assert_passed("c34_release_n_of_two_lets_both_waiters_through", &run);
}

/// A permit that is never given back starves the other thread, in the interleavings where
/// the leaking thread goes first: the checker finds one, and the trace names the semaphore, the
/// thread waiting for it and the thread holding it.
#[test]
fn a_leaked_permit_deadlock_names_the_waiter_and_the_holder() {
    let run = Explorer::exhaustive().run(|| {
        let semaphore = Arc::new(Semaphore::new(1));
        trace::label(&*semaphore, "semaphore");
        let polite = {
            let semaphore = semaphore.clone();
            spawn("Thread-1", move || drop(semaphore.permit()))
        };
        let leaky = {
            let semaphore = semaphore.clone();
            spawn("Thread-2", move || semaphore.acquire())
        };
        polite.join().unwrap();
        leaky.join().unwrap();
    });
    report(
        "a_leaked_permit_deadlock_names_the_waiter_and_the_holder",
        &run,
    );
    match &run.outcome {
        Outcome::Deadlock { blocked, .. } => {
            assert_eq!(blocked.len(), 1, "{blocked:?}");
            assert_eq!(blocked[0].thread, "Thread-1");
            assert_eq!(blocked[0].waits_for, "acquire semaphore");
            assert_eq!(blocked[0].object_held_by, ["Thread-2"]);
        }
        other => panic!("expected a deadlock, got {other:?}"),
    }
    assert!(run.executions > 1);
}

#[test]
fn c36_c37_bounded_over_release_fails_and_changes_nothing() {
    let run = Explorer::exhaustive().run(|| {
        let semaphore = Arc::new(BoundedSemaphore::new(2));
        let holder = {
            let semaphore = semaphore.clone();
            spawn("Thread-1", move || {
                semaphore.acquire();
                assert!(semaphore.value() <= 2);
                semaphore.release()
            })
        };
        let releaser = {
            let semaphore = semaphore.clone();
            spawn("Thread-2", move || {
                // Never room for two more: all or nothing, so nothing is added.
                assert_eq!(semaphore.release_n(2), Err(ReleaseError::TooManyReleases));
                assert!(semaphore.value() <= 2);
                semaphore.release()
            })
        };
        let results = [holder.join().unwrap(), releaser.join().unwrap()];
        // Two releases for one acquire: exactly one of them is refused, whichever comes second.
        assert_eq!(
            results.iter().filter(|r| r.is_err()).count(),
            1,
            "{results:?}"
        );
        assert!(results.contains(&Err(ReleaseError::TooManyReleases)));
        assert_eq!(semaphore.value(), 2);
    });
    assert_passed(
        "c36_c37_bounded_over_release_fails_and_changes_nothing",
        &run,
    );
}
