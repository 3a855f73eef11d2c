//! What every condition of this module is made of: the queue of waiting threads, in the order
//! they began to wait, and the steps of taking the lock, waiting and notifying, with what each
//! records in the checker-build trace.

use std::collections::VecDeque;

use crate::sync::Operation;
use crate::sync::{wait_for, Blocking, Condvar, Deadline, Mutex, MutexGuard};
use crate::trace;

/// Which condition a waiter waits on, among the conditions that share one lock: a
/// [`Condition`](crate::Condition)'s own is [`OWN`], a [`Condvar`](crate::Condvar)'s is a
/// number no other condition variable has.
pub(super) type Key = u64;

/// The key of a [`Condition`](crate::Condition)'s one condition.
pub(super) const OWN: Key = 0;

/// A lock's data and its waiters: what a [`Condition`](crate::Condition) or a
/// [`Mutex`](crate::Mutex) keeps under the facade's mutex.
pub(super) struct State<T> {
    pub(super) data: T,
    pub(super) queue: Tickets,
}

impl<T> State<T> {
    pub(super) fn new(data: T) -> Self {
        Self {
            data,
            queue: Tickets::new(),
        }
    }
}

/// One waiting thread: its ticket, and the condition it waits on.
struct Waiter {
    ticket: u64,
    condition: Key,
}

/// The waiters of every condition on one lock, in the order they started waiting, by ticket.
/// Tickets only grow, so the queue is sorted: a waiter finds its own by binary search.
pub(super) struct Tickets {
    next: u64,
    waiting: VecDeque<Waiter>,
}

impl Tickets {
    pub(super) fn new() -> Self {
        Self {
            next: 0,
            waiting: VecDeque::new(),
        }
    }

    /// A waiter on `condition` joins the end of the queue; returns its ticket.
    pub(super) fn enqueue(&mut self, condition: Key) -> u64 {
        let ticket = self.next;
        self.next += 1;
        self.waiting.push_back(Waiter { ticket, condition });
        ticket
    }

    fn find(&self, ticket: u64) -> Result<usize, usize> {
        self.waiting
            .binary_search_by_key(&ticket, |waiter| waiter.ticket)
    }

    pub(super) fn is_waiting(&self, ticket: u64) -> bool {
        self.find(ticket).is_ok()
    }

    /// Removes a waiter that gives up.
    pub(super) fn cancel(&mut self, ticket: u64) {
        if let Ok(at) = self.find(ticket) {
            self.waiting.remove(at);
        }
    }

    /// Takes up to `n` of `condition`'s waiters off the queue, those that have waited longest
    /// first, and leaves every other condition's; returns how many it took.
    pub(super) fn wake(&mut self, condition: Key, n: usize) -> usize {
        let mut woken = 0;
        let mut at = 0;
        while woken < n && at < self.waiting.len() {
            if self.waiting[at].condition == condition {
                self.waiting.remove(at);
                woken += 1;
            } else {
                at += 1;
            }
        }
        woken
    }

    /// How many threads wait on `condition`.
    pub(super) fn count(&self, condition: Key) -> usize {
        self.waiting
            .iter()
            .filter(|waiter| waiter.condition == condition)
            .count()
    }

    /// How many threads wait, on any condition.
    pub(super) fn len(&self) -> usize {
        self.waiting.len()
    }
}

/// Takes `state`'s mutex, the lock called `lock` in the trace (Python: `lock.acquire()`),
/// recording a wait first if another thread holds it.
pub(super) fn lock<S>(state: &Mutex<S>, lock: trace::Id) -> MutexGuard<'_, S> {
    let _operation = Operation::begin();
    let guard = match state.try_lock() {
        Some(guard) => guard,
        None => {
            trace::blocking(lock, "acquire");
            state.lock()
        }
    };
    trace::acquired(lock, "acquire");
    guard
}

/// Takes `state`'s mutex if it is free now (Python: `lock.acquire(blocking=False)`).
pub(super) fn try_lock<S>(state: &Mutex<S>, lock: trace::Id) -> Option<MutexGuard<'_, S>> {
    let _operation = Operation::begin();
    let guard = state.try_lock()?;
    trace::acquired(lock, "acquire");
    Some(guard)
}

/// Releases a guard of the lock called `lock` in the trace, from a guard's destructor.
pub(super) fn release<S>(guard: MutexGuard<'_, S>, lock: trace::Id) {
    let _operation = Operation::begin();
    crate::sync::release_in_drop(move || {
        trace::released(lock, "release");
        drop(guard);
    });
}

/// Waits on `condvar` until the waiter with `ticket` has been notified (taken off `queue`'s
/// tickets), or until `deadline`; a waiter that gives up leaves the queue, so that a later
/// notify goes to a thread still waiting. Returns the guard and whether it was notified.
pub(super) fn wait_for_ticket<'a, S>(
    condvar: &Condvar,
    guard: MutexGuard<'a, S>,
    queue: fn(&mut S) -> &mut Tickets,
    ticket: u64,
    blocking: Blocking,
    deadline: &mut Deadline,
) -> (MutexGuard<'a, S>, bool) {
    let (mut guard, notified) = wait_for(condvar, guard, deadline, blocking, None, |state| {
        (!queue(state).is_waiting(ticket)).then_some(())
    });
    if notified.is_none() {
        queue(&mut guard).cancel(ticket);
    }
    (guard, notified.is_some())
}

/// The wait of a condition whose lock is `state`'s mutex, called `lock` in the trace: joins
/// the queue of `condition`, lets go of the lock, waits on `condvar` until notified or until
/// `deadline`, and takes the lock back. Returns whether it was notified. A deadline that has
/// passed already returns false at once, holding the lock throughout.
pub(super) fn wait<T>(
    slot: &mut Option<MutexGuard<'_, State<T>>>,
    condvar: &Condvar,
    condition: Key,
    lock: trace::Id,
    blocking: Blocking,
    deadline: &mut Deadline,
) -> bool {
    let _operation = Operation::begin();
    if deadline.passed() {
        return false;
    }
    let mut guard = slot.take().expect(HELD);
    let ticket = guard.queue.enqueue(condition);
    trace::released(lock, "release");
    let (guard, notified) = wait_for_ticket(
        condvar,
        guard,
        |state| &mut state.queue,
        ticket,
        blocking,
        deadline,
    );
    trace::acquired(lock, "reacquire");
    *slot = Some(guard);
    notified
}

/// Wakes at most `n` of `condition`'s waiters in `queue` (those that have waited longest
/// first), recording the notify on `traced` in the trace.
pub(super) fn notify(
    queue: &mut Tickets,
    condvar: &Condvar,
    condition: Key,
    n: usize,
    traced: trace::Id,
) {
    let _operation = Operation::begin();
    let woken = queue.wake(condition, n);
    trace::step_on(traced, "notify", format_args!("(woke {woken})"));
    if woken > 0 {
        condvar.notify_all();
    }
}

/// What a guard's `expect` says: it holds its lock except inside a wait.
pub(super) const HELD: &str = "a guard holds its lock except inside a wait";
