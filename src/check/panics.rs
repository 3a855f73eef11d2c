//! Panics inside an exploration: the report tells them, so they do not also go to stderr.
//!
//! A check catches every panic of its executions (a failed assertion in the program, a
//! checker's own) and turns it into the report's verdict and counterexample. The process's
//! panic hook would print each one as well, with a backtrace; while an exploration runs on
//! this operating-system thread (all of a checker's threads run on it), the hook installed
//! here keeps quiet and notes where the panic happened, for the counterexample. A replay's
//! panics are noted and printed too (the replay is for seeing them). Elsewhere it calls the
//! hook it replaced.

use std::cell::{Cell, RefCell};
use std::panic;
use std::sync::Once;

std::thread_local! {
    /// An exploration runs on this thread: its panics are the report's, and printed only in
    /// a replay.
    static WATCHED: Cell<Watched> = const { Cell::new(Watched::No) };
    /// Where the last panic of this thread's exploration happened (`file:line:column`).
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// What the hook does with a panic on this thread.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Watched {
    /// Calls the hook it replaced: no exploration runs here.
    No,
    /// Notes where it happened, and keeps quiet.
    Quietly,
    /// Notes where it happened, and calls the hook it replaced too (a replay shows the
    /// program's panics).
    Aloud,
}

/// Notes where this thread's panics happen until dropped, keeping them off stderr unless it
/// is a replay's.
pub(super) struct Quiet {
    was: Watched,
}

impl Quiet {
    /// Installs the hook (once per process) and keeps this thread quiet.
    pub(super) fn new() -> Self {
        Self::watch(Watched::Quietly)
    }

    /// Installs the hook (once per process): this thread's panics are printed, and noted.
    pub(super) fn aloud() -> Self {
        Self::watch(Watched::Aloud)
    }

    fn watch(how: Watched) -> Self {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            // The checker's own hook (shuttle prints a schedule from one) goes inside ours.
            super::scheduler::install_panic_hooks();
            let previous = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                let watched = WATCHED.with(Cell::get);
                if watched != Watched::No {
                    let at = info.location().map(ToString::to_string);
                    LAST.with(|last| *last.borrow_mut() = at);
                }
                if watched != Watched::Quietly {
                    previous(info);
                }
            }));
        });
        LAST.with(|last| last.borrow_mut().take());
        Self {
            was: WATCHED.with(|watched| watched.replace(how)),
        }
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        WATCHED.with(|watched| watched.set(self.was));
    }
}

/// Where the last panic on this thread happened while it was quiet, if one did.
pub(super) fn last_location() -> Option<String> {
    LAST.with(|last| last.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::{last_location, Quiet};

    /// While quiet, the hook notes where a panic happened (and prints nothing); once the
    /// guard is gone, this thread's panics go to the hook it replaced again.
    #[test]
    fn a_quiet_thread_notes_where_it_panicked() {
        let quiet = Quiet::new();
        assert_eq!(last_location(), None);
        let line = line!() + 1;
        let _ = std::panic::catch_unwind(|| panic!("noted, not printed"));
        let at = last_location().expect("the hook noted it");
        assert!(at.starts_with(&format!("{}:{line}:", file!())), "{at}");
        drop(quiet);
        let _ = std::panic::catch_unwind(|| panic!("printed by the previous hook"));
        assert!(last_location().unwrap().contains(&format!(":{line}:")));
    }

    /// A replay's panics are noted as well as printed.
    #[test]
    fn a_replay_notes_where_it_panicked() {
        let aloud = super::Quiet::aloud();
        assert_eq!(last_location(), None);
        let line = line!() + 1;
        let _ = std::panic::catch_unwind(|| panic!("noted, and printed"));
        let at = last_location().expect("the hook noted it");
        assert!(at.starts_with(&format!("{}:{line}:", file!())), "{at}");
        drop(aloud);
    }
}
