//! What Notes (3) and Family (4) show about the focused family: its notes,
//! visits and changes. Read once when the focus moves to a family and again
//! after a commit, not on every frame: a family with years of notes has
//! hundreds of sealed values to open, and each key redraws the screen.

use crate::domain::{Attendance, AuditEntry, Observation, Session};
use crate::store::{Store, StoreError};
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct History {
    pub family: Uuid,
    /// Live notes, today's first, then newest first.
    pub notes: Vec<Observation>,
    /// Every visit, with its session.
    pub visits: Vec<(Attendance, Option<Session>)>,
    /// Oldest first.
    pub audit: Vec<AuditEntry>,
}

impl History {
    /// `today` is today's session, whose notes come first.
    pub fn read(store: &Store, family: Uuid, today: Option<Uuid>) -> Result<History, StoreError> {
        let mut notes: Vec<Observation> = store.observations_of_family(family)?;
        notes.retain(|o| o.is_live());
        notes.sort_by_key(|o| (Some(o.session) != today, std::cmp::Reverse(o.at)));
        let mut visits = Vec::new();
        for a in store.attendance_of_family(family)? {
            let session = store.session(a.session)?;
            visits.push((a, session));
        }
        Ok(History { family, notes, visits, audit: store.audit_of_family(family)? })
    }

    /// Nothing known: what is shown when the family's records cannot be read.
    pub fn empty(family: Uuid) -> History {
        History { family, ..History::default() }
    }
}
