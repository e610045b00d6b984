//! The portable archive: one JSON object a line, after a header line naming the
//! format and its version. It is the way off sled's on-disk format and the base
//! of backups. Version 3 carries every record with its versions (concurrent
//! ones from several laptops included) and its tombstones, in a fixed order:
//! the same records always give the same bytes, so two laptops that have
//! exchanged everything export the same file. Nothing of one laptop alone
//! (its id, its settings, what waits for a person on it) is written.
//!
//! Order: staff by initials, groups, sessions, then each family by id, each
//! followed by its attendances, notes and audit entries, by session and id.

use super::docs::{FamilyDoc, VisitDoc};
use super::keys::TreeId;
use super::migrate::{AuditEntryV3, FamilyV3, ObservationV3};
use super::{Change, Store, StoreError};
use crate::domain::{Attendance, AuditEntry, Group, Merge, Observation, Session, Staff, Versioned};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use uuid::Uuid;

pub const FORMAT: &str = "thinkbaby-archive";
/// 3 carries versions and tombstones (schema 4). Versions 1 and 2 (one plain
/// record a line) still import.
pub const VERSION: u32 = 3;
/// The oldest version `import` reads.
pub const OLDEST: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Head {
    format: String,
    version: u32,
}

/// An attendance's versions, with what they are about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendanceVersions {
    pub session: Uuid,
    pub family: Uuid,
    pub versions: Versioned<Attendance>,
}

/// One line of a version 3 archive. (JSON only: never stored in sled.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Entry {
    Staff(Versioned<Staff>),
    Group(Versioned<Group>),
    Session(Versioned<Session>),
    Family(Versioned<crate::domain::Family>),
    Attendance(AttendanceVersions),
    Observation(Observation),
    /// The audit trail travels with the records it is about.
    Audit(AuditEntry),
}

/// One line of a version 1 or 2 archive.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
enum OldEntry {
    Staff(Staff),
    Group(Group),
    Session(Session),
    Family(FamilyV3),
    Attendance(Attendance),
    Observation(ObservationV3),
    Audit(AuditEntryV3),
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub staff: usize,
    pub groups: usize,
    pub sessions: usize,
    pub families: usize,
    pub attendance: usize,
    pub observations: usize,
    pub audit: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::text::plural;
        write!(
            f,
            "{}, {}, {}, {}, {}, {}, {}",
            plural(self.families, "family", "families"),
            plural(self.groups, "group", "groups"),
            plural(self.sessions, "session", "sessions"),
            plural(self.attendance, "attendance", "attendances"),
            plural(self.observations, "observation", "observations"),
            plural(self.staff, "staff member", "staff"),
            plural(self.audit, "audit entry", "audit entries")
        )
    }
}

impl Counts {
    fn count(&mut self, e: &Entry) {
        match e {
            Entry::Staff(_) => self.staff += 1,
            Entry::Group(_) => self.groups += 1,
            Entry::Session(_) => self.sessions += 1,
            Entry::Family(_) => self.families += 1,
            Entry::Attendance(_) => self.attendance += 1,
            Entry::Observation(_) => self.observations += 1,
            Entry::Audit(_) => self.audit += 1,
        }
    }
}

/// Every record of the store in archive order, handed to `each` one at a time
/// (an archive, a bundle). Returns how many of each.
pub fn for_each_entry(
    store: &Store,
    each: &mut dyn FnMut(Entry) -> Result<(), ArchiveError>,
) -> Result<Counts, ArchiveError> {
    let mut counts = Counts::default();
    let mut emit = |e: Entry, counts: &mut Counts| -> Result<(), ArchiveError> {
        counts.count(&e);
        each(e)
    };
    let mut staff: Vec<Versioned<Staff>> = store.scan_all(TreeId::Staff)?;
    staff.sort_by(|a, b| key_of(a, |s| s.initials.clone()).cmp(&key_of(b, |s| s.initials.clone())));
    for s in staff {
        emit(Entry::Staff(s), &mut counts)?;
    }
    let mut groups: Vec<Versioned<Group>> = store.scan_all(TreeId::Groups)?;
    groups.sort_by_key(|v| key_of(v, |g| g.id));
    for g in groups {
        emit(Entry::Group(g), &mut counts)?;
    }
    let mut sessions: Vec<Versioned<Session>> = store.scan_all(TreeId::Sessions)?;
    sessions.sort_by_key(|v| key_of(v, |s| s.id));
    for s in sessions {
        emit(Entry::Session(s), &mut counts)?;
    }
    let mut families: Vec<FamilyDoc> = store.scan_all(TreeId::Families)?;
    families.sort_by_key(|d| d.id);
    for doc in families {
        let id = doc.id;
        let mut audit = doc.audit;
        emit(Entry::Family(doc.family), &mut counts)?;
        let visits: Vec<VisitDoc> = store.visit_docs_of_family(id)?;
        let mut notes = Vec::new();
        for v in visits {
            if let Some(a) = v.attendance {
                emit(
                    Entry::Attendance(AttendanceVersions { session: v.session, family: id, versions: a }),
                    &mut counts,
                )?;
            }
            notes.extend(v.notes);
            audit.extend(v.audit);
        }
        for o in notes {
            emit(Entry::Observation(o), &mut counts)?;
        }
        audit.sort_by_key(|e| e.id);
        for e in audit {
            emit(Entry::Audit(e), &mut counts)?;
        }
    }
    Ok(counts)
}

/// The first live version's key, for sorting (every stored record has one).
fn key_of<T: Merge, K: Default>(v: &Versioned<T>, key: impl Fn(&T) -> K) -> K {
    v.versions.iter().find_map(|x| x.body.as_ref().map(&key)).unwrap_or_default()
}

pub fn export(store: &Store, out: &mut dyn Write) -> Result<Counts, ArchiveError> {
    line(out, &Head { format: FORMAT.into(), version: VERSION })?;
    let counts = for_each_entry(store, &mut |e| line(out, &e))?;
    out.flush().map_err(ArchiveError::Io)?;
    Ok(counts)
}

fn line<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<(), ArchiveError> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, TerminalSafe);
    value.serialize(&mut ser).map_err(|e| ArchiveError::Io(e.into()))?;
    out.write_all(b"\n").map_err(ArchiveError::Io)
}

/// Compact JSON in which no string can act on a terminal: serde_json escapes
/// C0 controls (ESC among them) itself; this also escapes DEL, the C1 controls
/// (U+009B is a one-character CSI to some terminals) and the bidi overrides, as
/// `\uXXXX`. The archive is still plain JSON and reads back the same.
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| crate::text::is_unsafe(*c)) {
            w.write_all(&rest.as_bytes()[..at])?;
            write!(w, "\\u{:04x}", c as u32)?;
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(std::io::Error),
    #[error("this is not a thinkbaby archive: the first line should name the format \"{FORMAT}\"")]
    NotArchive,
    #[error("this archive is version {0}; this thinkbaby reads versions {OLDEST} to {VERSION}. Update thinkbaby.")]
    Version(u32),
    #[error("the archive has errors; nothing was imported:\n{}", .0.join("\n"))]
    Lines(Vec<String>),
    #[error(
        "the store is not empty: an archive can only be imported into an empty data folder.\nChoose a new folder with --data-dir."
    )]
    NotEmpty,
}

/// The change that brings `e` into a store: another laptop's versions, merged.
pub fn merge_op(change: &mut Change, e: Entry) {
    use super::change::Op;
    match e {
        Entry::Staff(v) => change.push(Op::MergeStaff(v)),
        Entry::Group(v) => change.push(Op::MergeGroup(v)),
        Entry::Session(v) => change.push(Op::MergeSession(v)),
        Entry::Family(v) => change.push(Op::MergeFamily(v)),
        Entry::Attendance(a) => {
            change.push(Op::MergeAttendance { session: a.session, family: a.family, versions: a.versions })
        }
        // Moved, not copied: a bundle brings half a million of each.
        Entry::Observation(o) => change.push(Op::Observation(Box::new(o))),
        Entry::Audit(e) => change.push(Op::Audit(e)),
    }
}

/// Reads an archive into an empty store, in one commit: all of it or nothing.
pub fn import(store: &Store, input: &mut dyn BufRead) -> Result<Counts, ArchiveError> {
    if !store.is_empty()? {
        return Err(ArchiveError::NotEmpty);
    }
    let entries = read(input)?;
    let mut change = Change::default();
    let mut counts = Counts::default();
    for e in entries {
        counts.count(&e);
        merge_op(&mut change, e);
    }
    store.commit(change)?;
    Ok(counts)
}

/// Every record of an archive of any version, as version 3 entries.
pub fn read(input: &mut dyn BufRead) -> Result<Vec<Entry>, ArchiveError> {
    let mut lines = input.lines();
    let first = match lines.next() {
        Some(l) => l.map_err(ArchiveError::Io)?,
        None => return Err(ArchiveError::NotArchive),
    };
    let head: Head =
        serde_json::from_str(first.trim_start_matches('\u{feff}')).map_err(|_| ArchiveError::NotArchive)?;
    if head.format != FORMAT {
        return Err(ArchiveError::NotArchive);
    }
    if !(OLDEST..=VERSION).contains(&head.version) {
        return Err(ArchiveError::Version(head.version));
    }
    let mut entries = Vec::new();
    let mut old = Vec::new();
    let mut errors = Vec::new();
    for (i, l) in lines.enumerate() {
        let number = i + 2;
        let l = l.map_err(ArchiveError::Io)?;
        if l.trim().is_empty() {
            continue;
        }
        if head.version >= 3 {
            match serde_json::from_str::<Entry>(&l) {
                Ok(e) => entries.push(e),
                Err(e) => errors.push(format!("line {number}: {e}")),
            }
        } else {
            match serde_json::from_str::<OldEntry>(&l) {
                Ok(e) => old.push(e),
                Err(e) => errors.push(format!("line {number}: {e}")),
            }
        }
    }
    if !errors.is_empty() {
        return Err(ArchiveError::Lines(errors));
    }
    if !old.is_empty() {
        entries = upgrade(old);
    }
    Ok(entries)
}

/// A version 1 or 2 archive's records as schema 4's, as an upgraded store
/// would hold them (see `migrate.rs`): sessions get ids from group and date.
fn upgrade(old: Vec<OldEntry>) -> Vec<Entry> {
    let mut session_id: HashMap<Uuid, Uuid> = HashMap::new();
    let mut group_id: HashMap<String, Uuid> = HashMap::new();
    for e in &old {
        match e {
            OldEntry::Session(s) => {
                session_id.insert(s.id, Session::id_for(s.group, s.date));
            }
            OldEntry::Group(g) => {
                group_id.insert(crate::domain::fold::fold(&g.name), g.id);
            }
            _ => {}
        }
    }
    let remap = |id: Uuid| session_id.get(&id).copied().unwrap_or(id);
    let notes: Vec<(Uuid, Uuid)> = old
        .iter()
        .filter_map(|e| match e {
            OldEntry::Observation(o) => Some((o.family, o.id)),
            _ => None,
        })
        .collect();
    let session_named =
        |name: &str, day: NaiveDate| group_id.get(&crate::domain::fold::fold(name)).map(|g| Session::id_for(*g, day));
    let note_ending = |family: Uuid, end: &str| {
        notes.iter().find(|(f, id)| *f == family && id.simple().to_string().ends_with(end)).map(|(_, id)| *id)
    };
    let mut out = Vec::with_capacity(old.len());
    for e in old {
        out.push(match e {
            OldEntry::Staff(s) => Entry::Staff(Versioned::first(s.stamp.device, s)),
            OldEntry::Group(g) => Entry::Group(Versioned::first(g.stamp.device, g)),
            OldEntry::Session(s) => {
                let id = remap(s.id);
                Entry::Session(Versioned::first(s.stamp.device, Session { id, ..s }))
            }
            OldEntry::Family(f) => Entry::Family(Versioned::first(f.stamp.device, f.upgrade())),
            OldEntry::Attendance(a) => {
                let session = remap(a.session);
                let family = a.family;
                let versions = Versioned::first(a.stamp.device, Attendance { session, ..a });
                Entry::Attendance(AttendanceVersions { session, family, versions })
            }
            OldEntry::Observation(o) => {
                let session = remap(o.session);
                Entry::Observation(o.upgrade(session))
            }
            OldEntry::Audit(a) => Entry::Audit(a.upgrade(&session_named, &note_ending)),
        });
    }
    out
}
