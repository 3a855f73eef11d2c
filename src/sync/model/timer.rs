//! The deadline of a call that blocks with a timeout, under any timing: a thread of the model
//! that makes it pass.

use std::fmt;
use std::sync::Arc;

use super::mutex::Mutex;
use super::slot::{Ending, Slot};
use super::{access, operation, rt};

/// The deadline of one call that blocked with a timeout, as a thread of the model that makes it
/// pass: started when the call first blocks, it fires once, at whatever point of the execution
/// the checker runs it, and times out the call's wait if it is in one.
#[derive(Debug)]
pub(super) struct Timer {
    state: Mutex<TimerState>,
}

#[derive(Default)]
struct TimerState {
    fired: bool,
    /// The wait the call is in, if it is in one.
    waiting: Option<Arc<Slot>>,
}

impl fmt::Debug for TimerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerState")
            .field("fired", &self.fired)
            .finish()
    }
}

impl Timer {
    /// A timer whose thread is running.
    pub(super) fn start() -> Arc<Self> {
        let timer = Arc::new(Self {
            state: Mutex::new(TimerState::default()),
        });
        let firing = Arc::clone(&timer);
        operation(&[], || {
            rt::thread::spawn(move || {
                firing.fire();
                access::ending();
            })
        });
        timer
    }

    fn fire(&self) {
        let waiting = {
            let mut state = self.state.lock();
            state.fired = true;
            state.waiting.take()
        };
        if let Some(slot) = waiting {
            slot.end(Ending::TimedOut);
        }
    }

    /// Whether the deadline has passed.
    pub(super) fn fired(&self) -> bool {
        self.state.lock().fired
    }

    /// Makes `slot` the wait to time out; false if the deadline has passed already.
    pub(super) fn watch(&self, slot: &Arc<Slot>) -> bool {
        let mut state = self.state.lock();
        if state.fired {
            return false;
        }
        state.waiting = Some(Arc::clone(slot));
        true
    }
}
