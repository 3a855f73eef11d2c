//! What the real-thread tests share: CPython's tolerance for a timed wait.

use std::time::Duration;

/// CPython's tolerance for a timed wait (`Lib/test/lock_tests.py`): between 0.6t and 10t.
pub fn assert_about(elapsed: Duration, t: Duration) {
    assert!(
        elapsed >= t.mul_f64(0.6) && elapsed <= t * 10,
        "waited {elapsed:?} for a timeout of {t:?}"
    );
}
