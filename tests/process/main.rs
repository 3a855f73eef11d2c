//! `multiprocessing.Process` behaviours (checklist P1..P6, `docs/conformance.md`), checked on real child processes.
//!
//! A child process re-runs the program that starts it, so this test binary has its own `main`
//! (`harness = false`): it calls `threadproof::process::init` first, like any program that
//! starts processes, and only then reads libtest's command line and runs the tests, with
//! libtest-mimic (a child's command line is not a test runner's). The binary also
//! serves as the main program of the scenarios (`--scenario <name>`) in which a test needs a
//! parent it can watch exit or kill. It makes itself a child subreaper, so every process it
//! leads to, orphans included, is its descendant in `/proc` and the last test can check that
//! none is left behind.
//!
//! Processes are real: nothing here runs under loom or shuttle.

#[cfg(all(processes, target_os = "linux"))]
mod children;
#[cfg(all(processes, target_os = "linux"))]
mod procfs;
#[cfg(all(processes, target_os = "linux"))]
mod scenarios;
#[cfg(all(processes, target_os = "linux"))]
mod tests;
#[cfg(all(processes, target_os = "linux"))]
mod trials;

#[cfg(all(processes, target_os = "linux"))]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let first = args.first().map(String::as_str);
    if first == Some("--threadproof-process") && std::env::var_os(children::SKIP_INIT).is_some() {
        children::without_init()
    }
    if first == Some("--scenario") {
        scenarios::run(&args[1], &args[2..]);
        return std::process::ExitCode::SUCCESS;
    }
    // In a child process this runs the requested entry point and exits.
    let _main = threadproof::process::init(children::entry_points());
    nix::sys::prctl::set_child_subreaper(true).expect("cannot become a child subreaper");
    let arguments = libtest_mimic::Arguments::from_args();
    let conclusion = libtest_mimic::run(
        &arguments,
        trials::trials(tests::ALL, tests::LAST, &arguments),
    );
    // A failed test may have left processes running; `_main` would wait for them.
    for pid in procfs::descendants_of(std::process::id()) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    // Returned, not exited with: `_main` is dropped, and reaps the children killed above.
    conclusion.exit_code()
}

/// Elsewhere there are no process tests: a run of none, with libtest's command line and
/// output (`--list` lists none, as nextest asks).
#[cfg(not(all(processes, target_os = "linux")))]
fn main() -> std::process::ExitCode {
    let arguments = libtest_mimic::Arguments::from_args();
    if !arguments.list {
        eprintln!("process tests run on Linux, in real-thread builds only");
    }
    libtest_mimic::run(&arguments, Vec::new()).exit_code()
}
