//! Pseudonyms for the evaluation: a family is named by a keyed hash of its id,
//! under an evaluation key that is made once per store and never leaves it (it
//! lives in the `meta` tree, which neither exports nor the archive write). So the
//! same family has the same pseudonym in every export from this store, and no one
//! without the store can tell which family a pseudonym stands for.
//!
//! An erased family is named by a hash of its id and its erasure instead: files
//! made after the erasure share no pseudonym with files made before it, so an
//! evaluator holding both cannot join the family's earlier rows to later ones.
//!
//! The key is wiped from memory when the pseudonymiser is dropped.

use crate::domain::Family;
use crate::store::{Store, StoreError};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroizing;

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
    key: Zeroizing<[u8; KEY_BYTES]>,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is never printed, not even in a debug trace.
        f.write_str("Pseudonymiser(..)")
    }
}

impl Pseudonymiser {
    pub fn from_key(key: [u8; KEY_BYTES]) -> Self {
        Pseudonymiser { key: Zeroizing::new(key) }
    }

    /// The store's pseudonymiser: its evaluation key, made and committed on first use.
    pub fn of_store(store: &Store) -> Result<Self, StoreError> {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        if let Some(bytes) = store.meta::<Vec<u8>>(META_EVALUATION_KEY)?.map(Zeroizing::new)
            && bytes.len() == KEY_BYTES
        {
            key.copy_from_slice(&bytes);
            return Ok(Pseudonymiser { key });
        }
        getrandom::fill(key.as_mut_slice()).map_err(|e| {
            StoreError::Write(format!("this computer gave no random bytes for the evaluation key: {e}"))
        })?;
        let bytes = Zeroizing::new(key.to_vec());
        store.set_meta(META_EVALUATION_KEY, &*bytes)?;
        Ok(Pseudonymiser { key })
    }

    /// `F` and 12 hex digits of HMAC-SHA-256 over the family's id, e.g. `F3a9c01e45b7d`.
    pub fn family(&self, id: Uuid) -> String {
        self.hash(&[b"thinkbaby family v1\0", id.as_bytes()])
    }

    /// The family's pseudonym: as [`Pseudonymiser::family`], or, once it is
    /// erased, a hash of its id and the moment of its erasure.
    pub fn of(&self, f: &Family) -> String {
        match &f.erased {
            None => self.family(f.id),
            Some(e) => {
                let at = e.at.timestamp_micros().to_be_bytes();
                self.hash(&[b"thinkbaby erased family v1\0", f.id.as_bytes(), &at])
            }
        }
    }

    fn hash(&self, parts: &[&[u8]]) -> String {
        // HMAC accepts a key of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_slice()).expect("HMAC takes any key length");
        for p in parts {
            mac.update(p);
        }
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
    fn an_erased_family_is_named_anew() {
        use chrono::TimeZone;
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 19, 10, 0, 0).unwrap();
        let p = Pseudonymiser::from_key([7; 32]);
        let mut f = Family::new("Zoë", "", vec![], crate::domain::Stamp::new(t, Uuid::nil()));
        assert_eq!(p.of(&f), p.family(f.id));
        f.erased = Some(crate::domain::Erasure { at: t, by: "AB".into(), why: String::new() });
        let erased = p.of(&f);
        assert_ne!(erased, p.family(f.id));
        assert_eq!(erased.len(), 13);
        assert_eq!(erased, p.of(&f), "the same in every file made after the erasure");
    }

    #[test]
    fn small_counts_are_hidden() {
        assert_eq!(small_count(0), "0");
        assert_eq!(small_count(1), "<5");
        assert_eq!(small_count(4), "<5");
        assert_eq!(small_count(5), "5");
    }
}
