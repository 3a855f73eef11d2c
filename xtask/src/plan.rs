//! The plan of runs: for each model and checker, the registry's search (or a stated bound)
//! under each timing, and shuttle's samples at the tutorial's size.

use threadproof_models::{Checker, Entry, Search, Timing, TUTORIAL_SAMPLE};

/// One run of one model: which checker, search and timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The checker whose build runs it.
    pub checker: Checker,
    /// The search.
    pub search: Search,
    /// The timing.
    pub timing: Timing,
}

impl Planned {
    /// How progress lines and failures name this run of `model`.
    pub fn label(&self, model: &str) -> String {
        format!(
            "{model:<26} {:<7} {:<14} {}",
            self.checker, self.timing, self.search
        )
    }
}

/// The runs of `entry` under `checker`: under each timing, every interleaving with at most
/// `preemption_bound` preemptions if one is given, else the registry's search; then, with
/// `samples` and under shuttle only, PCT at the tutorial's size under each timing.
pub fn plan(
    entry: &Entry,
    checker: Checker,
    preemption_bound: Option<usize>,
    samples: bool,
) -> Vec<Planned> {
    let timings = [Timing::Any, Timing::Virtual];
    let searched = timings.map(|timing| Planned {
        checker,
        search: match preemption_bound {
            Some(bound) => Search::Exhaustive {
                preemption_bound: Some(bound),
            },
            None => entry.search(checker, timing),
        },
        timing,
    });
    let sampled = timings.map(|timing| Planned {
        checker,
        search: TUTORIAL_SAMPLE,
        timing,
    });
    let samples = samples && checker == Checker::Shuttle;
    searched
        .into_iter()
        .chain(sampled.into_iter().filter(|_| samples))
        .collect()
}

#[cfg(test)]
mod tests {
    use threadproof_models::{find, Checker, Search, Timing, TUTORIAL_SAMPLE};

    use super::plan;

    #[test]
    fn each_checker_runs_the_registrys_search_under_both_timings() {
        let entry = find("counter_gil").expect("a registered model");
        let searches = |checker| {
            plan(&entry, checker, None, true)
                .into_iter()
                .map(|planned| (planned.timing, planned.search))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            searches(Checker::Loom),
            [
                (Timing::Any, entry.loom),
                (Timing::Virtual, entry.loom_virtual)
            ]
        );
        assert_eq!(
            searches(Checker::Shuttle),
            [
                (Timing::Any, entry.shuttle),
                (Timing::Virtual, entry.shuttle_virtual),
                (Timing::Any, TUTORIAL_SAMPLE),
                (Timing::Virtual, TUTORIAL_SAMPLE),
            ]
        );
    }

    #[test]
    fn a_bound_replaces_the_registry_and_samples_can_be_skipped() {
        let entry = find("counter_gil").expect("a registered model");
        let planned = plan(&entry, Checker::Shuttle, Some(2), false);
        assert_eq!(planned.len(), 2);
        assert!(planned.iter().all(|planned| planned.search
            == Search::Exhaustive {
                preemption_bound: Some(2)
            }));
    }
}
