//! What the real-thread tests share: CPython's tolerance for a timed wait, and the count of
//! threads waiting on a primitive.

use std::fmt::Debug;
use std::time::Duration;

/// CPython's tolerance for a timed wait (`Lib/test/lock_tests.py`): between 0.6t and 10t.
pub fn assert_about(elapsed: Duration, t: Duration) {
    assert!(
        elapsed >= t.mul_f64(0.6) && elapsed <= t * 10,
        "waited {elapsed:?} for a timeout of {t:?}"
    );
}

/// The `waiters` count an object's `Debug` shows.
pub fn waiters(object: &impl Debug) -> usize {
    let text = format!("{object:?}");
    let at = text.find("waiters: ").expect("Debug shows waiters") + "waiters: ".len();
    text[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
