//! What a facilitator does, as commits: each returns only after its change is on disk.

use super::{Change, Store, StoreError};
use crate::domain::*;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

impl Store {
    /// The group's session on `day`, made (and committed) if there is none yet.
    pub fn open_session(
        &self,
        group: Uuid,
        day: NaiveDate,
        initials: &str,
        now: DateTime<Utc>,
    ) -> Result<Session, StoreError> {
        if let Some(mut s) = self.session_on(group, day)? {
            if !initials.is_empty() && !s.facilitators.iter().any(|f| f == initials) {
                s.facilitators.push(initials.to_string());
                s.stamp.touch(now, self.device());
                let mut c = Change::default();
                c.put_session(&s);
                self.commit(c)?;
            }
            return Ok(s);
        }
        let s = Session {
            id: new_id(now),
            group,
            date: day,
            facilitators: if initials.is_empty() { vec![] } else { vec![initials.to_string()] },
            stamp: Stamp::new(now, self.device()),
        };
        let mut c = Change::default();
        c.put_session(&s);
        self.commit(c)?;
        Ok(s)
    }

    /// Checks a family in with all its carers and babies. Returns the stored
    /// attendance; `Ok(None)` when the family was already checked in.
    pub fn check_in(
        &self,
        session: &Session,
        family: &Family,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Attendance>, StoreError> {
        if self.attendance(session.id, family.id)?.is_some() {
            return Ok(None);
        }
        let a = new_attendance(session, family, by, now, self.device());
        let mut c = Change::default();
        c.put_attendance(&a);
        self.commit(c)?;
        Ok(Some(a))
    }

    /// A walk-in: the new family and its check-in, in one commit.
    pub fn add_walk_in(
        &self,
        session: &Session,
        family: &Family,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Attendance, StoreError> {
        let mut a = new_attendance(session, family, by, now, self.device());
        a.walk_in = true;
        let mut c = Change::default();
        c.put_family(family);
        c.put_attendance(&a);
        self.commit(c)?;
        Ok(a)
    }

    pub fn check_out(&self, a: &Attendance, now: DateTime<Utc>) -> Result<Attendance, StoreError> {
        let mut out = a.clone();
        out.checked_out = Some(now);
        out.stamp.touch(now, self.device());
        let mut c = Change::default();
        c.put_attendance(&out);
        self.commit(c)?;
        Ok(out)
    }

    /// Takes back a check-in made by mistake.
    pub fn undo_check_in(&self, a: &Attendance) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.remove_attendance(a);
        self.commit(c)
    }

    pub fn save_family(&self, f: &Family) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.put_family(f);
        self.commit(c)
    }

    pub fn save_group(&self, g: &Group) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.put_group(g);
        self.commit(c)
    }

    pub fn save_observation(&self, o: &Observation) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.put_observation(o);
        self.commit(c)
    }
}

fn new_attendance(session: &Session, family: &Family, by: &str, now: DateTime<Utc>, device: Uuid) -> Attendance {
    Attendance {
        session: session.id,
        family: family.id,
        checked_in: now,
        checked_out: None,
        carers: family.carers.iter().map(|c| c.id).collect(),
        babies: family.babies.iter().map(|b| b.id).collect(),
        walk_in: !family.groups.contains(&session.group),
        by: by.to_string(),
        stamp: Stamp::new(now, device),
    }
}
