//! A change that touches most of the store (a bundle brings everything its
//! laptop holds) reads every family and visit in ordered passes, a part of
//! the keys on each core, instead of looking each one up: a lookup walks sled's tree
//! from the top, and the values are opened one after another on one core.

use super::fingerprint;
use crate::store::keys::TreeId;
use crate::store::{Store, StoreError, codec};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, Ordering};

/// Below this many changes a merge looks values up one by one. (Counting a
/// sled tree walks all of it, so the store's size is not asked.)
const FEW: usize = 20_000;

/// Stored keys from one bound to another.
type KeyRange = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// Every value of one tree, opened, with the fingerprint of its clear bytes.
pub(super) struct Preloaded<T> {
    /// None once handed out: asked again (a visit moved off a joined
    /// family), the store answers, as it would without the read-ahead.
    by_key: HashMap<Vec<u8>, Option<(u64, T)>>,
}

impl<T: DeserializeOwned + Send> Preloaded<T> {
    /// The whole tree `t`, when `changes` touch a good part of it.
    pub fn of(store: &Store, t: TreeId, changes: usize) -> Result<Option<Preloaded<T>>, StoreError> {
        if changes < FEW {
            return Ok(None);
        }
        Preloaded::all(store, t, crate::par::cores(), &AtomicBool::new(false))
    }

    /// The whole tree `t`, on `parts` threads; None if `stop` was set on the
    /// way (nothing came of what it was read for).
    pub fn all(store: &Store, t: TreeId, parts: usize, stop: &AtomicBool) -> Result<Option<Preloaded<T>>, StoreError> {
        // Stored keys are keyed hashes, spread evenly: a range of first bytes
        // a thread, each walked and opened on its own.
        let ranges: Vec<KeyRange> = (0..parts)
            .map(|i| {
                let at = |i: usize| vec![(i * 256 / parts) as u8];
                let lo = if i == 0 { Bound::Unbounded } else { Bound::Included(at(i)) };
                let hi = if i + 1 == parts { Bound::Unbounded } else { Bound::Excluded(at(i + 1)) };
                (lo, hi)
            })
            .collect();
        // One range: walked on this thread.
        let read = crate::par::map(&ranges, 2, |range| {
            let mut out = Vec::new();
            for entry in store.tree(t).range::<Vec<u8>, _>(range.clone()) {
                if stop.load(Ordering::Relaxed) {
                    return Ok(None);
                }
                let (k, v) = entry.map_err(|e| store.read_error(e))?;
                let clear = store.clear(t, &k, &v)?;
                out.push((k.to_vec(), (fingerprint(&clear), codec::decode::<T>(t.name(), &k, &clear)?)));
            }
            Ok::<_, StoreError>(Some(out))
        });
        let mut by_key = HashMap::new();
        for part in read {
            let Some(part) = part? else { return Ok(None) };
            by_key.reserve(part.len());
            by_key.extend(part.into_iter().map(|(k, v)| (k, Some(v))));
        }
        Ok(Some(Preloaded { by_key }))
    }

    /// The value under `key` and its fingerprint, taken out (it is read
    /// once), or `Some(None)` when the store has no such value; None when it
    /// was taken before.
    pub fn take(&mut self, key: &[u8]) -> Option<Option<(u64, T)>> {
        match self.by_key.get_mut(key) {
            Some(held) => held.take().map(Some),
            None => {
                self.by_key.insert(key.to_vec(), None);
                Some(None)
            }
        }
    }
}
