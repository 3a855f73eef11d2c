//! CPython's `threading.Semaphore` and `threading.BoundedSemaphore` behaviours (C30..C37, in
//! `docs/conformance.md`) on real threads.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use threadproof::{Barrier, BoundedSemaphore, ReleaseError, Semaphore};

use crate::common::{assert_about, waiters};

const T: Duration = Duration::from_millis(80);

/// Receives `n` notes that a waiter went through. A wake-up lost by the semaphore fails the
/// test after a minute instead of hanging it.
fn through(passed: &mpsc::Receiver<()>, n: usize) {
    for _ in 0..n {
        passed
            .recv_timeout(Duration::from_secs(60))
            .expect("a released waiter went through");
    }
}

/// Spins (yielding) until `n` threads wait on `semaphore`.
fn until_waiting(semaphore: &impl Permits, n: usize) {
    while waiters(semaphore) < n {
        thread::yield_now();
    }
}

#[test]
fn c30_default_value_is_one() {
    assert_eq!(Semaphore::default().value(), 1);
    assert_eq!(BoundedSemaphore::default().value(), 1);
    assert_eq!(BoundedSemaphore::default().initial_value(), 1);
}

#[test]
fn c31_non_blocking_acquire_at_zero_returns_false() {
    let semaphore = Semaphore::new(0);
    assert!(!semaphore.try_acquire());
    assert!(!BoundedSemaphore::new(0).try_acquire());
    let semaphore = Semaphore::new(1);
    assert!(semaphore.try_acquire());
    assert!(!semaphore.try_acquire());
}

#[test]
fn c31_five_threads_two_tries_on_value_three_exactly_three_succeed() {
    let semaphore = Arc::new(Semaphore::new(4));
    semaphore.acquire();
    let start = Arc::new(Barrier::new(5).unwrap());
    let handles: Vec<_> = (0..5)
        .map(|_| {
            let (semaphore, start) = (semaphore.clone(), start.clone());
            thread::spawn(move || {
                start.wait().unwrap();
                [semaphore.try_acquire(), semaphore.try_acquire()]
            })
        })
        .collect();
    let results: Vec<bool> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(results.iter().filter(|&&ok| ok).count(), 3);
    assert_eq!(results.len(), 10);
    assert_eq!(semaphore.value(), 0);
}

#[test]
fn c32_timed_acquire_returns_false_after_about_t() {
    let semaphore = Semaphore::new(0);
    let start = Instant::now();
    assert!(!semaphore.acquire_timeout(T));
    assert_about(start.elapsed(), T);
    assert!(!semaphore.acquire_timeout(Duration::ZERO));

    let bounded = BoundedSemaphore::new(1);
    bounded.acquire();
    let start = Instant::now();
    assert!(!bounded.acquire_timeout(T));
    assert_about(start.elapsed(), T);
    assert!(!bounded.acquire_timeout(Duration::ZERO));
    bounded.release().unwrap();
    assert!(bounded.acquire_timeout(Duration::ZERO));
}

#[test]
fn c35_a_timed_acquire_from_another_thread_is_released_by_a_release() {
    let semaphore = Arc::new(Semaphore::new(0));
    let waiter = {
        let semaphore = semaphore.clone();
        thread::spawn(move || semaphore.acquire_timeout(Duration::from_secs(60)))
    };
    until_waiting(&*semaphore, 1);
    semaphore.release();
    assert!(waiter.join().unwrap());
    assert_eq!(semaphore.value(), 0);
}

#[test]
fn c33_plain_semaphore_may_be_released_past_its_initial_value() {
    let semaphore = Semaphore::new(1);
    semaphore.release();
    assert_eq!(semaphore.value(), 2);
    semaphore.release_n(3).unwrap();
    assert_eq!(semaphore.value(), 5);
    for _ in 0..5 {
        assert!(semaphore.try_acquire());
    }
    assert!(!semaphore.try_acquire());
}

/// What the C34 test needs of either kind of semaphore.
trait Permits: fmt::Debug + Send + Sync + 'static {
    fn acquire(&self);
    fn release_n(&self, n: usize) -> Result<(), ReleaseError>;
    fn value(&self) -> usize;
}

impl Permits for Semaphore {
    fn acquire(&self) {
        Semaphore::acquire(self)
    }
    fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        Semaphore::release_n(self, n)
    }
    fn value(&self) -> usize {
        Semaphore::value(self)
    }
}

impl Permits for BoundedSemaphore {
    fn acquire(&self) {
        BoundedSemaphore::acquire(self)
    }
    fn release_n(&self, n: usize) -> Result<(), ReleaseError> {
        BoundedSemaphore::release_n(self, n)
    }
    fn value(&self) -> usize {
        BoundedSemaphore::value(self)
    }
}

/// Five threads block on an empty `semaphore`; `release_n(2)` lets exactly two through, then
/// `release_n(3)` the other three.
fn release_n_wakes_up_to_n_waiters(semaphore: Arc<impl Permits>) {
    assert_eq!(semaphore.value(), 0);
    let (done, passed) = mpsc::channel();
    let handles: Vec<_> = (0..5)
        .map(|_| {
            let (semaphore, done) = (semaphore.clone(), done.clone());
            thread::spawn(move || {
                semaphore.acquire();
                done.send(()).unwrap();
            })
        })
        .collect();
    until_waiting(&*semaphore, 5);
    semaphore.release_n(2).unwrap();
    through(&passed, 2);
    // Two permits, two threads through: the other three still wait.
    assert_eq!(semaphore.value(), 0);
    assert_eq!(waiters(&semaphore), 3);
    assert!(passed.try_recv().is_err());
    semaphore.release_n(3).unwrap();
    through(&passed, 3);
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(semaphore.value(), 0);
}

#[test]
fn c34_release_n_adds_n_and_wakes_up_to_n_waiters() {
    release_n_wakes_up_to_n_waiters(Arc::new(Semaphore::new(0)));
    let bounded = Arc::new(BoundedSemaphore::new(5));
    for _ in 0..5 {
        bounded.acquire();
    }
    release_n_wakes_up_to_n_waiters(bounded);
}

#[test]
fn c34_release_n_of_zero_is_an_error_and_changes_nothing() {
    let semaphore = Semaphore::new(2);
    let err = semaphore.release_n(0).unwrap_err();
    assert_eq!(err, ReleaseError::ZeroCount);
    assert_eq!(err.to_string(), "n must be one or more");
    assert_eq!(semaphore.value(), 2);

    let bounded = BoundedSemaphore::new(2);
    bounded.acquire();
    assert_eq!(bounded.release_n(0), Err(ReleaseError::ZeroCount));
    assert_eq!(bounded.value(), 1);
}

#[test]
fn c35_k_releases_let_exactly_k_blocked_acquirers_through() {
    let semaphore = Arc::new(Semaphore::new(0));
    let (done, passed) = mpsc::channel();
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let (semaphore, done) = (semaphore.clone(), done.clone());
            thread::spawn(move || {
                semaphore.acquire();
                done.send(()).unwrap();
            })
        })
        .collect();
    until_waiting(&*semaphore, 6);
    for k in 1..=3 {
        semaphore.release();
        through(&passed, 1);
        assert_eq!(semaphore.value(), 0);
        assert_eq!(waiters(&semaphore), 6 - k);
        assert!(passed.try_recv().is_err());
    }
    for _ in 0..3 {
        semaphore.release();
    }
    through(&passed, 3);
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(semaphore.value(), 0);
    assert_eq!(waiters(&semaphore), 0);
}

#[test]
fn c36_bounded_release_past_initial_value_is_an_error() {
    let semaphore = BoundedSemaphore::new(1);
    let err = semaphore.release().unwrap_err();
    assert_eq!(err, ReleaseError::TooManyReleases);
    assert_eq!(err.to_string(), "Semaphore released too many times");
    assert_eq!(semaphore.value(), 1);
    semaphore.acquire();
    semaphore.release().unwrap();
    assert_eq!(semaphore.release(), Err(ReleaseError::TooManyReleases));
    assert_eq!(semaphore.value(), 1);
}

#[test]
fn c36_bounded_release_past_initial_value_from_other_threads_is_an_error() {
    for limit in 1..10 {
        let semaphore = Arc::new(BoundedSemaphore::new(limit));
        let acquirers: Vec<_> = (0..limit)
            .map(|_| {
                let semaphore = semaphore.clone();
                thread::spawn(move || semaphore.acquire())
            })
            .collect();
        for handle in acquirers {
            handle.join().unwrap();
        }
        assert_eq!(semaphore.value(), 0);
        let releasers: Vec<_> = (0..limit)
            .map(|_| {
                let semaphore = semaphore.clone();
                thread::spawn(move || semaphore.release())
            })
            .collect();
        for handle in releasers {
            handle.join().unwrap().unwrap();
        }
        assert_eq!(semaphore.release(), Err(ReleaseError::TooManyReleases));
        assert_eq!(semaphore.value(), limit);
    }
}

#[test]
fn c37_bounded_release_n_that_would_overshoot_changes_nothing() {
    let semaphore = BoundedSemaphore::new(3);
    semaphore.acquire();
    semaphore.acquire();
    assert_eq!(semaphore.value(), 1);
    assert_eq!(semaphore.release_n(3), Err(ReleaseError::TooManyReleases));
    assert_eq!(semaphore.value(), 1);
    assert_eq!(
        semaphore.release_n(usize::MAX),
        Err(ReleaseError::TooManyReleases)
    );
    assert_eq!(semaphore.value(), 1);
    semaphore.release_n(2).unwrap();
    assert_eq!(semaphore.value(), 3);
    // At usize::MAX a bounded semaphore's limit is still its initial value, not an overflow.
    let full = BoundedSemaphore::new(usize::MAX);
    assert_eq!(full.release(), Err(ReleaseError::TooManyReleases));
    assert_eq!(full.initial_value(), usize::MAX);
}

#[test]
fn permit_releases_on_drop_and_on_panic() {
    let semaphore = Semaphore::new(2);
    {
        let _a = semaphore.permit();
        let _b = semaphore.permit();
        assert_eq!(semaphore.value(), 0);
        assert!(!semaphore.try_acquire());
    }
    assert_eq!(semaphore.value(), 2);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let _permit = semaphore.permit();
        panic!("inside the permit");
    }));
    assert!(panicked.is_err());
    assert_eq!(semaphore.value(), 2);

    let bounded = BoundedSemaphore::new(1);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let _permit = bounded.permit();
        assert_eq!(bounded.value(), 0);
        panic!("inside the permit");
    }));
    assert!(panicked.is_err());
    assert_eq!(bounded.value(), 1);
    assert!(bounded.try_acquire());
}

#[test]
fn bounded_permit_drop_after_an_extra_release_ignores_the_error() {
    let semaphore = BoundedSemaphore::new(1);
    let permit = semaphore.permit();
    semaphore.release().unwrap();
    drop(permit);
    assert_eq!(semaphore.value(), 1);
}

#[test]
fn permits_bound_the_threads_inside() {
    let semaphore = Arc::new(Semaphore::new(3));
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (semaphore, inside, most) = (semaphore.clone(), inside.clone(), most.clone());
            thread::spawn(move || {
                for _ in 0..200 {
                    let _permit = semaphore.permit();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    thread::yield_now();
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert!(most.load(Ordering::SeqCst) <= 3);
    assert_eq!(semaphore.value(), 3);
    assert_eq!(waiters(&semaphore), 0);
}

#[test]
fn a_value_that_would_overflow_is_refused() {
    let semaphore = Semaphore::new(usize::MAX);
    assert_eq!(semaphore.release_n(1), Err(ReleaseError::Overflow));
    assert_eq!(
        ReleaseError::Overflow.to_string(),
        "Semaphore value would exceed usize::MAX"
    );
    assert_eq!(semaphore.value(), usize::MAX);
    assert!(semaphore.try_acquire());
    assert_eq!(semaphore.release_n(2), Err(ReleaseError::Overflow));
    semaphore.release_n(1).unwrap();
    assert_eq!(semaphore.value(), usize::MAX);
}

#[test]
#[should_panic(expected = "Semaphore value would exceed usize::MAX")]
fn release_that_would_overflow_panics() {
    Semaphore::new(usize::MAX).release();
}

#[test]
fn debug_shows_value_and_waiters() {
    assert_eq!(
        format!("{:?}", Semaphore::new(2)),
        "Semaphore { value: 2, waiters: 0 }"
    );
    let bounded = BoundedSemaphore::new(3);
    let permit = bounded.permit();
    assert_eq!(
        format!("{bounded:?}"),
        "BoundedSemaphore { value: 2, initial_value: 3, waiters: 0 }"
    );
    assert_eq!(
        format!("{permit:?}"),
        "SemaphorePermit { semaphore: BoundedSemaphore { value: 2, initial_value: 3, waiters: 0 } }"
    );
    assert_eq!(
        format!("{:?}", Semaphore::new(1).permit()),
        "SemaphorePermit { semaphore: Semaphore { value: 0, waiters: 0 } }"
    );
}
