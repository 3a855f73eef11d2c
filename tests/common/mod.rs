//! What the integration tests share. Each test file includes this module and uses a part of
//! it: the model-checked tests the exploration helpers, the real-thread tests the timing ones.

#![allow(dead_code)]

#[cfg(any(loom, shuttle))]
pub use checked::*;
#[cfg(not(any(loom, shuttle)))]
pub use timing::*;

#[cfg(any(loom, shuttle))]
mod checked {
    use threadproof::explore::{Checker, Exploration, Explorer, Outcome, Search, Timing};
    use threadproof::sync::thread::{Builder, JoinHandle};

    /// An exhaustive search, up to a preemption bound where the test gives one for this
    /// checker (without one, a proof).
    pub fn explorer(loom_bound: Option<usize>, shuttle_bound: Option<usize>) -> Explorer {
        let preemption_bound = match Checker::CURRENT {
            Checker::Loom => loom_bound,
            Checker::Shuttle => shuttle_bound,
            Checker::RealThreads => None,
        };
        Explorer::with_search(Search::Exhaustive { preemption_bound })
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
    pub fn report(name: &str, run: &Exploration) {
        let search = match run.search {
            Search::Exhaustive {
                preemption_bound: Some(bound),
            } => format!("preemption bound {bound}"),
            Search::Pct { .. } => "sampled".to_owned(),
            _ => "no bound".to_owned(),
        };
        println!(
            "{name}: {} {} executions in {:.2?} ({search})",
            run.checker.name(),
            run.executions,
            run.elapsed,
        );
    }

    /// Explores `program` with `explorer`, collecting the outcome each execution returns:
    /// every outcome reached, with the number of executions that reached it. Fails the test if
    /// an execution fails (a panic, a deadlock).
    pub fn outcomes(
        name: &str,
        explorer: Explorer,
        program: impl Fn() -> String + Send + Sync + 'static,
    ) -> std::collections::BTreeMap<String, usize> {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::new()));
        let record = std::sync::Arc::clone(&seen);
        let run = explorer.run(move || {
            let outcome = program();
            *record.lock().unwrap().entry(outcome).or_insert(0) += 1;
        });
        report(name, &run);
        assert_eq!(run.outcome, Outcome::Passed, "{name}");
        let seen = seen.lock().unwrap().clone();
        println!("{name}: outcomes {seen:?}");
        seen
    }

    /// [`outcomes`] of an exhaustive search, up to a preemption bound where the test gives
    /// one for this checker (see [`explorer`]), which must reach exactly the outcomes
    /// `expected`, each in at least one execution.
    pub fn assert_outcomes(
        name: &str,
        (loom_bound, shuttle_bound): (Option<usize>, Option<usize>),
        expected: &[&str],
        program: impl Fn() -> String + Send + Sync + 'static,
    ) {
        assert_reached(name, explorer(loom_bound, shuttle_bound), expected, program);
    }

    /// [`outcomes`] with `explorer`, which must reach exactly the outcomes `expected`.
    fn assert_reached(
        name: &str,
        explorer: Explorer,
        expected: &[&str],
        program: impl Fn() -> String + Send + Sync + 'static,
    ) {
        let seen = outcomes(name, explorer, program);
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
        let explorer = explorer(loom_bound, shuttle_bound).timing(Timing::Virtual);
        assert_reached(name, explorer, expected, program);
    }

    /// Reports, then checks that every execution passed and that the checker branched.
    pub fn assert_passed(name: &str, run: &Exploration) {
        report(name, run);
        assert_eq!(run.outcome, Outcome::Passed, "{name}");
        assert!(run.executions > 1, "{name}: the checker did not branch");
    }
}

#[cfg(not(any(loom, shuttle)))]
mod timing {
    use std::fmt::Debug;
    use std::time::Duration;

    /// CPython's tolerance for a timed wait (`Lib/test/lock_tests.py`): between 0.6t and 10t.
    pub fn assert_about(elapsed: Duration, t: Duration) {
        assert!(
            elapsed >= t.mul_f64(0.6) && elapsed <= t * 10,
            "waited {elapsed:?} for a timeout of {t:?}"
        );
    }

    /// The `waiters` count an object's `Debug` shows.
    pub fn waiters(object: &impl Debug) -> usize {
        let text = format!("{object:?}");
        let at = text.find("waiters: ").expect("Debug shows waiters") + "waiters: ".len();
        text[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }
}
