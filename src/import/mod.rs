//! CSV files from the centre's office, checked whole before anything is stored.

pub mod attendance;
pub mod joining;
pub mod roster;
pub mod table;

pub use table::{ImportError, RowError};

/// Who and what an import's changes come from: their stamps and audit entries.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub now: chrono::DateTime<chrono::Utc>,
    /// The laptop's store id, for the stamps.
    pub device: uuid::Uuid,
    /// Who the audit trail names (the store's actor).
    pub by: &'a str,
    /// The file's name, for the audit trail: "added from roster NAME".
    pub source: &'a str,
}

impl<'a> Origin<'a> {
    /// An import into `store` of the file named `source`, by the store's actor.
    pub fn of(store: &crate::store::Store, by: &'a str, source: &'a str, now: chrono::DateTime<chrono::Utc>) -> Self {
        Origin { now, device: store.device(), by, source }
    }
}
