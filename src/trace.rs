//! What happened in one checker execution: the steps threads took, who holds which primitive
//! and who waits for what.
//!
//! Under `--cfg loom` or `--cfg shuttle` the primitives report here when a thread acquires,
//! releases, starts or stops waiting; programs add their own steps with [`step`] and name their
//! primitives with [`label`]. When an execution stops with every thread waiting, [`blocked`]
//! tells which threads were stuck, on what, and what they held: the wait-for graph, from this
//! crate's own record.
//!
//! Threads are known by identity (a number the facade gives each thread) and
//! named as Python names them: a thread's own name, else `Thread-1`, `Thread-2`, ... in the
//! order they were spawned, and `MainThread` for the thread that runs the program. Objects
//! are known by a number each gets when it is made, in that execution: an object made after
//! another was dropped is a new object, even at the same address. Unlabelled objects are
//! called by their kind and their number among objects of that kind, such as `Lock#2`.
//!
//! All of a checker's threads run on one operating-system thread, so the record is kept per
//! operating-system thread: checker tests running in parallel do not mix their records. The
//! explorer starts a new record at the start of each execution.
//!
//! In a normal build nothing is recorded and every function here does nothing, at no cost.

use std::fmt;

/// One recorded step of an execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    /// The thread's name: its own, or Python's default (`Thread-1`, ..., `MainThread`).
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
    /// What it waits for, such as `acquire lock_a`, `wait event` or `join Thread-2`.
    pub waits_for: String,
    /// The name of the object it waits on (for a join, the thread it joins).
    pub object: String,
    /// The names of what it holds, sorted.
    pub holds: Vec<String>,
    /// Who holds the object it waits on (for locks: in the order they took it; for a join,
    /// the thread joined while it runs).
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

/// A primitive the trace can name: every primitive of this crate. See [`label`].
pub trait Traced: sealed::Sealed {}

impl<T: sealed::Sealed + ?Sized> Traced for T {}

pub(crate) use sealed::{Id, Sealed};

mod sealed {
    /// An object's identity in the trace: its kind and, in checker builds, the number it got
    /// when it was made. Nothing at all in a normal build.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Id {
        #[cfg(any(loom, shuttle))]
        pub(super) number: usize,
        #[cfg(any(loom, shuttle))]
        pub(super) kind: &'static str,
    }

    /// How a primitive gives its identity to the trace.
    pub trait Sealed {
        /// The primitive's identity.
        fn trace_id(&self) -> Id;
    }
}

impl Id {
    /// A new object of kind `kind` (`Lock`, `Queue`...), numbered in this execution.
    #[inline(always)]
    pub(crate) fn new(kind: &'static str) -> Self {
        #[cfg(any(loom, shuttle))]
        {
            record::new_object(kind)
        }
        #[cfg(not(any(loom, shuttle)))]
        {
            let _ = kind;
            Self {}
        }
    }
}

/// Implements [`Traced`] for a primitive whose identity is the field path `$($field).+`.
macro_rules! traced {
    ($type:ty, $($field:ident).+) => {
        impl $crate::sync::trace::Sealed for $type {
            #[inline(always)]
            fn trace_id(&self) -> $crate::sync::trace::Id {
                self.$($field).+
            }
        }
    };
}
pub(crate) use traced;

#[cfg(any(loom, shuttle))]
mod record {
    use super::{Blocked, Id, Step};
    use std::cell::RefCell;
    use std::collections::{BTreeMap, HashMap};

    struct Object {
        kind: &'static str,
        /// Its number among the objects of its kind.
        number: usize,
        label: Option<String>,
    }

    struct Thread {
        name: String,
        /// The thread as an object: joins wait on it until it finishes.
        object: Id,
    }

    #[derive(Default)]
    struct Record {
        /// Object `n` is `objects[n - 1]`.
        objects: Vec<Object>,
        per_kind: HashMap<&'static str, usize>,
        /// token -> the thread, for every thread that has started in this execution.
        threads: HashMap<usize, Thread>,
        /// The threads (their objects' numbers) spawned and not finished, started or not.
        unfinished: Vec<usize>,
        /// A started thread's object number -> its token.
        tokens: HashMap<usize, usize>,
        /// Unnamed threads spawned so far: the next is `Thread-{n + 1}`.
        unnamed: usize,
        steps: Vec<Step>,
        /// object -> holders' tokens, in acquisition order (a thread appears once per hold).
        holders: HashMap<usize, Vec<usize>>,
        /// token -> (object, what it waits for)
        waiting: BTreeMap<usize, (Id, String)>,
        /// How many waits ended by timing out.
        timeouts: usize,
    }

    std::thread_local! {
        static RECORD: RefCell<Record> = RefCell::new(Record::default());
    }

    fn with<R>(f: impl FnOnce(&mut Record) -> R) -> R {
        RECORD.with(|record| f(&mut record.borrow_mut()))
    }

    fn me() -> usize {
        crate::sync::thread::token()
    }

    impl Record {
        fn new_object(&mut self, kind: &'static str) -> Id {
            let number = self.per_kind.entry(kind).or_insert(0);
            *number += 1;
            self.objects.push(Object {
                kind,
                number: *number,
                label: None,
            });
            Id {
                number: self.objects.len(),
                kind,
            }
        }

        fn object(&self, id: Id) -> Option<&Object> {
            // An object from an earlier execution (made outside the explorer) is not this one.
            self.objects
                .get(id.number.wrapping_sub(1))
                .filter(|o| o.kind == id.kind)
        }

        fn name(&self, id: Id) -> String {
            match self.object(id) {
                Some(Object {
                    label: Some(label), ..
                }) => label.clone(),
                Some(object) => format!("{}#{}", object.kind, object.number),
                None => format!("{}#?", id.kind),
            }
        }

        fn thread_name(&self, token: usize) -> String {
            if let Some(thread) = self.threads.get(&token) {
                return thread.name.clone();
            }
            // A thread the record never saw start: the checker's own first thread, or one
            // spawned around the facade.
            match crate::sync::thread::current().name() {
                // std calls its first thread `main`, shuttle `main-thread`, loom leaves it
                // unnamed.
                None | Some("main") | Some("main-thread") => "MainThread".to_owned(),
                Some(name) => name.to_owned(),
            }
        }

        fn push(&mut self, action: String, value: String) {
            let thread = self.thread_name(me());
            self.steps.push(Step {
                thread,
                action,
                value,
                at: crate::sync::time::now(),
            });
        }

        fn start_thread(&mut self, token: usize, name: String, object: Id) {
            self.tokens.insert(object.number, token);
            self.threads.insert(token, Thread { name, object });
        }

        /// Who holds `object` now: its holders, or for a thread, the thread itself until it
        /// finishes.
        fn held_by(&self, object: Id) -> Vec<String> {
            if object.kind == "Thread" {
                return if self.unfinished.contains(&object.number) {
                    vec![self.name(object)]
                } else {
                    Vec::new()
                };
            }
            self.holders
                .get(&object.number)
                .map(|holders| holders.iter().map(|t| self.thread_name(*t)).collect())
                .unwrap_or_default()
        }
    }

    pub(super) fn reset() {
        with(|r| {
            *r = Record::default();
            let main = r.new_object("Thread");
            r.objects[main.number - 1].label = Some("MainThread".to_owned());
            r.unfinished.push(main.number);
            r.start_thread(me(), "MainThread".to_owned(), main);
        });
    }

    pub(super) fn new_object(kind: &'static str) -> Id {
        with(|r| r.new_object(kind))
    }

    pub(super) fn label(id: Id, name: String) {
        with(|r| {
            let number = id.number.wrapping_sub(1);
            if let Some(object) = r.objects.get_mut(number).filter(|o| o.kind == id.kind) {
                object.label = Some(name);
            }
        });
    }

    pub(super) fn spawning(name: Option<&str>) -> (String, Id) {
        with(|r| {
            let name = match name {
                Some(name) => name.to_owned(),
                None => {
                    r.unnamed += 1;
                    format!("Thread-{}", r.unnamed)
                }
            };
            let object = r.new_object("Thread");
            r.objects[object.number - 1].label = Some(name.clone());
            r.unfinished.push(object.number);
            (name, object)
        })
    }

    pub(super) fn started(name: String, object: Id) {
        with(|r| r.start_thread(me(), name, object));
    }

    pub(super) fn joining(object: Id) {
        let token = me();
        with(|r| {
            if r.unfinished.contains(&object.number) {
                let name = r.name(object);
                r.waiting.insert(token, (object, format!("join {name}")));
            }
        });
    }

    pub(super) fn finished() {
        let token = me();
        with(|r| {
            r.waiting.remove(&token);
            if let Some(object) = r.threads.get(&token).map(|t| t.object) {
                r.unfinished.retain(|o| *o != object.number);
            }
        });
    }

    pub(super) fn step(action: String, value: String) {
        with(|r| r.push(action, value));
    }

    pub(super) fn step_on(id: Id, verb: &'static str, detail: String) {
        with(|r| {
            let name = r.name(id);
            let action = if detail.is_empty() {
                format!("{verb} {name}")
            } else {
                format!("{verb} {name} {detail}")
            };
            r.push(action, String::new());
        });
    }

    pub(super) fn acquired(id: Id, verb: &'static str) {
        let token = me();
        with(|r| {
            let name = r.name(id);
            r.waiting.remove(&token);
            r.holders.entry(id.number).or_default().push(token);
            r.push(format!("{verb} {name}"), "ok".to_owned());
        });
    }

    pub(super) fn released(id: Id, verb: &'static str) {
        let token = me();
        with(|r| {
            let name = r.name(id);
            if let Some(holders) = r.holders.get_mut(&id.number) {
                // The releasing thread's own hold goes first; any thread may release a Lock.
                let at = holders.iter().rposition(|h| *h == token).unwrap_or(0);
                if at < holders.len() {
                    holders.remove(at);
                }
            }
            r.push(format!("{verb} {name}"), String::new());
        });
    }

    pub(super) fn blocking(id: Id, verb: &'static str) {
        let token = me();
        with(|r| {
            let name = r.name(id);
            let held_by = r.held_by(id);
            let value = if held_by.is_empty() {
                "blocks".to_owned()
            } else {
                format!("blocks: held by {}", held_by.join(", "))
            };
            r.waiting.insert(token, (id, format!("{verb} {name}")));
            r.push(format!("{verb} {name}"), value);
        });
    }

    pub(super) fn unblocked() {
        let token = me();
        with(|r| {
            r.waiting.remove(&token);
        });
    }

    pub(super) fn timed_out(id: Id, verb: &'static str) {
        with(|r| {
            r.timeouts += 1;
            let name = r.name(id);
            r.push(format!("{verb} {name}"), "timed out".to_owned());
        });
    }

    pub(super) fn timeouts() -> usize {
        with(|r| r.timeouts)
    }

    pub(super) fn steps() -> Vec<Step> {
        with(|r| r.steps.clone())
    }

    pub(super) fn stuck() -> bool {
        with(|r| {
            !r.unfinished.is_empty()
                && r.unfinished.iter().all(|object| {
                    r.tokens
                        .get(object)
                        .is_some_and(|token| r.waiting.contains_key(token))
                })
        })
    }

    pub(super) fn blocked() -> Vec<Blocked> {
        with(|r| {
            // In the order the threads were spawned (their objects' numbers), the main thread
            // first: the same in every execution, whatever the checker's thread ids.
            let mut waiting: Vec<_> = r.waiting.iter().collect();
            waiting.sort_by_key(|(token, _)| r.threads.get(token).map(|t| t.object.number));
            waiting
                .into_iter()
                .map(|(token, (object, waits_for))| {
                    let mut holds: Vec<String> = r
                        .holders
                        .iter()
                        .filter(|(_, holders)| holders.contains(token))
                        .map(|(number, _)| {
                            r.name(Id {
                                number: *number,
                                kind: r.objects[*number - 1].kind,
                            })
                        })
                        .collect();
                    holds.sort();
                    Blocked {
                        thread: r.thread_name(*token),
                        waits_for: waits_for.clone(),
                        object: r.name(*object),
                        holds,
                        object_held_by: r.held_by(*object),
                    }
                })
                .collect()
        })
    }
}

#[cfg(not(any(loom, shuttle)))]
mod record {
    use super::{Blocked, Id, Step};

    #[inline(always)]
    pub(super) fn reset() {}
    #[inline(always)]
    pub(super) fn label(_id: Id, _name: String) {}
    #[inline(always)]
    pub(super) fn step(_action: String, _value: String) {}
    #[inline(always)]
    pub(super) fn step_on(_id: Id, _verb: &'static str, _detail: String) {}
    #[inline(always)]
    pub(super) fn acquired(_id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(super) fn released(_id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(super) fn blocking(_id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(super) fn unblocked() {}
    #[inline(always)]
    pub(super) fn timed_out(_id: Id, _verb: &'static str) {}
    pub(super) fn timeouts() -> usize {
        0
    }
    pub(super) fn steps() -> Vec<Step> {
        Vec::new()
    }
    pub(super) fn stuck() -> bool {
        false
    }
    pub(super) fn blocked() -> Vec<Blocked> {
        Vec::new()
    }
}

/// True in checker builds, where this module records; false in a normal build.
pub(crate) const ENABLED: bool = cfg!(any(loom, shuttle));

/// Starts a new record for an execution run by the calling thread, `MainThread`.
pub(crate) fn reset() {
    record::reset();
}

/// Names `primitive` in the trace (`lock_a`, `event`...) for the rest of the execution.
/// Unlabelled primitives are called by their kind and number, such as `Lock#1`.
pub fn label<T: Traced + ?Sized>(primitive: &T, name: impl Into<String>) {
    if ENABLED {
        record::label(primitive.trace_id(), name.into());
    }
}

/// Records a step of the calling thread: what it did, and what it saw.
pub fn step(action: impl Into<String>, value: impl fmt::Display) {
    if ENABLED {
        record::step(action.into(), value.to_string());
    }
}

/// The action of a step that [`print`] records.
pub(crate) const PRINT: &str = "print";

/// Records a line the program prints (Python's `print(line)`): a step of the calling thread,
/// and a line of the execution's output, which a [`Check`](crate::check::Check) can collect.
pub fn print(line: impl fmt::Display) {
    step(PRINT, line);
}

/// The steps recorded so far in this execution, in the order they happened.
pub(crate) fn steps() -> Vec<Step> {
    record::steps()
}

/// The threads waiting now, each with what it waits for and what it holds: when an execution
/// stops with every thread waiting, this is the wait-for graph.
pub fn blocked() -> Vec<Blocked> {
    record::blocked()
}

/// Whether every thread of the execution that has started and not finished is waiting on a
/// primitive or a join: the execution can go no further without a timeout.
pub(crate) fn stuck() -> bool {
    record::stuck()
}

/// How many waits of this execution ended by timing out.
pub(crate) fn timeouts() -> usize {
    record::timeouts()
}

/// The name and identity for a thread about to be spawned: `name`, or the next `Thread-N`.
#[cfg(any(loom, shuttle))]
pub(crate) fn spawning(name: Option<&str>) -> (String, Id) {
    record::spawning(name)
}

/// The calling thread, just spawned with `name` and `object` from [`spawning`], has started.
#[cfg(any(loom, shuttle))]
pub(crate) fn started(name: String, object: Id) {
    record::started(name, object);
}

/// The calling thread has finished: it no longer runs, holds itself or waits. A thread that
/// finishes by panicking is left as it was: it did not finish its work, and a checker may be
/// unwinding it after its execution is gone.
pub(crate) fn finished() {
    #[cfg(any(loom, shuttle))]
    if !std::thread::panicking() {
        record::finished();
    }
}

/// The calling thread joins the thread `object`: recorded as waiting for it while it runs (no
/// step is recorded: a join shows in the trace only when an execution stops in it).
#[cfg(any(loom, shuttle))]
pub(crate) fn joining(object: Id) {
    record::joining(object);
}

/// Records a step of the calling thread on `id` that changes nobody's holds or waits: a nested
/// acquire of a reentrant lock (`acquire r_lock (count 2)`), a notify. The action is `verb`,
/// the object's name, then `detail` unless it is empty.
#[inline(always)]
pub(crate) fn step_on(id: Id, verb: &'static str, detail: impl fmt::Display) {
    if ENABLED {
        record::step_on(id, verb, detail.to_string());
    }
}

/// Records that the calling thread now holds `id` (`verb` says how, such as `acquire`).
#[inline(always)]
pub(crate) fn acquired(id: Id, verb: &'static str) {
    record::acquired(id, verb);
}

/// Records that `id` was released by the calling thread (or, for a `Lock`, on its behalf).
#[inline(always)]
pub(crate) fn released(id: Id, verb: &'static str) {
    record::released(id, verb);
}

/// Records that the calling thread is about to block on `id` (`verb`: `acquire`, `wait`...).
#[inline(always)]
pub(crate) fn blocking(id: Id, verb: &'static str) {
    record::blocking(id, verb);
}

/// Records that the calling thread stopped waiting without acquiring anything (a wait that was
/// notified, or timed out). Not while the thread panics: a checker that stops an execution
/// with every thread waiting may unwind the waiting threads, and the record of their waits must
/// stay as it was.
#[inline(always)]
pub(crate) fn unblocked() {
    if !std::thread::panicking() {
        record::unblocked();
    }
}

/// Records that the calling thread's wait to `verb` `id` timed out.
#[inline(always)]
pub(crate) fn timed_out(id: Id, verb: &'static str) {
    record::timed_out(id, verb);
}
