//! A set of writes committed together. Each `put_*` writes a record with its
//! index entries, so a record and its indexes can never disagree on disk.

use super::codec;
use super::keys::{self, TreeId};
use crate::domain::{Attendance, AuditEntry, Family, Group, Observation, Session, Staff};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct Op {
    pub tree: TreeId,
    pub key: Vec<u8>,
    /// None removes the key.
    pub value: Option<Vec<u8>>,
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

    /// The trees this change touches, each once.
    pub fn trees(&self) -> Vec<TreeId> {
        let mut out: Vec<TreeId> = self.ops.iter().map(|o| o.tree).collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn append(&mut self, other: Change) {
        self.ops.extend(other.ops);
    }

    pub fn put_raw(&mut self, tree: TreeId, key: Vec<u8>, value: Vec<u8>) {
        self.ops.push(Op { tree, key, value: Some(value) });
    }

    pub fn remove_raw(&mut self, tree: TreeId, key: Vec<u8>) {
        self.ops.push(Op { tree, key, value: None });
    }

    fn put<T: Serialize>(&mut self, tree: TreeId, key: Vec<u8>, value: &T) {
        self.put_raw(tree, key, codec::encode(value));
    }

    /// Index entries carry no data of their own: the key says it all.
    fn index(&mut self, tree: TreeId, key: Vec<u8>) {
        self.put_raw(tree, key, Vec::new());
    }

    pub fn put_meta<T: Serialize>(&mut self, key: &[u8], value: &T) {
        self.put(TreeId::Meta, key.to_vec(), value);
    }

    pub fn put_family(&mut self, f: &Family) {
        self.put(TreeId::Families, keys::id(f.id), f);
    }

    pub fn put_group(&mut self, g: &Group) {
        self.put(TreeId::Groups, keys::id(g.id), g);
    }

    pub fn put_session(&mut self, s: &Session) {
        self.put(TreeId::Sessions, keys::id(s.id), s);
        self.index(TreeId::SessionsByGroup, keys::session_by_group(s.group, s.date, s.id));
    }

    pub fn put_attendance(&mut self, a: &Attendance) {
        self.put(TreeId::Attendance, keys::attendance(a.session, a.family), a);
        self.index(TreeId::AttendanceByFamily, keys::attendance_by_family(a.family, a.session));
    }

    pub fn remove_attendance(&mut self, a: &Attendance) {
        self.remove_raw(TreeId::Attendance, keys::attendance(a.session, a.family));
        self.remove_raw(TreeId::AttendanceByFamily, keys::attendance_by_family(a.family, a.session));
    }

    pub fn put_observation(&mut self, o: &Observation) {
        self.put(TreeId::Observations, keys::observation(o.family, o.session, o.id), o);
    }

    /// Adds an entry to the audit trail, in the same commit as the change it records.
    pub fn audit(&mut self, e: &AuditEntry) {
        self.put(TreeId::Audit, keys::audit(e.family, e.id), e);
    }

    pub fn put_staff(&mut self, s: &Staff) {
        self.put(TreeId::Staff, keys::staff(&s.initials), s);
    }
}
