//! Upgrading a store written before schema 4. Those stores kept sled's files
//! directly in the data folder, one record per key, with ids in the clear.
//! The upgrade reads every record with the frozen types of its schema, turns
//! them into schema 4's (sessions get ids from their group and date, note
//! revisions get ids, audit entries lose their free text), writes them into a
//! new store folder under a new data key, and makes that folder the store in
//! use with one rename: killed at any moment, the old store or the new one is
//! there whole, and the old files go at the next open.
//!
//! Schema 1 had no list of expected groups on a family (filled from its
//! attendance); schema 2 had no erasure and no audit trail; schema 3 had
//! audit entries with free text.

mod frozen;

pub use frozen::{AuditEntryV3, FamilyV1, FamilyV2, FamilyV3, ObservationV2, ObservationV3, RevisionV3, revision_id};

use super::keys::TreeId;
use super::{
    Change, META_DEVICE, META_EVALUATION_KEY, META_INITIALS, META_SCHEMA, Store, StoreError, Unlock, Wrapping,
};
use super::{codec, keyring_file, layout, lock};
use crate::domain::*;
use crate::store::crypto::{DataKey, Kek, Keyring};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

/// A store written before schema 4, open for reading.
struct Legacy {
    db: sled::Db,
    schema: u8,
    key: Option<DataKey>,
    /// The passphrase's derived key and the keyring it opened (to wrap the new data key).
    wrapping: Option<(Keyring, Kek)>,
}

impl Legacy {
    fn open(dir: &Path, unlock: &Unlock) -> Result<Legacy, StoreError> {
        let db = super::open_sled(dir)?;
        let mut legacy = Legacy { db, schema: 0, key: None, wrapping: None };
        let schema_bytes = legacy.raw_meta(META_SCHEMA)?;
        legacy.schema = match schema_bytes {
            Some(bytes) => {
                let written = codec::header(&bytes).map_or(0, |h| h.schema);
                codec::decode_schema::<u8>("meta", META_SCHEMA, &bytes, written)?
            }
            None => return Err(StoreError::Damaged { dir: dir.to_path_buf(), detail: "no schema version".into() }),
        };
        if !(1..codec::SCHEMA).contains(&legacy.schema) {
            return Err(StoreError::Damaged {
                dir: dir.to_path_buf(),
                detail: format!("no upgrade from schema {}", legacy.schema),
            });
        }
        let ring: Option<Keyring> = match legacy.raw_meta(super::META_KEYRING)? {
            Some(bytes) => {
                let written = codec::header(&bytes).map_or(legacy.schema, |h| h.schema);
                Some(codec::decode_schema("meta", super::META_KEYRING, &bytes, written)?)
            }
            None => None,
        };
        match (ring, unlock) {
            (Some(ring), Unlock::Passphrase(pass)) => {
                let kek = Kek::derive(pass, &ring.kdf);
                legacy.key = Some(ring.unlock_with(&kek).map_err(|_| StoreError::WrongPassphrase)?);
                legacy.wrapping = Some((ring, kek));
            }
            (Some(_), _) => return Err(StoreError::NeedPassphrase(dir.to_path_buf())),
            (None, _) => {}
        }
        Ok(legacy)
    }

    fn raw_meta(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let meta = self.db.open_tree("meta").map_err(|e| StoreError::Write(e.to_string()))?;
        Ok(meta.get(key).map_err(|e| StoreError::Write(e.to_string()))?.map(|v| v.to_vec()))
    }

    /// Every record of a legacy tree, decoded as `T` under the store's schema.
    fn all<T: DeserializeOwned>(&self, tree: &str) -> Result<Vec<(Vec<u8>, T)>, StoreError> {
        let t = self.db.open_tree(tree).map_err(|e| StoreError::Write(e.to_string()))?;
        let mut out = Vec::new();
        for item in t.iter() {
            let (k, v) = item.map_err(|e| StoreError::Write(e.to_string()))?;
            let clear = codec::unseal(tree, &k, &v, self.key.as_ref())?;
            out.push((k.to_vec(), codec::decode_schema(tree, &k, &clear, self.schema)?));
        }
        Ok(out)
    }

    fn meta<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.raw_meta(key)? {
            Some(v) => {
                let clear = codec::unseal("meta", key, &v, self.key.as_ref())?;
                codec::decode_schema("meta", key, &clear, self.schema).map(Some)
            }
            None => Ok(None),
        }
    }

    /// Every record, as schema 4 records, in one change.
    fn records(&self) -> Result<Change, StoreError> {
        let groups: Vec<Group> = self.all::<Group>("groups")?.into_iter().map(|(_, g)| g).collect();
        let old_sessions: Vec<Session> = self.all::<Session>("sessions")?.into_iter().map(|(_, s)| s).collect();
        let new_id: HashMap<Uuid, Uuid> =
            old_sessions.iter().map(|s| (s.id, Session::id_for(s.group, s.date))).collect();
        let remap = |id: Uuid| new_id.get(&id).copied().unwrap_or(id);
        let attendance: Vec<Attendance> = self.all::<Attendance>("attendance")?.into_iter().map(|(_, a)| a).collect();
        let mut change = Change::default();
        for g in &groups {
            change.push(super::change::Op::MergeGroup(first_version(g.stamp.device, g.clone())));
        }
        for (_, s) in self.all::<Staff>("staff")? {
            change.push(super::change::Op::MergeStaff(first_version(s.stamp.device, s)));
        }
        // Two sessions of a group on one date become one: their facilitators join.
        let mut sessions: HashMap<Uuid, Session> = HashMap::new();
        for s in old_sessions {
            let id = remap(s.id);
            sessions
                .entry(id)
                .and_modify(|x| {
                    for f in &s.facilitators {
                        if !x.facilitators.contains(f) {
                            x.facilitators.push(f.clone());
                        }
                    }
                })
                .or_insert(Session { id, ..s });
        }
        let mut ordered: Vec<Session> = sessions.into_values().collect();
        ordered.sort_by_key(|s| s.id);
        for s in &ordered {
            change.push(super::change::Op::MergeSession(first_version(s.stamp.device, s.clone())));
        }
        for f in self.families(&ordered, &attendance)? {
            change.push(super::change::Op::MergeFamily(first_version(f.stamp.device, f)));
        }
        for a in attendance {
            let (session, family) = (remap(a.session), a.family);
            let versions = first_version(a.stamp.device, Attendance { session, ..a });
            change.push(super::change::Op::MergeAttendance { session, family, versions });
        }
        let mut notes: Vec<Observation> = Vec::new();
        for (_, o) in self.all_observations()? {
            let session = remap(o.session);
            notes.push(o.upgrade(session));
        }
        if self.schema >= 3 {
            let group_id: HashMap<String, Uuid> =
                groups.iter().map(|g| (crate::domain::fold::fold(&g.name), g.id)).collect();
            let session_named = |name: &str, day: NaiveDate| {
                group_id.get(&crate::domain::fold::fold(name)).map(|g| Session::id_for(*g, day))
            };
            let note_ending = |family: Uuid, end: &str| {
                notes.iter().find(|o| o.family == family && o.id.simple().to_string().ends_with(end)).map(|o| o.id)
            };
            for (_, e) in self.all::<AuditEntryV3>("audit")? {
                change.audit(&e.upgrade(&session_named, &note_ending));
            }
        }
        for o in &notes {
            change.put_observation(o);
        }
        for key in [META_INITIALS] {
            if let Some(v) = self.meta::<String>(key)? {
                change.put_meta(key, &v);
            }
        }
        if let Some(v) = self.meta::<Vec<u8>>(META_EVALUATION_KEY)? {
            change.put_meta(META_EVALUATION_KEY, &v);
        }
        Ok(change)
    }

    fn families(&self, sessions: &[Session], attendance: &[Attendance]) -> Result<Vec<Family>, StoreError> {
        let families: Vec<FamilyV3> = match self.schema {
            1 => {
                // Schema 1's families gain the groups they attended.
                let group_of: HashMap<Uuid, Uuid> = self
                    .all::<Session>("sessions")?
                    .into_iter()
                    .map(|(_, s)| (s.id, s.group))
                    .chain(sessions.iter().map(|s| (s.id, s.group)))
                    .collect();
                let mut attended: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
                for a in attendance {
                    if let Some(g) = group_of.get(&a.session) {
                        let groups = attended.entry(a.family).or_default();
                        if !groups.contains(g) {
                            groups.push(*g);
                        }
                    }
                }
                self.all::<FamilyV1>("families")?
                    .into_iter()
                    .map(|(_, f)| {
                        let groups = attended.remove(&f.id).unwrap_or_default();
                        f.upgrade(groups)
                    })
                    .collect()
            }
            2 => self.all::<FamilyV2>("families")?.into_iter().map(|(_, f)| f.upgrade()).collect(),
            _ => self.all::<FamilyV3>("families")?.into_iter().map(|(_, f)| f).collect(),
        };
        Ok(families.into_iter().map(FamilyV3::upgrade).collect())
    }

    fn all_observations(&self) -> Result<Vec<(Vec<u8>, ObservationV3)>, StoreError> {
        if self.schema >= 3 {
            self.all::<ObservationV3>("observations")
        } else {
            Ok(self.all::<ObservationV2>("observations")?.into_iter().map(|(k, o)| (k, o.upgrade())).collect())
        }
    }
}

/// A record as its first version, written by the laptop its stamp names.
fn first_version<T: Merge>(device: Uuid, body: T) -> Versioned<T> {
    Versioned::first(device, body)
}

/// Upgrades the store in `dir` (written before schema 4) and opens it.
pub(crate) fn upgrade(dir: &Path, unlock: Unlock, lock: lock::DirLock) -> Result<Store, StoreError> {
    let legacy = Legacy::open(dir, &unlock)?;
    let device: Uuid = legacy.meta(META_DEVICE)?.unwrap_or_else(Uuid::now_v7);
    let change = legacy.records()?;
    let folder = layout::fresh(dir, 0).map_err(|e| StoreError::io(dir, e))?;
    let built = (|| {
        let (mut store, _) = Store::attach(dir, folder.clone(), 1, &Unlock::Plain, lock)?;
        store.device = device;
        let ring = match (&legacy.wrapping, &unlock) {
            // The same passphrase opens the upgraded store, under a new data key.
            (Some((old, kek)), _) => {
                let key = DataKey::ephemeral().map_err(|_| super::no_random())?;
                let ring = Keyring::wrap_with(kek, old.kdf.clone(), &key).map_err(|_| super::no_random())?;
                store.set_key(Some(key));
                store.wrapping = Some(Wrapping { kdf: old.kdf.clone(), kek: kek.clone() });
                Some(ring)
            }
            (None, Unlock::Passphrase(pass)) => {
                let kdf = super::crypto::tune().map_err(|_| super::no_random())?;
                let kek = Kek::derive(pass, &kdf);
                let key = DataKey::ephemeral().map_err(|_| super::no_random())?;
                let ring = Keyring::wrap_with(&kek, kdf.clone(), &key).map_err(|_| super::no_random())?;
                store.set_key(Some(key));
                store.wrapping = Some(Wrapping { kdf, kek });
                Some(ring)
            }
            (None, Unlock::Ephemeral) => {
                store.set_key(Some(DataKey::ephemeral().map_err(|_| super::no_random())?));
                None
            }
            (None, Unlock::Plain) => None,
        };
        let mut meta = Change::default();
        meta.put_meta(META_SCHEMA, &codec::SCHEMA);
        meta.put_meta(META_DEVICE, &device);
        let mut ops = super::apply::plan(&store, meta)?;
        if let Some(ring) = &ring {
            ops.push(super::RawOp::put(TreeId::Meta, super::META_KEYRING.to_vec(), codec::encode(ring)));
            keyring_file::keep(&folder, ring);
        }
        ops.extend(super::apply::plan(&store, change)?);
        store.write_bulk(ops)?;
        Ok::<Store, StoreError>(store)
    })();
    let store = match built {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&folder);
            return Err(e);
        }
    };
    layout::switch(dir, &folder).map_err(|e| StoreError::io(dir, e))?;
    drop(legacy);
    let _ = layout::tidy(dir);
    Ok(store)
}
