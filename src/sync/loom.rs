//! The loom backend: every operation is a point where loom may switch threads, and loom
//! explores every interleaving (up to its preemption bound, when one is set).

pub use loom::sync::atomic;
pub use loom::sync::Arc;

super::checker::checker_sync!(loom);

/// One wait of one thread (see the facade's checker backend).
///
/// The waiting thread lets go of the waiters' mutex and parks until `ending` is no longer
/// `Waiting`; whoever ends the wait sets `ending` and unparks it. A park token left by an
/// unpark that comes first makes the park return at once, so no wake-up is lost. A notify comes
/// from a thread holding the waiters' mutex, which orders it for loom against the wait; a timer
/// does not hold it, so a timed wait has a mutex of its own, `timed`, which whoever ends the
/// wait takes: loom orders a notify and a timer by it. While parked the thread holds no loom
/// guard: when loom reports a deadlock and unwinds the blocked threads, nothing is released
/// outside the execution.
struct Slot {
    ending: std::sync::Mutex<Ending>,
    timed: Option<loom::sync::Mutex<()>>,
    waiter: loom::thread::Thread,
}

impl Slot {
    fn new(timed: bool) -> Self {
        Self {
            ending: std::sync::Mutex::new(Ending::Waiting),
            timed: timed.then(|| loom::sync::Mutex::new(())),
            waiter: loom::thread::current(),
        }
    }

    fn ending(&self) -> Ending {
        *unpoison(self.ending.lock())
    }

    fn end(&self, how: Ending) -> bool {
        let _timed = self.timed.as_ref().map(|timed| unpoison(timed.lock()));
        let mut ending = unpoison(self.ending.lock());
        if *ending != Ending::Waiting {
            return false;
        }
        *ending = how;
        self.waiter.unpark();
        true
    }

    fn block<T>(&self, guard: &mut MutexGuard<'_, T>) {
        drop(guard.guard.take());
        while self.ending() == Ending::Waiting {
            loom::thread::park();
        }
        guard.guard = Some(unpoison(guard.mutex.0.lock()));
    }
}

pub mod thread {
    pub use loom::thread::{current, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId};

    /// Under the checkers no time passes, and a sleep is no scheduling point: it touches
    /// nothing another thread can see, so the schedules around it are those of the steps
    /// before and after it.
    pub fn sleep(_duration: std::time::Duration) {}

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
