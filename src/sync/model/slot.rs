//! One wait of one thread, and how it ends: a [`Slot`] that a notify, a timer or the virtual
//! clock's alarm ends, whichever comes first (see the [backend's docs](super)).

use super::mutex::{Mutex, MutexGuard};
use super::sleeper::Sleeper;
use super::{clock, unpoison};

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
    timed: Option<Mutex<()>>,
    sleeper: Sleeper,
}

impl Slot {
    pub(super) fn new(timed: bool) -> Self {
        Self {
            ending: std::sync::Mutex::new(Ending::Waiting),
            timed: timed.then(|| Mutex::new(())),
            sleeper: Sleeper::new(),
        }
    }

    pub(super) fn ending(&self) -> Ending {
        *unpoison(self.ending.lock())
    }

    /// Ends the wait `how`, and wakes its thread; false if it had ended already.
    pub(super) fn end(&self, how: Ending) -> bool {
        let _timed = self.timed.as_ref().map(Mutex::lock);
        let mut ending = unpoison(self.ending.lock());
        if *ending != Ending::Waiting {
            return false;
        }
        *ending = how;
        clock::thread_woken();
        self.sleeper.wake();
        true
    }

    /// Lets go of `guard`'s mutex, sleeps until the wait is ended, and takes it back.
    pub(super) fn block<T>(&self, guard: &mut MutexGuard<'_, T>) {
        self.sleeper.sleep(
            self.timed.as_ref(),
            || self.ending() == Ending::Waiting,
            guard,
        );
    }

    /// Sleeps until the wait (a timed one, under shuttle) is ended, holding nothing.
    pub(super) fn sleep_alone(&self) {
        self.sleeper
            .sleep_alone(self.timed.as_ref(), || self.ending() == Ending::Waiting);
    }
}

/// On the virtual clock, a slot's alarm times its wait out (or ends its sleep).
impl clock::Alarm for Slot {
    fn ring(&self) {
        self.end(Ending::TimedOut);
    }
}
