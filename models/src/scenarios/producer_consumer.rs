//! The tutorial's sections 生产者消费者模型 (producer and consumers, forms 1 and 2) and
//! 队列的其他方法 (`task_done` and `join`): a producer `A` and consumers `B1`, `B2`, `B3`
//! around one `queue.Queue()`.
//!
//! ```python
//! # form 1                                # form 2
//! def producer(name):                     def producer(name):
//!     ...                                     ...
//!     q.put(count)                            q.put(count)
//!     q.task_done()                           q.join()
//! def consumer(name):                     def consumer(name):
//!     q.join()                                value = q.get()
//!     value = q.get()                         q.task_done()
//! ```
//!
//! The tutorial's loops run forever; here the producer makes `value` items and then shuts the
//! queue down (`q.shutdown()`, Python 3.13), so each consumer's next `get` fails and it stops.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use threadproof::queue::Queue;
use threadproof::sync::random;
use threadproof::trace;

use crate::model::{Ending, Model, Size, Verdict};
use crate::{join_all, spawn_named};

/// `producer_consumer_form1`: the producer calls `put` then `task_done`, the consumers `join`
/// then `get`. The join looks like flow control, but the producer's own `task_done` has
/// already brought the count back to zero, so it waits for nothing. Claim: the queue never
/// holds more than one item: violated.
pub fn producer_consumer_form1() -> Model {
    Model {
        name: "producer_consumer_form1",
        section: "生产者消费者模型 / 形式1 (form 1)",
        claim: "the queue never holds more than one item",
        expected: Verdict::Violated,
        expected_virtual: Verdict::Violated,
        timing:
            "time.sleep(random.randrange(2)) before each put and each get: 0 or 1 s, both explored",
        timing_lesson: None,
        tutorial_printed: Some(FORM1_OUTPUT),
        printed_is_prefix: true,
        threads_are: "consumers",
        value_means: "items",
        // One consumer: two make loom's full search too long for every run of `cargo prove`.
        small: Size {
            threads: 1,
            value: 2,
        },
        tutorial: Size {
            threads: 3,
            // The items its tutorial output shows.
            value: 8,
        },
        must_reach: None,
        program: form1,
    }
}

/// `producer_consumer_form2`: the producer calls `put` then `join`, the consumers `get` then
/// `task_done`. Claims: the queue never holds more than one item, every item is consumed
/// exactly once, and each `join` returns only after that item's `task_done`: holds.
pub fn producer_consumer_form2() -> Model {
    Model {
        name: "producer_consumer_form2",
        section: "生产者消费者模型 / 形式2 (form 2)",
        claim: "the queue never holds more than one item, each item is consumed once, \
                and join returns only after that item's task_done",
        expected: Verdict::Holds,
        expected_virtual: Verdict::Holds,
        tutorial_printed: Some(FORM2_OUTPUT),
        tutorial: Size {
            threads: 3,
            value: 7,
        },
        program: form2,
        ..producer_consumer_form1()
    }
}

/// `queue_other_methods`: the section 队列的其他方法 as written, on one thread: three puts,
/// `qsize`/`empty`/`full`, `get_nowait`, `put_nowait(4)`, one `task_done()`, then `join()`.
/// Claim: the snippet runs to its end. It hangs: four items were put and one marked done, so
/// `join` waits for three `task_done` calls, and no thread is left to make them.
pub fn queue_other_methods() -> Model {
    Model {
        name: "queue_other_methods",
        section: "队列的其他方法 (the other methods), as written",
        claim: "the snippet runs to its end: join() returns",
        expected: Verdict::Hangs,
        expected_virtual: Verdict::Hangs,
        timing: "no sleeps",
        timing_lesson: None,
        tutorial_printed: None,
        printed_is_prefix: false,
        threads_are: "threads",
        value_means: "items",
        small: Size {
            threads: 0,
            value: 3,
        },
        tutorial: Size {
            threads: 0,
            value: 3,
        },
        must_reach: None,
        program: other_methods,
    }
}

fn other_methods(size: Size) -> Ending {
    let q = Queue::new(0);
    trace::label(&q, "q");
    for item in 1..=size.value {
        q.put(item).expect("the queue is open");
    }
    // print(q.qsize())  # 3; print(q.empty())  # False; print(q.full())  # False
    crate::print(q.qsize());
    crate::print(if q.empty() { "True" } else { "False" });
    crate::print(if q.full() { "True" } else { "False" });
    let got = q.get_nowait().expect("three items are queued");
    trace::step("q.get_nowait()", got);
    q.put_nowait(size.value + 1)
        .expect("the queue is unbounded");
    q.task_done().expect("four items are unfinished");
    q.join();
    crate::print("join returned");
    Ending::new("the snippet ran to its end", true)
}

/// `queue_join_with_workers`: `task_done` and `join` used as they work: the main thread puts
/// items; workers `get` and `task_done` them; a joiner calls `join`. Claim: `join` returns if
/// and only if every item put has been marked done (it returns after the last `task_done`,
/// and never hangs): holds.
pub fn queue_join_with_workers() -> Model {
    Model {
        name: "queue_join_with_workers",
        section: "队列的其他方法 (task_done / join), with workers to finish the tasks",
        claim: "join returns if and only if every item put has been marked done",
        expected: Verdict::Holds,
        expected_virtual: Verdict::Holds,
        timing: "no sleeps",
        timing_lesson: None,
        tutorial_printed: None,
        printed_is_prefix: false,
        threads_are: "workers",
        value_means: "items",
        small: Size {
            threads: 2,
            value: 2,
        },
        tutorial: Size {
            threads: 3,
            value: 5,
        },
        must_reach: None,
        program: join_task_done,
    }
}

/// The first lines form 1 printed in the tutorial (打印结果; its loop runs forever).
const FORM1_OUTPUT: &str = "\
A 生产数据 0
B2 消费数据 0
A 生产数据 1
B1 消费数据 1
A 生产数据 2
B3 消费数据 2
A 生产数据 3
B2 消费数据 3
A 生产数据 4
A 生产数据 5
A 生产数据 6
B3 消费数据 4
B1 消费数据 5
B1 消费数据 6
A 生产数据 7
B2 消费数据 7";

/// The first lines form 2 printed in the tutorial.
const FORM2_OUTPUT: &str = "\
A 生产数据 0
B2 消费数据 0
A 生产数据 1
B2 消费数据 1
A 生产数据 2
B3 消费数据 2
A 生产数据 3
B1 消费数据 3
A 生产数据 4
B2 消费数据 4
A 生产数据 5
B3 消费数据 5
A 生产数据 6
B3 消费数据 6";

/// `time.sleep(random.randrange(2))`: 0 or 1 s, a choice the checker explores under the
/// tutorial's timing (under any timing a sleep takes no time, whatever its length).
fn pause() {
    random::sleep(&[Duration::ZERO, Duration::from_secs(1)]);
}

/// Notes how many items the queue holds right after a put, keeping the most seen.
fn note_size(queue: &Queue<usize>, most: &AtomicUsize) -> usize {
    let size = queue.qsize();
    most.fetch_max(size, Ordering::SeqCst);
    size
}

fn form1(size: Size) -> Ending {
    let q = Arc::new(Queue::new(0));
    trace::label(&*q, "q");
    let most = Arc::new(AtomicUsize::new(0));
    let producer = {
        let (q, most) = (Arc::clone(&q), Arc::clone(&most));
        spawn_named("A".to_owned(), move || {
            for count in 0..size.value {
                pause();
                q.put(count).expect("the queue is open");
                let size = note_size(&q, &most);
                trace::step("q.qsize()", size);
                crate::print(format!("A 生产数据 {count}"));
                q.task_done().expect("one task_done per put");
            }
            q.shutdown(false);
        })
    };
    let consumers: Vec<_> = (1..=size.threads)
        .map(|i| {
            let q = Arc::clone(&q);
            spawn_named(format!("B{i}"), move || loop {
                pause();
                q.join();
                match q.get() {
                    Ok(value) => crate::print(format!("B{i} 消费数据 {value}")),
                    Err(_) => break,
                }
            })
        })
        .collect();
    join_all(std::iter::once(producer).chain(consumers));
    let most = most.load(Ordering::SeqCst);
    Ending::new(format!("queue held at most {most}"), most <= 1)
}

fn form2(size: Size) -> Ending {
    let q = Arc::new(Queue::new(0));
    trace::label(&*q, "q");
    let most = Arc::new(AtomicUsize::new(0));
    // For each item: how many times it was consumed, and whether its task_done has begun.
    let consumed: Arc<Vec<AtomicUsize>> =
        Arc::new((0..size.value).map(|_| AtomicUsize::new(0)).collect());
    let done: Arc<Vec<AtomicBool>> =
        Arc::new((0..size.value).map(|_| AtomicBool::new(false)).collect());
    let early_join = Arc::new(AtomicBool::new(false));
    // For each consumer: whether it consumed an item.
    let consumers_fed: Arc<Vec<AtomicBool>> =
        Arc::new((0..size.threads).map(|_| AtomicBool::new(false)).collect());
    let producer = {
        let (q, most, done, early_join) = (
            Arc::clone(&q),
            Arc::clone(&most),
            Arc::clone(&done),
            Arc::clone(&early_join),
        );
        spawn_named("A".to_owned(), move || {
            for count in 0..size.value {
                pause();
                q.put(count).expect("the queue is open");
                let size = note_size(&q, &most);
                trace::step("q.qsize()", size);
                crate::print(format!("A 生产数据 {count}"));
                q.join();
                if !done[count].load(Ordering::SeqCst) {
                    early_join.store(true, Ordering::SeqCst);
                }
            }
            q.shutdown(false);
        })
    };
    let consumers: Vec<_> = (1..=size.threads)
        .map(|i| {
            let (q, consumed, done, fed) = (
                Arc::clone(&q),
                Arc::clone(&consumed),
                Arc::clone(&done),
                Arc::clone(&consumers_fed),
            );
            spawn_named(format!("B{i}"), move || loop {
                pause();
                match q.get() {
                    Ok(value) => {
                        fed[i - 1].store(true, Ordering::SeqCst);
                        consumed[value].fetch_add(1, Ordering::SeqCst);
                        done[value].store(true, Ordering::SeqCst);
                        q.task_done().expect("one task_done per get");
                        crate::print(format!("B{i} 消费数据 {value}"));
                    }
                    Err(_) => break,
                }
            })
        })
        .collect();
    join_all(std::iter::once(producer).chain(consumers));
    let most = most.load(Ordering::SeqCst);
    let once = consumed.iter().all(|c| c.load(Ordering::SeqCst) == 1);
    let early = early_join.load(Ordering::SeqCst);
    let fed: Vec<String> = (1..=size.threads)
        .filter(|i| consumers_fed[i - 1].load(Ordering::SeqCst))
        .map(|i| format!("B{i}"))
        .collect();
    Ending::new(
        format!(
            "queue held at most {most}, each item consumed once: {once}, a join returned early: {early}, consumed by {}",
            fed.join(" ")
        ),
        most <= 1 && once && !early,
    )
}

fn join_task_done(size: Size) -> Ending {
    let q = Arc::new(Queue::new(0));
    trace::label(&*q, "q");
    for item in 0..size.value {
        q.put(item).expect("the queue is open");
    }
    let marked = Arc::new(AtomicUsize::new(0));
    let mut threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let (q, marked) = (Arc::clone(&q), Arc::clone(&marked));
            spawn_named(format!("Worker-{i}"), move || {
                while let Ok(item) = q.get_nowait() {
                    trace::step("q.get_nowait", item);
                    marked.fetch_add(1, Ordering::SeqCst);
                    q.task_done().expect("one task_done per get");
                }
            })
        })
        .collect();
    let seen = Arc::new(AtomicUsize::new(usize::MAX));
    {
        let (q, marked, seen) = (Arc::clone(&q), Arc::clone(&marked), Arc::clone(&seen));
        threads.push(spawn_named("Joiner".to_owned(), move || {
            q.join();
            let now = marked.load(Ordering::SeqCst);
            trace::step("q.join() returned", format!("{now} marked done"));
            seen.store(now, Ordering::SeqCst);
        }));
    }
    join_all(threads);
    let seen = seen.load(Ordering::SeqCst);
    Ending::new(
        format!("join returned with {seen} of {} done", size.value),
        seen == size.value,
    )
}
