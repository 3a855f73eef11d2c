//! Every model reaches its expected verdicts under the configured checker, under any timing
//! and under the tutorial's own timing, and its outcomes and first counterexample match the
//! reviewed snapshot.
//!
//! Each model has a module of tests named after it. Under loom and under shuttle, a test named
//! `proof` explores every interleaving at the model's small size; one named `bounded_N`
//! explores every interleaving with at most N preemptions (the registry says which, and why a
//! model needs a bound). The tests in `virtual_timing` do the same on the virtual clock, with
//! the tutorial's sleeps. Under shuttle, `sampled_at_tutorial_size` also samples the model with
//! PCT at the tutorial's own size, under each timing: a sample, not a proof (at that size the
//! full search does not finish, under either timing).

#![cfg(any(loom, shuttle))]

use threadproof_models::{Model, Report, Run, Search, Timing, Verdict};

fn check(model: Model, search: Search, timing: Timing, kind: &str) -> Report {
    let run = Run::new(model, search).timing(timing);
    let expected = run.expected();
    let report = run.run();
    assert_eq!(
        report.check.verdict,
        expected,
        "{} under {} ({}) reached the wrong verdict:\n{}",
        model.name,
        report.check.checker,
        report.check.timing,
        report.snapshot()
    );
    match expected {
        // A claim that holds must have been checked over more than one interleaving.
        Verdict::Holds => assert!(
            report.check.executions > 1,
            "{}: the checker explored a single execution",
            model.name
        ),
        // A refuted claim must come with the execution that refutes it.
        _ => assert!(
            report.check.counterexample.is_some(),
            "{}: a refuted claim needs its counterexample",
            model.name
        ),
    }
    let timing_of = timing;
    let timing = match timing {
        Timing::Any => "",
        Timing::Virtual => "-virtual",
    };
    insta::assert_snapshot!(
        format!("{}-{}{}-{}", model.name, kind, timing, report.check.checker),
        report.snapshot()
    );
    // Under shuttle the counterexample replays to the same steps, in one execution.
    if let Some(counterexample) = &report.check.counterexample {
        if let Some(replay) = &counterexample.replay {
            let again = Run::new(model, search)
                .timing(timing_of)
                .replay(replay)
                .run();
            assert_eq!(again.check.executions, 1, "{}", again.snapshot());
            let replayed = again.check.counterexample.as_ref();
            assert_eq!(
                replayed.map(|c| &c.steps),
                Some(&counterexample.steps),
                "{}: the replay took other steps:\n{}",
                model.name,
                again.snapshot()
            );
        }
    }
    report
}

macro_rules! verdict_tests {
    ($($name:ident : loom $loom:ident, shuttle $shuttle:ident;
        virtual loom $loom_virtual:ident, shuttle $shuttle_virtual:ident;)*) => {
        $(
            mod $name {
                use threadproof_models::{registry_search, Timing};

                #[cfg(loom)]
                #[test]
                fn $loom() {
                    let search = const { registry_search(stringify!($loom)) };
                    super::check(threadproof_models::$name(), search, Timing::Any, stringify!($loom));
                }

                #[cfg(shuttle)]
                #[test]
                fn $shuttle() {
                    let search = const { registry_search(stringify!($shuttle)) };
                    super::check(
                        threadproof_models::$name(),
                        search,
                        Timing::Any,
                        stringify!($shuttle),
                    );
                }

                #[cfg(shuttle)]
                #[test]
                fn sampled_at_tutorial_size() {
                    super::check(
                        threadproof_models::$name(),
                        threadproof_models::TUTORIAL_SAMPLE,
                        Timing::Any,
                        "sampled",
                    );
                }

                mod virtual_timing {
                    use threadproof_models::{registry_search, Timing};

                    #[cfg(loom)]
                    #[test]
                    fn $loom_virtual() {
                        let search = const { registry_search(stringify!($loom_virtual)) };
                        super::super::check(
                            threadproof_models::$name(),
                            search,
                            Timing::Virtual,
                            stringify!($loom_virtual),
                        );
                    }

                    #[cfg(shuttle)]
                    #[test]
                    fn sampled_at_tutorial_size() {
                        super::super::check(
                            threadproof_models::$name(),
                            threadproof_models::TUTORIAL_SAMPLE,
                            Timing::Virtual,
                            "sampled",
                        );
                    }

                    #[cfg(shuttle)]
                    #[test]
                    fn $shuttle_virtual() {
                        let search = const { registry_search(stringify!($shuttle_virtual)) };
                        super::super::check(
                            threadproof_models::$name(),
                            search,
                            Timing::Virtual,
                            stringify!($shuttle_virtual),
                        );
                    }
                }
            }
        )*
    };
}
threadproof_models::for_each_model!(verdict_tests);

/// The tutorial's printed output, on the tutorial's timing and at its size: each output the
/// tutorial shows is one its program can print, found by a search over the virtual clock's
/// executions; and what the snippets without an output always print.
#[cfg(shuttle)]
mod tutorial_output {
    use threadproof_models::{Report, Run, Search, Timing, Verdict, TUTORIAL_SAMPLE};

    /// `run` on the tutorial's timing, at the search's size (the tutorial's, for these).
    fn at_tutorial_size(run: Run) -> Report {
        let run = run.timing(Timing::Virtual);
        let expected = run.expected();
        let report = run.run();
        assert_eq!(report.check.verdict, expected, "{}", report.snapshot());
        report
    }

    /// 信号量 Semaphore: "Thread-1 .. Thread-3 at :52, Thread-4 .. 6 at :54, 7 .. 9 at :56,
    /// Thread-10 at :58". The in-order schedule prints exactly that, in its one execution: the
    /// stamps two seconds apart are the semaphore's doing. Any order of the ten threads is as
    /// possible (all start at the same instant): at the small size, 3 threads and a value of
    /// 2, the full search prints 3! = 6 outputs (see the snapshot), and at the tutorial's size
    /// the same argument gives 10! = 3,628,800 outputs, of which the tutorial shows one.
    #[test]
    fn semaphore_prints_the_tutorials_output_in_order() {
        let report = at_tutorial_size(
            Run::new(threadproof_models::semaphore_limit(), Search::InOrder).seek_output(),
        );
        assert_eq!(
            report.check.executions, 1,
            "one schedule, no random choices"
        );
        assert_eq!(report.tutorial_printed, Some(1), "{}", report.snapshot());
    }

    /// 同步对象Event: the tutorial's dialogue, `False` printed twice, the workers' sighs in the
    /// order 3, 2, 1 and their "Oh Yeah!" in the order 1, 2, 3. The boss's lines and both
    /// `False`s are fixed by the timing; the workers' lines come in any order each time, so
    /// 3! x 3! = 36 outputs are possible: the sample reaches all 36, the tutorial's among them.
    #[test]
    fn event_prints_the_tutorials_dialogue_among_36() {
        let report = at_tutorial_size(Run::new(
            threadproof_models::event_boss_worker(),
            TUTORIAL_SAMPLE,
        ));
        assert_eq!(report.check.printed.len(), 36, "{}", report.snapshot());
        assert!(
            report.tutorial_printed.is_some_and(|n| n > 0),
            "{}",
            report.snapshot()
        );
        assert!(
            report.check.printed.keys().all(|output| output
                .lines()
                .filter(|line| *line == "False")
                .count()
                == 2),
            "the boss prints False twice in every execution"
        );
    }

    /// 生产者消费者模型 / 形式2: the tutorial's fourteen lines are a start of what form 2 can
    /// print, with its random sleeps chosen (a search over the choices, the in-order schedule).
    #[test]
    fn form2_prints_the_tutorials_lines() {
        let report = at_tutorial_size(
            Run::new(
                threadproof_models::producer_consumer_form2(),
                Search::InOrder,
            )
            .seek_output(),
        );
        assert!(
            report.tutorial_printed.is_some_and(|n| n > 0),
            "{}",
            report.snapshot()
        );
    }

    /// 生产者消费者模型 / 形式1: the tutorial's sixteen lines, items 4, 5 and 6 produced in a row,
    /// are a start of what form 1 can print. The in-order schedule cannot print them (the
    /// first-created consumer always wins a race for an item); sampled schedules can: a search
    /// over the random sleeps, with a thousand PCT schedules for each sequence of them that can
    /// still print the lines, finds them (README's tutorial-output table gives its cost).
    #[test]
    fn form1_prints_the_tutorials_lines() {
        let seek = Search::Pct {
            seed: 1,
            iterations: 1000,
            depth: 5,
        };
        let report = at_tutorial_size(
            Run::new(threadproof_models::producer_consumer_form1(), seek).seek_output(),
        );
        assert!(
            report.tutorial_printed.is_some_and(|n| n > 0),
            "{}",
            report.snapshot()
        );
        let in_order = at_tutorial_size(
            Run::new(
                threadproof_models::producer_consumer_form1(),
                Search::InOrder,
            )
            .seek_output(),
        );
        assert_eq!(
            in_order.tutorial_printed,
            Some(0),
            "{}",
            in_order.snapshot()
        );
    }

    /// 不使用同步锁的问题: the snippet prints `num` and the tutorial shows no run. On the
    /// tutorial's timing, with a hundred threads, every sampled execution prints 99: starting a
    /// thread takes no time on the clock, so all hundred read 100 before the first 0.1 ms sleep
    /// ends. (On CPython the same program printed 58, 58 and 59: there, starting a thread
    /// takes about as long as the sleep.)
    #[test]
    fn unlocked_counter_prints_99_at_the_tutorials_size() {
        let report = at_tutorial_size(Run::new(
            threadproof_models::counter_unlocked(),
            TUTORIAL_SAMPLE,
        ));
        assert_eq!(
            report.check.outcomes.keys().collect::<Vec<_>>(),
            ["num = 99"],
            "{}",
            report.snapshot()
        );
    }

    /// 死锁: four threads on the tutorial's timing deadlock, and the counterexample's clock
    /// says when: no thread moves after that instant.
    #[test]
    fn the_deadlock_happens_on_the_tutorials_timing() {
        let report = at_tutorial_size(Run::new(
            threadproof_models::two_locks_opposite_order(),
            TUTORIAL_SAMPLE,
        ));
        assert_eq!(report.check.verdict, Verdict::Deadlocks);
        let steps = &report
            .check
            .counterexample
            .as_ref()
            .expect("a deadlock")
            .steps;
        let last = steps.last().expect("steps").seconds;
        assert!(last > 0.0, "the deadlock comes after the first sleeps");
        insta::assert_snapshot!(
            "two_locks_opposite_order-sampled-virtual-tutorial-shuttle",
            report.snapshot()
        );
    }
}

/// 生产者消费者模型 / 形式2 with two consumers racing for the item, proved by loom under any
/// timing: the producer and both consumers in every interleaving (one item: README says what
/// two cost). The claims hold in all of them, and each consumer is the one
/// that gets the item in some execution: the race is real and harmless.
#[cfg(loom)]
#[test]
fn form2_two_consumers_proof() {
    let two_consumers = threadproof_models::Size {
        threads: 2,
        value: 1,
    };
    let report = Run::new(threadproof_models::producer_consumer_form2(), Search::PROOF)
        .size(two_consumers)
        .run();
    assert_eq!(
        report.check.verdict,
        Verdict::Holds,
        "{}",
        report.snapshot()
    );
    for winner in ["B1", "B2"] {
        assert!(
            report
                .check
                .outcomes
                .keys()
                .any(|outcome| outcome.ends_with(&format!("consumed by {winner}"))),
            "no execution had {winner} consume the item:\n{}",
            report.snapshot()
        );
    }
    insta::assert_snapshot!(
        "producer_consumer_form2-proof-two-consumers-loom",
        report.snapshot()
    );
}
