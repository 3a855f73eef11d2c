//! The checker's runtime: what one execution keeps while it runs. The record of who did,
//! holds and waits for what ([`record`]), the virtual clock ([`clock`], checker builds only),
//! the random choices ([`choices`]), what each step touches ([`access`], checker builds
//! only) and which part of a split search an execution belongs to ([`part`]).
//!
//! The facade (`crate::sync`) reports here as threads act, and the checking machinery
//! (`crate::check`) starts each execution here and reads it when the execution ends. This
//! module imports nothing else of the crate: callers pass the thread that acts (`me`, the
//! facade's number for it) and everything else as arguments.

#[cfg(any(loom, shuttle))]
pub(crate) mod access;
pub(crate) mod choices;
#[cfg(any(loom, shuttle))]
pub(crate) mod clock;
pub(crate) mod part;
pub(crate) mod record;

/// What the facade panics with, under loom, when a thread takes a mutex that a panic let go of:
/// loom's mutex stays poisoned after a panic inside it, so the execution cannot go on as it
/// would on real threads or under shuttle. The checker reads it as a limit of loom's.
#[cfg(loom)]
pub(crate) const LOOM_POISONED: &str =
    "threadproof: under loom, a lock a panic let go of cannot be taken again";

/// An execution starts: its clock at zero, running only under virtual timing.
pub(crate) fn begin_execution(virtual_timing: bool) {
    #[cfg(any(loom, shuttle))]
    clock::begin_execution(virtual_timing);
    #[cfg(not(any(loom, shuttle)))]
    let _ = virtual_timing;
}

/// The main thread has run the program: the record says so, the clock may move on for threads
/// still running, the thread's end touches nothing (see `access::ending`), and the part of a
/// split search the execution belongs to is known.
pub(crate) fn main_finished() {
    record::main_finished();
    part::freeze();
    #[cfg(any(loom, shuttle))]
    {
        clock::thread_idle();
        access::main_finished();
    }
}

/// A scripted choice is made: choices are ordered by the position they take, as steps
/// touching one object are (see `access`).
fn choice_made() {
    #[cfg(any(loom, shuttle))]
    access::touch(access::CHOICES, access::Kind::Write);
}

/// An exploration ends: programs run outside a check run under any timing.
pub(crate) fn end_exploration() {
    #[cfg(any(loom, shuttle))]
    clock::end_exploration();
}
