//! How a queue keeps its items: CPython's `_init`, `_qsize`, `_put` and `_get` hooks, as a
//! trait with one implementation per queue kind.

use std::collections::VecDeque;
use std::fmt;

/// The item store behind a [`GenericQueue`](super::GenericQueue): which item a get returns.
///
/// This is CPython's set of hooks a `Queue` subclass overrides (`_init`, `_qsize`, `_put`,
/// `_get`). The queue calls them with its mutex held, and does all the blocking, counting and
/// waking itself.
///
/// A method may panic (a user's `Ord` may). The queue then counts what the store holds
/// afterwards, so an implementation keeps every item it was given until [`pop`](Storage::pop)
/// hands it out: a panicking `push` either stores the item or does not take it at all, and a
/// panicking `pop` keeps the item.
pub trait Storage<T> {
    /// The Python class name this store gives a queue (`Queue`, `LifoQueue`...), used by
    /// `Debug` and the checker-build trace.
    const NAME: &'static str;

    /// An empty store for a queue of capacity `maxsize` (0: unbounded). Python: `_init`.
    fn new(maxsize: usize) -> Self;

    /// How many items it holds. Python: `_qsize`. Must not panic.
    fn len(&self) -> usize;

    /// True if it holds no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores `item`. Python: `_put`.
    fn push(&mut self, item: T);

    /// Removes and returns the next item, `None` if there is none. Python: `_get`.
    fn pop(&mut self) -> Option<T>;

    /// Removes every item, in any order (`shutdown(immediate=True)` discards them).
    /// Should not panic: the built-in stores never compare items here.
    fn take_all(&mut self) -> Vec<T> {
        std::iter::from_fn(|| self.pop()).collect()
    }
}

/// First in, first out: Python's `queue.Queue` (a `deque`).
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out: Python's `queue.LifoQueue` (a list used as a stack).
pub struct Lifo<T>(Vec<T>);

/// Smallest first: Python's `queue.PriorityQueue` (a list kept as a heap by `heapq`).
///
/// It is `heapq`'s algorithm, step for step (only `<` is used, as Python does), so items that
/// compare equal but differ come out in the same order as in CPython. Ties between tuples fall
/// to the next field, by `Ord`, as Python's tuple comparison does.
///
/// Items move only by swaps, so an `Ord` that panics half-way through leaves every item in
/// the store; the heap is rebuilt before the next push or pop.
pub struct Priority<T> {
    heap: Vec<T>,
    /// A sift was interrupted by a panic: the heap order may be broken and is rebuilt before
    /// it is used again.
    dirty: bool,
}

impl<T> Storage<T> for Fifo<T> {
    const NAME: &'static str = "Queue";

    fn new(_maxsize: usize) -> Self {
        Self(VecDeque::new())
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }

    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }

    fn take_all(&mut self) -> Vec<T> {
        std::mem::take(&mut self.0).into()
    }
}

impl<T> Storage<T> for Lifo<T> {
    const NAME: &'static str = "LifoQueue";

    fn new(_maxsize: usize) -> Self {
        Self(Vec::new())
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn push(&mut self, item: T) {
        self.0.push(item);
    }

    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }

    fn take_all(&mut self) -> Vec<T> {
        std::mem::take(&mut self.0)
    }
}

impl<T: Ord> Storage<T> for Priority<T> {
    const NAME: &'static str = "PriorityQueue";

    fn new(_maxsize: usize) -> Self {
        Self {
            heap: Vec::new(),
            dirty: false,
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.heap.len()
    }

    /// `heapq.heappush`.
    fn push(&mut self, item: T) {
        // Stored first, so that a panicking comparison cannot lose it.
        self.heap.push(item);
        if self.dirty {
            self.repair();
        } else {
            let last = self.heap.len() - 1;
            self.dirty = true;
            sift_toward_root(&mut self.heap, 0, last);
            self.dirty = false;
        }
    }

    /// `heapq.heappop`. The smallest item stays in the vector until the heap is whole again.
    fn pop(&mut self) -> Option<T> {
        self.repair();
        let last = self.heap.len().checked_sub(1)?;
        if last > 0 {
            self.heap.swap(0, last);
            self.dirty = true;
            sift_to_leaf(&mut self.heap[..last], 0);
            self.dirty = false;
        }
        self.heap.pop()
    }

    fn take_all(&mut self) -> Vec<T> {
        self.dirty = false;
        std::mem::take(&mut self.heap)
    }
}

impl<T: Ord> Priority<T> {
    /// `heapq.heapify`, after a panic interrupted a sift.
    fn repair(&mut self) {
        if self.dirty {
            for pos in (0..self.heap.len() / 2).rev() {
                sift_to_leaf(&mut self.heap, pos);
            }
            self.dirty = false;
        }
    }
}

/// `heapq._siftdown`: moves the item at `pos` up toward `start` while it is smaller than its
/// parent.
fn sift_toward_root<T: Ord>(heap: &mut [T], start: usize, mut pos: usize) {
    while pos > start {
        let parent = (pos - 1) >> 1;
        if heap[pos] < heap[parent] {
            heap.swap(pos, parent);
            pos = parent;
        } else {
            break;
        }
    }
}

/// `heapq._siftup`: moves the item at `pos` down to a leaf along the smaller children, then
/// back up to its place (fewer comparisons than stopping early, and CPython's exact order).
fn sift_to_leaf<T: Ord>(heap: &mut [T], mut pos: usize) {
    let start = pos;
    let end = heap.len();
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        // heapq: `if not heap[child] < heap[right]`: the right child wins ties.
        if right < end && heap[child] >= heap[right] {
            child = right;
        }
        heap.swap(pos, child);
        pos = child;
        child = 2 * pos + 1;
    }
    sift_toward_root(heap, start, pos);
}

impl<T> fmt::Debug for Fifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fifo").field("len", &self.0.len()).finish()
    }
}

impl<T> fmt::Debug for Lifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifo").field("len", &self.0.len()).finish()
    }
}

impl<T> fmt::Debug for Priority<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Priority")
            .field("len", &self.heap.len())
            .finish()
    }
}
