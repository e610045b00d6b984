use super::stamp::Stamp;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One family at one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub session: Uuid,
    pub family: Uuid,
    #[serde(with = "super::wire::moment")]
    pub checked_in: DateTime<Utc>,
    #[serde(with = "super::wire::opt_moment")]
    pub checked_out: Option<DateTime<Utc>>,
    /// Which carers and babies came (ids from the family record).
    pub carers: Vec<Uuid>,
    pub babies: Vec<Uuid>,
    /// Came without being expected at this group.
    pub walk_in: bool,
    /// Initials of who checked them in.
    pub by: String,
    pub stamp: Stamp,
}

impl Attendance {
    pub fn is_in(&self) -> bool {
        self.checked_out.is_none()
    }
}
