//! What the tests read of other processes in `/proc`, and reaping what this process adopts.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::Pid;

/// The fields of `/proc/<pid>/stat` the tests use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub state: char,
    pub ppid: u32,
    /// Clock ticks after boot: tells a process from a later one that reuses its pid.
    pub start: u64,
}

pub fn stat(pid: u32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (command) state ppid ...`: the command may hold spaces and parentheses.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(Stat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

/// A process the tests watch: its pid, and its start time when first seen.
#[derive(Clone, Copy, Debug)]
pub struct Watched {
    pub pid: u32,
    start: Option<u64>,
}

impl Watched {
    pub fn new(pid: u32) -> Self {
        Self {
            pid,
            start: stat(pid).map(|s| s.start),
        }
    }

    /// Running (or stopped), not exited: the same process is there and is not a zombie.
    pub fn is_alive(&self) -> bool {
        match (stat(self.pid), self.start) {
            (Some(now), Some(start)) => now.start == start && !matches!(now.state, 'Z' | 'X'),
            _ => false,
        }
    }
}

/// Polls until none of `watched` is alive or `within` has passed; returns whether they all went.
pub fn all_gone_within(watched: &[Watched], within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if watched.iter().all(|w| !w.is_alive()) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether every one of `watched` stays alive for `period` (checked every 10 ms).
pub fn all_alive_for(watched: &[Watched], period: Duration) -> bool {
    let deadline = Instant::now() + period;
    while Instant::now() < deadline {
        if !watched.iter().all(Watched::is_alive) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    watched.iter().all(Watched::is_alive)
}

/// The processes descended from `ancestor` (its children, theirs, and so on).
pub fn descendants_of(ancestor: u32) -> Vec<u32> {
    let parents: HashMap<u32, u32> = pids()
        .filter_map(|pid| Some((pid, stat(pid)?.ppid)))
        .collect();
    let descends = |mut pid: u32| {
        // A pid's chain of parents ends at pid 0; a bound guards against a changing tree.
        for _ in 0..parents.len() {
            match parents.get(&pid) {
                Some(&parent) if parent == ancestor => return true,
                Some(&parent) if parent != 0 => pid = parent,
                _ => return false,
            }
        }
        false
    };
    parents
        .keys()
        .copied()
        .filter(|&pid| descends(pid))
        .collect()
}

fn pids() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
}

/// Reaps `pid`, a child this process adopted (the test binary is a child subreaper), waiting
/// for it to exit. `None` if it is not our child.
pub fn reap(pid: u32) -> Option<WaitStatus> {
    waitpid(Pid::from_raw(pid as i32), None).ok()
}
