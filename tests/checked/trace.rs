//! What a counterexample's table shows without any call from the program: the operations on
//! the facade's atomics, by the atomic's label or its kind and number.

use threadproof::check::{Check, Verdict};
use threadproof::sync::atomic::{AtomicBool, AtomicI32, Ordering};
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
