//! Every primitive with spurious wake-ups explored ([`Check::spurious_wakeups`]): the first
//! wait of each blocking call may also wake without a notify. Each primitive re-checks its
//! state after waking, so each test reaches the same outcomes as without them; a primitive
//! that trusted its wake-up would fail here (`sync::wait`'s unit test shows one that does).

use threadproof::check::{Check, Checker, Search, Verdict};
use threadproof::queue::Queue;
use threadproof::sync::{thread, Arc};
use threadproof::{Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore};

/// Every interleaving and every spurious wake-up under loom; under shuttle, whose search has
/// no partial-order reduction, every one with at most three preemptions.
fn check() -> Check {
    let preemption_bound = (Checker::CURRENT == Checker::Shuttle).then_some(3);
    Check::with_search(Search::Exhaustive { preemption_bound })
        .inside_primitives()
        .spurious_wakeups()
        .all_outcomes()
}

/// Runs `program` with spurious wake-ups and without, and asserts both hold with the same
/// outcomes, each of `expected` reached.
fn same_outcomes<T, P>(program: P, expected: &[&str])
where
    T: std::fmt::Debug + 'static,
    P: Fn() -> T + Send + Sync + Clone + 'static,
{
    let with = check()
        .run_claim(program.clone(), |_| true)
        .expect(Verdict::Holds);
    let preemption_bound = (Checker::CURRENT == Checker::Shuttle).then_some(3);
    let without = Check::with_search(Search::Exhaustive { preemption_bound })
        .inside_primitives()
        .all_outcomes()
        .run_claim(program, |_| true)
        .expect(Verdict::Holds);
    let reached = |report: &threadproof::check::Report| -> Vec<String> {
        report.outcomes.keys().cloned().collect()
    };
    assert_eq!(reached(&with), reached(&without), "{with}\n{without}");
    assert_eq!(reached(&with), expected, "{with}");
    assert!(with.executions > without.executions, "{with}\n{without}");
}

#[test]
fn a_lock_with_spurious_wake_ups() {
    same_outcomes(
        || {
            let lock = Arc::new(Lock::new());
            let other = {
                let lock = lock.clone();
                thread::spawn(move || drop(lock.lock()))
            };
            drop(lock.lock());
            other.join().unwrap();
            lock.locked()
        },
        &["false"],
    );
}

#[test]
fn an_rlock_with_spurious_wake_ups() {
    same_outcomes(
        || {
            let lock = Arc::new(RLock::new());
            let other = {
                let lock = lock.clone();
                thread::spawn(move || {
                    let _outer = lock.lock();
                    drop(lock.lock());
                })
            };
            drop(lock.lock());
            other.join().unwrap();
            let free = lock.try_lock().is_some();
            free
        },
        &["true"],
    );
}

/// CPython's `Condition.wait` returns only when notified: a waiter that finds the flag unset
/// and waits once finds it set when it returns, however the wait underneath woke.
#[test]
fn a_condition_wait_returns_only_when_notified_even_with_spurious_wake_ups() {
    same_outcomes(
        || {
            let condition = Arc::new(Condition::new(false));
            let notifier = {
                let condition = condition.clone();
                thread::spawn(move || {
                    let mut ready = condition.lock();
                    *ready = true;
                    ready.notify(1);
                })
            };
            let mut ready = condition.lock();
            let waited = !*ready;
            if waited {
                ready.wait();
                assert!(*ready, "wait returned without a notify");
            }
            drop(ready);
            notifier.join().unwrap();
            if waited {
                "waited, then notified"
            } else {
                "set before the wait"
            }
        },
        &["set before the wait", "waited, then notified"],
    );
}

#[test]
fn an_event_with_spurious_wake_ups() {
    same_outcomes(
        || {
            let event = Arc::new(Event::new());
            let setter = {
                let event = event.clone();
                thread::spawn(move || event.set())
            };
            event.wait();
            setter.join().unwrap();
            event.is_set()
        },
        &["true"],
    );
}

#[test]
fn semaphores_with_spurious_wake_ups() {
    same_outcomes(
        || {
            let semaphore = Arc::new(Semaphore::new(0));
            let releaser = {
                let semaphore = semaphore.clone();
                thread::spawn(move || semaphore.release())
            };
            semaphore.acquire();
            releaser.join().unwrap();
            semaphore.value()
        },
        &["0"],
    );
    same_outcomes(
        || {
            let semaphore = Arc::new(BoundedSemaphore::new(1));
            semaphore.acquire();
            let other = {
                let semaphore = semaphore.clone();
                thread::spawn(move || {
                    semaphore.acquire();
                    semaphore.release().unwrap();
                })
            };
            semaphore.release().unwrap();
            other.join().unwrap();
            semaphore.value()
        },
        &["1"],
    );
}

#[test]
fn a_barrier_with_spurious_wake_ups() {
    same_outcomes(
        || {
            let barrier = Arc::new(Barrier::new(2).unwrap());
            let other = {
                let barrier = barrier.clone();
                thread::spawn(move || barrier.wait().unwrap())
            };
            let mine = barrier.wait().unwrap();
            let theirs = other.join().unwrap();
            let mut indexes = [mine, theirs];
            indexes.sort_unstable();
            format!("{indexes:?}")
        },
        &["[0, 1]"],
    );
}

#[test]
fn a_queue_with_spurious_wake_ups() {
    same_outcomes(
        || {
            let queue = Arc::new(Queue::new(1));
            let producer = {
                let queue = queue.clone();
                thread::spawn(move || {
                    queue.put(1).unwrap();
                    queue.put(2).unwrap();
                })
            };
            let first = queue.get().unwrap();
            let second = queue.get().unwrap();
            producer.join().unwrap();
            format!("{first} {second}")
        },
        &["1 2"],
    );
}
