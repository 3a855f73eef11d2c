//! What happened in one checker execution: the steps threads took, who holds which primitive
//! and who waits for what.
//!
//! Under `--cfg loom` or `--cfg shuttle` the primitives report here when a thread acquires,
//! releases, starts or stops waiting; programs add their own steps with [`step`] and name their
//! objects with [`label`]. When a checker reports a deadlock, [`blocked`] tells which threads
//! were stuck, on what, and what they held: the wait-for graph, from this crate's own record.
//!
//! All of a checker's threads run on one operating-system thread, so the record is kept per
//! operating-system thread: checker tests running in parallel do not mix their records. Call
//! [`reset`] at the start of each execution.
//!
//! In a normal build nothing is recorded and every function here does nothing, at no cost.

use std::fmt;

/// One recorded step of an execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The thread's name (`MainThread` for the unnamed first thread, as in Python).
    pub thread: String,
    /// What it did, such as `acquire lock_a` or `read num`.
    pub action: String,
    /// What it saw or got, such as `100` or `blocks: held by Thread-2`; empty if nothing.
    pub value: String,
    /// When, on the execution's virtual clock (always zero under any timing).
    pub at: std::time::Duration,
}

/// A thread that was waiting when the record was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// The waiting thread's name.
    pub thread: String,
    /// What it waits for, such as `acquire lock_a` or `wait event`.
    pub waits_for: String,
    /// The label of the object it waits on.
    pub object: String,
    /// The labels of what it holds, sorted.
    pub holds: Vec<String>,
    /// Who holds the object it waits on (for locks), in the order they took it.
    pub object_held_by: Vec<String>,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}: {}", self.thread, self.action)
        } else {
            write!(f, "{}: {} -> {}", self.thread, self.action, self.value)
        }
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.thread)?;
        if !self.holds.is_empty() {
            write!(f, " holds {} and", self.holds.join(", "))?;
        }
        write!(f, " waits for {}", self.waits_for)?;
        if !self.object_held_by.is_empty() {
            write!(f, " (held by {})", self.object_held_by.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(any(loom, shuttle))]
mod record {
    use super::{Blocked, Step};
    use std::cell::RefCell;
    use std::collections::{BTreeMap, HashMap};

    #[derive(Default)]
    struct Record {
        labels: HashMap<usize, String>,
        unnamed: HashMap<&'static str, usize>,
        steps: Vec<Step>,
        /// object -> holders, in acquisition order (a thread appears once per hold).
        holders: HashMap<usize, Vec<String>>,
        /// thread -> (object, what it waits for)
        waiting: BTreeMap<String, (usize, String)>,
    }

    std::thread_local! {
        static RECORD: RefCell<Record> = RefCell::new(Record::default());
    }

    fn with<R>(f: impl FnOnce(&mut Record) -> R) -> R {
        RECORD.with(|record| f(&mut record.borrow_mut()))
    }

    impl Record {
        fn name(&mut self, object: usize, kind: &'static str) -> String {
            if let Some(name) = self.labels.get(&object) {
                return name.clone();
            }
            let n = self.unnamed.entry(kind).or_insert(0);
            *n += 1;
            let name = format!("{kind}#{n}");
            self.labels.insert(object, name.clone());
            name
        }

        fn push(&mut self, action: String, value: String) {
            let thread = crate::sync::current_thread_name();
            self.steps.push(Step {
                thread,
                action,
                value,
                at: crate::sync::clock::now(),
            });
        }
    }

    pub fn reset() {
        with(|r| *r = Record::default());
    }

    pub fn label(object: usize, name: String) {
        with(|r| {
            r.labels.insert(object, name);
        });
    }

    pub fn step(action: String, value: String) {
        with(|r| r.push(action, value));
    }

    pub fn step_on(object: usize, kind: &'static str, verb: &'static str, detail: String) {
        with(|r| {
            let name = r.name(object, kind);
            let action = if detail.is_empty() {
                format!("{verb} {name}")
            } else {
                format!("{verb} {name} {detail}")
            };
            r.push(action, String::new());
        });
    }

    pub fn acquired(object: usize, kind: &'static str, verb: &'static str) {
        let thread = crate::sync::current_thread_name();
        with(|r| {
            let name = r.name(object, kind);
            r.waiting.remove(&thread);
            r.holders.entry(object).or_default().push(thread);
            r.push(format!("{verb} {name}"), "ok".to_owned());
        });
    }

    pub fn released(object: usize, kind: &'static str, verb: &'static str) {
        let thread = crate::sync::current_thread_name();
        with(|r| {
            let name = r.name(object, kind);
            if let Some(holders) = r.holders.get_mut(&object) {
                // The releasing thread's own hold goes first; any thread may release a Lock.
                let at = holders.iter().rposition(|h| *h == thread).unwrap_or(0);
                if at < holders.len() {
                    holders.remove(at);
                }
            }
            r.push(format!("{verb} {name}"), String::new());
        });
    }

    pub fn blocking(object: usize, kind: &'static str, verb: &'static str) {
        let thread = crate::sync::current_thread_name();
        with(|r| {
            let name = r.name(object, kind);
            let held_by = r.holders.get(&object).cloned().unwrap_or_default();
            let value = if held_by.is_empty() {
                "blocks".to_owned()
            } else {
                format!("blocks: held by {}", held_by.join(", "))
            };
            r.waiting.insert(thread, (object, format!("{verb} {name}")));
            r.push(format!("{verb} {name}"), value);
        });
    }

    pub fn unblocked() {
        let thread = crate::sync::current_thread_name();
        with(|r| {
            r.waiting.remove(&thread);
        });
    }

    pub fn steps() -> Vec<Step> {
        with(|r| r.steps.clone())
    }

    pub fn blocked() -> Vec<Blocked> {
        with(|r| {
            let waiting: Vec<(String, usize, String)> = r
                .waiting
                .iter()
                .map(|(t, (o, w))| (t.clone(), *o, w.clone()))
                .collect();
            waiting
                .into_iter()
                .map(|(thread, object, waits_for)| {
                    let mut holds: Vec<(usize, String)> = Vec::new();
                    for (obj, holders) in &r.holders {
                        if holders.contains(&thread) {
                            holds.push((*obj, r.labels.get(obj).cloned().unwrap_or_default()));
                        }
                    }
                    holds.sort_by(|a, b| a.1.cmp(&b.1));
                    Blocked {
                        object: r.labels.get(&object).cloned().unwrap_or_default(),
                        object_held_by: r.holders.get(&object).cloned().unwrap_or_default(),
                        thread,
                        waits_for,
                        holds: holds.into_iter().map(|(_, name)| name).collect(),
                    }
                })
                .collect()
        })
    }
}

#[cfg(not(any(loom, shuttle)))]
mod record {
    use super::{Blocked, Step};

    #[inline(always)]
    pub fn reset() {}
    #[inline(always)]
    pub fn label(_object: usize, _name: String) {}
    #[inline(always)]
    pub fn step(_action: String, _value: String) {}
    #[inline(always)]
    pub fn step_on(_object: usize, _kind: &'static str, _verb: &'static str, _detail: String) {}
    #[inline(always)]
    pub fn acquired(_object: usize, _kind: &'static str, _verb: &'static str) {}
    #[inline(always)]
    pub fn released(_object: usize, _kind: &'static str, _verb: &'static str) {}
    #[inline(always)]
    pub fn blocking(_object: usize, _kind: &'static str, _verb: &'static str) {}
    #[inline(always)]
    pub fn unblocked() {}
    pub fn steps() -> Vec<Step> {
        Vec::new()
    }
    pub fn blocked() -> Vec<Blocked> {
        Vec::new()
    }
}

/// The address that identifies `object` in the record.
pub(crate) fn address<T: ?Sized>(object: &T) -> usize {
    (object as *const T).cast::<()>() as usize
}

/// True in checker builds, where this module records; false in a normal build.
pub const ENABLED: bool = cfg!(any(loom, shuttle));

/// Forgets everything recorded on this operating-system thread: call it as each execution starts.
pub fn reset() {
    record::reset();
}

/// Names `object` in the record (`lock_a`, `event`...). Unnamed objects are called by their
/// kind and a number, such as `Lock#1`.
pub fn label<T: ?Sized>(object: &T, name: impl Into<String>) {
    if ENABLED {
        record::label(address(object), name.into());
    }
}

/// Records a step of the calling thread: what it did, and what it saw.
pub fn step(action: impl Into<String>, value: impl fmt::Display) {
    if ENABLED {
        record::step(action.into(), value.to_string());
    }
}

/// The steps recorded so far, in the order they happened.
pub fn steps() -> Vec<Step> {
    record::steps()
}

/// The threads waiting now, each with what it waits for and what it holds: after a checker
/// reports a deadlock, this is the wait-for graph.
pub fn blocked() -> Vec<Blocked> {
    record::blocked()
}

/// Records a step of the calling thread on `object`, a primitive of kind `kind`, that changes
/// nobody's holds or waits: a nested acquire of a reentrant lock (`acquire r_lock (count 2)`),
/// a notify. The action is `verb`, the object's label, then `detail` unless it is empty.
#[inline(always)]
pub fn step_on<T: ?Sized>(
    object: &T,
    kind: &'static str,
    verb: &'static str,
    detail: impl fmt::Display,
) {
    if ENABLED {
        record::step_on(address(object), kind, verb, detail.to_string());
    }
}

/// Records that the calling thread now holds `object`, a primitive of kind `kind`
/// (`verb` describes how, such as `acquire`). The primitives call this; code that builds its
/// own blocking objects may too.
#[inline(always)]
pub fn acquired<T: ?Sized>(object: &T, kind: &'static str, verb: &'static str) {
    record::acquired(address(object), kind, verb);
}

/// Records that `object` was released by the calling thread (or, for a `Lock`, on its behalf).
#[inline(always)]
pub fn released<T: ?Sized>(object: &T, kind: &'static str, verb: &'static str) {
    record::released(address(object), kind, verb);
}

/// Records that the calling thread is about to block on `object` (`verb`: `acquire`, `wait`...).
#[inline(always)]
pub fn blocking<T: ?Sized>(object: &T, kind: &'static str, verb: &'static str) {
    record::blocking(address(object), kind, verb);
}

/// [`blocking`] for the object at `object`, an address from [`address`].
#[inline(always)]
pub(crate) fn blocking_at(object: usize, kind: &'static str, verb: &'static str) {
    record::blocking(object, kind, verb);
}

/// Records that the calling thread stopped waiting without acquiring anything (a wait that was
/// notified, or timed out).
#[inline(always)]
pub fn unblocked() {
    record::unblocked();
}
