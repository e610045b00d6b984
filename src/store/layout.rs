//! The data folder. The store lives in a folder of its own, named in the file
//! `current`, so that a store rebuilt under a new data key (erase, purge,
//! passwd, an upgrade) takes the old one's place in one atomic rename:
//!
//! ```text
//! DIR/thinkbaby.lock   one program at a time
//! DIR/current          the name of the store in use, e.g. "store-3"
//! DIR/store-3/         sled's files, the journal, the keyring's copy
//! ```
//!
//! A SIGKILL before the rename leaves the old store in use and a half-built
//! folder; after it, the new store and an old folder. Either leftover is
//! removed at the next open, so the folder never holds both for long, and
//! never neither. A folder with sled's files directly in it and no `current`
//! was written before schema 4, and is upgraded the same way.

use std::path::{Path, PathBuf};

pub const CURRENT: &str = "current";
const PREFIX: &str = "store-";
/// What a store written before schema 4 kept directly in the data folder.
const LEGACY_FILES: [&str; 4] = ["db", "conf", "blobs", "keyring"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The store in use: its folder and its generation.
    Store(PathBuf, u64),
    /// A store written before schema 4, in the data folder itself.
    Legacy,
    /// Nothing yet.
    Empty,
}

pub fn find(dir: &Path) -> std::io::Result<Found> {
    match std::fs::read_to_string(dir.join(CURRENT)) {
        Ok(name) => {
            let name = name.trim();
            let generation = generation_of(name).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{CURRENT} names no store ({name:?})"))
            })?;
            Ok(Found::Store(dir.join(name), generation))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if dir.join("conf").exists() || dir.join("db").exists() {
                Ok(Found::Legacy)
            } else {
                Ok(Found::Empty)
            }
        }
        Err(e) => Err(e),
    }
}

fn generation_of(name: &str) -> Option<u64> {
    name.strip_prefix(PREFIX)?.parse().ok()
}

pub fn folder(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("{PREFIX}{generation}"))
}

/// An empty folder for the store after `generation`; anything left there by
/// an earlier try is removed first.
pub fn fresh(dir: &Path, generation: u64) -> std::io::Result<PathBuf> {
    let path = folder(dir, generation + 1);
    if path.exists() {
        std::fs::remove_dir_all(&path)?;
    }
    std::fs::create_dir(&path)?;
    Ok(path)
}

/// Makes `folder` the store in use: `current` is written beside, synced, and
/// renamed over the old one, and the rename made durable.
pub fn switch(dir: &Path, folder: &Path) -> std::io::Result<()> {
    let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    crate::whole_file::write(&dir.join(CURRENT), |e| e, |w| std::io::Write::write_all(w, name.as_bytes()))
}

/// Removes what is not the store in use: unfinished rebuilds, old stores, and
/// the files of a store from before schema 4 once it has been upgraded.
/// A file that cannot be removed now (held open on Windows) is tried again at
/// the next open.
pub fn tidy(dir: &Path) -> std::io::Result<()> {
    let Found::Store(in_use, _) = find(dir)? else { return Ok(()) };
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let stale_store = generation_of(&name).is_some() && path != in_use;
        let legacy = LEGACY_FILES.contains(&name.as_str()) || name.starts_with("snap.");
        let torn_pointer = name.starts_with(&format!(".{CURRENT}.")) && name.ends_with(".tmp");
        if stale_store || legacy || torn_pointer {
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_named_in_current_is_the_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find(dir.path()).unwrap(), Found::Empty);
        let first = fresh(dir.path(), 0).unwrap();
        assert_eq!(find(dir.path()).unwrap(), Found::Empty, "a folder alone is not a store until named");
        switch(dir.path(), &first).unwrap();
        assert_eq!(find(dir.path()).unwrap(), Found::Store(first.clone(), 1));
        let second = fresh(dir.path(), 1).unwrap();
        std::fs::write(second.join("db"), b"half built").unwrap();
        tidy(dir.path()).unwrap();
        assert!(!second.exists(), "an unfinished rebuild is removed");
        let second = fresh(dir.path(), 1).unwrap();
        switch(dir.path(), &second).unwrap();
        tidy(dir.path()).unwrap();
        assert!(!first.exists() && second.exists());
    }

    #[test]
    fn files_from_before_schema_4_are_found_and_removed_once_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("conf"), b"x").unwrap();
        std::fs::write(dir.path().join("snap.0001"), b"x").unwrap();
        assert_eq!(find(dir.path()).unwrap(), Found::Legacy);
        let new = fresh(dir.path(), 0).unwrap();
        switch(dir.path(), &new).unwrap();
        tidy(dir.path()).unwrap();
        assert!(!dir.path().join("conf").exists() && !dir.path().join("snap.0001").exists());
        assert!(dir.path().join(CURRENT).exists());
    }
}
