//! What the model-checked tests share: the search they ask for, checker threads with names,
//! and the assertions on what a search found and reported.

use threadproof::check::{Check, Checker, Report, Search, Timing, Verdict};
use threadproof::sync::thread::{Builder, JoinHandle};

/// An exhaustive search, up to a preemption bound where the test gives one for this
/// checker (without one, a proof).
pub fn check(loom_bound: Option<usize>, shuttle_bound: Option<usize>) -> Check {
    let preemption_bound = match Checker::CURRENT {
        Checker::Loom => loom_bound,
        Checker::Shuttle => shuttle_bound,
        Checker::RealThreads => None,
    };
    Check::with_search(Search::Exhaustive { preemption_bound }).inside_primitives()
}

/// Spawns a checker thread called `name`.
pub fn spawn<T: Send + 'static>(
    name: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> JoinHandle<T> {
    Builder::new()
        .name(name.to_owned())
        .spawn(body)
        .expect("the checker refused a thread")
}

/// Prints what the checker did (`--nocapture` shows it).
pub fn report(name: &str, report: &Report) {
    println!(
        "{name}: {} {} executions in {:.2?} ({})",
        report.checker.name(),
        report.executions,
        report.elapsed,
        report.search_described(),
    );
}

/// Explores `program` with `check`, collecting the outcome each execution returns:
/// every outcome reached, with the number of executions that reached it. Fails the test if
/// an execution fails (a panic, a deadlock).
pub fn outcomes(
    name: &str,
    check: Check,
    program: impl Fn() -> String + Send + Sync + 'static,
) -> std::collections::BTreeMap<String, usize> {
    let run = check.run_claim(program, |_| true);
    report(name, &run);
    assert_eq!(run.verdict, Verdict::Holds, "{name}:\n{run}");
    println!("{name}: outcomes {:?}", run.outcomes);
    run.outcomes
}

/// [`outcomes`] of an exhaustive search, up to a preemption bound where the test gives
/// one for this checker (see [`check`]), which must reach exactly the outcomes
/// `expected`, each in at least one execution.
pub fn assert_outcomes(
    name: &str,
    (loom_bound, shuttle_bound): (Option<usize>, Option<usize>),
    expected: &[&str],
    program: impl Fn() -> String + Send + Sync + 'static,
) {
    assert_reached(name, check(loom_bound, shuttle_bound), expected, program);
}

/// [`outcomes`] with `check`, which must reach exactly the outcomes `expected`.
fn assert_reached(
    name: &str,
    check: Check,
    expected: &[&str],
    program: impl Fn() -> String + Send + Sync + 'static,
) {
    let seen = outcomes(name, check, program);
    let reached: Vec<&str> = seen.keys().map(String::as_str).collect();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(reached, expected, "{name}: the outcomes reached");
}

/// [`assert_outcomes`] under virtual timing: every sleep and timed wait takes its
/// duration on the execution's virtual clock.
pub fn assert_virtual_outcomes(
    name: &str,
    (loom_bound, shuttle_bound): (Option<usize>, Option<usize>),
    expected: &[&str],
    program: impl Fn() -> String + Send + Sync + 'static,
) {
    let check = check(loom_bound, shuttle_bound).timing(Timing::Virtual);
    assert_reached(name, check, expected, program);
}

/// Reports, then checks that every execution passed and that the checker branched.
pub fn assert_passed(name: &str, run: &Report) {
    report(name, run);
    assert_eq!(run.verdict, Verdict::Holds, "{name}:\n{run}");
    assert!(run.executions > 1, "{name}: the checker did not branch");
}
