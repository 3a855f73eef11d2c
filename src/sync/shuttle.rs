//! The shuttle backend: every operation is a point where shuttle may switch threads; its
//! schedulers explore the interleavings exhaustively (DFS) or by sampling (PCT).

pub use shuttle::sync::atomic;
// std's `Arc`, as under loom (see there): the same in every configuration.
pub use std::sync::Arc;

super::checker::checker_sync!(shuttle);

/// How the thread of one wait sleeps: on a shuttle condition variable, `ended`. A wait without
/// a timeout can only be ended by a notify, which comes from a thread holding the waiters'
/// mutex: it waits on `ended` with that mutex, as on a plain condition variable. A timed wait
/// can also be ended by its timer, which does not hold the waiters' mutex: it waits on `ended`
/// with the slot's own mutex, `timed`, which whoever ends the wait takes first.
struct Sleeper {
    ended: shuttle::sync::Condvar,
}

impl Sleeper {
    fn new() -> Self {
        Self {
            ended: shuttle::sync::Condvar::new(),
        }
    }

    fn wake(&self) {
        self.ended.notify_one();
    }

    fn sleep<T>(&self, slot: &Slot, guard: &mut MutexGuard<'_, T>) {
        match &slot.timed {
            None => {
                let mut held = guard.guard.take().expect(HELD);
                while slot.ending() == Ending::Waiting {
                    held = unpoison(self.ended.wait(held));
                }
                guard.guard = Some(held);
            }
            Some(timed) => {
                // The slot is locked before the waiters' mutex is let go: whoever ends the
                // wait takes the slot's lock first, so it cannot end it before this thread
                // waits on it.
                self.sleep_on(timed, slot, || drop(guard.guard.take()));
                guard.guard = Some(unpoison(guard.mutex.0.lock()));
            }
        }
    }

    /// Sleeps until the slot (a timed one) is ended, holding nothing.
    fn sleep_alone(&self, slot: &Slot) {
        let timed = slot
            .timed
            .as_ref()
            .expect("a slot slept on alone has its own mutex");
        self.sleep_on(timed, slot, || {});
    }

    /// Takes the slot's own mutex, runs `then`, and waits on `ended` until the slot is ended.
    fn sleep_on(&self, timed: &shuttle::sync::Mutex<()>, slot: &Slot, then: impl FnOnce()) {
        let mut held = unpoison(timed.lock());
        then();
        while slot.ending() == Ending::Waiting {
            held = unpoison(self.ended.wait(held));
        }
    }
}

/// A number that identifies the calling thread among the live threads of this execution; never
/// 0.
pub fn token() -> usize {
    usize::from(shuttle::thread::current().id()) + 1
}
