//! Why an execution refutes the claim: a deadlock if the threads it stopped with wait for each
//! other in a cycle, a hang if they wait for something nobody is left to do; and the sentence
//! that says which.

use super::report::Verdict;
use super::runtime::record::Blocked;

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
