//! `threading.Condition` conformance on real threads: the checklist items (`docs/conformance.md`) C20..C28 (and C11 for
//! the guards).
//!
//! `Condition<T>` owns its data behind a non-reentrant lock, because two live guards of one
//! thread would be two `&mut` to the same data; so it has no recursion level to restore (C25),
//! and no other lock to build on (C20). What is left of C25 for it, that `wait` releases the
//! lock while it waits and holds it again when it returns, is tested below. C20 and C25 proper
//! are tested on the other two shapes, below `Condition<T>`'s tests: a `Condvar` made on a given
//! `Mutex` (CPython's `Condition(lock)`, several per lock, C28), and an `RLockCondition`
//! (CPython's default `Condition()`, reentrant, on an `RLock` of its own or a given one).
//!
//! C21 (wait without the lock) and C22 (notify without the lock): type checks. `wait*` and
//! `notify*` are methods of `ConditionGuard`, which only `Condition::lock` makes, or take the
//! guard of the lock (`Condvar`, `RLockCondition`), so a program that waits or notifies
//! without the lock does not compile (compile_fail doctests on `ConditionGuard`, `Condvar` and
//! `RLockCondition` check it). A guard of another lock is refused at run time, with CPython's
//! message.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use std::sync::atomic::Ordering;

use threadproof::{Condition, ConditionGuard, Condvar, Mutex, MutexGuard, RLock, RLockCondition};

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

// ---- Conditions that share a lock: `Mutex` and `Condvar`, `RLockCondition` ----------------
//
// CPython's `lock_tests.ConditionTests` run on `threading.Condition()`, whose lock is an
// `RLock`, and `test_acquire` on `threading.Condition(lock)` as well. Here each runs on the
// conditions that share a lock: a `Condvar` on a `Mutex` that another `Condvar` shares, and an
// `RLockCondition`, on an `RLock` of its own or one shared with another condition. The test's
// own bookkeeping (who is waiting, who came back) waits on a second condition of the same
// lock, so every test also checks that a notify reaches only its own condition's waiters
// (C28).

/// What `_check_notify`'s workers and main thread share, under the `Mutex`.
#[derive(Default)]
struct Phases {
    /// `phase_num`: set by the main thread before it lets the woken threads run.
    phase: u32,
    /// `ready`: the workers inside their wait, counted as they enter it.
    ready: usize,
    /// `results1` and `results2`: each wait's result and the phase it saw when it returned.
    results1: Vec<(bool, u32)>,
    results2: Vec<(bool, u32)>,
}

/// `cond` and `progress`, two conditions on one mutex: the workers wait on `cond`, and the
/// main thread on `progress` for the workers to get somewhere.
struct Shared {
    mutex: Mutex<Phases>,
    cond: Condvar,
    progress: Condvar,
}

impl Shared {
    fn new() -> Arc<Self> {
        let mutex = Mutex::new(Phases::default());
        Arc::new(Self {
            cond: Condvar::new(&mutex),
            progress: Condvar::new(&mutex),
            mutex,
        })
    }

    /// Waits on `progress` until `done` holds of the phases, and checks that the threads
    /// waiting on `cond` are exactly `waiting`: no notify of `progress` woke one of them.
    fn until(
        &self,
        waiting: usize,
        done: impl FnMut(&mut Phases) -> bool,
    ) -> MutexGuard<'_, Phases> {
        let mut phases = self.mutex.lock();
        assert!(
            self.progress.wait_for_timeout(&mut phases, done, PATIENCE),
            "the workers got stuck: ready {}, results {:?} {:?}",
            phases.ready,
            phases.results1,
            phases.results2
        );
        assert_eq!(self.cond.waiters(&phases), waiting);
        phases
    }
}

/// CPython's `_check_notify`, on `cond`, one of two conditions on one mutex: five workers
/// each wait twice; `notify(3)` wakes three of the first waits, `notify(5)` the other two first
/// waits and the three second waits (the longest-waiting first), and `notify_all` the last two.
/// Each wait returns true, in the phase in which it was notified.
fn check_notify(shared: &Arc<Shared>) {
    const N: usize = 5;
    let workers: Vec<_> = (0..N)
        .map(|_| {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut phases = shared.mutex.lock();
                phases.ready += 1;
                shared.progress.notify_all(&mut phases);
                let result = shared.cond.wait_timeout(&mut phases, PATIENCE);
                let phase = phases.phase;
                phases.results1.push((result, phase));
                phases.ready += 1;
                shared.progress.notify_all(&mut phases);
                let result = shared.cond.wait_timeout(&mut phases, PATIENCE);
                let phase = phases.phase;
                phases.results2.push((result, phase));
                shared.progress.notify_all(&mut phases);
            })
        })
        .collect();
    let mut phases = shared.until(N, |p| p.ready == N);
    phases.ready = 0;
    assert_eq!(phases.results1, []);

    // Notify 3 threads at first.
    shared.cond.notify(&mut phases, 3);
    phases.phase = 1;
    drop(phases);
    let mut phases = shared.until(N, |p| p.results1.len() == 3 && p.ready == 3);
    assert_eq!(phases.results1, [(true, 1); 3]);
    assert_eq!(phases.results2, []);

    // Notify 5 threads: the two still in their first wait, and the three in their second.
    shared.cond.notify(&mut phases, 5);
    phases.phase = 2;
    drop(phases);
    let mut phases = shared.until(N - 3, |p| {
        p.results1.len() + p.results2.len() == N + 3 && p.ready == N
    });
    assert_eq!(
        phases.results1,
        [(true, 1), (true, 1), (true, 1), (true, 2), (true, 2)]
    );
    assert_eq!(phases.results2, [(true, 2); 3]);

    // Notify all threads: they are all in their second wait.
    shared.cond.notify_all(&mut phases);
    phases.phase = 3;
    drop(phases);
    let phases = shared.until(0, |p| p.results2.len() == N);
    assert_eq!(
        phases.results1,
        [(true, 1), (true, 1), (true, 1), (true, 2), (true, 2)]
    );
    assert_eq!(
        phases.results2,
        [(true, 2), (true, 2), (true, 2), (true, 3), (true, 3)]
    );
    drop(phases);
    for worker in workers {
        worker.join().unwrap();
    }
}

#[test]
fn c24_c28_test_notify_on_one_of_two_conditions_of_a_mutex() {
    // CPython's test_notify: twice, to check that the internal state is still right.
    let shared = Shared::new();
    check_notify(&shared);
    *shared.mutex.lock() = Phases::default();
    check_notify(&shared);
}

#[test]
fn c20_test_acquire_a_condvar_waits_with_the_lock_it_was_made_for() {
    // CPython's test_acquire on `Condition(lock)`: holding the condition is holding the lock.
    let mutex = Arc::new(Mutex::new(0));
    let cond = Condvar::new(&mutex);
    let mut held = mutex.lock(); //                        cond.acquire()
    assert!(mutex.try_lock().is_none()); //                lock.acquire(False) is False
    cond.notify(&mut held, 1); //                          allowed: the lock is held
    drop(held); //                                         cond.release()
    let other = mutex.clone();
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let taken = thread::spawn(move || {
        let held = other.try_lock().expect("free"); //    lock.acquire(False) is True
        held_tx.send(()).unwrap();
        done_rx.recv().unwrap();
        drop(held);
    });
    held_rx.recv().unwrap();
    assert!(mutex.try_lock().is_none(), "held by the other thread"); // cond.acquire(False)
    done_tx.send(()).unwrap();
    taken.join().unwrap();
    let mut held = mutex.try_lock().expect("free again"); // with cond:
    *held += 1;
    assert!(mutex.try_lock().is_none());
}

#[test]
fn c21_c22_a_condvar_refuses_the_guard_of_another_mutex() {
    // CPython's test_unacquired_wait and test_unacquired_notify: with no guard at all, the
    // calls do not compile (compile_fail doctests on `Condvar`); with another mutex's guard,
    // they fail as CPython's do, with its message.
    let mine = Mutex::new(());
    let other = Mutex::new(());
    let cond = Condvar::new(&mine);
    let mut wrong = other.lock();
    let message = |result: std::thread::Result<()>| {
        let panic = result.unwrap_err();
        panic.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let waited = message(catch_unwind(AssertUnwindSafe(|| cond.wait(&mut wrong))));
    assert!(
        waited.starts_with("cannot wait on un-acquired lock"),
        "{waited}"
    );
    let notified = message(catch_unwind(AssertUnwindSafe(|| {
        cond.notify(&mut wrong, 1)
    })));
    assert!(
        notified.starts_with("cannot notify on un-acquired lock"),
        "{notified}"
    );
    drop(wrong);
    // The condition still works with its own mutex.
    let mut held = mine.lock();
    assert!(!cond.wait_timeout(&mut held, Duration::ZERO));
}

#[test]
fn c23_test_timeout_five_timed_waits_on_a_condvar_return_false_after_about_the_timeout() {
    // CPython's test_timeout: five threads each wait(0.5) (here T) with nobody notifying.
    let shared = Shared::new();
    let waiters: Vec<_> = (0..5)
        .map(|_| {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut phases = shared.mutex.lock();
                let start = Instant::now();
                let result = shared.cond.wait_timeout(&mut phases, T);
                (start.elapsed(), result)
            })
        })
        .collect();
    for waiter in waiters {
        let (elapsed, result) = waiter.join().unwrap();
        assert_about(elapsed, T);
        assert!(!result);
    }
    assert_eq!(shared.cond.waiters(&shared.mutex.lock()), 0);
}

#[test]
fn c26_test_waitfor_on_a_condvar() {
    // CPython's test_waitfor: a thread waits for state == 4 while the main thread counts up,
    // notifying one waiter each time.
    let shared = Shared::new();
    let waiter = {
        let shared = shared.clone();
        thread::spawn(move || {
            let mut phases = shared.mutex.lock();
            shared.cond.wait_for(&mut phases, |p| p.phase == 4);
            phases.phase
        })
    };
    for _ in 0..4 {
        thread::sleep(Duration::from_millis(10));
        let mut phases = shared.mutex.lock();
        phases.phase += 1;
        shared.cond.notify(&mut phases, 1);
    }
    assert_eq!(waiter.join().unwrap(), 4);
}

#[test]
fn c27_test_waitfor_timeout_on_a_condvar() {
    // CPython's test_waitfor_timeout: only three increments, so state == 4 is never reached
    // and the wait returns false after about the timeout.
    let shared = Shared::new();
    let waiter = {
        let shared = shared.clone();
        thread::spawn(move || {
            let mut phases = shared.mutex.lock();
            let start = Instant::now();
            let result = shared
                .cond
                .wait_for_timeout(&mut phases, |p| p.phase == 4, T);
            (start.elapsed(), result)
        })
    };
    for _ in 0..3 {
        thread::sleep(Duration::from_millis(10));
        let mut phases = shared.mutex.lock();
        phases.phase += 1;
        shared.cond.notify(&mut phases, 1);
    }
    let (elapsed, result) = waiter.join().unwrap();
    assert!(!result);
    assert_about(elapsed, T);
}

#[test]
fn c28_a_notify_wakes_only_its_own_conditions_waiters() {
    // The bounded buffer's case: producers wait on `not_full`, consumers on `not_empty`, on
    // one mutex. notify_all on one condition leaves the other's waiters waiting.
    let items = Mutex::new(Vec::<u32>::new());
    let shared = Arc::new((Condvar::new(&items), Condvar::new(&items), items));
    let spawn_waiter = |which: usize| {
        let shared = shared.clone();
        thread::spawn(move || {
            let (not_empty, not_full, items) = &*shared;
            let cond = if which == 0 { not_empty } else { not_full };
            let mut items = items.lock();
            assert!(cond.wait_timeout(&mut items, PATIENCE), "never notified");
            which
        })
    };
    let consumers: Vec<_> = (0..2).map(|_| spawn_waiter(0)).collect();
    let producers: Vec<_> = (0..2).map(|_| spawn_waiter(1)).collect();
    let (not_empty, not_full, items) = &*shared;
    let wait_until_waiting = |cond: &Condvar, n: usize| {
        let start = Instant::now();
        while cond.waiters(&items.lock()) < n {
            assert!(start.elapsed() < PATIENCE, "the waiters never waited");
            thread::yield_now();
        }
    };
    wait_until_waiting(not_empty, 2);
    wait_until_waiting(not_full, 2);
    {
        let mut held = items.lock();
        not_empty.notify_all(&mut held);
        assert_eq!(not_empty.waiters(&held), 0);
        assert_eq!(
            not_full.waiters(&held),
            2,
            "not_full's waiters are not woken"
        );
        assert_eq!(format!("{items:?}"), "Mutex { data: <locked> }");
    }
    for consumer in consumers {
        assert_eq!(consumer.join().unwrap(), 0);
    }
    assert_eq!(format!("{items:?}"), "Mutex { data: [], waiters: 2 }");
    {
        let mut held = items.lock();
        not_full.notify(&mut held, 1);
        not_full.notify(&mut held, 1);
        not_full.notify(&mut held, 1); // nobody left: does nothing
    }
    for producer in producers {
        assert_eq!(producer.join().unwrap(), 1);
    }
}

#[test]
fn c11_a_mutex_guard_releases_on_panic_and_the_data_stays() {
    let mutex = Mutex::new(Vec::new());
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut items: MutexGuard<'_, Vec<i32>> = mutex.lock();
        items.push(1);
        panic!("inside with");
    }));
    assert!(result.is_err());
    assert_eq!(*mutex.try_lock().expect("released"), [1]);
    let mut mutex = mutex;
    mutex.get_mut().push(2);
    assert_eq!(format!("{:?}", mutex.lock()), "MutexGuard { data: [1, 2] }");
    assert_eq!(mutex.into_inner(), [1, 2]);
    assert_eq!(Mutex::<u8>::default().into_inner(), 0);
}

// ---- RLockCondition: CPython's default Condition(), and Condition(r_lock) ------------------

#[test]
fn c20_test_acquire_the_default_condition_is_reentrant() {
    // CPython's test_acquire: "By default we have an RLock: the condition can be acquired
    // multiple times."
    let cond = RLockCondition::new();
    let outer = cond.lock();
    let inner = cond.lock();
    assert_eq!(cond.r_lock().recursion_count(), 2);
    drop(inner);
    drop(outer);
    assert!(!cond.r_lock().locked());
}

#[test]
fn c20_test_acquire_a_condition_on_a_given_rlock_holds_that_lock() {
    // CPython's test_acquire on `Condition(lock)`, with an RLock shared with the program.
    let r_lock = Arc::new(RLock::new());
    let cond = Arc::new(RLockCondition::with_lock(r_lock.clone()));
    let try_elsewhere = |r_lock: &Arc<RLock>| {
        let r_lock = r_lock.clone();
        thread::spawn(move || {
            let got = r_lock.try_acquire();
            if got {
                r_lock.release().unwrap();
            }
            got
        })
        .join()
        .unwrap()
    };
    let held = cond.lock(); //                           cond.acquire()
    assert!(r_lock.is_owned());
    assert!(!try_elsewhere(&r_lock)); //                 lock.acquire(False) is False (elsewhere)
    drop(held); //                                       cond.release()
    assert!(try_elsewhere(&r_lock)); //                  lock.acquire(False) is True
    r_lock.acquire(); //                                 lock held: cond.acquire(False) fails elsewhere
    let other = cond.clone();
    assert!(!thread::spawn(move || other.r_lock().try_acquire())
        .join()
        .unwrap());
    r_lock.release().unwrap();
    {
        let _held = cond.lock(); //                      with cond:
        assert!(!try_elsewhere(&r_lock));
    }
    assert!(std::ptr::eq(&**cond.r_lock(), &*r_lock));
}

#[test]
fn c21_c22_an_rlock_condition_refuses_the_guard_of_another_rlock() {
    let cond = RLockCondition::new();
    let other = RLock::new();
    let wrong = other.lock();
    let message = |result: std::thread::Result<()>| {
        let panic = result.unwrap_err();
        panic.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let waited = message(catch_unwind(AssertUnwindSafe(|| cond.wait(&wrong))));
    assert!(
        waited.starts_with("cannot wait on un-acquired lock"),
        "{waited}"
    );
    let notified = message(catch_unwind(AssertUnwindSafe(|| cond.notify_all(&wrong))));
    assert!(
        notified.starts_with("cannot notify on un-acquired lock"),
        "{notified}"
    );
    drop(wrong);
    let held = cond.lock();
    assert!(!cond.wait_timeout(&held, Duration::ZERO));
}

/// `_check_notify` on an `RLockCondition` whose `RLock` a second condition, `progress`,
/// shares: the state is kept beside the lock, behind a `std` mutex taken only while the
/// `RLock` is held.
#[test]
fn c24_c28_test_notify_on_an_rlock_condition_sharing_its_lock() {
    const N: usize = 5;
    let cond = Arc::new(RLockCondition::new());
    let progress = Arc::new(RLockCondition::with_lock(cond.r_lock().clone()));
    let phases = Arc::new(std::sync::Mutex::new(Phases::default()));
    let until = |waiting: usize, done: &dyn Fn(&Phases) -> bool| {
        let held = progress.lock();
        assert!(
            progress.wait_for_timeout(&held, || done(&phases.lock().unwrap()), PATIENCE),
            "the workers got stuck"
        );
        assert_eq!(waiters(&cond), waiting);
        held
    };
    for round in 0..2 {
        *phases.lock().unwrap() = Phases::default();
        let workers: Vec<_> = (0..N)
            .map(|_| {
                let (cond, progress, phases) = (cond.clone(), progress.clone(), phases.clone());
                thread::spawn(move || {
                    let held = cond.lock();
                    let nested = cond.lock(); // a wait releases both levels
                    for results in [0, 1] {
                        phases.lock().unwrap().ready += 1;
                        progress.notify_all(&held);
                        let result = cond.wait_timeout(&nested, PATIENCE);
                        assert_eq!(cond.r_lock().recursion_count(), 2);
                        let mut phases = phases.lock().unwrap();
                        let phase = phases.phase;
                        if results == 0 {
                            phases.results1.push((result, phase));
                        } else {
                            phases.results2.push((result, phase));
                        }
                    }
                    progress.notify_all(&held);
                })
            })
            .collect();
        let held = until(N, &|p| p.ready == N);
        phases.lock().unwrap().ready = 0;
        cond.notify(&held, 3);
        phases.lock().unwrap().phase = 1;
        drop(held);
        let held = until(N, &|p| p.results1.len() == 3 && p.ready == 3);
        assert_eq!(
            phases.lock().unwrap().results1,
            [(true, 1); 3],
            "round {round}"
        );
        cond.notify(&held, 5);
        phases.lock().unwrap().phase = 2;
        drop(held);
        let held = until(2, &|p| {
            p.results1.len() + p.results2.len() == N + 3 && p.ready == N
        });
        {
            let phases = phases.lock().unwrap();
            assert_eq!(
                phases.results1,
                [(true, 1), (true, 1), (true, 1), (true, 2), (true, 2)]
            );
            assert_eq!(phases.results2, [(true, 2); 3]);
        }
        cond.notify_all(&held);
        phases.lock().unwrap().phase = 3;
        drop(held);
        drop(until(0, &|p| p.results2.len() == N));
        assert_eq!(
            phases.lock().unwrap().results2,
            [(true, 2), (true, 2), (true, 2), (true, 3), (true, 3)]
        );
        for worker in workers {
            worker.join().unwrap();
        }
    }
}

#[test]
fn c23_test_timeout_five_timed_waits_on_an_rlock_condition() {
    let cond = Arc::new(RLockCondition::new());
    let waiters: Vec<_> = (0..5)
        .map(|_| {
            let cond = cond.clone();
            thread::spawn(move || {
                let held = cond.lock();
                let start = Instant::now();
                let result = cond.wait_timeout(&held, T);
                (start.elapsed(), result, cond.r_lock().is_owned())
            })
        })
        .collect();
    for waiter in waiters {
        let (elapsed, result, owned) = waiter.join().unwrap();
        assert_about(elapsed, T);
        assert!(!result);
        assert!(owned, "the lock is held again after a wait that timed out");
    }
    assert_eq!(crate::common::waiters(&cond), 0);
}

#[test]
fn c26_c27_test_waitfor_and_test_waitfor_timeout_on_an_rlock_condition() {
    use std::sync::atomic::AtomicU32;
    for (target, increments) in [(4, 4), (4, 3)] {
        let cond = Arc::new(RLockCondition::new());
        let state = Arc::new(AtomicU32::new(0));
        let waiter = {
            let (cond, state) = (cond.clone(), state.clone());
            thread::spawn(move || {
                let held = cond.lock();
                let start = Instant::now();
                let pred = || state.load(Ordering::Relaxed) == target;
                let result = if increments == target {
                    cond.wait_for(&held, pred);
                    true
                } else {
                    cond.wait_for_timeout(&held, pred, T)
                };
                (start.elapsed(), result)
            })
        };
        for _ in 0..increments {
            thread::sleep(Duration::from_millis(10));
            let held = cond.lock();
            state.fetch_add(1, Ordering::Relaxed);
            cond.notify(&held, 1);
        }
        let (elapsed, result) = waiter.join().unwrap();
        assert_eq!(result, increments == target);
        if !result {
            assert_about(elapsed, T);
        }
    }
}

#[test]
fn c25_wait_releases_every_level_of_the_rlock_and_restores_them() {
    let cond = Arc::new(RLockCondition::new());
    let (in_wait_tx, in_wait_rx) = std::sync::mpsc::channel();
    let waiter = {
        let cond = cond.clone();
        thread::spawn(move || {
            let levels: Vec<_> = (0..3).map(|_| cond.lock()).collect();
            in_wait_tx.send(()).unwrap();
            cond.wait(&levels[2]);
            cond.r_lock().recursion_count()
        })
    };
    in_wait_rx.recv().unwrap();
    // The waiter holds three levels, and its wait lets go of all three: this lock gets it.
    let held = cond.lock();
    assert_eq!(cond.r_lock().recursion_count(), 1);
    cond.notify(&held, 1);
    drop(held);
    assert_eq!(waiter.join().unwrap(), 3);
    assert!(!cond.r_lock().locked());
}

#[test]
fn rlock_condition_debug_and_default() {
    let cond = RLockCondition::default();
    assert_eq!(
        format!("{cond:?}"),
        "RLockCondition { lock: RLock { locked: false, is_owned: false, recursion_count: 0 }, \
         waiters: 0 }"
    );
}

#[test]
fn shared_lock_conditions_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Mutex<u32>>();
    send_sync::<Mutex<std::cell::Cell<u32>>>();
    send_sync::<Condvar>();
    send_sync::<RLockCondition>();
    fn sync<T: Sync>() {}
    sync::<MutexGuard<'static, u32>>();
}
