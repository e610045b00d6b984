//! What the program leaves on disk, as a thief or the next user of the laptop
//! would find it: exports stopped half-way by a signal, the data folder's
//! permissions, a weak passphrase refused before anything is written, the line
//! an export prints at a terminal, a failed restore, `--lock-after`, the demo's
//! folder after SIGTERM or SIGHUP, and, last, every file the commands wrote
//! searched for the fixture's names.

mod support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::process::{InTerminal, expect, spawning, tempdir};

const PASSPHRASE: &str = "lantern orchard bobbin kettle";

/// `thinkbaby --data-dir DIR`, with the passphrase, and its temporary files
/// (`TMPDIR`) in `tmp`, so that a test sees them too.
fn thinkbaby(dir: &Path, tmp: &Path) -> Command {
    let mut c = support::process::thinkbaby(dir, PASSPHRASE);
    c.env("TMPDIR", tmp);
    c
}

/// A work folder: `data` (the store, made from the fixture roster), `out` for
/// exports and `tmp` for the program's temporary files.
struct Work {
    _top: tempfile::TempDir,
    data: PathBuf,
    out: PathBuf,
    tmp: PathBuf,
}

impl Work {
    fn new() -> Work {
        let top = tempdir();
        let w =
            Work { data: top.path().join("data"), out: top.path().join("out"), tmp: top.path().join("tmp"), _top: top };
        std::fs::create_dir_all(&w.out).unwrap();
        std::fs::create_dir_all(&w.tmp).unwrap();
        w
    }

    /// With the fixture's families in the store.
    fn filled() -> Work {
        let w = Work::new();
        let roster = w.tmp.join("roster.csv");
        std::fs::write(&roster, support::roster_csv_on(chrono::Local::now().date_naive())).unwrap();
        expect(w.cmd().args(["import", "roster"]).arg(&roster), 0);
        std::fs::remove_file(&roster).unwrap();
        w
    }

    fn cmd(&self) -> Command {
        thinkbaby(&self.data, &self.tmp)
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Sends `signal` (`TERM`, `INT`, `HUP`, `KILL`) to a process.
#[cfg(unix)]
fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Starts `cmd`, which writes `file`, holds it half-written, sends `sig`, and
/// returns the exit code (None when killed).
#[cfg(unix)]
fn stopped_while_writing(mut cmd: Command, file: &str, sig: &str) -> Option<i32> {
    use std::io::BufRead;
    let mut child = {
        let _spawning = spawning();
        cmd.env("THINKBABY_TEST_HOLD_WRITE", file).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
    };
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    loop {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "the write of {file} never began:\n{said}");
        said.push_str(&line);
        if line.starts_with("thinkbaby-test: holding") {
            break;
        }
    }
    signal(child.id(), sig);
    child.wait().unwrap().code()
}

#[cfg(unix)]
#[test]
fn an_export_report_or_backup_stopped_half_way_leaves_nothing_behind() {
    let w = Work::filled();
    let cases: &[(&[&str], &str, &str)] = &[
        (&["export", "--format", "jsonl", "-o"], "all.jsonl", "INT"),
        (&["export", "--format", "jsonl", "-o"], "all.jsonl", "TERM"),
        (&["export", "--format", "jsonl", "-o"], "all.jsonl", "HUP"),
        (&["export", "families", "--format", "csv", "-o"], "families.csv", "TERM"),
        (&["report", "--format", "csv", "-o"], "report.csv", "TERM"),
        (&["backup"], "backup.age", "TERM"),
    ];
    // Each way a platform writes: a named temporary file (macOS, Windows, file
    // systems without unnamed files), removed by the signal's handler, and on
    // Linux an unnamed one, which a stopped program cannot leave behind.
    for named in [true, cfg!(not(target_os = "linux"))] {
        for (args, file, sig) in cases {
            let mut cmd = w.cmd();
            cmd.args(*args).arg(w.out.join(file));
            if named {
                cmd.env("THINKBABY_TEST_NAMED_TEMP", "1");
            }
            let code = stopped_while_writing(cmd, file, sig);
            assert_ne!(code, Some(0), "{args:?} stopped by SIG{sig}");
            assert_eq!(names_in(&w.out), Vec::<String>::new(), "{args:?} stopped by SIG{sig} left a file");
        }
    }
    // SIGKILL runs no handler: on Linux the half-written file had no name; a
    // named one is removed by the next write into the folder.
    for named in [false, true] {
        let mut cmd = w.cmd();
        cmd.args(["export", "-o"]).arg(w.out.join("all.jsonl"));
        if named {
            cmd.env("THINKBABY_TEST_NAMED_TEMP", "1");
        }
        assert_eq!(stopped_while_writing(cmd, "all.jsonl", "KILL"), None);
        if cfg!(target_os = "linux") && !named {
            assert_eq!(names_in(&w.out), Vec::<String>::new(), "a SIGKILL left a file");
        }
        expect(w.cmd().args(["export", "families", "-o"]).arg(w.out.join("families.csv")), 0);
        assert_eq!(names_in(&w.out), ["families.csv"]);
        std::fs::remove_file(w.out.join("families.csv")).unwrap();
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every file and folder under `dir`, `dir` included.
fn everything(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if dir.is_dir() {
        for e in std::fs::read_dir(dir).unwrap() {
            out.extend(everything(&e.unwrap().path()));
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_every_file_in_it_are_for_the_owner_alone() {
    use std::os::unix::fs::PermissionsExt;
    let w = Work::filled();
    let all = everything(&w.data);
    assert!(all.iter().any(|p| p.ends_with("keyring")) && all.iter().any(|p| p.ends_with("thinkbaby.lock")));
    for p in &all {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(p), want, "{}", p.display());
    }
    // As an older version left it.
    let db = all.iter().find(|p| p.ends_with("db")).expect("sled's log");
    std::fs::set_permissions(&w.data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, said) = expect(w.cmd().arg("check"), 0);
    let lines: Vec<&str> = said.lines().filter(|l| l.contains("could be read by other users")).collect();
    assert_eq!(lines.len(), 1, "{said}");
    assert_eq!((mode(&w.data), mode(db)), (0o700, 0o600));
    let (_, again) = expect(w.cmd().arg("check"), 0);
    assert!(!again.contains("could be read"), "said once: {again}");
}

#[test]
fn a_weak_passphrase_is_refused_with_a_hint_before_anything_is_written() {
    let w = Work::new();
    let roster = w.out.join("roster.csv");
    std::fs::write(&roster, support::roster_csv()).unwrap();
    for weak in ["aaaaaaaaaaaa", "            ", "thinkbaby2026", "Password1234"] {
        let (_, err) = expect(w.cmd().env("THINKBABY_PASSPHRASE", weak).args(["import", "roster"]).arg(&roster), 1);
        assert!(err.contains("too easy to guess"), "{weak:?}: {err}");
        assert!(err.contains("three or four unrelated words"), "{weak:?}: {err}");
        assert!(err.lines().count() <= 2, "{err}");
        assert!(!w.data.exists(), "{weak:?}: the data folder was made");
    }
    // A backup's own passphrase, and a new one for the store, by the same rule.
    expect(w.cmd().args(["import", "roster"]).arg(&roster), 0);
    let weak = w.out.join("weak");
    std::fs::write(&weak, "aaaaaaaaaaaa\n").unwrap();
    let backup = w.out.join("backup.age");
    let (_, err) = expect(w.cmd().arg("backup").arg(&backup).arg("--backup-passphrase-file").arg(&weak), 1);
    assert!(err.contains("too easy to guess"), "{err}");
    assert!(!backup.exists());
    let (_, err) = expect(w.cmd().arg("passwd").arg("--new-passphrase-file").arg(&weak), 1);
    assert!(err.contains("too easy to guess"), "{err}");
    expect(w.cmd().arg("check"), 0);
}

#[cfg(unix)]
#[test]
fn an_export_at_a_terminal_says_it_is_in_clear_and_only_its_owner_can_read_it() {
    let w = Work::filled();
    let file = w.out.join("families.csv");
    let mut t = InTerminal::start(
        &[
            OsStr::new("--data-dir"),
            w.data.as_os_str(),
            OsStr::new("export"),
            OsStr::new("families"),
            OsStr::new("-o"),
            file.as_os_str(),
        ],
        &[("THINKBABY_PASSPHRASE", OsStr::new(PASSPHRASE))],
    );
    assert_eq!(t.wait(), 0, "{}", t.output());
    let said = t.output();
    let line = said.lines().find(|l| l.contains("in clear")).unwrap_or_else(|| panic!("{said}"));
    assert!(line.contains(&file.display().to_string()), "{line}");
    assert!(line.contains("personal data"), "{line}");
    assert_eq!(mode(&file), 0o600);
    // A script gets the file and no such line; a pseudonymised file needs none.
    let (_, err) = expect(w.cmd().args(["export", "families", "-o"]).arg(&file), 0);
    assert!(!err.contains("in clear"), "{err}");
}

#[test]
fn a_restore_with_the_wrong_backup_passphrase_leaves_no_store_behind() {
    let w = Work::filled();
    let backup = w.out.join("backup.age");
    expect(w.cmd().arg("backup").arg(&backup), 0);
    let wrong = w.out.join("wrong");
    std::fs::write(&wrong, "not the backup's passphrase at all\n").unwrap();
    let fresh = w.out.join("restored");
    let restore = |into: &Path| {
        let mut c = thinkbaby(into, &w.tmp);
        c.arg("restore").arg(&backup).arg("--backup-passphrase-file").arg(&wrong);
        c
    };
    let (_, err) = expect(&mut restore(&fresh), 1);
    assert!(err.contains("does not open with this passphrase"), "{err}");
    assert!(!fresh.exists(), "a failed restore left {:?}", everything(&fresh));
    // An empty folder made for it stays empty.
    std::fs::create_dir(&fresh).unwrap();
    expect(&mut restore(&fresh), 1);
    assert_eq!(names_in(&fresh), Vec::<String>::new());
    // The right passphrase still restores into it.
    expect(thinkbaby(&fresh, &w.tmp).arg("restore").arg(&backup), 0);
}

#[test]
fn lock_after_takes_1_to_60_minutes() {
    let w = Work::new();
    for bad in ["0", "61", "240"] {
        let (_, err) = expect(w.cmd().args(["--lock-after", bad, "check"]), 2);
        assert!(err.contains("1..=60"), "{bad}: {err}");
        let (_, err) = expect(w.cmd().env("THINKBABY_LOCK_MINUTES", bad).arg("check"), 2);
        assert!(err.contains("1..=60"), "{bad}: {err}");
    }
    assert!(!w.data.exists(), "refused before the store was touched");
    let (help, _) = expect(w.cmd().arg("--help"), 0);
    assert!(help.contains("1 to 60") && help.contains("[default: 5]"), "{help}");
    expect(w.cmd().args(["--lock-after", "60", "check"]), 0);
}

#[cfg(unix)]
#[test]
fn the_demo_stopped_by_sigterm_or_sighup_removes_its_folder() {
    for sig in ["TERM", "HUP"] {
        let tmp = tempdir();
        let mut t = InTerminal::start(&[OsStr::new("--demo")], &[("TMPDIR", tmp.path().as_os_str())]);
        // The group picker: the store is built and the screens are up.
        t.wait_for("Which group");
        assert_eq!(names_in(tmp.path()).len(), 1, "the demo's folder");
        signal(t.pid(), sig);
        t.wait();
        assert_eq!(names_in(tmp.path()), Vec::<String>::new(), "SIG{sig} left the demo's folder");
    }
}

/// What the fixture's families are called, phone and postcode: each at least
/// five bytes, so that none turns up by chance in sealed bytes.
const NEEDLES: &[&str] = &[
    "Zoë Clarke",
    "Łucja Nowak",
    "Nguyễn Thị Lan",
    "محمد",
    "সাদিয়া",
    "李娜",
    "Ioana Popescu",
    "Zofia",
    "Minh Anh",
    "Yusuf",
    "Yichen",
    "Andrei",
    "07700 900111",
    "LU3 1HB",
];

/// The needles found in the file at `path`.
fn found_in(path: &Path) -> Vec<&'static str> {
    let bytes = std::fs::read(path).unwrap();
    NEEDLES.iter().copied().filter(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes())).collect()
}

#[test]
fn names_are_found_only_in_the_exports_meant_to_hold_them_in_clear() {
    let w = Work::filled();
    // A paper sign-in sheet typed in afterwards: attendance to export.
    let sheet = w.tmp.join("sheet.csv");
    let today = chrono::Local::now().date_naive().format("%d/%m/%Y").to_string();
    std::fs::write(
        &sheet,
        format!("date,group,parent_name,baby_name\n{today},Central,Zoë Clarke,Ava\n{today},Central,李娜,Yichen\n"),
    )
    .unwrap();
    expect(w.cmd().args(["import", "attendance"]).arg(&sheet), 0);
    std::fs::remove_file(&sheet).unwrap();
    let out = |name: &str| w.out.join(name);
    // (The observations file is in clear too; the fixture has no notes.)
    let clear = ["all.jsonl", "attendance.csv", "families.csv"];
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["export".into(), "-o".into(), out("all.jsonl").into()],
        vec!["export".into(), "attendance".into(), "-o".into(), out("attendance.csv").into()],
        vec!["export".into(), "observations".into(), "-o".into(), out("observations.csv").into()],
        vec!["export".into(), "families".into(), "-o".into(), out("families.csv").into()],
        vec!["export".into(), "families".into(), "--pseudonymise".into(), "-o".into(), out("eval-families.csv").into()],
        vec![
            "export".into(),
            "attendance".into(),
            "--pseudonymise".into(),
            "-o".into(),
            out("eval-attendance.csv").into(),
        ],
        vec!["report".into(), "-o".into(), out("report.txt").into()],
        vec!["report".into(), "--format".into(), "csv".into(), "-o".into(), out("report.csv").into()],
        vec!["backup".into(), out("backup.age").into()],
        vec!["audit".into()],
        vec!["check".into()],
    ];
    for args in &runs {
        expect(w.cmd().args(args), 0);
    }
    let restored = w.out.join("restored");
    expect(thinkbaby(&restored, &w.tmp).arg("restore").arg(out("backup.age")), 0);
    expect(thinkbaby(&restored, &w.tmp).arg("check"), 0);

    let mut files = Vec::new();
    for dir in [&w.data, &w.out, &w.tmp] {
        files.extend(everything(dir).into_iter().filter(|p| p.is_file()));
    }
    assert!(files.len() > 15, "{files:?}");
    for f in &files {
        let found = found_in(f);
        let meant = f.parent() == Some(&*w.out) && clear.iter().any(|c| f.ends_with(c));
        if meant {
            assert!(!found.is_empty(), "{} holds no name: the search is wrong", f.display());
        } else {
            assert_eq!(found, Vec::<&str>::new(), "{} holds names in clear", f.display());
        }
    }
}
