//! A history of a concurrent object and the search for its linearization: Wing and Gong's
//! backtracking over the operations that may come next, with Lowe's memoization of the
//! configurations already explored.

use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;

/// A sequential model of a concurrent object: its state, the operations on it, and what each
/// operation returns when the operations run one at a time.
///
/// The search for a linearization remembers each configuration it has explored (which
/// operations are placed, and the model's state after them) and never explores one twice, as
/// Lowe's memoization does: the state must be `Clone + Eq + Hash`.
///
/// ```
/// use threadproof::check::Model;
///
/// /// A FIFO queue with `put` and a `get` that does not block.
/// #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
/// struct Fifo(std::collections::VecDeque<u8>);
///
/// #[derive(Clone, Debug)]
/// enum Op {
///     Put(u8),
///     Get,
/// }
///
/// impl Model for Fifo {
///     type Op = Op;
///     type Result = Option<u8>;
///     fn apply(&mut self, op: &Op) -> Option<u8> {
///         match op {
///             Op::Put(item) => {
///                 self.0.push_back(*item);
///                 None
///             }
///             Op::Get => self.0.pop_front(),
///         }
///     }
/// }
///
/// let mut fifo = Fifo::default();
/// fifo.apply(&Op::Put(1));
/// assert_eq!(fifo.apply(&Op::Get), Some(1));
/// ```
pub trait Model: Clone + Eq + Hash {
    /// An operation, shown in reports by its `Debug`.
    type Op: Clone + fmt::Debug;
    /// What an operation returns, compared with `PartialEq` and shown by its `Debug`.
    type Result: Clone + fmt::Debug + PartialEq;
    /// Runs `op` on the state, alone, and returns its result.
    fn apply(&mut self, op: &Self::Op) -> Self::Result;

    /// Whether `op` blocks in this state, such as a `get` on an empty queue: it cannot take
    /// effect here, and the search places it only where it does not block. A blocking
    /// operation that returns takes effect at some point between its invocation and its
    /// response where it can go on. None blocks unless the model says so.
    fn blocks(&self, op: &Self::Op) -> bool {
        let _ = op;
        false
    }
}

/// One operation of a history: who ran it, when it was invoked and when it returned, and what
/// it returned.
///
/// `invoked` and `returned` are positions in one order of all the history's events (an
/// invocation or a response each): an operation that returned before another was invoked
/// (`a.returned < b.invoked`) comes before it in real time, and every linearization keeps it
/// there.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation<Op, R> {
    /// The thread that ran it, such as `Thread-1` or `MainThread`.
    pub thread: String,
    /// The position of its invocation.
    pub invoked: usize,
    /// The position of its response, after its invocation.
    pub returned: usize,
    /// The operation.
    pub op: Op,
    /// What it returned.
    pub result: R,
}

impl<Op: fmt::Debug, R: fmt::Debug> fmt::Display for Operation<Op, R> {
    /// `` `Get -> Some(2)` in Thread-2 ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{:?} -> {:?}` in {}", self.op, self.result, self.thread)
    }
}

/// What a history's operations did, each with its invocation and response: the input of
/// [`linearizable`].
///
/// ```
/// use threadproof::check::{History, Operation};
///
/// let mut history = History::default();
/// history.operations.push(Operation {
///     thread: "Thread-1".to_owned(),
///     invoked: 0,
///     returned: 1,
///     op: "put(1)",
///     result: "None",
/// });
/// assert_eq!(history.operations.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct History<Op, R> {
    /// The operations, in any order; an operation is known by its index here.
    pub operations: Vec<Operation<Op, R>>,
}

impl<Op, R> Default for History<Op, R> {
    fn default() -> Self {
        History {
            operations: Vec::new(),
        }
    }
}

/// Why a history has no linearization, found by the search: the longest order of some of its
/// operations that respects real time and gives the results they got, and why nothing can come
/// after it. Its `Display` is the sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct NotLinearizable<R> {
    /// The longest order found, as indexes into the history's operations: empty when no
    /// operation can come first.
    pub longest: Vec<usize>,
    /// Each operation that could come next in real time, with what the model answers it there
    /// (another result than it got), or `None` if it blocks there ([`Model::blocks`]).
    pub answers: Vec<(usize, Option<R>)>,
    /// Each other operation not in the order, with one that returned before it was invoked and
    /// is not in the order either.
    pub later: Vec<(usize, usize)>,
    /// The sentence that says why, in the operations' words.
    pub reason: String,
}

impl<R> fmt::Display for NotLinearizable<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Whether `history`, started on the state `model`, is linearizable: whether some order of its
/// operations keeps every operation after those that returned before it was invoked, and has
/// the model return what each operation returned. Returns that order, as indexes into
/// `history.operations`, or why there is none.
///
/// The search is Wing and Gong's, with Lowe's memoization (see [`Model`]): at each point it
/// tries each operation that may come next in real time, backtracks when the model's result
/// differs, and skips a set of placed operations with a model state it has met before.
///
/// # Panics
///
/// If an operation's response does not come after its invocation.
///
/// ```
/// use threadproof::check::{linearizable, History, Model, Operation};
///
/// /// A register holding a number: `Some(n)` writes it and returns `None`, `None` reads it.
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
/// let operation = |thread: &str, invoked, returned, op, result| Operation {
///     thread: thread.to_owned(),
///     invoked,
///     returned,
///     op,
///     result,
/// };
/// // Thread-2 reads 1 while Thread-1 writes it: the write comes first.
/// let history = History {
///     operations: vec![
///         operation("Thread-1", 0, 3, Some(1), None),
///         operation("Thread-2", 1, 2, None, Some(1)),
///     ],
/// };
/// assert_eq!(linearizable(&Register(0), &history), Ok(vec![0, 1]));
///
/// // Thread-2 reads 1 before Thread-1 writes it: nothing explains that.
/// let history = History {
///     operations: vec![
///         operation("Thread-1", 2, 3, Some(1), None),
///         operation("Thread-2", 0, 1, None, Some(1)),
///     ],
/// };
/// let why = linearizable(&Register(0), &history).unwrap_err();
/// assert_eq!(
///     why.to_string(),
///     "no order of the operations explains their results: first can come only \
///      `None -> Some(1)` in Thread-2, which the model answers with `Some(0)`; \
///      `Some(1) -> None` in Thread-1 was invoked after `None -> Some(1)` in Thread-2 returned"
/// );
/// ```
pub fn linearizable<M: Model>(
    model: &M,
    history: &History<M::Op, M::Result>,
) -> Result<Vec<usize>, NotLinearizable<M::Result>> {
    let operations = &history.operations;
    for operation in operations {
        assert!(
            operation.invoked < operation.returned,
            "{operation} returned (at {}) before it was invoked (at {})",
            operation.returned,
            operation.invoked
        );
    }
    // Each operation's predecessors in real time: those that returned before it was invoked.
    let before: Vec<Bits> = operations
        .iter()
        .map(|this| {
            let mut bits = Bits::new(operations.len());
            for (j, other) in operations.iter().enumerate() {
                if other.returned < this.invoked {
                    bits.insert(j);
                }
            }
            bits
        })
        .collect();
    let mut search = Search {
        operations,
        before: &before,
        seen: HashSet::new(),
        order: Vec::new(),
        longest: (Vec::new(), model.clone()),
    };
    let mut placed = Bits::new(operations.len());
    if search.place(&mut placed, model) {
        return Ok(search.order);
    }
    let (longest, state) = search.longest;
    Err(explain(operations, &before, longest, &state))
}

/// A set of operations, by index.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }

    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn remove(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }

    fn is_subset(&self, of: &Bits) -> bool {
        self.0.iter().zip(&of.0).all(|(a, b)| a & !b == 0)
    }
}

/// The backtracking search, and what it has seen.
struct Search<'h, M: Model> {
    operations: &'h [Operation<M::Op, M::Result>],
    before: &'h [Bits],
    /// Lowe's cache: the configurations (placed operations, model state) explored.
    seen: HashSet<(Bits, M)>,
    /// The operations placed so far, in order.
    order: Vec<usize>,
    /// The longest order placed, and the model's state after it.
    longest: (Vec<usize>, M),
}

impl<M: Model> Search<'_, M> {
    /// Places the rest of the operations after those in `placed`, which left the model in
    /// `state`; true if all of them could be placed.
    fn place(&mut self, placed: &mut Bits, state: &M) -> bool {
        if self.order.len() == self.operations.len() {
            return true;
        }
        for (i, operation) in self.operations.iter().enumerate() {
            if placed.contains(i) || !self.before[i].is_subset(placed) {
                continue;
            }
            let mut next = state.clone();
            if state.blocks(&operation.op) || next.apply(&operation.op) != operation.result {
                continue;
            }
            placed.insert(i);
            if self.seen.insert((placed.clone(), next.clone())) {
                self.order.push(i);
                if self.order.len() > self.longest.0.len() {
                    self.longest = (self.order.clone(), next.clone());
                }
                if self.place(placed, &next) {
                    return true;
                }
                self.order.pop();
            }
            placed.remove(i);
        }
        false
    }
}

/// Why nothing can come after `longest`, the longest order found, which left the model in
/// `state`.
fn explain<M: Model>(
    operations: &[Operation<M::Op, M::Result>],
    before: &[Bits],
    longest: Vec<usize>,
    state: &M,
) -> NotLinearizable<M::Result> {
    let mut placed = Bits::new(operations.len());
    for &i in &longest {
        placed.insert(i);
    }
    let mut answers = Vec::new();
    let mut later = Vec::new();
    for i in (0..operations.len()).filter(|&i| !placed.contains(i)) {
        let first =
            (0..operations.len()).find(|&j| !placed.contains(j) && before[i].contains(j) && j != i);
        match first {
            Some(j) => later.push((i, j)),
            None if state.blocks(&operations[i].op) => answers.push((i, None)),
            None => answers.push((i, Some(state.clone().apply(&operations[i].op)))),
        }
    }
    let mut reason = "no order of the operations explains their results: ".to_owned();
    if longest.is_empty() {
        reason.push_str("first can come only ");
    } else {
        let placed: Vec<String> = longest.iter().map(|&i| operations[i].to_string()).collect();
        reason.push_str(&format!(
            "the longest order that explains some of them is {}, and after it can come only ",
            placed.join(", ")
        ));
    }
    let answered: Vec<String> = answers
        .iter()
        .map(|(i, answer)| match answer {
            Some(answer) => format!(
                "{}, which the model answers with `{answer:?}`",
                operations[*i]
            ),
            None => format!("{}, which blocks there", operations[*i]),
        })
        .collect();
    reason.push_str(&answered.join(", or "));
    for (i, j) in &later {
        reason.push_str(&format!(
            "; {} was invoked after {} returned",
            operations[*i], operations[*j]
        ));
    }
    NotLinearizable {
        longest,
        answers,
        later,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::{linearizable, History, Model, Operation};
    use proptest::prelude::*;
    use std::collections::VecDeque;

    /// A FIFO queue of small numbers, with a `get` that does not block.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    struct Fifo(VecDeque<u8>);

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum QueueOp {
        Put(u8),
        Get,
    }

    impl Model for Fifo {
        type Op = QueueOp;
        type Result = Option<u8>;
        fn apply(&mut self, op: &QueueOp) -> Option<u8> {
            match op {
                QueueOp::Put(item) => {
                    self.0.push_back(*item);
                    None
                }
                QueueOp::Get => self.0.pop_front(),
            }
        }
    }

    /// The same queue with a `get` that blocks while it is empty.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    struct BlockingFifo(Fifo);

    impl Model for BlockingFifo {
        type Op = QueueOp;
        type Result = Option<u8>;
        fn apply(&mut self, op: &QueueOp) -> Option<u8> {
            self.0.apply(op)
        }
        fn blocks(&self, op: &QueueOp) -> bool {
            *op == QueueOp::Get && self.0 .0.is_empty()
        }
    }

    /// A register of a small number, 0 at first.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    struct Register(u8);

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum RegisterOp {
        Write(u8),
        Read,
    }

    impl Model for Register {
        type Op = RegisterOp;
        type Result = Option<u8>;
        fn apply(&mut self, op: &RegisterOp) -> Option<u8> {
            match op {
                RegisterOp::Write(value) => {
                    self.0 = *value;
                    None
                }
                RegisterOp::Read => Some(self.0),
            }
        }
    }

    /// A history from rows `(thread, invoked, returned, op, result)`.
    fn history<Op, R>(rows: Vec<(usize, usize, usize, Op, R)>) -> History<Op, R> {
        History {
            operations: rows
                .into_iter()
                .map(|(thread, invoked, returned, op, result)| Operation {
                    thread: format!("Thread-{thread}"),
                    invoked,
                    returned,
                    op,
                    result,
                })
                .collect(),
        }
    }

    use QueueOp::{Get, Put};
    use RegisterOp::{Read, Write};

    /// Overlapping puts may take effect in either order; a get that starts after both returned
    /// sees the one that took effect first, which may be the one invoked second.
    #[test]
    fn overlapping_puts_take_effect_in_either_order() {
        let puts_then_get = |first| {
            history(vec![
                (1, 0, 3, Put(1), None),
                (2, 1, 2, Put(2), None),
                (1, 4, 5, Get, Some(first)),
            ])
        };
        assert_eq!(
            linearizable(&Fifo::default(), &puts_then_get(1)),
            Ok(vec![0, 1, 2])
        );
        assert_eq!(
            linearizable(&Fifo::default(), &puts_then_get(2)),
            Ok(vec![1, 0, 2])
        );
        let why = linearizable(&Fifo::default(), &puts_then_get(3)).unwrap_err();
        assert_eq!(why.answers, [(2, Some(Some(1)))]);
    }

    /// Puts in real-time order come out in that order, not the other.
    #[test]
    fn a_queue_keeps_the_order_of_puts_that_did_not_overlap() {
        let sequential = history(vec![
            (1, 0, 1, Put(1), None),
            (1, 2, 3, Put(2), None),
            (2, 4, 5, Get, Some(2)),
        ]);
        let why = linearizable(&Fifo::default(), &sequential).unwrap_err();
        assert_eq!(why.longest, [0, 1]);
        assert_eq!(why.answers, [(2, Some(Some(1)))]);
        assert!(why.later.is_empty());
        assert_eq!(
            why.to_string(),
            "no order of the operations explains their results: the longest order that \
             explains some of them is `Put(1) -> None` in Thread-1, `Put(2) -> None` in \
             Thread-1, and after it can come only `Get -> Some(2)` in Thread-2, which the \
             model answers with `Some(1)`"
        );
    }

    /// A get that returned before the put of its item was invoked.
    #[test]
    fn a_get_cannot_see_a_later_put() {
        let early = history(vec![(1, 2, 3, Put(2), None), (2, 0, 1, Get, Some(2))]);
        let why = linearizable(&Fifo::default(), &early).unwrap_err();
        assert!(why.longest.is_empty());
        assert_eq!(why.answers, [(1, Some(None))]);
        assert_eq!(why.later, [(0, 1)]);
        assert_eq!(
            why.to_string(),
            "no order of the operations explains their results: first can come only \
             `Get -> Some(2)` in Thread-2, which the model answers with `None`; \
             `Put(2) -> None` in Thread-1 was invoked after `Get -> Some(2)` in Thread-2 \
             returned"
        );
        // Overlapping, the same results are explained.
        let overlapping = history(vec![(1, 0, 2, Put(2), None), (2, 1, 3, Get, Some(2))]);
        assert_eq!(linearizable(&Fifo::default(), &overlapping), Ok(vec![0, 1]));
    }

    /// Two gets cannot both take the one item put.
    #[test]
    fn an_item_is_got_once() {
        let twice = history(vec![
            (1, 0, 1, Put(7), None),
            (2, 2, 5, Get, Some(7)),
            (3, 3, 4, Get, Some(7)),
        ]);
        let why = linearizable(&Fifo::default(), &twice).unwrap_err();
        assert_eq!(why.longest.len(), 2);
        assert_eq!(why.answers.len(), 1);
        assert_eq!(why.answers[0].1, Some(None));
    }

    /// A blocking get takes effect where it can go on: after a put that overlaps it, never
    /// before a put that came after it.
    #[test]
    fn a_blocking_get_takes_effect_where_it_can_go_on() {
        let waits = history(vec![(1, 0, 3, Get, Some(1)), (2, 1, 2, Put(1), None)]);
        assert_eq!(
            linearizable(&BlockingFifo::default(), &waits),
            Ok(vec![1, 0])
        );
        let early = history(vec![(1, 0, 1, Get, Some(1)), (2, 2, 3, Put(1), None)]);
        let why = linearizable(&BlockingFifo::default(), &early).unwrap_err();
        assert_eq!(why.answers, [(0, None)]);
        assert_eq!(
            why.to_string(),
            "no order of the operations explains their results: first can come only \
             `Get -> Some(1)` in Thread-1, which blocks there; `Put(1) -> None` in Thread-2 was \
             invoked after `Get -> Some(1)` in Thread-1 returned"
        );
    }

    /// A register read sees the last write before it, or one overlapping it; never a value
    /// overwritten before the read began.
    #[test]
    fn a_register_read_sees_the_last_write_or_an_overlapping_one() {
        let reads = |seen| {
            history(vec![
                (1, 0, 1, Write(1), None),
                (1, 2, 5, Write(2), None),
                (2, 3, 4, Read, Some(seen)),
            ])
        };
        assert!(linearizable(&Register::default(), &reads(1)).is_ok());
        assert!(linearizable(&Register::default(), &reads(2)).is_ok());
        assert!(linearizable(&Register::default(), &reads(0)).is_err());
        let stale = history(vec![
            (1, 0, 1, Write(1), None),
            (1, 2, 3, Write(2), None),
            (2, 4, 5, Read, Some(1)),
        ]);
        assert!(linearizable(&Register::default(), &stale).is_err());
        // The empty history has the empty order.
        assert_eq!(
            linearizable(&Register::default(), &history(vec![])),
            Ok(vec![])
        );
    }

    /// Whether `order` is a linearization of `history`: every operation once, none before one
    /// that returned before it was invoked, and the model gives each its result.
    fn is_linearization<M: Model>(
        model: &M,
        history: &History<M::Op, M::Result>,
        order: &[usize],
    ) -> bool {
        let operations = &history.operations;
        let mut sorted = order.to_vec();
        sorted.sort_unstable();
        if sorted != (0..operations.len()).collect::<Vec<_>>() {
            return false;
        }
        let respects_real_time = order.iter().enumerate().all(|(at, &i)| {
            order[at + 1..]
                .iter()
                .all(|&later| operations[later].returned > operations[i].invoked)
        });
        let mut state = model.clone();
        respects_real_time
            && order.iter().all(|&i| {
                !state.blocks(&operations[i].op)
                    && state.apply(&operations[i].op) == operations[i].result
            })
    }

    /// Every permutation of the operations, tried one by one: a linearization if any is one.
    fn brute_force<M: Model>(model: &M, history: &History<M::Op, M::Result>) -> Option<Vec<usize>> {
        fn permutations(rest: Vec<usize>) -> Vec<Vec<usize>> {
            if rest.is_empty() {
                return vec![vec![]];
            }
            let mut all = Vec::new();
            for (at, &first) in rest.iter().enumerate() {
                let mut others = rest.clone();
                others.remove(at);
                for mut tail in permutations(others) {
                    tail.insert(0, first);
                    all.push(tail);
                }
            }
            all
        }
        permutations((0..history.operations.len()).collect())
            .into_iter()
            .find(|order| is_linearization(model, history, order))
    }

    /// A random history on up to 3 threads, of up to `each` operations each: each thread's operations one
    /// after another, the threads' events interleaved at random. Its results are those of a
    /// random order that respects real time (each operation takes effect at a random point
    /// between its invocation and its response), some of them then replaced by random ones.
    fn histories<Op: Clone + std::fmt::Debug + 'static, M: Model<Op = Op, Result = Option<u8>>>(
        op: impl Strategy<Value = Op> + Clone + 'static,
        model: M,
        each: usize,
    ) -> impl Strategy<Value = History<Op, Option<u8>>> {
        let thread = prop::collection::vec(op, 0..=each);
        (
            prop::collection::vec(thread, 1..=3),
            any::<u64>(),
            prop::collection::vec(prop::option::of(0u8..3), 3 * each),
            prop::collection::vec(any::<bool>(), 3 * each),
        )
            .prop_map(move |(threads, seed, random, replace)| {
                let mut rng = seed;
                let mut next = move |below: usize| {
                    // A small linear congruential generator: enough to shuffle a few events.
                    rng = rng
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    (rng >> 33) as usize % below
                };
                // Events: each thread's invocation and response, in turn, interleaved.
                let mut pending: Vec<usize> = threads.iter().map(|ops| 2 * ops.len()).collect();
                let mut position = vec![0; threads.len()];
                let mut operations = Vec::new();
                let mut open: Vec<Option<usize>> = vec![None; threads.len()];
                let mut event = 0;
                while pending.iter().any(|&n| n > 0) {
                    let ready: Vec<usize> =
                        (0..threads.len()).filter(|&t| pending[t] > 0).collect();
                    let t = ready[next(ready.len())];
                    pending[t] -= 1;
                    match open[t].take() {
                        None => {
                            operations.push(Operation {
                                thread: format!("Thread-{}", t + 1),
                                invoked: event,
                                returned: usize::MAX,
                                op: threads[t][position[t]].clone(),
                                result: None,
                            });
                            position[t] += 1;
                            open[t] = Some(operations.len() - 1);
                        }
                        Some(i) => operations[i].returned = event,
                    }
                    event += 1;
                }
                // Each operation takes effect at a point in its interval.
                let mut points: Vec<(usize, usize)> = operations
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        (
                            2 * o.invoked + 1 + next(2 * (o.returned - o.invoked) - 1),
                            i,
                        )
                    })
                    .collect();
                points.sort_unstable();
                let mut state = model.clone();
                for (_, i) in points {
                    operations[i].result = state.apply(&operations[i].op);
                }
                for (i, operation) in operations.iter_mut().enumerate() {
                    if replace[i] && random[i] != operation.result {
                        operation.result = random[i];
                    }
                }
                History { operations }
            })
    }

    proptest! {
        /// On a queue, the search finds a linearization exactly when some permutation is one,
        /// and what it finds is one.
        #[test]
        fn the_search_agrees_with_every_permutation_on_a_queue(
            history in histories(prop_oneof![(0u8..3).prop_map(Put), Just(Get)], Fifo::default(), 2)
        ) {
            check_against_brute_force(&Fifo::default(), &history)?;
        }

        /// On a queue whose get blocks while it is empty, likewise.
        #[test]
        fn the_search_agrees_with_every_permutation_on_a_blocking_queue(
            history in histories(prop_oneof![(0u8..3).prop_map(Put), Just(Get)], BlockingFifo::default(), 2)
        ) {
            check_against_brute_force(&BlockingFifo::default(), &history)?;
        }

        /// On a register, likewise.
        #[test]
        fn the_search_agrees_with_every_permutation_on_a_register(
            history in histories(prop_oneof![(0u8..3).prop_map(Write), Just(Read)], Register::default(), 2)
        ) {
            check_against_brute_force(&Register::default(), &history)?;
        }
    }

    /// Every order that respects real time, explored a set of operations at a time: the model
    /// states each set of placed operations can leave, from those of the sets one smaller. A
    /// linearization exists if the set of all of them can leave any.
    fn by_sets<M: Model>(model: &M, history: &History<M::Op, M::Result>) -> bool {
        use std::collections::HashMap;
        let operations = &history.operations;
        let mut reached: HashMap<u32, Vec<M>> = HashMap::from([(0, vec![model.clone()])]);
        for _ in 0..operations.len() {
            let mut next: HashMap<u32, Vec<M>> = HashMap::new();
            for (set, states) in &reached {
                for (i, operation) in operations.iter().enumerate() {
                    let ready = (0..operations.len())
                        .all(|j| set & (1 << j) != 0 || operations[j].returned > operation.invoked);
                    if set & (1 << i) != 0 || !ready {
                        continue;
                    }
                    for state in states {
                        let mut after = state.clone();
                        if !state.blocks(&operation.op)
                            && after.apply(&operation.op) == operation.result
                        {
                            let states = next.entry(set | (1 << i)).or_default();
                            if !states.contains(&after) {
                                states.push(after);
                            }
                        }
                    }
                }
            }
            reached = next;
        }
        !reached.is_empty()
    }

    proptest! {
        /// On longer histories (up to 9 operations), the search agrees with the search by sets.
        #[test]
        fn the_search_agrees_with_the_search_by_sets(
            queue in histories(prop_oneof![(0u8..3).prop_map(Put), Just(Get)], Fifo::default(), 3),
            register in histories(prop_oneof![(0u8..3).prop_map(Write), Just(Read)], Register::default(), 3),
        ) {
            prop_assert_eq!(linearizable(&Fifo::default(), &queue).is_ok(), by_sets(&Fifo::default(), &queue), "{:?}", queue);
            prop_assert_eq!(linearizable(&Register::default(), &register).is_ok(), by_sets(&Register::default(), &register), "{:?}", register);
            prop_assert_eq!(linearizable(&BlockingFifo::default(), &queue).is_ok(), by_sets(&BlockingFifo::default(), &queue), "{:?}", queue);
        }
    }

    fn check_against_brute_force<M: Model>(
        model: &M,
        history: &History<M::Op, M::Result>,
    ) -> Result<(), TestCaseError> {
        match (linearizable(model, history), brute_force(model, history)) {
            (Ok(order), Some(_)) => prop_assert!(
                is_linearization(model, history, &order),
                "{order:?} is no linearization of {history:?}"
            ),
            (Err(why), None) => {
                // The longest order it reports is a start of one: every operation in it after
                // those that returned before it, with its result.
                let mut state = model.clone();
                for (at, &i) in why.longest.iter().enumerate() {
                    prop_assert_eq!(
                        state.apply(&history.operations[i].op),
                        history.operations[i].result.clone()
                    );
                    for &later in &why.longest[at + 1..] {
                        prop_assert!(
                            history.operations[later].returned > history.operations[i].invoked
                        );
                    }
                }
                prop_assert!(!why.answers.is_empty());
            }
            (found, brute) => prop_assert!(
                false,
                "the search says {found:?}, every permutation {brute:?}, of {history:?}"
            ),
        }
        Ok(())
    }

    /// The random histories are of both kinds, so the comparison tests both answers.
    #[test]
    fn the_random_histories_are_linearizable_and_not() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let strategy = histories(
            prop_oneof![(0u8..3).prop_map(Put), Just(Get)],
            Fifo::default(),
            2,
        );
        let mut runner = TestRunner::deterministic();
        let (mut yes, mut no) = (0, 0);
        for _ in 0..200 {
            let history = strategy.new_tree(&mut runner).unwrap().current();
            match brute_force(&Fifo::default(), &history) {
                Some(_) => yes += 1,
                None => no += 1,
            }
        }
        assert!(yes > 40 && no > 40, "{yes} linearizable, {no} not");
    }
}
