//! CPython's `threading.Barrier` behaviours (C43..C53, in `docs/conformance.md`) on real
//! threads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use threadproof::{Barrier, BrokenBarrierError, PartiesError};

use crate::common::assert_about;

const N: usize = 5;
const T: Duration = Duration::from_millis(80);

/// Runs `f` in `n` threads at once and returns their results.
fn run_threads<R: Send + 'static>(n: usize, f: impl Fn() -> R + Send + Sync + 'static) -> Vec<R> {
    let f = Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let f = f.clone();
            thread::spawn(move || f())
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Spins (yielding) until `n` threads wait on `barrier`.
fn until_waiting(barrier: &Barrier, n: usize) {
    while barrier.n_waiting() < n {
        thread::yield_now();
    }
}

#[test]
fn c43_zero_parties_is_an_error() {
    let err = Barrier::new(0).unwrap_err();
    assert_eq!(err, PartiesError);
    assert_eq!(err.to_string(), "parties must be > 0");
    assert!(Barrier::with_action(0, || {}).is_err());
    assert!(Barrier::new(1).is_ok());
}

#[test]
fn c44_wait_returns_distinct_indexes() {
    let barrier = Arc::new(Barrier::new(N).unwrap());
    let mut indexes = {
        let barrier = barrier.clone();
        run_threads(N, move || barrier.wait().unwrap())
    };
    indexes.sort_unstable();
    assert_eq!(indexes, (0..N).collect::<Vec<_>>());
}

/// CPython's `multipass`: in each of `passes` rounds, nobody leaves a wait before everyone
/// arrived.
fn multipass(barrier: &Barrier, before: &AtomicUsize, after: &AtomicUsize, passes: usize) {
    let m = barrier.parties();
    for i in 0..passes {
        before.fetch_add(1, Ordering::SeqCst);
        assert_eq!(after.load(Ordering::SeqCst), i * m);
        barrier.wait().unwrap();
        after.fetch_add(1, Ordering::SeqCst);
        assert_eq!(before.load(Ordering::SeqCst), (i + 1) * m);
        barrier.wait().unwrap();
    }
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
}

#[test]
fn c45_barrier_is_reusable_and_after_a_pass_n_waiting_is_0_and_not_broken() {
    for passes in [1, 10] {
        let barrier = Arc::new(Barrier::new(N).unwrap());
        let counts = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        {
            let (barrier, counts) = (barrier.clone(), counts.clone());
            run_threads(N, move || multipass(&barrier, &counts.0, &counts.1, passes));
        }
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }
}

#[test]
fn c46_action_runs_once_per_cycle_in_the_last_thread_before_anyone_is_released() {
    const ROUNDS: usize = 4;
    let ran_in: Arc<Mutex<Vec<ThreadId>>> = Arc::default();
    let barrier = {
        let ran_in = ran_in.clone();
        Arc::new(
            Barrier::with_action(N, move || {
                ran_in.lock().unwrap().push(thread::current().id());
            })
            .unwrap(),
        )
    };
    {
        let (barrier, ran_in) = (barrier.clone(), ran_in.clone());
        run_threads(N, move || {
            for round in 0..ROUNDS {
                let index = barrier.wait().unwrap();
                let ran = ran_in.lock().unwrap().clone();
                // Once per round, and before this thread was released.
                assert_eq!(ran.len(), round + 1);
                if index == N - 1 {
                    assert_eq!(ran[round], thread::current().id());
                }
            }
        });
    }
    assert_eq!(ran_in.lock().unwrap().len(), ROUNDS);
}

#[test]
fn c47_a_panicking_action_breaks_the_barrier_and_the_panic_propagates() {
    let fail = Arc::new(AtomicBool::new(true));
    let barrier = {
        let fail = fail.clone();
        Arc::new(
            Barrier::with_action(3, move || {
                if fail.swap(false, Ordering::SeqCst) {
                    panic!("action failed");
                }
            })
            .unwrap(),
        )
    };
    let others: Vec<_> = (0..2)
        .map(|_| {
            let barrier = barrier.clone();
            thread::spawn(move || barrier.wait())
        })
        .collect();
    // This thread arrives last, so it runs the action.
    until_waiting(&barrier, 2);
    let panicked = catch_unwind(AssertUnwindSafe(|| barrier.wait())).unwrap_err();
    assert_eq!(panicked.downcast_ref::<&str>(), Some(&"action failed"));
    assert!(barrier.broken());
    for other in others {
        assert_eq!(other.join().unwrap(), Err(BrokenBarrierError));
    }
    assert_eq!(barrier.n_waiting(), 0);
    assert_eq!(barrier.wait(), Err(BrokenBarrierError));

    barrier.reset();
    let mut indexes = {
        let barrier = barrier.clone();
        run_threads(3, move || barrier.wait().unwrap())
    };
    indexes.sort_unstable();
    assert_eq!(indexes, [0, 1, 2]);
}

#[test]
fn c47_a_panicking_action_breaks_the_barrier_and_reset_mends_it() {
    let barrier = Barrier::with_action(1, || panic!("once")).unwrap();
    let panicked = catch_unwind(AssertUnwindSafe(|| barrier.wait()));
    assert!(panicked.is_err());
    assert!(barrier.broken());
    assert_eq!(barrier.n_waiting(), 0);
    barrier.reset();
    assert!(!barrier.broken());
}

#[test]
fn c48_abort_breaks_the_barrier_for_current_and_future_waiters() {
    let barrier = Arc::new(Barrier::new(N).unwrap());
    let outcomes = {
        let barrier = barrier.clone();
        run_threads(N, move || {
            // CPython's test_abort: the middle thread fails and aborts instead of waiting again.
            // A thread still leaving the first round when it does gets the error there.
            match barrier.wait() {
                Ok(i) if i == N / 2 => {
                    barrier.abort();
                    "aborted"
                }
                Ok(_) => match barrier.wait() {
                    Ok(_) => "passed",
                    Err(BrokenBarrierError) => "broken",
                },
                Err(BrokenBarrierError) => "broken",
            }
        })
    };
    assert_eq!(outcomes.iter().filter(|o| **o == "passed").count(), 0);
    assert_eq!(outcomes.iter().filter(|o| **o == "broken").count(), N - 1);
    assert!(barrier.broken());
    assert_eq!(barrier.wait(), Err(BrokenBarrierError));
    assert_eq!(barrier.wait_timeout(T), Err(BrokenBarrierError));
}

#[test]
fn c49_reset_wakes_current_waiters_with_broken_and_leaves_the_barrier_usable() {
    let barrier = Arc::new(Barrier::new(N).unwrap());
    let outcomes = {
        let barrier = barrier.clone();
        run_threads(N, move || {
            // CPython's test_reset.
            let i = barrier.wait().unwrap();
            let outcome = if i == N / 2 {
                until_waiting(&barrier, N - 1);
                barrier.reset();
                "reset"
            } else {
                match barrier.wait() {
                    Ok(_) => "passed",
                    Err(BrokenBarrierError) => "broken",
                }
            };
            // Now pass the barrier again.
            barrier.wait().unwrap();
            outcome
        })
    };
    assert_eq!(outcomes.iter().filter(|o| **o == "passed").count(), 0);
    assert_eq!(outcomes.iter().filter(|o| **o == "broken").count(), N - 1);
    assert!(!barrier.broken());
}

#[test]
fn c49_reset_after_abort_repairs_the_barrier() {
    let barrier = Arc::new(Barrier::new(N).unwrap());
    let barrier2 = Arc::new(Barrier::new(N).unwrap());
    let outcomes = {
        let (barrier, barrier2) = (barrier.clone(), barrier2.clone());
        run_threads(N, move || {
            // CPython's test_abort_and_reset.
            let outcome = match barrier.wait() {
                Ok(i) if i == N / 2 => {
                    barrier.abort();
                    "aborted"
                }
                Ok(_) => match barrier.wait() {
                    Ok(_) => "passed",
                    Err(BrokenBarrierError) => "broken",
                },
                Err(BrokenBarrierError) => "broken",
            };
            // Everyone has left the barrier before the reset, and no one enters it before.
            if barrier2.wait().unwrap() == N / 2 {
                barrier.reset();
            }
            barrier2.wait().unwrap();
            barrier.wait().unwrap();
            outcome
        })
    };
    assert_eq!(outcomes.iter().filter(|o| **o == "passed").count(), 0);
    assert_eq!(outcomes.iter().filter(|o| **o == "broken").count(), N - 1);
    assert!(!barrier.broken());
}

#[test]
fn c49_reset_of_an_idle_barrier_changes_nothing_visible() {
    let barrier = Barrier::new(1).unwrap();
    barrier.reset();
    assert!(!barrier.broken());
    assert_eq!(barrier.wait(), Ok(0));
}

#[test]
fn c50_an_expired_timed_wait_breaks_the_barrier_for_everyone() {
    let barrier = Arc::new(Barrier::new(4).unwrap());
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let barrier = barrier.clone();
            thread::spawn(move || barrier.wait())
        })
        .collect();
    until_waiting(&barrier, 2);
    let start = Instant::now();
    assert_eq!(barrier.wait_timeout(T), Err(BrokenBarrierError));
    assert_about(start.elapsed(), T);
    assert!(barrier.broken());
    for waiter in waiters {
        assert_eq!(waiter.join().unwrap(), Err(BrokenBarrierError));
    }
    assert_eq!(
        barrier.wait_timeout(Duration::ZERO),
        Err(BrokenBarrierError)
    );
}

#[test]
fn c50_a_zero_timeout_on_an_unfilled_barrier_breaks_it_at_once() {
    let barrier = Barrier::new(2).unwrap();
    assert_eq!(
        barrier.wait_timeout(Duration::ZERO),
        Err(BrokenBarrierError)
    );
    assert!(barrier.broken());
}

#[test]
fn c50_a_timed_wait_that_fills_the_barrier_passes() {
    let barrier = Arc::new(Barrier::new(3).unwrap());
    let mut indexes = {
        let barrier = barrier.clone();
        run_threads(3, move || {
            barrier.wait_timeout(Duration::from_secs(60)).unwrap()
        })
    };
    indexes.sort_unstable();
    assert_eq!(indexes, [0, 1, 2]);
    // The last to arrive does not wait: a zero timeout is enough for it.
    let single = Barrier::new(1).unwrap();
    assert_eq!(single.wait_timeout(Duration::ZERO), Ok(0));
}

#[test]
fn c52_a_single_party_wait_returns_zero_every_time() {
    let barrier = Barrier::new(1).unwrap();
    for _ in 0..3 {
        assert_eq!(barrier.wait(), Ok(0));
    }
    let runs = Arc::new(AtomicUsize::new(0));
    let with_action = {
        let runs = runs.clone();
        Barrier::with_action(1, move || {
            runs.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap()
    };
    assert_eq!(with_action.wait(), Ok(0));
    assert_eq!(with_action.wait(), Ok(0));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[test]
fn c53_parties_n_waiting_and_broken_are_exposed() {
    let barrier = Arc::new(Barrier::new(3).unwrap());
    assert_eq!(barrier.parties(), 3);
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
    let waiter = {
        let barrier = barrier.clone();
        thread::spawn(move || barrier.wait())
    };
    until_waiting(&barrier, 1);
    assert_eq!(barrier.n_waiting(), 1);
    barrier.abort();
    assert_eq!(waiter.join().unwrap(), Err(BrokenBarrierError));
    assert!(barrier.broken());
    assert_eq!(barrier.n_waiting(), 0);
    assert_eq!(barrier.parties(), 3);
}

#[test]
fn debug_shows_the_state() {
    let barrier = Barrier::new(2).unwrap();
    assert_eq!(
        format!("{barrier:?}"),
        "Barrier { parties: 2, n_waiting: 0, broken: false, action: false }"
    );
    barrier.abort();
    assert_eq!(
        format!("{:?}", barrier),
        "Barrier { parties: 2, n_waiting: 0, broken: true, action: false }"
    );
}
