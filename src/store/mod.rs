//! The store: sled behind a journal, in a folder of the data folder, behind a
//! lock file. A commit is one journal record, written and synced, before it
//! returns; then sled takes its writes. Every value is sealed under the data
//! key, and every key is a keyed hash (see `keys.rs`). See `docs/schema4.md`.

mod apply;
pub mod archive;
pub mod backup;
pub mod bundle;
pub mod change;
pub mod check;
pub mod codec;
pub mod crypto;
mod decide;
pub mod docs;
mod erase;
mod error;
pub mod hub;
pub mod journal;
mod keyring_file;
pub mod keys;
pub mod layout;
pub mod lock;
pub mod merge;
pub mod migrate;
mod ops;
pub mod perms;
mod queries;
pub mod rebuild;
mod strength;

pub use apply::{DocKey, OutboxEntry, Stats, pending};
pub use change::Change;
pub use erase::{Erased, Inactive};
pub use error::StoreError;
pub use keys::TreeId;
pub use queries::{Cursor, Pending, Visit};

use keys::KeyHasher;
use serde::{Serialize, de::DeserializeOwned};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use uuid::Uuid;

/// sled's page cache. The working set of a group (a few thousand values) fits
/// many times over; a larger cache only costs memory.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

pub const META_SCHEMA: &[u8] = b"schema";
pub const META_DEVICE: &[u8] = b"device";
pub const META_INITIALS: &[u8] = b"initials";
/// The wrapped data key: stored unsealed, since it is needed to unseal the rest.
pub const META_KEYRING: &[u8] = b"keyring";
/// The team's key for evaluation pseudonyms (bytes); it travels only in bundles.
pub const META_EVALUATION_KEY: &[u8] = b"evaluation_key";
/// The hub this laptop syncs with: its id, its key, how far it has pulled.
pub const META_HUB: &[u8] = b"hub";
/// With a group id (hashed): the families last found expected at that group,
/// so that its roster can be drawn before every family has been read. A cache.
pub const META_EXPECTED: &[u8] = b"expected";

/// How to open a store's sealed values.
pub enum Unlock {
    /// No encryption: tests and fixtures. A store with a keyring refuses it.
    Plain,
    /// The passphrase: unlocks an encrypted store; makes a new store encrypted.
    Passphrase(secrecy::SecretString),
    /// A random key held only in memory, for the throw-away demo store.
    Ephemeral,
}

/// Values that stay unsealed: read before the key is known, and no personal data.
fn stays_clear(tree: TreeId, key: &[u8]) -> bool {
    tree == TreeId::Meta && (key == META_SCHEMA || key == META_KEYRING)
}

/// The passphrase's derived key and its parameters: kept while the store is
/// open so that a rebuild can wrap a new data key without asking again.
struct Wrapping {
    kdf: crypto::KdfParams,
    kek: crypto::Kek,
}

pub struct Store {
    dir: PathBuf,
    /// The store's own folder inside `dir` (see `layout.rs`).
    folder: PathBuf,
    generation: u64,
    db: sled::Db,
    trees: Vec<sled::Tree>,
    /// sled's log, synced at each checkpoint: on Linux sled 0.34 flushes with
    /// `sync_file_range`, which leaves the drive's cache unflushed (sled #1452).
    log: File,
    journal: Mutex<journal::Journal>,
    device: Uuid,
    /// The data key; None for a clear store.
    key: Option<crypto::DataKey>,
    wrapping: Option<Wrapping>,
    hasher: KeyHasher,
    /// True once this laptop syncs with a hub: each commit lists what it
    /// changed for the next push.
    outbox: bool,
    /// Who the audit trail names for changes made through this store.
    actor: Mutex<String>,
    _lock: lock::DirLock,
}

/// Who the audit trail names until the facilitator's initials are known.
pub const COMMAND_LINE: &str = "command line";

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).field("folder", &self.folder).finish()
    }
}

/// Whether the data folder holds a store with a passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Nothing there yet, or a store without encryption: a passphrase makes it encrypted.
    New,
    /// Encrypted: its passphrase is needed.
    Existing,
}

impl Store {
    /// Opens (or creates) a clear store in `dir`: for tests and fixtures.
    /// The program itself opens stores with `open_with` and a passphrase.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, Unlock::Plain)
    }

    /// Opens (or creates) the store in `dir`, unlocking it as `unlock` says,
    /// and upgrading a store written before schema 4.
    pub fn open_with(dir: &Path, unlock: Unlock) -> Result<Store, StoreError> {
        perms::secure(dir)?;
        let lock = lock::acquire(dir)?;
        match layout::find(dir).map_err(|e| StoreError::io(dir, e))? {
            layout::Found::Store(folder, generation) => {
                let _ = layout::tidy(dir);
                Store::open_folder(dir, folder, generation, unlock, lock)
            }
            layout::Found::Empty => {
                let folder = layout::fresh(dir, 0).map_err(|e| StoreError::io(dir, e))?;
                let store = Store::open_folder(dir, folder.clone(), 1, unlock, lock)?;
                store.checkpoint()?;
                layout::switch(dir, &folder).map_err(|e| StoreError::io(dir, e))?;
                Ok(store)
            }
            layout::Found::Legacy => migrate::upgrade(dir, unlock, lock),
        }
    }

    /// Whether the store in `dir` needs its passphrase, without making
    /// anything: the terminal asks for a passphrase or chooses a new one.
    pub fn probe(dir: &Path) -> Result<Probe, StoreError> {
        if !dir.exists() {
            return Ok(Probe::New);
        }
        let lock = lock::acquire(dir)?;
        let folder = match layout::find(dir).map_err(|e| StoreError::io(dir, e))? {
            layout::Found::Empty => return Ok(Probe::New),
            layout::Found::Store(folder, _) => folder,
            layout::Found::Legacy => dir.to_path_buf(),
        };
        let db = open_sled(&folder)?;
        let meta = db.open_tree(TreeId::Meta.name()).map_err(|e| sled_damaged(dir, e))?;
        let has_ring = meta.contains_key(META_KEYRING).map_err(|e| sled_damaged(dir, e))?;
        drop((meta, db, lock));
        Ok(if has_ring { Probe::Existing } else { Probe::New })
    }

    fn open_folder(
        dir: &Path,
        folder: PathBuf,
        generation: u64,
        unlock: Unlock,
        lock: lock::DirLock,
    ) -> Result<Store, StoreError> {
        let (mut store, early) = Store::attach(dir, folder, generation, &unlock, lock)?;
        store.unlock(unlock, early)?;
        store.prepare()?;
        Ok(store)
    }

    /// Opens sled and the journal in `folder` and applies what the journal
    /// holds; the data key is not known yet. With a passphrase and the
    /// keyring's copy, the key is derived meanwhile (returned beside).
    #[allow(clippy::type_complexity)]
    fn attach(
        dir: &Path,
        folder: PathBuf,
        generation: u64,
        unlock: &Unlock,
        lock: lock::DirLock,
    ) -> Result<(Store, Option<(crypto::KdfParams, crypto::Kek)>), StoreError> {
        // Derive the passphrase's key while sled opens, from the parameters in
        // the keyring's copy beside the store: each takes a good part of start-up.
        let copy = match unlock {
            Unlock::Passphrase(_) => keyring_file::read(&folder),
            _ => None,
        };
        let (db, early) = std::thread::scope(|scope| {
            let derivation = match (unlock, &copy) {
                (Unlock::Passphrase(pass), Some(ring)) => {
                    Some(scope.spawn(move || (ring.kdf.clone(), crypto::Kek::derive(pass, &ring.kdf))))
                }
                _ => None,
            };
            let db = open_sled(&folder);
            (db, derivation.map(|d| d.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))))
        });
        let db = db?;
        let mut trees = Vec::with_capacity(TreeId::ALL.len());
        for t in TreeId::ALL {
            trees.push(db.open_tree(t.name()).map_err(|e| sled_damaged(dir, e))?);
        }
        let log = File::options().read(true).write(true).open(folder.join("db")).map_err(|e| StoreError::io(dir, e))?;
        let (journal, replay) = journal::Journal::open(&folder).map_err(|e| journal_error(&folder, e))?;
        let store = Store {
            dir: dir.to_path_buf(),
            folder,
            generation,
            db,
            trees,
            log,
            journal: Mutex::new(journal),
            device: Uuid::nil(),
            key: None,
            wrapping: None,
            hasher: KeyHasher::clear(),
            outbox: false,
            actor: Mutex::new(COMMAND_LINE.to_string()),
            _lock: lock,
        };
        // Commits acknowledged since the last checkpoint, into sled again.
        if !replay.is_empty() {
            for payload in &replay {
                store.apply_payload(payload)?;
            }
            store.checkpoint()?;
        }
        Ok((store, early))
    }

    fn keyring(&self) -> Result<Option<crypto::Keyring>, StoreError> {
        match self.tree(TreeId::Meta).get(META_KEYRING).map_err(|e| self.read_error(e))? {
            Some(bytes) => codec::decode(TreeId::Meta.name(), META_KEYRING, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Unwraps the data key, or makes one for a store that has none yet.
    /// `early` is a key derived ahead, and the parameters it was derived with.
    fn unlock(&mut self, unlock: Unlock, early: Option<(crypto::KdfParams, crypto::Kek)>) -> Result<(), StoreError> {
        match (self.keyring()?, unlock) {
            (Some(ring), Unlock::Passphrase(pass)) => {
                let kek = match early {
                    Some((kdf, kek)) if kdf == ring.kdf => kek,
                    _ => crypto::Kek::derive(&pass, &ring.kdf),
                };
                let key = ring.unlock_with(&kek).map_err(|_| StoreError::WrongPassphrase)?;
                self.set_key(Some(key));
                self.wrapping = Some(Wrapping { kdf: ring.kdf.clone(), kek });
                keyring_file::keep(&self.folder, &ring);
            }
            (Some(_), _) => return Err(StoreError::NeedPassphrase(self.dir.clone())),
            (None, Unlock::Plain) => {}
            (None, Unlock::Ephemeral) => {
                self.set_key(Some(crypto::DataKey::ephemeral().map_err(|_| no_random())?));
            }
            (None, Unlock::Passphrase(pass)) => {
                if !self.is_empty()? {
                    // A clear store given a passphrase: sealed by rebuilding it.
                    return self.rebuild(Change::default(), rebuild::NewKey::Passphrase(pass), "sealing the store");
                }
                check_new_passphrase(&pass)?;
                let kdf = crypto::tune().map_err(|_| no_random())?;
                let (ring, key) = crypto::Keyring::create(&pass, kdf.clone()).map_err(|_| no_random())?;
                let kek = crypto::Kek::derive(&pass, &kdf);
                self.write_raw(vec![RawOp::put(TreeId::Meta, META_KEYRING.to_vec(), codec::encode(&ring))])?;
                self.set_key(Some(key));
                self.wrapping = Some(Wrapping { kdf, kek });
                keyring_file::keep(&self.folder, &ring);
            }
        }
        Ok(())
    }

    fn set_key(&mut self, key: Option<crypto::DataKey>) {
        self.hasher = match &key {
            Some(k) => KeyHasher::new(&k.subkey(b"thinkbaby stored keys v4")),
            None => KeyHasher::clear(),
        };
        self.key = key;
    }

    /// True when this store's values are sealed on disk.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// Whether `pass` is this store's passphrase (for the lock screen).
    pub fn check_passphrase(&self, pass: &secrecy::SecretString) -> Result<bool, StoreError> {
        match self.keyring()? {
            Some(ring) => Ok(ring.unlock(pass).is_ok()),
            None => Ok(true),
        }
    }

    /// Sets the schema and device id of a new store; refuses a newer one.
    fn prepare(&mut self) -> Result<(), StoreError> {
        let schema: Option<u8> = match self.tree(TreeId::Meta).get(META_SCHEMA).map_err(|e| self.read_error(e))? {
            Some(bytes) => {
                let written = codec::header(&bytes).map_or(codec::SCHEMA, |h| h.schema);
                if written > codec::SCHEMA {
                    return Err(StoreError::TooNew { found: written, known: codec::SCHEMA });
                }
                Some(codec::decode(TreeId::Meta.name(), META_SCHEMA, &bytes)?)
            }
            None => None,
        };
        match schema {
            None if self.is_empty()? => {
                let device = Uuid::now_v7();
                let mut c = Change::default();
                c.put_meta(META_SCHEMA, &codec::SCHEMA);
                c.put_meta(META_DEVICE, &device);
                self.commit(c)?;
            }
            None => return Err(StoreError::Damaged { dir: self.dir.clone(), detail: "no schema version".into() }),
            Some(s) if s > codec::SCHEMA => return Err(StoreError::TooNew { found: s, known: codec::SCHEMA }),
            Some(_) => {}
        }
        self.device = self.meta(META_DEVICE)?.unwrap_or_else(Uuid::now_v7);
        self.outbox = self.tree(TreeId::Meta).contains_key(META_HUB).map_err(|e| self.read_error(e))?;
        Ok(())
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store's own folder inside the data folder.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The id of this laptop's store, written into every version it writes.
    pub fn device(&self) -> Uuid {
        self.device
    }

    /// Names who makes the changes from now on, in the audit trail: the TUI calls
    /// it with the facilitator's initials. Until then it is "command line".
    pub fn set_actor(&self, initials: &str) {
        let who = initials.trim();
        let who = if who.is_empty() { COMMAND_LINE } else { who };
        match self.actor.lock() {
            Ok(mut a) => *a = who.to_string(),
            Err(poisoned) => *poisoned.into_inner() = who.to_string(),
        }
    }

    /// Who the audit trail names for the next change.
    pub fn actor(&self) -> String {
        match self.actor.lock() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn tree(&self, t: TreeId) -> &sled::Tree {
        &self.trees[t.index()]
    }

    pub(crate) fn hasher(&self) -> &KeyHasher {
        &self.hasher
    }

    /// Whether commits list what they change for a hub (see `outbox`).
    pub(crate) fn tracks_outbox(&self) -> bool {
        self.outbox
    }

    /// True when no family, group or session is stored (settings do not count).
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        for t in TreeId::ALL {
            if t != TreeId::Meta && !self.tree(t).is_empty() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Writes every change in `change` atomically and durably: when this
    /// returns Ok, it is on disk.
    pub fn commit(&self, change: Change) -> Result<(), StoreError> {
        if change.is_empty() {
            return Ok(());
        }
        let ops = apply::plan(self, change)?;
        self.write_raw(ops)
    }

    /// Commits a change already worked out (see `apply::planned`).
    pub(crate) fn commit_planned(&self, planned: apply::Planned) -> Result<(), StoreError> {
        self.write_raw(planned.to_raw(&self.hasher, self.outbox))
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
    fn seal_ops(&self, ops: Vec<RawOp>) -> Result<Vec<(u8, Vec<u8>, Option<Vec<u8>>)>, StoreError> {
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
    fn apply_payload(&self, payload: &[u8]) -> Result<(), StoreError> {
        let sealed: Vec<(u8, Vec<u8>, Option<Vec<u8>>)> = codec::decode("journal", b"record", payload)?;
        self.apply_sealed(sealed)
    }

    fn apply_sealed(&self, sealed: Vec<(u8, Vec<u8>, Option<Vec<u8>>)>) -> Result<(), StoreError> {
        let mut batches: Vec<sled::Batch> = TreeId::ALL.iter().map(|_| sled::Batch::default()).collect();
        let mut touched = [false; TreeId::ALL.len()];
        for (tree, key, value) in sealed {
            let i = usize::from(tree);
            let Some(batch) = batches.get_mut(i) else {
                return Err(StoreError::Damaged {
                    dir: self.dir.clone(),
                    detail: format!("journal names tree {tree}"),
                });
            };
            touched[i] = true;
            match value {
                Some(v) => batch.insert(key, v),
                None => batch.remove(key),
            }
        }
        for (i, batch) in batches.into_iter().enumerate() {
            if touched[i] {
                self.trees[i].apply_batch(batch).map_err(|e| StoreError::Write(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// Makes sled hold on disk everything the journal holds, then empties the journal.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let mut journal = self.journal.lock().map_err(|_| StoreError::Write("the journal is unusable".into()))?;
        self.checkpoint_locked(&mut journal)
    }

    fn checkpoint_locked(&self, journal: &mut journal::Journal) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| StoreError::Write(e.to_string()))?;
        self.log.sync_data().map_err(|e| StoreError::Write(io_words(&e)))?;
        journal.reset().map_err(|e| StoreError::Write(io_words(&e)))
    }

    /// The clear bytes stored under `key`, if any.
    pub(crate) fn get_clear(&self, t: TreeId, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.tree(t).get(key).map_err(|e| self.read_error(e))? {
            Some(bytes) => Ok(Some(self.clear(t, key, &bytes)?.into_owned())),
            None => Ok(None),
        }
    }

    pub(crate) fn get<T: DeserializeOwned>(&self, t: TreeId, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.tree(t).get(key).map_err(|e| self.read_error(e))? {
            Some(bytes) => codec::decode(t.name(), key, &self.clear(t, key, &bytes)?).map(Some),
            None => Ok(None),
        }
    }

    /// Every value under `prefix`, in key order.
    pub(crate) fn scan<T: DeserializeOwned>(&self, t: TreeId, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree(t).scan_prefix(prefix) {
            let (k, v) = item.map_err(|e| self.read_error(e))?;
            out.push(codec::decode(t.name(), &k, &self.clear(t, &k, &v)?)?);
        }
        Ok(out)
    }

    /// Up to `limit` values of tree `t` after the key `after` (from the first
    /// when None), in key order, opened on every core; and the last key read.
    pub(crate) fn scan_after<T: DeserializeOwned + Send>(
        &self,
        t: TreeId,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<(Vec<T>, Option<Vec<u8>>), StoreError> {
        use std::ops::Bound;
        let tree = self.tree(t);
        let items = match after {
            Some(k) => tree.range::<&[u8], _>((Bound::Excluded(k), Bound::Unbounded)),
            None => tree.iter(),
        };
        let raw: Vec<(sled::IVec, sled::IVec)> =
            items.take(limit).collect::<Result<_, _>>().map_err(|e| self.read_error(e))?;
        let last = raw.last().map(|(k, _)| k.to_vec());
        let open = |(k, v): &(sled::IVec, sled::IVec)| codec::decode::<T>(t.name(), k, &self.clear(t, k, v)?);
        let values = crate::par::map(&raw, 1_000, open).into_iter().collect::<Result<Vec<T>, _>>()?;
        Ok((values, last))
    }

    /// Every value in tree `t`, opened on every core.
    pub(crate) fn scan_all<T: DeserializeOwned + Send>(&self, t: TreeId) -> Result<Vec<T>, StoreError> {
        self.scan_after(t, None, usize::MAX).map(|(v, _)| v)
    }

    /// Entries as clear bytes (unsealed, not decoded), for `check` and rebuilds.
    pub(crate) fn raw(&self, t: TreeId) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>> + '_ {
        self.tree(t).iter().map(move |r| {
            let (k, v) = r.map_err(|e| self.read_error(e))?;
            Ok((k.to_vec(), self.clear(t, &k, &v)?.into_owned()))
        })
    }

    /// The clear form of a stored value.
    fn clear<'a>(&self, t: TreeId, key: &[u8], bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, [u8]>, StoreError> {
        codec::unseal(t.name(), key, bytes, self.key.as_ref())
    }

    pub fn count(&self, t: TreeId) -> usize {
        self.tree(t).len()
    }

    pub fn meta<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        self.get(TreeId::Meta, key)
    }

    pub fn set_meta<T: Serialize>(&self, key: &[u8], value: &T) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.put_meta(key, value);
        self.commit(c)
    }

    fn read_error(&self, e: sled::Error) -> StoreError {
        sled_damaged(&self.dir, e)
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

fn no_random() -> StoreError {
    StoreError::Write("the system gave no random numbers for a key".into())
}

/// "the disk is full", not "No space left on device (os error 28)".
fn io_words(e: &std::io::Error) -> String {
    if e.raw_os_error() == Some(28) || e.kind() == std::io::ErrorKind::StorageFull {
        "the disk is full: free some space".into()
    } else {
        e.to_string()
    }
}

fn journal_error(folder: &Path, e: journal::JournalError) -> StoreError {
    match e {
        journal::JournalError::Io(io) => StoreError::io(folder, io),
        journal::JournalError::Damaged => StoreError::Damaged {
            dir: folder.to_path_buf(),
            detail: format!("its journal ({}) {e}", folder.join(journal::NAME).display()),
        },
    }
}

/// The rule for a new passphrase (a store's, a backup's or a bundle's), in one place.
pub fn check_new_passphrase(pass: &secrecy::SecretString) -> Result<(), StoreError> {
    use secrecy::ExposeSecret;
    strength::judge(pass.expose_secret()).map_err(StoreError::Refused)
}

fn sled_damaged(dir: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(io) => StoreError::io(dir, io),
        other => StoreError::Damaged { dir: dir.to_path_buf(), detail: other.to_string() },
    }
}

thread_local! {
    /// Set while this thread opens sled, whose panics are turned into errors.
    static OPENING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// sled 0.34 can panic while recovering a damaged log; turn that into an error
/// with a plain message instead of a backtrace.
///
/// The panic hook is process-wide: swapping it around each open would race when
/// two threads open stores at once (the quiet hook could stay installed for good
/// and hide every later panic message). So one hook is installed once, and it
/// keeps quiet only for the thread that is opening sled.
pub(crate) fn open_sled(dir: &Path) -> Result<sled::Db, StoreError> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !OPENING.with(|o| o.get()) {
                previous(info);
            }
        }));
    });
    // We hold the folder's lock file, so no other program has this store. sled's
    // own lock on `db` can still be held for a moment by the flusher thread of a
    // store this program has just closed (a reopen right after a close): wait
    // for it, briefly, rather than fail.
    let mut waited = std::time::Duration::ZERO;
    loop {
        // The journal makes commits durable; sled writes when a checkpoint asks.
        let config = sled::Config::new().path(dir).cache_capacity(CACHE_BYTES).flush_every_ms(None);
        OPENING.with(|o| o.set(true));
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || config.open()));
        OPENING.with(|o| o.set(false));
        match opened {
            Ok(Ok(db)) => return Ok(db),
            Ok(Err(sled::Error::Io(e)))
                if e.to_string().contains("could not acquire lock") && waited < std::time::Duration::from_secs(3) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
                waited += std::time::Duration::from_millis(10);
            }
            Ok(Err(e)) => return Err(sled_damaged(dir, e)),
            Err(_) => {
                return Err(StoreError::Damaged {
                    dir: dir.to_path_buf(),
                    detail: "its log could not be recovered".into(),
                });
            }
        }
    }
}
