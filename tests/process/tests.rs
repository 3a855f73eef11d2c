//! The tests, named by checklist item (P1..P6, in `docs/conformance.md`) and claim.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use threadproof::process::{
    active_children, current_process, parent_process, Builder, Process, ProcessError,
};

use crate::children::{
    Report, Worker, BIG, EXITS_WITH, MEASURES, READS_STDIN, REPORTS, RETURNS, SKIP_INIT, SLEEPS,
    STARTS_A_CHILD, TAKES_BAD_ARGS, UNREGISTERED,
};
use crate::procfs::{self, Watched};
use crate::scenarios;
use crate::trials::Test;

macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        &[$(Test { name: stringify!($name), run: $name }),*]
    };
}

/// Run in parallel.
pub const ALL: &[Test] = tests![
    p1_processes_are_named_process_n_in_construction_order,
    p1_a_run_type_names_its_processes_after_the_type,
    p1_a_child_of_a_child_is_named_process_1_1,
    p2_before_start_pid_and_exitcode_are_none_and_it_is_not_alive,
    p2_join_before_start_is_an_error,
    p2_starting_twice_is_an_error,
    p2_setting_daemon_after_start_is_an_error,
    p2_terminate_or_kill_before_start_is_an_error,
    p2_starting_an_unregistered_entry_point_is_an_error,
    p2_arguments_that_do_not_serialize_are_an_error,
    p2_starting_a_process_without_init_is_an_error,
    p2_a_child_that_skips_init_cannot_start_processes,
    p3_exitcode_is_none_while_running,
    p3_exitcode_is_0_after_a_normal_return,
    p3_exitcode_is_1_after_a_panic_whose_message_is_on_stderr,
    p3_exitcode_is_the_code_given_to_exit,
    p3_terminate_gives_exitcode_minus_15,
    p3_kill_gives_exitcode_minus_9,
    p3_join_timeout_returns_none_after_about_the_timeout_while_running,
    p3_terminate_and_kill_after_exit_do_nothing,
    p4_the_childs_parent_pid_is_the_parents_pid,
    p4_the_main_process_has_no_parent_process,
    p4_current_process_in_a_child_is_that_process,
    p5_at_exit_daemonic_children_are_terminated_and_the_others_joined,
    p5_a_daemonic_child_is_gone_within_a_second_of_its_parents_exit,
    p5_a_daemonic_child_dies_with_a_parent_killed_by_sigkill,
    p5_a_non_daemonic_child_outlives_a_killed_parent,
    p5_a_daemonic_process_may_not_start_children,
    p6_run_can_be_overridden,
    p6_active_children_lists_the_running_children,
    a_childs_standard_input_is_at_end_of_file,
    a_large_argument_crosses_intact,
    processes_start_and_join_from_several_threads,
    two_threads_can_join_one_process,
];

/// Run after all the others, alone.
pub const LAST: &[Test] = tests![no_orphan_or_zombie_is_left_behind];

/// A fresh directory for one test's reports, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "threadproof-process-test-{}-{n}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn started(p: Process) -> Process {
    p.start().unwrap();
    p
}

// P1 ------------------------------------------------------------------------------------------

/// The `names` scenario: its processes' names, their exit codes, and its report directory.
fn names_scenario() -> ([String; 5], [i32; 5], TempDir) {
    let dir = TempDir::new();
    let mut scenario = scenarios::start("names", &[dir.path().to_str().unwrap()], &[]);
    let names = scenario.read();
    let codes = scenario.read();
    assert!(scenario.finish().0.success());
    (names, codes, dir)
}

fn p1_processes_are_named_process_n_in_construction_order() {
    let (names, codes, _dir) = names_scenario();
    // A given name takes its number too, as in CPython.
    assert_eq!(
        names[..4],
        ["Process-1", "Process-2", "worker", "Process-4"]
    );
    assert_eq!(codes, [0; 5]);
}

fn p1_a_run_type_names_its_processes_after_the_type() {
    let (names, _, dir) = names_scenario();
    assert_eq!(names[4], "Worker-5");
    assert_eq!(Report::read(&dir.file("worker.json")).name, "Worker-5");
}

fn p1_a_child_of_a_child_is_named_process_1_1() {
    let (_, _, dir) = names_scenario();
    let child = Report::read(&dir.file("child.json"));
    let grandchild = Report::read(&dir.file("grandchild.json"));
    assert_eq!(child.name, "Process-1");
    assert_eq!(child.note, "grandchild exit code 0");
    assert_eq!(grandchild.name, "Process-1:1");
    assert_eq!(grandchild.parent, Some(("Process-1".to_owned(), child.pid)));
    assert_eq!(grandchild.os_parent, child.pid);
}

// P2 ------------------------------------------------------------------------------------------

fn p2_before_start_pid_and_exitcode_are_none_and_it_is_not_alive() {
    let p = Process::new(RETURNS, ());
    assert_eq!(p.pid(), None);
    assert_eq!(p.exitcode(), None);
    assert!(!p.is_alive());
}

fn p2_join_before_start_is_an_error() {
    let p = Process::new(RETURNS, ());
    let error = p.join().unwrap_err();
    assert!(matches!(
        error,
        ProcessError::NotStarted { operation: "join" }
    ));
    assert_eq!(error.to_string(), "can only join a started process");
    let error = p.join_timeout(Duration::from_millis(10)).unwrap_err();
    assert_eq!(error.to_string(), "can only join a started process");
    // Nothing changed: it still starts.
    p.start().unwrap();
    assert_eq!(p.join().unwrap(), 0);
}

fn p2_starting_twice_is_an_error() {
    let p = started(Process::new(RETURNS, ()));
    let error = p.start().unwrap_err();
    assert!(matches!(error, ProcessError::StartedTwice));
    assert_eq!(error.to_string(), "cannot start a process twice");
    assert_eq!(p.join().unwrap(), 0);
    assert!(matches!(p.start(), Err(ProcessError::StartedTwice)));
}

fn p2_setting_daemon_after_start_is_an_error() {
    let p = Process::new(SLEEPS, ());
    p.set_daemon(true).unwrap();
    p.set_daemon(false).unwrap();
    p.start().unwrap();
    let error = p.set_daemon(true).unwrap_err();
    assert!(matches!(error, ProcessError::DaemonAfterStart));
    assert_eq!(error.to_string(), "process has already started");
    assert!(!p.daemon());
    p.kill().unwrap();
    assert_eq!(p.join().unwrap(), -9);
}

fn p2_terminate_or_kill_before_start_is_an_error() {
    let p = Process::new(RETURNS, ());
    let error = p.terminate().unwrap_err();
    assert!(matches!(
        error,
        ProcessError::NotStarted {
            operation: "terminate"
        }
    ));
    assert_eq!(error.to_string(), "can only terminate a started process");
    assert_eq!(
        p.kill().unwrap_err().to_string(),
        "can only kill a started process"
    );
}

fn p2_starting_an_unregistered_entry_point_is_an_error() {
    let p = Process::new(UNREGISTERED, ());
    let error = p.start().unwrap_err();
    assert!(matches!(&error, ProcessError::Unregistered(name) if name == "unregistered"));
    assert_eq!(
        error.to_string(),
        "no entry point named \"unregistered\" was registered with threadproof::process::init"
    );
    assert_eq!(p.pid(), None);
}

fn p2_arguments_that_do_not_serialize_are_an_error() {
    let args = [(vec![1_u8], 1_u8)].into_iter().collect();
    let p = Process::new(TAKES_BAD_ARGS, args);
    let error = p.start().unwrap_err();
    assert!(matches!(error, ProcessError::Arguments(_)), "{error:?}");
    assert!(error
        .to_string()
        .starts_with("cannot serialize the process arguments: "));
    assert_eq!(p.pid(), None);
}

fn p2_starting_a_process_without_init_is_an_error() {
    let mut scenario = scenarios::start("no-init", &[], &[]);
    let outcome: Result<(), String> = scenario.read();
    let message = outcome.unwrap_err();
    assert!(
        message.starts_with(
            "An attempt has been made to start a new process before the current process has \
             finished its bootstrapping phase"
        ),
        "{message}"
    );
    assert!(scenario.finish().0.success());
}

fn p2_a_child_that_skips_init_cannot_start_processes() {
    let mut scenario = scenarios::start("child-skips-init", &[], &[(SKIP_INIT, "1")]);
    // The child exits with 3 when its start is refused as NotInitialized.
    assert_eq!(scenario.read::<i32>(), 3);
    assert!(scenario.finish().0.success());
}

// P3 ------------------------------------------------------------------------------------------

fn p3_exitcode_is_none_while_running() {
    let p = started(Process::new(SLEEPS, ()));
    assert!(p.pid().is_some());
    assert!(p.is_alive());
    assert_eq!(p.exitcode(), None);
    p.kill().unwrap();
    p.join().unwrap();
}

fn p3_exitcode_is_0_after_a_normal_return() {
    let p = started(Process::new(RETURNS, ()));
    assert_eq!(p.join().unwrap(), 0);
    assert_eq!(p.exitcode(), Some(0));
    assert!(!p.is_alive());
    assert!(p.pid().is_some());
}

fn p3_exitcode_is_1_after_a_panic_whose_message_is_on_stderr() {
    let mut scenario = scenarios::start("panic", &[], &[]);
    assert_eq!(scenario.read::<i32>(), 1);
    let (status, stderr) = scenario.finish();
    assert!(status.success());
    assert!(stderr.contains("Process Process-1:\n"), "{stderr}");
    assert!(stderr.contains("the child panicked on purpose"), "{stderr}");
}

fn p3_exitcode_is_the_code_given_to_exit() {
    for code in [7, 255, 0] {
        let p = started(Process::new(EXITS_WITH, code));
        assert_eq!(p.join().unwrap(), code);
        assert_eq!(p.exitcode(), Some(code));
    }
}

fn p3_terminate_gives_exitcode_minus_15() {
    let p = started(Process::new(SLEEPS, ()));
    p.terminate().unwrap();
    assert_eq!(p.join().unwrap(), -15);
    assert_eq!(p.exitcode(), Some(-15));
}

fn p3_kill_gives_exitcode_minus_9() {
    let p = started(Process::new(SLEEPS, ()));
    p.kill().unwrap();
    assert_eq!(p.join().unwrap(), -9);
    assert_eq!(p.exitcode(), Some(-9));
}

fn p3_join_timeout_returns_none_after_about_the_timeout_while_running() {
    let p = started(Process::new(SLEEPS, ()));
    let timeout = Duration::from_millis(100);
    let begin = Instant::now();
    assert_eq!(p.join_timeout(timeout).unwrap(), None);
    let elapsed = begin.elapsed();
    assert!(
        elapsed >= timeout * 6 / 10 && elapsed <= timeout * 10,
        "{elapsed:?}"
    );
    assert!(p.is_alive());
    p.terminate().unwrap();
    assert_eq!(p.join_timeout(Duration::from_secs(60)).unwrap(), Some(-15));
}

fn p3_terminate_and_kill_after_exit_do_nothing() {
    let p = started(Process::new(EXITS_WITH, 5));
    assert_eq!(p.join().unwrap(), 5);
    p.terminate().unwrap();
    p.kill().unwrap();
    assert_eq!(p.exitcode(), Some(5));
}

// P4 ------------------------------------------------------------------------------------------

fn p4_the_childs_parent_pid_is_the_parents_pid() {
    let dir = TempDir::new();
    let p = started(Process::new(REPORTS, dir.file("child.json")));
    assert_eq!(p.join().unwrap(), 0);
    let report = Report::read(&dir.file("child.json"));
    assert_eq!(report.os_parent, std::process::id());
    assert_eq!(
        report.parent,
        Some(("MainProcess".to_owned(), std::process::id()))
    );
}

fn p4_the_main_process_has_no_parent_process() {
    assert_eq!(parent_process(), None);
    let me = current_process();
    assert_eq!(me.name(), "MainProcess");
    assert_eq!(me.pid(), std::process::id());
    assert!(!me.daemon());
}

fn p4_current_process_in_a_child_is_that_process() {
    let dir = TempDir::new();
    let p = started(Process::new(REPORTS, dir.file("child.json")));
    p.join().unwrap();
    let report = Report::read(&dir.file("child.json"));
    assert_eq!(report.name, p.name());
    assert_eq!(Some(report.pid), p.pid());
    assert!(!report.daemon);
}

// P5 ------------------------------------------------------------------------------------------

/// The `at-exit` scenario: its daemonic and other children, watched while they run, and their
/// exit codes once its guard has dropped.
struct AtExit {
    daemons: [Watched; 2],
    other: Watched,
    daemon_codes: [Option<i32>; 2],
    other_code: Option<i32>,
    /// When the scenario process had exited.
    exited: Instant,
}

fn at_exit_scenario() -> AtExit {
    let mut scenario = scenarios::start("at-exit", &[], &[]);
    let (daemon_pids, other_pid): ([Option<u32>; 2], Option<u32>) = scenario.read();
    // The scenario waits for the test before it lets its guard drop: every child is running.
    let daemons = daemon_pids.map(|pid| Watched::new(pid.unwrap()));
    let other = Watched::new(other_pid.unwrap());
    assert!(daemons.iter().chain([&other]).all(Watched::is_alive));
    scenario.proceed();
    let (daemon_codes, other_code) = scenario.read();
    assert!(scenario.finish().0.success());
    AtExit {
        daemons,
        other,
        daemon_codes,
        other_code,
        exited: Instant::now(),
    }
}

fn p5_at_exit_daemonic_children_are_terminated_and_the_others_joined() {
    let run = at_exit_scenario();
    // Terminated by the exit path (SIGTERM), not by the parent-death signal (SIGKILL).
    assert_eq!(run.daemon_codes, [Some(-15); 2]);
    // The other child napped, then exited with 3, and was waited for.
    assert_eq!(run.other_code, Some(3));
}

fn p5_a_daemonic_child_is_gone_within_a_second_of_its_parents_exit() {
    let run = at_exit_scenario();
    let watched: Vec<Watched> = run.daemons.iter().chain([&run.other]).copied().collect();
    let within = Duration::from_secs(1).saturating_sub(run.exited.elapsed());
    assert!(procfs::all_gone_within(&watched, within));
}

/// The `killed` scenario, running: its daemonic children and its other child.
fn killed_scenario() -> (scenarios::Scenario, [Watched; 2], Watched, TempDir) {
    let dir = TempDir::new();
    let mut scenario = scenarios::start("killed", &[dir.path().to_str().unwrap()], &[]);
    let (daemons, other): ([Option<u32>; 2], Option<u32>) = scenario.read();
    let daemons = daemons.map(|pid| Watched::new(pid.unwrap()));
    let other = Watched::new(other.unwrap());
    // The thread that started them has ended: the daemonic children stay alive all the same.
    assert!(procfs::all_alive_for(
        &[daemons[0], daemons[1], other],
        Duration::from_millis(200)
    ));
    (scenario, daemons, other, dir)
}

/// Stops and reaps `pid`, a process this one adopted; its status.
fn kill_and_reap(pid: u32) -> Option<WaitStatus> {
    // Safe to signal: until it is reaped below, the pid cannot name another process.
    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), Signal::SIGKILL);
    procfs::reap(pid)
}

fn p5_a_daemonic_child_dies_with_a_parent_killed_by_sigkill() {
    let (mut scenario, daemons, other, _dir) = killed_scenario();
    scenario.child.kill().unwrap();
    scenario.child.wait().unwrap();
    let killed = Instant::now();
    let gone = procfs::all_gone_within(&daemons, Duration::from_secs(1));
    let late = killed.elapsed();
    // Adopted by this process (a child subreaper): reap them, and the other child.
    // (Killed first, in case they are still running.)
    let statuses = daemons.map(|d| kill_and_reap(d.pid));
    kill_and_reap(other.pid);
    assert!(
        gone,
        "daemonic children still alive {late:?} after their parent was killed"
    );
    for (daemon, status) in daemons.iter().zip(statuses) {
        assert!(
            matches!(status, Some(WaitStatus::Signaled(_, Signal::SIGKILL, _))),
            "{daemon:?}: {status:?}"
        );
    }
}

fn p5_a_non_daemonic_child_outlives_a_killed_parent() {
    let (mut scenario, daemons, other, _dir) = killed_scenario();
    scenario.child.kill().unwrap();
    scenario.child.wait().unwrap();
    let gone = procfs::all_gone_within(&daemons, Duration::from_secs(1));
    for daemon in daemons {
        kill_and_reap(daemon.pid);
    }
    let orphaned = procfs::stat(other.pid);
    let alive = other.is_alive();
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(other.pid as i32),
        Signal::SIGTERM,
    );
    let status = procfs::reap(other.pid);
    assert!(gone);
    // As in CPython: nothing stops a non-daemonic child whose parent was killed.
    assert!(alive);
    assert_eq!(orphaned.map(|s| s.ppid), Some(std::process::id()));
    assert!(matches!(
        status,
        Some(WaitStatus::Signaled(_, Signal::SIGTERM, _))
    ));
}

fn p5_a_daemonic_process_may_not_start_children() {
    let dir = TempDir::new();
    let p = Builder::new()
        .daemon(true)
        .target(STARTS_A_CHILD, dir.path().to_owned());
    p.start().unwrap();
    assert_eq!(p.join().unwrap(), 0);
    let report = Report::read(&dir.file("child.json"));
    assert!(report.daemon);
    assert_eq!(
        report.note,
        "daemonic processes are not allowed to have children"
    );
    assert!(!dir.file("grandchild.json").exists());
}

// P6 ------------------------------------------------------------------------------------------

fn p6_run_can_be_overridden() {
    let dir = TempDir::new();
    let p = started(Process::custom(Worker {
        path: dir.file("worker.json"),
        tag: "ran Worker::run".to_owned(),
    }));
    assert!(p.name().starts_with("Worker-"), "{}", p.name());
    assert_eq!(p.join().unwrap(), 0);
    let report = Report::read(&dir.file("worker.json"));
    assert_eq!(report.note, "ran Worker::run");
    assert_eq!(report.name, p.name());
}

fn p6_active_children_lists_the_running_children() {
    let p = Process::new(SLEEPS, ());
    assert!(!active_children().contains(&p));
    p.start().unwrap();
    assert!(active_children().contains(&p));
    p.kill().unwrap();
    p.join().unwrap();
    assert!(!active_children().contains(&p));
}

// Beyond the checklist --------------------------------------------------------------------------

fn a_childs_standard_input_is_at_end_of_file() {
    let p = started(Process::new(READS_STDIN, ()));
    assert_eq!(p.join().unwrap(), 0);
}

fn a_large_argument_crosses_intact() {
    let p = started(Process::new(MEASURES, "x".repeat(BIG)));
    assert_eq!(p.join().unwrap(), 0);
}

fn processes_start_and_join_from_several_threads() {
    let threads: Vec<_> = (0..3)
        .map(|t| {
            std::thread::spawn(move || {
                let ps: Vec<Process> = (0..3)
                    .map(|i| started(Process::new(EXITS_WITH, 10 * t + i)))
                    .collect();
                ps.iter().map(|p| p.join().unwrap()).collect::<Vec<_>>()
            })
        })
        .collect();
    for (t, thread) in threads.into_iter().enumerate() {
        let t = t as i32;
        assert_eq!(thread.join().unwrap(), [10 * t, 10 * t + 1, 10 * t + 2]);
    }
}

fn two_threads_can_join_one_process() {
    let p = started(Process::new(SLEEPS, ()));
    let joiners: Vec<_> = (0..2)
        .map(|_| {
            let p = p.clone();
            std::thread::spawn(move || p.join().unwrap())
        })
        .collect();
    p.terminate().unwrap();
    for joiner in joiners {
        assert_eq!(joiner.join().unwrap(), -15);
    }
}

// Last --------------------------------------------------------------------------------------------

/// Every process this test run led to has been reaped: it has no descendant left, zombie or
/// running. Orphans count too: this binary is a child subreaper, so they are adopted by it
/// rather than by `init`.
fn no_orphan_or_zombie_is_left_behind() {
    let left = procfs::descendants_of(std::process::id());
    let described: Vec<String> = left
        .iter()
        .map(|&pid| format!("{pid} {:?}", procfs::stat(pid)))
        .collect();
    for &pid in &left {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), Signal::SIGKILL);
        procfs::reap(pid);
    }
    assert!(left.is_empty(), "left behind: {described:?}");
}
