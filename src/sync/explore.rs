//! Running a program under the configured model checker, and reading the verdict.
//!
//! [`Explorer::run`] runs a closure over the interleavings the configured checker explores
//! (`--cfg loom`: loom's exhaustive search; `--cfg shuttle`: shuttle's depth-first search, or
//! its PCT sampler), counts the executions, and turns a failure into an [`Outcome`] instead of
//! a panic: a deadlock comes back with the wait-for graph from [`trace`], a failed
//! assertion with the steps that led to it. On real threads there is no checker: the closure
//! runs once.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::trace::{self, Blocked, Step};

/// Which checker this build explores with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Checker {
    /// `--cfg loom`.
    Loom,
    /// `--cfg shuttle`.
    Shuttle,
    /// Neither: real threads, one run.
    RealThreads,
}

impl Checker {
    /// The checker of this build.
    pub const CURRENT: Checker = if cfg!(loom) {
        Checker::Loom
    } else if cfg!(shuttle) {
        Checker::Shuttle
    } else {
        Checker::RealThreads
    };

    /// True for loom and shuttle, which explore interleavings; false on real threads.
    pub fn is_model_checker(self) -> bool {
        self != Checker::RealThreads
    }

    /// `loom`, `shuttle` or `threads`.
    pub fn name(self) -> &'static str {
        match self {
            Checker::Loom => "loom",
            Checker::Shuttle => "shuttle",
            Checker::RealThreads => "threads",
        }
    }
}

impl fmt::Display for Checker {
    /// [`Checker::name`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// How to search the interleavings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Search {
    /// Every interleaving, or, with `preemption_bound` set, every one with at most that many
    /// context switches away from a runnable thread. Only a search without a bound is a proof.
    Exhaustive {
        /// The preemption bound: loom's own, or, under shuttle, our bounded depth-first
        /// scheduler's; `None` explores everything.
        preemption_bound: Option<usize>,
    },
    /// One schedule, the one closest to an interpreter running threads started in order:
    /// each thread runs until it blocks, finishes or sleeps, and then the thread created first
    /// among those that can run goes next. With random choices, each sequence of choices is
    /// run with that schedule. A witness that an outcome can happen, never a proof; shuttle
    /// only.
    InOrder,
    /// shuttle's PCT sampler with a fixed seed: `iterations` executions, bugs of `depth` ordering
    /// constraints found with high probability. Sampled, never a proof; loom refuses it.
    Pct {
        /// The random seed; the same seed gives the same executions.
        seed: u64,
        /// How many executions to sample.
        iterations: usize,
        /// The bug depth PCT targets.
        depth: usize,
    },
}

impl Search {
    /// Every interleaving, with no bound: the search that proves.
    pub const PROOF: Search = Search::Exhaustive {
        preemption_bound: None,
    };
}

impl fmt::Display for Search {
    /// The search in words, as reports print it: `every interleaving`, `every interleaving
    /// with at most 3 preemptions`, `the in-order schedule`, `1000 sampled schedules (PCT,
    /// seed 2018, depth 5)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Search::Exhaustive {
                preemption_bound: None,
            } => f.write_str("every interleaving"),
            Search::Exhaustive {
                preemption_bound: Some(bound),
            } => write!(f, "every interleaving with at most {bound} preemptions"),
            Search::InOrder => f.write_str("the in-order schedule"),
            Search::Pct {
                seed,
                iterations,
                depth,
            } => write!(
                f,
                "{iterations} sampled schedules (PCT, seed {seed}, depth {depth})"
            ),
        }
    }
}

/// How time passes in the explored executions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Timing {
    /// Any timing (the default): a sleep takes no time and a timed wait may be woken or time
    /// out at any point while it waits; the checker explores both. What holds here holds
    /// whatever the durations and however slow each thread is.
    #[default]
    Any,
    /// The program's own timing, on a virtual clock per execution: computation takes no time,
    /// a sleep and a timed wait take exactly their duration, and the clock moves only when no
    /// thread can run, straight to the earliest pending wake-up. Threads due at the same
    /// instant run in every order. A state that no thread can leave and no pending wake-up
    /// ends is a deadlock. On real threads this changes nothing: time is real.
    Virtual,
}

impl Timing {
    /// `any timing` or `virtual timing`.
    pub fn name(self) -> &'static str {
        match self {
            Timing::Any => "any timing",
            Timing::Virtual => "virtual timing",
        }
    }
}

impl fmt::Display for Timing {
    /// [`Timing::name`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Why a spelling of a [`Checker`], [`Search`] or [`Timing`] was not understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    what: &'static str,
    given: String,
    expected: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {}: expected {}",
            self.given, self.what, self.expected
        )
    }
}

impl std::error::Error for ParseError {}

impl std::str::FromStr for Checker {
    type Err = ParseError;

    /// `loom`, `shuttle` or `threads`, as [`Checker::name`] writes them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Checker::Loom, Checker::Shuttle, Checker::RealThreads]
            .into_iter()
            .find(|checker| checker.name() == s)
            .ok_or_else(|| ParseError {
                what: "checker",
                given: s.to_owned(),
                expected: "`loom`, `shuttle` or `threads`",
            })
    }
}

impl std::str::FromStr for Timing {
    type Err = ParseError;

    /// `any` or `virtual`, or the names [`Timing::name`] writes (`any timing`, `virtual
    /// timing`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "any" | "any timing" => Ok(Timing::Any),
            "virtual" | "virtual timing" => Ok(Timing::Virtual),
            _ => Err(ParseError {
                what: "timing",
                given: s.to_owned(),
                expected: "`any` or `virtual`",
            }),
        }
    }
}

/// What [`Search`]'s spellings are, for error messages.
const SEARCH_SPELLINGS: &str = "`proof`, `bounded_N`, `in-order` or `pct:SEED:ITERATIONS:DEPTH`";

impl Search {
    /// The search spelled `spelling` in its short form, as a command line or a table of runs
    /// writes it: `proof` (every interleaving), `bounded_N` (every interleaving with at most N
    /// preemptions) or `in-order`; `None` for anything else. A `const fn`, so that a table of
    /// runs written in constants is checked when it compiles; [`str::parse`] reads these and
    /// every other spelling.
    ///
    /// ```
    /// use threadproof::check::Search;
    ///
    /// const BOUNDED: Search = match Search::from_spelling("bounded_3") {
    ///     Some(search) => search,
    ///     None => panic!("a typo in a constant fails the build"),
    /// };
    /// assert_eq!(BOUNDED, Search::Exhaustive { preemption_bound: Some(3) });
    /// assert_eq!(Search::from_spelling("proof"), Some(Search::PROOF));
    /// assert_eq!(Search::from_spelling("bounded_"), None);
    /// ```
    pub const fn from_spelling(spelling: &str) -> Option<Search> {
        const fn equal(a: &[u8], b: &[u8]) -> bool {
            if a.len() != b.len() {
                return false;
            }
            let mut i = 0;
            while i < a.len() {
                if a[i] != b[i] {
                    return false;
                }
                i += 1;
            }
            true
        }
        let bytes = spelling.as_bytes();
        if equal(bytes, b"proof") {
            return Some(Search::PROOF);
        }
        if equal(bytes, b"in-order") {
            return Some(Search::InOrder);
        }
        let prefix = b"bounded_";
        if bytes.len() <= prefix.len() {
            return None;
        }
        let mut i = 0;
        while i < prefix.len() {
            if bytes[i] != prefix[i] {
                return None;
            }
            i += 1;
        }
        let mut bound: usize = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                return None;
            }
            bound = match bound.checked_mul(10) {
                Some(b) => match b.checked_add((bytes[i] - b'0') as usize) {
                    Some(b) => b,
                    None => return None,
                },
                None => return None,
            };
            i += 1;
        }
        Some(Search::Exhaustive {
            preemption_bound: Some(bound),
        })
    }

    /// The short spelling [`str::parse`] and [`Search::from_spelling`] read: `proof`,
    /// `bounded_3`, `in-order`, `pct:2018:1000:5` (seed, iterations, depth).
    ///
    /// ```
    /// use threadproof::check::Search;
    ///
    /// let pct = Search::Pct { seed: 7, iterations: 100, depth: 2 };
    /// assert_eq!(pct.spelling(), "pct:7:100:2");
    /// assert_eq!(pct.spelling().parse::<Search>(), Ok(pct));
    /// ```
    pub fn spelling(&self) -> String {
        match *self {
            Search::Exhaustive {
                preemption_bound: None,
            } => "proof".to_owned(),
            Search::Exhaustive {
                preemption_bound: Some(bound),
            } => format!("bounded_{bound}"),
            Search::InOrder => "in-order".to_owned(),
            Search::Pct {
                seed,
                iterations,
                depth,
            } => format!("pct:{seed}:{iterations}:{depth}"),
        }
    }
}

impl std::str::FromStr for Search {
    type Err = ParseError;

    /// The short spelling ([`Search::spelling`]), or the words [`Display`](fmt::Display)
    /// writes (`every interleaving with at most 3 preemptions`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || ParseError {
            what: "search",
            given: s.to_owned(),
            expected: SEARCH_SPELLINGS,
        };
        if let Some(search) = Search::from_spelling(s) {
            return Ok(search);
        }
        if let Some(pct) = s.strip_prefix("pct:") {
            let numbers: Vec<&str> = pct.split(':').collect();
            let number = |i: usize| -> Option<u64> {
                let text = numbers.get(i)?;
                // `u64::from_str` takes a leading `+`; a spelling does not.
                text.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
                text.parse().ok()
            };
            return match (numbers.len(), number(0), number(1), number(2)) {
                (3, Some(seed), Some(iterations), Some(depth)) => Ok(Search::Pct {
                    seed,
                    iterations: usize::try_from(iterations).map_err(|_| error())?,
                    depth: usize::try_from(depth).map_err(|_| error())?,
                }),
                _ => Err(error()),
            };
        }
        // The words of `Display`.
        if s == "every interleaving" {
            return Ok(Search::PROOF);
        }
        if s == "the in-order schedule" {
            return Ok(Search::InOrder);
        }
        if let Some(bound) = s
            .strip_prefix("every interleaving with at most ")
            .and_then(|rest| rest.strip_suffix(" preemptions"))
        {
            if let Some(search) = Search::from_spelling(&format!("bounded_{bound}")) {
                return Ok(search);
            }
        }
        if let Some((iterations, rest)) = s.split_once(" sampled schedules (PCT, seed ") {
            if let Some((seed, depth)) = rest
                .strip_suffix(')')
                .and_then(|rest| rest.split_once(", depth "))
            {
                return format!("pct:{seed}:{iterations}:{depth}").parse();
            }
        }
        Err(error())
    }
}

/// How an exploration ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Every explored execution finished without a failure.
    Passed,
    /// The checker found an execution in which every unfinished thread was blocked.
    Deadlock {
        /// The checker's own report.
        message: String,
        /// The threads our primitives saw blocked, with what they held and waited for.
        blocked: Vec<Blocked>,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// An execution panicked (a failed assertion in the program, or a checker limit).
    Failed {
        /// The panic message.
        message: String,
        /// The steps of that execution, in order.
        steps: Vec<Step>,
    },
    /// The checker cannot run this search (PCT needs shuttle).
    Unsupported {
        /// Why not.
        reason: String,
    },
}

/// The result of [`Explorer::run`].
#[derive(Clone, Debug)]
pub(crate) struct Exploration {
    /// Executions started, including a failing last one.
    pub(crate) executions: usize,
    /// Wall-clock time of the whole exploration.
    pub(crate) elapsed: Duration,
    /// How it ended.
    pub(crate) outcome: Outcome,
}

/// Runs a program under the configured checker. See the [module docs](self).
#[derive(Clone)]
pub(crate) struct Explorer {
    search: Search,
    timing: Timing,
    astray: Option<Astray>,
    done: Option<Astray>,
    counter: Arc<AtomicUsize>,
}

/// Says whether the current execution has gone astray; see [`Explorer::prune`].
type Astray = Arc<dyn Fn() -> bool + Send + Sync>;

impl std::fmt::Debug for Explorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Explorer")
            .field("search", &self.search)
            .field("timing", &self.timing)
            .finish()
    }
}

impl Default for Explorer {
    fn default() -> Self {
        Self::exhaustive()
    }
}

impl Explorer {
    /// An exhaustive search with no bound.
    pub fn exhaustive() -> Self {
        Self::with_search(Search::PROOF)
    }

    /// The given search.
    pub fn with_search(search: Search) -> Self {
        Self {
            search,
            timing: Timing::Any,
            astray: None,
            done: None,
            counter: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The same search, exploring only the random choices of executions that have not gone
    /// astray: `astray` is asked at each choice an execution makes past those already
    /// explored, and when it says yes, the later values of that choice and of the choices after
    /// it are not explored. For a search for one outcome (a given output), this keeps the
    /// search to the choices that can still lead to it; the search is then not exhaustive.
    pub fn prune(mut self, astray: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        self.astray = Some(Arc::new(astray));
        self
    }

    /// The same search, stopped early once `done` says so: it is asked after the exploration
    /// of each sequence of random choices. For a search for one outcome, stop once it is found.
    pub fn until(mut self, done: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        self.done = Some(Arc::new(done));
        self
    }

    /// The same search under `timing`.
    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// The search this explorer runs.
    pub fn search_of(&self) -> Search {
        self.search
    }

    /// The timing this explorer explores under.
    pub fn timing_of(&self) -> Timing {
        self.timing
    }

    /// The number of executions started so far: read it from another thread to show progress.
    pub fn progress(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.counter)
    }

    /// Explores `program`. Each execution starts with a fresh [`trace`] record
    /// (and, under [`Timing::Virtual`], its clock at zero). A program that makes random choices
    /// ([`randrange`](super::random::randrange)) is explored once per sequence of choices its
    /// executions can make, each with every interleaving. A failure is returned, not raised;
    /// the checker's own report still goes to the panic hook.
    pub fn run<F>(&self, program: F) -> Exploration
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.counter.store(0, Ordering::Relaxed);
        let program = Arc::new(program);
        let start = Instant::now();
        let mut scripts = vec![Vec::new()];
        let mut outcome = Outcome::Passed;
        while let Some(script) = scripts.pop() {
            choices::begin(script.clone(), self.search, self.astray.clone());
            outcome = self.run_script(Arc::clone(&program));
            let extensions = choices::extensions(&script);
            if outcome != Outcome::Passed || self.done.as_ref().is_some_and(|done| done()) {
                break;
            }
            // Depth-first, smallest choices first.
            scripts.extend(extensions.into_iter().rev());
        }
        choices::end();
        #[cfg(any(loom, shuttle))]
        super::clock::end_exploration();
        Exploration {
            executions: self.counter.load(Ordering::Relaxed),
            elapsed: start.elapsed(),
            outcome,
        }
    }

    /// One exploration of `program` with the choices of the current script.
    fn run_script<F>(&self, program: Arc<F>) -> Outcome
    where
        F: Fn() + Send + Sync + 'static,
    {
        let counter = Arc::clone(&self.counter);
        let timing = self.timing;
        let program = move || {
            counter.fetch_add(1, Ordering::Relaxed);
            trace::reset();
            choices::begin_execution();
            #[cfg(any(loom, shuttle))]
            {
                super::clock::set_timing(timing);
                super::clock::begin_execution();
            }
            #[cfg(not(any(loom, shuttle)))]
            let _ = timing;
            program();
            trace::finished();
            // The main thread is done: the clock may move on for threads still running.
            #[cfg(any(loom, shuttle))]
            super::clock::idle();
        };
        let result = match backend::check(self.search, program) {
            Err(reason) => Err(reason),
            Ok(run) => Ok(catch_unwind(AssertUnwindSafe(run))),
        };
        match result {
            Err(reason) => Outcome::Unsupported { reason },
            Ok(Ok(())) => Outcome::Passed,
            Ok(Err(payload)) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "panic with a non-text payload".to_owned());
                // Our own record decides, not the checker's words: an execution stopped with
                // every thread that has not finished waiting on a primitive or a join.
                if trace::stuck() {
                    Outcome::Deadlock {
                        message,
                        blocked: trace::blocked(),
                        steps: trace::steps(),
                    }
                } else {
                    Outcome::Failed {
                        message,
                        steps: trace::steps(),
                    }
                }
            }
        }
    }
}

/// Whether the current execution runs on the virtual clock.
pub(crate) fn virtual_timing() -> bool {
    #[cfg(any(loom, shuttle))]
    {
        super::clock::virtual_now().is_some()
    }
    #[cfg(not(any(loom, shuttle)))]
    {
        false
    }
}

/// A random choice of a value in `0..stop` (`stop` > 0); see
/// [`randrange`](super::random::randrange).
pub(crate) fn choose(stop: u64) -> u64 {
    choices::choose(stop)
}

/// The random choices of an exploration.
///
/// An exhaustive search explores every sequence of choices: each exploration runs with a
/// *script*, the first choices of every execution; a choice past the script's end is 0, and
/// records how many values it had. After the exploration, each later value at each position
/// past the script, with zeros before it, becomes a script of its own. So every sequence of
/// choices an execution can make is the script of exactly one exploration, and that
/// exploration runs it with every interleaving. A sampled search (PCT) or a run outside an
/// explorer draws each choice at random instead.
mod choices {
    use std::cell::RefCell;

    use super::Search;

    #[derive(Default)]
    struct Choices {
        /// Inside an explorer's exhaustive or in-order search.
        scripted: bool,
        astray: Option<super::Astray>,
        script: Vec<u64>,
        /// The next choice's position in the current execution.
        position: usize,
        /// For each position past the script, the most values a choice there had.
        widths: Vec<u64>,
        /// A random state for choices that are not scripted.
        seed: u64,
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

    pub(super) fn begin(script: Vec<u64>, search: Search, astray: Option<super::Astray>) {
        CHOICES.with(|c| {
            let mut c = c.borrow_mut();
            // A sampled search enumerates the choices too when it looks for an outcome (it is
            // pruned): each sequence of choices that can still reach it, with its samples.
            c.scripted = (matches!(search, Search::Exhaustive { .. } | Search::InOrder)
                || astray.is_some())
                && cfg!(any(loom, shuttle));
            c.astray = astray;
            if let Search::Pct { seed, .. } = search {
                c.seed = seed | 1;
            }
            c.script = script;
            c.position = 0;
            c.widths.clear();
        });
    }

    pub(super) fn begin_execution() {
        CHOICES.with(|c| c.borrow_mut().position = 0);
    }

    pub(super) fn end() {
        CHOICES.with(|c| {
            let mut c = c.borrow_mut();
            c.scripted = false;
            c.astray = None;
        });
    }

    /// The scripts that extend `script` by one later choice.
    pub(super) fn extensions(script: &[u64]) -> Vec<Vec<u64>> {
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

    pub(super) fn choose(stop: u64) -> u64 {
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
}

/// Each backend turns a search into a runnable check, or says why it cannot.
type Check = Box<dyn FnOnce()>;

#[cfg(loom)]
mod backend {
    use super::{Check, Search};

    pub(super) fn check<F>(search: Search, program: F) -> Result<Check, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        match search {
            Search::Exhaustive { preemption_bound } => Ok(Box::new(move || {
                let mut builder = loom::model::Builder::new();
                // Builder::new reads LOOM_* variables; a proof must not be bounded by them.
                builder.preemption_bound = preemption_bound;
                builder.max_duration = None;
                builder.max_permutations = None;
                builder.check(program);
            })),
            Search::Pct { .. } => Err("loom has no PCT sampler; use shuttle".to_owned()),
            Search::InOrder => Err("loom has no in-order schedule; use shuttle".to_owned()),
        }
    }
}

#[cfg(shuttle)]
mod backend {
    use super::{Check, Search};
    use shuttle::scheduler::{DfsScheduler, PctScheduler};
    use shuttle::{Config, FailurePersistence, Runner};

    fn config() -> Config {
        let mut config = Config::new();
        config.silence_warnings = true;
        config.failure_persistence = FailurePersistence::None;
        config
    }

    pub(super) fn check<F>(search: Search, program: F) -> Result<Check, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        match search {
            Search::Exhaustive {
                preemption_bound: None,
            } => Ok(Box::new(move || {
                Runner::new(DfsScheduler::new(None, false), config()).run(program);
            })),
            Search::Exhaustive {
                preemption_bound: Some(bound),
            } => Ok(Box::new(move || {
                Runner::new(super::bounded::BoundedDfs::new(bound), config()).run(program);
            })),
            Search::Pct {
                seed,
                iterations,
                depth,
            } => Ok(Box::new(move || {
                Runner::new(
                    PctScheduler::new_from_seed(seed, depth, iterations),
                    config(),
                )
                .run(program);
            })),
            Search::InOrder => Ok(Box::new(move || {
                // The first execution of the bounded search without preemptions.
                Runner::new(super::bounded::BoundedDfs::first_only(0), config()).run(program);
            })),
        }
    }
}

#[cfg(not(any(loom, shuttle)))]
mod backend {
    use super::{Check, Search};

    pub(super) fn check<F>(search: Search, program: F) -> Result<Check, String>
    where
        F: Fn() + Send + Sync + 'static,
    {
        match search {
            Search::Exhaustive { .. } => Ok(Box::new(program)),
            Search::Pct { .. } => Err("PCT needs --cfg shuttle".to_owned()),
            Search::InOrder => Err("the in-order schedule needs --cfg shuttle".to_owned()),
        }
    }
}

/// Depth-first search over shuttle's schedules with a preemption bound, as loom bounds its own:
/// switching away from a thread that could go on counts as a preemption, and an execution
/// makes at most `bound` of them. Switches at a blocked, finished or yielding thread are free,
/// and a yielding thread (a `sleep`) lets another runnable thread go first, as under loom.
#[cfg(shuttle)]
mod bounded {
    use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};

    struct Level {
        options: Vec<TaskId>,
        chosen: usize,
    }

    pub(super) struct BoundedDfs {
        bound: usize,
        /// Stop after the first execution.
        first_only: bool,
        levels: Vec<Level>,
        step: usize,
        preemptions: usize,
        started: bool,
    }

    impl BoundedDfs {
        pub(super) fn new(bound: usize) -> Self {
            Self {
                bound,
                first_only: false,
                levels: Vec::new(),
                step: 0,
                preemptions: 0,
                started: false,
            }
        }
    }

    impl BoundedDfs {
        /// Only the first execution of the search: at every choice, its first option.
        pub(super) fn first_only(bound: usize) -> Self {
            Self {
                first_only: true,
                ..Self::new(bound)
            }
        }
    }

    impl Scheduler for BoundedDfs {
        fn new_execution(&mut self) -> Option<Schedule> {
            if self.started && self.first_only {
                return None;
            }
            if self.started {
                // Move to the next choice at the deepest level that has one left.
                while let Some(level) = self.levels.last_mut() {
                    if level.chosen + 1 < level.options.len() {
                        level.chosen += 1;
                        break;
                    }
                    self.levels.pop();
                }
                if self.levels.is_empty() {
                    return None;
                }
            }
            self.started = true;
            self.step = 0;
            self.preemptions = 0;
            Some(Schedule::new(0))
        }

        fn next_task(
            &mut self,
            runnable: &[&Task],
            current: Option<TaskId>,
            is_yielding: bool,
        ) -> Option<TaskId> {
            let continuing =
                current.filter(|c| !is_yielding && runnable.iter().any(|t| t.id() == *c));
            let next = if self.step < self.levels.len() {
                let level = &self.levels[self.step];
                level.options[level.chosen]
            } else {
                let others = || {
                    runnable
                        .iter()
                        .map(|t| t.id())
                        .filter(|t| Some(*t) != current)
                };
                let options: Vec<TaskId> = match continuing {
                    Some(c) if self.preemptions >= self.bound => vec![c],
                    Some(c) => std::iter::once(c).chain(others()).collect(),
                    // A yielding thread lets the others go first, as loom's yield does; it
                    // runs again at once only if nobody else can.
                    None if is_yielding && others().next().is_some() => others().collect(),
                    None => runnable.iter().map(|t| t.id()).collect(),
                };
                let first = options[0];
                self.levels.push(Level { options, chosen: 0 });
                first
            };
            if continuing.is_some_and(|c| c != next) {
                self.preemptions += 1;
            }
            self.step += 1;
            Some(next)
        }

        fn next_u64(&mut self) -> u64 {
            0
        }
    }
}
