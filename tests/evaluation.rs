//! Pseudonymised files as an evaluator receives them, from the real binary on
//! the demo's families and eight weeks of history: no exact dates, no authors
//! or free text, no category that fewer than 5 families share, a report that
//! names no rare category, and an erased family's rows under a new pseudonym.

mod support;

use std::path::Path;
use std::process::Command;
use support::process::{run, settle, tempdir};
use thinkbaby::clock::FixedClock;
use thinkbaby::report::Pseudonymiser;
use thinkbaby::store::{Store, Unlock};

const PASSPHRASE: &str = "orchard lantern kettle bobbin";

fn unlock() -> Unlock {
    Unlock::Passphrase(PASSPHRASE.into())
}

fn thinkbaby(dir: &Path) -> Command {
    support::process::thinkbaby(dir, PASSPHRASE)
}

fn stdout(c: &mut Command) -> String {
    let out = run(c);
    assert!(out.status.success(), "{c:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Rows of a CSV, header first.
fn table(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn column<'a>(t: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = t[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", t[0]));
    t[1..].iter().map(|r| r[i].as_str()).collect()
}

/// The three pseudonymised tables.
fn exports(dir: &Path) -> [Vec<Vec<String>>; 3] {
    ["attendance", "observations", "families"]
        .map(|what| table(&stdout(thinkbaby(dir).args(["export", what, "--format", "csv", "--pseudonymise"]))))
}

fn looks_like_a_date(cell: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let uk: Vec<&str> = cell.split('/').collect();
    let iso: Vec<&str> = cell.split('-').collect();
    (uk.len() == 3 && uk.iter().all(|p| digits(p))) || (iso.len() == 3 && iso.iter().all(|p| digits(p)))
}

fn is_iso_week(cell: &str) -> bool {
    let b = cell.as_bytes();
    b.len() == 8 && b[4] == b'-' && b[5] == b'W' && cell[..4].parse::<u32>().is_ok() && cell[6..].parse::<u32>().is_ok()
}

#[test]
fn pseudonymised_files_hold_weeks_no_authors_or_text_and_no_rare_category() {
    let dir = tempdir();
    let store = Store::open_with(dir.path(), unlock()).unwrap();
    thinkbaby::cli::demo::fill(&store, &FixedClock::at(2026, 11, 26, 8, 30)).unwrap();
    let families = store.families().unwrap();
    let pseudo = Pseudonymiser::of_store(&store).unwrap();
    drop(store);
    settle();

    let [attendance, observations, fams] = exports(dir.path());
    assert!(attendance.len() > 50 && observations.len() > 5 && fams.len() > 20);
    for t in [&attendance, &observations, &fams] {
        for head in ["date", "time", "time_in", "author", "baby_age_weeks", "note", "follow_up", "family_id"] {
            assert!(!t[0].iter().any(|h| h == head), "a pseudonymised file has the column {head}: {:?}", t[0]);
        }
        for row in &t[1..] {
            for cell in row {
                assert!(!looks_like_a_date(cell), "an exact date: {cell:?} in {row:?}");
            }
        }
    }
    for week in column(&attendance, "week").into_iter().chain(column(&observations, "week")) {
        assert!(is_iso_week(week), "{week}");
    }
    assert!(column(&fams, "first_attendance").iter().all(|w| w.is_empty() || is_iso_week(w)));
    assert!(column(&fams, "baby_age_weeks_at_first_attendance").iter().any(|a| !a.is_empty()));

    // Every category shown by name is shared by at least 5 families in its file.
    for name in [
        "babies",
        "postcode_district",
        "neighbourhood",
        "home_language",
        "interpreter",
        "referral_route",
        "hv_level",
        "need_level",
        "eha",
        "groups",
    ] {
        let values = column(&fams, name);
        for v in &values {
            let n = values.iter().filter(|w| *w == v).count();
            assert!(v.is_empty() || *v == "Other" || n >= 5, "{name} {v:?} is shared by {n} families");
        }
    }
    let languages = column(&fams, "home_language");
    assert!(languages.contains(&"Other") && languages.contains(&"English"), "{languages:?}");
    let mut districts: Vec<(&str, &str)> =
        column(&attendance, "family").into_iter().zip(column(&attendance, "postcode_district")).collect();
    districts.sort();
    districts.dedup();
    for (_, d) in &districts {
        let n = districts.iter().filter(|(_, e)| e == d).count();
        assert!(d.is_empty() || *d == "Other" || n >= 5, "district {d} is shared by {n} families");
    }

    // The report folds the rare categories instead of naming them.
    let report = table(&stdout(thinkbaby(dir.path()).args(["report", "--pseudonymise", "--format", "csv"])));
    let everything: Vec<&String> =
        [&attendance, &observations, &fams, &report].into_iter().flat_map(|t| t.iter().flatten()).collect();
    for rare in ["Tigrinya", "Twi", "Dari", "Gujarati", "Vietnamese", "Somali", "Bengali (Sylheti)", "Mandarin"] {
        assert!(!everything.iter().any(|c| c.contains(rare)), "{rare} is named");
    }
    let languages: Vec<&Vec<String>> = report.iter().filter(|r| r[0] == "Home languages (families)").collect();
    assert!(languages.iter().any(|r| r[1] == "Other (<5)"), "{languages:?}");
    for r in &languages {
        assert!(r[2] != "<5" || r[1] == "Other (<5)" || r[1] == "Interpreter needed", "{r:?}");
    }

    // An erased family: its rows stay, under a pseudonym no earlier file has.
    let shown = column(&attendance, "family");
    let most = families.iter().max_by_key(|f| shown.iter().filter(|p| **p == pseudo.family(f.id)).count()).unwrap();
    let before = pseudo.family(most.id);
    let rows = shown.iter().filter(|p| **p == before).count();
    assert!(rows > 1);
    let out = run(thinkbaby(dir.path()).args([
        "erase",
        &most.id.to_string(),
        "--reason",
        "asked",
        "--override-safeguarding",
    ]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let [after_attendance, after_observations, after_fams] = exports(dir.path());
    for t in [&after_attendance, &after_observations, &after_fams] {
        assert!(!t.iter().flatten().any(|c| *c == before), "the old pseudonym links the erased family");
    }
    let earlier: Vec<&str> = shown.clone();
    let now = column(&after_attendance, "family");
    let fresh: Vec<&&str> = now.iter().filter(|p| !earlier.contains(p)).collect();
    assert_eq!(fresh.len(), rows, "the erased family's rows, under one new pseudonym");
    assert!(fresh.iter().all(|p| p == &fresh[0]));
    assert_eq!(after_fams.len(), fams.len());
}
