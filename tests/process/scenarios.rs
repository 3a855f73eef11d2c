//! Whole programs the tests run as a separate main process (this binary, started with
//! `--scenario <name>`), for what a test cannot do to its own process: exit, be killed, skip
//! `init`, or have its standard error read.
//!
//! A scenario prints what the test checks to standard output, one JSON value a line.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use threadproof::process::{self, Builder, Process};

use crate::children::{
    entry_points, Worker, NAPS_THEN_EXITS, PANICS_WITH, RETURNS, SAYS_READY_THEN_SLEEPS, SLEEPS,
    STARTS_A_CHILD,
};

/// Starts scenario `name` with `args`, its standard streams piped to and from the test.
pub fn start(name: &str, args: &[&str], env: &[(&str, &str)]) -> Scenario {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("--scenario")
        .arg(name)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    Scenario { child, stdout }
}

/// A running scenario.
pub struct Scenario {
    pub child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Scenario {
    /// The next line of output, parsed.
    pub fn read<T: DeserializeOwned>(&mut self) -> T {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("scenario printed {line:?}: {e}"))
    }

    /// Tells a scenario that waits for the test (see [`wait_for_the_test`]) to go on.
    pub fn proceed(&mut self) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the scenario to end; returns its exit status and standard error.
    pub fn finish(mut self) -> (std::process::ExitStatus, String) {
        drop(self.child.stdin.take());
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (self.child.wait().unwrap(), stderr)
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        // A failed test must not leave its scenario running.
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Blocks until the test calls [`Scenario::proceed`] (or lets go of the scenario).
fn wait_for_the_test() {
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

fn say(value: impl Serialize) {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &value).unwrap();
    writeln!(out).unwrap();
    out.flush().unwrap();
}

/// The scenarios: run scenario `name` with `args`, as the main process of this program.
pub fn run(name: &str, args: &[String]) {
    match name {
        "names" => names(PathBuf::from(&args[0])),
        "panic" => panic(),
        "at-exit" => at_exit(),
        "killed" => killed(PathBuf::from(&args[0])),
        "no-init" => no_init(),
        "child-skips-init" => child_skips_init(),
        other => panic!("no scenario {other:?}"),
    }
}

/// P1: names by construction order, shared by all process types; a child's child.
fn names(dir: PathBuf) {
    let _main = process::init(entry_points());
    let first = Process::new(STARTS_A_CHILD, dir.clone());
    let second = Process::new(RETURNS, ());
    let named = Builder::new().name("worker").target(RETURNS, ());
    let fourth = Process::new(RETURNS, ());
    let custom = Process::custom(Worker {
        path: dir.join("worker.json"),
        tag: String::new(),
    });
    let all = [&first, &second, &named, &fourth, &custom];
    say(all.map(Process::name));
    for p in all {
        p.start().unwrap();
    }
    say(all.map(|p| p.join().unwrap()));
}

/// P3: a panic's exit code, and its message on the child's standard error.
fn panic() {
    let _main = process::init(entry_points());
    let p = Process::new(PANICS_WITH, "the child panicked on purpose".to_owned());
    p.start().unwrap();
    say(p.join().unwrap());
}

/// P5: at exit, daemonic children are terminated and the others joined.
fn at_exit() {
    let main = process::init(entry_points());
    let daemons = [(); 2].map(|()| Builder::new().daemon(true).target(SLEEPS, ()));
    let other = Process::new(NAPS_THEN_EXITS, (300, 3));
    for p in daemons.iter().chain([&other]) {
        p.start().unwrap();
    }
    say((daemons.each_ref().map(|p| p.pid()), other.pid()));
    // The test looks at the children while they run, then lets this process exit.
    wait_for_the_test();
    drop(main);
    say((daemons.each_ref().map(Process::exitcode), other.exitcode()));
}

/// P5: daemonic children die with a parent that is killed, even when the thread that
/// started them ended long before; the other children live on.
fn killed(dir: PathBuf) {
    let _main = process::init(entry_points());
    let (daemons, other) = std::thread::spawn(move || {
        let ready = [0, 1].map(|i| dir.join(format!("daemon-{i}.json")));
        let daemons = ready.each_ref().map(|path| {
            Builder::new()
                .daemon(true)
                .target(SAYS_READY_THEN_SLEEPS, path.clone())
        });
        let other = Process::new(SLEEPS, ());
        for p in daemons.iter().chain([&other]) {
            p.start().unwrap();
        }
        // This thread forked them: it ends only once they are past their set-up, so that a
        // parent-death signal tied to it would reach them.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !ready.iter().all(|path| path.exists()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        (daemons, other)
    })
    .join()
    .unwrap();
    say((daemons.each_ref().map(|p| p.pid()), other.pid()));
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// P2: starting a process in a program that did not call `init`.
fn no_init() {
    let p = Process::new(RETURNS, ());
    say(p.start().map_err(|e| e.to_string()));
}

/// A child whose `main` skips `init` must not start processes (it would be this program's
/// `main` running again).
fn child_skips_init() {
    let _main = process::init(entry_points());
    let p = Process::new(RETURNS, ());
    p.start().unwrap();
    say(p.join().unwrap());
}
