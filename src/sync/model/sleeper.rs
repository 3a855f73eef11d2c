//! How the thread of one wait sleeps until its [`Slot`] is ended, and is woken: the one piece of
//! the backend that loom and shuttle do differently.
//!
//! A `Sleeper` is made by the waiting thread (`Sleeper::new()`); `wake()` is called once, by
//! whoever ends the slot; `sleep(&slot, &mut guard)` lets go of the guard's mutex, sleeps until
//! the slot is ended, and takes the mutex back; `sleep_alone(&slot)` sleeps until the slot is
//! ended, holding nothing.

use super::condvar::{Ending, Slot};
use super::mutex::MutexGuard;
use super::{rt, unpoison};

#[cfg(shuttle)]
use super::mutex::HELD;

/// How the thread of one wait sleeps, under loom: it lets go of the waiters' mutex and parks
/// until the slot is ended; whoever ends it unparks the thread. A park token left by an unpark
/// that comes first makes the park return at once, so no wake-up is lost. While parked the
/// thread holds no loom guard: when loom reports a deadlock and unwinds the blocked threads,
/// nothing is released outside the execution.
#[cfg(loom)]
pub(super) struct Sleeper {
    waiter: rt::thread::Thread,
}

#[cfg(loom)]
impl Sleeper {
    pub(super) fn new() -> Self {
        Self {
            waiter: rt::thread::current(),
        }
    }

    pub(super) fn wake(&self) {
        self.waiter.unpark();
    }

    pub(super) fn sleep<T>(&self, slot: &Slot, guard: &mut MutexGuard<'_, T>) {
        drop(guard.guard.take());
        while slot.ending() == Ending::Waiting {
            rt::thread::park();
        }
        guard.guard = Some(unpoison(guard.mutex.0.lock()));
    }

    /// Sleeps until the slot is ended, holding nothing.
    pub(super) fn sleep_alone(&self, slot: &Slot) {
        while slot.ending() == Ending::Waiting {
            rt::thread::park();
        }
    }
}

/// How the thread of one wait sleeps, under shuttle: on a shuttle condition variable, `ended`.
/// A wait without a timeout can only be ended by a notify, which comes from a thread holding the
/// waiters' mutex: it waits on `ended` with that mutex, as on a plain condition variable. A
/// timed wait can also be ended by its timer, which does not hold the waiters' mutex: it waits
/// on `ended` with the slot's own mutex, `timed`, which whoever ends the wait takes first.
#[cfg(shuttle)]
pub(super) struct Sleeper {
    ended: rt::sync::Condvar,
}

#[cfg(shuttle)]
impl Sleeper {
    pub(super) fn new() -> Self {
        Self {
            ended: rt::sync::Condvar::new(),
        }
    }

    pub(super) fn wake(&self) {
        self.ended.notify_one();
    }

    pub(super) fn sleep<T>(&self, slot: &Slot, guard: &mut MutexGuard<'_, T>) {
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
    pub(super) fn sleep_alone(&self, slot: &Slot) {
        let timed = slot
            .timed
            .as_ref()
            .expect("a slot slept on alone has its own mutex");
        self.sleep_on(timed, slot, || {});
    }

    /// Takes the slot's own mutex, runs `then`, and waits on `ended` until the slot is ended.
    fn sleep_on(&self, timed: &rt::sync::Mutex<()>, slot: &Slot, then: impl FnOnce()) {
        let mut held = unpoison(timed.lock());
        then();
        while slot.ending() == Ending::Waiting {
            held = unpoison(self.ended.wait(held));
        }
    }
}
