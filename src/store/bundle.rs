//! Bundles: everything a store holds, in one file sealed with age under a
//! passphrase, to carry between laptops on a USB stick. A JSON line names the
//! format, its version, the schema and the laptop that wrote it and when; then
//! each record (the archive's, with its versions and tombstones) as a
//! length-prefixed value in the codec's bytes; then the team's evaluation key;
//! then a count, so a bundle cut short is told from a whole one.

use super::archive::{self, AttendanceVersions, Entry};
use super::{META_EVALUATION_KEY, Store, StoreError, codec};
use crate::domain::{AuditEntry, Family, Group, Observation, Session, Staff, Versioned};
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub const FORMAT: &str = "thinkbaby-bundle";
pub const VERSION: u32 = 1;
/// No single value in a bundle is larger than this: a length above it is damage.
const LIMIT: u32 = 64 << 20;
/// How many records are read before they are decoded together.
const BATCH: usize = 8_192;

/// The bundle's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub format: String,
    pub version: u32,
    pub schema: u8,
    /// The laptop that wrote it.
    pub device: Uuid,
    /// When, by that laptop's clock.
    #[serde(with = "crate::domain::wire::moment")]
    pub written: DateTime<Utc>,
}

/// One value of a bundle (and of what a hub relays). Frozen with the
/// bundle's version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Item {
    Staff(Versioned<Staff>),
    Group(Versioned<Group>),
    Session(Versioned<Session>),
    Family(Versioned<Family>),
    Attendance(AttendanceVersions),
    Observation(Observation),
    Audit(AuditEntry),
    /// The team's key for evaluation pseudonyms.
    EvaluationKey(Vec<u8>),
    /// The number of values before it.
    End(u64),
}

impl Item {
    /// The record it carries, if it is one.
    pub fn entry(self) -> Option<Entry> {
        Some(match self {
            Item::Staff(v) => Entry::Staff(v),
            Item::Group(v) => Entry::Group(v),
            Item::Session(v) => Entry::Session(v),
            Item::Family(v) => Entry::Family(v),
            Item::Attendance(v) => Entry::Attendance(v),
            Item::Observation(v) => Entry::Observation(v),
            Item::Audit(v) => Entry::Audit(v),
            Item::EvaluationKey(_) | Item::End(_) => return None,
        })
    }
}

impl From<Entry> for Item {
    fn from(e: Entry) -> Item {
        match e {
            Entry::Staff(v) => Item::Staff(v),
            Entry::Group(v) => Item::Group(v),
            Entry::Session(v) => Item::Session(v),
            Entry::Family(v) => Item::Family(v),
            Entry::Attendance(v) => Item::Attendance(v),
            Entry::Observation(v) => Item::Observation(v),
            Entry::Audit(v) => Item::Audit(v),
        }
    }
}

/// What a bundle brings.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub head: Head,
    pub entries: Vec<Entry>,
    pub evaluation_key: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the bundle {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read the bundle {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "the bundle {} does not open with this passphrase: give the one it was sealed with (--bundle-passphrase-file FILE)",
        .0.display()
    )]
    WrongPassphrase(PathBuf),
    #[error("{} is not a thinkbaby bundle: {reason}", path.display())]
    NotBundle { path: PathBuf, reason: String },
    #[error("the bundle {} is damaged ({reason}): nothing was merged. Write it again on the laptop it came from.", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "the bundle {} was written by a newer thinkbaby (bundle version {version}, schema {schema}): update thinkbaby on this laptop, then merge it",
        path.display()
    )]
    TooNew { path: PathBuf, version: u32, schema: u8 },
}

/// Writes everything `store` holds to `path`, sealed under `pass`, whole or
/// not at all. Returns how many of each record.
pub fn write(
    store: &Store,
    path: &Path,
    pass: SecretString,
    now: DateTime<Utc>,
) -> Result<archive::Counts, BundleError> {
    let cannot = |source: std::io::Error| BundleError::Write { path: path.to_path_buf(), source };
    // The team's key travels, so a family has one pseudonym on every laptop.
    crate::report::Pseudonymiser::of_store(store)?;
    let key = store.evaluation_key()?.unwrap_or_default();
    crate::whole_file::write(path, cannot, |w| {
        let mut sealed = age::Encryptor::with_user_passphrase(pass).wrap_output(w).map_err(cannot)?;
        let head = Head {
            format: FORMAT.into(),
            version: VERSION,
            schema: codec::SCHEMA,
            device: store.device(),
            written: now,
        };
        let line = serde_json::to_string(&head).map_err(|e| cannot(e.into()))?;
        sealed.write_all(line.as_bytes()).and_then(|_| sealed.write_all(b"\n")).map_err(cannot)?;
        let mut n = 0u64;
        let put = |w: &mut dyn Write, item: &Item| -> std::io::Result<()> {
            let bytes = codec::encode(item);
            w.write_all(&(bytes.len() as u32).to_le_bytes())?;
            w.write_all(&bytes)
        };
        let counts = archive::for_each_entry(store, &mut |e| {
            n += 1;
            put(&mut sealed, &Item::from(e)).map_err(archive::ArchiveError::Io)
        })
        .map_err(|e| match e {
            archive::ArchiveError::Io(io) => cannot(io),
            archive::ArchiveError::Store(s) => BundleError::Store(s),
            other => BundleError::Store(StoreError::Refused(other.to_string())),
        })?;
        put(&mut sealed, &Item::EvaluationKey(key)).map_err(cannot)?;
        put(&mut sealed, &Item::End(n + 1)).map_err(cannot)?;
        sealed.finish().map_err(cannot)?;
        Ok(counts)
    })
}

/// Opens the bundle at `path` with `pass` and reads all of it; nothing is
/// merged until the whole bundle has been read and found whole.
pub fn read(path: &Path, pass: SecretString) -> Result<Incoming, BundleError> {
    let p = || path.to_path_buf();
    let reader = super::sealed_file::open(path, pass).map_err(|e| match e {
        super::sealed_file::OpenError::Read(source) => BundleError::Read { path: p(), source },
        super::sealed_file::OpenError::WrongPassphrase => BundleError::WrongPassphrase(p()),
        super::sealed_file::OpenError::NotSealed(reason) => BundleError::NotBundle { path: p(), reason },
    })?;
    let damaged = |reason: String| BundleError::Damaged { path: p(), reason };
    let mut r = BufReader::new(reader);
    let mut line = String::new();
    r.read_line(&mut line).map_err(|e| damaged(e.to_string()))?;
    let head: Head = serde_json::from_str(line.trim_end())
        .map_err(|_| BundleError::NotBundle { path: p(), reason: "its first line names no bundle".into() })?;
    if head.format != FORMAT {
        return Err(BundleError::NotBundle { path: p(), reason: format!("it is a {:?}", head.format) });
    }
    if head.version > VERSION || head.schema > codec::SCHEMA {
        return Err(BundleError::TooNew { path: p(), version: head.version, schema: head.schema });
    }
    let mut entries = Vec::new();
    let mut evaluation_key = None;
    // Records are read in batches and decoded on every core: a bundle holds
    // millions of small values, and the file is read in order on one.
    let mut n = 0u64;
    let mut batch: Vec<(u64, Vec<u8>)> = Vec::with_capacity(BATCH);
    loop {
        let mut cut = None;
        while batch.len() < BATCH {
            let mut len = [0u8; 4];
            if r.read_exact(&mut len).is_err() {
                cut = Some("it ends before its last record".to_string());
                break;
            }
            let len = u32::from_le_bytes(len);
            if len > LIMIT {
                cut = Some(format!("a record claims {len} bytes"));
                break;
            }
            let mut bytes = vec![0u8; len as usize];
            if r.read_exact(&mut bytes).is_err() {
                cut = Some("it ends in the middle of a record".to_string());
                break;
            }
            batch.push((n + batch.len() as u64, bytes));
        }
        let items =
            crate::par::map(&batch, 1_024, |(at, bytes)| codec::decode::<Item>("bundle", &at.to_le_bytes(), bytes));
        for item in items {
            let item = item.map_err(|e| damaged(e.to_string()))?;
            n += 1;
            match item {
                Item::End(count) if count + 1 == n => return Ok(Incoming { head, entries, evaluation_key }),
                Item::End(count) => return Err(damaged(format!("it holds {} records where it says {count}", n - 1))),
                Item::EvaluationKey(k) => evaluation_key = Some(k),
                Item::Staff(v) => entries.push(Entry::Staff(v)),
                Item::Group(v) => entries.push(Entry::Group(v)),
                Item::Session(v) => entries.push(Entry::Session(v)),
                Item::Family(v) => entries.push(Entry::Family(v)),
                Item::Attendance(v) => entries.push(Entry::Attendance(v)),
                Item::Observation(v) => entries.push(Entry::Observation(v)),
                Item::Audit(v) => entries.push(Entry::Audit(v)),
            }
        }
        batch.clear();
        if let Some(reason) = cut {
            return Err(damaged(reason));
        }
    }
}

impl Store {
    /// The team's evaluation key as stored (None before any pseudonym was made).
    pub fn evaluation_key(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.meta(META_EVALUATION_KEY)
    }
}
