//! End to end: the real binary in a pseudo-terminal, its screen read with vt100.
//! A family is checked in, the program is killed (SIGKILL, no chance to tidy
//! up), and the next run shows the family checked in.
//!
//! Nothing here waits a fixed time: each step polls the parsed screen for the
//! text it expects, up to a generous deadline, and the child is always killed.

#![cfg(unix)]

mod support;

use portable_pty::{Child, CommandBuilder, MasterPty, NativePtySystem, PtySize, PtySystem};
use secrecy::SecretString;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};
use support::PASSPHRASE;
use thinkbaby::import::roster;
use thinkbaby::store::{Store, Unlock};

const ROWS: u16 = 24;
const COLS: u16 = 80;
/// Long enough for a slow CI machine and the key derivation; a step that works
/// takes a fraction of this.
const DEADLINE: Duration = Duration::from_secs(20);

/// The store, unlocked as the program unlocks it.
fn open_store(dir: &Path) -> Store {
    Store::open_with(dir, Unlock::Passphrase(SecretString::from(PASSPHRASE.to_string()))).unwrap()
}

/// What the terminal was asked to do besides drawing text: what a hostile name
/// would try (a window title, a bell), the placeholders shown instead of control
/// characters, and cursor-position queries, which a terminal answers.
#[derive(Default)]
struct Term {
    titles: Vec<String>,
    bells: usize,
    /// U+FFFD printed: vt100 hands it here instead of drawing it.
    placeholders: usize,
    cursor_queries: usize,
}

impl vt100::Callbacks for Term {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(String::from_utf8_lossy(title).into_owned());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(String::from_utf8_lossy(name).into_owned());
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, c: char) {
        if c == '\u{fffd}' {
            self.placeholders += 1;
        }
    }
    fn unhandled_csi(&mut self, _: &mut vt100::Screen, i1: Option<u8>, _: Option<u8>, params: &[&[u16]], c: char) {
        if c == 'n' && i1.is_none() && params == [&[6u16][..]] {
            self.cursor_queries += 1;
        }
    }
}

/// The real program in a pseudo-terminal. Dropping it kills the child and waits
/// for it, so a failing test never leaves a process behind.
struct Running {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser<Term>,
    /// Every byte the program wrote, as written.
    raw: Vec<u8>,
    // Kept open for the life of the child: closing it hangs up the terminal.
    _master: Box<dyn MasterPty + Send>,
}

impl Running {
    fn start(dir: &Path, passphrase_file: &Path) -> Running {
        Running::start_with(dir, Some(passphrase_file))
    }

    /// The program on the store in `dir`; without a passphrase file it asks on screen.
    fn start_with(dir: &Path, passphrase_file: Option<&Path>) -> Running {
        let pty = NativePtySystem::default()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_thinkbaby"));
        cmd.arg("--data-dir");
        cmd.arg(dir);
        if let Some(file) = passphrase_file {
            cmd.arg("--passphrase-file");
            cmd.arg(file);
        }
        for var in ["THINKBABY_DATA_DIR", "THINKBABY_PASSPHRASE", "THINKBABY_LOCK_MINUTES", "NO_COLOR"] {
            cmd.env_remove(var);
        }
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).expect("the program starts");
        // The child holds its own copy of the terminal's slave side.
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Running {
            child,
            writer,
            output,
            parser: vt100::Parser::new_with_callbacks(ROWS, COLS, 0, Term::default()),
            raw: Vec::new(),
            _master: pty.master,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads what the program wrote until the screen shows `text`.
    fn wait_for(&mut self, text: &str) -> String {
        let until = Instant::now() + DEADLINE;
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!("after {DEADLINE:?} the screen still does not show {text:?}:\n{screen}");
            }
            match self.output.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(bytes) => self.process(&bytes),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the program ended before the screen showed {text:?}:\n{screen}")
                }
            }
        }
    }

    fn process(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        self.parser.process(bytes);
        // A terminal answers a cursor-position query (ratatui asks before each
        // full clear); vt100 only parses, so answer for it.
        while self.parser.callbacks().cursor_queries > 0 {
            self.parser.callbacks_mut().cursor_queries -= 1;
            let (row, col) = self.parser.screen().cursor_position();
            self.send(&format!("\x1b[{};{}R", row + 1, col + 1));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// SIGKILL: no handler runs and nothing is flushed on the way out.
    fn kill_hard(&mut self) {
        let pid = self.child.process_id().expect("the child's pid");
        let status = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
        assert!(status.success(), "kill -KILL {pid}");
        self.wait_exit();
    }

    /// Waits for the child to end, up to the deadline.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < until, "the program did not end:\n{}", self.screen());
            // Drain output meanwhile, so the child never blocks on a full terminal.
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(50)) {
                self.process(&bytes);
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn a_check_in_survives_killing_the_program() {
    let dir = support::tempdir();
    let store_dir = dir.path().join("store");
    let pass_file = dir.path().join("passphrase");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
    // The roster's dates are moved to the real today: the program runs on the real clock.
    let today = chrono::Local::now().date_naive();
    {
        let store = open_store(&store_dir);
        let csv = support::roster_csv_on(today);
        roster::import(&store, csv.as_bytes(), None, chrono::Utc::now(), today).unwrap();
    }

    // First run: one group, so it opens straight away and asks for initials.
    let mut run = Running::start(&store_dir, &pass_file);
    run.wait_for("Who is facilitating today?");
    run.send("AB\r");
    run.wait_for("Hello AB");
    // The first start has no list of the expected to show at once: the roster
    // fills in as soon as the families are read.
    let s = run.wait_for("Zoë Clarke");
    assert!(s.contains("· Zoë Clarke"), "expected, not yet here:\n{s}");
    run.send("2");
    run.wait_for("Find:");
    run.send("zoe");
    run.wait_for("Find: zoe");
    run.send("\r");
    let s = run.wait_for("checked in");
    assert!(s.contains("✓ Zoë Clarke with Ava"), "{s}");
    // The name with an escape sequence reached the terminal as text with
    // placeholders: it cleared nothing, set no window title and rang no bell.
    let term = run.parser.callbacks();
    assert!(term.titles.iter().all(|t| !t.contains("pwned")), "the window title was set: {:?}", term.titles);
    assert_eq!(term.bells, 0, "a bell rang");
    assert!(term.placeholders >= 3, "placeholders shown: {}", term.placeholders);
    assert!(run.screen().contains("Eve[2J]0;pwned"), "{s}");
    run.kill_hard();
    drop(run);

    // Second run on the same store: the family is still checked in.
    let mut run = Running::start(&store_dir, &pass_file);
    run.wait_for("Who is facilitating today?");
    run.send("\r");
    // "Here 1" is in the header even under the initials box: wait for the
    // greeting, which shows only once the box has closed.
    run.wait_for("Hello AB");
    let s = run.wait_for("Here 1 ");
    let row = s.lines().find(|l| l.contains("Zoë Clarke")).unwrap_or_else(|| panic!("no Zoë row:\n{s}"));
    assert!(row.trim_start().starts_with('✓'), "{row:?}:\n{s}");
    assert!(s.lines().filter(|l| l.trim_start().starts_with('✓')).count() == 1, "{s}");
    run.send("q");
    let status = run.wait_exit();
    assert!(status.success(), "q quits cleanly: {status:?}\n{}", run.screen());
    drop(run);

    // And the store says so, read after the program has gone.
    let store = open_store(&store_dir);
    let zoe = support::family_named(&store, "Zoë Clarke");
    let visits = store.attendance_of_family(zoe.id).unwrap();
    assert_eq!(visits.len(), 1, "{visits:?}");
    assert_eq!(visits[0].by, "AB");
    assert!(visits[0].checked_out.is_none());
    let session = store.session(visits[0].session).unwrap().expect("the session");
    assert_eq!(session.date, today);
    assert_eq!(store.all_attendance().unwrap().len(), 1, "only Zoë was checked in");
}

/// The store in a new folder under `dir`, sealed with the passphrase, holding `csv`'s roster.
fn store_with(dir: &Path, csv: &str) -> std::path::PathBuf {
    let store_dir = dir.join("store");
    let today = chrono::Local::now().date_naive();
    let store = open_store(&store_dir);
    roster::import(&store, csv.as_bytes(), None, chrono::Utc::now(), today).unwrap();
    store_dir
}

#[test]
fn names_in_five_scripts_reach_the_terminal_whole() {
    let dir = support::tempdir();
    let pass_file = dir.path().join("passphrase");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
    // Babies born about five months before today, whatever today is.
    let born = (chrono::Local::now().date_naive() - chrono::Duration::days(160)).format("%d/%m/%Y").to_string();
    let csv = format!(
        "parent_name,parent_phone,baby_name,baby_dob,group\n\
         রহিমা বেগম,07700 900501,সাদিয়া,{born},Central\n\
         فاطمة الزهراء,07700 900502,يوسف,{born},Central\n\
         प्रिया शर्मा,07700 900503,अनन्या,{born},Central\n\
         王芳,07700 900504,李娜,{born},Central\n\
         Maya Lee 🌸,07700 900505,Noor ✨,{born},Central\n"
    );
    let store_dir = store_with(dir.path(), &csv);
    let mut run = Running::start(&store_dir, &pass_file);
    run.wait_for("Who is facilitating today?");
    run.send("AB\r");
    run.wait_for("Hello AB");
    let s = run.wait_for("王芳");
    // vt100 gives some of these letters fewer columns than tmux or xterm do: the
    // columns the program keeps for them show here as extra spaces.
    let rows: Vec<String> = s.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    for (carer, baby) in
        [("রহিমা বেগম", "সাদিয়া"), ("فاطمة الزهراء", "يوسف"), ("प्रिया शर्मा", "अनन्या"), ("Maya Lee 🌸", "Noor ✨")]
    {
        let row = rows.iter().find(|l| l.contains(carer)).unwrap_or_else(|| panic!("no row for {carer}:\n{s}"));
        assert!(row.contains(&format!("{carer} {baby} 5m ")), "the name whole, the age after it: {row:?}\n{s}");
    }
    // Each word of a script that combines characters went out in one piece:
    // no cursor move inside it, whatever widths the terminal gives its letters.
    for word in ["সাদিয়া", "বেগম", "রহিমা", "अनन्या", "प्रिया", "शर्मा"]
    {
        assert!(run.raw.windows(word.len()).any(|w| w == word.as_bytes()), "{word} was not written in one piece");
    }
    run.send("q");
    assert!(run.wait_exit().success());
}

#[test]
fn a_wrong_passphrase_at_start_up_keeps_the_box_counting_down_and_the_typing() {
    let dir = support::tempdir();
    let store_dir = store_with(dir.path(), &support::roster_csv_on(chrono::Local::now().date_naive()));
    let mut run = Running::start_with(&store_dir, None);
    run.wait_for("Unlock thinkbaby");
    run.send("not the passphrase\r");
    let s = run.wait_for("Try again in");
    assert!(s.contains("Unlock thinkbaby"), "the box stays:\n{s}");
    // Typed during the wait: kept (one dot a letter), not thrown away.
    run.send(PASSPHRASE);
    run.wait_for(&"•".repeat(PASSPHRASE.chars().count()));
    run.wait_for("Type it again and press Enter");
    run.send("\r");
    run.wait_for("Who is facilitating today?");
    run.send("\x03");
    assert!(run.wait_exit().success(), "Ctrl-C quits");
}

#[test]
fn sigterm_or_sighup_puts_the_terminal_back_as_it_was() {
    for sig in ["TERM", "HUP"] {
        let dir = support::tempdir();
        let pass_file = dir.path().join("passphrase");
        std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
        let store_dir = store_with(dir.path(), &support::roster_csv_on(chrono::Local::now().date_naive()));
        let mut run = Running::start(&store_dir, &pass_file);
        run.wait_for("Who is facilitating today?");
        let pid = run.child.process_id().expect("the child's pid");
        let sent = std::process::Command::new("kill").args([&format!("-{sig}"), &pid.to_string()]).status().unwrap();
        assert!(sent.success(), "kill -{sig} {pid}");
        let status = run.wait_exit();
        assert_eq!(status.exit_code(), 130, "SIG{sig}: {status:?}");
        // The last of what it wrote, up to the terminal's closing.
        while let Ok(bytes) = run.output.recv_timeout(DEADLINE) {
            run.process(&bytes);
        }
        let raw = String::from_utf8_lossy(&run.raw).into_owned();
        let entered = raw.rfind("\x1b[?1049h").expect("the screens used the alternate screen");
        let after = &raw[entered..];
        assert!(after.contains("\x1b[?1049l"), "SIG{sig} left the alternate screen up");
        assert!(after.contains("\x1b[?25h"), "SIG{sig} left the cursor hidden");
    }
}
