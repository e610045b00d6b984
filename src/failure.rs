//! What reaches the user when something cannot be done: one or two plain lines
//! and an exit status (1, or 2 for a usage mistake or a store already open).
//! It sits at the bottom, beside the store and the importers whose errors it
//! turns into words, so the screens and the command line both use it and
//! neither imports from the other.

use crate::import::ImportError;
use crate::store::{StoreError, archive, backup};

#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), code: 1 }
    }

    /// A command line that asks for something that cannot be done (exit status 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure { message: message.into(), code: 2 }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure { code: e.exit_code(), message: e.to_string() }
    }
}

impl From<ImportError> for Failure {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(s) => s.into(),
            other => Failure::new(other.to_string()),
        }
    }
}

impl From<archive::ArchiveError> for Failure {
    fn from(e: archive::ArchiveError) -> Self {
        match e {
            archive::ArchiveError::Store(s) => s.into(),
            other => Failure::new(other.to_string()),
        }
    }
}

impl From<backup::BackupError> for Failure {
    fn from(e: backup::BackupError) -> Self {
        match e {
            backup::BackupError::Archive(a) => a.into(),
            other => Failure::new(other.to_string()),
        }
    }
}
