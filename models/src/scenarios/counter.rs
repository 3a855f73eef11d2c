//! The tutorial's section 同步锁(互斥锁) (the mutual-exclusion lock): a hundred threads each
//! subtract one from a global `num`, with the read and the write split by `time.sleep`.
//!
//! ```python
//! def sub():
//!     global num
//!     temp = num - 1
//!     time.sleep(0.0001)
//!     num = temp
//! ```

use std::sync::Arc;

use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::sync::thread;
use threadproof::{trace, Lock};

use crate::model::{Ending, Model, Size, Verdict};
use crate::{join_all, spawn_named};

/// How each thread is protected around its read-modify-write of `num`.
#[derive(Clone, Copy)]
enum Guard {
    /// No lock (不使用同步锁的问题).
    Unlocked,
    /// `lock.acquire()` before the read and `lock.release()` after the write (使用同步锁).
    Locked,
    /// A lock standing for CPython's GIL: held while the thread runs Python code, let go across
    /// `time.sleep`, as CPython does.
    Gil,
}

/// `counter_unlocked`: the tutorial's unlocked counter. Claim: after N threads each subtract
/// one, `num == start - N`. The tutorial says the result "is always greater than 0"; the
/// checkers find the lost updates and report every reachable final value.
pub fn counter_unlocked() -> Model {
    counter_model(
        "counter_unlocked",
        "同步锁 / 不使用同步锁的问题 (no lock)",
        Verdict::Violated,
        3,
        run_unlocked,
    )
}

/// `counter_locked`: the same with the read-sleep-write inside `lock.acquire()` /
/// `lock.release()`. Claim `num == start - N`: holds in every interleaving.
pub fn counter_locked() -> Model {
    counter_model(
        "counter_locked",
        "同步锁 / 解决方法:使用同步锁 (Lock)",
        Verdict::Holds,
        2,
        run_locked,
    )
}

/// `counter_gil`: a global lock standing for CPython's GIL, held by each thread except across
/// its sleep (CPython lets the GIL go in `time.sleep`). Claim `num == start - N`: still
/// violated. The GIL does not make a read-modify-write atomic.
pub fn counter_gil() -> Model {
    counter_model(
        "counter_gil",
        "GIL + 不使用同步锁的问题 (GIL, no lock)",
        Verdict::Violated,
        2,
        run_gil,
    )
}

fn counter_model(
    name: &'static str,
    section: &'static str,
    expected: Verdict,
    threads: usize,
    program: fn(Size) -> Ending,
) -> Model {
    Model {
        name,
        section,
        claim: "after N threads each subtract 1, num == start - N",
        expected,
        // The clock does not change these verdicts: every thread starts at once, so all of
        // them read `num` before the first 0.1 ms sleep ends (unlocked), or take the lock in
        // turn (locked).
        expected_virtual: expected,
        timing: "time.sleep(0.0001) between the read and the write",
        timing_lesson: None,
        tutorial_printed: None,
        printed_is_prefix: false,
        threads_are: "threads",
        value_means: "start",
        small: Size {
            threads,
            value: threads,
        },
        tutorial: Size {
            threads: 100,
            value: 100,
        },
        must_reach: None,
        program,
    }
}

fn run_unlocked(size: Size) -> Ending {
    run(size, Guard::Unlocked)
}

fn run_locked(size: Size) -> Ending {
    run(size, Guard::Locked)
}

fn run_gil(size: Size) -> Ending {
    run(size, Guard::Gil)
}

fn run(size: Size, guard: Guard) -> Ending {
    let num = Arc::new(AtomicUsize::new(size.value));
    trace::label(&*num, "num");
    let lock = Arc::new(Lock::new());
    trace::label(
        &*lock,
        if matches!(guard, Guard::Gil) {
            "gil"
        } else {
            "lock"
        },
    );
    let threads: Vec<_> = (1..=size.threads)
        .map(|i| {
            let (num, lock) = (Arc::clone(&num), Arc::clone(&lock));
            spawn_named(format!("Thread-{i}"), move || sub(&num, &lock, guard))
        })
        .collect();
    join_all(threads);
    let end = num.load(Ordering::SeqCst);
    // print(num)
    crate::print(end);
    Ending::new(format!("num = {end}"), end + size.threads == size.value)
}

/// One thread's `sub()`.
fn sub(num: &AtomicUsize, lock: &Lock, guard: Guard) {
    if !matches!(guard, Guard::Unlocked) {
        lock.acquire();
    }
    // temp = num - 1
    let seen = num.load(Ordering::SeqCst);
    let temp = seen - 1;
    // time.sleep(0.0001): with the GIL, the sleeping thread lets it go.
    if matches!(guard, Guard::Gil) {
        lock.release().expect("the GIL is held here");
    }
    thread::sleep(std::time::Duration::from_micros(100));
    if matches!(guard, Guard::Gil) {
        lock.acquire();
    }
    // num = temp
    num.store(temp, Ordering::SeqCst);
    if !matches!(guard, Guard::Unlocked) {
        lock.release().expect("the lock is held here");
    }
}
