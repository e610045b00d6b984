//! Asking for the store's passphrase at a terminal, when neither
//! `--passphrase-file` nor `THINKBABY_PASSPHRASE` gave it: a prompt that does not
//! echo. A new store asks twice and explains why.

use crate::failure::Failure;
use crate::passphrase::{ENV, Kind, WHY, given, is_new, probe};
use crate::store::{Store, Unlock};
use secrecy::{ExposeSecret, SecretString};
use std::io::IsTerminal;
use std::path::Path;

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
        return Ok((open_given(dir, pass.clone())?, pass));
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

/// Opens the store with a passphrase from a file or the environment; for a new
/// store, the passphrase is judged before the folder is made, not after.
pub fn open_given(dir: &Path, pass: SecretString) -> Result<Store, Failure> {
    if is_new(dir) {
        crate::store::check_new_passphrase(&pass)?;
    }
    Ok(Store::open_with(dir, Unlock::Passphrase(pass))?)
}

/// A new passphrase, typed twice.
pub fn choose() -> Result<SecretString, Failure> {
    let first = prompt("New passphrase (three or four unrelated words): ")?;
    crate::store::check_new_passphrase(&first)?;
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
