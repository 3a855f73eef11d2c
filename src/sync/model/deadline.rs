//! When a timed wait of the model gives up: when its [`Timer`] fires (any timing), or when the
//! virtual clock reaches its time (virtual timing).

use std::sync::Arc;
use std::time::Duration;

use super::clock;
use super::timer::Timer;

/// When a timed wait gives up: never, already, when the call's timer fires, or at a time on the
/// virtual clock. One call's deadline also remembers whether one of its waits has woken
/// without a notify (see [`Condvar::wait_until`](super::condvar::Condvar::wait_until)).
#[derive(Debug)]
pub(crate) struct Deadline {
    pub(super) when: When,
    /// A wait of this call has returned without a notify, as a spurious wake-up: the call's
    /// later waits do not, so that its waits end.
    pub(super) woke_spuriously: bool,
}

#[derive(Debug)]
pub(super) enum When {
    /// Passed: a wait gives up at once (a zero timeout, or a timeout that has run out).
    Passed,
    /// Never passes: the wait lasts until it is woken.
    Never,
    /// Passes when the call's timer fires; the timer is started when the call first blocks.
    Timed(Option<Arc<Timer>>),
    /// Passes when the virtual clock reaches this time (virtual timing).
    Virtual(Duration),
}

impl Deadline {
    fn at(when: When) -> Self {
        Self {
            when,
            woke_spuriously: false,
        }
    }

    /// A wait without a timeout.
    #[inline]
    pub(crate) fn never() -> Self {
        Self::at(When::Never)
    }

    /// The deadline of a wait for at most `timeout`, starting now. A zero timeout has passed
    /// already (a non-blocking attempt); a timeout too long to represent never passes.
    #[inline]
    pub(crate) fn after(timeout: Duration) -> Self {
        if timeout.is_zero() {
            return Self::at(When::Passed);
        }
        match clock::virtual_now() {
            Some(now) => match now.checked_add(timeout) {
                Some(at) => Self::at(When::Virtual(at)),
                None => Self::at(When::Never),
            },
            None => Self::at(When::Timed(None)),
        }
    }

    /// [`Deadline::after`] for `Some(timeout)`, [`Deadline::never`] for `None`.
    #[inline]
    pub(crate) fn within(timeout: Option<Duration>) -> Self {
        timeout.map_or_else(Self::never, Self::after)
    }

    /// Whether the deadline can never pass: a wait until it is woken, and nothing else.
    #[inline]
    pub(crate) fn is_never(&self) -> bool {
        matches!(self.when, When::Never)
    }

    /// Whether the deadline has passed. Once it has, it stays passed.
    #[inline]
    pub(crate) fn passed(&mut self) -> bool {
        let passed = match &self.when {
            When::Passed => return true,
            When::Never => false,
            When::Timed(timer) => timer.as_ref().is_some_and(|timer| timer.fired()),
            When::Virtual(at) => clock::now() >= *at,
        };
        if passed {
            self.when = When::Passed;
        }
        passed
    }
}
