//! The virtual clock of [`Timing::Virtual`](crate::check::Timing::Virtual): every sleep and
//! every timed wait takes exactly its duration, and computation takes none.
//!
//! The clock is per execution. It counts the threads of the model that can run (`active`): a
//! thread stops counting when it goes to sleep, waits on a condition variable or joins a thread
//! that has not finished, and counts again when whoever wakes it wakes it. The thread whose
//! going idle leaves no thread able to run moves the clock, straight to the earliest pending
//! wake-up (the end of a sleep, or a timeout), and rings every alarm due at that instant; the
//! checker then runs the woken threads in every order, as it runs any threads that can run.
//! With nothing pending, nobody moves the clock and the checker sees every thread blocked: a
//! deadlock, which under this timing no timeout can end.
//!
//! The state is plain data, kept per operating-system thread (a checker runs all threads of an
//! execution on one): code here never blocks and never switches threads while it holds the
//! state, and alarms are rung after it is let go, so a thread they wake cannot find it taken.
//! Under *any timing* (the default) none of this runs: every function here returns at once.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use super::access;

/// What the clock rings when a wake-up falls due: it wakes a thread (ends its sleep or times
/// out its wait), unless a notify has woken it already.
pub(crate) trait Alarm {
    fn ring(&self);
}

struct Pending {
    at: Duration,
    id: u64,
    alarm: Arc<dyn Alarm>,
}

#[derive(Default)]
struct State {
    running: bool,
    now: Duration,
    active: usize,
    pending: Vec<Pending>,
    next_id: u64,
}

std::thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|state| f(&mut state.borrow_mut()))
}

/// Runs `f` on the clock for a thread of the model, which reads the clock (`Kind::Read`) or
/// moves it: the step doing so touches the clock, if it runs.
fn use_clock<R>(kind: access::Kind, f: impl FnOnce(&mut State) -> R) -> R {
    with(|s| {
        if s.running {
            access::touch(access::CLOCK, kind);
        }
        f(s)
    })
}

/// Starts an execution: the clock at zero, one thread (the main thread) running; the clock
/// runs only under virtual timing (`running`), and stays off under any timing.
pub(crate) fn begin_execution(running: bool) {
    with(|s| {
        *s = State {
            running,
            active: 1,
            ..State::default()
        }
    });
}

/// Ends an exploration: programs run outside a check run under any timing.
pub(crate) fn end_exploration() {
    with(|s| *s = State::default());
}

/// Whether the clock of the current execution is running.
fn running() -> bool {
    with(|s| s.running)
}

/// The time now, if the current execution runs on the virtual clock.
pub(crate) fn virtual_now() -> Option<Duration> {
    use_clock(access::Kind::Read, |s| s.running.then_some(s.now))
}

/// The time since the execution began, as the program reads it; zero under any timing.
pub(crate) fn now() -> Duration {
    use_clock(access::Kind::Read, |s| s.now)
}

/// The time since the execution began, for the record (which only observes).
pub(crate) fn now_for_record() -> Duration {
    with(|s| s.now)
}

/// Sets `alarm` to ring at `at` (no earlier than now); the id cancels it.
pub(crate) fn schedule(at: Duration, alarm: Arc<dyn Alarm>) -> u64 {
    use_clock(access::Kind::Write, |s| {
        let id = s.next_id;
        s.next_id += 1;
        s.pending.push(Pending { at, id, alarm });
        id
    })
}

/// Takes back the alarm `id`, if it has not rung.
pub(crate) fn cancel(id: u64) {
    use_clock(access::Kind::Write, |s| s.pending.retain(|p| p.id != id));
}

/// A thread was spawned, or woken: one more thread can run.
pub(crate) fn thread_woken() {
    use_clock(access::Kind::Write, |s| {
        if s.running {
            s.active += 1;
        }
    });
}

/// The calling thread stops running until someone wakes it (or, for a thread that finishes,
/// for good); if it was the last that could run, the clock moves on.
pub(crate) fn thread_idle() {
    if running() {
        advance_while_idle(1);
    }
}

/// `n` threads stop counting as able to run; while none is left, move the clock to the
/// earliest pending wake-up and ring what is due then.
fn advance_while_idle(mut n: usize) {
    loop {
        let due = use_clock(access::Kind::Write, |s| {
            s.active -= n;
            if s.active > 0 {
                return Vec::new();
            }
            let Some(at) = s.pending.iter().map(|p| p.at).min() else {
                return Vec::new();
            };
            s.now = s.now.max(at);
            let (due, later) = std::mem::take(&mut s.pending)
                .into_iter()
                .partition::<Vec<_>, _>(|p| p.at == at);
            s.pending = later;
            // Held for the alarms while they ring: a thread they wake must not move the clock
            // before the others due at the same instant are awake too.
            s.active += due.len();
            due
        });
        if due.is_empty() {
            return;
        }
        for pending in &due {
            // A successful ring counts its thread again (through `thread_woken`).
            pending.alarm.ring();
        }
        n = due.len();
    }
}

/// A thread that has finished, or a joiner waiting for a thread that has not.
///
/// A finished thread hands its count to the thread joining it, if one waits: that thread can
/// run at once, at the same instant.
pub(crate) struct Exit {
    state: std::sync::Mutex<ExitState>,
    /// The thread's end, as an object: its last step and its joiner's touch it.
    pub(crate) object: access::Object,
}

impl Default for Exit {
    fn default() -> Self {
        Self {
            state: std::sync::Mutex::default(),
            object: access::new_object(),
        }
    }
}

#[derive(Default)]
struct ExitState {
    /// The thread has finished.
    finished: bool,
    /// A joiner waits for it (and has stopped counting as a thread that can run).
    joiner: bool,
}

impl Exit {
    /// The step using this touches it, if the clock runs: only the clock reads what it keeps.
    fn touch(&self) {
        if running() {
            access::touch(self.object, access::Kind::Write);
        }
    }

    /// Whether the thread this belongs to has finished.
    pub(crate) fn finished(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .finished
    }

    /// The thread this belongs to finishes (`finished`), handing its count to a waiting joiner.
    pub(crate) fn finish(&self) {
        if std::thread::panicking() {
            // A checker unwinding an execution it has given up on: the clock is gone with it.
            return;
        }
        self.touch();
        let joiner = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.finished = true;
            state.joiner
        };
        if !joiner {
            thread_idle();
        }
    }

    /// The calling thread is about to join the thread this belongs to.
    pub(crate) fn join(&self) {
        self.touch();
        let finished = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.joiner = !state.finished;
            state.finished
        };
        if !finished {
            thread_idle();
        }
    }
}
