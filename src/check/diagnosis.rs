//! Why an execution refutes the claim: a deadlock if the threads it stopped with wait for each
//! other in a cycle, a hang if they wait for something nobody is left to do; and the sentence
//! that says which. For an execution that finished with the claim false, the two steps whose
//! order lost an update, when one was lost; otherwise, for a counterexample with the fewest
//! preemptions, the preemptions it needs.

use super::report::Verdict;
use super::runtime::record::{Blocked, Step, Touch};

/// Why a counterexample with the fewest preemptions any refuting execution has refutes the
/// claim, from its marked steps (see `Step::preempts`): with none, the threads' order needs no
/// preemption at all; with one, the preempting step and the step of the preempted thread it ran
/// before are the two steps whose order breaks the claim; with more, where each is.
pub(super) fn preemptions_needed(steps: &[Step]) -> String {
    let marked: Vec<&Step> = steps.iter().filter(|s| s.preempts.is_some()).collect();
    match marked[..] {
        [] => "no preemption is needed: each thread runs until it blocks, sleeps or finishes, \
               and the claim is false all the same"
            .to_owned(),
        [step] => {
            let preempted = step.preempts.as_deref().unwrap_or_default();
            let before = format!(
                "one preemption is needed, {}'s `{}` (step {}) before",
                step.thread, step.action, step.step
            );
            let next = steps
                .iter()
                .find(|s| s.step > step.step && s.thread == preempted);
            match next {
                Some(next) => format!(
                    "{before} {preempted}'s `{}` (step {}): with no preemption the claim holds",
                    next.action, next.step
                ),
                None => format!("{before} {preempted} went on: with no preemption the claim holds"),
            }
        }
        _ => {
            let at: Vec<String> = marked.iter().map(|s| s.step.to_string()).collect();
            let (last, rest) = at.split_last().expect("two or more");
            format!(
                "{} preemptions are needed, at steps {} and {last} (marked): with fewer the \
                 claim holds",
                marked.len(),
                rest.join(", ")
            )
        }
    }
}

/// The first update the execution lost, as a sentence naming the steps whose order lost it: a
/// thread read an atomic, another thread then wrote it, and the first thread wrote it next, over
/// that write, on what it had read before it (the unlocked counter's `num -= 1`). `None` if no
/// write in `touches` (an execution's operations on atomics, in order) was lost so.
pub(super) fn lost_update(touches: &[Touch]) -> Option<String> {
    touches.iter().enumerate().find_map(|(at, write)| {
        if !write.write {
            return None;
        }
        // What the writing thread last did to this atomic: it must be a read.
        let read_at = touches[..at]
            .iter()
            .rposition(|t| t.object == write.object && t.thread == write.thread)?;
        let read = &touches[read_at];
        if read.write {
            return None;
        }
        // The writes of other threads between that read and this write: the last is overwritten.
        let between: Vec<&Touch> = touches[read_at + 1..at]
            .iter()
            .rev()
            .filter(|t| t.object == write.object && t.write)
            .collect();
        let lost = between.first()?;
        let others = match between.len() {
            1 => String::new(),
            n => format!(", the last of {n} writes by other threads since"),
        };
        Some(format!(
            "{reader} read {name} = {seen} (step {read_step}) before {other} wrote {lost_value} \
             (step {lost_step}{others}), then wrote {value} over it (step {step})",
            reader = write.thread,
            name = write.name,
            seen = read.value,
            read_step = read.step,
            other = lost.thread,
            lost_value = lost.value,
            lost_step = lost.step,
            value = write.value,
            step = write.step,
        ))
    })
}

/// A deadlock if the blocked threads wait for each other in a cycle, a hang otherwise; and
/// the sentence that says which. `others` says what the threads outside a cycle were doing
/// when it closed, for an execution that ended there.
pub(super) fn diagnose(blocked: &[Blocked], others: &[String]) -> (Verdict, String) {
    // thread -> the threads holding what it waits for
    let waits_on = |thread: &str| -> Vec<String> {
        blocked
            .iter()
            .find(|b| b.thread == thread)
            .map(|b| {
                b.object_held_by
                    .iter()
                    .filter(|h| *h != thread)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    for start in blocked {
        // Follow the wait-for edges from `start`; a return to it is a cycle.
        let mut path = vec![start.thread.clone()];
        let mut current = start.thread.clone();
        while let Some(next) = waits_on(&current).into_iter().next() {
            if next == start.thread {
                let sentence = path
                    .iter()
                    .filter_map(|t| blocked.iter().find(|b| &b.thread == t))
                    .map(|b| match b.holds.as_slice() {
                        [] => format!("{} waits for {}", b.thread, b.object),
                        holds => format!(
                            "{} holds {} and waits for {}",
                            b.thread,
                            holds.join(", "),
                            b.object
                        ),
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let meanwhile = match others {
                    [] => String::new(),
                    [one] => format!(" (the cycle closed while {one})"),
                    [first @ .., last] => {
                        format!(" (the cycle closed while {} and {last})", first.join(", "))
                    }
                };
                return (
                    Verdict::Deadlocks,
                    format!("deadlock: {sentence}{meanwhile}"),
                );
            }
            if path.contains(&next) {
                break;
            }
            path.push(next.clone());
            current = next;
        }
    }
    // A thread joining a stuck thread is stuck because of it: the sentence names the others.
    let joining = |b: &&Blocked| b.waits_for.starts_with("join ");
    let stuck: Vec<&Blocked> = if blocked.iter().all(|b| joining(&b)) {
        blocked.iter().collect()
    } else {
        blocked.iter().filter(|b| !joining(b)).collect()
    };
    let sentence = stuck
        .iter()
        .map(|b| format!("{} is blocked in `{}`", b.thread, b.waits_for))
        .collect::<Vec<_>>()
        .join("; ");
    let them = if stuck.len() == 1 { "it" } else { "them" };
    (
        Verdict::Hangs,
        format!("hang: {sentence}, and no other thread is left to wake {them}"),
    )
}

/// The threads of the blocked threads' wait-for cycle, from the first blocked thread on one,
/// each waiting for something the next holds; empty if they wait in no cycle (a hang). The
/// threads `diagnose` names in a deadlock's sentence, for a report to draw.
pub(super) fn cycle(blocked: &[Blocked]) -> Vec<String> {
    // thread -> the first other thread holding what it waits for
    let next = |thread: &str| {
        blocked
            .iter()
            .find(|b| b.thread == thread)
            .and_then(|b| b.object_held_by.iter().find(|h| *h != thread).cloned())
    };
    for start in blocked {
        let mut path = vec![start.thread.clone()];
        while let Some(holder) = next(path.last().expect("starts with one")) {
            if holder == start.thread {
                return path;
            }
            if path.contains(&holder) {
                break;
            }
            path.push(holder);
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::{cycle, lost_update};
    use crate::check::runtime::record::{Blocked, Step, Touch};

    /// `thread`, holding `holds`, waits for `object`, held by `holder`.
    fn blocked(thread: &str, holds: &[&str], object: &str, holder: &str) -> Blocked {
        Blocked {
            thread: thread.to_owned(),
            waits_for: format!("acquire {object}"),
            object: object.to_owned(),
            holds: holds.iter().map(|h| (*h).to_owned()).collect(),
            object_held_by: vec![holder.to_owned()],
        }
    }

    /// The cycle is the threads waiting for each other, in the order of the wait-for edges,
    /// without a thread that waits for one of them from outside it; a hang has none.
    #[test]
    fn the_cycle_is_the_threads_that_wait_for_each_other() {
        let joining = Blocked {
            thread: "MainThread".to_owned(),
            waits_for: "join Thread-3".to_owned(),
            object: "Thread-3".to_owned(),
            holds: Vec::new(),
            object_held_by: vec!["Thread-3".to_owned()],
        };
        let stuck = [
            joining,
            blocked("Thread-2", &["lock_a"], "lock_b", "Thread-3"),
            blocked("Thread-3", &["lock_b"], "lock_a", "Thread-2"),
        ];
        assert_eq!(cycle(&stuck), ["Thread-2", "Thread-3"]);
        assert!(cycle(&stuck[..2]).is_empty(), "a chain is no cycle");
    }

    /// An operation on the atomic `n` (named `num`, or `other` for 2).
    fn touch(step: usize, thread: &str, object: usize, write: bool, value: &str) -> Touch {
        Touch {
            step,
            thread: thread.to_owned(),
            object,
            name: if object == 1 { "num" } else { "other" }.to_owned(),
            write,
            value: value.to_owned(),
        }
    }

    #[test]
    fn a_write_over_another_threads_write_since_the_read_is_a_lost_update() {
        // The unlocked counter's counterexample: Thread-2's write overwrites Thread-3's.
        let touches = [
            touch(1, "Thread-1", 1, false, "3"),
            touch(2, "Thread-1", 1, true, "2"),
            touch(3, "Thread-2", 1, false, "2"),
            touch(4, "Thread-3", 1, false, "2"),
            touch(5, "Thread-3", 1, true, "1"),
            touch(6, "Thread-2", 1, true, "1"),
            touch(7, "MainThread", 1, false, "1"),
        ];
        assert_eq!(
            lost_update(&touches).as_deref(),
            Some(
                "Thread-2 read num = 2 (step 3) before Thread-3 wrote 1 (step 5), then wrote 1 \
                 over it (step 6)"
            )
        );
    }

    #[test]
    fn the_write_named_is_the_last_one_overwritten() {
        let touches = [
            touch(1, "A", 1, false, "0"),
            touch(2, "B", 1, true, "5"),
            touch(3, "C", 1, true, "7"),
            touch(4, "A", 1, true, "1"),
        ];
        assert_eq!(
            lost_update(&touches).as_deref(),
            Some(
                "A read num = 0 (step 1) before C wrote 7 (step 3, the last of 2 writes by other \
                 threads since), then wrote 1 over it (step 4)"
            )
        );
    }

    #[test]
    fn writes_in_turn_or_on_other_atomics_lose_nothing() {
        // Each thread reads the other's write before writing: a locked counter.
        let in_turn = [
            touch(1, "A", 1, false, "2"),
            touch(2, "A", 1, true, "1"),
            touch(3, "B", 1, false, "1"),
            touch(4, "B", 1, true, "0"),
        ];
        assert_eq!(lost_update(&in_turn), None);
        // B's write is to another atomic; A writes twice in a row; B re-reads after A's write.
        let unrelated = [
            touch(1, "A", 1, false, "0"),
            touch(2, "B", 2, true, "9"),
            touch(3, "A", 1, true, "1"),
            touch(4, "A", 1, true, "2"),
            touch(5, "B", 1, false, "2"),
            touch(6, "A", 1, true, "3"),
            touch(7, "B", 1, true, "3"),
        ];
        // B read 2 (step 5), A wrote 3 (step 6), B wrote 3 over it (step 7): lost.
        assert_eq!(
            lost_update(&unrelated).as_deref(),
            Some(
                "B read num = 2 (step 5) before A wrote 3 (step 6), then wrote 3 over it (step 7)"
            )
        );
        assert_eq!(lost_update(&unrelated[..6]), None);
    }

    fn step(step: usize, thread: &str, action: &str, preempts: Option<&str>) -> Step {
        Step {
            step,
            seconds: 0.0,
            thread: thread.to_owned(),
            action: action.to_owned(),
            value: String::new(),
            preempts: preempts.map(str::to_owned),
        }
    }

    /// One preemption: the preempting step, and the preempted thread's next step after it.
    #[test]
    fn one_preemption_names_the_two_steps_it_orders() {
        let steps = [
            step(1, "Thread-1", "read num", None),
            step(2, "Thread-2", "read num", Some("Thread-1")),
            step(3, "Thread-2", "write num", None),
            step(4, "Thread-1", "write num", None),
        ];
        assert_eq!(
            super::preemptions_needed(&steps),
            "one preemption is needed, Thread-2's `read num` (step 2) before Thread-1's \
             `write num` (step 4): with no preemption the claim holds"
        );
        // The preempted thread never takes another step.
        assert_eq!(
            super::preemptions_needed(&steps[..3]),
            "one preemption is needed, Thread-2's `read num` (step 2) before Thread-1 went \
             on: with no preemption the claim holds"
        );
    }

    #[test]
    fn no_preemption_or_several_are_said_so() {
        let none = [step(1, "Thread-1", "put", None)];
        assert!(super::preemptions_needed(&none).starts_with("no preemption is needed"));
        let three = [
            step(1, "A", "x", None),
            step(2, "B", "x", Some("A")),
            step(5, "A", "x", Some("B")),
            step(9, "B", "x", Some("A")),
        ];
        assert_eq!(
            super::preemptions_needed(&three),
            "3 preemptions are needed, at steps 2, 5 and 9 (marked): with fewer the claim holds"
        );
    }
}
