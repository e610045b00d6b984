//! Schema migrations, run once when a store written by an older thinkbaby opens.
//! Each old schema keeps its frozen record types here, so its bytes can always be
//! read, and the whole migration is one atomic commit.
//!
//! Schema 1 had no list of expected groups on a family: the roster showed only
//! families who had been before. Schema 2 adds `Family::groups`, which the
//! migration fills from each family's attendance history.
//!
//! Schema 3 adds erasure: `Family::erased` and `Observation::erased` (None for
//! every record written before), and the `audit` tree (empty in older stores).
//!
//! Migrations chain through the frozen types in memory (v1 → v2 → v3), and the
//! store is written once, under the current schema.

use super::codec;
use super::keys::TreeId;
use super::{Change, META_DEVICE, META_EVALUATION_KEY, META_EXPECTED, META_KEYRING, META_SCHEMA, Store, StoreError};
use crate::domain::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// `Family` as schema 1 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyV1 {
    pub id: Uuid,
    pub carers: Vec<Carer>,
    pub babies: Vec<Baby>,
    pub postcode: String,
    pub neighbourhood: Option<Neighbourhood>,
    pub home_language: String,
    pub interpreter: bool,
    pub referral: Referral,
    pub hv_level: HvLevel,
    pub need_level: Option<u8>,
    pub eha: bool,
    pub data_sharing: Consent,
    pub photos: Consent,
    pub alerts: Vec<Alert>,
    pub stamp: Stamp,
}

impl FamilyV1 {
    fn upgrade(self, groups: Vec<Uuid>) -> FamilyV2 {
        FamilyV2 {
            id: self.id,
            carers: self.carers,
            babies: self.babies,
            postcode: self.postcode,
            neighbourhood: self.neighbourhood,
            home_language: self.home_language,
            interpreter: self.interpreter,
            referral: self.referral,
            hv_level: self.hv_level,
            need_level: self.need_level,
            eha: self.eha,
            data_sharing: self.data_sharing,
            photos: self.photos,
            alerts: self.alerts,
            groups,
            stamp: self.stamp,
        }
    }

    pub fn from_current(f: &Family) -> FamilyV1 {
        FamilyV1 {
            id: f.id,
            carers: f.carers.clone(),
            babies: f.babies.clone(),
            postcode: f.postcode.clone(),
            neighbourhood: f.neighbourhood,
            home_language: f.home_language.clone(),
            interpreter: f.interpreter,
            referral: f.referral.clone(),
            hv_level: f.hv_level,
            need_level: f.need_level,
            eha: f.eha,
            data_sharing: f.data_sharing.clone(),
            photos: f.photos.clone(),
            alerts: f.alerts.clone(),
            stamp: f.stamp.clone(),
        }
    }
}

/// `Family` as schema 2 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyV2 {
    pub id: Uuid,
    pub carers: Vec<Carer>,
    pub babies: Vec<Baby>,
    pub postcode: String,
    pub neighbourhood: Option<Neighbourhood>,
    pub home_language: String,
    pub interpreter: bool,
    pub referral: Referral,
    pub hv_level: HvLevel,
    pub need_level: Option<u8>,
    pub eha: bool,
    pub data_sharing: Consent,
    pub photos: Consent,
    pub alerts: Vec<Alert>,
    pub groups: Vec<Uuid>,
    pub stamp: Stamp,
}

impl FamilyV2 {
    fn upgrade(self) -> Family {
        Family {
            id: self.id,
            carers: self.carers,
            babies: self.babies,
            postcode: self.postcode,
            neighbourhood: self.neighbourhood,
            home_language: self.home_language,
            interpreter: self.interpreter,
            referral: self.referral,
            hv_level: self.hv_level,
            need_level: self.need_level,
            eha: self.eha,
            data_sharing: self.data_sharing,
            photos: self.photos,
            alerts: self.alerts,
            groups: self.groups,
            stamp: self.stamp,
            erased: None,
        }
    }

    pub fn from_current(f: &Family) -> FamilyV2 {
        FamilyV2 {
            id: f.id,
            carers: f.carers.clone(),
            babies: f.babies.clone(),
            postcode: f.postcode.clone(),
            neighbourhood: f.neighbourhood,
            home_language: f.home_language.clone(),
            interpreter: f.interpreter,
            referral: f.referral.clone(),
            hv_level: f.hv_level,
            need_level: f.need_level,
            eha: f.eha,
            data_sharing: f.data_sharing.clone(),
            photos: f.photos.clone(),
            alerts: f.alerts.clone(),
            groups: f.groups.clone(),
            stamp: f.stamp.clone(),
        }
    }
}

/// `Observation` as schemas 1 and 2 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObservationV2 {
    pub id: Uuid,
    pub family: Uuid,
    pub session: Uuid,
    pub author: String,
    #[serde(with = "crate::domain::wire::moment")]
    pub at: DateTime<Utc>,
    pub revisions: Vec<Revision>,
    pub deleted: Option<Tombstone>,
    pub stamp: Stamp,
}

impl ObservationV2 {
    fn upgrade(self) -> Observation {
        Observation {
            id: self.id,
            family: self.family,
            session: self.session,
            author: self.author,
            at: self.at,
            revisions: self.revisions,
            deleted: self.deleted,
            stamp: self.stamp,
            erased: None,
        }
    }

    pub fn from_current(o: &Observation) -> ObservationV2 {
        ObservationV2 {
            id: o.id,
            family: o.family,
            session: o.session,
            author: o.author.clone(),
            at: o.at,
            revisions: o.revisions.clone(),
            deleted: o.deleted.clone(),
            stamp: o.stamp.clone(),
        }
    }
}

/// Brings the store from schema `from` up to the current one, in one commit.
pub fn run(store: &Store, from: u8) -> Result<(), StoreError> {
    if !(1..codec::SCHEMA).contains(&from) {
        return Err(StoreError::Damaged {
            dir: store.dir().to_path_buf(),
            detail: format!("no migration from schema {from}"),
        });
    }
    let mut change = Change::default();
    // Records whose shape has not changed since schema 1: re-encoded as they are.
    reencode::<Group>(store, TreeId::Groups, from, &mut change)?;
    reencode::<Session>(store, TreeId::Sessions, from, &mut change)?;
    reencode::<Attendance>(store, TreeId::Attendance, from, &mut change)?;
    reencode::<Staff>(store, TreeId::Staff, from, &mut change)?;
    families(store, from, &mut change)?;
    for item in store.raw(TreeId::Observations) {
        let (k, v) = item?;
        let old: ObservationV2 = codec::decode_schema("observations", &k, &v, from)?;
        change.put_raw(TreeId::Observations, k, codec::encode(&old.upgrade()));
    }
    meta(store, from, &mut change)?;
    change.put_meta(META_SCHEMA, &codec::SCHEMA);
    store.commit(change)
}

/// Families up to the current schema: schema 1's gain the groups they attended
/// (v1 → v2), then every family gains `erased: None` (v2 → v3).
fn families(store: &Store, from: u8, change: &mut Change) -> Result<(), StoreError> {
    let mut attended = HashMap::<Uuid, Vec<Uuid>>::new();
    if from == 1 {
        let mut session_group = HashMap::<Uuid, Uuid>::new();
        for item in store.raw(TreeId::Sessions) {
            let (k, v) = item?;
            let s: Session = codec::decode_schema("sessions", &k, &v, 1)?;
            session_group.insert(s.id, s.group);
        }
        for item in store.raw(TreeId::Attendance) {
            let (k, v) = item?;
            let a: Attendance = codec::decode_schema("attendance", &k, &v, 1)?;
            if let Some(group) = session_group.get(&a.session) {
                let groups = attended.entry(a.family).or_default();
                if !groups.contains(group) {
                    groups.push(*group);
                }
            }
        }
    }
    for item in store.raw(TreeId::Families) {
        let (k, v) = item?;
        let v2: FamilyV2 = if from == 1 {
            let old: FamilyV1 = codec::decode_schema("families", &k, &v, 1)?;
            let groups = attended.remove(&old.id).unwrap_or_default();
            old.upgrade(groups)
        } else {
            codec::decode_schema("families", &k, &v, from)?
        };
        change.put_raw(TreeId::Families, k, codec::encode(&v2.upgrade()));
    }
    Ok(())
}

/// Settings, each re-encoded as its own type. The schema number is written last.
fn meta(store: &Store, from: u8, change: &mut Change) -> Result<(), StoreError> {
    for item in store.raw(TreeId::Meta) {
        let (k, v) = item?;
        let key = k.as_slice();
        // The schema is written last; the expected-families hints are a cache
        // that the next start-up writes again.
        let bytes = if key == META_SCHEMA || key.starts_with(META_EXPECTED) {
            continue;
        } else if key == META_DEVICE {
            codec::encode(&codec::decode_schema::<Uuid>("meta", &k, &v, from)?)
        } else if key == META_KEYRING {
            codec::encode(&codec::decode_schema::<super::crypto::Keyring>("meta", &k, &v, from)?)
        } else if key == META_EVALUATION_KEY {
            codec::encode(&codec::decode_schema::<Vec<u8>>("meta", &k, &v, from)?)
        } else {
            // The initials, and any other setting: text, as schema 1 wrote them all.
            codec::encode(&codec::decode_schema::<String>("meta", &k, &v, from)?)
        };
        change.put_raw(TreeId::Meta, k, bytes);
    }
    Ok(())
}

fn reencode<T: Serialize + for<'de> Deserialize<'de>>(
    store: &Store,
    tree: TreeId,
    from: u8,
    change: &mut Change,
) -> Result<(), StoreError> {
    for item in store.raw(tree) {
        let (k, v) = item?;
        let value: T = codec::decode_schema(tree.name(), &k, &v, from)?;
        change.put_raw(tree, k, codec::encode(&value));
    }
    Ok(())
}
