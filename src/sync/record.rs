//! The facade's part of the trace (`crate::trace`): the record itself, which exists only in
//! checker builds, and an object's identity, which is nothing at all in a normal build. The
//! trace's functions call these; here alone the two builds differ.

pub(crate) use imp::*;
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
    use super::Id;
    use crate::trace::{Blocked, Step};
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

    pub(crate) fn reset() {
        with(|r| {
            *r = Record::default();
            let main = r.new_object("Thread");
            r.objects[main.number - 1].label = Some("MainThread".to_owned());
            r.unfinished.push(main.number);
            r.start_thread(me(), "MainThread".to_owned(), main);
        });
    }

    pub(crate) fn new_object(kind: &'static str) -> Id {
        with(|r| r.new_object(kind))
    }

    pub(crate) fn label(id: Id, name: String) {
        with(|r| {
            let number = id.number.wrapping_sub(1);
            if let Some(object) = r.objects.get_mut(number).filter(|o| o.kind == id.kind) {
                object.label = Some(name);
            }
        });
    }

    /// The name and identity for a thread about to be spawned: `name`, or the next
    /// `Thread-N`.
    pub(crate) fn spawning(name: Option<&str>) -> (String, Id) {
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

    /// The calling thread, just spawned with `name` and `object` from `spawning`, started.
    pub(crate) fn started(name: String, object: Id) {
        with(|r| r.start_thread(me(), name, object));
    }

    /// The calling thread joins the thread `object`: recorded as waiting for it while it runs
    /// (no step is recorded: a join shows in the trace only when an execution stops in it).
    pub(crate) fn joining(object: Id) {
        let token = me();
        with(|r| {
            if r.unfinished.contains(&object.number) {
                let name = r.name(object);
                r.waiting.insert(token, (object, format!("join {name}")));
            }
        });
    }

    pub(crate) fn finished() {
        let token = me();
        with(|r| {
            r.waiting.remove(&token);
            if let Some(object) = r.threads.get(&token).map(|t| t.object) {
                r.unfinished.retain(|o| *o != object.number);
            }
        });
    }

    pub(crate) fn step(action: String, value: String) {
        with(|r| r.push(action, value));
    }

    pub(crate) fn step_on(id: Id, verb: &'static str, detail: String) {
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

    pub(crate) fn acquired(id: Id, verb: &'static str) {
        let token = me();
        with(|r| {
            let name = r.name(id);
            r.waiting.remove(&token);
            r.holders.entry(id.number).or_default().push(token);
            r.push(format!("{verb} {name}"), "ok".to_owned());
        });
    }

    pub(crate) fn released(id: Id, verb: &'static str) {
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

    pub(crate) fn blocking(id: Id, verb: &'static str) {
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

    pub(crate) fn unblocked() {
        let token = me();
        with(|r| {
            r.waiting.remove(&token);
        });
    }

    pub(crate) fn timed_out(id: Id, verb: &'static str) {
        with(|r| {
            r.timeouts += 1;
            let name = r.name(id);
            r.push(format!("{verb} {name}"), "timed out".to_owned());
        });
    }

    pub(crate) fn timeouts() -> usize {
        with(|r| r.timeouts)
    }

    pub(crate) fn steps() -> Vec<Step> {
        with(|r| r.steps.clone())
    }

    pub(crate) fn stuck() -> bool {
        with(|r| {
            !r.unfinished.is_empty()
                && r.unfinished.iter().all(|object| {
                    r.tokens
                        .get(object)
                        .is_some_and(|token| r.waiting.contains_key(token))
                })
        })
    }

    pub(crate) fn blocked() -> Vec<Blocked> {
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
mod imp {
    use super::Id;
    use crate::trace::{Blocked, Step};

    #[inline(always)]
    pub(crate) fn reset() {}
    #[inline(always)]
    pub(crate) fn label(_id: Id, _name: String) {}
    #[inline(always)]
    pub(crate) fn step(_action: String, _value: String) {}
    #[inline(always)]
    pub(crate) fn step_on(_id: Id, _verb: &'static str, _detail: String) {}
    #[inline(always)]
    pub(crate) fn acquired(_id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(crate) fn released(_id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(crate) fn blocking(_id: Id, _verb: &'static str) {}
    #[inline(always)]
    pub(crate) fn unblocked() {}
    #[inline(always)]
    pub(crate) fn finished() {}
    #[inline(always)]
    pub(crate) fn timed_out(_id: Id, _verb: &'static str) {}
    pub(crate) fn timeouts() -> usize {
        0
    }
    pub(crate) fn steps() -> Vec<Step> {
        Vec::new()
    }
    pub(crate) fn stuck() -> bool {
        false
    }
    pub(crate) fn blocked() -> Vec<Blocked> {
        Vec::new()
    }
}

/// True in checker builds, where the trace records; false in a normal build.
pub(crate) const ENABLED: bool = cfg!(any(loom, shuttle));
