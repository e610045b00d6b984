//! Where the store's passphrase comes from when nobody types it, as restic and
//! borg do it: `--passphrase-file FILE`, else `THINKBABY_PASSPHRASE` (for
//! scripts); and whether a folder's store has one yet. The prompts that ask for
//! it are the command line's (`cli::passphrase`) and the screens' (`tui::unlock`).

use crate::failure::Failure;
use crate::store::{Store, StoreError};
use secrecy::SecretString;
use std::path::Path;

pub const ENV: &str = "THINKBABY_PASSPHRASE";

pub const WHY: &str = "The store holds babies' details, health-visiting levels and safeguarding notes. \
It is encrypted with a passphrase, so a lost or stolen laptop gives nothing away. \
Use three or four unrelated words you will remember and keep them where your team keeps passwords: \
without the passphrase, nobody can open the store.";

/// The passphrase from a file (its first line) or the environment, if given.
pub fn given(file: Option<&Path>) -> Result<Option<SecretString>, Failure> {
    if let Some(path) = file {
        // The whole file is wiped from memory once its first line is taken.
        let text = zeroize::Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| Failure::new(format!("cannot read the passphrase file {}: {e}", path.display())))?,
        );
        let line = text.lines().next().unwrap_or("");
        if line.is_empty() {
            return Err(Failure::new(format!("the passphrase file {} is empty", path.display())));
        }
        return Ok(Some(SecretString::from(line.to_string())));
    }
    match std::env::var(ENV) {
        Ok(v) if !v.is_empty() => Ok(Some(SecretString::from(v))),
        _ => Ok(None),
    }
}

/// Whether the store in `dir` already has a passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Encrypted: ask for its passphrase.
    Existing,
    /// New (or not yet encrypted): choose a passphrase.
    New,
}

/// True when `dir` holds no store yet. Nothing is created to find out: a new
/// passphrase is judged before anything is written.
pub fn is_new(dir: &Path) -> bool {
    matches!(crate::store::layout::find(dir), Ok(crate::store::layout::Found::Empty))
}

pub fn probe(dir: &Path) -> Result<Kind, StoreError> {
    Ok(match Store::probe(dir)? {
        crate::store::Probe::New => Kind::New,
        crate::store::Probe::Existing => Kind::Existing,
    })
}
