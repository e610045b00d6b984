use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// When a record was made and last changed, and on which laptop, so that stores
/// from several laptops can later be merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    #[serde(with = "super::wire::moment")]
    pub created: DateTime<Utc>,
    #[serde(with = "super::wire::moment")]
    pub updated: DateTime<Utc>,
    pub device: Uuid,
}

impl Stamp {
    pub fn new(now: DateTime<Utc>, device: Uuid) -> Self {
        Stamp { created: now, updated: now, device }
    }

    pub fn touch(&mut self, now: DateTime<Utc>, device: Uuid) {
        self.updated = now;
        self.device = device;
    }

    /// Two laptops' stamps of one record as one: made at the earlier time,
    /// changed at the later (by that laptop). Informational only: no merge
    /// decision reads these times.
    pub fn merged(&self, other: &Stamp) -> Stamp {
        let (updated, device) = (self.updated, self.device).max((other.updated, other.device));
        Stamp { created: self.created.min(other.created), updated, device }
    }
}

/// A new time-ordered id (UUIDv7), unique across laptops.
pub fn new_id(now: DateTime<Utc>) -> Uuid {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.timestamp().max(0) as u64, now.timestamp_subsec_nanos());
    Uuid::new_v7(ts)
}

/// An id that follows from what it names (a session from its group and
/// date), so that every laptop makes the same one: a UUIDv8 from a SHA-256
/// of the parts, each length-prefixed.
pub fn derived_id(parts: &[&[u8]]) -> Uuid {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u32).to_be_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}
