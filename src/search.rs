//! The in-memory fuzzy index over families: carer and baby names (accents and
//! case ignored), phone digits and postcode. Names never go into the store's
//! keys, so search runs here. A query that extends the previous one rescans only
//! the previous hits, which keeps each keystroke cheap on a large store.

use crate::domain::Family;
use crate::domain::fold::{digits, fold};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use std::collections::HashMap;
use uuid::Uuid;

struct Entry {
    id: Uuid,
    /// Sort key for equal scores: the first carer's folded name.
    name: String,
    hay: Utf32String,
}

pub struct SearchIndex {
    entries: Vec<Entry>,
    /// Where each family's entry is, so that adding one is not a walk over all.
    position: HashMap<Uuid, usize>,
    matcher: Matcher,
    /// The last query and the entries it matched, for narrowing.
    last: Option<(String, Vec<usize>)>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("entries", &self.entries.len()).finish()
    }
}

/// Everything a family can be found by, folded, in one line.
fn haystack(f: &Family) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in &f.carers {
        parts.push(fold(&c.name));
    }
    for b in &f.babies {
        parts.push(fold(&b.name));
    }
    for c in &f.carers {
        let d = digits(&c.phone);
        if !d.is_empty() {
            parts.push(d);
        }
    }
    if !f.postcode.is_empty() {
        parts.push(f.postcode.to_lowercase().replace(' ', ""));
    }
    parts.join("  ")
}

impl SearchIndex {
    pub fn new(families: &[Family]) -> Self {
        let mut index = SearchIndex {
            entries: Vec::with_capacity(families.len()),
            position: HashMap::with_capacity(families.len()),
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
        };
        index.add(families);
        index
    }

    fn entry(f: &Family) -> Entry {
        Entry { id: f.id, name: fold(f.first_carer()), hay: Utf32String::from(haystack(f)) }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds a family, or refreshes one whose names changed.
    pub fn upsert(&mut self, f: &Family) {
        self.add(std::slice::from_ref(f));
    }

    /// Adds families, or refreshes those already in.
    pub fn add(&mut self, families: &[Family]) {
        self.last = None;
        for f in families {
            match (self.position.get(&f.id).copied(), f.is_erased()) {
                (Some(at), false) => self.entries[at] = Self::entry(f),
                (None, false) => {
                    self.position.insert(f.id, self.entries.len());
                    self.entries.push(Self::entry(f));
                }
                // An erased family has no name, phone or postcode left to find it by.
                (Some(at), true) => {
                    self.position.remove(&f.id);
                    self.entries.swap_remove(at);
                    if let Some(moved) = self.entries.get(at) {
                        self.position.insert(moved.id, at);
                    }
                }
                (None, true) => {}
            }
        }
    }

    /// Families matching `query`, best first, at most `limit`. Every word of
    /// the query must match somewhere (a name, the phone, the postcode).
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<Uuid> {
        let folded = fold(query);
        if folded.is_empty() {
            self.last = None;
            let mut all: Vec<&Entry> = self.entries.iter().collect();
            if limit == 0 {
                return vec![];
            }
            if all.len() > limit {
                all.select_nth_unstable_by(limit - 1, |a, b| a.name.cmp(&b.name));
                all.truncate(limit);
            }
            all.sort_by(|a, b| a.name.cmp(&b.name));
            return all.into_iter().map(|e| e.id).collect();
        }
        // Spaces inside a postcode or phone are typed freely; the words still
        // must all match, and a narrower query can only lose hits.
        let pattern = Pattern::new(&folded, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy);
        let candidates: Vec<usize> = match &self.last {
            Some((prev, hits)) if folded.starts_with(prev.as_str()) && !prev.ends_with(' ') => hits.clone(),
            _ => (0..self.entries.len()).collect(),
        };
        let mut scored: Vec<(u32, usize)> = Vec::with_capacity(candidates.len().min(4096));
        for i in candidates {
            if let Some(score) = pattern.score(self.entries[i].hay.slice(..), &mut self.matcher) {
                scored.push((score, i));
            }
        }
        self.last = Some((folded, scored.iter().map(|(_, i)| *i).collect()));
        let entries = &self.entries;
        let order =
            |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then_with(|| entries[a.1].name.cmp(&entries[b.1].name));
        if limit == 0 {
            return vec![];
        }
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit - 1, order);
            scored.truncate(limit);
        }
        scored.sort_by(order);
        scored.into_iter().map(|(_, i)| entries[i].id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn family(carer: &str, baby: &str, phone: &str, postcode: &str) -> Family {
        let now = Utc.with_ymd_and_hms(2026, 11, 19, 10, 0, 0).unwrap();
        let dob = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let babies = vec![Baby { id: new_id(now), name: baby.into(), dob, due: None, sex: None }];
        let mut f = Family::new(carer, phone, babies, Stamp::new(now, Uuid::nil()));
        f.postcode = postcode.into();
        f
    }

    #[test]
    fn finds_by_folded_names_phone_and_postcode() {
        let fams = vec![
            family("Zoë Clarke", "Ava", "07700 900111", "LU3 1HB"),
            family("Łucja Nowak", "Zofia", "07700 900222", "LU1 2TW"),
            family("Amina Begum", "Aisha", "07700 900333", "LU4 0AA"),
        ];
        let mut idx = SearchIndex::new(&fams);
        assert_eq!(idx.search("zoe", 5).first(), Some(&fams[0].id));
        assert_eq!(idx.search("lucja", 5).first(), Some(&fams[1].id));
        assert_eq!(idx.search("aisha", 5).first(), Some(&fams[2].id));
        assert_eq!(idx.search("900333", 5), vec![fams[2].id]);
        assert_eq!(idx.search("lu12tw", 5), vec![fams[1].id]);
        assert_eq!(idx.search("", 5).len(), 3);
        assert!(idx.search("qqqq", 5).is_empty());
    }

    #[test]
    fn adding_in_pieces_refreshes_and_drops_the_erased() {
        let mut fams = vec![
            family("Zoë Clarke", "Ava", "07700 900111", "LU3 1HB"),
            family("Łucja Nowak", "Zofia", "07700 900222", "LU1 2TW"),
            family("Amina Begum", "Aisha", "07700 900333", "LU4 0AA"),
        ];
        let mut idx = SearchIndex::new(&fams[..1]);
        idx.add(&fams[1..]);
        idx.add(&fams);
        assert_eq!(idx.len(), 3, "a family read twice is in once");
        fams[1].carers[0].name = "Lucy Nowak".into();
        idx.upsert(&fams[1]);
        assert_eq!(idx.search("lucy", 5), vec![fams[1].id]);
        assert!(idx.search("lucja", 5).is_empty(), "the old name is gone");
        fams[0].erased = Some(Erasure { at: fams[0].stamp.created, by: "AB".into(), why: "asked".into() });
        idx.upsert(&fams[0]);
        assert_eq!(idx.len(), 2);
        assert!(idx.search("zoe", 5).is_empty());
        // The entry moved into the erased one's place is still found.
        assert_eq!(idx.search("aisha", 5), vec![fams[2].id]);
        idx.upsert(&fams[2]);
        assert_eq!(idx.len(), 2);
    }

    #[test]
    fn narrowing_gives_the_same_answer_as_a_fresh_search() {
        let fams: Vec<Family> = (0..200)
            .map(|i| family(&format!("Carer {i} Begum"), &format!("Baby {i}"), &format!("0770090{i:04}"), "LU3 1HB"))
            .collect();
        let mut narrowing = SearchIndex::new(&fams);
        for q in ["b", "be", "beg", "begu", "begum 1", "begum 12"] {
            let a = narrowing.search(q, 50);
            let b = SearchIndex::new(&fams).search(q, 50);
            assert_eq!(a, b, "query {q}");
        }
    }
}
