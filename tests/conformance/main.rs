#![cfg(not(any(loom, shuttle)))]
//! CPython conformance on real threads: one module per primitive, each checking the items of
//! the checklist (`docs/conformance.md`) it names, and the queues against CPython's own
//! `queue` module (`queue_differential`) and against a model of their state
//! (`queue_stateful`). A real-thread build only: under loom or shuttle this binary is empty
//! (the model-checked tests are in `tests/checked`).

mod common;

mod barrier;
mod condition;
mod event;
mod lock;
mod queue;
mod queue_differential;
mod queue_stateful;
mod rlock;
mod semaphore;
