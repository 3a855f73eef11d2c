//! The crate's primitives are linearizable: every operation behaves as one atomic step of a
//! sequential model written from CPython's documentation, in every interleaving of its
//! insides (the checks explore them: [`Check::inside_primitives`]). This is what lets a
//! user's check take each operation as one step.
//!
//! Each primitive is checked on [`CASES`] scenarios generated from a fixed seed, each of two
//! threads of two operations, after up to two operations on the main thread and before up to
//! one: a proof of each scenario, under loom and under shuttle. A scenario that fails is
//! minimized, and the test fails with its report.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRng, TestRunner};
use threadproof::check::{Check, Model, Scenario, Search};
use threadproof::linearizability::Linearizability;
use threadproof::queue::{GetError, LifoQueue, PriorityQueue, Queue};
use threadproof::{BoundedSemaphore, Event, Lock, RLock, ReleaseError, Semaphore};

/// How many scenarios each primitive is checked on: fewer under loom, which explores the
/// weaker orderings of the primitives' atomics too, at twenty times the executions.
const CASES: usize = if cfg!(loom) { 4 } else { 24 };

/// What an operation returned, as Python shows it: `None`, `True`, a number, an item, or the
/// exception it raised.
#[derive(Clone, PartialEq)]
enum Out {
    None,
    Bool(bool),
    Number(usize),
    Raised(&'static str),
}

impl fmt::Debug for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Out::None => write!(f, "None"),
            Out::Bool(true) => write!(f, "True"),
            Out::Bool(false) => write!(f, "False"),
            Out::Number(n) => write!(f, "{n}"),
            Out::Raised(exception) => write!(f, "raises {exception}"),
        }
    }
}

/// The exception CPython raises for each release error.
fn raised(result: Result<(), ReleaseError>) -> Out {
    match result {
        Ok(()) => Out::None,
        Err(ReleaseError::Unlocked | ReleaseError::NotOwned) => Out::Raised("RuntimeError"),
        Err(ReleaseError::TooManyReleases | ReleaseError::ZeroCount) => Out::Raised("ValueError"),
        Err(error) => panic!("a release no model allows: {error}"),
    }
}

/// Scenarios of `op`: two threads of two operations each, up to two before, up to one after.
fn scenarios<Op: fmt::Debug + Clone>(op: impl Strategy<Value = Op> + Clone) -> Vec<Scenario<Op>> {
    scenarios_where(op, |_| true)
}

/// The first [`CASES`] scenarios of `op` that `keep` keeps.
fn scenarios_where<Op: fmt::Debug + Clone>(
    op: impl Strategy<Value = Op> + Clone,
    keep: impl Fn(&Scenario<Op>) -> bool,
) -> Vec<Scenario<Op>> {
    let strategy = (
        vec(op.clone(), 0..=2),
        vec(vec(op.clone(), 2), 2),
        vec(op, 0..=1),
    )
        .prop_map(|(init, parallel, post)| Scenario {
            init,
            parallel,
            post,
        });
    let config = Config::default();
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    std::iter::repeat_with(|| strategy.new_tree(&mut runner).unwrap().current())
        .filter(keep)
        .take(CASES)
        .collect()
}

/// Proves every scenario; at the first that fails, fails with its minimized report.
fn prove<M, O>(name: &str, check: Linearizability<M, O>, scenarios: &[Scenario<M::Op>])
where
    M: Model + Send + Sync + 'static,
    M::Op: Send + Sync + 'static,
    M::Result: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    let check = check.check(Check::with_search(Search::PROOF).inside_primitives());
    let (started, mut executions) = (Instant::now(), 0);
    for scenario in scenarios {
        let run = check.run(scenario);
        if !run.holds() || !run.report.is_proof() {
            panic!("{name} is not linearizable:\n{}", check.minimize(scenario));
        }
        executions += run.report.executions;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{name}: {} scenarios, {} executions a scenario, {:.1} scenarios a second",
        scenarios.len(),
        executions / scenarios.len(),
        scenarios.len() as f64 / seconds
    );
}

// ---------------------------------------------------------------------------------------
// The queues: `queue.Queue(2)`, `queue.LifoQueue(2)`, `queue.PriorityQueue(2)`.

/// Which item a get takes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Order {
    Fifo,
    Lifo,
    Priority,
}

/// CPython's `queue` (3.13) with its `mutex` held for each whole operation.
#[derive(Clone, PartialEq, Eq, Hash)]
struct QueueModel {
    order: Order,
    maxsize: usize,
    items: VecDeque<u8>,
    unfinished_tasks: usize,
    is_shutdown: bool,
}

#[derive(Clone, Copy)]
enum QueueOp {
    PutNowait(u8),
    GetNowait,
    Qsize,
    Empty,
    Full,
    TaskDone,
    UnfinishedTasks,
    Shutdown { immediate: bool },
}

impl fmt::Debug for QueueOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueOp::PutNowait(item) => write!(f, "put_nowait({item})"),
            QueueOp::GetNowait => write!(f, "get_nowait()"),
            QueueOp::Qsize => write!(f, "qsize()"),
            QueueOp::Empty => write!(f, "empty()"),
            QueueOp::Full => write!(f, "full()"),
            QueueOp::TaskDone => write!(f, "task_done()"),
            QueueOp::UnfinishedTasks => write!(f, "unfinished_tasks"),
            QueueOp::Shutdown { immediate: false } => write!(f, "shutdown()"),
            QueueOp::Shutdown { immediate: true } => write!(f, "shutdown(immediate=True)"),
        }
    }
}

impl QueueModel {
    fn new(order: Order) -> Self {
        QueueModel {
            order,
            maxsize: 2,
            items: VecDeque::new(),
            unfinished_tasks: 0,
            is_shutdown: false,
        }
    }

    /// `_get()`: the first item put, the last, or the least.
    fn take(&mut self) -> u8 {
        match self.order {
            Order::Fifo => self.items.pop_front(),
            Order::Lifo => self.items.pop_back(),
            Order::Priority => {
                let least = (0..self.items.len()).min_by_key(|&at| self.items[at]);
                least.and_then(|at| self.items.remove(at))
            }
        }
        .expect("take from an empty queue")
    }
}

impl Model for QueueModel {
    type Op = QueueOp;
    type Result = Out;

    fn apply(&mut self, op: &QueueOp) -> Out {
        match *op {
            QueueOp::PutNowait(item) => {
                if self.is_shutdown {
                    Out::Raised("ShutDown")
                } else if self.maxsize > 0 && self.items.len() >= self.maxsize {
                    Out::Raised("Full")
                } else {
                    self.items.push_back(item);
                    self.unfinished_tasks += 1;
                    Out::None
                }
            }
            QueueOp::GetNowait => {
                if self.items.is_empty() {
                    Out::Raised(if self.is_shutdown {
                        "ShutDown"
                    } else {
                        "Empty"
                    })
                } else {
                    Out::Number(self.take().into())
                }
            }
            QueueOp::Qsize => Out::Number(self.items.len()),
            QueueOp::Empty => Out::Bool(self.items.is_empty()),
            QueueOp::Full => Out::Bool(self.maxsize > 0 && self.items.len() >= self.maxsize),
            QueueOp::TaskDone => {
                if self.unfinished_tasks == 0 {
                    Out::Raised("ValueError")
                } else {
                    self.unfinished_tasks -= 1;
                    Out::None
                }
            }
            QueueOp::UnfinishedTasks => Out::Number(self.unfinished_tasks),
            QueueOp::Shutdown { immediate } => {
                self.is_shutdown = true;
                if immediate {
                    while !self.items.is_empty() {
                        self.take();
                        self.unfinished_tasks = self.unfinished_tasks.saturating_sub(1);
                    }
                }
                Out::None
            }
        }
    }
}

fn queue_ops() -> impl Strategy<Value = QueueOp> + Clone {
    prop_oneof![
        3 => (1u8..=3).prop_map(QueueOp::PutNowait),
        3 => Just(QueueOp::GetNowait),
        1 => Just(QueueOp::Qsize),
        1 => Just(QueueOp::Empty),
        1 => Just(QueueOp::Full),
        2 => Just(QueueOp::TaskDone),
        1 => Just(QueueOp::UnfinishedTasks),
        1 => any::<bool>().prop_map(|immediate| QueueOp::Shutdown { immediate }),
    ]
}

/// The three queues' operations, which are inherent methods of each.
trait QueueLike {
    fn apply(&self, op: &QueueOp) -> Out;
}

macro_rules! queue_like {
    ($queue:ty) => {
        impl QueueLike for $queue {
            fn apply(&self, op: &QueueOp) -> Out {
                match *op {
                    QueueOp::PutNowait(item) => match self.put_nowait(item) {
                        Ok(()) => Out::None,
                        Err(error) if error.is_full() => Out::Raised("Full"),
                        Err(_) => Out::Raised("ShutDown"),
                    },
                    QueueOp::GetNowait => match self.get_nowait() {
                        Ok(item) => Out::Number(item.into()),
                        Err(GetError::Empty) => Out::Raised("Empty"),
                        Err(_) => Out::Raised("ShutDown"),
                    },
                    QueueOp::Qsize => Out::Number(self.qsize()),
                    QueueOp::Empty => Out::Bool(self.empty()),
                    QueueOp::Full => Out::Bool(self.full()),
                    QueueOp::TaskDone => match self.task_done() {
                        Ok(()) => Out::None,
                        Err(_) => Out::Raised("ValueError"),
                    },
                    QueueOp::UnfinishedTasks => Out::Number(self.unfinished_tasks()),
                    QueueOp::Shutdown { immediate } => {
                        self.shutdown(immediate);
                        Out::None
                    }
                }
            }
        }
    };
}
queue_like!(Queue<u8>);
queue_like!(LifoQueue<u8>);
queue_like!(PriorityQueue<u8>);

/// The generated scenarios of the queues, and two written by hand: `full()` as the queue fills
/// and empties (a bounded queue is seldom full in the generated ones).
fn queue_scenarios() -> Vec<Scenario<QueueOp>> {
    use QueueOp::{Full, GetNowait, PutNowait};
    let mut scenarios = scenarios(queue_ops());
    scenarios.push(Scenario {
        init: vec![PutNowait(1), PutNowait(2)],
        parallel: vec![vec![Full, GetNowait], vec![Full, PutNowait(3)]],
        post: vec![Full],
    });
    scenarios
}

/// An unbounded queue is never full.
#[test]
fn an_unbounded_queue_is_linearizable() {
    use QueueOp::{Full, GetNowait, PutNowait};
    let model = QueueModel {
        maxsize: 0,
        ..QueueModel::new(Order::Fifo)
    };
    let check = Linearizability::new(model, || Queue::new(0), |queue, op| queue.apply(op));
    let scenario = Scenario {
        init: vec![Full],
        parallel: vec![vec![PutNowait(1), Full], vec![GetNowait, PutNowait(2)]],
        post: vec![Full],
    };
    prove("Queue()", check, &[scenario]);
}

#[test]
fn a_queue_is_linearizable() {
    let check = Linearizability::new(
        QueueModel::new(Order::Fifo),
        || Queue::new(2),
        |queue, op| queue.apply(op),
    );
    prove("Queue(2)", check, &queue_scenarios());
}

#[test]
fn a_lifo_queue_is_linearizable() {
    let check = Linearizability::new(
        QueueModel::new(Order::Lifo),
        || LifoQueue::new(2),
        |queue, op| queue.apply(op),
    );
    prove("LifoQueue(2)", check, &queue_scenarios());
}

#[test]
fn a_priority_queue_is_linearizable() {
    let check = Linearizability::new(
        QueueModel::new(Order::Priority),
        || PriorityQueue::new(2),
        |queue, op| queue.apply(op),
    );
    prove("PriorityQueue(2)", check, &queue_scenarios());
}

// ---------------------------------------------------------------------------------------
// The semaphores: `threading.Semaphore(1)` and `threading.BoundedSemaphore(1)`.

/// CPython's semaphore: its value, and for a bounded one the initial value it may not pass.
#[derive(Clone, PartialEq, Eq, Hash)]
struct SemaphoreModel {
    value: usize,
    bound: Option<usize>,
}

#[derive(Clone, Copy)]
enum SemaphoreOp {
    TryAcquire,
    Release,
    ReleaseN(usize),
    Value,
}

impl fmt::Debug for SemaphoreOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SemaphoreOp::TryAcquire => write!(f, "acquire(blocking=False)"),
            SemaphoreOp::Release => write!(f, "release()"),
            SemaphoreOp::ReleaseN(n) => write!(f, "release({n})"),
            SemaphoreOp::Value => write!(f, "_value"),
        }
    }
}

impl Model for SemaphoreModel {
    type Op = SemaphoreOp;
    type Result = Out;

    fn apply(&mut self, op: &SemaphoreOp) -> Out {
        match *op {
            SemaphoreOp::TryAcquire => {
                let acquired = self.value > 0;
                self.value -= usize::from(acquired);
                Out::Bool(acquired)
            }
            SemaphoreOp::Release => self.apply(&SemaphoreOp::ReleaseN(1)),
            SemaphoreOp::ReleaseN(0) => Out::Raised("ValueError"),
            SemaphoreOp::ReleaseN(n) => {
                if self.bound.is_some_and(|bound| self.value + n > bound) {
                    Out::Raised("ValueError")
                } else {
                    self.value += n;
                    Out::None
                }
            }
            SemaphoreOp::Value => Out::Number(self.value),
        }
    }
}

fn semaphore_ops() -> impl Strategy<Value = SemaphoreOp> + Clone {
    prop_oneof![
        3 => Just(SemaphoreOp::TryAcquire),
        2 => Just(SemaphoreOp::Release),
        1 => (0usize..=2).prop_map(SemaphoreOp::ReleaseN),
        1 => Just(SemaphoreOp::Value),
    ]
}

#[test]
fn a_semaphore_is_linearizable() {
    let model = SemaphoreModel {
        value: 1,
        bound: None,
    };
    let check = Linearizability::new(
        model,
        || Semaphore::new(1),
        |semaphore, op| match *op {
            SemaphoreOp::TryAcquire => Out::Bool(semaphore.try_acquire()),
            SemaphoreOp::Release => {
                semaphore.release();
                Out::None
            }
            SemaphoreOp::ReleaseN(n) => raised(semaphore.release_n(n)),
            SemaphoreOp::Value => Out::Number(semaphore.value()),
        },
    );
    prove("Semaphore(1)", check, &scenarios(semaphore_ops()));
}

#[test]
fn a_bounded_semaphore_is_linearizable() {
    let model = SemaphoreModel {
        value: 1,
        bound: Some(1),
    };
    let check = Linearizability::new(
        model,
        || BoundedSemaphore::new(1),
        |semaphore, op| match *op {
            SemaphoreOp::TryAcquire => Out::Bool(semaphore.try_acquire()),
            SemaphoreOp::Release => raised(semaphore.release()),
            SemaphoreOp::ReleaseN(n) => raised(semaphore.release_n(n)),
            SemaphoreOp::Value => Out::Number(semaphore.value()),
        },
    );
    prove("BoundedSemaphore(1)", check, &scenarios(semaphore_ops()));
}

// ---------------------------------------------------------------------------------------
// `threading.Event()`.

/// CPython's event: its flag. A timed wait returns the flag: `True` at once if it is set,
/// and otherwise `True` if it is set before the wait times out. Under any timing the wait may
/// time out wherever it waits, so the model answers the flag at the point the wait takes
/// effect.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
struct EventModel(bool);

#[derive(Clone, Copy)]
enum EventOp {
    Set,
    Clear,
    IsSet,
    WaitTimeout,
}

impl fmt::Debug for EventOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EventOp::Set => "set()",
            EventOp::Clear => "clear()",
            EventOp::IsSet => "is_set()",
            EventOp::WaitTimeout => "wait(timeout=0.1)",
        })
    }
}

impl Model for EventModel {
    type Op = EventOp;
    type Result = Out;

    fn apply(&mut self, op: &EventOp) -> Out {
        match op {
            EventOp::Set => {
                self.0 = true;
                Out::None
            }
            EventOp::Clear => {
                self.0 = false;
                Out::None
            }
            EventOp::IsSet | EventOp::WaitTimeout => Out::Bool(self.0),
        }
    }
}

#[test]
fn an_event_is_linearizable() {
    let ops = prop_oneof![
        Just(EventOp::Set),
        Just(EventOp::Clear),
        Just(EventOp::IsSet),
        Just(EventOp::WaitTimeout),
    ];
    let check = Linearizability::new(EventModel::default(), Event::new, |event, op| match op {
        EventOp::Set => {
            event.set();
            Out::None
        }
        EventOp::Clear => {
            event.clear();
            Out::None
        }
        EventOp::IsSet => Out::Bool(event.is_set()),
        EventOp::WaitTimeout => Out::Bool(event.wait_timeout(Duration::from_millis(100))),
    });
    // A timed wait is explored timing out at every point it waits: one is costly enough.
    let one_wait = |scenario: &Scenario<EventOp>| {
        let waits = |ops: &[EventOp]| {
            ops.iter()
                .filter(|op| matches!(op, EventOp::WaitTimeout))
                .count()
        };
        waits(&scenario.init) + waits(&scenario.post) == 0
            && scenario
                .parallel
                .iter()
                .map(|column| waits(column))
                .sum::<usize>()
                <= 1
    };
    prove("Event", check, &scenarios_where(ops, one_wait));
}

// ---------------------------------------------------------------------------------------
// `threading.Lock()` and `threading.RLock()`.

/// CPython's lock: held or not, by any thread (any thread may release it).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
struct LockModel(bool);

#[derive(Clone, Copy)]
enum LockOp {
    TryAcquire,
    Release,
    Locked,
    /// `_is_owned()`, of an `RLock` only.
    IsOwned,
}

impl fmt::Debug for LockOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockOp::TryAcquire => "acquire(blocking=False)",
            LockOp::Release => "release()",
            LockOp::Locked => "locked()",
            LockOp::IsOwned => "_is_owned()",
        })
    }
}

impl Model for LockModel {
    type Op = LockOp;
    type Result = Out;

    fn apply(&mut self, op: &LockOp) -> Out {
        match op {
            LockOp::TryAcquire => Out::Bool(!std::mem::replace(&mut self.0, true)),
            LockOp::Release if self.0 => {
                self.0 = false;
                Out::None
            }
            LockOp::Release => Out::Raised("RuntimeError"),
            LockOp::Locked => Out::Bool(self.0),
            LockOp::IsOwned => unreachable!("a Lock has no owner"),
        }
    }
}

#[test]
fn a_lock_is_linearizable() {
    let ops = prop_oneof![
        Just(LockOp::TryAcquire),
        Just(LockOp::Release),
        Just(LockOp::Locked)
    ];
    let check = Linearizability::new(LockModel::default(), Lock::new, |lock, op| match op {
        LockOp::TryAcquire => Out::Bool(lock.try_acquire()),
        LockOp::Release => raised(lock.release()),
        LockOp::Locked => Out::Bool(lock.locked()),
        LockOp::IsOwned => unreachable!("a Lock has no owner"),
    });
    prove("Lock", check, &scenarios(ops));
}

/// An operation of the thread that runs it: 0 is the main thread (the scenario's `init` and
/// `post`), `n` is `Thread-n`. The model needs it, as an `RLock` knows its owner.
#[derive(Clone, Copy)]
struct ByThread {
    thread: usize,
    op: LockOp,
}

impl fmt::Debug for ByThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.op.fmt(f)
    }
}

/// Each operation of `scenario` with the thread that runs it.
fn by_thread(scenario: Scenario<LockOp>) -> Scenario<ByThread> {
    let on = |thread: usize| move |op| ByThread { thread, op };
    Scenario {
        init: scenario.init.into_iter().map(on(0)).collect(),
        parallel: (scenario.parallel.into_iter().enumerate())
            .map(|(at, column)| column.into_iter().map(on(at + 1)).collect())
            .collect(),
        post: scenario.post.into_iter().map(on(0)).collect(),
    }
}

/// CPython's reentrant lock: its owner and how many times the owner holds it.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
struct RLockModel {
    owner: Option<usize>,
    count: usize,
}

impl Model for RLockModel {
    type Op = ByThread;
    type Result = Out;

    fn apply(&mut self, &ByThread { thread, op }: &ByThread) -> Out {
        let owned = self.owner == Some(thread);
        match op {
            LockOp::TryAcquire if owned || self.owner.is_none() => {
                self.owner = Some(thread);
                self.count += 1;
                Out::Bool(true)
            }
            LockOp::TryAcquire => Out::Bool(false),
            LockOp::Release if owned => {
                self.count -= 1;
                if self.count == 0 {
                    self.owner = None;
                }
                Out::None
            }
            LockOp::Release => Out::Raised("RuntimeError"),
            LockOp::Locked => Out::Bool(self.owner.is_some()),
            LockOp::IsOwned => Out::Bool(owned),
        }
    }
}

#[test]
fn an_rlock_is_linearizable() {
    let ops = prop_oneof![
        2 => Just(LockOp::TryAcquire),
        2 => Just(LockOp::Release),
        1 => Just(LockOp::Locked),
        1 => Just(LockOp::IsOwned),
    ];
    let check = Linearizability::new(RLockModel::default(), RLock::new, |lock, op| match op.op {
        LockOp::TryAcquire => Out::Bool(lock.try_acquire()),
        LockOp::Release => raised(lock.release()),
        LockOp::Locked => Out::Bool(lock.locked()),
        LockOp::IsOwned => Out::Bool(lock.is_owned()),
    });
    let scenarios = scenarios(ops)
        .into_iter()
        .map(by_thread)
        .collect::<Vec<_>>();
    prove("RLock", check, &scenarios);
}

/// The size a user checks a wrapper of the queue at: two threads of three operations, one
/// before and one after. Proved with each operation one step (as a user's check takes it) and
/// with the queue's insides explored; prints the executions and the time each took.
#[test]
fn a_queue_scenario_of_two_threads_of_three_operations() {
    use QueueOp::{GetNowait, PutNowait, Qsize, TaskDone};
    let scenario = Scenario {
        init: vec![PutNowait(1)],
        parallel: vec![
            vec![PutNowait(2), GetNowait, Qsize],
            vec![GetNowait, PutNowait(3), TaskDone],
        ],
        post: vec![GetNowait],
    };
    for inside in [false, true] {
        let check = Check::with_search(Search::PROOF);
        let check = if inside {
            check.inside_primitives()
        } else {
            check
        };
        let run = Linearizability::new(
            QueueModel::new(Order::Fifo),
            || Queue::new(2),
            |queue, op| queue.apply(op),
        )
        .check(check)
        .run(&scenario);
        assert!(run.holds() && run.report.is_proof(), "{run}");
        println!(
            "Queue(2), 2 threads x 3 operations, {}: {} executions in {:.2} s",
            if inside {
                "its insides explored"
            } else {
                "each operation one step"
            },
            run.report.executions,
            run.report.elapsed.as_secs_f64()
        );
    }
}
