//! CPython 3.13 conformance of `queue.Queue`, `LifoQueue` and `PriorityQueue`: the checklist items (`docs/conformance.md`)
//! C55..C72, on real threads.

use std::cell::Cell;
use std::cmp::Ordering;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use threadproof::queue::{
    Fifo, GenericQueue, GetError, LifoQueue, PriorityQueue, PutError, Queue, Storage, TaskDoneError,
};

use crate::common::assert_about;

/// The timeout of the timing checks.
const T: Duration = Duration::from_millis(80);

/// Runs `f` on a new thread after telling the caller it is about to start; returns the handle.
fn spawn_started<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> thread::JoinHandle<R> {
    let (started_tx, started_rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        started_tx.send(()).unwrap();
        f()
    });
    started_rx.recv().unwrap();
    handle
}

#[test]
fn c55_maxsize_zero_is_unbounded_and_full_needs_a_bound() {
    let q = Queue::new(0);
    assert_eq!(q.maxsize(), 0);
    for n in 0..1000 {
        q.put(n).unwrap();
        assert!(!q.full());
    }
    assert_eq!(q.qsize(), 1000);

    let q = Queue::new(2);
    assert!(q.empty() && !q.full());
    q.put(1).unwrap();
    assert!(!q.empty() && !q.full());
    q.put(2).unwrap();
    assert!(q.full());
    assert_eq!(q.qsize(), 2);
    q.get().unwrap();
    assert!(!q.full());
}

#[test]
fn c56_fifo_lifo_and_priority_orders() {
    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let prio = PriorityQueue::new(0);
    for n in [111, 333, 222] {
        fifo.put(n).unwrap();
        lifo.put(n).unwrap();
        prio.put(n).unwrap();
    }
    let drain = |get: &dyn Fn() -> i32| (0..3).map(|_| get()).collect::<Vec<_>>();
    assert_eq!(drain(&|| fifo.get().unwrap()), [111, 333, 222]);
    assert_eq!(drain(&|| lifo.get().unwrap()), [222, 333, 111]);
    assert_eq!(drain(&|| prio.get().unwrap()), [111, 222, 333]);

    // Ties fall to the next field, as Python's tuples compare.
    let prio = PriorityQueue::new(0);
    for item in [(1, "b"), (0, "z"), (1, "a")] {
        prio.put(item).unwrap();
    }
    let got: Vec<_> = (0..3).map(|_| prio.get().unwrap()).collect();
    assert_eq!(got, [(0, "z"), (1, "a"), (1, "b")]);
}

#[test]
fn c56_priority_queue_sorts_many_items_like_heapq() {
    let q = PriorityQueue::new(0);
    let mut items: Vec<u32> = (0..500).map(|n| (n * 7919 + 13) % 251).collect();
    for &n in &items {
        q.put(n).unwrap();
    }
    items.sort();
    let got: Vec<u32> = (0..items.len()).map(|_| q.get().unwrap()).collect();
    assert_eq!(got, items);
}

#[test]
fn c57_full_and_empty_without_blocking_and_with_timeouts() {
    let q = Queue::new(1);
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
    let start = Instant::now();
    assert_eq!(q.get_timeout(Duration::ZERO), Err(GetError::Empty));
    assert!(start.elapsed() < T * 10);
    let start = Instant::now();
    assert_eq!(q.get_timeout(T), Err(GetError::Empty));
    assert_about(start.elapsed(), T);

    q.put(1).unwrap();
    assert!(matches!(q.put_nowait(2), Err(PutError::Full(2))));
    let start = Instant::now();
    assert!(matches!(
        q.put_timeout(3, Duration::ZERO),
        Err(PutError::Full(3))
    ));
    assert!(start.elapsed() < T * 10);
    let start = Instant::now();
    let err = q.put_timeout(4, T).unwrap_err();
    assert_about(start.elapsed(), T);
    assert!(err.is_full());
    assert_eq!(err.into_inner(), 4);
    assert_eq!(q.qsize(), 1);
    assert_eq!(q.unfinished_tasks(), 1);
}

#[test]
fn c58_blocked_put_is_released_by_a_get() {
    let q = Arc::new(Queue::new(1));
    q.put(1).unwrap();
    let putter = spawn_started({
        let q = Arc::clone(&q);
        move || q.put(2)
    });
    assert_eq!(q.get(), Ok(1));
    putter.join().unwrap().unwrap();
    assert_eq!(q.get(), Ok(2));
}

#[test]
fn c58_blocked_get_is_released_by_a_put() {
    for timed in [false, true] {
        let q = Arc::new(LifoQueue::new(0));
        let getter = spawn_started({
            let q = Arc::clone(&q);
            move || {
                if timed {
                    q.get_timeout(Duration::from_secs(60))
                } else {
                    q.get()
                }
            }
        });
        q.put(7).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(7));
    }
}

#[test]
fn c58_many_producers_and_consumers_lose_nothing() {
    let q = Arc::new(Queue::new(3));
    let producers: Vec<_> = (0..4)
        .map(|p| {
            let q = Arc::clone(&q);
            thread::spawn(move || {
                for n in 0..500 {
                    q.put(p * 1000 + n).unwrap();
                }
            })
        })
        .collect();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let q = Arc::clone(&q);
            thread::spawn(move || {
                let mut got = Vec::new();
                while let Ok(n) = q.get() {
                    got.push(n);
                    q.task_done().unwrap();
                }
                got
            })
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    q.join();
    q.shutdown(false);
    let mut all: Vec<i32> = consumers
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    all.sort();
    let mut expected: Vec<i32> = (0..4)
        .flat_map(|p| (0..500).map(move |n| p * 1000 + n))
        .collect();
    expected.sort();
    assert_eq!(all, expected);
}

#[test]
fn c60_task_done_too_many_times_is_an_error() {
    let q = Queue::new(0);
    assert_eq!(q.task_done(), Err(TaskDoneError));
    assert_eq!(
        TaskDoneError.to_string(),
        "task_done() called too many times"
    );
    q.put(1).unwrap();
    q.get().unwrap();
    assert_eq!(q.task_done(), Ok(()));
    assert_eq!(q.task_done(), Err(TaskDoneError));
    assert_eq!(q.unfinished_tasks(), 0);
}

#[test]
fn c61_join_waits_for_every_task_and_can_be_called_twice() {
    let q = Arc::new(Queue::new(0));
    q.join(); // nothing unfinished: returns at once
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (q, done) = (Arc::clone(&q), Arc::clone(&done));
            thread::spawn(move || {
                while let Ok(n) = q.get() {
                    done.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
                    q.task_done().unwrap();
                }
            })
        })
        .collect();
    for n in 0..100 {
        q.put(n).unwrap();
    }
    assert!(q.unfinished_tasks() <= 100);
    q.join();
    assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 4950);
    assert_eq!(q.unfinished_tasks(), 0);
    q.join();
    q.shutdown(false);
    for w in workers {
        w.join().unwrap();
    }
}

thread_local! {
    static FAIL_PUT: Cell<bool> = const { Cell::new(false) };
    static FAIL_GET: Cell<bool> = const { Cell::new(false) };
    static FAIL_CMP: Cell<bool> = const { Cell::new(false) };
    /// `Some(n)`: `pop` succeeds `n` more times, then panics once.
    static POP_FAILS_AFTER: Cell<Option<u32>> = const { Cell::new(None) };
}

/// CPython's `FailingQueue`: `_put` and `_get` raise on demand, before touching the items.
struct Failing(Fifo<i32>);

impl Storage<i32> for Failing {
    const NAME: &'static str = "FailingQueue";
    fn new(maxsize: usize) -> Self {
        Self(Fifo::new(maxsize))
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn push(&mut self, item: i32) {
        if FAIL_PUT.get() {
            FAIL_PUT.set(false);
            panic!("failing put");
        }
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<i32> {
        if FAIL_GET.get() {
            FAIL_GET.set(false);
            panic!("failing get");
        }
        match POP_FAILS_AFTER.get() {
            Some(0) => {
                POP_FAILS_AFTER.set(None);
                panic!("failing get");
            }
            Some(n) => POP_FAILS_AFTER.set(Some(n - 1)),
            None => {}
        }
        self.0.pop()
    }
}

#[test]
fn c63_a_failing_storage_leaves_the_queue_usable() {
    let q: GenericQueue<i32, Failing> = GenericQueue::new(2);
    q.put(1).unwrap();
    FAIL_PUT.set(true);
    assert!(catch_unwind(AssertUnwindSafe(|| q.put(2))).is_err());
    assert_eq!((q.qsize(), q.unfinished_tasks()), (1, 1));
    q.put(3).unwrap();
    assert!(q.full());
    FAIL_GET.set(true);
    assert!(catch_unwind(AssertUnwindSafe(|| q.get())).is_err());
    assert_eq!(q.qsize(), 2);
    assert_eq!(q.get(), Ok(1));
    assert_eq!(q.get(), Ok(3));
    q.task_done().unwrap();
    q.task_done().unwrap();
    q.join();

    // A failure while another thread waits: the waiter is not lost.
    let q = Arc::new(GenericQueue::<i32, Failing>::new(0));
    let getter = spawn_started({
        let q = Arc::clone(&q);
        move || q.get()
    });
    FAIL_PUT.set(true);
    assert!(catch_unwind(AssertUnwindSafe(|| q.put(5))).is_err());
    q.put(6).unwrap();
    assert_eq!(getter.join().unwrap(), Ok(6));
}

/// C63 and C68: an immediate shutdown whose storage fails part way still finishes one task per
/// item it discarded, so a join returns once the items taken are done.
#[test]
fn c63_c68_a_storage_failing_during_an_immediate_shutdown_still_counts_the_discarded_items() {
    let q: GenericQueue<i32, Failing> = GenericQueue::new(0);
    for item in 1..=3 {
        q.put(item).unwrap();
    }
    assert_eq!(q.get(), Ok(1));
    POP_FAILS_AFTER.set(Some(1));
    assert!(catch_unwind(AssertUnwindSafe(|| q.shutdown(true))).is_err());
    // Item 2 was discarded before the failure, item 3 is still stored; item 1 is not done.
    assert_eq!((q.qsize(), q.unfinished_tasks()), (1, 2));
    q.shutdown(true);
    assert_eq!((q.qsize(), q.unfinished_tasks()), (0, 1));
    q.task_done().unwrap();
    q.join();
}

/// An item whose comparison panics while `FAIL_CMP` is set on the comparing thread.
#[derive(Debug, PartialEq, Eq)]
struct Touchy(u32);

impl PartialOrd for Touchy {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Touchy {
    fn cmp(&self, other: &Self) -> Ordering {
        if FAIL_CMP.get() {
            panic!("comparison failed");
        }
        self.0.cmp(&other.0)
    }
}

/// Puts `items`, then runs `break_it` with every comparison panicking, and checks that every
/// item put is still there, counted, and comes out in order once comparisons work again.
fn check_panicking_ord(items: &[u32], break_it: impl Fn(&PriorityQueue<Touchy>)) {
    let q = PriorityQueue::new(0);
    for &n in items {
        q.put(Touchy(n)).unwrap();
    }
    FAIL_CMP.set(true);
    break_it(&q);
    FAIL_CMP.set(false);
    let n = q.qsize();
    assert_eq!(q.unfinished_tasks(), n);
    let got: Vec<u32> = (0..n).map(|_| q.get().unwrap().0).collect();
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(got, sorted);
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
}

fn panics(f: impl FnOnce()) -> bool {
    catch_unwind(AssertUnwindSafe(f)).is_err()
}

#[test]
fn c63_a_panicking_ord_loses_no_item_of_a_priority_queue() {
    let items = [5, 3, 8, 1, 9, 2, 7];
    // A get whose sift panics keeps its item.
    check_panicking_ord(&items, |q| {
        assert!(panics(|| drop(q.get())));
        assert_eq!(q.qsize(), 7);
    });
    // A put whose sift panics has stored its item, and counts it.
    check_panicking_ord(&items, |q| {
        assert!(panics(|| drop(q.put(Touchy(0)))));
        assert_eq!((q.qsize(), q.unfinished_tasks()), (8, 8));
    });
    // Puts and gets while the heap is still broken from an earlier panic lose nothing.
    check_panicking_ord(&items, |q| {
        assert!(panics(|| drop(q.get())));
        assert!(panics(|| drop(q.put(Touchy(4)))));
        assert!(panics(|| drop(q.get())));
        assert!(panics(|| drop(q.put(Touchy(0)))));
        assert_eq!((q.qsize(), q.unfinished_tasks()), (9, 9));
    });
    // The smallest comes out first once comparisons work again.
    let q = PriorityQueue::new(0);
    for n in items {
        q.put(Touchy(n)).unwrap();
    }
    FAIL_CMP.set(true);
    assert!(panics(|| drop(q.get())));
    FAIL_CMP.set(false);
    assert_eq!(q.get(), Ok(Touchy(1)));
}

#[test]
fn c65_shutdown_is_one_way_and_may_be_repeated_either_way() {
    for (first, second) in [(false, true), (true, false), (false, false), (true, true)] {
        let q = Queue::<i32>::new(0);
        assert!(!q.is_shutdown());
        q.shutdown(first);
        assert!(q.is_shutdown());
        q.shutdown(second);
        assert!(q.is_shutdown());
    }
}

#[test]
fn c66_put_after_shutdown_fails_before_full() {
    for immediate in [false, true] {
        let q = Queue::new(1);
        q.put(1).unwrap();
        q.shutdown(immediate);
        assert!(matches!(q.put(2), Err(PutError::ShutDown(2))));
        assert!(matches!(q.put_nowait(3), Err(PutError::ShutDown(3))));
        let start = Instant::now();
        let err = q.put_timeout(4, Duration::from_secs(30)).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(10));
        assert!(err.is_shut_down());
        assert_eq!(err.into_inner(), 4);
        assert_eq!(err_text(PutError::ShutDown(())), "put on a shut-down queue");
    }
}

fn err_text(e: impl std::error::Error) -> String {
    e.to_string()
}

#[test]
fn c67_after_shutdown_gets_drain_the_items_then_fail_at_once() {
    let q = Queue::new(0);
    for n in 1..=3 {
        q.put(n).unwrap();
    }
    q.shutdown(false);
    assert_eq!(q.get(), Ok(1));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(q.get_timeout(T), Ok(3));
    assert_eq!(q.get(), Err(GetError::ShutDown));
    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
    let start = Instant::now();
    assert_eq!(
        q.get_timeout(Duration::from_secs(30)),
        Err(GetError::ShutDown)
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(q.unfinished_tasks(), 3);
}

#[test]
fn c68_immediate_shutdown_discards_items_and_their_tasks() {
    let q = Arc::new(Queue::new(0));
    for n in 1..=3 {
        q.put(n).unwrap();
    }
    assert_eq!(q.get(), Ok(1)); // taken, not done: still unfinished
    q.shutdown(true);
    assert_eq!(q.qsize(), 0);
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
    let joiner = spawn_started({
        let q = Arc::clone(&q);
        move || q.join()
    });
    q.task_done().unwrap();
    joiner.join().unwrap();
    assert_eq!(q.unfinished_tasks(), 0);

    // Never below zero: tasks done before their items were taken.
    let q = Queue::new(0);
    q.put(1).unwrap();
    q.put(2).unwrap();
    q.task_done().unwrap();
    q.task_done().unwrap();
    q.shutdown(true);
    assert_eq!((q.qsize(), q.unfinished_tasks()), (0, 0));
    q.join();
}

#[test]
fn c69_blocked_get_wakes_with_shutdown_in_both_modes() {
    for immediate in [false, true] {
        for timed in [false, true] {
            let q = Arc::new(Queue::<i32>::new(0));
            let getter = spawn_started({
                let q = Arc::clone(&q);
                move || {
                    if timed {
                        q.get_timeout(Duration::from_secs(60))
                    } else {
                        q.get()
                    }
                }
            });
            q.shutdown(immediate);
            assert_eq!(getter.join().unwrap(), Err(GetError::ShutDown));
        }
    }
}

#[test]
fn c70_two_items_three_getters_shutdown_gives_two_items_and_one_shutdown() {
    let q = Arc::new(Queue::new(0));
    let getters: Vec<_> = (0..3)
        .map(|_| {
            spawn_started({
                let q = Arc::clone(&q);
                move || q.get()
            })
        })
        .collect();
    q.put(1).unwrap();
    q.put(2).unwrap();
    q.shutdown(false);
    let mut results: Vec<_> = getters.into_iter().map(|g| g.join().unwrap()).collect();
    results.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(results, [Err(GetError::ShutDown), Ok(1), Ok(2)]);
}

#[test]
fn c71_blocked_put_fails_with_shutdown_in_both_modes() {
    for immediate in [false, true] {
        for timed in [false, true] {
            let q = Arc::new(Queue::new(1));
            q.put(0).unwrap();
            let putter = spawn_started({
                let q = Arc::clone(&q);
                move || {
                    if timed {
                        q.put_timeout(9, Duration::from_secs(60))
                    } else {
                        q.put(9)
                    }
                }
            });
            q.shutdown(immediate);
            let err = putter.join().unwrap().unwrap_err();
            assert!(err.is_shut_down());
            assert_eq!(err.into_inner(), 9);
            assert_eq!(q.qsize(), usize::from(!immediate));
        }
    }
}

#[test]
fn c72_join_after_shutdown_waits_for_task_done() {
    let q = Arc::new(Queue::new(0));
    q.put(1).unwrap();
    let joiner = spawn_started({
        let q = Arc::clone(&q);
        move || {
            q.join();
            q.unfinished_tasks()
        }
    });
    q.shutdown(false);
    assert_eq!(q.get(), Ok(1));
    q.task_done().unwrap();
    assert_eq!(joiner.join().unwrap(), 0);
}

#[test]
fn c72_immediate_shutdown_wakes_every_joiner() {
    let q = Arc::new(Queue::new(0));
    for n in 0..3 {
        q.put(n).unwrap();
    }
    let joiners: Vec<_> = (0..2)
        .map(|_| {
            spawn_started({
                let q = Arc::clone(&q);
                move || q.join()
            })
        })
        .collect();
    q.shutdown(true);
    for j in joiners {
        j.join().unwrap();
    }
    assert_eq!(q.unfinished_tasks(), 0);
}

#[test]
fn errors_say_what_happened_and_give_the_item_back() {
    assert_eq!(PutError::Full(1).to_string(), "put on a full queue");
    assert_eq!(
        PutError::ShutDown(1).to_string(),
        "put on a shut-down queue"
    );
    assert_eq!(GetError::Empty.to_string(), "get from an empty queue");
    assert_eq!(GetError::ShutDown.to_string(), "get from a shut-down queue");
    assert_eq!(format!("{:?}", PutError::Full(vec![1])), "Full(..)");
    assert_eq!(PutError::ShutDown("x").into_inner(), "x");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(PutError::Full(1));
    assert_eq!(boxed.to_string(), "put on a full queue");
    let _: Box<dyn std::error::Error> = Box::new(GetError::Empty);
    let _: Box<dyn std::error::Error> = Box::new(TaskDoneError);
}

#[test]
fn queues_are_send_sync_debug_and_default() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Queue<String>>();
    send_sync::<LifoQueue<String>>();
    send_sync::<PriorityQueue<String>>();
    send_sync::<PutError<String>>();
    send_sync::<GetError>();

    let q: Queue<u8> = Queue::default();
    assert_eq!(q.maxsize(), 0);
    q.put(1).unwrap();
    assert_eq!(
        format!("{q:?}"),
        "Queue { maxsize: 0, qsize: 1, unfinished_tasks: 1, is_shutdown: false }"
    );
    let l: LifoQueue<u8> = LifoQueue::new(4);
    assert!(format!("{l:?}").starts_with("LifoQueue { maxsize: 4"));
    let p: PriorityQueue<u8> = PriorityQueue::default();
    p.shutdown(false);
    assert!(format!("{p:?}").contains("is_shutdown: true"));
}
