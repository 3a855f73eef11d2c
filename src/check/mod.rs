//! Checking a program of your own: run it under the configured model checker and read the
//! verdict, the outcomes it can reach, and the execution that refutes it.
//!
//! ```
//! use threadproof::check::{Check, Checker, Verdict};
//! use threadproof::sync::atomic::{AtomicUsize, Ordering};
//! use threadproof::sync::{thread, Arc};
//! use threadproof::trace;
//!
//! // Two threads add one to a count with a read and a separate write, and no lock.
//! let report = Check::new().run_claim(
//!     || {
//!         let count = Arc::new(AtomicUsize::new(0));
//!         // Each load and store is a row of the counterexample's table: `read count`, `0`.
//!         trace::label(&*count, "count");
//!         let other = {
//!             let count = count.clone();
//!             thread::spawn(move || {
//!                 let read = count.load(Ordering::SeqCst);
//!                 count.store(read + 1, Ordering::SeqCst);
//!             })
//!         };
//!         let read = count.load(Ordering::SeqCst);
//!         count.store(read + 1, Ordering::SeqCst);
//!         other.join().unwrap();
//!         count.load(Ordering::SeqCst)
//!     },
//!     |count| *count == 2,
//! );
//! if Checker::CURRENT.is_model_checker() {
//!     // RUSTFLAGS="--cfg loom" or "--cfg shuttle": the interleavings up to the first that
//!     // loses an update, its steps, and the outcomes reached so far with their counts.
//!     assert_eq!(report.verdict, Verdict::Violated);
//!     assert!(report.stopped_at_first);
//!     let counterexample = report.counterexample.as_ref().unwrap();
//!     // Which thread read 0 and wrote over the other's write depends on the checker's order.
//!     assert!(counterexample
//!         .ending
//!         .starts_with("1: the claim is false, after a lost update: "));
//!     assert!(counterexample.ending.contains(" read count = 0 (step "));
//!     assert!(counterexample.ending.ends_with("then wrote 1 over it (step 4)"));
//!     assert_eq!(counterexample.execution, report.executions); // the last one explored
//! }
//! println!("{report}");
//! ```
//!
//! [`Check::run`] explores a closure: under `RUSTFLAGS="--cfg loom"` with loom's exhaustive
//! search, under `RUSTFLAGS="--cfg shuttle"` with this crate's search with partial-order
//! reduction (or a sampled or bounded one, see [`Search`]); on real threads it runs the closure many times as a stress
//! test, and the report says that this is no proof. The program spawns its threads with
//! [`sync::thread`](crate::sync::thread) and shares data through
//! [`sync::Arc`](crate::sync::Arc) and [`sync::atomic`](crate::sync::atomic), so the checker
//! sees every step; it returns what the execution reached (a value shown in the outcome table)
//! and [`Check::run_claim`] says which of those values satisfy the claim.
//!
//! The [`Report`] has the verdict ([`Verdict`]), the search and its size, the outcomes with
//! the number of executions that reached each (every outcome, with
//! [`Check::all_outcomes`]), and the first [`Counterexample`]: the steps of that execution,
//! thread by thread, and a sentence saying why it is one. A limit of the checker or of the
//! check is never a verdict about the program: it makes the verdict
//! [`Verdict::Inconclusive`], and [`Report::limit`] says which limit. Its `Display` is the
//! whole report; [`Report::expect`] asserts a verdict with the report as its panic message;
//! [`Report::to_html`] makes it a page for a browser, with the counterexample drawn.

//!
//! # How the checker is built
//!
//! One job a file, and dependencies one way: the primitives use the facade
//! ([`sync`](crate::sync)), the facade reports to the runtime, and the checking machinery
//! starts executions and reads the runtime.
//!
//! - `builder`: [`Check`], the one builder (every setting), and the exploration loop;
//! - `search`: [`Checker`], [`Search`] and [`Timing`], each spelled by `Display` and read by
//!   `FromStr`;
//! - `scheduler`: how each checker runs a search, one file per scheduler of ours
//!   (`dpor`: the reducing search; `bounded_dfs`: plain depth-first search, with or without
//!   a preemption bound; `replay`: the decisions of an execution kept, and replayed);
//! - `report`: the [`Report`], its [`Verdict`] and [`Counterexample`], and their rendering;
//! - `html`: a report as one HTML page, its counterexample drawn a lane per thread;
//! - `linearizability`: [`Model`], [`History`] and [`linearizable`], the search for an order
//!   of a concurrent object's operations that its sequential model explains, and the
//!   [`Scenario`] that [`linearizability`](crate::linearizability) runs under the checker;
//! - `replay`: a counterexample's replay string, which [`Check::replay`] runs again;
//! - `diagnosis`: a stuck execution's wait-for graph turned into a deadlock or a hang, and its
//!   sentence;
//! - `panics`: the executions' panics kept off stderr (the report tells them), and where each
//!   happened;
//! - `runtime`: what one execution keeps while it runs (the record of who holds and waits for
//!   what, the virtual clock, the random choices); it imports nothing else of the crate.

mod builder;
mod diagnosis;
mod html;
mod linearizability;
mod panics;
mod replay;
mod report;
pub(crate) mod runtime;
mod scheduler;
mod search;

pub use builder::Check;
#[cfg(feature = "proptest")]
pub use linearizability::scenarios;
pub(crate) use linearizability::Results;
pub use linearizability::{linearizable, History, Model, NotLinearizable, Operation, Scenario};
pub use report::{Counterexample, Limit, Report, Verdict};
pub use runtime::record::Step;
pub use search::{Checker, ParseError, Part, Search, Timing};

#[cfg(test)]
mod tests {
    use super::{Counterexample, Step};

    fn steps(n: usize) -> Vec<Step> {
        (1..=n)
            .map(|i| Step {
                step: i,
                seconds: 0.0,
                thread: "Thread-1".to_owned(),
                action: format!("step {i}"),
                value: String::new(),
                preempts: None,
            })
            .collect()
    }

    /// A trace of more than 80 steps shows its first 40 and its last 20, and says how many
    /// it leaves out; a shorter one shows every step.
    #[test]
    fn a_long_counterexample_shows_its_start_and_its_end() {
        let long = Counterexample {
            execution: 1,
            timed: false,
            steps: steps(100),
            ending: "the end".to_owned(),
            replay: None,
            fewest_preemptions: None,
            cycle: Vec::new(),
            fewer_not_ruled_out: None,
            shortest: false,
            why: None,
        }
        .to_string();
        let rows: Vec<&str> = long.lines().skip(2).collect();
        assert_eq!(rows.len(), 40 + 1 + 20 + 1, "{long}");
        assert!(
            rows[0].ends_with("step 1") && rows[39].ends_with("step 40"),
            "{long}"
        );
        assert_eq!(rows[40], "   ...  (40 steps)");
        assert!(
            rows[41].ends_with("step 81") && rows[60].ends_with("step 100"),
            "{long}"
        );
        assert_eq!(rows[61], "  => the end");

        let short = Counterexample {
            execution: 1,
            timed: false,
            steps: steps(80),
            ending: "the end".to_owned(),
            replay: Some("tp1-any-w-0000000000000000-a-".to_owned()),
            fewest_preemptions: None,
            cycle: Vec::new(),
            fewer_not_ruled_out: None,
            shortest: false,
            why: None,
        }
        .to_string();
        assert_eq!(short.lines().count(), 2 + 80 + 2, "{short}");
        assert!(
            short.ends_with("  replay: Check::replay(\"tp1-any-w-0000000000000000-a-\")\n"),
            "{short}"
        );
    }

    /// Each search has one spelling, and a report calls only an unbounded exhaustive search
    /// under a model checker a proof.
    #[test]
    fn searches_are_said_in_words() {
        use super::{Checker, Report, Search, Timing, Verdict};
        let bounded = Search::Exhaustive {
            preemption_bound: Some(3),
        };
        let pct = Search::Pct {
            seed: 7,
            iterations: 100,
            depth: 2,
        };
        assert_eq!(Search::PROOF.to_string(), "every interleaving");
        assert_eq!(
            bounded.to_string(),
            "every interleaving with at most 3 preemptions"
        );
        assert_eq!(Search::InOrder.to_string(), "the in-order schedule");
        assert_eq!(
            pct.to_string(),
            "100 sampled schedules (PCT, seed 7, depth 2)"
        );
        let report = |checker, search, verdict| Report {
            checker,
            search,
            timing: Timing::Any,
            verdict,
            executions: 5,
            elapsed: std::time::Duration::ZERO,
            outcomes: Default::default(),
            printed: Default::default(),
            timed_out_executions: 0,
            counterexample: None,
            limit: None,
            stopped_at_first: false,
            sleep_set_blocked: 0,
            part: None,
            error: None,
        };
        let described =
            |checker, search, verdict| report(checker, search, verdict).search_described();
        assert_eq!(
            described(Checker::Loom, Search::PROOF, Verdict::Holds),
            "every interleaving (a proof)"
        );
        assert_eq!(
            described(Checker::Shuttle, bounded, Verdict::Holds),
            "every interleaving with at most 3 preemptions"
        );
        assert_eq!(
            described(Checker::Loom, Search::PROOF, Verdict::Error),
            "every interleaving"
        );
        assert_eq!(
            described(Checker::RealThreads, Search::PROOF, Verdict::Holds),
            "5 runs on real threads (a stress test, not a proof)"
        );
        let mut part = report(Checker::Shuttle, Search::PROOF, Verdict::Holds);
        part.part = Some(super::Part::new(2, 4).unwrap());
        part.sleep_set_blocked = 3;
        assert!(!part.is_proof());
        let first = part.to_string();
        let first: Vec<&str> = first.lines().take(2).collect();
        assert_eq!(
            first,
            [
                "verdict: holds (shuttle, every interleaving, part 2 of 4 (a proof when every \
                 part holds), any timing: 5 executions in 0.00 s)",
                "3 of the executions stopped early, each the same as one explored before \
                 (sleep-set blocked)"
            ]
        );
        assert_eq!(Checker::Shuttle.to_string(), "shuttle");
        assert_eq!(Timing::Virtual.to_string(), "virtual timing");
        assert_eq!(format!("{:<8}|", Checker::Loom), "loom    |");
    }

    /// On real threads a check runs the program many times, and a counterexample says which
    /// run it was: the count goes on across the runs rather than starting again at each.
    #[cfg(not(any(loom, shuttle)))]
    #[test]
    fn a_real_thread_counterexample_says_which_run_it_was() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        for all_outcomes in [false, true] {
            let runs = Arc::new(AtomicUsize::new(0));
            let check = super::Check::new().runs(5);
            let check = if all_outcomes {
                check.all_outcomes()
            } else {
                check
            };
            let report = check.run_claim(
                move || runs.fetch_add(1, Ordering::Relaxed) + 1,
                |run| *run != 3,
            );
            assert_eq!(report.verdict, super::Verdict::Violated, "{report}");
            // Stopped at the third run, or all five run.
            assert_eq!(
                report.executions,
                if all_outcomes { 5 } else { 3 },
                "{report}"
            );
            let counterexample = report.counterexample.expect("a refuted claim");
            assert_eq!(counterexample.execution, 3);
            assert_eq!(counterexample.ending, "3: the claim is false");
        }
    }

    /// Every search, checker and timing reads back from what it writes: its words and its short
    /// spelling; anything else is refused with the spellings it could have been.
    #[test]
    fn searches_read_back_what_they_write() {
        use super::{Checker, Search, Timing};
        let searches = [
            Search::PROOF,
            Search::Exhaustive {
                preemption_bound: Some(0),
            },
            Search::Exhaustive {
                preemption_bound: Some(12),
            },
            Search::InOrder,
            Search::Pct {
                seed: 2018,
                iterations: 1000,
                depth: 5,
            },
            Search::DepthFirst {
                preemption_bound: None,
            },
            Search::DepthFirst {
                preemption_bound: Some(4),
            },
        ];
        for search in searches {
            assert_eq!(search.to_string().parse(), Ok(search), "{search}");
            assert_eq!(search.spelling().parse(), Ok(search), "{search}");
        }
        assert_eq!(searches[2].spelling(), "bounded_12");
        assert_eq!(searches[3].spelling(), "in-order");
        assert_eq!(searches[5].spelling(), "dfs");
        assert_eq!(searches[6].spelling(), "dfs_4");
        assert_eq!(
            searches[6].to_string(),
            "every interleaving with at most 4 preemptions by plain depth-first search"
        );
        for bad in [
            "",
            "bounded_",
            "bounded_+3",
            "bounded:3",
            "bounded_3x",
            "bounded_99999999999999999999999",
            "pct:1:2",
            "pct:1:2:3:4",
            "pct:+1:2:3",
            "everything",
            "every interleaving with at most x preemptions",
            "dfs_",
            "dfs3",
            "the in-order schedule by plain depth-first search",
        ] {
            let error = bad.parse::<Search>().unwrap_err().to_string();
            assert_eq!(
                error,
                format!(
                    "`{bad}` is not a search: expected `proof`, `bounded_N`, `dfs`, `dfs_N`, \
                     `in-order` or `pct:SEED:ITERATIONS:DEPTH`"
                )
            );
        }
        for checker in [Checker::Loom, Checker::Shuttle, Checker::RealThreads] {
            assert_eq!(checker.to_string().parse(), Ok(checker));
        }
        assert_eq!(
            "Loom".parse::<Checker>().unwrap_err().to_string(),
            "`Loom` is not a checker: expected `loom`, `shuttle` or `threads`"
        );
        for timing in [Timing::Any, Timing::Virtual] {
            assert_eq!(timing.to_string().parse(), Ok(timing));
        }
        assert_eq!("virtual".parse(), Ok(Timing::Virtual));
        assert_eq!("any".parse(), Ok(Timing::Any));
        assert!("real".parse::<Timing>().is_err());
    }
}
