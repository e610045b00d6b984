//! sled 0.34 writes its snapshot (where each page lies in its log) only when
//! it opens, after reading the log written since the last one. After a merge,
//! a sync or a rebuild that wrote tens of thousands of values, that reading
//! would fall on the next start of the screens: a second longer, and tens of
//! MiB more at the moment the passphrase's key is being derived beside it.
//! So a store that wrote that much opens sled once more as it closes, while
//! it still holds the folder's lock, and the command that did the writing pays.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Values committed in one run, past which the close opens sled again. A
/// day's check-ins and notes are a few thousand at most.
const WRITTEN: usize = 20_000;

/// A field of `Store`, declared after sled's handles and before the lock:
/// fields are dropped in order, so this runs once sled has closed.
#[derive(Debug)]
pub(super) struct SnapshotOnClose {
    folder: PathBuf,
    written: AtomicUsize,
}

impl SnapshotOnClose {
    pub fn new(folder: PathBuf) -> SnapshotOnClose {
        SnapshotOnClose { folder, written: AtomicUsize::new(0) }
    }

    /// For a sled just written whole by a rebuild: it has no snapshot yet.
    pub fn rebuilt(folder: PathBuf) -> SnapshotOnClose {
        SnapshotOnClose { folder, written: AtomicUsize::new(WRITTEN) }
    }

    pub fn wrote(&self, values: usize) {
        self.written.fetch_add(values, Ordering::Relaxed);
    }
}

impl Drop for SnapshotOnClose {
    fn drop(&mut self) {
        if *self.written.get_mut() >= WRITTEN {
            // Nothing to report: what was written is on disk already, and
            // failing here only leaves the reading to the next open.
            let _ = super::open_sled(&self.folder).map(drop);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::store::keys::TreeId;
    use crate::store::rebuild::NewKey;
    use crate::store::{Change, RawOp, Store, Unlock};
    use std::path::Path;

    fn snapshots(folder: &Path) -> usize {
        let names = std::fs::read_dir(folder).expect("folder").filter_map(Result::ok);
        names.filter(|e| e.file_name().to_string_lossy().starts_with("snap.")).count()
    }

    /// A new store writing `values` settings, then closed: how many snapshots sled left.
    fn after_writing(values: usize) -> usize {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open_with(dir.path(), Unlock::Plain).expect("store");
        let folder = store.folder.clone();
        let ops = (0..values).map(|i| RawOp::put(TreeId::Meta, format!("k{i}").into_bytes(), vec![7; 8]));
        store.write_bulk(ops.collect()).expect("written");
        drop(store);
        snapshots(&folder)
    }

    #[test]
    fn a_store_that_wrote_tens_of_thousands_of_values_leaves_sled_its_snapshot() {
        assert_eq!(after_writing(super::WRITTEN), 1, "sled was opened again as the store closed");
        assert_eq!(after_writing(100), 0, "a few values: sled is not opened again");
    }

    #[test]
    fn a_rebuilt_store_leaves_sled_its_snapshot_however_little_it_holds() {
        let dir = tempfile::tempdir().expect("temp");
        let mut store = Store::open_with(dir.path(), Unlock::Plain).expect("store");
        store.set_meta(crate::store::META_INITIALS, &"CR".to_string()).expect("written");
        store.rebuild(Change::default(), NewKey::Same, "rebuilding").expect("rebuilt");
        let folder = store.folder.clone();
        drop(store);
        assert_eq!(snapshots(&folder), 1, "the rebuilt folder's sled was opened again as the store closed");
    }
}
