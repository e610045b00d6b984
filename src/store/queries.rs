//! Typed reads. Each record is shown as every laptop shows it (see
//! `domain::version`): the winning version, or concurrent ones joined.

use super::docs::{FamilyDoc, Named, SessionVisit, VisitDoc};
use super::keys::TreeId;
use super::{META_EXPECTED, Store, StoreError, codec};
use crate::domain::fold::fold;
use crate::domain::{Attendance, AuditEntry, Family, Group, Observation, Session, Staff, Versioned};
use chrono::NaiveDate;
use std::collections::HashMap;
use uuid::Uuid;

/// A family at one session: what the family's history is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub session: Uuid,
    pub attendance: Option<Attendance>,
    /// Deleted notes included.
    pub notes: Vec<Observation>,
    pub audit: Vec<AuditEntry>,
}

/// Something that waits for a person on this laptop (see `apply::pending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pending {
    pub kind: u8,
    pub a: Uuid,
    pub b: Uuid,
}

/// Where a piecewise read of every family has got to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor(Option<Vec<u8>>);

impl Store {
    pub(crate) fn family_doc(&self, id: Uuid) -> Result<Option<FamilyDoc>, StoreError> {
        self.get(TreeId::Families, &self.hasher().family(id))
    }

    /// The stored key of a family's value (for tests that damage a store on purpose).
    #[doc(hidden)]
    pub fn family_key(&self, id: Uuid) -> Vec<u8> {
        self.hasher().family(id)
    }

    pub fn family(&self, id: Uuid) -> Result<Option<Family>, StoreError> {
        Ok(self.family_doc(id)?.and_then(|d| d.family.shown()))
    }

    /// Every version of a family this laptop holds (several while a conflict waits).
    pub fn family_versions(&self, id: Uuid) -> Result<Option<Versioned<Family>>, StoreError> {
        Ok(self.family_doc(id)?.map(|d| d.family))
    }

    /// Every family, in id order.
    pub fn families(&self) -> Result<Vec<Family>, StoreError> {
        let mut all: Vec<Family> =
            self.scan_all::<FamilyDoc>(TreeId::Families)?.into_iter().filter_map(|d| d.family.shown()).collect();
        all.sort_by_key(|f| f.id);
        Ok(all)
    }

    /// Up to `limit` families after `cursor` (in the store's order, which is no
    /// order a reader can use), and where to go on from.
    pub fn families_after(&self, cursor: &Cursor, limit: usize) -> Result<(Vec<Family>, Cursor), StoreError> {
        let (docs, last) = self.scan_after::<FamilyDoc>(TreeId::Families, cursor.0.as_deref(), limit)?;
        let next = Cursor(last.or_else(|| cursor.0.clone()));
        Ok((docs.into_iter().filter_map(|d| d.family.shown()).collect(), next))
    }

    /// Whether the family came to any session before `day` (at any group),
    /// without reading its visits.
    pub fn came_before(&self, family: Uuid, day: NaiveDate) -> Result<bool, StoreError> {
        Ok(self.family_doc(family)?.and_then(|d| d.first_seen).is_some_and(|first| first < day))
    }

    /// The families last found expected at `group` (see `META_EXPECTED`).
    pub fn expected_hint(&self, group: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let named: Option<Named<Vec<u8>>> = self.get(TreeId::Meta, &self.hasher().meta(META_EXPECTED, group))?;
        match named {
            Some(n) => codec::decode("meta", META_EXPECTED, &n.value),
            None => Ok(vec![]),
        }
    }

    pub fn set_expected_hint(&self, group: Uuid, families: &[Uuid]) -> Result<(), StoreError> {
        let mut c = super::Change::default();
        c.put_meta_for(META_EXPECTED, group, &families.to_vec());
        self.commit(c)
    }

    /// Every group, in id order.
    pub fn groups(&self) -> Result<Vec<Group>, StoreError> {
        let mut all: Vec<Group> =
            self.scan_all::<Versioned<Group>>(TreeId::Groups)?.iter().filter_map(Versioned::shown).collect();
        all.sort_by_key(|g| g.id);
        Ok(all)
    }

    pub fn group(&self, id: Uuid) -> Result<Option<Group>, StoreError> {
        Ok(self.get::<Versioned<Group>>(TreeId::Groups, &self.hasher().group(id))?.and_then(|v| v.shown()))
    }

    /// A group by name, ignoring case and accents.
    pub fn group_named(&self, name: &str) -> Result<Option<Group>, StoreError> {
        let want = fold(name);
        Ok(self.groups()?.into_iter().find(|g| fold(&g.name) == want))
    }

    pub fn session(&self, id: Uuid) -> Result<Option<Session>, StoreError> {
        Ok(self.get::<Versioned<Session>>(TreeId::Sessions, &self.hasher().session(id))?.and_then(|v| v.shown()))
    }

    /// Every session, in id order.
    pub fn sessions(&self) -> Result<Vec<Session>, StoreError> {
        let mut all: Vec<Session> =
            self.scan_all::<Versioned<Session>>(TreeId::Sessions)?.iter().filter_map(Versioned::shown).collect();
        all.sort_by_key(|s| s.id);
        Ok(all)
    }

    /// A group's sessions, oldest first.
    pub fn sessions_of(&self, group: Uuid) -> Result<Vec<Session>, StoreError> {
        let mut out: Vec<Session> = self.sessions()?.into_iter().filter(|s| s.group == group).collect();
        out.sort_by_key(|s| s.date);
        Ok(out)
    }

    /// The group's session on `day`: its id follows from the two.
    pub fn session_on(&self, group: Uuid, day: NaiveDate) -> Result<Option<Session>, StoreError> {
        self.session(Session::id_for(group, day))
    }

    pub(crate) fn visit_doc(&self, family: Uuid, session: Uuid) -> Result<Option<VisitDoc>, StoreError> {
        self.get(TreeId::Visits, &self.hasher().visit(family, session))
    }

    /// Whether the session lists a visit by the family. A visit is stored if
    /// and only if its session lists it, so a check-in knows a new visit is
    /// new without looking it up.
    pub(crate) fn lists_visit(&self, family: Uuid, session: Uuid) -> Result<bool, StoreError> {
        let h = self.hasher();
        self.holds_key(TreeId::SessionVisits, &h.session_visits(session), &h.session_visit(session, family))
    }

    /// Whether tree `t` holds `key`, which starts with `prefix`: from the
    /// keys under `prefix`, read whole the first time and then kept in memory
    /// (see `hot.rs`). For a short list asked about often.
    pub(crate) fn holds_key(&self, t: TreeId, prefix: &[u8], key: &[u8]) -> Result<bool, StoreError> {
        let tree = t.index() as u8;
        if let Some(held) = self.hot.listed(tree, prefix, key) {
            return Ok(held);
        }
        let ticket = self.hot.ticket();
        let keys = self
            .tree(t)
            .scan_prefix(prefix)
            .keys()
            .map(|k| k.map(|k| k.to_vec()))
            .collect::<Result<std::collections::HashSet<_>, _>>()
            .map_err(|e| self.read_error(e))?;
        let held = keys.contains(key);
        self.hot.keep_list(tree, prefix, keys, ticket);
        Ok(held)
    }

    /// A family's visits, in session id order.
    pub(crate) fn visit_docs_of_family(&self, family: Uuid) -> Result<Vec<VisitDoc>, StoreError> {
        let mut docs: Vec<VisitDoc> = self.scan(TreeId::Visits, &self.hasher().family_visits(family))?;
        // The prefix is 8 bytes of a hash: another family could share it.
        docs.retain(|d| d.family == family);
        docs.sort_by_key(|d| d.session);
        Ok(docs)
    }

    /// A session's visits, in family id order.
    pub(crate) fn visit_docs_of_session(&self, session: Uuid) -> Result<Vec<VisitDoc>, StoreError> {
        let entries: Vec<SessionVisit> = self.scan(TreeId::SessionVisits, &self.hasher().session_visits(session))?;
        let mut docs = Vec::with_capacity(entries.len());
        for e in entries.iter().filter(|e| e.session == session) {
            if let Some(doc) = self.visit_doc(e.family, session)? {
                docs.push(doc);
            }
        }
        docs.sort_by_key(|d| d.family);
        Ok(docs)
    }

    /// A session's visits in one pass, each with its family: who came and what
    /// was written. Cheaper than asking each family on the roster, most of whom
    /// have no visit that day.
    pub fn visits_of_session(&self, session: Uuid) -> Result<Vec<(Uuid, Visit)>, StoreError> {
        Ok(self
            .visit_docs_of_session(session)?
            .into_iter()
            .map(|d| {
                let attendance = d.shown_attendance();
                (d.family, Visit { session: d.session, attendance, notes: d.notes, audit: d.audit })
            })
            .collect())
    }

    /// A family's history: every session it came to or was written about at.
    pub fn visits_of_family(&self, family: Uuid) -> Result<Vec<Visit>, StoreError> {
        Ok(self
            .visit_docs_of_family(family)?
            .into_iter()
            .map(|d| Visit { session: d.session, attendance: d.shown_attendance(), notes: d.notes, audit: d.audit })
            .collect())
    }

    pub fn attendance(&self, session: Uuid, family: Uuid) -> Result<Option<Attendance>, StoreError> {
        Ok(self.visit_doc(family, session)?.and_then(|d| d.shown_attendance()))
    }

    pub fn attendance_of_session(&self, session: Uuid) -> Result<Vec<Attendance>, StoreError> {
        Ok(self.visit_docs_of_session(session)?.iter().filter_map(VisitDoc::shown_attendance).collect())
    }

    /// Every visit value, opened on every core.
    fn all_visits(&self) -> Result<Vec<VisitDoc>, StoreError> {
        let mut docs: Vec<VisitDoc> = self.scan_all(TreeId::Visits)?;
        docs.sort_by_key(|d| (d.family, d.session));
        Ok(docs)
    }

    /// Every attendance, by family then session.
    pub fn all_attendance(&self) -> Result<Vec<Attendance>, StoreError> {
        Ok(self.all_visits()?.iter().filter_map(VisitDoc::shown_attendance).collect())
    }

    /// A family's attendances, oldest session id first.
    pub fn attendance_of_family(&self, family: Uuid) -> Result<Vec<Attendance>, StoreError> {
        Ok(self.visit_docs_of_family(family)?.iter().filter_map(VisitDoc::shown_attendance).collect())
    }

    /// Every observation of a family, by session then id, deleted ones included.
    pub fn observations_of_family(&self, family: Uuid) -> Result<Vec<Observation>, StoreError> {
        Ok(self.visit_docs_of_family(family)?.into_iter().flat_map(|d| d.notes).collect())
    }

    pub fn observations_at(&self, family: Uuid, session: Uuid) -> Result<Vec<Observation>, StoreError> {
        Ok(self.visit_doc(family, session)?.map(|d| d.notes).unwrap_or_default())
    }

    /// Every observation, by family, session and id.
    pub fn all_observations(&self) -> Result<Vec<Observation>, StoreError> {
        Ok(self.all_visits()?.into_iter().flat_map(|d| d.notes).collect())
    }

    /// A family's live notes whose concern is still open, newest first: what a
    /// facilitator must see when the family comes in.
    pub fn open_concerns(&self, family: Uuid) -> Result<Vec<Observation>, StoreError> {
        let mut open: Vec<Observation> =
            self.observations_of_family(family)?.into_iter().filter(|o| o.open_concern().is_some()).collect();
        open.sort_by_key(|o| std::cmp::Reverse(o.at));
        Ok(open)
    }

    /// Every staff member, by initials.
    pub fn staff(&self) -> Result<Vec<Staff>, StoreError> {
        let mut all: Vec<Staff> =
            self.scan_all::<Versioned<Staff>>(TreeId::Staff)?.iter().filter_map(Versioned::shown).collect();
        all.sort_by(|a, b| a.initials.cmp(&b.initials));
        Ok(all)
    }

    /// A family's audit trail, oldest first (entry ids are time-ordered, and in
    /// the order they were written within a millisecond).
    pub fn audit_of_family(&self, family: Uuid) -> Result<Vec<AuditEntry>, StoreError> {
        let mut all = self.family_doc(family)?.map(|d| d.audit).unwrap_or_default();
        for d in self.visit_docs_of_family(family)? {
            all.extend(d.audit);
        }
        all.sort_by_key(|e| e.id);
        Ok(all)
    }

    /// A family's audit entries not tied to a session (added, changed, erased).
    pub fn family_audit(&self, family: Uuid) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(self.family_doc(family)?.map(|d| d.audit).unwrap_or_default())
    }

    /// The whole audit trail, oldest first.
    pub fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut all: Vec<AuditEntry> =
            self.scan_all::<FamilyDoc>(TreeId::Families)?.into_iter().flat_map(|d| d.audit).collect();
        all.extend(self.all_visits()?.into_iter().flat_map(|d| d.audit));
        all.sort_by_key(|e| e.id);
        Ok(all)
    }

    /// Everything that waits for a person on this laptop, in a fixed order.
    pub fn pending(&self) -> Result<Vec<Pending>, StoreError> {
        let mut out: Vec<Pending> = self
            .scan_all::<Named<Vec<u8>>>(TreeId::Pending)?
            .into_iter()
            .map(|n| Pending {
                kind: n.name.first().copied().unwrap_or(0),
                a: n.id,
                b: n.name.get(1..17).and_then(|b| Uuid::from_slice(b).ok()).unwrap_or_default(),
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// Each session's date, for telling first visits from returns.
    pub fn session_dates(&self) -> Result<HashMap<Uuid, NaiveDate>, StoreError> {
        Ok(self.sessions()?.into_iter().map(|s| (s.id, s.date)).collect())
    }

    /// Every version of a group this laptop holds (several while a conflict waits).
    pub fn group_versions(&self, id: Uuid) -> Result<Option<Versioned<Group>>, StoreError> {
        self.get(TreeId::Groups, &self.hasher().group(id))
    }
}
