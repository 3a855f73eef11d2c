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

use crate::common::{assert_outcomes, spawn};

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

/// Virtual timing: every sleep and timed wait takes exactly its duration on a clock of the
/// execution's own, which moves only when no thread can run. These models are searched
/// without a bound under both checkers: the clock leaves few orders to explore.
mod virtual_timing {
    use std::sync::Arc;
    use std::time::Duration;

    use threadproof::queue::{GetError, Queue};
    use threadproof::sync::{random, thread, time};
    use threadproof::{Condition, Event};

    use crate::common::{assert_outcomes, assert_virtual_outcomes, spawn};

    const NO_BOUND: (Option<usize>, Option<usize>) = (None, None);

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// `name@seconds`, as a log line with the clock's time.
    fn stamp(name: &str) -> String {
        format!("{name}@{}", time::now().as_secs_f64())
    }

    /// Two threads sleeping 2 s and 1 s, each logging when it wakes.
    fn two_sleepers() -> String {
        let log = Arc::new(Condition::new(Vec::new()));
        let threads: Vec<_> = [("A", 2), ("B", 1)]
            .into_iter()
            .map(|(name, seconds)| {
                let log = log.clone();
                spawn(name, move || {
                    thread::sleep(secs(seconds));
                    log.lock().push(stamp(name));
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let log = log.lock().join(" ");
        format!("{log}, joined@{}", time::now().as_secs_f64())
    }

    /// The shorter sleep wakes first, at its own duration, and the joins return at the
    /// longer one; under any timing either may log first, and the clock stays at zero.
    #[test]
    fn sleeps_end_after_their_duration_in_order() {
        assert_virtual_outcomes(
            "virtual: two sleepers",
            NO_BOUND,
            &["B@1 A@2, joined@2"],
            two_sleepers,
        );
        assert_outcomes(
            "any timing: two sleepers",
            NO_BOUND,
            &["A@0 B@0, joined@0", "B@0 A@0, joined@0"],
            two_sleepers,
        );
    }

    /// Threads due at the same instant run in every order.
    #[test]
    fn threads_due_at_one_instant_run_in_every_order() {
        assert_virtual_outcomes(
            "virtual: two sleepers due together",
            NO_BOUND,
            &["A@1 B@1", "B@1 A@1"],
            || {
                let log = Arc::new(Condition::new(Vec::new()));
                let threads: Vec<_> = ["A", "B"]
                    .into_iter()
                    .map(|name| {
                        let log = log.clone();
                        spawn(name, move || {
                            thread::sleep(secs(1));
                            log.lock().push(stamp(name));
                        })
                    })
                    .collect();
                for thread in threads {
                    thread.join().unwrap();
                }
                let log = log.lock().join(" ");
                log
            },
        );
    }

    /// `wait_timeout(3 s)` against a setter that sleeps first: set at 1 s, it is woken at 1 s;
    /// set at 5 s, it times out at 3 s (and the setter still sets at 5 s); set at exactly 3 s,
    /// both happen, in different executions.
    #[test]
    fn a_timed_wait_is_woken_or_times_out_at_its_duration() {
        for (set_at, expected) in [
            (1, &["woken@1, set@1"][..]),
            (5, &["timed out@3, set@5"][..]),
            (3, &["timed out@3, set@3", "woken@3, set@3"][..]),
        ] {
            assert_virtual_outcomes(
                &format!("virtual: wait_timeout(3) against a set at {set_at}"),
                NO_BOUND,
                expected,
                move || {
                    let event = Arc::new(Event::new());
                    let setter = {
                        let event = event.clone();
                        spawn("setter", move || {
                            thread::sleep(secs(set_at));
                            event.set();
                            stamp("set")
                        })
                    };
                    let woken = event.wait_timeout(secs(3));
                    let waited = stamp(if woken { "woken" } else { "timed out" });
                    format!("{waited}, {}", setter.join().unwrap())
                },
            );
        }
    }

    /// A wait that only a timeout ends is no deadlock: it ends at the timeout. The same wait
    /// without a timeout deadlocks, because no pending wake-up is left to move the clock.
    #[test]
    fn only_a_timeout_ends_the_wait_and_without_one_it_deadlocks() {
        assert_virtual_outcomes(
            "virtual: get_timeout on an empty queue",
            NO_BOUND,
            &["Empty@2"],
            || {
                let queue = Arc::new(Queue::<u32>::new(0));
                let getter = {
                    let queue = queue.clone();
                    spawn("getter", move || queue.get_timeout(secs(2)))
                };
                assert_eq!(getter.join().unwrap(), Err(GetError::Empty));
                stamp("Empty")
            },
        );
        let run = crate::common::check(None, None)
            .timing(threadproof::check::Timing::Virtual)
            .run(|| {
                let queue = Arc::new(Queue::<u32>::new(0));
                let getter = {
                    let queue = queue.clone();
                    spawn("getter", move || queue.get())
                };
                thread::sleep(secs(1));
                let _ = getter.join();
            });
        run.expect(threadproof::check::Verdict::Hangs);
    }

    /// A timed wait woken early is woken when it is woken: the getter gets the item at 1 s
    /// and its own sleep after it ends at 2 s, not at the get's 10 s timeout.
    #[test]
    fn a_timed_wait_woken_early_takes_no_longer() {
        assert_virtual_outcomes(
            "virtual: get_timeout woken early",
            NO_BOUND,
            &["got 7@1, slept@2"],
            || {
                let queue = Arc::new(Queue::<u32>::new(0));
                let putter = {
                    let queue = queue.clone();
                    spawn("putter", move || {
                        thread::sleep(secs(1));
                        queue.put(7).unwrap();
                    })
                };
                let got = queue.get_timeout(secs(10)).unwrap();
                let got = stamp(&format!("got {got}"));
                thread::sleep(secs(1));
                putter.join().unwrap();
                format!("{got}, {}", stamp("slept"))
            },
        );
    }

    /// After a virtual exploration, a program checked outside an explorer runs under any
    /// timing again: its sleep takes no time and its clock reads zero.
    #[test]
    fn a_virtual_exploration_leaves_any_timing_behind() {
        assert_virtual_outcomes("virtual: one sleeper", NO_BOUND, &["1"], || {
            thread::sleep(secs(1));
            time::now().as_secs().to_string()
        });
        let plain = || {
            let sleeper = spawn("sleeper", || thread::sleep(secs(5)));
            sleeper.join().unwrap();
            assert_eq!(
                time::now(),
                Duration::ZERO,
                "no time passes under any timing"
            );
        };
        #[cfg(loom)]
        loom::model(plain);
        #[cfg(shuttle)]
        shuttle::check_dfs(plain, None);
    }

    /// `randrange` is an explored choice: two threads sleeping `randrange(2)` seconds reach
    /// all four combinations, under either timing.
    #[test]
    fn random_sleeps_are_explored_choices() {
        let program = || {
            let log = Arc::new(Condition::new(Vec::new()));
            let threads: Vec<_> = ["A", "B"]
                .into_iter()
                .map(|name| {
                    let log = log.clone();
                    spawn(name, move || {
                        let seconds = random::randrange(2).unwrap();
                        thread::sleep(secs(seconds));
                        log.lock().push(format!("{name} slept {seconds}"));
                    })
                })
                .collect();
            for thread in threads {
                thread.join().unwrap();
            }
            let mut log = log.lock().clone();
            log.sort();
            format!("{}, over@{}", log.join(" "), time::now().as_secs_f64())
        };
        assert_virtual_outcomes(
            "virtual: random sleeps",
            NO_BOUND,
            &[
                "A slept 0 B slept 0, over@0",
                "A slept 0 B slept 1, over@1",
                "A slept 1 B slept 0, over@1",
                "A slept 1 B slept 1, over@1",
            ],
            program,
        );
        assert_outcomes(
            "any timing: random sleeps",
            NO_BOUND,
            &[
                "A slept 0 B slept 0, over@0",
                "A slept 0 B slept 1, over@0",
                "A slept 1 B slept 0, over@0",
                "A slept 1 B slept 1, over@0",
            ],
            program,
        );
        assert_eq!(random::randrange(0), None, "an empty range has no value");
    }
}
