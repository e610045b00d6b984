//! Tree names and key layouts. Ids are raw big-endian UUIDv7 bytes, so a prefix
//! scan yields one family's or one session's records in time order. No name or
//! other personal data ever goes into a key.

use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TreeId {
    Families,
    Groups,
    Sessions,
    SessionsByGroup,
    Attendance,
    AttendanceByFamily,
    Observations,
    Staff,
    Meta,
    /// Append-only: family id ‖ entry id (schema 3).
    Audit,
}

impl TreeId {
    pub const ALL: [TreeId; 10] = [
        TreeId::Families,
        TreeId::Groups,
        TreeId::Sessions,
        TreeId::SessionsByGroup,
        TreeId::Attendance,
        TreeId::AttendanceByFamily,
        TreeId::Observations,
        TreeId::Staff,
        TreeId::Meta,
        TreeId::Audit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TreeId::Families => "families",
            TreeId::Groups => "groups",
            TreeId::Sessions => "sessions",
            TreeId::SessionsByGroup => "sessions_by_group",
            TreeId::Attendance => "attendance",
            TreeId::AttendanceByFamily => "attendance_by_family",
            TreeId::Observations => "observations",
            TreeId::Staff => "staff",
            TreeId::Meta => "meta",
            TreeId::Audit => "audit",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Index trees hold only keys that point at records in another tree.
    pub fn is_index(self) -> bool {
        matches!(self, TreeId::SessionsByGroup | TreeId::AttendanceByFamily)
    }
}

pub fn id(id: Uuid) -> Vec<u8> {
    id.as_bytes().to_vec()
}

/// The meta key of a group's expected-families hint.
pub fn expected_hint(group: Uuid) -> Vec<u8> {
    [super::META_EXPECTED, group.as_bytes()].concat()
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `YYYYMMDD` sorts as the calendar does.
pub fn date(d: NaiveDate) -> [u8; 8] {
    let text = d.format("%Y%m%d").to_string();
    let mut out = [b'0'; 8];
    let bytes = text.as_bytes();
    if bytes.len() == 8 {
        out.copy_from_slice(bytes);
    }
    out
}

pub fn session_by_group(group: Uuid, day: NaiveDate, session: Uuid) -> Vec<u8> {
    cat(&[group.as_bytes(), &date(day), session.as_bytes()])
}

pub fn attendance(session: Uuid, family: Uuid) -> Vec<u8> {
    cat(&[session.as_bytes(), family.as_bytes()])
}

pub fn attendance_by_family(family: Uuid, session: Uuid) -> Vec<u8> {
    cat(&[family.as_bytes(), session.as_bytes()])
}

pub fn observation(family: Uuid, session: Uuid, obs: Uuid) -> Vec<u8> {
    cat(&[family.as_bytes(), session.as_bytes(), obs.as_bytes()])
}

pub fn audit(family: Uuid, entry: Uuid) -> Vec<u8> {
    cat(&[family.as_bytes(), entry.as_bytes()])
}

pub fn staff(initials: &str) -> Vec<u8> {
    // Initials are staff identifiers, not family data.
    initials.as_bytes().to_vec()
}

/// The id stored in bytes `at..at+16` of a key.
pub fn uuid_at(key: &[u8], at: usize) -> Option<Uuid> {
    key.get(at..at + 16).and_then(|b| <[u8; 16]>::try_from(b).ok()).map(Uuid::from_bytes)
}

/// Keys in reports and errors: hex, since keys are ids and never names.
pub fn show(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}
