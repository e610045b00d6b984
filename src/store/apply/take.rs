//! Each change, onto the values it touches.

use super::{DocKey, Planner, Was};
use crate::domain::{Attendance, AuditEntry, Group, Joined, Merge, Observation, Session, Staff, Version, Versioned};
use crate::store::StoreError;
use crate::store::change::Op;
use crate::store::docs::{FamilyDoc, VisitDoc};
use crate::store::keys::TreeId;
use chrono::NaiveDate;
use uuid::Uuid;

impl Planner<'_> {
    pub(super) fn take(&mut self, op: Op) -> Result<(), StoreError> {
        let device = self.device;
        match op {
            Op::Family(f) | Op::FamilyDecided(f) if self.family(f.id)?.is_none() => {
                let id = f.id;
                self.out.families.insert(id, FamilyDoc::new(id, Versioned::first(device, *f)));
            }
            Op::Family(f) => {
                if let Some(doc) = self.family(f.id)? {
                    doc.family.write_over_winner(device, Some(*f));
                }
            }
            Op::FamilyDecided(f) => {
                if let Some(doc) = self.family(f.id)? {
                    doc.family.write(device, Some(*f));
                }
            }
            Op::MergeFamily(v) => {
                let Some(id) = first_id(&v, |f| f.id) else { return Ok(()) };
                match self.family(id)? {
                    Some(doc) => {
                        if doc.family.merge(&v) {
                            self.out.stats.families_changed += 1;
                        }
                    }
                    None => {
                        self.out.families.insert(id, FamilyDoc::new(id, v));
                        self.out.added_families.push(id);
                        self.out.stats.families_added += 1;
                    }
                }
            }
            Op::Group(g) => {
                let id = g.id;
                if let Some(first) = written(self.group(id)?, device, g, Over::Winner) {
                    self.out.groups.insert(id, first);
                }
            }
            Op::GroupDecided(g) => {
                let id = g.id;
                if let Some(first) = written(self.group(id)?, device, g, Over::All) {
                    self.out.groups.insert(id, first);
                }
            }
            Op::MergeGroup(v) => {
                let Some(id) = first_id(&v, |g| g.id) else { return Ok(()) };
                match merged(self.group(id)?, v) {
                    Merged::New(v) => {
                        self.out.groups.insert(id, v);
                        self.out.stats.groups_added += 1;
                    }
                    Merged::Changed => self.out.stats.groups_changed += 1,
                    Merged::Same => {}
                }
            }
            Op::Staff(s) => {
                let initials = s.initials.clone();
                if let Some(first) = written(self.staff(&initials)?, device, s, Over::Winner) {
                    self.out.staff.insert(initials, first);
                }
            }
            Op::MergeStaff(v) => {
                let Some(initials) = first_id(&v, |s| s.initials.clone()) else { return Ok(()) };
                if let Merged::New(v) = merged(self.staff(&initials)?, v) {
                    self.out.staff.insert(initials, v);
                    self.out.stats.staff_added += 1;
                }
            }
            Op::Session(s) => {
                let id = s.id;
                if let Some(first) = written(self.session(id)?, device, s, Over::All) {
                    self.out.sessions.insert(id, first);
                }
            }
            Op::MergeSession(v) => {
                let Some(id) = first_id(&v, |s| s.id) else { return Ok(()) };
                if let Merged::New(v) = merged(self.session(id)?, v) {
                    self.out.sessions.insert(id, v);
                    self.out.stats.sessions_added += 1;
                }
            }
            Op::Attendance(a) => {
                let a = self.follow_attendance(a)?;
                let (family, session) = (a.family, a.session);
                let doc = self.visit(family, session)?;
                match &mut doc.attendance {
                    Some(v) => v.write(device, Some(a)),
                    None => doc.attendance = Some(Versioned::first(device, a)),
                }
                self.seen(family, session)?;
            }
            Op::CheckIn(a) => {
                let a = self.follow_attendance(a)?;
                if self.visit(a.family, a.session)?.attendance.as_ref().is_some_and(|v| v.read_shown(|_| ()).is_some())
                {
                    self.out.already_in = true;
                } else {
                    self.take(Op::Attendance(a))?;
                }
            }
            Op::Unattend { session, family } => {
                let family = self.target(family)?.map_or(family, |j| j.into);
                let doc = self.visit(family, session)?;
                if let Some(v) = &mut doc.attendance {
                    v.write(device, None);
                }
                self.recount.insert(family);
            }
            Op::MergeAttendance { session, family, versions } => {
                let (family, versions) = match self.target(family)? {
                    Some(j) => (j.into, moved_attendance(&versions, &j)),
                    None => (family, versions),
                };
                let doc = self.visit(family, session)?;
                let (added, changed) = match &mut doc.attendance {
                    Some(v) => (false, v.merge(&versions)),
                    None => {
                        doc.attendance = Some(versions);
                        (true, false)
                    }
                };
                self.out.stats.attendance_added += usize::from(added);
                self.out.stats.attendance_changed += usize::from(changed);
                // A bundle brings every attendance again: only a new or changed one
                // can move the first visit (recounting all read every family's visits).
                if added || changed {
                    self.recount.insert(family);
                }
            }
            Op::Observation(o) => {
                let o = self.follow_note(*o)?;
                let (added, changed) = merge_note(self.visit(o.family, o.session)?, o);
                self.out.stats.notes_added += usize::from(added);
                self.out.stats.notes_changed += usize::from(changed);
            }
            Op::Audit(e) => {
                let e = self.follow_entry(e)?;
                let added = match e.session {
                    Some(session) => add_entry(&mut self.visit(e.family, session)?.audit, e),
                    None => {
                        self.family_audit.push(e);
                        false
                    }
                };
                self.out.stats.audit_added += usize::from(added);
            }
            Op::Meta { key, value } => {
                self.out.meta.insert(key, value);
            }
            Op::MetaFor { name, id, value } => {
                self.out.meta_for.insert((name, id), value);
            }
        }
        Ok(())
    }

    /// The family's value, read once (None: no such family yet).
    pub(super) fn family(&mut self, id: Uuid) -> Result<Option<&mut FamilyDoc>, StoreError> {
        if !self.out.families.contains_key(&id) {
            let key = self.store.hasher().family(id);
            let stored = match self.stored_families.as_mut().and_then(|all| all.take(&key)) {
                Some(found) => found.map(|(print, doc)| {
                    self.out.read.insert(DocKey::Family(id), print);
                    doc
                }),
                None => self.read::<FamilyDoc>(TreeId::Families, key, DocKey::Family(id))?,
            };
            match stored {
                Some(doc) => {
                    let was = doc.family.read_shown(|f| Was { joined: f.joined_into.is_some(), erased: f.is_erased() });
                    self.before.insert(id, was);
                    self.out.families.insert(id, doc);
                }
                None => {
                    self.before.insert(id, None);
                    return Ok(None);
                }
            }
        }
        Ok(self.out.families.get_mut(&id))
    }

    /// The visit's value, read once, or a new one.
    pub(super) fn visit(&mut self, family: Uuid, session: Uuid) -> Result<&mut VisitDoc, StoreError> {
        let k = (family, session);
        if !self.out.visits.contains_key(&k) {
            let key = self.store.hasher().visit(family, session);
            let stored = match self.stored_visits.as_mut().and_then(|all| all.take(&key)) {
                Some(found) => found.map(|(print, doc)| {
                    self.out.read.insert(DocKey::Visit(family, session), print);
                    doc
                }),
                // A small change (a check-in, a note) asks the session's list,
                // kept in memory, before looking a visit up.
                None if self.small && !self.store.lists_visit(family, session)? => None,
                None => self.read::<VisitDoc>(TreeId::Visits, key, DocKey::Visit(family, session))?,
            };
            let doc = match stored {
                Some(doc) => doc,
                None => {
                    self.out.new_visits.insert(k);
                    VisitDoc::new(family, session)
                }
            };
            self.out.visits.insert(k, doc);
        }
        self.out.removed_visits.remove(&k);
        Ok(self.out.visits.get_mut(&k).expect("just inserted"))
    }

    pub(super) fn session(&mut self, id: Uuid) -> Result<Option<&mut Versioned<Session>>, StoreError> {
        if !self.out.sessions.contains_key(&id) {
            match self.read::<Versioned<Session>>(
                TreeId::Sessions,
                self.store.hasher().session(id),
                DocKey::Session(id),
            )? {
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
            match self.read::<Versioned<Group>>(TreeId::Groups, self.store.hasher().group(id), DocKey::Group(id))? {
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
            let (key, doc) = (self.store.hasher().staff(initials), DocKey::Staff(initials.to_string()));
            match self.read::<Versioned<Staff>>(TreeId::Staff, key, doc)? {
                Some(v) => {
                    self.out.staff.insert(initials.to_string(), v);
                }
                None => return Ok(None),
            }
        }
        Ok(self.out.staff.get_mut(initials))
    }

    /// A stored value, noting what it was so an unchanged one is not written back.
    fn read<T: serde::de::DeserializeOwned>(
        &mut self,
        t: TreeId,
        key: Vec<u8>,
        doc: DocKey,
    ) -> Result<Option<T>, StoreError> {
        match self.store.get_clear(t, &key)? {
            Some(clear) => {
                self.out.read.insert(doc, super::fingerprint(&clear));
                crate::store::codec::decode(t.name(), &key, &clear).map(Some)
            }
            None => Ok(None),
        }
    }

    /// A session's date (a session's date never changes: its id follows from
    /// it). Read without taking the session into the change, which would
    /// encode it again to see that it had not changed.
    pub(super) fn session_date(&mut self, id: Uuid) -> Result<Option<NaiveDate>, StoreError> {
        if let Some(v) = self.out.sessions.get(&id) {
            return Ok(v.read_shown(|s| s.date));
        }
        if let Some(date) = self.dates.get(&id) {
            return Ok(*date);
        }
        let stored = self.store.get::<Versioned<Session>>(TreeId::Sessions, &self.store.hasher().session(id))?;
        let date = stored.and_then(|v| v.read_shown(|s| s.date));
        self.dates.insert(id, date);
        Ok(date)
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

    /// Where a family's records go: the family it was joined into, if a person
    /// confirmed it is the same as another (followed to the end of a chain).
    pub(super) fn target(&mut self, family: Uuid) -> Result<Option<Joined>, StoreError> {
        let mut at = family;
        let mut found: Option<Joined> = None;
        for _ in 0..8 {
            let next = self.family(at)?.and_then(|d| d.family.read_shown(|f| f.joined_into.clone())).flatten();
            match next {
                Some(j) => {
                    at = j.into;
                    found = Some(match found {
                        // A chain: each person mapped through every step.
                        Some(prev) => Joined {
                            into: j.into,
                            people: prev.people.iter().map(|(from, to)| (*from, j.person(*to))).collect(),
                        },
                        None => j,
                    });
                }
                None => break,
            }
        }
        Ok(found)
    }

    fn follow_attendance(&mut self, a: Attendance) -> Result<Attendance, StoreError> {
        Ok(match self.target(a.family)? {
            Some(j) => moved(a, &j),
            None => a,
        })
    }

    fn follow_note(&mut self, o: Observation) -> Result<Observation, StoreError> {
        Ok(match self.target(o.family)? {
            Some(j) => moved_note(o, &j),
            None => o,
        })
    }

    fn follow_entry(&mut self, mut e: AuditEntry) -> Result<AuditEntry, StoreError> {
        if let Some(j) = self.target(e.family)? {
            e.family = j.into;
        }
        Ok(e)
    }
}

impl FamilyDoc {
    pub fn new(id: Uuid, family: Versioned<crate::domain::Family>) -> FamilyDoc {
        FamilyDoc { id, family, audit: vec![], first_seen: None }
    }
}

/// Which versions a local write goes over: the one shown (others' concurrent
/// versions stay for a person), or every one held (a person decided, or the
/// record joins rather than conflicts).
enum Over {
    Winner,
    All,
}

/// A local write onto the versions held; a record's first version when none are.
fn written<T: Merge>(held: Option<&mut Versioned<T>>, device: Uuid, body: T, over: Over) -> Option<Versioned<T>> {
    match (held, over) {
        (Some(v), Over::Winner) => v.write_over_winner(device, Some(body)),
        (Some(v), Over::All) => v.write(device, Some(body)),
        (None, _) => return Some(Versioned::first(device, body)),
    }
    None
}

/// What another laptop's versions did to those held.
enum Merged<T> {
    /// None were held: these are the record here now.
    New(Versioned<T>),
    Changed,
    Same,
}

fn merged<T: Merge>(held: Option<&mut Versioned<T>>, incoming: Versioned<T>) -> Merged<T> {
    match held {
        Some(v) => {
            if v.merge(&incoming) {
                Merged::Changed
            } else {
                Merged::Same
            }
        }
        None => Merged::New(incoming),
    }
}

/// The id every version of a record gives.
fn first_id<T: Merge, K>(v: &Versioned<T>, id: impl Fn(&T) -> K) -> Option<K> {
    v.versions.iter().find_map(|x| x.body.as_ref().map(&id))
}

/// A note joined with what is stored; (added, changed).
pub(super) fn merge_note(doc: &mut VisitDoc, o: Observation) -> (bool, bool) {
    match doc.notes.iter_mut().find(|n| n.id == o.id) {
        Some(n) => (false, n.merge(&o)),
        None => {
            doc.notes.push(o);
            doc.notes.sort_by_key(|n| n.id);
            (true, false)
        }
    }
}

/// Entries stay in id order, each once (a merge brings some again). True when added.
pub(super) fn add_entry(list: &mut Vec<AuditEntry>, e: AuditEntry) -> bool {
    match list.binary_search_by_key(&e.id, |x| x.id) {
        Ok(_) => false,
        Err(at) => {
            list.insert(at, e);
            true
        }
    }
}

/// An attendance of a joined family, as the family it joined holds it.
pub(super) fn moved(mut a: Attendance, j: &Joined) -> Attendance {
    a.family = j.into;
    a.carers = a.carers.iter().map(|c| j.person(*c)).collect();
    a.babies = a.babies.iter().map(|b| j.person(*b)).collect();
    a.carers.dedup();
    a.babies.dedup();
    a
}

pub(super) fn moved_attendance(v: &Versioned<Attendance>, j: &Joined) -> Versioned<Attendance> {
    Versioned {
        versions: v
            .versions
            .iter()
            .map(|x| Version { clock: x.clock.clone(), by: x.by, body: x.body.clone().map(|a| moved(a, j)) })
            .collect(),
    }
}

pub(super) fn moved_note(mut o: Observation, j: &Joined) -> Observation {
    o.family = j.into;
    for r in &mut o.revisions {
        r.baby = r.baby.map(|b| j.person(b));
    }
    o
}
