//! A small write-ahead journal in front of sled, so that a commit reaches the
//! disk in one write and one sync. sled 0.34 writes a transaction as two log
//! buffers, each waited on, into a file that grows; a journal record is one
//! write over a file whose blocks already exist, then `sync_data`, which needs
//! no change to the file's metadata and so costs least on every system.
//!
//! On Linux the records go through a second handle opened `O_DIRECT | O_DSYNC`:
//! the blocks holding the record are written straight to the disk, and the
//! write returns once they are on it, one request instead of the page cache's
//! writeback and then a flush (a quarter less time for a check-in's record on
//! the machine we measure on). Such writes must cover whole blocks, so the
//! journal keeps the start of the block it is filling; where the folder's file
//! system refuses them (tmpfs), records are written and synced as elsewhere.
//!
//! After the sync the commit is durable; its writes are then handed to sled,
//! which writes them out in its own time. At a checkpoint (journal full, store
//! closed) sled is flushed and its log synced, and the journal starts a new
//! epoch. At open, the records of the current epoch are applied to sled again
//! (whole values, in order, so applying twice is harmless).
//!
//! Layout: two header slots (magic, epoch, CRC), the newer valid one counting,
//! then from byte 4096 the records: magic, epoch, sequence number, length,
//! CRC, payload. A record that fits in a block but not in what is left of
//! the current one starts the next block. Replay stops at the first record
//! that is not whole and of this epoch, where the last one ended or at the
//! next block: a record cut short by a crash was never acknowledged.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

pub const NAME: &str = "journal";
/// Written with zeros when made, so later records overwrite existing blocks.
const SIZE: u64 = 4 << 20;
const START: u64 = 4096;
const SLOTS: [u64; 2] = [0, 512];
const HEAD_MAGIC: &[u8; 8] = b"TBJRNL01";
const SLOT_LEN: usize = 8 + 8 + 4;
const REC_MAGIC: [u8; 4] = *b"TBJR";
/// magic, epoch, sequence, length, CRC.
const REC_HEAD: usize = 4 + 8 + 8 + 8 + 4;
/// What a write that bypasses the page cache must be aligned to (in memory,
/// on disk, in length): covers disks of 512- and of 4096-byte sectors.
const BLOCK: u64 = 4096;
/// The most kept for the next record between commits (a check-in's is about a kilobyte).
const KEPT: usize = 64 << 10;

#[derive(Debug)]
pub struct Journal {
    file: File,
    /// The records' handle that writes straight to the disk (see above), if any.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    direct: Option<File>,
    /// The bytes of the block being filled, from its start up to `at` (kept
    /// only while there is a direct handle).
    tail: Vec<u8>,
    /// Room for the next record, and for the blocks a direct write covers:
    /// kept from one commit to the next, as a check-in's own allocations
    /// cost more than its encryption.
    record: Vec<u8>,
    blocks: Vec<u8>,
    epoch: u64,
    seq: u64,
    /// Where the next record goes.
    at: u64,
    /// The file's length.
    len: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("neither of its headers can be read")]
    Damaged,
}

impl Journal {
    /// Opens the journal in `folder` (making it if there is none) and returns
    /// it with the payloads of the current epoch, oldest first, to apply again.
    pub fn open(folder: &Path) -> Result<(Journal, Vec<Vec<u8>>), JournalError> {
        let path = folder.join(NAME);
        if !path.exists() {
            make(&path)?;
        }
        let mut file = File::options().read(true).write(true).open(&path)?;
        let len = file.metadata()?.len();
        let epoch = read_epoch(&mut file)?.ok_or(JournalError::Damaged)?;
        let direct = open_direct(&path);
        let mut j = Journal {
            file,
            direct,
            tail: Vec::new(),
            record: Vec::new(),
            blocks: Vec::new(),
            epoch,
            seq: 0,
            at: START,
            len,
        };
        let payloads = j.read_records()?;
        if j.direct.is_some() {
            let block_start = j.at / BLOCK * BLOCK;
            j.tail = vec![0u8; (j.at - block_start) as usize];
            j.file.seek(SeekFrom::Start(block_start))?;
            j.file.read_exact(&mut j.tail)?;
        }
        Ok((j, payloads))
    }

    fn read_records(&mut self) -> std::io::Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        loop {
            // The next record follows the last, or starts the next block (see `start_for`).
            let found = match self.read_record(self.at)? {
                Some(payload) => Some((self.at, payload)),
                None if !self.at.is_multiple_of(BLOCK) => {
                    let next = self.at.next_multiple_of(BLOCK);
                    self.read_record(next)?.map(|payload| (next, payload))
                }
                None => None,
            };
            let Some((at, payload)) = found else { break };
            self.seq += 1;
            self.at = at + (REC_HEAD + payload.len()) as u64;
            out.push(payload);
        }
        Ok(out)
    }

    /// The payload of record `seq` of this epoch if one starts at `at`, whole.
    fn read_record(&mut self, at: u64) -> std::io::Result<Option<Vec<u8>>> {
        if at + REC_HEAD as u64 > self.len {
            return Ok(None);
        }
        let mut head = [0u8; REC_HEAD];
        self.file.seek(SeekFrom::Start(at))?;
        self.file.read_exact(&mut head)?;
        let (magic, rest) = head.split_at(4);
        let epoch = u64::from_le_bytes(rest[0..8].try_into().unwrap_or_default());
        let seq = u64::from_le_bytes(rest[8..16].try_into().unwrap_or_default());
        let n = u64::from_le_bytes(rest[16..24].try_into().unwrap_or_default());
        let crc = u32::from_le_bytes(rest[24..28].try_into().unwrap_or_default());
        if magic != REC_MAGIC || epoch != self.epoch || seq != self.seq || n > self.len - at - REC_HEAD as u64 {
            return Ok(None);
        }
        let mut payload = vec![0u8; n as usize];
        self.file.read_exact(&mut payload)?;
        Ok((checksum(epoch, seq, &payload) == crc).then_some(payload))
    }

    /// Where a record of `len` bytes goes: after the last, unless it would
    /// straddle two blocks and fits in one, when it starts the next block.
    /// A direct write then covers one block, not two (a tenth quicker).
    fn start_for(&self, len: usize) -> u64 {
        let used = self.at % BLOCK;
        if used != 0 && used + len as u64 > BLOCK && len as u64 <= BLOCK {
            self.at.next_multiple_of(BLOCK)
        } else {
            self.at
        }
    }

    /// Whether a payload of `n` bytes fits before the end of the preallocated file.
    pub fn fits(&self, n: usize) -> bool {
        self.start_for(REC_HEAD + n) + (REC_HEAD + n) as u64 <= self.len
    }

    /// The epoch, the next record's number, and where the last record ended
    /// (the next goes there, or at the next block: see `start_for`): for
    /// tests that tear a record on purpose.
    pub fn position(&self) -> (u64, u64, u64) {
        (self.epoch, self.seq, self.at)
    }

    /// True when nothing has been written since the last checkpoint.
    pub fn is_empty(&self) -> bool {
        self.at == START
    }

    /// Writes one record and syncs it: when this returns Ok, it is on disk.
    /// A payload larger than the file grows it (a bulk import, a merge).
    pub fn append(&mut self, payload: &[u8]) -> std::io::Result<()> {
        let mut rec = std::mem::take(&mut self.record);
        rec.clear();
        rec.extend_from_slice(&REC_MAGIC);
        rec.extend_from_slice(&self.epoch.to_le_bytes());
        rec.extend_from_slice(&self.seq.to_le_bytes());
        rec.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        rec.extend_from_slice(&checksum(self.epoch, self.seq, payload).to_le_bytes());
        rec.extend_from_slice(payload);
        let written = self.write_record(&rec);
        // An import's record is the whole archive: not kept for the next commit.
        if rec.capacity() <= KEPT {
            self.record = rec;
        }
        written
    }

    fn write_record(&mut self, rec: &[u8]) -> std::io::Result<()> {
        let start = self.start_for(rec.len());
        if start != self.at {
            self.at = start;
            self.tail.clear();
        }
        if !self.write_direct(rec)? {
            self.file.seek(SeekFrom::Start(self.at))?;
            self.file.write_all(rec)?;
            self.file.sync_data()?;
        }
        self.at += rec.len() as u64;
        // The block now being filled, for the next direct write: the record's
        // end, or the block's earlier records and the record.
        if self.direct.is_some() {
            let keep = (self.at % BLOCK) as usize;
            if keep <= rec.len() {
                self.tail.clear();
                self.tail.extend_from_slice(&rec[rec.len() - keep..]);
            } else {
                self.tail.extend_from_slice(rec);
            }
        }
        self.len = self.len.max(self.at);
        self.seq += 1;
        Ok(())
    }

    /// Writes `rec` at `at` through the direct handle: the blocks it falls in,
    /// with the earlier records of its first block before it and zeros after
    /// (replay stops at them). False when there is no such handle, or the file
    /// system refused the write (then the handle is dropped).
    #[cfg(target_os = "linux")]
    fn write_direct(&mut self, rec: &[u8]) -> std::io::Result<bool> {
        use std::os::unix::fs::FileExt;
        let Some(direct) = &self.direct else { return Ok(false) };
        let first = self.at / BLOCK * BLOCK;
        debug_assert_eq!(self.tail.len() as u64, self.at - first);
        let len = ((self.at + rec.len() as u64).div_ceil(BLOCK) * BLOCK - first) as usize;
        // Aligned in memory too: a buffer a block longer, used from its first aligned byte.
        if self.blocks.len() < len + BLOCK as usize {
            self.blocks = vec![0u8; len + BLOCK as usize];
        }
        let off = self.blocks.as_ptr().align_offset(BLOCK as usize);
        let buf = &mut self.blocks[off..off + len];
        let (tail, rest) = buf.split_at_mut(self.tail.len());
        tail.copy_from_slice(&self.tail);
        let (record, after) = rest.split_at_mut(rec.len());
        record.copy_from_slice(rec);
        after.fill(0);
        let written = direct.write_all_at(buf, first);
        if self.blocks.len() > KEPT {
            self.blocks = Vec::new();
        }
        match written {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                self.direct = None;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn write_direct(&mut self, _rec: &[u8]) -> std::io::Result<bool> {
        Ok(false)
    }

    /// Starts a new epoch: every record so far is in sled, synced, and is not
    /// to be applied again. A file grown by a large record is cut back.
    pub fn reset(&mut self) -> std::io::Result<()> {
        self.epoch += 1;
        write_slot(&mut self.file, self.epoch)?;
        self.file.sync_data()?;
        if self.len > SIZE {
            self.file.set_len(SIZE)?;
            self.file.sync_all()?;
            self.len = SIZE;
        }
        self.at = START;
        self.tail.clear();
        self.seq = 0;
        Ok(())
    }
}

fn checksum(epoch: u64, seq: u64, payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&epoch.to_le_bytes());
    h.update(&seq.to_le_bytes());
    h.update(&(payload.len() as u64).to_le_bytes());
    h.update(payload);
    h.finalize()
}

/// The records' second handle, writing past the page cache and returning once
/// the disk holds what was written; None where the file system refuses it.
#[cfg(target_os = "linux")]
fn open_direct(path: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // `O_DSYNC`, not `O_SYNC` (rustix's `OFlags::DSYNC` on Linux): each write
    // changes the file's time, and `O_SYNC` makes that reach the disk too, a
    // second synchronous write; the time is of no use to a replay.
    let flags = libc::O_DIRECT | libc::O_DSYNC;
    File::options().write(true).custom_flags(flags).open(path).ok()
}

#[cfg(not(target_os = "linux"))]
fn open_direct(_path: &Path) -> Option<File> {
    None
}

/// A new journal: zeros through its whole size, epoch 1, synced with its folder.
fn make(path: &Path) -> std::io::Result<()> {
    let temp = path.with_extension("new");
    {
        let mut f = File::create(&temp)?;
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..SIZE / zeros.len() as u64 {
            f.write_all(&zeros)?;
        }
        write_slot(&mut f, 1)?;
        f.sync_all()?;
    }
    std::fs::rename(&temp, path)?;
    if let Some(dir) = path.parent() {
        crate::whole_file::sync_dir(dir);
    }
    Ok(())
}

/// The epoch's header goes in the slot the epoch's parity names, so the other
/// slot keeps the previous epoch if this write is torn.
fn write_slot(f: &mut File, epoch: u64) -> std::io::Result<()> {
    let mut slot = Vec::with_capacity(SLOT_LEN);
    slot.extend_from_slice(HEAD_MAGIC);
    slot.extend_from_slice(&epoch.to_le_bytes());
    slot.extend_from_slice(&crc32fast::hash(&slot).to_le_bytes());
    f.seek(SeekFrom::Start(SLOTS[(epoch % 2) as usize]))?;
    f.write_all(&slot)
}

fn read_epoch(f: &mut File) -> std::io::Result<Option<u64>> {
    let mut best = None;
    for at in SLOTS {
        let mut slot = [0u8; SLOT_LEN];
        f.seek(SeekFrom::Start(at))?;
        if f.read_exact(&mut slot).is_err() {
            continue;
        }
        let (body, crc) = slot.split_at(16);
        if &body[..8] != HEAD_MAGIC || crc32fast::hash(body).to_le_bytes() != crc {
            continue;
        }
        let epoch = u64::from_le_bytes(body[8..16].try_into().unwrap_or_default());
        best = best.max(Some(epoch));
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_in_order_until_the_epoch_ends() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, old) = Journal::open(dir.path()).unwrap();
        assert!(old.is_empty());
        j.append(b"one").unwrap();
        j.append(b"two").unwrap();
        drop(j);
        let (mut j, again) = Journal::open(dir.path()).unwrap();
        assert_eq!(again, vec![b"one".to_vec(), b"two".to_vec()]);
        j.reset().unwrap();
        j.append(b"three").unwrap();
        drop(j);
        let (_, after) = Journal::open(dir.path()).unwrap();
        assert_eq!(after, vec![b"three".to_vec()], "records of the old epoch are not applied again");
    }

    #[test]
    fn a_torn_record_ends_the_replay_and_a_large_one_grows_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = Journal::open(dir.path()).unwrap();
        j.append(b"kept").unwrap();
        let at = j.at;
        j.append(b"torn apart").unwrap();
        drop(j);
        // Damage the second record's payload, as a crash mid-write would.
        let path = dir.path().join(NAME);
        let mut f = File::options().write(true).open(&path).unwrap();
        f.seek(SeekFrom::Start(at + REC_HEAD as u64 + 2)).unwrap();
        f.write_all(b"XX").unwrap();
        drop(f);
        let (mut j, replay) = Journal::open(dir.path()).unwrap();
        assert_eq!(replay, vec![b"kept".to_vec()]);
        // The next record overwrites the torn one.
        let big = vec![7u8; SIZE as usize];
        assert!(!j.fits(big.len()));
        j.append(&big).unwrap();
        drop(j);
        let (mut j, replay) = Journal::open(dir.path()).unwrap();
        assert_eq!(replay.len(), 2);
        assert_eq!(replay[1], big);
        j.reset().unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), SIZE);
    }

    /// Opens the journal in `dir`, writing past the page cache or not.
    fn open(dir: &Path, direct: bool) -> (Journal, Vec<Vec<u8>>) {
        let (mut j, replay) = Journal::open(dir).unwrap();
        if !direct {
            j.direct = None;
        }
        (j, replay)
    }

    #[test]
    fn records_of_every_size_across_blocks_survive_a_reopen_and_later_appends() {
        for direct in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let record = |i: usize| vec![(i % 251) as u8; (i * 397) % 5000 + 1];
            let (mut j, _) = open(dir.path(), direct);
            for i in 0..40 {
                j.append(&record(i)).unwrap();
            }
            drop(j);
            // Reopened in the middle of a block: what follows keeps the block's earlier records.
            let (mut j, replay) = open(dir.path(), direct);
            assert_eq!(replay, (0..40).map(record).collect::<Vec<_>>());
            assert_ne!(j.position().2 % BLOCK, 0, "the test means to reopen mid-block");
            for i in 40..60 {
                j.append(&record(i)).unwrap();
            }
            drop(j);
            // Read back by the other way of writing.
            let (mut j, replay) = open(dir.path(), !direct);
            assert_eq!(replay, (0..60).map(record).collect::<Vec<_>>());
            // A new epoch starts from the first block again.
            j.reset().unwrap();
            j.append(b"first of the new epoch").unwrap();
            drop(j);
            let (_, replay) = open(dir.path(), direct);
            assert_eq!(replay, vec![b"first of the new epoch".to_vec()]);
        }
    }

    #[test]
    fn a_record_that_would_straddle_two_blocks_starts_the_next_and_is_replayed_from_there() {
        for direct in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let payload = |i: u8| vec![i; 1000];
            let (mut j, _) = open(dir.path(), direct);
            let mut starts = vec![];
            for i in 0..6 {
                let at = j.start_for(REC_HEAD + 1000);
                starts.push(at);
                j.append(&payload(i)).unwrap();
            }
            // Three records fill the first block's first 3,096 bytes; the fourth starts the next.
            let rec = (REC_HEAD + 1000) as u64;
            assert_eq!(starts[..4], [START, START + rec, START + 2 * rec, START + BLOCK]);
            drop(j);
            let (mut j, replay) = open(dir.path(), !direct);
            assert_eq!(replay, (0..6).map(payload).collect::<Vec<_>>());
            // A record torn at the start of a block ends the replay there.
            let torn_at = j.start_for(REC_HEAD + 1000);
            assert_eq!(torn_at % BLOCK, 0);
            j.append(&payload(6)).unwrap();
            drop(j);
            let mut f = File::options().write(true).open(dir.path().join(NAME)).unwrap();
            f.seek(SeekFrom::Start(torn_at + REC_HEAD as u64 + 10)).unwrap();
            f.write_all(b"torn").unwrap();
            drop(f);
            let (_, replay) = open(dir.path(), direct);
            assert_eq!(replay.len(), 6);
        }
    }

    #[test]
    fn a_journal_with_no_readable_header_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        drop(Journal::open(dir.path()).unwrap());
        std::fs::write(dir.path().join(NAME), vec![0u8; 8192]).unwrap();
        assert!(matches!(Journal::open(dir.path()), Err(JournalError::Damaged)));
    }
}
