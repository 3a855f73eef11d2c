//! The threading tutorial's scenarios as models, each with the claim the tutorial makes and
//! the verdict loom and shuttle must reach.
//!
//! The tutorial (Python, in Chinese) shows its claims with `time.sleep` to widen the windows: a
//! sleep shows a bug sometimes, a model checker shows it always or proves it absent. Each model
//! here is the tutorial's snippet written with threadproof's primitives and facade threads, the
//! sleep becoming a scheduling point; [`harness`] runs it under the configured checker and
//! reports the verdict, the reachable outcomes and the first counterexample.
//!
//! Every model is listed once, in [`for_each_model!`]: the tests and `cargo prove` both read
//! that list. To add a model, write its function (returning a [`Model`]) in a module under
//! `scenarios`, re-export it here, and add its name to the list.

pub mod harness;
pub mod model;
mod scenarios;

pub use harness::{Mode, Report, Run};
pub use model::{Ending, Model, Size, Verdict};

pub use scenarios::counter::{counter_gil, counter_locked, counter_unlocked};
pub use scenarios::deadlock::{rlock_nested, two_locks_opposite_order, two_locks_same_order};
pub use scenarios::event::{event_boss_worker, event_boss_worker_fixed};
pub use scenarios::producer_consumer::{
    producer_consumer_form1, producer_consumer_form2, queue_join_task_done,
};
pub use scenarios::semaphore::semaphore_limit;

/// Calls `$callback!` with every model, in the tutorial's order, and how each checker explores
/// it at its small size: `proof` (every interleaving) or `bounded_N` (every interleaving with at
/// most N preemptions). This list is the registry: [`all`], the tests and `cargo prove` all come
/// from it.
///
/// loom proves every model but two: `rlock_nested` and `semaphore_limit` have millions of
/// schedules even for loom once their sleeps no longer force a switch to another thread, and
/// are searched to six and four preemptions.
/// shuttle's depth-first search has no partial-order reduction: it walks every ordering of every scheduling point, and all but the smallest models run for
/// minutes to hours; those are searched with the largest preemption bound that finishes in a
/// few seconds, and are reported as bounded, not proved.
#[macro_export]
macro_rules! for_each_model {
    ($callback:ident) => {
        $callback! {
            counter_unlocked: loom proof, shuttle proof;
            counter_locked: loom proof, shuttle proof;
            counter_gil: loom proof, shuttle bounded_6;
            two_locks_opposite_order: loom proof, shuttle proof;
            two_locks_same_order: loom proof, shuttle bounded_6;
            rlock_nested: loom bounded_6, shuttle bounded_4;
            event_boss_worker: loom proof, shuttle proof;
            event_boss_worker_fixed: loom proof, shuttle bounded_3;
            semaphore_limit: loom bounded_4, shuttle bounded_3;
            producer_consumer_form1: loom proof, shuttle bounded_4;
            producer_consumer_form2: loom proof, shuttle bounded_4;
            queue_join_task_done: loom proof, shuttle bounded_4;
        }
    };
}

/// A model, with how each checker explores it at its small size.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The model.
    pub model: Model,
    /// loom's search.
    pub loom: Mode,
    /// shuttle's search.
    pub shuttle: Mode,
}

impl Entry {
    /// The search for the checker this crate was built with (loom's on real threads).
    pub fn mode(&self) -> Mode {
        match threadproof::explore::Checker::CURRENT {
            threadproof::explore::Checker::Shuttle => self.shuttle,
            _ => self.loom,
        }
    }
}

macro_rules! registry {
    ($($name:ident : loom $loom:ident, shuttle $shuttle:ident;)*) => {
        /// Every model, in the tutorial's order.
        pub fn all() -> Vec<Entry> {
            vec![$(Entry {
                model: $name(),
                loom: Mode::from_registry(stringify!($loom)),
                shuttle: Mode::from_registry(stringify!($shuttle)),
            }),*]
        }
    };
}
for_each_model!(registry);

/// The model called `name`.
pub fn find(name: &str) -> Option<Entry> {
    all().into_iter().find(|e| e.model.name == name)
}

/// Spawns a facade thread with the tutorial's name for it.
fn spawn_named<F>(name: String, body: F) -> threadproof::sync::thread::JoinHandle<()>
where
    F: FnOnce() + Send + 'static,
{
    threadproof::sync::thread::Builder::new()
        .name(name)
        .spawn(body)
        .expect("the checker refused a thread")
}

/// Joins `threads` in order; a thread that panicked fails the execution.
fn join_all(threads: impl IntoIterator<Item = threadproof::sync::thread::JoinHandle<()>>) {
    for thread in threads {
        thread.join().expect("a thread panicked");
    }
}
