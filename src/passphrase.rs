//! Where the store's passphrase comes from, as restic and borg do it:
//! `--passphrase-file FILE`, else `THINKBABY_PASSPHRASE` (for scripts), else a
//! prompt that does not echo. A new store asks twice and explains why.

use crate::commands::Failure;
use crate::store::{Store, StoreError, Unlock};
use secrecy::{ExposeSecret, SecretString};
use std::io::IsTerminal;
use std::path::Path;

pub const ENV: &str = "THINKBABY_PASSPHRASE";

pub const WHY: &str = "The store holds babies' details, health-visiting levels and safeguarding notes. \
It is encrypted with a passphrase, so a lost or stolen laptop gives nothing away. \
Use a few words you will remember (at least 12 characters) and keep it where your team keeps passwords: \
without it, nobody can open the store.";

/// The passphrase from a file (its first line) or the environment, if given.
pub fn given(file: Option<&Path>) -> Result<Option<SecretString>, Failure> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::new(format!("cannot read the passphrase file {}: {e}", path.display())))?;
        let line = text.lines().next().unwrap_or("").to_string();
        if line.is_empty() {
            return Err(Failure::new(format!("the passphrase file {} is empty", path.display())));
        }
        return Ok(Some(SecretString::from(line)));
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

pub fn probe(dir: &Path) -> Result<Kind, StoreError> {
    Ok(match Store::probe(dir)? {
        crate::store::Probe::New => Kind::New,
        crate::store::Probe::Existing => Kind::Existing,
    })
}

fn prompt(label: &str) -> Result<SecretString, Failure> {
    rpassword::prompt_password(label)
        .map(SecretString::from)
        .map_err(|e| Failure::new(format!("cannot read the passphrase: {e}")))
}

/// Opens the store for a command, asking for the passphrase if none was given.
pub fn open_store(dir: &Path, file: Option<&Path>) -> Result<Store, Failure> {
    open_store_keeping(dir, file).map(|(store, _)| store)
}

/// As [`open_store`], and gives back the passphrase that opened it (a backup is
/// sealed under it).
pub fn open_store_keeping(dir: &Path, file: Option<&Path>) -> Result<(Store, SecretString), Failure> {
    if let Some(pass) = given(file)? {
        return Ok((Store::open_with(dir, Unlock::Passphrase(pass.clone()))?, pass));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(format!(
            "the store in {} needs its passphrase: give --passphrase-file FILE or set {ENV}",
            dir.display()
        )));
    }
    let pass = match probe(dir)? {
        Kind::Existing => prompt(&format!("Passphrase for the store in {}: ", dir.display()))?,
        Kind::New => {
            eprintln!("{WHY}");
            choose()?
        }
    };
    Ok((Store::open_with(dir, Unlock::Passphrase(pass.clone()))?, pass))
}

/// A new passphrase, typed twice.
pub fn choose() -> Result<SecretString, Failure> {
    let first = prompt("New passphrase (at least 12 characters): ")?;
    let again = prompt("The same passphrase again: ")?;
    if first.expose_secret() != again.expose_secret() {
        return Err(Failure::new("the two passphrases differ; nothing was changed. Try again."));
    }
    Ok(first)
}

/// `thinkbaby passwd`: the old passphrase, then the new one.
pub fn change(dir: &Path, file: Option<&Path>, new_file: Option<&Path>) -> Result<(), Failure> {
    let old = match given(file)? {
        Some(p) => p,
        None if std::io::stdin().is_terminal() => prompt("Current passphrase: ")?,
        None => return Err(Failure::new(format!("give the current passphrase with --passphrase-file FILE or {ENV}"))),
    };
    let mut store = Store::open_with(dir, Unlock::Passphrase(old.clone()))?;
    let new = match new_file {
        Some(path) => given(Some(path))?.unwrap_or_else(|| SecretString::from(String::new())),
        None if std::io::stdin().is_terminal() => choose()?,
        None => return Err(Failure::new("give the new passphrase with --new-passphrase-file FILE")),
    };
    store.change_passphrase(&old, &new)?;
    eprintln!("passphrase changed: use the new one from now on");
    Ok(())
}
