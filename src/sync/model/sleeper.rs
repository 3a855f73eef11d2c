//! How the thread of one wait sleeps until its slot (`super::slot`) is ended, and is woken: the
//! one piece of the backend that loom and shuttle do differently.
//!
//! A `Sleeper` is made by the waiting thread (`Sleeper::new()`); `wake()` is called once, by
//! whoever ends the slot; `sleep(timed, waiting, &mut guard)` lets go of the guard's mutex,
//! sleeps while `waiting()` says the slot has not ended, and takes the mutex back;
//! `sleep_alone(timed, waiting)` sleeps the same way holding nothing. `timed` is the slot's own
//! mutex, which a timed wait has and whoever ends the wait takes first.
//!
//! Under shuttle every call into the checker goes through `operation`, which tells the runtime
//! what it touches.

use super::mutex::{Mutex, MutexGuard};
use super::rt;

#[cfg(shuttle)]
use super::mutex::HELD;
#[cfg(shuttle)]
use super::{new_object, operation, unpoison, Kind, Object};

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

    pub(super) fn sleep<T>(
        &self,
        _timed: Option<&Mutex<()>>,
        waiting: impl Fn() -> bool,
        guard: &mut MutexGuard<'_, T>,
    ) {
        guard.let_go();
        while waiting() {
            rt::thread::park();
        }
        guard.take_back();
    }

    /// Sleeps until the slot is ended, holding nothing.
    pub(super) fn sleep_alone(&self, _timed: Option<&Mutex<()>>, waiting: impl Fn() -> bool) {
        while waiting() {
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
    object: Object,
}

#[cfg(shuttle)]
impl Sleeper {
    pub(super) fn new() -> Self {
        Self {
            ended: rt::sync::Condvar::new(),
            object: new_object(),
        }
    }

    /// What waiting on or notifying `ended` touches.
    fn touched(&self) -> (Object, Kind) {
        (self.object, Kind::Write)
    }

    pub(super) fn wake(&self) {
        operation(&[self.touched()], || self.ended.notify_one());
    }

    pub(super) fn sleep<T>(
        &self,
        timed: Option<&Mutex<()>>,
        waiting: impl Fn() -> bool,
        guard: &mut MutexGuard<'_, T>,
    ) {
        match timed {
            None => self.wait_while(guard, waiting),
            Some(timed) => {
                // The slot is locked before the waiters' mutex is let go: whoever ends the
                // wait takes the slot's lock first, so it cannot end it before this thread
                // waits on it.
                let mut held = timed.lock();
                guard.let_go();
                self.wait_while(&mut held, waiting);
                drop(held);
                guard.take_back();
            }
        }
    }

    /// Sleeps until the slot (a timed one) is ended, holding nothing.
    pub(super) fn sleep_alone(&self, timed: Option<&Mutex<()>>, waiting: impl Fn() -> bool) {
        let timed = timed.expect("a slot slept on alone has its own mutex");
        self.wait_while(&mut timed.lock(), waiting);
    }

    /// Waits on `ended` with `guard`'s mutex while `waiting()`.
    fn wait_while<T>(&self, guard: &mut MutexGuard<'_, T>, waiting: impl Fn() -> bool) {
        let mut held = guard.guard.take().expect(HELD);
        while waiting() {
            held = operation(&[self.touched(), guard.mutex.touched()], || {
                unpoison(self.ended.wait(held))
            });
        }
        guard.guard = Some(held);
    }
}
