use std::path::{Path, PathBuf};

/// Everything the store can report. Each message is written for the facilitator:
/// what happened, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("thinkbaby is already open on this computer (data in {})", .0.display())]
    Locked(PathBuf),
    #[error("cannot use the data folder {}: {source}", dir.display())]
    Io { dir: PathBuf, source: std::io::Error },
    #[error(
        "the store in {} is damaged and cannot be opened ({detail}).\nRestore it from a backup or an export; keep this folder as it is until then.",
        dir.display()
    )]
    Damaged { dir: PathBuf, detail: String },
    #[error(
        "a stored {tree} record (key {key}) cannot be read: {reason}.\nRun `thinkbaby check` to list every damaged record."
    )]
    Decode { tree: String, key: String, reason: String },
    #[error("could not save: {0}. Nothing was saved; try again.")]
    Write(String),
    #[error(
        "this store was written by a newer thinkbaby (schema {found}; this program knows up to {known}). Update thinkbaby."
    )]
    TooNew { found: u8, known: u8 },
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error(
        "the store in {} is encrypted: give its passphrase (typed when asked, --passphrase-file FILE, or THINKBABY_PASSPHRASE)",
        .0.display()
    )]
    NeedPassphrase(PathBuf),
    #[error("{0}")]
    Refused(String),
}

impl StoreError {
    pub fn io(dir: &Path, source: std::io::Error) -> Self {
        StoreError::Io { dir: dir.to_path_buf(), source }
    }

    /// 2 for a store held by another program (as for usage errors), else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            StoreError::Locked(_) => 2,
            _ => 1,
        }
    }
}
