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
            notes.extend(v.notes);
            if let Some(a) = v.attendance {
                visits.push((a, store.session(v.session)?));
            }
            audit.extend(v.audit);
        }
        audit.extend(store.family_audit(family)?);
        audit.sort_by_key(|e| e.id);
        let mut words = store.audit_words(&audit)?;
        // A note is named by when it was written; its first words say which it
        // is to a reader (deleted notes too).
        for (e, w) in audit.iter().zip(&mut words) {
            if let Some(o) = e.note.and_then(|id| notes.iter().find(|o| o.id == id)) {
                let when = format!("the note of {}", o.at.format("%d/%m/%Y %H:%M"));
                *w = w.replacen(&when, &format!("{when}{}", first_words(o)), 1);
            }
        }
        notes.retain(|o| o.is_live());
        notes.sort_by_key(|o| (Some(o.session) != today, std::cmp::Reverse(o.at)));
        Ok(History { family, notes, visits, audit: audit.into_iter().zip(words).collect() })
    }

    /// Nothing known: what is shown when the family's records cannot be read.
    pub fn empty(family: Uuid) -> History {
        History { family, ..History::default() }
    }
}

/// ", “Sang Wind the Bobbin Up…”": a note's first words, as it reads now;
/// nothing for a note whose words were erased.
fn first_words(o: &Observation) -> String {
    let text = crate::text::one_line(&o.current().text);
    let words: Vec<&str> = text.split_whitespace().take(5).collect();
    if words.is_empty() {
        return String::new();
    }
    let more = if text.split_whitespace().count() > 5 { "…" } else { "" };
    format!(", “{}{more}”", words.join(" "))
}
