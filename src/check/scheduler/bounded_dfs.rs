//! Depth-first search over shuttle's schedules with a preemption bound, as loom bounds its own:
//! switching away from a thread that could go on counts as a preemption, and an execution
//! makes at most `bound` of them. Switches at a blocked, finished or yielding thread are free,
//! and a yielding thread (a `sleep`) lets another runnable thread go first, as under loom.
//! Cut at a number of decisions, it searches every execution of at most that many, looking for
//! a shorter counterexample: a longer one stops there, with no outcome.

use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::shared::Counts;
use crate::check::runtime::access::{self, Footprint};
use crate::check::runtime::part;

struct Level {
    options: Vec<TaskId>,
    chosen: usize,
    /// A split point of a split search (see `check::runtime::part`).
    split: bool,
}

pub(crate) struct BoundedDfs {
    bound: usize,
    /// Each operation of a primitive is one step: no switch inside it unless it blocks.
    whole_operations: bool,
    /// Stop after the first execution.
    first_only: bool,
    /// Stop each execution at this many decisions.
    cut_at: usize,
    levels: Vec<Level>,
    step: usize,
    preemptions: usize,
    started: bool,
    counts: Arc<Counts>,
}

impl BoundedDfs {
    pub(crate) fn new(bound: usize, whole_operations: bool, counts: Arc<Counts>) -> Self {
        Self {
            bound,
            whole_operations,
            first_only: false,
            cut_at: usize::MAX,
            levels: Vec::new(),
            step: 0,
            preemptions: 0,
            started: false,
            counts,
        }
    }
}

impl BoundedDfs {
    /// Only the first execution of the search: at every choice, its first option.
    pub(crate) fn first_only(bound: usize, whole_operations: bool, counts: Arc<Counts>) -> Self {
        Self {
            first_only: true,
            ..Self::new(bound, whole_operations, counts)
        }
    }
}

impl BoundedDfs {
    /// The same search, stopping each execution at `decisions` decisions.
    pub(crate) fn cut_at(self, decisions: usize) -> Self {
        Self {
            cut_at: decisions,
            ..self
        }
    }
}

impl Scheduler for BoundedDfs {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.started && !part::mine() {
            self.counts.elsewhere.fetch_add(1, Ordering::Relaxed);
        }
        if self.started && self.first_only {
            return None;
        }
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
        // The runtime's log knows which thread runs, and whether it is inside an operation.
        access::begin_execution(self.whole_operations);
        part::begin_execution();
        Some(Schedule::new(0))
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        if part::elsewhere() || self.step >= self.cut_at {
            // Another part of the search explores the rest, or the execution is longer than
            // the one it should beat.
            return None;
        }
        let continuing = super::shared::could_go_on(runnable, current, is_yielding);
        let inside = super::shared::inside_operation(runnable, current, is_yielding)
            .filter(|_| self.whole_operations);
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
                Some(c) if inside.is_some() || self.preemptions >= self.bound => vec![c],
                Some(c) => std::iter::once(c).chain(others()).collect(),
                // A yielding thread lets the others go first, as loom's yield does; it
                // runs again at once only if nobody else can.
                None if is_yielding && others().next().is_some() => others().collect(),
                None => runnable.iter().map(|t| t.id()).collect(),
            };
            let first = options[0];
            let split = options.len() > 1 && part::splitting();
            self.levels.push(Level {
                options,
                chosen: 0,
                split,
            });
            first
        };
        let level = &self.levels[self.step];
        if level.split {
            part::branch(level.chosen, level.options.len());
        }
        if continuing.is_some_and(|c| c != next) {
            self.preemptions += 1;
        }
        self.step += 1;
        access::start_step(usize::from(next) + 1, Footprint::default());
        Some(next)
    }

    fn next_u64(&mut self) -> u64 {
        0
    }
}
