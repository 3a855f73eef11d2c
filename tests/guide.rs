//! The README's guide, "Check your own code": four programs that are not from the tutorial,
//! each checked with [`Check`], with the verdict the checkers reach. The first, a bounded
//! buffer, is fixed two ways: with `notify_all`, and the pthread way, with a condition for each
//! side.
//!
//! Under `--cfg loom` every test here explores every interleaving, and under `--cfg shuttle`
//! every interleaving with at most two preemptions ([`check`]): the broken programs are
//! refuted with their counterexample, the fixed ones proved (by loom). On real threads the fixed programs run as stress tests (a broken one would hang
//! there, so only the checkers run those).

use std::collections::VecDeque;
use std::time::Duration;

use threadproof::check::{Check, Checker, Model, Scenario, Search, Verdict};
use threadproof::linearizability::Linearizability;
use threadproof::sync::atomic::{AtomicUsize, Ordering};
use threadproof::sync::{thread, Arc};
use threadproof::{trace, Condition, Condvar, Lock, Mutex};

/// The preemption bound of the searches under shuttle.
const SHUTTLE_BOUND: usize = 2;

/// Every interleaving under loom, which is a proof. shuttle's depth-first search has no
/// partial-order reduction and walks every order of every step, so there it is bounded to
/// `shuttle_bound` preemptions: every interleaving in which at most that many times a thread
/// that could go on is switched away from.
fn check(shuttle_bound: usize) -> Check {
    let preemption_bound = (Checker::CURRENT == Checker::Shuttle).then_some(shuttle_bound);
    Check::with_search(Search::Exhaustive { preemption_bound })
}

// ---- 1. A bounded buffer on one condition ---------------------------------------------------

/// A buffer of at most `capacity` items whose producers and consumers share one condition.
/// With `notify(1)`, a consumer's wake-up can reach another consumer instead of the waiting
/// producer; `notify_all` wakes everyone, and each rechecks its own predicate.
struct Buffer {
    items: Condition<VecDeque<u32>>,
    capacity: usize,
    wake_all: bool,
}

impl Buffer {
    fn new(capacity: usize, wake_all: bool) -> Arc<Self> {
        let buffer = Arc::new(Self {
            items: Condition::new(VecDeque::new()),
            capacity,
            wake_all,
        });
        trace::label(&buffer.items, "items");
        buffer
    }

    fn put(&self, item: u32) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            items.wait();
        }
        items.push_back(item);
        self.wake(&mut items);
    }

    fn get(&self) -> u32 {
        let mut items = self.items.lock();
        while items.is_empty() {
            items.wait();
        }
        let item = items.pop_front().expect("not empty");
        self.wake(&mut items);
        item
    }

    fn wake(&self, items: &mut threadproof::ConditionGuard<'_, VecDeque<u32>>) {
        if self.wake_all {
            items.notify_all();
        } else {
            items.notify(1);
        }
    }
}

/// One producer puts two items into a buffer of one; two consumers take one each. Returns the
/// sum of what they took.
fn bounded_buffer(wake_all: bool) -> u32 {
    let buffer = Buffer::new(1, wake_all);
    let consumers: Vec<_> = (0..2)
        .map(|_| {
            let buffer = buffer.clone();
            thread::spawn(move || buffer.get())
        })
        .collect();
    let producer = {
        let buffer = buffer.clone();
        thread::spawn(move || {
            buffer.put(1);
            buffer.put(2);
        })
    };
    producer.join().unwrap();
    consumers.into_iter().map(|c| c.join().unwrap()).sum()
}

#[cfg(any(loom, shuttle))]
#[test]
fn a_buffer_that_notifies_one_can_hang_with_everyone_asleep() {
    let report = check(SHUTTLE_BOUND)
        .run(|| {
            bounded_buffer(false);
        })
        .expect(Verdict::Hangs);
    let ending = &report.counterexample.as_ref().expect("a hang").ending;
    // The producer waits for room, and the consumer left waits for an item: the wake-up that
    // should have reached the producer went to the other consumer.
    assert!(
        ending.contains("Thread-3 is blocked in `wait items`")
            && (ending.contains("Thread-1 is blocked in `wait items`")
                || ending.contains("Thread-2 is blocked in `wait items`")),
        "{report}"
    );
    replays(&report, || bounded_buffer(false), |_| true);
    snapshot("buffer-notify-one", report);
}

#[test]
fn a_buffer_that_notifies_all_delivers_both_items() {
    let report = check(SHUTTLE_BOUND)
        .run_claim(|| bounded_buffer(true), |sum| *sum == 3)
        .expect(Verdict::Holds);
    assert_eq!(
        report.is_proof(),
        Checker::CURRENT == Checker::Loom,
        "{report}"
    );
    println!("{report}");
}

/// The same buffer fixed the pthread way (and `queue.py`'s): one mutex over the items and a
/// condition for each side, so that a consumer waits on `not_empty` and a producer on
/// `not_full`. Each wakes one thread of the other side with `notify(1)`, which can no longer
/// reach a thread that waits for something else.
struct PairedBuffer {
    items: Mutex<VecDeque<u32>>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
}

impl PairedBuffer {
    fn new(capacity: usize) -> Arc<Self> {
        let items = Mutex::new(VecDeque::new());
        let buffer = Arc::new(Self {
            not_empty: Condvar::new(&items),
            not_full: Condvar::new(&items),
            items,
            capacity,
        });
        trace::label(&buffer.items, "items");
        trace::label(&buffer.not_empty, "not_empty");
        trace::label(&buffer.not_full, "not_full");
        buffer
    }

    fn put(&self, item: u32) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            self.not_full.wait(&mut items);
        }
        items.push_back(item);
        self.not_empty.notify(&mut items, 1);
    }

    fn get(&self) -> u32 {
        let mut items = self.items.lock();
        while items.is_empty() {
            self.not_empty.wait(&mut items);
        }
        let item = items.pop_front().expect("not empty");
        self.not_full.notify(&mut items, 1);
        item
    }
}

/// [`bounded_buffer`] on a [`PairedBuffer`]: one producer puts two items into a buffer of one;
/// two consumers take one each. Returns the sum of what they took.
fn paired_bounded_buffer() -> u32 {
    let buffer = PairedBuffer::new(1);
    let consumers: Vec<_> = (0..2)
        .map(|_| {
            let buffer = buffer.clone();
            thread::spawn(move || buffer.get())
        })
        .collect();
    let producer = {
        let buffer = buffer.clone();
        thread::spawn(move || {
            buffer.put(1);
            buffer.put(2);
        })
    };
    producer.join().unwrap();
    consumers.into_iter().map(|c| c.join().unwrap()).sum()
}

#[test]
fn a_buffer_with_a_condition_for_each_side_delivers_both_items_notifying_one() {
    let report = check(SHUTTLE_BOUND)
        .run_claim(paired_bounded_buffer, |sum| *sum == 3)
        .expect(Verdict::Holds);
    assert_eq!(
        report.is_proof(),
        Checker::CURRENT == Checker::Loom,
        "{report}"
    );
    println!("{report}");
}

// ---- 2. A bank transfer ---------------------------------------------------------------------

/// An account: its id, a lock, and a balance that only the lock's holder touches.
struct Account {
    id: usize,
    lock: Lock,
    balance: AtomicUsize,
}

fn accounts(balances: &[usize]) -> Arc<Vec<Account>> {
    let accounts: Vec<Account> = balances
        .iter()
        .enumerate()
        .map(|(id, &balance)| Account {
            id,
            lock: Lock::new(),
            balance: AtomicUsize::new(balance),
        })
        .collect();
    for account in &accounts {
        trace::label(&account.lock, format!("account{}", account.id));
    }
    Arc::new(accounts)
}

/// Moves `amount` from `from` to `to`, holding both accounts' locks: taken in argument order,
/// or with `ordered`, lowest id first.
fn transfer(from: &Account, to: &Account, amount: usize, ordered: bool) {
    let (first, second) = if ordered && to.id < from.id {
        (to, from)
    } else {
        (from, to)
    };
    let _first = first.lock.lock();
    let _second = second.lock.lock();
    let left = from.balance.load(Ordering::Relaxed) - amount;
    from.balance.store(left, Ordering::Relaxed);
    let credited = to.balance.load(Ordering::Relaxed) + amount;
    to.balance.store(credited, Ordering::Relaxed);
}

/// Two transfers cross: 30 from account 0 to account 1, and 20 back. Returns the total.
fn crossing_transfers(ordered: bool) -> usize {
    let bank = accounts(&[100, 100]);
    let there = {
        let bank = bank.clone();
        thread::spawn(move || transfer(&bank[0], &bank[1], 30, ordered))
    };
    let back = {
        let bank = bank.clone();
        thread::spawn(move || transfer(&bank[1], &bank[0], 20, ordered))
    };
    there.join().unwrap();
    back.join().unwrap();
    bank.iter().map(|a| a.balance.load(Ordering::Relaxed)).sum()
}

#[cfg(any(loom, shuttle))]
#[test]
fn transfers_that_lock_in_argument_order_deadlock_when_they_cross() {
    let report = check(SHUTTLE_BOUND)
        .run(|| {
            crossing_transfers(false);
        })
        .expect(Verdict::Deadlocks);
    assert_eq!(
        report.counterexample.as_ref().expect("a deadlock").ending,
        "deadlock: Thread-1 holds account0 and waits for account1; \
         Thread-2 holds account1 and waits for account0",
        "{report}"
    );
    replays(&report, || crossing_transfers(false), |_| true);
    snapshot("crossing-transfers", report);
}

/// Under shuttle, `report`'s counterexample replays to the same steps (`Check::replay`).
#[cfg(any(loom, shuttle))]
fn replays<T: std::fmt::Debug + 'static>(
    report: &threadproof::check::Report,
    program: impl Fn() -> T + Send + Sync + 'static,
    claim: impl Fn(&T) -> bool + Send + Sync + 'static,
) {
    let counterexample = report.counterexample.as_ref().expect("a counterexample");
    let Some(replay) = &counterexample.replay else {
        assert_eq!(Checker::CURRENT, Checker::Loom, "{report}");
        return;
    };
    let again = check(SHUTTLE_BOUND)
        .replay(replay)
        .run_claim(program, claim);
    assert_eq!(again.verdict, report.verdict, "{again}");
    assert_eq!(
        again.counterexample.map(|c| c.steps),
        Some(counterexample.steps.clone()),
        "the replay took other steps"
    );
}

/// The whole report as a user reads it, kept as a reviewed snapshot per checker (with the
/// time, which varies, set to zero).
#[cfg(any(loom, shuttle))]
fn snapshot(name: &str, mut report: threadproof::check::Report) {
    println!("{report}");
    report.elapsed = Duration::ZERO;
    insta::assert_snapshot!(
        format!("guide-{name}-{}", report.checker.name()),
        report.to_string()
    );
    // The browser step of CI loads each page (`xtask/tests/browser.rs`).
    if let Some(dir) = std::env::var_os("GUIDE_HTML") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).expect("a writable directory for the pages");
        let page = format!("guide-{name}-{}.html", report.checker.name());
        std::fs::write(
            dir.join(page),
            report.to_html(&format!("the guide: {name}")),
        )
        .expect("the page written");
    }
}

#[test]
fn transfers_that_lock_in_id_order_finish_and_conserve_the_total() {
    let report = check(SHUTTLE_BOUND)
        .run_claim(|| crossing_transfers(true), |total| *total == 200)
        .expect(Verdict::Holds);
    assert_eq!(
        report.is_proof(),
        Checker::CURRENT == Checker::Loom,
        "{report}"
    );
    println!("{report}");
}

// ---- 3. A lock tried with a timeout --------------------------------------------------------

/// Two threads each try the lock for 10 ms and, holding it, add one to a shared count with a
/// read and a separate write. `acquire_timeout` says whether it got the lock: a thread that
/// ignores the answer (`checks = false`) updates without the lock when its wait times out,
/// and its update can overlap the holder's.
/// Returns the count and how many threads got the lock.
///
/// loom reaches executions in which Thread-2 reads 0 after Thread-1 wrote 1 (it models a
/// `SeqCst` access as acquire-release, tokio-rs/loom#180); every access here is `SeqCst`, so
/// those are no counterexample, and the report shows one that sequential consistency allows,
/// as shuttle's does: both threads read 0 before either writes.
fn tried_updates(checks: bool) -> Updates {
    let lock = Arc::new(Lock::new());
    trace::label(&*lock, "lock");
    let count = Arc::new(AtomicUsize::new(0));
    trace::label(&*count, "count");
    let acquired = Arc::new(AtomicUsize::new(0));
    trace::label(&*acquired, "acquired");
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let (lock, count, acquired) = (lock.clone(), count.clone(), acquired.clone());
            thread::spawn(move || {
                let got = lock.acquire_timeout(Duration::from_millis(10));
                if got {
                    acquired.fetch_add(1, Ordering::SeqCst);
                }
                if got || !checks {
                    let read = count.load(Ordering::SeqCst);
                    count.store(read + 1, Ordering::SeqCst);
                }
                if got {
                    lock.release().expect("held");
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    Updates {
        count: count.load(Ordering::SeqCst),
        acquired: acquired.load(Ordering::SeqCst),
    }
}

/// The count and how many threads got the lock, as the report's outcome shows them.
struct Updates {
    count: usize,
    acquired: usize,
}

impl std::fmt::Debug for Updates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "count = {}, lock acquired {} times",
            self.count, self.acquired
        )
    }
}

#[cfg(any(loom, shuttle))]
#[test]
fn updates_that_ignore_a_timed_out_acquire_lose_one() {
    let report = check(SHUTTLE_BOUND)
        .run_claim(|| tried_updates(false), |updates| updates.count == 2)
        .expect(Verdict::Violated);
    // One wait timed out while the other thread held the lock, the thread updated anyway,
    // and the two updates overlapped.
    assert!(
        report
            .outcomes
            .contains_key("count = 1, lock acquired 1 times"),
        "{report}"
    );
    assert!(report.timed_out_executions > 0, "{report}");
    replays(
        &report,
        || tried_updates(false),
        |updates| updates.count == 2,
    );
    snapshot("ignored-timeout", report);
}

#[test]
fn updates_that_check_the_acquire_count_exactly_the_holders() {
    let report = check(SHUTTLE_BOUND)
        .run_claim(
            || tried_updates(true),
            |updates| updates.count == updates.acquired,
        )
        .expect(Verdict::Holds);
    if Checker::CURRENT.is_model_checker() {
        // Both ways the wait can end are explored: both threads get the lock, or one times
        // out and leaves the count alone.
        assert!(report.outcomes.len() >= 2, "{report}");
        assert!(report.timed_out_executions > 0, "{report}");
    }
    println!("{report}");
}

// ---- 4. A bounded stack that checks for room apart from its push ---------------------------

/// A stack of at most `capacity` items. Its `push_if_room` checks for room under one
/// acquisition of its lock and pushes under another, so two threads can both find room for the
/// last place; `whole` makes the check and the push one acquisition.
struct Stack {
    items: Mutex<Vec<u8>>,
    capacity: usize,
    whole: bool,
}

impl Stack {
    fn push_if_room(&self, item: u8) -> bool {
        if self.whole {
            let mut items = self.items.lock();
            let room = items.len() < self.capacity;
            if room {
                items.push(item);
            }
            return room;
        }
        let room = self.items.lock().len() < self.capacity;
        if room {
            self.items.lock().push(item);
        }
        room
    }

    fn pop(&self) -> Option<u8> {
        self.items.lock().pop()
    }
}

/// The stack, one operation at a time.
#[derive(Clone, PartialEq, Eq, Hash)]
struct StackModel {
    items: Vec<u8>,
    capacity: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum StackOp {
    PushIfRoom(u8),
    Pop,
}

impl std::fmt::Debug for StackOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StackOp::PushIfRoom(item) => write!(f, "push_if_room({item})"),
            StackOp::Pop => write!(f, "pop()"),
        }
    }
}

/// What an operation returned: whether it pushed, or what it popped.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Pushed(bool),
    Popped(Option<u8>),
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Pushed(pushed) => write!(f, "{pushed}"),
            Answer::Popped(Some(item)) => write!(f, "{item}"),
            Answer::Popped(None) => write!(f, "None"),
        }
    }
}

impl Model for StackModel {
    type Op = StackOp;
    type Result = Answer;
    fn apply(&mut self, op: &StackOp) -> Answer {
        match op {
            StackOp::PushIfRoom(item) => {
                let room = self.items.len() < self.capacity;
                if room {
                    self.items.push(*item);
                }
                Answer::Pushed(room)
            }
            StackOp::Pop => Answer::Popped(self.items.pop()),
        }
    }
}

/// The stack of capacity 1, checked against its model; `whole` as in [`Stack`].
fn stack(whole: bool) -> Linearizability<StackModel, Stack> {
    Linearizability::new(
        StackModel {
            items: Vec::new(),
            capacity: 1,
        },
        move || {
            let stack = Stack {
                items: Mutex::new(Vec::new()),
                capacity: 1,
                whole,
            };
            trace::label(&stack.items, "items");
            stack
        },
        |stack, op| match op {
            StackOp::PushIfRoom(item) => Answer::Pushed(stack.push_if_room(*item)),
            StackOp::Pop => Answer::Popped(stack.pop()),
        },
    )
    .check(check(SHUTTLE_BOUND))
}

/// A scenario larger than it needs to be: minimizing it leaves the two pushes, one in each
/// thread, that both find room for the one place.
fn stack_scenario() -> Scenario<StackOp> {
    Scenario {
        init: vec![StackOp::Pop],
        parallel: vec![
            vec![StackOp::PushIfRoom(1), StackOp::Pop],
            vec![StackOp::PushIfRoom(2)],
        ],
        post: vec![StackOp::Pop, StackOp::Pop],
    }
}

#[cfg(any(loom, shuttle))]
#[test]
fn a_stack_that_checks_for_room_apart_from_its_push_is_not_linearizable() {
    let run = stack(false).minimize(&stack_scenario());
    assert_eq!(run.report.verdict, Verdict::Violated, "{run}");
    // Minimized: one push in each thread, both answered `true`, which no order explains with
    // room for one item.
    assert_eq!(
        run.scenario.parallel,
        [vec![StackOp::PushIfRoom(1)], vec![StackOp::PushIfRoom(2)]],
        "{run}"
    );
    let why = run
        .why
        .as_ref()
        .expect("why no order explains it")
        .to_string();
    assert!(
        why.starts_with("no order of the operations explains their results"),
        "{why}"
    );
    assert!(
        why.contains("which the model answers with `false`"),
        "{why}"
    );
    println!("{run}");
    let mut shown = run.to_string();
    // The time, which varies, set to zero.
    if let Some(at) = shown.find(" executions in ") {
        let end = shown[at..].find(" s)").map_or(shown.len(), |e| at + e);
        shown.replace_range(at..end, " executions in 0.00");
    }
    insta::assert_snapshot!(format!("guide-stack-{}", Checker::CURRENT.name()), shown);
}

#[test]
fn a_stack_that_checks_for_room_and_pushes_under_one_acquisition_is_linearizable() {
    let run = stack(true).run(&stack_scenario());
    assert_eq!(run.report.verdict, Verdict::Holds, "{run}");
    assert!(run.why.is_none(), "{run}");
    if Checker::CURRENT == Checker::Loom {
        assert!(run.report.is_proof(), "{run}");
    }
}
