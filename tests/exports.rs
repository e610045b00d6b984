//! Exports for Excel and the evaluation, and the attendance import, on the
//! reports' fixture (`tests/report.rs` has its table) and the demo.

mod support;

use chrono::Duration;
use std::path::Path;
use support::figures::*;
use support::process::tempdir;
use thinkbaby::domain::*;
use thinkbaby::import::roster;
use thinkbaby::report::Pseudonymiser;

fn export(dir: &Path, args: &[&str]) -> String {
    let out = thinkbaby().unwrap().arg("--data-dir").arg(dir).arg("export").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(body.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect()
}

#[test]
fn csv_exports_for_excel() {
    let dir = tempdir();
    build(dir.path());
    let range = ["--format", "csv", "--group", "Blenheim Crescent", "--from", "07/09/2026", "--to", "05/10/2026"];
    let text = export(dir.path(), &[&["attendance"][..], &range[..]].concat());
    assert!(text.contains("\r\n"));
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 1 + 13);
    assert_eq!(rows[0][..4], ["date", "group", "family_id", "parents_present"]);
    // Sorted by date: the first three rows are S1's; Łucja and Piotr came together.
    assert_eq!(rows[1][0], "07/09/2026");
    let nowak = rows.iter().find(|r| r[3] == "Łucja Nowak & Piotr Nowak").unwrap();
    // Zofia's age from her birth, not her corrected age (23 weeks).
    assert_eq!(nowak[5..10], ["2", "1", "no", "yes", "31"]);
    let twins = rows.iter().find(|r| r[4] == "Minh & Anh").unwrap();
    assert_eq!(twins[9], "27; 27");

    let rows = parse_csv(&export(dir.path(), &[&["observations"][..], &range[..]].concat()));
    assert_eq!(rows.len(), 1 + 5);
    let head = &rows[0];
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let o2 = rows.iter().find(|r| r[col("concern")] == "Follow up").unwrap();
    // A note that starts like a formula is defused; quotes, commas and line breaks survive.
    assert_eq!(o2[col("note")], "'=cmd|' /C calc'!A0");
    assert_eq!(o2[col("follow_up")], "Call about, \"sleep\" clinic\nnext week");
    assert_eq!(o2[col("tags")], "Misses cues; Intrusive / over-directing; Signposted to a service");

    // The Gallery, all dates: F5, F6, F7 came; F7's name is cleaned and quoted.
    let text = export(dir.path(), &["families", "--format", "csv", "--group", "the gallery"]);
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 1 + 3);
    let eve = rows.iter().find(|r| r[1].starts_with("Eve")).unwrap();
    assert_eq!(eve[1], "Eve\u{FFFD}[2J O'Brien, Smith");
    assert_eq!(eve[3], "'=SUM(A1)");
    assert_eq!(eve[4], "01/06/2026");
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn export_arguments_that_do_not_go_together() {
    let dir = tempdir();
    build(dir.path());
    let run = |args: &[&str]| {
        thinkbaby().unwrap().arg("--data-dir").arg(dir.path()).arg("export").args(args).output().unwrap()
    };
    let out = run(&["--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("attendance|observations|families"));
    let out = run(&["attendance", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--pseudonymise"]);
    assert_eq!(out.status.code(), Some(2));
    // The archive still works as before, with or without --format jsonl.
    for args in [&["--format", "jsonl"][..], &[][..]] {
        let out = run(args);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("{\"format\":\"thinkbaby-archive\""), "{text}");
    }
    // Without --format, a table is CSV.
    let out = run(&["families"]);
    assert!(String::from_utf8(out.stdout).unwrap().starts_with("\u{feff}family_id,"));
}

/// The demo roster, with every family at two sessions and a note each.
fn demo_store(dir: &Path) -> (Vec<Family>, Vec<String>) {
    let store = open_store(dir).unwrap();
    let today = day(2026, 11, 26);
    let now = at(today, 9, 0);
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/roster.csv")).unwrap();
    roster::import(&store, &bytes, None, now, today).unwrap();
    let families = store.families().unwrap();
    let groups = store.groups().unwrap();
    let mut notes = Vec::new();
    for (w, date) in [day(2026, 11, 12), day(2026, 11, 19)].into_iter().enumerate() {
        for g in &groups {
            let s = store.open_session(g.id, date, "JH", now).unwrap();
            for (i, f) in families.iter().filter(|f| f.groups.contains(&g.id)).enumerate() {
                store.check_in(&s, f, "JH", now).unwrap();
                let text = format!("Note {w}-{i}: {} and {} shared a lovely song", f.first_carer(), f.babies[0].name);
                let mut o = note(0, 0, "S0", &["talks-sings", "signposted"], Concern::FollowUp, &text);
                o.id = new_id(now + Duration::seconds((w * 100 + i) as i64));
                o.family = f.id;
                o.session = s.id;
                o.revisions[0].baby = Some(f.babies[0].id);
                o.revisions[0].follow_up = format!("Follow-up {w}-{i} for {}", f.first_carer());
                store.save_observation(&o).unwrap();
                notes.push(text);
            }
        }
    }
    (families, notes)
}

#[test]
fn pseudonymised_exports_of_the_demo_hold_nothing_that_names_anyone() {
    let dir = tempdir();
    let (families, notes) = demo_store(dir.path());
    let mut all = String::new();
    for what in ["attendance", "observations", "families"] {
        all.push_str(&export(dir.path(), &[what, "--format", "csv", "--pseudonymise"]));
    }
    let report = thinkbaby()
        .unwrap()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["report", "--pseudonymise", "--format", "csv"])
        .output()
        .unwrap();
    all.push_str(&String::from_utf8(report.stdout).unwrap());

    let roster = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/roster.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(roster.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let mut checked = 0;
    for row in rows.records() {
        let row = row.unwrap();
        let mut secrets: Vec<String> = vec![row[col("parent_name")].to_string(), row[col("baby_name")].to_string()];
        let phone = &row[col("parent_phone")];
        secrets.push(phone.to_string());
        secrets.push(phone.chars().filter(char::is_ascii_digit).collect());
        let postcode = &row[col("postcode")];
        if !postcode.is_empty() {
            secrets.push(postcode.to_string());
            secrets.push(postcode.replace(' ', ""));
        }
        let dob = thinkbaby::clock::parse_date(&row[col("baby_dob")]).unwrap();
        secrets.push(dob.format("%d/%m/%Y").to_string());
        secrets.push(dob.format("%Y-%m-%d").to_string());
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            assert!(!all.contains(s.as_str()), "a pseudonymised export holds {s:?}");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} values searched");
    for f in &families {
        for a in &f.alerts {
            assert!(!all.contains(&a.text));
        }
    }
    assert_eq!(notes.len(), 2 * families.len());
    for n in &notes {
        assert!(!all.contains(n.as_str()), "a pseudonymised export holds the note {n:?}");
        assert!(!all.contains(&n[..9]), "a pseudonymised export holds part of {n:?}");
    }
    assert!(!all.contains("Follow-up"));
    assert!(!all.contains("LU1 "), "a full postcode");

    // The same family has the same pseudonym in two exports made apart.
    let first = export(dir.path(), &["attendance", "--format", "csv", "--pseudonymise", "--to", "12/11/2026"]);
    let families_csv = export(dir.path(), &["families", "--format", "csv", "--pseudonymise"]);
    let ayesha = families.iter().find(|f| f.first_carer() == "Ayesha Khan").unwrap();
    let store = open_store(dir.path()).unwrap();
    let pseudonym = Pseudonymiser::of_store(&store).unwrap().family(ayesha.id);
    drop(store);
    assert!(first.contains(&pseudonym), "{first}");
    assert!(families_csv.contains(&pseudonym));
    assert!(all.contains(&pseudonym));
    // Ayesha's row in the families export: postcode district only, two sessions.
    let row = parse_csv(&families_csv).into_iter().find(|r| r[0] == pseudonym).unwrap();
    assert_eq!(row[2], "LU1");
    assert_eq!(row.last().unwrap(), "2");
}

const SHEET_HEAD: &str = "\u{feff}Date,Group,Parent_Name,Baby_Name,Time_In,Parent_Phone\r\n";

fn import_sheet(dir: &Path, sheet: &str) -> std::process::Output {
    let file = dir.join("sheet.csv");
    std::fs::write(&file, sheet).unwrap();
    let data = dir.join("store");
    thinkbaby().unwrap().arg("--data-dir").arg(&data).args(["import", "attendance"]).arg(&file).output().unwrap()
}

/// The fixture plus a second "Amina Begum" with a baby called Aisha, twice.
fn import_fixture(dir: &Path) {
    build(&dir.join("store"));
    let store = open_store(&dir.join("store")).unwrap();
    for (n, phone) in [(8, "07700 900008"), (9, "07700 900009")] {
        store
            .save_family(&family(F {
                n,
                carers: &["Amina Begum"],
                phone,
                babies: &[("Aisha", day(2026, 7, 1))],
                weeks_early: 0,
                route: ReferralRoute::DropIn,
                hv: HvLevel::Unknown,
                language: "",
                interpreter: false,
                eha: false,
                postcode: "",
                hood: None,
                groups: &[G1],
            }))
            .unwrap();
    }
}

/// A sheet with a known family (line 2), an unknown one (line 3), an ambiguous
/// one (line 4) and one told apart by its phone (line 5), then a blank row.
fn unknown_and_ambiguous(line_end: &str) {
    let dir = tempdir();
    import_fixture(dir.path());
    let before = open_store(&dir.path().join("store")).unwrap().all_attendance().unwrap().len();
    let rows = [
        "\u{feff}Date,Group,Parent_Name,Baby_Name,Time_In,Parent_Phone",
        "12/10/2026,Blenheim Crescent,Zoë Adams,Ava,10:05,",
        "12/10/2026,Blenheim Crescent,Nobody Known,Baby,,",
        "12/10/2026,Blenheim Crescent,amina begum,aisha,,",
        "12/10/2026,Blenheim Crescent,Amina Begum,Aisha,,07700 900009",
        "",
    ];
    let out = import_sheet(dir.path(), &(rows.join(line_end) + line_end));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 wrong rows; nothing was imported"), "{err}");
    assert!(err.contains("line 3: no family has a parent named \"Nobody Known\""), "{err}");
    assert!(err.contains("line 4: 2 families have a parent named \"amina begum\""), "{err}");
    assert!(!err.contains("line 2:") && !err.contains("line 5:"), "{err}");
    let store = open_store(&dir.path().join("store")).unwrap();
    assert_eq!(store.all_attendance().unwrap().len(), before);
    assert!(store.session_on(G1, day(2026, 10, 12)).unwrap().is_none());
}

#[test]
fn attendance_sheet_with_an_unknown_and_an_ambiguous_family_imports_nothing() {
    unknown_and_ambiguous("\n");
}

/// Excel writes CRLF. `import::table` takes line numbers from the csv crate's
/// `Position::line`, which is one short after a CRLF (BurntSushi/rust-csv#395),
/// so both the roster and the attendance import name the line above the wrong row.
#[test]
fn attendance_sheet_from_excel_names_the_lines_excel_shows() {
    unknown_and_ambiguous("\r\n");
}

#[test]
fn attendance_sheet_matches_names_without_accents_and_phones_in_any_form() {
    let dir = tempdir();
    import_fixture(dir.path());
    let sheet = format!(
        "{SHEET_HEAD}12/10/2026,blenheim crescent,ZOE ADAMS,ava,10:05,\r\n\
         12/10/2026,Blenheim Crescent,Nguyen Thi Lan,Minh,10:10,\r\n\
         2026-10-12,Blenheim Crescent,nguyen thi lan,ANH,10:07,\r\n\
         12/10/2026,Blenheim Crescent,Amina Begum,Aisha,,+44 7700 900009\r\n\
         14/09/2026,Blenheim Crescent,Zoe Adams,Ava,,\r\n"
    );
    let out = import_sheet(dir.path(), &sheet);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    // Zoë was already checked in on 14/09 (S2): left as it was.
    assert!(said.contains("added 3 attendances and 1 session"), "{said}");
    assert!(said.contains("1 already recorded, left as it was"), "{said}");
    let store = open_store(&dir.path().join("store")).unwrap();
    let s = store.session_on(G1, day(2026, 10, 12)).unwrap().unwrap();
    let here = store.attendance_of_session(s.id).unwrap();
    assert_eq!(here.len(), 3);
    // The twins' two rows are one attendance, at the earlier time.
    let lan = here.iter().find(|a| a.family == fam(3)).unwrap();
    assert_eq!(lan.babies, [baby_id(3, 0), baby_id(3, 1)]);
    assert!(!lan.walk_in);
    assert!(here.iter().any(|a| a.family == fam(9)));
    drop(store);
    // A second import of the same sheet adds nothing.
    let out = import_sheet(dir.path(), &sheet);
    assert!(String::from_utf8_lossy(&out.stdout).contains("added 0 attendances and 0 sessions"));
}
