//! The real-time order of a checked program's operations (a linearizability check's
//! invocations and responses): each point is a step of the checker's, so a search that
//! reorders only related steps still explores every order of a response and an invocation on
//! other threads; and a point after another, on another thread, happens after it.

use super::{raw_atomic, Mutex};

/// Points in the real-time order. Under shuttle, whose memory is sequentially consistent,
/// an invocation reads an atomic and a response writes it: two invocations touch nothing in
/// common, and the search need not order them. Under loom, whose loads may read values already
/// overwritten, the points take a mutex: an operation invoked after another returned then sees
/// everything the other did (loom's read-modify-writes on one atomic were not enough to order
/// them, in a test of the crate's `Lock`).
#[derive(Debug)]
pub(crate) struct RealTime {
    point: raw_atomic::AtomicUsize,
    order: Mutex<()>,
}

impl RealTime {
    pub(crate) fn new() -> Self {
        RealTime {
            point: raw_atomic::AtomicUsize::new(0),
            order: Mutex::new(()),
        }
    }

    /// Runs `at`, the taking of an invocation's place in the order.
    pub(crate) fn invocation<R>(&self, at: impl FnOnce() -> R) -> R {
        if cfg!(loom) {
            let _order = self.order.lock();
            return at();
        }
        self.point.load(raw_atomic::Ordering::SeqCst);
        at()
    }

    /// Runs `at`, the taking of a response's place in the order.
    pub(crate) fn response<R>(&self, at: impl FnOnce() -> R) -> R {
        if cfg!(loom) {
            let _order = self.order.lock();
            return at();
        }
        self.point.store(0, raw_atomic::Ordering::SeqCst);
        at()
    }
}
