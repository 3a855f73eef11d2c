//! Differential test against CPython itself: random sequences of queue operations run through
//! CPython's own `queue` module (tests/oracle/queue_oracle.py, a copy of the shared oracle)
//! and through our queues (tests/oracle/driver.rs, the same protocol); the output lines must
//! match exactly. A mismatch shrinks to a minimal sequence.
//!
//! Python: `PYENV_VERSION=3.13.0 python3.13` when it runs, else `python3`; shutdown ops are
//! generated only when that Python is 3.13 or later. With no Python the test fails and says so.
//!
//! Speed: one oracle process per sequence costs about 21 ms each (measured: 100 processes on
//! a 40-op sequence in 2.15 s), 43 s for 2,000 sequences; tests/oracle/run_many.py loads the
//! unmodified oracle once and runs its `main()` once per sequence in the same process, which
//! ran 2,000 such sequences in 0.35 s. The whole test takes about 6 s, most of it the real
//! 1 ms waits of `timeout=0.001` ops, on both sides.

#[path = "../oracle/driver.rs"]
mod driver;

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::{json, Value};

/// Sequences per run.
const SEQUENCES: u32 = 2_000;
/// Operations per sequence (after the header line).
const MIN_OPS: usize = 30;
const MAX_OPS: usize = 60;

/// A Python that can run the oracle.
struct Python {
    executable: PathBuf,
    version: (u32, u32),
    how: &'static str,
}

impl Python {
    /// Whether this Python has `Queue.shutdown` (3.13).
    fn has_shutdown(&self) -> bool {
        self.version >= (3, 13)
    }
}

fn probe(program: &str, pyenv: Option<&str>, how: &'static str) -> Option<Python> {
    let mut cmd = Command::new(program);
    cmd.args([
        "-c",
        "import sys; print(sys.executable); print(*sys.version_info[:2])",
    ]);
    if let Some(version) = pyenv {
        cmd.env("PYENV_VERSION", version);
    }
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    let executable = lines.next().filter(|e| !e.is_empty()).unwrap_or(program);
    let mut version = lines.next()?.split_whitespace().map(str::parse::<u32>);
    let version = (version.next()?.ok()?, version.next()?.ok()?);
    // Run the interpreter itself from now on, not a version manager's wrapper script.
    Some(Python {
        executable: PathBuf::from(executable),
        version,
        how,
    })
}

fn find_python() -> Python {
    probe(
        "python3.13",
        Some("3.13.0"),
        "PYENV_VERSION=3.13.0 python3.13",
    )
    .or_else(|| probe("python3", None, "python3"))
    .unwrap_or_else(|| {
        panic!(
            "the queue differential test runs CPython's queue module as its oracle, but neither \
             `PYENV_VERSION=3.13.0 python3.13` nor `python3` could be started: install CPython \
             (3.13 for the shutdown operations)"
        )
    })
}

/// One long-lived process running tests/oracle/run_many.py.
struct Oracle {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Oracle {
    fn start(python: &Python) -> Self {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/run_many.py");
        let mut child = Command::new(&python.executable)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.executable.display()));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Self {
            child,
            stdin,
            stdout,
        }
    }

    fn run(&mut self, lines: &[String]) -> Vec<String> {
        let request = serde_json::to_string(lines).expect("strings serialize");
        writeln!(self.stdin, "{request}").expect("the oracle reads its input");
        self.stdin.flush().expect("the oracle reads its input");
        let mut answer = String::new();
        self.stdout
            .read_line(&mut answer)
            .expect("the oracle answers");
        serde_json::from_str(&answer)
            .unwrap_or_else(|e| panic!("the oracle's answer {answer:?} is not a list: {e}"))
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Queue,
    LifoQueue,
    PriorityQueue,
}

/// How a put or get may wait.
#[derive(Clone, Copy, Debug)]
enum How {
    /// `block=True, timeout=None` (the oracle and the driver refuse a call that would hang).
    Block,
    /// `block=False`.
    NoBlock,
    /// `timeout=0`.
    Timeout0,
    /// `timeout=0.001`: really waits, on both sides, when it must.
    TimeoutShort,
}

#[derive(Clone, Debug)]
enum Op {
    Put(Value, How),
    PutNowait(Value),
    Get(How),
    GetNowait,
    Qsize,
    Empty,
    Full,
    TaskDone,
    Join,
    Shutdown(bool),
    UnfinishedTasks,
    IsShutdown,
    Maxsize,
}

impl Op {
    fn line(&self) -> String {
        let with_how = |mut v: Value, how: How| {
            match how {
                How::Block => {}
                How::NoBlock => v["block"] = json!(false),
                How::Timeout0 => v["timeout"] = json!(0),
                How::TimeoutShort => v["timeout"] = json!(0.001),
            }
            v
        };
        let v = match self {
            Op::Put(item, how) => with_how(json!({"op": "put", "item": item}), *how),
            Op::PutNowait(item) => json!({"op": "put_nowait", "item": item}),
            Op::Get(how) => with_how(json!({"op": "get"}), *how),
            Op::GetNowait => json!({"op": "get_nowait"}),
            Op::Qsize => json!({"op": "qsize"}),
            Op::Empty => json!({"op": "empty"}),
            Op::Full => json!({"op": "full"}),
            Op::TaskDone => json!({"op": "task_done"}),
            Op::Join => json!({"op": "join"}),
            Op::Shutdown(immediate) => json!({"op": "shutdown", "immediate": immediate}),
            Op::UnfinishedTasks => json!({"op": "unfinished_tasks"}),
            Op::IsShutdown => json!({"op": "is_shutdown"}),
            Op::Maxsize => json!({"op": "maxsize"}),
        };
        v.to_string()
    }
}

fn how() -> impl Strategy<Value = How> {
    prop_oneof![
        6 => Just(How::Block),
        3 => Just(How::NoBlock),
        3 => Just(How::Timeout0),
        1 => Just(How::TimeoutShort),
    ]
}

/// Plain ints, or `[priority, payload]` pairs for a PriorityQueue (ties on the priority fall
/// to the payload, as in Python).
fn item(kind: Kind) -> BoxedStrategy<Value> {
    match kind {
        Kind::PriorityQueue => (0..5i64, 0..20i64).prop_map(|(p, n)| json!([p, n])).boxed(),
        Kind::Queue | Kind::LifoQueue => (0..100i64).prop_map(|n| json!(n)).boxed(),
    }
}

fn op(kind: Kind, shutdown: bool) -> impl Strategy<Value = Op> {
    let shutdown_weight = if shutdown { 1 } else { 0 };
    prop_oneof![
        12 => (item(kind), how()).prop_map(|(i, h)| Op::Put(i, h)),
        3 => item(kind).prop_map(Op::PutNowait),
        10 => how().prop_map(Op::Get),
        3 => Just(Op::GetNowait),
        1 => Just(Op::Qsize),
        1 => Just(Op::Empty),
        1 => Just(Op::Full),
        4 => Just(Op::TaskDone),
        2 => Just(Op::Join),
        shutdown_weight => any::<bool>().prop_map(Op::Shutdown),
        1 => Just(Op::UnfinishedTasks),
        shutdown_weight => Just(Op::IsShutdown),
        1 => Just(Op::Maxsize),
    ]
}

fn sequence(shutdown: bool) -> impl Strategy<Value = (Kind, usize, Vec<Op>)> {
    let kind = prop_oneof![
        Just(Kind::Queue),
        Just(Kind::LifoQueue),
        Just(Kind::PriorityQueue)
    ];
    (kind, 0..=4usize).prop_flat_map(move |(kind, maxsize)| {
        (
            Just(kind),
            Just(maxsize),
            prop::collection::vec(op(kind, shutdown), MIN_OPS..=MAX_OPS),
        )
    })
}

fn lines(kind: Kind, maxsize: usize, ops: &[Op]) -> Vec<String> {
    let header = json!({"kind": format!("{kind:?}"), "maxsize": maxsize}).to_string();
    std::iter::once(header)
        .chain(ops.iter().map(Op::line))
        .collect()
}

/// The first line where our output and CPython's differ, described; `None` if they agree.
fn difference(oracle: &RefCell<Oracle>, input: &[String]) -> Option<String> {
    let ours = driver::run(input);
    let theirs = oracle.borrow_mut().run(input);
    if ours == theirs {
        return None;
    }
    let at = ours
        .iter()
        .zip(&theirs)
        .position(|(a, b)| a != b)
        .unwrap_or(ours.len().min(theirs.len()));
    Some(format!(
        "first difference at op {}: {}\n  ours:    {}\n  CPython: {}",
        at + 1,
        input.get(at + 1).map_or("", String::as_str),
        ours.get(at).map_or("(nothing)", String::as_str),
        theirs.get(at).map_or("(nothing)", String::as_str),
    ))
}

/// proptest shrinks no shorter than `MIN_OPS`: drop single ops further while the outputs
/// still differ, down to a sequence where every op is needed.
fn minimize(oracle: &RefCell<Oracle>, kind: Kind, maxsize: usize, mut ops: Vec<Op>) -> Vec<Op> {
    let mut shrunk = true;
    while shrunk {
        shrunk = false;
        let mut i = 0;
        while i < ops.len() {
            let mut shorter = ops.clone();
            shorter.remove(i);
            if difference(oracle, &lines(kind, maxsize, &shorter)).is_some() {
                ops = shorter;
                shrunk = true;
            } else {
                i += 1;
            }
        }
    }
    ops
}

#[test]
fn queue_matches_cpython_line_for_line() {
    let python = find_python();
    println!(
        "oracle: {} ({}, Python {}.{}){}",
        python.how,
        python.executable.display(),
        python.version.0,
        python.version.1,
        if python.has_shutdown() {
            ""
        } else {
            "; shutdown ops left out"
        }
    );
    let oracle = RefCell::new(Oracle::start(&python));
    let mut runner = TestRunner::new(Config {
        cases: SEQUENCES,
        // A failure is reported below, minimized; nothing is written to disk.
        failure_persistence: None,
        ..Config::default()
    });
    let start = Instant::now();
    let ran = std::cell::Cell::new(0u32);
    let result = runner.run(&sequence(python.has_shutdown()), |(kind, maxsize, ops)| {
        ran.set(ran.get() + 1);
        match difference(&oracle, &lines(kind, maxsize, &ops)) {
            None => Ok(()),
            Some(diff) => Err(TestCaseError::fail(diff)),
        }
    });
    println!(
        "{} sequences (cases and shrink steps) of up to {MAX_OPS} ops in {:.1?}",
        ran.get(),
        start.elapsed()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(_, (kind, maxsize, ops))) => {
            let ops = minimize(&oracle, kind, maxsize, ops);
            let input = lines(kind, maxsize, &ops);
            let diff = difference(&oracle, &input).expect("a minimized sequence still differs");
            panic!(
                "our queue and CPython differ; minimal sequence (oracle input):\n{}\n{diff}",
                input.join("\n")
            );
        }
        Err(e) => panic!("{e}"),
    }
}

/// The driver's `json.dumps` formatting, checked on values the oracle prints.
#[test]
fn driver_formats_json_as_python_does() {
    assert_eq!(
        driver::python_json(&json!({"value": [1, [2, "é"]]})),
        r#"{"value": [1, [2, "\u00e9"]]}"#
    );
    assert_eq!(
        driver::python_json(&json!({"value": null})),
        r#"{"value": null}"#
    );
    assert_eq!(
        driver::python_json(&json!({"error": "ShutDown"})),
        r#"{"error": "ShutDown"}"#
    );
}
