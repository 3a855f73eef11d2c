//! The tutorial's section 信号量 Semaphore: ten threads share a `Semaphore(3)`, so at most
//! three are inside at once.
//!
//! ```python
//! class MyThread(threading.Thread):
//!     def run(self):
//!         if semaphore.acquire():
//!             print(self.name, time.ctime())
//!             time.sleep(2)
//!             semaphore.release()
//! ```

use std::sync::Arc;
use std::time::Duration;

use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::sync::thread;
use threadproof::{trace, Semaphore};

use crate::model::{Ending, Model, Size, Verdict};
use crate::{join_all, spawn_named};

/// `semaphore_limit`: never more threads inside than the semaphore's value, and some
/// execution has exactly that many inside at once: holds.
pub fn semaphore_limit() -> Model {
    Model {
        name: "semaphore_limit",
        section: "信号量 Semaphore",
        claim: "never more threads inside than the semaphore's value, and that value is reached",
        expected: Verdict::Holds,
        expected_virtual: Verdict::Holds,
        timing: "each thread sleeps 2 s while it holds the semaphore",
        timing_lesson: None,
        tutorial_printed: Some(TUTORIAL_OUTPUT),
        printed_is_prefix: false,
        threads_are: "threads",
        value_means: "semaphore value",
        small: Size {
            threads: 3,
            value: 2,
        },
        tutorial: Size {
            threads: 10,
            value: 3,
        },
        must_reach: Some(|size| most_inside(size.value)),
        program: limit,
    }
}

/// What the tutorial shows its run printing, `time.ctime()` as seconds since the start
/// (`Thu Aug  2 23:27:52 2018` is `0s`).
const TUTORIAL_OUTPUT: &str = "\
Thread-1 0s
Thread-2 0s
Thread-3 0s
Thread-4 2s
Thread-5 2s
Thread-6 2s
Thread-7 4s
Thread-8 4s
Thread-9 4s
Thread-10 6s
over";

fn most_inside(n: usize) -> String {
    format!("at most {n} inside at once")
}

fn limit(size: Size) -> Ending {
    let semaphore = Arc::new(Semaphore::new(size.value));
    trace::label(&*semaphore, "semaphore");
    // The count of threads inside is the state the claim is about, so the checker sees it: a
    // thread may be overtaken between entering and leaving. (The sleep between them is no
    // scheduling point: it touches nothing another thread can see.) The high-water mark is
    // bookkeeping, updated with the count in the same step, so a plain atomic will do.
    let inside = Arc::new(AtomicUsize::new(0));
    trace::label(&*inside, "inside");
    let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let (semaphore, inside, most) = (
                Arc::clone(&semaphore),
                Arc::clone(&inside),
                Arc::clone(&most),
            );
            let name = format!("Thread-{i}");
            spawn_named(name.clone(), move || {
                semaphore.acquire();
                crate::print(format!("{name} {}", crate::ctime()));
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                thread::sleep(Duration::from_secs(2));
                inside.fetch_sub(1, Ordering::SeqCst);
                semaphore.release();
            })
        })
        .collect();
    join_all(threads);
    crate::print("over");
    let most = most.load(std::sync::atomic::Ordering::SeqCst);
    Ending::new(most_inside(most), most <= size.value)
}
