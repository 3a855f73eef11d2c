//! The launch protocol between a parent and the child it starts: the command line that marks a
//! run of this program as a child, and the one JSON document the child reads from its standard
//! input before it runs.

use std::ffi::OsString;
use std::io::{self, Read};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

/// The first argument of a child's command line: `<exe> --threadproof-process <entry> <name>`.
const MARKER: &str = "--threadproof-process";

/// What a child reads from its standard input before it runs: one JSON document, then the end
/// of input (so later reads of standard input in the child see end of file, as in CPython).
#[derive(Serialize, Deserialize)]
pub(super) struct Launch {
    /// The child's place in the process tree: `[1, 2]` is the second child of the first child.
    pub(super) identity: Vec<usize>,
    pub(super) daemon: bool,
    pub(super) parent_pid: u32,
    pub(super) parent_name: String,
    /// The target's argument, or the [`Run`](super::Run) value, as serialized by the parent.
    pub(super) args: serde_json::Value,
}

impl Launch {
    /// The bytes the parent writes to the child's standard input.
    pub(super) fn encode(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(self)
    }

    /// The child's side: reads its standard input to the end and decodes it.
    pub(super) fn read() -> Result<Self, String> {
        let mut input = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut input)
            .map_err(|e| e.to_string())
            .and_then(|_| serde_json::from_slice::<Self>(&input).map_err(|e| e.to_string()))
    }
}

/// The command that runs this program again as the process `name`, running the entry point
/// `entry`, with a pipe to its standard input for the [`Launch`].
pub(super) fn command(entry: &str, name: &str) -> io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg(MARKER)
        .arg(entry)
        .arg(name)
        .stdin(Stdio::piped());
    Ok(command)
}

/// In a child, the entry point it is to run and its process name, read from its command line;
/// `None` in a program that was not started as a child.
pub(super) fn requested() -> Option<(OsString, OsString)> {
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|first| first == MARKER) {
        let entry = args.next().unwrap_or_default();
        let name = args.next().unwrap_or_default();
        return Some((entry, name));
    }
    None
}

/// The key a [`Run`](super::Run) type is registered under and a child asks for it by: its full
/// type name, unique in the program.
pub(super) fn run_key<P>() -> &'static str {
    std::any::type_name::<P>()
}

/// A [`Run`](super::Run) type's processes are named after the type, without its path or
/// parameters.
pub(super) fn run_kind<P>() -> &'static str {
    let full = run_key::<P>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}
