//! Linearizability, as Lincheck checks it: is a concurrent object, in every execution, the
//! sequential object it claims to be?
//!
//! A [`Model`] is the sequential object; a [`History`] is what the concurrent one did (each
//! operation with its invocation, its response and its result, in real order); and
//! [`linearizable`] searches for an order of the operations that respects real time and in
//! which the model returns what each operation returned. A [`Scenario`] is the operations of one
//! check, which [`Linearizability`](crate::linearizability::Linearizability) runs on the
//! concurrent object under the configured checker, asking that of every execution's history.

mod history;
mod scenario;

pub use history::{linearizable, History, Model, NotLinearizable, Operation};
#[cfg(feature = "proptest")]
pub use scenario::scenarios;
pub(crate) use scenario::Results;
pub use scenario::Scenario;
