//! How a `Change` becomes stored values: each change names a record; the
//! value it lives in is read (or made), changed, and written back whole, all
//! in the one commit. Local writes become new versions by this laptop;
//! merged versions join what is there.

use super::change::Op;
use super::docs::{FamilyDoc, Named, SessionVisit, VisitDoc};
use super::keys::{KeyHasher, TreeId};
use super::{Change, RawOp, Store, StoreError, codec};
use crate::domain::{AuditEntry, Group, Session, Staff, Versioned};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The values a change touches, read once and changed in memory.
#[derive(Default)]
pub(crate) struct Planned {
    pub families: BTreeMap<Uuid, FamilyDoc>,
    pub visits: BTreeMap<(Uuid, Uuid), VisitDoc>,
    /// Visits new to the store: each gets its entry in the session's list.
    pub new_visits: BTreeSet<(Uuid, Uuid)>,
    pub sessions: BTreeMap<Uuid, Versioned<Session>>,
    pub groups: BTreeMap<Uuid, Versioned<Group>>,
    pub staff: BTreeMap<String, Versioned<Staff>>,
    /// Settings under fixed names, and settings about a group or family.
    pub meta: BTreeMap<Vec<u8>, Vec<u8>>,
    pub meta_for: BTreeMap<(Vec<u8>, Uuid), Vec<u8>>,
}

pub(crate) fn plan(store: &Store, change: Change) -> Result<Vec<RawOp>, StoreError> {
    Ok(planned(store, change)?.to_raw(store.hasher()))
}

/// The touched values, changed, not yet written.
pub(crate) fn planned(store: &Store, change: Change) -> Result<Planned, StoreError> {
    let mut p = Planner {
        store,
        device: store.device(),
        out: Planned::default(),
        family_audit: vec![],
        recount: BTreeSet::new(),
    };
    for op in change.into_ops() {
        p.take(op)?;
    }
    p.finish()
}

struct Planner<'a> {
    store: &'a Store,
    device: Uuid,
    out: Planned,
    /// Entries not tied to a session: attached to their family's value at the end.
    family_audit: Vec<AuditEntry>,
    /// Families whose first visit must be worked out again from all their visits.
    recount: BTreeSet<Uuid>,
}

impl Planner<'_> {
    fn take(&mut self, op: Op) -> Result<(), StoreError> {
        let device = self.device;
        match op {
            Op::Family(f) | Op::FamilyDecided(f) if self.family(f.id)?.is_none() => {
                let id = f.id;
                self.out
                    .families
                    .insert(id, FamilyDoc { id, family: Versioned::first(device, f), audit: vec![], first_seen: None });
            }
            Op::Family(f) => {
                if let Some(doc) = self.family(f.id)? {
                    doc.family.write_over_winner(device, Some(f));
                }
            }
            Op::FamilyDecided(f) => {
                if let Some(doc) = self.family(f.id)? {
                    doc.family.write(device, Some(f));
                }
            }
            Op::MergeFamily(v) => {
                let Some(id) = v.versions.iter().find_map(|x| x.body.as_ref().map(|f| f.id)) else { return Ok(()) };
                match self.family(id)? {
                    Some(doc) => {
                        doc.family.merge(&v);
                    }
                    None => {
                        self.out.families.insert(id, FamilyDoc { id, family: v, audit: vec![], first_seen: None });
                    }
                }
            }
            Op::Group(g) => {
                let id = g.id;
                match self.group(id)? {
                    Some(v) => v.write_over_winner(device, Some(g)),
                    None => {
                        self.out.groups.insert(id, Versioned::first(device, g));
                    }
                }
            }
            Op::MergeGroup(v) => {
                let Some(id) = v.versions.iter().find_map(|x| x.body.as_ref().map(|g| g.id)) else { return Ok(()) };
                match self.group(id)? {
                    Some(mine) => {
                        mine.merge(&v);
                    }
                    None => {
                        self.out.groups.insert(id, v);
                    }
                }
            }
            Op::Staff(s) => {
                let initials = s.initials.clone();
                match self.staff(&initials)? {
                    Some(v) => v.write_over_winner(device, Some(s)),
                    None => {
                        self.out.staff.insert(initials, Versioned::first(device, s));
                    }
                }
            }
            Op::MergeStaff(v) => {
                let Some(initials) = v.versions.iter().find_map(|x| x.body.as_ref().map(|s| s.initials.clone())) else {
                    return Ok(());
                };
                match self.staff(&initials)? {
                    Some(mine) => {
                        mine.merge(&v);
                    }
                    None => {
                        self.out.staff.insert(initials, v);
                    }
                }
            }
            Op::Session(s) => {
                let id = s.id;
                match self.session(id)? {
                    Some(v) => v.write(device, Some(s)),
                    None => {
                        self.out.sessions.insert(id, Versioned::first(device, s));
                    }
                }
            }
            Op::MergeSession(v) => {
                let Some(id) = v.versions.iter().find_map(|x| x.body.as_ref().map(|s| s.id)) else { return Ok(()) };
                match self.session(id)? {
                    Some(mine) => {
                        mine.merge(&v);
                    }
                    None => {
                        self.out.sessions.insert(id, v);
                    }
                }
            }
            Op::Attendance(a) => {
                let (family, session) = (a.family, a.session);
                let doc = self.visit(family, session)?;
                match &mut doc.attendance {
                    Some(v) => v.write(device, Some(a)),
                    None => doc.attendance = Some(Versioned::first(device, a)),
                }
                self.seen(family, session)?;
            }
            Op::Unattend { session, family } => {
                let doc = self.visit(family, session)?;
                if let Some(v) = &mut doc.attendance {
                    v.write(device, None);
                }
                self.recount.insert(family);
            }
            Op::MergeAttendance { session, family, versions } => {
                let doc = self.visit(family, session)?;
                match &mut doc.attendance {
                    Some(v) => {
                        v.merge(&versions);
                    }
                    None => doc.attendance = Some(versions),
                }
                self.recount.insert(family);
            }
            Op::Observation(o) => {
                let doc = self.visit(o.family, o.session)?;
                match doc.notes.iter_mut().find(|n| n.id == o.id) {
                    Some(n) => {
                        n.merge(&o);
                    }
                    None => {
                        doc.notes.push(o);
                        doc.notes.sort_by_key(|n| n.id);
                    }
                }
            }
            Op::Audit(e) => match e.session {
                Some(session) => {
                    let doc = self.visit(e.family, session)?;
                    add_entry(&mut doc.audit, e);
                }
                None => self.family_audit.push(e),
            },
            Op::Meta { key, value } => {
                self.out.meta.insert(key, value);
            }
            Op::MetaFor { name, id, value } => {
                self.out.meta_for.insert((name, id), value);
            }
        }
        Ok(())
    }

    fn family(&mut self, id: Uuid) -> Result<Option<&mut FamilyDoc>, StoreError> {
        if !self.out.families.contains_key(&id) {
            match self.store.get::<FamilyDoc>(TreeId::Families, &self.store.hasher().family(id))? {
                Some(doc) => {
                    self.out.families.insert(id, doc);
                }
                None => return Ok(None),
            }
        }
        Ok(self.out.families.get_mut(&id))
    }

    fn visit(&mut self, family: Uuid, session: Uuid) -> Result<&mut VisitDoc, StoreError> {
        let k = (family, session);
        if !self.out.visits.contains_key(&k) {
            let doc = match self.store.get::<VisitDoc>(TreeId::Visits, &self.store.hasher().visit(family, session))? {
                Some(doc) => doc,
                None => {
                    self.out.new_visits.insert(k);
                    VisitDoc::new(family, session)
                }
            };
            self.out.visits.insert(k, doc);
        }
        Ok(self.out.visits.get_mut(&k).expect("just inserted"))
    }

    fn session(&mut self, id: Uuid) -> Result<Option<&mut Versioned<Session>>, StoreError> {
        if !self.out.sessions.contains_key(&id) {
            match self.store.get::<Versioned<Session>>(TreeId::Sessions, &self.store.hasher().session(id))? {
                Some(v) => {
                    self.out.sessions.insert(id, v);
                }
                None => return Ok(None),
            }
        }
        Ok(self.out.sessions.get_mut(&id))
    }

    fn group(&mut self, id: Uuid) -> Result<Option<&mut Versioned<Group>>, StoreError> {
        if !self.out.groups.contains_key(&id) {
            match self.store.get::<Versioned<Group>>(TreeId::Groups, &self.store.hasher().group(id))? {
                Some(v) => {
                    self.out.groups.insert(id, v);
                }
                None => return Ok(None),
            }
        }
        Ok(self.out.groups.get_mut(&id))
    }

    fn staff(&mut self, initials: &str) -> Result<Option<&mut Versioned<Staff>>, StoreError> {
        if !self.out.staff.contains_key(initials) {
            match self.store.get::<Versioned<Staff>>(TreeId::Staff, &self.store.hasher().staff(initials))? {
                Some(v) => {
                    self.out.staff.insert(initials.to_string(), v);
                }
                None => return Ok(None),
            }
        }
        Ok(self.out.staff.get_mut(initials))
    }

    fn session_date(&mut self, id: Uuid) -> Result<Option<NaiveDate>, StoreError> {
        Ok(self.session(id)?.and_then(|v| v.shown()).map(|s| s.date))
    }

    /// A check-in: the family's first visit is this one if it is earlier.
    fn seen(&mut self, family: Uuid, session: Uuid) -> Result<(), StoreError> {
        let Some(date) = self.session_date(session)? else {
            self.recount.insert(family);
            return Ok(());
        };
        if let Some(doc) = self.family(family)?
            && doc.first_seen.is_none_or(|d| date < d)
        {
            doc.first_seen = Some(date);
        }
        Ok(())
    }

    /// A check-in taken back or merged: the first visit from every visit.
    fn first_seen(&mut self, family: Uuid) -> Result<Option<NaiveDate>, StoreError> {
        let prefix = self.store.hasher().family_visits(family);
        let mut sessions: BTreeSet<Uuid> = BTreeSet::new();
        for doc in self.store.scan::<VisitDoc>(TreeId::Visits, &prefix)? {
            if doc.family == family
                && !self.out.visits.contains_key(&(family, doc.session))
                && doc.shown_attendance().is_some()
            {
                sessions.insert(doc.session);
            }
        }
        let planned: Vec<Uuid> = self
            .out
            .visits
            .values()
            .filter(|d| d.family == family && d.shown_attendance().is_some())
            .map(|d| d.session)
            .collect();
        sessions.extend(planned);
        let mut first = None;
        for s in sessions {
            if let Some(d) = self.session_date(s)? {
                first = Some(first.map_or(d, |f: NaiveDate| f.min(d)));
            }
        }
        Ok(first)
    }

    fn finish(mut self) -> Result<Planned, StoreError> {
        for e in std::mem::take(&mut self.family_audit) {
            let family = e.family;
            match self.family(family)? {
                Some(doc) => add_entry(&mut doc.audit, e),
                None => {
                    return Err(StoreError::Refused(format!(
                        "an audit entry names family {family}, which is not stored"
                    )));
                }
            }
        }
        for family in std::mem::take(&mut self.recount) {
            let first = self.first_seen(family)?;
            if let Some(doc) = self.family(family)? {
                doc.first_seen = first;
            }
        }
        Ok(self.out)
    }
}

/// Entries stay in id order, each once (a merge brings some again).
fn add_entry(list: &mut Vec<AuditEntry>, e: AuditEntry) {
    if let Err(at) = list.binary_search_by_key(&e.id, |x| x.id) {
        list.insert(at, e);
    }
}

impl Planned {
    /// Every touched value under its stored key (clear, not yet sealed).
    pub fn to_raw(&self, h: &KeyHasher) -> Vec<RawOp> {
        let mut out = Vec::new();
        for (key, value) in &self.meta {
            out.push(RawOp::put(TreeId::Meta, key.clone(), value.clone()));
        }
        for ((name, id), value) in &self.meta_for {
            let named = Named { name: name.clone(), id: *id, value: value.clone() };
            out.push(RawOp::put(TreeId::Meta, h.meta(name, *id), codec::encode(&named)));
        }
        for (id, v) in &self.groups {
            out.push(RawOp::put(TreeId::Groups, h.group(*id), codec::encode(v)));
        }
        for (initials, v) in &self.staff {
            out.push(RawOp::put(TreeId::Staff, h.staff(initials), codec::encode(v)));
        }
        for (id, v) in &self.sessions {
            out.push(RawOp::put(TreeId::Sessions, h.session(*id), codec::encode(v)));
        }
        for (id, doc) in &self.families {
            out.push(RawOp::put(TreeId::Families, h.family(*id), codec::encode(doc)));
        }
        for ((family, session), doc) in &self.visits {
            out.push(RawOp::put(TreeId::Visits, h.visit(*family, *session), codec::encode(doc)));
        }
        for (family, session) in &self.new_visits {
            let entry = SessionVisit { session: *session, family: *family };
            out.push(RawOp::put(TreeId::SessionVisits, h.session_visit(*session, *family), codec::encode(&entry)));
        }
        out
    }
}
