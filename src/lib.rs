//! # threadproof
//!
//! Python's threading toolkit for Rust, with every primitive checked over all thread
//! interleavings by the model checkers [loom](https://docs.rs/loom) and
//! [shuttle](https://docs.rs/shuttle).
//!
//! | Python (`threading`, `queue`)        | threadproof                          |
//! |--------------------------------------|--------------------------------------|
//! | `threading.Lock()`                   | [`Lock`]                             |
//! | `threading.Event()`                  | [`Event`]                            |
//! | `threading.Semaphore(n)`             | [`Semaphore`]                        |
//! | `threading.BoundedSemaphore(n)`      | [`BoundedSemaphore`]                 |
//! | `with sem:`                          | [`Semaphore::permit`]                |
//! | `threading.Barrier(n)`               | [`Barrier`]                          |
//! | `threading.Barrier(n, action)`       | [`Barrier::with_action`]             |
//! | `threading.BrokenBarrierError`       | [`BrokenBarrierError`]               |
//!
//! The same code runs on real threads, under `RUSTFLAGS="--cfg loom"` and under
//! `RUSTFLAGS="--cfg shuttle"`: every primitive is written against [`sync`], the one module that
//! chooses between them.

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod sync;
pub use sync::{explore, trace};

mod barrier;
mod error;
mod event;
mod lock;
mod raw_lock;
mod semaphore;

pub use barrier::Barrier;
pub use error::{BrokenBarrierError, PartiesError, ReleaseError};
pub use event::Event;
pub use lock::{Lock, LockGuard};
pub use semaphore::{BoundedSemaphore, BoundedSemaphorePermit, Semaphore, SemaphorePermit};
