//! The [`Check`] builder: every setting of an exploration, and the exploration itself.

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::diagnosis::{self, diagnose};
use super::replay::{fingerprint, Replay};
use super::report::{Counterexample, Limit, Report, Verdict};
use super::runtime::choices::{self, Astray};
use super::runtime::part;
use super::runtime::record::{self, Blocked, Step};
use super::scheduler;
use super::search::{Checker, ParseError, Part, Search, Timing};

/// A prepared exploration: how to search, under which timing, and what to keep.
#[derive(Clone)]
pub struct Check {
    search: Search,
    timing: Timing,
    output: bool,
    runs: usize,
    all_outcomes: bool,
    spurious_wakeups: bool,
    inside_primitives: bool,
    max_executions: Option<usize>,
    max_time: Option<Duration>,
    max_steps: Option<usize>,
    /// The part of the search to explore, `None` for all of it; an error if
    /// [`Part::VARIABLE`] says something else than a part.
    part: Result<Option<Part>, ParseError>,
    /// Asked at each random choice past those already explored: a yes prunes the choices
    /// after it (see [`Check::seek_output`]).
    astray: Option<Astray>,
    /// Asked after the exploration of each sequence of random choices: a yes stops.
    done: Option<Astray>,
    /// Instead of a search, the one execution a counterexample's replay string names.
    replay: Option<String>,
    /// The bounded search stops each execution at this many scheduling decisions (see
    /// `simplest`).
    cut_at: Option<usize>,
    /// Executions started so far.
    progress: Arc<AtomicUsize>,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("search", &self.search)
            .field("timing", &self.timing)
            .field("output", &self.output)
            .field("runs", &self.runs)
            .field("all_outcomes", &self.all_outcomes)
            .field("spurious_wakeups", &self.spurious_wakeups)
            .field("inside_primitives", &self.inside_primitives)
            .field("max_executions", &self.max_executions)
            .field("max_time", &self.max_time)
            .field("max_steps", &self.max_steps)
            .field("part", &self.part)
            .field("seeks_output", &self.astray.is_some())
            .field("replay", &self.replay)
            .finish_non_exhaustive()
    }
}

impl Default for Check {
    fn default() -> Self {
        Self::new()
    }
}

/// On real threads a check is a stress test of this many runs, unless [`Check::runs`] says
/// otherwise.
const REAL_THREAD_RUNS: usize = 100;

impl Check {
    /// An exhaustive search with no bound, under any timing: a proof, under a model checker.
    pub fn new() -> Self {
        Self::with_search(Search::PROOF)
    }

    /// The given search, under any timing.
    pub fn with_search(search: Search) -> Self {
        Self {
            search,
            timing: Timing::Any,
            output: false,
            runs: REAL_THREAD_RUNS,
            all_outcomes: false,
            spurious_wakeups: false,
            inside_primitives: false,
            max_executions: None,
            max_time: None,
            max_steps: None,
            part: Part::from_env(),
            astray: None,
            done: None,
            replay: None,
            cut_at: None,
            progress: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The same check under `timing`: [`Timing::Any`] (the default) or on the program's own
    /// timing, [`Timing::Virtual`].
    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// The same check, keeping what each execution printed ([`Report::printed`]).
    pub fn output(mut self) -> Self {
        self.output = true;
        self
    }

    /// The same check, looking for one output: it keeps what each execution printed, explores
    /// only the random choices of executions that can still print `wanted` (or, with
    /// `prefix`, an output that begins with it), and stops at the first that does. A search
    /// for a witness: when it stops early it is no proof of the verdict.
    pub fn seek_output(mut self, wanted: &str, prefix: bool) -> Self {
        let lines: Vec<String> = wanted.lines().map(str::to_owned).collect();
        let found = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&found);
        self.astray = Some(Arc::new(move || {
            let printed = printed_lines();
            let wanted: Vec<&str> = lines.iter().map(String::as_str).collect();
            let printed: Vec<&str> = printed.iter().map(String::as_str).collect();
            if printed == wanted || (prefix && printed.starts_with(&wanted)) {
                seen.store(true, Ordering::Relaxed);
            }
            printed.len() >= wanted.len() || !wanted.starts_with(&printed)
        }));
        self.done = Some(Arc::new(move || found.load(Ordering::Relaxed)));
        self.output = true;
        self
    }

    /// The same check, exploring on past the first counterexample to count every outcome
    /// ([`Report::outcomes`]): every execution of the search runs. By default an exploration
    /// stops at the first execution that refutes the claim, and its outcome table counts only
    /// the executions up to it.
    ///
    /// ```
    /// use threadproof::check::{Check, Verdict};
    /// use threadproof::sync::random;
    ///
    /// // A claim that fails for one of three random choices.
    /// let program = || random::randrange(3).unwrap();
    /// let all = Check::new().all_outcomes().run_claim(program, |n| *n != 1);
    /// assert_eq!(all.verdict, Verdict::Violated);
    /// assert!(!all.stopped_at_first);
    /// if threadproof::check::Checker::CURRENT.is_model_checker() {
    ///     // Every choice explored: 0, 1 and 2 each once.
    ///     assert_eq!(all.outcomes.len(), 3);
    ///     let first = Check::new().run_claim(program, |n| *n != 1);
    ///     assert!(first.stopped_at_first);
    ///     assert_eq!(first.executions, 2); // 0 holds, then 1 refutes it
    /// }
    /// ```
    pub fn all_outcomes(mut self) -> Self {
        self.all_outcomes = true;
        self
    }

    /// The same check, running only the execution that `replay` names: the replay string a
    /// counterexample's report prints (under shuttle, whatever its search). The check must be
    /// set up as the one that found it (the same timing, [`inside_primitives`] and
    /// [`spurious_wakeups`]); the program runs once, with its panics shown, and the report's
    /// counterexample has the same steps. A string that is not a replay string, that was made
    /// by a check set up differently, or that names an execution this program does not take
    /// (another program's, or another version's) gives [`Verdict::Error`] and says which.
    /// Under loom and on real threads a replay is an error too: loom cannot be told to run one
    /// chosen execution; check the program under shuttle to get a string to replay.
    ///
    /// [`inside_primitives`]: Check::inside_primitives
    /// [`spurious_wakeups`]: Check::spurious_wakeups
    ///
    /// ```
    /// use threadproof::check::{Check, Checker, Verdict};
    /// use threadproof::sync::atomic::{AtomicUsize, Ordering};
    /// use threadproof::sync::{thread, Arc};
    ///
    /// // Two threads add one each with a load and a store: an update can be lost.
    /// let program = || {
    ///     let count = Arc::new(AtomicUsize::new(0));
    ///     let other = {
    ///         let count = Arc::clone(&count);
    ///         thread::spawn(move || count.store(count.load(Ordering::SeqCst) + 1, Ordering::SeqCst))
    ///     };
    ///     count.store(count.load(Ordering::SeqCst) + 1, Ordering::SeqCst);
    ///     other.join().unwrap();
    ///     count.load(Ordering::SeqCst)
    /// };
    /// if Checker::CURRENT == Checker::Shuttle {
    ///     let found = Check::new().run_claim(program, |n| *n == 2);
    ///     assert_eq!(found.verdict, Verdict::Violated);
    ///     let counterexample = found.counterexample.as_ref().unwrap();
    ///     let replay = counterexample.replay.as_deref().unwrap();
    ///     let again = Check::new().replay(replay).run_claim(program, |n| *n == 2);
    ///     assert_eq!(again.verdict, Verdict::Violated);
    ///     assert_eq!(again.executions, 1);
    ///     assert_eq!(again.counterexample.unwrap().steps, counterexample.steps);
    /// }
    /// ```
    pub fn replay(mut self, replay: &str) -> Self {
        self.replay = Some(replay.to_owned());
        self
    }

    /// The same check, exploring spurious wake-ups: under a model checker the first wait of
    /// each blocking call of the crate's primitives may also wake without a notify (letting go
    /// of its lock and taking it back, as a condition variable may), explored as another
    /// branch of the search. Every primitive re-checks its state after a wake-up, so what a
    /// program sees does not change (a [`Condition`](crate::Condition)'s `wait` still returns
    /// only when notified), and checks with this on prove it; they take more executions. On
    /// real threads this changes nothing: real condition variables may wake spuriously anyway.
    ///
    /// ```
    /// use threadproof::check::{Check, Verdict};
    /// use threadproof::sync::{thread, Arc};
    /// use threadproof::Event;
    ///
    /// // A waiter on an event is released only by `set`, however its wait wakes.
    /// Check::new()
    ///     .spurious_wakeups()
    ///     .run_claim(
    ///         || {
    ///             let event = Arc::new(Event::new());
    ///             let setter = {
    ///                 let event = event.clone();
    ///                 thread::spawn(move || event.set())
    ///             };
    ///             event.wait();
    ///             setter.join().unwrap();
    ///             event.is_set()
    ///         },
    ///         |set| *set,
    ///     )
    ///     .expect(Verdict::Holds);
    /// ```
    pub fn spurious_wakeups(mut self) -> Self {
        self.spurious_wakeups = true;
        self
    }

    /// The same check, exploring the insides of the crate's primitives too: every step of
    /// their implementation (a lock word, the mutex that guards a queue's items), as the
    /// crate's own tests do to prove the primitives.
    ///
    /// By default, under shuttle, each operation of a primitive (an acquire, a release, a put,
    /// a wait up to the point it blocks and from the point it wakes) is one step of the
    /// program: the search switches threads at the operation's start and where it blocks,
    /// never inside it. That is sound because each operation behaves as one atomic step of
    /// its CPython model, whatever the interleaving of its insides: what the crate's own
    /// checked tests prove with this setting on. Under loom, which offers no control over
    /// where it switches, the insides are always explored.
    ///
    /// ```
    /// use threadproof::check::{Check, Verdict};
    /// use threadproof::sync::{thread, Arc};
    /// use threadproof::Lock;
    ///
    /// let program = || {
    ///     let lock = Arc::new(Lock::new());
    ///     let other = {
    ///         let lock = lock.clone();
    ///         thread::spawn(move || drop(lock.lock()))
    ///     };
    ///     drop(lock.lock());
    ///     other.join().unwrap();
    /// };
    /// let whole = Check::new().run(program).expect(Verdict::Holds);
    /// let inside = Check::new().inside_primitives().run(program).expect(Verdict::Holds);
    /// assert!(whole.executions <= inside.executions);
    /// ```
    pub fn inside_primitives(mut self) -> Self {
        self.inside_primitives = true;
        self
    }

    /// The same check, exploring only `part` of the search ([`Part`]): the parts of a split
    /// search together reach every outcome of the whole search, so a proof can run as several
    /// jobs, and holds when every part holds. (They may stop another number of executions
    /// early than the whole search, each the same as one explored before.) Without this, the part comes from the
    /// environment variable [`Part::VARIABLE`] (`THREADPROOF_PART=2/4`), if set.
    ///
    /// Under loom, on real threads, for a sampled search, and for a program that makes random
    /// choices, a split check reports [`Verdict::Error`].
    ///
    /// ```
    /// use threadproof::check::{Check, Checker, Part, Verdict};
    /// use threadproof::sync::atomic::{AtomicUsize, Ordering};
    /// use threadproof::sync::{thread, Arc};
    ///
    /// let program = || {
    ///     let n = Arc::new(AtomicUsize::new(0));
    ///     let other = {
    ///         let n = n.clone();
    ///         thread::spawn(move || n.fetch_add(1, Ordering::SeqCst))
    ///     };
    ///     let mine = n.fetch_add(1, Ordering::SeqCst);
    ///     (mine, other.join().unwrap())
    /// };
    /// let whole = Check::new().all_outcomes().run_claim(program, |_| true);
    /// let parts: Vec<_> = (1..=2)
    ///     .map(|k| {
    ///         let part = Part::new(k, 2).unwrap();
    ///         Check::new().part(part).all_outcomes().run_claim(program, |_| true)
    ///     })
    ///     .collect();
    /// if Checker::CURRENT == Checker::Shuttle {
    ///     let mut outcomes = std::collections::BTreeMap::new();
    ///     for (outcome, n) in parts.iter().flat_map(|p| &p.outcomes) {
    ///         *outcomes.entry(outcome.clone()).or_insert(0) += n;
    ///     }
    ///     assert_eq!(outcomes, whole.outcomes);
    ///     assert!(parts.iter().all(|p| p.verdict == Verdict::Holds && !p.is_proof()));
    /// } else {
    ///     assert!(parts.iter().all(|p| p.verdict == Verdict::Error));
    /// }
    /// ```
    pub fn part(mut self, part: Part) -> Self {
        self.part = Ok(Some(part));
        self
    }

    /// The same check, giving up after `executions` executions: if the search has not ended
    /// by then and no counterexample was found, the verdict is
    /// [`Verdict::Inconclusive`] and [`Report::limit`] says why. (On real threads, where a
    /// check is a stress test of [`Check::runs`] runs, this caps the runs.)
    ///
    /// ```
    /// use threadproof::check::{Check, Limit, Verdict};
    /// use threadproof::sync::random;
    ///
    /// let report = Check::new()
    ///     .max_executions(2)
    ///     .run_claim(|| random::randrange(10).unwrap(), |n| *n < 10);
    /// assert_eq!(report.verdict, Verdict::Inconclusive);
    /// assert_eq!(report.limit, Some(Limit::Executions { max: 2 }));
    /// assert_eq!(report.executions, 2);
    /// ```
    pub fn max_executions(mut self, executions: usize) -> Self {
        self.max_executions = Some(executions.max(1));
        self
    }

    /// The same check, giving up once it has explored for `time` (checked as each execution
    /// starts): if the search has not ended by then and no counterexample was found, the
    /// verdict is [`Verdict::Inconclusive`] and [`Report::limit`] says why.
    ///
    /// ```
    /// use std::time::Duration;
    /// use threadproof::check::{Check, Verdict};
    ///
    /// let report = Check::new().max_time(Duration::from_secs(60)).run(|| {});
    /// assert_eq!(report.verdict, Verdict::Holds);
    /// ```
    pub fn max_time(mut self, time: Duration) -> Self {
        self.max_time = Some(time);
        self
    }

    /// The same check, allowing each execution at most `steps` scheduling steps (loom's
    /// branches, 1,000 by default; shuttle's steps, 1,000,000 by default). An execution that
    /// takes more, a long loop or a thread spinning until another makes progress, ends the
    /// exploration as [`Verdict::Inconclusive`]. On real threads this changes nothing.
    ///
    /// ```
    /// use threadproof::check::{Check, Verdict};
    /// use threadproof::Lock;
    ///
    /// // 400 acquires and releases are more than loom's default 1,000 branches.
    /// let report = Check::new().max_steps(100_000).run(|| {
    ///     let lock = Lock::new();
    ///     for _ in 0..400 {
    ///         drop(lock.lock());
    ///     }
    /// });
    /// assert_eq!(report.verdict, Verdict::Holds);
    /// ```
    pub fn max_steps(mut self, steps: usize) -> Self {
        self.max_steps = Some(steps.max(1));
        self
    }

    /// On real threads, how many times to run the program (a stress test; 100 unless set);
    /// under a model checker this changes nothing.
    pub fn runs(mut self, runs: usize) -> Self {
        self.runs = runs.max(1);
        self
    }

    /// The number of executions started so far: read it from another thread to show progress.
    pub fn progress(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.progress)
    }

    /// Explores `program`, whose claim is that it finishes: no execution panics, deadlocks or
    /// hangs. Each execution that finishes has the outcome `finished`.
    pub fn run<P>(&self, program: P) -> Report
    where
        P: Fn() + Send + Sync + 'static,
    {
        self.run_claim(
            move || {
                program();
                "finished"
            },
            |_| true,
        )
    }

    /// Explores `program`, whose claim is that it finishes and that `claim` holds of what it
    /// returns, in every execution. The exploration stops at the first execution that refutes
    /// the claim, its counterexample, unless [`Check::all_outcomes`] asks for every outcome.
    ///
    /// What the program returns is its outcome, shown in the outcome table by its `Debug`
    /// (a string as it is, without quotes): `Option`s, tuples and `Result`s need no wrapper.
    ///
    /// ```
    /// use threadproof::check::{Check, Verdict};
    /// use threadproof::sync::random;
    ///
    /// let report = Check::new()
    ///     .all_outcomes()
    ///     .run_claim(|| (random::randrange(2), "done"), |(n, _)| n.is_some())
    ///     .expect(Verdict::Holds);
    /// if threadproof::check::Checker::CURRENT.is_model_checker() {
    ///     let outcomes: Vec<&str> = report.outcomes.keys().map(String::as_str).collect();
    ///     assert_eq!(outcomes, [r#"(Some(0), "done")"#, r#"(Some(1), "done")"#]);
    /// }
    /// ```
    pub fn run_claim<T, P, C>(&self, program: P, claim: C) -> Report
    where
        T: fmt::Debug + 'static,
        P: Fn() -> T + Send + Sync + 'static,
        C: Fn(&T) -> bool + Send + Sync + 'static,
    {
        let (program, claim) = (Arc::new(program), Arc::new(claim));
        let mut report = self.explore_claim(Arc::clone(&program), Arc::clone(&claim));
        self.simplest(&mut report, &program, &claim);
        report
    }

    /// Under shuttle, the simplest counterexample: the fewest preemptions, and of those the
    /// fewest scheduling decisions.
    ///
    /// When the counterexample of a search (exhaustive or sampled, not the in-order schedule)
    /// preempts threads (its marked steps), searches again with preemption bounds 0, 1, ...
    /// below that number, each stopping at its first counterexample, as CHESS does, and takes
    /// the first one found with the same verdict. Then, at the bound of the counterexample
    /// kept, searches again for a shorter one, cutting every execution at one decision fewer
    /// than the counterexample has, until none is found. Each search may run as many
    /// executions as the first one did (at least 1,000). When a search with fewer preemptions
    /// runs out before it ends, the next bound is searched all the same, and the counterexample
    /// says that fewer preemptions were not ruled out; the searches stop once they have run
    /// four such budgets.
    fn simplest<T, P, C>(&self, report: &mut Report, program: &Arc<P>, claim: &Arc<C>)
    where
        T: fmt::Debug + 'static,
        P: Fn() -> T + Send + Sync + 'static,
        C: Fn(&T) -> bool + Send + Sync + 'static,
    {
        let held_below = self.simpler(report, program, claim);
        let Some(shown) = &mut report.counterexample else {
            return;
        };
        // The fewest preemptions are known when every smaller bound was searched in full, and
        // the claim held in each of those searches.
        let fewest_known = held_below
            && shown.fewer_not_ruled_out.is_none()
            && (shown.fewest_preemptions.is_some() || shown.shortest);
        if report.verdict == Verdict::Violated
            && fewest_known
            && !shown.ending.contains(", after a lost update: ")
        {
            shown.why = Some(diagnosis::preemptions_needed(&shown.steps));
        }
    }

    /// `simplest`'s searches, without the sentence. True unless a search with fewer
    /// preemptions than the counterexample shown ended otherwise than with the claim holding.
    fn simpler<T, P, C>(&self, report: &mut Report, program: &Arc<P>, claim: &Arc<C>) -> bool
    where
        T: fmt::Debug + 'static,
        P: Fn() -> T + Send + Sync + 'static,
        C: Fn(&T) -> bool + Send + Sync + 'static,
    {
        if Checker::CURRENT != Checker::Shuttle
            || self.search == Search::InOrder
            || self.replay.is_some()
            || self.astray.is_some()
            || self.done.is_some()
            || !matches!(self.split(), Ok(None))
        {
            return false;
        }
        let Some(first) = &report.counterexample else {
            return false;
        };
        let preemptions = first.steps.iter().filter(|s| s.preempts.is_some()).count();
        let budget = report.executions.max(1_000);
        let mut spent = 0;
        let mut search = |bound: usize, cut_at: Option<usize>, report: &mut Report| {
            let mut check = self.clone();
            check.search = Search::Exhaustive {
                preemption_bound: Some(bound),
            };
            check.all_outcomes = false;
            check.max_executions = Some(budget);
            check.cut_at = cut_at;
            check.progress = Arc::default();
            let bounded = check.explore_claim(Arc::clone(program), Arc::clone(claim));
            report.elapsed += bounded.elapsed;
            spent += bounded.executions;
            let held = bounded.verdict == Verdict::Holds;
            let found = bounded
                .counterexample
                .filter(|_| bounded.verdict == report.verdict);
            (found, bounded.limit, spent < 4 * budget, held)
        };
        let mut bound = None;
        let mut ran_out = None;
        let mut held_below = true;
        for fewer in 0..preemptions {
            let (found, limit, budget_left, held) = search(fewer, None, report);
            if let Some(mut simpler) = found {
                simpler.fewest_preemptions = Some(fewer);
                simpler.fewer_not_ruled_out = ran_out;
                report.counterexample = Some(simpler);
                bound = Some(fewer);
                break;
            }
            held_below &= held;
            match limit {
                // Out of budget: a refuting execution with this bound may exist all the same.
                Some(Limit::Executions { .. }) if budget_left => {
                    ran_out.get_or_insert(budget);
                }
                // Out of time or steps (a larger bound would fare no better), or of budget.
                Some(_) => return held_below,
                None if !budget_left => return held_below,
                None => {}
            }
        }
        // With every smaller bound searched in full, the counterexample has the fewest.
        let Some(bound) = bound.or(ran_out.is_none().then_some(preemptions)) else {
            return held_below;
        };
        loop {
            let Some(shown) = &report.counterexample else {
                return held_below;
            };
            let Some(decisions) = shown
                .replay
                .as_deref()
                .and_then(|replay| Replay::parse(replay).ok())
                .map(|replay| replay.threads.len())
            else {
                return held_below;
            };
            let preemptions = shown.fewest_preemptions.or(Some(bound));
            let fewer_not_ruled_out = shown.fewer_not_ruled_out;
            let (found, limit, budget_left, _) = search(bound, Some(decisions - 1), report);
            let Some(mut shorter) = found else {
                if limit.is_none() {
                    if let Some(shown) = &mut report.counterexample {
                        shown.shortest = true;
                    }
                }
                return held_below;
            };
            shorter.fewest_preemptions = preemptions;
            shorter.fewer_not_ruled_out = fewer_not_ruled_out;
            report.counterexample = Some(shorter);
            if !budget_left {
                return held_below;
            }
        }
    }

    /// Explores `program` against `claim` with this check's settings: [`Check::run_claim`]
    /// without looking for a counterexample with fewer preemptions.
    fn explore_claim<T, P, C>(&self, program: Arc<P>, claim: Arc<C>) -> Report
    where
        T: fmt::Debug + 'static,
        P: Fn() -> T + Send + Sync + 'static,
        C: Fn(&T) -> bool + Send + Sync + 'static,
    {
        let found = Arc::new(Mutex::new(Found::default()));
        let control = Arc::new(Control {
            started: Instant::now(),
            stopped_at_first: AtomicBool::new(false),
            limit: Mutex::new(None),
            counts: Arc::default(),
        });
        let progress = Arc::clone(&self.progress);
        progress.store(0, Ordering::Relaxed);
        let output = self.output;
        let timed = self.timing == Timing::Virtual;
        let stop_at_first = !self.all_outcomes;
        let setup: Setup = (self.timing, !self.inside_primitives, self.spurious_wakeups);
        let body = {
            let found = Arc::clone(&found);
            let control = Arc::clone(&control);
            move || {
                let result = (*program)();
                if !part::mine() {
                    // Another part of a split search explores this execution.
                    return;
                }
                let holds = (*claim)(&result);
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                let outcome = outcome_text(&result);
                if output {
                    *found.printed.entry(printed_lines().join("\n")).or_insert(0) += 1;
                }
                if record::timeouts() > 0 {
                    found.timed_out_executions += 1;
                }
                // Under loom, an execution in which a SeqCst load saw an older value is no
                // execution of the program under sequential consistency: it refutes nothing.
                let weak =
                    !holds && Checker::CURRENT == Checker::Loom && record::stale_seq_cst_read();
                if weak && found.weak_violation.is_none() {
                    let steps = record::steps();
                    found.weak_violation = Some(Counterexample {
                        execution: progress.load(Ordering::Relaxed),
                        timed,
                        replay: replay_string(setup, &steps),
                        fewest_preemptions: None,
                        cycle: Vec::new(),
                        fewer_not_ruled_out: None,
                        shortest: false,
                        why: None,
                        steps,
                        ending: format!(
                            "{outcome}: the claim is false, after a read of an older value"
                        ),
                    });
                }
                // Under loom, a counterexample in which a load saw an older value (which its
                // weaker ordering allows) is kept aside while the search looks on for one in
                // which every read sees the latest write: it is easier to follow.
                let stale = !holds && !weak && Checker::CURRENT == Checker::Loom && {
                    record::stale_read()
                };
                let keep = if stale {
                    found.stale_violation.is_none() && found.first_violation.is_none()
                } else {
                    !holds && !weak && found.first_violation.is_none()
                };
                let refutes = keep && !stale;
                if keep {
                    let steps = record::steps();
                    let counterexample = Counterexample {
                        execution: progress.load(Ordering::Relaxed),
                        timed,
                        replay: replay_string(setup, &steps),
                        fewest_preemptions: None,
                        cycle: Vec::new(),
                        fewer_not_ruled_out: None,
                        shortest: false,
                        why: None,
                        steps,
                        ending: match diagnosis::lost_update(&record::touches()) {
                            Some(lost) => {
                                format!(
                                    "{outcome}: the claim is false, after a lost update: {lost}"
                                )
                            }
                            None => format!("{outcome}: the claim is false"),
                        },
                    };
                    if stale {
                        found.stale_violation = Some(counterexample);
                    } else {
                        found.first_violation = Some(counterexample);
                    }
                }
                *found.outcomes.entry(outcome.clone()).or_insert(0) += 1;
                found.this_execution = Some(outcome);
                drop(found);
                if refutes && stop_at_first {
                    // Ends the exploration here: the checker stops at a panic.
                    control.stopped_at_first.store(true, Ordering::Relaxed);
                    std::panic::resume_unwind(Box::new(STOPPED_AT_FIRST));
                }
            }
        };
        let body = Arc::new(body);
        let runs = if Checker::CURRENT.is_model_checker() {
            1
        } else {
            self.runs
        };
        let mut stop = Stop::Completed;
        // A replay shows the program's panics.
        let quiet = if self.replay.is_none() {
            super::panics::Quiet::new()
        } else {
            super::panics::Quiet::aloud()
        };
        for _ in 0..runs {
            let body = Arc::clone(&body);
            let found = Arc::clone(&found);
            let start_execution = move || {
                found
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .this_execution = None;
            };
            stop = self.explore(&control, start_execution, move || body());
            if stop != Stop::Completed || control.stopped_at_first.load(Ordering::Relaxed) {
                break;
            }
        }
        drop(quiet);
        let elapsed = control.started.elapsed();
        let executions = self.progress.load(Ordering::Relaxed)
            - control.counts.elsewhere.load(Ordering::Relaxed);
        let Found {
            mut outcomes,
            printed,
            timed_out_executions,
            first_violation,
            weak_violation,
            stale_violation,
            this_execution,
        } = std::mem::take(&mut *found.lock().unwrap_or_else(|e| e.into_inner()));
        // An execution that went on after the program returned (a thread nobody joined) and
        // then failed is counted once, by how it failed.
        if stop != Stop::Completed {
            if let Some(outcome) = this_execution {
                if let Some(count) = outcomes.get_mut(&outcome) {
                    *count -= 1;
                    if *count == 0 {
                        outcomes.remove(&outcome);
                    }
                }
            }
        }
        let mut error = None;
        let mut limit = None;
        let (verdict, counterexample) = match stop {
            Stop::Completed => match (first_violation.or(stale_violation), weak_violation) {
                (Some(counterexample), _) => (Verdict::Violated, Some(counterexample)),
                (None, Some(weak)) => {
                    limit = Some(Limit::LoomSeqCst);
                    (Verdict::Inconclusive, Some(weak))
                }
                (None, None) => (Verdict::Holds, None),
            },
            Stop::Limit(reached) => {
                limit = Some(reached);
                match first_violation.or(stale_violation) {
                    Some(counterexample) => (Verdict::Violated, Some(counterexample)),
                    None => (Verdict::Inconclusive, None),
                }
            }
            Stop::Stuck {
                blocked,
                others,
                steps,
            } => {
                let (verdict, ending) = diagnose(&blocked, &others);
                *outcomes.entry(verdict.to_string()).or_insert(0) += 1;
                let counterexample = Counterexample {
                    execution: executions,
                    timed,
                    replay: replay_string(setup, &steps),
                    fewest_preemptions: None,
                    cycle: diagnosis::cycle(&blocked),
                    fewer_not_ruled_out: None,
                    shortest: false,
                    why: None,
                    steps,
                    ending,
                };
                (verdict, Some(counterexample))
            }
            Stop::Panicked {
                message,
                location,
                steps,
            } => {
                *outcomes.entry("panicked".to_owned()).or_insert(0) += 1;
                let counterexample = Counterexample {
                    execution: executions,
                    timed,
                    replay: replay_string(setup, &steps),
                    fewest_preemptions: None,
                    cycle: Vec::new(),
                    fewer_not_ruled_out: None,
                    shortest: false,
                    why: None,
                    steps,
                    ending: match location {
                        Some(at) => format!("panicked at {at}: {message}"),
                        None => format!("panicked: {message}"),
                    },
                };
                (Verdict::Violated, Some(counterexample))
            }
            Stop::Unsupported { reason } => {
                error = Some(reason);
                (Verdict::Error, None)
            }
        };
        let (verdict, counterexample) = match self.replay_missed(verdict, &counterexample) {
            Some(reason) => {
                error = Some(reason);
                (Verdict::Error, None)
            }
            None => (verdict, counterexample),
        };
        Report {
            checker: Checker::CURRENT,
            search: self.search,
            timing: self.timing,
            verdict,
            executions,
            elapsed,
            outcomes,
            printed,
            timed_out_executions,
            counterexample,
            limit,
            stopped_at_first: control.stopped_at_first.load(Ordering::Relaxed),
            sleep_set_blocked: control.counts.sleep_set_blocked.load(Ordering::Relaxed),
            part: self.split().ok().flatten(),
            error,
        }
    }

    /// Explores `program` under the build's checker. Each execution starts with a fresh record
    /// (and, under [`Timing::Virtual`], its clock at zero) and calls `start_execution`. A
    /// program that makes random choices ([`randrange`](crate::sync::random::randrange)) is
    /// explored once per sequence of choices its executions can make, each with every
    /// interleaving. A failure is returned, not raised.
    fn explore<S, F>(&self, control: &Arc<Control>, start_execution: S, program: F) -> Stop
    where
        S: Fn() + Send + Sync + 'static,
        F: Fn() + Send + Sync + 'static,
    {
        let program = Arc::new(program);
        let start_execution = Arc::new(start_execution);
        if let Some(replay) = &self.replay {
            let replay = match self.replayed(replay) {
                Ok(replay) => replay,
                Err(reason) => return Stop::Unsupported { reason },
            };
            choices::begin(
                replay.choices.clone(),
                true,
                None,
                None,
                self.spurious_wakeups,
            );
            let stop = self.explore_script(control, start_execution, program, Some(replay));
            choices::end();
            return stop;
        }
        let scripted = matches!(
            self.search,
            Search::Exhaustive { .. } | Search::DepthFirst { .. } | Search::InOrder
        ) || self.astray.is_some();
        let seed = match self.search {
            Search::Pct { seed, .. } => Some(seed),
            _ => None,
        };
        let split = match self.split() {
            Ok(split) => split,
            Err(reason) => return Stop::Unsupported { reason },
        };
        part::begin(split.map(|p| (p.index() - 1, p.count())));
        let mut scripts = vec![Vec::new()];
        let mut stop = Stop::Completed;
        while let Some(script) = scripts.pop() {
            choices::begin(
                script.clone(),
                scripted,
                seed,
                self.astray.clone(),
                self.spurious_wakeups,
            );
            stop = self.explore_script(
                control,
                Arc::clone(&start_execution),
                Arc::clone(&program),
                None,
            );
            let extensions = choices::extensions(&script);
            if split.is_some() && !extensions.is_empty() && stop == Stop::Completed {
                stop = Stop::Unsupported {
                    reason: "the program makes random choices, and a search split into parts \
                             cannot explore them yet (a part would miss the choices only other \
                             parts' executions make): check it whole"
                        .to_owned(),
                };
            }
            if stop != Stop::Completed
                || control.stopped_at_first.load(Ordering::Relaxed)
                || self.done.as_ref().is_some_and(|done| done())
            {
                break;
            }
            // Depth-first, smallest choices first.
            scripts.extend(extensions.into_iter().rev());
        }
        choices::end();
        part::begin(None);
        super::runtime::end_exploration();
        stop
    }

    /// The part of the search to explore, `None` for all of it, or why the check cannot be
    /// split.
    /// After a replay that ran, why it did not run the execution its string names, if it did
    /// not: a thread it asked for could not run, or the steps it took are not the string's.
    fn replay_missed(
        &self,
        verdict: Verdict,
        counterexample: &Option<Counterexample>,
    ) -> Option<String> {
        let replay = Replay::parse(self.replay.as_deref()?).ok()?;
        if verdict == Verdict::Error {
            return None;
        }
        let another = "it was made from another program, or by another version of it or of \
                       threadproof";
        if let Some(decision) = scheduler::astray() {
            return Some(format!(
                "the replay string names an execution this program does not take (at its \
                 scheduling decision {}, the thread it names cannot run): {another}",
                decision + 1
            ));
        }
        let took = counterexample.as_ref().map(|c| fingerprint(&c.steps));
        (took != Some(replay.fingerprint)).then(|| {
            format!(
                "the replayed execution did not take the steps the replay string names (its \
                 fingerprint differs): {another}"
            )
        })
    }

    /// The execution the replay string `replay` names, if this check can run it.
    fn replayed(&self, replay: &str) -> Result<Replay, String> {
        let replay = Replay::parse(replay)?;
        let whole_operations = !self.inside_primitives;
        let made = (
            replay.timing,
            replay.whole_operations,
            replay.spurious_wakeups,
        );
        if made != (self.timing, whole_operations, self.spurious_wakeups) {
            return Err(format!(
                "the replay string was made by a check under {}; this check is under {}: set \
                 it up the same way",
                Replay::setup(made.0, made.1, made.2),
                Replay::setup(self.timing, whole_operations, self.spurious_wakeups)
            ));
        }
        Ok(replay)
    }

    fn split(&self) -> Result<Option<Part>, String> {
        let part = match &self.part {
            Err(error) => return Err(format!("{}: {error}", Part::VARIABLE)),
            Ok(part) => part.filter(|p| p.count() > 1),
        };
        let splits = Checker::CURRENT == Checker::Shuttle
            && matches!(
                self.search,
                Search::Exhaustive { .. } | Search::DepthFirst { .. }
            );
        match part {
            Some(part) if !splits => Err(format!(
                "part {part} of a search: only the exhaustive searches under shuttle split into \
                 parts, not {} under {}",
                self.search,
                Checker::CURRENT
            )),
            part => Ok(part),
        }
    }

    /// One exploration of `program` with the random choices of the current script.
    fn explore_script<S, F>(
        &self,
        control: &Arc<Control>,
        start_execution: Arc<S>,
        program: Arc<F>,
        replayed: Option<Replay>,
    ) -> Stop
    where
        S: Fn() + Send + Sync + 'static,
        F: Fn() + Send + Sync + 'static,
    {
        let progress = Arc::clone(&self.progress);
        let timing = self.timing;
        let budget = (self.max_executions, self.max_time);
        let within_budget = Arc::clone(control);
        let execution = move || {
            start_execution();
            let started = progress.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(spent) = within_budget.spent(budget, started) {
                // This execution does not run: the budget is spent.
                progress.fetch_sub(1, Ordering::Relaxed);
                within_budget.reach(spent);
                std::panic::resume_unwind(Box::new(BUDGET_SPENT));
            }
            record::reset();
            choices::begin_execution();
            super::runtime::begin_execution(timing == Timing::Virtual);
            program();
            super::runtime::main_finished();
        };
        let settings = scheduler::Settings {
            max_steps: self.max_steps,
            whole_operations: !self.inside_primitives,
            counts: Arc::clone(&control.counts),
            replay: replayed.map(|replay| replay.threads),
            cut_at: self.cut_at,
        };
        let run = match scheduler::runner(self.search, settings.clone(), execution) {
            Err(reason) => return Stop::Unsupported { reason },
            Ok(run) => run,
        };
        let Err(payload) = catch_unwind(AssertUnwindSafe(run)) else {
            return Stop::Completed;
        };
        if let Some(limit) = control.reached() {
            return Stop::Limit(limit);
        }
        if control.stopped_at_first.load(Ordering::Relaxed) {
            return Stop::Completed;
        }
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic with a non-text payload".to_owned());
        if let Some(limit) = scheduler::limit_in(&message, &settings) {
            return Stop::Limit(limit);
        }
        // Our own record decides, not the checker's words: an execution ended where a wait
        // closed a cycle nothing can break, or stopped with every thread that has not finished
        // waiting on a primitive or a join, is stuck.
        if let Some((blocked, others, steps)) = record::cycle() {
            return Stop::Stuck {
                blocked,
                others,
                steps,
            };
        }
        if record::stuck() {
            return Stop::Stuck {
                blocked: record::blocked(),
                others: Vec::new(),
                steps: record::steps(),
            };
        }
        Stop::Panicked {
            message,
            location: super::panics::last_location(),
            steps: record::steps(),
        }
    }
}

/// How a check was set up, as a replay string says it: its timing, whether each operation of
/// a primitive is one step, and whether spurious wake-ups are explored.
type Setup = (Timing, bool, bool);

/// The replay string of the current execution, which took `steps`, if the checker keeps its
/// decisions (shuttle does).
fn replay_string(
    (timing, whole_operations, spurious_wakeups): Setup,
    steps: &[Step],
) -> Option<String> {
    Replay {
        timing,
        whole_operations,
        spurious_wakeups,
        fingerprint: fingerprint(steps),
        threads: scheduler::taken()?,
        choices: choices::made(),
    }
    .spell()
}

/// The panic that ends an exploration at its first counterexample.
const STOPPED_AT_FIRST: &str = "the exploration stopped at the first counterexample";

/// The panic that ends an exploration whose budget is spent.
const BUDGET_SPENT: &str = "the check's budget is spent";

/// What one exploration's executions tell the exploration, across the checker.
struct Control {
    /// When the check started: its time budget counts from here.
    started: Instant,
    /// An execution refuted the claim, and the exploration stops there.
    stopped_at_first: AtomicBool,
    /// A limit of the check that an execution reached.
    limit: Mutex<Option<Limit>>,
    /// What the search counts.
    counts: Arc<scheduler::Counts>,
}

impl Control {
    /// The budget `(executions, time)` spent, if it is, as execution `started` starts.
    fn spent(
        &self,
        (executions, time): (Option<usize>, Option<Duration>),
        started: usize,
    ) -> Option<Limit> {
        if let Some(max) = executions.filter(|max| started > *max) {
            return Some(Limit::Executions { max });
        }
        time.filter(|max| self.started.elapsed() > *max)
            .map(|max| Limit::Time { max })
    }

    fn reach(&self, limit: Limit) {
        *self.limit.lock().unwrap_or_else(|e| e.into_inner()) = Some(limit);
    }

    fn reached(&self) -> Option<Limit> {
        self.limit.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Why an exploration stopped (what the program returned is its outcome, kept apart).
#[derive(Clone, Debug, PartialEq)]
enum Stop {
    /// Every explored execution ran to its end, or the exploration stopped at the first that
    /// refuted the claim.
    Completed,
    /// A limit of the checker or of the check stopped it.
    Limit(Limit),
    /// An execution stopped with every thread that had not finished blocked.
    Stuck {
        /// The blocked threads, with what they held and waited for.
        blocked: Vec<Blocked>,
        /// What the other threads were doing, if the execution ended where a cycle closed.
        others: Vec<String>,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// An execution panicked (a failed assertion in the program).
    Panicked {
        /// The panic message.
        message: String,
        /// Where it panicked (`file:line:column`), if the panic hook saw it.
        location: Option<String>,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// The checker cannot run this search (PCT needs shuttle).
    Unsupported {
        /// Why not.
        reason: String,
    },
}

/// What the program's executions found, shared with the checker's executions.
#[derive(Default)]
struct Found {
    outcomes: BTreeMap<String, usize>,
    printed: BTreeMap<String, usize>,
    timed_out_executions: usize,
    first_violation: Option<Counterexample>,
    /// The first execution that refuted the claim only by a SeqCst load of an older value,
    /// under loom.
    weak_violation: Option<Counterexample>,
    /// The first execution that refuted the claim with a load (weaker than SeqCst) of an older
    /// value, under loom: shown if no execution refutes it with every read of the latest write.
    stale_violation: Option<Counterexample>,
    /// The outcome of the execution running now, once its program has returned.
    this_execution: Option<String>,
}

/// How an outcome is shown: a string as it is, anything else by its `Debug`.
fn outcome_text<T: fmt::Debug + 'static>(outcome: &T) -> String {
    let any: &dyn std::any::Any = outcome;
    if let Some(text) = any.downcast_ref::<String>() {
        return text.clone();
    }
    if let Some(text) = any.downcast_ref::<&'static str>() {
        return (*text).to_owned();
    }
    format!("{outcome:?}")
}

/// What the execution has printed so far, line by line.
fn printed_lines() -> Vec<String> {
    record::steps()
        .into_iter()
        .filter(|step| step.action == record::PRINT)
        .map(|step| step.value)
        .collect()
}
