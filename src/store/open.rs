//! Opening a store: the data folder's layout, the lock, sled, the journal's
//! replay, the passphrase's key (derived while sled opens), the schema.

use super::*;

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
    pub(super) fn attach(
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
            hot: hot::Hot::start(trees.clone()),
            dir: dir.to_path_buf(),
            folder: folder.clone(),
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
            snapshot: super::snapshot_on_close::SnapshotOnClose::new(folder),
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

    pub(super) fn keyring(&self) -> Result<Option<crypto::Keyring>, StoreError> {
        match self.tree(TreeId::Meta).get(META_KEYRING).map_err(|e| self.read_error(e))? {
            Some(bytes) => codec::decode(TreeId::Meta.name(), META_KEYRING, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Unwraps the data key, or makes one for a store that has none yet.
    /// `early` is a key derived ahead, and the parameters it was derived with.
    pub(super) fn unlock(
        &mut self,
        unlock: Unlock,
        early: Option<(crypto::KdfParams, crypto::Kek)>,
    ) -> Result<(), StoreError> {
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

    pub(super) fn set_key(&mut self, key: Option<crypto::DataKey>) {
        self.hasher = match &key {
            Some(k) => KeyHasher::new(&k.subkey(b"thinkbaby stored keys v4")),
            None => KeyHasher::clear(),
        };
        self.key = key;
        // Anything read before was read without the key.
        self.hot.forget();
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
}

pub(super) fn journal_error(folder: &Path, e: journal::JournalError) -> StoreError {
    match e {
        journal::JournalError::Io(io) => StoreError::io(folder, io),
        journal::JournalError::Damaged => StoreError::Damaged {
            dir: folder.to_path_buf(),
            detail: format!("its journal ({}) {e}", folder.join(journal::NAME).display()),
        },
    }
}

pub(crate) fn sled_damaged(dir: &Path, e: sled::Error) -> StoreError {
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
