//! Several laptops, one record: bundles carried between data folders through
//! the real binary, and what a person decides on one laptop reaching the
//! others. Each laptop is its own data folder.

mod support;

use chrono::{Duration, TimeZone, Utc};
use std::path::Path;
use std::process::Stdio;
use support::laptop::{Laptop, PASSPHRASE, family_named, revision};
use support::process::spawning;
use thinkbaby::domain::*;
use thinkbaby::store::{Store, check, pending};
use uuid::Uuid;

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("thinkbaby-laptops-").tempdir().unwrap()
}

const ROSTER: &str = "parent_name,parent_phone,baby_name,baby_dob,postcode,home_language,group\n\
Zoë Clarke,07700 900111,Ava,02/05/2026,LU3 1HB,English,Central\n\
Łucja Nowak,07700 900222,Zofia,14/07/2026,LU1 2TW,Polish,Central\n\
Nguyễn Thị Lan,07700 900333,Minh Anh,01/03/2026,LU4 9AB,Vietnamese,Central\n\
محمد,07700 900444,Yusuf,20/08/2026,LU1 1AA,Arabic,Central\n";

/// Laptop A with the roster, and laptop B set up from A's bundle.
fn two_laptops(work: &Path) -> (Laptop, Laptop) {
    let a = Laptop::new(work, "a");
    a.import("roster", work, "roster.csv", ROSTER);
    let b = Laptop::new(work, "b");
    let said = b.merge(&a.bundle(&work.join("a-setup.tbb")));
    assert!(said.contains("added 4 families"), "{said}");
    (a, b)
}

fn exchange(x: &Laptop, y: &Laptop, work: &Path, tag: &str) {
    let to_y = x.bundle(&work.join(format!("{tag}-x.tbb")));
    let to_x = y.bundle(&work.join(format!("{tag}-y.tbb")));
    y.merge(&to_y);
    x.merge(&to_x);
}

#[test]
fn a_new_laptop_set_up_from_a_bundle_holds_what_the_first_holds() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    assert_eq!(a.export(), b.export());
    assert_ne!(a.open().device(), b.open().device(), "each laptop has its own id");
    // The team's evaluation key came too: one pseudonym per family on both.
    let pseudo = |l: &Laptop| l.ok(&["export", "families", "--format", "csv", "--pseudonymise"]).0;
    assert_eq!(pseudo(&a), pseudo(&b));
}

#[test]
fn the_same_family_checked_in_on_two_laptops_is_one_attendance() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let sheet = |time: &str, with: &str| {
        format!("date,group,parent_name,baby_name,time_in\n19/11/2026,Central,Zoë Clarke,Ava,{time}\n{with}")
    };
    a.import("attendance", work.path(), "a.csv", &sheet("10:05", "19/11/2026,Central,Łucja Nowak,Zofia,10:20\n"));
    b.import("attendance", work.path(), "b.csv", &sheet("10:12", ""));
    exchange(&a, &b, work.path(), "1");
    assert_eq!(a.export(), b.export(), "byte-identical after bundles both ways");
    let store = a.open();
    let zoe = family_named(&store, "Zoë Clarke");
    let visits = store.attendance_of_family(zoe.id).unwrap();
    assert_eq!(visits.len(), 1, "one attendance");
    let session = store.session(visits[0].session).unwrap().unwrap();
    assert_eq!(session.date.to_string(), "2026-11-19");
    assert_eq!(store.sessions().unwrap().len(), 1, "the same group and date is one session");
    assert_eq!(visits[0].checked_in.format("%H:%M").to_string(), "10:05", "the earlier time");
    let checked_in =
        store.audit_of_family(zoe.id).unwrap().iter().filter(|e| e.action == AuditAction::CheckedIn).count();
    assert_eq!(checked_in, 2, "both audit entries kept");
    assert!(check::run(&store).unwrap().ok());
}

#[test]
fn merging_twice_changes_nothing_and_order_does_not_matter() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let c = Laptop::new(work.path(), "c");
    c.merge(&a.bundle(&work.path().join("a0.tbb")));
    a.import("attendance", work.path(), "a.csv", "date,group,parent_name,baby_name\n12/11/2026,Central,محمد,Yusuf\n");
    b.import(
        "attendance",
        work.path(),
        "b.csv",
        "date,group,parent_name,baby_name\n19/11/2026,Central,Łucja Nowak,Zofia\n",
    );
    let from_a = a.bundle(&work.path().join("a1.tbb"));
    let from_b = b.bundle(&work.path().join("b1.tbb"));
    // C: A then B. D (a copy of C before): B then A.
    let d = Laptop::new(work.path(), "d");
    d.merge(&a.bundle(&work.path().join("a-setup-d.tbb")));
    c.merge(&from_a);
    c.merge(&from_b);
    d.merge(&from_b);
    d.merge(&from_a);
    assert_eq!(c.export(), d.export(), "A then B gives what B then A gives");
    let before = c.export();
    let again = c.merge(&from_b);
    assert!(again.contains("nothing new"), "{again}");
    assert_eq!(c.export(), before, "the same bundle twice changes nothing");
}

#[test]
fn edits_on_two_laptops_show_the_same_version_and_wait_for_a_person() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let now = Utc.with_ymd_and_hms(2026, 11, 19, 10, 30, 0).unwrap();
    for (laptop, phone) in [(&a, "07700 900998"), (&b, "07700 900999")] {
        let store = laptop.open();
        let mut f = family_named(&store, "Zoë Clarke");
        f.carers[0].phone = phone.into();
        f.stamp.touch(now, store.device());
        store.save_family(&f).unwrap();
    }
    exchange(&a, &b, work.path(), "1");
    assert_eq!(a.export(), b.export());
    let (list, _) = a.ok(&["conflicts"]);
    assert!(list.contains("edited on two laptops") && list.contains("carer's phone"), "{list}");
    assert!(list.contains("07700 900998") && list.contains("07700 900999"), "both values: {list}");
    assert!(!list.contains('\u{fffd}'), "line ends are not shown as a replacement sign: {list}");
    assert!(list.contains("  |  other: "), "which value is which: {list}");
    let shown = |l: &Laptop| family_named(&l.open(), "Zoë Clarke").carers[0].phone.clone();
    assert_eq!(shown(&a), shown(&b), "every laptop shows the same interim version");
    // A person decides on B; the decision travels to A.
    {
        let store = b.open();
        let mut f = family_named(&store, "Zoë Clarke");
        f.carers[0].phone = "07700 900998".into();
        store.decide_family(&f, now + Duration::minutes(5)).unwrap();
        assert!(store.pending().unwrap().is_empty());
    }
    a.merge(&b.bundle(&work.path().join("decided.tbb")));
    let (list, _) = a.ok(&["conflicts"]);
    assert!(list.contains("nothing waits"), "{list}");
    assert_eq!(shown(&a), "07700 900998");
    assert_eq!(a.export(), b.export());
}

fn note(
    store: &Store,
    f: &Family,
    session: Uuid,
    text: &str,
    concern: Concern,
    at: chrono::DateTime<Utc>,
) -> Observation {
    Observation::new(new_id(at), f.id, session, revision(at, text, concern), store.device())
}

#[test]
fn a_note_edited_on_both_keeps_every_revision_and_the_higher_concern() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 30, 0).unwrap();
    let (id, family) = {
        let store = a.open();
        let f = family_named(&store, "Łucja Nowak");
        let g = store.group_named("Central").unwrap().unwrap();
        let s = store.open_session(g.id, t.date_naive(), "AB", t).unwrap();
        let o = note(&store, &f, s.id, "Seems low", Concern::None, t);
        store.save_observation(&o).unwrap();
        (o.id, f.id)
    };
    b.merge(&a.bundle(&work.path().join("note.tbb")));
    for (laptop, text, concern) in [(&a, "Seems better", Concern::None), (&b, "Seems very low", Concern::Safeguarding)]
    {
        let store = laptop.open();
        let mut o = store.observations_of_family(family).unwrap().into_iter().find(|o| o.id == id).unwrap();
        let mut rev = o.current().clone();
        rev.id = new_id(t + Duration::minutes(9));
        rev.text = text.into();
        rev.concern = concern;
        rev.at = t + Duration::minutes(9);
        o.revise(rev, store.device());
        store.save_observation(&o).unwrap();
    }
    exchange(&a, &b, work.path(), "1");
    assert_eq!(a.export(), b.export());
    let store = a.open();
    let o = store.observations_of_family(family).unwrap().into_iter().find(|o| o.id == id).unwrap();
    assert_eq!(o.revisions.len(), 3, "every revision kept");
    assert!(o.is_conflicted(), "flagged");
    assert_eq!(o.concern(), Concern::Safeguarding, "the higher concern shown until someone settles it");
    assert!(store.pending().unwrap().iter().any(|p| p.kind == pending::NOTE && p.b == id));
}

#[test]
fn the_same_walk_in_on_two_laptops_is_two_families_until_a_person_says_one() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 15, 0).unwrap();
    let walk_in = |laptop: &Laptop, phone: &str, minutes: i64| -> Uuid {
        let store = laptop.open();
        let g = store.group_named("Central").unwrap().unwrap();
        let s = store.open_session(g.id, t.date_naive(), "AB", t).unwrap();
        let at = t + Duration::minutes(minutes);
        let dob = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let baby = Baby { id: new_id(at), name: "Aisha".into(), dob, due: None, sex: None };
        let f = Family::new("Sana Mahmood", phone, vec![baby], Stamp::new(at, store.device()));
        store.add_walk_in(&s, &f, "AB", at).unwrap();
        f.id
    };
    let on_a = walk_in(&a, "07700 900555", 0);
    let on_b = walk_in(&b, "+44 7700 900555", 3);
    let old_b_bundle = b.bundle(&work.path().join("b-before.tbb"));
    exchange(&a, &b, work.path(), "1");
    assert_eq!(a.export(), b.export());
    {
        let store = a.open();
        assert_eq!(store.families().unwrap().len(), 6, "two families until a person confirms");
        let same: Vec<_> = store.pending().unwrap().into_iter().filter(|p| p.kind == pending::SAME_FAMILY).collect();
        assert_eq!(same.len(), 1, "{same:?}");
        drop(store);
        let (list, _) = a.ok(&["conflicts"]);
        assert!(list.contains("Same family?") && list.contains("Sana Mahmood"), "{list}");
    }
    {
        let store = a.open();
        let joined = store.join_families(on_a, on_b, t + Duration::hours(1)).unwrap();
        assert_eq!(joined.babies.len(), 1, "Aisha is one baby");
        assert_eq!(store.attendance_of_family(on_a).unwrap().len(), 1, "one attendance at the session");
        assert!(store.attendance_of_family(on_b).unwrap().is_empty());
        assert!(store.pending().unwrap().is_empty());
    }
    b.merge(&a.bundle(&work.path().join("joined.tbb")));
    // A bundle written before the decision still lands on the one family.
    a.merge(&old_b_bundle);
    assert_eq!(a.export(), b.export());
    let store = b.open();
    let shown: Vec<Family> = store.families().unwrap().into_iter().filter(|f| f.joined_into.is_none()).collect();
    assert_eq!(shown.len(), 5);
    let trail = store.audit_of_family(on_a).unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == AuditAction::CheckedIn).count(), 2, "both laptops' check-ins");
    assert!(check::run(&store).unwrap().ok());
}

#[test]
fn erasure_wins_everywhere_and_an_older_bundle_never_brings_it_back() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 30, 0).unwrap();
    // B writes a note about Lan and changes her details; A erases her.
    let lan = {
        let store = b.open();
        let f = family_named(&store, "Nguyễn Thị Lan");
        let g = store.group_named("Central").unwrap().unwrap();
        let s = store.open_session(g.id, t.date_naive(), "AB", t).unwrap();
        store.save_observation(&note(&store, &f, s.id, "Lan sang to Minh Anh", Concern::None, t)).unwrap();
        let mut g2 = f.clone();
        g2.carers[0].phone = "07700 900777".into();
        store.save_family(&g2).unwrap();
        f.id
    };
    let older = b.bundle(&work.path().join("b-older.tbb"));
    a.ok(&["erase", &lan.to_string(), "--reason", "asked to be forgotten"]);
    let said = b.merge(&a.bundle(&work.path().join("erased.tbb")));
    assert!(said.contains("erased on the other laptop"), "{said}");
    a.merge(&older);
    for laptop in [&a, &b] {
        let archive = laptop.export();
        for gone in ["Nguyễn Thị Lan", "07700 900333", "07700 900777", "Minh Anh", "Lan sang"] {
            assert!(!archive.contains(gone), "{gone} came back");
        }
        let (list, _) = laptop.ok(&["conflicts"]);
        assert!(list.contains("nothing waits"), "the erased details are not kept as a conflict: {list}");
    }
    assert_eq!(a.export(), b.export());
}

#[test]
fn a_damaged_bundle_a_wrong_passphrase_or_a_newer_bundle_change_nothing() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    a.import("attendance", work.path(), "a.csv", "date,group,parent_name,baby_name\n19/11/2026,Central,محمد,Yusuf\n");
    let good = a.bundle(&work.path().join("good.tbb"));
    let before = b.export();
    let refuse = |file: &Path, extra: &[&str], words: &str| {
        let mut args = vec!["merge", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        let err = b.fails(&args);
        assert!(err.contains(words), "{err}");
        assert_eq!(b.export(), before, "the store is exactly as before");
    };
    // Damaged: one byte changed in the middle.
    let mut bytes = std::fs::read(&good).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let damaged = work.path().join("damaged.tbb");
    std::fs::write(&damaged, &bytes).unwrap();
    refuse(&damaged, &[], "bundle");
    // Cut short.
    let short = work.path().join("short.tbb");
    std::fs::write(&short, &std::fs::read(&good).unwrap()[..mid]).unwrap();
    refuse(&short, &[], "bundle");
    // Another passphrase.
    let other = work.path().join("other-pass");
    std::fs::write(&other, "not the passphrase it was sealed with\n").unwrap();
    refuse(&good, &["--bundle-passphrase-file", other.to_str().unwrap()], "does not open with this passphrase");
    // From a newer thinkbaby.
    let newer = work.path().join("newer.tbb");
    {
        let file = std::fs::File::create(&newer).unwrap();
        let mut w = ::age::Encryptor::with_user_passphrase(PASSPHRASE.into()).wrap_output(file).unwrap();
        use std::io::Write;
        w.write_all(br#"{"format":"thinkbaby-bundle","version":7,"schema":9,"device":"01a22490-a815-71de-b35f-b294fbc56eed","written":"2030-01-01T10:00:00.000Z"}"#).unwrap();
        w.write_all(b"\n").unwrap();
        w.finish().unwrap();
    }
    refuse(&newer, &[], "newer thinkbaby");
    refuse(&work.path().join("no-such.tbb"), &[], "there is no file");
}

#[test]
fn a_bundle_from_a_laptop_whose_clock_is_ahead_is_merged_and_the_difference_said() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let ahead = work.path().join("ahead.tbb");
    {
        let store = a.open();
        thinkbaby::store::bundle::write(&store, &ahead, PASSPHRASE.into(), Utc::now() + Duration::minutes(47)).unwrap();
    }
    let said = b.merge(&ahead);
    assert!(
        said.contains("clock is at least 46 minutes ahead") || said.contains("clock is at least 47 minutes ahead"),
        "{said}"
    );
}

#[cfg(unix)]
#[test]
fn sigkill_during_a_merge_leaves_the_store_as_before_or_merged() {
    let work = tempdir();
    let (a, b) = two_laptops(work.path());
    let mut sheet = String::from("date,group,parent_name,baby_name\n");
    for week in 0..30 {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::weeks(week);
        for (p, baby) in [("Zoë Clarke", "Ava"), ("Łucja Nowak", "Zofia"), ("محمد", "Yusuf")] {
            sheet.push_str(&format!("{},Central,{p},{baby}\n", d.format("%d/%m/%Y")));
        }
    }
    a.import("attendance", work.path(), "sheet.csv", &sheet);
    let bundle = a.bundle(&work.path().join("big.tbb"));
    let before = b.export();
    let merged = {
        let c = Laptop::new(work.path(), "c");
        c.merge(&a.bundle(&work.path().join("c-setup.tbb")));
        c.export()
    };
    let seed = fastrand::u64(..);
    eprintln!("random seed {seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    for round in 0..5 {
        let mut child = {
            let _spawning = spawning();
            b.command(&["merge", bundle.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap()
        };
        std::thread::sleep(std::time::Duration::from_micros(rng.u64(0..1_500_000)));
        let _ = child.kill();
        let _ = child.wait();
        let now = b.export();
        assert!(now == before || now == merged, "round {round}: neither the old store nor the merged one");
        if now == merged {
            break;
        }
    }
}
