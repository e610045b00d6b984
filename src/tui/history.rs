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
    /// Oldest first, each with its words.
    pub audit: Vec<(AuditEntry, String)>,
}

impl History {
    /// `today` is today's session, whose notes come first.
    pub fn read(store: &Store, family: Uuid, today: Option<Uuid>) -> Result<History, StoreError> {
        let mut notes: Vec<Observation> = Vec::new();
        let mut visits = Vec::new();
        let mut audit: Vec<AuditEntry> = Vec::new();
        for v in store.visits_of_family(family)? {
            notes.extend(v.notes.into_iter().filter(|o| o.is_live()));
            if let Some(a) = v.attendance {
                visits.push((a, store.session(v.session)?));
            }
            audit.extend(v.audit);
        }
        audit.extend(store.family_audit(family)?);
        audit.sort_by_key(|e| e.id);
        notes.sort_by_key(|o| (Some(o.session) != today, std::cmp::Reverse(o.at)));
        let words = store.audit_words(&audit)?;
        Ok(History { family, notes, visits, audit: audit.into_iter().zip(words).collect() })
    }

    /// Nothing known: what is shown when the family's records cannot be read.
    pub fn empty(family: Uuid) -> History {
        History { family, ..History::default() }
    }
}
