//! What follows from a change as a whole, worked out once all of it is taken.

use super::take::{add_entry, merge_note, moved_attendance, moved_note};
use super::{Planned, Planner, pending};
use crate::domain::{Erasure, Joined};
use crate::store::StoreError;
use crate::store::keys::TreeId;
use std::collections::BTreeSet;
use uuid::Uuid;

impl Planner<'_> {
    pub(super) fn finish(mut self) -> Result<Planned, StoreError> {
        self.attach_family_audit()?;
        self.move_joined()?;
        self.scrub_erased()?;
        self.recount_first_seen()?;
        self.list_pending()?;
        Ok(self.out)
    }

    fn attach_family_audit(&mut self) -> Result<(), StoreError> {
        for e in std::mem::take(&mut self.family_audit) {
            let family = e.family;
            match self.family(family)? {
                Some(doc) => {
                    if add_entry(&mut doc.audit, e) {
                        self.out.stats.audit_added += 1;
                    }
                }
                None => {
                    return Err(StoreError::Refused(format!(
                        "an audit entry names family {family}, which is not stored"
                    )));
                }
            }
        }
        Ok(())
    }

    /// A family a person joined into another: its visits and audit entries
    /// move to that family (and are taken off this one), so one family holds
    /// everything, and records that arrive later land there too.
    fn move_joined(&mut self) -> Result<(), StoreError> {
        let joined: Vec<(Uuid, Joined)> = self
            .out
            .families
            .iter()
            .filter_map(|(id, d)| d.family.read_shown(|f| f.joined_into.clone()).flatten().map(|j| (*id, j)))
            .filter(|(id, _)| matches!(self.before.get(id), Some(Some(was)) if !was.joined))
            .collect();
        for (from, _) in joined {
            let Some(to) = self.target(from)? else { continue };
            let mut sessions: BTreeSet<Uuid> =
                self.store.visit_docs_of_family(from)?.iter().map(|d| d.session).collect();
            sessions.extend(self.out.visits.range(of_family(from)).map(|((_, s), _)| *s));
            for session in sessions {
                let old = self.visit(from, session)?.clone();
                let doc = self.visit(to.into, session)?;
                if let Some(a) = &old.attendance {
                    let moved = moved_attendance(a, &to);
                    match &mut doc.attendance {
                        Some(v) => {
                            v.merge(&moved);
                        }
                        None => doc.attendance = Some(moved),
                    }
                }
                for n in old.notes {
                    merge_note(doc, moved_note(n, &to));
                }
                for mut e in old.audit {
                    e.family = to.into;
                    add_entry(&mut doc.audit, e);
                }
                self.out.visits.remove(&(from, session));
                if !self.out.new_visits.remove(&(from, session)) {
                    self.out.removed_visits.insert((from, session));
                }
            }
            let audit = self.family(from)?.map(|d| std::mem::take(&mut d.audit)).unwrap_or_default();
            if let Some(doc) = self.family(to.into)? {
                for mut e in audit {
                    e.family = to.into;
                    add_entry(&mut doc.audit, e);
                }
            }
            self.recount.insert(to.into);
            self.recount.insert(from);
        }
        Ok(())
    }

    /// Erasure wins: an erased family's notes lose their words wherever they
    /// come from, and a family this change erases has every note scrubbed.
    fn scrub_erased(&mut self) -> Result<(), StoreError> {
        let mut families: BTreeSet<Uuid> = self.out.families.keys().copied().collect();
        families.extend(self.out.visits.keys().map(|(f, _)| *f));
        for family in families {
            let Some(erasure) = self.erasure(family)? else { continue };
            let was = self.before.get(&family).and_then(|f| f.as_ref()).is_some_and(|f| f.erased);
            if !was && self.before.contains_key(&family) {
                self.out.newly_erased.push(family);
                for d in self.store.visit_docs_of_family(family)? {
                    self.visit(family, d.session)?;
                }
            }
            for (_, doc) in self.out.visits.range_mut(of_family(family)) {
                for n in doc.notes.iter_mut().filter(|n| n.erased.is_none() || has_words(n)) {
                    n.scrub(erasure.clone());
                }
            }
        }
        Ok(())
    }

    fn erasure(&mut self, family: Uuid) -> Result<Option<Erasure>, StoreError> {
        Ok(self.family(family)?.and_then(|d| d.family.read_shown(|f| f.erased.clone())).flatten())
    }

    fn recount_first_seen(&mut self) -> Result<(), StoreError> {
        for family in std::mem::take(&mut self.recount) {
            let first = self.first_seen(family)?;
            if let Some(doc) = self.family(family)? {
                doc.first_seen = first;
            }
        }
        Ok(())
    }

    /// The family's first visit, from every visit (stored, and in this change).
    fn first_seen(&mut self, family: Uuid) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let mut sessions: BTreeSet<Uuid> = BTreeSet::new();
        for doc in self.store.visit_docs_of_family(family)? {
            let k = (family, doc.session);
            if !self.out.visits.contains_key(&k)
                && !self.out.removed_visits.contains(&k)
                && doc.shown_attendance().is_some()
            {
                sessions.insert(doc.session);
            }
        }
        sessions.extend(
            self.out
                .visits
                .range(of_family(family))
                .filter(|(_, d)| d.shown_attendance().is_some())
                .map(|(_, d)| d.session),
        );
        let mut first = None;
        for s in sessions {
            if let Some(d) = self.session_date(s)? {
                first = Some(first.map_or(d, |f: chrono::NaiveDate| f.min(d)));
            }
        }
        Ok(first)
    }

    /// What waits for a person, for every value this change touched: listed
    /// while it waits, taken off once decided.
    fn list_pending(&mut self) -> Result<(), StoreError> {
        let mut wait: Vec<((u8, Uuid, Uuid), bool)> = Vec::new();
        for (id, doc) in &self.out.families {
            // Read in place: a check-in touches its family, and a copy of it
            // would copy every name and number.
            let shown = doc.family.read_shown(|f| {
                let others: Vec<Uuid> =
                    f.not_same_as.iter().chain(f.joined_into.as_ref().map(|j| &j.into)).copied().collect();
                (f.is_erased() || f.joined_into.is_some(), others)
            });
            let settled = shown.as_ref().is_none_or(|(gone, _)| *gone);
            wait.push(((pending::FAMILY, *id, Uuid::nil()), !settled && !doc.family.conflicts().is_empty()));
            if let Some((gone, others)) = shown {
                for other in others {
                    wait.push(((pending::SAME_FAMILY, *id, other), false));
                    wait.push(((pending::SAME_FAMILY, other, *id), false));
                }
                if gone {
                    self.unlist_pairs_of(*id, &mut wait)?;
                }
            }
        }
        for (id, v) in &self.out.groups {
            wait.push(((pending::GROUP, *id, Uuid::nil()), !v.conflicts().is_empty()));
        }
        for ((family, _), doc) in &self.out.visits {
            for n in &doc.notes {
                wait.push(((pending::NOTE, *family, n.id), n.is_conflicted() && n.is_live()));
            }
        }
        for (family, session) in &self.out.removed_visits {
            for n in self.store.observations_at(*family, *session)? {
                wait.push(((pending::NOTE, *family, n.id), false));
            }
        }
        // A bundle touches every note, and few wait: then what waits is read
        // once, rather than looked up for each (a check-in asks about one family).
        let waiting: Option<std::collections::HashSet<(u8, Uuid, Uuid)>> = match wait.len() > 64 {
            true => Some(self.store.pending()?.into_iter().map(|p| (p.kind, p.a, p.b)).collect()),
            false => None,
        };
        for (key, listed) in wait {
            let known = self.out.pending.get(&key).copied();
            let was = |key: &(u8, Uuid, Uuid)| match &waiting {
                Some(all) => Ok(all.contains(key)),
                None => self.store.is_pending(key.0, key.1, key.2),
            };
            if listed {
                self.out.pending.insert(key, true);
            } else if known.is_none() && was(&key)? {
                self.out.pending.insert(key, false);
            }
        }
        Ok(())
    }

    /// Every "same family?" question naming `family` is off the list.
    fn unlist_pairs_of(&self, family: Uuid, wait: &mut Vec<((u8, Uuid, Uuid), bool)>) -> Result<(), StoreError> {
        for p in self.store.pending()? {
            if p.kind == pending::SAME_FAMILY && (p.a == family || p.b == family) {
                wait.push(((p.kind, p.a, p.b), false));
            }
        }
        Ok(())
    }
}

/// The keys of one family's visits in a map by (family, session): a large
/// merge plans hundreds of thousands, so a walk over all per family is quadratic.
fn of_family(family: Uuid) -> std::ops::RangeInclusive<(Uuid, Uuid)> {
    (family, Uuid::nil())..=(family, Uuid::max())
}

/// Whether a note still has words (an erasure that arrived before its revisions did).
fn has_words(n: &crate::domain::Observation) -> bool {
    n.revisions.iter().any(|r| !r.text.is_empty() || !r.follow_up.is_empty() || !r.why.is_empty())
}

impl crate::store::Store {
    /// Whether an item waits for a person: asked at every commit, of a list
    /// that is short, so the list is kept in memory.
    fn is_pending(&self, kind: u8, a: Uuid, b: Uuid) -> Result<bool, StoreError> {
        self.holds_key(TreeId::Pending, &[], &self.hasher().pending(kind, a, b))
    }
}
