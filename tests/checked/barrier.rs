//! `Barrier` over every interleaving: distinct arrival indexes, reuse across generations, the
//! action before the release, abort and reset (C44, C45, C46, C48, C49).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use threadproof::check::Check;
use threadproof::sync::thread::{self};
use threadproof::trace;
use threadproof::{Barrier, BrokenBarrierError};

use crate::common::{self, assert_passed, spawn};

#[test]
fn c44_three_parties_get_the_indexes_0_1_2() {
    let run = Check::new().inside_primitives().run(|| {
        let barrier = Arc::new(Barrier::new(3).unwrap());
        let others: Vec<_> = ["Thread-1", "Thread-2"]
            .into_iter()
            .map(|name| {
                let barrier = barrier.clone();
                spawn(name, move || barrier.wait().unwrap())
            })
            .collect();
        let mut indexes = vec![barrier.wait().unwrap()];
        indexes.extend(others.into_iter().map(|t| t.join().unwrap()));
        indexes.sort_unstable();
        assert_eq!(indexes, [0, 1, 2]);
        assert_eq!(barrier.parties(), 3);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    });
    assert_passed("c44_three_parties_get_the_indexes_0_1_2", &run);
}

/// Two rounds of a two-party barrier: nobody leaves a round before both arrived, each round
/// hands out 0 and 1, and a thread that comes back while the other is still leaving waits for
/// the next round.
#[test]
fn c45_a_barrier_is_reused_across_two_generations() {
    let run = Check::new().inside_primitives().run(|| {
        let barrier = Arc::new(Barrier::new(2).unwrap());
        // Bookkeeping only: std atomics, which are no scheduling points. All of a checker's
        // threads run on one operating-system thread, so they are exact.
        let arrived = Arc::new(AtomicUsize::new(0));
        let two_rounds = {
            let (barrier, arrived) = (barrier.clone(), arrived.clone());
            move || {
                let mut indexes = [0; 2];
                for (round, index) in indexes.iter_mut().enumerate() {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    *index = barrier.wait().unwrap();
                    assert!(arrived.load(Ordering::SeqCst) >= 2 * (round + 1));
                }
                indexes
            }
        };
        let other = spawn("Thread-1", two_rounds.clone());
        let mine = two_rounds();
        let theirs = other.join().unwrap();
        for round in 0..2 {
            let mut pair = [mine[round], theirs[round]];
            pair.sort_unstable();
            assert_eq!(pair, [0, 1], "round {round}");
        }
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    });
    assert_passed("c45_a_barrier_is_reused_across_two_generations", &run);
}

#[test]
fn c46_the_action_runs_once_before_anyone_is_released() {
    let run = Check::new().inside_primitives().run(|| {
        let actions = Arc::new(AtomicUsize::new(0));
        let barrier = {
            let actions = actions.clone();
            Arc::new(
                Barrier::with_action(2, move || {
                    actions.fetch_add(1, Ordering::SeqCst);
                })
                .unwrap(),
            )
        };
        let other = {
            let (barrier, actions) = (barrier.clone(), actions.clone());
            spawn("Thread-1", move || {
                barrier.wait().unwrap();
                assert_eq!(actions.load(Ordering::SeqCst), 1);
            })
        };
        barrier.wait().unwrap();
        assert_eq!(actions.load(Ordering::SeqCst), 1);
        other.join().unwrap();
    });
    assert_passed("c46_the_action_runs_once_before_anyone_is_released", &run);
}

#[test]
fn c48_abort_wakes_the_waiters_with_broken_barrier_error() {
    let run = Check::new().inside_primitives().run(|| {
        let barrier = Arc::new(Barrier::new(3).unwrap());
        let waiters: Vec<_> = ["Thread-1", "Thread-2"]
            .into_iter()
            .map(|name| {
                let barrier = barrier.clone();
                spawn(name, move || barrier.wait())
            })
            .collect();
        // Whether they already wait or arrive later, they get the error.
        barrier.abort();
        for w in waiters {
            assert_eq!(w.join().unwrap(), Err(BrokenBarrierError));
        }
        assert!(barrier.broken());
        assert_eq!(barrier.n_waiting(), 0);
    });
    assert_passed(
        "c48_abort_wakes_the_waiters_with_broken_barrier_error",
        &run,
    );
}

/// Executions of the C49 model in which the reset found the other thread waiting, and in which
/// it did not.
static RESET_WHILE_WAITING: AtomicUsize = AtomicUsize::new(0);
static NO_RESET: AtomicUsize = AtomicUsize::new(0);

#[test]
fn c49_reset_wakes_the_waiter_with_broken_barrier_error_and_leaves_it_usable() {
    let run = Check::new().inside_primitives().run(|| {
        let barrier = Arc::new(Barrier::new(2).unwrap());
        let first: Arc<Mutex<Option<Result<usize, BrokenBarrierError>>>> = Arc::default();
        let other = {
            let (barrier, first) = (barrier.clone(), first.clone());
            spawn("Thread-1", move || {
                let result = barrier.wait();
                *first.lock().unwrap() = Some(result);
                if result.is_err() {
                    // Reset out from under it: the barrier is usable again.
                    barrier.wait().unwrap();
                }
            })
        };
        // Spawning is no scheduling point: yield once, so that Thread-1 may run first. The
        // trace records a waiter inside the barrier's mutex just before it waits, so once
        // reset() takes that mutex, a thread seen here is really waiting.
        thread::yield_now();
        let waiting = trace::blocked().len() == 1;
        if waiting {
            barrier.reset();
            RESET_WHILE_WAITING.fetch_add(1, Ordering::Relaxed);
        } else {
            NO_RESET.fetch_add(1, Ordering::Relaxed);
        }
        barrier.wait().unwrap();
        other.join().unwrap();
        let first = first.lock().unwrap().take().unwrap();
        if waiting {
            assert_eq!(first, Err(BrokenBarrierError));
        } else {
            assert!(first.is_ok());
        }
        assert!(!barrier.broken());
        assert_eq!(barrier.n_waiting(), 0);
    });
    assert_passed(
        "c49_reset_wakes_the_waiter_with_broken_barrier_error_and_leaves_it_usable",
        &run,
    );
    assert!(RESET_WHILE_WAITING.load(Ordering::Relaxed) > 0);
    assert!(NO_RESET.load(Ordering::Relaxed) > 0);
}

/// C45, C48, C49: a barrier aborted and then reset with nobody inside is whole again, and
/// `n_waiting` counts a party that has arrived: read while the other party may or may not have
/// arrived, it is 0 or 1, and both happen; then both parties pass.
#[test]
fn c45_c49_n_waiting_counts_an_arrived_party_and_an_idle_reset_repairs_the_barrier() {
    common::assert_outcomes(
        "barrier n_waiting",
        (None, None),
        &["0 waiting", "1 waiting"],
        || {
            let barrier = Arc::new(Barrier::new(2).unwrap());
            barrier.abort();
            assert!(barrier.broken());
            barrier.reset();
            assert!(!barrier.broken(), "an idle reset repairs it");
            let other = {
                let barrier = barrier.clone();
                spawn("Thread-1", move || barrier.wait().unwrap())
            };
            let waiting = barrier.n_waiting();
            let mut indexes = vec![barrier.wait().unwrap(), other.join().unwrap()];
            indexes.sort_unstable();
            assert_eq!(indexes, [0, 1]);
            format!("{waiting} waiting")
        },
    );
}
