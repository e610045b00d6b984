//! The records and rules of a Think Baby group: no I/O, no terminal.

pub mod age;
pub mod attendance;
pub mod audit;
pub mod family;
pub mod fold;
pub mod group;
pub mod observation;
pub mod stamp;
pub mod tags;
pub mod wire;

pub use attendance::Attendance;
pub use audit::{AuditAction, AuditEntry};
pub use family::{
    Alert, AlertKind, Baby, Carer, Consent, ConsentAnswer, ERASED, Erasure, Family, HvLevel, Neighbourhood, Referral,
    ReferralRoute, Sex,
};
pub use group::{Group, Session, Staff};
pub use observation::{Concern, Observation, Revision, Tombstone};
pub use stamp::{Stamp, new_id};
