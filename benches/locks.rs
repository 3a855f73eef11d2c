//! Lock and RLock against `std::sync::Mutex`, `parking_lot::Mutex` and
//! `parking_lot::ReentrantMutex`:
//! (a) uncontended acquire + release, (b) two threads contending on lock/increment/unlock,
//! (c) RLock uncontended, one level and nested two levels.
//!
//! `cargo bench --bench locks`; add `-- --quick` or a filter (`-- uncontended`) for a shorter
//! run. The same comparisons, run interleaved with their peer and reported with their spread:
//! `cargo bench --bench compare`.

mod workloads;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use threadproof::{Lock, RLock};
use workloads::contend;

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(30)
}

fn uncontended(c: &mut Criterion) {
    let mut group = c.benchmark_group("uncontended");
    let lock = Lock::new();
    group.bench_function("Lock acquire+release", |b| {
        b.iter(|| {
            black_box(&lock).acquire();
            black_box(&lock).release().unwrap();
        })
    });
    group.bench_function("Lock guard", |b| b.iter(|| drop(black_box(&lock).lock())));
    let std_mutex = std::sync::Mutex::new(0u64);
    group.bench_function("std Mutex", |b| {
        b.iter(|| drop(black_box(&std_mutex).lock().unwrap()))
    });
    let pl_mutex = parking_lot::Mutex::new(0u64);
    group.bench_function("parking_lot Mutex", |b| {
        b.iter(|| drop(black_box(&pl_mutex).lock()))
    });
    group.finish();
}

fn contended(c: &mut Criterion) {
    let mut group = c.benchmark_group("two threads contend");
    group.bench_function("Lock", |b| {
        b.iter_custom(|iters| {
            let shared = Arc::new((Lock::new(), AtomicU64::new(0)));
            contend(iters, 2, shared, |(lock, counter)| {
                let _held = lock.lock();
                counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
            })
        })
    });
    group.bench_function("std Mutex", |b| {
        b.iter_custom(|iters| {
            let shared = Arc::new(std::sync::Mutex::new(0u64));
            contend(iters, 2, shared, |mutex| *mutex.lock().unwrap() += 1)
        })
    });
    group.bench_function("parking_lot Mutex", |b| {
        b.iter_custom(|iters| {
            let shared = Arc::new(parking_lot::Mutex::new(0u64));
            contend(iters, 2, shared, |mutex| *mutex.lock() += 1)
        })
    });
    group.finish();
}

fn reentrant(c: &mut Criterion) {
    let mut group = c.benchmark_group("reentrant uncontended");
    let r_lock = RLock::new();
    group.bench_function("RLock acquire+release", |b| {
        b.iter(|| {
            black_box(&r_lock).acquire();
            black_box(&r_lock).release().unwrap();
        })
    });
    group.bench_function("RLock guard", |b| {
        b.iter(|| drop(black_box(&r_lock).lock()))
    });
    let pl = parking_lot::ReentrantMutex::new(());
    group.bench_function("parking_lot ReentrantMutex", |b| {
        b.iter(|| drop(black_box(&pl).lock()))
    });
    group.bench_function("RLock nested 2 levels", |b| {
        b.iter(|| {
            let _outer = black_box(&r_lock).lock();
            let _inner = black_box(&r_lock).lock();
        })
    });
    group.bench_function("parking_lot ReentrantMutex nested 2 levels", |b| {
        b.iter(|| {
            let _outer = black_box(&pl).lock();
            let _inner = black_box(&pl).lock();
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = uncontended, contended, reentrant
}
criterion_main!(benches);
