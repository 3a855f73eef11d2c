//! CPython's `threading.Event` behaviours (C38..C41, in `docs/conformance.md`) on real threads.

use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use threadproof::Event;

use crate::common::{assert_about, waiters};

const T: Duration = Duration::from_millis(80);
/// Long enough never to pass in a passing run; a wait that should have been released fails
/// the test instead of hanging it.
const LONG: Duration = Duration::from_secs(60);

/// Spins (yielding) until `n` threads wait on `event`.
fn until_waiting(event: &Event, n: usize) {
    while waiters(event) < n {
        thread::yield_now();
    }
}

#[test]
fn c38_starts_unset_and_set_and_clear_are_idempotent() {
    let event = Event::new();
    assert!(!event.is_set());
    event.set();
    assert!(event.is_set());
    event.set();
    assert!(event.is_set());
    event.clear();
    assert!(!event.is_set());
    event.clear();
    assert!(!event.is_set());
    assert!(!Event::default().is_set());
}

/// CPython's `_check_notify`: N threads wait twice; none passes before the set, all pass
/// both waits after it.
fn every_waiter_wakes_on_set(event: &Arc<Event>) {
    const N: usize = 5;
    let (done, passed) = mpsc::channel();
    let handles: Vec<_> = (0..N)
        .map(|_| {
            let (event, done) = (event.clone(), done.clone());
            thread::spawn(move || {
                event.wait();
                let second = event.wait_timeout(LONG);
                done.send(second).unwrap();
            })
        })
        .collect();
    until_waiting(event, N);
    assert!(passed.try_recv().is_err());
    event.set();
    // A wake-up lost by the event fails the test after a minute instead of hanging it.
    let results: Vec<bool> = (0..N)
        .map(|_| passed.recv_timeout(LONG).expect("a waiter woke up"))
        .collect();
    assert_eq!(results, [true; N]);
    for handle in handles {
        handle.join().unwrap();
    }
}

#[test]
fn c39_every_waiter_wakes_on_set_and_again_after_a_clear() {
    let event = Arc::new(Event::new());
    every_waiter_wakes_on_set(&event);
    event.set();
    event.clear();
    every_waiter_wakes_on_set(&event);
    assert_eq!(waiters(&event), 0);
}

#[test]
fn c40_wait_zero_unset_returns_false_at_once() {
    let event = Event::new();
    assert!(!event.wait_timeout(Duration::ZERO));
    event.set();
    assert!(event.wait_timeout(Duration::ZERO));
}

#[test]
fn c40_timed_wait_returns_false_after_about_t_and_true_once_set() {
    let event = Arc::new(Event::new());
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let event = event.clone();
            thread::spawn(move || {
                let start = Instant::now();
                let set = event.wait_timeout(T);
                (set, start.elapsed())
            })
        })
        .collect();
    for handle in handles {
        let (set, elapsed) = handle.join().unwrap();
        assert!(!set);
        assert_about(elapsed, T);
    }
    event.set();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let event = event.clone();
            thread::spawn(move || event.wait_timeout(T))
        })
        .collect();
    for handle in handles {
        assert!(handle.join().unwrap());
    }
}

#[test]
fn c40_timed_wait_is_released_by_a_set() {
    let event = Arc::new(Event::new());
    let waiter = {
        let event = event.clone();
        thread::spawn(move || event.wait_timeout(LONG))
    };
    until_waiting(&event, 1);
    event.set();
    assert!(waiter.join().unwrap());
}

#[test]
fn c41_set_then_clear_still_releases_the_threads_already_waiting() {
    const N: usize = 5;
    let event = Arc::new(Event::new());
    let handles: Vec<_> = (0..N)
        .map(|_| {
            let event = event.clone();
            thread::spawn(move || event.wait_timeout(LONG))
        })
        .collect();
    until_waiting(&event, N);
    event.set();
    event.clear();
    let results: Vec<bool> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results, [true; N]);
    assert!(!event.is_set());
    // A thread arriving after the clear waits for the next set.
    assert!(!event.wait_timeout(Duration::ZERO));
}

#[test]
fn debug_shows_the_flag_and_waiters() {
    let event = Event::new();
    assert_eq!(format!("{event:?}"), "Event { is_set: false, waiters: 0 }");
    event.set();
    assert_eq!(format!("{event:?}"), "Event { is_set: true, waiters: 0 }");
}
