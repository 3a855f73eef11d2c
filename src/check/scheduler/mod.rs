//! The schedulers: how each checker explores one program under a [`Search`].
//!
//! Under loom, loom's own exhaustive search (bounded by its preemption bound when one is set).
//! Under shuttle, shuttle's depth-first search without a bound, its PCT sampler, and ours: the
//! depth-first search with a preemption bound ([`bounded_dfs`]), whose first execution is the
//! in-order schedule. On real threads, the program runs once.

#[cfg(shuttle)]
mod bounded_dfs;

use super::search::Search;

pub(super) use imp::runner;

/// Each backend turns a search into a runnable check, or says why it cannot.
type Run = Box<dyn FnOnce()>;

#[cfg(loom)]
mod imp {
    use super::{Run, Search};

    pub(crate) fn runner<F>(search: Search, program: F) -> Result<Run, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        match search {
            Search::Exhaustive { preemption_bound } => Ok(Box::new(move || {
                let mut builder = loom::model::Builder::new();
                // Builder::new reads LOOM_* variables; a proof must not be bounded by them.
                builder.preemption_bound = preemption_bound;
                builder.max_duration = None;
                builder.max_permutations = None;
                builder.check(program);
            })),
            Search::Pct { .. } => Err("loom has no PCT sampler; use shuttle".to_owned()),
            Search::InOrder => Err("loom has no in-order schedule; use shuttle".to_owned()),
        }
    }
}

#[cfg(shuttle)]
mod imp {
    use super::{Run, Search};
    use shuttle::scheduler::{DfsScheduler, PctScheduler};
    use shuttle::{Config, FailurePersistence, Runner};

    fn config() -> Config {
        let mut config = Config::new();
        config.silence_warnings = true;
        config.failure_persistence = FailurePersistence::None;
        config
    }

    pub(crate) fn runner<F>(search: Search, program: F) -> Result<Run, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        match search {
            Search::Exhaustive {
                preemption_bound: None,
            } => Ok(Box::new(move || {
                Runner::new(DfsScheduler::new(None, false), config()).run(program);
            })),
            Search::Exhaustive {
                preemption_bound: Some(bound),
            } => Ok(Box::new(move || {
                Runner::new(super::bounded_dfs::BoundedDfs::new(bound), config()).run(program);
            })),
            Search::Pct {
                seed,
                iterations,
                depth,
            } => Ok(Box::new(move || {
                Runner::new(
                    PctScheduler::new_from_seed(seed, depth, iterations),
                    config(),
                )
                .run(program);
            })),
            Search::InOrder => Ok(Box::new(move || {
                // The first execution of the bounded search without preemptions.
                Runner::new(super::bounded_dfs::BoundedDfs::first_only(0), config()).run(program);
            })),
        }
    }
}

#[cfg(not(any(loom, shuttle)))]
mod imp {
    use super::{Run, Search};

    pub(crate) fn runner<F>(search: Search, program: F) -> Result<Run, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        match search {
            Search::Exhaustive { .. } => Ok(Box::new(program)),
            Search::Pct { .. } => Err("PCT needs --cfg shuttle".to_owned()),
            Search::InOrder => Err("the in-order schedule needs --cfg shuttle".to_owned()),
        }
    }
}
