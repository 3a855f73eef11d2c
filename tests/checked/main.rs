#![cfg(any(loom, shuttle))]
//! The primitives over every interleaving, under loom or shuttle: one module per primitive,
//! and `timeouts` for the timed waits of them all. A model-checked build only: in a
//! real-thread build this binary is empty (the real-thread tests are in `tests/conformance`).

mod common;

mod barrier;
mod condition;
mod cycles;
mod event;
mod linearizability;
mod linearizable;
mod lock;
mod outcome_counts;
mod parts;
mod queue;
mod reduction;
mod replay;
mod rlock;
mod semaphore;
mod spurious;
mod timeouts;
mod trace;
mod verdicts;
