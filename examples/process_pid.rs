//! The tutorial's parent/child snippet: each process prints its name, its parent's pid and its
//! own. The child's parent is the main process.
//!
//! ```text
//! $ cargo run --example process_pid
//! 进程名称 : 主进程
//! 父进程 : 6252
//! 当前进程 : 4236
//! 进程名称 : 子进程
//! 父进程 : 4236
//! 当前进程 : 8240
//! ```

// Laid out by hand: each line carries the Python line it stands for.
#[cfg(processes)]
#[rustfmt::skip]
mod tutorial {
    use std::time::Duration;

    use threadproof::process::{self, Entry, EntryPoints, Process};
    use threadproof::process::ProcessError;

    fn info(title: String) {                                   // def info(title):
        println!("进程名称 : {title}");                        //     print(f'进程名称 : {title}')
        println!("父进程 : {}", std::os::unix::process::parent_id()); // print(f'父进程 : {os.getppid()}')
        println!("当前进程 : {}", std::process::id());         //     print(f'当前进程 : {os.getpid()}')
    }
    const INFO: Entry<String> = Entry::new("info", info);

    pub fn main() -> Result<(), ProcessError> {
        let _main = process::init(EntryPoints::new().target(INFO)); // if __name__ == '__main__':
        info("主进程".to_owned());                             //     info('主进程')
        std::thread::sleep(Duration::from_secs(1));            //     time.sleep(1)
        let process = Process::new(INFO, "子进程".to_owned()); //     process = Process(target=info, args=('子进程',))
        process.start()?;                                      //     process.start()
        Ok(())
    } // `_main` drops: the child is joined, as CPython joins it at exit.
}

#[cfg(processes)]
fn main() -> Result<(), threadproof::process::ProcessError> {
    tutorial::main()
}

#[cfg(not(processes))]
fn main() {
    eprintln!("processes are real and Unix only: build this example on Unix, without --cfg loom or --cfg shuttle");
}
