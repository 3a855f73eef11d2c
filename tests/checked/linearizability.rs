//! Linearizability over every interleaving: a queue behind one lock is a FIFO queue; a queue
//! whose `get` reads the head and removes it in two locked steps is not, and neither is a
//! counter that reads and writes apart. Each check is a proof under loom and shuttle.

use std::collections::VecDeque;
use std::fmt;

use threadproof::check::{Check, Model, Scenario, Search, Verdict};
use threadproof::linearizability::Linearizability;
use threadproof::queue::{GetError, Queue};
use threadproof::sync::atomic::{AtomicU8, Ordering};
use threadproof::Mutex;

/// Python's `queue.Queue()` with `put` and `get_nowait`, one at a time.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
struct Fifo(VecDeque<u8>);

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Put(u8),
    GetNowait,
    /// `get()`, which blocks while the queue is empty.
    Get,
    /// `get(timeout=0.1)`.
    GetTimeout,
}
use Op::{Get, GetNowait, GetTimeout, Put};

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Put(item) => write!(f, "put({item})"),
            GetNowait => write!(f, "get_nowait()"),
            Get => write!(f, "get()"),
            GetTimeout => write!(f, "get(timeout=0.1)"),
        }
    }
}

/// What an operation returned, as Python shows it: `None`, the item got, or `Empty` (raised).
#[derive(Clone, Copy, PartialEq)]
enum Got {
    Nothing,
    Item(u8),
    Empty,
}

impl fmt::Debug for Got {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Got::Nothing => write!(f, "None"),
            Got::Item(item) => write!(f, "{item}"),
            Got::Empty => write!(f, "Empty"),
        }
    }
}

impl Model for Fifo {
    type Op = Op;
    type Result = Got;
    fn apply(&mut self, op: &Op) -> Got {
        match op {
            Put(item) => {
                self.0.push_back(*item);
                Got::Nothing
            }
            GetNowait | Get | GetTimeout => self.0.pop_front().map_or(Got::Empty, Got::Item),
        }
    }

    fn blocks(&self, op: &Op) -> bool {
        matches!(op, Get) && self.0.is_empty()
    }
}

fn got(item: Result<u8, GetError>) -> Got {
    match item {
        Ok(item) => Got::Item(item),
        Err(GetError::Empty) => Got::Empty,
        Err(error) => panic!("get_nowait failed: {error}"),
    }
}

/// The crate's queue, unbounded.
fn queue() -> Linearizability<Fifo, Queue<u8>> {
    Linearizability::new(
        Fifo::default(),
        || Queue::new(0),
        |queue, op| match op {
            Put(item) => {
                queue.put_nowait(*item).unwrap();
                Got::Nothing
            }
            GetNowait => got(queue.get_nowait()),
            Get => got(queue.get()),
            GetTimeout => got(queue.get_timeout(std::time::Duration::from_millis(100))),
        },
    )
    .check(proof())
}

/// Every interleaving, without a bound.
fn proof() -> Check {
    Check::with_search(Search::PROOF)
}

#[test]
fn a_queue_is_a_fifo_queue() {
    let run = queue().run(&Scenario {
        init: vec![Put(1)],
        parallel: vec![vec![Put(2), GetNowait], vec![GetNowait, Put(3)]],
        post: vec![GetNowait],
    });
    assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
    assert!(run.report.is_proof(), "{run}");
    assert!(run.history.is_none() && run.why.is_none());
    // Both orders of the two threads' gets are reached.
    println!("{run}");
    assert!(run.report.outcomes.len() > 1, "{run}");
}

/// A `VecDeque` behind a lock, called `queue` in the trace.
fn deque() -> Mutex<VecDeque<u8>> {
    let queue = Mutex::new(VecDeque::new());
    threadproof::trace::label(&queue, "queue");
    queue
}

/// An operation takes effect somewhere between its invocation and its response: here a put
/// takes effect under the lock and then counts itself, a step after its effect in which the
/// other thread can get its item, and return first. The history must still have the put
/// invoked before that get returned.
#[test]
fn an_operation_that_goes_on_after_its_effect_is_linearizable() {
    let run = Linearizability::new(
        Fifo::default(),
        || (deque(), AtomicU8::new(0)),
        |(queue, puts), op| {
            let got = broken_get(queue, op);
            if let Put(_) = op {
                puts.fetch_add(1, Ordering::SeqCst);
            }
            got
        },
    )
    .check(proof())
    .run(&Scenario {
        init: vec![],
        parallel: vec![vec![Put(1)], vec![GetNowait]],
        post: vec![],
    });
    assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
    assert_eq!(run.report.outcomes.len(), 2, "{run}");
}

/// A queue of a `VecDeque` behind a lock whose `get_nowait` reads the head under the lock and
/// removes the head under it again: two gets can read the same head.
fn broken_get(queue: &Mutex<VecDeque<u8>>, op: &Op) -> Got {
    match op {
        Put(item) => {
            queue.lock().push_back(*item);
            Got::Nothing
        }
        _ => {
            let head = queue.lock().front().copied();
            if head.is_some() {
                queue.lock().pop_front();
            }
            head.map_or(Got::Empty, Got::Item)
        }
    }
}

#[test]
fn a_get_that_reads_and_removes_apart_is_not_linearizable() {
    let check = Linearizability::new(Fifo::default(), deque, broken_get).check(proof());
    let run = check.run(&Scenario {
        init: vec![Put(1), Put(2)],
        parallel: vec![vec![GetNowait], vec![GetNowait]],
        post: vec![],
    });
    assert_eq!(run.report.verdict, Verdict::Violated, "{run}");
    assert_eq!(
        run.why.as_ref().expect("why").to_string(),
        "no order of the operations explains their results: the longest order that explains \
         some of them is `put(1) -> None` in MainThread, `put(2) -> None` in MainThread, \
         `get_nowait() -> 1` in Thread-1, and after it can come only `get_nowait() -> 1` in \
         Thread-2, which the model answers with `2`",
        "{run}"
    );
    let shown = run.to_string();
    let columns: Vec<&str> = shown.lines().take(4).collect();
    assert_eq!(
        columns,
        [
            "not linearizable:",
            "init:    put(1) -> None, put(2) -> None",
            "         Thread-1          | Thread-2",
            "         get_nowait() -> 1 | get_nowait() -> 1",
        ],
        "{shown}"
    );
    // Then the sentence, and the report with the interleaving's steps.
    assert!(
        shown.lines().nth(4).unwrap().starts_with("why: no order"),
        "{shown}"
    );
    let counterexample = run
        .report
        .counterexample
        .as_ref()
        .expect("a counterexample");
    assert!(counterexample
        .steps
        .iter()
        .any(|s| s.thread == "Thread-2" && s.action == "acquire queue"));
    assert!(shown.contains(&counterexample.to_string()), "{shown}");
}

/// The same check of the same queue with gets in one thread only: nothing overlaps, and it
/// holds.
#[test]
fn a_get_that_reads_and_removes_apart_is_linearizable_alone() {
    let check = Linearizability::new(Fifo::default(), deque, broken_get).check(proof());
    let run = check.run(&Scenario {
        init: vec![Put(1)],
        parallel: vec![vec![GetNowait, GetNowait], vec![Put(2)]],
        post: vec![GetNowait],
    });
    assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
}

/// Dropping operations while the check still fails leaves two gets of one item: no
/// operation of them can go.
#[test]
fn a_failing_scenario_is_minimized_to_two_gets_of_one_item() {
    let check = Linearizability::new(Fifo::default(), deque, broken_get).check(proof());
    let run = check.minimize(&Scenario {
        init: vec![Put(1), Put(2)],
        parallel: vec![vec![GetNowait, Put(3)], vec![GetNowait]],
        post: vec![GetNowait],
    });
    assert_eq!(run.report.verdict, Verdict::Violated, "{run}");
    assert_eq!(
        run.scenario,
        Scenario {
            init: vec![Put(2)],
            parallel: vec![vec![GetNowait], vec![GetNowait]],
            post: vec![],
        },
        "{run}"
    );
    assert!(run
        .to_string()
        .contains("         get_nowait() -> 2 | get_nowait() -> 2\n"));
    // A scenario that holds is its own report.
    let holds = Scenario {
        init: vec![Put(1)],
        parallel: vec![vec![GetNowait], vec![Put(2)]],
        post: vec![],
    };
    assert_eq!(check.minimize(&holds).scenario, holds);
}

/// Generated scenarios: a queue holds in each; the queue whose gets read and remove apart
/// fails in one, shrunk by proptest and then minimized to two gets of one item.
#[cfg(feature = "proptest")]
#[test]
fn generated_scenarios_find_the_two_gets_of_one_item() {
    use proptest::prelude::*;
    use threadproof::check::scenarios;
    let ops = || prop_oneof![Just(GetNowait), (1u8..4).prop_map(Put)];
    let queue = queue().check(Check::new());
    assert_eq!(
        queue
            .run_generated(scenarios(ops(), 2, 2, 1), 20)
            .map_err(|run| run.to_string()),
        Ok(20)
    );
    let broken = Linearizability::new(Fifo::default(), deque, broken_get);
    let run = broken
        .run_generated(scenarios(ops(), 2, 3, 2), 200)
        .expect_err("a failing scenario");
    println!("{run}");
    assert_eq!(run.report.verdict, Verdict::Violated, "{run}");
    // Three operations (a put, before or in a thread, and a get in each thread), and the two
    // gets got the same item.
    assert_eq!(run.scenario.len(), 3, "{run}");
    assert!(
        run.scenario
            .parallel
            .iter()
            .all(|column| column.ends_with(&[GetNowait])),
        "{run}"
    );
    let history = run.history.as_ref().expect("the history");
    let got: Vec<Got> = history
        .operations
        .iter()
        .filter(|o| o.op == GetNowait)
        .map(|o| o.result)
        .collect();
    assert!(
        matches!(got[..], [Got::Item(a), Got::Item(b)] if a == b),
        "{run}"
    );
}

/// Gets that block until a put: each takes effect after the put it waited for, and every
/// execution finishes.
#[test]
fn blocking_gets_that_are_put_for_are_linearizable() {
    let run = queue().run(&Scenario {
        init: vec![],
        parallel: vec![vec![Get, Get], vec![Put(1), Put(2)]],
        post: vec![GetNowait],
    });
    assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
    assert!(run.report.is_proof(), "{run}");
}

/// Two gets and one item: in every execution one get waits for a put that never comes. That
/// is a hang, and no history to check.
#[test]
fn a_blocking_get_that_nothing_is_put_for_hangs() {
    let run = queue().run(&Scenario {
        init: vec![Put(1)],
        parallel: vec![vec![Get], vec![Get]],
        post: vec![],
    });
    assert_eq!(run.report.verdict, Verdict::Hangs, "{run}");
    assert!(run.history.is_none() && run.why.is_none(), "{run}");
    assert!(run.to_string().starts_with("scenario:\n"), "{run}");
}

/// Under any timing a timed get may time out whenever it waits: `Empty` is linearizable where
/// the queue is empty, and the item where it is not. Both are reached.
#[test]
fn a_timed_get_times_out_only_where_the_queue_is_empty() {
    let run = queue().check(proof().all_outcomes()).run(&Scenario {
        init: vec![],
        parallel: vec![vec![GetTimeout], vec![Put(1)]],
        post: vec![GetNowait],
    });
    assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
    let outcomes: Vec<&str> = run.report.outcomes.keys().map(String::as_str).collect();
    assert_eq!(
        outcomes,
        [
            "Thread-1: get(timeout=0.1) -> 1; Thread-2: put(1) -> None; post: get_nowait() -> Empty",
            "Thread-1: get(timeout=0.1) -> Empty; Thread-2: put(1) -> None; post: get_nowait() -> 1",
        ],
        "{run}"
    );
}

/// A counter: `Add` adds one and returns the count before it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Counter(u8);

#[derive(Clone, Copy, Debug)]
struct Add;

impl Model for Counter {
    type Op = Add;
    type Result = u8;
    fn apply(&mut self, _: &Add) -> u8 {
        self.0 += 1;
        self.0 - 1
    }
}

#[test]
fn a_counter_that_loses_an_update_is_not_linearizable() {
    let run = Linearizability::new(
        Counter(0),
        || AtomicU8::new(0),
        |count, _: &Add| {
            let before = count.load(Ordering::SeqCst);
            count.store(before + 1, Ordering::SeqCst);
            before
        },
    )
    .check(proof())
    .run(&Scenario {
        init: vec![],
        parallel: vec![vec![Add], vec![Add]],
        post: vec![Add],
    });
    assert_eq!(run.report.verdict, Verdict::Violated, "{run}");
    let why = run.why.as_ref().expect("why");
    // Two adds got the same count; the search placed all but one, and the model gives the
    // other a count one higher than it got.
    let (at, answer) = why.answers[0];
    let history = run.history.as_ref().unwrap();
    assert_eq!(answer, Some(history.operations[at].result + 1), "{run}");
    // With fetch_add, nothing is lost.
    let run = Linearizability::new(
        Counter(0),
        || AtomicU8::new(0),
        |count, _: &Add| count.fetch_add(1, Ordering::SeqCst),
    )
    .check(proof())
    .run(&Scenario {
        init: vec![],
        parallel: vec![vec![Add], vec![Add]],
        post: vec![Add],
    });
    assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
}
