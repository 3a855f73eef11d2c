//! The loom backend: every operation is a point where loom may switch threads, and loom
//! explores every interleaving (up to its preemption bound, when one is set).

pub use loom::sync::atomic;
// std's `Arc`, not loom's: when loom stops an execution with every thread waiting, it unwinds
// the waiting threads after the execution is gone, and dropping a loom `Arc` then panics inside
// a destructor, which aborts the process. Reference counts are no part of what this crate's
// users check, and std's `Arc` is the same in every configuration.
pub use std::sync::Arc;

super::checker::checker_sync!(loom);

/// How the thread of one wait sleeps: it lets go of the waiters' mutex and parks until the
/// slot is ended; whoever ends it unparks the thread. A park token left by an unpark that comes
/// first makes the park return at once, so no wake-up is lost. While parked the thread holds no
/// loom guard: when loom reports a deadlock and unwinds the blocked threads, nothing is released
/// outside the execution.
struct Sleeper {
    waiter: loom::thread::Thread,
}

impl Sleeper {
    fn new() -> Self {
        Self {
            waiter: loom::thread::current(),
        }
    }

    fn wake(&self) {
        self.waiter.unpark();
    }

    fn sleep<T>(&self, slot: &Slot, guard: &mut MutexGuard<'_, T>) {
        drop(guard.guard.take());
        while slot.ending() == Ending::Waiting {
            loom::thread::park();
        }
        guard.guard = Some(unpoison(guard.mutex.0.lock()));
    }

    /// Sleeps until the slot is ended, holding nothing.
    fn sleep_alone(&self, slot: &Slot) {
        while slot.ending() == Ending::Waiting {
            loom::thread::park();
        }
    }
}

/// A number that identifies the calling thread among the live threads of this execution; never
/// 0.
pub fn token() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    loom::thread_local! {
        static TOKEN: usize = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    TOKEN.with(|token| *token)
}
