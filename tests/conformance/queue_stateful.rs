//! Stateful property test: random sequences of every queue operation, applied to our queues
//! and to a plain sequential model of CPython 3.13's `queue` written here; every result must
//! agree. (No Python needed; `queue_differential` checks against CPython itself.)
//!
//! A call that would wait forever in a one-thread program is not made: both sides answer
//! `WouldBlock`, as the oracle does.

use std::time::Duration;

use proptest::prelude::*;
use threadproof::queue::{
    GenericQueue, GetError, LifoQueue, PriorityQueue, PutError, Queue, Storage,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Fifo,
    Lifo,
    Priority,
}

#[derive(Clone, Copy, Debug)]
enum How {
    Block,
    NoBlock,
    Timeout0,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Put(i64, How),
    Get(How),
    Qsize,
    Empty,
    Full,
    TaskDone,
    Join,
    Shutdown(bool),
    UnfinishedTasks,
    IsShutdown,
    Maxsize,
}

/// What an operation returned.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Res {
    Done,
    Item(i64),
    Size(usize),
    Bool(bool),
    Full(i64),
    Empty,
    ShutDown,
    PutShutDown(i64),
    TooManyTaskDone,
    WouldBlock,
}

/// CPython 3.13's `Queue`, sequential: the list of items, the task count, the flag.
struct Model {
    kind: Kind,
    maxsize: usize,
    items: Vec<i64>,
    unfinished: usize,
    shutdown: bool,
}

impl Model {
    fn is_full(&self) -> bool {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }

    fn take(&mut self) -> i64 {
        match self.kind {
            Kind::Fifo => self.items.remove(0),
            Kind::Lifo => self.items.pop().unwrap(),
            Kind::Priority => {
                let (at, _) = self
                    .items
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, v)| **v)
                    .unwrap();
                self.items.remove(at)
            }
        }
    }

    fn apply(&mut self, op: Op) -> Res {
        match op {
            Op::Put(x, how) => {
                if self.shutdown {
                    return Res::PutShutDown(x);
                }
                if self.is_full() {
                    return match how {
                        How::Block => Res::WouldBlock,
                        How::NoBlock | How::Timeout0 => Res::Full(x),
                    };
                }
                self.items.push(x);
                self.unfinished += 1;
                Res::Done
            }
            Op::Get(how) => {
                if !self.items.is_empty() {
                    return Res::Item(self.take());
                }
                if self.shutdown {
                    return Res::ShutDown;
                }
                match how {
                    How::Block => Res::WouldBlock,
                    How::NoBlock | How::Timeout0 => Res::Empty,
                }
            }
            Op::Qsize => Res::Size(self.items.len()),
            Op::Empty => Res::Bool(self.items.is_empty()),
            Op::Full => Res::Bool(self.is_full()),
            Op::TaskDone => {
                if self.unfinished == 0 {
                    return Res::TooManyTaskDone;
                }
                self.unfinished -= 1;
                Res::Done
            }
            Op::Join => {
                if self.unfinished > 0 {
                    Res::WouldBlock
                } else {
                    Res::Done
                }
            }
            Op::Shutdown(immediate) => {
                self.shutdown = true;
                if immediate {
                    let n = self.items.len();
                    self.items.clear();
                    self.unfinished = self.unfinished.saturating_sub(n);
                }
                Res::Done
            }
            Op::UnfinishedTasks => Res::Size(self.unfinished),
            Op::IsShutdown => Res::Bool(self.shutdown),
            Op::Maxsize => Res::Size(self.maxsize),
        }
    }
}

fn put_res(x: i64, r: Result<(), PutError<i64>>) -> Res {
    match r {
        Ok(()) => Res::Done,
        Err(PutError::Full(y)) => {
            assert_eq!(x, y, "a failed put hands back its own item");
            Res::Full(y)
        }
        Err(PutError::ShutDown(y)) => {
            assert_eq!(x, y, "a failed put hands back its own item");
            Res::PutShutDown(y)
        }
    }
}

fn get_res(r: Result<i64, GetError>) -> Res {
    match r {
        Ok(x) => Res::Item(x),
        Err(GetError::Empty) => Res::Empty,
        Err(GetError::ShutDown) => Res::ShutDown,
    }
}

/// Applies `op` to the real queue. Whether a blocking call would hang is decided from the
/// queue's own observers, not from the model.
fn apply<S: Storage<i64>>(q: &GenericQueue<i64, S>, op: Op) -> Res {
    match op {
        Op::Put(x, How::Block) => {
            if q.full() && !q.is_shutdown() {
                Res::WouldBlock
            } else {
                put_res(x, q.put(x))
            }
        }
        Op::Put(x, How::NoBlock) => put_res(x, q.put_nowait(x)),
        Op::Put(x, How::Timeout0) => put_res(x, q.put_timeout(x, Duration::ZERO)),
        Op::Get(How::Block) => {
            if q.empty() && !q.is_shutdown() {
                Res::WouldBlock
            } else {
                get_res(q.get())
            }
        }
        Op::Get(How::NoBlock) => get_res(q.get_nowait()),
        Op::Get(How::Timeout0) => get_res(q.get_timeout(Duration::ZERO)),
        Op::Qsize => Res::Size(q.qsize()),
        Op::Empty => Res::Bool(q.empty()),
        Op::Full => Res::Bool(q.full()),
        Op::TaskDone => match q.task_done() {
            Ok(()) => Res::Done,
            Err(_) => Res::TooManyTaskDone,
        },
        Op::Join => {
            if q.unfinished_tasks() > 0 {
                Res::WouldBlock
            } else {
                q.join();
                Res::Done
            }
        }
        Op::Shutdown(immediate) => {
            q.shutdown(immediate);
            Res::Done
        }
        Op::UnfinishedTasks => Res::Size(q.unfinished_tasks()),
        Op::IsShutdown => Res::Bool(q.is_shutdown()),
        Op::Maxsize => Res::Size(q.maxsize()),
    }
}

fn check<S: Storage<i64>>(
    q: GenericQueue<i64, S>,
    mut model: Model,
    ops: &[Op],
) -> Result<(), TestCaseError> {
    for (i, &op) in ops.iter().enumerate() {
        let expected = model.apply(op);
        let got = apply(&q, op);
        prop_assert_eq!(&got, &expected, "op {} of {:?}", i, ops);
        prop_assert_eq!(q.qsize(), model.items.len());
        prop_assert_eq!(q.unfinished_tasks(), model.unfinished);
    }
    Ok(())
}

fn how() -> impl Strategy<Value = How> {
    prop_oneof![Just(How::Block), Just(How::NoBlock), Just(How::Timeout0)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (0..10i64, how()).prop_map(|(x, h)| Op::Put(x, h)),
        10 => how().prop_map(Op::Get),
        1 => Just(Op::Qsize),
        1 => Just(Op::Empty),
        1 => Just(Op::Full),
        4 => Just(Op::TaskDone),
        2 => Just(Op::Join),
        1 => any::<bool>().prop_map(Op::Shutdown),
        1 => Just(Op::UnfinishedTasks),
        1 => Just(Op::IsShutdown),
        1 => Just(Op::Maxsize),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Fifo), Just(Kind::Lifo), Just(Kind::Priority)]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// 3,000 sequences of up to 80 operations, shrunk to a minimal one on failure.
    #[test]
    fn queue_agrees_with_the_sequential_model(
        kind in kind(),
        maxsize in 0..=4usize,
        ops in prop::collection::vec(op(), 1..80),
    ) {
        let model = Model {
            kind,
            maxsize,
            items: Vec::new(),
            unfinished: 0,
            shutdown: false,
        };
        match kind {
            Kind::Fifo => check(Queue::new(maxsize), model, &ops)?,
            Kind::Lifo => check(LifoQueue::new(maxsize), model, &ops)?,
            Kind::Priority => check(PriorityQueue::new(maxsize), model, &ops)?,
        }
    }
}
