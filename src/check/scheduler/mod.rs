//! The schedulers: how each checker explores one program under a [`Search`].
//!
//! Under loom, loom's own exhaustive search (bounded by its preemption bound when one is set).
//! Under shuttle, shuttle's PCT sampler and ours: the exhaustive search with partial-order
//! reduction ([`dpor`]), and the plain depth-first search, with or without a preemption bound
//! ([`bounded_dfs`]), whose first execution is the in-order schedule. On real threads, the
//! program runs once.

#[cfg(shuttle)]
mod bounded_dfs;
#[cfg(shuttle)]
pub(super) mod dpor;
#[cfg(shuttle)]
mod replay;
mod shared;

pub(super) use shared::Counts;

use super::report::Limit;
use super::search::Search;

pub(super) use imp::{astray, install_panic_hooks, limit_in, runner, taken};

/// Each backend turns a search into a runnable check, or says why it cannot.
type Run = Box<dyn FnOnce()>;

/// What a check asks of the checker besides the search.
#[derive(Clone, Debug)]
pub(super) struct Settings {
    /// The most scheduling steps an execution may take (loom's branches, shuttle's steps);
    /// the checker's default if `None`.
    #[cfg_attr(
        not(any(loom, shuttle)),
        expect(dead_code, reason = "real threads have no scheduling steps to limit")
    )]
    pub(super) max_steps: Option<usize>,
    /// Each operation of a primitive is one step (see `Check::inside_primitives`); shuttle's
    /// schedulers of ours only.
    #[cfg_attr(
        not(shuttle),
        expect(
            dead_code,
            reason = "only our shuttle schedulers can keep an operation whole"
        )
    )]
    pub(super) whole_operations: bool,
    /// Where the search counts what the report shows.
    #[cfg_attr(
        not(shuttle),
        expect(dead_code, reason = "only the reducing search under shuttle counts")
    )]
    pub(super) counts: std::sync::Arc<Counts>,
    /// Instead of the search, one execution whose decisions run these threads, in order (see
    /// `check::replay`); shuttle only.
    pub(super) replay: Option<Vec<usize>>,
    /// The bounded search stops each execution that reaches this many scheduling decisions
    /// (it looks for a shorter counterexample); shuttle only.
    #[cfg_attr(
        not(shuttle),
        expect(dead_code, reason = "only our shuttle schedulers cut executions")
    )]
    pub(super) cut_at: Option<usize>,
}

#[cfg(loom)]
mod imp {
    use super::{Limit, Run, Search, Settings};

    /// loom's own limit of branches an execution, when nobody sets one.
    const LOOM_MAX_BRANCHES: usize = 1_000;

    pub(crate) fn runner<F>(search: Search, settings: Settings, program: F) -> Result<Run, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        if settings.replay.is_some() {
            return Err(REPLAY_UNDER_SHUTTLE.to_owned());
        }
        match search {
            Search::Exhaustive { preemption_bound } => Ok(Box::new(move || {
                let mut builder = loom::model::Builder::new();
                // Builder::new reads LOOM_* variables; a proof must not be bounded by them.
                builder.preemption_bound = preemption_bound;
                builder.max_duration = None;
                builder.max_permutations = None;
                builder.max_branches = settings.max_steps.unwrap_or(LOOM_MAX_BRANCHES);
                builder.check(program);
            })),
            Search::DepthFirst { .. } => Err(
                "loom's search always reduces; plain depth-first search is shuttle's".to_owned(),
            ),
            Search::Pct { .. } => Err("loom has no PCT sampler; use shuttle".to_owned()),
            Search::InOrder => Err("loom has no in-order schedule; use shuttle".to_owned()),
        }
    }

    /// Why loom replays nothing.
    const REPLAY_UNDER_SHUTTLE: &str =
        "a replay runs under shuttle only: loom cannot be told to run one chosen execution (its \
         checkpoint files need its `checkpoint` feature and replay its own branches, not the \
         steps a report shows); check the program under shuttle (`--cfg shuttle`), whose \
         counterexamples carry a replay string";

    /// loom installs no panic hook of its own.
    pub(crate) fn install_panic_hooks() {}

    /// loom's decisions are not kept: its counterexamples have no replay string.
    pub(crate) fn taken() -> Option<Vec<usize>> {
        None
    }

    /// loom replays nothing.
    pub(crate) fn astray() -> Option<usize> {
        None
    }

    /// The limit of loom's that a panic with `message` says an execution reached, if any.
    pub(crate) fn limit_in(message: &str, settings: &Settings) -> Option<Limit> {
        if message.contains(crate::check::runtime::LOOM_POISONED) {
            return Some(Limit::LoomPoisoned);
        }
        if message.contains("self.threads.len() < self.max()") {
            return Some(Limit::LoomThreads {
                max: loom::MAX_THREADS,
            });
        }
        message
            .contains("Model exceeded maximum number of branches")
            .then(|| Limit::LoomBranches {
                max: settings.max_steps.unwrap_or(LOOM_MAX_BRANCHES),
            })
    }
}

#[cfg(shuttle)]
mod imp {
    use super::bounded_dfs::BoundedDfs;
    use super::dpor::Dpor;
    use super::replay::{Recording, Replay};
    use super::{Limit, Run, Search, Settings};
    use shuttle::scheduler::{DfsScheduler, PctScheduler};
    use shuttle::{Config, FailurePersistence, MaxSteps, Runner};

    /// shuttle's own limit of steps an execution, when nobody sets one.
    const SHUTTLE_MAX_STEPS: usize = 1_000_000;

    pub(crate) fn runner<F>(search: Search, settings: Settings, program: F) -> Result<Run, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        let max_steps = settings.max_steps.unwrap_or(SHUTTLE_MAX_STEPS);
        let config = move || {
            let mut config = Config::new();
            config.silence_warnings = true;
            config.failure_persistence = FailurePersistence::None;
            config.max_steps = MaxSteps::FailAfter(max_steps);
            config
        };
        if let Some(threads) = settings.replay {
            return Ok(Box::new(move || {
                Runner::new(Recording(Replay::new(threads)), config()).run(program);
            }));
        }
        match search {
            Search::Exhaustive {
                preemption_bound: None,
            } => Ok(Box::new(move || {
                let dpor = Dpor::new(settings.counts, settings.whole_operations);
                Runner::new(Recording(dpor), config()).run(program);
            })),
            Search::Exhaustive {
                preemption_bound: Some(bound),
            }
            | Search::DepthFirst {
                preemption_bound: Some(bound),
            } => Ok(Box::new(move || {
                let search = BoundedDfs::new(bound, settings.whole_operations, settings.counts);
                let search = match settings.cut_at {
                    Some(decisions) => search.cut_at(decisions),
                    None => search,
                };
                Runner::new(Recording(search), config()).run(program);
            })),
            Search::DepthFirst {
                preemption_bound: None,
            } => Ok(Box::new(move || {
                Runner::new(
                    Recording(BoundedDfs::new(
                        usize::MAX,
                        settings.whole_operations,
                        settings.counts,
                    )),
                    config(),
                )
                .run(program);
            })),
            Search::Pct {
                seed,
                iterations,
                depth,
            } => Ok(Box::new(move || {
                Runner::new(
                    Recording(PctScheduler::new_from_seed(seed, depth, iterations)),
                    config(),
                )
                .run(program);
            })),
            Search::InOrder => Ok(Box::new(move || {
                // The first execution of the bounded search without preemptions.
                Runner::new(
                    Recording(BoundedDfs::first_only(
                        0,
                        settings.whole_operations,
                        settings.counts,
                    )),
                    config(),
                )
                .run(program);
            })),
        }
    }

    /// Installs shuttle's panic hook, which it otherwise installs at its first run: one
    /// execution of an empty program.
    pub(crate) fn install_panic_hooks() {
        let mut config = Config::new();
        config.silence_warnings = true;
        config.failure_persistence = FailurePersistence::None;
        Runner::new(DfsScheduler::new(Some(1), false), config).run(|| {});
    }

    /// The threads the decisions of the current (or the last) execution ran.
    pub(crate) fn taken() -> Option<Vec<usize>> {
        Some(super::replay::taken())
    }

    /// Where the last replay asked for a thread that could not run, if it did.
    pub(crate) fn astray() -> Option<usize> {
        super::replay::astray()
    }

    /// The limit of shuttle's that a panic with `message` says an execution reached, if any.
    pub(crate) fn limit_in(message: &str, settings: &Settings) -> Option<Limit> {
        message
            .contains("exceeded max_steps bound")
            .then(|| Limit::ShuttleSteps {
                max: settings.max_steps.unwrap_or(SHUTTLE_MAX_STEPS),
            })
    }
}

#[cfg(not(any(loom, shuttle)))]
mod imp {
    use super::{Limit, Run, Search, Settings};

    pub(crate) fn runner<F>(search: Search, settings: Settings, program: F) -> Result<Run, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        if settings.replay.is_some() {
            return Err("a replay needs --cfg shuttle: real threads choose no schedule".to_owned());
        }
        match search {
            Search::Exhaustive { .. } | Search::DepthFirst { .. } => Ok(Box::new(program)),
            Search::Pct { .. } => Err("PCT needs --cfg shuttle".to_owned()),
            Search::InOrder => Err("the in-order schedule needs --cfg shuttle".to_owned()),
        }
    }

    /// Real threads have no checker to install a panic hook.
    pub(crate) fn install_panic_hooks() {}

    /// Real threads' schedules are not known: their counterexamples have no replay string.
    pub(crate) fn taken() -> Option<Vec<usize>> {
        None
    }

    /// Real threads replay nothing.
    pub(crate) fn astray() -> Option<usize> {
        None
    }

    /// Real threads have no limits of a checker's.
    pub(crate) fn limit_in(_message: &str, _settings: &Settings) -> Option<Limit> {
        None
    }
}
