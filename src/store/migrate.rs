//! Schema migrations, run once when a store written by an older thinkbaby opens.
//! Each old schema keeps its frozen record types here, so its bytes can always be
//! read, and the whole migration is one atomic commit.
//!
//! Schema 1 had no list of expected groups on a family: the roster showed only
//! families who had been before. Schema 2 adds `Family::groups`, which the
//! migration fills from each family's attendance history.

use super::codec;
use super::keys::TreeId;
use super::{Change, META_SCHEMA, Store, StoreError};
use crate::domain::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
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
    fn upgrade(self, groups: Vec<Uuid>) -> Family {
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

/// Brings the store from schema `from` up to the current one, in one commit.
pub fn run(store: &Store, from: u8) -> Result<(), StoreError> {
    let mut schema = from;
    let mut change = Change::default();
    if schema == 1 {
        change.append(v1_to_v2(store)?);
        schema = 2;
    }
    if schema != codec::SCHEMA {
        return Err(StoreError::Damaged {
            dir: store.dir().to_path_buf(),
            detail: format!("no migration from schema {from}"),
        });
    }
    change.put_meta(META_SCHEMA, &codec::SCHEMA);
    store.commit(change)
}

/// Re-encodes every value under schema 2; families gain the groups they attended.
fn v1_to_v2(store: &Store) -> Result<Change, StoreError> {
    let mut change = Change::default();
    let mut session_group = std::collections::HashMap::<Uuid, (Uuid, NaiveDate)>::new();
    for item in store.raw(TreeId::Sessions) {
        let (k, v) = item?;
        let s: Session = codec::decode_schema("sessions", &k, &v, 1)?;
        session_group.insert(s.id, (s.group, s.date));
        change.put_raw(TreeId::Sessions, k, codec::encode(&s));
    }
    let mut attended = std::collections::HashMap::<Uuid, Vec<Uuid>>::new();
    for item in store.raw(TreeId::Attendance) {
        let (k, v) = item?;
        let a: Attendance = codec::decode_schema("attendance", &k, &v, 1)?;
        if let Some((group, _)) = session_group.get(&a.session) {
            let groups = attended.entry(a.family).or_default();
            if !groups.contains(group) {
                groups.push(*group);
            }
        }
        change.put_raw(TreeId::Attendance, k, codec::encode(&a));
    }
    for item in store.raw(TreeId::Families) {
        let (k, v) = item?;
        let old: FamilyV1 = codec::decode_schema("families", &k, &v, 1)?;
        let groups = attended.remove(&old.id).unwrap_or_default();
        change.put_raw(TreeId::Families, k, codec::encode(&old.upgrade(groups)));
    }
    reencode::<Group>(store, TreeId::Groups, &mut change)?;
    reencode::<Observation>(store, TreeId::Observations, &mut change)?;
    reencode::<Staff>(store, TreeId::Staff, &mut change)?;
    for item in store.raw(TreeId::Meta) {
        let (k, v) = item?;
        if k == META_SCHEMA {
            continue;
        }
        if k == super::META_DEVICE {
            let id: Uuid = codec::decode_schema("meta", &k, &v, 1)?;
            change.put_raw(TreeId::Meta, k, codec::encode(&id));
        } else {
            let text: String = codec::decode_schema("meta", &k, &v, 1)?;
            change.put_raw(TreeId::Meta, k, codec::encode(&text));
        }
    }
    Ok(change)
}

fn reencode<T: Serialize + for<'de> Deserialize<'de>>(
    store: &Store,
    tree: TreeId,
    change: &mut Change,
) -> Result<(), StoreError> {
    for item in store.raw(tree) {
        let (k, v) = item?;
        let value: T = codec::decode_schema(tree.name(), &k, &v, 1)?;
        change.put_raw(tree, k, codec::encode(&value));
    }
    Ok(())
}
