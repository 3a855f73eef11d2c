//! Runs the models under the checker this binary was built with, for `cargo prove`.
//!
//! `threadproof-models run NAME` explores one model (by default with the registry's search
//! for this checker and timing: a proof, or a stated preemption bound) and prints its report
//! as one JSON line; `--help` lists the options. Exit status: 0 when the report is written,
//! whatever its verdict; 2 for bad arguments.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{Parser, Subcommand};
use threadproof_models::{all, find, Run, Search, Timing, TUTORIAL_SAMPLE};

/// Runs the threading tutorial's models under the checker this binary was built with.
#[derive(Parser)]
#[command(name = "threadproof-models")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prints the models' names, one per line, in the tutorial's order.
    List,
    /// Explores one model and prints its report as one line of JSON.
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// The model.
    #[arg(value_parser = PossibleValuesParser::new(all().into_iter().map(|e| e.model.name)))]
    name: String,
    /// The search: `registry` (the registry's, for this checker and timing), `proof`,
    /// `bounded_N`, `in-order` (the in-order schedule, seeking the tutorial's output),
    /// `pct:SEED:ITERATIONS:DEPTH`, `sampled` (PCT at the tutorial's size) or `seek` (PCT,
    /// seeking the tutorial's output).
    #[arg(long, default_value = "registry", value_parser = parse_search)]
    search: Chosen,
    /// `any` timing, or the tutorial's own on the `virtual` clock.
    #[arg(long, default_value = "any", value_parser = str::parse::<Timing>)]
    timing: Timing,
    /// Explore the tutorial's own size (a sample or the in-order schedule always does).
    #[arg(long)]
    tutorial_size: bool,
    /// The number of threads explored, instead of the search's size.
    #[arg(long)]
    threads: Option<usize>,
    /// The model's own number (see its `value_means`), instead of the search's size.
    #[arg(long)]
    value: Option<usize>,
    /// PCT's seed, for `sampled` and `seek`.
    #[arg(long)]
    seed: Option<u64>,
    /// PCT's bug depth, for `sampled` and `seek`.
    #[arg(long)]
    depth: Option<usize>,
    /// PCT's executions, for `sampled` and `seek`.
    #[arg(long)]
    iterations: Option<usize>,
    /// Print `progress N` lines (executions so far) to stderr while exploring.
    #[arg(long)]
    progress: bool,
}

/// A search named on the command line.
#[derive(Clone, Copy)]
enum Chosen {
    /// The registry's.
    Registry,
    /// This one, seeking the tutorial's output or not.
    Given { search: Search, seek: bool },
}

/// Reads the models' own words (`registry`, `sampled`, `seek`), and every other search as the
/// checking API spells it; the in-order schedule seeks the tutorial's output.
fn parse_search(spelling: &str) -> Result<Chosen, String> {
    let given = |search, seek| Ok(Chosen::Given { search, seek });
    match spelling {
        "registry" => Ok(Chosen::Registry),
        "sampled" => given(TUTORIAL_SAMPLE, false),
        "seek" => given(
            Search::Pct {
                seed: 2018,
                iterations: 100,
                depth: 3,
            },
            true,
        ),
        other => match other.parse::<Search>() {
            Ok(search) => given(search, search == Search::InOrder),
            Err(e) => Err(format!("{e}, or registry, sampled or seek")),
        },
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::List => {
            let mut stdout = std::io::stdout().lock();
            for entry in all() {
                // A closed pipe (`| head`) ends the list.
                if writeln!(stdout, "{}", entry.model.name).is_err() {
                    break;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Run(args) => run(args),
    }
}

fn run(args: RunArgs) -> ExitCode {
    let entry = find(&args.name).expect("clap accepts only the registry's names");
    let model = entry.model;
    let (mut search, seek) = match args.search {
        Chosen::Registry => (
            entry.search(threadproof_models::Checker::CURRENT, args.timing),
            false,
        ),
        Chosen::Given { search, seek } => (search, seek),
    };
    if let Search::Pct {
        seed,
        iterations,
        depth,
    } = &mut search
    {
        *seed = args.seed.unwrap_or(*seed);
        *depth = args.depth.unwrap_or(*depth);
        *iterations = args.iterations.unwrap_or(*iterations);
    } else if args.seed.is_some() || args.depth.is_some() || args.iterations.is_some() {
        let mut command = <Cli as clap::CommandFactory>::command();
        command
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "`--seed`, `--depth` and `--iterations` apply to `--search sampled` and `seek`",
            )
            .exit();
    }
    let mut size = if args.tutorial_size || !matches!(search, Search::Exhaustive { .. }) {
        model.tutorial
    } else {
        model.small
    };
    size.threads = args.threads.unwrap_or(size.threads);
    size.value = args.value.unwrap_or(size.value);

    // The checkers report deadlocks by panicking; the report carries them, so keep the
    // checkers' own panic messages off the terminal.
    std::panic::set_hook(Box::new(|_| {}));

    let mut run = Run::new(model, search).timing(args.timing).size(size);
    if seek {
        run = run.seek_output();
    }
    let finished = Arc::new(AtomicBool::new(false));
    let ticker = args.progress.then(|| {
        let (count, finished) = (run.progress(), Arc::clone(&finished));
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                eprintln!("progress {}", count.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    });
    let report = run.run();
    finished.store(true, Ordering::Relaxed);
    if let Some(ticker) = ticker {
        let _ = ticker.join();
    }
    let line = serde_json::to_string(&report).expect("a report is plain data");
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory as _, Parser as _};

    use super::{Chosen, Cli, Command, Search, Timing};

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn searches_are_spelt_as_in_the_registry() {
        let search = |spelling: &str| {
            let cli = Cli::try_parse_from([
                "threadproof-models",
                "run",
                "counter_locked",
                "--search",
                spelling,
            ]);
            match cli.map(|cli| cli.command) {
                Ok(Command::Run(args)) => match args.search {
                    Chosen::Given { search, seek } => Some((search, seek)),
                    Chosen::Registry => None,
                },
                _ => panic!("`{spelling}` refused"),
            }
        };
        assert_eq!(
            search("bounded_3"),
            Some((
                Search::Exhaustive {
                    preemption_bound: Some(3)
                },
                false
            ))
        );
        assert_eq!(search("proof"), Some((Search::PROOF, false)));
        assert_eq!(search("in-order"), Some((Search::InOrder, true)));
        assert_eq!(
            search("pct:7:100:2"),
            Some((
                Search::Pct {
                    seed: 7,
                    iterations: 100,
                    depth: 2
                },
                false
            ))
        );
        assert_eq!(search("registry"), None);
        for bad in ["bounded_", "bounded_+3", "bounded:3", "everything"] {
            assert!(
                Cli::try_parse_from([
                    "threadproof-models",
                    "run",
                    "counter_locked",
                    "--search",
                    bad
                ])
                .is_err(),
                "`{bad}` accepted"
            );
        }
    }

    #[test]
    fn timings_are_spelt_as_the_checking_api_reads_them() {
        let timing = |spelling: &str| {
            let cli = Cli::try_parse_from([
                "threadproof-models",
                "run",
                "counter_locked",
                "--timing",
                spelling,
            ]);
            match cli.map(|cli| cli.command) {
                Ok(Command::Run(args)) => Some(args.timing),
                _ => None,
            }
        };
        assert_eq!(timing("any"), Some(Timing::Any));
        assert_eq!(timing("virtual"), Some(Timing::Virtual));
        assert_eq!(timing("virtual timing"), Some(Timing::Virtual));
        assert_eq!(timing("later"), None);
    }
}
