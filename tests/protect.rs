//! Data protection, as a facilitator and a thief would meet it: the real binary
//! with `THINKBABY_PASSPHRASE`, and the library on the same encrypted folders.
//! A wrong passphrase, `passwd`, no readable personal data on disk, a sealed
//! value moved to another record, erasure and purge, sealed backups, and escape
//! sequences in names. Each open derives the key (about half a second), so every
//! test opens as few times as it can.

mod support;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::laptop::every_file;
use support::process::{expect, settle, tempdir};
use thinkbaby::domain::tags::TagList;
use thinkbaby::domain::*;
use thinkbaby::import::roster;
use thinkbaby::report::{Filter, Records};
use thinkbaby::store::keys::{self, TreeId};
use thinkbaby::store::{Store, StoreError, Unlock, check};

const PASSPHRASE: &str = "a long test passphrase for protect";

fn thinkbaby(dir: &Path) -> Command {
    support::process::thinkbaby(dir, PASSPHRASE)
}

fn unlock() -> Unlock {
    Unlock::Passphrase(PASSPHRASE.into())
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The demo roster (`assets/demo/roster.csv`), its dates moved so the babies are
/// the ages the demo means on the real today (the program runs on the real clock).
fn demo_roster() -> Vec<u8> {
    thinkbaby::cli::demo::shifted_roster(today().signed_duration_since(thinkbaby::cli::demo::anchor())).unwrap()
}

/// Column `name` of every row of a roster.
fn column(csv_bytes: &[u8], name: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(csv_bytes);
    let at = r.headers().unwrap().iter().position(|h| h == name).unwrap();
    r.records().map(|row| row.unwrap().get(at).unwrap().to_string()).filter(|v| !v.is_empty()).collect()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A note written at session `s`.
fn note(s: &Session, f: &Family, text: &str, concern: Concern, at: DateTime<Utc>, device: uuid::Uuid) -> Observation {
    Observation {
        id: new_id(at),
        family: f.id,
        session: s.id,
        author: "AB".into(),
        at,
        revisions: vec![Revision {
            id: new_id(at),
            parents: vec![],
            tags: vec!["responds-to-cues".into()],
            text: text.into(),
            concern,
            follow_up: if concern == Concern::None { String::new() } else { format!("Follow-up for {text}") },
            baby: f.babies.first().map(|b| b.id),
            by: "AB".into(),
            at,
            why: String::new(),
        }],
        deleted: None,
        resolutions: vec![],
        stamp: Stamp::new(at, device),
        erased: None,
    }
}

fn family_named(store: &Store, carer: &str) -> Family {
    store.families().unwrap().into_iter().find(|f| f.carers.iter().any(|c| c.name == carer)).unwrap()
}

// ---------------------------------------------------------------------------

#[test]
fn a_wrong_passphrase_opens_nothing_and_passwd_changes_which_one_does() {
    let work = tempdir();
    let dir = work.path().join("data");
    let roster_file = write(work.path(), "roster.csv", demo_roster());
    expect(thinkbaby(&dir).args(["import", "roster"]).arg(&roster_file), 0);

    // A wrong passphrase: one plain line, status 1, and not a byte of the data.
    let (out, err) = expect(thinkbaby(&dir).env("THINKBABY_PASSPHRASE", "not the passphrase, sorry").arg("export"), 1);
    assert_eq!(err.trim(), "wrong passphrase");
    assert!(out.is_empty(), "{out}");
    // The library says the same, and the right passphrase still opens everything.
    match Store::open_with(&dir, Unlock::Passphrase("not the passphrase, sorry".into())) {
        Err(StoreError::WrongPassphrase) => {}
        other => panic!("expected a wrong passphrase, got {other:?}"),
    }

    // passwd: the new passphrase from a file; afterwards only it opens the store.
    const NEW: &str = "quite another passphrase now";
    let keyring_copy = |dir: &Path| match thinkbaby::store::layout::find(dir).unwrap() {
        thinkbaby::store::layout::Found::Store(folder, _) => folder.join("keyring"),
        other => panic!("no store in {}: {other:?}", dir.display()),
    };
    let old_copy = keyring_copy(&dir);
    let before = std::fs::read(&old_copy).expect("the keyring's copy beside the store");
    let new_file = write(work.path(), "new-passphrase", format!("{NEW}\n"));
    settle();
    let (_, said) = expect(thinkbaby(&dir).arg("passwd").arg("--new-passphrase-file").arg(&new_file), 0);
    assert!(said.contains("passphrase changed"), "{said}");
    let (out, err) = expect(thinkbaby(&dir).arg("export"), 1);
    assert_eq!(err.trim(), "wrong passphrase", "the old passphrase no longer opens the store");
    assert!(out.is_empty());
    let (out, _) = expect(
        thinkbaby(&dir).env_remove("THINKBABY_PASSPHRASE").arg("--passphrase-file").arg(&new_file).arg("export"),
        0,
    );
    assert!(out.contains("Ayesha Khan") && out.contains("Zainab"), "the new passphrase opens every record");

    // passwd rebuilt the store under a new data key in a new folder; the old
    // folder, with the old keyring, is gone. A stale copy (damaged, or put back
    // by hand) costs only time: the store's own keyring decides, and the copy is
    // brought up to date.
    let copy = keyring_copy(&dir);
    assert_ne!(copy, old_copy);
    assert!(!old_copy.exists(), "the old store's folder is deleted");
    let after = std::fs::read(&copy).unwrap();
    assert_ne!(after, before, "passwd updates the copy");
    std::fs::write(&copy, &before).unwrap();
    let (_, err) = expect(thinkbaby(&dir).arg("export"), 1);
    assert_eq!(err.trim(), "wrong passphrase", "a stale copy does not bring the old passphrase back");
    let (out, _) = expect(
        thinkbaby(&dir).env_remove("THINKBABY_PASSPHRASE").arg("--passphrase-file").arg(&new_file).arg("export"),
        0,
    );
    assert!(out.contains("Ayesha Khan"), "the new passphrase opens the store past a stale copy");
    assert_eq!(std::fs::read(&copy).unwrap(), after, "and the copy is brought up to date");
    std::fs::write(&copy, b"not a keyring").unwrap();
    expect(thinkbaby(&dir).env_remove("THINKBABY_PASSPHRASE").arg("--passphrase-file").arg(&new_file).arg("export"), 0);
}

/// Which of `needles` appear in any file under `dir`, as UTF-8, UTF-16LE or
/// UTF-16BE. One pass over each file, looking needles up by their first 4 bytes.
fn found_on_disk(dir: &Path, needles: &[String]) -> Vec<String> {
    let mut by_prefix: HashMap<[u8; 4], Vec<(Vec<u8>, String)>> = HashMap::new();
    for n in needles {
        let le: Vec<u8> = n.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = n.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for form in [n.as_bytes().to_vec(), le, be] {
            assert!(form.len() >= 4, "{n:?} is too short to look for");
            let key = [form[0], form[1], form[2], form[3]];
            by_prefix.entry(key).or_default().push((form, format!("{n:?}")));
        }
    }
    let mut found = Vec::new();
    for (path, bytes) in every_file(dir) {
        for i in 0..bytes.len().saturating_sub(4) {
            let key = [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]];
            if let Some(list) = by_prefix.get(&key) {
                for (form, name) in list {
                    if bytes[i..].starts_with(form) {
                        found.push(format!("{name} in {}", path.display()));
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Checks everyone in, and writes, edits and deletes notes, through the library.
fn group_day(store: &Store, day: NaiveDate, at: DateTime<Utc>, notes: &[(&str, &str, Concern)]) -> Session {
    let group = store.groups().unwrap().into_iter().next().unwrap();
    let session = store.open_session(group.id, day, "AB", at).unwrap();
    for f in store.families().unwrap() {
        store.check_in(&session, &f, "AB", at).unwrap();
    }
    for (carer, text, concern) in notes {
        let f = family_named(store, carer);
        store.save_observation(&note(&session, &f, text, *concern, at, store.device())).unwrap();
    }
    session
}

#[test]
fn no_name_phone_postcode_or_note_text_can_be_read_on_disk() {
    let work = tempdir();
    let dir = work.path().join("data");
    let roster_bytes = demo_roster();
    let roster_file = write(work.path(), "roster.csv", &roster_bytes);
    expect(thinkbaby(&dir).args(["import", "roster"]).arg(&roster_file), 0);

    let notes: &[(&str, &str, Concern)] = &[
        ("Ayesha Khan", "Sang to Zainab throughout the rhyme time", Concern::None),
        ("Łucja Nowak", "Mum tearful, said she is not sleeping", Concern::FollowUp),
        ("Sophie Clarke", "Bruise on the left arm, explanation unclear", Concern::Safeguarding),
    ];
    let now = Utc::now();
    {
        let store = Store::open_with(&dir, unlock()).unwrap();
        store.set_actor("AB");
        let session = group_day(&store, today(), now, notes);
        // An edit keeps the earlier text (and its reason); a deletion keeps a tombstone.
        let f = family_named(&store, "Ayesha Khan");
        let mut o = store.observations_at(f.id, session.id).unwrap().remove(0);
        let mut rev = o.current().clone();
        rev.text = "Sang to Zainab, who babbled back every time".into();
        rev.why = "Added what Zainab did".into();
        o.revise(rev, store.device());
        store.save_observation(&o).unwrap();
        let f = family_named(&store, "Łucja Nowak");
        let mut o = store.observations_at(f.id, session.id).unwrap().remove(0);
        o.deleted = Some(Tombstone { by: "AB".into(), at: now, why: "Written about Łucja by mistake".into() });
        store.save_observation(&o).unwrap();
        assert_eq!(store.audit().unwrap().iter().filter(|e| e.action == AuditAction::CheckedIn).count(), 26);
    }

    let mut needles: Vec<String> = Vec::new();
    for col in ["parent_name", "baby_name", "parent_phone", "postcode", "alerts"] {
        needles.extend(column(&roster_bytes, col));
    }
    needles.extend(column(&roster_bytes, "parent_phone").iter().map(|p| p.replace(' ', "")));
    for (_, text, concern) in notes {
        needles.push(text.to_string());
        if *concern != Concern::None {
            needles.push(format!("Follow-up for {text}"));
        }
    }
    needles.extend([
        "Sang to Zainab, who babbled back".into(),
        "Added what Zainab did".into(),
        "Written about Łucja".into(),
    ]);
    // Too short to look for without chance matches in random bytes (a few 3-letter names).
    needles.retain(|n| n.len() >= 5);
    needles.sort();
    needles.dedup();
    assert!(needles.len() >= 100, "{} needles", needles.len());

    assert_eq!(found_on_disk(&dir, &needles), Vec::<String>::new(), "personal data readable on disk");

    // The scan does find them where they are in the clear: the same data in a
    // store without a passphrase (tests only) shows the names in the files.
    let clear = work.path().join("clear");
    {
        let store = Store::open(&clear).unwrap();
        roster::import(&store, &roster_bytes, None, now, today()).unwrap();
        group_day(&store, today(), now, notes);
    }
    let seen = found_on_disk(&clear, &needles);
    for name in ["\"Ayesha Khan\"", "\"07700 900101\"", "\"LU1 3JH\"", "\"Sang to Zainab throughout the rhyme time\""] {
        assert!(seen.iter().any(|s| s.starts_with(name)), "{name} not found in the clear store: {seen:?}");
    }
}

#[test]
fn a_sealed_value_copied_onto_another_record_does_not_open() {
    let work = tempdir();
    let dir = work.path().join("data");
    let (a, b, folder, key_a, key_b) = {
        let store = Store::open_with(&dir, unlock()).unwrap();
        roster::import(&store, &demo_roster(), None, Utc::now(), today()).unwrap();
        let (a, b) = (family_named(&store, "Ayesha Khan"), family_named(&store, "Rukhsana Begum"));
        let (ka, kb) = (store.family_key(a.id), store.family_key(b.id));
        (a, b, store.folder().to_path_buf(), ka, kb)
    };
    // A's sealed bytes, written under B's key with sled itself.
    {
        let db = sled::open(&folder).unwrap();
        let families = db.open_tree(TreeId::Families.name()).unwrap();
        let sealed = families.get(&key_a).unwrap().unwrap();
        families.insert(key_b.clone(), sealed).unwrap();
        db.flush().unwrap();
    }
    let store = Store::open_with(&dir, unlock()).unwrap();
    assert_eq!(store.family(a.id).unwrap(), Some(a.clone()), "A is where it was");
    let err = store.family(b.id).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Decode { .. }), "{err:?}");
    assert!(text.contains("families") && text.contains(&keys::show(&key_b)), "{text}");
    assert!(text.contains("moved from another record"), "{text}");
    assert!(!text.contains("Ayesha") && !text.contains("Rukhsana"), "{text}");

    let report = check::run(&store).unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains("families") && p.contains(&keys::show(&key_b))),
        "{:?}",
        report.problems
    );
    drop(store);
    settle();
    let (out, err) = expect(thinkbaby(&dir).arg("check"), 1);
    assert!(out.contains("problem: a stored families record") && out.contains(&keys::show(&key_b)), "{out}");
    assert!(err.contains("1 problem found"), "{err}");
}

/// The figures that must not move when a family is erased.
fn counts(store: &Store) -> Vec<usize> {
    let r = thinkbaby::report::report(&Records::load(store).unwrap(), &TagList::built_in(), &Filter::default());
    let mut out = vec![
        r.sessions_held,
        r.attendances,
        r.adults,
        r.babies,
        r.distinct_families,
        r.new_families,
        r.eha,
        r.interpreter,
        r.observations,
        r.follow_ups,
        r.safeguarding,
    ];
    out.extend(r.repeat.iter().map(|(_, n)| *n));
    out.extend(r.referral_routes.iter().map(|(_, n)| *n));
    out.extend(r.hv_levels.iter().map(|(_, n)| *n));
    out.extend(r.by_domain.iter().map(|(_, n)| *n));
    out
}

#[test]
fn erase_removes_the_family_from_export_keeps_the_counts_and_is_audited() {
    let work = tempdir();
    let dir = work.path().join("data");
    let now = Utc::now();
    let notes: &[(&str, &str, Concern)] = &[
        ("Ayesha Khan", "Zainab settled quickly on the mat", Concern::FollowUp),
        ("Sophie Clarke", "Worried about bruising, told the lead", Concern::Safeguarding),
    ];
    let (ayesha, sophie, before, first_aged) = {
        let store = Store::open_with(&dir, unlock()).unwrap();
        store.set_actor("AB");
        roster::import(&store, &demo_roster(), None, now, today()).unwrap();
        group_day(&store, today() - Duration::days(7), now - Duration::days(7), &[]);
        group_day(&store, today(), now, notes);
        let r = thinkbaby::report::report(&Records::load(&store).unwrap(), &TagList::built_in(), &Filter::default());
        (family_named(&store, "Ayesha Khan"), family_named(&store, "Sophie Clarke"), counts(&store), r.first_age.babies)
    };
    settle();

    let (said, _) =
        expect(thinkbaby(&dir).args(["erase", &ayesha.id.to_string(), "--reason", "asked to be forgotten"]), 0);
    assert!(said.contains(&format!("erased family {}", ayesha.id)) && said.contains("1 note"), "{said}");

    // A safeguarding family is refused without the override, and nothing changes.
    let sophie_id = sophie.id.to_string();
    let (_, err) = expect(thinkbaby(&dir).args(["erase", &sophie_id, "--reason", "moved away"]), 1);
    assert!(err.contains("safeguarding note") && err.contains("--override-safeguarding"), "{err}");

    let (archive, _) = expect(thinkbaby(&dir).arg("export"), 0);
    for gone in ["Ayesha Khan", "07700 900101", "LU1 3JH", "Zainab", "settled quickly"] {
        assert!(!archive.contains(gone), "{gone:?} is still in the export");
    }
    let record = archive
        .lines()
        .find(|l| l.contains("\"kind\":\"family\"") && l.contains(&format!("\"id\":\"{}\"", ayesha.id)))
        .unwrap();
    assert!(!record.contains("Urdu") && record.contains("\"postcode\":\"LU1\""), "{record}");
    assert!(archive.contains(&ayesha.id.to_string()), "the anonymous record stays");
    assert!(archive.contains("Sophie Clarke") && archive.contains("Worried about bruising"), "refused: kept");

    let (trail, _) = expect(thinkbaby(&dir).args(["audit", "--family", &ayesha.id.to_string()]), 0);
    let lines: Vec<&str> = trail.lines().collect();
    assert!(lines[0].contains("Family added: from a roster file"), "{trail}");
    assert_eq!(lines.iter().filter(|l| l.contains("  AB  ") && l.contains("Checked in: ")).count(), 2, "{trail}");
    assert!(lines.iter().any(|l| l.contains("Note added")), "{trail}");
    let last = lines.last().unwrap();
    assert!(last.contains("command line") && last.contains("Family erased: names, phones"), "{trail}");
    assert!(!trail.contains("asked to be forgotten"), "the audit keeps no words typed: {trail}");
    assert!(record.contains("asked to be forgotten"), "the reason stays with the erased record: {record}");

    expect(thinkbaby(&dir).args(["erase", &sophie_id, "--reason", "moved away", "--override-safeguarding"]), 0);

    let store = Store::open_with(&dir, unlock()).unwrap();
    assert_eq!(counts(&store), before, "attendance counts and session totals are unchanged");
    let r = thinkbaby::report::report(&Records::load(&store).unwrap(), &TagList::built_in(), &Filter::default());
    assert_eq!(r.first_age.babies, first_aged - 2, "erased families are left out of the age figures");
    let erased = store.family(ayesha.id).unwrap().unwrap();
    assert!(erased.is_erased() && erased.first_carer() == ERASED && erased.postcode == "LU1");
    assert_eq!(erased.erased.as_ref().unwrap().why, "asked to be forgotten");
    assert_eq!(store.attendance_of_family(ayesha.id).unwrap().len(), 2);
    let o = &store.observations_of_family(sophie.id).unwrap()[0];
    assert!(o.erased.is_some() && o.current().text.is_empty() && o.current().follow_up.is_empty());
    assert_eq!((o.concern(), o.current().tags.clone()), (Concern::Safeguarding, vec!["responds-to-cues".to_string()]));
    // Nothing new is written about an erased family.
    let session = store.sessions().unwrap().into_iter().max_by_key(|s| s.date).unwrap();
    assert!(store.save_observation(&note(&session, &erased, "more", Concern::None, now, store.device())).is_err());
    let report = check::run(&store).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn a_backup_restores_into_an_empty_folder_with_the_same_records() {
    let work = tempdir();
    let dir = work.path().join("data");
    let now = Utc::now();
    {
        let mut store = Store::open_with(&dir, unlock()).unwrap();
        roster::import(&store, &demo_roster(), None, now, today()).unwrap();
        group_day(&store, today(), now, &[("Hodan Warsame", "Ayaan rolled over for the first time", Concern::None)]);
        let f = family_named(&store, "Gemma Walsh");
        store.erase_family(f.id, "left Luton", false, now).unwrap();
    }
    settle();
    let original = work.path().join("original.jsonl");
    expect(thinkbaby(&dir).arg("export").arg("-o").arg(&original), 0);
    let backup = work.path().join("backup.age");
    let (_, said) = expect(thinkbaby(&dir).arg("backup").arg(&backup), 0);
    assert!(said.contains("backed up 26 families"), "{said}");
    let sealed = std::fs::read(&backup).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1\n"), "an age file");
    assert!(!sealed.windows(11).any(|w| w == b"Ayesha Khan"), "sealed");
    assert!(
        std::fs::read_dir(work.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    );

    // Not into a folder that holds records.
    let (_, err) = expect(thinkbaby(&dir).arg("restore").arg(&backup), 1);
    assert!(err.contains("not empty"), "{err}");

    let copy = work.path().join("copy");
    let (_, said) = expect(thinkbaby(&copy).arg("restore").arg(&backup), 0);
    assert!(said.contains("restored 26 families"), "{said}");
    let again = work.path().join("again.jsonl");
    expect(thinkbaby(&copy).arg("export").arg("-o").arg(&again), 0);
    let (a, b) = (std::fs::read_to_string(&original).unwrap(), std::fs::read_to_string(&again).unwrap());
    assert!(a.contains("\"kind\":\"audit\"") && a.contains("\"erased\":{"), "the archive carries audit and erasure");
    assert!(a == b, "export, backup, restore, export gives the same records");

    // Sealed with its own passphrase: the store's does not open it; its own does.
    let own = write(work.path(), "backup-passphrase", "the backup's own passphrase\n");
    let second = work.path().join("second.age");
    expect(thinkbaby(&dir).arg("backup").arg(&second).arg("--backup-passphrase-file").arg(&own), 0);
    let other = work.path().join("other");
    let (_, err) = expect(thinkbaby(&other).arg("restore").arg(&second), 1);
    assert!(err.contains("does not open with this passphrase"), "{err}");
    expect(thinkbaby(&other).arg("restore").arg(&second).arg("--backup-passphrase-file").arg(&own), 0);
}

/// Clear the screen, set the window title, ring the bell; a one-character CSI
/// (C1); a right-to-left override.
const EVIL: &str = "Eve\u{1b}[2J\u{1b}]0;pwned\u{7}";
const C1: &str = "Cara\u{9b}31mRed";
const BIDI: &str = "Bidi\u{202e}lanigiro";

/// Bytes a terminal could act on: C0 controls but line ends, DEL, C1 as UTF-8, bidi overrides.
fn assert_harmless(what: &str, text: &str) {
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n')
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(!bad, "{what} let {c:?} through:\n{text}");
    }
}

#[test]
fn escape_sequences_in_names_come_out_of_export_audit_erase_and_purge_harmless() {
    let work = tempdir();
    let dir = work.path().join("data");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["parent_name", "parent_phone", "baby_name", "baby_dob", "group"]).unwrap();
    let dob = (today() - Duration::days(60)).format("%d/%m/%Y").to_string();
    for (name, phone) in [(EVIL, "07700 900888"), (C1, "07700 900777"), (BIDI, "07700 900666")] {
        w.write_record([name, phone, &format!("{name} baby"), &dob, "Central"]).unwrap();
    }
    // The file's name goes into the audit trail: it carries an escape too. The
    // families came a month ago, so that a purge of those inactive before
    // today (never a date to come) finds them.
    let month_ago = chrono::Utc::now() - Duration::days(30);
    let store = Store::open_with(&dir, unlock()).unwrap();
    let roster = w.into_inner().unwrap();
    roster::import_from(&store, &roster, "sheet\u{1b}]0;pwned\u{7}.csv", None, month_ago, month_ago.date_naive())
        .unwrap();
    drop(store);
    settle();

    let (archive, _) = expect(thinkbaby(&dir).arg("export"), 0);
    assert_harmless("export", &archive);
    for escaped in ["\\u001b[2J", "\\u0007", "\\u009b31m", "\\u202e"] {
        assert!(archive.contains(escaped), "{escaped} not in the export:\n{archive}");
    }
    // Escaped, not lost: the archive reads back to the very names.
    let names: Vec<String> = archive
        .lines()
        .filter(|l| l.contains("\"kind\":\"family\""))
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["record"]["versions"][0]["body"]["carers"][0]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names.len(), 3);
    for name in [EVIL, C1, BIDI] {
        assert!(names.iter().any(|n| n == name), "{name:?} not read back from {names:?}");
    }
    let evil_id = archive
        .lines()
        .find(|l| l.contains("pwned") && l.contains("\"kind\":\"family\""))
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["record"]["versions"][0]["body"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap();

    let (said, _) = expect(thinkbaby(&dir).args(["erase", &evil_id, "--reason", "asked\u{1b}[2J to go\u{7}"]), 0);
    assert_harmless("erase", &said);
    assert!(said.contains("Eve�[2J"), "{said}");

    let (trail, _) = expect(thinkbaby(&dir).arg("audit"), 0);
    assert_harmless("audit", &trail);
    // The audit keeps neither the file's name nor the reason typed (issue 14.4).
    assert!(trail.contains("Family added: from a roster file") && !trail.contains("pwned"), "{trail}");
    assert!(!trail.contains("asked") && trail.contains("Family erased"), "{trail}");

    // purge: the two left are listed (harmlessly), then erased.
    let tomorrow = (today() + Duration::days(1)).format("%d/%m/%Y").to_string();
    let (_, refused) = expect(thinkbaby(&dir).args(["purge", "--inactive-before", &tomorrow, "--dry-run"]), 2);
    assert!(refused.contains("is in the future"), "{refused}");
    let today = today().format("%d/%m/%Y").to_string();
    let (listed, _) = expect(thinkbaby(&dir).args(["purge", "--inactive-before", &today, "--dry-run"]), 0);
    assert_harmless("purge --dry-run", &listed);
    assert!(listed.contains("2 families") && listed.contains("Cara�31mRed") && listed.contains("dry run"), "{listed}");
    let (done, _) = expect(thinkbaby(&dir).args(["purge", "--inactive-before", &today, "--reason", "tidy up\u{7}"]), 0);
    assert_harmless("purge", &done);
    assert!(done.contains("erased 2 families"), "{done}");

    let (archive, _) = expect(thinkbaby(&dir).arg("export"), 0);
    // (The file's name stays in the audit trail: it is not a family's data.)
    for gone in ["Eve\\u001b", "Cara", "Bidi", "07700"] {
        assert!(!archive.contains(gone), "{gone} still in the export after purge");
    }
    let (trail, _) = expect(thinkbaby(&dir).arg("audit"), 0);
    assert_eq!(trail.lines().filter(|l| l.contains("Family erased")).count(), 3, "{trail}");
    assert_harmless("audit", &trail);
}
