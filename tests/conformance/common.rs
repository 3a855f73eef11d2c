//! What the real-thread tests share: CPython's tolerance for a timed wait, and the number of
//! threads waiting on a primitive.

use std::fmt;
use std::time::Duration;

/// CPython's tolerance for a timed wait (`Lib/test/lock_tests.py`): between 0.6t and 10t.
pub fn assert_about(elapsed: Duration, t: Duration) {
    assert!(
        elapsed >= t.mul_f64(0.6) && elapsed <= t * 10,
        "waited {elapsed:?} for a timeout of {t:?}"
    );
}

/// How many threads wait on `primitive`, read where any user sees it: the `waiters: N` of its
/// `Debug` output.
pub fn waiters(primitive: &impl fmt::Debug) -> usize {
    let shown = format!("{primitive:?}");
    shown
        .split_once("waiters: ")
        .and_then(|(_, rest)| {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest[..digits].parse().ok()
        })
        .unwrap_or_else(|| panic!("no waiter count in {shown}"))
}
