//! Store tests in temporary folders: reopen after commit, the lock, damaged values,
//! upgrades from schema-1 and schema-3 fixtures, old archives, and the demo store.
//! (Processes killed in the middle of commits, rebuilds and upgrades: `kill.rs`.)

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
mod support;

use std::path::{Path, PathBuf};
use support::laptop::copy_dir;
use support::process::settle;
use thinkbaby::clock::{Clock, FixedClock};
use thinkbaby::domain::*;
use thinkbaby::store::keys::{self, TreeId};
use thinkbaby::store::{Change, META_SCHEMA, Store, StoreError, Unlock, archive, check, codec, layout};
use uuid::Uuid;

fn moment(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("thinkbaby-test-").tempdir().unwrap()
}

fn group(id: Uuid, name: &str, weekday: u8, now: DateTime<Utc>, device: Uuid) -> Group {
    Group {
        id,
        name: name.into(),
        venue: "Blenheim Crescent Church Hall, LU3 1HB".into(),
        neighbourhood: Neighbourhood::parse(name),
        weekday,
        start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        stamp: Stamp::new(now, device),
    }
}

/// A family with one carer and one baby; ids derived from `n` so tests can name them.
fn family(n: u128, carer: &str, baby: &str, dob: NaiveDate, now: DateTime<Utc>, device: Uuid) -> Family {
    Family {
        id: Uuid::from_u128(0xFA00 + n),
        carers: vec![Carer {
            id: Uuid::from_u128(0xCA00 + n),
            name: carer.into(),
            relationship: "Mother".into(),
            phone: format!("07700 900{n:03}"),
        }],
        babies: vec![Baby { id: Uuid::from_u128(0xBA00 + n), name: baby.into(), dob, due: None, sex: None }],
        postcode: "LU3 1HB".into(),
        neighbourhood: Some(Neighbourhood::Central),
        home_language: "Polish".into(),
        interpreter: false,
        referral: Referral {
            route: ReferralRoute::HealthVisitor,
            date: Some(dob + Duration::days(20)),
            referrer: String::new(),
        },
        hv_level: HvLevel::UniversalPlus,
        need_level: Some(2),
        eha: true,
        data_sharing: Consent { answer: ConsentAnswer::Yes, date: Some(dob + Duration::days(30)) },
        photos: Consent::not_asked(),
        alerts: vec![Alert { kind: AlertKind::Allergy, text: "peanuts".into() }],
        groups: vec![],
        stamp: Stamp::new(now, device),
        erased: None,
        joined_into: None,
        not_same_as: vec![],
    }
}

fn session(group: Uuid, date: NaiveDate, now: DateTime<Utc>, device: Uuid) -> Session {
    Session::new(group, date, vec!["JH".into()], Stamp::new(now, device))
}

fn attendance(s: &Session, f: &Family, at: DateTime<Utc>, device: Uuid) -> Attendance {
    Attendance {
        session: s.id,
        family: f.id,
        checked_in: at,
        checked_out: Some(at + Duration::minutes(80)),
        carers: f.carers.iter().map(|c| c.id).collect(),
        babies: f.babies.iter().map(|b| b.id).collect(),
        walk_in: false,
        by: "JH".into(),
        stamp: Stamp::new(at, device),
    }
}

fn observation(id: Uuid, s: &Session, f: &Family, at: DateTime<Utc>, device: Uuid) -> Observation {
    Observation {
        id,
        family: f.id,
        session: s.id,
        author: "JH".into(),
        at,
        revisions: vec![Revision {
            id: Uuid::from_u128(id.as_u128() + 1),
            parents: vec![],
            tags: vec!["responds-to-cues".into(), "talks-sings".into()],
            text: "Sang to Zofia and waited for her smile.\nShe cooed back.".into(),
            concern: Concern::None,
            follow_up: String::new(),
            baby: f.babies.first().map(|b| b.id),
            by: "JH".into(),
            at,
            why: String::new(),
        }],
        deleted: None,
        resolutions: vec![],
        stamp: Stamp::new(at, device),
        erased: None,
    }
}

/// The demo's records in a clear store that can be reopened (the real demo is
/// sealed with a key that lives only in memory).
fn demo_store(dir: &Path, clock: &dyn thinkbaby::clock::Clock) -> Store {
    let store = Store::open(dir).unwrap();
    thinkbaby::cli::demo::fill(&store, clock).unwrap();
    store
}

fn reopen(dir: &Path) -> Store {
    settle();
    Store::open(dir).unwrap()
}

#[test]
fn every_record_is_there_after_reopening() {
    let dir = tempdir();
    let now = moment(2026, 11, 19, 10, 4);
    let (device, g, f, s, a, o) = {
        let store = Store::open(dir.path()).unwrap();
        let device = store.device();
        assert_eq!(store.meta::<u8>(META_SCHEMA).unwrap(), Some(codec::SCHEMA));
        let g = group(Uuid::from_u128(1), "Central", 3, now, device);
        let f = family(1, "Łucja Nowak", "Zofia", day(2026, 1, 22), now, device);
        let s = session(g.id, day(2026, 11, 19), now, device);
        let a = attendance(&s, &f, now, device);
        let o = observation(Uuid::from_u128(3), &s, &f, now + Duration::minutes(30), device);
        store.save_group(&g).unwrap();
        store.save_family(&f).unwrap();
        let mut c = Change::default();
        c.put_session(&s);
        c.put_attendance(&a);
        c.put_observation(&o);
        c.put_staff(&Staff { initials: "JH".into(), name: "Jess Holloway".into(), stamp: Stamp::new(now, device) });
        store.commit(c).unwrap();
        (device, g, f, s, a, o)
    };
    let store = reopen(dir.path());
    assert_eq!(store.device(), device, "the device id is kept");
    assert_eq!(store.meta::<u8>(META_SCHEMA).unwrap(), Some(codec::SCHEMA));
    assert_eq!(store.group(g.id).unwrap(), Some(g.clone()));
    assert_eq!(store.family(f.id).unwrap(), Some(f.clone()));
    assert_eq!(store.session(s.id).unwrap(), Some(s.clone()));
    assert_eq!(store.session_on(g.id, s.date).unwrap(), Some(s.clone()));
    assert_eq!(store.sessions_of(g.id).unwrap(), vec![s.clone()]);
    assert_eq!(store.attendance(s.id, f.id).unwrap(), Some(a.clone()));
    assert_eq!(store.attendance_of_family(f.id).unwrap(), vec![a]);
    assert_eq!(store.observations_of_family(f.id).unwrap(), vec![o]);
    assert_eq!(store.staff().unwrap().len(), 1);
    let report = check::run(&store).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.counts.get("families"), Some(&1));
    assert_eq!(report.counts.get("visits"), Some(&1));
    assert_eq!(report.counts.get("session_visits"), Some(&1));
}

#[test]
fn ops_commit_what_they_return() {
    let dir = tempdir();
    let clock = FixedClock::at(2026, 11, 19, 10, 0);
    let (s, first, walk_in) = {
        let store = Store::open(dir.path()).unwrap();
        let device = store.device();
        let g = group(Uuid::from_u128(1), "South", 3, clock.now(), device);
        store.save_group(&g).unwrap();
        let mut f = family(1, "Ana Ferreira", "Tomás", day(2026, 7, 18), clock.now(), device);
        f.groups.push(g.id);
        store.save_family(&f).unwrap();
        let s = store.open_session(g.id, clock.today(), "KO", clock.now()).unwrap();
        // Opening it again gives the same session and adds the second facilitator.
        let again = store.open_session(g.id, clock.today(), "DM", clock.now()).unwrap();
        assert_eq!(again.id, s.id);
        let first = store.check_in(&s, &f, "KO", clock.now()).unwrap().expect("checked in");
        assert!(!first.walk_in, "an expected family is not a walk-in");
        assert_eq!(store.check_in(&s, &f, "KO", clock.now()).unwrap(), None, "no second check-in");
        let w = family(2, "Nguyễn Thị Lan", "Minh Anh", day(2026, 10, 11), clock.now(), device);
        let walk_in = store.add_walk_in(&s, &w, "KO", clock.now()).unwrap();
        let out = store.check_out(&first, clock.now() + Duration::minutes(85)).unwrap();
        (s, out, walk_in)
    };
    let store = reopen(dir.path());
    let s = store.session(s.id).unwrap().unwrap();
    assert_eq!(s.facilitators, ["KO", "DM"]);
    let mut here = store.attendance_of_session(s.id).unwrap();
    here.sort_by_key(|a| a.family);
    assert_eq!(here, vec![first.clone(), walk_in.clone()]);
    assert!(here[0].checked_out.is_some() && here[1].walk_in);
    assert_eq!(store.family(walk_in.family).unwrap().unwrap().first_carer(), "Nguyễn Thị Lan");
    let undone_at = clock.now() + chrono::Duration::minutes(3);
    store.undo_check_in(&walk_in, undone_at).unwrap();
    assert_eq!(store.attendance_of_family(walk_in.family).unwrap(), vec![]);
    let trail = store.audit_of_family(walk_in.family).unwrap();
    assert_eq!(trail.last().map(|e| e.at), Some(undone_at), "the undo is dated by the app's clock");
    assert!(check::run(&store).unwrap().ok());
}

#[test]
fn a_second_open_of_the_same_folder_is_refused() {
    let dir = tempdir();
    let store = Store::open(dir.path()).unwrap();
    match Store::open(dir.path()) {
        Err(e @ StoreError::Locked(_)) => {
            assert_eq!(
                e.to_string(),
                format!("thinkbaby is already open on this computer (data in {})", dir.path().display())
            );
            assert_eq!(e.exit_code(), 2);
        }
        other => panic!("expected the lock error, got {other:?}"),
    }
    drop(store);
    reopen(dir.path()); // the lock is released when the store closes
}

#[test]
fn a_value_that_does_not_decode_names_its_tree_and_key() {
    let dir = tempdir();
    let now = moment(2026, 11, 19, 10, 4);
    let (f, key, folder) = {
        let store = Store::open(dir.path()).unwrap();
        let f = family(7, "Hodan Warsame", "Ayaan", day(2026, 4, 30), now, store.device());
        store.save_family(&f).unwrap();
        (f.clone(), store.family_key(f.id), store.folder().to_path_buf())
    };
    // A value that claims the current schema but whose payload is cut short.
    {
        let db = sled::open(&folder).unwrap();
        let families = db.open_tree(TreeId::Families.name()).unwrap();
        families.insert(key.clone(), vec![codec::FORMAT, codec::SCHEMA, 0, 0xff, 0xff, 0x07]).unwrap();
        db.flush().unwrap();
    }
    let store = reopen(dir.path());
    let err = store.family(f.id).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Decode { .. }), "{err:?}");
    assert!(text.contains("families") && text.contains(&keys::show(&key)), "{text}");
    assert!(store.families().is_err());
    let report = check::run(&store).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].contains("families"));
}

#[test]
fn no_id_date_or_initials_shows_in_a_stored_key() {
    let dir = tempdir();
    let now = moment(2026, 11, 19, 10, 4);
    let pass = secrecy::SecretString::from("keys that say nothing at all");
    let (f, s) = {
        let store = Store::open_with(dir.path(), Unlock::Passphrase(pass.clone())).unwrap();
        let g = group(Uuid::from_u128(1), "Central", 3, now, store.device());
        store.save_group(&g).unwrap();
        let f = family(1, "Łucja Nowak", "Zofia", day(2026, 1, 22), now, store.device());
        store.save_family(&f).unwrap();
        let s = store.open_session(g.id, day(2026, 11, 19), "JHQW", now).unwrap();
        store.check_in(&s, &f, "JHQW", now).unwrap();
        let mut c = Change::default();
        c.put_staff(&Staff {
            initials: "JHQW".into(),
            name: "Jess Holloway".into(),
            stamp: Stamp::new(now, store.device()),
        });
        store.commit(c).unwrap();
        (f, s)
    };
    let folder = match layout::find(dir.path()).unwrap() {
        layout::Found::Store(folder, _) => folder,
        other => panic!("{other:?}"),
    };
    let db = sled::open(&folder).unwrap();
    // Four letters of initials: two would turn up by chance in a hashed key
    // about once in a hundred runs.
    let needles: Vec<Vec<u8>> = vec![
        f.id.as_bytes().to_vec(),
        s.id.as_bytes().to_vec(),
        b"20261119".to_vec(),
        b"JHQW".to_vec(),
        b"Central".to_vec(),
        f.id.as_bytes()[..8].to_vec(),
    ];
    let mut keys_seen = 0;
    for name in db.tree_names() {
        let tree = db.open_tree(&name).unwrap();
        for item in tree.iter() {
            let (k, v) = item.unwrap();
            keys_seen += 1;
            for n in &needles {
                assert!(!k.windows(n.len()).any(|w| w == n.as_slice()), "a key holds {n:?}");
                assert!(!v.windows(n.len()).any(|w| w == n.as_slice()), "a value holds {n:?} in the clear");
            }
        }
    }
    assert!(keys_seen > 5);
}

// ---------------------------------------------------------------------------
// Upgrades from stores written before schema 4.

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

const FIXTURE_DEVICE: u128 = 0xD1CE;

/// The schema-1 fixture's records (written in 2026 by thinkbaby's schema-1
/// writer, kept in git history). Ids are fixed: family A came to Central
/// twice, family B to Central and then South, family C never came.
struct Schema1 {
    central: Group,
    south: Group,
    a: Family,
    b: Family,
    c: Family,
    note: Uuid,
}

fn schema1_records() -> Schema1 {
    let device = Uuid::from_u128(FIXTURE_DEVICE);
    let now = moment(2026, 10, 1, 9, 0);
    Schema1 {
        central: group(Uuid::from_u128(0x6001), "Central", 3, now, device),
        south: group(Uuid::from_u128(0x6002), "South", 1, now, device),
        a: family(1, "Łucja Nowak", "Zofia", day(2026, 1, 22), now, device),
        b: family(2, "محمد", "Yusuf", day(2026, 8, 19), now, device),
        c: family(3, "Sophie Clarke", "Zoë", day(2026, 2, 2), now, device),
        note: Uuid::from_u128(0x0B01),
    }
}

#[test]
fn a_schema_1_store_is_upgraded_when_opened() {
    let r = schema1_records();
    let dir = tempdir();
    copy_dir(&fixture_dir("schema1"), dir.path());
    assert_eq!(layout::find(dir.path()).unwrap(), layout::Found::Legacy);
    let store = reopen(dir.path());
    assert_eq!(store.meta::<u8>(META_SCHEMA).unwrap(), Some(codec::SCHEMA));
    assert_eq!(store.device(), Uuid::from_u128(FIXTURE_DEVICE), "the laptop keeps its id");
    assert_eq!(store.meta::<String>(b"initials").unwrap().as_deref(), Some("JH"));

    let family = |id| store.family(id).unwrap().expect("family kept");
    let (a, b, c) = (family(r.a.id), family(r.b.id), family(r.c.id));
    assert_eq!(a.groups, vec![r.central.id], "A came to Central twice: Central once");
    assert_eq!(b.groups, vec![r.central.id, r.south.id], "B came to Central, then South");
    assert_eq!(c.groups, Vec::<Uuid>::new(), "C never came");
    assert_eq!(Family { groups: vec![], ..a.clone() }, r.a, "everything else is as it was");
    assert_eq!(b.first_carer(), "محمد");
    assert_eq!(c.babies[0].name, "Zoë");
    assert_eq!(store.groups().unwrap(), vec![r.central.clone(), r.south.clone()]);
    // Sessions take ids from their group and date.
    let central = store.sessions_of(r.central.id).unwrap();
    assert_eq!(central.iter().map(|s| s.date).collect::<Vec<_>>(), [day(2026, 10, 1), day(2026, 10, 8)]);
    assert!(central.iter().all(|s| s.id == Session::id_for(r.central.id, s.date)));
    assert_eq!(store.all_attendance().unwrap().len(), 4);
    assert!(store.came_before(r.b.id, day(2026, 10, 2)).unwrap(), "first visits survive the upgrade");
    let notes = store.observations_of_family(r.a.id).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].id, r.note);
    assert_eq!(notes[0].session, central[0].id, "the note moves with its session");
    assert_eq!(notes[0].current().text, "Sang to Zofia and waited for her smile.\nShe cooed back.");
    assert_eq!(store.staff().unwrap().len(), 1);
    assert!(a.erased.is_none() && store.audit().unwrap().is_empty());
    let report = check::run(&store).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    drop(store);
    // The old files are gone; a second open finds the new store and changes nothing.
    assert!(!dir.path().join("conf").exists() && !dir.path().join("db").exists());
    let store = reopen(dir.path());
    assert_eq!(store.family(r.b.id).unwrap().unwrap().groups, vec![r.central.id, r.south.id]);
}

fn schema3_pass() -> Unlock {
    Unlock::Passphrase(secrecy::SecretString::from("schema three fixture passphrase"))
}

/// An encrypted store written by thinkbaby's schema 3 (commit c15a307): the
/// fixture roster, three Central sessions with check-ins, a check-out and a
/// return, an undone check-in, a walk-in, notes (a safeguarding one, one
/// edited, one deleted), a family's details changed, and one family erased.
/// `schema3-archive-v2.jsonl` is that program's export of it.
#[test]
fn a_schema_3_store_is_upgraded_with_nothing_lost() {
    let dir = tempdir();
    copy_dir(&fixture_dir("schema3"), dir.path());
    let store = Store::open_with(dir.path(), schema3_pass()).unwrap();
    assert!(store.is_encrypted());
    let report = check::run(&store).unwrap();
    assert!(report.ok(), "{:?}", report.problems);

    let archive = archive::read(&mut std::io::BufReader::new(
        std::fs::File::open(fixture_dir("schema3-archive-v2.jsonl")).unwrap(),
    ))
    .unwrap();
    let count = |kind: &str| archive.iter().filter(|e| format!("{e:?}").starts_with(kind)).count();
    assert_eq!(store.families().unwrap().len(), count("Family"));
    assert_eq!(store.families().unwrap().len(), 9);
    assert_eq!(store.all_attendance().unwrap().len(), 9, "the undone check-in stays undone");
    assert_eq!(store.all_observations().unwrap().len(), 4);
    assert_eq!(store.audit().unwrap().len(), count("Audit"));
    let families = store.families().unwrap();
    let by = |name: &str| families.iter().find(|f| f.first_carer().starts_with(name)).unwrap().clone();
    let zoe = by("Zoë");
    assert_eq!(zoe.carers[0].relationship, "Mother", "the change made in schema 3 is kept");
    assert_eq!(families.iter().filter(|f| f.is_erased()).count(), 1);
    let notes = store.observations_of_family(by("Łucja").id).unwrap();
    assert_eq!(notes[0].revisions.len(), 2, "an edited note keeps both versions");
    assert_eq!(notes[0].current().text, "Seems low; asked about other groups");
    assert_eq!(notes[0].current().parents, vec![notes[0].revisions[0].id]);
    let open = store.open_concerns(zoe.id).unwrap();
    assert_eq!(open.len(), 1, "last week's safeguarding note is an open concern");
    // The audit keeps what happened, not the words typed.
    let trail = store.audit().unwrap();
    let words = store.audit_words(&trail).unwrap().join("\n");
    assert!(words.contains("Checked in: Central session on"), "{words}");
    assert!(words.contains("Check-in undone: Central session on"), "{words}");
    assert!(words.contains("Family changed: carer's relationship"), "{words}");
    for typed in ["clearer", "written about the wrong family", "asked to be forgotten", "roster.csv"] {
        assert!(!words.contains(typed), "{typed} in the audit: {words}");
    }
    // The evaluation key and the initials come across.
    assert!(store.meta::<Vec<u8>>(thinkbaby::store::META_EVALUATION_KEY).unwrap().is_some());
    assert_eq!(store.meta::<String>(b"initials").unwrap().as_deref(), Some("AB"));
    drop(store);
    // The old passphrase opens the upgraded store; the old files are gone.
    assert!(!dir.path().join("db").exists());
    let again = Store::open_with(dir.path(), schema3_pass()).unwrap();
    assert_eq!(again.families().unwrap().len(), 9);
}

/// Upgrading a store and importing its version 2 archive give the same records.
#[test]
fn a_version_2_archive_imports_as_the_upgraded_store_holds_it() {
    let upgraded = tempdir();
    copy_dir(&fixture_dir("schema3"), upgraded.path());
    let mut from_store = Vec::new();
    archive::export(&Store::open_with(upgraded.path(), schema3_pass()).unwrap(), &mut from_store).unwrap();
    let imported = tempdir();
    let store = Store::open(imported.path()).unwrap();
    let file = std::fs::File::open(fixture_dir("schema3-archive-v2.jsonl")).unwrap();
    let counts = archive::import(&store, &mut std::io::BufReader::new(file)).unwrap();
    assert_eq!(counts.families, 9);
    let mut from_archive = Vec::new();
    archive::export(&store, &mut from_archive).unwrap();
    assert_eq!(String::from_utf8(from_archive).unwrap(), String::from_utf8(from_store).unwrap());
    assert!(check::run(&store).unwrap().ok());
}

// ---------------------------------------------------------------------------
// The demo store.

#[test]
fn the_demo_store_has_two_groups_history_and_no_session_today() {
    let dir = tempdir();
    // A Thursday in late November 2026, the day the demo roster was written for.
    let clock = FixedClock::at(2026, 11, 26, 8, 30);
    let store = demo_store(dir.path(), &clock);
    let today = clock.today();
    let groups = store.groups().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Central") && names.contains(&"South"), "{names:?}");
    let central = store.group_named("central").unwrap().unwrap();
    let south = store.group_named("South").unwrap().unwrap();
    assert!(central.meets_on(today), "Central meets today");
    assert!(!south.meets_on(today));
    assert_eq!(central.venue, "Blenheim Crescent Church Hall, LU3 1HB");
    assert_eq!(south.venue, "The Gallery, The Mall, LU1 2TW");
    assert_eq!(central.when(), "Thursdays 10:00-11:30");

    let families = store.families().unwrap();
    assert!((24..=28).contains(&families.len()), "{} families", families.len());
    assert!(families.iter().all(|f| f.groups.len() == 1 && f.neighbourhood.is_some()));
    let find = |name: &str| families.iter().find(|f| f.first_carer() == name).unwrap_or_else(|| panic!("{name}"));
    assert_eq!(find("Ioana Popescu").babies.len(), 2, "twins are one family");
    for name in ["Łucja Nowak", "Nguyễn Thị Lan", "محمد", "李娜"] {
        find(name);
    }
    assert!(families.iter().any(|f| f.babies.iter().any(|b| b.name == "Zoë")));
    assert!(families.iter().any(|f| f.babies.iter().any(|b| b.name == "সাদিয়া")));
    let ages: Vec<_> = families.iter().flat_map(|f| &f.babies).map(|b| age::age_on(b.dob, b.due, today)).collect();
    assert!(ages.iter().any(|a| a.corrected.is_some()), "a premature baby");
    let term = |b: &Baby| b.due.is_some() && age::age_on(b.dob, b.due, today).corrected.is_none();
    assert!(families.iter().flat_map(|f| &f.babies).any(term), "a term baby with a due date");
    assert!(ages.iter().any(|a| a.actual == age::AgeUnit::Months(11)), "a baby about to turn one");
    assert!(ages.iter().all(|a| !a.ageing_out), "no baby is one yet");
    assert!(families.iter().any(|f| f.interpreter));
    assert!(families.iter().any(|f| f.no_photos()));
    assert!(families.iter().any(|f| f.alerts.iter().any(|a| a.kind == AlertKind::Allergy)));
    for route in ReferralRoute::ALL {
        assert!(families.iter().any(|f| f.referral.route == *route), "{route}");
    }
    for level in [HvLevel::Universal, HvLevel::UniversalPlus, HvLevel::PartnershipPlus] {
        assert!(families.iter().any(|f| f.hv_level == level), "{level}");
    }

    for g in [&central, &south] {
        let sessions = store.sessions_of(g.id).unwrap();
        assert_eq!(sessions.len(), 8, "{}", g.name);
        assert!(sessions.iter().all(|s| s.date < today && g.meets_on(s.date)));
        assert!(sessions.windows(2).all(|w| w[1].date - w[0].date == Duration::weeks(1)));
        for s in &sessions {
            let here = store.attendance_of_session(s.id).unwrap();
            assert!(!here.is_empty() && here.len() < 16, "{} on {}: {}", g.name, s.date, here.len());
        }
    }
    assert_eq!(store.session_on(central.id, today).unwrap(), None, "today's session is opened live");

    let notes = store.all_observations().unwrap();
    assert!((5..=15).contains(&notes.len()));
    let concern = |c| notes.iter().filter(|o| o.concern() == c).count();
    assert_eq!(concern(Concern::FollowUp), 1);
    assert_eq!(concern(Concern::Safeguarding), 1);
    let tags = TagListIds::new();
    assert!(
        notes.iter().flat_map(|o| &o.current().tags).all(|t| tags.contains(t)),
        "tag ids come from the shipped list"
    );
    assert_eq!(store.staff().unwrap().len(), 4);
    let report = check::run(&store).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

struct TagListIds(Vec<String>);

impl TagListIds {
    fn new() -> Self {
        TagListIds(tags::TagList::built_in().tags.into_iter().map(|t| t.id).collect())
    }
    fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|t| t == id)
    }
}

#[test]
fn the_demo_history_is_the_same_every_time() {
    let clock = FixedClock::at(2026, 11, 26, 8, 30);
    let summary = |dir: &Path| {
        let store = demo_store(dir, &clock);
        let mut out = Vec::new();
        for g in store.groups().unwrap() {
            for s in store.sessions_of(g.id).unwrap() {
                let mut who: Vec<String> = store
                    .attendance_of_session(s.id)
                    .unwrap()
                    .iter()
                    .map(|a| store.family(a.family).unwrap().unwrap().first_carer().to_string())
                    .collect();
                who.sort();
                out.push(format!("{} {} {} {}", g.name, s.id, s.date, who.join(",")));
            }
        }
        out
    };
    let (a, b) = (tempdir(), tempdir());
    assert_eq!(summary(a.path()), summary(b.path()));
}

#[test]
fn the_demo_follows_the_calendar() {
    // A year on, and on a Monday: Central meets on Mondays, babies are the same ages.
    let clock = FixedClock::at(2027, 11, 22, 8, 30);
    let dir = tempdir();
    let store = demo_store(dir.path(), &clock);
    let today = clock.today();
    assert_eq!(today.weekday(), chrono::Weekday::Mon);
    assert!(store.group_named("Central").unwrap().unwrap().meets_on(today));
    let babies: Vec<Baby> = store.families().unwrap().into_iter().flat_map(|f| f.babies).collect();
    assert!(babies.iter().all(|b| b.dob <= today && !age::age_on(b.dob, b.due, today).ageing_out));
    assert!(check::run(&store).unwrap().ok());
}

/// Commits are applied to sled on a thread of the store's own, and their values
/// kept in memory meanwhile (`store/hot.rs`): what is read, walked or reopened
/// after a commit is what it wrote, small commit or large.
#[test]
fn reads_walks_and_a_reopen_see_each_commit_small_or_large() {
    let dir = tempdir();
    let now = moment(2026, 11, 19, 10, 0);
    let store = Store::open(dir.path()).unwrap();
    let device = store.device();
    let g = group(Uuid::from_u128(1), "Flying Start Central", 4, now, device);
    store.save_group(&g).unwrap();
    let s = store.open_session(g.id, day(2026, 11, 19), "CR", now).unwrap();
    let first = family(10, "Amina Hussain", "Zayn", day(2026, 5, 1), now, device);
    store.save_family(&first).unwrap();
    // Read once, so it is kept in memory, then checked in: the read after sees the visit.
    assert!(store.family(first.id).unwrap().is_some());
    assert!(store.check_in(&s, &first, "CR", now).unwrap().is_some());
    assert!(store.check_in(&s, &first, "CR", now).unwrap().is_none(), "already in");
    assert_eq!(store.attendance_of_session(s.id).unwrap().len(), 1, "a walk of the session sees it");
    // A large commit (more than the store queues) over a family read just before.
    let mut renamed = first.clone();
    renamed.carers[0].name = "Amina Hussain-Khan".into();
    let mut big = Change::default();
    big.put_family(&renamed);
    for n in 0..6_000u128 {
        let mut f = family(1_000 + n, "Carer Name", "Baby", day(2026, 6, 1), now, device);
        f.home_language = "x".repeat(800);
        big.put_family(&f);
    }
    store.commit(big).unwrap();
    assert_eq!(store.family(first.id).unwrap().unwrap().carers[0].name, "Amina Hussain-Khan");
    assert_eq!(store.families().unwrap().len(), 6_001);
    let later = family(20, "Ola Nowak", "Zofia", day(2026, 7, 1), now, device);
    store.save_family(&later).unwrap();
    assert!(store.check_in(&s, &later, "CR", now).unwrap().is_some());
    drop(store);
    let store = reopen(dir.path());
    assert_eq!(store.attendance_of_session(s.id).unwrap().len(), 2);
    assert_eq!(store.family(first.id).unwrap().unwrap().carers[0].name, "Amina Hussain-Khan");
    assert_eq!(store.families().unwrap().len(), 6_002);
    assert!(check::run(&store).unwrap().ok());
}
