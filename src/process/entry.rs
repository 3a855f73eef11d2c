//! Entry points, [`init`], and what a child does when it starts: the "spawn" start method.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Read, Write};
use std::panic::{self, AssertUnwindSafe};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::current::{self, Me, ParentProcess};
use super::sys;
use crate::sync::thread;

/// The first argument of a child's command line: `<exe> --threadproof-process <entry> <name>`.
pub(super) const MARKER: &str = "--threadproof-process";

/// What a child reads from its standard input before it runs: one JSON document, then the end
/// of input (so later reads of standard input in the child see end of file, as in CPython).
#[derive(Serialize, Deserialize)]
pub(super) struct Launch {
    /// The child's place in the process tree: `[1, 2]` is the second child of the first child.
    pub(super) identity: Vec<usize>,
    pub(super) daemon: bool,
    pub(super) parent_pid: u32,
    pub(super) parent_name: String,
    /// The target's argument, or the [`Run`] value, as serialized by the parent.
    pub(super) args: serde_json::Value,
}

/// A target function a child process can run, and the name it is registered under
/// (Python: the `target=func1` of `Process(target=func1, args=...)`).
///
/// Make one constant per target, register it with [`EntryPoints::target`], and start it with
/// [`Process::new`](super::Process::new). The argument crosses to the child as JSON: several
/// arguments are a tuple, none is `()`.
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::process::Entry;
///
/// fn func1(name: String) {                             // def func1(name):
///     println!("{name}");                              //     print(name)
/// }
/// const FUNC1: Entry<String> = Entry::new("func1", func1);
/// assert_eq!(FUNC1.name(), "func1");
/// # }
/// ```
pub struct Entry<A> {
    name: &'static str,
    target: fn(A),
}

impl<A> Entry<A> {
    /// The target `target`, registered under `name`, which must be unique in the program.
    pub const fn new(name: &'static str, target: fn(A)) -> Self {
        Self { name, target }
    }

    /// The name the entry point is registered under.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<A> Clone for Entry<A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A> Copy for Entry<A> {}

impl<A> fmt::Debug for Entry<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry").field("name", &self.name).finish()
    }
}

/// A process type that says what its process does: Python's `Process` subclass overriding
/// `run`.
///
/// The value is serialized in the parent and rebuilt in the child, which calls
/// [`run`](Run::run) on it. Register the type with [`EntryPoints::custom`] and start a value
/// with [`Process::custom`](super::Process::custom); its processes are named after the type
/// (`MyProcess-1`).
///
/// ```
/// # threadproof::real_threads_only! {
/// use serde::{Deserialize, Serialize};
/// use threadproof::process::{self, current_process, EntryPoints, Process, Run};
///
/// #[derive(Serialize, Deserialize)]
/// struct MyProcess;                                    // class MyProcess(Process):
///
/// impl Run for MyProcess {
///     fn run(self) {                                   //     def run(self):
///         println!("{}", current_process().name());    //         print(self.name)
///     }
/// }
///
/// fn main() {
///     let _main = process::init(EntryPoints::new().custom::<MyProcess>());
///     let p = Process::custom(MyProcess);              // p = MyProcess()
///     p.start().unwrap();                              // p.start()
///     p.join().unwrap();                               // p.join()
/// }
/// # }
/// ```
pub trait Run: Serialize + DeserializeOwned + 'static {
    /// What the child process does (Python: `run(self)`). Returning exits with code 0, a panic
    /// with code 1, [`process::exit`](exit) with the code given.
    fn run(self);
}

/// How a child calls an entry point: rebuild the argument, then run.
type Call = Box<dyn Fn(serde_json::Value) -> Result<(), serde_json::Error> + Send + Sync>;

/// The entry points of a program, handed to [`init`]: every target and [`Run`] type its
/// processes may run.
#[derive(Default)]
pub struct EntryPoints {
    entries: Vec<(String, Call)>,
}

impl EntryPoints {
    /// No entry points yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a target function. A later entry point with the same name replaces it.
    pub fn target<A: DeserializeOwned + 'static>(self, entry: Entry<A>) -> Self {
        let target = entry.target;
        self.with(
            entry.name.to_owned(),
            Box::new(move |args| {
                target(serde_json::from_value(args)?);
                Ok(())
            }),
        )
    }

    /// Adds a [`Run`] type.
    pub fn custom<P: Run>(self) -> Self {
        self.with(
            run_key::<P>().to_owned(),
            Box::new(|value| {
                serde_json::from_value::<P>(value)?.run();
                Ok(())
            }),
        )
    }

    fn with(mut self, name: String, call: Call) -> Self {
        self.entries.retain(|(known, _)| *known != name);
        self.entries.push((name, call));
        self
    }

    fn names(&self) -> Vec<String> {
        self.entries.iter().map(|(name, _)| name.clone()).collect()
    }
}

impl fmt::Debug for EntryPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(name, _)| name))
            .finish()
    }
}

/// The name a [`Run`] type is registered under: its full type name, unique in the program.
pub(super) fn run_key<P: Run>() -> &'static str {
    std::any::type_name::<P>()
}

/// A [`Run`] type's processes are named after the type, without its path or parameters.
pub(super) fn run_kind<P: Run>() -> &'static str {
    let full = run_key::<P>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

/// Call first thing in `main`: in a child, runs the requested entry point and exits; in the
/// main process, records the entry points and returns the guard whose drop ends the program's
/// processes as CPython does at exit.
///
/// Keep the guard until `main` returns (`let _main = process::init(...)`; `let _ = ...` would
/// drop it at once). When it drops, daemonic children are terminated and the other children
/// are joined (Python: `multiprocessing.util._exit_function`).
///
/// A child process is this same program, started again with the arguments
/// `--threadproof-process <entry point> <process name>`: `init` recognizes them, reads the
/// rest from standard input, runs the entry point, and exits with the process's exit code. See
/// the [module documentation](super) for the whole mechanism.
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::process::{self, Entry, EntryPoints, Process};
///
/// fn greet(name: String) {
///     println!("hello, {name}");
/// }
/// const GREET: Entry<String> = Entry::new("greet", greet);
///
/// fn main() {
///     let _main = process::init(EntryPoints::new().target(GREET));  // if __name__ == '__main__':
///     let p = Process::new(GREET, "world".to_owned());  // p = Process(target=greet, args=('world',))
///     p.start().unwrap();                                // p.start()
///     assert_eq!(p.join().unwrap(), 0);                  // p.join()
/// }
/// # }
/// ```
pub fn init(entries: EntryPoints) -> InitGuard {
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|first| first == MARKER) {
        let entry = args.next().unwrap_or_default();
        let name = args.next().unwrap_or_default();
        run_child(entries, entry, name)
    }
    current::set(Me {
        name: "MainProcess".to_owned(),
        identity: Vec::new(),
        daemon: false,
        parent: None,
        entries: entries.names(),
    });
    InitGuard { _private: () }
}

/// Returned by [`init`] in the main process; dropping it terminates the daemonic children and
/// joins the others, as CPython does when the main module finishes.
#[must_use = "dropping the guard ends the program's processes: keep it until main returns"]
pub struct InitGuard {
    _private: (),
}

impl Drop for InitGuard {
    fn drop(&mut self) {
        current::at_exit();
    }
}

impl fmt::Debug for InitGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InitGuard")
    }
}

/// Ends the current process with exit code `code`, after terminating its daemonic children
/// and joining the others (Python: `sys.exit(code)`; its parent reads `code` as the
/// [`exitcode`](super::Process::exitcode)). Exit codes are 0 to 255 on Unix: the parent sees
/// `code & 0xff`.
pub fn exit(code: i32) -> ! {
    current::at_exit();
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    std::process::exit(code)
}

/// The child's side: read the launch, become the process it describes, run, exit.
fn run_child(entries: EntryPoints, entry: OsString, name: OsString) -> ! {
    let name = name.to_string_lossy().into_owned();
    let entry = entry.to_string_lossy().into_owned();
    let mut input = Vec::new();
    let launch = io::stdin()
        .lock()
        .read_to_end(&mut input)
        .map_err(|e| e.to_string())
        .and_then(|_| serde_json::from_slice::<Launch>(&input).map_err(|e| e.to_string()));
    let launch = match launch {
        Ok(launch) => launch,
        Err(error) => {
            eprintln!("Process {name}: cannot read its launch data: {error}");
            std::process::exit(1)
        }
    };
    if launch.daemon && !sys::die_with_parent(launch.parent_pid) {
        // The parent died before this daemonic process could ask to die with it.
        sys::die()
    }
    current::set(Me {
        name: name.clone(),
        identity: launch.identity,
        daemon: launch.daemon,
        parent: Some(ParentProcess::new(launch.parent_name, launch.parent_pid)),
        entries: entries.names(),
    });
    let Some((_, call)) = entries.entries.iter().find(|(known, _)| *known == entry) else {
        eprintln!("Process {name}: no entry point named {entry:?} is registered in this program");
        exit(1)
    };
    // CPython names the process above an uncaught error's traceback.
    let run_thread = thread::current().id();
    let report = panic::take_hook();
    let process_name = name.clone();
    panic::set_hook(Box::new(move |info| {
        if thread::current().id() == run_thread {
            eprintln!("Process {process_name}:");
        }
        report(info);
    }));
    let code = match panic::catch_unwind(AssertUnwindSafe(|| call(launch.args))) {
        Ok(Ok(())) => 0,
        Ok(Err(error)) => {
            eprintln!("Process {name}: cannot read its arguments: {error}");
            1
        }
        Err(_) => 1,
    };
    exit(code)
}
