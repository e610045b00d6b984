//! Typed reads over the trees.

use super::keys::{self, TreeId};
use super::{Store, StoreError};
use crate::domain::{Attendance, AuditEntry, Family, Group, Observation, Session, Staff, fold::fold};
use chrono::NaiveDate;
use uuid::Uuid;

impl Store {
    pub fn family(&self, id: Uuid) -> Result<Option<Family>, StoreError> {
        self.get(TreeId::Families, &keys::id(id))
    }

    pub fn families(&self) -> Result<Vec<Family>, StoreError> {
        self.scan_all(TreeId::Families)
    }

    /// Up to `limit` families after `after`, in id order.
    pub fn families_after(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Family>, StoreError> {
        self.scan_after(TreeId::Families, after.map(keys::id).as_deref(), limit)
    }

    /// The families last found expected at `group` (see `META_EXPECTED`).
    pub fn expected_hint(&self, group: Uuid) -> Result<Vec<Uuid>, StoreError> {
        Ok(self.meta::<Vec<Uuid>>(&keys::expected_hint(group))?.unwrap_or_default())
    }

    pub fn set_expected_hint(&self, group: Uuid, families: &[Uuid]) -> Result<(), StoreError> {
        self.set_meta(&keys::expected_hint(group), &families)
    }

    pub fn groups(&self) -> Result<Vec<Group>, StoreError> {
        self.scan(TreeId::Groups, &[])
    }

    pub fn group(&self, id: Uuid) -> Result<Option<Group>, StoreError> {
        self.get(TreeId::Groups, &keys::id(id))
    }

    /// A group by name, ignoring case and accents.
    pub fn group_named(&self, name: &str) -> Result<Option<Group>, StoreError> {
        let want = fold(name);
        Ok(self.groups()?.into_iter().find(|g| fold(&g.name) == want))
    }

    pub fn session(&self, id: Uuid) -> Result<Option<Session>, StoreError> {
        self.get(TreeId::Sessions, &keys::id(id))
    }

    pub fn sessions(&self) -> Result<Vec<Session>, StoreError> {
        self.scan(TreeId::Sessions, &[])
    }

    /// A group's sessions, oldest first (the index sorts by date).
    pub fn sessions_of(&self, group: Uuid) -> Result<Vec<Session>, StoreError> {
        let mut out = Vec::new();
        for key in self.keys(TreeId::SessionsByGroup, group.as_bytes())? {
            if let Some(id) = keys::uuid_at(&key, 24)
                && let Some(s) = self.session(id)?
            {
                out.push(s);
            }
        }
        Ok(out)
    }

    pub fn session_on(&self, group: Uuid, day: NaiveDate) -> Result<Option<Session>, StoreError> {
        let mut prefix = group.as_bytes().to_vec();
        prefix.extend_from_slice(&keys::date(day));
        for key in self.keys(TreeId::SessionsByGroup, &prefix)? {
            if let Some(id) = keys::uuid_at(&key, 24) {
                return self.session(id);
            }
        }
        Ok(None)
    }

    pub fn attendance(&self, session: Uuid, family: Uuid) -> Result<Option<Attendance>, StoreError> {
        self.get(TreeId::Attendance, &keys::attendance(session, family))
    }

    pub fn attendance_of_session(&self, session: Uuid) -> Result<Vec<Attendance>, StoreError> {
        self.scan(TreeId::Attendance, session.as_bytes())
    }

    pub fn all_attendance(&self) -> Result<Vec<Attendance>, StoreError> {
        self.scan(TreeId::Attendance, &[])
    }

    /// A family's attendances, through the index.
    pub fn attendance_of_family(&self, family: Uuid) -> Result<Vec<Attendance>, StoreError> {
        let mut out = Vec::new();
        for key in self.keys(TreeId::AttendanceByFamily, family.as_bytes())? {
            if let Some(session) = keys::uuid_at(&key, 16)
                && let Some(a) = self.attendance(session, family)?
            {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Every observation of a family, oldest session first, deleted ones included.
    pub fn observations_of_family(&self, family: Uuid) -> Result<Vec<Observation>, StoreError> {
        self.scan(TreeId::Observations, family.as_bytes())
    }

    pub fn observations_at(&self, family: Uuid, session: Uuid) -> Result<Vec<Observation>, StoreError> {
        let mut prefix = family.as_bytes().to_vec();
        prefix.extend_from_slice(session.as_bytes());
        self.scan(TreeId::Observations, &prefix)
    }

    pub fn all_observations(&self) -> Result<Vec<Observation>, StoreError> {
        self.scan(TreeId::Observations, &[])
    }

    pub fn staff(&self) -> Result<Vec<Staff>, StoreError> {
        self.scan(TreeId::Staff, &[])
    }

    /// A family's audit trail, oldest first (entry ids are time-ordered, and in
    /// the order they were written within a millisecond).
    pub fn audit_of_family(&self, family: Uuid) -> Result<Vec<AuditEntry>, StoreError> {
        self.scan(TreeId::Audit, family.as_bytes())
    }

    /// The whole audit trail, oldest first.
    pub fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut all: Vec<AuditEntry> = self.scan(TreeId::Audit, &[])?;
        all.sort_by_key(|e| e.id);
        Ok(all)
    }
}
