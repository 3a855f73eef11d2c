//! The tutorial's daemon snippet: three daemonic processes that would print after a second, and a
//! main process that prints `over` and ends, terminating them first. Only `over` is printed.
//!
//! ```text
//! $ cargo run --example process_daemon
//! over
//! ```

// Laid out by hand: each line carries the Python line it stands for.
#[cfg(processes)]
#[rustfmt::skip]
mod tutorial {
    use std::time::Duration;

    use serde::{Deserialize, Serialize};
    use threadproof::process::{self, current_process, EntryPoints, Process, Run};
    use threadproof::process::ProcessError;

    /// Python's `time.ctime()`: the local time as `Fri Aug  3 17:00:40 2018`.
    fn ctime() -> String {
        chrono::Local::now().format("%a %b %e %H:%M:%S %Y").to_string()
    }

    #[derive(Serialize, Deserialize)]
    struct MyProcess;                                          // class MyProcess(Process):

    impl Run for MyProcess {
        fn run(self) {                                         //     def run(self):
            std::thread::sleep(Duration::from_secs(1));        //         time.sleep(1)
            let name = current_process().name().to_owned();    //         (self.name)
            println!("{name} : {}", ctime());                  //         print(f'{self.name} : {time.ctime()}')
        }
    }

    pub fn main() -> Result<(), ProcessError> {
        let _main = process::init(EntryPoints::new().custom::<MyProcess>());
        let mut process_list = Vec::new();                     // process_list = []
        for _ in 0..3 {                                        // for i in range(3):
            let p = Process::custom(MyProcess);                //     p = MyProcess()
            p.set_daemon(true)?;                               //     p.daemon = True
            process_list.push(p.clone());                      //     process_list.append(p)
            p.start()?;                                        //     p.start()
        }
        println!("over");                                      // print('over')
        Ok(())
    } // `_main` drops: the daemonic processes are terminated before they print.
}

#[cfg(processes)]
fn main() -> Result<(), threadproof::process::ProcessError> {
    tutorial::main()
}

#[cfg(not(processes))]
fn main() {
    eprintln!("processes are real and Unix only: build this example on Unix, without --cfg loom or --cfg shuttle");
}
