//! What is stored under each key (schema 4): records that are read together
//! are stored together, so a family's timeline is a handful of values, not
//! hundreds. Frozen with the schema: a change is a new schema and a migration.

use crate::domain::{Attendance, AuditEntry, Family, Observation, Versioned};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `families`: a family's versions and the audit entries not tied to a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyDoc {
    pub id: Uuid,
    pub family: Versioned<Family>,
    /// Oldest first.
    pub audit: Vec<AuditEntry>,
    /// The date of the family's first attendance at any session (this
    /// laptop's view, worked out from the visits): tells a first visit from a
    /// return without reading every visit. Not part of any export.
    #[serde(with = "crate::domain::wire::opt_date")]
    pub first_seen: Option<chrono::NaiveDate>,
}

/// `visits`: one family at one session: its attendance (if it came), the
/// notes written about it there, and their audit entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitDoc {
    pub family: Uuid,
    pub session: Uuid,
    pub attendance: Option<Versioned<Attendance>>,
    /// In id order.
    pub notes: Vec<Observation>,
    /// Oldest first.
    pub audit: Vec<AuditEntry>,
}

impl VisitDoc {
    pub fn new(family: Uuid, session: Uuid) -> VisitDoc {
        VisitDoc { family, session, attendance: None, notes: vec![], audit: vec![] }
    }

    /// The attendance as every laptop shows it; None when not checked in (or undone).
    pub fn shown_attendance(&self) -> Option<Attendance> {
        self.attendance.as_ref().and_then(Versioned::shown)
    }
}

/// `session_visits`: which family a visit of the session is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionVisit {
    pub session: Uuid,
    pub family: Uuid,
}

/// A setting stored under a hashed key names what it is about, so a store can
/// be rebuilt under a new key without knowing every setting there is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named<T> {
    pub name: Vec<u8>,
    pub id: Uuid,
    pub value: T,
}

/// `meta` `hub`: the hub this laptop syncs with, the key it seals what it
/// relays under (the team's, sealed here under the data key like any value),
/// and the last change it has pulled. Its presence turns the outbox on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubState {
    pub id: Uuid,
    pub key: Vec<u8>,
    pub pulled: i64,
}
