//! A deadlock is reported when its cycle closes, whatever the other threads are doing, if
//! nothing can break the cycle: each thread in it waits, with no timeout, for a lock only its
//! holder can release (an `RLock`, a `Mutex`, a `Condition`'s lock) or for a thread to finish.
//! A cycle that a running thread may yet break (CPython lets any thread release a `Lock`), or
//! that a timeout may end, is not a deadlock while any thread can run. A watcher that spins,
//! yielding, until the others finish is scheduled fairly: its program has finitely many
//! executions under either checker.

use std::time::Duration;

use threadproof::check::{Check, Checker, Report, Verdict};
use threadproof::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use threadproof::sync::{thread, Arc};
use threadproof::{Barrier, Event, Lock, Mutex, RLock};

use crate::common::{report as show, spawn};

/// Spawns `watcher`, which spins, yielding, until `stop` is set.
fn watcher(stop: &Arc<AtomicBool>) -> thread::JoinHandle<()> {
    let stop = Arc::clone(stop);
    spawn("watcher", move || {
        while !stop.load(Ordering::SeqCst) {
            thread::yield_now();
        }
    })
}

/// What the deadlock's sentence says of the watcher, spawned first: under shuttle, whose
/// counterexample is the shortest, that it had not started yet; under loom, whose first
/// counterexample is shown, that it was still running.
fn watcher_doing() -> &'static str {
    if Checker::CURRENT == Checker::Shuttle {
        "watcher had not started yet"
    } else {
        "watcher was still running"
    }
}

/// The deadlock's sentence, after checking that the verdict is a deadlock.
fn deadlock(report: &Report) -> String {
    show("cycle", report);
    assert_eq!(report.verdict, Verdict::Deadlocks, "{report}");
    let ending = &report
        .counterexample
        .as_ref()
        .expect("a counterexample")
        .ending;
    assert!(ending.starts_with("deadlock: "), "{ending}");
    // The cycle's threads, as a report draws them, are the ones the sentence names.
    let cycle = &report
        .counterexample
        .as_ref()
        .expect("a counterexample")
        .cycle;
    assert!(cycle.len() >= 2, "{cycle:?}");
    for thread in cycle {
        assert!(
            ending.contains(&format!("{thread} ")),
            "{thread} in {ending}"
        );
    }
    ending.clone()
}

/// Checks a program in which two threads take two locks made by `$new` in opposite orders,
/// each its first before either takes its second (a barrier between), while a watcher spins
/// until the main thread, which joins them, tells it to stop.
macro_rules! crossing_with_a_watcher {
    ($new:expr) => {
        Check::new().run(|| {
            let locks = Arc::new(($new, $new, Barrier::new(2).unwrap()));
            let stop = Arc::new(AtomicBool::new(false));
            let watcher = watcher(&stop);
            let first = spawn("first", {
                let locks = Arc::clone(&locks);
                move || {
                    let _a = locks.0.lock();
                    locks.2.wait().unwrap();
                    let _b = locks.1.lock();
                }
            });
            let second = spawn("second", {
                let locks = Arc::clone(&locks);
                move || {
                    let _b = locks.1.lock();
                    locks.2.wait().unwrap();
                    let _a = locks.0.lock();
                }
            });
            first.join().unwrap();
            second.join().unwrap();
            stop.store(true, Ordering::SeqCst);
            watcher.join().unwrap();
        })
    };
}

/// Two threads take two `RLock`s in opposite orders, each its first before either takes its
/// second (a barrier between), while a watcher spins until the main thread, which joins them,
/// tells it to stop: the watcher never stops, and the cycle is a deadlock the moment it closes.
/// The sentence names the two threads in the cycle, and says what the others were doing.
#[test]
fn a_cycle_of_rlocks_is_a_deadlock_while_a_watcher_still_runs() {
    let report = crossing_with_a_watcher!(RLock::new());
    let ending = deadlock(&report);
    for named in ["first holds RLock#1", "second holds RLock#2"] {
        assert!(ending.contains(named), "{ending}");
    }
    assert!(ending.contains(watcher_doing()), "{ending}");
    assert!(!ending.contains("MainThread holds"), "{ending}");
}

/// The same with two `Mutex`es; and a third kind of edge: the main thread holds a mutex a
/// thread needs and joins that thread.
#[test]
fn cycles_of_mutexes_and_of_a_join_are_deadlocks_while_a_watcher_still_runs() {
    let report = crossing_with_a_watcher!(Mutex::new(0));
    let ending = deadlock(&report);
    assert!(
        ending.contains("first holds Mutex#1 and waits for Mutex#2"),
        "{ending}"
    );
    assert!(ending.contains(watcher_doing()), "{ending}");

    let report = Check::new().run(|| {
        let mutex = Arc::new(Mutex::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = watcher(&stop);
        let held = mutex.lock();
        let needs_it = spawn("needs_it", {
            let mutex = Arc::clone(&mutex);
            move || *mutex.lock() += 1
        });
        needs_it.join().unwrap();
        drop(held);
        stop.store(true, Ordering::SeqCst);
        watcher.join().unwrap();
    });
    let ending = deadlock(&report);
    assert!(ending.contains("MainThread holds Mutex#1"), "{ending}");
    assert!(
        ending.contains(
            "needs_it waits for Mutex#1; MainThread holds Mutex#1 and waits for needs_it"
        ),
        "{ending}"
    );
    assert!(ending.contains(watcher_doing()), "{ending}");
}

/// CPython lets any thread release a `Lock`: two threads close a cycle of `Lock`s, and a third,
/// able to run, releases one of them, which ends it. The program holds; a checker that took
/// the cycle for a deadlock when it closed would be wrong.
#[test]
fn a_cycle_of_locks_that_a_running_thread_breaks_is_no_deadlock() {
    let report = Check::new().run(|| {
        let locks = Arc::new((Lock::new(), Lock::new(), Event::new()));
        let first = spawn("first", {
            let locks = Arc::clone(&locks);
            move || {
                locks.0.acquire();
                locks.2.set();
                locks.1.acquire();
                locks.1.release().unwrap();
            }
        });
        let second = spawn("second", {
            let locks = Arc::clone(&locks);
            move || {
                locks.1.acquire();
                locks.0.acquire();
                locks.0.release().unwrap();
                locks.1.release().unwrap();
            }
        });
        let rescuer = spawn("rescuer", {
            let locks = Arc::clone(&locks);
            move || {
                locks.2.wait();
                locks.0.release().unwrap();
            }
        });
        for thread in [first, second, rescuer] {
            thread.join().unwrap();
        }
    });
    show("no cycle", &report);
    let report = report.expect(Verdict::Holds);
    assert!(report.is_proof(), "{report}");
}

/// A wait with a timeout may end without its lock's holder: two threads close a cycle of
/// `RLock`s in which one waits at most a second, and gives up. No deadlock, in any timing,
/// although (a timer being able to run) the cycle closes with a thread still able to run.
#[test]
fn a_cycle_with_a_timed_wait_in_it_is_no_deadlock() {
    let report = Check::new().run(|| {
        let locks = Arc::new((RLock::new(), RLock::new(), Barrier::new(2).unwrap()));
        let patient = spawn("patient", {
            let locks = Arc::clone(&locks);
            move || {
                let _a = locks.0.lock();
                locks.2.wait().unwrap();
                if locks.1.acquire_timeout(Duration::from_secs(1)) {
                    locks.1.release().unwrap();
                }
            }
        });
        let second = spawn("second", {
            let locks = Arc::clone(&locks);
            move || {
                let _b = locks.1.lock();
                locks.2.wait().unwrap();
                let _a = locks.0.lock();
            }
        });
        patient.join().unwrap();
        second.join().unwrap();
    });
    show("no cycle", &report);
    let report = report.expect(Verdict::Holds);
    assert!(report.is_proof(), "{report}");
}

/// A watcher spins, yielding, until two workers have each counted once: the exploration is a
/// proof, in finitely many executions, and reaches the end every time.
#[test]
fn a_watcher_spinning_until_the_others_finish_is_proved() {
    let report = Check::new().run(|| {
        let count = Arc::new(AtomicUsize::new(0));
        let lock = Arc::new(Lock::new());
        let workers: Vec<_> = ["one", "two"]
            .into_iter()
            .map(|name| {
                let (count, lock) = (Arc::clone(&count), Arc::clone(&lock));
                spawn(name, move || {
                    let _held = lock.lock();
                    count.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        while count.load(Ordering::SeqCst) < 2 {
            thread::yield_now();
        }
        for worker in workers {
            worker.join().unwrap();
        }
    });
    show("no cycle", &report);
    let report = report.expect(Verdict::Holds);
    assert!(report.is_proof(), "{report}");
    assert!(report.executions > 1, "{report}");
}
