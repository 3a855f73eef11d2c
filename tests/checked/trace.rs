//! What a counterexample's table shows without any call from the program: the operations on
//! the facade's atomics, by the atomic's label or its kind and number.

use threadproof::check::{Check, Checker, Search, Verdict};
use threadproof::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use threadproof::sync::{thread, Arc};
use threadproof::trace;

#[test]
fn every_operation_on_an_atomic_is_a_step_of_the_trace() {
    let report = Check::new()
        .inside_primitives()
        .run_claim(
            || {
                let x = AtomicI32::new(3);
                trace::label(&x, "x");
                let flag = AtomicBool::new(false);
                x.load(Ordering::SeqCst);
                x.store(-2, Ordering::SeqCst);
                x.fetch_add(5, Ordering::SeqCst);
                let _ = x.compare_exchange(3, 4, Ordering::SeqCst, Ordering::SeqCst);
                let _ = x.compare_exchange(3, 9, Ordering::SeqCst, Ordering::SeqCst);
                flag.swap(true, Ordering::SeqCst);
                flag.fetch_xor(true, Ordering::SeqCst);
                format!("{x:?} {flag:?}") // showing a value is no step
            },
            |_| false,
        )
        .expect(Verdict::Violated);
    let counterexample = report.counterexample.expect("a refuted claim");
    let rows: Vec<(&str, &str)> = counterexample
        .steps
        .iter()
        .map(|step| (step.action.as_str(), step.value.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("read x", "3"),
            ("write x", "-2"),
            ("x.fetch_add(5)", "-2"),
            ("x.compare_exchange(3, 4)", "Ok(3)"),
            ("x.compare_exchange(3, 9)", "Err(4)"),
            ("AtomicBool#1.swap(true)", "false"),
            ("AtomicBool#1.fetch_xor(true)", "true"),
        ]
    );
    assert_eq!(counterexample.ending, "4 false: the claim is false");
    assert!(counterexample
        .steps
        .iter()
        .all(|s| s.thread == "MainThread"));
}

/// Under shuttle, the first step a thread takes after a switch away from a thread that could
/// have gone on (a preemption) names the thread it preempted. No execution of the unlocked
/// count without a preemption loses an update; with at most one, every counterexample does so
/// through exactly one: one step is marked, by the other thread than the one it names, and the
/// preempted thread still has steps after it. Under loom nothing is marked (loom does not say
/// which of its switches preempt).
#[test]
fn a_preemption_is_marked_on_the_first_step_after_it() {
    let bounded = |bound| {
        Check::with_search(Search::Exhaustive {
            preemption_bound: Some(bound),
        })
        .inside_primitives()
        .run_claim(crate::verdicts::unlocked_count, |count| *count == 2)
    };
    if Checker::CURRENT == Checker::Loom {
        let report = bounded(1);
        let counterexample = report.counterexample.expect("a lost update");
        assert!(counterexample.steps.iter().all(|s| s.preempts.is_none()));
        return;
    }
    bounded(0).expect(Verdict::Holds);
    let report = bounded(1);
    let counterexample = report.counterexample.as_ref().expect("a lost update");
    let marked: Vec<_> = counterexample
        .steps
        .iter()
        .filter(|s| s.preempts.is_some())
        .collect();
    assert_eq!(marked.len(), 1, "{report}");
    let (step, preempted) = (marked[0], marked[0].preempts.as_deref().unwrap());
    assert_ne!(step.thread, preempted, "{report}");
    assert!(
        counterexample
            .steps
            .iter()
            .any(|s| s.step > step.step && s.thread == preempted),
        "{report}"
    );
    assert!(
        report
            .to_string()
            .contains(&format!("(preempts {preempted})")),
        "{report}"
    );
}

/// Under shuttle, the counterexample a report shows has the fewest preemptions any refuting
/// execution has: PCT's first counterexample of the three-thread count preempts threads several
/// times, and the report shows instead the first one of the search with at most one preemption
/// (none loses an update with no preemption), with that bound named, and one marked step. Under
/// loom, which does not say which switches preempt, the counterexample is loom's own.
#[test]
fn the_counterexample_shown_has_the_fewest_preemptions() {
    let sampled = Check::with_search(Search::Pct {
        seed: 7,
        iterations: 100,
        depth: 3,
    })
    .inside_primitives();
    let report = sampled.run_claim(|| many_unlocked(3), |count| *count == 0);
    if Checker::CURRENT == Checker::Loom {
        // loom refuses PCT, and nothing is re-searched under loom.
        assert_eq!(report.verdict, Verdict::Error, "{report}");
        assert!(report.counterexample.is_none(), "{report}");
        return;
    }
    let counterexample = report.counterexample.as_ref().expect("a lost update");
    assert_eq!(counterexample.fewest_preemptions, Some(1), "{report}");
    let marked = counterexample
        .steps
        .iter()
        .filter(|s| s.preempts.is_some())
        .count();
    assert_eq!(marked, 1, "{report}");
    assert!(
        report.to_string().contains(
            "of the search with at most 1 preemption, the fewest any refuting execution has; \
             the shortest of those):"
        ),
        "{report}"
    );
    Check::with_search(Search::Exhaustive {
        preemption_bound: Some(0),
    })
    .inside_primitives()
    .run_claim(|| many_unlocked(3), |count| *count == 0)
    .expect(Verdict::Holds);
}

/// `threads` threads (the main thread among them) each take one from `count` with a separate
/// read and write, and no lock.
fn many_unlocked(threads: usize) -> usize {
    let count = Arc::new(AtomicUsize::new(threads));
    trace::label(&*count, "count");
    let others: Vec<_> = (1..threads)
        .map(|_| {
            let count = count.clone();
            thread::spawn(move || {
                let read = count.load(Ordering::SeqCst);
                count.store(read - 1, Ordering::SeqCst);
            })
        })
        .collect();
    let read = count.load(Ordering::SeqCst);
    count.store(read - 1, Ordering::SeqCst);
    for other in others {
        other.join().unwrap();
    }
    count.load(Ordering::SeqCst)
}

/// When the search with fewer preemptions runs out of its budget before it ends, the next
/// bound is searched all the same, and the counterexample says that fewer were not ruled out:
/// with seven threads, the 5,040 orders in which they can run one after the other are more than
/// the budget of 1,000 executions, and one preemption loses an update.
#[test]
fn a_search_with_fewer_preemptions_that_runs_out_is_named() {
    let sampled = Check::with_search(Search::Pct {
        seed: 7,
        iterations: 100,
        depth: 3,
    })
    .inside_primitives();
    let report = sampled.run_claim(|| many_unlocked(7), |count| *count == 0);
    if Checker::CURRENT == Checker::Loom {
        assert_eq!(report.verdict, Verdict::Error, "{report}");
        return;
    }
    let counterexample = report.counterexample.as_ref().expect("a lost update");
    assert_eq!(counterexample.fewest_preemptions, Some(1), "{report}");
    assert_eq!(counterexample.fewer_not_ruled_out, Some(1_000), "{report}");
    let marked = counterexample
        .steps
        .iter()
        .filter(|s| s.preempts.is_some())
        .count();
    assert_eq!(marked, 1, "{report}");
    assert!(
        report.to_string().contains(
            "of the search with at most 1 preemption; a search with fewer ran out of its \
             budget of 1000 executions before it found one):"
        ),
        "{report}"
    );
}

/// Two threads take two `RLock`s in opposite orders while a third writes to an atomic of its
/// own six times: a deadlock needs none of the third thread's steps.
fn crossing_rlocks_beside_a_busy_thread() {
    let locks = Arc::new((threadproof::RLock::new(), threadproof::RLock::new()));
    trace::label(&locks.0, "a");
    trace::label(&locks.1, "b");
    let noise = Arc::new(AtomicUsize::new(0));
    trace::label(&*noise, "noise");
    let crossing = |reversed: bool| {
        let locks = locks.clone();
        thread::spawn(move || {
            let (first, second) = if reversed {
                (&locks.1, &locks.0)
            } else {
                (&locks.0, &locks.1)
            };
            let _first = first.lock();
            let _second = second.lock();
        })
    };
    let one = crossing(false);
    let other = crossing(true);
    let busy = thread::spawn(move || {
        for i in 0..6 {
            noise.store(i, Ordering::SeqCst);
        }
    });
    for thread in [one, other, busy] {
        thread.join().unwrap();
    }
}

/// Under shuttle, of the counterexamples with the fewest preemptions the report shows one of
/// the fewest scheduling decisions: PCT's deadlock of two crossing `RLock`s has the busy third
/// thread's writes among its steps, and the one shown has none of them, only the four steps of
/// the cycle (two acquires, two blocked acquires), and says it is the shortest.
#[test]
fn the_counterexample_shown_is_the_shortest_with_the_fewest_preemptions() {
    let sampled = Check::with_search(Search::Pct {
        seed: 3,
        iterations: 100,
        depth: 3,
    });
    let report = sampled.run(crossing_rlocks_beside_a_busy_thread);
    if Checker::CURRENT == Checker::Loom {
        assert_eq!(report.verdict, Verdict::Error, "{report}");
        return;
    }
    let report = report.expect(Verdict::Deadlocks);
    let counterexample = report.counterexample.as_ref().expect("a deadlock");
    assert!(counterexample.shortest, "{report}");
    let threads: Vec<&str> = counterexample
        .steps
        .iter()
        .map(|s| s.thread.as_str())
        .collect();
    assert!(!threads.contains(&"Thread-3"), "{report}");
    assert_eq!(counterexample.steps.len(), 4, "{report}");
    assert!(
        report.to_string().contains("; the shortest of those):"),
        "{report}"
    );
}

/// The main thread publishes a flag before the value it guards, and a thread reads both:
/// it can see the flag set and the value not yet written.
fn published_too_early() -> (bool, usize) {
    let shared = Arc::new((AtomicBool::new(false), AtomicUsize::new(0)));
    trace::label(&shared.0, "ready");
    trace::label(&shared.1, "value");
    let reader = {
        let shared = shared.clone();
        thread::spawn(move || {
            let ready = shared.0.load(Ordering::SeqCst);
            (ready, shared.1.load(Ordering::SeqCst))
        })
    };
    shared.0.store(true, Ordering::SeqCst);
    shared.1.store(42, Ordering::SeqCst);
    reader.join().unwrap()
}

/// Under shuttle, a claim found false with one preemption, and no lost update, comes with the
/// two steps whose order breaks it: the reader's read of the value, run before the main
/// thread's write of it.
#[test]
fn a_violation_that_needs_one_preemption_names_the_two_steps() {
    let report = Check::new().run_claim(published_too_early, |(ready, value)| {
        !*ready || *value == 42
    });
    let report = report.expect(Verdict::Violated);
    let counterexample = report.counterexample.as_ref().expect("a counterexample");
    if Checker::CURRENT == Checker::Loom {
        assert_eq!(counterexample.why, None, "{report}");
        return;
    }
    let why = counterexample.why.as_deref().expect("a sentence");
    let step = |thread: &str, action: &str| {
        counterexample
            .steps
            .iter()
            .find(|s| s.thread == thread && s.action == action)
            .unwrap_or_else(|| panic!("no `{action}` by {thread}:\n{report}"))
            .step
    };
    assert_eq!(
        why,
        format!(
            "one preemption is needed, Thread-1's `read ready` (step {}) before MainThread's \
             `write value` (step {}): with no preemption the claim holds",
            step("Thread-1", "read ready"),
            step("MainThread", "write value")
        ),
        "{report}"
    );
    assert!(report.to_string().contains(why), "{report}");
}
