//! The touched values under their stored keys.

use super::{DocKey, OutboxEntry, Planned, SMALL, fingerprint, fingerprint_of};
use crate::store::docs::{Named, SessionVisit};
use crate::store::keys::{KeyHasher, TreeId};
use crate::store::{RawOp, codec};
use std::collections::HashMap;

impl Planned {
    /// Every touched value under its stored key (clear, not yet sealed), and
    /// the keys this change removes.
    /// With `outbox`, each value written is also listed for the next push to the hub.
    pub fn to_raw(&self, h: &KeyHasher, outbox: bool) -> Vec<RawOp> {
        let outbox = outbox && !self.quiet_outbox;
        let mut out = Vec::new();
        for doc in &self.unlist {
            out.push(RawOp { tree: TreeId::Outbox, key: h.outbox(&codec::encode(doc)), value: None });
        }
        // A value read and left as it was is not written again.
        let changed = |doc: &DocKey, bytes: &[u8]| self.read.get(doc) != Some(&fingerprint(bytes));
        let list = |out: &mut Vec<RawOp>, doc: DocKey, removed: bool| {
            if outbox {
                let name = codec::encode(&doc);
                out.push(RawOp::put(TreeId::Outbox, h.outbox(&name), codec::encode(&OutboxEntry { doc, removed })));
            }
        };
        let write = |out: &mut Vec<RawOp>, tree: TreeId, key: Vec<u8>, doc: DocKey, bytes: Vec<u8>| {
            out.push(RawOp::put(tree, key, bytes));
            list(out, doc, false);
        };
        let put = |out: &mut Vec<RawOp>, tree: TreeId, key: Vec<u8>, doc: DocKey, bytes: Vec<u8>| {
            if changed(&doc, &bytes) {
                write(out, tree, key, doc, bytes);
            }
        };
        for (key, value) in &self.meta {
            out.push(RawOp::put(TreeId::Meta, key.clone(), value.clone()));
        }
        for ((name, id), value) in &self.meta_for {
            let named = Named { name: name.clone(), id: *id, value: value.clone() };
            out.push(RawOp::put(TreeId::Meta, h.meta(name, *id), codec::encode(&named)));
        }
        for (id, v) in &self.groups {
            put(&mut out, TreeId::Groups, h.group(*id), DocKey::Group(*id), codec::encode(v));
        }
        for (initials, v) in &self.staff {
            put(&mut out, TreeId::Staff, h.staff(initials), DocKey::Staff(initials.clone()), codec::encode(v));
        }
        for (id, v) in &self.sessions {
            put(&mut out, TreeId::Sessions, h.session(*id), DocKey::Session(*id), codec::encode(v));
        }
        // A bundle touches every family and visit: encoded on every core, and
        // only the changed ones kept.
        let families = self.families.iter().map(|(id, doc)| (DocKey::Family(*id), doc)).collect();
        let visits = self.visits.iter().map(|((f, s), doc)| (DocKey::Visit(*f, *s), doc)).collect();
        let changed_docs = par_changed(families, &self.read).into_iter().chain(par_changed(visits, &self.read));
        for (doc, bytes) in changed_docs {
            let (tree, key) = h.doc(&doc);
            write(&mut out, tree, key, doc, bytes);
        }
        for (family, session) in &self.new_visits {
            let entry = SessionVisit { session: *session, family: *family };
            out.push(RawOp::put(TreeId::SessionVisits, h.session_visit(*session, *family), codec::encode(&entry)));
        }
        for (family, session) in &self.removed_visits {
            out.push(RawOp { tree: TreeId::Visits, key: h.visit(*family, *session), value: None });
            out.push(RawOp { tree: TreeId::SessionVisits, key: h.session_visit(*session, *family), value: None });
            list(&mut out, DocKey::Visit(*family, *session), true);
        }
        for ((kind, a, b), listed) in &self.pending {
            let key = h.pending(*kind, *a, *b);
            out.push(match listed {
                true => RawOp::put(TreeId::Pending, key, codec::encode(&pending_value(*kind, *a, *b))),
                false => RawOp { tree: TreeId::Pending, key, value: None },
            });
        }
        out
    }
}

/// Each value's bytes when they differ from what was read, worked out on every core.
fn par_changed<T: serde::Serialize + Sync>(
    docs: Vec<(DocKey, &T)>,
    read: &HashMap<DocKey, u64>,
) -> Vec<(DocKey, Vec<u8>)> {
    // A bundle's values are mostly unchanged: their bytes are not kept. A
    // check-in's few are encoded once, and compared by their bytes.
    let many = docs.len() > SMALL;
    let bytes = crate::par::map(&docs, 1_000, |(doc, value)| match read.get(doc) {
        Some(was) if many => (*was != fingerprint_of(*value)).then(|| codec::encode(*value)),
        Some(was) => Some(codec::encode(*value)).filter(|bytes| fingerprint(bytes) != *was),
        None => Some(codec::encode(*value)),
    });
    docs.into_iter().zip(bytes).filter_map(|((doc, _), b)| Some((doc, b?))).collect()
}

/// A pending item names what it is about, so a rebuild can key it anew.
pub(crate) fn pending_value(kind: u8, a: uuid::Uuid, b: uuid::Uuid) -> Named<Vec<u8>> {
    let mut name = vec![kind];
    name.extend_from_slice(b.as_bytes());
    Named { name, id: a, value: vec![] }
}

impl Planned {
    /// The outbox entries for every value this change writes or removes (a
    /// rebuild takes the values themselves as it copies, then lists them).
    pub fn outbox_ops(&self, h: &KeyHasher) -> Vec<RawOp> {
        if self.quiet_outbox {
            return vec![];
        }
        let gone: Vec<DocKey> = self.removed_visits.iter().map(|(f, s)| DocKey::Visit(*f, *s)).collect();
        self.to_raw_docs()
            .into_iter()
            .map(|doc| {
                let removed = gone.contains(&doc);
                let name = codec::encode(&doc);
                RawOp::put(TreeId::Outbox, h.outbox(&name), codec::encode(&OutboxEntry { doc, removed }))
            })
            .collect()
    }

    /// Which values `to_raw` writes or removes (changed ones only).
    pub(super) fn to_raw_docs(&self) -> Vec<DocKey> {
        fn changed<T: serde::Serialize>(read: &HashMap<DocKey, u64>, doc: DocKey, value: &T) -> Option<DocKey> {
            (read.get(&doc) != Some(&fingerprint_of(value))).then_some(doc)
        }
        let r = &self.read;
        let mut out = Vec::new();
        out.extend(self.groups.iter().filter_map(|(id, v)| changed(r, DocKey::Group(*id), v)));
        out.extend(self.staff.iter().filter_map(|(i, v)| changed(r, DocKey::Staff(i.clone()), v)));
        out.extend(self.sessions.iter().filter_map(|(id, v)| changed(r, DocKey::Session(*id), v)));
        // A first sync touches every family and visit: fingerprinted on every core.
        let families: Vec<_> = self.families.iter().collect();
        out.extend(
            crate::par::map(&families, 1_000, |(id, d)| changed(r, DocKey::Family(**id), *d)).into_iter().flatten(),
        );
        let visits: Vec<_> = self.visits.iter().collect();
        let visits = crate::par::map(&visits, 1_000, |((f, s), d)| changed(r, DocKey::Visit(*f, *s), *d));
        out.extend(visits.into_iter().flatten());
        out.extend(self.removed_visits.iter().map(|(f, s)| DocKey::Visit(*f, *s)));
        out
    }
}
