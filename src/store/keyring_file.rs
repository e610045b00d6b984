//! A copy of the keyring beside the store (`<dir>/keyring`), so that the
//! passphrase's key can be derived while sled opens instead of after: each
//! takes a good part of start-up, and they use different resources (a core
//! and 64 MiB for Argon2; the disk for sled).
//!
//! The keyring in `meta` stays the one that counts. The copy is only read for
//! its derivation parameters: when they differ from the store's (a copy left
//! behind by a passphrase change that was cut short, or a damaged one), the key
//! is derived again from the store's, which costs time and nothing else.

use super::codec;
use super::crypto::Keyring;
use std::io::Write;
use std::path::{Path, PathBuf};

const NAME: &str = "keyring";

fn path(dir: &Path) -> PathBuf {
    dir.join(NAME)
}

/// The copy, if there is one that can be read.
pub fn read(dir: &Path) -> Option<Keyring> {
    let bytes = std::fs::read(path(dir)).ok()?;
    codec::decode(NAME, NAME.as_bytes(), &bytes).ok()
}

/// Writes the copy when it differs from `ring`, whole or not at all, so a
/// reader sees the old copy or the new one.
/// A copy that cannot be written only makes the next start-up slower.
pub fn keep(dir: &Path, ring: &Keyring) {
    if read(dir).as_ref() == Some(ring) {
        return;
    }
    let _ = write(dir, ring);
}

fn write(dir: &Path, ring: &Keyring) -> std::io::Result<()> {
    crate::whole_file::write(&path(dir), |e| e, |w| w.write_all(&codec::encode(ring)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::crypto::KdfParams;

    fn ring(salt: u8) -> Keyring {
        Keyring {
            kdf: KdfParams { memory_kib: 65536, passes: 3, lanes: 1, salt: [salt; 16] },
            nonce: [1; 24],
            wrapped: vec![2; 48],
        }
    }

    #[test]
    fn kept_then_replaced_and_a_damaged_copy_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), None);
        keep(dir.path(), &ring(7));
        assert_eq!(read(dir.path()), Some(ring(7)));
        keep(dir.path(), &ring(8));
        assert_eq!(read(dir.path()), Some(ring(8)));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left beside it");
        std::fs::write(dir.path().join(NAME), b"\xb1\x03\x00garbage").unwrap();
        assert_eq!(read(dir.path()), None);
    }
}
