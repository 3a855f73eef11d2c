//! Nanoseconds per message through a queue, against its peers in the same run:
//! crossbeam-channel, `std::sync::mpsc::sync_channel`, and a plain `Mutex<VecDeque>` with two
//! condition variables that notifies on every operation (what a queue without waiter counts
//! does).
//!
//! Each scenario moves `iters` messages from P producer threads to C consumer threads; one
//! iteration is one message, so criterion's time per iteration is the time per message.
//!
//! Run: `cargo bench --bench queue` (add `-- --quick` for a short sanity run). The same rows,
//! run interleaved with their peer and reported with their spread: `cargo bench --bench compare`.

mod workloads;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use workloads::{transfer, Crossbeam, Naive, Ours, StdSync};

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
        let chan = Ours::new(cap);
        Box::new(move |n| transfer(&chan, producers, consumers, n))
    });
    run("crossbeam", &|| {
        let chan = Crossbeam::new(cap);
        Box::new(move |n| transfer(&chan, producers, consumers, n))
    });
    if bounded {
        run("std_sync_channel", &|| {
            let chan = StdSync::new(CAP, consumers);
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
