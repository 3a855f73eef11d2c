//! The speed table's comparisons, each run as interleaved repetitions in one process: ours and
//! the peer in turn (ours first in odd repetitions, the peer first in even ones, so that drift
//! and noise fall on both), every repetition the same amount of work. Per row it prints the
//! median time per operation of each side and the median ratio ours / peer with its range over
//! the repetitions: on a noisy machine one repetition says little, the spread says how little.
//!
//! `cargo bench --bench compare` runs every row; after `--` go `--reps N` (at least 5),
//! `--millis MS` (the length of one repetition of ours) and a filter on row names.

mod workloads;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use threadproof::{Lock, RLock};
use workloads::{contend, transfer, Crossbeam, Ours};

#[derive(Parser)]
#[command(about = "Ours against each peer, interleaved, with medians and ranges")]
struct Args {
    /// Repetitions of each side per row.
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u32).range(5..))]
    reps: u32,
    /// About how long one repetition of ours runs, in milliseconds.
    #[arg(long, default_value_t = 200)]
    millis: u64,
    /// Run only the rows whose name contains this.
    filter: Option<String>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// `n` operations of one side of a row; the time they took.
type Side = fn(u64) -> Duration;

struct Row {
    name: &'static str,
    ours: Side,
    peer_name: &'static str,
    peer: Side,
    /// The median ratio the row aims at, and the worst repetition's, if the row bounds it.
    goal: (f64, Option<f64>),
}

/// The time of `n` rounds of `round` on `shared`, on this thread alone.
fn uncontended<S>(n: u64, shared: S, round: fn(&S)) -> Duration {
    let began = Instant::now();
    for _ in 0..n {
        round(black_box(&shared));
    }
    began.elapsed()
}

fn lock_uncontended(n: u64) -> Duration {
    uncontended(n, Lock::new(), |lock| drop(lock.lock()))
}

fn std_uncontended(n: u64) -> Duration {
    uncontended(n, std::sync::Mutex::new(0u64), |m| drop(m.lock().unwrap()))
}

fn lock_contended(n: u64) -> Duration {
    let shared = Arc::new((Lock::new(), AtomicU64::new(0)));
    contend(n, 2, shared, |(lock, counter)| {
        let _held = lock.lock();
        counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    })
}

fn std_contended(n: u64) -> Duration {
    let shared = Arc::new(std::sync::Mutex::new(0u64));
    contend(n, 2, shared, |mutex| *mutex.lock().unwrap() += 1)
}

fn rlock_uncontended(n: u64) -> Duration {
    uncontended(n, RLock::new(), |lock| drop(lock.lock()))
}

fn reentrant_uncontended(n: u64) -> Duration {
    uncontended(n, parking_lot::ReentrantMutex::new(()), |m| drop(m.lock()))
}

const CAP: usize = 1024;

const ROWS: &[Row] = &[
    Row {
        name: "Lock uncontended",
        ours: lock_uncontended,
        peer_name: "std::sync::Mutex",
        peer: std_uncontended,
        goal: (1.1, None),
    },
    Row {
        name: "Lock, two threads contending",
        ours: lock_contended,
        peer_name: "std::sync::Mutex",
        peer: std_contended,
        goal: (1.2, Some(1.5)),
    },
    Row {
        name: "RLock uncontended",
        ours: rlock_uncontended,
        peer_name: "parking_lot::ReentrantMutex",
        peer: reentrant_uncontended,
        goal: (1.5, None),
    },
    Row {
        name: "Queue bounded(1024), 1 producer / 1 consumer",
        ours: |n| transfer(&Ours::new(CAP), 1, 1, n),
        peer_name: "crossbeam_channel::bounded",
        peer: |n| transfer(&Crossbeam::new(CAP), 1, 1, n),
        goal: (1.3, None),
    },
    Row {
        name: "Queue bounded(1024), 2 producers / 2 consumers",
        ours: |n| transfer(&Ours::new(CAP), 2, 2, n),
        peer_name: "crossbeam_channel::bounded",
        peer: |n| transfer(&Crossbeam::new(CAP), 2, 2, n),
        goal: (1.1, None),
    },
    Row {
        name: "Queue unbounded, 1 producer / 1 consumer",
        ours: |n| transfer(&Ours::new(0), 1, 1, n),
        peer_name: "crossbeam_channel::unbounded",
        peer: |n| transfer(&Crossbeam::new(0), 1, 1, n),
        goal: (1.3, None),
    },
];

/// How many operations make one repetition of `side` last about `target`.
fn calibrate(side: Side, target: Duration) -> u64 {
    let mut n = 1_000;
    loop {
        let took = side(n);
        if took >= target / 4 || n >= 1 << 40 {
            let scale = target.as_secs_f64() / took.as_secs_f64().max(1e-9);
            return ((n as f64 * scale) as u64).max(1);
        }
        n *= 4;
    }
}

/// The median of `values`, which must not be empty, with the lowest and the highest.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    };
    (median, sorted[0], sorted[sorted.len() - 1])
}

fn nanos_per_op(took: Duration, n: u64) -> f64 {
    took.as_secs_f64() * 1e9 / n as f64
}

fn main() {
    let args = Args::parse();
    let target = Duration::from_millis(args.millis);
    println!(
        "{} repetitions of each side per row, interleaved; times are ns per operation\n",
        args.reps
    );
    for row in ROWS {
        if args
            .filter
            .as_ref()
            .is_some_and(|f| !row.name.contains(f.as_str()))
        {
            continue;
        }
        let n = calibrate(row.ours, target);
        (row.peer)(n / 10 + 1); // warms the peer up as calibrating warmed ours
        let (mut ours, mut peer, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for rep in 0..args.reps {
            let (o, p) = if rep % 2 == 0 {
                let o = (row.ours)(n);
                (o, (row.peer)(n))
            } else {
                let p = (row.peer)(n);
                ((row.ours)(n), p)
            };
            let (o, p) = (nanos_per_op(o, n), nanos_per_op(p, n));
            ours.push(o);
            peer.push(p);
            ratios.push(o / p);
        }
        let (ratio, lowest, highest) = spread(&ratios);
        let (ours, ours_low, ours_high) = spread(&ours);
        let (peer, peer_low, peer_high) = spread(&peer);
        let met = ratio <= row.goal.0 && row.goal.1.is_none_or(|worst| highest <= worst);
        let goal = match row.goal.1 {
            Some(worst) => format!("{}, worst {worst}", row.goal.0),
            None => format!("{}", row.goal.0),
        };
        println!("{}", row.name);
        println!(
            "  ours {ours:.1} ns ({ours_low:.1}–{ours_high:.1})  {} {peer:.1} ns \
             ({peer_low:.1}–{peer_high:.1})",
            row.peer_name,
        );
        println!(
            "  ratio {ratio:.2} ({lowest:.2}–{highest:.2})  goal ≤ {goal}: {}",
            if met { "met" } else { "missed" }
        );
    }
}
