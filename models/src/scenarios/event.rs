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

fn boss_worker(size: Size) -> Ending {
    let event = Arc::new(Event::new());
    trace::label(&*event, "event");
    let mut threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let event = Arc::clone(&event);
            spawn_named(format!("Worker-{i}"), move || {
                event.wait();
                trace::step("print", "哎...命苦啊 (sigh)");
                thread::sleep(Duration::from_secs(1));
                event.clear();
                trace::step("event.clear()", "");
                event.wait();
                trace::step("print", "Oh Yeah!");
            })
        })
        .collect();
    let boss_event = Arc::clone(&event);
    threads.push(spawn_named("Boss".to_owned(), move || {
        trace::step("print", "今天大家加班 (overtime today)");
        trace::step("event.is_set()", boss_event.is_set());
        boss_event.set();
        trace::step("event.set()", "");
        thread::sleep(Duration::from_secs(3));
        trace::step("print", "可以下班了 (you may go home)");
        trace::step("event.is_set()", boss_event.is_set());
        boss_event.set();
        trace::step("event.set()", "");
    }));
    join_all(threads);
    Ending::new("every thread finished", true)
}

fn boss_worker_fixed(size: Size) -> Ending {
    let start = Arc::new(Event::new());
    let done = Arc::new(Event::new());
    trace::label(&*start, "start");
    trace::label(&*done, "done");
    let mut threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let (start, done) = (Arc::clone(&start), Arc::clone(&done));
            spawn_named(format!("Worker-{i}"), move || {
                start.wait();
                trace::step("print", "哎...命苦啊 (sigh)");
                thread::sleep(Duration::from_secs(1));
                done.wait();
                trace::step("print", "Oh Yeah!");
            })
        })
        .collect();
    let (boss_start, boss_done) = (Arc::clone(&start), Arc::clone(&done));
    threads.push(spawn_named("Boss".to_owned(), move || {
        trace::step("print", "今天大家加班 (overtime today)");
        boss_start.set();
        thread::sleep(Duration::from_secs(3));
        trace::step("print", "可以下班了 (you may go home)");
        boss_done.set();
    }));
    join_all(threads);
    Ending::new("every thread finished", true)
}
