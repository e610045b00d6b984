//! Every family the screens may show, by id. A big store holds tens of
//! thousands, and a decoded family is a dozen small allocations (about 900
//! bytes); its encoded bytes are about a third of that in one. So the families
//! a facilitator works with (today's roster, anyone opened, checked in or
//! edited) are kept decoded, and the rest are kept encoded and decoded when a
//! screen asks for one (a search result, a couple of microseconds each).

use crate::domain::Family;
use crate::store::codec;
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Families {
    open: HashMap<Uuid, Family>,
    packed: HashMap<Uuid, Box<[u8]>>,
}

impl Families {
    pub fn get(&self, id: &Uuid) -> Option<Cow<'_, Family>> {
        if let Some(f) = self.open.get(id) {
            return Some(Cow::Borrowed(f));
        }
        self.packed.get(id).and_then(|bytes| unpack(id, bytes)).map(Cow::Owned)
    }

    /// A copy to change and save.
    pub fn owned(&self, id: &Uuid) -> Option<Family> {
        self.get(id).map(Cow::into_owned)
    }

    pub fn contains_key(&self, id: &Uuid) -> bool {
        self.open.contains_key(id) || self.packed.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.open.len() + self.packed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Kept decoded: a family being worked with, newer than any copy read before.
    pub fn insert(&mut self, f: Family) {
        self.packed.remove(&f.id);
        self.open.insert(f.id, f);
    }

    /// Kept encoded, unless it is known already: a family changed since it was
    /// read is newer in memory.
    pub fn add_packed(&mut self, f: &Family) {
        if !self.contains_key(&f.id) {
            self.packed.insert(f.id, codec::encode(f).into_boxed_slice());
        }
    }

    pub fn remove(&mut self, id: &Uuid) -> Option<Family> {
        let packed = self.packed.remove(id).and_then(|bytes| unpack(id, &bytes));
        self.open.remove(id).or(packed)
    }

    /// Every family, decoding those kept encoded one at a time.
    pub fn values(&self) -> impl Iterator<Item = Cow<'_, Family>> {
        let open = self.open.values().map(Cow::Borrowed);
        open.chain(self.packed.iter().filter_map(|(id, bytes)| unpack(id, bytes).map(Cow::Owned)))
    }

    /// Keeps these decoded (today's roster, drawn at every frame); the rest
    /// of those decoded before are packed again.
    pub fn keep_open(&mut self, ids: &[Uuid]) {
        let wanted: std::collections::HashSet<&Uuid> = ids.iter().collect();
        let leaving: Vec<Uuid> = self.open.keys().filter(|id| !wanted.contains(id)).copied().collect();
        for id in leaving {
            if let Some(f) = self.open.remove(&id) {
                self.packed.insert(id, codec::encode(&f).into_boxed_slice());
            }
        }
        for id in ids {
            if let Some(f) = self.packed.remove(id).and_then(|bytes| unpack(id, &bytes)) {
                self.open.insert(*id, f);
            }
        }
    }
}

/// The bytes were encoded by this program a moment ago: they decode, and a
/// family that somehow did not would be left out rather than stop the screen.
fn unpack(id: &Uuid, bytes: &[u8]) -> Option<Family> {
    codec::decode("families in memory", id.as_bytes(), bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stamp;

    /// Stored times are kept to the millisecond: a whole second survives packing.
    fn family(carer: &str) -> Family {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap();
        Family::new(carer, "07700 900123", vec![], Stamp::new(now, Uuid::nil()))
    }

    #[test]
    fn a_packed_family_comes_back_whole_and_a_newer_one_is_not_overwritten() {
        let (a, mut b) = (family("Amina Khan"), family("Beth Jones"));
        let mut fams = Families::default();
        fams.add_packed(&a);
        assert_eq!(fams.get(&a.id).as_deref(), Some(&a));
        b.postcode = "LU1 1AA".into();
        fams.insert(b.clone());
        let mut older = b.clone();
        older.postcode = "LU2 2BB".into();
        fams.add_packed(&older);
        assert_eq!(fams.get(&b.id).map(|f| f.postcode.clone()).as_deref(), Some("LU1 1AA"));
        assert_eq!(fams.len(), 2);

        fams.keep_open(&[a.id]);
        assert!(matches!(fams.get(&a.id), Some(Cow::Borrowed(_))));
        assert!(matches!(fams.get(&b.id), Some(Cow::Owned(_))));
        assert_eq!(fams.owned(&b.id).map(|f| f.postcode), Some("LU1 1AA".into()));
        let mut all: Vec<Uuid> = fams.values().map(|f| f.id).collect();
        all.sort();
        let mut both = vec![a.id, b.id];
        both.sort();
        assert_eq!(all, both);
        let gone = b.id;
        assert_eq!(fams.remove(&gone), Some(b));
        assert!(!fams.contains_key(&gone));
        assert_eq!(fams.len(), 1);
    }
}
