//! `Semaphore` and `BoundedSemaphore` over every interleaving: the count bounds the threads
//! inside, k releases let exactly k waiters through, and a bounded over-release fails without
//! changing anything (C31, C34, C35, C36, C37).

use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};
use std::sync::Arc;

use threadproof::check::{Check, Report, Verdict};
use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::trace;
use threadproof::{BoundedSemaphore, ReleaseError, Semaphore};

use crate::common::{self, assert_passed, report, spawn};

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
/// enough for shuttle's search, which has no partial-order reduction (README, "Speed", says
/// what the larger shapes cost).
#[test]
fn semaphore_of_value_two_never_has_three_threads_inside() {
    let run = Check::new().inside_primitives().run(|| {
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
fn releases_let_waiters_through(releases: &'static [usize]) -> Report {
    Check::new().inside_primitives().run(move || {
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
fn a_leaked_permit_hang_names_the_waiter_and_the_holder() {
    let run = Check::new().inside_primitives().run(|| {
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
    report("a_leaked_permit_hang_names_the_waiter_and_the_holder", &run);
    // The main thread waits in its join of Thread-1, which waits for the permit that the
    // finished Thread-2 still holds: no cycle, a hang.
    let run = run.expect(Verdict::Hangs);
    let counterexample = run.counterexample.as_ref().expect("a hang");
    assert_eq!(
        counterexample.ending,
        "hang: Thread-1 is blocked in `acquire semaphore`, and no other thread is left to \
         wake it",
        "{run}"
    );
    assert!(
        counterexample
            .steps
            .iter()
            .any(|s| s.action == "acquire semaphore" && s.value == "blocks: held by Thread-2"),
        "{run}"
    );
    assert!(run.executions > 1);
}

#[test]
fn c36_c37_bounded_over_release_fails_and_changes_nothing() {
    let run = Check::new().inside_primitives().run(|| {
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

/// C31, C34: a non-blocking acquire racing another thread's `with sem:` on a semaphore of
/// value 1 takes the permit or finds none, and both happen; the value counts the permits left,
/// and `release_n(0)` is refused. `$release` gives the permit taken back (C33, C36, C37: a
/// plain semaphore may go past its initial value, a bounded one refuses and changes nothing).
macro_rules! try_acquire_model {
    ($kind:ident, $release:expr) => {
        || {
            let semaphore = Arc::new($kind::new(1));
            let holder = {
                let semaphore = semaphore.clone();
                spawn("Thread-1", move || drop(semaphore.permit()))
            };
            let outcome = if semaphore.try_acquire() {
                assert_eq!(semaphore.value(), 0, "the permit is taken");
                assert!(!semaphore.try_acquire(), "no permit is left");
                $release(&*semaphore);
                "got it"
            } else {
                "none left"
            };
            holder.join().unwrap();
            assert_eq!(semaphore.value(), 1, "every permit is back");
            assert!(semaphore.try_acquire() && !semaphore.try_acquire());
            semaphore.release_n(1).unwrap();
            assert_eq!(semaphore.release_n(0), Err(ReleaseError::ZeroCount));
            outcome.to_owned()
        }
    };
}

#[test]
fn c31_try_acquire_racing_a_permit_holder_takes_it_or_finds_none() {
    let expected = &["got it", "none left"];
    common::assert_outcomes(
        "Semaphore try_acquire",
        (None, None),
        expected,
        try_acquire_model!(Semaphore, |s: &Semaphore| {
            // Two back and one taken again: the holder may take the other meanwhile, and
            // the value at the end says whether the two were counted.
            s.release_n(2).unwrap();
            assert!(s.try_acquire(), "release_n(2) gave back at least one");
        }),
    );
    common::assert_outcomes(
        "BoundedSemaphore try_acquire",
        (None, None),
        expected,
        try_acquire_model!(BoundedSemaphore, |s: &BoundedSemaphore| {
            assert_eq!(s.initial_value(), 1);
            assert_eq!(BoundedSemaphore::new(3).initial_value(), 3);
            assert_eq!(s.release_n(2), Err(ReleaseError::TooManyReleases));
            assert_eq!(s.value(), 0, "a refused release changes nothing");
            s.release_n(1).unwrap();
        }),
    );
}
