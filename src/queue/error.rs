//! The errors of the queue operations: CPython's `queue.Full`, `queue.Empty`,
//! `queue.ShutDown`, and the `ValueError` of a surplus `task_done()`.

use std::error::Error;
use std::fmt;

/// A put that did not happen; the item comes back with it (Python: `queue.Full` or
/// `queue.ShutDown` raised by `put`).
///
/// `Debug` does not show the item, so `unwrap()` works for any item type.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum PutError<T> {
    /// The queue was full: a non-blocking put, or a timed one whose time ran out
    /// (Python: `queue.Full`).
    Full(T),
    /// The queue has been shut down (Python: `queue.ShutDown`). Checked before fullness.
    ShutDown(T),
}

impl<T> PutError<T> {
    /// The item that was not put.
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(item) | Self::ShutDown(item) => item,
        }
    }

    /// True for [`PutError::Full`].
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// True for [`PutError::ShutDown`].
    pub fn is_shut_down(&self) -> bool {
        matches!(self, Self::ShutDown(_))
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full(_) => "Full(..)",
            Self::ShutDown(_) => "ShutDown(..)",
        })
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full(_) => "put on a full queue",
            Self::ShutDown(_) => "put on a shut-down queue",
        })
    }
}

impl<T> Error for PutError<T> {}

/// A get that returned no item (Python: `queue.Empty` or `queue.ShutDown` raised by `get`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GetError {
    /// The queue was empty: a non-blocking get, or a timed one whose time ran out
    /// (Python: `queue.Empty`).
    Empty,
    /// The queue has been shut down and has no item left for this get: after
    /// `shutdown(false)` once it is empty, after `shutdown(true)` at once
    /// (Python: `queue.ShutDown`).
    ShutDown,
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "get from an empty queue",
            Self::ShutDown => "get from a shut-down queue",
        })
    }
}

impl Error for GetError {}

/// `task_done()` called more times than items were put: nothing changed
/// (Python: `ValueError: task_done() called too many times`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TaskDoneError;

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl Error for TaskDoneError {}
