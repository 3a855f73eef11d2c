//! What a process knows of itself: its name and place in the tree, its parent.

use crate::sync::Mutex;
// A count of this process's children, bookkeeping of the real process only.
use std::sync::atomic::{AtomicUsize, Ordering};

/// This process, as [`init`](super::init) described it.
pub(super) struct Me {
    pub(super) name: String,
    /// `[]` in the main process; a child's is its parent's plus its own number.
    pub(super) identity: Vec<usize>,
    pub(super) daemon: bool,
    pub(super) parent: Option<ParentProcess>,
    /// The names of the registered entry points.
    pub(super) entries: Vec<String>,
}

/// `None` until [`init`](super::init) runs.
static ME: Mutex<Option<Me>> = Mutex::new(None);

/// How many `Process` values this process has made (Python: `_process_counter`).
static MADE: AtomicUsize = AtomicUsize::new(0);

pub(super) fn set(me: Me) {
    *ME.lock() = Some(me);
}

/// Reads this process's description; `None` if [`init`](super::init) was not called.
pub(super) fn with<R>(read: impl FnOnce(Option<&Me>) -> R) -> R {
    read(ME.lock().as_ref())
}

/// The identity of the next process made here: this process's, plus the next number.
pub(super) fn next_identity() -> Vec<usize> {
    let number = MADE.fetch_add(1, Ordering::Relaxed) + 1;
    let mut identity = with(|me| me.map(|me| me.identity.clone()).unwrap_or_default());
    identity.push(number);
    identity
}

/// Whether a new process is a daemon when not told (Python: inherited from `_config`).
pub(super) fn daemonic() -> bool {
    with(|me| me.is_some_and(|me| me.daemon))
}

/// The running process, Python's `multiprocessing.current_process()`.
///
/// In the main process its name is `MainProcess`; in a child it is the name its
/// [`Process`](super::Process) had when it started.
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::process::current_process;
///
/// let me = current_process();                // me = current_process()
/// assert_eq!(me.name(), "MainProcess");      // me.name
/// assert_eq!(me.pid(), std::process::id());  // me.pid
/// assert!(!me.daemon());                     // me.daemon
/// # }
/// ```
pub fn current_process() -> CurrentProcess {
    with(|me| CurrentProcess {
        name: me.map_or_else(|| "MainProcess".to_owned(), |me| me.name.clone()),
        pid: std::process::id(),
        daemon: me.is_some_and(|me| me.daemon),
    })
}

/// The process that started this one, or `None` in the main process
/// (Python: `multiprocessing.parent_process()`).
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::process::parent_process;
///
/// assert!(parent_process().is_none());       // parent_process() is None
/// # }
/// ```
pub fn parent_process() -> Option<ParentProcess> {
    with(|me| me.and_then(|me| me.parent.clone()))
}

/// What [`current_process`] tells: this process's name, pid, and whether it is daemonic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentProcess {
    name: String,
    pid: u32,
    daemon: bool,
}

impl CurrentProcess {
    /// The process's name: `MainProcess`, or its [`Process`](super::Process)'s (Python:
    /// `.name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The operating system's process id (Python: `.pid`, `os.getpid()`).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Whether this process is daemonic; a daemonic process may not start children
    /// (Python: `.daemon`).
    pub fn daemon(&self) -> bool {
        self.daemon
    }
}

/// What [`parent_process`] tells: the parent's name and pid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParentProcess {
    name: String,
    pid: u32,
}

impl ParentProcess {
    pub(super) fn new(name: String, pid: u32) -> Self {
        Self { name, pid }
    }

    /// The parent's name when it started this process (Python: `.name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parent's process id (Python: `.pid`; `os.getppid()` while the parent lives).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Whether the parent is still running (Python: `.is_alive()`): an orphan is handed to
    /// another parent, so this is whether our operating-system parent is still `pid`.
    pub fn is_alive(&self) -> bool {
        std::os::unix::process::parent_id() == self.pid
    }
}
