//! Files written whole or not at all: into a temporary file beside the
//! destination, synced, then renamed over it. An export or a backup that fails
//! part-way, or a program killed half-way, leaves the earlier file as it was
//! and no half-written one in its place.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

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
    let temp =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(&dir).map_err(&cannot)?;
    let mut w = BufWriter::new(temp.as_file());
    let out = fill(&mut w)?;
    w.flush().map_err(&cannot)?;
    drop(w);
    temp.as_file().sync_all().map_err(&cannot)?;
    temp.persist(path).map_err(|e| cannot(e.error))?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_failed_write_leaves_the_earlier_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        super::write(&path, |e| e.to_string(), |w| std::io::Write::write_all(w, b"first").map_err(|e| e.to_string()))
            .unwrap();
        let failed: Result<(), String> = super::write(
            &path,
            |e| e.to_string(),
            |w| {
                std::io::Write::write_all(w, b"half of the sec").map_err(|e| e.to_string())?;
                Err("the store could not be read".into())
            },
        );
        assert_eq!(failed, Err("the store could not be read".to_string()));
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }
}
