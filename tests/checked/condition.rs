//! `Condition` over every interleaving, under loom or shuttle.
//!
//! A waiter counts itself in `entered` while it still holds `cond`, so once anyone else can
//! take `cond`, the waiter is inside `wait`: the models know who waits without sleeping or
//! spinning. Every return from `wait()` is checked against the wake-ups the notifier granted,
//! so a notify that wakes too many, too few, or the wrong waiter is visible.
//!
//! loom searches the models with two waiters exhaustively without a bound (proofs); shuttle
//! searches them up to [`SHUTTLE_BOUND`] preemptions. The model with three waiters has too many
//! schedules for either: both search it up to a preemption bound.
//!
//! Run with `--nocapture` to see each model's execution count and time.

use std::collections::VecDeque;
use std::sync::Arc;

use threadproof::check::{Checker, Limit, Verdict};
use threadproof::sync::atomic::{AtomicBool, Ordering};
use threadproof::sync::thread::JoinHandle;
use threadproof::{trace, Condition, Condvar, Mutex, RLockCondition};

use crate::common::{self, assert_passed, check, spawn};

/// The preemption bound of shuttle's search of the two-waiter models, which loom exhausts
/// without one: shuttle's depth-first search has no partial-order reduction, and these models
/// have millions of schedules (README, "Speed").
const SHUTTLE_BOUND: Option<usize> = Some(4);

/// What the notifier has granted, kept under `cond`'s lock.
#[derive(Default)]
struct Granted {
    /// How many wake-ups the notifier has asked for so far, counting each `notify(n)` as at
    /// most the number of threads waiting then.
    wakeups: usize,
    /// How many waiters have returned from `wait`.
    returned: usize,
}

struct Model {
    cond: Condition<Granted>,
    /// How many waiters have entered `wait`.
    entered: Condition<usize>,
}

impl Model {
    fn new() -> Arc<Self> {
        let model = Arc::new(Self {
            cond: Condition::new(Granted::default()),
            entered: Condition::new(0),
        });
        trace::label(&model.cond, "cond");
        trace::label(&model.entered, "entered");
        model
    }

    /// Starts `Thread-{id}`, the `id`-th to wait on `cond`, and returns once it is inside
    /// `wait`. When `wait` returns, the waiter still holds the lock and checks that at least
    /// `id` wake-ups were granted: a waiter woken by nobody, beyond a notify's `n`, or ahead
    /// of a thread that waited longer, fails there.
    fn waiter(self: &Arc<Self>, id: usize) -> JoinHandle<()> {
        let model = self.clone();
        let handle = spawn(&format!("Thread-{id}"), move || {
            let mut granted = model.cond.lock();
            {
                let mut entered = model.entered.lock();
                *entered += 1;
                entered.notify_all();
            }
            granted.wait();
            assert!(
                granted.wakeups >= id,
                "Thread-{id} returned from wait after {} wake-ups were granted",
                granted.wakeups
            );
            granted.returned += 1;
        });
        self.entered.lock().wait_for(|entered| *entered == id);
        handle
    }

    /// `notify(n)` with `waiting` threads waiting.
    fn notify(&self, n: usize, waiting: usize) {
        let mut granted = self.cond.lock();
        granted.wakeups += n.min(waiting);
        granted.notify(n);
    }
}

#[test]
fn notify_1_wakes_exactly_one_waiter_the_first_to_wait_shuttle_bounded_4() {
    // C24: Thread-1 waits, then Thread-2; notify(1), notify(1).
    let run = check(None, SHUTTLE_BOUND).run(|| {
        let model = Model::new();
        let first = model.waiter(1);
        let second = model.waiter(2);
        model.notify(1, 2);
        model.notify(1, 1);
        first.join().unwrap();
        second.join().unwrap();
        assert_eq!(model.cond.lock().returned, 2);
    });
    assert_passed("notify(1) of two", &run);
}

#[test]
fn notify_all_wakes_every_waiter_shuttle_bounded_4() {
    // C24: both waiters must come back from one notify_all, or the checker reports a deadlock.
    let run = check(None, SHUTTLE_BOUND).run(|| {
        let model = Model::new();
        let first = model.waiter(1);
        let second = model.waiter(2);
        {
            let mut granted = model.cond.lock();
            granted.wakeups = 2;
            granted.notify_all();
        }
        first.join().unwrap();
        second.join().unwrap();
        assert_eq!(model.cond.lock().returned, 2);
    });
    assert_passed("notify_all of two", &run);
}

#[test]
fn notify_2_of_three_waiters_wakes_the_first_two_bounded_loom_3_shuttle_2() {
    // C24 with three waiters: notify(2) wakes Thread-1 and Thread-2, and Thread-3 waits for
    // the next notify. Too many schedules to exhaust: both checkers search it up to a
    // preemption bound; the two-waiter models are the proofs.
    let run = check(Some(3), Some(2)).run(|| {
        let model = Model::new();
        let waiters: Vec<_> = (1..=3).map(|id| model.waiter(id)).collect();
        model.notify(2, 3);
        model.notify(2, 1);
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert_eq!(model.cond.lock().returned, 3);
    });
    assert_passed("notify(2) of three", &run);
}

#[test]
fn wait_for_sees_the_state_that_notified_it() {
    // The consumer of the `Condition` docs: a producer appends and notifies; the consumer's
    // wait_for returns with the item whichever runs first (C26: the predicate is checked
    // before waiting, so a notify that came first is not needed).
    let run = check(None, None).run(|| {
        let items = Arc::new(Condition::new(Vec::new()));
        trace::label(&*items, "items");
        let producer = {
            let items = items.clone();
            spawn("Thread-1", move || {
                let mut guard = items.lock();
                guard.push(42);
                guard.notify(1);
            })
        };
        let mut guard = items.lock();
        guard.wait_for(|items| !items.is_empty());
        assert_eq!(guard.pop(), Some(42));
        drop(guard);
        producer.join().unwrap();
    });
    assert_passed("wait_for", &run);
}

/// `try_lock` never waits: racing a thread that holds the condition's lock to change its data,
/// it gets the guard (and sees the data before or after the change) or `None`. The data is the
/// condition's own, reached without locking when owned.
///
/// Shuttle reaches all three. Loom never reaches `None`: loom 0.7 marks a thread whose next
/// step is a `try_lock` of a held `loom::sync::Mutex` as blocked until the holder unlocks
/// (`rt/mutex.rs`, `post_acquire` blocks every other thread whose pending operation is on the
/// mutex, a try included), so under loom a try on the facade's mutex never finds it held.
/// This test pins that down: it fails, and should be updated, when the gap is closed.
#[test]
fn try_lock_racing_a_holder_gets_the_guard_or_none() {
    let expected: &[&str] = if cfg!(loom) {
        &["before", "after"]
    } else {
        &["before", "after", "held"]
    };
    common::assert_outcomes("condition try_lock", (None, None), expected, || {
        let counter = Arc::new(Condition::new(0));
        let writer = {
            let counter = counter.clone();
            spawn("Thread-1", move || *counter.lock() += 1)
        };
        let outcome = match counter.try_lock() {
            Some(guard) => {
                assert!(counter.try_lock().is_none(), "the guard holds the lock");
                if *guard == 0 {
                    "before"
                } else {
                    "after"
                }
            }
            None => "held",
        };
        writer.join().unwrap();
        let mut counter = Arc::into_inner(counter).expect("the writer is gone");
        *counter.get_mut() += 1;
        assert_eq!(counter.into_inner(), 2, "both changes are there");
        outcome.to_owned()
    });
}

/// A panic inside a `Condition`'s guard, and inside a `Mutex`'s, lets go of the lock and
/// poisons nothing: a thread that panics holding each (and catches it) races a thread that then
/// takes each and adds to its data, and both changes are there. Under shuttle a proof; under
/// loom, whose mutex stays poisoned after a panic inside it, the check cannot go on past the
/// panic and says so: inconclusive, with [`Limit::LoomPoisoned`], never a violation.
#[test]
fn a_panic_inside_a_guard_leaves_the_condition_and_the_mutex_usable() {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let report = check(None, None).run(|| {
        let both = Arc::new((Condition::new(0), Mutex::new(0)));
        let panicker = spawn("Thread-1", {
            let both = both.clone();
            move || {
                let inside_condition = catch_unwind(AssertUnwindSafe(|| {
                    let mut held = both.0.lock();
                    *held += 1;
                    panic!("inside the condition's guard");
                }));
                assert!(inside_condition.is_err());
                let inside_mutex = catch_unwind(AssertUnwindSafe(|| {
                    let mut held = both.1.lock();
                    *held += 1;
                    panic!("inside the mutex's guard");
                }));
                assert!(inside_mutex.is_err());
            }
        });
        let other = spawn("Thread-2", {
            let both = both.clone();
            move || {
                *both.0.lock() += 10;
                *both.1.lock() += 10;
            }
        });
        panicker.join().unwrap();
        other.join().unwrap();
        assert_eq!(*both.0.lock(), 11, "both changes to the condition's data");
        assert_eq!(*both.1.lock(), 11, "both changes to the mutex's data");
    });
    common::report("panic inside a guard", &report);
    if Checker::CURRENT == Checker::Loom {
        assert_eq!(report.verdict, Verdict::Inconclusive, "{report}");
        assert_eq!(report.limit, Some(Limit::LoomPoisoned), "{report}");
        assert!(report.counterexample.is_none(), "{report}");
    } else {
        assert_eq!(report.verdict, Verdict::Holds, "{report}");
        assert!(report.is_proof(), "{report}");
    }
}

// ---- Conditions that share a lock ---------------------------------------------------------

/// A bounded buffer as `queue.py` and pthread programs write it: one mutex over the items, and
/// two conditions on it, `not_empty` for consumers and `not_full` for producers. Each side wakes
/// one thread of the other side (`notify(1)`): a wake-up can only reach a thread that waits for
/// what just happened.
struct Buffer {
    items: Mutex<VecDeque<u32>>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
}

impl Buffer {
    fn new(capacity: usize) -> Arc<Self> {
        let items = Mutex::new(VecDeque::new());
        let buffer = Arc::new(Self {
            not_empty: Condvar::new(&items),
            not_full: Condvar::new(&items),
            items,
            capacity,
        });
        trace::label(&buffer.items, "mutex");
        trace::label(&buffer.not_empty, "not_empty");
        trace::label(&buffer.not_full, "not_full");
        buffer
    }

    fn put(&self, item: u32) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            self.not_full.wait(&mut items);
        }
        items.push_back(item);
        assert!(items.len() <= self.capacity, "over capacity: {:?}", *items);
        self.not_empty.notify(&mut items, 1);
    }

    fn get(&self) -> u32 {
        let mut items = self.items.lock();
        while items.is_empty() {
            self.not_empty.wait(&mut items);
        }
        let item = items.pop_front().expect("not empty");
        self.not_full.notify(&mut items, 1);
        item
    }
}

/// One producer puts 1 and 2 into a buffer of one; two consumers take one each. With one
/// condition and `notify(1)` this program hangs (the guide's first program); with a condition
/// for each side it delivers both items in every interleaving, each exactly once.
#[test]
fn c28_a_bounded_buffer_with_two_conditions_on_one_mutex_delivers_every_item_shuttle_bounded_4() {
    let report = check(None, SHUTTLE_BOUND)
        .run_claim(
            || {
                let buffer = Buffer::new(1);
                let consumers: Vec<_> = (1..=2)
                    .map(|id| {
                        let buffer = buffer.clone();
                        spawn(&format!("Consumer-{id}"), move || buffer.get())
                    })
                    .collect();
                let producer = {
                    let buffer = buffer.clone();
                    spawn("Producer", move || {
                        buffer.put(1);
                        buffer.put(2);
                    })
                };
                producer.join().unwrap();
                let mut got: Vec<u32> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
                got.sort_unstable();
                assert!(buffer.items.lock().is_empty());
                format!("{got:?}")
            },
            |got| got == "[1, 2]",
        )
        .expect(Verdict::Holds);
    assert_passed("bounded buffer, two conditions", &report);
    assert_eq!(
        report.is_proof(),
        Checker::CURRENT == Checker::Loom,
        "{report}"
    );
}

/// What the threads of [`c28_a_notify_on_one_condvar_never_wakes_another_conditions_waiter`]
/// share under the mutex.
#[derive(Default)]
struct Notified {
    /// How many waiters have entered their wait.
    entered: usize,
    a: bool,
    b: bool,
}

/// Three conditions on one mutex: `Thread-1` waits on `a` and `Thread-2` on `b`, and each
/// counts itself in on `entered` first, on which the main thread waits for both. `notify_all` on
/// `a` wakes `Thread-1` only: `Thread-2` comes back only after `b` is notified, in every
/// interleaving, or its assertion fails.
#[test]
fn c28_a_notify_on_one_condvar_never_wakes_another_conditions_waiter_shuttle_bounded_4() {
    let run = check(None, SHUTTLE_BOUND).run(|| {
        let mutex = Mutex::new(Notified::default());
        let conds = [(); 3].map(|()| Condvar::new(&mutex));
        let shared = Arc::new((mutex, conds));
        for (cond, name) in shared.1.iter().zip(["a", "b", "entered"]) {
            trace::label(cond, name);
        }
        let waiter = |name: &str, on_b: bool| {
            let shared = shared.clone();
            spawn(name, move || {
                let (mutex, [a, b, entered]) = &*shared;
                let mut notified = mutex.lock();
                notified.entered += 1;
                entered.notify_all(&mut notified);
                if on_b {
                    b.wait(&mut notified);
                    assert!(notified.b, "Thread-2 woke before b was notified");
                } else {
                    a.wait(&mut notified);
                    assert!(notified.a, "Thread-1 woke before a was notified");
                }
            })
        };
        let first = waiter("Thread-1", false);
        let second = waiter("Thread-2", true);
        let (mutex, [a, b, entered]) = &*shared;
        let mut notified = mutex.lock();
        entered.wait_for(&mut notified, |n| n.entered == 2);
        notified.a = true;
        a.notify_all(&mut notified);
        assert_eq!(b.waiters(&notified), 1, "b's waiter is still waiting");
        drop(notified);
        first.join().unwrap();
        let mut notified = mutex.lock();
        notified.b = true;
        b.notify(&mut notified, 1);
        drop(notified);
        second.join().unwrap();
    });
    assert_passed("notify one condvar of three", &run);
}

/// A condition on an `RLock`, waited on from two levels of it: the wait lets go of both (or
/// the notifier could never take the lock), and returns holding both again, in every
/// interleaving. The state is an atomic, read and written with the lock held.
#[test]
fn rlock_condition_wait_for_at_two_levels_sees_the_state_that_notified_it_shuttle_bounded_4() {
    let run = check(None, SHUTTLE_BOUND).run(|| {
        let cond = Arc::new(RLockCondition::new());
        let ready = Arc::new(AtomicBool::new(false));
        trace::label(&*cond, "cond");
        trace::label(&**cond.r_lock(), "r_lock");
        let notifier = {
            let (cond, ready) = (cond.clone(), ready.clone());
            spawn("Thread-1", move || {
                let held = cond.lock();
                ready.store(true, Ordering::Relaxed);
                cond.notify(&held, 1);
            })
        };
        let outer = cond.lock();
        let inner = cond.lock();
        cond.wait_for(&inner, || ready.load(Ordering::Relaxed));
        assert_eq!(cond.r_lock().recursion_count(), 2);
        drop((inner, outer));
        assert!(!cond.r_lock().is_owned());
        notifier.join().unwrap();
    });
    assert_passed("RLockCondition wait_for at two levels", &run);
}

/// The trace names a `Condvar` and its `Mutex` apart: a producer that puts three items into a
/// buffer of one, with one item taken, hangs in its wait on `not_full`, and the counterexample
/// shows the wait releasing `mutex` and blocking on `not_full`.
#[test]
fn a_producer_left_without_a_consumer_hangs_in_its_wait_on_not_full_shuttle_bounded_4() {
    let report = check(None, SHUTTLE_BOUND)
        .run(|| {
            let buffer = Buffer::new(1);
            let producer = {
                let buffer = buffer.clone();
                spawn("Producer", move || {
                    (1..=3).for_each(|item| buffer.put(item))
                })
            };
            assert_eq!(buffer.get(), 1);
            producer.join().unwrap();
        })
        .expect(Verdict::Hangs);
    let counterexample = report.counterexample.as_ref().expect("a hang");
    assert!(
        counterexample
            .ending
            .contains("Producer is blocked in `wait not_full`"),
        "{report}"
    );
    let actions: Vec<&str> = counterexample
        .steps
        .iter()
        .filter(|step| step.thread == "Producer")
        .map(|step| step.action.as_str())
        .collect();
    assert!(
        actions.ends_with(&["acquire mutex", "release mutex", "wait not_full"]),
        "{report}"
    );
    assert!(actions.contains(&"notify not_empty (woke 0)"), "{report}");
}
