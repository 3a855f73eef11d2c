//! The models, one file per tutorial section.

pub mod counter;
pub mod deadlock;
pub mod event;
pub mod producer_consumer;
pub mod semaphore;
