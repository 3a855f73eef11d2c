//! A counterexample's replay string runs that execution again (`Check::replay`): under shuttle
//! every kind of counterexample replays to the same steps and ending, in one execution; a
//! string from another program or another setup is an error that says so; loom has no replay
//! strings, and a replay under loom is an error that points to shuttle.

use std::time::Duration;

use threadproof::check::{Check, Checker, Report, Timing, Verdict};
use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::sync::{random, thread, Arc};
use threadproof::Lock;

use crate::common::spawn;

/// Two threads add one each with a load and a store: an update can be lost.
fn lost_update() -> usize {
    let count = Arc::new(AtomicUsize::new(0));
    let other = spawn("other", {
        let count = Arc::clone(&count);
        move || count.store(count.load(Ordering::SeqCst) + 1, Ordering::SeqCst)
    });
    count.store(count.load(Ordering::SeqCst) + 1, Ordering::SeqCst);
    other.join().unwrap();
    count.load(Ordering::SeqCst)
}

/// The tutorial's deadlock: two threads take two locks in opposite orders.
fn opposite_orders() {
    let locks = Arc::new((Lock::new(), Lock::new()));
    let first = spawn("first", {
        let locks = Arc::clone(&locks);
        move || {
            let _a = locks.0.lock();
            let _b = locks.1.lock();
        }
    });
    let _b = locks.1.lock();
    let _a = locks.0.lock();
    drop((_a, _b));
    first.join().unwrap();
}

/// A thread draws a number and sleeps that many seconds; the main thread gives up waiting for
/// it after 1.5 s and panics if it did not finish (it may not, on the program's own timing).
fn slow_draw() -> bool {
    let done = Arc::new(AtomicUsize::new(0));
    let worker = spawn("worker", {
        let done = Arc::clone(&done);
        move || {
            let seconds = random::randrange(3).unwrap();
            thread::sleep(Duration::from_secs(seconds as u64));
            done.store(1, Ordering::SeqCst);
        }
    });
    thread::sleep(Duration::from_millis(1500));
    let finished = done.load(Ordering::SeqCst) == 1;
    assert!(finished, "the worker is late");
    worker.join().unwrap();
    finished
}

/// Replays `found`'s counterexample with `check` and `program`, and checks that it ran once,
/// to the same verdict, steps and ending.
fn replays_the_same<T: std::fmt::Debug + 'static>(
    found: &Report,
    check: Check,
    program: impl Fn() -> T + Send + Sync + 'static,
    claim: impl Fn(&T) -> bool + Send + Sync + 'static,
) {
    let counterexample = found.counterexample.as_ref().expect("a counterexample");
    let replay = counterexample.replay.as_deref().expect("a replay string");
    assert!(found.to_string().contains(replay), "{found}");
    let again = check.replay(replay).run_claim(program, claim);
    assert_eq!(again.verdict, found.verdict, "{again}");
    assert_eq!(again.executions, 1, "{again}");
    let replayed = again.counterexample.expect("the counterexample again");
    assert_eq!(replayed.steps, counterexample.steps);
    assert_eq!(replayed.ending, counterexample.ending);
    assert_eq!(replayed.replay, counterexample.replay);
}

#[test]
fn every_kind_of_counterexample_replays_to_the_same_steps() {
    if Checker::CURRENT != Checker::Shuttle {
        let found = Check::new().run_claim(lost_update, |n| *n == 2);
        assert_eq!(found.verdict, Verdict::Violated, "{found}");
        assert_eq!(found.counterexample.unwrap().replay, None);
        let replay = Check::new()
            .replay("tp1-any-w-0000000000000000-a-")
            .run(|| {});
        assert_eq!(replay.verdict, Verdict::Error, "{replay}");
        assert!(
            replay
                .error
                .as_deref()
                .unwrap()
                .contains("under shuttle only"),
            "{replay}"
        );
        return;
    }
    // A claim refuted, at the first counterexample and with every outcome explored (the
    // first counterexample is then not the last execution).
    let found = Check::new().run_claim(lost_update, |n| *n == 2);
    assert_eq!(found.verdict, Verdict::Violated, "{found}");
    replays_the_same(&found, Check::new(), lost_update, |n| *n == 2);
    let all = Check::new()
        .all_outcomes()
        .run_claim(lost_update, |n| *n == 2);
    assert!(
        all.counterexample.as_ref().unwrap().execution < all.executions,
        "{all}"
    );
    replays_the_same(&all, Check::new(), lost_update, |n| *n == 2);
    // Inside the primitives, with a preemption bound.
    let bounded = Check::with_search(threadproof::check::Search::Exhaustive {
        preemption_bound: Some(2),
    })
    .inside_primitives();
    let found = bounded.clone().run(opposite_orders);
    assert_eq!(found.verdict, Verdict::Deadlocks, "{found}");
    replays_the_same(
        &found,
        Check::new().inside_primitives(),
        opposite_orders,
        |_| true,
    );
    // A panic, after a random choice, on the program's own timing.
    let virtual_timing = Check::new().timing(Timing::Virtual);
    let found = virtual_timing.run_claim(slow_draw, |_| true);
    assert_eq!(found.verdict, Verdict::Violated, "{found}");
    assert!(
        found
            .counterexample
            .as_ref()
            .unwrap()
            .ending
            .contains("the worker is late"),
        "{found}"
    );
    replays_the_same(
        &found,
        Check::new().timing(Timing::Virtual),
        slow_draw,
        |_| true,
    );
}

#[test]
fn a_replay_string_of_another_program_or_setup_is_an_error_that_says_so() {
    if Checker::CURRENT != Checker::Shuttle {
        return;
    }
    let found = Check::new().run_claim(lost_update, |n| *n == 2);
    let replay = found.counterexample.unwrap().replay.unwrap();
    let error = |report: Report| -> String {
        assert_eq!(report.verdict, Verdict::Error, "{report}");
        report.error.unwrap()
    };
    // Another program: it does not take the steps the string names.
    let other = error(Check::new().replay(&replay).run(opposite_orders));
    assert!(other.contains("another program"), "{other}");
    // The same program, checked another way.
    let setup = error(
        Check::new()
            .timing(Timing::Virtual)
            .replay(&replay)
            .run_claim(lost_update, |n| *n == 2),
    );
    assert!(
        setup.contains("made by a check under any timing") && setup.contains("the same way"),
        "{setup}"
    );
    // Not a replay string at all.
    let garbage = error(Check::new().replay("not-a-replay").run(|| {}));
    assert!(garbage.contains("is not a replay string"), "{garbage}");
}
