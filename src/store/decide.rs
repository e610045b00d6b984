//! A person's decisions on what waits after a merge. Each is a new version
//! written over the versions it settles, so it travels in bundles like any
//! other change, and every laptop it reaches sees the matter settled.

use super::change::Op;
use super::{Change, Store, StoreError};
use crate::domain::conflict::join;
use crate::domain::{AuditAction, Detail, Family, Group};
use chrono::{DateTime, Utc};
use uuid::Uuid;

impl Store {
    /// The family as a person decided it, field by field, over every version
    /// this laptop holds: the conflict is settled.
    pub fn decide_family(&self, chosen: &Family, now: DateTime<Utc>) -> Result<(), StoreError> {
        let Some(versions) = self.family_versions(chosen.id)? else {
            return Err(StoreError::Refused(format!("there is no family {}", chosen.id)));
        };
        let shown = versions.current().cloned();
        let mut f = chosen.clone();
        f.stamp.touch(now, self.device());
        let mut c = Change::default();
        c.push(Op::FamilyDecided(Box::new(f.clone())));
        let mut entry = self.audit_entry(f.id, AuditAction::ConflictDecided, now, "");
        if let Some(old) = shown {
            entry = entry.details(crate::domain::audit::family_changes(&old, &f).into_iter().map(Detail::Field));
        }
        c.audit(&entry);
        self.commit(c)
    }

    /// A group as a person decided it, over every version held.
    pub fn decide_group(&self, chosen: &Group, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut g = chosen.clone();
        g.stamp.touch(now, self.device());
        let mut c = Change::default();
        c.push(Op::GroupDecided(g));
        self.commit(c)
    }

    /// Two families a person confirmed are one: `other` joins `keep`, which
    /// gains everyone and every detail `other` had (blanks filled, the
    /// stricter consent kept), and all of `other`'s attendance, notes and
    /// audit, now and whenever they arrive later.
    pub fn join_families(&self, keep: Uuid, other: Uuid, now: DateTime<Utc>) -> Result<Family, StoreError> {
        let missing = |id| StoreError::Refused(format!("there is no family {id}"));
        let a = self.family(keep)?.ok_or_else(|| missing(keep))?;
        let b = self.family(other)?.ok_or_else(|| missing(other))?;
        if a.is_erased() || b.is_erased() {
            return Err(StoreError::Refused("an erased family cannot be joined with another".into()));
        }
        if keep == other || b.joined_into.is_some() || a.joined_into.is_some() {
            return Err(StoreError::Refused("these families are already one".into()));
        }
        let (mut joined, to) = join(&a, &b);
        joined.stamp.touch(now, self.device());
        let mut gone = b.clone();
        gone.joined_into = Some(to);
        gone.stamp.touch(now, self.device());
        let mut c = Change::default();
        c.push(Op::FamilyDecided(Box::new(joined.clone())));
        c.push(Op::FamilyDecided(Box::new(gone)));
        c.audit(&self.audit_entry(keep, AuditAction::FamiliesJoined, now, ""));
        self.commit(c)?;
        Ok(joined)
    }

    /// Two families a person confirmed are different: not suggested again.
    pub fn not_same_family(&self, a: Uuid, b: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut c = Change::default();
        for (this, that) in [(a, b), (b, a)] {
            if let Some(mut f) = self.family(this)?
                && !f.not_same_as.contains(&that)
            {
                f.not_same_as.push(that);
                f.not_same_as.sort();
                f.stamp.touch(now, self.device());
                c.put_family(&f);
            }
        }
        self.commit(c)
    }
}
