//! Revisions that merge. Every family, group, staff member, session and
//! attendance is kept as the set of its latest versions, each with a version
//! vector: how many writes of the record each laptop had made when the version
//! was written. Two versions are then "one newer than the other" or
//! "concurrent" by counting alone: the laptops' clocks decide nothing.
//!
//! Merging two stores' sets is a union that drops every version another one
//! has seen (CouchDB's revision leaves, with version vectors instead of
//! revision trees): the same whichever order stores meet in, and a no-op the
//! second time. Concurrent versions stay side by side until a person writes a
//! new version over them; which one is shown meanwhile is a fixed rule of the
//! versions themselves, so every laptop shows the same.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use uuid::Uuid;

/// For each laptop, how many writes of this record it had made. Sorted by laptop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VClock(Vec<(Uuid, u64)>);

/// How two versions stand to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Same,
    /// The first was written before the second, which has seen it.
    Older,
    Newer,
    Concurrent,
}

impl VClock {
    pub fn new() -> VClock {
        VClock(Vec::new())
    }

    pub fn entries(&self) -> &[(Uuid, u64)] {
        &self.0
    }

    pub fn get(&self, device: Uuid) -> u64 {
        self.0.iter().find(|(d, _)| *d == device).map_or(0, |(_, n)| *n)
    }

    /// The writes either has seen.
    pub fn join(&self, other: &VClock) -> VClock {
        let mut out = self.0.clone();
        for (d, n) in &other.0 {
            match out.iter_mut().find(|(e, _)| e == d) {
                Some((_, m)) => *m = (*m).max(*n),
                None => out.push((*d, *n)),
            }
        }
        out.sort();
        VClock(out)
    }

    /// One more write by `device`.
    pub fn bumped(&self, device: Uuid) -> VClock {
        let mut out = self.clone();
        match out.0.iter_mut().find(|(d, _)| *d == device) {
            Some((_, n)) => *n += 1,
            None => {
                out.0.push((device, 1));
                out.0.sort();
            }
        }
        out
    }

    /// All writes counted: more history first when nothing else decides.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    pub fn compare(&self, other: &VClock) -> Order {
        let (mut less, mut more) = (false, false);
        for d in self.0.iter().chain(&other.0).map(|(d, _)| *d) {
            match self.get(d).cmp(&other.get(d)) {
                Ordering::Less => less = true,
                Ordering::Greater => more = true,
                Ordering::Equal => {}
            }
        }
        match (less, more) {
            (false, false) => Order::Same,
            (true, false) => Order::Older,
            (false, true) => Order::Newer,
            (true, true) => Order::Concurrent,
        }
    }
}

/// One version of a record: what was written, by which laptop, having seen what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version<T> {
    pub clock: VClock,
    /// The laptop that wrote this version.
    pub by: Uuid,
    /// None when the record was deleted (a tombstone, which travels like any version).
    pub body: Option<T>,
}

impl<T> Version<T> {
    /// "3-1a2b3c4d": the writer's count and the end of its id; for people and messages.
    pub fn id(&self) -> String {
        let hex = self.by.simple().to_string();
        format!("{}-{}", self.clock.get(self.by), &hex[hex.len() - 8..])
    }
}

/// How a kind of record takes part in merging.
pub trait Merge: Clone + PartialEq {
    /// Versions of a higher rank push out every lower one when sets meet: an
    /// erasure outranks everything, so erased details are never kept as a
    /// conflict, and no older version brings them back. Rank never drops
    /// along a record's history (an erased family cannot be edited).
    fn rank(&self) -> u8 {
        0
    }

    /// Whether two versions differ in anything a person would have to decide
    /// (times of writing apart).
    fn differs(&self, other: &Self) -> bool {
        self != other
    }

    /// Concurrent versions that need no person (two laptops checking one
    /// family in): the one to show, joined from them all. None for records
    /// whose concurrent versions wait for a person.
    fn join(_live: &[&Self]) -> Option<Self> {
        None
    }
}

/// The latest versions of one record: one, or several written concurrently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned<T> {
    pub versions: Vec<Version<T>>,
}

impl<T: Merge> Versioned<T> {
    /// A record's first version, written by `device`.
    pub fn first(device: Uuid, body: T) -> Versioned<T> {
        Versioned { versions: vec![Version { clock: VClock::new().bumped(device), by: device, body: Some(body) }] }
    }

    /// A version written by `device` over every version it holds now.
    pub fn write(&mut self, device: Uuid, body: Option<T>) {
        let seen = self.versions.iter().fold(VClock::new(), |acc, v| acc.join(&v.clock));
        self.versions = vec![Version { clock: seen.bumped(device), by: device, body }];
    }

    /// A version written by `device` over the one shown, as a person editing
    /// what they see does: versions from other laptops that it has not seen
    /// stay beside it, for a person to decide.
    pub fn write_over_winner(&mut self, device: Uuid, body: Option<T>) {
        // This laptop's count must pass every count of it held, so each of its
        // versions is told apart from the others.
        let mine = self.versions.iter().map(|v| v.clock.get(device)).max().unwrap_or(0);
        let mut clock = self.winner().clock.clone();
        while clock.get(device) <= mine {
            clock = clock.bumped(device);
        }
        let mut all = std::mem::take(&mut self.versions);
        all.push(Version { clock, by: device, body });
        self.versions = normalise(all);
    }

    /// Everything both sets hold, less what another version has seen. True
    /// when this set changed.
    pub fn merge(&mut self, other: &Versioned<T>) -> bool {
        let before = self.versions.clone();
        let mut all = std::mem::take(&mut self.versions);
        for v in &other.versions {
            if !all.iter().any(|w| w.clock == v.clock && w.by == v.by) {
                all.push(v.clone());
            }
        }
        self.versions = normalise(all);
        self.versions != before
    }

    /// The version every laptop shows while versions are concurrent: the
    /// highest rank, then the most history, then a fixed order of the
    /// versions' clocks (no wall-clock time takes part).
    pub fn winner(&self) -> &Version<T> {
        let key = |v: &Version<T>| (v.body.as_ref().map_or(0, Merge::rank), v.body.is_some(), v.clock.total());
        let mut best = &self.versions[0];
        for v in &self.versions[1..] {
            if key(v) > key(best) {
                best = v;
            }
        }
        best
    }

    /// The winner's body; None when the record is deleted.
    pub fn current(&self) -> Option<&T> {
        self.winner().body.as_ref()
    }

    /// What every laptop shows: concurrent versions joined where the kind of
    /// record joins them, else the winner. None when the record is deleted.
    pub fn shown(&self) -> Option<T> {
        let live: Vec<&T> = self.versions.iter().filter_map(|v| v.body.as_ref()).collect();
        if live.len() > 1
            && let Some(joined) = T::join(&live)
        {
            return Some(joined);
        }
        self.current().cloned()
    }

    /// `f` of what every laptop shows, without copying the record when only
    /// one version is live (the common case, asked for every merged record).
    pub fn read_shown<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        match self.versions.iter().filter(|v| v.body.is_some()).count() {
            0 | 1 => self.current().map(f),
            _ => self.shown().as_ref().map(f),
        }
    }

    /// Versions other than the winner that differ from it: what waits for a person.
    pub fn conflicts(&self) -> Vec<&Version<T>> {
        let live: Vec<&T> = self.versions.iter().filter_map(|v| v.body.as_ref()).collect();
        if live.len() > 1 && T::join(&live).is_some() {
            return vec![];
        }
        let win = self.winner();
        self.versions
            .iter()
            .filter(|v| !std::ptr::eq(*v, win))
            .filter(|v| match (&v.body, &win.body) {
                (Some(a), Some(b)) => a.differs(b),
                (None, None) => false,
                _ => true,
            })
            .collect()
    }

    /// What a person chooses between: the version shown first, then each
    /// live version kept beside it, with the laptop that wrote each. None when
    /// nothing waits (one version, or the others deleted).
    pub fn to_decide(&self) -> Option<(Vec<T>, Vec<Uuid>)> {
        let shown = self.current()?.clone();
        let mut bodies = vec![shown];
        let mut by = vec![self.winner().by];
        for o in self.conflicts() {
            if let Some(body) = &o.body {
                bodies.push(body.clone());
                by.push(o.by);
            }
        }
        (bodies.len() > 1).then_some((bodies, by))
    }

    /// The writes every version here has seen together.
    pub fn seen(&self) -> VClock {
        self.versions.iter().fold(VClock::new(), |acc, v| acc.join(&v.clock))
    }
}

/// The canonical set: highest rank only, nothing another version has seen,
/// sorted by clock then writer, so equal sets are equal bytes.
fn normalise<T: Merge>(mut all: Vec<Version<T>>) -> Vec<Version<T>> {
    let top = all.iter().filter_map(|v| v.body.as_ref()).map(Merge::rank).max().unwrap_or(0);
    if top > 0 {
        all.retain(|v| v.body.as_ref().is_some_and(|b| b.rank() == top));
    }
    let keep: Vec<bool> = all.iter().map(|v| !all.iter().any(|w| w.clock.compare(&v.clock) == Order::Newer)).collect();
    let mut out: Vec<Version<T>> = all.into_iter().zip(keep).filter(|(_, k)| *k).map(|(v, _)| v).collect();
    out.sort_by(|a, b| (&a.clock, a.by).cmp(&(&b.clock, b.by)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Merge for String {
        fn rank(&self) -> u8 {
            u8::from(self.starts_with("ERASED"))
        }
    }

    const A: Uuid = Uuid::from_u128(0xA);
    const B: Uuid = Uuid::from_u128(0xB);
    const C: Uuid = Uuid::from_u128(0xC);

    fn merged(x: &Versioned<String>, y: &Versioned<String>) -> Versioned<String> {
        let mut m = x.clone();
        m.merge(y);
        m
    }

    #[test]
    fn newer_replaces_older_and_concurrent_stay_side_by_side() {
        let base = Versioned::first(A, "Zoë".to_string());
        let mut on_b = base.clone();
        on_b.write(B, Some("Zoë Clarke".into()));
        // B has seen A's version: B's wins outright, both ways round.
        assert_eq!(merged(&base, &on_b), on_b);
        assert_eq!(merged(&on_b, &base), on_b);
        // A edits too, without seeing B's: both stay, one shown everywhere.
        let mut on_a = base.clone();
        on_a.write(A, Some("Zoe Clarke".into()));
        let ab = merged(&on_a, &on_b);
        assert_eq!(ab, merged(&on_b, &on_a), "commutative");
        assert_eq!(ab.versions.len(), 2);
        assert_eq!(ab.conflicts().len(), 1);
        assert_eq!(merged(&ab, &on_b), ab, "idempotent");
        // A person decides: one version over both.
        let mut decided = ab.clone();
        decided.write(C, Some("Zoë Clarke".into()));
        assert_eq!(merged(&decided, &ab), decided);
        assert!(decided.conflicts().is_empty());
    }

    #[test]
    fn erasure_wins_and_no_older_version_brings_details_back() {
        let base = Versioned::first(A, "Zoë".to_string());
        let mut erased = base.clone();
        erased.write(A, Some("ERASED".into()));
        let mut edited = base.clone();
        edited.write(B, Some("Zoë Clarke, 07700 900111".into()));
        for m in [merged(&erased, &edited), merged(&edited, &erased), merged(&merged(&base, &edited), &erased)] {
            assert_eq!(m.versions.len(), 1);
            assert_eq!(m.current().map(String::as_str), Some("ERASED"));
            assert!(m.conflicts().is_empty());
        }
    }

    #[test]
    fn a_tombstone_is_a_version_like_any_other() {
        let base = Versioned::first(A, "here".to_string());
        let mut undone = base.clone();
        undone.write(A, None);
        assert_eq!(merged(&base, &undone).current(), None);
        assert_eq!(undone.versions[0].id(), "2-0000000a");
    }

    #[test]
    fn clocks_compare_by_counting_only() {
        let a = VClock::new().bumped(A);
        let b = VClock::new().bumped(B);
        assert_eq!(a.compare(&b), Order::Concurrent);
        let ab = a.join(&b).bumped(A);
        assert_eq!(a.compare(&ab), Order::Older);
        assert_eq!(ab.compare(&b), Order::Newer);
        assert_eq!(ab.compare(&ab.clone()), Order::Same);
        assert_eq!(ab.get(A), 2);
        assert_eq!(ab.total(), 3);
    }
}
