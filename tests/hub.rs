//! The centre's hub on a real PostgreSQL server (a throwaway cluster per
//! test, see `support/postgres.rs`): laptops set up from it and converging
//! through it, the evaluation tables, what a `pg_dump` shows, erasure
//! reaching it, and its faults, all through the real binary.

mod support;

use chrono::{Duration, TimeZone, Utc};
use std::process::Stdio;
use support::laptop::{Laptop, family_named, revision};
use support::process::spawning;
use thinkbaby::domain::*;
use thinkbaby::store::check;

const NAMES: [&str; 6] = ["Zoë Clarke", "Łucja Nowak", "Nguyễn Thị Lan", "محمد", "সাদিয়া", "李娜"];

const ROSTER: &str = "parent_name,parent_phone,baby_name,baby_dob,postcode,home_language,alerts,group\n\
Zoë Clarke,07700 900111,Ava,02/05/2026,LU3 1HB,English,,Central\n\
Łucja Nowak,07700 900222,Zofia,14/07/2026,LU1 2TW,Polish,,Central\n\
Nguyễn Thị Lan,07700 900333,Minh Anh,01/03/2026,LU4 9AB,Vietnamese,,Central\n\
محمد,07700 900444,Yusuf,20/08/2026,LU1 1AA,Arabic,,Central\n\
সাদিয়া,07700 900555,Rafi,10/06/2026,LU2 0NX,Bengali,,Central\n\
李娜,07700 900666,Yichen,05/04/2026,LU3 2CD,Mandarin,Allergy: peanuts,Central\n";

fn sheet(date: &str, who: &[(&str, &str)]) -> String {
    let mut s = String::from("date,group,parent_name,baby_name\n");
    for (p, b) in who {
        s.push_str(&format!("{date},Central,{p},{b}\n"));
    }
    s
}

fn work() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("thinkbaby-hub-").tempdir().unwrap()
}

#[test]
fn a_new_laptop_is_set_up_from_the_hub_and_three_laptops_converge() {
    let Some(pg) = support::postgres::Cluster::start() else { return };
    let hub = pg.database("centre");
    let work = work();
    let a = Laptop::new(work.path(), "a");
    a.import("roster", work.path(), "roster.csv", ROSTER);
    let said = a.sync(&hub);
    assert!(said.contains("synced with"), "{said}");
    // B: a new laptop, set up from the hub alone.
    let b = Laptop::new(work.path(), "b");
    b.sync(&hub);
    assert_eq!(a.export(), b.export(), "the new laptop holds what the first holds");
    let c = Laptop::new(work.path(), "c");
    c.sync(&hub);
    // Each makes its own changes, then they sync in turn, twice round.
    a.import("attendance", work.path(), "a.csv", &sheet("19/11/2026", &[("Zoë Clarke", "Ava"), ("李娜", "Yichen")]));
    b.import("attendance", work.path(), "b.csv", &sheet("19/11/2026", &[("Zoë Clarke", "Ava"), ("محمد", "Yusuf")]));
    c.import("attendance", work.path(), "c.csv", &sheet("12/11/2026", &[("Łucja Nowak", "Zofia")]));
    for _ in 0..2 {
        for l in [&c, &a, &b] {
            l.sync(&hub);
        }
    }
    let ea = a.export();
    assert_eq!(ea, b.export());
    assert_eq!(ea, c.export());
    let store = a.open();
    let zoe = family_named(&store, "Zoë Clarke");
    assert_eq!(store.attendance_of_family(zoe.id).unwrap().len(), 1, "one attendance from two laptops");
    drop(store);
    // A sync with nothing new changes nothing.
    let again = a.sync(&hub);
    assert!(again.contains("nothing new"), "{again}");
    assert_eq!(a.export(), ea);
}

#[test]
fn the_hub_holds_no_name_and_its_evaluation_tables_match_the_pseudonymised_exports() {
    let Some(pg) = support::postgres::Cluster::start() else { return };
    let hub = pg.database("centre");
    let work = work();
    let a = Laptop::new(work.path(), "a");
    a.import("roster", work.path(), "roster.csv", ROSTER);
    let everyone: Vec<(&str, &str)> =
        vec![("Zoë Clarke", "Ava"), ("Łucja Nowak", "Zofia"), ("محمد", "Yusuf"), ("李娜", "Yichen")];
    a.import("attendance", work.path(), "s1.csv", &sheet("12/11/2026", &everyone));
    a.import("attendance", work.path(), "s2.csv", &sheet("19/11/2026", &everyone[..2]));
    {
        let store = a.open();
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 30, 0).unwrap();
        let f = family_named(&store, "Łucja Nowak");
        let s = store.session_on(store.group_named("Central").unwrap().unwrap().id, t.date_naive()).unwrap().unwrap();
        let mut rev = revision(t, "Łucja sang to Zofia", Concern::FollowUp);
        rev.tags = vec!["responds-to-cues".into(), "floor-play".into()];
        rev.follow_up = "Ask about the wellbeing group".into();
        store.save_observation(&Observation::new(new_id(t), f.id, s.id, rev, store.device())).unwrap();
    }
    a.sync(&hub);
    let dump = pg.dump("centre");
    for name in NAMES.iter().chain(["07700 900111", "LU3 1HB", "peanuts", "sang to Zofia", "wellbeing"].iter()) {
        assert!(!dump.windows(name.len()).any(|w| w == name.as_bytes()), "pg_dump shows {name:?}");
    }
    let count = |table: &str| pg.sql("centre", &format!("SELECT count(*) FROM evaluation.{table}"));
    for (table, what) in [("attendance", "attendance"), ("observations", "observations"), ("families", "families")] {
        let (csv, _) = a.ok(&["export", what, "--format", "csv", "--pseudonymise"]);
        let rows = csv.lines().count() - 1;
        assert_eq!(count(table), rows.to_string(), "evaluation.{table} against the pseudonymised export");
    }
    // The same pseudonyms as the export.
    let (csv, _) = a.ok(&["export", "families", "--format", "csv", "--pseudonymise"]);
    let first = csv.lines().nth(1).unwrap().split(',').next().unwrap().trim_start_matches('\u{feff}').to_string();
    assert_eq!(pg.sql("centre", &format!("SELECT count(*) FROM evaluation.families WHERE family = '{first}'")), "1");
}

#[test]
fn an_erasure_reaches_the_hub_and_every_laptop() {
    let Some(pg) = support::postgres::Cluster::start() else { return };
    let hub = pg.database("centre");
    let work = work();
    let a = Laptop::new(work.path(), "a");
    a.import("roster", work.path(), "roster.csv", ROSTER);
    a.import("attendance", work.path(), "s.csv", &sheet("12/11/2026", &[("Nguyễn Thị Lan", "Minh Anh")]));
    {
        let store = a.open();
        let t = Utc.with_ymd_and_hms(2026, 11, 12, 10, 30, 0).unwrap();
        let f = family_named(&store, "Nguyễn Thị Lan");
        let s = store.session_on(store.group_named("Central").unwrap().unwrap().id, t.date_naive()).unwrap().unwrap();
        let rev = revision(t, "Lan sang to Minh Anh", Concern::None);

        store.save_observation(&Observation::new(new_id(t), f.id, s.id, rev, store.device())).unwrap();
    }
    a.sync(&hub);
    let b = Laptop::new(work.path(), "b");
    b.sync(&hub);
    let sealed_before =
        pg.sql("centre", "SELECT string_agg(encode(sealed, 'hex'), ',' ORDER BY ref) FROM thinkbaby.items");
    let lan = family_named(&a.open(), "Nguyễn Thị Lan").id;
    a.ok(&["erase", &lan.to_string(), "--reason", "asked to be forgotten"]);
    a.sync(&hub);
    // The family's old sealed values are replaced on the hub: none of them stands.
    let after = pg.sql("centre", "SELECT string_agg(encode(sealed, 'hex'), ',' ORDER BY ref) FROM thinkbaby.items");
    let old: std::collections::HashSet<&str> = sealed_before.split(',').collect();
    let changed = after.split(',').filter(|v| !old.contains(v)).count();
    assert_eq!(changed, 2, "the family and its visit (the note's words gone) are sealed anew");
    assert_eq!(after.split(',').count(), sealed_before.split(',').count(), "the erased record itself stays");
    let said = b.sync(&hub);
    assert!(said.contains("erased on the other laptop") || said.contains("erased"), "{said}");
    for l in [&a, &b] {
        let archive = l.export();
        assert!(!archive.contains("Nguyễn Thị Lan") && !archive.contains("Minh Anh"), "erased everywhere");
    }
    assert_eq!(a.export(), b.export());
    assert_eq!(pg.sql("centre", "SELECT count(*) FROM evaluation.attendance"), "1", "the attendance still counts");
}

#[test]
fn a_hub_that_is_down_refuses_the_login_or_is_newer_leaves_the_laptop_as_it_was() {
    let Some(pg) = support::postgres::Cluster::start() else { return };
    let hub = pg.database("centre");
    let work = work();
    let a = Laptop::new(work.path(), "a");
    a.import("roster", work.path(), "roster.csv", ROSTER);
    let before = a.export();
    let fails = |conn: &str, words: &str| {
        let err = a.fails(&["sync", "--hub", conn]);
        assert!(err.contains(words), "{err}");
        assert_eq!(a.export(), before, "the laptop's store is exactly as before");
    };
    let nowhere = work.path().join("no-server-here");
    std::fs::create_dir_all(&nowhere).unwrap();
    fails(&format!("host={} user=postgres dbname=centre", nowhere.display()), "cannot reach the hub");
    fails(&format!("host={} user=nobody dbname=centre", pg.socket()), "refused the login");
    fails(&format!("postgresql://postgres:secret@{}/centre", "%2Fno%2Fsuch%2Fplace"), "cannot reach the hub");
    a.sync(&hub);
    let synced = a.export();
    pg.sql("centre", "UPDATE thinkbaby.meta SET value = convert_to('99', 'UTF8') WHERE name = 'format'");
    let out = a.run(&["sync", "--hub", &hub]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("newer thinkbaby"), "{err}");
    assert_eq!(a.export(), synced);
}

#[cfg(unix)]
#[test]
fn sigkill_mid_sync_leaves_both_whole_and_two_at_once_converge() {
    let Some(pg) = support::postgres::Cluster::start() else { return };
    let hub = pg.database("centre");
    let work = work();
    let a = Laptop::new(work.path(), "a");
    a.import("roster", work.path(), "roster.csv", ROSTER);
    let mut big = String::from("date,group,parent_name,baby_name\n");
    for week in 0..40 {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::weeks(week);
        for (p, b) in [("Zoë Clarke", "Ava"), ("محمد", "Yusuf"), ("李娜", "Yichen")] {
            big.push_str(&format!("{},Central,{p},{b}\n", d.format("%d/%m/%Y")));
        }
    }
    a.import("attendance", work.path(), "big.csv", &big);
    let before = a.export();
    let mut rng = fastrand::Rng::new();
    for _ in 0..4 {
        let mut child = {
            let _spawning = spawning();
            a.command(&["sync", "--hub", &hub]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap()
        };
        std::thread::sleep(std::time::Duration::from_micros(rng.u64(0..2_000_000)));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(a.export(), before, "a sync changes nothing the laptop holds here");
        assert!(check::run(&a.open()).unwrap().ok());
    }
    // Whatever the kills left on the hub is whole: one more sync, and a new
    // laptop set up from the hub holds exactly what A holds.
    a.sync(&hub);
    let c = Laptop::new(work.path(), "c");
    c.sync(&hub);
    assert_eq!(c.export(), before);
    // Two laptops at the same moment: both finish, and one more sync each converges them.
    let b = Laptop::new(work.path(), "b");
    b.import("roster", work.path(), "roster-b.csv", ROSTER);
    let (ca, cb) = {
        let _spawning = spawning();
        (a.command(&["sync", "--hub", &hub]).spawn().unwrap(), b.command(&["sync", "--hub", &hub]).spawn().unwrap())
    };
    assert!(ca.wait_with_output().unwrap().status.success());
    assert!(cb.wait_with_output().unwrap().status.success());
    a.sync(&hub);
    b.sync(&hub);
    assert_eq!(a.export(), b.export());
}

/// The hub over the network: TLS (rustls), the server's certificate checked
/// against the centre's own CA; without that CA the sync is refused plainly.
#[test]
fn a_hub_on_the_network_is_reached_over_tls() {
    let port = 20_000 + (std::process::id() % 20_000) as u16;
    let Some(pg) = support::postgres::Cluster::start_tls(port) else { return };
    pg.database("centre");
    let work = work();
    let a = Laptop::new(work.path(), "a");
    a.import("roster", work.path(), "roster.csv", ROSTER);
    let conn = |root: &str| format!("host=localhost port={port} user=postgres dbname=centre sslmode=verify-full{root}");
    let err = a.fails(&["sync", "--hub", &conn("")]);
    assert!(err.contains("cannot reach the hub at localhost"), "an unknown CA is refused: {err}");
    let said = a.sync(&conn(&format!(" sslrootcert={}", pg.ca().display())));
    assert!(said.contains("synced with localhost"), "{said}");
    let b = Laptop::new(work.path(), "b");
    b.sync(&format!(
        "postgresql://postgres@localhost:{port}/centre?sslmode=verify-full&sslrootcert={}",
        pg.ca().display()
    ));
    assert_eq!(a.export(), b.export());
}
