//! `from multiprocessing import Process`: child processes that run a function of this program,
//! with CPython's "spawn" start method.
//!
//! | Python (`multiprocessing`)                | threadproof                                  |
//! |-------------------------------------------|----------------------------------------------|
//! | `if __name__ == '__main__':`              | `let _main = process::init(entry_points);`   |
//! | `Process(target=f, args=(x,))`            | [`Process::new`]`(F, x)` with `F: Entry<_>`  |
//! | `Process(target=f, name='w', daemon=True)`| [`Builder`]`::new().name("w").daemon(true)`  |
//! | `class MyProcess(Process): def run(self)` | `impl` [`Run`] `for MyProcess`, [`Process::custom`] |
//! | `p.start()`, `p.join()`, `p.join(t)`      | [`start`](Process::start), [`join`](Process::join), [`join_timeout`](Process::join_timeout) |
//! | `p.is_alive()`, `p.pid`, `p.exitcode`     | [`is_alive`](Process::is_alive), [`pid`](Process::pid), [`exitcode`](Process::exitcode) |
//! | `p.terminate()`, `p.kill()`               | [`terminate`](Process::terminate), [`kill`](Process::kill) |
//! | `p.name`, `p.daemon = True`               | [`name`](Process::name), [`set_daemon`](Process::set_daemon) |
//! | `current_process()`, `parent_process()`   | [`current_process`], [`parent_process`]      |
//! | `active_children()`                       | [`active_children`]                          |
//! | `sys.exit(code)` in a child               | [`exit`]`(code)`                             |
//!
//! # How a child starts
//!
//! As with CPython's "spawn", a child is a fresh run of the same program, not a fork:
//!
//! 1. The program lists its entry points, the target functions ([`Entry`]) and [`Run`] types
//!    its processes may run, and passes them to [`init`] first thing in `main`.
//! 2. [`Process::start`] runs [`std::env::current_exe`] again with the arguments
//!    `--threadproof-process <entry point> <process name>`, and writes one JSON document to the
//!    child's standard input: the serialized argument (serde), the child's place in the
//!    process tree (for names like `Process-1:1`), whether it is daemonic, and the parent's
//!    pid and name. Then it closes the pipe, so the child's standard input is at end of file,
//!    as in CPython. Standard output and error are inherited.
//! 3. In the child, [`init`] sees the marker argument, reads the JSON, runs the entry point,
//!    and exits: code 0 when it returns, 1 when it panics (the panic message on standard error,
//!    under a `Process <name>:` line), or the code given to [`exit`]. It never returns to the
//!    rest of `main`.
//!
//! A program that starts a process without having called [`init`] gets
//! [`ProcessError::NotInitialized`]; so does a child whose `main` skips it, which keeps a
//! mistaken program from starting itself again and again.
//!
//! When `main` ends, the guard returned by [`init`] terminates the daemonic children and joins
//! the others. On Linux a daemonic child also asks the kernel to kill it when its parent dies
//! (`PR_SET_PDEATHSIG`), so it does not outlive a parent that is killed either; children are
//! forked from one long-lived thread, because the kernel ties that request to the forking
//! thread. Each started child has a watcher thread that waits for its exit without reaping it
//! (`waitid(WNOWAIT)`), then reaps it under the process's lock: a pid is only signalled while
//! it still names the child.
//!
//! Processes exist only in real-thread builds (not under `--cfg loom` or `--cfg shuttle`), on
//! Unix, with the default feature `process` (which brings serde, serde_json and nix).
//!
//! # How it is built
//!
//! One file per job, each using only the files listed under it, so none uses another that uses
//! it back:
//!
//! - `init`: [`init`] and [`exit`], the child's side of a start (uses `entry`, `launch`,
//!   `handle`, `current`, `sys`)
//! - `handle`: [`Process`], [`Builder`], and the registry of running children behind
//!   [`active_children`] (uses `entry`, `launch`, `current`, `error`, `sys`)
//! - `entry`: the entry points, [`Entry`], [`Run`], [`EntryPoints`] (uses `launch`)
//! - `launch`: the launch protocol, the child's command line and the JSON it reads
//! - `current`: what this process knows of itself, [`current_process`], [`parent_process`]
//! - `error`: [`ProcessError`]
//! - `sys`: what is asked of the operating system (signals, waiting, the forking thread)
//!
//! The last four use no other file of this module.
//!
//! # Example
//!
//! The tutorial's parent/child snippet (`examples/process_pid.rs` is the full program):
//!
//! ```
//! # threadproof::real_threads_only! {
//! use threadproof::process::{self, parent_process, Entry, EntryPoints, Process};
//!
//! fn info(title: String) {                                   // def info(title):
//!     println!("{title} : {}", std::process::id());         //     print(f'{title} : {os.getpid()}')
//!     if let Some(parent) = parent_process() {
//!         assert_eq!(parent.name(), "MainProcess");
//!     }
//! }
//! const INFO: Entry<String> = Entry::new("info", info);
//!
//! fn main() {
//!     let _main = process::init(EntryPoints::new().target(INFO)); // if __name__ == '__main__':
//!     info("main".to_owned());                               //     info('主进程')
//!     let process = Process::new(INFO, "child".to_owned());  //     process = Process(target=info, args=('子进程',))
//!     process.start().unwrap();                              //     process.start()
//! }                                                          // (joined at exit)
//! # }
//! ```

mod current;
mod entry;
mod error;
mod handle;
mod init;
mod launch;
mod sys;

pub use current::{current_process, parent_process, CurrentProcess, ParentProcess};
pub use entry::{Entry, EntryPoints, Run};
pub use error::ProcessError;
pub use handle::{active_children, Builder, Process};
pub use init::{exit, init, InitGuard};
