//! Sealed backups: the portable archive (see `archive.rs`), encrypted with age
//! under a passphrase (scrypt), so a backup on a memory stick gives nothing away.
//! A backup is written whole or not at all (`whole_file`): a program killed
//! half-way leaves the previous backup as it was.

use super::archive::{self, ArchiveError, Counts};
use super::{Store, StoreError};
use secrecy::SecretString;
use std::io::BufReader;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("cannot write the backup {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read the backup {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "the backup {} does not open with this passphrase: give the one it was sealed with (--backup-passphrase-file FILE)",
        .0.display()
    )]
    WrongPassphrase(PathBuf),
    #[error("{} is not a thinkbaby backup (an age-encrypted archive): {reason}", path.display())]
    NotBackup { path: PathBuf, reason: String },
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Archive(ArchiveError::Store(e))
    }
}

/// Writes every record of `store` to `path`, sealed under `pass`.
pub fn write(store: &Store, path: &Path, pass: SecretString) -> Result<Counts, BackupError> {
    let cannot = |source: std::io::Error| BackupError::Write { path: path.to_path_buf(), source };
    crate::whole_file::write(path, cannot, |w| {
        let encryptor = age::Encryptor::with_user_passphrase(pass);
        let mut sealed = encryptor.wrap_output(w).map_err(cannot)?;
        let counts = match archive::export(store, &mut sealed) {
            Ok(c) => c,
            Err(ArchiveError::Io(e)) => return Err(cannot(e)),
            Err(e) => return Err(e.into()),
        };
        sealed.finish().map_err(cannot)?;
        Ok(counts)
    })
}

/// Fills the empty `store` from the backup at `path`, opened with `pass`.
pub fn restore(store: &Store, path: &Path, pass: SecretString) -> Result<Counts, BackupError> {
    if !store.is_empty()? {
        return Err(ArchiveError::NotEmpty.into());
    }
    let reader = super::sealed_file::open(path, pass).map_err(|e| match e {
        super::sealed_file::OpenError::Read(source) => BackupError::Read { path: path.to_path_buf(), source },
        super::sealed_file::OpenError::WrongPassphrase => BackupError::WrongPassphrase(path.to_path_buf()),
        super::sealed_file::OpenError::NotSealed(reason) => BackupError::NotBackup { path: path.to_path_buf(), reason },
    })?;
    match archive::import(store, &mut BufReader::new(reader)) {
        Ok(counts) => Ok(counts),
        // The stream is authenticated chunk by chunk: a damaged backup fails here,
        // before anything was committed.
        Err(ArchiveError::Io(source)) => Err(BackupError::Read { path: path.to_path_buf(), source }),
        Err(e) => Err(e.into()),
    }
}
