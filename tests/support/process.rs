//! Running the real `thinkbaby` binary from a test: temporary folders, and the
//! guard that keeps a child process from holding a store this test has closed.
//!
//! Between fork and exec, a child process holds a copy of every open descriptor
//! of the test process, lock files included, so a store closed here can look
//! still open to a program started just after, or to the next `Store::open`.
//! Children are started under a read guard ([`spawning`], [`run`]); a test that
//! closes a store and then opens it again, or hands its folder to the program,
//! first calls [`settle`], which waits until every child started meanwhile has
//! let go.

use std::process::{Command, Output, Stdio};
use std::sync::{RwLock, RwLockReadGuard};

static SPAWNING: RwLock<()> = RwLock::new(());

/// Waits until every child started under [`spawning`] so far has exec'd.
pub fn settle() {
    drop(SPAWNING.write().unwrap_or_else(|e| e.into_inner()));
}

/// Hold this while starting a child process.
pub fn spawning() -> RwLockReadGuard<'static, ()> {
    SPAWNING.read().unwrap_or_else(|e| e.into_inner())
}

/// Starts `c` under the guard with stdout and stderr captured, and waits for it.
pub fn run(c: &mut Command) -> Output {
    let child = {
        let _spawning = spawning();
        c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
    };
    child.wait_with_output().unwrap()
}

/// A temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("thinkbaby-test-").tempdir().unwrap()
}
