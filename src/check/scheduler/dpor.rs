//! Depth-first search over shuttle's schedules with dynamic partial-order reduction: of the
//! interleavings that differ only in the order of steps that touch nothing in common, it runs
//! one. It is the exhaustive search under shuttle ([`Search::PROOF`](crate::check::Search)).
//!
//! The reduction is source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas,
//! "Source Sets: A Foundation for Optimal Dynamic Partial Order Reduction", JACM 2017,
//! Algorithm 1). Each execution is a sequence of steps: what one thread does between two
//! points where the checker may switch threads. What a step touches comes from the facade
//! (`check::runtime::access`); two steps conflict when they touch one object and one of them
//! writes it, and a step the facade did not describe conflicts with every step.
//!
//! After each step the search finds the earlier steps of other threads it conflicts with and
//! that do not already happen before it (races). For each race it makes sure that, at the
//! state before the earlier step, some thread is to be explored that can start the reversed
//! race: one of the *initials* of the steps that follow and do not depend on the earlier step.
//! Sleep sets keep it from exploring a thread at a state where an equivalent interleaving has
//! been explored: a thread explored at a state sleeps in the states after it until a step that
//! conflicts with it runs.
//!
//! What shapes the search to shuttle's model:
//! - A thread that tries to take a held lock runs a step (it finds the lock held) and blocks;
//!   that step touches the lock, so a release that would let it in first races with it.
//! - A join says when it can go on (its thread has finished): a joining thread is run only then,
//!   unless no other thread can run, so that a join is not a step that only blocks.
//! - An execution ends when the program's threads have finished, with detached threads (timers)
//!   perhaps still able to run: the end conflicts with each of them, so each is also explored
//!   at the last state, where it could have run first.
//! - With `whole_operations` (a user's check, see
//!   [`Check::inside_primitives`](crate::check::Check::inside_primitives)), a thread inside an
//!   operation of a primitive that can go on is not switched away from: the operation, up to
//!   where it blocks and from where it wakes, is part of one step.
//!
//! An execution in which every thread that could run is asleep stops there (it is *sleep-set
//! blocked*: what it would reach has been reached) and is counted in the report. Source sets
//! without wakeup trees do not avoid those executions altogether.
//!
//! `tests/checked/reduction.rs` compares the outcomes it reaches with plain depth-first
//! search's on hundreds of generated programs.
//!
//! A yielding thread lets the others go first, as [`bounded_dfs`](super::bounded_dfs) and loom
//! do: it is no option at the next choice if another thread can run. Its step (the yield) is
//! taken to conflict with everything, as the yield changes which threads the next choice may
//! pick.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};

use super::shared::Counts;
use crate::check::runtime::access::{self, Footprint, Kind, Object};
use crate::check::runtime::part;

/// A thread, by its shuttle task number.
type Thread = usize;

/// A vector clock: for each thread, how many of the execution's steps, counted up to and
/// including that thread's latest step that happens before, are known (the position + 1 of
/// that step; 0 for none).
type Clock = Vec<usize>;

fn join(into: &mut Clock, other: &Clock) {
    if into.len() < other.len() {
        into.resize(other.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(other) {
        *a = (*a).max(*b);
    }
}

fn get(clock: &Clock, thread: Thread) -> usize {
    clock.get(thread).copied().unwrap_or(0)
}

/// A state on the path of the current execution: the choice made there and what is left to
/// explore from it.
struct Node {
    /// The threads that may run here.
    options: Vec<Thread>,
    /// The thread run here in the current execution.
    chosen: Thread,
    /// The threads to explore here (those explored included).
    backtrack: Vec<Thread>,
    /// The threads explored here.
    done: Vec<Thread>,
    /// The threads asleep here, with what each one's step touches.
    sleep: Vec<(Thread, Footprint)>,
    /// What each explored thread's step touched.
    explored: Vec<(Thread, Footprint)>,
    /// At a split point of a split search (see `check::runtime::part`), every thread awake
    /// here, the first one run first: all are explored. Empty elsewhere.
    split: Vec<Thread>,
}

impl Node {
    fn asleep(&self, thread: Thread) -> bool {
        self.sleep.iter().any(|(t, _)| *t == thread)
    }
}

/// One step of the current execution.
struct Step {
    thread: Thread,
    clock: Clock,
}

pub(crate) struct Dpor {
    /// Each operation of a primitive is one step: no switch inside it unless it blocks.
    whole_operations: bool,
    nodes: Vec<Node>,
    started: bool,
    counts: Arc<Counts>,
    /// The next step's position in the current execution.
    position: usize,
    /// The current execution stopped early: every option was asleep, or it belongs to another
    /// part of a split search.
    stopped_early: bool,
    steps: Vec<Step>,
    /// The clock each thread's next step starts from.
    thread_clocks: HashMap<Thread, Clock>,
    /// The threads that have run a step in this execution.
    ran: Vec<Thread>,
    last_write: HashMap<Object, usize>,
    reads_since_write: HashMap<Object, Vec<usize>>,
    /// The steps since the last that touched everything, that one first.
    since_everything: Vec<usize>,
    last_everything: Option<usize>,
}

impl Dpor {
    pub(crate) fn new(counts: Arc<Counts>, whole_operations: bool) -> Self {
        Self {
            whole_operations,
            nodes: Vec::new(),
            started: false,
            counts,
            position: 0,
            stopped_early: false,
            steps: Vec::new(),
            thread_clocks: HashMap::new(),
            ran: Vec::new(),
            last_write: HashMap::new(),
            reads_since_write: HashMap::new(),
            since_everything: Vec::new(),
            last_everything: None,
        }
    }

    fn reset_execution(&mut self) {
        self.position = 0;
        self.stopped_early = false;
        self.steps.clear();
        self.thread_clocks.clear();
        self.ran.clear();
        self.last_write.clear();
        self.reads_since_write.clear();
        self.since_everything.clear();
        self.last_everything = None;
        access::begin_execution(true);
        part::begin_execution();
    }

    /// Whether step `a` happens before step `b` (`b_clock` is `b`'s clock).
    fn happens_before(&self, a: usize, b_clock: &Clock) -> bool {
        get(b_clock, self.steps[a].thread) > a
    }

    /// The step at `position`, by the node's chosen thread, is over and touched `footprint`:
    /// find its races, and give it its clock.
    fn end_step(&mut self, position: usize, footprint: Footprint) {
        let thread = self.nodes[position].chosen;
        let node = &mut self.nodes[position];
        match node.explored.iter_mut().find(|(t, _)| *t == thread) {
            Some((_, f)) => *f = footprint.clone(),
            None => node.explored.push((thread, footprint.clone())),
        }

        let mut candidates: Vec<usize> = if footprint.everything {
            self.since_everything.clone()
        } else {
            let mut candidates: Vec<usize> = self.last_everything.into_iter().collect();
            for &(object, kind) in &footprint.accesses {
                candidates.extend(self.last_write.get(&object));
                if kind == Kind::Write {
                    candidates.extend(self.reads_since_write.get(&object).into_iter().flatten());
                }
            }
            candidates
        };
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        candidates.dedup();

        let mut clock = self.thread_clocks.get(&thread).cloned().unwrap_or_default();
        // Latest first: a conflicting step that happens before a later one it conflicts with
        // is no race.
        for earlier in candidates {
            let other = self.steps[earlier].thread;
            if other != thread && !self.happens_before(earlier, &clock) {
                self.race(earlier, position, &clock);
            }
            let earlier_clock = self.steps[earlier].clock.clone();
            join(&mut clock, &earlier_clock);
        }
        if clock.len() <= thread {
            clock.resize(thread + 1, 0);
        }
        clock[thread] = position + 1;

        if footprint.everything {
            self.last_everything = Some(position);
            self.since_everything = vec![position];
        } else {
            self.since_everything.push(position);
            for &(object, kind) in &footprint.accesses {
                match kind {
                    Kind::Write => {
                        self.last_write.insert(object, position);
                        self.reads_since_write.remove(&object);
                    }
                    Kind::Read => self
                        .reads_since_write
                        .entry(object)
                        .or_default()
                        .push(position),
                }
            }
        }
        self.thread_clocks.insert(thread, clock.clone());
        self.steps.push(Step { thread, clock });
    }

    /// The step at `earlier` races with the step at `later` (whose clock so far is
    /// `later_clock`): at the state before `earlier`, explore a thread that can start the
    /// reversed race, unless one is to be explored there already.
    fn race(&mut self, earlier: usize, later: usize, later_clock: &Clock) {
        // The steps after `earlier` that do not depend on it, then `later`: a thread is an
        // initial if its first step among them has no step among them before it.
        let mut initials: Vec<Thread> = Vec::new();
        let mut seen: Vec<Thread> = Vec::new();
        let independent: Vec<usize> = (earlier + 1..later)
            .filter(|&k| !self.happens_before(earlier, &self.steps[k].clock))
            .collect();
        let clock_of = |k: usize| -> &Clock {
            if k == later {
                later_clock
            } else {
                &self.steps[k].clock
            }
        };
        let thread_of = |k: usize| {
            if k == later {
                self.nodes[later].chosen
            } else {
                self.steps[k].thread
            }
        };
        let sequence: Vec<usize> = independent.iter().copied().chain([later]).collect();
        for (i, &k) in sequence.iter().enumerate() {
            let thread = thread_of(k);
            if seen.contains(&thread) {
                continue;
            }
            seen.push(thread);
            let preceded = sequence[..i]
                .iter()
                .any(|&before| get(clock_of(k), self.steps[before].thread) > before);
            if !preceded {
                initials.push(thread);
            }
        }

        let node = &mut self.nodes[earlier];
        if initials.iter().any(|t| node.backtrack.contains(t)) {
            return;
        }
        let racer = self.nodes[later].chosen;
        let node = &mut self.nodes[earlier];
        let pick = if initials.contains(&racer) && node.options.contains(&racer) {
            Some(racer)
        } else {
            initials.iter().copied().find(|t| node.options.contains(t))
        };
        match pick {
            Some(thread) => node.backtrack.push(thread),
            // The racing thread could not run there: the earlier step is what let it run, so
            // the race cannot be reversed.
            None if !node.options.contains(&racer) => {}
            // Be safe: explore every thread there.
            None => {
                for &thread in &node.options {
                    if !node.backtrack.contains(&thread) {
                        node.backtrack.push(thread);
                    }
                }
            }
        }
    }

    /// The execution is over: the end conflicts with every thread still able to run.
    fn end_execution(&mut self) {
        if self.position > self.steps.len() {
            let footprint = access::end_step();
            self.end_step(self.position - 1, footprint);
        }
        if !part::mine() {
            self.counts.elsewhere.fetch_add(1, Ordering::Relaxed);
        }
        if self.stopped_early || self.position == 0 {
            return;
        }
        let node = &mut self.nodes[self.position - 1];
        for &thread in &node.options.clone() {
            if thread != node.chosen && !node.backtrack.contains(&thread) && !node.asleep(thread) {
                node.backtrack.push(thread);
            }
        }
    }
}

impl Scheduler for Dpor {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.started {
            self.end_execution();
            self.nodes.truncate(self.position);
            // The deepest state with a thread left to explore.
            loop {
                let Some(node) = self.nodes.last_mut() else {
                    access::begin_execution(false);
                    return None;
                };
                let next = node
                    .backtrack
                    .iter()
                    .copied()
                    .find(|t| !node.done.contains(t) && !node.asleep(*t));
                if let Some(thread) = next {
                    node.chosen = thread;
                    node.done.push(thread);
                    break;
                }
                self.nodes.pop();
            }
        }
        self.started = true;
        self.reset_execution();
        Some(Schedule::new(0))
    }

    fn next_task(
        &mut self,
        runnable: &[&Task],
        current: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        if self.whole_operations {
            if let Some(inside) = super::shared::inside_operation(runnable, current, is_yielding) {
                // Inside a primitive's operation, which can go on: its step goes on, and takes
                // in what the thread does next.
                access::goes_on(usize::from(inside) + 1);
                return Some(inside);
            }
        }
        if self.position > 0 {
            let ran = self.nodes[self.position - 1].chosen;
            if !runnable.iter().any(|t| usize::from(t.id()) == ran) {
                access::blocked(ran + 1);
            }
            let footprint = access::end_step();
            self.end_step(self.position - 1, footprint);
        }
        if part::elsewhere() {
            // Another part of the search explores the rest: this execution ran only to learn
            // what its steps touch.
            self.stopped_early = true;
            return None;
        }
        // A thread that is new since the last step was started by it.
        let parent_clock = self
            .steps
            .last()
            .map(|s| s.clock.clone())
            .unwrap_or_default();
        for task in runnable {
            self.thread_clocks
                .entry(usize::from(task.id()))
                .or_insert_with(|| parent_clock.clone());
        }

        let current = current.map(usize::from);
        let mut options: Vec<Thread> = runnable.iter().map(|t| usize::from(t.id())).collect();
        if is_yielding && options.len() > 1 {
            // A yielding thread lets the others go first.
            options.retain(|t| Some(*t) != current);
        }
        // A thread whose operation would only block (a join of a thread still running) waits
        // until it can go on, unless no other thread can run.
        if options.iter().any(|t| access::can_go_on(t + 1)) {
            options.retain(|t| access::can_go_on(t + 1));
        }

        let position = self.position;
        let chosen = if position < self.nodes.len() {
            let chosen = self.nodes[position].chosen;
            assert!(
                options.contains(&chosen),
                "the program did not do the same when run again with the same schedule: is \
                 it deterministic, and does it share data only through threadproof's types?"
            );
            chosen
        } else {
            let sleep = match position.checked_sub(1).map(|p| &self.nodes[p]) {
                None => Vec::new(),
                Some(previous) => {
                    let (_, step) = previous
                        .explored
                        .iter()
                        .find(|(t, _)| *t == previous.chosen)
                        .expect("the previous step ended");
                    previous
                        .sleep
                        .iter()
                        .chain(previous.explored.iter())
                        .filter(|(t, f)| *t != previous.chosen && !f.conflicts(step))
                        .cloned()
                        .collect()
                }
            };
            let awake = |t: &Thread| !sleep.iter().any(|(s, _)| s == t) && options.contains(t);
            let chosen = match current.filter(|c| awake(c)) {
                Some(c) => c,
                None => match options.iter().copied().find(|t| awake(t)) {
                    Some(t) => t,
                    None => {
                        self.stopped_early = true;
                        // An execution stopped after the program returned has its outcome:
                        // only detached threads (timers) were left to run.
                        if part::mine() && !access::main_has_finished() {
                            self.counts
                                .sleep_set_blocked
                                .fetch_add(1, Ordering::Relaxed);
                        }
                        return None;
                    }
                },
            };
            let awake: Vec<Thread> = options.iter().copied().filter(|t| awake(t)).collect();
            let split = if awake.len() > 1 && part::splitting() {
                std::iter::once(chosen)
                    .chain(awake.into_iter().filter(|t| *t != chosen))
                    .collect()
            } else {
                Vec::new()
            };
            self.nodes.push(Node {
                options: options.clone(),
                chosen,
                backtrack: if split.is_empty() {
                    vec![chosen]
                } else {
                    split.clone()
                },
                done: vec![chosen],
                sleep,
                explored: Vec::new(),
                split,
            });
            chosen
        };
        let node = &self.nodes[position];
        if let Some(index) = node.split.iter().position(|t| *t == chosen) {
            part::branch(index, node.split.len());
        }

        let token = chosen + 1;
        let footprint = match access::announced(token) {
            Some(footprint) => footprint,
            // A thread's first step runs its own code up to its first operation.
            None if !self.ran.contains(&chosen) => Footprint::default(),
            // At a switch the facade did not describe.
            None => Footprint::everything(),
        };
        if !self.ran.contains(&chosen) {
            self.ran.push(chosen);
        }
        access::start_step(token, footprint);
        self.position += 1;
        runnable
            .iter()
            .map(|t| t.id())
            .find(|t| usize::from(*t) == chosen)
    }

    fn next_u64(&mut self) -> u64 {
        0
    }
}
