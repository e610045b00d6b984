//! Pseudonyms for the evaluation: a family is named by a keyed hash of its id,
//! under an evaluation key that is made once per store and never leaves it (it
//! lives in the `meta` tree, which neither exports nor the archive write). So the
//! same family has the same pseudonym in every export from this store, and no one
//! without the store can tell which family a pseudonym stands for.

use crate::store::{Store, StoreError};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// The `meta` key of the evaluation key.
pub use crate::store::META_EVALUATION_KEY;

const KEY_BYTES: usize = 32;

/// Hex digits of the hash kept in a pseudonym: 48 bits, so two families of the
/// few thousand a centre sees share one with a chance of about one in ten million.
const DIGITS: usize = 12;

/// Counts from 1 to this are shown as `<5` in pseudonymised figures.
pub const SMALL: usize = 4;

#[derive(Clone)]
pub struct Pseudonymiser {
    key: [u8; KEY_BYTES],
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is never printed, not even in a debug trace.
        f.write_str("Pseudonymiser(..)")
    }
}

impl Pseudonymiser {
    pub fn from_key(key: [u8; KEY_BYTES]) -> Self {
        Pseudonymiser { key }
    }

    /// The store's pseudonymiser: its evaluation key, made and committed on first use.
    pub fn of_store(store: &Store) -> Result<Self, StoreError> {
        if let Some(bytes) = store.meta::<Vec<u8>>(META_EVALUATION_KEY)?
            && let Ok(key) = <[u8; KEY_BYTES]>::try_from(bytes.as_slice())
        {
            return Ok(Pseudonymiser { key });
        }
        let mut key = [0u8; KEY_BYTES];
        getrandom::fill(&mut key).map_err(|e| {
            StoreError::Write(format!("this computer gave no random bytes for the evaluation key: {e}"))
        })?;
        store.set_meta(META_EVALUATION_KEY, &key.to_vec())?;
        Ok(Pseudonymiser { key })
    }

    /// `F` and 12 hex digits of HMAC-SHA-256 over the family's id, e.g. `F3a9c01e45b7d`.
    pub fn family(&self, id: Uuid) -> String {
        // HMAC accepts a key of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"thinkbaby family v1\0");
        mac.update(id.as_bytes());
        let hash = mac.finalize().into_bytes();
        let mut out = String::with_capacity(DIGITS + 1);
        out.push('F');
        for b in hash.iter().take(DIGITS / 2) {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

/// A count as a pseudonymised figure shows it: 1 to 4 become `<5`.
pub fn small_count(n: usize) -> String {
    if (1..=SMALL).contains(&n) { "<5".to_string() } else { n.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_pseudonym_other_key_other() {
        let id = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);
        let a = Pseudonymiser::from_key([7; 32]);
        let b = Pseudonymiser::from_key([8; 32]);
        assert_eq!(a.family(id), a.family(id));
        assert_ne!(a.family(id), b.family(id));
        assert_eq!(a.family(id).len(), 13);
        assert!(a.family(id).starts_with('F'));
        assert_eq!(format!("{a:?}"), "Pseudonymiser(..)");
    }

    #[test]
    fn small_counts_are_hidden() {
        assert_eq!(small_count(0), "0");
        assert_eq!(small_count(1), "<5");
        assert_eq!(small_count(4), "<5");
        assert_eq!(small_count(5), "5");
    }
}
