//! The touched values under their stored keys.

use super::{DocKey, OutboxEntry, Planned, fingerprint};
use crate::store::docs::{Named, SessionVisit};
use crate::store::keys::{KeyHasher, TreeId};
use crate::store::{RawOp, codec};

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
        let put = |out: &mut Vec<RawOp>, tree: TreeId, key: Vec<u8>, doc: DocKey, bytes: Vec<u8>| {
            if changed(&doc, &bytes) {
                out.push(RawOp::put(tree, key, bytes));
                list(out, doc, false);
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
        for (id, doc) in &self.families {
            put(&mut out, TreeId::Families, h.family(*id), DocKey::Family(*id), codec::encode(doc));
        }
        for ((f, s), doc) in &self.visits {
            put(&mut out, TreeId::Visits, h.visit(*f, *s), DocKey::Visit(*f, *s), codec::encode(doc));
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
        let changed = |doc: &DocKey, bytes: Vec<u8>| self.read.get(doc) != Some(&fingerprint(&bytes));
        let mut out = Vec::new();
        for (id, v) in &self.groups {
            let d = DocKey::Group(*id);
            if changed(&d, codec::encode(v)) {
                out.push(d);
            }
        }
        for (initials, v) in &self.staff {
            let d = DocKey::Staff(initials.clone());
            if changed(&d, codec::encode(v)) {
                out.push(d);
            }
        }
        for (id, v) in &self.sessions {
            let d = DocKey::Session(*id);
            if changed(&d, codec::encode(v)) {
                out.push(d);
            }
        }
        for (id, doc) in &self.families {
            let d = DocKey::Family(*id);
            if changed(&d, codec::encode(doc)) {
                out.push(d);
            }
        }
        for ((f, s), doc) in &self.visits {
            let d = DocKey::Visit(*f, *s);
            if changed(&d, codec::encode(doc)) {
                out.push(d);
            }
        }
        out.extend(self.removed_visits.iter().map(|(f, s)| DocKey::Visit(*f, *s)));
        out
    }
}
