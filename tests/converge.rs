//! A property: three laptops make random changes (check-ins, undos, check-outs,
//! edits of a family, notes and their edits, erasures) and exchange their
//! records in a random order; after everyone has met everyone, every laptop
//! exports the same bytes, and nothing any laptop acknowledged is lost.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;
mod support;

use support::laptop::central;
use thinkbaby::domain::*;
use thinkbaby::store::merge::Records;
use thinkbaby::store::{Change, Store, archive};
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Step {
    CheckIn { laptop: usize, family: usize, week: i64 },
    Undo { laptop: usize, family: usize, week: i64 },
    CheckOut { laptop: usize, family: usize, week: i64 },
    Phone { laptop: usize, family: usize, digit: u8 },
    Note { laptop: usize, family: usize, week: i64, concern: u8 },
    EditNote { laptop: usize, pick: usize, concern: u8 },
    Erase { laptop: usize, family: usize },
    Exchange { from: usize, to: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let l = 0..3usize;
    let f = 0..4usize;
    let w = 0..3i64;
    prop_oneof![
        4 => (l.clone(), f.clone(), w.clone()).prop_map(|(laptop, family, week)| Step::CheckIn { laptop, family, week }),
        1 => (l.clone(), f.clone(), w.clone()).prop_map(|(laptop, family, week)| Step::Undo { laptop, family, week }),
        1 => (l.clone(), f.clone(), w.clone()).prop_map(|(laptop, family, week)| Step::CheckOut { laptop, family, week }),
        2 => (l.clone(), f.clone(), 0..10u8).prop_map(|(laptop, family, digit)| Step::Phone { laptop, family, digit }),
        2 => (l.clone(), f.clone(), w, 0..3u8).prop_map(|(laptop, family, week, concern)| Step::Note { laptop, family, week, concern }),
        2 => (l.clone(), 0..8usize, 0..3u8).prop_map(|(laptop, pick, concern)| Step::EditNote { laptop, pick, concern }),
        1 => (l.clone(), f).prop_map(|(laptop, family)| Step::Erase { laptop, family }),
        4 => (l.clone(), l).prop_map(|(from, to)| Step::Exchange { from, to }),
    ]
}

struct World {
    _dirs: Vec<tempfile::TempDir>,
    stores: Vec<Store>,
    group: Uuid,
    families: Vec<Uuid>,
    clock: chrono::DateTime<Utc>,
    /// Every note any laptop saved, and every check-in it acknowledged.
    notes: BTreeSet<Uuid>,
    check_ins: BTreeSet<(Uuid, Uuid)>,
}

fn records(store: &Store) -> Records {
    Records::of_store(store).unwrap()
}

fn export(store: &Store) -> String {
    let mut out = Vec::new();
    archive::export(store, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

impl World {
    /// Laptop 0 with a group and four families; the others set up from it.
    fn new() -> World {
        let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let mut stores: Vec<Store> = dirs.iter().map(|d| Store::open(d.path()).unwrap()).collect();
        let clock = Utc.with_ymd_and_hms(2026, 11, 5, 10, 0, 0).unwrap();
        let first = &stores[0];
        let group = central(clock, first.device());
        let mut c = Change::default();
        c.put_group(&group);
        let mut families = Vec::new();
        for (i, name) in ["Zoë Clarke", "Łucja Nowak", "محمد", "李娜"].iter().enumerate() {
            let dob = NaiveDate::from_ymd_opt(2026, 5, 1 + i as u32).unwrap();
            let baby = Baby { id: new_id(clock), name: format!("Baby {i}"), dob, due: None, sex: None };
            let mut f = Family::new(name, &format!("07700 90011{i}"), vec![baby], Stamp::new(clock, first.device()));
            f.groups.push(group.id);
            families.push(f.id);
            c.put_family(&f);
        }
        first.commit(c).unwrap();
        let base = records(&stores[0]);
        for s in stores.iter_mut().skip(1) {
            s.merge(Records { entries: base.entries.clone(), evaluation_key: base.evaluation_key.clone() }).unwrap();
        }
        World {
            _dirs: dirs,
            stores,
            group: group.id,
            families,
            clock,
            notes: BTreeSet::new(),
            check_ins: BTreeSet::new(),
        }
    }

    fn tick(&mut self) -> chrono::DateTime<Utc> {
        self.clock += Duration::minutes(1);
        self.clock
    }

    fn session(&mut self, laptop: usize, week: i64) -> Session {
        let now = self.tick();
        let day = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap() + Duration::weeks(week);
        self.stores[laptop].open_session(self.group, day, "AB", now).unwrap()
    }

    fn run(&mut self, step: &Step) {
        match *step {
            Step::CheckIn { laptop, family, week } => {
                let s = self.session(laptop, week);
                let now = self.tick();
                let store = &self.stores[laptop];
                let f = store.family(self.families[family]).unwrap().unwrap();
                if f.is_erased() {
                    return;
                }
                if store.check_in(&s, &f, "AB", now).unwrap().is_some() {
                    self.check_ins.insert((s.id, f.id));
                }
            }
            Step::Undo { laptop, family, week } | Step::CheckOut { laptop, family, week } => {
                let s = self.session(laptop, week);
                let now = self.tick();
                let store = &self.stores[laptop];
                if let Some(a) = store.attendance(s.id, self.families[family]).unwrap() {
                    if matches!(step, Step::Undo { .. }) {
                        store.undo_check_in(&a, now).unwrap();
                    } else {
                        store.check_out(&a, now).unwrap();
                    }
                }
            }
            Step::Phone { laptop, family, digit } => {
                let now = self.tick();
                let store = &self.stores[laptop];
                let mut f = store.family(self.families[family]).unwrap().unwrap();
                if f.is_erased() {
                    return;
                }
                f.carers[0].phone = format!("07700 9009{digit}{digit}");
                f.stamp.touch(now, store.device());
                store.save_family(&f).unwrap();
            }
            Step::Note { laptop, family, week, concern } => {
                let s = self.session(laptop, week);
                let now = self.tick();
                let store = &self.stores[laptop];
                if store.family(self.families[family]).unwrap().unwrap().is_erased() {
                    return;
                }
                let rev = revision(now, "A note", concern);
                let o = Observation::new(new_id(now), self.families[family], s.id, rev, store.device());
                store.save_observation(&o).unwrap();
                self.notes.insert(o.id);
            }
            Step::EditNote { laptop, pick, concern } => {
                let now = self.tick();
                let store = &self.stores[laptop];
                let notes = store.all_observations().unwrap();
                let Some(mut o) = notes.get(pick % notes.len().max(1)).cloned() else { return };
                if o.erased.is_some() {
                    return;
                }
                o.revise(revision(now, "Edited", concern), store.device());
                store.save_observation(&o).unwrap();
            }
            Step::Erase { laptop, family } => {
                let now = self.tick();
                let store = &mut self.stores[laptop];
                let _ = store.erase_family(self.families[family], "asked", true, now);
            }
            Step::Exchange { from, to } if from != to => {
                let r = records(&self.stores[from]);
                self.stores[to].merge(r).unwrap();
            }
            Step::Exchange { .. } => {}
        }
    }
}

fn revision(at: chrono::DateTime<Utc>, text: &str, concern: u8) -> Revision {
    Revision {
        id: new_id(at),
        parents: vec![],
        tags: vec![],
        text: text.into(),
        concern: [Concern::None, Concern::FollowUp, Concern::Safeguarding][usize::from(concern % 3)],
        follow_up: String::new(),
        baby: None,
        by: "AB".into(),
        at,
        why: String::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn every_laptop_converges_and_nothing_acknowledged_is_lost(steps in prop::collection::vec(step(), 5..40)) {
        let mut w = World::new();
        for s in &steps {
            w.run(s);
        }
        // Everyone meets everyone, twice round.
        for _ in 0..2 {
            for from in 0..3 {
                for to in 0..3 {
                    if from != to {
                        w.run(&Step::Exchange { from, to });
                    }
                }
            }
        }
        let first = export(&w.stores[0]);
        for s in &w.stores[1..] {
            prop_assert_eq!(&export(s), &first);
        }
        let notes: BTreeSet<Uuid> = w.stores[0].all_observations().unwrap().iter().map(|o| o.id).collect();
        for id in &w.notes {
            prop_assert!(notes.contains(id), "note {} was saved and is gone", id);
        }
        for (session, family) in &w.check_ins {
            let held = w.stores[0].visits_of_family(*family).unwrap();
            prop_assert!(held.iter().any(|v| v.session == *session), "check-in of {} at {} is gone", family, session);
        }
        for s in &w.stores {
            prop_assert!(thinkbaby::store::check::run(s).unwrap().ok());
        }
    }
}

/// A bundle of a whole store is merged by reading every stored family and
/// visit ahead in one pass (above 20,000 records): the result is the same as
/// looking each up, what is already there is not written again, and a change
/// among the thousands arrives.
#[test]
fn a_large_bundle_merges_as_a_small_one_does() {
    use thinkbaby::sample::store::{Params, generate};
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut a = Store::open(dirs[0].path()).unwrap();
    let mut b = Store::open(dirs[1].path()).unwrap();
    generate(&a, &Params { families: 600, observations: 6_000, ..Params::default() }).unwrap();
    let bundle = records(&a);
    assert!(bundle.entries.len() > 20_000, "{} records: too few to read ahead", bundle.entries.len());
    let first = b.merge(bundle).unwrap();
    assert_eq!(first.stats.families_added, 600);
    assert_eq!(export(&b), export(&a));

    let again = b.merge(records(&a)).unwrap();
    assert_eq!(again.stats, thinkbaby::store::Stats::default(), "nothing new, nothing changed");
    assert!(thinkbaby::store::check::run(&b).unwrap().ok());

    // One phone number changed on laptop A, among 600 families, carried in
    // a bundle file large enough that B reads its store while it reads the file.
    let mut f = a.families().unwrap().swap_remove(17);
    f.carers[0].phone = "07700 900999".into();
    f.stamp.touch(Utc::now(), a.device());
    a.save_family(&f).unwrap();
    let file = dirs[0].path().join("a.tbb");
    thinkbaby::store::bundle::write(&a, &file, "a bundle passphrase".into(), Utc::now()).unwrap();
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(size >= thinkbaby::store::merge::READ_AHEAD_BYTES, "a bundle of {size} bytes is not read ahead");
    let before = export(&b);
    let wrong = b.merge_bundle(&file, "not the passphrase".into()).unwrap_err();
    assert!(wrong.to_string().contains("does not open with this passphrase"), "{wrong}");
    assert_eq!(export(&b), before, "a bundle that does not open changes nothing");
    let (_, came) = b.merge_bundle(&file, "a bundle passphrase".into()).unwrap();
    assert_eq!(came.stats.families_changed, 1);
    assert_eq!(b.family(f.id).unwrap().unwrap().carers[0].phone, "07700 900999");
    assert_eq!(export(&b), export(&a));
    assert_eq!(a.merge(records(&b)).unwrap().stats, thinkbaby::store::Stats::default());
}
