//! Names the one condition under which the `process` module exists, so the crate, its tests
//! and its examples spell it once: `#[cfg(processes)]`.

fn main() {
    cfg_aliases::cfg_aliases! {
        // Real child processes: the feature, a Unix system, and real threads (the model
        // checkers explore threads, not processes).
        processes: { all(feature = "process", unix, not(any(loom, shuttle))) },
    }
}
