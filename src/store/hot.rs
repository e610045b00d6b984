//! What the store keeps in memory in front of sled, so that a commit costs
//! little more than the journal's one write and sync.
//!
//! - **Commits in the journal, not yet in sled.** Once a commit's record is
//!   synced it is durable, and a thread of its own hands its writes to sled,
//!   in order, after the commit has returned (sled's inserts copy the nodes
//!   they change, and its reads split the nodes inserts left too large: that
//!   work no longer waits in front of the facilitator). A point read finds
//!   those writes here; anything that walks a tree first waits for them
//!   (`settle`, called by `Store::tree`).
//! - **Values lately read or written**, clear, for the point reads a commit
//!   makes (a check-in reads its family, its visit, its session and whether
//!   the family waits for a person), up to `CACHE_BYTES`.
//! - **Every key under a prefix**, for a few prefixes: which families a
//!   session lists (a check-in of a family who has not come yet is known to
//!   be new without asking sled, since a visit is stored if and only if its
//!   session lists it, which `check` verifies both ways), and what waits for
//!   a person (a short list, asked about at every commit).
//!
//! After a crash nothing here matters: the journal's records are applied again at open.

use lru::LruCache;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// The clear values kept for point reads, in bytes (keys and values).
const CACHE_BYTES: usize = 2 << 20;
/// What a kept value costs beyond its bytes: the map's entry, the list's links.
const ENTRY_COST: usize = 96;
/// How many lists of keys are kept (what waits, today's session, a few more).
const LISTS: usize = 5;

/// A commit's writes as the journal holds them: (tree, key, sealed value or removal).
pub(super) type Sealed = Vec<(u8, Vec<u8>, Option<Vec<u8>>)>;
/// A value's clear bytes, or None when the key holds nothing.
pub(super) type Clear = Option<Arc<[u8]>>;
type Key = (u8, Vec<u8>);

pub(super) struct Hot {
    shared: Arc<Shared>,
    /// None when the system gave no thread: then nothing is queued (see `queues`).
    applier: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when a commit is queued, when one is applied, and at close.
    changed: Condvar,
}

struct State {
    queue: VecDeque<(u64, Sealed)>,
    /// The number of the last commit queued, and of the last one applied.
    queued: u64,
    /// Counts every change to sled not yet read back through here (a commit
    /// queued, a large one applied in place): a read from sled that began
    /// before such a change is not kept.
    version: u64,
    applied: u64,
    /// For each key a queued commit writes: the newest value, and which commit wrote it.
    unapplied: HashMap<Key, (u64, Clear)>,
    cache: LruCache<Key, Clear>,
    cached_bytes: usize,
    /// A tree and a prefix, and every key under it.
    lists: VecDeque<(Key, HashSet<Vec<u8>>)>,
    /// Why sled refused a commit's writes: no commit is taken after that.
    failed: Option<String>,
    closing: bool,
}

/// What a point read found here: the value, or a ticket to read sled with
/// and hand back to `remember`.
pub(super) enum Found {
    Known(Clear),
    Ask(u64),
}

impl Hot {
    /// Starts the thread that applies commits to `trees` (sled's, in `TreeId` order).
    pub fn start(trees: Vec<sled::Tree>) -> Hot {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                queued: 0,
                version: 0,
                applied: 0,
                unapplied: HashMap::new(),
                cache: LruCache::unbounded(),
                cached_bytes: 0,
                lists: VecDeque::new(),
                failed: None,
                closing: false,
            }),
            changed: Condvar::new(),
        });
        let for_thread = shared.clone();
        let applier = std::thread::Builder::new()
            .name("thinkbaby-apply".into())
            .spawn(move || apply_loop(&for_thread, &trees))
            .ok();
        Hot { shared, applier }
    }

    /// Whether commits can be queued for the thread; if not, each is applied
    /// in place by the thread that made it, as a large one is (`Store::write_raw`).
    pub fn queues(&self) -> bool {
        self.applier.is_some()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared.state)
    }

    /// A point read: the value if it is known here.
    pub fn read(&self, tree: u8, key: &[u8]) -> Found {
        let mut s = self.state();
        let k = (tree, key.to_vec());
        if let Some((_, v)) = s.unapplied.get(&k) {
            return Found::Known(v.clone());
        }
        match s.cache.get(&k) {
            Some(v) => Found::Known(v.clone()),
            None => Found::Ask(s.version),
        }
    }

    /// A value read from sled with `ticket`: kept, unless a commit came in
    /// meanwhile (it may have written this key after sled was read).
    pub fn remember(&self, tree: u8, key: &[u8], value: Clear, ticket: u64) {
        let mut s = self.state();
        if s.version == ticket {
            s.keep((tree, key.to_vec()), value);
        }
    }

    /// A commit, now in the journal: its values are served from here until
    /// sled has them. Called with the journal held, so commits queue in the
    /// journal's order.
    pub fn committed(&self, clear: Vec<(u8, Vec<u8>, Clear)>, sealed: Sealed) {
        let mut s = self.state();
        let seq = s.queued + 1;
        // Kept for later reads by the applying thread once sled has them, off this path.
        for (tree, key, value) in clear {
            s.listing(tree, &key, value.is_some());
            s.unapplied.insert((tree, key), (seq, value));
        }
        s.queue.push_back((seq, sealed));
        s.queued = seq;
        s.version += 1;
        // Woken after the lock is let go, so the thread does not wake only to wait for it.
        drop(s);
        self.shared.changed.notify_all();
    }

    /// Waits until sled holds every commit queued so far.
    pub fn settle(&self) {
        let mut s = self.state();
        while s.applied < s.queued {
            s = self.shared.changed.wait(s).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// Why sled refused a commit's writes, if it did.
    pub fn failure(&self) -> Option<String> {
        self.state().failed.clone()
    }

    /// Forgets every value and list kept (the data key or the stored values
    /// changed without a commit: an unlock, a bulk write).
    pub fn forget(&self) {
        self.settle();
        let mut s = self.state();
        s.cache.clear();
        s.cached_bytes = 0;
        s.lists.clear();
        s.version += 1;
    }

    /// A ticket for reading a list of keys from sled (see `keep_list`).
    pub fn ticket(&self) -> u64 {
        self.state().version
    }

    /// Whether tree `tree` holds `key` (which starts with `prefix`), if the
    /// keys under `prefix` are kept.
    pub fn listed(&self, tree: u8, prefix: &[u8], key: &[u8]) -> Option<bool> {
        let s = self.state();
        s.lists.iter().find(|((t, p), _)| *t == tree && p == prefix).map(|(_, keys)| keys.contains(key))
    }

    /// Every key under `prefix` in `tree`, read from sled with `ticket`: kept
    /// unless a commit came in meanwhile. The oldest list kept makes room.
    pub fn keep_list(&self, tree: u8, prefix: &[u8], keys: HashSet<Vec<u8>>, ticket: u64) {
        let mut s = self.state();
        if s.version != ticket || s.lists.iter().any(|((t, p), _)| *t == tree && p == prefix) {
            return;
        }
        if s.lists.len() == LISTS {
            s.lists.pop_front();
        }
        s.lists.push_back(((tree, prefix.to_vec()), keys));
    }
}

impl State {
    fn keep(&mut self, key: Key, value: Clear) {
        let cost = |k: &Key, v: &Clear| k.1.len() + v.as_ref().map_or(0, |v| v.len()) + ENTRY_COST;
        self.cached_bytes += cost(&key, &value);
        if let Some((k, old)) = self.cache.push(key, value) {
            self.cached_bytes -= cost(&k, &old);
        }
        while self.cached_bytes > CACHE_BYTES {
            let Some((k, old)) = self.cache.pop_lru() else { break };
            self.cached_bytes -= cost(&k, &old);
        }
    }

    /// The kept lists that `key` falls under gain or lose it.
    fn listing(&mut self, tree: u8, key: &[u8], present: bool) {
        for ((t, prefix), keys) in &mut self.lists {
            if *t == tree && key.starts_with(prefix) {
                if present {
                    keys.insert(key.to_vec());
                } else {
                    keys.remove(key);
                }
            }
        }
    }
}

impl Drop for Hot {
    fn drop(&mut self) {
        self.state().closing = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.applier.take() {
            let _ = t.join();
        }
    }
}

/// The applying thread: each queued commit into sled, oldest first.
fn apply_loop(shared: &Shared, trees: &[sled::Tree]) {
    loop {
        let (seq, ops) = {
            let mut s = lock(&shared.state);
            loop {
                if let Some(next) = s.queue.pop_front() {
                    break next;
                }
                if s.closing {
                    return;
                }
                s = shared.changed.wait(s).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let keys: Vec<Key> = ops.iter().map(|(t, k, _)| (*t, k.clone())).collect();
        let done = super::write::apply_to(trees, ops);
        let mut s = lock(&shared.state);
        match done {
            Ok(()) => {
                for k in keys {
                    if s.unapplied.get(&k).is_some_and(|(wrote, _)| *wrote == seq)
                        && let Some((_, value)) = s.unapplied.remove(&k)
                    {
                        s.keep(k, value);
                    }
                }
            }
            // The commit is in the journal, and is applied again at the next
            // open; meanwhile its values stay here for point reads.
            Err(e) => {
                if s.failed.is_none() {
                    s.failed = Some(e);
                }
            }
        }
        s.applied = seq;
        drop(s);
        shared.changed.notify_all();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trees() -> (tempfile::TempDir, sled::Db, Vec<sled::Tree>) {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).flush_every_ms(None).open().unwrap();
        let trees = super::super::TreeId::ALL.iter().map(|t| db.open_tree(t.name()).unwrap()).collect();
        (dir, db, trees)
    }

    fn clear(v: &[u8]) -> Clear {
        Some(Arc::from(v))
    }

    #[test]
    fn a_commit_is_read_here_until_sled_has_it_then_from_both() {
        let (_dir, _db, trees) = trees();
        let hot = Hot::start(trees.clone());
        hot.committed(vec![(1, b"k".to_vec(), clear(b"v"))], vec![(1, b"k".to_vec(), Some(b"v".to_vec()))]);
        assert!(matches!(hot.read(1, b"k"), Found::Known(Some(v)) if &*v == b"v"));
        hot.settle();
        assert_eq!(trees[1].get(b"k").unwrap().as_deref(), Some(&b"v"[..]));
        assert!(matches!(hot.read(1, b"k"), Found::Known(Some(_))), "kept after it is applied");
        // A removal is known as such.
        hot.committed(vec![(1, b"k".to_vec(), None)], vec![(1, b"k".to_vec(), None)]);
        assert!(matches!(hot.read(1, b"k"), Found::Known(None)));
        hot.settle();
        assert_eq!(trees[1].get(b"k").unwrap(), None);
    }

    #[test]
    fn a_value_read_while_a_commit_came_in_is_not_kept() {
        let (_dir, _db, trees) = trees();
        let hot = Hot::start(trees);
        let Found::Ask(ticket) = hot.read(2, b"x") else { panic!("nothing is known yet") };
        hot.committed(vec![(2, b"x".to_vec(), clear(b"new"))], vec![(2, b"x".to_vec(), Some(b"new".to_vec()))]);
        hot.remember(2, b"x", clear(b"old"), ticket);
        assert!(matches!(hot.read(2, b"x"), Found::Known(Some(v)) if &*v == b"new"));
        let Found::Ask(ticket) = hot.read(2, b"y") else { panic!("y is not known") };
        hot.remember(2, b"y", None, ticket);
        assert!(matches!(hot.read(2, b"y"), Found::Known(None)), "an absence is kept too");
    }

    #[test]
    fn the_cache_keeps_to_its_size_and_a_kept_list_follows_commits() {
        let (_dir, _db, trees) = trees();
        let hot = Hot::start(trees);
        let big = vec![7u8; CACHE_BYTES / 64];
        for i in 0..200u32 {
            let Found::Ask(t) = hot.read(3, &i.to_le_bytes()) else { panic!("new key") };
            hot.remember(3, &i.to_le_bytes(), clear(&big), t);
        }
        let s = hot.state();
        assert!(s.cached_bytes <= CACHE_BYTES && s.cache.len() < 64 && s.cache.len() > 32, "{}", s.cache.len());
        drop(s);
        assert!(matches!(hot.read(3, &199u32.to_le_bytes()), Found::Known(_)), "the newest is kept");
        assert!(matches!(hot.read(3, &0u32.to_le_bytes()), Found::Ask(_)), "the oldest made room");

        let sv = super::super::TreeId::SessionVisits.index() as u8;
        let prefix = b"sessionA";
        let key = |f: u8| [&prefix[..], &[f]].concat();
        hot.keep_list(sv, prefix, HashSet::from([key(1)]), hot.ticket());
        assert_eq!(hot.listed(sv, prefix, &key(1)), Some(true));
        assert_eq!(hot.listed(sv, prefix, &key(2)), Some(false));
        assert_eq!(hot.listed(sv, b"sessionB", b"sessionB1"), None, "not kept");
        assert_eq!(hot.listed(sv + 1, prefix, &key(1)), None, "another tree");
        // A list read while a commit came in is not kept.
        let stale = hot.ticket();
        hot.committed(vec![(sv, key(2), clear(b"e")), (sv, key(1), None)], vec![]);
        hot.keep_list(sv, b"sessionB", HashSet::new(), stale);
        assert_eq!(hot.listed(sv, b"sessionB", b"sessionB1"), None);
        assert_eq!(hot.listed(sv, prefix, &key(2)), Some(true));
        assert_eq!(hot.listed(sv, prefix, &key(1)), Some(false));
    }
}
