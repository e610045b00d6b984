//! The audit trail: one entry for every change to a family, an attendance or an
//! observation, written in the same commit as the change. Entries say what
//! changed in words (the names of the fields, never the old or new personal
//! values), who changed it, when, and why for deletions and erasures.

use super::family::{Family, choice};
use super::observation::Observation;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

choice!(
    /// What happened. Stored by position: append new actions at the end.
    AuditAction {
    FamilyAdded => "Family added" [],
    FamilyChanged => "Family changed" [],
    CheckedIn => "Checked in" [],
    CheckedOut => "Checked out" [],
    CheckInUndone => "Check-in undone" [],
    NoteAdded => "Note added" [],
    NoteEdited => "Note edited" [],
    NoteDeleted => "Note deleted" [],
    FamilyErased => "Family erased" [],
    NoteChanged => "Note changed" [],
    CheckedBackIn => "Checked back in" [],
});

/// One line of the audit trail. Stored in the `audit` tree under family id ‖ entry id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// UUIDv7: entries of a family sort in the order they were written.
    pub id: Uuid,
    pub family: Uuid,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    /// Initials of who made the change, or "command line".
    pub by: String,
    pub action: AuditAction,
    /// What changed, in words: never a personal value.
    pub what: String,
    /// Why: for deletions and erasures (empty otherwise).
    pub why: String,
    /// The laptop that wrote it.
    pub device: Uuid,
}

impl AuditEntry {
    pub fn new(family: Uuid, action: AuditAction, at: DateTime<Utc>, by: &str, device: Uuid) -> AuditEntry {
        AuditEntry {
            id: entry_id(at),
            family,
            at,
            by: by.to_string(),
            action,
            what: String::new(),
            why: String::new(),
            device,
        }
    }

    pub fn what(mut self, what: impl Into<String>) -> Self {
        self.what = what.into();
        self
    }

    pub fn why(mut self, why: impl Into<String>) -> Self {
        self.why = why.into();
        self
    }

    /// "Checked in: Central session on 19/11/2026" and, when there is a reason,
    /// " (why: ...)". Stored text: clean it before it reaches a terminal.
    pub fn describe(&self) -> String {
        let mut out = self.action.label().to_string();
        if !self.what.is_empty() {
            out.push_str(": ");
            out.push_str(&self.what);
        }
        if !self.why.is_empty() {
            out.push_str(" (why: ");
            out.push_str(&self.why);
            out.push(')');
        }
        out
    }
}

/// Entry ids are UUIDv7 from one counter per program, so the entries written in
/// the same millisecond (a walk-in's "added" and "checked in") keep their order.
fn entry_id(at: DateTime<Utc>) -> Uuid {
    static IDS: std::sync::Mutex<uuid::ContextV7> = std::sync::Mutex::new(uuid::ContextV7::new());
    let ts = uuid::Timestamp::from_unix(&IDS, at.timestamp().max(0) as u64, at.timestamp_subsec_nanos());
    Uuid::new_v7(ts)
}

/// The names of the fields that differ between two versions of a family, in the
/// order a facilitator reads a family record. Never the values themselves.
pub fn family_changes(old: &Family, new: &Family) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut note = |changed: bool, name: &'static str| {
        if changed && !out.contains(&name) {
            out.push(name);
        }
    };
    if old.carers.len() != new.carers.len() {
        note(true, if new.carers.len() > old.carers.len() { "carer added" } else { "carer removed" });
    }
    for (a, b) in old.carers.iter().zip(&new.carers) {
        note(a.name != b.name, "carer's name");
        note(a.relationship != b.relationship, "carer's relationship");
        note(a.phone != b.phone, "carer's phone");
    }
    if old.babies.len() != new.babies.len() {
        note(true, if new.babies.len() > old.babies.len() { "baby added" } else { "baby removed" });
    }
    for (a, b) in old.babies.iter().zip(&new.babies) {
        note(a.name != b.name, "baby's name");
        note(a.dob != b.dob, "baby's date of birth");
        note(a.due != b.due, "baby's due date");
        note(a.sex != b.sex, "baby's sex");
    }
    note(old.postcode != new.postcode, "postcode");
    note(old.neighbourhood != new.neighbourhood, "neighbourhood");
    note(old.home_language != new.home_language, "home language");
    note(old.interpreter != new.interpreter, "interpreter");
    note(old.referral != new.referral, "referral");
    note(old.hv_level != new.hv_level, "health-visiting level");
    note(old.need_level != new.need_level, "level of need");
    note(old.eha != new.eha, "EHA");
    note(old.data_sharing != new.data_sharing, "data-sharing consent");
    note(old.photos != new.photos, "photo consent");
    note(old.alerts != new.alerts, "alerts");
    note(old.groups != new.groups, "groups");
    note(old.erased != new.erased, "erased");
    out
}

/// What a save did to an observation, for its audit entry: the action, the words
/// and the reason. None when nothing a reader would see changed.
pub fn observation_change(old: Option<&Observation>, new: &Observation) -> Option<(AuditAction, String, String)> {
    let concern = |o: &Observation| format!("concern: {}", o.concern());
    let Some(old) = old else {
        return Some((AuditAction::NoteAdded, format!("note {} ({})", short(new.id), concern(new)), String::new()));
    };
    if old.deleted.is_none()
        && let Some(t) = &new.deleted
    {
        return Some((AuditAction::NoteDeleted, format!("note {}", short(new.id)), t.why.clone()));
    }
    if new.revisions.len() > old.revisions.len() {
        let why = new.current().why.clone();
        let mut what = format!("note {}: new version", short(new.id));
        if old.concern() != new.concern() {
            what.push_str(&format!(" ({})", concern(new)));
        }
        return Some((AuditAction::NoteEdited, what, why));
    }
    if old == new {
        return None;
    }
    Some((AuditAction::NoteChanged, format!("note {}", short(new.id)), String::new()))
}

/// The last 8 hex digits of an id: enough to tell one family's notes apart.
pub fn short(id: Uuid) -> String {
    let hex = id.simple().to_string();
    hex[hex.len() - 8..].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;
    use chrono::TimeZone;

    fn family() -> Family {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 0, 0).unwrap();
        let mut f = Family::new("Zoë", "1", vec![], Stamp::new(t, Uuid::nil()));
        f.id = Uuid::from_u128(1);
        f.carers[0].id = Uuid::from_u128(2);
        f.postcode = "LU3 1HB".into();
        f.home_language = "English".into();
        f
    }

    #[test]
    fn changes_are_field_names_never_values() {
        let old = family();
        let mut new = old.clone();
        new.carers[0].phone = "07700 900999".into();
        new.postcode = "LU1 2TW".into();
        new.stamp.updated += chrono::Duration::minutes(1);
        let changes = family_changes(&old, &new);
        assert_eq!(changes, vec!["carer's phone", "postcode"]);
        assert!(family_changes(&old, &old).is_empty());
    }
}
