//! The portable archive: one JSON object a line, after a header line naming the
//! format and its version. It is the way off sled's on-disk format and the base
//! of backups. Records are written in key order, so the same store always gives
//! the same file; index entries are not written, they are rebuilt on import.

use super::keys::TreeId;
use super::{Change, Store, StoreError};
use crate::domain::{Attendance, AuditEntry, Family, Group, Observation, Session, Staff};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

pub const FORMAT: &str = "thinkbaby-archive";
/// 2 adds audit entries and the erasure marks on families and notes. Version 1
/// archives still import: they have neither, and read as nothing erased.
pub const VERSION: u32 = 2;
/// The oldest version `import` reads.
pub const OLDEST: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Head {
    format: String,
    version: u32,
}

/// One line of the archive. (JSON only: this type is never stored in sled.)
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Entry {
    Staff(Staff),
    Group(Group),
    Session(Session),
    Family(Family),
    Attendance(Attendance),
    Observation(Observation),
    /// The audit trail travels with the records it is about.
    Audit(AuditEntry),
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
        write!(
            f,
            "{} families, {} groups, {} sessions, {} attendances, {} observations, {} staff, {} audit entries",
            self.families, self.groups, self.sessions, self.attendance, self.observations, self.staff, self.audit
        )
    }
}

pub fn export(store: &Store, out: &mut dyn Write) -> Result<Counts, ArchiveError> {
    let mut counts = Counts::default();
    line(out, &Head { format: FORMAT.into(), version: VERSION })?;
    for s in store.staff()? {
        line(out, &Entry::Staff(s))?;
        counts.staff += 1;
    }
    for g in store.groups()? {
        line(out, &Entry::Group(g))?;
        counts.groups += 1;
    }
    for s in store.scan::<Session>(TreeId::Sessions, &[])? {
        line(out, &Entry::Session(s))?;
        counts.sessions += 1;
    }
    for f in store.families()? {
        line(out, &Entry::Family(f))?;
        counts.families += 1;
    }
    for a in store.all_attendance()? {
        line(out, &Entry::Attendance(a))?;
        counts.attendance += 1;
    }
    for o in store.all_observations()? {
        line(out, &Entry::Observation(o))?;
        counts.observations += 1;
    }
    for e in store.audit()? {
        line(out, &Entry::Audit(e))?;
        counts.audit += 1;
    }
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
    #[error("this archive is version {0}; this thinkbaby reads version {VERSION}. Update thinkbaby.")]
    Version(u32),
    #[error("the archive has errors; nothing was imported:\n{}", .0.join("\n"))]
    Lines(Vec<String>),
    #[error(
        "the store is not empty: an archive can only be imported into an empty data folder.\nChoose a new folder with --data-dir."
    )]
    NotEmpty,
}

/// Reads an archive into an empty store, in one commit: all of it or nothing.
pub fn import(store: &Store, input: &mut dyn BufRead) -> Result<Counts, ArchiveError> {
    if !store.is_empty()? {
        return Err(ArchiveError::NotEmpty);
    }
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
    let mut change = Change::default();
    let mut counts = Counts::default();
    let mut errors = Vec::new();
    for (i, l) in lines.enumerate() {
        let number = i + 2;
        let l = l.map_err(ArchiveError::Io)?;
        if l.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(&l) {
            Ok(Entry::Staff(s)) => {
                change.put_staff(&s);
                counts.staff += 1;
            }
            Ok(Entry::Group(g)) => {
                change.put_group(&g);
                counts.groups += 1;
            }
            Ok(Entry::Session(s)) => {
                change.put_session(&s);
                counts.sessions += 1;
            }
            Ok(Entry::Family(f)) => {
                change.put_family(&f);
                counts.families += 1;
            }
            Ok(Entry::Attendance(a)) => {
                change.put_attendance(&a);
                counts.attendance += 1;
            }
            Ok(Entry::Observation(o)) => {
                change.put_observation(&o);
                counts.observations += 1;
            }
            Ok(Entry::Audit(e)) => {
                change.audit(&e);
                counts.audit += 1;
            }
            Err(e) => errors.push(format!("line {number}: {e}")),
        }
    }
    if !errors.is_empty() {
        return Err(ArchiveError::Lines(errors));
    }
    store.commit(change)?;
    Ok(counts)
}
