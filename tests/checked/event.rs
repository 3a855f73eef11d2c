//! `Event` over every interleaving: a set releases every waiter, and a set followed at once by
//! a clear still releases the threads already waiting (C39, C41). The timed waits are in
//! `timeouts.rs`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use threadproof::check::Check;
use threadproof::sync::thread;
use threadproof::trace;
use threadproof::Event;

use crate::common::{assert_passed, spawn};

#[test]
fn c39_set_releases_every_waiter() {
    let run = Check::new().inside_primitives().run(|| {
        let event = Arc::new(Event::new());
        let workers = vec![
            {
                let event = event.clone();
                spawn("Thread-1", move || event.wait())
            },
            {
                let event = event.clone();
                spawn("Thread-2", move || event.wait())
            },
        ];
        event.set();
        for w in workers {
            w.join().unwrap();
        }
        assert!(event.is_set());
    });
    assert_passed("c39_set_releases_every_waiter", &run);
}

/// Executions of the C41 model in which the boss found both workers already waiting.
static BOTH_WERE_WAITING: AtomicUsize = AtomicUsize::new(0);

#[test]
fn c41_set_then_clear_releases_the_threads_already_waiting() {
    let run = Check::new().inside_primitives().run(|| {
        let event = Arc::new(Event::new());
        let workers = vec![
            {
                let event = event.clone();
                spawn("Thread-1", move || event.wait())
            },
            {
                let event = event.clone();
                spawn("Thread-2", move || event.wait())
            },
        ];
        // The boss is the main thread here: a third spawned thread makes the model too large
        // for shuttle's search.
        //
        // The trace records a waiter inside the event's mutex just before it waits, so once
        // set() takes that mutex, a worker seen here is really waiting. Spinning until both
        // are would never end under shuttle's depth-first search, which may always pick the
        // spinning thread again; the checker instead reaches the interleavings where both are
        // already waiting, and the others check a plain set.
        // Spawning is no scheduling point: yield once, so that the workers may run first.
        thread::yield_now();
        let both_waiting = trace::blocked().len() == 2;
        event.set();
        if both_waiting {
            event.clear();
            BOTH_WERE_WAITING.fetch_add(1, Ordering::Relaxed);
        }
        // A worker that was waiting when the set came was released by it, even though the
        // flag is clear again by the time it runs: had it not been, it would wait for good,
        // and the search would report the hang.
        for w in workers {
            w.join().unwrap();
        }
    });
    assert_passed(
        "c41_set_then_clear_releases_the_threads_already_waiting",
        &run,
    );
    assert!(BOTH_WERE_WAITING.load(Ordering::Relaxed) > 0);
}
