//! How a `Change` becomes stored values: each change names a record; the
//! value it lives in is read (or made), changed, and written back whole, all
//! in the one commit. Local writes become new versions by this laptop;
//! merged versions join what is there.
//!
//! - `take.rs`: each change, onto the values it touches.
//! - `settle.rs`: what follows from them all: records of a family joined into
//!   another move with it, an erased family's notes lose their words, first
//!   visits are worked out again, and what waits for a person is listed.
//! - `raw.rs`: the touched values under their stored keys.

mod preload;
mod raw;
mod settle;
mod take;

use super::docs::{FamilyDoc, VisitDoc};
use super::keys::TreeId;
use super::{Change, RawOp, Store, StoreError};
use crate::domain::{AuditEntry, Group, Session, Staff, Versioned};
use preload::Preloaded;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;
use uuid::Uuid;

/// What waits for a person, by kind (stored in the `pending` tree).
pub mod pending {
    /// A family edited on two laptops: (family, nil).
    pub const FAMILY: u8 = 1;
    /// A group edited on two laptops: (group, nil).
    pub const GROUP: u8 = 2;
    /// A note edited on two laptops: (family, note).
    pub const NOTE: u8 = 4;
    /// Two families that may be one: (family here, family that came).
    pub const SAME_FAMILY: u8 = 5;
}

/// How many records a change (a merge) added and changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub families_added: usize,
    pub families_changed: usize,
    pub attendance_added: usize,
    pub attendance_changed: usize,
    pub notes_added: usize,
    pub notes_changed: usize,
    pub sessions_added: usize,
    pub groups_added: usize,
    pub groups_changed: usize,
    pub staff_added: usize,
    pub audit_added: usize,
}

/// A stored value, by what it holds. Stored in the outbox: append only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum DocKey {
    Family(Uuid),
    Visit(Uuid, Uuid),
    Session(Uuid),
    Group(Uuid),
    Staff(String),
}

/// A fingerprint of a value's clear bytes: a value read and written back
/// unchanged is not written (a merge that brings nothing new writes nothing).
/// Only ever compared within one run, never stored.
pub(crate) fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// The fingerprint `value`'s encoded bytes would have, worked out without
/// keeping them (most values a bundle touches are unchanged).
pub(crate) fn fingerprint_of<T: serde::Serialize>(value: &T) -> u64 {
    let mut f = Fingerprint { hasher: Default::default(), held: [0; 512], len: 0 };
    super::codec::encode_into(value, super::codec::SCHEMA, &mut f);
    f.hasher.write(&f.held[..f.len]);
    f.hasher.finish()
}

/// SipHash fed as bytes are written, a block at a time (the encoder writes
/// a byte or two at a time, and each call to the hasher has a cost): the same
/// bytes in any pieces give the same sum.
struct Fingerprint {
    hasher: std::collections::hash_map::DefaultHasher,
    held: [u8; 512],
    len: usize,
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.len + buf.len() > self.held.len() {
            self.hasher.write(&self.held[..self.len]);
            self.len = 0;
        }
        if buf.len() > self.held.len() {
            self.hasher.write(buf);
        } else {
            self.held[self.len..self.len + buf.len()].copy_from_slice(buf);
            self.len += buf.len();
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The values a change touches, read once and changed in memory.
#[derive(Default)]
pub(crate) struct Planned {
    /// Each value read from the store, as it was (see `fingerprint`).
    pub read: std::collections::HashMap<DocKey, u64>,
    /// Families this change adds (merged in from another laptop).
    pub added_families: Vec<Uuid>,
    pub families: BTreeMap<Uuid, FamilyDoc>,
    pub visits: BTreeMap<(Uuid, Uuid), VisitDoc>,
    /// Visits new to the store: each gets its entry in the session's list.
    pub new_visits: BTreeSet<(Uuid, Uuid)>,
    /// Visits whose records moved to another family (a join).
    pub removed_visits: BTreeSet<(Uuid, Uuid)>,
    pub sessions: BTreeMap<Uuid, Versioned<Session>>,
    pub groups: BTreeMap<Uuid, Versioned<Group>>,
    pub staff: BTreeMap<String, Versioned<Staff>>,
    /// Settings under fixed names, and settings about a group or family.
    pub meta: BTreeMap<Vec<u8>, Vec<u8>>,
    pub meta_for: BTreeMap<(Vec<u8>, Uuid), Vec<u8>>,
    /// What waits for a person: true to list, false to take off the list.
    pub pending: BTreeMap<(u8, Uuid, Uuid), bool>,
    /// Families that this change erases (they were not erased before).
    pub newly_erased: Vec<Uuid>,
    pub stats: Stats,
    /// Values a hub has just taken: taken off the outbox.
    pub unlist: Vec<DocKey>,
    /// True when a check-in found the family in already: nothing is written.
    pub already_in: bool,
    /// True when what this commit writes came from the hub and is not to be
    /// listed for the next push.
    pub quiet_outbox: bool,
}

impl Planned {
    /// The values this change writes (changed ones only), and those it removes.
    pub fn written(&self) -> Vec<DocKey> {
        self.to_raw_docs()
    }

    /// How many families and visits this change adds (they were not stored).
    pub fn new_values(&self) -> usize {
        let families = self.families.keys().filter(|id| !self.read.contains_key(&DocKey::Family(**id)));
        let visits = self.visits.keys().filter(|(f, s)| !self.read.contains_key(&DocKey::Visit(*f, *s)));
        families.count() + visits.count()
    }
}

pub(crate) fn plan(store: &Store, change: Change) -> Result<Vec<RawOp>, StoreError> {
    Ok(planned(store, change)?.to_raw(store.hasher(), store.tracks_outbox()))
}

/// A value to push to the hub: changed (or, `removed`, gone) since the last push.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutboxEntry {
    pub doc: DocKey,
    pub removed: bool,
}

/// Every stored family and visit, read before a change that touches most
/// of them is known (while a bundle is still being read).
pub(crate) struct ReadAhead {
    families: Preloaded<FamilyDoc>,
    visits: Preloaded<VisitDoc>,
}

impl ReadAhead {
    /// On this thread alone: the bundle being read meanwhile decodes its
    /// records on every core, a batch at a time, and each batch waits for its
    /// slowest core. None if `stop` was set before the reading was done.
    pub fn of(store: &Store, stop: &std::sync::atomic::AtomicBool) -> Result<Option<ReadAhead>, StoreError> {
        let Some(families) = Preloaded::all(store, TreeId::Families, 1, stop)? else { return Ok(None) };
        let Some(visits) = Preloaded::all(store, TreeId::Visits, 1, stop)? else { return Ok(None) };
        Ok(Some(ReadAhead { families, visits }))
    }
}

/// A small change: up to this many changes, a visit not yet read is first
/// looked for in its session's list (a merge of hundreds would read a list
/// for each session), and up to this many values are encoded before they are
/// compared with what was read (see `raw.rs`).
const SMALL: usize = 16;

/// The touched values, changed, not yet written.
pub(crate) fn planned(store: &Store, change: Change) -> Result<Planned, StoreError> {
    planned_with(store, change, None)
}

/// As `planned`, with the store's values read ahead when that was done.
pub(crate) fn planned_with(store: &Store, change: Change, ahead: Option<ReadAhead>) -> Result<Planned, StoreError> {
    let ops = change.into_ops();
    let (stored_families, stored_visits) = match ahead {
        Some(a) => (Some(a.families), Some(a.visits)),
        None => (Preloaded::of(store, TreeId::Families, ops.len())?, Preloaded::of(store, TreeId::Visits, ops.len())?),
    };
    let small = ops.len() <= SMALL && stored_visits.is_none();
    let mut p = Planner {
        store,
        small,
        device: store.device(),
        out: Planned::default(),
        before: BTreeMap::new(),
        family_audit: vec![],
        recount: BTreeSet::new(),
        dates: BTreeMap::new(),
        stored_families,
        stored_visits,
    };
    for op in ops {
        p.take(op)?;
    }
    p.finish()
}

/// What a family was before a change, as far as settling it needs to know
/// (not a copy of the family: a check-in would copy every name and number).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Was {
    pub joined: bool,
    pub erased: bool,
}

pub(crate) struct Planner<'a> {
    store: &'a Store,
    /// A change of a few records: a session's list of visits is worth keeping for it.
    small: bool,
    device: Uuid,
    out: Planned,
    /// What each loaded family was before this change (None: new).
    before: BTreeMap<Uuid, Option<Was>>,
    /// Entries not tied to a session: attached to their family's value at the end.
    family_audit: Vec<AuditEntry>,
    /// Families whose first visit must be worked out again from all their visits.
    recount: BTreeSet<Uuid>,
    /// Sessions' dates, for sessions read but not changed.
    dates: BTreeMap<Uuid, Option<chrono::NaiveDate>>,
    /// Every stored family and visit, read ahead when the change is large.
    stored_families: Option<Preloaded<FamilyDoc>>,
    stored_visits: Option<Preloaded<VisitDoc>>,
}
