//! A set of changes committed together, named by what they are about (a
//! family, an attendance, a note), not by where they are stored: the commit
//! works out which stored values they touch (see `apply.rs`), so a record and
//! everything stored with it can never disagree on disk.

use super::codec;
use crate::domain::{Attendance, AuditEntry, Family, Group, Observation, Session, Staff, Versioned};
use serde::Serialize;
use uuid::Uuid;

/// One change. A local write makes a new version written by this laptop; a
/// merge brings in another laptop's versions as they are.
#[derive(Debug, Clone)]
pub enum Op {
    /// A new version of the family over the one shown (other laptops'
    /// concurrent versions, if any, stay for a person to decide).
    /// Boxed, as the largest records: every change's list of changes is as
    /// wide as its widest kind, and a check-in's would outgrow the allocator's quick sizes.
    Family(Box<Family>),
    /// A new version over every version held: a person has decided.
    FamilyDecided(Box<Family>),
    Group(Group),
    /// A group as a person decided it, over every version held.
    GroupDecided(Group),
    Staff(Staff),
    /// Over every version: sessions and attendances join, nobody decides.
    Session(Session),
    Attendance(Attendance),
    /// As `Attendance`, unless the family is in already (at the family it was
    /// joined into, if it was): then nothing of the change is written.
    CheckIn(Attendance),
    /// A check-in taken back: a tombstone version.
    Unattend {
        session: Uuid,
        family: Uuid,
    },
    /// Joined with the stored note: revisions, deletions and resolutions add up.
    Observation(Box<Observation>),
    Audit(AuditEntry),
    /// A setting under a fixed name (encoded value).
    Meta {
        key: Vec<u8>,
        value: Vec<u8>,
    },
    /// A setting about a group or family, stored under a hashed key.
    MetaFor {
        name: Vec<u8>,
        id: Uuid,
        value: Vec<u8>,
    },
    /// Another laptop's versions, merged in.
    MergeFamily(Versioned<Family>),
    MergeGroup(Versioned<Group>),
    MergeStaff(Versioned<Staff>),
    MergeSession(Versioned<Session>),
    MergeAttendance {
        session: Uuid,
        family: Uuid,
        versions: Versioned<Attendance>,
    },
}

#[derive(Debug, Default, Clone)]
pub struct Change {
    ops: Vec<Op>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Room for `n` changes (a merge knows how many it brings).
    pub fn with_capacity(n: usize) -> Change {
        Change { ops: Vec::with_capacity(n) }
    }

    pub(crate) fn into_ops(self) -> Vec<Op> {
        self.ops
    }

    pub fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    pub fn append(&mut self, other: Change) {
        self.ops.extend(other.ops);
    }

    pub fn put_meta<T: Serialize>(&mut self, key: &[u8], value: &T) {
        self.ops.push(Op::Meta { key: key.to_vec(), value: codec::encode(value) });
    }

    pub fn put_meta_for<T: Serialize>(&mut self, name: &[u8], id: Uuid, value: &T) {
        self.ops.push(Op::MetaFor { name: name.to_vec(), id, value: codec::encode(value) });
    }

    pub fn put_family(&mut self, f: &Family) {
        self.ops.push(Op::Family(Box::new(f.clone())));
    }

    pub fn put_group(&mut self, g: &Group) {
        self.ops.push(Op::Group(g.clone()));
    }

    pub fn put_session(&mut self, s: &Session) {
        self.ops.push(Op::Session(s.clone()));
    }

    pub fn put_attendance(&mut self, a: &Attendance) {
        self.ops.push(Op::Attendance(a.clone()));
    }

    pub fn remove_attendance(&mut self, a: &Attendance) {
        self.ops.push(Op::Unattend { session: a.session, family: a.family });
    }

    pub fn put_observation(&mut self, o: &Observation) {
        self.ops.push(Op::Observation(Box::new(o.clone())));
    }

    /// Adds an entry to the audit trail, in the same commit as the change it records.
    pub fn audit(&mut self, e: &AuditEntry) {
        self.ops.push(Op::Audit(e.clone()));
    }

    pub fn put_staff(&mut self, s: &Staff) {
        self.ops.push(Op::Staff(s.clone()));
    }
}
