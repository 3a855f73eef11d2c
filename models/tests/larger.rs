//! Proofs beyond the models' small sizes, under shuttle's reducing search (each operation of a
//! primitive one step), under any timing: `semaphore_limit` with four threads, `rlock_nested`
//! with three and form 2 with two consumers and two items (one consumer at the small size).
//! Each must reach its expected verdict as a proof; what each takes is printed
//! (`--nocapture`), and README's "shuttle's search" quotes it. Form 2's, the longest, runs only
//! when asked (`--ignored`).

#![cfg(shuttle)]

use threadproof_models::{Model, Run, Search, Size, Timing};

fn prove(model: Model, size: Size) {
    let run = Run::new(model, Search::PROOF)
        .timing(Timing::Any)
        .size(size);
    let expected = run.expected();
    let report = run.run();
    println!(
        "{} at threads = {}, {} = {}: {} ({} executions, {:.1} s)",
        model.name,
        size.threads,
        model.value_means,
        size.value,
        report.check.verdict,
        report.check.executions,
        report.check.elapsed.as_secs_f64()
    );
    assert_eq!(report.check.verdict, expected, "{}", report.snapshot());
    assert!(report.check.is_proof(), "{}", report.snapshot());
}

#[test]
fn semaphore_limit_with_four_threads() {
    prove(
        threadproof_models::semaphore_limit(),
        Size {
            threads: 4,
            value: 2,
        },
    );
}

#[test]
fn rlock_nested_with_three_threads() {
    prove(
        threadproof_models::rlock_nested(),
        Size {
            threads: 3,
            value: 2,
        },
    );
}

#[test]
#[ignore = "1.4 million executions: run with --ignored"]
fn form2_with_two_consumers_and_two_items() {
    prove(
        threadproof_models::producer_consumer_form2(),
        Size {
            threads: 2,
            value: 2,
        },
    );
}
