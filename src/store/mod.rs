//! The sled store: one `Db` per data folder, opened once, behind a lock file.
//! Every commit writes a record and its index entries in one transaction, then
//! flushes sled and syncs its log file, and only then returns.

pub mod archive;
pub mod change;
pub mod check;
pub mod codec;
mod error;
pub mod keys;
pub mod lock;
pub mod migrate;
mod ops;
mod queries;

pub use change::Change;
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

pub struct Store {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    /// sled's log (`<dir>/db`), synced after every flush: on Linux sled 0.34 flushes
    /// with `sync_file_range`, which leaves the drive's cache unflushed (sled #1452).
    log: File,
    dir: PathBuf,
    device: Uuid,
    _lock: lock::DirLock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`, migrating an older schema.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let lock = lock::acquire(dir)?;
        let db = open_sled(dir)?;
        let mut trees = Vec::with_capacity(TreeId::ALL.len());
        for t in TreeId::ALL {
            trees.push(db.open_tree(t.name()).map_err(|e| sled_damaged(dir, e))?);
        }
        let log = File::options()
            .read(true)
            .write(true)
            .open(dir.join("db"))
            .map_err(|e| StoreError::io(dir, e))?;
        let mut store = Store { db, trees, log, dir: dir.to_path_buf(), device: Uuid::nil(), _lock: lock };
        store.prepare()?;
        Ok(store)
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
        let result: Result<(), TransactionError<()>> = trees.as_slice().transaction(|tx| {
            for op in change.ops() {
                let slot = touched.iter().position(|t| *t == op.tree).unwrap_or(0);
                match &op.value {
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
            Some(bytes) => codec::decode(t.name(), key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Every value under `prefix`, in key order.
    pub fn scan<T: DeserializeOwned>(&self, t: TreeId, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for item in self.tree(t).scan_prefix(prefix) {
            let (k, v) = item.map_err(|e| self.read_error(e))?;
            out.push(codec::decode(t.name(), &k, &v)?);
        }
        Ok(out)
    }

    /// Every key under `prefix` (for index trees).
    pub fn keys(&self, t: TreeId, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.tree(t)
            .scan_prefix(prefix)
            .keys()
            .map(|k| k.map(|k| k.to_vec()).map_err(|e| self.read_error(e)))
            .collect()
    }

    /// Raw entries, for `check` and migrations.
    pub fn raw(&self, t: TreeId) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>> + '_ {
        self.tree(t)
            .iter()
            .map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(|e| self.read_error(e)))
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
    let config = sled::Config::new().path(dir).cache_capacity(CACHE_BYTES);
    OPENING.with(|o| o.set(true));
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || config.open()));
    OPENING.with(|o| o.set(false));
    match opened {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(sled_damaged(dir, e)),
        Err(_) => Err(StoreError::Damaged { dir: dir.to_path_buf(), detail: "its log could not be recovered".into() }),
    }
}
