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
    /// Erases a family's personal data in one commit, with its audit entry.
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
        &self,
        id: Uuid,
        why: &str,
        override_safeguarding: bool,
        now: DateTime<Utc>,
    ) -> Result<Erased, StoreError> {
        let why = why.trim();
        if why.is_empty() {
            return Err(StoreError::Refused(
                "say why the family is erased (--reason TEXT): it goes in the audit trail".into(),
            ));
        }
        let mut f = self.family(id)?.ok_or_else(|| StoreError::Refused(format!("there is no family {id}")))?;
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
                "family {id} has {guarded} safeguarding note{}: nothing was erased.\n\
                 Safeguarding records are usually kept; erase it only if your safeguarding lead agrees, \
                 with --override-safeguarding.",
                if guarded == 1 { "" } else { "s" }
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

        let mut change = Change::default();
        change.put_family(&f);
        for o in &mut notes {
            for r in &mut o.revisions {
                r.text.clear();
                r.follow_up.clear();
                r.why.clear();
            }
            if let Some(t) = &mut o.deleted {
                t.why.clear();
            }
            o.erased = Some(erasure.clone());
            o.stamp.touch(now, device);
            change.put_observation(o);
        }
        let mut what = format!(
            "personal data erased: names, phones, relationships, postcode (district kept), home language, \
             referrer, alerts, babies' names and dates, and the text of {} note{}",
            notes.len(),
            if notes.len() == 1 { "" } else { "s" }
        );
        if guarded > 0 {
            what.push_str(&format!(
                "; {guarded} safeguarding note{} erased with --override-safeguarding",
                if guarded == 1 { "" } else { "s" }
            ));
        }
        let entry = AuditEntry::new(id, AuditAction::FamilyErased, now, &erasure.by, device).what(what).why(why);
        change.audit(&entry);
        self.commit(change)?;
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
