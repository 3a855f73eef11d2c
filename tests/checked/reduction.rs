//! The reduced search reaches exactly the outcomes of the full one: hundreds of small programs,
//! generated from fixed seeds over the atomics, the primitives (`Lock`, `RLock`, `Semaphore`,
//! `Event`, `Queue`), timed waits, yields and random choices, each explored by the exhaustive search (with partial-order reduction) and by plain
//! depth-first search, both inside the primitives; the two outcome sets must be equal, and the
//! reduced search never runs more executions. The reduced search with each operation of a
//! primitive as one step (what users' checks do) must reach the same outcomes too. Plain
//! depth-first search is shuttle's, so under loom this only runs the reduced search's own
//! check: loom has no plain search to compare with.

use std::fmt::Write as _;
use std::time::Duration;

use threadproof::check::{Check, Checker, Search, Timing, Verdict};
use threadproof::queue::Queue;
use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::sync::{random, thread, Arc};
use threadproof::{Event, Lock, RLock, Semaphore};

/// One operation of a generated thread.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Op {
    Load(usize),
    Store(usize, usize),
    FetchAdd(usize),
    /// Under the lock: a load and a store of one more (an increment that needs the lock).
    Locked(usize),
    /// Under the re-entrant lock, taken twice, an increment of a count the checker does not
    /// see (a `std` atomic): only the lock orders the increments, so a search that took two
    /// threads' acquires for independent would miss an order of them.
    RLocked(usize),
    /// The same under a semaphore of one.
    Acquired(usize),
    TryLock,
    Set,
    IsSet,
    /// Waits for the event for a moment: under any timing, set or timed out, both explored.
    WaitTimeout,
    Put(usize),
    Get,
    Yield,
    Choose,
    /// Under virtual timing, a sleep of that many milliseconds.
    Sleep(u64),
}

/// A small deterministic generator (xorshift64*): the programs are the same in every run.
struct Seeds(u64);

impl Seeds {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// The timing and the program of `seed`: one program in four under virtual timing.
pub(crate) fn generated(seed: u64) -> (Timing, Vec<Vec<Op>>) {
    let timing = if seed % 4 == 3 {
        Timing::Virtual
    } else {
        Timing::Any
    };
    (timing, generate(seed, timing))
}

/// The program of `seed`: two or three threads (the main thread included), each with one or
/// two operations.
fn generate(seed: u64, timing: Timing) -> Vec<Vec<Op>> {
    let mut seeds = Seeds(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let threads = 2 + seeds.below(2);
    (0..threads)
        .map(|_| {
            let ops = 1 + seeds.below(2);
            (0..ops)
                .map(|_| {
                    let object = seeds.below(2);
                    match seeds.below(if timing == Timing::Virtual { 16 } else { 15 }) {
                        0 => Op::Load(object),
                        1 => Op::Store(object, 1 + seeds.below(2)),
                        2 => Op::FetchAdd(object),
                        3 => Op::Locked(object),
                        4 => Op::TryLock,
                        5 => Op::Set,
                        6 => Op::IsSet,
                        7 => Op::WaitTimeout,
                        8 => Op::Put(1 + seeds.below(2)),
                        9 => Op::Get,
                        10 => Op::Yield,
                        11 => Op::Choose,
                        12 => Op::RLocked(object),
                        13 => Op::Acquired(object),
                        14 => Op::Load(object),
                        _ => Op::Sleep(1 + seeds.below(2) as u64),
                    }
                })
                .collect()
        })
        .collect()
}

struct Shared {
    atomics: [AtomicUsize; 2],
    lock: Lock,
    rlock: RLock,
    semaphore: Semaphore,
    /// Counts the checker does not see: two changed only under `rlock`, two only under
    /// `semaphore`.
    unseen: [std::sync::atomic::AtomicUsize; 4],
    event: Event,
    queue: Queue<usize>,
}

/// Runs one thread's operations, and says what each saw.
fn run(shared: &Shared, ops: &[Op]) -> String {
    let mut seen = String::new();
    for op in ops {
        match *op {
            Op::Load(i) => write!(seen, "{} ", shared.atomics[i].load(Ordering::SeqCst)),
            Op::Store(i, v) => {
                shared.atomics[i].store(v, Ordering::SeqCst);
                Ok(())
            }
            Op::FetchAdd(i) => write!(
                seen,
                "{} ",
                shared.atomics[i].fetch_add(1, Ordering::SeqCst)
            ),
            Op::Locked(i) => {
                let _guard = shared.lock.lock();
                let value = shared.atomics[i].load(Ordering::Relaxed);
                shared.atomics[i].store(value + 1, Ordering::Relaxed);
                write!(seen, "{value} ")
            }
            Op::RLocked(i) => {
                shared.rlock.acquire();
                shared.rlock.acquire();
                let value = shared.unseen[i].fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                shared.rlock.release().unwrap();
                shared.rlock.release().unwrap();
                write!(seen, "{value} ")
            }
            Op::Acquired(i) => {
                shared.semaphore.acquire();
                let value = shared.unseen[2 + i].fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                shared.semaphore.release();
                write!(seen, "{value} ")
            }
            Op::TryLock => match shared.lock.try_lock() {
                Some(_guard) => write!(seen, "got "),
                None => write!(seen, "busy "),
            },
            Op::Set => {
                shared.event.set();
                Ok(())
            }
            Op::IsSet => write!(seen, "{} ", shared.event.is_set()),
            Op::WaitTimeout => write!(
                seen,
                "w{} ",
                shared.event.wait_timeout(Duration::from_millis(1))
            ),
            Op::Put(v) => {
                shared.queue.put_nowait(v).unwrap();
                Ok(())
            }
            Op::Get => match shared.queue.get_nowait() {
                Ok(v) => write!(seen, "q{v} "),
                Err(_) => write!(seen, "empty "),
            },
            Op::Yield => {
                thread::yield_now();
                Ok(())
            }
            Op::Choose => write!(seen, "r{} ", random::randrange(2).unwrap()),
            Op::Sleep(ms) => {
                thread::sleep(Duration::from_millis(ms));
                Ok(())
            }
        }
        .unwrap();
    }
    seen
}

/// The program: the main thread spawns the others, runs its own operations, joins, and tells
/// what every thread saw and what the shared objects hold at the end.
pub(crate) fn program(threads: Vec<Vec<Op>>) -> impl Fn() -> String + Send + Sync + 'static {
    move || {
        let shared = Arc::new(Shared {
            atomics: [AtomicUsize::new(0), AtomicUsize::new(0)],
            lock: Lock::new(),
            rlock: RLock::new(),
            semaphore: Semaphore::new(1),
            unseen: Default::default(),
            event: Event::new(),
            queue: Queue::new(0),
        });
        let handles: Vec<_> = threads[1..]
            .iter()
            .map(|ops| {
                let (shared, ops) = (shared.clone(), ops.clone());
                thread::spawn(move || run(&shared, &ops))
            })
            .collect();
        let mut outcome = format!("main: {}", run(&shared, &threads[0]));
        for (i, handle) in handles.into_iter().enumerate() {
            write!(outcome, "| {}: {}", i + 1, handle.join().unwrap()).unwrap();
        }
        write!(
            outcome,
            "| end: {} {} {} {}",
            shared.atomics[0].load(Ordering::SeqCst),
            shared.atomics[1].load(Ordering::SeqCst),
            shared.event.is_set(),
            shared.queue.qsize()
        )
        .unwrap();
        outcome
    }
}

fn explore(
    search: Search,
    inside: bool,
    timing: Timing,
    threads: &[Vec<Op>],
) -> threadproof::check::Report {
    let check = Check::with_search(search);
    let check = if inside {
        check.inside_primitives()
    } else {
        check
    };
    check
        .timing(timing)
        .all_outcomes()
        .max_executions(LIMIT)
        .run_claim(program(threads.to_vec()), |_: &String| true)
}

/// How many programs to generate; each runs under both searches.
const PROGRAMS: u64 = 400;

/// The most executions either search may take on one program: a program that needs more is
/// left out of the comparison (and counted).
const LIMIT: usize = 20_000;

#[test]
fn the_reduced_search_reaches_exactly_the_outcomes_of_plain_depth_first_search() {
    let plain = Search::DepthFirst {
        preemption_bound: None,
    };
    let (mut reduced_executions, mut plain_executions, mut whole_executions) = (0, 0, 0);
    let (mut compared, mut too_big, mut blocked) = (0, 0, 0);
    for seed in 0..PROGRAMS {
        let (timing, threads) = generated(seed);
        let reduced = explore(Search::PROOF, true, timing, &threads);
        if reduced.verdict == Verdict::Inconclusive {
            too_big += 1;
            continue;
        }
        assert_eq!(
            reduced.verdict,
            Verdict::Holds,
            "program {seed} {threads:?}:\n{reduced}"
        );
        reduced_executions += reduced.executions;
        // Every execution reaches one outcome, but those the search stopped early.
        let reached = |report: &threadproof::check::Report| report.outcomes.values().sum::<usize>();
        assert_eq!(
            reached(&reduced) + reduced.sleep_set_blocked,
            reduced.executions,
            "program {seed} {threads:?}:\n{reduced}"
        );
        blocked += reduced.sleep_set_blocked;
        if Checker::CURRENT != Checker::Shuttle {
            continue;
        }
        let full = explore(plain, true, timing, &threads);
        if full.verdict == Verdict::Inconclusive {
            too_big += 1;
            continue;
        }
        assert_eq!(
            full.verdict,
            Verdict::Holds,
            "program {seed} {threads:?}:\n{full}"
        );
        compared += 1;
        assert_eq!(
            reduced.outcomes.keys().collect::<Vec<_>>(),
            full.outcomes.keys().collect::<Vec<_>>(),
            "program {seed} ({timing}) {threads:?}: the reduced search's outcomes (left) differ \
             from plain depth-first search's (right)"
        );
        // Each operation of a primitive as one step, as users' checks explore by default.
        let whole = explore(Search::PROOF, false, timing, &threads);
        assert_eq!(
            whole.outcomes.keys().collect::<Vec<_>>(),
            full.outcomes.keys().collect::<Vec<_>>(),
            "program {seed} ({timing}) {threads:?}: with each operation one step, the \
             reduced search's outcomes (left) differ from plain depth-first search's inside the \
             primitives (right)"
        );
        whole_executions += whole.executions;
        assert_eq!(
            reached(&whole) + whole.sleep_set_blocked,
            whole.executions,
            "program {seed} {threads:?}:\n{whole}"
        );
        assert_eq!(
            reached(&full),
            full.executions,
            "plain depth-first search stops no execution early"
        );
        assert!(
            reduced.executions <= full.executions,
            "program {seed} {threads:?}: {} executions reduced, {} plain",
            reduced.executions,
            full.executions
        );
        plain_executions += full.executions;
    }
    println!(
        "{PROGRAMS} programs, {compared} compared ({too_big} too big); executions: \
         {plain_executions} by plain depth-first search, {reduced_executions} with the \
         reduction ({blocked} of them stopped early, sleep-set blocked), {whole_executions} \
         with the reduction and each operation one step"
    );
    if Checker::CURRENT == Checker::Shuttle {
        assert!(
            compared >= PROGRAMS / 2,
            "only {compared} programs compared"
        );
    }
}

/// No limit of threads under shuttle: sixteen threads, each writing its own slot and two of
/// them also racing on a shared count, are proved. Their steps on their own slots touch nothing
/// in common, so the reduced search runs one order of them, and explores only the orders of
/// the two racing increments. Plain depth-first search would order every pair of steps; loom
/// runs at most five threads (and reports that limit, see `verdicts`).
#[test]
fn sixteen_threads_are_proved_under_shuttle() {
    if Checker::CURRENT != Checker::Shuttle {
        return;
    }
    const THREADS: usize = 16;
    let report = Check::new().all_outcomes().run_claim(
        || {
            let slots: Arc<Vec<AtomicUsize>> =
                Arc::new((0..THREADS).map(|_| AtomicUsize::new(0)).collect());
            let count = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = (0..THREADS)
                .map(|i| {
                    let (slots, count) = (slots.clone(), count.clone());
                    thread::spawn(move || {
                        slots[i].store(i + 1, Ordering::SeqCst);
                        if i < 2 {
                            // A lost update is possible: a read, then a separate write.
                            let seen = count.load(Ordering::SeqCst);
                            count.store(seen + 1, Ordering::SeqCst);
                        }
                    })
                })
                .collect();
            for thread in threads {
                thread.join().unwrap();
            }
            let sum: usize = slots.iter().map(|s| s.load(Ordering::SeqCst)).sum();
            (sum, count.load(Ordering::SeqCst))
        },
        |(sum, _): &(usize, usize)| *sum == THREADS * (THREADS + 1) / 2,
    );
    assert_eq!(report.verdict, Verdict::Holds, "{report}");
    assert!(report.is_proof(), "{report}");
    // Both outcomes of the race, and nothing else.
    assert_eq!(
        report.outcomes.keys().collect::<Vec<_>>(),
        ["(136, 1)", "(136, 2)"],
        "{report}"
    );
    assert!(report.executions < 100, "{report}");
}

/// One execution runs to the end for each order of the steps that conflict, and no more:
/// three threads each write their own slot twice and take a ticket from a shared count. Only
/// the three tickets conflict, so there are 3! = 6 classes of interleavings, each with its
/// own outcome (who got which ticket); the reduced search runs each class to the end once,
/// where plain depth-first search runs every interleaving of the slot writes too.
#[test]
fn one_execution_runs_to_the_end_for_each_order_of_the_conflicting_steps() {
    const THREADS: usize = 3;
    let program = || {
        let slots: Arc<Vec<AtomicUsize>> =
            Arc::new((0..THREADS).map(|_| AtomicUsize::new(0)).collect());
        let tickets = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..THREADS)
            .map(|i| {
                let (slots, tickets) = (slots.clone(), tickets.clone());
                thread::spawn(move || {
                    slots[i].store(1, Ordering::SeqCst);
                    let ticket = tickets.fetch_add(1, Ordering::SeqCst);
                    slots[i].store(2, Ordering::SeqCst);
                    ticket
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect::<Vec<usize>>()
    };
    let report = Check::new()
        .all_outcomes()
        .run_claim(program, |_| true)
        .expect(Verdict::Holds);
    println!("{report}");
    assert_eq!(report.outcomes.len(), 6, "{report}");
    if Checker::CURRENT == Checker::Shuttle {
        assert!(
            report.outcomes.values().all(|&n| n == 1),
            "an order of the tickets ran to the end more than once:\n{report}"
        );
    }
}

/// With each operation of a primitive one step (a user's check), every order in which two
/// threads pass a `Lock`, an `RLock` (taken twice) or a `Semaphore` of one is explored. Each
/// thread passes twice and notes its turn in a list the checker does not see, so only the
/// primitive orders the turns: the 4!/(2!·2!) = 6 orders of the turns must all be reached.
#[test]
fn each_operation_as_one_step_keeps_every_order_of_passing_a_primitive() {
    type Pass = fn(&(Lock, RLock, Semaphore), &dyn Fn());
    let passes: [(&str, Pass); 3] = [
        ("Lock", |(lock, _, _), turn| {
            let _held = lock.lock();
            turn();
        }),
        ("RLock", |(_, rlock, _), turn| {
            rlock.acquire();
            rlock.acquire();
            turn();
            rlock.release().unwrap();
            rlock.release().unwrap();
        }),
        ("Semaphore", |(_, _, semaphore), turn| {
            semaphore.acquire();
            turn();
            semaphore.release();
        }),
    ];
    for (name, pass) in passes {
        let report = Check::new().all_outcomes().run_claim(
            move || {
                let shared = Arc::new((Lock::new(), RLock::new(), Semaphore::new(1)));
                let turns = Arc::new(std::sync::Mutex::new(String::new()));
                let run = {
                    let turns = turns.clone();
                    move |me: char, shared: &(Lock, RLock, Semaphore)| {
                        for _ in 0..2 {
                            pass(shared, &|| turns.lock().unwrap().push(me));
                        }
                    }
                };
                let other = {
                    let (shared, run) = (shared.clone(), run.clone());
                    thread::spawn(move || run('b', &shared))
                };
                run('a', &shared);
                other.join().unwrap();
                let turns = turns.lock().unwrap().clone();
                turns
            },
            |_| true,
        );
        let orders: Vec<&str> = report.outcomes.keys().map(String::as_str).collect();
        assert_eq!(
            orders,
            ["aabb", "abab", "abba", "baab", "baba", "bbaa"],
            "{name}:\n{report}"
        );
    }
}
