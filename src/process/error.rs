//! The errors of [`Process`](super::Process). Each displays CPython's message for the same
//! mistake, where CPython has one.

use std::error::Error;
use std::fmt;
use std::io;

/// A [`Process`](super::Process) operation that could not be done; nothing was changed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProcessError {
    /// [`start`](super::Process::start) of a process that was already started
    /// (Python: `AssertionError: cannot start a process twice`).
    StartedTwice,
    /// [`join`](super::Process::join), [`terminate`](super::Process::terminate) or
    /// [`kill`](super::Process::kill) of a process that was never started
    /// (Python, for join: `AssertionError: can only join a started process`).
    NotStarted {
        /// The refused operation: `"join"`, `"terminate"` or `"kill"`.
        operation: &'static str,
    },
    /// [`set_daemon`](super::Process::set_daemon) after start
    /// (Python: `AssertionError: process has already started`).
    DaemonAfterStart,
    /// [`start`](super::Process::start) called in a daemonic process
    /// (Python: `AssertionError: daemonic processes are not allowed to have children`).
    DaemonicChildren,
    /// [`start`](super::Process::start) in a program whose `main` did not call
    /// [`init`](super::init) first. Without it the child could not find its entry point; in a
    /// child this also stops a program from starting processes again and again (Python's
    /// `RuntimeError: An attempt has been made to start a new process before the current
    /// process has finished its bootstrapping phase.`).
    NotInitialized,
    /// [`start`](super::Process::start) of a target or [`Run`](super::Run) type that was not
    /// registered with [`init`](super::init). Holds the entry point's name.
    Unregistered(String),
    /// The arguments could not be serialized (Python: a pickling error at start). Holds
    /// serde's message.
    Arguments(String),
    /// The operating system could not start the child process, or signal it.
    Os(io::Error),
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StartedTwice => f.write_str("cannot start a process twice"),
            Self::NotStarted { operation } => {
                write!(f, "can only {operation} a started process")
            }
            Self::DaemonAfterStart => f.write_str("process has already started"),
            Self::DaemonicChildren => {
                f.write_str("daemonic processes are not allowed to have children")
            }
            Self::NotInitialized => f.write_str(
                "An attempt has been made to start a new process before the current process \
                 has finished its bootstrapping phase: call threadproof::process::init first \
                 thing in main",
            ),
            Self::Unregistered(name) => write!(
                f,
                "no entry point named {name:?} was registered with threadproof::process::init"
            ),
            Self::Arguments(message) => {
                write!(f, "cannot serialize the process arguments: {message}")
            }
            Self::Os(error) => write!(f, "cannot start or signal the process: {error}"),
        }
    }
}

impl Error for ProcessError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Os(error) => Some(error),
            _ => None,
        }
    }
}

impl From<io::Error> for ProcessError {
    fn from(error: io::Error) -> Self {
        Self::Os(error)
    }
}
