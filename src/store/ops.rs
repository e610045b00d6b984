//! What a facilitator does, as commits: each returns only after its change is on disk.

use super::change::Op;
use super::{Change, Store, StoreError, apply};
use crate::domain::audit;
use crate::domain::*;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use uuid::Uuid;

impl Store {
    /// The group's session on `day`, made (and committed) if there is none
    /// yet. Its id follows from the group and the day, so two laptops that
    /// open it separately open the same session.
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
        let facilitators = if initials.is_empty() { vec![] } else { vec![initials.to_string()] };
        let s = Session::new(group, day, facilitators, Stamp::new(now, self.device()));
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
        refuse_erased(family)?;
        let a = new_attendance(session, family, by, now, self.device());
        let mut c = Change::default();
        // Whether the family is in already is found as the change is worked
        // out, from the same read of its visit.
        c.push(Op::CheckIn(a.clone()));
        let entry = self.audit_entry(family.id, AuditAction::CheckedIn, now, by).at_session(session.id);
        c.audit(&if a.walk_in { entry.detail(Detail::WalkIn) } else { entry });
        let planned = apply::planned(self, c)?;
        if planned.already_in {
            return Ok(None);
        }
        self.write_raw(planned.to_raw(self.hasher(), self.tracks_outbox()))?;
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
        refuse_erased(family)?;
        let mut a = new_attendance(session, family, by, now, self.device());
        a.walk_in = true;
        let mut c = Change::default();
        c.put_family(family);
        c.put_attendance(&a);
        for action in [AuditAction::FamilyAdded, AuditAction::CheckedIn] {
            c.audit(&self.audit_entry(family.id, action, now, by).at_session(session.id).detail(Detail::WalkIn));
        }
        self.commit(c)?;
        Ok(a)
    }

    pub fn check_out(&self, a: &Attendance, now: DateTime<Utc>) -> Result<Attendance, StoreError> {
        self.set_time_out(a, Some(now), AuditAction::CheckedOut, now)
    }

    /// A family who left comes back the same day: the time out is cleared, and
    /// the audit trail keeps when they had left.
    pub fn check_back_in(&self, a: &Attendance, now: DateTime<Utc>) -> Result<Attendance, StoreError> {
        self.set_time_out(a, None, AuditAction::CheckedBackIn, now)
    }

    fn set_time_out(
        &self,
        a: &Attendance,
        out: Option<DateTime<Utc>>,
        action: AuditAction,
        now: DateTime<Utc>,
    ) -> Result<Attendance, StoreError> {
        let mut changed = a.clone();
        changed.checked_out = out;
        changed.stamp.touch(now, self.device());
        let mut c = Change::default();
        c.put_attendance(&changed);
        c.audit(&self.audit_entry(a.family, action, now, "").at_session(a.session));
        self.commit(c)?;
        Ok(changed)
    }

    /// Takes back a check-in made by mistake, `now` by the app's clock. The
    /// attendance becomes a tombstone, so a merge cannot bring it back.
    pub fn undo_check_in(&self, a: &Attendance, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.remove_attendance(a);
        c.audit(&self.audit_entry(a.family, AuditAction::CheckInUndone, now, "").at_session(a.session));
        self.commit(c)
    }

    /// Saves a family; the audit trail names the fields that changed (never
    /// their values). An erased family cannot be filled in again.
    pub fn save_family(&self, f: &Family) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.put_family(f);
        match self.family(f.id)? {
            None => {
                c.audit(&self.audit_entry(f.id, AuditAction::FamilyAdded, f.stamp.updated, ""));
            }
            Some(old) => {
                refuse_erased(&old)?;
                let changes = audit::family_changes(&old, f);
                if !changes.is_empty() {
                    let entry = self.audit_entry(f.id, AuditAction::FamilyChanged, f.stamp.updated, "");
                    c.audit(&entry.details(changes.into_iter().map(Detail::Field)));
                }
            }
        }
        self.commit(c)
    }

    pub fn save_group(&self, g: &Group) -> Result<(), StoreError> {
        let mut c = Change::default();
        c.put_group(g);
        self.commit(c)
    }

    /// Saves an observation: new, edited (a revision added), deleted (a
    /// tombstone set) or its concern resolved, each with its audit entry in
    /// the same commit.
    pub fn save_observation(&self, o: &Observation) -> Result<(), StoreError> {
        let old = self.observations_at(o.family, o.session)?.into_iter().find(|x| x.id == o.id);
        // A new note, or a change to an erased one, for an erased family: refused.
        if (old.is_none() || old.as_ref().is_some_and(|old| old.erased.is_some()))
            && let Some(f) = self.family(o.family)?
        {
            refuse_erased(&f)?;
        }
        let mut c = Change::default();
        c.put_observation(o);
        if let Some((action, details)) = audit::observation_change(old.as_ref(), o) {
            let (at, by) = match action {
                AuditAction::NoteAdded => (o.at, o.author.as_str()),
                AuditAction::NoteDeleted => o.deleted.as_ref().map_or((o.stamp.updated, ""), |t| (t.at, t.by.as_str())),
                AuditAction::NoteEdited => (o.current().at, o.current().by.as_str()),
                AuditAction::ConcernResolved => {
                    o.resolutions.last().map_or((o.stamp.updated, ""), |r| (r.at, r.by.as_str()))
                }
                _ => (o.stamp.updated, ""),
            };
            let entry = self.audit_entry(o.family, action, at, by).at_session(o.session).about_note(o.id);
            c.audit(&entry.details(details));
        }
        self.commit(c)
    }

    /// Marks a note's open concern as dealt with, by `by`, now. The note's
    /// history keeps who and when; the concern stops showing as open.
    pub fn resolve_concern(&self, o: &Observation, by: &str, now: DateTime<Utc>) -> Result<Observation, StoreError> {
        let mut resolved = o.clone();
        resolved.resolve(by, now, self.device());
        self.save_observation(&resolved)?;
        Ok(resolved)
    }

    /// An audit entry by `by`, or by whoever `set_actor` named when `by` is empty.
    pub fn audit_entry(&self, family: Uuid, action: AuditAction, at: DateTime<Utc>, by: &str) -> AuditEntry {
        let who = if by.trim().is_empty() { self.actor() } else { by.trim().to_string() };
        AuditEntry::new(family, action, at, &who, self.device())
    }

    /// Each entry in words ("Checked in: walk-in, Central session on
    /// 19/11/2026"), with the session and note it names looked up. Stored
    /// text: clean it before it reaches a terminal.
    pub fn audit_words(&self, entries: &[AuditEntry]) -> Result<Vec<String>, StoreError> {
        let mut sessions: HashMap<Uuid, Option<String>> = HashMap::new();
        let mut notes: HashMap<(Uuid, Uuid), Vec<Observation>> = HashMap::new();
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let session = match e.session {
                Some(s) => match sessions.get(&s) {
                    Some(w) => w.clone(),
                    None => {
                        let w = self.session_words(s)?;
                        sessions.insert(s, w.clone());
                        w
                    }
                },
                None => None,
            };
            let note = match (e.note, e.session) {
                (Some(n), Some(s)) => {
                    let held = match notes.entry((e.family, s)) {
                        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                        std::collections::hash_map::Entry::Vacant(v) => v.insert(self.observations_at(e.family, s)?),
                    };
                    let written = held.iter().find(|o| o.id == n).map(|o| o.at);
                    Some(
                        written
                            .map_or("a note".to_string(), |at| format!("the note of {}", at.format("%d/%m/%Y %H:%M"))),
                    )
                }
                _ => None,
            };
            out.push(e.describe(session.as_deref(), note.as_deref()));
        }
        Ok(out)
    }

    /// "Central session on 19/11/2026": a group's name and a date, no personal
    /// data; for describing audit entries.
    pub fn session_words(&self, session: Uuid) -> Result<Option<String>, StoreError> {
        let Some(s) = self.session(session)? else { return Ok(None) };
        let group = self.group(s.group)?.map(|g| g.name).unwrap_or_else(|| "(unknown group)".into());
        Ok(Some(format!("{group} session on {}", s.date.format("%d/%m/%Y"))))
    }
}

/// Nothing new is written about an erased family: if they come back, they are a new family.
fn refuse_erased(f: &Family) -> Result<(), StoreError> {
    if f.is_erased() {
        return Err(StoreError::Refused(
            "this family's personal data was erased: if they come back, add them as a new family".into(),
        ));
    }
    Ok(())
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
