//! The record types of schemas 1 to 3, frozen so their bytes can always be
//! read, and how each becomes schema 4's. Never edit a frozen type.

use crate::domain::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `Family` as schema 1 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyV1 {
    pub id: Uuid,
    pub carers: Vec<Carer>,
    pub babies: Vec<Baby>,
    pub postcode: String,
    pub neighbourhood: Option<Neighbourhood>,
    pub home_language: String,
    pub interpreter: bool,
    pub referral: Referral,
    pub hv_level: HvLevel,
    pub need_level: Option<u8>,
    pub eha: bool,
    pub data_sharing: Consent,
    pub photos: Consent,
    pub alerts: Vec<Alert>,
    pub stamp: Stamp,
}

/// `Family` as schema 2 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyV2 {
    pub id: Uuid,
    pub carers: Vec<Carer>,
    pub babies: Vec<Baby>,
    pub postcode: String,
    pub neighbourhood: Option<Neighbourhood>,
    pub home_language: String,
    pub interpreter: bool,
    pub referral: Referral,
    pub hv_level: HvLevel,
    pub need_level: Option<u8>,
    pub eha: bool,
    pub data_sharing: Consent,
    pub photos: Consent,
    pub alerts: Vec<Alert>,
    pub groups: Vec<Uuid>,
    pub stamp: Stamp,
}

/// `Family` as schema 3 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FamilyV3 {
    pub id: Uuid,
    pub carers: Vec<Carer>,
    pub babies: Vec<Baby>,
    pub postcode: String,
    pub neighbourhood: Option<Neighbourhood>,
    pub home_language: String,
    pub interpreter: bool,
    pub referral: Referral,
    pub hv_level: HvLevel,
    pub need_level: Option<u8>,
    pub eha: bool,
    pub data_sharing: Consent,
    pub photos: Consent,
    pub alerts: Vec<Alert>,
    pub groups: Vec<Uuid>,
    pub stamp: Stamp,
    pub erased: Option<Erasure>,
}

impl FamilyV1 {
    pub fn upgrade(self, groups: Vec<Uuid>) -> FamilyV3 {
        FamilyV2 {
            id: self.id,
            carers: self.carers,
            babies: self.babies,
            postcode: self.postcode,
            neighbourhood: self.neighbourhood,
            home_language: self.home_language,
            interpreter: self.interpreter,
            referral: self.referral,
            hv_level: self.hv_level,
            need_level: self.need_level,
            eha: self.eha,
            data_sharing: self.data_sharing,
            photos: self.photos,
            alerts: self.alerts,
            groups,
            stamp: self.stamp,
        }
        .upgrade()
    }
}

impl FamilyV2 {
    pub fn upgrade(self) -> FamilyV3 {
        FamilyV3 {
            id: self.id,
            carers: self.carers,
            babies: self.babies,
            postcode: self.postcode,
            neighbourhood: self.neighbourhood,
            home_language: self.home_language,
            interpreter: self.interpreter,
            referral: self.referral,
            hv_level: self.hv_level,
            need_level: self.need_level,
            eha: self.eha,
            data_sharing: self.data_sharing,
            photos: self.photos,
            alerts: self.alerts,
            groups: self.groups,
            stamp: self.stamp,
            erased: None,
        }
    }
}

impl FamilyV3 {
    pub fn upgrade(self) -> Family {
        Family {
            id: self.id,
            carers: self.carers,
            babies: self.babies,
            postcode: self.postcode,
            neighbourhood: self.neighbourhood,
            home_language: self.home_language,
            interpreter: self.interpreter,
            referral: self.referral,
            hv_level: self.hv_level,
            need_level: self.need_level,
            eha: self.eha,
            data_sharing: self.data_sharing,
            photos: self.photos,
            alerts: self.alerts,
            groups: self.groups,
            stamp: self.stamp,
            erased: self.erased,
            joined_into: None,
            not_same_as: vec![],
        }
    }

    pub fn from_current(f: &Family) -> FamilyV3 {
        FamilyV3 {
            id: f.id,
            carers: f.carers.clone(),
            babies: f.babies.clone(),
            postcode: f.postcode.clone(),
            neighbourhood: f.neighbourhood,
            home_language: f.home_language.clone(),
            interpreter: f.interpreter,
            referral: f.referral.clone(),
            hv_level: f.hv_level,
            need_level: f.need_level,
            eha: f.eha,
            data_sharing: f.data_sharing.clone(),
            photos: f.photos.clone(),
            alerts: f.alerts.clone(),
            groups: f.groups.clone(),
            stamp: f.stamp.clone(),
            erased: f.erased.clone(),
        }
    }
}

/// A note's revision as schemas 1 to 3 stored it: no id. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevisionV3 {
    pub tags: Vec<String>,
    pub text: String,
    pub concern: Concern,
    pub follow_up: String,
    pub baby: Option<Uuid>,
    pub by: String,
    #[serde(with = "crate::domain::wire::moment")]
    pub at: DateTime<Utc>,
    pub why: String,
}

/// `Observation` as schemas 1 and 2 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObservationV2 {
    pub id: Uuid,
    pub family: Uuid,
    pub session: Uuid,
    pub author: String,
    #[serde(with = "crate::domain::wire::moment")]
    pub at: DateTime<Utc>,
    pub revisions: Vec<RevisionV3>,
    pub deleted: Option<Tombstone>,
    pub stamp: Stamp,
}

/// `Observation` as schema 3 stored it. Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObservationV3 {
    pub id: Uuid,
    pub family: Uuid,
    pub session: Uuid,
    pub author: String,
    #[serde(with = "crate::domain::wire::moment")]
    pub at: DateTime<Utc>,
    pub revisions: Vec<RevisionV3>,
    pub deleted: Option<Tombstone>,
    pub stamp: Stamp,
    pub erased: Option<Erasure>,
}

impl ObservationV3 {
    /// Revisions get ids (time-ordered, from the note and their place) and
    /// each names the one before it; `session` is the session's schema 4 id.
    pub fn upgrade(self, session: Uuid) -> Observation {
        let mut revisions = Vec::with_capacity(self.revisions.len());
        let mut before: Option<Uuid> = None;
        for (i, r) in self.revisions.into_iter().enumerate() {
            let id = revision_id(self.id, i, r.at);
            revisions.push(Revision {
                id,
                parents: before.into_iter().collect(),
                tags: r.tags,
                text: r.text,
                concern: r.concern,
                follow_up: r.follow_up,
                baby: r.baby,
                by: r.by,
                at: r.at,
                why: r.why,
            });
            before = Some(id);
        }
        revisions.sort_by_key(|r| r.id);
        Observation {
            id: self.id,
            family: self.family,
            session,
            author: self.author,
            at: self.at,
            revisions,
            deleted: self.deleted,
            resolutions: vec![],
            stamp: self.stamp,
            erased: self.erased,
        }
    }
}

impl ObservationV2 {
    pub fn upgrade(self) -> ObservationV3 {
        ObservationV3 {
            id: self.id,
            family: self.family,
            session: self.session,
            author: self.author,
            at: self.at,
            revisions: self.revisions,
            deleted: self.deleted,
            stamp: self.stamp,
            erased: None,
        }
    }
}

/// A revision id for an upgraded note: a UUIDv7 at the revision's time whose
/// other bits follow from the note and the revision's place, so upgrading the
/// same note twice (two laptops) gives the same ids.
pub fn revision_id(note: Uuid, index: usize, at: DateTime<Utc>) -> Uuid {
    let seed = derived_id(&[b"thinkbaby revision", note.as_bytes(), &(index as u64).to_be_bytes()]);
    let mut random = [0u8; 10];
    random.copy_from_slice(&seed.as_bytes()[6..16]);
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &random).into_uuid()
}

/// An audit entry as schema 3 stored it: what changed and why, in words.
/// Frozen: never edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntryV3 {
    pub id: Uuid,
    pub family: Uuid,
    #[serde(with = "crate::domain::wire::moment")]
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: AuditAction,
    pub what: String,
    pub why: String,
    pub device: Uuid,
}

impl AuditEntryV3 {
    /// Keeps what schema 4's audit keeps (the action, the session, the note,
    /// the names of the fields) and drops the words: the reasons typed, file
    /// names, group names. `session_named` finds a session by group name and
    /// date; `note_ending` a note of this family by the end of its id.
    pub fn upgrade(
        self,
        session_named: &dyn Fn(&str, NaiveDate) -> Option<Uuid>,
        note_ending: &dyn Fn(Uuid, &str) -> Option<Uuid>,
    ) -> AuditEntry {
        let w = self.what.as_str();
        let mut e = AuditEntry::new(self.family, self.action, self.at, &self.by, self.device);
        e.id = self.id;
        if let Some(at) = w.find(" session on ") {
            let date = w.get(at + 12..at + 22).and_then(|d| NaiveDate::parse_from_str(d, "%d/%m/%Y").ok());
            let group = w[..at].rsplit([',', ':']).next().unwrap_or("").trim();
            e.session = date.and_then(|d| session_named(group, d));
        }
        if let Some(at) = w.find("note ") {
            e.note = w.get(at + 5..at + 13).and_then(|end| note_ending(self.family, end));
        }
        if w.contains("walk-in") {
            e.details.push(Detail::WalkIn);
        }
        if w.contains("roster") {
            e.details.push(Detail::FromRoster);
        }
        if w.contains("sign-in sheet") {
            e.details.push(Detail::FromSignInSheet);
        }
        match self.action {
            AuditAction::FamilyChanged => {
                let fields = w.rsplit(": ").next().unwrap_or("");
                e.details.extend(fields.split(", ").filter_map(FamilyField::parse).map(Detail::Field));
            }
            AuditAction::NoteEdited => e.details.push(Detail::NewVersion),
            AuditAction::FamilyErased => {
                if let Some(n) = number_before(w, " note") {
                    e.details.push(Detail::NotesErased(n));
                }
                if let Some(n) = number_before(w, " safeguarding note") {
                    e.details.push(Detail::SafeguardingOverride(n));
                }
            }
            _ => {}
        }
        if let Some(at) = w.find("concern: ") {
            let label = w[at + 9..].split(')').next().unwrap_or("");
            if let Some(c) = Concern::parse(label) {
                e.details.push(Detail::Concern(c));
            }
        }
        e
    }
}

/// The number just before the last `word` in `text` ("the text of 3 notes").
fn number_before(text: &str, word: &str) -> Option<u32> {
    let at = text.rfind(word)?;
    text[..at].rsplit(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}
