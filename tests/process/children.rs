//! The entry points the tests' child processes run, and what they report back.
//!
//! A child reports by writing a JSON file whose path the test gives it: its output streams
//! are the test binary's, shared by every test.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use threadproof::process::{
    self, current_process, parent_process, Entry, EntryPoints, Process, ProcessError, Run,
};

/// What a child knows of itself.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub name: String,
    pub pid: u32,
    pub daemon: bool,
    /// The operating system's parent (`os.getppid()`).
    pub os_parent: u32,
    /// `parent_process()`: name and pid.
    pub parent: Option<(String, u32)>,
    /// Free text from the entry point.
    pub note: String,
}

impl Report {
    pub fn now(note: impl Into<String>) -> Self {
        let me = current_process();
        Self {
            name: me.name().to_owned(),
            pid: me.pid(),
            daemon: me.daemon(),
            os_parent: std::os::unix::process::parent_id(),
            parent: parent_process().map(|p| (p.name().to_owned(), p.pid())),
            note: note.into(),
        }
    }

    /// Writes the report where the test reads it (whole or not at all).
    pub fn write(&self, path: &Path) {
        let partial = path.with_extension("partial");
        std::fs::write(&partial, serde_json::to_vec(self).unwrap()).unwrap();
        std::fs::rename(&partial, path).unwrap();
    }

    pub fn read(path: &Path) -> Self {
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }
}

fn returns(_: ()) {}
/// Returns at once: exit code 0.
pub const RETURNS: Entry<()> = Entry::new("returns", returns);

fn exits_with(code: i32) {
    process::exit(code)
}
/// Exits with the code given.
pub const EXITS_WITH: Entry<i32> = Entry::new("exits_with", exits_with);

fn panics_with(message: String) {
    panic!("{message}")
}
/// Panics with the message given.
pub const PANICS_WITH: Entry<String> = Entry::new("panics_with", panics_with);

fn sleeps(_: ()) {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
/// Runs until a signal stops it.
pub const SLEEPS: Entry<()> = Entry::new("sleeps", sleeps);

fn says_ready_then_sleeps(path: PathBuf) {
    Report::now("ready").write(&path);
    sleeps(())
}
/// Writes its [`Report`] to the path given, then runs until a signal stops it.
pub const SAYS_READY_THEN_SLEEPS: Entry<PathBuf> =
    Entry::new("says_ready_then_sleeps", says_ready_then_sleeps);

fn naps_then_exits((millis, code): (u64, i32)) {
    std::thread::sleep(Duration::from_millis(millis));
    process::exit(code)
}
/// Sleeps the milliseconds given, then exits with the code given.
pub const NAPS_THEN_EXITS: Entry<(u64, i32)> = Entry::new("naps_then_exits", naps_then_exits);

fn reports(path: PathBuf) {
    Report::now("").write(&path);
}
/// Writes its [`Report`] to the path given.
pub const REPORTS: Entry<PathBuf> = Entry::new("reports", reports);

fn starts_a_child(dir: PathBuf) {
    let child = Process::new(REPORTS, dir.join("grandchild.json"));
    let outcome = child.start().and_then(|()| child.join());
    let note = match outcome {
        Ok(code) => format!("grandchild exit code {code}"),
        Err(error) => error.to_string(),
    };
    Report::now(note).write(&dir.join("child.json"));
}
/// Starts a [`REPORTS`] child writing `grandchild.json` in the directory given, joins it, and
/// writes its own report, noting the outcome, to `child.json`.
pub const STARTS_A_CHILD: Entry<PathBuf> = Entry::new("starts_a_child", starts_a_child);

fn reads_stdin(_: ()) {
    let mut input = Vec::new();
    let code = match std::io::stdin().read_to_end(&mut input) {
        Ok(0) => 0,
        _ => 1,
    };
    process::exit(code)
}
/// Exits with 0 if its standard input is at end of file, 1 otherwise.
pub const READS_STDIN: Entry<()> = Entry::new("reads_stdin", reads_stdin);

fn measures(text: String) {
    let ok = text.len() == BIG && text.bytes().all(|b| b == b'x');
    process::exit(if ok { 0 } else { 1 })
}
/// The length of [`MEASURES`]'s argument.
pub const BIG: usize = 1 << 20;
/// Exits with 0 if given [`BIG`] `x`s, 1 otherwise.
pub const MEASURES: Entry<String> = Entry::new("measures", measures);

/// A `Process` subclass: reports, noting its `tag`.
#[derive(Serialize, Deserialize)]
pub struct Worker {
    pub path: PathBuf,
    pub tag: String,
}

impl Run for Worker {
    fn run(self) {
        Report::now(self.tag).write(&self.path);
    }
}

/// Registered nowhere: starting it is an error.
pub const UNREGISTERED: Entry<()> = Entry::new("unregistered", returns);

/// Serializing a map whose keys are not strings fails.
pub type BadArgs = std::collections::BTreeMap<Vec<u8>, u8>;
fn takes_bad_args(_: BadArgs) {}
/// Registered, but its arguments never serialize.
pub const TAKES_BAD_ARGS: Entry<BadArgs> = Entry::new("takes_bad_args", takes_bad_args);

/// Every entry point above.
pub fn entry_points() -> EntryPoints {
    EntryPoints::new()
        .target(RETURNS)
        .target(EXITS_WITH)
        .target(PANICS_WITH)
        .target(SLEEPS)
        .target(SAYS_READY_THEN_SLEEPS)
        .target(NAPS_THEN_EXITS)
        .target(REPORTS)
        .target(STARTS_A_CHILD)
        .target(READS_STDIN)
        .target(MEASURES)
        .target(TAKES_BAD_ARGS)
        .custom::<Worker>()
}

/// Set for a scenario whose children must not call `init`: they try to start a process
/// instead and exit with 3 if that is refused with `NotInitialized`, 4 otherwise.
pub const SKIP_INIT: &str = "THREADPROOF_TEST_CHILD_SKIPS_INIT";

/// What a child that skips `init` does (see [`SKIP_INIT`]).
pub fn without_init() -> ! {
    let code = match Process::new(RETURNS, ()).start() {
        Err(ProcessError::NotInitialized) => 3,
        _ => 4,
    };
    std::process::exit(code)
}
