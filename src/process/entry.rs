//! Entry points: the target functions ([`Entry`]) and [`Run`] types a program registers with
//! [`init`](super::init), which its processes may run.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::launch::run_key;

/// A target function a child process can run, and the name it is registered under
/// (Python: the `target=func1` of `Process(target=func1, args=...)`).
///
/// Make one constant per target, register it with [`EntryPoints::target`], and start it with
/// [`Process::new`](super::Process::new). The argument crosses to the child as JSON: several
/// arguments are a tuple, none is `()`.
///
/// ```
/// # threadproof::real_threads_only! {
/// use threadproof::process::Entry;
///
/// fn func1(name: String) {                             // def func1(name):
///     println!("{name}");                              //     print(name)
/// }
/// const FUNC1: Entry<String> = Entry::new("func1", func1);
/// assert_eq!(FUNC1.name(), "func1");
/// # }
/// ```
pub struct Entry<A> {
    name: &'static str,
    target: fn(A),
}

impl<A> Entry<A> {
    /// The target `target`, registered under `name`, which must be unique in the program.
    pub const fn new(name: &'static str, target: fn(A)) -> Self {
        Self { name, target }
    }

    /// The name the entry point is registered under.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<A> Clone for Entry<A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A> Copy for Entry<A> {}

impl<A> fmt::Debug for Entry<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry").field("name", &self.name).finish()
    }
}

/// A process type that says what its process does: Python's `Process` subclass overriding
/// `run`.
///
/// The value is serialized in the parent and rebuilt in the child, which calls
/// [`run`](Run::run) on it. Register the type with [`EntryPoints::custom`] and start a value
/// with [`Process::custom`](super::Process::custom); its processes are named after the type
/// (`MyProcess-1`).
///
/// ```
/// # threadproof::real_threads_only! {
/// use serde::{Deserialize, Serialize};
/// use threadproof::process::{self, current_process, EntryPoints, Process, Run};
///
/// #[derive(Serialize, Deserialize)]
/// struct MyProcess;                                    // class MyProcess(Process):
///
/// impl Run for MyProcess {
///     fn run(self) {                                   //     def run(self):
///         println!("{}", current_process().name());    //         print(self.name)
///     }
/// }
///
/// fn main() {
///     let _main = process::init(EntryPoints::new().custom::<MyProcess>());
///     let p = Process::custom(MyProcess);              // p = MyProcess()
///     p.start().unwrap();                              // p.start()
///     p.join().unwrap();                               // p.join()
/// }
/// # }
/// ```
pub trait Run: Serialize + DeserializeOwned + 'static {
    /// What the child process does (Python: `run(self)`). Returning exits with code 0, a panic
    /// with code 1, [`process::exit`](super::exit) with the code given.
    fn run(self);
}

/// How a child calls an entry point: rebuild the argument, then run.
pub(super) type Call =
    Box<dyn Fn(serde_json::Value) -> Result<(), serde_json::Error> + Send + Sync>;

/// The entry points of a program, handed to [`init`](super::init): every target and [`Run`]
/// type its processes may run.
#[derive(Default)]
pub struct EntryPoints {
    entries: Vec<(String, Call)>,
}

impl EntryPoints {
    /// No entry points yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a target function. A later entry point with the same name replaces it.
    pub fn target<A: DeserializeOwned + 'static>(self, entry: Entry<A>) -> Self {
        let target = entry.target;
        self.with(
            entry.name.to_owned(),
            Box::new(move |args| {
                target(serde_json::from_value(args)?);
                Ok(())
            }),
        )
    }

    /// Adds a [`Run`] type.
    pub fn custom<P: Run>(self) -> Self {
        self.with(
            run_key::<P>().to_owned(),
            Box::new(|value| {
                serde_json::from_value::<P>(value)?.run();
                Ok(())
            }),
        )
    }

    fn with(mut self, name: String, call: Call) -> Self {
        self.entries.retain(|(known, _)| *known != name);
        self.entries.push((name, call));
        self
    }

    /// The names of the entry points.
    pub(super) fn names(&self) -> Vec<String> {
        self.entries.iter().map(|(name, _)| name.clone()).collect()
    }

    /// The entry point registered under `name`.
    pub(super) fn get(&self, name: &str) -> Option<&Call> {
        self.entries
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, call)| call)
    }
}

impl fmt::Debug for EntryPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(name, _)| name))
            .finish()
    }
}
