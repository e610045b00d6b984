//! Merging another laptop's records (a bundle, or what the hub relays): one
//! commit, all of it or nothing; the same records twice change nothing the
//! second time; the order laptops meet in does not matter (see
//! `domain::version`). What waits for a person afterwards (versions from two
//! laptops that differ, families that look like one) is listed in `pending`.
//! Erasure wins: an erasure that arrives is carried out here as on the laptop
//! that made it, rebuilding the store under a new key so nothing of the
//! family's old values stays on this laptop either.

use super::apply::{self, pending};
use super::archive::{self, Entry};
use super::bundle::{self, BundleError};
use super::keys::TreeId;
use super::rebuild::NewKey;
use super::{Change, META_EVALUATION_KEY, Stats, Store, StoreError};
use crate::domain::Family;
use crate::domain::conflict::looks_same;
use crate::domain::fold::{digits, fold};
use chrono::{DateTime, Duration, Utc};
use secrecy::SecretString;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// A bundle file this large carries some 16,000 records or more (see
/// `apply::preload`): the store is read ahead while it is read.
pub const READ_AHEAD_BYTES: u64 = 3 << 20;

/// Above this many values touched, a merge rebuilds the store (one new folder,
/// swapped in) rather than writing one very large journal record.
const LARGE: usize = 20_000;

/// What a merge did, and what now waits for a person.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    pub stats: Stats,
    /// Families erased here because the other laptop erased them.
    pub erased: usize,
    /// Pairs of families that may be one (here, came), new with this merge.
    pub duplicates: Vec<(Uuid, Uuid)>,
    /// Everything that waits for a person after the merge.
    pub waiting: Vec<super::Pending>,
    /// True when the team's evaluation key changed here (pseudonyms in later exports differ).
    pub new_pseudonyms: bool,
}

/// Another laptop's records, as a bundle or the hub brings them.
pub struct Records {
    pub entries: Vec<Entry>,
    pub evaluation_key: Option<Vec<u8>>,
}

impl Records {
    /// Everything `store` holds, as a bundle carries it: for merging one
    /// store straight into another (tests, and laptops in one process).
    pub fn of_store(store: &Store) -> Result<Records, archive::ArchiveError> {
        let mut entries = Vec::new();
        archive::for_each_entry(store, &mut |e| {
            entries.push(e);
            Ok(())
        })?;
        Ok(Records { entries, evaluation_key: store.evaluation_key()? })
    }
}

/// A merge worked out and not yet written: what a sync pushes back to the
/// hub before it commits here.
pub struct MergePlan {
    pub(crate) planned: apply::Planned,
    merged: Merged,
}

impl MergePlan {
    /// The values this merge changes.
    pub fn written(&self) -> Vec<apply::DocKey> {
        self.planned.written()
    }

    /// The team's evaluation key this merge brings in, if it changes it.
    pub fn evaluation_key(&self) -> Option<Vec<u8>> {
        let bytes = self.planned.meta.get(META_EVALUATION_KEY)?;
        super::codec::decode("meta", META_EVALUATION_KEY, bytes).ok()
    }

    /// Where the hub got to, written in the same commit as the merge.
    pub fn set_meta<T: serde::Serialize>(&mut self, key: &[u8], value: &T) {
        self.planned.meta.insert(key.to_vec(), super::codec::encode(value));
    }

    /// Values the hub has taken: off the outbox, and not listed again by this commit.
    pub fn pushed(&mut self, docs: Vec<apply::DocKey>) {
        self.planned.quiet_outbox = true;
        self.planned.unlist.extend(docs);
    }
}

impl Store {
    /// Merges `records` in one commit (or one rebuild), all or nothing.
    pub fn merge(&mut self, records: Records) -> Result<Merged, StoreError> {
        let plan = self.plan_merge(records)?;
        self.apply_merge(plan)
    }

    /// Reads the bundle at `path` and merges it. A bundle carries all its
    /// laptop holds, so a large one touches most of this store: the store is
    /// read on a thread of its own while the bundle is opened (its passphrase
    /// takes a second or two on one core) and read.
    pub fn merge_bundle(&mut self, path: &Path, pass: SecretString) -> Result<(bundle::Head, Merged), BundleError> {
        let large = std::fs::metadata(path).is_ok_and(|m| m.len() >= READ_AHEAD_BYTES);
        let stop = AtomicBool::new(false);
        let store: &Store = self;
        let (incoming, ahead) = std::thread::scope(|s| {
            let ahead = large.then(|| s.spawn(|| apply::ReadAhead::of(store, &stop)));
            let incoming = bundle::read(path, pass);
            if incoming.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            let ahead = ahead.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            (incoming, ahead)
        });
        let incoming = incoming?;
        let ahead = ahead.transpose()?.flatten();
        let records = Records { entries: incoming.entries, evaluation_key: incoming.evaluation_key };
        let plan = self.plan_merge_with(records, ahead)?;
        Ok((incoming.head, self.apply_merge(plan)?))
    }

    /// Works a merge out without writing anything.
    pub fn plan_merge(&self, records: Records) -> Result<MergePlan, StoreError> {
        self.plan_merge_with(records, None)
    }

    fn plan_merge_with(&self, records: Records, ahead: Option<apply::ReadAhead>) -> Result<MergePlan, StoreError> {
        let mut change = Change::with_capacity(records.entries.len() + 1);
        for e in records.entries {
            archive::merge_op(&mut change, e);
        }
        let mut out = Merged::default();
        // One key for the team: where two laptops made their own, both keep
        // the same one of the two, so each family has one pseudonym everywhere.
        let mine: Option<Vec<u8>> = self.meta(META_EVALUATION_KEY)?;
        if let Some(theirs) = records.evaluation_key {
            let keep = match &mine {
                Some(m) if *m <= theirs => None,
                _ => Some(theirs),
            };
            if let Some(k) = keep {
                out.new_pseudonyms = mine.is_some();
                change.put_meta(META_EVALUATION_KEY, &k);
            }
        }
        let mut planned = apply::planned_with(self, change, ahead)?;
        out.duplicates = self.look_alikes(&planned)?;
        for (here, came) in &out.duplicates {
            planned.pending.insert((pending::SAME_FAMILY, *here, *came), true);
        }
        out.stats = planned.stats.clone();
        out.erased = planned.newly_erased.len();
        Ok(MergePlan { planned, merged: out })
    }

    /// Writes a merge worked out by `plan_merge`: one commit, or, when it
    /// brings an erasure or is very large, one rebuild.
    pub fn apply_merge(&mut self, plan: MergePlan) -> Result<Merged, StoreError> {
        let MergePlan { planned, mut merged } = plan;
        // Many writes (or an erasure) make a rebuild. Values new here are
        // written for certain (a new laptop's are all new); else what would
        // be written is worked out once: a bundle brings everything its laptop
        // holds, most of it already here, and only what changes is written.
        let what = if merged.erased > 0 { "merging, and erasing what was erased there" } else { "merging" };
        if !planned.newly_erased.is_empty() || planned.new_values() > LARGE {
            self.rebuild_planned(planned, NewKey::Same, what)?;
        } else {
            let raw = planned.to_raw(&self.hasher, self.outbox);
            let writes = raw.iter().filter(|op| matches!(op.tree, TreeId::Families | TreeId::Visits)).count();
            if writes > LARGE {
                self.rebuild_planned(planned, NewKey::Same, what)?;
            } else {
                self.write_raw(raw)?;
                crate::par::drop_later(planned);
            }
        }
        merged.waiting = self.pending()?;
        Ok(merged)
    }

    /// Families the merge adds that look like a family already here (the same
    /// walk-in added on two laptops): suggested, never joined without a person.
    fn look_alikes(&self, planned: &apply::Planned) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
        let added: Vec<Family> = planned
            .added_families
            .iter()
            .filter_map(|id| planned.families.get(id).and_then(|d| d.family.shown()))
            .filter(|f| !f.is_erased() && f.joined_into.is_none())
            .collect();
        if added.is_empty() {
            return Ok(vec![]);
        }
        // As they stand after this merge: one it joins into another, or
        // erases, is no longer a family to suggest.
        let here: Vec<Family> = self
            .families()?
            .into_iter()
            .map(|f| planned.families.get(&f.id).and_then(|d| d.family.shown()).unwrap_or(f))
            .filter(|f| !f.is_erased() && f.joined_into.is_none())
            .collect();
        // Candidates by carer name and phone ending, and by baby name and birth.
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in here.iter().enumerate() {
            for k in keys_of(f) {
                index.entry(k).or_default().push(i);
            }
        }
        let mut out = Vec::new();
        for f in &added {
            let mut seen = Vec::new();
            for k in keys_of(f) {
                for &i in index.get(&k).into_iter().flatten() {
                    if !seen.contains(&i) && looks_same(&here[i], f) {
                        seen.push(i);
                        out.push((here[i].id, f.id));
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

fn keys_of(f: &Family) -> Vec<String> {
    let mut out = Vec::new();
    for c in &f.carers {
        let d = digits(&c.phone);
        if !d.is_empty() {
            out.push(format!("c{}|{}", fold(&c.name), &d[d.len().saturating_sub(9)..]));
        }
    }
    for b in &f.babies {
        out.push(format!("b{}|{}", fold(&b.name), b.dob));
    }
    out
}

/// How far ahead of this laptop's clock the other laptop's was, if it seems
/// more than five minutes ahead: a bundle written "in the future". (A clock
/// behind cannot be told from a bundle written some time ago.)
pub fn clock_ahead(written: DateTime<Utc>, now: DateTime<Utc>) -> Option<Duration> {
    let ahead = written - now;
    (ahead > Duration::minutes(5)).then_some(ahead)
}
