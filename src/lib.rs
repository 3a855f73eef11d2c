//! # threadproof
//!
//! Python's threading toolkit for Rust, with every primitive checked over all thread
//! interleavings by the model checkers [loom](https://docs.rs/loom) and
//! [shuttle](https://docs.rs/shuttle).
//!
//! Your own programs too: [`check::Check`] runs a closure under the configured checker
//! (`RUSTFLAGS="--cfg loom"` or `RUSTFLAGS="--cfg shuttle"`; on real threads, a stress test)
//! and returns a [`check::Report`]: the verdict (holds, violated, deadlocks, hangs), the
//! outcomes with their counts, and the first counterexample, step by step, with the sentence
//! that explains it ("Thread-1 holds account0 and waits for account1; ..."). The
//! [`check`] module shows an example. [`linearizability`] checks that a concurrent object is
//! the sequential one it claims to be, over every interleaving, as Lincheck does.
//!
//! | Python (`threading`, `queue`)        | threadproof                          |
//! |--------------------------------------|--------------------------------------|
//! | `threading.Lock()`                   | [`Lock`]                             |
//! | `threading.RLock()`                  | [`RLock`]                            |
//! | `threading.Condition()`              | [`Condition`] (owns its data, not reentrant), or [`RLockCondition`] (reentrant, no data) |
//! | `threading.Condition(lock)`          | [`Condvar::new(&mutex)`](Condvar::new), one per condition, on a [`Mutex`] that owns the data |
//! | `threading.Condition(r_lock)`        | [`RLockCondition::with_lock`]        |
//! | `threading.Event()`                  | [`Event`]                            |
//! | `threading.Semaphore(n)`             | [`Semaphore`]                        |
//! | `threading.BoundedSemaphore(n)`      | [`BoundedSemaphore`]                 |
//! | `with sem:`                          | [`Semaphore::permit`]                |
//! | `threading.Barrier(n)`               | [`Barrier`]                          |
//! | `threading.Barrier(n, action)`       | [`Barrier::with_action`]             |
//! | `threading.BrokenBarrierError`       | [`BrokenBarrierError`]               |
//! | `queue.Queue(maxsize)`               | [`queue::Queue`]                     |
//! | `queue.LifoQueue(maxsize)`           | [`queue::LifoQueue`]                 |
//! | `queue.PriorityQueue(maxsize)`       | [`queue::PriorityQueue`]             |
//! | `queue.Full`, `Empty`, `ShutDown`    | [`queue::PutError`], [`queue::GetError`] |
//! | `multiprocessing.Process(target=f)`  | [`process::Process`] (Unix, real-thread builds, feature `process`) |
//! | `time.sleep(d)`                      | [`sync::thread::sleep`]              |
//! | `time.monotonic()` (from the start)  | [`sync::time::now`]                  |
//! | `random.randrange(n)`                | [`sync::random::randrange`]          |
//!
//! The same code runs on real threads, under `RUSTFLAGS="--cfg loom"` and under
//! `RUSTFLAGS="--cfg shuttle"`: every primitive is written against [`sync`], the one module that
//! chooses between them. Under the checkers, a [`check::Check`] explores a program's
//! interleavings and its random choices, with time in the model as [`check::Timing`] says.

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod check;
pub mod linearizability;
pub mod queue;
pub mod sync;
pub mod trace;

#[cfg(processes)]
pub mod process;

mod barrier;
mod condition;
mod error;
mod event;
mod lock;
mod raw_lock;
mod rlock;
mod semaphore;

pub use barrier::Barrier;
pub use condition::{Condition, ConditionGuard, Condvar, Mutex, MutexGuard, RLockCondition};
pub use error::{BrokenBarrierError, PartiesError, ReleaseError};
pub use event::Event;
pub use lock::{Lock, LockGuard};
pub use rlock::{RLock, RLockGuard};
pub use semaphore::{BoundedSemaphore, Semaphore, SemaphorePermit};

// Every primitive may be shared between threads, and a guard whose release any thread may do
// may move between them (an `RLockGuard` may not: its docs show that it does not compile).
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    const fn sync<T: Sync>() {}
    send_sync::<Lock>();
    send::<LockGuard<'static>>();
    send_sync::<RLock>();
    send_sync::<Condition<u32>>();
    send_sync::<Condition<std::cell::Cell<u32>>>();
    sync::<ConditionGuard<'static, u32>>();
    send_sync::<Mutex<std::cell::Cell<u32>>>();
    send_sync::<Condvar>();
    send_sync::<RLockCondition>();
    send_sync::<Event>();
    send_sync::<Semaphore>();
    send_sync::<BoundedSemaphore>();
    send_sync::<SemaphorePermit<'static>>();
    send_sync::<Barrier>();
    send_sync::<ReleaseError>();
};
