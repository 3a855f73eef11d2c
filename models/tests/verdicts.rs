//! Every model reaches its expected verdict under the configured checker, and its outcomes and
//! first counterexample match the reviewed snapshot.
//!
//! Each model has a module of tests named after it. Under loom and under shuttle, a test named
//! `proof` explores every interleaving at the model's small size; one named `bounded_N`
//! explores every interleaving with at most N preemptions (the registry says which, and why a
//! model needs a bound). Under shuttle, `sampled_at_tutorial_size` also samples the model with
//! PCT at the tutorial's own size: a sample, not a proof.

#![cfg(any(loom, shuttle))]

use threadproof_models::{Mode, Model, Verdict};

fn check(model: Model, mode: Mode, kind: &str) {
    let report = threadproof_models::Run::new(model, mode).run();
    assert_eq!(
        report.verdict,
        model.expected,
        "{} under {} reached the wrong verdict:\n{}",
        model.name,
        report.checker,
        report.snapshot()
    );
    match model.expected {
        // A claim that holds must have been checked over more than one interleaving.
        Verdict::Holds => assert!(
            report.executions > 1,
            "{}: the checker explored a single execution",
            model.name
        ),
        // A refuted claim must come with the execution that refutes it.
        _ => assert!(
            report.counterexample.is_some(),
            "{}: a refuted claim needs its counterexample",
            model.name
        ),
    }
    insta::assert_snapshot!(
        format!("{}-{}-{}", model.name, kind, report.checker),
        report.snapshot()
    );
}

macro_rules! verdict_tests {
    ($($name:ident : loom $loom:ident, shuttle $shuttle:ident;)*) => {
        $(
            mod $name {
                #[cfg(loom)]
                #[test]
                fn $loom() {
                    let mode = threadproof_models::Mode::from_registry(stringify!($loom));
                    super::check(threadproof_models::$name(), mode, stringify!($loom));
                }

                #[cfg(shuttle)]
                #[test]
                fn $shuttle() {
                    let mode = threadproof_models::Mode::from_registry(stringify!($shuttle));
                    super::check(threadproof_models::$name(), mode, stringify!($shuttle));
                }

                #[cfg(shuttle)]
                #[test]
                fn sampled_at_tutorial_size() {
                    super::check(
                        threadproof_models::$name(),
                        threadproof_models::Mode::TUTORIAL_SAMPLE,
                        "sampled",
                    );
                }
            }
        )*
    };
}
threadproof_models::for_each_model!(verdict_tests);
