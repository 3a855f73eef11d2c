//! The queues checked over every interleaving, by loom and by shuttle (exhaustive searches):
//! blocking and waking (C58), delivery through a small queue, task accounting (C60, C61) and
//! shutdown (C69..C72).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use threadproof::check::{Check, Search, Verdict};
use threadproof::queue::{GetError, PutError, Queue, TaskDoneError};
use threadproof::sync::thread;

use crate::common::{self, assert_passed, report};

/// Explores `program` exhaustively and checks that every execution passed.
fn check(name: &str, program: impl Fn() + Send + Sync + 'static) {
    assert_passed(name, &Check::new().inside_primitives().run(program));
}

#[test]
fn c58_a_put_blocked_on_a_full_queue_is_released_by_a_get() {
    check("c58 blocked put", || {
        let q = Arc::new(Queue::new(1));
        q.put(1).unwrap();
        let putter = thread::spawn({
            let q = Arc::clone(&q);
            move || q.put(2)
        });
        assert_eq!(q.get(), Ok(1));
        putter.join().unwrap().unwrap();
        assert_eq!(q.get_nowait(), Ok(2));
    });
}

#[test]
fn c58_a_get_blocked_on_an_empty_queue_is_released_by_a_put() {
    check("c58 blocked get", || {
        let q = Arc::new(Queue::new(0));
        let getter = thread::spawn({
            let q = Arc::clone(&q);
            move || q.get()
        });
        q.put(7).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(7));
        assert!(q.empty());
    });
}

/// Two producers put `sizes[p]` items each, `(p, 0), (p, 1), ...`, through a capacity-1 queue
/// to one consumer (the main thread), which checks that every item arrives exactly once and
/// each producer's items in the order it put them.
fn producers_to_one_consumer(sizes: [i32; 2]) {
    let q = Arc::new(Queue::new(1));
    let producers: Vec<_> = (0..2)
        .map(|p| {
            let q = Arc::clone(&q);
            thread::spawn(move || {
                for n in 0..sizes[p as usize] {
                    q.put((p, n)).unwrap();
                }
            })
        })
        .collect();
    let total = sizes.iter().sum::<i32>() as usize;
    let got: Vec<(i32, i32)> = (0..total).map(|_| q.get().unwrap()).collect();
    for p in producers {
        p.join().unwrap();
    }
    for p in 0..2 {
        let mine: Vec<i32> = got.iter().filter(|i| i.0 == p).map(|i| i.1).collect();
        let sent: Vec<i32> = (0..sizes[p as usize]).collect();
        assert_eq!(mine, sent, "producer {p}'s items, exactly once, in order");
    }
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
    assert_eq!(q.unfinished_tasks(), total);
}

/// Exhaustive. loom explores 2 + 1 items (about 160,000 executions); shuttle's search, which
/// has no partial-order reduction, passes 10 million executions on 2 + 1 items, so under
/// shuttle each producer puts one item (the per-producer order is then checked by loom and by
/// the sampled run below).
#[test]
fn two_producers_one_consumer_through_capacity_one_deliver_each_item_once_in_order() {
    let sizes = if cfg!(shuttle) { [1, 1] } else { [2, 1] };
    check(
        &format!("2 producers {sizes:?}, 1 consumer, capacity 1"),
        move || producers_to_one_consumer(sizes),
    );
}

/// Sampled, not a proof: shuttle's PCT scheduler on 2 + 2 items (loom has no sampler).
#[test]
#[cfg_attr(loom, ignore = "loom has no PCT sampler")]
fn two_producers_one_consumer_two_items_each_sampled() {
    let run = Check::with_search(Search::Pct {
        seed: 61,
        iterations: 50_000,
        depth: 3,
    })
    .run(|| producers_to_one_consumer([2, 2]));
    report("2 producers [2, 2], sampled", &run);
    run.expect(Verdict::Holds);
}

#[test]
fn c61_join_returns_only_when_every_item_is_done_and_never_hangs() {
    check("c61 join, two workers", || {
        let q = Arc::new(Queue::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        q.put(1).unwrap();
        q.put(2).unwrap();
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (q, done) = (Arc::clone(&q), Arc::clone(&done));
                thread::spawn(move || {
                    q.get().unwrap();
                    done.fetch_add(1, Ordering::SeqCst);
                    q.task_done().unwrap();
                })
            })
            .collect();
        q.join();
        assert_eq!(done.load(Ordering::SeqCst), 2, "join returned early");
        for w in workers {
            w.join().unwrap();
        }
        // C60: a surplus task_done is an error and leaves the count at zero.
        assert_eq!(q.task_done(), Err(TaskDoneError));
        assert_eq!(q.unfinished_tasks(), 0);
    });
}

#[test]
fn c61_every_joiner_returns_once_the_last_task_is_done() {
    check("c61 two joiners", || {
        let q = Arc::new(Queue::new(0));
        let done = Arc::new(AtomicBool::new(false));
        q.put(1).unwrap();
        assert_eq!(q.get(), Ok(1)); // taken, not yet done
        let joiners: Vec<_> = (0..2)
            .map(|_| {
                let (q, done) = (Arc::clone(&q), Arc::clone(&done));
                thread::spawn(move || {
                    q.join();
                    assert!(done.load(Ordering::SeqCst), "join returned early");
                })
            })
            .collect();
        done.store(true, Ordering::SeqCst);
        q.task_done().unwrap();
        for j in joiners {
            j.join().unwrap();
        }
    });
}

#[test]
fn c60_of_two_racing_task_dones_for_one_task_exactly_one_fails() {
    check("c60 racing task_done", || {
        let q = Arc::new(Queue::new(0));
        q.put(()).unwrap();
        let other = thread::spawn({
            let q = Arc::clone(&q);
            move || q.task_done()
        });
        let mine = q.task_done();
        let theirs = other.join().unwrap();
        assert!(
            matches!(
                (mine, theirs),
                (Ok(()), Err(TaskDoneError)) | (Err(TaskDoneError), Ok(()))
            ),
            "exactly one succeeds"
        );
        assert_eq!(q.unfinished_tasks(), 0);
        q.join();
    });
}

#[test]
fn c69_shutdown_wakes_a_blocked_get_with_shut_down_in_both_modes() {
    for immediate in [false, true] {
        check(&format!("c69 getter, immediate={immediate}"), move || {
            let q = Arc::new(Queue::<i32>::new(0));
            let getter = thread::spawn({
                let q = Arc::clone(&q);
                move || q.get()
            });
            q.shutdown(immediate);
            assert_eq!(getter.join().unwrap(), Err(GetError::ShutDown));
        });
    }
}

#[test]
fn c71_shutdown_wakes_a_blocked_put_with_shut_down_in_both_modes() {
    for immediate in [false, true] {
        check(&format!("c71 putter, immediate={immediate}"), move || {
            let q = Arc::new(Queue::new(1));
            q.put(1).unwrap();
            let putter = thread::spawn({
                let q = Arc::clone(&q);
                move || q.put(2)
            });
            q.shutdown(immediate);
            match putter.join().unwrap() {
                Err(PutError::ShutDown(2)) => {}
                other => panic!("the blocked put got {other:?}, not ShutDown"),
            }
            let left = if immediate {
                Err(GetError::ShutDown)
            } else {
                Ok(1)
            };
            assert_eq!(q.get_nowait(), left);
        });
    }
}

/// C67: a shutdown(false) leaves the items for the getters. A getter blocked on the empty
/// queue, woken by a put that a shutdown follows before it runs again, still gets the item.
#[test]
fn c67_a_blocked_get_woken_by_a_put_and_then_a_shutdown_gets_the_item() {
    check("c67 put then shutdown", || {
        let q = Arc::new(Queue::new(0));
        let getter = thread::spawn({
            let q = Arc::clone(&q);
            move || q.get()
        });
        q.put(1).unwrap();
        q.shutdown(false);
        assert_eq!(getter.join().unwrap(), Ok(1));
    });
}

/// As CPython's test_shutdown_get: the two items are in the queue before the three getters
/// start, so the third getter blocks (or arrives after the shutdown) in some interleavings.
#[test]
fn c70_shutdown_with_two_items_and_three_getters_gives_two_items_and_one_shut_down() {
    check("c70 two items, three getters", || {
        let q = Arc::new(Queue::new(0));
        q.put(1).unwrap();
        q.put(2).unwrap();
        let getters: Vec<_> = (0..3)
            .map(|_| {
                let q = Arc::clone(&q);
                thread::spawn(move || q.get())
            })
            .collect();
        q.shutdown(false);
        let mut items = Vec::new();
        let mut shut_down = 0;
        for g in getters {
            match g.join().unwrap() {
                Ok(item) => items.push(item),
                Err(GetError::ShutDown) => shut_down += 1,
                Err(GetError::Empty) => panic!("a blocking get returned Empty"),
            }
        }
        items.sort();
        assert_eq!((items, shut_down), (vec![1, 2], 1));
    });
}

#[test]
fn c72_immediate_shutdown_releases_every_joiner() {
    check("c72 immediate shutdown, two joiners", || {
        let q = Arc::new(Queue::new(0));
        q.put(1).unwrap();
        q.put(2).unwrap();
        let joiners: Vec<_> = (0..2)
            .map(|_| {
                let q = Arc::clone(&q);
                thread::spawn(move || q.join())
            })
            .collect();
        q.shutdown(true);
        for j in joiners {
            j.join().unwrap();
        }
        assert_eq!((q.qsize(), q.unfinished_tasks()), (0, 0));
    });
}

#[test]
fn c72_join_after_shutdown_still_waits_for_task_done() {
    for immediate in [false, true] {
        check(&format!("c72 joiner, immediate={immediate}"), move || {
            let q = Arc::new(Queue::new(0));
            let done = Arc::new(AtomicBool::new(false));
            q.put(1).unwrap();
            q.put(2).unwrap();
            let taken = q.get().unwrap(); // taken, not done: shutdown(true) keeps its task
            let joiner = thread::spawn({
                let (q, done) = (Arc::clone(&q), Arc::clone(&done));
                move || {
                    q.join();
                    assert!(
                        done.load(Ordering::SeqCst),
                        "join returned before task_done"
                    );
                }
            });
            q.shutdown(immediate);
            if !immediate {
                assert_eq!(q.get(), Ok(2));
                q.task_done().unwrap();
            }
            assert_eq!(taken, 1);
            done.store(true, Ordering::SeqCst);
            q.task_done().unwrap();
            joiner.join().unwrap();
        });
    }
}

#[test]
fn c69_c71_shutdown_wakes_every_blocked_get_and_put() {
    for immediate in [false, true] {
        check(
            &format!("c69 two getters, immediate={immediate}"),
            move || {
                let q = Arc::new(Queue::<i32>::new(0));
                let getters: Vec<_> = (0..2)
                    .map(|_| {
                        let q = Arc::clone(&q);
                        thread::spawn(move || q.get())
                    })
                    .collect();
                q.shutdown(immediate);
                for g in getters {
                    assert_eq!(g.join().unwrap(), Err(GetError::ShutDown));
                }
            },
        );
        check(
            &format!("c71 two putters, immediate={immediate}"),
            move || {
                let q = Arc::new(Queue::new(1));
                q.put(0).unwrap();
                let putters: Vec<_> = (1..3)
                    .map(|n| {
                        let q = Arc::clone(&q);
                        thread::spawn(move || q.put(n).map_err(PutError::into_inner))
                    })
                    .collect();
                q.shutdown(immediate);
                let mut refused: Vec<i32> = putters
                    .into_iter()
                    .map(|p| p.join().unwrap().unwrap_err())
                    .collect();
                refused.sort();
                assert_eq!(refused, [1, 2]);
            },
        );
    }
}

#[test]
fn a_get_that_nobody_feeds_is_reported_as_a_hang_naming_the_queue() {
    let run = Check::new().inside_primitives().run(|| {
        let q = Arc::new(Queue::<i32>::new(0));
        threadproof::trace::label(&*q, "jobs");
        let getter = thread::Builder::new()
            .name("consumer".into())
            .spawn({
                let q = Arc::clone(&q);
                move || q.get()
            })
            .unwrap();
        let _ = getter.join();
    });
    report("hang report", &run);
    let run = run.expect(Verdict::Hangs);
    assert_eq!(
        run.counterexample.as_ref().expect("a hang").ending,
        "hang: consumer is blocked in `get jobs`, and no other thread is left to wake it",
        "{run}"
    );
}

/// What every queue kind must do with the items `in_order` gave it, one thread alone, inside
/// the checker: C55, C56 (each kind's order), C57 (Full hands the item back, Empty), C60, C61,
/// C65, C66. Then a `put_nowait` on another thread races a `get_nowait`, and the queue's
/// observers agree with who won.
macro_rules! kind_model {
    ($kind:ident, $in_order:expr, $out_order:expr) => {
        || {
            use threadproof::queue::$kind;
            let items: Vec<u32> = $in_order;
            let q = Arc::new($kind::new(items.len()));
            assert_eq!(q.maxsize(), items.len());
            assert!(q.empty() && !q.full() && !q.is_shutdown());
            for &item in &items {
                q.put_nowait(item).unwrap();
            }
            assert_eq!(q.qsize(), items.len());
            assert!(q.full() && !q.empty(), "C55: full at maxsize");
            let full = q.put_nowait(99).unwrap_err();
            assert!(full.is_full() && !full.is_shut_down(), "C57: {full:?}");
            assert_eq!(full.into_inner(), 99, "a failed put hands its item back");
            assert_eq!(q.unfinished_tasks(), items.len(), "C61");
            let got: Vec<u32> = items.iter().map(|_| q.get_nowait().unwrap()).collect();
            assert_eq!(got, $out_order, "C56: this kind's order");
            assert_eq!(q.get_nowait(), Err(GetError::Empty), "C57");
            assert!(q.empty() && !q.full());
            for _ in &items {
                q.task_done().unwrap();
            }
            assert_eq!(q.task_done(), Err(TaskDoneError), "C60");
            assert_eq!(q.unfinished_tasks(), 0);

            let putter = thread::spawn({
                let q = Arc::clone(&q);
                move || q.put_nowait(1)
            });
            let got = q.get_nowait();
            putter.join().unwrap().unwrap();
            let outcome = match got {
                Ok(1) => "got it",
                Err(GetError::Empty) => "empty",
                other => panic!("get_nowait gave {other:?}"),
            };
            let left = usize::from(outcome == "empty");
            assert_eq!(q.qsize(), left, "qsize after the race");
            assert_eq!(q.empty(), left == 0);
            assert_eq!(q.unfinished_tasks(), 1, "the put counts, whoever won");

            q.shutdown(false);
            assert!(q.is_shutdown(), "C65");
            let refused = q.put_nowait(7).unwrap_err();
            assert!(
                refused.is_shut_down() && !refused.is_full(),
                "C66: {refused:?}"
            );
            assert_eq!(refused.into_inner(), 7, "a refused put hands its item back");
            assert_eq!(
                q.get_nowait().is_ok(),
                left == 1,
                "C67: what is left is still got"
            );
            assert_eq!(q.get_nowait(), Err(GetError::ShutDown), "C67");

            // C68: an immediate shutdown discards what is stored, and its tasks with it.
            let drained = $kind::new(0);
            for &item in &items {
                drained.put(item).unwrap();
            }
            assert!(!drained.full(), "C55: never full when unbounded");
            drained.get_nowait().unwrap();
            drained.shutdown(true);
            assert_eq!(drained.qsize(), 0, "C68: emptied");
            assert_eq!(
                drained.unfinished_tasks(),
                1,
                "C68: the item taken still counts"
            );
            assert_eq!(drained.get_nowait(), Err(GetError::ShutDown));
            outcome.to_owned()
        }
    };
}

#[test]
fn c55_c57_c60_c68_each_kind_orders_its_items_and_its_observers_agree() {
    // C56's own items are 111, 333, 222. These seven, in this order, are no heap: a priority
    // queue that stored them without sifting would hand out 333 first.
    fn in_order() -> Vec<u32> {
        vec![333, 111, 222, 777, 555, 666, 444]
    }
    let expected = &["empty", "got it"];
    common::assert_outcomes(
        "Queue",
        (None, None),
        expected,
        kind_model!(Queue, in_order(), in_order()),
    );
    common::assert_outcomes(
        "LifoQueue",
        (None, None),
        expected,
        kind_model!(LifoQueue, in_order(), {
            let mut reversed = in_order();
            reversed.reverse();
            reversed
        }),
    );
    common::assert_outcomes(
        "PriorityQueue",
        (None, None),
        expected,
        kind_model!(PriorityQueue, in_order(), {
            let mut sorted = in_order();
            sorted.sort_unstable();
            sorted
        }),
    );
}

/// A store that fails like C63's `FailingQueue`: its push panics, before storing, for the item
/// 13. It keeps the trait's own `take_all`.
struct Failing(std::collections::VecDeque<u32>);

impl threadproof::queue::Storage<u32> for Failing {
    const NAME: &'static str = "FailingQueue";

    fn new(_maxsize: usize) -> Self {
        Self(std::collections::VecDeque::new())
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn push(&mut self, item: u32) {
        assert_ne!(item, 13, "the store fails");
        self.0.push_back(item);
    }

    fn pop(&mut self) -> Option<u32> {
        self.0.pop_front()
    }
}

static COMPARISONS_FAIL: AtomicBool = AtomicBool::new(false);

/// An item whose comparisons panic while [`COMPARISONS_FAIL`] is set.
#[derive(Debug, PartialEq, Eq)]
struct Touchy(u32);

impl PartialOrd for Touchy {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Touchy {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        assert!(
            !COMPARISONS_FAIL.load(Ordering::Relaxed),
            "the comparison fails"
        );
        self.0.cmp(&other.0)
    }
}

/// C63 inside the checker: a put whose store panics adds no task and leaves the queue usable,
/// and an immediate shutdown discards the items through the trait's own `take_all`; a priority
/// queue whose comparison panicked in the middle of a sift keeps the item and mends its heap
/// before the next get, which races another thread's put. Under both checkers: the queue lets
/// go of its lock before a store's panic unwinds on.
#[test]
fn c63_a_failing_store_leaves_the_queue_usable() {
    check("c63 failing store", || {
        use std::panic::{catch_unwind, AssertUnwindSafe};
        use threadproof::queue::{GenericQueue, PriorityQueue};

        let q: GenericQueue<u32, Failing> = GenericQueue::new(0);
        q.put(1).unwrap();
        q.put(2).unwrap();
        assert!(catch_unwind(AssertUnwindSafe(|| q.put(13))).is_err());
        assert_eq!(q.qsize(), 2, "nothing was stored");
        assert_eq!(
            q.unfinished_tasks(),
            2,
            "a put that stored nothing adds no task"
        );
        assert_eq!(q.get(), Ok(1));
        q.task_done().unwrap();
        q.shutdown(true);
        assert_eq!(q.qsize(), 0, "C68: the item left is discarded");
        assert_eq!(q.unfinished_tasks(), 0, "and its task finished");

        let heap = PriorityQueue::new(0);
        for n in [5, 3, 8] {
            heap.put(Touchy(n)).unwrap();
        }
        COMPARISONS_FAIL.store(true, Ordering::Relaxed);
        let failed = catch_unwind(AssertUnwindSafe(|| heap.put(Touchy(0))));
        COMPARISONS_FAIL.store(false, Ordering::Relaxed);
        assert!(failed.is_err());
        assert_eq!(heap.qsize(), 4, "the item is kept");
        let heap = Arc::new(heap);
        let putter = thread::spawn({
            let heap = Arc::clone(&heap);
            move || heap.put(Touchy(1)).unwrap()
        });
        assert_eq!(heap.get().unwrap().0, 0, "the heap is whole again");
        let rest: Vec<u32> = (0..4).map(|_| heap.get().unwrap().0).collect();
        putter.join().unwrap();
        let first_there: Vec<u32> = rest.iter().copied().filter(|&n| n != 1).collect();
        assert_eq!(
            first_there,
            [3, 5, 8],
            "what was there comes out smallest first"
        );
        assert!(rest.contains(&1), "and the racing put's item too: {rest:?}");
    });
}

/// The priority queue's heap, inside the checker, against `std::collections::BinaryHeap` as the
/// oracle: forty puts in a scrambled order, with a get after every third, then the rest; every
/// get returns the smallest item there. A put on another thread races the last gets.
#[test]
fn a_priority_queue_always_hands_out_its_smallest_item() {
    check("priority heap", || {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        use threadproof::queue::PriorityQueue;

        let q = Arc::new(PriorityQueue::new(0));
        let mut oracle = BinaryHeap::new();
        let mut next = 7u32;
        for i in 0..40 {
            next = (next * 37 + 11) % 101;
            q.put(next).unwrap();
            oracle.push(Reverse(next));
            if i % 3 == 2 {
                assert_eq!(q.get_nowait().ok(), oracle.pop().map(|Reverse(n)| n));
            }
        }
        let putter = thread::spawn({
            let q = Arc::clone(&q);
            move || q.put(1000).unwrap()
        });
        let mut rest = Vec::new();
        while let Some(Reverse(smallest)) = oracle.pop() {
            rest.push(smallest);
            assert_eq!(q.get(), Ok(smallest), "gets in order: {rest:?}");
        }
        putter.join().unwrap();
        assert_eq!(
            q.get_nowait(),
            Ok(1000),
            "the largest, put last, comes out last"
        );
    });
}
