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

pub use harness::{registry_search, Report, Run, TUTORIAL_SAMPLE};
pub use model::{Ending, Model, Size, Verdict};
pub use threadproof::check::{Checker, Search, Timing};

pub use scenarios::counter::{counter_gil, counter_locked, counter_unlocked};
pub use scenarios::deadlock::{rlock_nested, two_locks_opposite_order, two_locks_same_order};
pub use scenarios::event::{event_boss_worker, event_boss_worker_fixed};
pub use scenarios::producer_consumer::{
    producer_consumer_form1, producer_consumer_form2, queue_join_with_workers, queue_other_methods,
};
pub use scenarios::semaphore::semaphore_limit;

/// Calls `$callback!` with every model, in the tutorial's order, and how each checker explores
/// it at its small size, under any timing and then under the tutorial's timing (`virtual`):
/// `proof` (every interleaving) or `bounded_N` (every interleaving with at most N preemptions).
/// This list is the registry: [`all`], the tests and `cargo prove` all come from it.
///
/// A search is bounded where the full one does not finish quickly, with the largest bound that
/// does, and is reported as bounded, not proved. Under any timing shuttle's search (with
/// partial-order reduction, each operation of a primitive one step) proves every model; under
/// the tutorial's timing it is bounded for the two producer/consumer forms, whose threads'
/// many waits and wake-ups all touch the virtual clock, so that the reduction finds little to
/// spare (form 1's proof takes about three minutes, form 2's longer). loom is bounded for
/// two models under any timing, `rlock_nested` and `semaphore_limit`, whose sleeps no longer
/// force a switch to another thread there; under the tutorial's timing, where the clock orders
/// the sleeps, loom proves every model. README's "The scenarios and their verdicts" gives each
/// search's executions.
#[macro_export]
macro_rules! for_each_model {
    ($callback:ident) => {
        $callback! {
            counter_unlocked: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            counter_locked: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            counter_gil: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            two_locks_opposite_order: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            two_locks_same_order: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            rlock_nested: loom bounded_6, shuttle proof; virtual loom proof, shuttle proof;
            event_boss_worker: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            event_boss_worker_fixed: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            semaphore_limit: loom bounded_4, shuttle proof; virtual loom proof, shuttle proof;
            queue_other_methods: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            queue_join_with_workers: loom proof, shuttle proof; virtual loom proof, shuttle proof;
            producer_consumer_form1: loom proof, shuttle proof; virtual loom proof, shuttle bounded_2;
            producer_consumer_form2: loom proof, shuttle proof; virtual loom proof, shuttle bounded_2;
        }
    };
}

/// A model, with how each checker explores it at its small size.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The model.
    pub model: Model,
    /// loom's search under any timing.
    pub loom: Search,
    /// shuttle's search under any timing.
    pub shuttle: Search,
    /// loom's search under the tutorial's timing.
    pub loom_virtual: Search,
    /// shuttle's search under the tutorial's timing.
    pub shuttle_virtual: Search,
}

impl Entry {
    /// The search `checker` runs (loom's, on real threads) under `timing`.
    pub fn search(&self, checker: Checker, timing: Timing) -> Search {
        match (checker == Checker::Shuttle, timing) {
            (false, Timing::Any) => self.loom,
            (true, Timing::Any) => self.shuttle,
            (false, Timing::Virtual) => self.loom_virtual,
            (true, Timing::Virtual) => self.shuttle_virtual,
        }
    }
}

macro_rules! registry {
    ($($name:ident : loom $loom:ident, shuttle $shuttle:ident;
        virtual loom $loom_virtual:ident, shuttle $shuttle_virtual:ident;)*) => {
        /// Every model, in the tutorial's order.
        pub fn all() -> Vec<Entry> {
            vec![$(Entry {
                model: $name(),
                loom: const { registry_search(stringify!($loom)) },
                shuttle: const { registry_search(stringify!($shuttle)) },
                loom_virtual: const { registry_search(stringify!($loom_virtual)) },
                shuttle_virtual: const { registry_search(stringify!($shuttle_virtual)) },
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

/// Python's `print(line)`: a line of the execution's output, which the harness collects.
fn print(line: impl std::fmt::Display) {
    threadproof::trace::print(line);
}

/// `time.ctime()` on the execution's clock: the seconds since it began, such as `2s` (always
/// `0s` under any timing, where no time passes).
fn ctime() -> String {
    format!("{}s", threadproof::sync::time::now().as_secs_f64())
}

/// Joins `threads` in order; a thread that panicked fails the execution.
fn join_all(threads: impl IntoIterator<Item = threadproof::sync::thread::JoinHandle<()>>) {
    for thread in threads {
        thread.join().expect("a thread panicked");
    }
}
