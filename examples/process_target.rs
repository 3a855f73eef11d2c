//! The tutorial's first `multiprocessing` snippet: three processes run a target function, the
//! main process joins them and prints `end`.
//!
//! ```text
//! $ cargo run --example process_target
//! A0 : Fri Aug  3 16:52:17 2018
//! A1 : Fri Aug  3 16:52:17 2018
//! A2 : Fri Aug  3 16:52:17 2018
//! end
//! ```
//!
//! The three lines come in whatever order the children finish.

// Laid out by hand: each line carries the Python line it stands for.
#[cfg(processes)]
#[rustfmt::skip]
mod tutorial {
    use std::time::Duration;

    use threadproof::process::{self, Entry, EntryPoints, Process};
    use threadproof::process::ProcessError;

    /// Python's `time.ctime()`: the local time as `Fri Aug  3 16:52:17 2018`.
    fn ctime() -> String {
        chrono::Local::now().format("%a %b %e %H:%M:%S %Y").to_string()
    }

    fn func1(name: String) {                                   // def func1(name):
        std::thread::sleep(Duration::from_secs(1));            //     time.sleep(1)
        println!("{name} : {}", ctime());                      //     print(f'{name} : {time.ctime()}')
    }
    const FUNC1: Entry<String> = Entry::new("func1", func1);

    pub fn main() -> Result<(), ProcessError> {
        let _main = process::init(EntryPoints::new().target(FUNC1)); // if __name__ == '__main__':
        let mut process_list = Vec::new();                     //     process_list = []
        for i in 0..3 {                                        //     for i in range(3):
            let item_process = Process::new(FUNC1, format!("A{i}")); // item_process = Process(target=func1, args=(f'A{i}',))
            process_list.push(item_process.clone());           //         process_list.append(item_process)
            item_process.start()?;                             //         item_process.start()
        }
        for i in &process_list {                               //     for i in process_list:
            i.join()?;                                         //         i.join()
        }
        println!("end");                                       //     print('end')
        Ok(())
    }
}

#[cfg(processes)]
fn main() -> Result<(), threadproof::process::ProcessError> {
    tutorial::main()
}

#[cfg(not(processes))]
fn main() {
    eprintln!("processes are real and Unix only: build this example on Unix, without --cfg loom or --cfg shuttle");
}
