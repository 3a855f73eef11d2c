//! The checker's own verdicts at its limits: a limit of loom's, of shuttle's or of the check
//! is never the program's verdict, only [`Verdict::Inconclusive`] with the limit said; the
//! exploration stops at the first counterexample unless asked for every outcome; and an
//! execution is counted once in the outcome table however it ends.

use std::time::Duration;

use threadproof::check::{Check, Checker, Limit, Verdict};
use threadproof::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use threadproof::sync::{thread, Arc};
use threadproof::Lock;

/// The main thread spawns five threads that do nothing: correct, and six threads in all.
fn six_threads() {
    let threads: Vec<_> = (0..5).map(|_| thread::spawn(|| {})).collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn more_threads_than_loom_runs_is_undecided_under_loom_and_holds_under_shuttle() {
    let report = Check::new().inside_primitives().run(six_threads);
    match Checker::CURRENT {
        Checker::Loom => {
            assert_eq!(report.verdict, Verdict::Inconclusive, "{report}");
            assert_eq!(
                report.limit,
                Some(Limit::LoomThreads { max: 5 }),
                "{report}"
            );
            assert!(report.counterexample.is_none(), "{report}");
            let shown = report.to_string();
            assert!(
                shown.contains("undecided: an execution started more threads than loom runs (5")
                    && shown.contains("check it under shuttle"),
                "{shown}"
            );
            assert!(!report.is_proof());
        }
        _ => {
            report.expect(Verdict::Holds);
        }
    }
}

/// One thread takes and releases a lock 250 times: correct, and longer than loom's 1,000
/// branches an execution.
fn long_loop() {
    let lock = Lock::new();
    for _ in 0..250 {
        drop(lock.lock());
    }
}

#[test]
fn a_longer_execution_than_loom_allows_is_undecided_until_the_limit_is_raised() {
    let report = Check::new().inside_primitives().run(long_loop);
    if Checker::CURRENT == Checker::Loom {
        assert_eq!(report.verdict, Verdict::Inconclusive, "{report}");
        assert_eq!(
            report.limit,
            Some(Limit::LoomBranches { max: 1_000 }),
            "{report}"
        );
        assert!(
            report
                .to_string()
                .contains("`Check::max_steps` (say to 10000)"),
            "{report}"
        );
    } else {
        report.expect(Verdict::Holds);
    }
    Check::new()
        .inside_primitives()
        .max_steps(100_000)
        .run(long_loop)
        .expect(Verdict::Holds);
}

/// A thread spins, yielding, on a flag nobody sets: an execution that never ends is
/// undecided under either checker, at its step limit.
#[test]
fn a_thread_spinning_forever_is_undecided_at_the_step_limit() {
    let report = Check::new().inside_primitives().max_steps(500).run(|| {
        let flag = AtomicBool::new(false);
        while !flag.load(Ordering::SeqCst) {
            thread::yield_now();
        }
    });
    assert_eq!(report.verdict, Verdict::Inconclusive, "{report}");
    let expected = match Checker::CURRENT {
        Checker::Loom => Limit::LoomBranches { max: 500 },
        _ => Limit::ShuttleSteps { max: 500 },
    };
    assert_eq!(report.limit, Some(expected), "{report}");
    let failure = std::panic::catch_unwind(|| report.expect(Verdict::Holds)).unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("expected the verdict `holds`") && message.contains("undecided: "),
        "{message}"
    );
}

/// Two threads add to a count without a lock: many executions.
pub(crate) fn unlocked_count() -> usize {
    let count = Arc::new(AtomicUsize::new(0));
    let other = {
        let count = count.clone();
        thread::spawn(move || {
            let read = count.load(Ordering::SeqCst);
            count.store(read + 1, Ordering::SeqCst);
        })
    };
    let read = count.load(Ordering::SeqCst);
    count.store(read + 1, Ordering::SeqCst);
    other.join().unwrap();
    count.load(Ordering::SeqCst)
}

#[test]
fn a_spent_budget_of_executions_or_time_is_undecided_not_a_verdict() {
    let report = Check::new()
        .inside_primitives()
        .max_executions(2)
        .run_claim(unlocked_count, |count| *count >= 1);
    assert_eq!(report.verdict, Verdict::Inconclusive, "{report}");
    assert_eq!(report.limit, Some(Limit::Executions { max: 2 }));
    assert_eq!(report.executions, 2, "{report}");
    assert_eq!(report.outcomes.values().sum::<usize>(), 2, "{report}");

    let report = Check::new()
        .inside_primitives()
        .max_time(Duration::ZERO)
        .run_claim(unlocked_count, |count| *count >= 1);
    assert_eq!(report.verdict, Verdict::Inconclusive, "{report}");
    assert_eq!(
        report.limit,
        Some(Limit::Time {
            max: Duration::ZERO
        })
    );
    assert_eq!(report.executions, 0, "{report}");

    // A counterexample found within the budget stands.
    let report = Check::new()
        .inside_primitives()
        .max_executions(1_000_000)
        .run_claim(unlocked_count, |count| *count == 2);
    assert_eq!(report.verdict, Verdict::Violated, "{report}");
    assert_eq!(report.limit, None);
}

#[test]
fn the_exploration_stops_at_the_first_counterexample_unless_asked_for_every_outcome() {
    let first = Check::new()
        .inside_primitives()
        .run_claim(unlocked_count, |count| *count == 2);
    let all = Check::new()
        .inside_primitives()
        .all_outcomes()
        .run_claim(unlocked_count, |count| *count == 2);
    assert_eq!(first.verdict, Verdict::Violated, "{first}");
    assert_eq!(all.verdict, Verdict::Violated, "{all}");
    assert!(first.stopped_at_first && !all.stopped_at_first);
    assert!(
        first.to_string().contains(&format!(
            "stopped at the first counterexample, after {} executions",
            first.executions
        )),
        "{first}"
    );
    assert!(first.executions < all.executions, "{first}\n{all}");
    // It stopped at its counterexample: the last execution it ran.
    let counterexample = first.counterexample.as_ref().unwrap();
    assert_eq!(counterexample.execution, first.executions, "{first}");
    // One thread read 0 and wrote 1 over the other's 1 (which one depends on the checker).
    assert!(
        counterexample
            .ending
            .starts_with("1: the claim is false, after a lost update: "),
        "{first}"
    );
    assert!(
        counterexample
            .ending
            .contains(" read AtomicUsize#1 = 0 (step "),
        "{first}"
    );
    assert!(
        counterexample
            .ending
            .ends_with("then wrote 1 over it (step 4)"),
        "{first}"
    );
    assert_eq!(
        first.outcomes.values().sum::<usize>(),
        first.executions,
        "{first}"
    );
    assert!(
        all.outcomes.contains_key("1") && all.outcomes.contains_key("2"),
        "{all}"
    );
    assert_eq!(
        first.counterexample, all.counterexample,
        "the same first counterexample"
    );
}

/// A thread nobody joins panics after the program has returned: the execution is the
/// program's violation, counted once.
#[test]
fn a_panic_in_a_thread_nobody_joins_is_a_violation_counted_once() {
    let report = Check::new().inside_primitives().all_outcomes().run(|| {
        let lock = Arc::new(Lock::new());
        let locked = lock.clone();
        thread::spawn(move || {
            drop(locked.lock());
            panic!("the worker failed");
        });
        drop(lock.lock());
    });
    assert_eq!(report.verdict, Verdict::Violated, "{report}");
    let ending = &report.counterexample.as_ref().unwrap().ending;
    assert!(
        ending.starts_with("panicked at tests/checked/verdicts.rs:")
            && ending.ends_with(": the worker failed"),
        "{report}"
    );
    assert_eq!(
        report.outcomes.values().sum::<usize>(),
        report.executions,
        "{report}"
    );
    assert_eq!(report.outcomes.get("panicked"), Some(&1), "{report}");
}

/// Store buffering: each thread stores to its own atomic, then loads the other's. Under
/// sequential consistency, which `SeqCst` promises, one load sees the other thread's store.
fn store_buffering(order: Ordering) -> (usize, usize) {
    let (x, y) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    threadproof::trace::label(&*x, "x");
    threadproof::trace::label(&*y, "y");
    let other = {
        let (x, y) = (x.clone(), y.clone());
        thread::spawn(move || {
            y.store(1, order);
            x.load(order)
        })
    };
    x.store(1, order);
    let r1 = y.load(order);
    let r2 = other.join().unwrap();
    (r1, r2)
}

/// loom models `SeqCst` as acquire-release, so its search reaches the execution in which both
/// loads see 0, which `SeqCst` rules out: that execution is no counterexample, and the verdict
/// says why it is undecided, where shuttle proves the claim. With `Relaxed`, the same execution
/// is one the program allows, and loom refutes the claim with it.
#[test]
fn a_seq_cst_program_is_not_refuted_by_a_read_sequential_consistency_forbids() {
    let both_zero = |(r1, r2): &(usize, usize)| !(*r1 == 0 && *r2 == 0);
    let report = Check::new()
        .inside_primitives()
        .run_claim(|| store_buffering(Ordering::SeqCst), both_zero);
    println!("{report}");
    match Checker::CURRENT {
        Checker::Loom => {
            assert_eq!(report.verdict, Verdict::Inconclusive, "{report}");
            assert_eq!(report.limit, Some(Limit::LoomSeqCst), "{report}");
            let counterexample = report.counterexample.as_ref().expect("the loom execution");
            assert!(
                counterexample
                    .steps
                    .iter()
                    .any(|step| step.value.contains("(an older value: 1 was written last)")),
                "{report}"
            );
            assert!(
                report.to_string().contains("check it under shuttle"),
                "{report}"
            );
        }
        _ => {
            report.expect(Verdict::Holds);
        }
    }
    let relaxed = Check::new()
        .inside_primitives()
        .run_claim(|| store_buffering(Ordering::Relaxed), both_zero);
    if Checker::CURRENT == Checker::Loom {
        assert_eq!(relaxed.verdict, Verdict::Violated, "{relaxed}");
        assert_eq!(
            relaxed.counterexample.as_ref().unwrap().ending,
            "(0, 0): the claim is false",
            "{relaxed}"
        );
        // Only an older value refutes it, and the table says which read saw one, and why.
        assert!(
            relaxed
                .counterexample
                .as_ref()
                .unwrap()
                .steps
                .iter()
                .any(|step| step.value.ends_with(
                    "(an older value: 1 was written last, which a load weaker than SeqCst \
                     may read)"
                )),
            "{relaxed}"
        );
    } else {
        relaxed.expect(Verdict::Holds);
    }
}

/// Two threads add one each to a count with a `Relaxed` load and store. Under loom an update
/// is lost both when a load reads an older value and when the threads interleave, each read
/// seeing the latest write: the counterexample shown is one of the second kind, which a reader
/// can follow step by step.
#[test]
fn the_counterexample_shown_reads_the_latest_write_when_one_refutes_the_claim() {
    let relaxed_count = || {
        let count = Arc::new(AtomicUsize::new(0));
        threadproof::trace::label(&*count, "count");
        let other = {
            let count = count.clone();
            thread::spawn(move || {
                let read = count.load(Ordering::Relaxed);
                count.store(read + 1, Ordering::Relaxed);
            })
        };
        let read = count.load(Ordering::Relaxed);
        count.store(read + 1, Ordering::Relaxed);
        other.join().unwrap();
        count.load(Ordering::Relaxed)
    };
    let report = Check::new()
        .inside_primitives()
        .run_claim(relaxed_count, |count| *count == 2)
        .expect(Verdict::Violated);
    let counterexample = report.counterexample.as_ref().unwrap();
    assert!(
        counterexample
            .steps
            .iter()
            .all(|step| !step.value.contains("an older value")),
        "{report}"
    );
    assert!(
        counterexample.ending.contains("after a lost update"),
        "{report}"
    );
}
