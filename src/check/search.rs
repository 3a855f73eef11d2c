//! What to explore with and how: the checker of the build ([`Checker`]), the search
//! ([`Search`]) and the timing ([`Timing`]), each with one spelling, written by `Display` and
//! read by `FromStr`.

use std::fmt;

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
    ///
    /// Interleavings that differ only in the order of steps touching nothing in common reach
    /// the same outcomes, and a search with partial-order reduction runs one of them: loom's
    /// own, and under shuttle without a bound ours (source-set DPOR with sleep sets). Under
    /// shuttle with a bound, the search is plain depth-first.
    Exhaustive {
        /// The preemption bound: loom's own, or, under shuttle, our bounded depth-first
        /// scheduler's; `None` explores everything.
        preemption_bound: Option<usize>,
    },
    /// Every interleaving (with at most `preemption_bound` preemptions, if set) by plain
    /// depth-first search, without partial-order reduction: each order of every two steps is
    /// run, related or not. It reaches the same outcomes as [`Search::Exhaustive`], in many
    /// more executions; it is there to compare with. shuttle only.
    ///
    /// ```
    /// use threadproof::check::Search;
    ///
    /// assert_eq!(Search::from_spelling("dfs"), Some(Search::DepthFirst { preemption_bound: None }));
    /// assert_eq!("dfs_2".parse(), Ok(Search::DepthFirst { preemption_bound: Some(2) }));
    /// ```
    DepthFirst {
        /// The preemption bound; `None` explores everything.
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
            Search::DepthFirst {
                preemption_bound: None,
            } => f.write_str("every interleaving by plain depth-first search"),
            Search::DepthFirst {
                preemption_bound: Some(bound),
            } => write!(
                f,
                "every interleaving with at most {bound} preemptions by plain depth-first search"
            ),
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
///
/// Neither loom nor shuttle models time; under the checkers it is part of the model, in one of
/// two ways. This is the one place the rules are written; the rest of the documentation links
/// here.
///
/// **Any timing** ([`Timing::Any`], the default) explores every timing at once:
/// - a wait with a timeout may be woken, or time out at any point while it waits, and the
///   checker explores both: the deadline may pass before the call's first wait, between two of
///   its waits or during one, and the timed-out thread may run straight on. A waiter that timed
///   out is never the one a later notify wakes;
/// - a state that only a timeout can leave is not a deadlock, because the timeout can still
///   fire;
/// - a sleep ([`sync::thread::sleep`](crate::sync::thread::sleep)) takes no time and is no
///   scheduling point: it touches nothing another thread can see, so a sleeping thread may run
///   straight on, or be overtaken, as the checker's schedules choose;
/// - [`sync::time::now`](crate::sync::time::now) is always zero, and a random sleep
///   ([`sync::random::sleep`](crate::sync::random::sleep)) makes no choice.
///
/// What holds under any timing holds whatever the durations and however slow each thread is.
/// Under loom each call that blocks with a timeout spends one of loom's threads (5, the main
/// thread included) on its timer.
///
/// **Virtual timing** ([`Timing::Virtual`]) runs the program on its own timing, on a virtual
/// clock per execution: computation takes no time, a sleep and a timed wait take exactly their
/// duration, and the clock moves only when no thread can run, straight to the earliest pending
/// wake-up. Threads due at the same instant run in every order. A state that no thread can
/// leave and no pending wake-up ends is a deadlock.
///
/// On real threads the timing changes nothing: time is real.
///
/// ```
/// use threadproof::check::Timing;
///
/// assert_eq!(Timing::default(), Timing::Any);
/// assert_eq!("virtual".parse(), Ok(Timing::Virtual));
/// assert_eq!(Timing::Virtual.to_string(), "virtual timing");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Timing {
    /// Any timing: every timed wait may time out at any point, explored both ways, and a
    /// sleep takes no time (see [`Timing`]).
    #[default]
    Any,
    /// The program's own timing, on a virtual clock per execution (see [`Timing`]).
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

/// One of the disjoint parts of a search split across jobs: part `index` of `count`, written
/// `index/count` (from `1/count` to `count/count`). The parts' executions together are the whole
/// search's, each explored by exactly one part, so a proof can run as `count` jobs of a CI
/// matrix: the claim is proved when every part holds. A check is split by
/// [`Check::part`](super::Check::part) or, with no change to the code, by the environment
/// variable `THREADPROOF_PART` ([`Part::VARIABLE`]).
///
/// Only the exhaustive searches under shuttle split (the reducing search and plain depth-first
/// search), and not yet a program that makes random choices; a split check of any other
/// reports [`Verdict::Error`](super::Verdict::Error). The split happens at an execution's
/// first three branching points, so up to eight parts each get a share of a program whose
/// threads branch two ways there; a part can be empty.
///
/// ```
/// use threadproof::check::Part;
///
/// let part: Part = "2/4".parse().unwrap();
/// assert_eq!((part.index(), part.count()), (2, 4));
/// assert_eq!(part.to_string(), "2/4");
/// let error = "5/4".parse::<Part>().unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "`5/4` is not a part of a search: expected `K/N`, with 1 <= K <= N"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Part {
    index: usize,
    count: usize,
}

impl Part {
    /// The environment variable a check reads its part from, as `K/N`, when
    /// [`Check::part`](super::Check::part) does not set one.
    pub const VARIABLE: &'static str = "THREADPROOF_PART";

    /// Part `index` of `count`, if `1 <= index <= count`.
    ///
    /// ```
    /// use threadproof::check::Part;
    ///
    /// assert!(Part::new(1, 2).is_ok());
    /// assert!(Part::new(0, 2).is_err());
    /// ```
    pub fn new(index: usize, count: usize) -> Result<Part, ParseError> {
        if (1..=count).contains(&index) {
            Ok(Part { index, count })
        } else {
            Err(ParseError {
                what: "part of a search",
                given: format!("{index}/{count}"),
                expected: PART_SPELLING,
            })
        }
    }

    /// Which part, from 1.
    ///
    /// ```
    /// assert_eq!(threadproof::check::Part::new(3, 4).unwrap().index(), 3);
    /// ```
    pub fn index(self) -> usize {
        self.index
    }

    /// Of how many parts.
    ///
    /// ```
    /// assert_eq!(threadproof::check::Part::new(3, 4).unwrap().count(), 4);
    /// ```
    pub fn count(self) -> usize {
        self.count
    }

    /// The part [`Part::VARIABLE`] names, `None` if it is unset or empty.
    ///
    /// ```
    /// use threadproof::check::Part;
    ///
    /// // Unset in the doc tests.
    /// assert_eq!(Part::from_env(), Ok(None));
    /// ```
    pub fn from_env() -> Result<Option<Part>, ParseError> {
        match std::env::var(Part::VARIABLE) {
            Ok(text) if !text.trim().is_empty() => text.trim().parse().map(Some),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(text)) => Err(ParseError {
                what: "part of a search",
                given: text.to_string_lossy().into_owned(),
                expected: PART_SPELLING,
            }),
        }
    }
}

/// The number `text` spells in decimal digits, and nothing else: `from_str` of the integers
/// takes a leading `+`, which a spelling does not.
fn digits<N: std::str::FromStr>(text: &str) -> Option<N> {
    text.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
    text.parse().ok()
}

const PART_SPELLING: &str = "`K/N`, with 1 <= K <= N";

impl fmt::Display for Part {
    /// `index/count`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}/{}", self.index, self.count))
    }
}

impl std::str::FromStr for Part {
    type Err = ParseError;

    /// `K/N`, as [`Display`](fmt::Display) writes it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || ParseError {
            what: "part of a search",
            given: s.to_owned(),
            expected: PART_SPELLING,
        };
        let (index, count) = s.split_once('/').ok_or_else(error)?;
        match (digits(index), digits(count)) {
            (Some(index), Some(count)) => Part::new(index, count).map_err(|_| error()),
            _ => Err(error()),
        }
    }
}

/// Why a spelling of a [`Checker`], [`Search`], [`Timing`] or [`Part`] was not understood.
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
const SEARCH_SPELLINGS: &str =
    "`proof`, `bounded_N`, `dfs`, `dfs_N`, `in-order` or `pct:SEED:ITERATIONS:DEPTH`";

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
        if equal(bytes, b"dfs") {
            return Some(Search::DepthFirst {
                preemption_bound: None,
            });
        }
        const fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
            if bytes.len() <= prefix.len() {
                return false;
            }
            let mut i = 0;
            while i < prefix.len() {
                if bytes[i] != prefix[i] {
                    return false;
                }
                i += 1;
            }
            true
        }
        let (mut i, plain) = if starts_with(bytes, b"bounded_") {
            (b"bounded_".len(), false)
        } else if starts_with(bytes, b"dfs_") {
            (b"dfs_".len(), true)
        } else {
            return None;
        };
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
        let preemption_bound = Some(bound);
        Some(if plain {
            Search::DepthFirst { preemption_bound }
        } else {
            Search::Exhaustive { preemption_bound }
        })
    }

    /// The short spelling [`str::parse`] and [`Search::from_spelling`] read: `proof`,
    /// `bounded_3`, `dfs`, `dfs_3`, `in-order`, `pct:2018:1000:5` (seed, iterations, depth).
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
            Search::DepthFirst {
                preemption_bound: None,
            } => "dfs".to_owned(),
            Search::DepthFirst {
                preemption_bound: Some(bound),
            } => format!("dfs_{bound}"),
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
            let number = |i: usize| -> Option<u64> { digits(numbers.get(i)?) };
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
        if let Some(words) = s.strip_suffix(" by plain depth-first search") {
            return match words.parse::<Search>() {
                Ok(Search::Exhaustive { preemption_bound }) => {
                    Ok(Search::DepthFirst { preemption_bound })
                }
                _ => Err(error()),
            };
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
