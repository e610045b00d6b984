//! Commits: a change sealed, written as one journal record and synced, then
//! handed to sled (on its own thread, see `hot.rs`); checkpoints, which make
//! sled hold what the journal holds.

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

    /// Seals `ops` and writes them as one journal record (one write, one
    /// sync); sled takes them afterwards, on its own thread (see `hot.rs`).
    pub(crate) fn write_raw(&self, ops: Vec<RawOp>) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        if let Some(why) = self.hot.failure() {
            return Err(refused_after(&why));
        }
        self.snapshot.wrote(ops.len());
        // A large commit (an import, a merge) is applied here and now, and
        // its values are not kept in memory meanwhile: an import's are the
        // whole archive. So is every commit when there is no thread to queue for.
        let bytes: usize = ops.iter().map(|op| op.key.len() + op.value.as_ref().map_or(0, Vec::len)).sum();
        let clear: Option<Vec<(u8, Vec<u8>, hot::Clear)>> = (bytes <= QUEUED_BYTES && self.hot.queues()).then(|| {
            ops.iter().map(|op| (op.tree.index() as u8, op.key.clone(), op.value.as_deref().map(Into::into))).collect()
        });
        let sealed = self.seal_ops(ops)?;
        let payload = codec::encode(&sealed);
        let mut journal = self.journal.lock().map_err(|_| StoreError::Write("the journal is unusable".into()))?;
        if !journal.fits(payload.len()) && !journal.is_empty() {
            self.checkpoint_locked(&mut journal)?;
        }
        journal.append(&payload).map_err(|e| StoreError::Write(io_words(&e)))?;
        drop(payload);
        match clear {
            Some(clear) => self.hot.committed(clear, sealed),
            None => {
                // The journal stays held, so no commit queues meanwhile.
                self.hot.settle();
                let applied = self.apply_sealed(sealed);
                self.hot.forget();
                applied?;
            }
        }
        Ok(())
    }

    /// Writes `ops` straight into sled and syncs it, without the journal: for
    /// a store not yet in use (an upgrade), which the folder switch makes
    /// whole or not at all.
    pub(crate) fn write_bulk(&self, ops: Vec<RawOp>) -> Result<(), StoreError> {
        self.snapshot.wrote(ops.len());
        self.hot.settle();
        for piece in ops.chunks(5_000) {
            let sealed = self.seal_ops(piece.to_vec())?;
            self.apply_sealed(sealed)?;
        }
        self.hot.forget();
        self.db.flush().map_err(|e| StoreError::Write(e.to_string()))?;
        self.log.sync_data().map_err(|e| StoreError::Write(io_words(&e)))
    }

    pub(super) fn seal_ops(&self, ops: Vec<RawOp>) -> Result<hot::Sealed, StoreError> {
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
        let sealed: hot::Sealed = codec::decode("journal", b"record", payload)?;
        self.apply_sealed(sealed)
    }

    pub(super) fn apply_sealed(&self, sealed: hot::Sealed) -> Result<(), StoreError> {
        if let Some((tree, _, _)) = sealed.iter().find(|(t, _, _)| usize::from(*t) >= self.trees.len()) {
            return Err(StoreError::Damaged { dir: self.dir.clone(), detail: format!("journal names tree {tree}") });
        }
        apply_to(&self.trees, sealed).map_err(StoreError::Write)
    }

    /// Makes sled hold on disk everything the journal holds, then empties the journal.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let mut journal = self.journal.lock().map_err(|_| StoreError::Write("the journal is unusable".into()))?;
        self.checkpoint_locked(&mut journal)
    }

    pub(super) fn checkpoint_locked(&self, journal: &mut journal::Journal) -> Result<(), StoreError> {
        self.hot.settle();
        if let Some(why) = self.hot.failure() {
            return Err(refused_after(&why));
        }
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

/// A commit's writes into sled's trees (in `TreeId` order).
pub(super) fn apply_to(trees: &[sled::Tree], sealed: hot::Sealed) -> Result<(), String> {
    // Plain inserts, not sled batches: a batch seals sled's log buffer and
    // writes it out (a `pwrite` and a `sync_file_range` a tree, six a
    // check-in, three times the cost of the journal's one sync). The
    // journal already makes a commit whole: after a crash its records are
    // applied again, and applying one twice gives the same values.
    for (tree, key, value) in sealed {
        let Some(t) = trees.get(usize::from(tree)) else { return Err(format!("the journal names tree {tree}")) };
        let done = match value {
            Some(v) => t.insert(key, v).map(drop),
            None => t.remove(key).map(drop),
        };
        done.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A commit of more than this (keys and clear values) is applied by the
/// thread that made it rather than queued with a copy of its values.
const QUEUED_BYTES: usize = 4 << 20;

/// What a commit says once sled has refused an earlier commit's writes.
fn refused_after(why: &str) -> StoreError {
    StoreError::Write(format!(
        "the store could not take in a change ({why}): close the program and open it again; nothing saved is lost"
    ))
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
