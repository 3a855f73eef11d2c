//! A search split into parts explores the whole search: on generated programs (those of
//! `reduction`), the parts of the reducing search and of plain depth-first search, split two,
//! three and four ways, together reach the whole search's outcomes, each in as many executions
//! as the whole search (for the reducing search, in programs without yields and timers, see
//! below). A split search explores every thread at its split
//! points, in another order than the whole search, so the reducing search's parts stop another
//! number of executions early, each the same as one explored before (sleep-set blocked); plain
//! depth-first search stops none, and its parts' executions add up to the whole's exactly. The part also comes from the environment, and a
//! split the checker cannot make is an error that says why.

use std::collections::BTreeMap;

use threadproof::check::{Check, Checker, Part, Report, Search, Timing, Verdict};
use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::sync::{random, thread, Arc};

use super::reduction::{generated, program, Op};

/// How many generated programs to split.
const PROGRAMS: u64 = 120;

/// The most executions the whole search may take on one program: a program that needs more is
/// left out (and counted).
const LIMIT: usize = 5_000;

fn explore(search: Search, part: Option<Part>, timing: Timing, threads: &[Vec<Op>]) -> Report {
    let check = Check::with_search(search)
        .timing(timing)
        .all_outcomes()
        .max_executions(LIMIT * 4);
    let check = match part {
        Some(part) => check.part(part),
        None => check,
    };
    check.run_claim(program(threads.to_vec()), |_: &String| true)
}

/// The executions that ran to the end: those that reached an outcome.
fn complete(report: &Report) -> usize {
    report.outcomes.values().sum()
}
#[test]
fn the_parts_of_a_split_search_explore_the_whole_search() {
    if Checker::CURRENT != Checker::Shuttle {
        return;
    }
    let plain = Search::DepthFirst {
        preemption_bound: None,
    };
    let (mut split, mut too_big, mut with_choices) = (0, 0, 0);
    let (mut whole_executions, mut parts_executions) = (0, 0);
    let mut shares: Vec<usize> = Vec::new();
    for seed in 0..PROGRAMS {
        let (timing, threads) = generated(seed);
        if threads.iter().flatten().any(|op| *op == Op::Choose) {
            with_choices += 1;
            continue;
        }
        let count = 2 + (seed % 3) as usize;
        for search in [Search::PROOF, plain] {
            let whole = explore(search, None, timing, &threads);
            if whole.verdict == Verdict::Inconclusive || whole.executions > LIMIT {
                too_big += 1;
                continue;
            }
            assert_eq!(whole.verdict, Verdict::Holds, "program {seed}:\n{whole}");
            let parts: Vec<Report> = (1..=count)
                .map(|k| {
                    let part = Part::new(k, count).unwrap();
                    let report = explore(search, Some(part), timing, &threads);
                    assert_eq!(report.verdict, Verdict::Holds, "program {seed}:\n{report}");
                    assert_eq!(report.part, Some(part));
                    assert!(!report.is_proof(), "a part alone proves nothing");
                    report
                })
                .collect();
            let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
            for part in &parts {
                for (outcome, n) in &part.outcomes {
                    *outcomes.entry(outcome.clone()).or_insert(0) += n;
                }
            }
            assert_eq!(
                outcomes.keys().collect::<Vec<_>>(),
                whole.outcomes.keys().collect::<Vec<_>>(),
                "program {seed} ({search}, {count} parts, {timing}) {threads:?}: the parts' \
                 outcomes (left) differ from the whole search's (right)"
            );
            // A yield's step conflicts with every step and keeps the yielding thread out of
            // the next choice, and a timer's firing ends its wait from outside: with either,
            // the reducing search may run a class of interleavings to the end more than once,
            // more often in one order of exploring than in another. Without them, it runs each
            // class to the end once.
            let timers_or_yields = threads
                .iter()
                .flatten()
                .any(|op| matches!(op, Op::Yield | Op::WaitTimeout | Op::Sleep(_)));
            if search == plain || !timers_or_yields {
                assert_eq!(
                    outcomes, whole.outcomes,
                    "program {seed} ({search}, {count} parts, {timing}) {threads:?}: the \
                     parts reach the outcomes (left) in other numbers of executions than the \
                     whole search (right)"
                );
            }
            let executions: usize = parts.iter().map(|p| p.executions).sum();
            if search == plain {
                assert_eq!(
                    executions, whole.executions,
                    "program {seed}: plain depth-first search's parts add up to the whole"
                );
            } else {
                whole_executions += whole.executions;
                parts_executions += executions;
            }
            let most = parts.iter().map(complete).max().unwrap_or(0);
            shares.push(most * 100 / complete(&whole).max(1));
            split += 1;
        }
    }
    shares.sort_unstable();
    println!(
        "{split} searches split ({with_choices} programs with random choices and {too_big} \
         searches too big left out); the reducing search: {whole_executions} executions \
         whole, {parts_executions} in parts; the largest part's share of the executions that \
         ran to the end, median {}%",
        shares.get(shares.len() / 2).copied().unwrap_or(0)
    );
    assert!(split >= 100, "only {split} searches split");
}

/// Two racing increments and a third thread: a program whose search branches at its start.
fn racing() -> (usize, usize, usize) {
    let count = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let count = count.clone();
            thread::spawn(move || {
                let seen = count.load(Ordering::SeqCst);
                count.store(seen + 1, Ordering::SeqCst);
                seen
            })
        })
        .collect();
    let seen: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    (seen[0], seen[1], count.load(Ordering::SeqCst))
}

/// Each part of a split search finds what refutes a claim in its share: the lost update is
/// found by some part, and every part that finds it shows a counterexample.
#[test]
fn a_counterexample_is_found_by_the_part_whose_share_has_it() {
    if Checker::CURRENT != Checker::Shuttle {
        return;
    }
    let reports: Vec<Report> = (1..=2)
        .map(|k| {
            Check::new()
                .part(Part::new(k, 2).unwrap())
                .run_claim(racing, |(_, _, end)| *end == 2)
        })
        .collect();
    assert!(
        reports.iter().any(|r| r.verdict == Verdict::Violated),
        "no part found the lost update"
    );
    for report in &reports {
        match report.verdict {
            Verdict::Violated => assert!(report.counterexample.is_some()),
            verdict => assert_eq!(verdict, Verdict::Holds, "{report}"),
        }
    }
}

/// What cannot be split says why: loom explores on its own, a sampled search has no tree to
/// split, and a random choice may be made only in another part's executions.
#[test]
fn a_split_the_checker_cannot_make_is_an_error_that_says_why() {
    let part = Part::new(1, 2).unwrap();
    let error = |report: Report| {
        assert_eq!(report.verdict, Verdict::Error, "{report}");
        report.error.expect("an error says why")
    };
    if Checker::CURRENT == Checker::Loom {
        let reason = error(Check::new().part(part).run(|| {}));
        assert!(
            reason.contains("only the exhaustive searches under shuttle"),
            "{reason}"
        );
        return;
    }
    let pct = Search::Pct {
        seed: 1,
        iterations: 10,
        depth: 2,
    };
    let reason = error(Check::with_search(pct).part(part).run(|| {}));
    assert!(reason.contains("not 10 sampled schedules"), "{reason}");
    let reason = error(Check::new().part(part).run(|| {
        random::randrange(2).unwrap();
    }));
    assert!(reason.contains("random choices"), "{reason}");
    // A part of one is the whole search, a proof.
    let whole = Check::new()
        .part(Part::new(1, 1).unwrap())
        .run_claim(racing, |_| true);
    assert!(whole.is_proof() && whole.part.is_none(), "{whole}");
}

/// The environment variable splits a check with no change to its code, and a value that is no
/// part is an error naming the variable. Run as a child process of this test binary, so that
/// no other test sees the variable.
#[test]
fn the_part_comes_from_the_environment() {
    if std::env::var_os(Part::VARIABLE).is_some() {
        return;
    }
    let child = |value: &str| -> String {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "parts::child_reports_its_part",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(Part::VARIABLE, value)
            .output()
            .expect("the test binary runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let first = child("1/2");
    let second = child("2/2");
    let bad = child("3/2");
    if Checker::CURRENT == Checker::Shuttle {
        assert!(
            first.contains("verdict: holds") && first.contains("part 1 of 2"),
            "{first}"
        );
        assert!(second.contains("part 2 of 2"), "{second}");
    }
    assert!(
        bad.contains("verdict: error")
            && bad.contains("THREADPROOF_PART: `3/2` is not a part of a search"),
        "{bad}"
    );
}

/// The child of `the_part_comes_from_the_environment`: prints its report.
#[test]
#[ignore = "run by the_part_comes_from_the_environment, with THREADPROOF_PART set"]
fn child_reports_its_part() {
    let report = Check::new().run_claim(racing, |_| true);
    println!("{report}");
}

/// shuttle keeps each exploration's state to its own OS thread, and so does the checker's
/// runtime: the parts of one search run at once on several cores of one machine.
#[test]
fn parts_run_at_once_on_several_cores() {
    if Checker::CURRENT != Checker::Shuttle {
        return;
    }
    let whole = Check::new()
        .all_outcomes()
        .run_claim(racing, |_| true)
        .expect(Verdict::Holds);
    let parts: Vec<Report> = (1..=2)
        .map(|k| {
            std::thread::spawn(move || {
                Check::new()
                    .part(Part::new(k, 2).unwrap())
                    .all_outcomes()
                    .run_claim(racing, |_| true)
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for part in &parts {
        assert_eq!(part.verdict, Verdict::Holds, "{part}");
        for (outcome, n) in &part.outcomes {
            *outcomes.entry(outcome.clone()).or_insert(0) += n;
        }
    }
    assert_eq!(outcomes, whole.outcomes);
}

/// A proof split across jobs: CI runs it once per part, with `THREADPROOF_PART` set to `1/2`
/// and `2/2` (`.ci/steps proof-in-parts`); run without the variable, it is the whole proof.
/// Three threads each take a lock to count and hand the count on through a queue.
#[test]
#[ignore = "run by `.ci/steps proof-in-parts`, once for each part"]
fn a_proof_in_parts() {
    use threadproof::queue::Queue;
    use threadproof::Lock;
    const THREADS: usize = 3;
    let report = Check::new().run_claim(
        || {
            let lock = Arc::new(Lock::new());
            let count = Arc::new(AtomicUsize::new(0));
            let queue = Arc::new(Queue::new(0));
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    let (lock, count, queue) = (lock.clone(), count.clone(), queue.clone());
                    thread::spawn(move || {
                        let seen = {
                            let _held = lock.lock();
                            let seen = count.load(Ordering::SeqCst);
                            count.store(seen + 1, Ordering::SeqCst);
                            seen
                        };
                        queue.put(seen).unwrap();
                    })
                })
                .collect();
            let mut seen: Vec<usize> = (0..THREADS).map(|_| queue.get().unwrap()).collect();
            threads.into_iter().for_each(|t| t.join().unwrap());
            seen.sort_unstable();
            seen
        },
        |seen| *seen == (0..THREADS).collect::<Vec<_>>(),
    );
    println!("{report}");
    assert_eq!(report.verdict, Verdict::Holds, "{report}");
    if Checker::CURRENT == Checker::Shuttle {
        assert_eq!(report.part, Part::from_env().unwrap());
    }
}
