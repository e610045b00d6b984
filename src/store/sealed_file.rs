//! Files sealed with age under a passphrase (backups and bundles): opening
//! one, with what went wrong said the same way for both.

use secrecy::SecretString;
use std::io::{BufReader, Read};
use std::path::Path;

/// Why a sealed file did not open.
#[derive(Debug)]
pub enum OpenError {
    Read(std::io::Error),
    WrongPassphrase,
    /// Not an age file sealed with a passphrase (the reason in words).
    NotSealed(String),
}

/// The clear stream of the file at `path`, opened with `pass`. Its chunks are
/// checked as they are read: a damaged file fails in the reading.
pub fn open(path: &Path, pass: SecretString) -> Result<impl Read, OpenError> {
    let file = std::fs::File::open(path).map_err(OpenError::Read)?;
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file)).map_err(|e| match e {
        age::DecryptError::Io(source) => OpenError::Read(source),
        other => OpenError::NotSealed(other.to_string()),
    })?;
    if !decryptor.is_scrypt() {
        return Err(OpenError::NotSealed("it is not sealed with a passphrase".into()));
    }
    let identity = age::scrypt::Identity::new(pass);
    decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => OpenError::WrongPassphrase,
        age::DecryptError::Io(source) => OpenError::Read(source),
        other => OpenError::NotSealed(other.to_string()),
    })
}
