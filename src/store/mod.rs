//! The sled store: one `Db` per data folder, opened once, behind a lock file.
//! Every commit writes a record and its index entries in one transaction, then
//! flushes sled and syncs its log file, and only then returns.

pub mod archive;
pub mod backup;
pub mod change;
pub mod check;
pub mod codec;
pub mod crypto;
mod erase;
mod error;
mod keyring_file;
pub mod keys;
pub mod lock;
pub mod migrate;
mod ops;
mod queries;

pub use change::Change;
pub use erase::{Erased, Inactive};
pub use error::StoreError;
pub use keys::TreeId;

use serde::{Serialize, de::DeserializeOwned};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::fs::File;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// sled's page cache. The working set of a group (a few thousand records) fits
/// many times over; a larger cache only slows start-up and costs memory.
const CACHE_BYTES: u64 = 32 * 1024 * 1024;

pub const META_SCHEMA: &[u8] = b"schema";
pub const META_DEVICE: &[u8] = b"device";
pub const META_INITIALS: &[u8] = b"initials";
/// The wrapped data key: stored unsealed, since it is needed to unseal the rest.
pub const META_KEYRING: &[u8] = b"keyring";
/// The per-store key for evaluation pseudonyms (bytes); it never leaves the store.
pub const META_EVALUATION_KEY: &[u8] = b"evaluation_key";
/// Followed by a group id: the families last found expected at that group, so
/// that its roster can be drawn before every family has been read. A cache:
/// wrong or missing, it costs only a moment until the families are all read.
pub const META_EXPECTED: &[u8] = b"expected:";

/// How to open a store's sealed values.
pub enum Unlock {
    /// No encryption: tests and fixtures. A store with a keyring refuses it.
    Plain,
    /// The passphrase: unlocks an encrypted store; makes a new store encrypted
    /// (and seals an existing clear one).
    Passphrase(secrecy::SecretString),
    /// A random key held only in memory, for the throw-away demo store.
    Ephemeral,
}

/// Values that stay unsealed: read before the key is known, and no personal data.
fn stays_clear(tree: TreeId, key: &[u8]) -> bool {
    tree.is_index() || (tree == TreeId::Meta && (key == META_SCHEMA || key == META_KEYRING))
}

pub struct Store {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    /// sled's log (`<dir>/db`), synced after every flush: on Linux sled 0.34 flushes
    /// with `sync_file_range`, which leaves the drive's cache unflushed (sled #1452).
    log: File,
    dir: PathBuf,
    device: Uuid,
    /// The data key; None for a clear store.
    key: Option<crypto::DataKey>,
    /// Who the audit trail names for changes made through this store.
    actor: std::sync::Mutex<String>,
    _lock: lock::DirLock,
}

/// Who the audit trail names until the facilitator's initials are known.
pub const COMMAND_LINE: &str = "command line";

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

impl Store {
    /// Opens (or creates) a clear store in `dir`: for tests and fixtures.
    /// The program itself opens stores with `open_with` and a passphrase.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, Unlock::Plain)
    }

    /// Opens (or creates) the store in `dir`, unlocking it as `unlock` says,
    /// and migrating an older schema.
    pub fn open_with(dir: &Path, unlock: Unlock) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let lock = lock::acquire(dir)?;
        // Derive the passphrase's key while sled opens, from the parameters in
        // the keyring's copy beside the store: each takes a good part of start-up.
        let copy = match &unlock {
            Unlock::Passphrase(_) => keyring_file::read(dir),
            _ => None,
        };
        let (db, early) = std::thread::scope(|scope| {
            let derivation = match (&unlock, &copy) {
                (Unlock::Passphrase(pass), Some(ring)) => {
                    Some(scope.spawn(move || (ring.kdf.clone(), crypto::Kek::derive(pass, &ring.kdf))))
                }
                _ => None,
            };
            let db = open_sled(dir);
            (db, derivation.map(|d| d.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))))
        });
        let db = db?;
        let mut trees = Vec::with_capacity(TreeId::ALL.len());
        for t in TreeId::ALL {
            trees.push(db.open_tree(t.name()).map_err(|e| sled_damaged(dir, e))?);
        }
        let log = File::options().read(true).write(true).open(dir.join("db")).map_err(|e| StoreError::io(dir, e))?;
        let mut store = Store {
            db,
            trees,
            log,
            dir: dir.to_path_buf(),
            device: Uuid::nil(),
            key: None,
            actor: std::sync::Mutex::new(COMMAND_LINE.to_string()),
            _lock: lock,
        };
        store.unlock(unlock, early)?;
        store.prepare()?;
        Ok(store)
    }

    /// The wrapped data key, read under the schema its header names: it is read
    /// before an older store is migrated.
    fn keyring(&self) -> Result<Option<crypto::Keyring>, StoreError> {
        match self.tree(TreeId::Meta).get(META_KEYRING).map_err(|e| self.read_error(e))? {
            Some(bytes) => {
                let written = codec::header(&bytes).map_or(codec::SCHEMA, |h| h.schema);
                codec::decode_schema(TreeId::Meta.name(), META_KEYRING, &bytes, written).map(Some)
            }
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
                self.key = Some(ring.unlock_with(&kek).map_err(|_| StoreError::WrongPassphrase)?);
                keyring_file::keep(&self.dir, &ring);
            }
            (Some(_), _) => return Err(StoreError::NeedPassphrase(self.dir.clone())),
            (None, Unlock::Plain) => {}
            (None, Unlock::Ephemeral) => {
                self.key = Some(crypto::DataKey::ephemeral().map_err(|_| no_random())?);
            }
            (None, Unlock::Passphrase(pass)) => {
                check_new_passphrase(&pass)?;
                let kdf = crypto::tune().map_err(|_| no_random())?;
                let (ring, key) = crypto::Keyring::create(&pass, kdf).map_err(|_| no_random())?;
                // Whatever is already stored in the clear is sealed in the same
                // commit as the keyring: all of it, or (killed) none of it.
                let mut change = Change::default();
                for t in TreeId::ALL {
                    for item in self.raw(t) {
                        let (k, v) = item?;
                        if !stays_clear(t, &k) {
                            change.put_raw(t, k, v);
                        }
                    }
                }
                change.put_raw(TreeId::Meta, META_KEYRING.to_vec(), codec::encode(&ring));
                self.key = Some(key);
                self.commit(change)?;
                keyring_file::keep(&self.dir, &ring);
            }
        }
        Ok(())
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

    /// Rewraps the data key under a new passphrase: one atomic write, so a
    /// program killed half-way leaves either the old or the new passphrase working.
    pub fn change_passphrase(
        &self,
        old: &secrecy::SecretString,
        new: &secrecy::SecretString,
    ) -> Result<(), StoreError> {
        let ring =
            self.keyring()?.ok_or_else(|| StoreError::Refused("this store has no passphrase to change".into()))?;
        let key = ring.unlock(old).map_err(|_| StoreError::WrongPassphrase)?;
        check_new_passphrase(new)?;
        let new_ring = ring.rewrap(&key, new).map_err(|_| no_random())?;
        let mut c = Change::default();
        c.put_raw(TreeId::Meta, META_KEYRING.to_vec(), codec::encode(&new_ring));
        self.commit(c)?;
        keyring_file::keep(&self.dir, &new_ring);
        Ok(())
    }

    /// Sets the schema and device id of a new store, or migrates an older one.
    fn prepare(&mut self) -> Result<(), StoreError> {
        // An older store wrote its schema number under its own schema: read the
        // number under whatever schema its header names.
        let schema: Option<u8> = match self.tree(TreeId::Meta).get(META_SCHEMA).map_err(|e| self.read_error(e))? {
            Some(bytes) => {
                let written = codec::header(&bytes).map_or(codec::SCHEMA, |h| h.schema);
                Some(codec::decode_schema(TreeId::Meta.name(), META_SCHEMA, &bytes, written)?)
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
            Some(s) if s < codec::SCHEMA => migrate::run(self, s)?,
            Some(_) => {}
        }
        self.device = self.meta(META_DEVICE)?.unwrap_or_else(Uuid::now_v7);
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The id of this laptop's store, written into every record it stamps.
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

    /// True when no family, group or session is stored (meta does not count).
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        for t in TreeId::ALL {
            if t != TreeId::Meta && !self.tree(t).is_empty() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Writes every put and removal in `change` atomically and durably.
    /// When this returns Ok, the change is on disk.
    pub fn commit(&self, change: Change) -> Result<(), StoreError> {
        if change.is_empty() {
            return Ok(());
        }
        let touched = change.trees();
        let trees: Vec<sled::Tree> = touched.iter().map(|t| self.tree(*t).clone()).collect();
        // Seal before the transaction: its closure may run more than once.
        let mut values: Vec<Option<Vec<u8>>> = Vec::with_capacity(change.len());
        for op in change.ops() {
            values.push(match (&op.value, &self.key) {
                (Some(v), Some(dk)) if !stays_clear(op.tree, &op.key) => {
                    Some(codec::seal(op.tree.name(), &op.key, v, dk)?)
                }
                (v, _) => v.clone(),
            });
        }
        let result: Result<(), TransactionError<()>> = trees.as_slice().transaction(|tx| {
            for (op, value) in change.ops().iter().zip(&values) {
                let slot = touched.iter().position(|t| *t == op.tree).unwrap_or(0);
                match value {
                    Some(v) => {
                        tx[slot].insert(op.key.as_slice(), v.as_slice())?;
                    }
                    None => {
                        tx[slot].remove(op.key.as_slice())?;
                    }
                }
            }
            Ok::<(), ConflictableTransactionError<()>>(())
        });
        result.map_err(|e| StoreError::Write(format!("{e:?}")))?;
        self.sync()
    }

    /// Flushes sled, then makes the OS write its log to the disk itself.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| StoreError::Write(e.to_string()))?;
        self.log.sync_data().map_err(|e| StoreError::Write(e.to_string()))
    }

    pub fn get<T: DeserializeOwned>(&self, t: TreeId, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.tree(t).get(key).map_err(|e| self.read_error(e))? {
            Some(bytes) => codec::decode(t.name(), key, &self.clear(t, key, &bytes)?).map(Some),
            None => Ok(None),
        }
    }

    /// Every value under `prefix`, in key order.
    pub fn scan<T: DeserializeOwned>(&self, t: TreeId, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree(t).scan_prefix(prefix) {
            let (k, v) = item.map_err(|e| self.read_error(e))?;
            out.push(codec::decode(t.name(), &k, &self.clear(t, &k, &v)?)?);
        }
        Ok(out)
    }

    /// Every value in tree `t`, in key order, opened and decoded on every core
    /// for whole-tree reads, where unsealing is most of the time.
    pub fn scan_all<T: DeserializeOwned + Send>(&self, t: TreeId) -> Result<Vec<T>, StoreError> {
        self.scan_after(t, None, usize::MAX)
    }

    /// Up to `limit` values of tree `t` after the key `after` (from the first
    /// when None), in key order: a whole tree read a piece at a time.
    pub fn scan_after<T: DeserializeOwned + Send>(
        &self,
        t: TreeId,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<T>, StoreError> {
        use std::ops::Bound;
        let tree = self.tree(t);
        let items = match after {
            Some(k) => tree.range::<&[u8], _>((Bound::Excluded(k), Bound::Unbounded)),
            None => tree.iter(),
        };
        let raw: Vec<(sled::IVec, sled::IVec)> =
            items.take(limit).collect::<Result<_, _>>().map_err(|e| self.read_error(e))?;
        let open = |(k, v): &(sled::IVec, sled::IVec)| codec::decode::<T>(t.name(), k, &self.clear(t, k, v)?);
        crate::par::map(&raw, 1_000, open).into_iter().collect()
    }

    /// Every key under `prefix` (for index trees).
    pub fn keys(&self, t: TreeId, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.tree(t).scan_prefix(prefix).keys().map(|k| k.map(|k| k.to_vec()).map_err(|e| self.read_error(e))).collect()
    }

    /// Entries as clear bytes (unsealed, not decoded), for `check` and migrations.
    pub fn raw(&self, t: TreeId) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>> + '_ {
        self.tree(t).iter().map(move |r| {
            let (k, v) = r.map_err(|e| self.read_error(e))?;
            let clear = if v.is_empty() { Vec::new() } else { self.clear(t, &k, &v)?.into_owned() };
            Ok((k.to_vec(), clear))
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

fn no_random() -> StoreError {
    StoreError::Write("the system gave no random numbers for a key".into())
}

/// The rule for a new passphrase (a store's or a backup's), in one place.
pub fn check_new_passphrase(pass: &secrecy::SecretString) -> Result<(), StoreError> {
    use secrecy::ExposeSecret;
    if pass.expose_secret().chars().count() < crypto::MIN_PASSPHRASE {
        return Err(StoreError::Refused(format!(
            "the passphrase must be at least {} characters: a few words you can remember, not a short password",
            crypto::MIN_PASSPHRASE
        )));
    }
    Ok(())
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
fn open_sled(dir: &Path) -> Result<sled::Db, StoreError> {
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
        let config = sled::Config::new().path(dir).cache_capacity(CACHE_BYTES);
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
