//! The checker's runtime: what one execution keeps while it runs. The record of who did,
//! holds and waits for what ([`record`]), the virtual clock ([`clock`], checker builds only),
//! the random choices ([`choices`]) and what each step touches ([`access`], checker builds
//! only).
//!
//! The facade (`crate::sync`) reports here as threads act, and the checking machinery
//! (`crate::check`) starts each execution here and reads it when the execution ends. This
//! module imports nothing else of the crate: callers pass the thread that acts (`me`, the
//! facade's number for it) and everything else as arguments.

#[cfg(any(loom, shuttle))]
pub(crate) mod access;
pub(crate) mod choices;
#[cfg(any(loom, shuttle))]
pub(crate) mod clock;
pub(crate) mod record;
