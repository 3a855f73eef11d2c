//! What `process` asks of the operating system beyond `std::process`: signals, waiting for a
//! child's exit without reaping it, the parent-death signal, and the thread that forks.
//!
//! Everything here is safe: `std` where it suffices, the `nix` crate's wrappers otherwise.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus};

use nix::sys::signal;
pub(super) use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::queue::Queue;
use crate::sync::{thread, Arc, Mutex};

/// The signal [`Process::terminate`](super::Process::terminate) sends.
pub(super) const SIGTERM: Signal = Signal::SIGTERM;
/// The signal [`Process::kill`](super::Process::kill) sends.
pub(super) const SIGKILL: Signal = Signal::SIGKILL;

/// Sends `sig` to the child `pid`. The caller guarantees the child has not been reaped, so the
/// pid still names it (at worst as a zombie, which ignores the signal).
pub(super) fn send_signal(pid: u32, sig: Signal) -> io::Result<()> {
    let pid = Pid::from_raw(pid as i32);
    match signal::kill(pid, sig) {
        // Exited, not reaped yet: nothing left to stop.
        Ok(()) | Err(nix::errno::Errno::ESRCH) => Ok(()),
        Err(errno) => Err(io::Error::from(errno)),
    }
}

/// CPython's exit code for `status`: the code given to exit, or `-N` after signal `N`.
pub(super) fn exit_code(status: ExitStatus) -> i32 {
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(sig)) => -sig,
        // Neither exited nor signalled (stopped/continued): not a final status.
        (None, None) => -1,
    }
}

/// Blocks until the child `pid` has exited, without reaping it, and returns true; or returns
/// false at once where that is not possible (the caller then polls).
///
/// Not reaping is what makes signals safe: the pid cannot be reused until the caller reaps the
/// child, under the lock that [`send_signal`]'s callers hold.
#[cfg(target_os = "linux")]
pub(super) fn wait_exited(pid: u32) -> bool {
    use nix::sys::wait::{waitid, Id, WaitPidFlag};
    loop {
        match waitid(
            Id::Pid(Pid::from_raw(pid as i32)),
            WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT,
        ) {
            Err(nix::errno::Errno::EINTR) => continue,
            Ok(_) => return true,
            Err(_) => return false,
        }
    }
}

/// See the Linux version: elsewhere the caller polls.
#[cfg(not(target_os = "linux"))]
pub(super) fn wait_exited(_pid: u32) -> bool {
    false
}

/// In a daemonic child: asks the kernel to kill this process when its parent dies, so a
/// daemonic process never outlives a parent that was killed. Returns false if the parent
/// (`parent_pid`) is already gone, which the caller treats as its own death.
///
/// The kernel ties the request to the thread that forked this process, not to the parent
/// process: that is why every child is started by [`spawn`]'s long-lived thread.
#[cfg(target_os = "linux")]
pub(super) fn die_with_parent(parent_pid: u32) -> bool {
    // If the kernel refuses, only the parent's exit path is left to terminate this process.
    let _ = nix::sys::prctl::set_pdeathsig(SIGKILL);
    // The parent may have died between our fork and the request above; then we were already
    // handed to another parent and no signal will come.
    std::os::unix::process::parent_id() == parent_pid
}

/// Elsewhere there is no parent-death signal: only the exit path terminates daemons.
#[cfg(not(target_os = "linux"))]
pub(super) fn die_with_parent(parent_pid: u32) -> bool {
    std::os::unix::process::parent_id() == parent_pid
}

/// Ends this process as the parent-death signal would have: killed by `SIGKILL`.
pub(super) fn die() -> ! {
    let _ = signal::kill(Pid::this(), SIGKILL);
    std::process::exit(1)
}

/// Starts `command` from the spawner thread, a thread that lives as long as this process.
///
/// A daemonic child asks to be killed when the thread that forked it exits (see
/// [`die_with_parent`]); forking from a long-lived thread makes that "when the parent process
/// exits", whichever thread called `start`.
pub(super) fn spawn(command: Command) -> io::Result<Child> {
    let gone = || io::Error::other("the process spawner thread is gone");
    let reply = Arc::new(Queue::new(1));
    spawner()?
        .put((command, Arc::clone(&reply)))
        .map_err(|_| gone())?;
    reply.get().map_err(|_| gone())?
}

/// A request to the spawner thread: a command to start, and where to put the result.
type Job = (Command, Arc<Queue<io::Result<Child>>>);

/// The spawner thread's requests, once it runs.
static SPAWNER: Mutex<Option<Arc<Queue<Job>>>> = Mutex::new(None);

/// The spawner's queue; the thread is started on first use.
fn spawner() -> io::Result<Arc<Queue<Job>>> {
    let mut slot = SPAWNER.lock();
    if let Some(jobs) = &*slot {
        return Ok(Arc::clone(jobs));
    }
    let jobs: Arc<Queue<Job>> = Arc::new(Queue::new(0));
    let served = Arc::clone(&jobs);
    thread::Builder::new()
        .name("threadproof-process-spawner".to_owned())
        .spawn(move || {
            // Forks each queued command, for as long as the process runs.
            while let Ok((mut command, reply)) = served.get() {
                let _ = reply.put(command.spawn());
            }
        })?;
    *slot = Some(Arc::clone(&jobs));
    Ok(jobs)
}
