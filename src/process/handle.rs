//! `multiprocessing.Process`: a handle to one child process, and the registry of the started
//! children that are still running.

use std::fmt;
use std::io::Write;
use std::process::{Child, ChildStdin};
use std::time::Duration;

use serde::Serialize;

use super::current;
use super::entry::{Entry, Run};
use super::error::ProcessError;
use super::launch::{self, run_key, run_kind, Launch};
use super::sys;
use crate::sync::{thread, wait_for, Arc, Blocking, Condvar, Deadline, Mutex};

/// A child process running one entry point of this program, Python's
/// `multiprocessing.Process` with the "spawn" start method.
///
/// A `Process` is made with a target and its argument ([`Process::new`]) or with a [`Run`]
/// value ([`Process::custom`]), started with [`start`](Process::start), and waited for with
/// [`join`](Process::join). It is a handle: clones refer to the same process, as Python's
/// references do. The program must call [`init`](super::init) first thing in `main`, with
/// every entry point its processes run.
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::process::{self, Entry, EntryPoints, Process};
///
/// fn func1(name: String) {                                    // def func1(name):
///     println!("{name} done");                                //     print(f'{name} done')
/// }
/// const FUNC1: Entry<String> = Entry::new("func1", func1);
///
/// fn main() -> Result<(), threadproof::process::ProcessError> {
///     let _main = process::init(EntryPoints::new().target(FUNC1)); // if __name__ == '__main__':
///     let mut process_list = Vec::new();                      //     process_list = []
///     for i in 0..3 {                                         //     for i in range(3):
///         let p = Process::new(FUNC1, format!("A{i}"));      //         p = Process(target=func1, args=(f'A{i}',))
///         p.start()?;                                         //         p.start()
///         process_list.push(p);                               //         process_list.append(p)
///     }
///     for p in &process_list {                                //     for p in process_list:
///         p.join()?;                                          //         p.join()
///     }
///     assert_eq!(process_list[2].name(), "Process-3");
///     assert_eq!(process_list[0].exitcode(), Some(0));
///     println!("end");                                        //     print('end')
///     Ok(())
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct Process {
    inner: Arc<Inner>,
}

// Processes exist only in real-thread builds, where the trace records nothing: an identity
// made on demand is as good as a kept one.
impl crate::trace::Sealed for Process {
    fn trace_id(&self) -> crate::trace::Id {
        crate::trace::Id::new("Process")
    }
}

struct Inner {
    /// The registered name of the entry point the child runs.
    entry: String,
    /// The serialized argument, or why it could not be serialized.
    args: Result<serde_json::Value, String>,
    /// This process's place in the tree (the name's numbers).
    identity: Vec<usize>,
    state: Mutex<State>,
    /// Notified by the child's watcher thread once it has recorded the exit code.
    finished: Condvar,
}

struct State {
    name: String,
    daemon: bool,
    pid: Option<u32>,
    phase: Phase,
}

enum Phase {
    Created,
    /// Started; the watcher thread is the only one that reaps the child, under this lock, so
    /// while the phase is `Running` the pid names the child and may be signalled.
    Running(Child),
    Finished(i32),
}

/// Makes a [`Process`] with a chosen name or daemon flag (Python: the `name=` and `daemon=`
/// arguments of `Process(...)`).
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::process::{Builder, Entry};
///
/// fn work(_: ()) {}
/// const WORK: Entry<()> = Entry::new("work", work);
///
/// let p = Builder::new().name("worker").daemon(true).target(WORK, ());
/// assert_eq!(p.name(), "worker");
/// assert!(p.daemon());
/// assert_eq!(p.pid(), None);
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    name: Option<String>,
    daemon: Option<bool>,
}

impl Builder {
    /// A builder with the default name (`Process-N`) and daemon flag (the current process's).
    pub fn new() -> Self {
        Self::default()
    }

    /// The process's name (Python: `name=`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Whether the process is daemonic (Python: `daemon=`): a daemonic process is terminated
    /// when its parent exits, and may not start children.
    pub fn daemon(mut self, daemon: bool) -> Self {
        self.daemon = Some(daemon);
        self
    }

    /// A process that runs `entry` with `args` (Python: `Process(target=f, args=...)`).
    pub fn target<A: Serialize>(self, entry: Entry<A>, args: A) -> Process {
        let args = serde_json::to_value(&args).map_err(|e| e.to_string());
        self.build(entry.name().to_owned(), "Process", args)
    }

    /// A process that runs `run` (Python: an instance of a `Process` subclass). It is named
    /// after `P`: `MyProcess-1`.
    pub fn custom<P: Run>(self, run: P) -> Process {
        let args = serde_json::to_value(&run).map_err(|e| e.to_string());
        self.build(run_key::<P>().to_owned(), run_kind::<P>(), args)
    }

    fn build(self, entry: String, kind: &str, args: Result<serde_json::Value, String>) -> Process {
        let identity = current::next_identity();
        let name = self.name.unwrap_or_else(|| {
            let numbers: Vec<String> = identity.iter().map(usize::to_string).collect();
            format!("{kind}-{}", numbers.join(":"))
        });
        let daemon = self.daemon.unwrap_or_else(current::daemonic);
        Process {
            inner: Arc::new(Inner {
                entry,
                args,
                identity,
                state: Mutex::new(State {
                    name,
                    daemon,
                    pid: None,
                    phase: Phase::Created,
                }),
                finished: Condvar::new(),
            }),
        }
    }
}

impl Process {
    /// A process that runs `entry` with `args`, named `Process-N`
    /// (Python: `Process(target=f, args=...)`). See [`Builder`] for a name or daemon flag.
    pub fn new<A: Serialize>(entry: Entry<A>, args: A) -> Self {
        Builder::new().target(entry, args)
    }

    /// A process that runs `run`, named after its type: `MyProcess-N` (Python: an instance of
    /// a `Process` subclass).
    pub fn custom<P: Run>(run: P) -> Self {
        Builder::new().custom(run)
    }

    /// Starts the child process (Python: `p.start()`).
    ///
    /// # Errors
    /// [`ProcessError::StartedTwice`] if it was started before,
    /// [`ProcessError::DaemonicChildren`] in a daemonic process,
    /// [`ProcessError::NotInitialized`] if `main` did not call [`init`](super::init),
    /// [`ProcessError::Unregistered`] if the entry point was not given to `init`,
    /// [`ProcessError::Arguments`] if the argument did not serialize, and
    /// [`ProcessError::Os`] if the system could not start the child. Nothing is started then.
    pub fn start(&self) -> Result<(), ProcessError> {
        let mut state = self.inner.state.lock();
        if !matches!(state.phase, Phase::Created) {
            return Err(ProcessError::StartedTwice);
        }
        let (parent_name, known) = current::with(|me| match me {
            None => Err(ProcessError::NotInitialized),
            Some(me) if me.daemon => Err(ProcessError::DaemonicChildren),
            Some(me) => Ok((me.name.clone(), me.entries.contains(&self.inner.entry))),
        })?;
        if !known {
            return Err(ProcessError::Unregistered(self.inner.entry.clone()));
        }
        let args = self.inner.args.clone().map_err(ProcessError::Arguments)?;
        let launch = Launch {
            identity: self.inner.identity.clone(),
            daemon: state.daemon,
            parent_pid: std::process::id(),
            parent_name,
            args,
        };
        let payload = launch
            .encode()
            .map_err(|e| ProcessError::Arguments(e.to_string()))?;
        let command = launch::command(&self.inner.entry, &state.name)?;
        let mut child = sys::spawn(command)?;
        let pid = child.id();
        let stdin = child.stdin.take();
        state.pid = Some(pid);
        state.phase = Phase::Running(child);
        add_child(self.clone());
        drop(state);
        let watched = self.clone();
        let watcher = thread::Builder::new()
            .name(format!("threadproof-process-{pid}"))
            .spawn(move || watched.watch(pid, stdin, payload));
        if let Err(error) = watcher {
            // Without a watcher nobody would reap the child: stop it, and be unstarted again.
            let mut state = self.inner.state.lock();
            if let Phase::Running(child) = &mut state.phase {
                let _ = child.kill();
                let _ = child.wait();
            }
            remove_child(self);
            state.phase = Phase::Created;
            state.pid = None;
            return Err(ProcessError::Os(error));
        }
        Ok(())
    }

    /// The watcher thread: hands the child its launch data, waits for it to exit, records
    /// the exit code, and wakes the joiners.
    fn watch(&self, pid: u32, stdin: Option<ChildStdin>, payload: Vec<u8>) {
        if let Some(mut stdin) = stdin {
            // A child that exits without reading gives an error here: its exit code tells.
            let _ = stdin.write_all(&payload);
        }
        // Blocks until exit where the system can wait without reaping; elsewhere, poll.
        let exact = sys::wait_exited(pid);
        let mut pause = Duration::from_millis(1);
        loop {
            let mut state = self.inner.state.lock();
            let Phase::Running(child) = &mut state.phase else {
                return;
            };
            let code = match child.try_wait() {
                Ok(Some(status)) => Some(sys::exit_code(status)),
                Ok(None) => None,
                // Reaped by other code of this program: the exit code is lost.
                Err(_) => Some(255),
            };
            if let Some(code) = code {
                // Whoever sees the exit code no longer finds the process among the children.
                remove_child(self);
                state.phase = Phase::Finished(code);
                drop(state);
                self.inner.finished.notify_all();
                return;
            }
            drop(state);
            if !exact {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
        }
    }

    /// Blocks until the process has exited and returns its exit code (Python: `p.join()`,
    /// then `p.exitcode`).
    ///
    /// # Errors
    /// [`ProcessError::NotStarted`] if the process was never started.
    pub fn join(&self) -> Result<i32, ProcessError> {
        let (_state, ended) = wait_for(
            &self.inner.finished,
            self.inner.state.lock(),
            &mut Deadline::never(),
            Blocking::on(self, "join"),
            None,
            |state| match state.phase {
                Phase::Created => Some(Err(ProcessError::NotStarted { operation: "join" })),
                Phase::Finished(code) => Some(Ok(code)),
                Phase::Running(_) => None,
            },
        );
        ended.expect("a wait without a deadline ends only when ready")
    }

    /// [`join`](Process::join) for at most `timeout`: the exit code, or `None` if the process
    /// is still running then (Python: `p.join(timeout)`, then `p.exitcode`).
    ///
    /// # Errors
    /// [`ProcessError::NotStarted`] if the process was never started.
    pub fn join_timeout(&self, timeout: Duration) -> Result<Option<i32>, ProcessError> {
        let (_state, ended) = wait_for(
            &self.inner.finished,
            self.inner.state.lock(),
            &mut Deadline::after(timeout),
            Blocking::on(self, "join"),
            None,
            |state| match state.phase {
                Phase::Created => Some(Err(ProcessError::NotStarted { operation: "join" })),
                Phase::Finished(code) => Some(Ok(Some(code))),
                Phase::Running(_) => None,
            },
        );
        ended.unwrap_or(Ok(None))
    }

    /// Whether the process has started and not yet been seen to exit (Python:
    /// `p.is_alive()`).
    pub fn is_alive(&self) -> bool {
        matches!(self.inner.state.lock().phase, Phase::Running(_))
    }

    /// The operating system's process id, once started (Python: `p.pid`).
    pub fn pid(&self) -> Option<u32> {
        self.inner.state.lock().pid
    }

    /// The exit code once the process has exited, `None` before (Python: `p.exitcode`): 0 when
    /// the target returned, 1 when it panicked, the code given to [`exit`](super::exit), and
    /// `-N` when a signal `N` ended it (-15 after [`terminate`](Process::terminate), -9 after
    /// [`kill`](Process::kill)).
    pub fn exitcode(&self) -> Option<i32> {
        match self.inner.state.lock().phase {
            Phase::Finished(code) => Some(code),
            _ => None,
        }
    }

    /// Asks the process to stop, with `SIGTERM` (Python: `p.terminate()`). Does nothing once
    /// it has exited. Its children are not stopped.
    ///
    /// # Errors
    /// [`ProcessError::NotStarted`] if the process was never started.
    pub fn terminate(&self) -> Result<(), ProcessError> {
        self.signal(sys::SIGTERM, "terminate")
    }

    /// Stops the process with `SIGKILL` (Python: `p.kill()`). Does nothing once it has exited.
    ///
    /// # Errors
    /// [`ProcessError::NotStarted`] if the process was never started.
    pub fn kill(&self) -> Result<(), ProcessError> {
        self.signal(sys::SIGKILL, "kill")
    }

    fn signal(&self, signal: sys::Signal, operation: &'static str) -> Result<(), ProcessError> {
        let state = self.inner.state.lock();
        match (&state.phase, state.pid) {
            (Phase::Created, _) => Err(ProcessError::NotStarted { operation }),
            (Phase::Running(_), Some(pid)) => Ok(sys::send_signal(pid, signal)?),
            _ => Ok(()),
        }
    }

    /// The process's name (Python: `p.name`).
    pub fn name(&self) -> String {
        self.inner.state.lock().name.clone()
    }

    /// Renames the process (Python: `p.name = ...`). After start this changes only what the
    /// parent calls it.
    pub fn set_name(&self, name: impl Into<String>) {
        self.inner.state.lock().name = name.into();
    }

    /// Whether the process is daemonic (Python: `p.daemon`).
    pub fn daemon(&self) -> bool {
        self.inner.state.lock().daemon
    }

    /// Makes the process daemonic or not (Python: `p.daemon = True`): a daemonic process is
    /// terminated when its parent exits, and may not start children.
    ///
    /// # Errors
    /// [`ProcessError::DaemonAfterStart`] once the process has started.
    pub fn set_daemon(&self, daemon: bool) -> Result<(), ProcessError> {
        let mut state = self.inner.state.lock();
        if !matches!(state.phase, Phase::Created) {
            return Err(ProcessError::DaemonAfterStart);
        }
        state.daemon = daemon;
        Ok(())
    }
}

impl PartialEq for Process {
    /// Handles are equal when they refer to the same process.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Process {}

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state.lock();
        let status = match state.phase {
            Phase::Created => "initial".to_owned(),
            Phase::Running(_) => "started".to_owned(),
            Phase::Finished(code) => format!("stopped exitcode={code}"),
        };
        f.debug_struct("Process")
            .field("name", &state.name)
            .field("pid", &state.pid)
            .field("daemon", &state.daemon)
            .field("status", &status)
            .finish()
    }
}

/// The started children that have not been seen to exit (Python: `_children`).
static CHILDREN: Mutex<Vec<Process>> = Mutex::new(Vec::new());

fn add_child(child: Process) {
    CHILDREN.lock().push(child);
}

fn remove_child(child: &Process) {
    CHILDREN.lock().retain(|known| known != child);
}

/// The children of this process that are still running, Python's
/// `multiprocessing.active_children()`. Each is a handle to the same process as the
/// [`Process`] that started it.
pub fn active_children() -> Vec<Process> {
    CHILDREN.lock().clone()
}
