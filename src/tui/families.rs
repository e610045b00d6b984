//! Every family the screens may show, by id. A big store holds tens of
//! thousands, and a decoded family is a dozen small allocations (about 900
//! bytes); its encoded bytes are about a third of that in one. So the families
//! a facilitator works with (today's roster, anyone opened, checked in or
//! edited) are kept decoded, and the rest are kept encoded and decoded when a
//! screen asks for one (a search result, a couple of microseconds each).

use crate::domain::Family;
use crate::domain::age::whole_months;
use crate::store::codec;
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Families {
    open: HashMap<Uuid, Family>,
    /// Where each other family's bytes are in `bytes`: all of them in one
    /// buffer, not a small allocation each (its header and rounding are a
    /// tenth of a family's bytes).
    packed: HashMap<Uuid, (u32, u32)>,
    bytes: Vec<u8>,
    /// Bytes in `bytes` no family points at any more (opened or replaced).
    stale: usize,
}

impl Families {
    pub fn get(&self, id: &Uuid) -> Option<Cow<'_, Family>> {
        if let Some(f) = self.open.get(id) {
            return Some(Cow::Borrowed(f));
        }
        self.unpack(id).map(Cow::Owned)
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
        self.forget_packed(&f.id);
        self.open.insert(f.id, f);
    }

    /// Kept encoded, unless it is known already: a family changed since it was
    /// read is newer in memory.
    pub fn add_packed(&mut self, f: &Family) {
        if !self.contains_key(&f.id) {
            self.pack(f);
        }
    }

    pub fn remove(&mut self, id: &Uuid) -> Option<Family> {
        let packed = self.unpack(id);
        self.forget_packed(id);
        self.open.remove(id).or(packed)
    }

    /// The families expected at `group` on `day` (`Family::expected_at`).
    pub fn expected_at(&self, group: Uuid, day: NaiveDate) -> Vec<Uuid> {
        let open = self.open.values().filter(|f| f.expected_at(group, day)).map(|f| f.id);
        let packed = self
            .packed
            .iter()
            .filter(|(_, at)| self.slice(**at).and_then(Expected::read).is_some_and(|(e, _)| e.at(group, day)));
        open.chain(packed.map(|(id, _)| *id)).collect()
    }

    /// Every family, decoding those kept encoded one at a time.
    pub fn values(&self) -> impl Iterator<Item = Cow<'_, Family>> {
        let open = self.open.values().map(Cow::Borrowed);
        open.chain(self.packed.keys().filter_map(|id| self.unpack(id).map(Cow::Owned)))
    }

    /// Keeps these decoded (today's roster, drawn at every frame); the rest
    /// of those decoded before are packed again.
    pub fn keep_open(&mut self, ids: &[Uuid]) {
        let wanted: std::collections::HashSet<&Uuid> = ids.iter().collect();
        let leaving: Vec<Uuid> = self.open.keys().filter(|id| !wanted.contains(id)).copied().collect();
        for id in leaving {
            if let Some(f) = self.open.remove(&id) {
                self.pack(&f);
            }
        }
        for id in ids {
            if let Some(f) = self.unpack(id) {
                self.forget_packed(id);
                self.open.insert(*id, f);
            }
        }
        self.compact();
    }

    fn pack(&mut self, f: &Family) {
        self.forget_packed(&f.id);
        let start = self.bytes.len();
        Expected::write(f, &mut self.bytes);
        codec::encode_into(f, codec::SCHEMA, &mut self.bytes);
        // Offsets fit: 4 GiB would be some ten million families.
        let at = (start as u32, (self.bytes.len() - start) as u32);
        self.packed.insert(f.id, at);
    }

    fn forget_packed(&mut self, id: &Uuid) {
        if let Some((_, len)) = self.packed.remove(id) {
            self.stale += len as usize;
        }
    }

    /// The bytes were encoded by this program: they decode, and a family that
    /// somehow did not would be left out rather than stop the screen.
    fn unpack(&self, id: &Uuid) -> Option<Family> {
        let bytes = self.slice(*self.packed.get(id)?)?;
        let (_, facts) = Expected::read(bytes)?;
        codec::decode("families in memory", id.as_bytes(), bytes.get(facts..)?).ok()
    }

    fn slice(&self, (start, len): (u32, u32)) -> Option<&[u8]> {
        self.bytes.get(start as usize..(start + len) as usize)
    }

    /// Copies the live bytes into a new buffer once most are stale.
    fn compact(&mut self) {
        if self.stale * 2 <= self.bytes.len() {
            return;
        }
        let mut bytes = Vec::with_capacity(self.bytes.len() - self.stale);
        for (start, len) in self.packed.values_mut() {
            let from = *start as usize..(*start + *len) as usize;
            *start = bytes.len() as u32;
            bytes.extend_from_slice(self.bytes.get(from).unwrap_or_default());
        }
        self.bytes = bytes;
        self.stale = 0;
    }
}

/// What `Family::expected_at` reads, as bytes before a packed family: erased
/// (1 byte), the babies' birth dates (a count, then days from the common
/// era), the groups (a count, then their ids).
struct Expected<'a> {
    erased: bool,
    births: &'a [u8],
    groups: &'a [u8],
}

impl<'a> Expected<'a> {
    fn write(f: &Family, out: &mut Vec<u8>) {
        out.push(u8::from(f.is_erased()));
        out.extend_from_slice(&(f.babies.len() as u16).to_le_bytes());
        for b in &f.babies {
            out.extend_from_slice(&b.dob.num_days_from_ce().to_le_bytes());
        }
        out.extend_from_slice(&(f.groups.len() as u16).to_le_bytes());
        for g in &f.groups {
            out.extend_from_slice(g.as_bytes());
        }
    }

    /// The facts and how many bytes they took.
    fn read(bytes: &'a [u8]) -> Option<(Expected<'a>, usize)> {
        let count = |at: usize| bytes.get(at..at + 2).map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])));
        let erased = *bytes.first()? == 1;
        let babies = count(1)?;
        let births = bytes.get(3..3 + 4 * babies)?;
        let at = 3 + 4 * babies;
        let groups = bytes.get(at + 2..at + 2 + 16 * count(at)?)?;
        Some((Expected { erased, births, groups }, at + 2 + groups.len()))
    }

    fn at(&self, group: Uuid, day: NaiveDate) -> bool {
        let young = |b: &[u8]| {
            let days = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            NaiveDate::from_num_days_from_ce_opt(days).is_some_and(|dob| whole_months(dob, day) < 13)
        };
        self.groups.chunks_exact(16).any(|g| g == group.as_bytes())
            && !self.erased
            && self.births.chunks_exact(4).any(young)
    }
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

    #[test]
    fn families_opened_and_packed_again_keep_their_bytes_through_compaction() {
        let all: Vec<Family> = (0..20).map(|i| family(&format!("Carer {i}"))).collect();
        let ids: Vec<Uuid> = all.iter().map(|f| f.id).collect();
        let mut fams = Families::default();
        for f in &all {
            fams.add_packed(f);
        }
        // Opening most leaves most bytes stale: the buffer is copied down.
        fams.keep_open(&ids[..15]);
        let live: usize = fams.packed.values().map(|(_, n)| *n as usize).sum();
        assert_eq!(
            (fams.stale, fams.bytes.len(), fams.packed.len()),
            (0, live, 5),
            "copied down to the five still packed"
        );
        fams.keep_open(&ids[10..12]);
        fams.keep_open(&[]);
        assert_eq!(fams.open.len(), 0);
        for f in &all {
            assert_eq!(fams.get(&f.id).as_deref(), Some(f));
        }
    }

    #[test]
    fn who_is_expected_is_the_same_from_the_packed_facts_as_from_the_families() {
        use crate::domain::{Baby, Erasure};
        let (central, south) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let baby = |dob| Baby { id: Uuid::nil(), name: "B".into(), dob, due: None, sex: None };
        let mut all = Vec::new();
        for (i, (groups, dobs)) in [
            (vec![central], vec![date(2026, 1, 31)]),
            (vec![central, south], vec![date(2024, 1, 1), date(2025, 11, 29)]),
            (vec![south], vec![date(2026, 6, 1)]),
            (vec![central], vec![]),
            (vec![], vec![date(2026, 6, 1)]),
            (vec![central], vec![date(2025, 10, 29)]),
        ]
        .into_iter()
        .enumerate()
        {
            let mut f = family(&format!("Carer {i}"));
            f.groups = groups;
            f.babies = dobs.into_iter().map(baby).collect();
            all.push(f);
        }
        let mut erased = all[0].clone();
        erased.id = Uuid::from_u128(99);
        erased.erased = Some(Erasure { at: chrono::Utc::now(), by: "CR".into(), why: "asked".into() });
        all.push(erased);
        let mut fams = Families::default();
        for f in &all {
            fams.add_packed(f);
        }
        fams.keep_open(&[all[1].id]);
        for day in [date(2026, 11, 28), date(2026, 11, 29), date(2026, 12, 31), date(2027, 2, 28), date(2027, 3, 1)] {
            for group in [central, south] {
                let mut packed = fams.expected_at(group, day);
                packed.sort();
                let mut wanted: Vec<Uuid> = all.iter().filter(|f| f.expected_at(group, day)).map(|f| f.id).collect();
                wanted.sort();
                assert_eq!(packed, wanted, "{group} on {day}");
            }
        }
    }
}
