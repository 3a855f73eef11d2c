//! Which part of a split search the current execution belongs to (see
//! [`Check::part`](crate::check::Check::part)).
//!
//! A search split into `count` parts explores the whole search, each part the executions whose
//! *key* says they are its own. The key is read off an execution's first branching points: the
//! first [`LEVELS`] states at which more than one thread can be explored, before the main
//! thread has finished. At those states a split search explores every thread (they are its
//! *split points*), so the executions below each choice there are explored the same way
//! whichever part explores them. The key is the number the choices there spell (each a digit
//! in the base of its number of options); the part is the key modulo `count`. Once the key is
//! fixed (*frozen*: the last split point is passed, the main thread has finished, or the
//! execution ends), a part that does not own the execution stops it at the next switch: it ran
//! only to learn what its steps touch, which the searches below the later choices at a split
//! point need (a thread explored there first sleeps in them).
//!
//! Every execution of a split search is explored by the one part that owns its key. The
//! search without a split has no split points: the reducing search explores a thread at a
//! state only where a race calls for it. Exploring every thread at the split points adds only
//! executions that stop early, each the same as one explored before (sleep-set blocked): the
//! executions that run to the end are the same, one for each class of equivalent
//! interleavings, with or without a split (`tests/checked/parts.rs` checks both).

use std::cell::RefCell;

/// How many branching points at most the key is read from: up to `2^LEVELS` parts that each
/// get some of the search (more where a state has more than two threads to choose from).
pub(crate) const LEVELS: usize = 3;

#[derive(Default)]
struct State {
    /// `(index, count)`: this exploration is part `index` (0-based) of `count`; `None` for the
    /// whole search.
    split: Option<(usize, usize)>,
    key: usize,
    levels: usize,
    frozen: bool,
}

std::thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// An exploration starts: part `index` (0-based) of `count`, or the whole search for `None`.
pub(crate) fn begin(split: Option<(usize, usize)>) {
    STATE.with(|s| {
        *s.borrow_mut() = State {
            split,
            ..State::default()
        }
    });
}

/// An execution starts: its key is read afresh.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only the searches under shuttle are split")
)]
pub(crate) fn begin_execution() {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.key = 0;
        s.levels = 0;
        s.frozen = false;
    });
}

/// Whether a state with several threads to explore is a split point: the search is split, and
/// the key is not yet frozen.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only the searches under shuttle are split")
)]
pub(crate) fn splitting() -> bool {
    STATE.with(|s| {
        let s = s.borrow();
        s.split.is_some() && !s.frozen
    })
}

/// At a split point with `width` options, the execution took the one at `index`.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only the searches under shuttle are split")
)]
pub(crate) fn branch(index: usize, width: usize) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        debug_assert!(!s.frozen && index < width);
        s.key = s.key.wrapping_mul(width).wrapping_add(index);
        s.levels += 1;
        if s.levels == LEVELS {
            s.frozen = true;
        }
    });
}

/// The key is fixed from here on (the main thread has finished).
pub(crate) fn freeze() {
    STATE.with(|s| s.borrow_mut().frozen = true);
}

/// Whether the key is fixed and says the execution belongs to another part: a scheduler stops
/// it at the next switch.
#[cfg_attr(
    not(shuttle),
    expect(dead_code, reason = "only the searches under shuttle are split")
)]
pub(crate) fn elsewhere() -> bool {
    STATE.with(|s| s.borrow().frozen) && !mine()
}

/// Whether the current execution belongs to this part (always, for the whole search). Its
/// key is fixed from here on.
pub(crate) fn mine() -> bool {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.frozen = true;
        s.split.is_none_or(|(index, count)| s.key % count == index)
    })
}
