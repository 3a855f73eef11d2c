//! Replaying one execution under shuttle: [`Recording`] keeps which thread each scheduling
//! decision of the current execution ran, whatever the search (and tells the record which
//! switches preempted a thread); [`Replay`] runs one execution
//! that makes those decisions again. Shuttle runs all of an exploration's threads on one
//! operating-system thread, so the decisions are kept per operating-system thread.

use std::cell::{Cell, RefCell};

use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};

use crate::check::runtime::record;

std::thread_local! {
    /// The thread (shuttle's task number) each decision of the current execution ran.
    static TAKEN: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// The decision at which a replay found its thread unable to run, if one did.
    static ASTRAY: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The threads the current execution's decisions ran, in order.
pub(crate) fn taken() -> Vec<usize> {
    TAKEN.with(|taken| taken.borrow().clone())
}

/// The decision (0-based) at which the last replay asked for a thread that could not run.
pub(crate) fn astray() -> Option<usize> {
    ASTRAY.with(Cell::get)
}

/// A search whose decisions are kept ([`taken`]), and whose preemptions the record marks.
pub(crate) struct Recording<S>(pub(crate) S);

impl<S: Scheduler> Scheduler for Recording<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        TAKEN.with(|taken| taken.borrow_mut().clear());
        self.0.new_execution()
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        let next = self.0.next_task(runnable, current, is_yielding);
        if let Some(task) = next {
            TAKEN.with(|taken| taken.borrow_mut().push(usize::from(task)));
            // A switch away from a thread that could have gone on is a preemption. The facade's
            // token for a shuttle thread is its task number plus one (`sync::thread::token`).
            let preempted =
                super::shared::could_go_on(runnable, current, is_yielding).filter(|c| *c != task);
            record::switched(usize::from(task) + 1, preempted.map(|c| usize::from(c) + 1));
        }
        next
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}

/// One execution that runs `tasks` in order, and stops where a thread asked for cannot run.
pub(crate) struct Replay {
    tasks: Vec<usize>,
    at: usize,
    started: bool,
}

impl Replay {
    pub(crate) fn new(tasks: Vec<usize>) -> Self {
        ASTRAY.with(|astray| astray.set(None));
        Self {
            tasks,
            at: 0,
            started: false,
        }
    }
}

impl Scheduler for Replay {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.started {
            return None;
        }
        self.started = true;
        Some(Schedule::new(0))
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        _is_yielding: bool,
    ) -> Option<TaskId> {
        let mut ids = runnable.iter().map(|t| t.id());
        let task = match self.tasks.get(self.at) {
            Some(&wanted) => {
                let task = ids.find(|t| usize::from(*t) == wanted);
                if task.is_none() {
                    ASTRAY.with(|astray| astray.set(Some(self.at)));
                }
                task
            }
            // Past the decisions kept (a claim refuted when the program returned, with
            // threads left to finish): the running thread goes on, or the first that can.
            None => {
                let ids: Vec<TaskId> = ids.collect();
                current
                    .filter(|c| ids.contains(c))
                    .or_else(|| ids.first().copied())
            }
        };
        self.at += 1;
        task
    }

    fn next_u64(&mut self) -> u64 {
        0
    }
}
