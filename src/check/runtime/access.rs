//! What each step of an execution touches: the objects it reads and writes. The search that
//! reorders only steps that touch the same object (`check::scheduler::dpor`) reads it here.
//!
//! A step is what one thread does from the moment the checker lets it run to the next point
//! where the checker may switch threads. The facade says, before each operation that may switch
//! (`announce`), what the operation will touch; the checker, when it lets a thread run, starts
//! the step with what that thread announced. What a step touches without a switch of its own (a
//! thread's end, the virtual clock, a random choice) it adds as it happens (`touch`). A thread
//! the checker lets run with nothing announced, though it has run before, is at a switch the
//! facade does not describe (a program using the checker's own types): its step is taken to
//! touch everything, so no reordering is ever missed because of it.
//!
//! Objects are known by the number each gets when it is made (`new_object`), counted from the
//! start of the execution. The search compares what steps of different executions touch (a
//! thread explored at a state, with what its step there touched, against the steps of another
//! execution from that state), and an object made before that state has the same number in
//! both, as both executions made the same steps up to it. Two objects with one number (one made
//! outside any execution) are taken for one, which only makes more steps look related. The log
//! is kept per operating-system thread, like the rest of the runtime, and records nothing unless
//! a search asked for it (`begin_execution(true)`): the other searches pay one thread-local read
//! per operation.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// An object steps may touch: its number ([`new_object`]), or one of the runtime's own objects
/// below.
pub(crate) type Object = usize;

/// The virtual clock (per execution, plain data): every step that reads or moves it.
pub(crate) const CLOCK: Object = 1;
/// The random choices (the script's position): every step that makes a choice.
pub(crate) const CHOICES: Object = 2;
/// The first number [`new_object`] gives in an execution.
const FIRST: Object = 3;

/// How a step touches an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Read,
    Write,
}

/// Everything one step touches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Footprint {
    /// The step may touch anything.
    pub(crate) everything: bool,
    /// The objects it touches, and how; an object written appears as written.
    pub(crate) accesses: Vec<(Object, Kind)>,
}

impl Footprint {
    /// A step that may touch anything.
    pub(crate) fn everything() -> Self {
        Self {
            everything: true,
            accesses: Vec::new(),
        }
    }

    fn add(&mut self, object: Object, kind: Kind) {
        match self.accesses.iter_mut().find(|(o, _)| *o == object) {
            Some((_, k)) => {
                if kind == Kind::Write {
                    *k = Kind::Write;
                }
            }
            None => self.accesses.push((object, kind)),
        }
    }

    fn merge(&mut self, other: &Footprint) {
        self.everything |= other.everything;
        for &(object, kind) in &other.accesses {
            self.add(object, kind);
        }
    }

    /// Whether the two steps may not be swapped: one may touch anything, or both touch an
    /// object and one of them writes it.
    #[cfg_attr(
        not(shuttle),
        allow(
            dead_code,
            reason = "only shuttle's reducing search (`check::scheduler::dpor`) reads the log"
        )
    )]
    pub(crate) fn conflicts(&self, other: &Footprint) -> bool {
        self.everything
            || other.everything
            || self.accesses.iter().any(|&(o, k)| {
                other
                    .accesses
                    .iter()
                    .any(|&(p, l)| o == p && (k == Kind::Write || l == Kind::Write))
            })
    }
}

#[derive(Default)]
struct Log {
    on: bool,
    /// The number of the next object made.
    next_object: Object,
    /// The thread (its token) whose step runs now.
    running: usize,
    /// token -> what the thread's operation in progress touches.
    announced: HashMap<usize, Footprint>,
    /// token -> whether the thread's operation in progress can go on without blocking, for an
    /// operation that says.
    can_go_on: HashMap<usize, Rc<dyn Fn() -> bool>>,
    /// token -> how many primitive operations the thread is inside (nested ones count), and
    /// whether the outermost has not yet reached a point where the checker may switch.
    inside: HashMap<usize, (usize, bool)>,
    /// The step running now.
    current: Footprint,
    /// The main thread has run the program: the execution has reached its outcome.
    main_finished: bool,
}

std::thread_local! {
    static LOG: RefCell<Log> = RefCell::new(Log {
        next_object: FIRST,
        ..Log::default()
    });
}

fn with(f: impl FnOnce(&mut Log)) {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        if log.on {
            f(&mut log);
        }
    });
}

/// A number for an object just made: the next in this execution.
pub(crate) fn new_object() -> Object {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        let object = log.next_object;
        log.next_object += 1;
        object
    })
}

/// The running thread is about to start an operation that may switch threads, touching
/// `accesses` (none for an operation that touches nothing shared, such as a spawn).
///
/// shuttle switches before an operation takes effect, so what it touches counts for the
/// thread's steps from its first switch until it is over; but where the operation blocks at
/// once (a lock attempt that finds the lock held) shuttle skips that switch, as blocking
/// commutes with what others do, and the attempt is part of the step running now: the
/// scheduler says so ([`blocked`]).
pub(crate) fn announce(accesses: &[(Object, Kind)]) {
    with(|log| {
        let mut footprint = Footprint::default();
        for &(object, kind) in accesses {
            footprint.add(object, kind);
        }
        log.announced.insert(log.running, footprint);
    });
}

/// Thread `me`, which runs the step running now, goes on through a point where the checker may
/// switch, inside a primitive's operation: the operation it announced there is part of this
/// step.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only shuttle's reducing search reads the log")
)]
pub(crate) fn goes_on(me: usize) {
    with(|log| {
        if let Some(footprint) = log.announced.get(&me).cloned() {
            log.current.merge(&footprint);
        }
    });
}

/// Thread `me`, which ran the step running now, cannot go on: it blocked in its operation in
/// progress, which touched what it announced in this step ([`announce`]). An operation that
/// says when it can go on ([`announce_blocking`]) only found that it must block.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only shuttle's reducing search reads the log")
)]
pub(crate) fn blocked(me: usize) {
    with(|log| {
        if log.can_go_on.contains_key(&me) {
            return;
        }
        if let Some(footprint) = log.announced.get(&me).cloned() {
            log.current.merge(&footprint);
        }
    });
}

/// [`announce`], for an operation that blocks unless `can_go_on()` (a join blocks until its
/// thread has finished): the search does not run a thread whose operation would block while
/// another thread can run, as the attempt would only block; it becomes able to go on through
/// a step that touches what the operation touches.
///
/// Unlike [`announce`], what the operation touches counts only from its first switch on: before
/// it, the operation only finds that it must block, which changes nothing another thread sees.
pub(crate) fn announce_blocking(accesses: &[(Object, Kind)], can_go_on: Rc<dyn Fn() -> bool>) {
    with(|log| {
        let mut footprint = Footprint::default();
        for &(object, kind) in accesses {
            footprint.add(object, kind);
        }
        log.announced.insert(log.running, footprint);
        log.can_go_on.insert(log.running, can_go_on);
    });
}

/// Whether thread `me`'s operation in progress can go on without blocking, as far as it says.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only shuttle's reducing search reads the log")
)]
pub(crate) fn can_go_on(me: usize) -> bool {
    let check = LOG.with(|log| log.borrow().can_go_on.get(&me).cloned());
    check.is_none_or(|can_go_on| can_go_on())
}

/// The running thread is about to start an operation that may switch threads and may touch
/// anything.
pub(crate) fn announce_everything() {
    with(|log| {
        // A yield changes which threads the next choice may pick: the step it ends counts too.
        log.current.everything = true;
        log.announced.insert(log.running, Footprint::everything());
    });
}

/// The running thread is about to end: the checker may switch threads before it does (shuttle
/// does when its end could end the execution), and its end touches nothing; the search takes
/// the end of the execution to conflict with every thread still able to run.
pub(crate) fn ending() {
    announce(&[]);
}

/// The main thread has run the program, and is about to end.
pub(crate) fn main_finished() {
    ending();
    with(|log| log.main_finished = true);
}

/// Whether the main thread has run the program in this execution.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only shuttle's reducing search reads the log")
)]
pub(crate) fn main_has_finished() -> bool {
    LOG.with(|log| log.borrow().main_finished)
}

/// The running thread starts an operation of one of the crate's primitives (an acquire, a
/// put...). Unless the check explores the primitives' insides, the checker switches away from
/// a thread inside an operation only where it blocks: the operation's first point where the
/// checker may switch is its start, and after that the thread runs on until the operation
/// ends or blocks.
pub(crate) fn operation_begins() {
    with(|log| {
        let (depth, fresh) = log.inside.entry(log.running).or_insert((0, false));
        *depth += 1;
        if *depth == 1 {
            *fresh = true;
        }
    });
}

/// The running thread's primitive operation is over.
pub(crate) fn operation_ends() {
    with(|log| {
        if let Some((depth, fresh)) = log.inside.get_mut(&log.running) {
            *depth = depth.saturating_sub(1);
            if *depth == 0 {
                *fresh = false;
            }
        }
    });
}

/// Whether the checker may switch away from thread `me`, which can go on: it is inside no
/// primitive operation, or at its operation's first point where the checker may switch.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only shuttle's schedulers read the log")
)]
pub(crate) fn may_switch_from(me: usize) -> bool {
    LOG.with(|log| match log.borrow_mut().inside.get_mut(&me) {
        Some((depth, fresh)) if *depth > 0 => std::mem::take(fresh),
        _ => true,
    })
}

/// The running thread's operation is over.
pub(crate) fn done() {
    with(|log| {
        log.announced.remove(&log.running);
        log.can_go_on.remove(&log.running);
    });
}

/// The step running now touches `object`.
pub(crate) fn touch(object: Object, kind: Kind) {
    with(|log| log.current.add(object, kind));
}

/// Starts an execution's log; it records only if `on`.
#[cfg_attr(
    not(shuttle),
    expect(
        dead_code,
        reason = "only shuttle's reducing search (`check::scheduler::dpor`) reads the log"
    )
)]
pub(crate) fn begin_execution(on: bool) {
    LOG.with(|log| {
        *log.borrow_mut() = Log {
            on,
            next_object: FIRST,
            ..Log::default()
        };
    });
}

/// Ends the step running now, and returns what it touched.
#[cfg_attr(
    not(shuttle),
    expect(
        dead_code,
        reason = "only shuttle's reducing search (`check::scheduler::dpor`) reads the log"
    )
)]
pub(crate) fn end_step() -> Footprint {
    LOG.with(|log| std::mem::take(&mut log.borrow_mut().current))
}

/// What thread `me`'s operation in progress touches, if it announced one.
#[cfg_attr(
    not(shuttle),
    expect(
        dead_code,
        reason = "only shuttle's reducing search (`check::scheduler::dpor`) reads the log"
    )
)]
pub(crate) fn announced(me: usize) -> Option<Footprint> {
    LOG.with(|log| log.borrow().announced.get(&me).cloned())
}

/// Starts a step of thread `me`, which touches at least `footprint`.
#[cfg_attr(
    not(shuttle),
    expect(
        dead_code,
        reason = "only shuttle's reducing search (`check::scheduler::dpor`) reads the log"
    )
)]
pub(crate) fn start_step(me: usize, footprint: Footprint) {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        log.running = me;
        log.current = footprint;
    });
}

#[cfg(test)]
mod tests {
    use super::{Footprint, Kind};

    fn footprint(accesses: &[(usize, Kind)]) -> Footprint {
        Footprint {
            everything: false,
            accesses: accesses.to_vec(),
        }
    }

    #[test]
    fn steps_conflict_only_on_a_shared_object_one_of_them_writes() {
        let read_a = footprint(&[(10, Kind::Read)]);
        let write_a = footprint(&[(10, Kind::Write)]);
        let write_b = footprint(&[(11, Kind::Write)]);
        assert!(!read_a.conflicts(&read_a));
        assert!(read_a.conflicts(&write_a));
        assert!(write_a.conflicts(&read_a));
        assert!(write_a.conflicts(&write_a));
        assert!(!write_a.conflicts(&write_b));
        assert!(!Footprint::default().conflicts(&write_a));
        assert!(Footprint::everything().conflicts(&Footprint::default()));
        assert!(Footprint::default().conflicts(&Footprint::everything()));
    }

    #[test]
    fn a_write_of_an_object_read_in_the_same_step_counts_as_a_write() {
        let mut step = footprint(&[(10, Kind::Read)]);
        step.add(10, Kind::Write);
        step.add(10, Kind::Read);
        assert_eq!(step, footprint(&[(10, Kind::Write)]));
        let mut merged = footprint(&[(11, Kind::Read)]);
        merged.merge(&step);
        assert_eq!(merged, footprint(&[(11, Kind::Read), (10, Kind::Write)]));
    }
}
