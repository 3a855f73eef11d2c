//! # threadproof
//!
//! Python's threading toolkit for Rust, with every primitive checked over all thread
//! interleavings by the model checkers [loom](https://docs.rs/loom) and
//! [shuttle](https://docs.rs/shuttle).
//!
//! | Python (`threading`, `queue`)        | threadproof                          |
//! |--------------------------------------|--------------------------------------|
//! | `threading.Lock()`                   | [`Lock`]                             |
//! | `threading.RLock()`                  | [`RLock`]                            |
//! | `threading.Condition()`              | [`Condition`] (owns its data)        |
//! | `queue.Queue(maxsize)`               | [`Queue`]                            |
//! | `queue.LifoQueue(maxsize)`           | [`LifoQueue`]                        |
//! | `queue.PriorityQueue(maxsize)`       | [`PriorityQueue`]                    |
//! | `queue.Full`, `Empty`, `ShutDown`    | [`PutError`], [`GetError`]           |
//! | `multiprocessing.Process(target=f)`  | [`process::Process`] (Unix, real-thread builds) |
//!
//! The same code runs on real threads, under `RUSTFLAGS="--cfg loom"` and under
//! `RUSTFLAGS="--cfg shuttle"`: every primitive is written against [`sync`], the one module that
//! chooses between them.

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod queue;
pub mod sync;
pub use sync::{explore, trace};

mod condition;
mod error;
mod lock;
#[cfg(all(unix, not(any(loom, shuttle))))]
pub mod process;
mod raw_lock;
mod rlock;

pub use condition::{Condition, ConditionGuard};
pub use error::{BrokenBarrierError, PartiesError, ReleaseError};
pub use lock::{Lock, LockGuard};
#[cfg(all(unix, not(any(loom, shuttle))))]
pub use process::ProcessError;
pub use queue::{GetError, LifoQueue, PriorityQueue, PutError, Queue, TaskDoneError};
pub use rlock::{RLock, RLockGuard};
