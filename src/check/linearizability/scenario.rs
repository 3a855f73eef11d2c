//! A scenario: the operations run before the threads start, by each thread, and after they
//! finish; and how a scenario, or a history of one, is shown in columns.

use std::fmt;

use super::history::History;

/// The operations of one check: `init` on the main thread first, then each column of
/// `parallel` on a thread of its own (`Thread-1`, `Thread-2`, ...), all at once, then `post`
/// on the main thread once they have finished.
///
/// Its `Display` shows it in columns, one per thread:
///
/// ```
/// use threadproof::check::Scenario;
///
/// let scenario = Scenario {
///     init: vec!["put(1)"],
///     parallel: vec![vec!["put(2)", "get()"], vec!["get()"]],
///     post: vec!["get()"],
/// };
/// assert_eq!(
///     scenario.to_string(),
///     "\
/// init:    \"put(1)\"
///          Thread-1 | Thread-2
///          \"put(2)\" | \"get()\"
///          \"get()\"  |
/// post:    \"get()\"
/// "
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scenario<Op> {
    /// Run first, on the main thread.
    pub init: Vec<Op>,
    /// One column a thread, run at the same time.
    pub parallel: Vec<Vec<Op>>,
    /// Run last, on the main thread.
    pub post: Vec<Op>,
}

impl<Op> Scenario<Op> {
    /// How many operations it has, in all.
    pub fn len(&self) -> usize {
        self.init.len() + self.parallel.iter().map(Vec::len).sum::<usize>() + self.post.len()
    }

    /// True if it has no operation.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each scenario with one operation fewer, in order: from `init`, each column, then
    /// `post`. A column left empty is dropped, with its thread.
    pub(crate) fn without_one(&self) -> Vec<Scenario<Op>>
    where
        Op: Clone,
    {
        let mut smaller = Vec::new();
        for at in 0..self.init.len() {
            let mut scenario = self.clone();
            scenario.init.remove(at);
            smaller.push(scenario);
        }
        for (column, ops) in self.parallel.iter().enumerate() {
            for at in 0..ops.len() {
                let mut scenario = self.clone();
                scenario.parallel[column].remove(at);
                scenario.parallel.retain(|ops| !ops.is_empty());
                smaller.push(scenario);
            }
        }
        for at in 0..self.post.len() {
            let mut scenario = self.clone();
            scenario.post.remove(at);
            smaller.push(scenario);
        }
        smaller
    }

    /// The thread that runs each column of `parallel`, as the checker names it.
    pub(crate) fn thread(column: usize) -> String {
        format!("Thread-{}", column + 1)
    }
}

/// Scenarios of operations from `op` (a [proptest](https://docs.rs/proptest) strategy):
/// `threads` columns of 1 to `per_thread` operations each, and up to `around` operations
/// before them and up to `around` after. Proptest shrinks a scenario by dropping operations
/// from its ends and its columns (keeping `threads` columns) and by shrinking the operations.
/// With the crate feature `proptest`.
///
/// ```
/// use proptest::prelude::*;
/// use proptest::strategy::ValueTree;
/// use proptest::test_runner::TestRunner;
/// use threadproof::check::scenarios;
///
/// let strategy = scenarios(0u8..4, 2, 3, 1);
/// let scenario = strategy.new_tree(&mut TestRunner::deterministic()).unwrap().current();
/// assert_eq!(scenario.parallel.len(), 2);
/// assert!(scenario.parallel.iter().all(|column| (1..=3).contains(&column.len())));
/// assert!(scenario.init.len() <= 1 && scenario.post.len() <= 1);
/// ```
#[cfg(feature = "proptest")]
pub fn scenarios<S>(
    op: S,
    threads: usize,
    per_thread: usize,
    around: usize,
) -> impl proptest::strategy::Strategy<Value = Scenario<S::Value>>
where
    S: proptest::strategy::Strategy + Clone,
{
    use proptest::collection::vec;
    use proptest::strategy::Strategy;
    (
        vec(op.clone(), 0..=around),
        vec(vec(op.clone(), 1..=per_thread.max(1)), threads),
        vec(op, 0..=around),
    )
        .prop_map(|(init, parallel, post)| Scenario {
            init,
            parallel,
            post,
        })
}

impl<Op: fmt::Debug> fmt::Display for Scenario<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells = |ops: &[Op]| ops.iter().map(|op| format!("{op:?}")).collect();
        columns(
            f,
            cells(&self.init),
            self.parallel.iter().map(|column| cells(column)).collect(),
            cells(&self.post),
        )
    }
}

/// A history of a scenario, shown as the scenario is, each operation with the result it got:
/// `put(2) -> None`.
pub(crate) struct Results<'a, Op, R> {
    pub(crate) scenario: &'a Scenario<Op>,
    pub(crate) history: &'a History<Op, R>,
}

impl<Op: fmt::Debug, R: fmt::Debug> fmt::Display for Results<'_, Op, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The history holds the scenario's operations in its order: init, each column, post.
        let mut cells = self
            .history
            .operations
            .iter()
            .map(|o| format!("{:?} -> {:?}", o.op, o.result));
        let mut take = |n: usize| cells.by_ref().take(n).collect::<Vec<_>>();
        let init = take(self.scenario.init.len());
        let parallel = self
            .scenario
            .parallel
            .iter()
            .map(|column| take(column.len()))
            .collect();
        let post = take(self.scenario.post.len());
        columns(f, init, parallel, post)
    }
}

/// Writes `init`, the columns of `parallel` under their threads' names, and `post`.
fn columns(
    f: &mut fmt::Formatter<'_>,
    init: Vec<String>,
    parallel: Vec<Vec<String>>,
    post: Vec<String>,
) -> fmt::Result {
    const MARGIN: &str = "         ";
    if !init.is_empty() {
        writeln!(f, "init:    {}", init.join(", "))?;
    }
    let heads: Vec<String> = (0..parallel.len()).map(Scenario::<()>::thread).collect();
    let widths: Vec<usize> = parallel
        .iter()
        .zip(&heads)
        .map(|(column, head)| {
            column
                .iter()
                .chain([head])
                .map(String::len)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rows = parallel.iter().map(Vec::len).max().unwrap_or(0);
    let empty = String::new();
    for row in std::iter::once(None).chain((0..rows).map(Some)) {
        let cells: Vec<String> = parallel
            .iter()
            .enumerate()
            .map(|(c, column)| {
                let cell = match row {
                    None => &heads[c],
                    Some(row) => column.get(row).unwrap_or(&empty),
                };
                format!("{cell:<width$}", width = widths[c])
            })
            .collect();
        writeln!(f, "{MARGIN}{}", cells.join(" | ").trim_end())?;
    }
    if !post.is_empty() {
        writeln!(f, "post:    {}", post.join(", "))?;
    }
    Ok(())
}
