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
}

/// A new time-ordered id (UUIDv7), unique across laptops.
pub fn new_id(now: DateTime<Utc>) -> Uuid {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.timestamp().max(0) as u64, now.timestamp_subsec_nanos());
    Uuid::new_v7(ts)
}
