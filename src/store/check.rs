//! `thinkbaby check`: decode every record, and check every index entry against
//! its record and every record against its index entries and references.

use super::codec;
use super::keys::{self, TreeId};
use super::{
    META_DEVICE, META_EVALUATION_KEY, META_EXPECTED, META_INITIALS, META_KEYRING, META_SCHEMA, Store, StoreError,
};
use crate::domain::{Attendance, AuditEntry, Family, Group, Observation, Session, Staff};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Report {
    pub counts: BTreeMap<&'static str, usize>,
    pub problems: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn decode_all<T: DeserializeOwned>(store: &Store, t: TreeId, r: &mut Report) -> Result<Vec<(Vec<u8>, T)>, StoreError> {
    let mut out = Vec::new();
    for item in store.raw(t) {
        *r.counts.entry(t.name()).or_default() += 1;
        let Some((k, v)) = unsealed(item, r)? else {
            continue;
        };
        match codec::decode::<T>(t.name(), &k, &v) {
            Ok(value) => out.push((k, value)),
            Err(e) => r.problems.push(e.to_string().lines().next().unwrap_or("").to_string()),
        }
    }
    Ok(out)
}

/// A stored key and its clear value.
type Entry = (Vec<u8>, Vec<u8>);

/// A value that cannot be unsealed (altered, or moved from another record) is a
/// problem to report, not a reason to stop checking.
fn unsealed(item: Result<Entry, StoreError>, r: &mut Report) -> Result<Option<Entry>, StoreError> {
    match item {
        Ok(kv) => Ok(Some(kv)),
        Err(e @ StoreError::Decode { .. }) => {
            r.problems.push(e.to_string().lines().next().unwrap_or("").to_string());
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

pub fn run(store: &Store) -> Result<Report, StoreError> {
    let mut r = Report::default();
    let families = decode_all::<Family>(store, TreeId::Families, &mut r)?;
    let groups = decode_all::<Group>(store, TreeId::Groups, &mut r)?;
    let sessions = decode_all::<Session>(store, TreeId::Sessions, &mut r)?;
    let attendance = decode_all::<Attendance>(store, TreeId::Attendance, &mut r)?;
    let observations = decode_all::<Observation>(store, TreeId::Observations, &mut r)?;
    decode_all::<Staff>(store, TreeId::Staff, &mut r)?;
    let audit = decode_all::<AuditEntry>(store, TreeId::Audit, &mut r)?;
    for item in store.raw(TreeId::Meta) {
        *r.counts.entry("meta").or_default() += 1;
        let Some((k, v)) = unsealed(item, &mut r)? else {
            continue;
        };
        let res = match k.as_slice() {
            k if k == META_SCHEMA => codec::decode::<u8>("meta", k, &v).map(|_| ()),
            k if k == META_DEVICE => codec::decode::<Uuid>("meta", k, &v).map(|_| ()),
            k if k == META_KEYRING => codec::decode::<super::crypto::Keyring>("meta", k, &v).map(|_| ()),
            k if k == META_INITIALS => codec::decode::<String>("meta", k, &v).map(|_| ()),
            k if k == META_EVALUATION_KEY => codec::decode::<Vec<u8>>("meta", k, &v).map(|_| ()),
            k if k.starts_with(META_EXPECTED) => codec::decode::<Vec<Uuid>>("meta", k, &v).map(|_| ()),
            other => Err(StoreError::Decode {
                tree: "meta".into(),
                key: keys::show(other),
                reason: "no thinkbaby setting has this name".into(),
            }),
        };
        if let Err(e) = res {
            r.problems.push(e.to_string().lines().next().unwrap_or("").to_string());
        }
    }

    let family_ids: HashSet<Uuid> = families.iter().map(|(_, f)| f.id).collect();
    let group_ids: HashSet<Uuid> = groups.iter().map(|(_, g)| g.id).collect();
    let session_ids: HashSet<Uuid> = sessions.iter().map(|(_, s)| s.id).collect();
    let mut problem = |text: String| r.problems.push(text);

    for (k, f) in &families {
        if *k != keys::id(f.id) {
            problem(format!("families: record {} is stored under key {}", f.id, keys::show(k)));
        }
        if f.carers.is_empty() || f.babies.is_empty() {
            problem(format!("families: family {} has no carer or no baby", f.id));
        }
    }
    for (k, g) in &groups {
        if *k != keys::id(g.id) {
            problem(format!("groups: record {} is stored under key {}", g.id, keys::show(k)));
        }
    }
    let mut expected_by_group = HashSet::new();
    for (k, s) in &sessions {
        if *k != keys::id(s.id) {
            problem(format!("sessions: record {} is stored under key {}", s.id, keys::show(k)));
        }
        if !group_ids.contains(&s.group) {
            problem(format!("sessions: session {} belongs to a missing group {}", s.id, s.group));
        }
        expected_by_group.insert(keys::session_by_group(s.group, s.date, s.id));
    }
    let mut expected_by_family = HashSet::new();
    for (k, a) in &attendance {
        if *k != keys::attendance(a.session, a.family) {
            problem(format!("attendance: record for family {} is stored under key {}", a.family, keys::show(k)));
        }
        if !session_ids.contains(&a.session) {
            problem(format!("attendance: key {} names a missing session", keys::show(k)));
        }
        if !family_ids.contains(&a.family) {
            problem(format!("attendance: key {} names a missing family", keys::show(k)));
        }
        expected_by_family.insert(keys::attendance_by_family(a.family, a.session));
    }
    for (k, o) in &observations {
        if *k != keys::observation(o.family, o.session, o.id) {
            problem(format!("observations: record {} is stored under key {}", o.id, keys::show(k)));
        }
        if o.revisions.is_empty() {
            problem(format!("observations: record {} has no text", o.id));
        }
        if !family_ids.contains(&o.family) {
            problem(format!("observations: record {} names a missing family", o.id));
        }
        if !session_ids.contains(&o.session) {
            problem(format!("observations: record {} names a missing session", o.id));
        }
    }
    // A family whose record is damaged is reported above; its audit entries still have a family.
    let family_keys: HashSet<Uuid> =
        store.keys(TreeId::Families, &[])?.iter().filter_map(|k| keys::uuid_at(k, 0)).collect();
    for (k, e) in &audit {
        if *k != keys::audit(e.family, e.id) {
            problem(format!("audit: entry {} is stored under key {}", e.id, keys::show(k)));
        }
        if !family_keys.contains(&e.family) {
            problem(format!("audit: entry {} ({}) names a missing family {}", e.id, e.action, e.family));
        }
    }
    check_index(store, TreeId::SessionsByGroup, &expected_by_group, &mut r.problems, &mut r.counts)?;
    check_index(store, TreeId::AttendanceByFamily, &expected_by_family, &mut r.problems, &mut r.counts)?;
    Ok(r)
}

/// Every index key must be expected, and every expected key present.
fn check_index(
    store: &Store,
    t: TreeId,
    expected: &HashSet<Vec<u8>>,
    problems: &mut Vec<String>,
    counts: &mut BTreeMap<&'static str, usize>,
) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for item in store.raw(t) {
        let (k, v) = item?;
        *counts.entry(t.name()).or_default() += 1;
        if !v.is_empty() {
            problems.push(format!("{}: entry {} carries unexpected data", t.name(), keys::show(&k)));
        }
        if !expected.contains(&k) {
            problems.push(format!("{}: entry {} points at no record", t.name(), keys::show(&k)));
        }
        seen.insert(k);
    }
    let mut missing: Vec<&Vec<u8>> = expected.iter().filter(|k| !seen.contains(*k)).collect();
    missing.sort();
    for k in missing {
        problems.push(format!("{}: entry {} is missing", t.name(), keys::show(k)));
    }
    Ok(())
}
