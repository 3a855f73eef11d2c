//! The workloads the benchmarks time, shared by the criterion benches (`locks`, `queue`) and
//! the interleaved comparison (`compare`): threads contending on a lock, and messages handed
//! from producer to consumer threads through a queue or one of its peers.

#![allow(dead_code, reason = "each bench uses the workloads it times")]

use std::collections::VecDeque;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use threadproof::queue::Queue;

/// `threads` threads each run `iters / threads` rounds of `round` from a common start; the time
/// from that start to the last thread's end.
pub fn contend<S: Send + Sync + 'static>(
    iters: u64,
    threads: u64,
    shared: Arc<S>,
    round: fn(&S),
) -> Duration {
    let per_thread = iters.div_ceil(threads);
    let start = Arc::new(Barrier::new(threads as usize + 1));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (shared, start) = (shared.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                for _ in 0..per_thread {
                    round(&shared);
                }
            })
        })
        .collect();
    start.wait();
    let began = Instant::now();
    for h in handles {
        h.join().unwrap();
    }
    began.elapsed()
}

/// One end-to-end channel under test: cloned into every producer and consumer thread.
pub trait Channel: Clone + Send + 'static {
    fn send(&self, n: u64);
    fn recv(&self) -> u64;
    /// Receives `n` messages.
    fn recv_n(&self, n: u64) {
        for _ in 0..n {
            std::hint::black_box(self.recv());
        }
    }
}

/// Our queue.
#[derive(Clone)]
pub struct Ours(pub Arc<Queue<u64>>);

impl Ours {
    /// A queue of at most `cap` items (0: unbounded).
    pub fn new(cap: usize) -> Self {
        Self(Arc::new(Queue::new(cap)))
    }
}

impl Channel for Ours {
    fn send(&self, n: u64) {
        self.0.put(n).unwrap();
    }
    fn recv(&self) -> u64 {
        self.0.get().unwrap()
    }
}

/// crossbeam-channel, bounded or unbounded.
#[derive(Clone)]
pub struct Crossbeam(
    crossbeam_channel::Sender<u64>,
    crossbeam_channel::Receiver<u64>,
);

impl Crossbeam {
    /// A channel of at most `cap` messages (0: unbounded).
    pub fn new(cap: usize) -> Self {
        let (s, r) = if cap > 0 {
            crossbeam_channel::bounded(cap)
        } else {
            crossbeam_channel::unbounded()
        };
        Self(s, r)
    }
}

impl Channel for Crossbeam {
    fn send(&self, n: u64) {
        self.0.send(n).unwrap();
    }
    fn recv(&self) -> u64 {
        self.1.recv().unwrap()
    }
}

/// std's receiver cannot be shared, so several consumers take turns through a mutex, one
/// message at a time; a lone consumer (`.2`) takes the mutex once, and pays no lock per message.
#[derive(Clone)]
pub struct StdSync(
    std::sync::mpsc::SyncSender<u64>,
    Arc<std::sync::Mutex<std::sync::mpsc::Receiver<u64>>>,
    bool,
);

impl StdSync {
    /// A `sync_channel(cap)` for `consumers` consumer threads.
    pub fn new(cap: usize, consumers: u64) -> Self {
        let (s, r) = std::sync::mpsc::sync_channel(cap);
        Self(s, Arc::new(std::sync::Mutex::new(r)), consumers == 1)
    }
}

impl Channel for StdSync {
    fn send(&self, n: u64) {
        self.0.send(n).unwrap();
    }
    fn recv(&self) -> u64 {
        self.1.lock().unwrap().recv().unwrap()
    }
    fn recv_n(&self, n: u64) {
        if !self.2 {
            for _ in 0..n {
                std::hint::black_box(self.recv());
            }
            return;
        }
        let receiver = self.1.lock().unwrap();
        for _ in 0..n {
            std::hint::black_box(receiver.recv().unwrap());
        }
    }
}

/// `Mutex<VecDeque>` and two parking_lot condition variables, notifying on every put and get
/// (what a queue without waiter counts does).
#[derive(Clone)]
pub struct Naive(Arc<NaiveInner>);

pub struct NaiveInner {
    items: parking_lot::Mutex<VecDeque<u64>>,
    not_empty: parking_lot::Condvar,
    not_full: parking_lot::Condvar,
    cap: usize,
}

impl Naive {
    /// A queue of at most `cap` items (0: unbounded).
    pub fn new(cap: usize) -> Self {
        Self(Arc::new(NaiveInner {
            items: parking_lot::Mutex::new(VecDeque::new()),
            not_empty: parking_lot::Condvar::new(),
            not_full: parking_lot::Condvar::new(),
            cap,
        }))
    }
}

impl Channel for Naive {
    fn send(&self, n: u64) {
        let mut items = self.0.items.lock();
        while self.0.cap > 0 && items.len() >= self.0.cap {
            self.0.not_full.wait(&mut items);
        }
        items.push_back(n);
        self.0.not_empty.notify_one();
    }
    fn recv(&self) -> u64 {
        let mut items = self.0.items.lock();
        loop {
            if let Some(n) = items.pop_front() {
                self.0.not_full.notify_one();
                return n;
            }
            self.0.not_empty.wait(&mut items);
        }
    }
}

/// Moves `total` messages from `producers` threads to `consumers` threads; returns the time
/// from a common start to the last thread's end.
pub fn transfer<C: Channel>(chan: &C, producers: u64, consumers: u64, total: u64) -> Duration {
    let start = Arc::new(Barrier::new((producers + consumers + 1) as usize));
    let share = |count: u64, i: u64| total / count + u64::from(i < total % count);
    let mut handles = Vec::new();
    for p in 0..producers {
        let (chan, start, n) = (chan.clone(), Arc::clone(&start), share(producers, p));
        handles.push(thread::spawn(move || {
            start.wait();
            for i in 0..n {
                chan.send(i);
            }
        }));
    }
    for c in 0..consumers {
        let (chan, start, n) = (chan.clone(), Arc::clone(&start), share(consumers, c));
        handles.push(thread::spawn(move || {
            start.wait();
            chan.recv_n(n);
        }));
    }
    start.wait();
    let begun = Instant::now();
    for h in handles {
        h.join().unwrap();
    }
    begun.elapsed()
}
