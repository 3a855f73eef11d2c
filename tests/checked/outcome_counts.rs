//! The report's counts: how many executions had a wait time out, and the report's lines about
//! it and its outcome table; and an execution that stopped (a deadlock, a panic after the
//! program returned) counted once, by how it stopped, with no outcome left at zero executions.

use std::collections::BTreeMap;
use std::time::Duration;

use threadproof::check::{Check, Checker, Search, Verdict};
use threadproof::sync::{thread, Arc};
use threadproof::{Event, Lock};

/// An `Event::wait_timeout` racing a `set` by another thread: under any timing the wait is
/// woken in some executions and times out in others.
fn wait_racing_a_set() -> &'static str {
    let event = Arc::new(Event::new());
    let setter = {
        let event = event.clone();
        thread::spawn(move || event.set())
    };
    let woken = event.wait_timeout(Duration::from_secs(60));
    setter.join().unwrap();
    if woken {
        "set"
    } else {
        "timed out"
    }
}

/// Every interleaving under loom; under shuttle, whose search has no partial-order reduction
/// and where a timed wait's timer is one more thread, every one with at most three preemptions.
fn check() -> Check {
    let preemption_bound = (Checker::CURRENT == Checker::Shuttle).then_some(3);
    Check::with_search(Search::Exhaustive { preemption_bound }).inside_primitives()
}

/// `Report::timed_out_executions` counts the executions in which a wait timed out, each once:
/// here exactly those whose outcome is `timed out`; and a report says so only when some did.
#[test]
fn the_executions_with_a_timed_out_wait_are_counted_and_only_they() {
    let report = check()
        .all_outcomes()
        .run_claim(wait_racing_a_set, |_| true)
        .expect(Verdict::Holds);
    let timed_out = report.outcomes.get("timed out").copied().unwrap_or(0);
    assert!(
        timed_out > 0 && report.outcomes.get("set").is_some_and(|n| *n > 0),
        "both ways:\n{report}"
    );
    assert_eq!(report.timed_out_executions, timed_out, "{report}");
    let shown = report.to_string();
    assert!(
        shown.contains(&format!(
            "a wait timed out in {timed_out} of the executions"
        )),
        "{shown}"
    );
    // The report shows its outcome table: the heading, and a row for each outcome.
    let mut table = String::new();
    report.write_outcomes(&mut table).unwrap();
    assert!(
        table.starts_with("outcomes (executions reaching each):\n")
            && table.lines().count() == 3
            && shown.contains(&table),
        "{shown}"
    );

    // No timed wait, no timeout, and no line about one.
    let report = check()
        .run(|| {
            let event = Arc::new(Event::new());
            let setter = {
                let event = event.clone();
                thread::spawn(move || event.set())
            };
            event.wait();
            setter.join().unwrap();
        })
        .expect(Verdict::Holds);
    assert_eq!(report.timed_out_executions, 0, "{report}");
    assert!(!report.to_string().contains("timed out"), "{report}");
}

/// The sum of the outcome table is the number of executions, and no outcome in it was reached
/// by no execution.
fn assert_counted_once(report: &threadproof::check::Report) {
    assert_eq!(
        report.outcomes.values().sum::<usize>(),
        report.executions,
        "{report}"
    );
    assert!(report.outcomes.values().all(|n| *n > 0), "{report}");
}

/// The execution that deadlocks is in the outcome table once, as `deadlocks`; every execution
/// before it, which finished, as `finished`.
#[test]
fn a_deadlocked_execution_is_counted_once_as_deadlocks() {
    let report = Check::new()
        .inside_primitives()
        .run(|| {
            let lock_a = Arc::new(Lock::new());
            let lock_b = Arc::new(Lock::new());
            let other = {
                let (a, b) = (lock_a.clone(), lock_b.clone());
                thread::spawn(move || {
                    let _b = b.lock();
                    let _a = a.lock();
                })
            };
            {
                let _a = lock_a.lock();
                let _b = lock_b.lock();
            }
            other.join().unwrap();
        })
        .expect(Verdict::Deadlocks);
    assert_eq!(report.outcomes.get("deadlocks"), Some(&1), "{report}");
    assert_counted_once(&report);
}

/// A thread nobody joins, let go by the program's last step, panics after the program has
/// returned: the execution returned `finished` first, and is counted only as `panicked`.
#[test]
fn a_panic_after_the_program_returned_leaves_no_outcome_at_zero() {
    let report = Check::new().inside_primitives().all_outcomes().run(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let locked = lock.clone();
        thread::spawn(move || {
            drop(locked.lock());
            panic!("the worker failed");
        });
        lock.release().unwrap();
    });
    assert_eq!(report.verdict, Verdict::Violated, "{report}");
    assert_counted_once(&report);
    let expected: BTreeMap<String, usize> = [("panicked".to_owned(), report.executions)].into();
    assert_eq!(report.outcomes, expected, "{report}");
}
