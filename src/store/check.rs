//! `thinkbaby check`: open and decode every stored value, and check that each
//! is stored under the key it should be, that what it names exists, and that
//! every session's list of visits matches the visits.

use super::docs::{FamilyDoc, Named, SessionVisit, VisitDoc};
use super::keys::{self, TreeId};
use super::{META_DEVICE, META_EVALUATION_KEY, META_INITIALS, META_KEYRING, META_SCHEMA, Store, StoreError, codec};
use crate::domain::{Group, Merge, Session, Staff, Versioned};
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

    fn problem(&mut self, text: String) {
        self.problems.push(text);
    }
}

/// Every value of a tree that opens and decodes, with its stored key; the
/// others are reported, and checking goes on.
fn decode_all<T: DeserializeOwned>(store: &Store, t: TreeId, r: &mut Report) -> Result<Vec<(Vec<u8>, T)>, StoreError> {
    let mut out = Vec::new();
    for item in store.raw(t) {
        *r.counts.entry(t.name()).or_default() += 1;
        let decoded = item.and_then(|(k, v)| codec::decode::<T>(t.name(), &k, &v).map(|value| (k, value)));
        match decoded {
            Ok(kv) => out.push(kv),
            Err(e @ StoreError::Decode { .. }) => r.problem(first_line(&e)),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn first_line(e: &StoreError) -> String {
    e.to_string().lines().next().unwrap_or("").to_string()
}

/// The id every version agrees on, or a problem.
fn id_of<T: Merge>(v: &Versioned<T>, id: impl Fn(&T) -> Uuid) -> Option<Uuid> {
    let mut ids = v.versions.iter().filter_map(|x| x.body.as_ref().map(&id));
    let first = ids.next()?;
    ids.all(|i| i == first).then_some(first)
}

pub fn run(store: &Store) -> Result<Report, StoreError> {
    let mut r = Report::default();
    let h = store.hasher().clone();
    let families = decode_all::<FamilyDoc>(store, TreeId::Families, &mut r)?;
    let visits = decode_all::<VisitDoc>(store, TreeId::Visits, &mut r)?;
    let listed = decode_all::<SessionVisit>(store, TreeId::SessionVisits, &mut r)?;
    let sessions = decode_all::<Versioned<Session>>(store, TreeId::Sessions, &mut r)?;
    let groups = decode_all::<Versioned<Group>>(store, TreeId::Groups, &mut r)?;
    let staff = decode_all::<Versioned<Staff>>(store, TreeId::Staff, &mut r)?;
    decode_all::<Named<Vec<u8>>>(store, TreeId::Pending, &mut r)?;
    decode_all::<super::apply::OutboxEntry>(store, TreeId::Outbox, &mut r)?;
    check_meta(store, &mut r)?;

    let mut family_ids = HashSet::new();
    for (k, d) in &families {
        family_ids.insert(d.id);
        if *k != h.family(d.id) {
            r.problem(format!("families: family {} is stored under the wrong key {}", d.id, keys::show(k)));
        }
        if d.family.versions.is_empty() || id_of(&d.family, |f| f.id) != Some(d.id) {
            r.problem(format!("families: family {} has no version, or a version of another family", d.id));
        }
        if let Some(f) = d.family.current()
            && !f.is_erased()
            && (f.carers.is_empty() || f.babies.is_empty())
        {
            r.problem(format!("families: family {} has no carer or no baby", d.id));
        }
        if d.audit.iter().any(|e| e.family != d.id) {
            r.problem(format!("families: family {} holds another family's audit entry", d.id));
        }
    }
    let mut group_ids = HashSet::new();
    for (k, v) in &groups {
        match id_of(v, |g| g.id) {
            Some(id) if *k == h.group(id) => {
                group_ids.insert(id);
            }
            _ => r.problem(format!("groups: the group under key {} is damaged or misplaced", keys::show(k))),
        }
    }
    for (k, v) in &staff {
        let initials = v.versions.iter().find_map(|x| x.body.as_ref().map(|s| s.initials.clone()));
        if initials.is_none_or(|i| *k != h.staff(&i)) {
            r.problem(format!("staff: the entry under key {} is damaged or misplaced", keys::show(k)));
        }
    }
    let mut session_ids = HashSet::new();
    for (k, v) in &sessions {
        let Some(s) = v.shown() else {
            r.problem(format!("sessions: the session under key {} has no version", keys::show(k)));
            continue;
        };
        session_ids.insert(s.id);
        if *k != h.session(s.id) {
            r.problem(format!("sessions: session {} is stored under the wrong key", s.id));
        }
        if s.id != Session::id_for(s.group, s.date) {
            r.problem(format!("sessions: session {} has an id that does not follow from its group and date", s.id));
        }
        if !group_ids.contains(&s.group) {
            r.problem(format!("sessions: session {} belongs to a missing group {}", s.id, s.group));
        }
    }
    let mut expected_lists = HashSet::new();
    for (k, d) in &visits {
        if *k != h.visit(d.family, d.session) {
            r.problem(format!("visits: family {} at session {} is stored under the wrong key", d.family, d.session));
        }
        if !family_ids.contains(&d.family) {
            r.problem(format!("visits: key {} names a missing family {}", keys::show(k), d.family));
        }
        if !session_ids.contains(&d.session) {
            r.problem(format!("visits: key {} names a missing session {}", keys::show(k), d.session));
        }
        if let Some(a) = &d.attendance
            && a.versions.iter().filter_map(|v| v.body.as_ref()).any(|a| a.family != d.family || a.session != d.session)
        {
            r.problem(format!("visits: family {} at session {} holds another attendance", d.family, d.session));
        }
        for o in &d.notes {
            if o.family != d.family || o.session != d.session {
                r.problem(format!("visits: note {} is stored with another family's or session's visit", o.id));
            }
            if o.revisions.is_empty() {
                r.problem(format!("visits: note {} has no text", o.id));
            }
        }
        if d.audit.iter().any(|e| e.family != d.family) {
            r.problem(format!(
                "visits: family {} at session {} holds another family's audit entry",
                d.family, d.session
            ));
        }
        expected_lists.insert(h.session_visit(d.session, d.family));
    }
    let mut seen = HashSet::new();
    for (k, e) in &listed {
        if *k != h.session_visit(e.session, e.family) || !expected_lists.contains(k) {
            r.problem(format!("session_visits: entry {} points at no visit", keys::show(k)));
        }
        seen.insert(k.clone());
    }
    let mut missing: Vec<&Vec<u8>> = expected_lists.iter().filter(|k| !seen.contains(*k)).collect();
    missing.sort();
    for k in missing {
        r.problem(format!("session_visits: entry {} is missing", keys::show(k)));
    }
    Ok(r)
}

fn check_meta(store: &Store, r: &mut Report) -> Result<(), StoreError> {
    for item in store.raw(TreeId::Meta) {
        *r.counts.entry("meta").or_default() += 1;
        let (k, v) = match item {
            Ok(kv) => kv,
            Err(e @ StoreError::Decode { .. }) => {
                r.problem(first_line(&e));
                continue;
            }
            Err(e) => return Err(e),
        };
        let res = match k.as_slice() {
            k if k == META_SCHEMA => codec::decode::<u8>("meta", k, &v).map(|_| ()),
            k if k == META_DEVICE => codec::decode::<Uuid>("meta", k, &v).map(|_| ()),
            k if k == META_KEYRING => codec::decode::<super::crypto::Keyring>("meta", k, &v).map(|_| ()),
            k if k == META_INITIALS => codec::decode::<String>("meta", k, &v).map(|_| ()),
            k if k == META_EVALUATION_KEY => codec::decode::<Vec<u8>>("meta", k, &v).map(|_| ()),
            k if k == super::META_HUB => codec::decode::<super::docs::HubState>("meta", k, &v).map(|_| ()),
            other => codec::decode::<Named<Vec<u8>>>("meta", other, &v).map(|_| ()),
        };
        if let Err(e) = res {
            r.problem(first_line(&e));
        }
    }
    Ok(())
}
