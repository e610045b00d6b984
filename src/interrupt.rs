//! What to undo when the program is told to stop: Ctrl-C at a prompt, SIGTERM
//! from a shutdown, SIGHUP from a closed terminal (on Windows, Ctrl-C,
//! Ctrl-Break and closing the console window). A half-written export or the
//! demo's temporary store would otherwise stay on disk, in clear or as litter.
//!
//! Code that leaves something behind while it works registers a clean-up with
//! [`on_interrupt`] and keeps the [`Guard`]; dropping the guard unregisters it.
//! On a signal every registered clean-up runs, newest first, and the program
//! exits with status 130. The handler (the `ctrlc` crate) is installed with the
//! first registration only, so a program that never registers anything (a
//! passphrase prompt, a command that writes no file) keeps the default
//! behaviour. The screens register one that puts the terminal back.
//!
//! SIGKILL and a power cut run nothing: `whole_file` writes through an unnamed
//! file where the platform has one, and removes what an earlier run left.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};

type Cleanup = Box<dyn FnMut() + Send>;

static CLEANUPS: Mutex<Vec<(u64, Cleanup)>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(1);
static INSTALL: Once = Once::new();

/// The exit status after a signal (128 + SIGINT, as shells report Ctrl-C).
pub const EXIT_STATUS: i32 = 130;

/// Keeps a clean-up registered until dropped.
#[must_use = "the clean-up is unregistered when the guard is dropped"]
#[derive(Debug)]
pub struct Guard(u64);

impl Drop for Guard {
    fn drop(&mut self) {
        let mut list = CLEANUPS.lock().unwrap_or_else(|e| e.into_inner());
        list.retain(|(id, _)| *id != self.0);
    }
}

/// Runs `cleanup` if the program is told to stop before the guard is dropped.
pub fn on_interrupt(cleanup: impl FnMut() + Send + 'static) -> Guard {
    INSTALL.call_once(|| {
        // Without a handler the program simply stops, as it did before: a
        // clean-up is a promise kept where the platform allows it.
        let _ = ctrlc::set_handler(run_and_exit);
    });
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    CLEANUPS.lock().unwrap_or_else(|e| e.into_inner()).push((id, Box::new(cleanup)));
    Guard(id)
}

fn run_and_exit() {
    // The lock is kept to the end: a guard dropped meanwhile waits, and the
    // process ends under it.
    let mut list = CLEANUPS.lock().unwrap_or_else(|e| e.into_inner());
    while let Some((_, mut cleanup)) = list.pop() {
        // One clean-up that fails (a write to a terminal that hung up) must not
        // keep the others from running.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut cleanup));
    }
    std::process::exit(EXIT_STATUS);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_dropped_guard_unregisters_its_cleanup() {
        let g = super::on_interrupt(|| {});
        let id = g.0;
        assert!(super::CLEANUPS.lock().unwrap().iter().any(|(i, _)| *i == id));
        drop(g);
        assert!(!super::CLEANUPS.lock().unwrap().iter().any(|(i, _)| *i == id));
    }
}
