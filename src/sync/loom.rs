//! The loom backend: every operation is a point where loom may switch threads, and loom
//! explores every interleaving (up to its preemption bound, when one is set).

pub use loom::sync::atomic;
pub use loom::sync::Arc;

super::checker::checker_sync!(loom);

pub mod thread {
    pub use loom::thread::{current, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId};

    /// Under loom, a scheduling point: no time passes, but other threads may run.
    pub fn sleep(_duration: std::time::Duration) {
        loom::thread::yield_now();
    }

    /// A number that identifies the calling thread among the live threads of this execution;
    /// never 0.
    pub fn token() -> usize {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
        loom::thread_local! {
            static TOKEN: usize = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        TOKEN.with(|token| *token)
    }
}
