//! The shuttle backend: every operation is a point where shuttle may switch threads; its
//! schedulers explore the interleavings exhaustively (DFS) or by sampling (PCT).

pub use shuttle::sync::atomic;
pub use shuttle::sync::Arc;

super::checker::checker_sync!(shuttle);

pub mod thread {
    pub use shuttle::thread::{current, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId};

    /// Under shuttle, a scheduling point: no time passes, but other threads may run.
    pub fn sleep(_duration: std::time::Duration) {
        shuttle::thread::yield_now();
    }

    /// A number that identifies the calling thread among the live threads of this execution;
    /// never 0.
    pub fn token() -> usize {
        usize::from(shuttle::thread::current().id()) + 1
    }
}
