//! The random choices of an exploration ([`randrange`](crate::sync::random::randrange)).
//!
//! An exhaustive search explores every sequence of choices: each exploration runs with a
//! *script*, the first choices of every execution; a choice past the script's end is 0, and
//! records how many values it had. After the exploration, each later value at each position
//! past the script, with zeros before it, becomes a script of its own. So every sequence of
//! choices an execution can make is the script of exactly one exploration, and that
//! exploration runs it with every interleaving. A sampled search (PCT) or a run outside a
//! check draws each choice at random instead.

use std::cell::RefCell;
use std::sync::Arc;

/// Says whether the current execution has gone astray: asked at each choice an execution
/// makes past its script, and when it says yes, the later values of that choice and of the
/// choices after it are not explored.
pub(crate) type Astray = Arc<dyn Fn() -> bool + Send + Sync>;

#[derive(Default)]
struct Choices {
    /// Inside an exhaustive or in-order search, or one that looks for an outcome.
    scripted: bool,
    astray: Option<Astray>,
    script: Vec<u64>,
    /// The next choice's position in the current execution.
    position: usize,
    /// For each position past the script, the most values a choice there had.
    widths: Vec<u64>,
    /// A random state for choices that are not scripted.
    seed: u64,
    /// Whether a facade wait may wake without a notify: a choice each time one could.
    spurious_wakeups: bool,
    /// The values the current execution has chosen, in order: what a replay of it follows.
    made: Vec<u64>,
}

std::thread_local! {
    static CHOICES: RefCell<Choices> = RefCell::new(Choices {
        seed: random_seed(),
        ..Choices::default()
    });
}

fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x7468_7265_6164);
    hasher.finish() | 1
}

/// Starts an exploration with `script`. `scripted`: the choices follow scripts (an exhaustive
/// or in-order search, or one pruned by `astray`); otherwise they are drawn at random, from
/// `seed` if one is given. `spurious_wakeups`: a facade wait may wake without a notify, a
/// choice of its own ([`spurious_wakeup`]).
pub(crate) fn begin(
    script: Vec<u64>,
    scripted: bool,
    seed: Option<u64>,
    astray: Option<Astray>,
    spurious_wakeups: bool,
) {
    CHOICES.with(|c| {
        let mut c = c.borrow_mut();
        c.spurious_wakeups = spurious_wakeups;
        c.scripted = scripted && cfg!(any(loom, shuttle));
        c.astray = astray;
        if let Some(seed) = seed {
            c.seed = seed | 1;
        }
        c.script = script;
        c.position = 0;
        c.widths.clear();
    });
}

/// Starts an execution: its choices from the script's first.
pub(crate) fn begin_execution() {
    CHOICES.with(|c| {
        let mut c = c.borrow_mut();
        c.position = 0;
        c.made.clear();
    });
}

/// The values the current execution has chosen so far, in order: as a script, they make an
/// execution choose the same.
pub(crate) fn made() -> Vec<u64> {
    CHOICES.with(|c| c.borrow().made.clone())
}

/// Ends the explorations: choices outside a check are random.
pub(crate) fn end() {
    CHOICES.with(|c| {
        let mut c = c.borrow_mut();
        c.scripted = false;
        c.astray = None;
        c.spurious_wakeups = false;
    });
}

/// Whether the facade wait about to block wakes at once without a notify, as a spurious
/// wake-up: always false unless the exploration explores them, and then a choice of two.
#[cfg(any(loom, shuttle))]
pub(crate) fn spurious_wakeup() -> bool {
    CHOICES.with(|c| c.borrow().spurious_wakeups) && choose(2) == 1
}

/// The scripts that extend `script` by one later choice.
pub(crate) fn extensions(script: &[u64]) -> Vec<Vec<u64>> {
    CHOICES.with(|c| {
        let c = c.borrow();
        let mut scripts = Vec::new();
        for (offset, &width) in c.widths.iter().enumerate() {
            for value in 1..width {
                let mut next = script.to_vec();
                next.extend(std::iter::repeat_n(0, offset));
                next.push(value);
                scripts.push(next);
            }
        }
        scripts
    })
}

/// A choice of a value in `0..stop` (`stop` > 0).
pub(crate) fn choose(stop: u64) -> u64 {
    let value = draw(stop);
    CHOICES.with(|c| c.borrow_mut().made.push(value));
    value
}

fn draw(stop: u64) -> u64 {
    let astray = CHOICES.with(|c| c.borrow().astray.clone());
    let astray = astray.is_some_and(|astray| astray());
    CHOICES.with(|c| {
        let mut c = c.borrow_mut();
        if !c.scripted {
            // xorshift64*: enough for choices on real threads and under PCT.
            let mut x = c.seed;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            c.seed = x;
            return x.wrapping_mul(0x2545_f491_4f6c_dd1d) % stop;
        }
        // The choice at each position of the script is the execution's: choices are ordered
        // by the position they take, as steps touching one object.
        super::choice_made();
        let position = c.position;
        c.position += 1;
        if let Some(&value) = c.script.get(position) {
            return value.min(stop - 1);
        }
        let offset = position - c.script.len();
        if astray {
            return 0;
        }
        if c.widths.len() <= offset {
            c.widths.resize(offset + 1, 1);
        }
        c.widths[offset] = c.widths[offset].max(stop);
        0
    })
}
