use super::family::{Erasure, choice};
use super::stamp::Stamp;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

choice!(Concern {
    None => "None" ["", "no", "n"],
    FollowUp => "Follow up" ["followup", "f"],
    Safeguarding => "Safeguarding" ["s", "sg"],
});

/// One version of an observation's content. Observations are never overwritten:
/// an edit appends a revision and the earlier ones stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub tags: Vec<String>,
    pub text: String,
    pub concern: Concern,
    pub follow_up: String,
    pub baby: Option<Uuid>,
    /// Initials of who wrote this version.
    pub by: String,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    /// Why it was changed (empty for the first version).
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub by: String,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub id: Uuid,
    pub family: Uuid,
    pub session: Uuid,
    /// Author's initials.
    pub author: String,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    /// Oldest first; never empty.
    pub revisions: Vec<Revision>,
    pub deleted: Option<Tombstone>,
    pub stamp: Stamp,
    /// Set when the family was erased (schema 3): every revision's text, follow-up
    /// and reason are blank; tags and concern levels stay, for the figures.
    pub erased: Option<Erasure>,
}

impl Observation {
    pub fn current(&self) -> &Revision {
        // Constructors always push the first revision; an empty list is a damaged
        // record, which `check` reports, so fall back to a blank rather than panic.
        static BLANK: std::sync::OnceLock<Revision> = std::sync::OnceLock::new();
        self.revisions.last().unwrap_or_else(|| {
            BLANK.get_or_init(|| Revision {
                tags: vec![],
                text: String::new(),
                concern: Concern::None,
                follow_up: String::new(),
                baby: None,
                by: String::new(),
                at: DateTime::<Utc>::UNIX_EPOCH,
                why: String::new(),
            })
        })
    }

    pub fn is_live(&self) -> bool {
        self.deleted.is_none()
    }

    pub fn concern(&self) -> Concern {
        self.current().concern
    }

    /// Appends an edit; the earlier text stays in `revisions`.
    pub fn revise(&mut self, mut rev: Revision, device: Uuid) {
        self.stamp.touch(rev.at, device);
        if rev.why.trim().is_empty() {
            rev.why = "edited".into();
        }
        self.revisions.push(rev);
    }
}
