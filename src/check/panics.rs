//! Panics inside an exploration: the report tells them, so they do not also go to stderr.
//!
//! A check catches every panic of its executions (a failed assertion in the program, a
//! checker's own) and turns it into the report's verdict and counterexample. The process's
//! panic hook would print each one as well, with a backtrace; while an exploration runs on
//! this operating-system thread (all of a checker's threads run on it), the hook installed
//! here keeps quiet and notes where the panic happened, for the counterexample. Elsewhere it
//! calls the hook it replaced.

use std::cell::{Cell, RefCell};
use std::panic;
use std::sync::Once;

std::thread_local! {
    /// An exploration runs on this thread: its panics are the report's.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Where the last panic of this thread's exploration happened (`file:line:column`).
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps this thread's panics off stderr until dropped.
pub(super) struct Quiet {
    was: bool,
}

impl Quiet {
    /// Installs the hook (once per process) and keeps this thread quiet.
    pub(super) fn new() -> Self {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            // The checker's own hook (shuttle prints a schedule from one) goes inside ours.
            super::scheduler::install_panic_hooks();
            let previous = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                if QUIET.with(Cell::get) {
                    let at = info.location().map(ToString::to_string);
                    LAST.with(|last| *last.borrow_mut() = at);
                } else {
                    previous(info);
                }
            }));
        });
        LAST.with(|last| last.borrow_mut().take());
        Self {
            was: QUIET.with(|quiet| quiet.replace(true)),
        }
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        QUIET.with(|quiet| quiet.set(self.was));
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
}
