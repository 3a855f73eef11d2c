//! Threads, the same in every configuration: `std::thread`'s on real threads, the checker's
//! simulated ones under loom and shuttle (which the trace names and the virtual clock counts).
//!
//! Each type wraps its backend's and offers what all three have, with one signature, so a
//! program written against this module compiles in every configuration. (The backends differ:
//! std's `Builder` has `stack_size` and `spawn_scoped`, its `JoinHandle` has `is_finished`,
//! and the checkers have neither.)
//!
//! ```
//! use threadproof::check::{Check, Verdict};
//! use threadproof::sync::thread;
//!
//! // Runs on real threads, and is explored by loom or shuttle in a checker build.
//! Check::new()
//!     .run_claim(
//!         || {
//!             let worker = thread::Builder::new()
//!                 .name("worker".to_owned())
//!                 .spawn(|| thread::current().name().map(str::to_owned))
//!                 .unwrap();
//!             assert_eq!(worker.thread().name(), Some("worker"));
//!             worker.join().unwrap().unwrap_or_default()
//!         },
//!         |name| name == "worker",
//!     )
//!     .expect(Verdict::Holds);
//! ```

use std::fmt;
use std::io;
use std::time::Duration;

use super::backend::thread as backend;

pub(crate) use backend::token;

/// Spawns a thread and returns its handle (Python: `threading.Thread(target=f).start()`).
///
/// # Panics
///
/// If the operating system (or the checker) refuses to start a thread, as `std::thread::spawn`
/// does; [`Builder::spawn`] returns that error instead.
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Builder::new().spawn(f).expect("failed to spawn thread")
}

/// The calling thread.
pub fn current() -> Thread {
    Thread(backend::current())
}

/// Lets other threads run; under a checker, a point where it may switch threads.
pub fn yield_now() {
    backend::yield_now();
}

/// Sleeps for `duration` (Python: `time.sleep`). Under a checker, time is as
/// [`Timing`](crate::check::Timing) says: a sleep takes none under any timing, and exactly
/// `duration` of the virtual clock under virtual timing.
pub fn sleep(duration: Duration) {
    backend::sleep(duration);
}

/// Configures a thread before it starts: its name (Python: `Thread(name=...)`).
#[derive(Debug, Default)]
pub struct Builder {
    name: Option<String>,
}

impl Builder {
    /// A builder for an unnamed thread (the trace calls it `Thread-N`, as Python does).
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the thread.
    #[must_use]
    pub fn name(mut self, name: String) -> Self {
        self.name = Some(name);
        self
    }

    /// Starts the thread.
    ///
    /// # Errors
    ///
    /// The operating system's error if it cannot start a thread.
    pub fn spawn<F, T>(self, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let inner = backend::spawn_named(self.name, f)?;
        let thread = Thread(inner.thread().clone());
        Ok(JoinHandle { inner, thread })
    }
}

/// A handle to join a thread (Python: `t.join()`).
pub struct JoinHandle<T> {
    inner: backend::JoinHandle<T>,
    thread: Thread,
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish, and returns what it returned, or the payload of its
    /// panic.
    ///
    /// # Errors
    ///
    /// The panic's payload if the thread panicked. (Under a checker a panic in any thread
    /// ends the execution as a violation, so there `join` returns `Ok`.)
    pub fn join(self) -> std::thread::Result<T> {
        self.inner.join()
    }

    /// The thread.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("thread", &self.thread)
            .finish_non_exhaustive()
    }
}

/// A thread: its name and identity.
#[derive(Clone)]
pub struct Thread(backend::Thread);

impl Thread {
    /// The thread's name, if it was given one.
    pub fn name(&self) -> Option<&str> {
        self.0.name()
    }

    /// The thread's identity.
    pub fn id(&self) -> ThreadId {
        ThreadId(self.0.id())
    }
}

impl fmt::Debug for Thread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// A thread's identity, unique among the threads of the process (or of the execution, under a
/// checker).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThreadId(backend::ThreadId);

impl fmt::Debug for ThreadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Check, Verdict};

    /// A named thread's name and identity are the same seen from its handle and from inside
    /// it, and differ from the spawner's; an unnamed thread has no name.
    #[test]
    fn a_thread_sees_its_own_name_and_identity() {
        Check::new()
            .run(|| {
                let named = Builder::new()
                    .name("named".to_owned())
                    .spawn(|| (current().name().map(str::to_owned), current().id()))
                    .unwrap();
                let unnamed = spawn(|| current().name().is_none());
                let id = named.thread().id();
                assert_eq!(named.thread().name(), Some("named"));
                assert!(format!("{named:?}").contains("named"), "{named:?}");
                let (inside_name, inside_id) = named.join().unwrap();
                assert_eq!(inside_name.as_deref(), Some("named"));
                assert_eq!(id, inside_id);
                assert_ne!(id, current().id());
                assert!(unnamed.join().unwrap());
            })
            .expect(Verdict::Holds);
    }

    /// A panic in the thread comes back from `join` as an error, on real threads. (Under a
    /// checker a panic in any thread ends the execution as a violation: see `check`.)
    #[cfg(not(any(loom, shuttle)))]
    #[test]
    fn join_returns_a_panic_as_an_error() {
        let handle = spawn(|| panic!("boom"));
        let payload = handle.join().unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    }
}
