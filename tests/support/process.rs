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

/// The binary with `passphrase`, and nothing from the caller's environment
/// that could choose another folder, hub or lock time. A backtrace would be
/// shown if it panicked, so tests that expect plain lines can tell.
pub fn bare(passphrase: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_thinkbaby"));
    c.env_remove("THINKBABY_DATA_DIR")
        .env_remove("THINKBABY_HUB")
        .env_remove("THINKBABY_LOCK_MINUTES")
        .env("THINKBABY_PASSPHRASE", passphrase)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null());
    c
}

/// `thinkbaby --data-dir DIR`, as [`bare`].
pub fn thinkbaby(dir: &std::path::Path, passphrase: &str) -> Command {
    let mut c = bare(passphrase);
    c.arg("--data-dir").arg(dir);
    c
}

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

/// Runs `c` and expects exit status `code`, without a panic; its stdout and stderr.
pub fn expect(c: &mut Command, code: i32) -> (String, String) {
    let out = run(c);
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert_eq!(out.status.code(), Some(code), "{c:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (stdout, stderr)
}

/// A temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("thinkbaby-test-").tempdir().unwrap()
}

/// A program in a pseudo-terminal, for what it does only at a terminal. Its
/// output is gathered as it comes; dropping it kills the program.
pub struct InTerminal {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn std::io::Write + Send>,
    /// Gathers the output until the terminal closes.
    reader: Option<std::thread::JoinHandle<()>>,
    output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    // Kept open for the life of the child: closing it hangs up the terminal.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

/// Long enough for a debug build on a busy machine; only a failing test waits it out.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

impl InTerminal {
    /// Starts `program ARGS` with `env` (THINKBABY_DATA_DIR removed) in an 80×24 terminal.
    pub fn start(args: &[&std::ffi::OsStr], env: &[(&str, &std::ffi::OsStr)]) -> InTerminal {
        use portable_pty::{CommandBuilder, NativePtySystem, PtySize, PtySystem};
        let pty = NativePtySystem::default()
            .openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_thinkbaby"));
        cmd.args(args);
        cmd.env_remove("THINKBABY_DATA_DIR");
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = {
            let _spawning = spawning();
            pty.slave.spawn_command(cmd).expect("the program starts")
        };
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = output.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = std::io::Read::read(&mut reader, &mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        InTerminal { child, writer, reader: Some(reader), output, _master: pty.master }
    }

    /// What the program wrote so far, escape sequences and all.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits until the output holds `text`.
    pub fn wait_for(&self, text: &str) {
        let until = std::time::Instant::now() + DEADLINE;
        while !self.output().contains(text) {
            assert!(std::time::Instant::now() < until, "no {text:?} in:\n{}", self.output());
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Types `keys` (`\r` for Enter).
    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child's pid")
    }

    /// Waits for the program to end, and for the last of its output; its exit code.
    pub fn wait(&mut self) -> u32 {
        let until = std::time::Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                return status.exit_code();
            }
            assert!(std::time::Instant::now() < until, "the program did not end:\n{}", self.output());
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for InTerminal {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
