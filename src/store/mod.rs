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
mod hot;
pub mod hub;
pub mod journal;
mod keyring_file;
pub mod keys;
pub mod layout;
pub mod lock;
pub mod merge;
pub mod migrate;
mod open;
mod ops;
pub mod perms;
mod queries;
pub mod rebuild;
mod sealed_file;
mod snapshot_on_close;
mod strength;
mod write;

pub use apply::{DocKey, OutboxEntry, Stats, pending};
pub use change::Change;
pub use erase::{Erased, Inactive};
pub use error::StoreError;
pub use keys::TreeId;
pub(crate) use open::{open_sled, sled_damaged};
pub use queries::{Cursor, Pending, Visit};
pub(crate) use write::RawOp;

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
    /// First, so that its thread has let go of sled's trees before sled closes.
    hot: hot::Hot,
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
    /// After sled's handles (fields drop in order), before the lock.
    snapshot: snapshot_on_close::SnapshotOnClose,
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

    /// Tree `t`, once sled holds every commit made (see `hot.rs`): for
    /// anything that walks it. A point read goes through `get_clear`.
    pub(crate) fn tree(&self, t: TreeId) -> &sled::Tree {
        self.hot.settle();
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

    /// The clear bytes stored under `key`, if any: from memory when a commit
    /// wrote them lately or they were read lately, else from sled.
    pub(crate) fn get_clear(&self, t: TreeId, key: &[u8]) -> Result<hot::Clear, StoreError> {
        let ticket = match self.hot.read(t.index() as u8, key) {
            hot::Found::Known(value) => return Ok(value),
            hot::Found::Ask(ticket) => ticket,
        };
        // Not `tree`: a key not written by a commit still on its way to sled
        // is up to date there already, so this read need not wait.
        let value = match self.trees[t.index()].get(key).map_err(|e| self.read_error(e))? {
            Some(bytes) => Some(self.clear(t, key, &bytes)?.into()),
            None => None,
        };
        self.hot.remember(t.index() as u8, key, value.clone(), ticket);
        Ok(value)
    }

    pub(crate) fn get<T: DeserializeOwned>(&self, t: TreeId, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.get_clear(t, key)? {
            Some(clear) => codec::decode(t.name(), key, &clear).map(Some),
            None => Ok(None),
        }
    }

    /// Every value under `prefix`, in key order.
    pub(crate) fn scan<T: DeserializeOwned + Send>(&self, t: TreeId, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        let raw: Vec<(sled::IVec, sled::IVec)> =
            self.tree(t).scan_prefix(prefix).collect::<Result<_, _>>().map_err(|e| self.read_error(e))?;
        // A family's timeline is a few hundred sealed values: worth two cores.
        let open = |(k, v): &(sled::IVec, sled::IVec)| codec::decode::<T>(t.name(), k, &self.clear(t, k, v)?);
        crate::par::map(&raw, 64, open).into_iter().collect()
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

/// The rule for a new passphrase (a store's, a backup's or a bundle's), in one place.
pub fn check_new_passphrase(pass: &secrecy::SecretString) -> Result<(), StoreError> {
    use secrecy::ExposeSecret;
    strength::judge(pass.expose_secret()).map_err(StoreError::Refused)
}
