//! The checker's threads, with what the virtual clock and the trace need to know of them: when
//! a thread starts, finishes, sleeps and joins.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use super::clock::{self, Exit};
use super::slot::{Ending, Slot};
use super::{
    access, operation, operation_blocking, operation_touching_everything, record, rt, Kind,
};

pub use rt::thread::{current, Thread, ThreadId};

/// Lets the checker run another thread first, if one can run.
pub fn yield_now() {
    operation_touching_everything(rt::thread::yield_now);
}

/// Starts a thread of the model, named `name` if given.
pub fn spawn_named<F, T>(name: Option<String>, f: F) -> std::io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (traced, object) = record::spawning(token(), name.as_deref());
    let mut builder = rt::thread::Builder::new();
    if let Some(name) = name {
        builder = builder.name(name);
    }
    let exit = Arc::new(Exit::default());
    let finished = Arc::clone(&exit);
    clock::thread_woken();
    let inner = operation(&[], || {
        builder.spawn(move || {
            /// Tells the clock and the trace the thread finished, however it finishes.
            struct Finish(Arc<Exit>);
            impl Drop for Finish {
                fn drop(&mut self) {
                    // A thread that finishes by panicking is left as it was: it did not finish its
                    // work, and a checker may be unwinding it after its execution is gone.
                    if !std::thread::panicking() {
                        record::finished(token());
                    }
                    self.0.finish();
                    access::touch(self.0.object, access::Kind::Write);
                    access::ending();
                }
            }
            record::started(token(), traced, object);
            let _finish = Finish(finished);
            f()
        })
    })?;
    Ok(JoinHandle {
        inner,
        exit,
        object,
    })
}

/// A handle to join a thread of the model; see `std::thread::JoinHandle`.
pub struct JoinHandle<T> {
    inner: rt::thread::JoinHandle<T>,
    exit: Arc<Exit>,
    /// The thread in the trace.
    object: record::Id,
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish, and returns its result.
    pub fn join(self) -> std::thread::Result<T> {
        /// The trace's record of the wait, ended however the join ends.
        struct Joining;
        impl Drop for Joining {
            fn drop(&mut self) {
                if !std::thread::panicking() {
                    record::unblocked(token());
                }
            }
        }
        record::joining(token(), self.object);
        let _joining = Joining;
        self.exit.join();
        // The join goes on once the thread has ended; its end is its last step, which touches
        // its `exit` (see `access::ending`).
        let exit = Arc::clone(&self.exit);
        operation_blocking(
            &[(self.exit.object, Kind::Read)],
            Rc::new(move || exit.finished()),
            || self.inner.join(),
        )
    }

    /// The thread.
    pub fn thread(&self) -> &Thread {
        self.inner.thread()
    }
}

/// A sleep, as [`Timing`](crate::check::Timing) says: none under any timing, and under
/// virtual timing until the clock has moved on by `duration` (a zero sleep returns at once).
pub fn sleep(duration: Duration) {
    let Some(now) = clock::virtual_now() else {
        return;
    };
    if duration.is_zero() {
        return;
    }
    let Some(at) = now.checked_add(duration) else {
        // Longer than the clock can count: a sleep nothing ends.
        clock::thread_idle();
        loop {
            operation(&[], rt::thread::park);
        }
    };
    // Only the clock ends a sleep, so its slot needs no mutex of its own to order enders;
    // shuttle's sleeper waits on one all the same.
    let slot = Arc::new(Slot::new(cfg!(shuttle)));
    clock::schedule(at, Arc::clone(&slot) as _);
    clock::thread_idle();
    slot.sleep_alone();
    debug_assert_eq!(slot.ending(), Ending::TimedOut);
}

/// A number that identifies the calling thread among the live threads of this execution; never
/// 0.
#[cfg(loom)]
pub fn token() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    rt::thread_local! {
        static TOKEN: usize = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    TOKEN.with(|token| *token)
}

/// A number that identifies the calling thread among the live threads of this execution; never
/// 0.
#[cfg(shuttle)]
pub fn token() -> usize {
    usize::from(rt::thread::current().id()) + 1
}
