//! Commits: a change sealed, written as one journal record and synced, then
//! handed to sled; checkpoints, which make sled hold what the journal holds.

use super::*;

impl Store {
    /// Writes every change in `change` atomically and durably: when this
    /// returns Ok, it is on disk.
    pub fn commit(&self, change: Change) -> Result<(), StoreError> {
        if change.is_empty() {
            return Ok(());
        }
        let ops = apply::plan(self, change)?;
        self.write_raw(ops)
    }

    /// Seals `ops`, writes them as one journal record (one write, one sync),
    /// then hands them to sled.
    pub(crate) fn write_raw(&self, ops: Vec<RawOp>) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        let sealed = self.seal_ops(ops)?;
        let payload = codec::encode(&sealed);
        {
            let mut journal = self.journal.lock().map_err(|_| StoreError::Write("the journal is unusable".into()))?;
            if !journal.fits(payload.len()) && !journal.is_empty() {
                self.checkpoint_locked(&mut journal)?;
            }
            journal.append(&payload).map_err(|e| StoreError::Write(io_words(&e)))?;
        }
        self.apply_sealed(sealed)
    }

    /// Writes `ops` straight into sled and syncs it, without the journal: for
    /// a store not yet in use (an upgrade), which the folder switch makes
    /// whole or not at all.
    pub(crate) fn write_bulk(&self, ops: Vec<RawOp>) -> Result<(), StoreError> {
        for piece in ops.chunks(5_000) {
            let sealed = self.seal_ops(piece.to_vec())?;
            self.apply_sealed(sealed)?;
        }
        self.db.flush().map_err(|e| StoreError::Write(e.to_string()))?;
        self.log.sync_data().map_err(|e| StoreError::Write(io_words(&e)))
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn seal_ops(&self, ops: Vec<RawOp>) -> Result<Vec<(u8, Vec<u8>, Option<Vec<u8>>)>, StoreError> {
        let mut sealed = Vec::with_capacity(ops.len());
        for op in ops {
            let value = match (op.value, &self.key) {
                (Some(v), Some(dk)) if !stays_clear(op.tree, &op.key) => {
                    Some(codec::seal(op.tree.name(), &op.key, &v, dk)?)
                }
                (v, _) => v,
            };
            sealed.push((op.tree.index() as u8, op.key, value));
        }
        Ok(sealed)
    }

    /// A journal record's writes, into sled (at open, for records not yet there).
    pub(super) fn apply_payload(&self, payload: &[u8]) -> Result<(), StoreError> {
        let sealed: Vec<(u8, Vec<u8>, Option<Vec<u8>>)> = codec::decode("journal", b"record", payload)?;
        self.apply_sealed(sealed)
    }

    pub(super) fn apply_sealed(&self, sealed: Vec<(u8, Vec<u8>, Option<Vec<u8>>)>) -> Result<(), StoreError> {
        // Plain inserts, not sled batches: a batch seals sled's log buffer and
        // writes it out (a `pwrite` and a `sync_file_range` a tree, six a
        // check-in, three times the cost of the journal's one sync). The
        // journal already makes a commit whole: after a crash its records are
        // applied again, and applying one twice gives the same values.
        for (tree, key, value) in sealed {
            let Some(t) = self.trees.get(usize::from(tree)) else {
                return Err(StoreError::Damaged {
                    dir: self.dir.clone(),
                    detail: format!("journal names tree {tree}"),
                });
            };
            let done = match value {
                Some(v) => t.insert(key, v).map(drop),
                None => t.remove(key).map(drop),
            };
            done.map_err(|e| StoreError::Write(e.to_string()))?;
        }
        Ok(())
    }

    /// Makes sled hold on disk everything the journal holds, then empties the journal.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let mut journal = self.journal.lock().map_err(|_| StoreError::Write("the journal is unusable".into()))?;
        self.checkpoint_locked(&mut journal)
    }

    pub(super) fn checkpoint_locked(&self, journal: &mut journal::Journal) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| StoreError::Write(e.to_string()))?;
        self.log.sync_data().map_err(|e| StoreError::Write(io_words(&e)))?;
        journal.reset().map_err(|e| StoreError::Write(io_words(&e)))
    }
}

impl Drop for Store {
    /// A clean close leaves the journal empty, so the next open replays nothing.
    fn drop(&mut self) {
        let _ = self.checkpoint();
    }
}

/// One stored key's new value (clear, as `codec::encode` made it), or its removal.
#[derive(Debug, Clone)]
pub(crate) struct RawOp {
    pub tree: TreeId,
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

impl RawOp {
    pub fn put(tree: TreeId, key: Vec<u8>, value: Vec<u8>) -> RawOp {
        RawOp { tree, key, value: Some(value) }
    }
}
