//! Running a program under the configured model checker, and reading the verdict.
//!
//! [`Explorer::run`] runs a closure over the interleavings the configured checker explores
//! (`--cfg loom`: loom's exhaustive search; `--cfg shuttle`: shuttle's depth-first search, or
//! its PCT sampler), counts the executions, and turns a failure into an [`Outcome`] instead of
//! a panic: a deadlock comes back with the wait-for graph from [`trace`](super::trace), a failed
//! assertion with the steps that led to it. On real threads there is no checker: the closure
//! runs once.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::trace::{self, Blocked, Step};

/// Which checker this build explores with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Checker {
    /// `--cfg loom`.
    Loom,
    /// `--cfg shuttle`.
    Shuttle,
    /// Neither: real threads, one run.
    RealThreads,
}

impl Checker {
    /// The checker of this build.
    pub const CURRENT: Checker = if cfg!(loom) {
        Checker::Loom
    } else if cfg!(shuttle) {
        Checker::Shuttle
    } else {
        Checker::RealThreads
    };

    /// `loom`, `shuttle` or `threads`.
    pub fn name(self) -> &'static str {
        match self {
            Checker::Loom => "loom",
            Checker::Shuttle => "shuttle",
            Checker::RealThreads => "threads",
        }
    }
}

/// How to search the interleavings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// Every interleaving, or, with `preemption_bound` set, every one with at most that many
    /// context switches away from a runnable thread. Only a search without a bound is a proof.
    Exhaustive {
        /// The preemption bound: loom's own, or, under shuttle, our bounded depth-first
        /// scheduler's; `None` explores everything.
        preemption_bound: Option<usize>,
    },
    /// shuttle's PCT sampler with a fixed seed: `iterations` executions, bugs of `depth` ordering
    /// constraints found with high probability. Sampled, never a proof; loom refuses it.
    Pct {
        /// The random seed; the same seed gives the same executions.
        seed: u64,
        /// How many executions to sample.
        iterations: usize,
        /// The bug depth PCT targets.
        depth: usize,
    },
}

/// How an exploration ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every explored execution finished without a failure.
    Passed,
    /// The checker found an execution in which every unfinished thread was blocked.
    Deadlock {
        /// The checker's own report.
        message: String,
        /// The threads our primitives saw blocked, with what they held and waited for.
        blocked: Vec<Blocked>,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// An execution panicked (a failed assertion in the program, or a checker limit).
    Failed {
        /// The panic message.
        message: String,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// The checker cannot run this search (PCT needs shuttle).
    Unsupported {
        /// Why not.
        reason: String,
    },
}

/// The result of [`Explorer::run`].
#[derive(Clone, Debug)]
pub struct Exploration {
    /// The checker that ran.
    pub checker: Checker,
    /// The search it ran.
    pub search: Search,
    /// Executions started, including a failing last one.
    pub executions: usize,
    /// Wall-clock time of the whole exploration.
    pub elapsed: Duration,
    /// How it ended.
    pub outcome: Outcome,
}

impl Exploration {
    /// True if this was an exhaustive search without a bound under a real checker that passed
    /// or found its failure: a proof, not a sample.
    pub fn is_proof(&self) -> bool {
        self.checker != Checker::RealThreads
            && matches!(
                self.search,
                Search::Exhaustive {
                    preemption_bound: None
                }
            )
            && !matches!(self.outcome, Outcome::Unsupported { .. })
    }
}

/// Runs a program under the configured checker. See the [module docs](self).
#[derive(Clone)]
pub struct Explorer {
    search: Search,
    counter: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Explorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Explorer")
            .field("search", &self.search)
            .finish()
    }
}

impl Default for Explorer {
    fn default() -> Self {
        Self::exhaustive()
    }
}

impl Explorer {
    /// An exhaustive search with no bound.
    pub fn exhaustive() -> Self {
        Self::with_search(Search::Exhaustive {
            preemption_bound: None,
        })
    }

    /// The given search.
    pub fn with_search(search: Search) -> Self {
        Self {
            search,
            counter: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The number of executions started so far: read it from another thread to show progress.
    pub fn progress(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.counter)
    }

    /// Explores `program`. Each execution starts with a fresh [`trace`](super::trace) record.
    /// A failure is returned, not raised; the checker's own report still goes to the panic hook.
    pub fn run<F>(&self, program: F) -> Exploration
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.counter.store(0, Ordering::Relaxed);
        let counter = Arc::clone(&self.counter);
        let program = move || {
            counter.fetch_add(1, Ordering::Relaxed);
            trace::reset();
            program();
        };
        let start = Instant::now();
        let result = match backend::check(self.search, program) {
            Err(reason) => Err(reason),
            Ok(run) => Ok(catch_unwind(AssertUnwindSafe(run))),
        };
        let elapsed = start.elapsed();
        let outcome = match result {
            Err(reason) => Outcome::Unsupported { reason },
            Ok(Ok(())) => Outcome::Passed,
            Ok(Err(payload)) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "panic with a non-text payload".to_owned());
                if message.starts_with("deadlock") {
                    Outcome::Deadlock {
                        message,
                        blocked: trace::blocked(),
                        steps: trace::steps(),
                    }
                } else {
                    Outcome::Failed {
                        message,
                        steps: trace::steps(),
                    }
                }
            }
        };
        Exploration {
            checker: Checker::CURRENT,
            search: self.search,
            executions: self.counter.load(Ordering::Relaxed),
            elapsed,
            outcome,
        }
    }
}

/// Each backend turns a search into a runnable check, or says why it cannot.
type Check = Box<dyn FnOnce()>;

#[cfg(loom)]
mod backend {
    use super::{Check, Search};

    pub(super) fn check<F>(search: Search, program: F) -> Result<Check, String>
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
        }
    }
}

#[cfg(shuttle)]
mod backend {
    use super::{Check, Search};
    use shuttle::scheduler::{DfsScheduler, PctScheduler};
    use shuttle::{Config, FailurePersistence, Runner};

    fn config() -> Config {
        let mut config = Config::new();
        config.silence_warnings = true;
        config.failure_persistence = FailurePersistence::None;
        config
    }

    pub(super) fn check<F>(search: Search, program: F) -> Result<Check, String>
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
                Runner::new(super::bounded::BoundedDfs::new(bound), config()).run(program);
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
        }
    }
}

#[cfg(not(any(loom, shuttle)))]
mod backend {
    use super::{Check, Search};

    pub(super) fn check<F>(search: Search, program: F) -> Result<Check, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        match search {
            Search::Exhaustive { .. } => Ok(Box::new(program)),
            Search::Pct { .. } => Err("PCT needs --cfg shuttle".to_owned()),
        }
    }
}

/// Depth-first search over shuttle's schedules with a preemption bound, as loom bounds its own:
/// switching away from a thread that could go on counts as a preemption, and an execution
/// makes at most `bound` of them. Switches at a blocked, finished or yielding thread are free,
/// and a yielding thread (a `sleep`) lets another runnable thread go first, as under loom.
#[cfg(shuttle)]
mod bounded {
    use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};

    struct Level {
        options: Vec<TaskId>,
        chosen: usize,
    }

    pub(super) struct BoundedDfs {
        bound: usize,
        levels: Vec<Level>,
        step: usize,
        preemptions: usize,
        started: bool,
    }

    impl BoundedDfs {
        pub(super) fn new(bound: usize) -> Self {
            Self {
                bound,
                levels: Vec::new(),
                step: 0,
                preemptions: 0,
                started: false,
            }
        }
    }

    impl Scheduler for BoundedDfs {
        fn new_execution(&mut self) -> Option<Schedule> {
            if self.started {
                // Move to the next choice at the deepest level that has one left.
                while let Some(level) = self.levels.last_mut() {
                    if level.chosen + 1 < level.options.len() {
                        level.chosen += 1;
                        break;
                    }
                    self.levels.pop();
                }
                if self.levels.is_empty() {
                    return None;
                }
            }
            self.started = true;
            self.step = 0;
            self.preemptions = 0;
            Some(Schedule::new(0))
        }

        fn next_task(
            &mut self,
            runnable: &[&Task],
            current: Option<TaskId>,
            is_yielding: bool,
        ) -> Option<TaskId> {
            let continuing =
                current.filter(|c| !is_yielding && runnable.iter().any(|t| t.id() == *c));
            let next = if self.step < self.levels.len() {
                let level = &self.levels[self.step];
                level.options[level.chosen]
            } else {
                let others = || {
                    runnable
                        .iter()
                        .map(|t| t.id())
                        .filter(|t| Some(*t) != current)
                };
                let options: Vec<TaskId> = match continuing {
                    Some(c) if self.preemptions >= self.bound => vec![c],
                    Some(c) => std::iter::once(c).chain(others()).collect(),
                    // A yielding thread lets the others go first, as loom's yield does; it
                    // runs again at once only if nobody else can.
                    None if is_yielding && others().next().is_some() => others().collect(),
                    None => runnable.iter().map(|t| t.id()).collect(),
                };
                let first = options[0];
                self.levels.push(Level { options, chosen: 0 });
                first
            };
            if continuing.is_some_and(|c| c != next) {
                self.preemptions += 1;
            }
            self.step += 1;
            Some(next)
        }

        fn next_u64(&mut self) -> u64 {
            0
        }
    }
}
