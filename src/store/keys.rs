//! Trees and keys. A stored key is a keyed hash of what it names (HMAC-SHA-256
//! under a key derived from the data key), so a copy of the folder without the
//! passphrase shows no id, no date, no initials, and no family paired with a
//! session. A store rebuilt under a new data key has new bytes in every key.
//!
//! Two kinds of key keep a prefix for scans: a family's visits share the first
//! 8 bytes (a hash of the family), and a session's visit list shares the first
//! 8 bytes (a hash of the session). The second 8 bytes hash the pair, so the
//! two cannot be joined without the key.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TreeId {
    /// Settings; `schema` and `keyring` in the clear, the rest sealed.
    Meta,
    /// A family's versions and its own audit entries (`FamilyDoc`).
    Families,
    /// A family at a session: attendance, notes and their audit (`VisitDoc`).
    Visits,
    /// Which families a session has visits of.
    SessionVisits,
    Sessions,
    Groups,
    Staff,
    /// What waits for a person on this laptop (conflicts, possible duplicates).
    Pending,
    /// Values changed since this laptop last pushed to its hub.
    Outbox,
}

impl TreeId {
    pub const ALL: [TreeId; 9] = [
        TreeId::Meta,
        TreeId::Families,
        TreeId::Visits,
        TreeId::SessionVisits,
        TreeId::Sessions,
        TreeId::Groups,
        TreeId::Staff,
        TreeId::Pending,
        TreeId::Outbox,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TreeId::Meta => "meta",
            TreeId::Families => "families",
            TreeId::Visits => "visits",
            TreeId::SessionVisits => "session_visits",
            TreeId::Sessions => "sessions",
            TreeId::Groups => "groups",
            TreeId::Staff => "staff",
            TreeId::Pending => "pending",
            TreeId::Outbox => "outbox",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: u8) -> Option<TreeId> {
        TreeId::ALL.get(usize::from(i)).copied()
    }
}

/// Makes stored keys from what they name.
#[derive(Clone)]
pub struct KeyHasher {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyHasher(..)")
    }
}

impl KeyHasher {
    pub fn new(key: &Zeroizing<[u8; 32]>) -> KeyHasher {
        KeyHasher { mac: <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref()).expect("HMAC takes any key length") }
    }

    /// For a store without encryption (tests, fixtures): a fixed key.
    pub fn clear() -> KeyHasher {
        KeyHasher::new(&Zeroizing::new(*b"thinkbaby: a store in the clear."))
    }

    fn hash(&self, label: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let mut m = self.mac.clone();
        m.update(label);
        for p in parts {
            m.update(&(p.len() as u32).to_be_bytes());
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    fn full(&self, label: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        self.hash(label, parts)[..16].to_vec()
    }

    fn half(&self, label: &[u8], parts: &[&[u8]]) -> [u8; 8] {
        let mut out = [0u8; 8];
        out.copy_from_slice(&self.hash(label, parts)[..8]);
        out
    }

    pub fn family(&self, id: Uuid) -> Vec<u8> {
        self.full(b"family", &[id.as_bytes()])
    }

    /// The prefix every visit of a family shares.
    pub fn family_visits(&self, family: Uuid) -> [u8; 8] {
        self.half(b"family visits", &[family.as_bytes()])
    }

    pub fn visit(&self, family: Uuid, session: Uuid) -> Vec<u8> {
        [self.family_visits(family), self.half(b"visit", &[family.as_bytes(), session.as_bytes()])].concat()
    }

    /// The prefix of a session's entries in `SessionVisits`.
    pub fn session_visits(&self, session: Uuid) -> [u8; 8] {
        self.half(b"session visits", &[session.as_bytes()])
    }

    pub fn session_visit(&self, session: Uuid, family: Uuid) -> Vec<u8> {
        [self.session_visits(session), self.half(b"session visit", &[session.as_bytes(), family.as_bytes()])].concat()
    }

    pub fn session(&self, id: Uuid) -> Vec<u8> {
        self.full(b"session", &[id.as_bytes()])
    }

    pub fn group(&self, id: Uuid) -> Vec<u8> {
        self.full(b"group", &[id.as_bytes()])
    }

    pub fn staff(&self, initials: &str) -> Vec<u8> {
        self.full(b"staff", &[initials.as_bytes()])
    }

    /// A setting named by a logical key (the expected-families hint of a group).
    pub fn meta(&self, name: &[u8], id: Uuid) -> Vec<u8> {
        self.full(b"meta", &[name, id.as_bytes()])
    }

    /// An outbox entry, by the encoded name of the value it is about.
    pub fn outbox(&self, doc: &[u8]) -> Vec<u8> {
        self.full(b"outbox", &[doc])
    }

    pub fn pending(&self, kind: u8, a: Uuid, b: Uuid) -> Vec<u8> {
        self.full(b"pending", &[&[kind], a.as_bytes(), b.as_bytes()])
    }

    /// Where a value is stored: its tree and key.
    pub fn doc(&self, doc: &super::DocKey) -> (TreeId, Vec<u8>) {
        use super::DocKey;
        match doc {
            DocKey::Family(id) => (TreeId::Families, self.family(*id)),
            DocKey::Visit(f, s) => (TreeId::Visits, self.visit(*f, *s)),
            DocKey::Session(id) => (TreeId::Sessions, self.session(*id)),
            DocKey::Group(id) => (TreeId::Groups, self.group(*id)),
            DocKey::Staff(initials) => (TreeId::Staff, self.staff(initials)),
        }
    }
}

/// Keys in reports and errors: hex.
pub fn show(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_the_key_and_keep_their_prefixes() {
        let a = KeyHasher::new(&Zeroizing::new([1; 32]));
        let b = KeyHasher::new(&Zeroizing::new([2; 32]));
        let (f, s, t) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        assert_ne!(a.family(f), b.family(f), "a new data key changes every key");
        assert_eq!(a.visit(f, s)[..8], a.visit(f, t)[..8], "one family's visits share a prefix");
        assert_ne!(a.visit(f, s)[8..], a.visit(f, t)[8..]);
        assert_eq!(a.session_visit(s, f)[..8], a.session_visits(s));
        // Nothing of the family's prefix shows in the session's list, or the other way.
        assert_ne!(a.session_visit(s, f)[8..], a.visit(f, s)[8..]);
        assert!(!a.visit(f, s).windows(16).any(|w| w == f.as_bytes()));
    }
}
