//! The records and rules of a Think Baby group: no I/O, no terminal.

pub mod age;
pub mod attendance;
pub mod audit;
pub mod conflict;
pub mod family;
pub mod fold;
pub mod group;
pub mod observation;
pub mod stamp;
pub mod tags;
pub mod version;
pub mod wire;

pub use attendance::Attendance;
pub use audit::{AuditAction, AuditEntry, Detail, FamilyField};
pub use family::{
    Alert, AlertKind, Baby, Carer, Consent, ConsentAnswer, ERASED, Erasure, Family, HvLevel, Joined, Neighbourhood,
    Referral, ReferralRoute, Sex,
};
pub use group::{Group, Session, Staff};
pub use observation::{Concern, Observation, Resolution, Revision, Tombstone};
pub use stamp::{Stamp, derived_id, new_id};
pub use version::{Merge, VClock, Version, Versioned};
