//! A counterexample's replay string: what [`Check::replay`](super::Check::replay) needs to run
//! that one execution again. It says how the check was set up (its timing, whether each
//! operation of a primitive was one step, whether spurious wake-ups were explored), which
//! thread each scheduling decision ran, the random choices the execution made, and a
//! fingerprint of the steps it took, so that a string from another program or another
//! version is told apart from the execution it names.
//!
//! The spelling: `tp1-<timing>-<flags>-<fingerprint>-<threads>-<choices>`. `<timing>` is
//! `any` or `virtual`; `<flags>` is `w` (whole operations) or `i` (inside primitives),
//! followed by `s` if spurious wake-ups were explored; `<fingerprint>` is 16 hex digits;
//! `<threads>` gives each decision's thread as a letter (`a` is the main thread, then `b`...
//! `z`, `A`... `Z`), a run of the same thread as the letter and its length; `<choices>` is the
//! values chosen, in decimal, separated by `.`.

use std::fmt::Write as _;

use super::runtime::record::Step;
use super::search::Timing;

/// The version of the spelling: a string of another version is refused.
const VERSION: &str = "tp1";

/// The letters that name threads, in the order of their numbers.
const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// One execution, as a replay string says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Replay {
    pub(super) timing: Timing,
    pub(super) whole_operations: bool,
    pub(super) spurious_wakeups: bool,
    pub(super) fingerprint: u64,
    pub(super) threads: Vec<usize>,
    pub(super) choices: Vec<u64>,
}

/// A fingerprint of an execution's steps (FNV-1a over each step's thread, action and value).
pub(super) fn fingerprint(steps: &[Step]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for step in steps {
        for part in [&step.thread, &step.action, &step.value] {
            for byte in part.bytes().chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    hash
}

impl Replay {
    /// The replay string; `None` if a thread's number is past what a letter names.
    pub(super) fn spell(&self) -> Option<String> {
        let timing = match self.timing {
            Timing::Any => "any",
            Timing::Virtual => "virtual",
        };
        let mut flags = String::from(if self.whole_operations { "w" } else { "i" });
        if self.spurious_wakeups {
            flags.push('s');
        }
        let mut threads = String::new();
        let mut rest = self.threads.as_slice();
        while let Some(&thread) = rest.first() {
            let run = rest.iter().take_while(|t| **t == thread).count();
            threads.push(char::from(*LETTERS.get(thread)?));
            if run > 1 {
                let _ = write!(threads, "{run}");
            }
            rest = &rest[run..];
        }
        let choices: Vec<String> = self.choices.iter().map(u64::to_string).collect();
        Some(format!(
            "{VERSION}-{timing}-{flags}-{:016x}-{threads}-{}",
            self.fingerprint,
            choices.join(".")
        ))
    }

    /// Reads a replay string back, or says what is wrong with it.
    pub(super) fn parse(text: &str) -> Result<Self, String> {
        let not_one = || {
            format!(
                "`{text}` is not a replay string: expected \
                 {VERSION}-<timing>-<flags>-<fingerprint>-<threads>-<choices>, as a \
                 counterexample's report prints it"
            )
        };
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [version, timing, flags, fingerprint, threads, choices] = parts[..] else {
            return Err(not_one());
        };
        if version != VERSION {
            return Err(format!(
                "`{text}` is a replay string of another version ({version}): this version \
                 replays {VERSION}"
            ));
        }
        let timing = match timing {
            "any" => Timing::Any,
            "virtual" => Timing::Virtual,
            _ => return Err(not_one()),
        };
        let (whole_operations, spurious_wakeups) = match flags {
            "w" => (true, false),
            "ws" => (true, true),
            "i" => (false, false),
            "is" => (false, true),
            _ => return Err(not_one()),
        };
        if fingerprint.len() != 16 {
            return Err(not_one());
        }
        let fingerprint = u64::from_str_radix(fingerprint, 16).map_err(|_| not_one())?;
        let mut runs = Vec::new();
        let mut rest = threads;
        while let Some(letter) = rest.bytes().next() {
            let thread = LETTERS
                .iter()
                .position(|l| *l == letter)
                .ok_or_else(not_one)?;
            let digits = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
            let run = match &rest[1..=digits] {
                "" => 1,
                count => count.parse::<usize>().map_err(|_| not_one())?,
            };
            runs.extend(std::iter::repeat_n(thread, run));
            rest = &rest[1 + digits..];
        }
        let choices = if choices.is_empty() {
            Vec::new()
        } else {
            choices
                .split('.')
                .map(|value| value.parse::<u64>().map_err(|_| not_one()))
                .collect::<Result<_, _>>()?
        };
        Ok(Self {
            timing,
            whole_operations,
            spurious_wakeups,
            fingerprint,
            threads: runs,
            choices,
        })
    }

    /// How the check was set up, in words: `any timing, each operation as one step`.
    pub(super) fn setup(timing: Timing, whole_operations: bool, spurious_wakeups: bool) -> String {
        format!(
            "{timing}, {}{}",
            if whole_operations {
                "each operation of a primitive as one step"
            } else {
                "inside the primitives"
            },
            if spurious_wakeups {
                ", with spurious wake-ups"
            } else {
                ""
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{Replay, Timing};

    #[test]
    fn a_replay_string_reads_back_what_it_says() {
        let replay = Replay {
            timing: Timing::Virtual,
            whole_operations: false,
            spurious_wakeups: true,
            fingerprint: 0x0123_4567_89ab_cdef,
            threads: vec![0, 0, 0, 1, 2, 2, 0, 51],
            choices: vec![1, 0, 12],
        };
        let spelled = replay.spell().unwrap();
        assert_eq!(spelled, "tp1-virtual-is-0123456789abcdef-a3bc2aZ-1.0.12");
        assert_eq!(Replay::parse(&spelled), Ok(replay));
        let plain = "tp1-any-w-0000000000000000-ab12-";
        let read = Replay::parse(plain).unwrap();
        assert_eq!(read.threads.len(), 13);
        assert!(read.choices.is_empty());
        assert_eq!(read.spell().as_deref(), Some(plain));
    }

    #[test]
    fn a_thread_past_the_letters_has_no_replay_string() {
        let replay = Replay {
            timing: Timing::Any,
            whole_operations: true,
            spurious_wakeups: false,
            fingerprint: 0,
            threads: vec![0, 52],
            choices: Vec::new(),
        };
        assert_eq!(replay.spell(), None);
    }

    #[test]
    fn anything_else_is_refused_with_what_a_replay_string_looks_like() {
        for bad in [
            "",
            "tp1-any-w-0-a-",
            "tp1-sometimes-w-0000000000000000-a-",
            "tp1-any-x-0000000000000000-a-",
            "tp1-any-w-000000000000000g-a-",
            "tp1-any-w-0000000000000000-a!-",
            "tp1-any-w-0000000000000000-a-x",
        ] {
            let error = Replay::parse(bad).unwrap_err();
            assert!(
                error.contains("is not a replay string: expected tp1-"),
                "{error}"
            );
        }
        let error = Replay::parse("tp9-any-w-0000000000000000-a-").unwrap_err();
        assert!(error.contains("another version (tp9)"), "{error}");
    }
}
