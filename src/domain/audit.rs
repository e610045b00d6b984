//! The audit trail: one entry for every change to a family, an attendance or an
//! observation, written in the same commit as the change. Entries say what
//! changed in fixed words (the names of the fields, never the old or new
//! personal values, never text someone typed), who changed it, when, and on
//! which laptop.

use super::family::{Family, choice};
use super::observation::{Concern, Observation};
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
    ConcernResolved => "Concern resolved" [],
    FamiliesJoined => "Same family as another, joined" [],
    ConflictDecided => "Versions from two laptops settled" [],
});

choice!(
    /// The parts of a family record, by name. Stored by position: append only.
    FamilyField {
    CarerAdded => "carer added" [],
    CarerRemoved => "carer removed" [],
    CarerName => "carer's name" [],
    CarerRelationship => "carer's relationship" [],
    CarerPhone => "carer's phone" [],
    BabyAdded => "baby added" [],
    BabyRemoved => "baby removed" [],
    BabyName => "baby's name" [],
    BabyDob => "baby's date of birth" [],
    BabyDue => "baby's due date" [],
    BabySex => "baby's sex" [],
    Postcode => "postcode" [],
    Neighbourhood => "neighbourhood" [],
    HomeLanguage => "home language" [],
    Interpreter => "interpreter" [],
    Referral => "referral" [],
    HvLevel => "health-visiting level" [],
    NeedLevel => "level of need" [],
    Eha => "EHA" [],
    DataSharing => "data-sharing consent" [],
    Photos => "photo consent" [],
    Alerts => "alerts" [],
    Groups => "groups" [],
    Erased => "erased" [],
});

/// Fixed words about a change. Never a personal value and never free text,
/// so the trail can stay after an erasure. Stored by position: append only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Detail {
    /// A part of the family record that changed.
    Field(FamilyField),
    WalkIn,
    /// The note's concern level when it was written or changed.
    Concern(Concern),
    /// A note's new version.
    NewVersion,
    FromRoster,
    FromSignInSheet,
    /// How many notes lost their words in an erasure.
    NotesErased(u32),
    /// How many of them were safeguarding notes, erased with the override.
    SafeguardingOverride(u32),
}

impl Detail {
    fn words(&self) -> String {
        match self {
            Detail::Field(f) => f.label().to_string(),
            Detail::WalkIn => "walk-in".into(),
            Detail::Concern(c) => format!("concern: {c}"),
            Detail::NewVersion => "new version".into(),
            Detail::FromRoster => "from a roster file".into(),
            Detail::FromSignInSheet => "from a sign-in sheet".into(),
            Detail::NotesErased(n) => format!(
                "names, phones, relationships, postcode (district kept), home language, referrer, alerts, \
                 babies' names and dates, and the words of {}",
                crate::text::plural(*n as usize, "note", "notes")
            ),
            Detail::SafeguardingOverride(n) => format!(
                "{} erased with --override-safeguarding",
                crate::text::plural(*n as usize, "safeguarding note", "safeguarding notes")
            ),
        }
    }
}

/// One line of the audit trail, written in the same commit as the change it
/// records: what happened, to which family, at which session and note, who
/// did it, when and on which laptop. Never the content: no names, no words
/// of a note, no reasons typed, no file names.
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
    /// The session it happened at (check-ins, notes).
    pub session: Option<Uuid>,
    /// The note it is about.
    pub note: Option<Uuid>,
    pub details: Vec<Detail>,
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
            session: None,
            note: None,
            details: Vec::new(),
            device,
        }
    }

    pub fn at_session(mut self, session: Uuid) -> Self {
        self.session = Some(session);
        self
    }

    pub fn about_note(mut self, note: Uuid) -> Self {
        self.note = Some(note);
        self
    }

    pub fn detail(mut self, d: Detail) -> Self {
        self.details.push(d);
        self
    }

    pub fn details(mut self, d: impl IntoIterator<Item = Detail>) -> Self {
        self.details.extend(d);
        self
    }

    /// "Checked in: walk-in, Central session on 19/11/2026". `session` and
    /// `note` say in words the session and note the entry names (the caller
    /// looks them up); stored text: clean it before it reaches a terminal.
    pub fn describe(&self, session: Option<&str>, note: Option<&str>) -> String {
        let mut words: Vec<String> = self.details.iter().map(Detail::words).collect();
        if let Some(n) = note {
            words.insert(0, n.to_string());
        }
        if let Some(s) = session {
            words.push(s.to_string());
        }
        let mut out = self.action.label().to_string();
        if !words.is_empty() {
            out.push_str(": ");
            out.push_str(&words.join(", "));
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

/// The parts that differ between two versions of a family, in the order a
/// facilitator reads a family record. Never the values themselves.
pub fn family_changes(old: &Family, new: &Family) -> Vec<FamilyField> {
    use FamilyField as F;
    let mut out = Vec::new();
    let mut note = |changed: bool, name: FamilyField| {
        if changed && !out.contains(&name) {
            out.push(name);
        }
    };
    if old.carers.len() != new.carers.len() {
        note(true, if new.carers.len() > old.carers.len() { F::CarerAdded } else { F::CarerRemoved });
    }
    for (a, b) in old.carers.iter().zip(&new.carers) {
        note(a.name != b.name, F::CarerName);
        note(a.relationship != b.relationship, F::CarerRelationship);
        note(a.phone != b.phone, F::CarerPhone);
    }
    if old.babies.len() != new.babies.len() {
        note(true, if new.babies.len() > old.babies.len() { F::BabyAdded } else { F::BabyRemoved });
    }
    for (a, b) in old.babies.iter().zip(&new.babies) {
        note(a.name != b.name, F::BabyName);
        note(a.dob != b.dob, F::BabyDob);
        note(a.due != b.due, F::BabyDue);
        note(a.sex != b.sex, F::BabySex);
    }
    note(old.postcode != new.postcode, F::Postcode);
    note(old.neighbourhood != new.neighbourhood, F::Neighbourhood);
    note(old.home_language != new.home_language, F::HomeLanguage);
    note(old.interpreter != new.interpreter, F::Interpreter);
    note(old.referral != new.referral, F::Referral);
    note(old.hv_level != new.hv_level, F::HvLevel);
    note(old.need_level != new.need_level, F::NeedLevel);
    note(old.eha != new.eha, F::Eha);
    note(old.data_sharing != new.data_sharing, F::DataSharing);
    note(old.photos != new.photos, F::Photos);
    note(old.alerts != new.alerts, F::Alerts);
    note(old.groups != new.groups, F::Groups);
    note(old.erased != new.erased, F::Erased);
    out
}

/// What a save did to an observation, for its audit entry: the action and
/// its details. None when nothing a reader would see changed.
pub fn observation_change(old: Option<&Observation>, new: &Observation) -> Option<(AuditAction, Vec<Detail>)> {
    let Some(old) = old else {
        return Some((AuditAction::NoteAdded, vec![Detail::Concern(new.concern())]));
    };
    if old.deleted.is_none() && new.deleted.is_some() {
        return Some((AuditAction::NoteDeleted, vec![]));
    }
    if new.revisions.len() > old.revisions.len() {
        let mut details = vec![Detail::NewVersion];
        if old.concern() != new.concern() {
            details.push(Detail::Concern(new.concern()));
        }
        return Some((AuditAction::NoteEdited, details));
    }
    if new.resolutions.len() > old.resolutions.len() {
        return Some((AuditAction::ConcernResolved, vec![Detail::Concern(old.concern())]));
    }
    if old == new {
        return None;
    }
    Some((AuditAction::NoteChanged, vec![]))
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
        assert_eq!(changes, vec![FamilyField::CarerPhone, FamilyField::Postcode]);
        assert!(family_changes(&old, &old).is_empty());
    }
}
