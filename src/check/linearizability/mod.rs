//! Linearizability, as Lincheck checks it: is a concurrent object, in every execution, the
//! sequential object it claims to be?
//!
//! A [`Model`] is the sequential object; a [`History`] is what the concurrent one did (each
//! operation with its invocation, its response and its result, in real order); and
//! [`linearizable`] searches for an order of the operations that respects real time and in
//! which the model returns what each operation returned.

mod history;

pub use history::{linearizable, History, Model, NotLinearizable, Operation};
