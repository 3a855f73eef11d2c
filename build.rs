//! Names the build conditions that the library outside its facade (`src/sync/`) tests for, so
//! that it never names a model checker: `#[cfg(processes)]`, where the `process` module exists
//! (also for the tests and examples), and `#[cfg(real_threads)]`, a build without a checker.

fn main() {
    cfg_aliases::cfg_aliases! {
        // Real child processes: the feature, a Unix system, and real threads (the model
        // checkers explore threads, not processes).
        processes: { all(feature = "process", unix, not(any(loom, shuttle))) },
        // Real threads: neither model checker.
        real_threads: { not(any(loom, shuttle)) },
    }
}
