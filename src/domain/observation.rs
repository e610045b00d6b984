use super::family::{Erasure, choice};
use super::stamp::Stamp;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

choice!(Concern {
    None => "None" ["", "no", "n"],
    FollowUp => "Follow up" ["followup", "f"],
    Safeguarding => "Safeguarding" ["s", "sg"],
});

/// One version of an observation's content. Observations are never overwritten:
/// an edit adds a revision naming the ones it replaces, and the earlier ones stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub id: Uuid,
    /// The revisions this one replaces: the note's latest ones when it was
    /// written (two when it settles edits made on two laptops; none for the first).
    pub parents: Vec<Uuid>,
    pub tags: Vec<String>,
    pub text: String,
    pub concern: Concern,
    pub follow_up: String,
    pub baby: Option<Uuid>,
    /// Initials of who wrote this version.
    pub by: String,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    /// Why it was changed (empty for the first version).
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tombstone {
    pub by: String,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    pub why: String,
}

/// A concern marked as dealt with: who and when, for the revision it was raised in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Resolution {
    pub revision: Uuid,
    pub by: String,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    pub device: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub id: Uuid,
    pub family: Uuid,
    pub session: Uuid,
    /// Author's initials.
    pub author: String,
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    /// Every revision ever written, in id order; never empty.
    pub revisions: Vec<Revision>,
    pub deleted: Option<Tombstone>,
    /// Concerns marked resolved, in order.
    pub resolutions: Vec<Resolution>,
    pub stamp: Stamp,
    /// Set when the family was erased: every revision's text, follow-up and
    /// reason are blank; tags and concern levels stay, for the figures.
    pub erased: Option<Erasure>,
}

impl Observation {
    /// A new note with its first revision (whose id and parents are set here).
    pub fn new(id: Uuid, family: Uuid, session: Uuid, mut first: Revision, device: Uuid) -> Observation {
        first.parents.clear();
        let at = first.at;
        Observation {
            id,
            family,
            session,
            author: first.by.clone(),
            at,
            revisions: vec![first],
            deleted: None,
            resolutions: vec![],
            stamp: Stamp::new(at, device),
            erased: None,
        }
    }

    /// The latest revisions: those no other revision replaces. One, unless the
    /// note was edited on two laptops and nobody has settled it yet.
    pub fn heads(&self) -> Vec<&Revision> {
        self.revisions.iter().filter(|r| !self.revisions.iter().any(|o| o.parents.contains(&r.id))).collect()
    }

    /// True when edits made on two laptops wait for someone to settle them.
    pub fn is_conflicted(&self) -> bool {
        self.heads().len() > 1
    }

    /// The revision shown: the only latest one, or, while edits wait to be
    /// settled, one picked by a fixed rule of their ids (the same on every
    /// laptop, and no clock takes part).
    pub fn current(&self) -> &Revision {
        // Constructors always push the first revision; an empty list is a damaged
        // record, which `check` reports, so fall back to a blank rather than panic.
        static BLANK: std::sync::OnceLock<Revision> = std::sync::OnceLock::new();
        self.heads().into_iter().max_by_key(|r| pick(r.id)).unwrap_or_else(|| {
            BLANK.get_or_init(|| Revision {
                id: Uuid::nil(),
                parents: vec![],
                tags: vec![],
                text: String::new(),
                concern: Concern::None,
                follow_up: String::new(),
                baby: None,
                by: String::new(),
                at: DateTime::<Utc>::UNIX_EPOCH,
                why: String::new(),
            })
        })
    }

    pub fn is_live(&self) -> bool {
        self.deleted.is_none()
    }

    /// The concern shown: the highest of the latest revisions, so a concern
    /// raised on either laptop stays in sight until the edits are settled.
    pub fn concern(&self) -> Concern {
        self.heads().iter().map(|r| r.concern).max().unwrap_or(Concern::None)
    }

    /// The revision whose concern is still open, if any: the note is live, its
    /// concern is follow-up or safeguarding, and nobody marked it resolved.
    /// A resolution covers later edits that do not raise the level.
    pub fn open_concern(&self) -> Option<&Revision> {
        if !self.is_live() {
            return None;
        }
        let mut open: Vec<&Revision> =
            self.heads().into_iter().filter(|h| h.concern != Concern::None && !self.covered(h)).collect();
        open.sort_by_key(|r| (r.concern, pick(r.id)));
        open.pop()
    }

    /// Whether a resolution names `rev`, or one of its ancestors at the same
    /// concern level or higher.
    fn covered(&self, rev: &Revision) -> bool {
        let mut todo = vec![rev];
        let mut seen = std::collections::HashSet::new();
        while let Some(r) = todo.pop() {
            if !seen.insert(r.id) {
                continue;
            }
            if r.concern >= rev.concern && self.resolutions.iter().any(|x| x.revision == r.id) {
                return true;
            }
            todo.extend(self.revisions.iter().filter(|p| r.parents.contains(&p.id)));
        }
        false
    }

    /// Marks every open concern of the note as resolved by `by`.
    pub fn resolve(&mut self, by: &str, at: DateTime<Utc>, device: Uuid) {
        let open: Vec<Uuid> =
            self.heads().iter().filter(|h| h.concern != Concern::None && !self.covered(h)).map(|h| h.id).collect();
        for revision in open {
            self.resolutions.push(Resolution { revision, by: by.to_string(), at, device });
        }
        self.resolutions.sort();
        self.stamp.touch(at, device);
    }

    /// Adds an edit over the latest revisions; the earlier ones stay.
    pub fn revise(&mut self, mut rev: Revision, device: Uuid) {
        self.stamp.touch(rev.at, device);
        if rev.why.trim().is_empty() {
            rev.why = "edited".into();
        }
        rev.parents = self.heads().iter().map(|h| h.id).collect();
        rev.parents.sort();
        self.revisions.push(rev);
        self.revisions.sort_by_key(|r| r.id);
    }

    /// Everything both copies of the note hold: every revision and resolution,
    /// the deletion and erasure if either has one (when both do, a fixed choice
    /// of the two). True when this copy changed. Erased wins: revisions that
    /// arrive after an erasure lose their words at once.
    pub fn merge(&mut self, other: &Observation) -> bool {
        let before = self.clone();
        for r in &other.revisions {
            if !self.revisions.iter().any(|x| x.id == r.id) {
                self.revisions.push(r.clone());
            }
        }
        self.revisions.sort_by_key(|r| r.id);
        for x in &other.resolutions {
            if !self.resolutions.contains(x) {
                self.resolutions.push(x.clone());
            }
        }
        self.resolutions.sort();
        self.deleted = least(self.deleted.take(), other.deleted.clone());
        self.erased = least_erasure(self.erased.take(), other.erased.clone());
        self.stamp = self.stamp.merged(&other.stamp);
        if let Some(e) = self.erased.clone() {
            self.scrub(e);
        }
        *self != before
    }

    /// The note without its words, for an erased family.
    pub fn scrub(&mut self, erasure: Erasure) {
        for r in &mut self.revisions {
            r.text.clear();
            r.follow_up.clear();
            r.why.clear();
        }
        if let Some(t) = &mut self.deleted {
            t.why.clear();
        }
        self.erased = Some(erasure);
    }
}

fn least<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn least_erasure(a: Option<Erasure>, b: Option<Erasure>) -> Option<Erasure> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if (a.at, &a.by, &a.why) <= (b.at, &b.by, &b.why) { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// A fixed order of ids that follows neither time nor laptop: the first bytes
/// of a hash of the id.
fn pick(id: Uuid) -> [u8; 8] {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(id.as_bytes());
    let mut out = [0u8; 8];
    out.copy_from_slice(&h[..8]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const A: Uuid = Uuid::from_u128(0xA);
    const B: Uuid = Uuid::from_u128(0xB);

    fn rev(n: u128, text: &str, concern: Concern, minute: u32) -> Revision {
        Revision {
            id: Uuid::from_u128(n),
            parents: vec![],
            tags: vec![],
            text: text.into(),
            concern,
            follow_up: String::new(),
            baby: None,
            by: "AB".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 19, 10, minute, 0).unwrap(),
            why: String::new(),
        }
    }

    fn note() -> Observation {
        Observation::new(
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            rev(10, "first", Concern::None, 0),
            A,
        )
    }

    #[test]
    fn edits_on_two_laptops_keep_every_revision_and_the_highest_concern() {
        let base = note();
        let mut on_a = base.clone();
        on_a.revise(rev(20, "calmer", Concern::None, 5), A);
        let mut on_b = base.clone();
        on_b.revise(rev(30, "worried", Concern::Safeguarding, 6), B);
        let mut ab = on_a.clone();
        assert!(ab.merge(&on_b));
        let mut ba = on_b.clone();
        ba.merge(&on_a);
        assert_eq!(ab, ba, "the same whichever way round");
        assert!(!ab.clone().merge(&on_b), "a second merge changes nothing");
        assert_eq!(ab.revisions.len(), 3);
        assert!(ab.is_conflicted());
        assert_eq!(ab.concern(), Concern::Safeguarding);
        assert_eq!(ab.open_concern().map(|r| r.id), Some(Uuid::from_u128(30)));
        // Someone settles it: one revision over both.
        ab.revise(rev(40, "settled", Concern::FollowUp, 9), A);
        assert!(!ab.is_conflicted());
        assert_eq!(ab.current().parents, vec![Uuid::from_u128(20), Uuid::from_u128(30)]);
        assert_eq!(ab.concern(), Concern::FollowUp);
    }

    #[test]
    fn a_concern_stays_open_until_resolved_and_an_edit_that_raises_it_opens_it_again() {
        let mut o = note();
        o.revise(rev(20, "follow up", Concern::FollowUp, 5), A);
        assert!(o.open_concern().is_some());
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
        o.resolve("CD", at, B);
        assert!(o.open_concern().is_none());
        assert_eq!(o.resolutions[0].by, "CD");
        o.revise(rev(30, "typo fixed", Concern::FollowUp, 7), A);
        assert!(o.open_concern().is_none(), "the same level stays resolved");
        o.revise(rev(40, "worse", Concern::Safeguarding, 8), A);
        assert_eq!(o.open_concern().map(|r| r.id), Some(Uuid::from_u128(40)));
    }

    #[test]
    fn an_erasure_that_arrives_scrubs_whatever_it_meets() {
        let mut erased = note();
        let e =
            Erasure { at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(), by: "AB".into(), why: String::new() };
        erased.scrub(e.clone());
        let mut edited = note();
        edited.revise(rev(20, "words", Concern::None, 5), B);
        let mut m = edited.clone();
        m.merge(&erased);
        assert!(m.revisions.iter().all(|r| r.text.is_empty()));
        let mut n = erased.clone();
        n.merge(&edited);
        assert_eq!(m, n);
    }
}
