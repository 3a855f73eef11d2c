//! The checker's condition variable, as the facade's `Condvar`: a queue of waits, each with a
//! [`Slot`] of its own that a notify or the wait's deadline ends (see the
//! [backend's docs](super)).

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use super::deadline::{Deadline, When};
use super::mutex::MutexGuard;
use super::sleeper::Sleeper;
use super::timer::Timer;
use super::{clock, rt, unpoison};

/// How a wait ended, or that it has not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ending {
    Waiting,
    Notified,
    TimedOut,
}

/// One wait of one thread, which a notify ends, or for a timed wait its timer, whichever comes
/// first.
///
/// A notify comes from a thread holding the waiters' mutex, which orders it for the checker
/// against the wait; a timer does not hold it, so a timed wait has a mutex of its own, `timed`,
/// which whoever ends the wait takes first: the checker orders a notify and a timer by it.
/// `ending` itself is plain data (see the [backend's docs](super)).
pub(super) struct Slot {
    ending: std::sync::Mutex<Ending>,
    pub(super) timed: Option<rt::sync::Mutex<()>>,
    pub(super) sleeper: Sleeper,
}

impl Slot {
    pub(super) fn new(timed: bool) -> Self {
        Self {
            ending: std::sync::Mutex::new(Ending::Waiting),
            timed: timed.then(|| rt::sync::Mutex::new(())),
            sleeper: Sleeper::new(),
        }
    }

    pub(super) fn ending(&self) -> Ending {
        *unpoison(self.ending.lock())
    }

    /// Ends the wait `how`, and wakes its thread; false if it had ended already.
    pub(super) fn end(&self, how: Ending) -> bool {
        let _timed = self.timed.as_ref().map(|timed| unpoison(timed.lock()));
        let mut ending = unpoison(self.ending.lock());
        if *ending != Ending::Waiting {
            return false;
        }
        *ending = how;
        clock::wake_one();
        self.sleeper.wake();
        true
    }

    /// Lets go of `guard`'s mutex, sleeps until the wait is ended, and takes it back.
    fn block<T>(&self, guard: &mut MutexGuard<'_, T>) {
        self.sleeper.sleep(self, guard);
    }
}

/// On the virtual clock, a slot's alarm times its wait out (or ends its sleep).
impl clock::Alarm for Slot {
    fn ring(&self) {
        self.end(Ending::TimedOut);
    }
}

/// The condition variable of the facade, for the checkers. Its timed waits may time out, at any
/// point; see the [backend's docs](super).
#[derive(Default)]
pub struct Condvar {
    /// The waits in the order they began; notifies take them from the front.
    slots: std::sync::Mutex<VecDeque<Arc<Slot>>>,
}

impl Condvar {
    /// A new condition variable with no waiters.
    pub fn new() -> Self {
        Self::default()
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, VecDeque<Arc<Slot>>> {
        unpoison(self.slots.lock())
    }

    /// Waits once: until notified, or until `deadline`, which is marked passed if this wait
    /// timed out. A passed deadline returns at once.
    pub(crate) fn wait_until<'a, T>(
        &self,
        mut guard: MutexGuard<'a, T>,
        deadline: &mut Deadline,
    ) -> MutexGuard<'a, T> {
        let (timer, at) = match &mut deadline.0 {
            When::Passed => return guard,
            When::Never => (None, None),
            When::Timed(timer) => (
                Some(Arc::clone(timer.get_or_insert_with(Timer::start))),
                None,
            ),
            When::Virtual(at) => (None, Some(*at)),
        };
        let slot = Arc::new(Slot::new(timer.is_some() || at.is_some()));
        if let Some(timer) = &timer {
            if !timer.watch(&slot) {
                deadline.0 = When::Passed;
                return guard;
            }
        }
        let alarm = at.map(|at| clock::schedule(at, Arc::clone(&slot) as _));
        self.slots().push_back(Arc::clone(&slot));
        clock::idle();
        slot.block(&mut guard);
        if let Some(alarm) = alarm {
            clock::cancel(alarm);
        }
        if slot.ending() == Ending::TimedOut {
            // Still queued: take it out, so no notify is spent on it.
            self.slots().retain(|queued| !Arc::ptr_eq(queued, &slot));
            deadline.0 = When::Passed;
        }
        guard
    }

    /// Wakes the longest-waiting thread that still waits, if there is one.
    pub fn notify_one(&self) {
        loop {
            let Some(slot) = self.slots().pop_front() else {
                return;
            };
            if slot.end(Ending::Notified) {
                return;
            }
        }
    }

    /// Wakes every waiting thread.
    pub fn notify_all(&self) {
        let slots = std::mem::take(&mut *self.slots());
        for slot in slots {
            slot.end(Ending::Notified);
        }
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Condvar { .. }")
    }
}
