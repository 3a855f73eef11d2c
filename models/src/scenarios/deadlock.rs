//! The tutorial's sections 死锁 (deadlock) and 递归锁 (the recursive lock): threads that each
//! run `action_a` then `action_b`, taking two locks with a sleep between.
//!
//! ```python
//! def action_a(self):
//!     lock_a.acquire(); time.sleep(2); lock_b.acquire(); time.sleep(1)
//!     lock_b.release(); lock_a.release()
//! def action_b(self):
//!     lock_b.acquire(); time.sleep(2); lock_a.acquire(); time.sleep(1)
//!     lock_a.release(); lock_b.release()
//! def run(self):
//!     self.action_a()
//!     self.action_b()
//! ```

use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};
use std::sync::Arc;
use std::time::Duration;

use threadproof::sync::thread;
use threadproof::{trace, Lock, RLock};

use crate::model::{Ending, Model, Size, Verdict};
use crate::{join_all, spawn_named};

fn pause(seconds: u64) {
    // time.sleep(n): under the checkers no time passes and no other thread is let in; the
    // schedules around it are those of the steps before and after it.
    thread::sleep(Duration::from_secs(seconds));
}

/// Takes `first` then `second`, as `action_a` / `action_b` do, printing what the snippet
/// prints (`Thread-1 获取 A 锁 0s`: got lock A; `释放`: released). The locks record their own
/// acquires and releases in the trace.
fn action(name: &str, (first, first_name): (&Lock, &str), (second, second_name): (&Lock, &str)) {
    first.acquire();
    crate::print(format!("{name} 获取 {first_name} 锁 {}", crate::ctime()));
    pause(2);
    second.acquire();
    crate::print(format!("{name} 获取 {second_name} 锁 {}", crate::ctime()));
    pause(1);
    second.release().expect("held by this thread");
    crate::print(format!("{name} 释放 {second_name} 锁 {}", crate::ctime()));
    first.release().expect("held by this thread");
    crate::print(format!("{name} 释放 {first_name} 锁 {}", crate::ctime()));
}

fn two_locks(size: Size, opposite: bool) -> Ending {
    let lock_a = Arc::new(Lock::new());
    let lock_b = Arc::new(Lock::new());
    trace::label(&*lock_a, "lock_a");
    trace::label(&*lock_b, "lock_b");
    let threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let (a, b) = (Arc::clone(&lock_a), Arc::clone(&lock_b));
            let name = format!("Thread-{i}");
            spawn_named(name.clone(), move || {
                let (a, b) = ((&*a, "A"), (&*b, "B"));
                // action_a
                action(&name, a, b);
                // action_b
                if opposite {
                    action(&name, b, a);
                } else {
                    action(&name, a, b);
                }
            })
        })
        .collect();
    join_all(threads);
    crate::print("over");
    Ending::new("every thread finished", true)
}

fn two_locks_opposite(size: Size) -> Ending {
    two_locks(size, true)
}

fn two_locks_same(size: Size) -> Ending {
    two_locks(size, false)
}

/// `two_locks_opposite_order`: the tutorial's `MyThread`, whose `action_a` takes `lock_a` then
/// `lock_b` and whose `action_b` takes them in the opposite order. Claim: every thread
/// finishes. The tutorial says it deadlocks; the checkers find the wait-for cycle.
pub fn two_locks_opposite_order() -> Model {
    Model {
        name: "two_locks_opposite_order",
        section: "死锁 (deadlock)",
        claim: "every thread finishes",
        expected: Verdict::Deadlocks,
        expected_virtual: Verdict::Deadlocks,
        timing: "time.sleep(2) between the two acquires, time.sleep(1) before the releases",
        timing_lesson: None,
        tutorial_printed: None,
        printed_is_prefix: false,
        threads_are: "threads",
        value_means: "locks",
        small: Size {
            threads: 2,
            value: 2,
        },
        tutorial: Size {
            threads: 4,
            value: 2,
        },
        must_reach: None,
        program: two_locks_opposite,
    }
}

/// `two_locks_same_order`: the textbook fix the tutorial does not show: `action_b` takes the
/// locks in the same order as `action_a`. Claim: every thread finishes: holds.
pub fn two_locks_same_order() -> Model {
    Model {
        name: "two_locks_same_order",
        section: "死锁 (deadlock), fixed by a lock order",
        program: two_locks_same,
        expected: Verdict::Holds,
        expected_virtual: Verdict::Holds,
        ..two_locks_opposite_order()
    }
}

/// `rlock_nested`: the tutorial's fix, one `RLock` taken twice in each action. Claims: every
/// thread finishes, no two threads are ever inside at once, and the recursion count is back to
/// zero when a thread is done.
pub fn rlock_nested() -> Model {
    Model {
        name: "rlock_nested",
        section: "递归锁 (RLock)",
        claim: "every thread finishes, one thread inside at a time, recursion count back to 0",
        expected: Verdict::Holds,
        expected_virtual: Verdict::Holds,
        timing: "time.sleep(2) between the two acquires, time.sleep(1) before the releases",
        timing_lesson: None,
        tutorial_printed: None,
        printed_is_prefix: false,
        threads_are: "threads",
        value_means: "nesting",
        small: Size {
            threads: 2,
            value: 2,
        },
        tutorial: Size {
            threads: 4,
            value: 2,
        },
        must_reach: None,
        program: rlock_nested_run,
    }
}

fn rlock_nested_run(size: Size) -> Ending {
    let r_lock = Arc::new(RLock::new());
    trace::label(&*r_lock, "r_lock");
    // Threads inside the outer acquire, and the most seen at once.
    let inside = Arc::new(StdAtomicUsize::new(0));
    let most = Arc::new(StdAtomicUsize::new(0));
    let leftover = Arc::new(StdAtomicUsize::new(0));
    let threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let (r_lock, inside, most, leftover) = (
                Arc::clone(&r_lock),
                Arc::clone(&inside),
                Arc::clone(&most),
                Arc::clone(&leftover),
            );
            let name = format!("Thread-{i}");
            spawn_named(name.clone(), move || {
                // action_a prints A then B; action_b, B then A.
                for (outer, inner) in [("A", "B"), ("B", "A")] {
                    r_lock.acquire();
                    let now = inside.fetch_add(1, StdOrdering::SeqCst) + 1;
                    most.fetch_max(now, StdOrdering::SeqCst);
                    crate::print(format!("{name} 获取 {outer} 锁 {}", crate::ctime()));
                    pause(2);
                    for _ in 1..size.value {
                        r_lock.acquire();
                    }
                    crate::print(format!("{name} 获取 {inner} 锁 {}", crate::ctime()));
                    trace::step("r_lock.recursion_count()", r_lock.recursion_count());
                    pause(1);
                    for _ in 1..size.value {
                        r_lock.release().expect("owned by this thread");
                    }
                    crate::print(format!("{name} 释放 {inner} 锁 {}", crate::ctime()));
                    inside.fetch_sub(1, StdOrdering::SeqCst);
                    r_lock.release().expect("owned by this thread");
                    crate::print(format!("{name} 释放 {outer} 锁 {}", crate::ctime()));
                }
                leftover.fetch_add(r_lock.recursion_count(), StdOrdering::SeqCst);
            })
        })
        .collect();
    join_all(threads);
    crate::print("over");
    let most = most.load(StdOrdering::SeqCst);
    let leftover = leftover.load(StdOrdering::SeqCst);
    Ending::new(
        format!(
            "at most {most} inside, recursion left {leftover}, locked {}",
            r_lock.locked()
        ),
        most == 1 && leftover == 0 && !r_lock.locked(),
    )
}
