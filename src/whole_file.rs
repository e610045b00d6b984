//! Files written whole or not at all, and never left half-written: an export,
//! a report, a backup or the keyring's copy is written into a temporary file
//! beside its destination, synced, then renamed over it. A write that fails
//! part-way leaves the earlier file as it was and nothing in its place.
//!
//! A half-written export is personal data in clear, so what happens when the
//! program is stopped matters as much:
//! - On Linux the temporary file has no name (`O_TMPFILE`) until it is
//!   complete: a program killed, even with SIGKILL, leaves nothing behind.
//! - Elsewhere (or on a file system without unnamed files) it is named
//!   `.NAME.XXXXXX.thinkbaby.tmp` and locked while it is written. Ctrl-C,
//!   SIGTERM and SIGHUP remove it before the program exits ([`crate::interrupt`]);
//!   after a SIGKILL or a power cut, the next write into that folder, and every
//!   start of the store for its own folder, removes any such file nobody holds.
//!
//! Every file is created readable by its owner only (0600 on Unix).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How a temporary file's name ends, so a later run can recognise it.
const MARK: &str = ".thinkbaby.tmp";

/// Writes `path` with `fill`; `cannot` turns an I/O failure into the caller's error.
pub fn write<T, E>(
    path: &Path,
    cannot: impl Fn(std::io::Error) -> E,
    fill: impl FnOnce(&mut BufWriter<&File>) -> Result<T, E>,
) -> Result<T, E> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    sweep(&dir, Some(&name));
    let partial = Partial::create(&dir, &name).map_err(&cannot)?;
    let mut w = BufWriter::new(&partial.file);
    let out = fill(&mut w)?;
    w.flush().map_err(&cannot)?;
    drop(w);
    hold_for_tests(&name);
    partial.file.sync_all().map_err(&cannot)?;
    partial.publish(&dir, &name, path).map_err(&cannot)?;
    sync_dir(&dir);
    Ok(out)
}

/// Makes a rename or a new file in `dir` durable, where the OS allows it
/// (Windows cannot open a folder to sync it; its renames are journaled).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Removes what a write into `dir` stopped by SIGKILL or a power cut left: every
/// temporary file of ours that no running program holds, and, for `name`, the
/// `.NAME.XXXXXX.tmp` files that earlier versions of thinkbaby left.
pub fn sweep(dir: &Path, name: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let n = file_name.to_string_lossy();
        let ours = n.starts_with('.') && n.ends_with(MARK);
        let earlier = name.is_some_and(|name| {
            n.strip_prefix(&format!(".{name}."))
                .and_then(|rest| rest.strip_suffix(".tmp"))
                .is_some_and(|random| random.len() == 6 && random.chars().all(|c| c.is_ascii_alphanumeric()))
        });
        if !(ours || earlier) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        // A writer holds its lock until the file is complete and renamed.
        let Ok(f) = File::open(&path) else { continue };
        if f.try_lock().is_ok() {
            drop(f);
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The file being written.
struct Partial {
    file: File,
    /// Its name, when the platform gave no unnamed file; removed if dropped.
    named: Option<tempfile::TempPath>,
    _interrupt: Option<crate::interrupt::Guard>,
}

impl Partial {
    fn create(dir: &Path, name: &str) -> std::io::Result<Partial> {
        if let Some(file) = unnamed(dir) {
            // Locked, so that a sweep never takes it for a leftover once it has a name.
            let _ = file.try_lock();
            return Ok(Partial { file, named: None, _interrupt: None });
        }
        let temp = builder(&format!(".{name}.")).tempfile_in(dir)?;
        let (file, temp_path) = temp.into_parts();
        let _ = file.try_lock();
        let guard = remove_on_interrupt(&temp_path);
        Ok(Partial { file, named: Some(temp_path), _interrupt: Some(guard) })
    }

    /// Gives the complete file its name `path`.
    fn publish(self, dir: &Path, name: &str, path: &Path) -> std::io::Result<()> {
        match self.named {
            Some(temp_path) => temp_path.persist(path).map_err(|e| e.error),
            None => {
                let linked = builder(&format!(".{name}.")).make_in(dir, |p| link(&self.file, p))?;
                let _guard = remove_on_interrupt(linked.path());
                linked.persist(path).map(|_| ()).map_err(|e| e.error)
            }
        }
    }
}

/// `prefix` is `.NAME.`: the file hides beside the one it becomes.
fn builder(prefix: &str) -> tempfile::Builder<'_, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(MARK);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o600));
    }
    b
}

fn remove_on_interrupt(path: &Path) -> crate::interrupt::Guard {
    let path = path.to_path_buf();
    crate::interrupt::on_interrupt(move || {
        let _ = std::fs::remove_file(&path);
    })
}

/// A file in `dir` with no name, where the platform has them.
#[cfg(target_os = "linux")]
fn unnamed(dir: &Path) -> Option<File> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    // Naming it later goes through /proc (linkat with AT_EMPTY_PATH needs a
    // privilege a facilitator's program does not have). Tests of the real
    // program ask for a named file too, to see what other platforms do.
    let named_for_tests = cfg!(debug_assertions) && std::env::var_os("THINKBABY_TEST_NAMED_TEMP").is_some();
    if named_for_tests || !Path::new("/proc/self/fd").is_dir() {
        return None;
    }
    let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
    openat(CWD, dir, flags, Mode::RUSR | Mode::WUSR).ok().map(File::from)
}

#[cfg(not(target_os = "linux"))]
fn unnamed(_dir: &Path) -> Option<File> {
    None
}

#[cfg(target_os = "linux")]
fn link(file: &File, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{AtFlags, CWD, linkat};
    use std::os::fd::AsRawFd;
    let from = format!("/proc/self/fd/{}", file.as_raw_fd());
    linkat(CWD, from.as_str(), CWD, to, AtFlags::SYMLINK_FOLLOW).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn link(_file: &File, _to: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no unnamed files here"))
}

/// Tests of the real program stop a write half-way to see what it leaves:
/// with `THINKBABY_TEST_HOLD_WRITE=NAME` (debug builds only), a write of a file
/// named NAME says so on stderr once its bytes are in the temporary file, and
/// waits there until the program is stopped.
fn hold_for_tests(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var_os("THINKBABY_TEST_HOLD_WRITE").is_some_and(|n| n == name) {
        eprintln!("thinkbaby-test: holding the write of {name}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
    let _ = name;
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_the_earlier_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        super::write(&path, |e| e.to_string(), |w| w.write_all(b"first").map_err(|e| e.to_string())).unwrap();
        let failed: Result<(), String> = super::write(
            &path,
            |e| e.to_string(),
            |w| {
                w.write_all(b"half of the sec").map_err(|e| e.to_string())?;
                Err("the store could not be read".into())
            },
        );
        assert_eq!(failed, Err("the store could not be read".to_string()));
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(names(dir.path()), ["export.csv"], "no temporary file left");
    }

    #[test]
    fn a_write_removes_leftovers_nobody_holds_and_keeps_one_being_written() {
        let dir = tempfile::tempdir().unwrap();
        let left = |n: &str| {
            std::fs::write(dir.path().join(n), b"Zo\xc3\xab Clarke, 07700 900123").unwrap();
        };
        left(".all.jsonl.Ab12Cd.thinkbaby.tmp");
        left(".other.csv.Xy34Zw.thinkbaby.tmp");
        left(".all.jsonl.Qw12Er.tmp"); // as earlier versions named it
        left(".other.csv.Qw12Er.tmp"); // an earlier version's, for another file: not known to be ours
        left("notes.tmp");
        // Another program is writing this one.
        let busy = dir.path().join(".busy.csv.Zz99Zz.thinkbaby.tmp");
        std::fs::write(&busy, b"half").unwrap();
        let held = std::fs::File::open(&busy).unwrap();
        held.lock().unwrap();

        super::write(&dir.path().join("all.jsonl"), |e| e, |w| w.write_all(b"whole")).unwrap();
        assert_eq!(
            names(dir.path()),
            [".busy.csv.Zz99Zz.thinkbaby.tmp", ".other.csv.Qw12Er.tmp", "all.jsonl", "notes.tmp"]
        );
        drop(held);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn on_linux_the_file_has_no_name_until_it_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("all.jsonl");
        super::write(
            &path,
            |e| e,
            |w| {
                w.write_all(b"Zo\xc3\xab Clarke")?;
                w.flush()?;
                assert_eq!(names(dir.path()), Vec::<String>::new(), "nothing a SIGKILL now would leave");
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(names(dir.path()), ["all.jsonl"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_for_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("families.csv");
        std::fs::write(&path, b"older").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::write(&path, |e| e, |w| w.write_all(b"names")).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
