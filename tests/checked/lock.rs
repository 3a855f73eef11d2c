//! `Lock` over every interleaving, under loom or shuttle.
//!
//! Every model here is searched exhaustively without a bound (a proof), except where a test
//! says otherwise: shuttle's depth-first search has no partial-order reduction, and a model
//! with three threads blocking on a lock has millions of schedules, so under shuttle those
//! models are searched up to a stated preemption bound, and loom gives the proof.
//!
//! Run with `--nocapture` to see each model's execution count and time.

use std::sync::Arc;

use threadproof::check::{Check, Checker, Search, Verdict};
use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::sync::thread;
use threadproof::{trace, Lock, ReleaseError};

use crate::common::{assert_outcomes, assert_passed, check, spawn};

/// The tutorial's `sub()`: `temp = num - 1; num = temp`, a read and a separate write, safe only
/// under the lock. Relaxed on purpose: only the lock orders these accesses.
fn sub(lock: &Lock, num: &AtomicUsize) {
    lock.acquire();
    let temp = num.load(Ordering::Relaxed) - 1;
    num.store(temp, Ordering::Relaxed);
    lock.release().unwrap();
}

/// `threads` threads each run [`sub`] once on a counter that starts at 100: no update is lost
/// and the lock ends free.
fn contend(threads: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let lock = Arc::new(Lock::new());
        let num = Arc::new(AtomicUsize::new(100));
        trace::label(&*lock, "lock");
        let handles: Vec<_> = (1..=threads)
            .map(|i| {
                let (lock, num) = (lock.clone(), num.clone());
                spawn(&format!("Thread-{i}"), move || sub(&lock, &num))
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(
            num.load(Ordering::Relaxed),
            100 - threads,
            "an update was lost"
        );
        assert!(!lock.locked());
    }
}

#[test]
fn lock_never_loses_an_update_of_two_threads() {
    let run = Check::new().inside_primitives().run(contend(2));
    assert!(run.is_proof());
    assert_passed("two threads, counter", &run);
}

#[test]
fn blocked_acquirers_all_get_the_lock_shuttle_bounded_4() {
    // C12, with three threads: MainThread holds the lock while Thread-1 and Thread-2 come to
    // acquire it, then releases it. A lost wakeup (say, a woken waiter that takes the lock
    // without keeping it marked contended, so its release wakes nobody) leaves a thread
    // blocked forever: the checker reports a deadlock. Mutual exclusion is checked too.
    let run = check(None, Some(4)).run(|| {
        let lock = Arc::new(Lock::new());
        let num = Arc::new(AtomicUsize::new(100));
        trace::label(&*lock, "lock");
        lock.acquire();
        let handles: Vec<_> = (1..=2)
            .map(|i| {
                let (lock, num) = (lock.clone(), num.clone());
                spawn(&format!("Thread-{i}"), move || sub(&lock, &num))
            })
            .collect();
        let temp = num.load(Ordering::Relaxed) - 1;
        num.store(temp, Ordering::Relaxed);
        lock.release().unwrap();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(num.load(Ordering::Relaxed), 97, "an update was lost");
        assert!(!lock.locked());
    });
    assert!(run.is_proof() || run.checker == Checker::Shuttle);
    assert_passed("main holds, two block", &run);
}

#[test]
fn three_contending_threads_all_get_the_lock_bounded_loom_4_shuttle_3() {
    // Three symmetric threads racing through the fast and slow paths. Unbounded, this model
    // takes loom about a minute, so both checkers search it up to 4 (loom) and 3 (shuttle)
    // preemptions. loom's unbounded proof of two waiters behind a held lock is
    // `blocked_acquirers_all_get_the_lock_shuttle_bounded_4`.
    let run = check(Some(4), Some(3)).run(contend(3));
    assert_passed("three threads contend", &run);
}

#[test]
fn lock_released_by_another_thread_unblocks_its_waiter() {
    // C10, with a blocked acquirer: MainThread holds the lock, Thread-1 blocks acquiring it, and
    // Thread-2, which never acquired it, releases it.
    let run = Check::new().inside_primitives().run(|| {
        let lock = Arc::new(Lock::new());
        trace::label(&*lock, "lock");
        lock.acquire();
        let waiter = {
            let lock = lock.clone();
            spawn("Thread-1", move || {
                lock.acquire();
                assert!(lock.locked());
            })
        };
        let releaser = {
            let lock = lock.clone();
            spawn("Thread-2", move || {
                assert_eq!(lock.release(), Ok(()));
            })
        };
        waiter.join().unwrap();
        releaser.join().unwrap();
        // The waiter keeps it: releasing it again from here is allowed, once.
        assert_eq!(lock.release(), Ok(()));
        assert_eq!(lock.release(), Err(ReleaseError::Unlocked));
    });
    assert!(run.is_proof());
    assert_passed("released by another thread", &run);
}

/// C2: `try_lock` never blocks: racing another thread's `with lock:`, it gets the guard
/// when the lock is free (and holds it until the guard drops) or `None` while the other holds
/// it; both happen.
#[test]
fn try_lock_gets_the_guard_when_free_and_none_when_held() {
    assert_outcomes(
        "try_lock vs a holder",
        (None, None),
        &["got it", "held"],
        || {
            let lock = Arc::new(Lock::new());
            let holder = {
                let lock = lock.clone();
                spawn("Thread-1", move || drop(lock.lock()))
            };
            let outcome = match lock.try_lock() {
                Some(guard) => {
                    assert!(lock.locked(), "the guard holds the lock");
                    assert!(
                        lock.try_lock().is_none(),
                        "a held lock cannot be taken again"
                    );
                    drop(guard);
                    "got it"
                }
                None => "held",
            };
            holder.join().unwrap();
            assert!(
                lock.try_lock().is_some(),
                "the lock is free once both let go"
            );
            outcome.to_owned()
        },
    );
}

#[test]
fn guard_released_by_a_panic_lets_the_next_thread_in() {
    // C11 under the checker: a panic inside `with lock:` releases it for the others.
    let run = Check::new().inside_primitives().run(|| {
        let lock = Arc::new(Lock::new());
        let panicker = {
            let lock = lock.clone();
            spawn("Thread-1", move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let _held = lock.lock();
                    std::panic::resume_unwind(Box::new("inside with"));
                }));
                assert!(result.is_err());
            })
        };
        let other = {
            let lock = lock.clone();
            spawn("Thread-2", move || drop(lock.lock()))
        };
        panicker.join().unwrap();
        other.join().unwrap();
        assert!(!lock.locked());
    });
    assert!(run.is_proof());
    assert_passed("guard and panic", &run);
}

#[test]
fn locks_taken_in_opposite_orders_deadlock_and_the_trace_names_both_holds() {
    // The tutorial's deadlock: action_a takes lock_a then lock_b, action_b the reverse.
    let run = Check::new().inside_primitives().run(|| {
        let lock_a = Arc::new(Lock::new());
        let lock_b = Arc::new(Lock::new());
        trace::label(&*lock_a, "lock_a");
        trace::label(&*lock_b, "lock_b");
        let t1 = {
            let (a, b) = (lock_a.clone(), lock_b.clone());
            spawn("Thread-1", move || {
                let _a = a.lock();
                let _b = b.lock();
            })
        };
        let t2 = {
            let (a, b) = (lock_a.clone(), lock_b.clone());
            spawn("Thread-2", move || {
                let _b = b.lock();
                let _a = a.lock();
            })
        };
        t1.join().unwrap();
        t2.join().unwrap();
    });
    println!(
        "opposite orders: {} deadlock after {} executions in {:.2?}",
        run.checker.name(),
        run.executions,
        run.elapsed
    );
    let run = run.expect(Verdict::Deadlocks);
    assert_eq!(
        run.counterexample.as_ref().expect("a deadlock").ending,
        "deadlock: Thread-1 holds lock_a and waits for lock_b; \
         Thread-2 holds lock_b and waits for lock_a",
        "{run}"
    );
}

/// Three unnamed threads in a ring, each taking its own lock and then the next one's: the
/// checker finds the execution in which each holds its own and waits for the next, and the
/// explanation names every thread by Python's default name, in spawn order, and every lock by
/// its number: nothing is mixed up although no thread has a name of its own.
///
/// Under shuttle, whose search has no partial-order reduction, three preemptions bound it.
#[test]
fn a_ring_of_unnamed_threads_deadlocks_and_each_thread_is_named_in_the_explanation() {
    let preemption_bound = (Checker::CURRENT == Checker::Shuttle).then_some(3);
    let report = Check::with_search(Search::Exhaustive { preemption_bound })
        .inside_primitives()
        .run(|| {
            let locks: Arc<Vec<Lock>> = Arc::new((0..3).map(|_| Lock::new()).collect());
            let handles: Vec<_> = (0..3)
                .map(|i| {
                    let locks = locks.clone();
                    thread::spawn(move || {
                        let _mine = locks[i].lock();
                        let _next = locks[(i + 1) % 3].lock();
                    })
                })
                .collect();
            for handle in handles {
                handle.join().unwrap();
            }
        })
        .expect(Verdict::Deadlocks);
    let counterexample = report.counterexample.as_ref().expect("a deadlock");
    assert_eq!(
        counterexample.ending,
        "deadlock: Thread-1 holds Lock#1 and waits for Lock#2; \
         Thread-2 holds Lock#2 and waits for Lock#3; \
         Thread-3 holds Lock#3 and waits for Lock#1",
        "{report}"
    );
    let threads: std::collections::BTreeSet<&str> = counterexample
        .steps
        .iter()
        .map(|step| step.thread.as_str())
        .collect();
    assert_eq!(
        threads.into_iter().collect::<Vec<_>>(),
        ["Thread-1", "Thread-2", "Thread-3"],
        "{report}"
    );
}

/// An object made after another was dropped is a new object in the trace, even where it
/// reuses the old one's memory: the second lock is `Lock#2`, not the first one's label. (The
/// claim is false on purpose, so that the report keeps the execution's steps.)
#[test]
fn a_lock_made_after_a_drop_is_a_new_object_in_the_trace() {
    let report = Check::new()
        .inside_primitives()
        .run_claim(
            || {
                {
                    let first = Lock::new();
                    trace::label(&first, "first");
                    drop(first.lock());
                }
                let second = Lock::new();
                drop(second.lock());
                "done"
            },
            |_| false,
        )
        .expect(Verdict::Violated);
    let actions: Vec<&str> = report
        .counterexample
        .as_ref()
        .expect("the execution")
        .steps
        .iter()
        .map(|step| step.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "acquire first",
            "release first",
            "acquire Lock#2",
            "release Lock#2"
        ],
        "{report}"
    );
}

/// A program that panics is violated, and the sentence gives the panic: a failed assertion in
/// a thread is not mistaken for a deadlock, though the main thread may be waiting in a join
/// when it comes and the panicking thread never finishes.
#[test]
fn a_failed_assertion_in_a_thread_is_a_violation_not_a_hang() {
    let report = Check::new()
        .inside_primitives()
        .run(|| {
            let lock = Arc::new(Lock::new());
            let worker = {
                let lock = lock.clone();
                thread::spawn(move || {
                    let _held = lock.lock();
                    panic!("the invariant broke");
                })
            };
            let _ = worker.join();
        })
        .expect(Verdict::Violated);
    let ending = &report.counterexample.as_ref().expect("the panic").ending;
    assert!(
        ending.starts_with("panicked at tests/checked/lock.rs:")
            && ending.contains("the invariant broke"),
        "{report}"
    );
}
