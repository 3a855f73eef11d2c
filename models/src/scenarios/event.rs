//! The tutorial's section 同步对象Event (the Event object): a boss tells the workers to start
//! overtime, then tells them they may go home; the workers clear the event between the two.
//!
//! ```python
//! class Boss(threading.Thread):
//!     def run(self):
//!         print('今天大家加班'); print(event.isSet()); event.set()
//!         time.sleep(3)
//!         print('可以下班了'); print(event.isSet()); event.set()
//!
//! class Worker(threading.Thread):
//!     def run(self):
//!         event.wait(); print('哎...命苦啊'); time.sleep(1)
//!         event.clear()
//!         event.wait(); print('Oh Yeah!')
//! ```

use std::sync::Arc;
use std::time::Duration;

use threadproof::sync::thread;
use threadproof::{trace, Event};

use crate::model::{Ending, Model, Size, Verdict};
use crate::{join_all, spawn_named};

/// `event_boss_worker`: the tutorial's Boss and Workers, with the workers' `clear()` and second
/// `wait()`. Claim: every thread finishes. It hangs: the boss's second `set()` can land before
/// a worker's `clear()`, and that worker then waits forever.
pub fn event_boss_worker() -> Model {
    Model {
        name: "event_boss_worker",
        section: "同步对象Event (Event)",
        claim: "every worker gets both messages and finishes",
        expected: Verdict::Hangs,
        expected_virtual: Verdict::Holds,
        timing:
            "the boss sleeps 3 s between its two set() calls, each worker 1 s before its clear()",
        timing_lesson: Some(
            "it hangs under any timing and holds under the tutorial's: the boss's three-second \
             sleep outlasts the workers' one-second one, so every worker has cleared the event \
             and waits again before the second set()",
        ),
        tutorial_printed: Some(TUTORIAL_OUTPUT),
        printed_is_prefix: false,
        threads_are: "workers",
        value_means: "events",
        small: Size {
            threads: 2,
            value: 1,
        },
        tutorial: Size {
            threads: 3,
            value: 1,
        },
        must_reach: None,
        program: boss_worker,
    }
}

/// `event_boss_worker_fixed`: one event per message, never cleared: `start` for "overtime
/// today", `done` for "you may go home". Claim: every thread finishes: holds.
pub fn event_boss_worker_fixed() -> Model {
    Model {
        name: "event_boss_worker_fixed",
        section: "同步对象Event (Event), fixed with two events",
        expected: Verdict::Holds,
        expected_virtual: Verdict::Holds,
        timing_lesson: None,
        tutorial_printed: None,
        value_means: "events",
        small: Size {
            threads: 2,
            value: 2,
        },
        tutorial: Size {
            threads: 3,
            value: 2,
        },
        program: boss_worker_fixed,
        ..event_boss_worker()
    }
}

/// What the tutorial shows its run printing (输出结果), three workers and a boss.
const TUTORIAL_OUTPUT: &str = "\
Boss Thread-4 : 今天大家加班
False
Worker Thread-3 : 哎...命苦啊
Worker Thread-2 : 哎...命苦啊
Worker Thread-1 : 哎...命苦啊
Boss Thread-4 : 可以下班了
False
Worker Thread-1 : Oh Yeah!
Worker Thread-2 : Oh Yeah!
Worker Thread-3 : Oh Yeah!
over";

/// Python's `print(event.isSet())`.
fn print_is_set(event: &Event) {
    crate::print(if event.is_set() { "True" } else { "False" });
}

/// Starts the workers (`Thread-1`...) and then the boss, named as Python names them in the
/// order they are created, runs `worker` and `boss` in them, joins them and prints `over`.
fn boss_and_workers(
    size: Size,
    worker: impl Fn(&str) + Send + Sync + 'static,
    boss: impl FnOnce(&str) + Send + 'static,
) -> Ending {
    let worker = Arc::new(worker);
    let mut threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let worker = Arc::clone(&worker);
            let name = format!("Thread-{i}");
            spawn_named(name.clone(), move || worker(&name))
        })
        .collect();
    let name = format!("Thread-{}", size.threads + 1);
    threads.push(spawn_named(name.clone(), move || boss(&name)));
    join_all(threads);
    crate::print("over");
    Ending::new("every thread finished", true)
}

fn boss_worker(size: Size) -> Ending {
    let event = Arc::new(Event::new());
    trace::label(&*event, "event");
    let boss_event = Arc::clone(&event);
    boss_and_workers(
        size,
        move |name| {
            event.wait();
            crate::print(format!("Worker {name} : 哎...命苦啊"));
            thread::sleep(Duration::from_secs(1));
            event.clear();
            trace::step("event.clear()", "");
            event.wait();
            crate::print(format!("Worker {name} : Oh Yeah!"));
        },
        move |name| {
            crate::print(format!("Boss {name} : 今天大家加班"));
            print_is_set(&boss_event);
            boss_event.set();
            trace::step("event.set()", "");
            thread::sleep(Duration::from_secs(3));
            crate::print(format!("Boss {name} : 可以下班了"));
            print_is_set(&boss_event);
            boss_event.set();
            trace::step("event.set()", "");
        },
    )
}

fn boss_worker_fixed(size: Size) -> Ending {
    let start = Arc::new(Event::new());
    let done = Arc::new(Event::new());
    trace::label(&*start, "start");
    trace::label(&*done, "done");
    let (boss_start, boss_done) = (Arc::clone(&start), Arc::clone(&done));
    boss_and_workers(
        size,
        move |name| {
            start.wait();
            crate::print(format!("Worker {name} : 哎...命苦啊"));
            thread::sleep(Duration::from_secs(1));
            done.wait();
            crate::print(format!("Worker {name} : Oh Yeah!"));
        },
        move |name| {
            crate::print(format!("Boss {name} : 今天大家加班"));
            boss_start.set();
            thread::sleep(Duration::from_secs(3));
            crate::print(format!("Boss {name} : 可以下班了"));
            boss_done.set();
        },
    )
}
