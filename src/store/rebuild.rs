//! A store rebuilt under a new data key, beside the old one, and swapped in.
//!
//! sled's log is append-only: a value overwritten or removed stays readable
//! in the old bytes, under the same data key, until sled happens to clean that
//! part of the log. So erasing, purging and changing the passphrase do not
//! write into the store: they copy it, with the change applied on the way,
//! into a new folder under a new data key (and new stored keys), make that
//! folder the store in use with one atomic rename (`layout::switch`), and
//! delete the old folder. No byte sealed before the change is left in the
//! data folder, and no passphrase, old or new, opens the old key again: it
//! was only ever stored in the files now deleted.

use super::apply::{self, Planned};
use super::crypto::{self, DataKey, KdfParams, Kek, Keyring};
use super::docs::{FamilyDoc, Named, SessionVisit, VisitDoc};
use super::journal::Journal;
use super::keys::{KeyHasher, TreeId};
use super::{
    Change, META_DEVICE, META_EVALUATION_KEY, META_INITIALS, META_KEYRING, META_SCHEMA, Store, StoreError, Wrapping,
    codec, keyring_file, layout,
};
use crate::domain::{Group, Session, Staff, Versioned};
use crate::progress::Progress;
use secrecy::SecretString;
use std::fs::File;
use std::path::{Path, PathBuf};

/// How many values go to sled in one batch while copying.
const BATCH: usize = 2_000;

/// The parts of a store that a rebuild replaces.
pub(crate) struct Built {
    folder: PathBuf,
    db: sled::Db,
    trees: Vec<sled::Tree>,
    log: File,
    journal: Journal,
    key: Option<DataKey>,
    wrapping: Option<Wrapping>,
    hasher: KeyHasher,
}

/// The new data key, how the passphrase wraps it, and the keyring to store.
type Sealing = (Option<DataKey>, Option<Wrapping>, Option<Keyring>);
/// A stored key and its (clear) value.
type KeyValue = (Vec<u8>, Vec<u8>);

/// What the new store is sealed with.
pub(crate) enum NewKey {
    /// A new data key under the same passphrase (or none, for a clear store).
    Same,
    /// A new data key under a new passphrase.
    Passphrase(SecretString),
}

impl Store {
    /// Rebuilds the store with `change` applied, under a new data key, and
    /// makes it the store in use. `what` names the work for the progress bar.
    /// On any failure (a full disk, a kill) the old store stays as it was.
    pub(crate) fn rebuild(&mut self, change: Change, key: NewKey, what: &str) -> Result<(), StoreError> {
        let planned = apply::planned(self, change)?;
        self.rebuild_planned(planned, key, what)
    }

    /// As `rebuild`, with the change already worked out.
    pub(crate) fn rebuild_planned(&mut self, planned: Planned, key: NewKey, what: &str) -> Result<(), StoreError> {
        self.checkpoint()?;
        let folder = layout::fresh(&self.dir, self.generation).map_err(|e| self.rebuild_failed(e))?;
        let built = match self.copy_into(&folder, planned, key, what) {
            Ok(b) => b,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&folder);
                return Err(e);
            }
        };
        if let Err(e) = layout::switch(&self.dir, &folder) {
            drop(built);
            let _ = std::fs::remove_dir_all(&folder);
            return Err(self.rebuild_failed(e));
        }
        self.swap_in(built);
        Ok(())
    }

    /// The new store becomes this one; the old folder is deleted (or, if the
    /// system holds it open for a moment, at the next open).
    fn swap_in(&mut self, b: Built) {
        self.snapshot = super::snapshot_on_close::SnapshotOnClose::rebuilt(b.folder.clone());
        self.folder = b.folder;
        self.generation += 1;
        // Its thread holds the old trees: it goes first (it has nothing queued
        // after the checkpoint), then the old sled, with its files' last handles.
        self.hot = super::hot::Hot::start(b.trees.clone());
        self.db = b.db;
        self.trees = b.trees;
        self.log = b.log;
        self.journal = std::sync::Mutex::new(b.journal);
        self.key = b.key;
        self.wrapping = b.wrapping;
        self.hasher = b.hasher;
        let _ = layout::tidy(&self.dir);
    }

    fn rebuild_failed(&self, e: std::io::Error) -> StoreError {
        StoreError::Write(format!("{}; nothing was changed", super::io_words(&e)))
    }

    fn copy_into(&self, folder: &Path, mut planned: Planned, key: NewKey, what: &str) -> Result<Built, StoreError> {
        let sled_error = |e: sled::Error| match e {
            sled::Error::Io(io) => self.rebuild_failed(io),
            other => StoreError::Write(other.to_string()),
        };
        let db = super::open_sled(folder)?;
        let mut trees = Vec::with_capacity(TreeId::ALL.len());
        for t in TreeId::ALL {
            trees.push(db.open_tree(t.name()).map_err(sled_error)?);
        }
        let (key, wrapping, ring) = self.new_key(key)?;
        let hasher = match &key {
            Some(k) => KeyHasher::new(&k.subkey(b"thinkbaby stored keys v4")),
            None => KeyHasher::clear(),
        };
        // Listed for the hub before the copy takes the changed values over.
        let listed = if self.outbox { planned.outbox_ops(&hasher) } else { vec![] };
        let total: usize = TreeId::ALL.iter().map(|t| self.tree(*t).len()).sum();
        let progress = Progress::new(what, total as u64);
        let mut out = Writer { trees: &trees, key: key.as_ref(), pending: Vec::new(), sled_error: &sled_error };
        for t in TreeId::ALL {
            for item in self.raw(t) {
                let (k, clear) = item?;
                if let Some((new_key, value)) = self.copied(t, &k, clear, &mut planned, &hasher)? {
                    out.put(t, new_key, value)?;
                }
                progress.step(1);
            }
        }
        // What the change adds that the old store did not hold (all of a new
        // laptop's), in key order: sled then fills its leaves one after
        // another, where keys in hash order would have it split and reread
        // pages all over the tree. A stable sort, so a key given twice keeps its last value.
        let mut added = planned.to_raw(&hasher, false);
        added.extend(listed);
        added.sort_by(|a, b| (a.tree.index(), &a.key).cmp(&(b.tree.index(), &b.key)));
        for op in added {
            if let Some(v) = op.value {
                out.put(op.tree, op.key, v)?;
            }
        }
        crate::par::drop_later(planned);
        if let Some(ring) = &ring {
            out.put(TreeId::Meta, META_KEYRING.to_vec(), codec::encode(ring))?;
        }
        out.flush()?;
        progress.finish();
        db.flush().map_err(sled_error)?;
        let log = File::options().read(true).write(true).open(folder.join("db")).map_err(|e| self.rebuild_failed(e))?;
        log.sync_data().map_err(|e| self.rebuild_failed(e))?;
        let (journal, _) = Journal::open(folder).map_err(|e| match e {
            super::journal::JournalError::Io(io) => self.rebuild_failed(io),
            other => StoreError::Write(other.to_string()),
        })?;
        if let Some(ring) = &ring {
            keyring_file::keep(folder, ring);
        }
        crate::whole_file::sync_dir(folder);
        Ok(Built { folder: folder.to_path_buf(), db, trees, log, journal, key, wrapping, hasher })
    }

    /// A new data key, wrapped under the same passphrase or a new one.
    fn new_key(&self, key: NewKey) -> Result<Sealing, StoreError> {
        let random = || StoreError::Write("the system gave no random numbers for a key".into());
        match (key, &self.key, &self.wrapping) {
            (NewKey::Passphrase(pass), _, old) => {
                super::check_new_passphrase(&pass)?;
                let kdf = match old {
                    Some(w) => KdfParams { salt: crypto::random().map_err(|_| random())?, ..w.kdf.clone() },
                    None => crypto::tune().map_err(|_| random())?,
                };
                let kek = Kek::derive(&pass, &kdf);
                let dk = DataKey::ephemeral().map_err(|_| random())?;
                let ring = Keyring::wrap_with(&kek, kdf.clone(), &dk).map_err(|_| random())?;
                Ok((Some(dk), Some(Wrapping { kdf, kek }), Some(ring)))
            }
            (NewKey::Same, Some(_), Some(w)) => {
                let dk = DataKey::ephemeral().map_err(|_| random())?;
                let ring = Keyring::wrap_with(&w.kek, w.kdf.clone(), &dk).map_err(|_| random())?;
                Ok((Some(dk), Some(Wrapping { kdf: w.kdf.clone(), kek: w.kek.clone() }), Some(ring)))
            }
            // The demo's key lives only in memory: a new one, kept the same way.
            (NewKey::Same, Some(_), None) => Ok((Some(DataKey::ephemeral().map_err(|_| random())?), None, None)),
            (NewKey::Same, None, _) => Ok((None, None, None)),
        }
    }

    /// One stored value, as the new store keeps it: under its new key, with
    /// the change's version of it where the change touched it. None for what
    /// the new store does not keep (the old keyring).
    fn copied(
        &self,
        t: TreeId,
        key: &[u8],
        clear: Vec<u8>,
        planned: &mut Planned,
        h: &KeyHasher,
    ) -> Result<Option<KeyValue>, StoreError> {
        let name = t.name();
        Ok(match t {
            TreeId::Meta if key == META_KEYRING => None,
            TreeId::Meta
                if [META_SCHEMA, META_DEVICE, META_INITIALS, META_EVALUATION_KEY, super::META_HUB].contains(&key) =>
            {
                Some((key.to_vec(), planned.meta.remove(key).unwrap_or(clear)))
            }
            TreeId::Meta => {
                let n: Named<Vec<u8>> = codec::decode(name, key, &clear)?;
                let value = match planned.meta_for.remove(&(n.name.clone(), n.id)) {
                    Some(v) => codec::encode(&Named { value: v, ..n.clone() }),
                    None => clear,
                };
                Some((h.meta(&n.name, n.id), value))
            }
            TreeId::Families => {
                let doc: FamilyDoc = codec::decode(name, key, &clear)?;
                let value = planned.families.remove(&doc.id).map_or(clear, |d| codec::encode(&d));
                Some((h.family(doc.id), value))
            }
            TreeId::Visits => {
                let doc: VisitDoc = codec::decode(name, key, &clear)?;
                let k = (doc.family, doc.session);
                if planned.removed_visits.contains(&k) {
                    return Ok(None);
                }
                let value = planned.visits.remove(&k).map_or(clear, |d| codec::encode(&d));
                Some((h.visit(k.0, k.1), value))
            }
            TreeId::SessionVisits => {
                let e: SessionVisit = codec::decode(name, key, &clear)?;
                planned.new_visits.remove(&(e.family, e.session));
                if planned.removed_visits.contains(&(e.family, e.session)) {
                    return Ok(None);
                }
                Some((h.session_visit(e.session, e.family), clear))
            }
            TreeId::Sessions => {
                let v: Versioned<Session> = codec::decode(name, key, &clear)?;
                let Some(id) = v.versions.iter().find_map(|x| x.body.as_ref().map(|s| s.id)) else { return Ok(None) };
                let value = planned.sessions.remove(&id).map_or(clear, |d| codec::encode(&d));
                Some((h.session(id), value))
            }
            TreeId::Groups => {
                let v: Versioned<Group> = codec::decode(name, key, &clear)?;
                let Some(id) = v.versions.iter().find_map(|x| x.body.as_ref().map(|g| g.id)) else { return Ok(None) };
                let value = planned.groups.remove(&id).map_or(clear, |d| codec::encode(&d));
                Some((h.group(id), value))
            }
            TreeId::Staff => {
                let v: Versioned<Staff> = codec::decode(name, key, &clear)?;
                let Some(initials) = v.versions.iter().find_map(|x| x.body.as_ref().map(|s| s.initials.clone())) else {
                    return Ok(None);
                };
                let value = planned.staff.remove(&initials).map_or(clear, |d| codec::encode(&d));
                Some((h.staff(&initials), value))
            }
            TreeId::Outbox => {
                let e: super::apply::OutboxEntry = codec::decode(name, key, &clear)?;
                if planned.unlist.contains(&e.doc) {
                    return Ok(None);
                }
                Some((h.outbox(&codec::encode(&e.doc)), clear))
            }
            TreeId::Pending => {
                let n: Named<Vec<u8>> = codec::decode(name, key, &clear)?;
                let kind = n.name.first().copied().unwrap_or(0);
                let other = n.name.get(1..17).and_then(|b| uuid::Uuid::from_slice(b).ok()).unwrap_or_default();
                match planned.pending.remove(&(kind, n.id, other)) {
                    Some(false) => None,
                    _ => Some((h.pending(kind, n.id, other), clear)),
                }
            }
        })
    }
}

/// Sealed values into the new sled, a batch at a time, sealed on every core.
struct Writer<'a, F: Fn(sled::Error) -> StoreError> {
    trees: &'a [sled::Tree],
    key: Option<&'a DataKey>,
    pending: Vec<(TreeId, Vec<u8>, Vec<u8>)>,
    sled_error: &'a F,
}

impl<F: Fn(sled::Error) -> StoreError> Writer<'_, F> {
    fn put(&mut self, t: TreeId, key: Vec<u8>, clear: Vec<u8>) -> Result<(), StoreError> {
        self.pending.push((t, key, clear));
        if self.pending.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        let sealed = crate::par::map(&self.pending, 256, |(t, key, clear)| match self.key {
            Some(dk) if !super::stays_clear(*t, key) => codec::seal(t.name(), key, clear, dk).map(Some),
            _ => Ok(None),
        });
        let mut batches: Vec<(TreeId, sled::Batch)> = Vec::new();
        for ((t, key, clear), sealed) in self.pending.drain(..).zip(sealed) {
            let value = sealed?.unwrap_or(clear);
            match batches.iter_mut().find(|(bt, _)| *bt == t) {
                Some((_, b)) => b.insert(key, value),
                None => {
                    let mut b = sled::Batch::default();
                    b.insert(key, value);
                    batches.push((t, b));
                }
            }
        }
        for (t, b) in batches {
            self.trees[t.index()].apply_batch(b).map_err(self.sled_error)?;
        }
        Ok(())
    }
}

impl Store {
    /// A new passphrase, and with it a new data key: the store is rebuilt, so
    /// neither the old passphrase nor any earlier one opens a copy of the
    /// folder made afterwards.
    pub fn change_passphrase(&mut self, old: &SecretString, new: &SecretString) -> Result<(), StoreError> {
        let ring =
            self.keyring()?.ok_or_else(|| StoreError::Refused("this store has no passphrase to change".into()))?;
        ring.unlock(old).map_err(|_| StoreError::WrongPassphrase)?;
        super::check_new_passphrase(new)?;
        self.rebuild(Change::default(), NewKey::Passphrase(new.clone()), "changing the passphrase")
    }
}
