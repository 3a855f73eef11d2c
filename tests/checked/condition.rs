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

use std::sync::Arc;

use threadproof::sync::thread::JoinHandle;
use threadproof::{trace, Condition};

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
