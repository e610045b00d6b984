//! A change that touches most of the store (a bundle brings everything its
//! laptop holds) reads every family and visit in one ordered pass, opened on
//! every core, instead of looking each one up: a lookup walks sled's tree
//! from the top, and the values are opened one after another on one core.

use super::fingerprint;
use crate::store::keys::TreeId;
use crate::store::{Store, StoreError, codec};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// Below this many changes a merge looks values up one by one. (Counting a
/// sled tree walks all of it, so the store's size is not asked.)
const FEW: usize = 20_000;

/// How many stored values are read before they are opened together: enough
/// for every core, few enough that the sealed bytes never pile up.
const BATCH: usize = 8_192;

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
        let mut by_key = HashMap::new();
        let mut batch = Vec::with_capacity(BATCH);
        let mut open = |batch: &mut Vec<(sled::IVec, sled::IVec)>| -> Result<(), StoreError> {
            let opened = crate::par::map(batch, 256, |(k, v)| {
                let clear = store.clear(t, k, v)?;
                Ok::<_, StoreError>((fingerprint(&clear), codec::decode::<T>(t.name(), k, &clear)?))
            });
            for ((k, _), value) in batch.drain(..).zip(opened) {
                by_key.insert(k.to_vec(), Some(value?));
            }
            Ok(())
        };
        for entry in store.tree(t).iter() {
            batch.push(entry.map_err(|e| store.read_error(e))?);
            if batch.len() == BATCH {
                open(&mut batch)?;
            }
        }
        open(&mut batch)?;
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
