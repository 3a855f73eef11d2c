//! [`init`] and [`exit`]: a program's start and end as a process, and what a child does when it
//! starts (the "spawn" start method).

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};

use super::current::{self, Me, ParentProcess};
use super::entry::EntryPoints;
use super::handle::active_children;
use super::launch::{self, Launch};
use super::sys;
use crate::sync::thread;

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
    if let Some((entry, name)) = launch::requested() {
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
        at_exit();
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
    at_exit();
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    std::process::exit(code)
}

/// The child's side: read the launch, become the process it describes, run, exit.
fn run_child(entries: EntryPoints, entry: OsString, name: OsString) -> ! {
    let name = name.to_string_lossy().into_owned();
    let entry = entry.to_string_lossy().into_owned();
    let launch = match Launch::read() {
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
    let Some(call) = entries.get(&entry) else {
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

/// Python's exit function: terminate the daemonic children, then join every child.
fn at_exit() {
    for child in active_children() {
        if child.daemon() {
            let _ = child.terminate();
        }
    }
    for child in active_children() {
        let _ = child.join();
    }
}
