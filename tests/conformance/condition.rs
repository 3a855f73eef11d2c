//! `threading.Condition` conformance on real threads: the checklist items (`docs/conformance.md`) C20..C27 (and C11 for
//! the condition's guard).
//!
//! C20 (the default lock is an RLock; a condition may be built on a given lock) and C25
//! (wait releases a recursively held lock and restores the level): deliberate deviations. Our
//! `Condition` owns its data behind a non-reentrant lock, because two live guards of one
//! thread would be two `&mut` to the same data; so there is no recursion level to restore, and
//! no other lock to build on. What is left of C25, that `wait` releases the lock while it waits
//! and holds it again when it returns, is tested below.
//!
//! C21 (wait without the lock) and C22 (notify without the lock): type checks. `wait*` and
//! `notify*` are methods of `ConditionGuard`, which only `Condition::lock` makes, so a program
//! that waits or notifies without the lock does not compile (a compile_fail doctest on
//! `ConditionGuard` checks it).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use threadproof::{Condition, ConditionGuard};

use crate::common::{assert_about, waiters};

/// The timeout of the timing checks.
const T: Duration = Duration::from_millis(80);

/// Longer than any test needs: only a failure waits this long.
const PATIENCE: Duration = Duration::from_secs(10);

/// A condition under test, plus two conditions the test uses to follow its waiters: `ready`
/// counts the threads that have entered `wait`, `returned` lists (by id) those that came back.
struct Rig {
    cond: Condition<u32>,
    ready: Condition<usize>,
    returned: Condition<Vec<usize>>,
}

impl Rig {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            cond: Condition::new(0),
            ready: Condition::new(0),
            returned: Condition::new(Vec::new()),
        })
    }

    /// Starts waiter `id` (a plain wait, or a timed one) and returns once it is inside `wait`:
    /// it counts itself ready while it holds `cond`, so by the time anyone else can take
    /// `cond`, it is waiting. Its thread returns whether it was notified.
    fn waiter(self: &Arc<Self>, id: usize, timeout: Option<Duration>) -> JoinHandle<bool> {
        let rig = self.clone();
        let handle = thread::spawn(move || {
            let mut guard = rig.cond.lock();
            {
                let mut ready = rig.ready.lock();
                *ready += 1;
                ready.notify_all();
            }
            let notified = match timeout {
                None => {
                    guard.wait();
                    true
                }
                Some(t) => guard.wait_timeout(t),
            };
            drop(guard);
            let mut returned = rig.returned.lock();
            returned.push(id);
            returned.notify_all();
            notified
        });
        let target = id + 1;
        self.ready.lock().wait_for(|ready| *ready >= target);
        // Taking the lock here waits until the new waiter has released it inside `wait`.
        drop(self.cond.lock());
        handle
    }

    /// Waits until `n` waiters have returned, and lists them in the order they came back.
    fn returned(&self, n: usize) -> Vec<usize> {
        let mut returned = self.returned.lock();
        assert!(
            returned.wait_for_timeout(|r| r.len() >= n, PATIENCE),
            "only {:?} of {n} waiters returned",
            *returned
        );
        returned.clone()
    }

    /// Checks that exactly `n` threads still wait: a notify takes its waiters off the queue
    /// under the lock, so those it did not pick are still on it, and no others.
    fn still_waiting(&self, n: usize) {
        assert_eq!(waiters(&self.cond), n, "{:?}", self.cond);
    }
}

fn sorted(mut ids: Vec<usize>) -> Vec<usize> {
    ids.sort_unstable();
    ids
}

#[test]
fn c23_wait_returns_when_notified() {
    let rig = Rig::new();
    let waiter = rig.waiter(0, None);
    rig.cond.lock().notify(1);
    assert!(waiter.join().unwrap());
    let timed = rig.waiter(1, Some(PATIENCE));
    rig.cond.lock().notify(1);
    assert!(timed.join().unwrap(), "a notified timed wait returns true");
}

#[test]
fn c23_timed_wait_returns_false_after_about_the_timeout() {
    let cond = Condition::new(());
    let mut guard = cond.lock();
    let start = Instant::now();
    assert!(!guard.wait_timeout(T));
    assert_about(start.elapsed(), T);
    // The lock is held again after the wait.
    drop(guard);
    assert!(cond.try_lock().is_some());
}

#[test]
fn c23_wait_with_timeout_zero_returns_false_at_once() {
    let cond = Condition::new(());
    let mut guard = cond.lock();
    let start = Instant::now();
    assert!(!guard.wait_timeout(Duration::ZERO));
    assert!(start.elapsed() < T);
}

#[test]
fn c24_notify_n_wakes_at_most_n_waiters_and_notify_all_wakes_all() {
    // CPython's test_notify: 5 waiters, notify(3), notify(5), then notify_all.
    let rig = Rig::new();
    let first: Vec<_> = (0..5).map(|id| rig.waiter(id, None)).collect();
    rig.cond.lock().notify(3);
    assert_eq!(sorted(rig.returned(3)), [0, 1, 2]);
    rig.still_waiting(2);
    rig.cond.lock().notify(5);
    assert_eq!(sorted(rig.returned(5)), [0, 1, 2, 3, 4]);
    for waiter in first {
        assert!(waiter.join().unwrap());
    }
    let second: Vec<_> = (5..10).map(|id| rig.waiter(id, None)).collect();
    rig.cond.lock().notify_all();
    assert_eq!(sorted(rig.returned(10)), (0..10).collect::<Vec<_>>());
    for waiter in second {
        assert!(waiter.join().unwrap());
    }
}

#[test]
fn c24_notify_with_nobody_waiting_or_n_zero_does_nothing() {
    let rig = Rig::new();
    // Nobody waiting: nothing is remembered for later waiters.
    rig.cond.lock().notify(1);
    rig.cond.lock().notify_all();
    let waiters: Vec<_> = (0..2).map(|id| rig.waiter(id, None)).collect();
    rig.cond.lock().notify(0);
    rig.still_waiting(2);
    rig.cond.lock().notify_all();
    assert_eq!(sorted(rig.returned(2)), [0, 1]);
    for waiter in waiters {
        assert!(waiter.join().unwrap());
    }
}

#[test]
fn c24_notify_wakes_waiters_in_the_order_they_started_waiting() {
    let rig = Rig::new();
    let waiters: Vec<_> = (0..3).map(|id| rig.waiter(id, None)).collect();
    rig.cond.lock().notify(1);
    assert_eq!(rig.returned(1), [0]);
    rig.cond.lock().notify(1);
    assert_eq!(rig.returned(2), [0, 1]);
    rig.cond.lock().notify(1);
    assert_eq!(rig.returned(3), [0, 1, 2]);
    for waiter in waiters {
        assert!(waiter.join().unwrap());
    }
}

#[test]
fn c24_a_waiter_that_timed_out_does_not_take_a_later_notification() {
    let rig = Rig::new();
    // The timed waiter is first in line, then gives up.
    let timed = rig.waiter(0, Some(Duration::from_millis(30)));
    let patient = rig.waiter(1, None);
    assert!(!timed.join().unwrap());
    rig.cond.lock().notify(1);
    assert_eq!(rig.returned(2), [0, 1]);
    assert!(patient.join().unwrap());
}

#[test]
fn c25_wait_releases_the_lock_while_waiting_and_holds_it_after() {
    let cond = Arc::new(Condition::new(0));
    let (in_wait_tx, in_wait_rx) = std::sync::mpsc::channel();
    let waiter = {
        let cond = cond.clone();
        thread::spawn(move || {
            let mut guard = cond.lock();
            in_wait_tx.send(()).unwrap();
            guard.wait_for(|n| *n == 1);
            // Held again: the data is ours to change.
            *guard = 2;
            guard.notify_all();
        })
    };
    in_wait_rx.recv().unwrap();
    {
        // While the other thread waits, its lock is free for us.
        let mut guard = cond.lock();
        *guard = 1;
        guard.notify(1);
        guard.wait_for(|n| *n == 2);
    }
    waiter.join().unwrap();
    assert_eq!(*cond.lock(), 2);
}

#[test]
fn c26_wait_for_checks_the_predicate_before_waiting() {
    let cond = Condition::new(5);
    let mut guard = cond.lock();
    let mut calls = 0;
    // Nobody will ever notify: this returns only because the predicate holds already.
    guard.wait_for(|n| {
        calls += 1;
        *n == 5
    });
    assert_eq!(calls, 1);
    let mut calls = 0;
    assert!(guard.wait_for_timeout(
        |n| {
            calls += 1;
            *n == 5
        },
        Duration::ZERO
    ));
    assert_eq!(calls, 1);
}

#[test]
fn c26_wait_for_returns_once_the_predicate_holds() {
    // CPython's test_waitfor: a thread waits for state == 4 while the main thread counts up.
    let cond = Arc::new(Condition::new(0));
    let waiter = {
        let cond = cond.clone();
        thread::spawn(move || {
            let mut state = cond.lock();
            state.wait_for(|state| *state == 4);
            *state
        })
    };
    for _ in 0..4 {
        let mut state = cond.lock();
        *state += 1;
        state.notify(1);
    }
    assert_eq!(waiter.join().unwrap(), 4);
}

#[test]
fn c27_wait_for_with_a_timeout_returns_false_after_about_the_timeout() {
    let cond = Condition::new(0);
    let mut state = cond.lock();
    let mut calls = 0;
    let start = Instant::now();
    let result = state.wait_for_timeout(
        |state| {
            calls += 1;
            *state == 4
        },
        T,
    );
    assert!(!result);
    assert_about(start.elapsed(), T);
    // Checked before the wait and again after it.
    assert!(calls >= 2, "predicate checked {calls} times");
    assert!(!state.wait_for_timeout(|state| *state == 4, Duration::ZERO));
}

#[test]
fn c27_wait_for_with_a_timeout_returns_true_when_the_predicate_comes_to_hold() {
    let cond = Arc::new(Condition::new(0));
    let waiter = {
        let cond = cond.clone();
        thread::spawn(move || {
            let mut state = cond.lock();
            state.wait_for_timeout(|state| *state == 3, PATIENCE)
        })
    };
    for _ in 0..3 {
        let mut state = cond.lock();
        *state += 1;
        state.notify_all();
    }
    assert!(waiter.join().unwrap());
}

#[test]
fn c11_guard_releases_on_normal_exit_and_on_panic_and_the_panic_propagates() {
    let cond = Condition::new(Vec::new());
    {
        let mut items: ConditionGuard<'_, Vec<i32>> = cond.lock();
        items.push(1);
        assert!(cond.try_lock().is_none());
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut items = cond.lock();
        items.push(2);
        panic!("inside with");
    }));
    assert_eq!(
        result.unwrap_err().downcast_ref::<&str>(),
        Some(&"inside with")
    );
    // Released, not poisoned: later users carry on and see what was done before the panic.
    assert_eq!(*cond.lock(), [1, 2]);
}

#[test]
fn c11_a_panicking_predicate_releases_the_lock_and_leaves_no_waiter_behind() {
    let rig = Rig::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut guard = rig.cond.lock();
        guard.wait_for(|_| panic!("predicate failed"));
    }));
    assert!(result.is_err());
    rig.still_waiting(0);
    // A real waiter now gets the one notification.
    let waiter = rig.waiter(0, None);
    rig.cond.lock().notify(1);
    assert!(waiter.join().unwrap());
}

#[test]
fn c11_panic_in_another_thread_releases_the_condition() {
    let cond = Arc::new(Condition::new(0));
    let panicker = {
        let cond = cond.clone();
        thread::spawn(move || {
            let mut n = cond.lock();
            *n += 1;
            panic!("worker failed");
        })
    };
    assert!(panicker.join().is_err());
    assert_eq!(*cond.try_lock().unwrap(), 1);
}

#[test]
fn condition_get_mut_and_into_inner() {
    let mut cond = Condition::new(vec![1]);
    cond.get_mut().push(2);
    assert_eq!(cond.into_inner(), [1, 2]);
}

#[test]
fn condition_debug_and_default() {
    let cond: Condition<Vec<i32>> = Condition::default();
    assert_eq!(format!("{cond:?}"), "Condition { data: [], waiters: 0 }");
    let mut guard = cond.lock();
    guard.push(7);
    assert_eq!(format!("{guard:?}"), "ConditionGuard { data: [7] }");
    assert_eq!(format!("{cond:?}"), "Condition { data: <locked> }");
    drop(guard);
    assert_eq!(format!("{cond:?}"), "Condition { data: [7], waiters: 0 }");
}
