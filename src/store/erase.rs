//! Erasure: a family's personal data removed for good, at their request or when
//! it is no longer needed. The record stays, anonymous, so that attendance
//! counts and session totals stay right; its notes keep their tags and concern
//! levels but lose their words.

use super::{Change, Store, StoreError};
use crate::domain::fold::postcode_district;
use crate::domain::*;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// What an erasure did.
#[derive(Debug, Clone)]
pub struct Erased {
    pub family: Family,
    /// Notes whose text was removed.
    pub notes: usize,
    /// Live safeguarding notes erased with `--override-safeguarding`.
    pub safeguarding: usize,
}

/// A family found by [`Store::inactive_families`].
#[derive(Debug, Clone)]
pub struct Inactive {
    pub family: Family,
    /// The last day anything happened to the family (UTC).
    pub last_active: NaiveDate,
    /// Live notes whose concern is Safeguarding: erasing needs the override.
    pub safeguarding: usize,
}

/// Live notes of a family whose current concern level is Safeguarding.
fn safeguarding(notes: &[Observation]) -> usize {
    notes.iter().filter(|o| o.is_live() && o.concern() == Concern::Safeguarding).count()
}

impl Store {
    /// Erases a family's personal data for good: the store is rebuilt under a
    /// new data key with the family erased (see `rebuild.rs`), so no earlier
    /// sealed byte of it stays in the data folder.
    ///
    /// Removed: carers' names, phones and relationships; the postcode (its
    /// district, e.g. `LU3`, stays for the figures); home language; referrer;
    /// alerts; babies' names, dates of birth (set to the day of erasure) and due
    /// dates; and the text, follow-up and reasons of every version of every note.
    /// Kept: ids, attendance, groups, referral route, health-visiting level, need
    /// level, consents, babies' sex, and each note's tags and concern level.
    ///
    /// A family with a live safeguarding note is refused unless
    /// `override_safeguarding` is true.
    pub fn erase_family(
        &mut self,
        id: Uuid,
        why: &str,
        override_safeguarding: bool,
        now: DateTime<Utc>,
    ) -> Result<Erased, StoreError> {
        let mut done = self.erase_families(&[id], why, override_safeguarding, now)?;
        done.pop().ok_or_else(|| StoreError::Refused(format!("there is no family {id}")))
    }

    /// Erases several families in one rebuild (a purge): all of them or, if
    /// anything fails, none.
    pub fn erase_families(
        &mut self,
        ids: &[Uuid],
        why: &str,
        override_safeguarding: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<Erased>, StoreError> {
        let why = why.trim();
        if why.is_empty() {
            return Err(StoreError::Refused(
                "say why the family is erased (--reason TEXT): it is kept with the erased record".into(),
            ));
        }
        let mut change = Change::default();
        let mut done = Vec::with_capacity(ids.len());
        for id in ids {
            done.push(self.erasure(*id, why, override_safeguarding, now, &mut change)?);
        }
        let what =
            if ids.len() == 1 { "erasing the family".to_string() } else { format!("erasing {} families", ids.len()) };
        self.rebuild(change, super::rebuild::NewKey::Same, &what)?;
        Ok(done)
    }

    /// One family's erasure, added to `change`.
    fn erasure(
        &self,
        id: Uuid,
        why: &str,
        override_safeguarding: bool,
        now: DateTime<Utc>,
        change: &mut Change,
    ) -> Result<Erased, StoreError> {
        let Some(mut f) = self.family(id)? else {
            return Err(StoreError::Refused(format!("there is no family {id}")));
        };
        if let Some(e) = &f.erased {
            return Err(StoreError::Refused(format!(
                "family {id} was already erased on {} by {}",
                e.at.format("%d/%m/%Y"),
                crate::text::clean(&e.by)
            )));
        }
        let mut notes = self.observations_of_family(id)?;
        let guarded = safeguarding(&notes);
        if guarded > 0 && !override_safeguarding {
            return Err(StoreError::Refused(format!(
                "family {id} has {}: nothing was erased.\n\
                 Safeguarding records are usually kept; erase it only if your safeguarding lead agrees, \
                 with --override-safeguarding.",
                crate::text::plural(guarded, "safeguarding note", "safeguarding notes")
            )));
        }
        let erasure = Erasure { at: now, by: self.actor(), why: why.to_string() };
        let device = self.device();
        for c in &mut f.carers {
            c.name.clear();
            c.relationship.clear();
            c.phone.clear();
        }
        let erased_on = now.date_naive();
        for b in &mut f.babies {
            b.name.clear();
            b.dob = erased_on;
            b.due = None;
        }
        f.postcode = postcode_district(&f.postcode);
        f.home_language.clear();
        f.referral.referrer.clear();
        f.alerts.clear();
        f.erased = Some(erasure.clone());
        f.stamp.touch(now, device);
        // Over every version this laptop holds: no conflicting version keeps the details.
        change.push(super::change::Op::FamilyDecided(Box::new(f.clone())));
        for o in &mut notes {
            o.scrub(erasure.clone());
            o.stamp.touch(now, device);
            change.put_observation(o);
        }
        let mut entry = AuditEntry::new(id, AuditAction::FamilyErased, now, &erasure.by, device)
            .detail(Detail::NotesErased(notes.len() as u32));
        if guarded > 0 {
            entry = entry.detail(Detail::SafeguardingOverride(guarded as u32));
        }
        change.audit(&entry);
        Ok(Erased { family: f, notes: notes.len(), safeguarding: guarded })
    }

    /// Families (not yet erased) with no attendance, note or change on or after
    /// `since`, oldest activity first.
    pub fn inactive_families(&self, since: NaiveDate) -> Result<Vec<Inactive>, StoreError> {
        let mut last: HashMap<Uuid, NaiveDate> = HashMap::new();
        let mut seen = |family: Uuid, day: NaiveDate| {
            last.entry(family).and_modify(|d| *d = (*d).max(day)).or_insert(day);
        };
        let sessions: HashMap<Uuid, NaiveDate> = self.sessions()?.into_iter().map(|s| (s.id, s.date)).collect();
        for a in self.all_attendance()? {
            if let Some(day) = sessions.get(&a.session) {
                seen(a.family, *day);
            }
            seen(a.family, a.checked_in.date_naive());
            if let Some(out) = a.checked_out {
                seen(a.family, out.date_naive());
            }
            seen(a.family, a.stamp.updated.date_naive());
        }
        let mut notes: HashMap<Uuid, Vec<Observation>> = HashMap::new();
        for o in self.all_observations()? {
            seen(o.family, o.at.date_naive());
            seen(o.family, o.stamp.updated.date_naive());
            notes.entry(o.family).or_default().push(o);
        }
        for e in self.audit()? {
            seen(e.family, e.at.date_naive());
        }
        let mut out = Vec::new();
        for f in self.families()? {
            if f.is_erased() {
                continue;
            }
            let day = [
                f.stamp.created.date_naive(),
                f.stamp.updated.date_naive(),
                last.get(&f.id).copied().unwrap_or(NaiveDate::MIN),
            ]
            .into_iter()
            .max()
            .unwrap_or(NaiveDate::MIN);
            if day < since {
                let safeguarding = notes.get(&f.id).map_or(0, |n| safeguarding(n));
                out.push(Inactive { family: f, last_active: day, safeguarding });
            }
        }
        out.sort_by_key(|i| (i.last_active, i.family.id));
        Ok(out)
    }
}
