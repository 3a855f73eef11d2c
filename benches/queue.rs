//! Nanoseconds per message through a queue, against its peers in the same run:
//! crossbeam-channel, `std::sync::mpsc::sync_channel`, and a plain `Mutex<VecDeque>` with two
//! condition variables that notifies on every operation (what a queue without waiter counts
//! does).
//!
//! Each scenario moves `iters` messages from P producer threads to C consumer threads; one
//! iteration is one message, so criterion's time per iteration is the time per message.
//!
//! Run: `cargo bench --bench queue` (add `-- --quick` for a short sanity run).

use std::collections::VecDeque;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use threadproof::queue::Queue;

/// One end-to-end channel under test: cloned into every producer and consumer thread.
trait Channel: Clone + Send + 'static {
    fn send(&self, n: u64);
    fn recv(&self) -> u64;
    /// Receives `n` messages.
    fn recv_n(&self, n: u64) {
        for _ in 0..n {
            std::hint::black_box(self.recv());
        }
    }
}

impl Channel for Arc<Queue<u64>> {
    fn send(&self, n: u64) {
        self.put(n).unwrap();
    }
    fn recv(&self) -> u64 {
        self.get().unwrap()
    }
}

#[derive(Clone)]
struct Crossbeam(
    crossbeam_channel::Sender<u64>,
    crossbeam_channel::Receiver<u64>,
);

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
struct StdSync(
    std::sync::mpsc::SyncSender<u64>,
    Arc<std::sync::Mutex<std::sync::mpsc::Receiver<u64>>>,
    bool,
);

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

/// `Mutex<VecDeque>` and two parking_lot condition variables, notifying on every put and get.
#[derive(Clone)]
struct Naive(Arc<NaiveInner>);

struct NaiveInner {
    items: parking_lot::Mutex<VecDeque<u64>>,
    not_empty: parking_lot::Condvar,
    not_full: parking_lot::Condvar,
    cap: usize,
}

impl Naive {
    fn new(cap: usize) -> Self {
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
fn transfer<C: Channel>(chan: &C, producers: u64, consumers: u64, total: u64) -> Duration {
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

const CAP: usize = 1024;

fn scenario(c: &mut Criterion, name: &str, bounded: bool, producers: u64, consumers: u64) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(1));
    let cap = if bounded { CAP } else { 0 };
    let mut run = |label: &str, make: &dyn Fn() -> Box<dyn Fn(u64) -> Duration>| {
        group.bench_function(BenchmarkId::from_parameter(label), |b| {
            b.iter_custom(|iters| make()(iters));
        });
    };
    run("threadproof", &|| {
        let q = Arc::new(Queue::new(cap));
        Box::new(move |n| transfer(&q, producers, consumers, n))
    });
    run("crossbeam", &|| {
        let (s, r) = if bounded {
            crossbeam_channel::bounded(CAP)
        } else {
            crossbeam_channel::unbounded()
        };
        let chan = Crossbeam(s, r);
        Box::new(move |n| transfer(&chan, producers, consumers, n))
    });
    if bounded {
        run("std_sync_channel", &|| {
            let (s, r) = std::sync::mpsc::sync_channel(CAP);
            let chan = StdSync(s, Arc::new(std::sync::Mutex::new(r)), consumers == 1);
            Box::new(move |n| transfer(&chan, producers, consumers, n))
        });
    }
    run("mutex_vecdeque_notify_always", &|| {
        let chan = Naive::new(cap);
        Box::new(move |n| transfer(&chan, producers, consumers, n))
    });
    group.finish();
}

fn queues(c: &mut Criterion) {
    scenario(c, "bounded_1024_1p1c", true, 1, 1);
    scenario(c, "bounded_1024_2p2c", true, 2, 2);
    scenario(c, "unbounded_1p1c", false, 1, 1);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = queues
}
criterion_main!(benches);
