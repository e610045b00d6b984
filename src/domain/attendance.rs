use super::stamp::Stamp;
use super::version::Merge;
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

/// The same family checked in on two laptops at one session is one attendance:
/// the earlier time in (and who checked them in then), everyone either laptop
/// saw, and still here unless every laptop saw them leave (a roll call must
/// count anyone one laptop still has in the building).
impl Merge for Attendance {
    fn join(live: &[&Self]) -> Option<Self> {
        let first = live.iter().min_by_key(|a| (a.checked_in, a.stamp.device))?;
        let mut out = (*first).clone();
        for a in live {
            for c in &a.carers {
                if !out.carers.contains(c) {
                    out.carers.push(*c);
                }
            }
            for b in &a.babies {
                if !out.babies.contains(b) {
                    out.babies.push(*b);
                }
            }
            out.stamp = out.stamp.merged(&a.stamp);
        }
        out.checked_out =
            live.iter().map(|a| a.checked_out).collect::<Option<Vec<_>>>().and_then(|outs| outs.into_iter().max());
        Some(out)
    }
}
