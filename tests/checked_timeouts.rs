#![cfg(any(loom, shuttle))]
//! Every timed wait of every primitive, explored both ways under loom and shuttle: the checkers
//! run a wait with a timeout under *any timing*, so it may be woken or time out at any point
//! while it waits. Each model is a full search under loom (a proof; one model is bounded, and
//! says so in its name) and a bounded one under shuttle, and asserts that both the woken and
//! the timed-out outcome occur, each in some execution, and that nothing is lost either way;
//! programs that only a timeout can unstick must pass, not be reported as deadlocks.
//!
//! The timeouts are long (a minute): under any timing their length does not matter, and on a
//! real machine the program would end the same way.

use std::sync::Arc;
use std::time::Duration;

use threadproof::queue::{GetError, PutError, Queue};
use threadproof::{Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore};

mod common;
use common::{assert_outcomes, spawn};

const LONG: Duration = Duration::from_secs(60);

/// Loom searches every model here without a bound: a proof. Shuttle's depth-first search has
/// no partial-order reduction, and a timer is one more thread to interleave, so under shuttle
/// the models are searched up to this preemption bound (named in each test's name).
///
/// One model, a timed and an untimed waiter for one lock, has three threads besides its timer:
/// loom's full search of it takes over a million executions, so loom bounds it too.
const BOUNDS: (Option<usize>, Option<usize>) = (None, Some(3));

fn acquired(got: bool) -> String {
    if got { "acquired" } else { "timed out" }.to_owned()
}

/// C7, C8: an `acquire_timeout` racing the holder's release either gets the lock or times out,
/// and either way the lock is consistent afterwards: held by the waiter, or free.
#[test]
fn c7_c8_lock_acquire_timeout_racing_a_release_acquires_or_times_out_shuttle_bounded_3() {
    assert_outcomes(
        "lock acquire_timeout vs release",
        BOUNDS,
        &["acquired", "timed out"],
        || {
            let lock = Arc::new(Lock::new());
            lock.acquire();
            assert!(!lock.try_acquire(), "a held lock cannot be taken again");
            let waiter = {
                let lock = lock.clone();
                spawn("Thread-1", move || lock.acquire_timeout(LONG))
            };
            lock.release().unwrap();
            let got = waiter.join().unwrap();
            assert_eq!(lock.locked(), got, "held exactly when the waiter got it");
            if got {
                lock.release().unwrap();
            }
            assert!(
                lock.try_acquire(),
                "the lock is free once its holders let go"
            );
            acquired(got)
        },
    );
}

/// C18: an untimed waiter is never stranded by a timed one, whether the timed one gets the
/// lock first, times out, or gets it after the untimed one.
#[test]
fn c18_a_timed_waiter_never_strands_an_untimed_one_bounded_loom_4_shuttle_3() {
    assert_outcomes(
        "lock: a timed and an untimed waiter",
        (Some(4), Some(3)),
        &["acquired", "timed out"],
        || {
            let lock = Arc::new(Lock::new());
            lock.acquire();
            let untimed = {
                let lock = lock.clone();
                spawn("Thread-1", move || {
                    lock.acquire();
                    lock.release().unwrap();
                })
            };
            let timed = {
                let lock = lock.clone();
                spawn("Thread-2", move || {
                    let got = lock.acquire_timeout(LONG);
                    if got {
                        lock.release().unwrap();
                    }
                    got
                })
            };
            lock.release().unwrap();
            untimed.join().unwrap();
            let got = timed.join().unwrap();
            assert!(!lock.locked());
            acquired(got)
        },
    );
}

/// A thread blocked in `acquire_timeout` on a lock its joiner holds: only the timeout can end
/// it, and it does (on real threads, after the timeout). Not a deadlock.
#[test]
fn joining_a_thread_blocked_in_acquire_timeout_on_a_held_lock_ends_by_its_timeout_shuttle_bounded_3(
) {
    assert_outcomes("lock held across a join", BOUNDS, &["timed out"], || {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let waiter = {
            let lock = lock.clone();
            spawn("Thread-1", move || lock.acquire_timeout(LONG))
        };
        let got = waiter.join().unwrap();
        assert!(lock.locked());
        acquired(got)
    });
}

/// C18 for `RLock`: the owner's release races a timed acquire, which gets the lock with a
/// recursion count of one, or times out and leaves it free.
#[test]
fn c18_rlock_acquire_timeout_racing_the_owners_release_acquires_or_times_out_shuttle_bounded_3() {
    assert_outcomes(
        "rlock acquire_timeout vs release",
        BOUNDS,
        &["acquired", "timed out"],
        || {
            let lock = Arc::new(RLock::new());
            let owner = {
                let lock = lock.clone();
                spawn("Thread-1", move || {
                    lock.acquire();
                    lock.acquire();
                    lock.release().unwrap();
                    lock.release().unwrap();
                })
            };
            let got = lock.acquire_timeout(LONG);
            if got {
                assert_eq!(lock.recursion_count(), 1);
                lock.release().unwrap();
            }
            owner.join().unwrap();
            assert!(!lock.locked());
            acquired(got)
        },
    );
}

/// No permit lost or made up: a timed acquire racing a release takes the permit or leaves it
/// in the semaphore.
#[test]
fn semaphore_acquire_timeout_racing_a_release_loses_no_permit_shuttle_bounded_3() {
    assert_outcomes(
        "semaphore acquire_timeout vs release",
        BOUNDS,
        &["acquired", "timed out"],
        || {
            let semaphore = Arc::new(Semaphore::new(0));
            let waiter = {
                let semaphore = semaphore.clone();
                spawn("Thread-1", move || semaphore.acquire_timeout(LONG))
            };
            semaphore.release();
            let got = waiter.join().unwrap();
            assert_eq!(semaphore.value() + usize::from(got), 1, "one permit in all");
            acquired(got)
        },
    );
}

/// The same for `BoundedSemaphore`, whose release would fail if a permit were made up.
#[test]
fn bounded_semaphore_acquire_timeout_racing_a_release_loses_no_permit_shuttle_bounded_3() {
    assert_outcomes(
        "bounded semaphore acquire_timeout vs release",
        BOUNDS,
        &["acquired", "timed out"],
        || {
            let semaphore = Arc::new(BoundedSemaphore::new(1));
            semaphore.acquire();
            let waiter = {
                let semaphore = semaphore.clone();
                spawn("Thread-1", move || semaphore.acquire_timeout(LONG))
            };
            semaphore.release().unwrap();
            let got = waiter.join().unwrap();
            assert_eq!(semaphore.value() + usize::from(got), 1, "one permit in all");
            if got {
                semaphore.release().unwrap();
            }
            assert!(semaphore.release().is_err(), "no permit was made up");
            acquired(got)
        },
    );
}

/// C23: `wait_timeout` racing `notify(1)` returns true exactly when it was notified.
/// A notified waiter passes the notification on: had the timed-out waiter's queue place taken
/// it, the untimed waiter would never wake, and the search would report that.
#[test]
fn c23_condition_wait_timeout_racing_notify_and_a_timed_out_waiter_takes_no_notification_shuttle_bounded_3(
) {
    assert_outcomes(
        "condition wait_timeout vs notify(1)",
        BOUNDS,
        &["notified", "timed out"],
        || {
            let cond = Arc::new(Condition::new(false));
            let untimed = {
                let cond = cond.clone();
                spawn("Thread-1", move || {
                    let mut ready = cond.lock();
                    while !*ready {
                        ready.wait();
                    }
                })
            };
            let timed = {
                let cond = cond.clone();
                spawn("Thread-2", move || {
                    let mut guard = cond.lock();
                    let notified = guard.wait_timeout(LONG);
                    if notified {
                        guard.notify(1);
                    }
                    notified
                })
            };
            {
                let mut ready = cond.lock();
                *ready = true;
                ready.notify(1);
            }
            untimed.join().unwrap();
            if timed.join().unwrap() {
                "notified".to_owned()
            } else {
                "timed out".to_owned()
            }
        },
    );
}

/// C27: `wait_for_timeout` returns the predicate's last value: true once the notifier's change
/// is seen, false only when the change had not happened when it gave up.
#[test]
fn c27_condition_wait_for_timeout_returns_the_last_value_of_the_predicate_shuttle_bounded_3() {
    assert_outcomes(
        "condition wait_for_timeout vs notify_all",
        BOUNDS,
        &["false", "true"],
        || {
            let cond = Arc::new(Condition::new(0u32));
            let waiter = {
                let cond = cond.clone();
                spawn("Thread-1", move || {
                    let mut value = cond.lock();
                    let held = value.wait_for_timeout(|v| *v == 1, LONG);
                    assert_eq!(held, *value == 1, "the predicate's last value");
                    held
                })
            };
            {
                let mut value = cond.lock();
                *value = 1;
                value.notify_all();
            }
            waiter.join().unwrap().to_string()
        },
    );
}

/// C40: `Event::wait_timeout` racing `set` returns true when the set released it or came
/// first, false when it timed out before the set.
#[test]
fn c40_event_wait_timeout_racing_set_returns_the_flag_shuttle_bounded_3() {
    assert_outcomes(
        "event wait_timeout vs set",
        BOUNDS,
        &["false", "true"],
        || {
            let event = Arc::new(Event::new());
            let waiter = {
                let event = event.clone();
                spawn("Thread-1", move || event.wait_timeout(LONG))
            };
            event.set();
            waiter.join().unwrap().to_string()
        },
    );
}

/// C41: a timed wait released by a `set` that a `clear` follows at once still returns true;
/// false only if it timed out before the set. Both happen.
#[test]
fn c41_event_wait_timeout_racing_set_then_clear_shuttle_bounded_3() {
    assert_outcomes(
        "event wait_timeout vs set, clear",
        BOUNDS,
        &["false", "true"],
        || {
            let event = Arc::new(Event::new());
            let waiter = {
                let event = event.clone();
                spawn("Thread-1", move || event.wait_timeout(LONG))
            };
            event.set();
            event.clear();
            let released = waiter.join().unwrap();
            assert!(!event.is_set());
            released.to_string()
        },
    );
}

/// C50: a `wait_timeout` that expires breaks the barrier for every party: both parties pass,
/// or both get `BrokenBarrierError`; nobody hangs.
#[test]
fn c50_an_expired_barrier_wait_breaks_it_for_every_party_shuttle_bounded_3() {
    assert_outcomes(
        "barrier wait_timeout",
        BOUNDS,
        &["both broken", "both passed"],
        || {
            let barrier = Arc::new(Barrier::new(2).unwrap());
            let timed = {
                let barrier = barrier.clone();
                spawn("Thread-1", move || barrier.wait_timeout(LONG).is_ok())
            };
            let untimed = barrier.wait().is_ok();
            let timed = timed.join().unwrap();
            assert_eq!(timed, untimed, "a broken barrier is broken for everyone");
            assert_eq!(barrier.broken(), !timed);
            if timed { "both passed" } else { "both broken" }.to_owned()
        },
    );
}

/// C57: a `get_timeout` racing a put gets the item or times out with the item still queued:
/// never lost, never delivered twice.
#[test]
fn c57_queue_get_timeout_racing_a_put_gets_the_item_or_leaves_it_queued_shuttle_bounded_3() {
    assert_outcomes(
        "queue get_timeout vs put",
        BOUNDS,
        &["empty", "got 1"],
        || {
            let queue = Arc::new(Queue::new(0));
            let getter = {
                let queue = queue.clone();
                spawn("Thread-1", move || queue.get_timeout(LONG))
            };
            queue.put(1).unwrap();
            match getter.join().unwrap() {
                Ok(item) => {
                    assert!(queue.empty());
                    format!("got {item}")
                }
                Err(GetError::Empty) => {
                    assert_eq!(queue.get_nowait(), Ok(1), "the item is still queued");
                    "empty".to_owned()
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        },
    );
}

/// C57: a `put_timeout` on a full queue racing a get puts its item, or hands it back in
/// `Full`; the queue then holds exactly what was put.
#[test]
fn c57_queue_put_timeout_on_a_full_queue_racing_a_get_puts_or_hands_the_item_back_shuttle_bounded_3(
) {
    assert_outcomes("queue put_timeout vs get", BOUNDS, &["full", "put"], || {
        let queue = Arc::new(Queue::new(1));
        queue.put(0).unwrap();
        let putter = {
            let queue = queue.clone();
            spawn("Thread-1", move || queue.put_timeout(1, LONG))
        };
        assert_eq!(queue.get(), Ok(0));
        match putter.join().unwrap() {
            Ok(()) => {
                assert_eq!(queue.get_nowait(), Ok(1));
                "put".to_owned()
            }
            Err(PutError::Full(item)) => {
                assert_eq!(item, 1, "the item is handed back");
                assert!(queue.empty());
                "full".to_owned()
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    });
}

/// C67, C69: a `get_timeout` racing a shutdown fails with `ShutDown` if the shutdown came
/// first, or with `Empty` if it timed out first; a put and a shutdown racing it still deliver
/// the item.
#[test]
fn c67_c69_queue_get_timeout_racing_a_put_and_a_shutdown_shuttle_bounded_3() {
    assert_outcomes(
        "queue get_timeout vs put, shutdown",
        BOUNDS,
        &["empty", "got 1"],
        || {
            let queue = Arc::new(Queue::new(0));
            let getter = {
                let queue = queue.clone();
                spawn("Thread-1", move || queue.get_timeout(LONG))
            };
            queue.put(1).unwrap();
            queue.shutdown(false);
            match getter.join().unwrap() {
                Ok(item) => format!("got {item}"),
                Err(GetError::Empty) => {
                    assert_eq!(queue.get_nowait(), Ok(1), "the item is still queued");
                    "empty".to_owned()
                }
                Err(GetError::ShutDown) => panic!("a shut-down queue with an item gave none"),
            }
        },
    );
    assert_outcomes(
        "queue get_timeout vs shutdown",
        BOUNDS,
        &["empty", "shut down"],
        || {
            let queue = Arc::new(Queue::<i32>::new(0));
            let getter = {
                let queue = queue.clone();
                spawn("Thread-1", move || queue.get_timeout(LONG))
            };
            queue.shutdown(false);
            match getter.join().unwrap() {
                Ok(item) => panic!("got {item} from an empty queue"),
                Err(GetError::Empty) => "empty".to_owned(),
                Err(GetError::ShutDown) => "shut down".to_owned(),
            }
        },
    );
}

/// C71: a `put_timeout` on a full queue racing a shutdown hands its item back, in `ShutDown`
/// or in `Full`.
#[test]
fn c71_queue_put_timeout_racing_a_shutdown_hands_the_item_back_shuttle_bounded_3() {
    assert_outcomes(
        "queue put_timeout vs shutdown",
        BOUNDS,
        &["full", "shut down"],
        || {
            let queue = Arc::new(Queue::new(1));
            queue.put(0).unwrap();
            let putter = {
                let queue = queue.clone();
                spawn("Thread-1", move || queue.put_timeout(1, LONG))
            };
            queue.shutdown(false);
            let outcome = match putter.join().unwrap() {
                Ok(()) => panic!("put into a full queue"),
                Err(PutError::Full(1)) => "full",
                Err(PutError::ShutDown(1)) => "shut down",
                Err(other) => panic!("the item was not handed back: {other:?}"),
            };
            assert_eq!(queue.qsize(), 1);
            outcome.to_owned()
        },
    );
}

/// A thread blocked in `get_timeout` on a queue nobody feeds, joined: only the timeout ends
/// it, and it does. Not a deadlock.
#[test]
fn joining_a_thread_blocked_in_get_timeout_on_an_empty_queue_ends_by_its_timeout_shuttle_bounded_3()
{
    assert_outcomes("get_timeout nobody feeds", BOUNDS, &["empty"], || {
        let queue = Arc::new(Queue::<i32>::new(0));
        let getter = {
            let queue = queue.clone();
            spawn("Thread-1", move || queue.get_timeout(LONG))
        };
        match getter.join().unwrap() {
            Err(GetError::Empty) => "empty".to_owned(),
            other => panic!("unexpected {other:?}"),
        }
    });
}

/// The timers are the facade's, not the explorer's: a plain `loom::model` of a program using
/// the primitives explores both outcomes of a timed acquire too, and a program only a timeout
/// can unstick passes.
#[cfg(loom)]
#[test]
fn a_plain_loom_model_explores_both_outcomes_and_passes_a_program_only_a_timeout_unsticks() {
    let seen = Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
    let record = Arc::clone(&seen);
    loom::model(move || {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let waiter = {
            let lock = lock.clone();
            loom::thread::spawn(move || lock.acquire_timeout(LONG))
        };
        lock.release().unwrap();
        let got = waiter.join().unwrap();
        record.lock().unwrap().insert(acquired(got));
    });
    let seen: Vec<String> = seen.lock().unwrap().iter().cloned().collect();
    assert_eq!(seen, ["acquired", "timed out"]);
    loom::model(|| {
        let queue = Arc::new(Queue::<i32>::new(0));
        let getter = {
            let queue = queue.clone();
            loom::thread::spawn(move || queue.get_timeout(LONG))
        };
        assert_eq!(getter.join().unwrap(), Err(GetError::Empty));
    });
}

/// Under shuttle's own `check_dfs`, without a bound, a program only a timeout can unstick
/// passes. (Both outcomes of a timed wait are asserted above, with a bounded search: shuttle's
/// unbounded search of even a two-thread race does not finish in a minute, and a random sample
/// of it seldom reaches the timeout.)
#[cfg(shuttle)]
#[test]
fn a_plain_shuttle_search_passes_a_program_only_a_timeout_unsticks() {
    shuttle::check_dfs(
        || {
            let queue = Arc::new(Queue::<i32>::new(0));
            let getter = {
                let queue = queue.clone();
                shuttle::thread::spawn(move || queue.get_timeout(LONG))
            };
            assert_eq!(getter.join().unwrap(), Err(GetError::Empty));
        },
        None,
    );
}
