//! The checker's condition variable, as the facade's `Condvar`: a queue of waits, each with a
//! [`Slot`] of its own that a notify or the wait's deadline ends (see the
//! [backend's docs](super)).

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use super::deadline::{Deadline, When};
use super::mutex::MutexGuard;
use super::slot::{Ending, Slot};
use super::timer::Timer;
use super::{choices, clock, unpoison};

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
    ///
    /// In a check that explores spurious wake-ups
    /// ([`Check::spurious_wakeups`](crate::check::Check::spurious_wakeups)), the first wait of
    /// each call may also let go of the mutex and take it back without a notify, as a
    /// condition variable may: a random choice the search explores both ways.
    pub(crate) fn wait_until<'a, T>(
        &self,
        mut guard: MutexGuard<'a, T>,
        deadline: &mut Deadline,
    ) -> MutexGuard<'a, T> {
        if !deadline.woke_spuriously
            && !matches!(deadline.when, When::Passed)
            && choices::spurious_wakeup()
        {
            deadline.woke_spuriously = true;
            guard.relock();
            return guard;
        }
        let (timer, at) = match &mut deadline.when {
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
                deadline.when = When::Passed;
                return guard;
            }
        }
        let alarm = at.map(|at| clock::schedule(at, Arc::clone(&slot) as _));
        self.slots().push_back(Arc::clone(&slot));
        clock::thread_idle();
        slot.block(&mut guard);
        if let Some(alarm) = alarm {
            clock::cancel(alarm);
        }
        if slot.ending() == Ending::TimedOut {
            // Still queued: take it out, so no notify is spent on it.
            self.slots().retain(|queued| !Arc::ptr_eq(queued, &slot));
            deadline.when = When::Passed;
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
