//! Linearizability checked as Lincheck checks it: a [`Scenario`] of operations run on a
//! concurrent object under the configured checker, over every interleaving, and each
//! execution's history searched for an order that the object's sequential [`Model`] explains
//! ([`linearizable`]).
//!
//! The model, the history and the search are in [`check`](crate::check), which runs no
//! threads; this module runs the scenario's threads, through the facade
//! ([`sync::thread`](crate::sync::thread)).
//!
//! # Blocking operations
//!
//! - An operation that cannot block in the scenario (`get_nowait`, `put` on an unbounded
//!   queue) is checked as it is.
//! - An operation with a timeout returns either its result or its timeout (`Empty`, `Full`,
//!   `false`): under any timing a timed wait may time out whenever it waits
//!   ([`Timing::Any`](crate::check::Timing::Any)), so the model must answer the timeout
//!   wherever the operation would have to wait, and the result elsewhere, as a sequential
//!   `get(timeout=...)` does. An object that times out although it could have gone on at
//!   every point of the call is then not linearizable.
//! - An operation that blocks (`get()` on an empty queue, `put` on a full one) and returns is
//!   checked where it can go on: the model says where it would block
//!   ([`Model::blocks`]), and the search places it only at a point of its interval where it
//!   does not. This is linearizability of the completed operations, which says nothing about
//!   which of several waiting operations goes first.
//! - An operation that blocks for ever, in some execution, makes that execution stuck: the
//!   checker reports it as it reports any program, with the verdict
//!   [`Hangs`](crate::check::Verdict::Hangs) (or [`Deadlocks`](crate::check::Verdict::Deadlocks))
//!   and the waiting threads, and there is no history to check. A scenario with blocking
//!   operations must let each of them finish in every interleaving.
//!
//! Lincheck's dual data structures (a blocked `get` split into a request, when it starts to
//! wait, and a follow-up, when it is served, so that waiters are served in the order they came)
//! are not supported: a [`Model`] answers an operation in one step, and the record has no
//! point at which an operation starts to wait; the order in which waiters are served is
//! checked only as far as it shows in the results.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::check::runtime::record::{self, Step};
use crate::check::{
    linearizable, Check, History, Model, NotLinearizable, Operation, Report, Results, Scenario,
    Verdict,
};
use crate::sync::{self, thread};

/// The operation on the concurrent object: `apply(&object, &op)`.
type Apply<O, Op, R> = dyn Fn(&O, &Op) -> R + Send + Sync;

/// A linearizability check: a sequential [`Model`], a concurrent object that claims to be
/// it, and how to run each operation on the object. [`Linearizability::run`] runs a
/// [`Scenario`] under the configured checker ([`Check::new`], or the [`Check`] given to
/// [`Linearizability::check`]); its claim is that every execution's history is
/// [`linearizable`].
///
/// Each execution makes a new object, runs `init` on the main thread, each column of
/// `parallel` on a thread of its own ([`sync::thread`](crate::sync::thread), the object shared
/// through [`sync::Arc`](crate::sync::Arc)), then `post`; it records when each operation was
/// invoked and when it returned. Under loom and shuttle every thread runs on one
/// operating-system thread, one step at a time, so the record, which is no primitive of the
/// checker's, has the execution's own order. Each invocation and each response is a step of
/// the checker's too (not shown in the trace): both checkers reduce the interleavings they
/// explore to one order of steps that touch nothing in common, and without those steps the
/// order of one thread's response and another's invocation would be such an order, explored
/// one way only. They also make an operation invoked after another returned happen after it:
/// otherwise loom lets the later operation's loads read values the earlier one had
/// overwritten, and a correct object would look not linearizable.
/// On real threads the record takes a number from a shared counter before each
/// call and after it: a stress test of many runs, and no proof.
///
/// The model, its operations and their results must be `Send + Sync + 'static` to be shared
/// with the execution's threads.
///
/// ```
/// use std::collections::VecDeque;
/// use threadproof::check::{Checker, Model, Scenario, Verdict};
/// use threadproof::linearizability::Linearizability;
/// use threadproof::Mutex;
///
/// /// A counter: `true` adds one and returns the count before, `false` reads it.
/// #[derive(Clone, PartialEq, Eq, Hash)]
/// struct Counter(u8);
///
/// impl Model for Counter {
///     type Op = bool;
///     type Result = u8;
///     fn apply(&mut self, add: &bool) -> u8 {
///         let before = self.0;
///         self.0 += u8::from(*add);
///         before
///     }
/// }
///
/// // A counter that reads under the lock and writes under it again: it loses updates.
/// let report = Linearizability::new(
///     Counter(0),
///     || Mutex::new(0u8),
///     |count, add| {
///         let before = *count.lock();
///         if *add {
///             *count.lock() = before + 1;
///         }
///         before
///     },
/// )
/// .run(&Scenario {
///     init: vec![],
///     parallel: vec![vec![true], vec![true]],
///     post: vec![false],
/// });
/// if Checker::CURRENT.is_model_checker() {
///     assert_eq!(report.report.verdict, Verdict::Violated);
///     assert_eq!(
///         report.why.unwrap().to_string(),
///         "no order of the operations explains their results: the longest order that \
///          explains some of them is `true -> 0` in Thread-1, and after it can come only \
///          `true -> 0` in Thread-2, which the model answers with `1`; `false -> 1` in \
///          MainThread was invoked after `true -> 0` in Thread-2 returned"
///     );
/// }
/// ```
pub struct Linearizability<M: Model, O> {
    model: M,
    object: Arc<dyn Fn() -> O + Send + Sync>,
    apply: Arc<Apply<O, M::Op, M::Result>>,
    check: Check,
}

impl<M, O> Linearizability<M, O>
where
    M: Model + Send + Sync + 'static,
    M::Op: Send + Sync + 'static,
    M::Result: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    /// A check that `object()` behaves as `model`, running each operation with `apply`.
    pub fn new(
        model: M,
        object: impl Fn() -> O + Send + Sync + 'static,
        apply: impl Fn(&O, &M::Op) -> M::Result + Send + Sync + 'static,
    ) -> Self {
        Linearizability {
            model,
            object: Arc::new(object),
            apply: Arc::new(apply),
            check: Check::new(),
        }
    }

    /// Runs the scenarios with `check` (its search, timing and limits) instead of
    /// [`Check::new`].
    pub fn check(mut self, check: Check) -> Self {
        self.check = check;
        self
    }

    /// Runs `scenario` under the checker, and checks every execution's history.
    pub fn run(&self, scenario: &Scenario<M::Op>) -> LinearizabilityReport<M::Op, M::Result> {
        let failures: Arc<Mutex<Vec<Failure<M>>>> = Arc::default();
        let program = {
            let (object, apply) = (Arc::clone(&self.object), Arc::clone(&self.apply));
            let scenario = scenario.clone();
            move || Outcome {
                scenario: scenario.clone(),
                history: execute(&*object, &apply, &scenario),
            }
        };
        let claim = {
            let (model, failures) = (self.model.clone(), Arc::clone(&failures));
            move |outcome: &Outcome<M::Op, M::Result>| match linearizable(&model, &outcome.history)
            {
                Ok(_) => true,
                Err(why) => {
                    let failure = (record::steps(), outcome.history.clone(), why);
                    failures
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(failure);
                    false
                }
            }
        };
        let report = self.check.run_claim(program, claim);
        let mut failures = std::mem::take(&mut *failures.lock().unwrap_or_else(|e| e.into_inner()));
        // The history of the execution the report shows: the one with its steps (on real
        // threads, where nothing is recorded, the first).
        let shown = report.counterexample.as_ref().and_then(|counterexample| {
            let at = failures
                .iter()
                .position(|(steps, _, _)| *steps == counterexample.steps)?;
            Some(failures.swap_remove(at))
        });
        let (history, why) = match shown {
            Some((_, history, why)) => (Some(history), Some(why)),
            None => (None, None),
        };
        LinearizabilityReport {
            scenario: scenario.clone(),
            report,
            history,
            why,
        }
    }
}

impl<M: Model, O> fmt::Debug for Linearizability<M, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Linearizability")
            .field("check", &self.check)
            .finish_non_exhaustive()
    }
}

impl<M, O> Linearizability<M, O>
where
    M: Model + Send + Sync + 'static,
    M::Op: Send + Sync + 'static,
    M::Result: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    /// Runs `scenario` and, if it fails, drops its operations one at a time while it still
    /// fails with the same verdict, until dropping any one would make it hold (or fail
    /// otherwise): returns the report of the smallest scenario found, or of `scenario` if it
    /// holds. A column left empty is dropped with its thread.
    ///
    /// Each try is a whole check of a smaller scenario. Under a model checker the verdict of
    /// each is certain (within the search's bound); on real threads a try may hold by chance,
    /// and the scenario found is then larger than it could be.
    ///
    /// ```
    /// use threadproof::check::{Checker, Model, Scenario};
    /// use threadproof::linearizability::Linearizability;
    /// use threadproof::sync::atomic::{AtomicU8, Ordering};
    ///
    /// /// A counter whose only operation adds one and returns the count before.
    /// #[derive(Clone, PartialEq, Eq, Hash)]
    /// struct Counter(u8);
    ///
    /// impl Model for Counter {
    ///     type Op = ();
    ///     type Result = u8;
    ///     fn apply(&mut self, _: &()) -> u8 {
    ///         self.0 += 1;
    ///         self.0 - 1
    ///     }
    /// }
    ///
    /// // It reads and writes apart, and loses updates.
    /// let check = Linearizability::new(Counter(0), || AtomicU8::new(0), |count, _| {
    ///     let before = count.load(Ordering::SeqCst);
    ///     count.store(before + 1, Ordering::SeqCst);
    ///     before
    /// });
    /// let smallest = check.minimize(&Scenario {
    ///     init: vec![(), ()],
    ///     parallel: vec![vec![(), ()], vec![()], vec![()]],
    ///     post: vec![()],
    /// });
    /// if Checker::CURRENT.is_model_checker() {
    ///     // Two adds, one a thread.
    ///     assert_eq!(
    ///         smallest.scenario,
    ///         Scenario { init: vec![], parallel: vec![vec![()], vec![()]], post: vec![] }
    ///     );
    ///     assert!(smallest.why.is_some());
    /// }
    /// ```
    pub fn minimize(&self, scenario: &Scenario<M::Op>) -> LinearizabilityReport<M::Op, M::Result> {
        let mut smallest = self.run(scenario);
        if smallest.holds() {
            return smallest;
        }
        let verdict = smallest.report.verdict;
        'smaller: loop {
            for candidate in smallest.scenario.without_one() {
                let run = self.run(&candidate);
                if run.report.verdict == verdict {
                    smallest = run;
                    continue 'smaller;
                }
            }
            return smallest;
        }
    }

    /// Runs `cases` scenarios from `scenarios` (see [`check::scenarios`](crate::check::scenarios)),
    /// each under the checker, from a fixed seed. Returns how many held, all of them; or, at
    /// the first that fails, the report of the smallest failing scenario: proptest's
    /// shrinking first, then [`Linearizability::minimize`]. With the crate feature `proptest`.
    ///
    /// ```
    /// use proptest::prelude::*;
    /// use threadproof::check::{scenarios, Checker, Model};
    /// use threadproof::linearizability::Linearizability;
    /// use threadproof::Mutex;
    ///
    /// /// A register: `Some(n)` writes n and returns `None`; `None` reads.
    /// #[derive(Clone, PartialEq, Eq, Hash)]
    /// struct Register(u8);
    ///
    /// impl Model for Register {
    ///     type Op = Option<u8>;
    ///     type Result = Option<u8>;
    ///     fn apply(&mut self, op: &Option<u8>) -> Option<u8> {
    ///         match op {
    ///             Some(n) => {
    ///                 self.0 = *n;
    ///                 None
    ///             }
    ///             None => Some(self.0),
    ///         }
    ///     }
    /// }
    ///
    /// let check = Linearizability::new(Register(0), || Mutex::new(0u8), |register, op| match op {
    ///     Some(n) => {
    ///         *register.lock() = *n;
    ///         None
    ///     }
    ///     None => Some(*register.lock()),
    /// });
    /// let ops = prop_oneof![(1u8..3).prop_map(Some), Just(None)];
    /// assert_eq!(check.run_generated(scenarios(ops, 2, 2, 1), 10).unwrap(), 10);
    /// ```
    #[cfg(feature = "proptest")]
    pub fn run_generated(
        &self,
        scenarios: impl proptest::strategy::Strategy<Value = Scenario<M::Op>>,
        cases: u32,
    ) -> Result<u32, Box<ReportOf<M>>> {
        use proptest::test_runner::{Config, TestCaseError, TestError, TestRng, TestRunner};
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::deterministic_rng(config.rng_algorithm);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let verdict = std::cell::Cell::new(None);
        let outcome = runner.run(&scenarios, |scenario| {
            let run = self.run(&scenario);
            // Proptest shrinks to a scenario that fails as the first did.
            let first = verdict.get().unwrap_or(run.report.verdict);
            if run.holds() || run.report.verdict != first {
                Ok(())
            } else {
                verdict.set(Some(first));
                Err(TestCaseError::fail(run.report.verdict.to_string()))
            }
        });
        match outcome {
            Ok(()) => Ok(cases),
            Err(TestError::Fail(_, scenario)) => Err(Box::new(self.minimize(&scenario))),
            Err(TestError::Abort(reason)) => panic!("proptest gave up: {reason}"),
        }
    }
}

/// The report of a check of `M`.
#[cfg(feature = "proptest")]
type ReportOf<M> = LinearizabilityReport<<M as Model>::Op, <M as Model>::Result>;

/// What a check's steps, history and reason were, for an execution without a linearization.
type Failure<M> = (
    Vec<Step>,
    History<<M as Model>::Op, <M as Model>::Result>,
    NotLinearizable<<M as Model>::Result>,
);

/// Runs `scenario` on a new object: one execution.
fn execute<O, Op, R>(
    object: &(dyn Fn() -> O + Send + Sync),
    apply: &Arc<Apply<O, Op, R>>,
    scenario: &Scenario<Op>,
) -> History<Op, R>
where
    O: Send + Sync + 'static,
    Op: Clone + Send + Sync + 'static,
    R: Send + 'static,
{
    let object = Arc::new(object());
    // The order of invocations and responses. No primitive of the checker's: under loom and
    // shuttle only one thread runs at a time, and taking a number is no step.
    let clock = Arc::new(AtomicUsize::new(0));
    // Each number is taken at a step of the checker's, which the trace does not show: a search
    // that reorders only related steps still explores each order of a response and an
    // invocation on other threads (the real-time order the history is checked against), and
    // under a weak memory model an operation invoked after another returned sees what it did.
    let real_time = Arc::new(sync::RealTime::new());
    let call = {
        let (object, apply, clock) = (Arc::clone(&object), Arc::clone(apply), Arc::clone(&clock));
        move |thread: &str, op: &Op| {
            let invoked = real_time.invocation(|| clock.fetch_add(1, Ordering::SeqCst));
            let result = apply(&object, op);
            let returned = real_time.response(|| clock.fetch_add(1, Ordering::SeqCst));
            Operation {
                thread: thread.to_owned(),
                invoked,
                returned,
                op: op.clone(),
                result,
            }
        }
    };
    let call = Arc::new(call);
    let mut operations: Vec<Operation<Op, R>> = scenario
        .init
        .iter()
        .map(|op| call("MainThread", op))
        .collect();
    let threads: Vec<_> = scenario
        .parallel
        .iter()
        .enumerate()
        .map(|(column, ops)| {
            let (call, ops) = (Arc::clone(&call), ops.clone());
            let name = Scenario::<Op>::thread(column);
            thread::Builder::new()
                .name(name.clone())
                .spawn(move || ops.iter().map(|op| call(&name, op)).collect::<Vec<_>>())
                .expect("the checker refused a thread")
        })
        .collect();
    for thread in threads {
        operations.extend(thread.join().expect("an operation panicked"));
    }
    operations.extend(scenario.post.iter().map(|op| call("MainThread", op)));
    History { operations }
}

/// What an execution reached: its history. Its `Debug`, the outcome a report counts, is each
/// thread's operations with their results.
struct Outcome<Op, R> {
    scenario: Scenario<Op>,
    history: History<Op, R>,
}

impl<Op: fmt::Debug, R: fmt::Debug> fmt::Debug for Outcome<Op, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut operations = self.history.operations.iter();
        let mut part = |name: String, n: usize| {
            let results: Vec<String> = operations
                .by_ref()
                .take(n)
                .map(|o| format!("{:?} -> {:?}", o.op, o.result))
                .collect();
            (n > 0).then(|| format!("{name}: {}", results.join(", ")))
        };
        let mut parts = vec![part("init".to_owned(), self.scenario.init.len())];
        for (column, ops) in self.scenario.parallel.iter().enumerate() {
            parts.push(part(Scenario::<Op>::thread(column), ops.len()));
        }
        parts.push(part("post".to_owned(), self.scenario.post.len()));
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        f.write_str(&parts.join("; "))
    }
}

/// What [`Linearizability::run`] found: the checker's [`Report`] and, when an execution's
/// history has no linearization, that history and why.
///
/// Its `Display` shows the scenario in columns, one per thread, each operation with the
/// result it got in the counterexample; the sentence that says why no order explains them;
/// and the report, with the interleaving that produced them.
#[derive(Clone, Debug)]
pub struct LinearizabilityReport<Op, R> {
    /// The scenario run.
    pub scenario: Scenario<Op>,
    /// The checker's report: its verdict is [`Verdict::Violated`] when an execution's
    /// history has no linearization, and its counterexample is that execution.
    pub report: Report,
    /// The counterexample's history, when it has no linearization.
    pub history: Option<History<Op, R>>,
    /// Why it has none.
    pub why: Option<NotLinearizable<R>>,
}

impl<Op, R> LinearizabilityReport<Op, R> {
    /// True if every execution explored was linearizable, and finished.
    pub fn holds(&self) -> bool {
        self.report.verdict == Verdict::Holds
    }
}

impl<Op: fmt::Debug, R: fmt::Debug> fmt::Display for LinearizabilityReport<Op, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.history, &self.why) {
            (Some(history), Some(why)) => {
                writeln!(f, "not linearizable:")?;
                write!(
                    f,
                    "{}",
                    Results {
                        scenario: &self.scenario,
                        history
                    }
                )?;
                writeln!(f, "why: {why}")?;
            }
            _ => {
                writeln!(f, "scenario:")?;
                write!(f, "{}", self.scenario)?;
            }
        }
        write!(f, "{}", self.report)
    }
}

/// On real threads, where the check is a stress test: each run's history is checked, and a
/// history without a linearization is the counterexample.
#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::Linearizability;
    use crate::check::{Check, Model, Scenario, Verdict};
    use crate::Mutex;
    use std::collections::VecDeque;

    /// A FIFO queue: `Some(item)` puts it and returns `None`, `None` gets the head.
    #[derive(Clone, Default, PartialEq, Eq, Hash)]
    struct Fifo(VecDeque<u8>);

    impl Model for Fifo {
        type Op = Option<u8>;
        type Result = Option<u8>;
        fn apply(&mut self, op: &Option<u8>) -> Option<u8> {
            match op {
                Some(item) => {
                    self.0.push_back(*item);
                    None
                }
                None => self.0.pop_front(),
            }
        }
    }

    /// A deque behind a lock, taken from the back (`lifo`) or the front.
    fn deque(lifo: bool) -> Linearizability<Fifo, Mutex<VecDeque<u8>>> {
        Linearizability::new(
            Fifo::default(),
            || Mutex::new(VecDeque::new()),
            move |deque, op| match op {
                Some(item) => {
                    deque.lock().push_back(*item);
                    None
                }
                None if lifo => deque.lock().pop_back(),
                None => deque.lock().pop_front(),
            },
        )
        .check(Check::new().runs(200))
    }

    #[test]
    fn a_locked_deque_taken_from_the_front_holds_in_every_run() {
        let run = deque(false).run(&Scenario {
            init: vec![Some(1)],
            parallel: vec![vec![Some(2), None], vec![None, Some(3)], vec![None]],
            post: vec![None],
        });
        assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
        assert_eq!(run.report.executions, 200);
        assert!(!run.report.is_proof());
    }

    #[test]
    fn a_deque_taken_from_the_back_is_no_fifo_queue_in_the_first_run() {
        let run = deque(true).run(&Scenario {
            init: vec![Some(1), Some(2)],
            parallel: vec![vec![None]],
            post: vec![],
        });
        assert_eq!(run.report.verdict, Verdict::Violated, "{run}");
        assert_eq!(run.report.executions, 1);
        let history = run.history.as_ref().expect("the history");
        assert_eq!(history.operations[2].result, Some(2));
        assert_eq!(
            run.why.as_ref().expect("why").to_string(),
            "no order of the operations explains their results: the longest order that \
             explains some of them is `Some(1) -> None` in MainThread, `Some(2) -> None` in \
             MainThread, and after it can come only `None -> Some(2)` in Thread-1, which the \
             model answers with `Some(1)`"
        );
        // On real threads invocations and responses are numbered in real order.
        let numbers: Vec<(usize, usize)> = history
            .operations
            .iter()
            .map(|o| (o.invoked, o.returned))
            .collect();
        assert_eq!(numbers, [(0, 1), (2, 3), (4, 5)]);
    }
}
