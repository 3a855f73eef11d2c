//! The record of one execution: the steps threads took, who holds which object, and who waits
//! for what. It exists only in checker builds; in a normal build every function here does
//! nothing, at no cost, and an object's identity is nothing at all.
//!
//! Callers say which thread acts: `me` is the facade's number for the calling thread (see
//! `sync::thread::token`). Threads spawned through the facade are named when they start
//! (`started`); the first unknown number the record meets after `reset` is the thread that runs
//! the program, `MainThread`. Objects are known by the number each gets when it is made, in
//! that execution: an object made after another was dropped is a new object, even at the same
//! address.
//!
//! All of a checker's threads run on one operating-system thread, so the record is kept per
//! operating-system thread: checker tests running in parallel do not mix their records.

pub(crate) use imp::*;
pub(crate) use sealed::{Id, Sealed};

/// True in checker builds, where the record records; false in a normal build.
pub(crate) const ENABLED: bool = cfg!(any(loom, shuttle));

/// The action of a step that records a line the program printed.
pub(crate) const PRINT: &str = "print";

/// One step of an execution.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Step {
    /// 1-based position in the execution.
    pub step: usize,
    /// When, in seconds on the virtual clock (0 under any timing).
    pub seconds: f64,
    /// The thread that took it, as Python names it (`MainThread`, `Thread-1`, or its name).
    pub thread: String,
    /// What it did, such as `acquire lock_a`.
    pub action: String,
    /// What it saw or got, such as `ok` or `blocks: held by Thread-1`; empty if nothing.
    pub value: String,
    /// The thread this step's thread was switched in for although that thread could have gone
    /// on (a preemption), on the first step after the switch; `None` if there was none. Marked
    /// under shuttle; loom does not say which of its switches preempt.
    #[cfg_attr(feature = "serde", serde(default))]
    pub preempts: Option<String>,
}

/// What an operation on an atomic did, for the record to follow its values: it read one, or
/// left one in the atomic; and whether its ordering was `SeqCst`.
#[derive(Clone, Debug)]
#[cfg_attr(
    not(any(loom, shuttle)),
    expect(dead_code, reason = "a normal build records nothing")
)]
pub(crate) enum Access {
    /// A load (or a failed compare-exchange) that saw `seen`.
    Read { seen: String, seq_cst: bool },
    /// A store or a read-modify-write that left `now`.
    Write { now: String, seq_cst: bool },
}

/// An operation on an atomic, as the record keeps it beside its step: enough to tell, once
/// the execution ends, which write overwrote which (see `check::diagnosis::lost_update`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Touch {
    /// The step's position (1-based).
    pub(crate) step: usize,
    /// The thread that took it.
    pub(crate) thread: String,
    /// The atomic's number, and its name.
    pub(crate) object: usize,
    pub(crate) name: String,
    /// Whether it left a value in the atomic (a store or a read-modify-write), or only read.
    pub(crate) write: bool,
    /// The value it read, or left.
    pub(crate) value: String,
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

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

mod sealed {
    /// An object's identity in the record: its kind and, in checker builds, the number it got
    /// when it was made. Nothing at all in a normal build.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Id {
        #[cfg(any(loom, shuttle))]
        pub(super) number: usize,
        #[cfg(any(loom, shuttle))]
        pub(super) kind: &'static str,
    }

    /// How a primitive gives its identity to the record.
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
            imp::new_object(kind)
        }
        #[cfg(not(any(loom, shuttle)))]
        {
            let _ = kind;
            Self {}
        }
    }
}

#[cfg(any(loom, shuttle))]
mod imp {
    use super::{Access, Blocked, Id, Step, Touch};
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

    /// What a waiting thread waits for.
    struct Wait {
        object: Id,
        /// What it waits to do, such as `acquire lock_a` or `join Thread-2`.
        text: String,
        /// Only a thread that holds `object` can end the wait, and nothing else (no timeout)
        /// will: the wait is an edge of a wait-for cycle that nothing can break.
        owned: bool,
    }

    #[derive(Default)]
    struct Record {
        /// Object `n` is `objects[n - 1]`.
        objects: Vec<Object>,
        per_kind: HashMap<&'static str, usize>,
        /// The main thread's object, until the record has met the main thread.
        main: Option<Id>,
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
        /// token -> what it waits for
        waiting: BTreeMap<usize, Wait>,
        /// The deadlock whose closing ended the execution, as it was when it closed: the
        /// threads in the cycle, what each of the others was doing, and how many steps had
        /// been taken (the unwinding that ends the execution takes more).
        cycle: Option<(Vec<Blocked>, Vec<String>, usize)>,
        /// How many waits ended by timing out.
        timeouts: usize,
        /// object -> the value last left in it, in the order of the steps (atomics only).
        latest: HashMap<usize, String>,
        /// Some load saw an older value than the last one left in its atomic.
        stale_read: bool,
        /// Some operation on an atomic had a weaker ordering than `SeqCst`.
        weaker_than_seq_cst: bool,
        /// Every operation on an atomic, in the order of the steps.
        touches: Vec<Touch>,
        /// The last switch of threads, if it preempted one and the thread switched to has
        /// taken no step since: (the thread switched to, the thread preempted), as tokens.
        preemption: Option<(usize, usize)>,
    }

    std::thread_local! {
        static RECORD: RefCell<Record> = RefCell::new(Record::default());
    }

    /// Runs `f` on the record, with the calling thread `me` known to it.
    fn with<R>(me: usize, f: impl FnOnce(&mut Record) -> R) -> R {
        RECORD.with(|record| {
            let mut record = record.borrow_mut();
            record.meet(me);
            f(&mut record)
        })
    }

    /// Runs `f` on the record, for a caller that is no thread in particular.
    fn with_record<R>(f: impl FnOnce(&mut Record) -> R) -> R {
        RECORD.with(|record| f(&mut record.borrow_mut()))
    }

    impl Record {
        /// Every thread spawned through the facade is named as it starts; so the first other
        /// thread met is the one that runs the program.
        fn meet(&mut self, me: usize) {
            if !self.threads.contains_key(&me) {
                if let Some(main) = self.main.take() {
                    self.start_thread(me, "MainThread".to_owned(), main);
                }
            }
        }

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
            match self.threads.get(&token) {
                Some(thread) => thread.name.clone(),
                // A thread started around the facade, which the record never saw start.
                None => "(a thread not started by threadproof)".to_owned(),
            }
        }

        fn push(&mut self, me: usize, action: String, value: String) {
            let thread = self.thread_name(me);
            let preempts = match self.preemption {
                Some((to, from)) if to == me => {
                    self.preemption = None;
                    Some(self.thread_name(from))
                }
                _ => None,
            };
            self.steps.push(Step {
                preempts,
                step: self.steps.len() + 1,
                seconds: super::super::clock::now_for_record().as_secs_f64(),
                thread,
                action,
                value,
            });
        }

        fn start_thread(&mut self, token: usize, name: String, object: Id) {
            self.tokens.insert(object.number, token);
            self.threads.insert(token, Thread { name, object });
        }

        fn finish(&mut self, token: usize, object: Id) {
            self.waiting.remove(&token);
            self.unfinished.retain(|o| *o != object.number);
        }

        /// Whether `me`'s wait, just recorded, closes a cycle of waits that only the waiting
        /// threads could end (see [`Wait::owned`]); if so, the cycle is kept for [`cycle`].
        fn closes_cycle(&mut self, me: usize) -> bool {
            let mut path = vec![me];
            let mut current = me;
            loop {
                let Some(wait) = self.waiting.get(&current).filter(|w| w.owned) else {
                    return false;
                };
                let holder = if wait.object.kind == "Thread" {
                    self.tokens.get(&wait.object.number).copied()
                } else {
                    self.holders
                        .get(&wait.object.number)
                        .and_then(|holders| holders.iter().copied().find(|h| *h != current))
                };
                match holder {
                    Some(next) if next == me => {
                        self.cycle = Some(self.deadlock(&path));
                        return true;
                    }
                    Some(next) if !path.contains(&next) => {
                        path.push(next);
                        current = next;
                    }
                    // Nobody holds it, or a cycle that does not pass through `me` (closed
                    // earlier by a wait that was not owned).
                    _ => return false,
                }
            }
        }

        /// The threads waiting now, each with what it waits for and what it holds.
        fn blocked(&self) -> Vec<Blocked> {
            let r = self;
            // In the order the threads were spawned (their objects' numbers), the main thread
            // first: the same in every execution, whatever the checker's thread ids.
            let mut waiting: Vec<_> = r.waiting.iter().collect();
            waiting.sort_by_key(|(token, _)| r.threads.get(token).map(|t| t.object.number));
            waiting
                .into_iter()
                .map(|(token, wait)| {
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
                        waits_for: wait.text.clone(),
                        object: r.name(wait.object),
                        holds,
                        object_held_by: r.held_by(wait.object),
                    }
                })
                .collect()
        }

        /// The deadlock of the cycle of threads `path`, now: the threads in it, what each of
        /// the others is doing, and how many steps have been taken.
        fn deadlock(&self, path: &[usize]) -> (Vec<Blocked>, Vec<String>, usize) {
            let names: Vec<String> = path.iter().map(|t| self.thread_name(*t)).collect();
            let (mut cycle, waiting): (Vec<Blocked>, Vec<Blocked>) = self
                .blocked()
                .into_iter()
                .partition(|b| names.contains(&b.thread));
            cycle.sort_by_key(|b| names.iter().position(|n| *n == b.thread));
            let mut others: Vec<(usize, String)> = self
                .unfinished
                .iter()
                .filter_map(|object| match self.tokens.get(object) {
                    Some(token) => {
                        let name = self.thread_name(*token);
                        let doing = match waiting.iter().find(|b| b.thread == name) {
                            Some(b) => format!("{name} was blocked in `{}`", b.waits_for),
                            None => format!("{name} was still running"),
                        };
                        (!names.contains(&name)).then_some((*object, doing))
                    }
                    // Spawned, and not yet run: it could run.
                    None => {
                        let name = self.objects[object - 1].label.clone()?;
                        Some((*object, format!("{name} had not started yet")))
                    }
                })
                .collect();
            others.sort();
            let others = others.into_iter().map(|(_, o)| o).collect();
            (cycle, others, self.steps.len())
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

    /// Starts a new record for an execution: only the main thread, not started yet.
    pub(crate) fn reset() {
        with_record(|r| {
            *r = Record::default();
            let main = r.new_object("Thread");
            r.objects[main.number - 1].label = Some("MainThread".to_owned());
            r.unfinished.push(main.number);
            r.main = Some(main);
        });
    }

    pub(crate) fn new_object(kind: &'static str) -> Id {
        with_record(|r| r.new_object(kind))
    }

    pub(crate) fn label(id: Id, name: String) {
        with_record(|r| {
            let number = id.number.wrapping_sub(1);
            if let Some(object) = r.objects.get_mut(number).filter(|o| o.kind == id.kind) {
                object.label = Some(name);
            }
        });
    }

    /// The name and identity for a thread that `me` is about to spawn: `name`, or the next
    /// `Thread-N`.
    pub(crate) fn spawning(me: usize, name: Option<&str>) -> (String, Id) {
        with(me, |r| {
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

    /// The thread `me`, just spawned with `name` and `object` from `spawning`, started.
    pub(crate) fn started(me: usize, name: String, object: Id) {
        with_record(|r| r.start_thread(me, name, object));
    }

    /// `me` joins the thread `object`: recorded as waiting for it while it runs (no step is
    /// recorded: a join shows in the trace only when an execution stops in it).
    pub(crate) fn joining(me: usize, object: Id) {
        let closes_cycle = with(me, |r| {
            if r.unfinished.contains(&object.number) {
                let name = r.name(object);
                let wait = Wait {
                    object,
                    text: format!("join {name}"),
                    owned: true,
                };
                r.waiting.insert(me, wait);
            }
            r.closes_cycle(me)
        });
        if closes_cycle {
            end_at_cycle();
        }
    }

    /// The thread `me` has finished: it no longer runs, holds itself or waits.
    pub(crate) fn finished(me: usize) {
        with(me, |r| {
            if let Some(object) = r.threads.get(&me).map(|t| t.object) {
                r.finish(me, object);
            }
        });
    }

    /// The program has returned: the main thread has finished.
    pub(crate) fn main_finished() {
        with_record(|r| {
            let main = r.tokens.get(&1).map(|&token| {
                (
                    token,
                    Id {
                        number: 1,
                        kind: "Thread",
                    },
                )
            });
            match main {
                Some((token, object)) => r.finish(token, object),
                None => r.unfinished.retain(|o| *o != 1),
            }
        });
    }

    pub(crate) fn step(me: usize, action: String, value: String) {
        with(me, |r| r.push(me, action, value));
    }

    /// Records `me`'s operation on the atomic `id`: `action` makes the step's action from the
    /// atomic's name, `value` is what the operation returned, and `access` what it read or left.
    /// A load that sees an older value than the last one left in the atomic (which loom's
    /// weak memory allows) says so in the step's value.
    pub(crate) fn access(
        me: usize,
        id: Id,
        action: impl FnOnce(&str) -> String,
        value: String,
        access: Access,
    ) {
        with(me, |r| {
            let name = r.name(id);
            let mut value = value;
            let (write, touched) = match &access {
                Access::Read { seen, .. } => (false, seen.clone()),
                Access::Write { now, .. } => (true, now.clone()),
            };
            r.touches.push(Touch {
                step: r.steps.len() + 1,
                thread: r.thread_name(me),
                object: id.number,
                name: name.clone(),
                write,
                value: touched,
            });
            match access {
                Access::Read { seen, seq_cst } => {
                    r.weaker_than_seq_cst |= !seq_cst;
                    match r.latest.get(&id.number) {
                        Some(latest) if *latest != seen => {
                            // Why it could: loom's weak memory, which `SeqCst` rules out.
                            let why = if seq_cst {
                                ""
                            } else {
                                ", which a load weaker than SeqCst may read"
                            };
                            value =
                                format!("{value} (an older value: {latest} was written last{why})");
                            r.stale_read = true;
                        }
                        Some(_) => {}
                        None => {
                            r.latest.insert(id.number, seen);
                        }
                    }
                }
                Access::Write { now, seq_cst } => {
                    r.weaker_than_seq_cst |= !seq_cst;
                    r.latest.insert(id.number, now);
                }
            }
            r.push(me, action(&name), value);
        });
    }

    /// Whether, in this execution, a load saw an older value than the last one left in its
    /// atomic although every operation on an atomic was `SeqCst`: an execution that sequential
    /// consistency, which `SeqCst` promises, does not allow.
    pub(crate) fn stale_seq_cst_read() -> bool {
        with_record(|r| r.stale_read && !r.weaker_than_seq_cst)
    }

    /// Whether, in this execution, a load saw an older value than the last one left in its
    /// atomic (loom's weak memory), whatever its ordering.
    pub(crate) fn stale_read() -> bool {
        with_record(|r| r.stale_read)
    }

    pub(crate) fn step_on(me: usize, id: Id, verb: &'static str, detail: String) {
        with(me, |r| {
            let name = r.name(id);
            let action = if detail.is_empty() {
                format!("{verb} {name}")
            } else {
                format!("{verb} {name} {detail}")
            };
            r.push(me, action, String::new());
        });
    }

    pub(crate) fn acquired(me: usize, id: Id, verb: &'static str) {
        with(me, |r| {
            let name = r.name(id);
            r.waiting.remove(&me);
            r.holders.entry(id.number).or_default().push(me);
            r.push(me, format!("{verb} {name}"), "ok".to_owned());
        });
    }

    pub(crate) fn released(me: usize, id: Id, verb: &'static str) {
        with(me, |r| {
            let name = r.name(id);
            if let Some(holders) = r.holders.get_mut(&id.number) {
                // The releasing thread's own hold goes first; any thread may release a Lock.
                let at = holders.iter().rposition(|h| *h == me).unwrap_or(0);
                if at < holders.len() {
                    holders.remove(at);
                }
            }
            r.push(me, format!("{verb} {name}"), String::new());
        });
    }

    /// `me` blocks to `verb` the object `id`; `forever` if no timeout can end the wait. If
    /// only the holders of the objects waited on can end the waits, and they wait for each
    /// other in a cycle that this wait closes, the execution ends here as a deadlock (see
    /// [`cycle`]).
    pub(crate) fn blocking(me: usize, id: Id, verb: &'static str, forever: bool) {
        let closes_cycle = with(me, |r| {
            let name = r.name(id);
            let held_by = r.held_by(id);
            let value = if held_by.is_empty() {
                "blocks".to_owned()
            } else {
                format!("blocks: held by {}", held_by.join(", "))
            };
            let wait = Wait {
                object: id,
                text: format!("{verb} {name}"),
                owned: forever && verb == "acquire" && OWNED.contains(&id.kind),
            };
            r.waiting.insert(me, wait);
            r.push(me, format!("{verb} {name}"), value);
            r.closes_cycle(me)
        });
        if closes_cycle {
            end_at_cycle();
        }
    }

    /// The kinds of lock that only their holder can release. A `Lock` is not one: CPython lets
    /// any thread release it, so a running thread may yet break a cycle of `Lock`s.
    const OWNED: [&str; 3] = ["RLock", "Mutex", "Condition"];

    /// Ends the execution at the wait-for cycle just closed: the checker's exploration finds
    /// it in the record ([`cycle`]).
    fn end_at_cycle() -> ! {
        panic!("threads wait for each other in a cycle nothing can break");
    }

    /// The deadlock that ended the execution when its cycle closed, if one did: the threads in
    /// the cycle, what each of the others was doing, and the steps up to the close.
    pub(crate) fn cycle() -> Option<(Vec<Blocked>, Vec<String>, Vec<Step>)> {
        with_record(|r| {
            let (cycle, others, steps) = r.cycle.clone()?;
            Some((cycle, others, r.steps[..steps].to_vec()))
        })
    }

    pub(crate) fn unblocked(me: usize) {
        with(me, |r| {
            r.waiting.remove(&me);
        });
    }

    pub(crate) fn timed_out(me: usize, id: Id, verb: &'static str) {
        with(me, |r| {
            r.timeouts += 1;
            let name = r.name(id);
            r.push(me, format!("{verb} {name}"), "timed out".to_owned());
        });
    }

    /// How many waits of this execution ended by timing out.
    pub(crate) fn timeouts() -> usize {
        with_record(|r| r.timeouts)
    }

    /// The steps recorded so far in this execution, in the order they happened.
    pub(crate) fn steps() -> Vec<Step> {
        with_record(|r| r.steps.clone())
    }

    /// Every operation on an atomic so far, in the order of the steps.
    pub(crate) fn touches() -> Vec<Touch> {
        with_record(|r| r.touches.clone())
    }

    /// The scheduler ran the thread `to` (a token) next: in place of `preempted`, if that
    /// thread could have gone on. The next step of `to` is marked, unless another switch comes
    /// first.
    #[cfg_attr(
        loom,
        expect(
            dead_code,
            reason = "only shuttle's schedulers say which switches preempt"
        )
    )]
    pub(crate) fn switched(to: usize, preempted: Option<usize>) {
        with_record(|r| match preempted {
            Some(from) => r.preemption = Some((to, from)),
            None if r.preemption.is_some_and(|(marked, _)| marked != to) => r.preemption = None,
            None => {}
        });
    }

    /// Whether every thread of the execution that has started and not finished is waiting on
    /// a primitive or a join: the execution can go no further without a timeout.
    pub(crate) fn stuck() -> bool {
        with_record(|r| {
            !r.unfinished.is_empty()
                && r.unfinished.iter().all(|object| {
                    r.tokens
                        .get(object)
                        .is_some_and(|token| r.waiting.contains_key(token))
                })
        })
    }

    /// The threads waiting now, each with what it waits for and what it holds.
    pub(crate) fn blocked() -> Vec<Blocked> {
        with_record(|r| r.blocked())
    }
}

#[cfg(not(any(loom, shuttle)))]
mod imp {
    use super::{Access, Blocked, Id, Step, Touch};

    #[inline(always)]
    pub(crate) fn reset() {}
    #[inline(always)]
    pub(crate) fn label(_id: Id, _name: String) {}
    #[inline(always)]
    pub(crate) fn main_finished() {}
    #[inline(always)]
    pub(crate) fn step(_me: usize, _action: String, _value: String) {}
    #[inline(always)]
    pub(crate) fn access(
        _me: usize,
        _id: Id,
        _action: impl FnOnce(&str) -> String,
        _value: String,
        _access: Access,
    ) {
    }
    pub(crate) fn stale_seq_cst_read() -> bool {
        false
    }
    pub(crate) fn stale_read() -> bool {
        false
    }
    #[inline(always)]
    pub(crate) fn step_on(_me: usize, _id: Id, _verb: &'static str, _detail: String) {}
    #[inline(always)]
    pub(crate) fn acquired(_me: usize, _id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(crate) fn released(_me: usize, _id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(crate) fn blocking(_me: usize, _id: Id, _verb: &'static str, _forever: bool) {}
    #[inline(always)]
    pub(crate) fn unblocked(_me: usize) {}
    #[inline(always)]
    pub(crate) fn timed_out(_me: usize, _id: Id, _verb: &'static str) {}
    pub(crate) fn timeouts() -> usize {
        0
    }
    pub(crate) fn steps() -> Vec<Step> {
        Vec::new()
    }
    pub(crate) fn touches() -> Vec<Touch> {
        Vec::new()
    }
    pub(crate) fn stuck() -> bool {
        false
    }
    pub(crate) fn blocked() -> Vec<Blocked> {
        Vec::new()
    }
    pub(crate) fn cycle() -> Option<(Vec<Blocked>, Vec<String>, Vec<Step>)> {
        None
    }
}
