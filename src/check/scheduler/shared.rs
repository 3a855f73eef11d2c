//! What the schedulers share, and what the checker reads of them: the counts a search keeps
//! for the report, and whether a thread is inside an operation of a primitive.

/// What a search counts for the report, besides what the executions report themselves.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// Executions the reducing search stopped early because every thread that could run had
    /// been explored there already, to the same effect (sleep-set blocked), before the program
    /// returned: they reach no outcome.
    pub(crate) sleep_set_blocked: std::sync::atomic::AtomicUsize,
    /// Executions that belong to another part of a split search: run only up to where that
    /// was known, they are not this part's (see `check::runtime::part`).
    pub(crate) elsewhere: std::sync::atomic::AtomicUsize,
}

/// The thread that ran last, if it could go on: it can run and did not yield. Running another
/// thread in its place is a preemption.
#[cfg(shuttle)]
pub(super) fn could_go_on(
    runnable: &[&shuttle::scheduler::Task],
    current: Option<shuttle::scheduler::TaskId>,
    is_yielding: bool,
) -> Option<shuttle::scheduler::TaskId> {
    current.filter(|c| !is_yielding && runnable.iter().any(|t| t.id() == *c))
}

/// The thread that ran last, if it is inside an operation of a primitive and can go on: a
/// scheduler of ours that keeps each operation whole runs it on (see
/// [`Check::inside_primitives`](crate::check::Check::inside_primitives)).
#[cfg(shuttle)]
pub(super) fn inside_operation(
    runnable: &[&shuttle::scheduler::Task],
    current: Option<shuttle::scheduler::TaskId>,
    is_yielding: bool,
) -> Option<shuttle::scheduler::TaskId> {
    use crate::check::runtime::access;
    could_go_on(runnable, current, is_yielding)
        .filter(|c| !access::may_switch_from(usize::from(*c) + 1))
}
