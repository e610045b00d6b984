//! The command line as a user meets it: the real `thinkbaby` binary on temporary
//! data folders. Roster import (Excel's quirks, wrong rows, twice), the lock, the
//! archive round trip, `check` on a damaged store, plain error messages, and an
//! import of 5,000 families killed in the middle.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::process::{run, settle, spawning, tempdir};
use thinkbaby::clock::FixedClock;
use thinkbaby::domain::{AlertKind, Family};
use thinkbaby::store::keys::{self, TreeId};
use thinkbaby::store::{Store, Unlock, check};

/// `thinkbaby --data-dir DIR ARGS...`, with nothing from the caller's environment
/// that could choose another folder.
fn thinkbaby(dir: &Path) -> Command {
    support::process::thinkbaby(dir, PASSPHRASE)
}

/// Every store the program makes is encrypted; scripts give the passphrase so.
const PASSPHRASE: &str = "test passphrase for the cli";

fn bare() -> Command {
    support::process::bare(PASSPHRASE)
}

fn unlock() -> Unlock {
    Unlock::Passphrase(PASSPHRASE.into())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs and expects `code`; returns stdout and stderr.
fn expect(c: &mut Command, code: i32) -> (String, String) {
    let out = run(c);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{c:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert_no_panic(&stderr);
    (stdout, stderr)
}

fn assert_no_panic(stderr: &str) {
    for word in ["panicked", "backtrace", "RUST_BACKTRACE", "unwrap"] {
        assert!(!stderr.contains(word), "{word:?} in stderr:\n{stderr}");
    }
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Opens a store in this process, once no child started meanwhile holds it.
fn open(dir: &Path) -> Store {
    settle();
    Store::open_with(dir, unlock()).unwrap()
}

fn families(dir: &Path) -> Vec<Family> {
    let store = open(dir);
    let mut out = store.families().unwrap();
    out.sort_by(|a, b| a.first_carer().cmp(b.first_carer()));
    out
}

/// A roster as Excel writes it: a byte-order mark, CRLF line ends, headers in
/// another order and case, an extra column, quoted fields with commas and a line
/// break, dd/mm/yyyy dates, names as Luton's families write them, twins on two
/// rows, and blank rows at the end.
fn excel_roster() -> Vec<u8> {
    let rows = [
        "Parent_Name,Baby_Name,BABY_DOB,parent_phone,relationship,postcode,alerts,group,Notes",
        "Łucja Nowak,Zofia,22/01/2026,07700 900103,Mother,lu4 8qp,,Central,",
        "\"Nguyễn Thị\r\nLan\",Minh Anh,11/10/2026,07700 900108,Mother,LU4 0SZ,\"Allergy: peanuts, sesame; May not collect: Mr Tran\",South,\"interpreter: Vietnamese, please\"",
        "محمد,Yusuf,19/08/2026,07700 900110,Father,LU3 4EW,,Central,",
        "Rukhsana Begum,সাদিয়া,05/06/2026,07700 900102,Mother,LU2 0NX,,Central,",
        "李娜,Yichen,25/05/2026,07700 900109,Mother,LU1 2HN,,South,",
        "Sophie Clarke,Zoë,02/02/2026,07700 900107,Mother,LU2 9HE,,Central,",
        "Eve\u{1b}[31m Mallory,Bob,03/03/2026,07700 900199,Mother,LU1 1AA,,South,",
        "Ioana Popescu,Andrei,09/09/2026,07700 900104,Mother,LU1 5BT,,Central,twins",
        "Ioana Popescu,Maria,09/09/2026,07700 900104,Mother,LU1 5BT,,Central,twins",
        ",,,,,,,,",
        "",
        "",
    ];
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(rows.join("\r\n").as_bytes());
    bytes
}

#[test]
fn an_excel_roster_imports_once() {
    let work = tempdir();
    let data = work.path().join("data");
    let csv = write(work.path(), "roster.csv", excel_roster());

    let (stdout, stderr) = expect(thinkbaby(&data).args(["import", "roster"]).arg(&csv), 0);
    let first = stdout.lines().next().unwrap_or_default();
    assert_eq!(first, "added 8 families, 9 babies and 2 groups", "{stdout}{stderr}");
    assert!(stdout.contains("ignored columns: notes"), "{stdout}");
    assert!(!stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'), "no escape sequence reaches the terminal");

    let fams = families(&data);
    assert_eq!(fams.len(), 8);
    let names: Vec<&str> = fams.iter().map(|f| f.first_carer()).collect();
    for name in ["Łucja Nowak", "Nguyễn Thị Lan", "محمد", "Rukhsana Begum", "李娜", "Sophie Clarke", "Ioana Popescu"]
    {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(names.contains(&"Eve\u{1b}[31m Mallory"), "the name is stored as written: {names:?}");
    let find = |name: &str| fams.iter().find(|f| f.first_carer() == name).unwrap();

    let twins = find("Ioana Popescu");
    assert_eq!(twins.babies.len(), 2, "twins are one family with two babies");
    assert_eq!(twins.baby_names(), "Andrei & Maria");
    assert!(twins.babies.iter().all(|b| b.dob == chrono::NaiveDate::from_ymd_opt(2026, 9, 9).unwrap()));

    let lan = find("Nguyễn Thị Lan");
    assert_eq!(lan.alerts.len(), 2, "{:?}", lan.alerts);
    assert_eq!((lan.alerts[0].kind, lan.alerts[0].text.as_str()), (AlertKind::Allergy, "peanuts, sesame"));
    assert_eq!((lan.alerts[1].kind, lan.alerts[1].text.as_str()), (AlertKind::NoCollect, "Mr Tran"));

    let lucja = find("Łucja Nowak");
    assert_eq!(lucja.babies[0].dob, chrono::NaiveDate::from_ymd_opt(2026, 1, 22).unwrap(), "dd/mm/yyyy");
    assert_eq!(lucja.postcode, "LU4 8QP");
    assert_eq!(lucja.carers[0].phone, "07700 900103");
    assert_eq!(find("Rukhsana Begum").babies[0].name, "সাদিয়া");
    assert_eq!(find("Sophie Clarke").babies[0].name, "Zoë");
    let groups: Vec<usize> = fams.iter().map(|f| f.groups.len()).collect();
    assert!(groups.iter().all(|n| *n == 1), "{groups:?}");

    // The same file again adds nothing.
    let (again, _) = expect(thinkbaby(&data).args(["import", "roster"]).arg(&csv), 0);
    assert!(again.starts_with("added 0 families, 0 babies and 0 groups"), "{again}");
    assert!(again.contains("8 families were already in the store"), "{again}");
    assert_eq!(families(&data), fams, "a second import changes nothing");
}

#[test]
fn three_wrong_rows_are_all_reported_and_nothing_is_imported() {
    let work = tempdir();
    let data = work.path().join("data");
    let lines = [
        "parent_name,baby_name,baby_dob,parent_phone,need_level",
        // A quoted line break: this row takes lines 2 and 3.
        "\"Ana\nFerreira\",Tomás,18/07/2026,07700 900106,",
        "Hodan Warsame,Ayaan,31/02/2026,07700 900105,",
        "Kelly Murphy,Ruby,07/04/2026,07700 900113,2",
        "Gemma Walsh,,10/12/2025,07700 900111,",
        "Abena Mensah,Kofi,06/06/2026,07700 900126,",
        "Senait Tesfay,Selam,01/07/2026,07700 900123,7",
    ];
    let csv = write(work.path(), "wrong.csv", lines.join("\n") + "\n");
    let (stdout, stderr) = expect(thinkbaby(&data).args(["import", "roster"]).arg(&csv), 1);
    assert_eq!(stdout, "");
    assert!(stderr.contains("3 wrong rows; nothing was imported"), "{stderr}");
    let reported: Vec<&str> =
        stderr.lines().filter_map(|l| l.trim().strip_prefix("line ")).filter_map(|l| l.split(':').next()).collect();
    assert_eq!(reported, ["4", "6", "8"], "{stderr}");
    assert!(stderr.contains("31/02/2026"), "{stderr}");
    assert!(stderr.contains("baby_name is empty"), "{stderr}");
    assert!(stderr.contains("need_level"), "{stderr}");
    assert_eq!(families(&data), vec![], "nothing was imported");
    assert!(open(&data).is_empty().unwrap(), "no group either");
}

#[test]
fn a_due_date_before_the_birth_or_21_weeks_after_it_is_refused_with_its_line() {
    let work = tempdir();
    let data = work.path().join("data");
    let lines = [
        "parent_name,baby_name,baby_dob,baby_due_date,parent_phone",
        // Born a week after the due date: the office should leave it empty.
        "Zoë Clarke,Ava,14/08/2026,07/08/2026,07700 900111",
        // Born 6 weeks early, and 20 weeks early: both can be right.
        "Łucja Nowak,Zofia,14/08/2026,25/09/2026,07700 900222",
        "Nguyễn Thị Lan,Minh Anh,14/08/2026,01/01/2027,07700 900333",
        // 21 weeks: a typing mistake.
        "محمد,Yusuf,14/08/2026,08/01/2027,07700 900444",
    ];
    let csv = write(work.path(), "due.csv", lines.join("\r\n") + "\r\n");
    let (stdout, stderr) = expect(thinkbaby(&data).args(["import", "roster"]).arg(&csv), 1);
    assert_eq!(stdout, "");
    assert!(stderr.contains("2 wrong rows; nothing was imported"), "{stderr}");
    let row = |n: &str| stderr.lines().find(|l| l.trim().starts_with(&format!("line {n}:"))).unwrap_or_default();
    assert!(row("2").contains("baby_due_date 07/08/2026 is before the birth"), "{stderr}");
    assert!(row("5").contains("baby_due_date 08/01/2027 is more than 20 weeks after the birth"), "{stderr}");
    assert_eq!(stderr.matches("line ").count(), 2, "{stderr}");
    assert_eq!(families(&data), vec![], "nothing was imported");
}

#[test]
fn a_second_program_gets_the_lock_message_and_status_2() {
    let work = tempdir();
    let data = work.path().join("data");
    let csv = write(work.path(), "roster.csv", excel_roster());
    expect(thinkbaby(&data).args(["import", "roster"]).arg(&csv), 0);
    let before = families(&data);
    let files_before = listing(&data);

    let store = open(&data);
    let message = format!("thinkbaby is already open on this computer (data in {})\n", data.display());
    let attempts: [&[&str]; 4] = [&[], &["check"], &["export"], &["import", "roster"]];
    for args in attempts {
        let mut c = thinkbaby(&data);
        c.args(args);
        if args.len() == 2 {
            c.arg(&csv);
        }
        let (stdout, stderr) = expect(&mut c, 2);
        assert_eq!(stderr, message, "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
    }
    // The folder from THINKBABY_DATA_DIR is locked the same way.
    let (_, stderr) = expect(bare().env("THINKBABY_DATA_DIR", &data).arg("check"), 2);
    assert_eq!(stderr, message);
    drop(store);

    assert_eq!(listing(&data), files_before, "no file was added or removed");
    assert_eq!(families(&data), before, "the store is unchanged");
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn an_archive_round_trip_gives_the_same_bytes() {
    let work = tempdir();
    let first = work.path().join("first");
    let second = work.path().join("second");
    let store = Store::open_with(&first, unlock()).unwrap();
    thinkbaby::cli::demo::fill(&store, &FixedClock::at(2026, 11, 26, 8, 30)).unwrap();
    drop(store);
    settle();

    let a = work.path().join("a.jsonl");
    let b = work.path().join("b.jsonl");
    let (_, said) = expect(thinkbaby(&first).args(["export", "--format", "jsonl", "-o"]).arg(&a), 0);
    assert!(said.starts_with("exported 26 families, 2 groups, 16 sessions"), "{said}");
    let (imported, _) = expect(thinkbaby(&second).args(["import", "archive"]).arg(&a), 0);
    assert!(imported.starts_with("imported 26 families, 2 groups, 16 sessions"), "{imported}");
    expect(thinkbaby(&second).args(["export", "-o"]).arg(&b), 0);

    let (a_bytes, b_bytes) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(a_bytes.len() > 10_000, "{} bytes", a_bytes.len());
    assert!(text(&a_bytes).starts_with("{\"format\":\"thinkbaby-archive\",\"version\":3}\n"));
    assert!(a_bytes == b_bytes, "export, import, export gives the same bytes");
    let (to_screen, _) = expect(thinkbaby(&second).arg("export"), 0);
    assert!(to_screen.as_bytes() == a_bytes, "export to the screen writes the same archive");
    let (checked, _) = expect(thinkbaby(&second).arg("check"), 0);
    assert!(checked.contains("no problems found"), "{checked}");

    // A store that holds anything refuses an archive, and stays as it was.
    let (_, refused) = expect(thinkbaby(&first).args(["import", "archive"]).arg(&a), 1);
    assert!(refused.contains("not empty"), "{refused}");
    assert!(refused.lines().count() <= 2, "{refused}");
    let (after, _) = expect(thinkbaby(&first).arg("export"), 0);
    assert!(after.as_bytes() == a_bytes, "the refused import changed nothing");
}

#[test]
fn check_passes_a_clean_store_and_names_a_damaged_value() {
    let work = tempdir();
    let data = work.path().join("data");
    let csv = write(work.path(), "roster.csv", excel_roster());
    expect(thinkbaby(&data).args(["import", "roster"]).arg(&csv), 0);
    let (clean, _) = expect(thinkbaby(&data).arg("check"), 0);
    assert!(clean.contains("no problems found"), "{clean}");
    assert!(clean.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["families", "8"]), "{clean}");

    // Garbage under one family's key, written through a commit as any value is.
    let victim = families(&data)[0].id;
    let (key, folder) = {
        let store = open(&data);
        (store.family_key(victim), store.folder().to_path_buf())
    };
    {
        let db = sled::open(&folder).unwrap();
        let families = db.open_tree(TreeId::Families.name()).unwrap();
        families.insert(key.clone(), b"\xb1\x02\x00not a family at all".to_vec()).unwrap();
        db.flush().unwrap();
    }
    assert!(!check::run(&open(&data)).unwrap().ok());
    settle();
    let (stdout, stderr) = expect(thinkbaby(&data).arg("check"), 1);
    let problems: Vec<&str> = stdout.lines().filter(|l| l.starts_with("problem: ")).collect();
    // The damaged value comes first, named by tree and key. (Records that point at
    // the family may be reported after it.)
    assert!(!problems.is_empty(), "{stdout}");
    assert!(problems[0].contains("families") && problems[0].contains(&keys::show(&key)), "{stdout}");
    let count = format!("{} problem{} found.", problems.len(), if problems.len() == 1 { "" } else { "s" });
    assert!(stderr.starts_with(&count), "{stderr}");
    assert!(stderr.lines().count() <= 2, "{stderr}");

    // Reading the damaged record elsewhere is a plain error that names it, not a panic.
    let (_, stderr) = expect(thinkbaby(&data).arg("export"), 1);
    assert!(stderr.contains("families") && stderr.contains(&keys::show(&key)), "{stderr}");
    assert!(stderr.lines().count() <= 2, "{stderr}");
    // An export to a file that fails part-way leaves the earlier export whole.
    let earlier = write(work.path(), "archive.jsonl", "yesterday's export\n");
    expect(thinkbaby(&data).arg("export").arg("-o").arg(&earlier), 1);
    assert_eq!(std::fs::read_to_string(&earlier).unwrap(), "yesterday's export\n");
    let left: Vec<_> = std::fs::read_dir(work.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".tmp")), "no half-written file: {left:?}");
}

#[test]
fn errors_a_user_can_cause_are_one_or_two_plain_lines() {
    let work = tempdir();
    let data = work.path().join("data");
    let not_utf8 = write(work.path(), "latin1.csv", b"parent_name,baby_name,baby_dob\nZo\xeb,Amy,01/02/2026\n");
    let no_columns = write(work.path(), "columns.csv", "name,dob\nZoë,01/02/2026\n");
    let not_archive = write(work.path(), "roster.jsonl", excel_roster());
    let missing = work.path().join("missing.csv");
    let cases: Vec<(&str, Vec<&std::ffi::OsStr>, i32, &str)> = vec![
        ("missing roster", vec!["import".as_ref(), "roster".as_ref(), missing.as_os_str()], 1, "there is no file"),
        ("missing archive", vec!["import".as_ref(), "archive".as_ref(), missing.as_os_str()], 1, "there is no file"),
        ("not UTF-8", vec!["import".as_ref(), "roster".as_ref(), not_utf8.as_os_str()], 1, "UTF-8"),
        ("no columns", vec!["import".as_ref(), "roster".as_ref(), no_columns.as_os_str()], 1, "parent_name"),
        (
            "not an archive",
            vec!["import".as_ref(), "archive".as_ref(), not_archive.as_os_str()],
            1,
            "not a thinkbaby archive",
        ),
        ("no such day, UK order", vec!["--date".as_ref(), "31/02/2026".as_ref()], 2, "not a date"),
        ("no such day", vec!["--date".as_ref(), "2026-02-30".as_ref()], 2, "not a date"),
        ("no date", vec!["--date".as_ref(), "tomorrow".as_ref()], 2, "not a date"),
    ];
    for (what, args, code, says) in cases {
        let (stdout, stderr) = expect(thinkbaby(&data).args(&args), code);
        let said: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!((1..=2).contains(&said.len()), "{what}: {stderr}");
        assert!(stderr.contains(says), "{what}: {stderr}");
        assert_eq!(stdout, "", "{what}");
    }
    // None of them put anything in the store.
    assert_eq!(families(&data), vec![]);
}

#[test]
fn every_command_has_help() {
    let dir = tempdir();
    let commands: [&[&str]; 6] =
        [&[], &["import"], &["import", "roster"], &["import", "archive"], &["export"], &["check"]];
    for args in commands {
        let (stdout, _) = expect(thinkbaby(dir.path()).args(args).arg("--help"), 0);
        assert!(stdout.contains("Usage: thinkbaby"), "{args:?}: {stdout}");
    }
    assert!(listing(dir.path()).is_empty(), "--help touches no data");
}

/// The child is killed after a random delay: before, during or after its one
/// commit. Whatever the moment, the store holds all 5,000 families or none.
#[cfg(unix)]
#[test]
fn an_import_of_5000_families_killed_midway_leaves_all_or_none() {
    const FAMILIES: usize = 5000;
    const ROUNDS: usize = 8;
    let seed =
        std::env::var("THINKBABY_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| fastrand::u64(..));
    eprintln!("random seed {seed} (set THINKBABY_TEST_SEED to repeat)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let work = tempdir();
    let mut csv = String::from("parent_name,parent_phone,baby_name,baby_dob,group\n");
    for i in 0..FAMILIES {
        csv += &format!(
            "Parent {i:05},07700 900{:03},Baby {i:05},{:02}/{:02}/2026,Central\n",
            i % 1000,
            i % 28 + 1,
            i % 9 + 1
        );
    }
    let csv = write(work.path(), "big.csv", csv);
    let import = |data: &Path| {
        let _spawning = spawning();
        thinkbaby(data)
            .args(["import", "roster"])
            .arg(&csv)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // One import left to finish shows how long one takes here; the kills are then
    // spread over the later part of that time, where the commit is.
    let started = std::time::Instant::now();
    let whole = import(&work.path().join("whole")).wait().unwrap();
    let took = started.elapsed().as_millis() as u64;
    assert!(whole.success());
    assert_eq!(open(&work.path().join("whole")).count(TreeId::Families), FAMILIES);
    let mut outcomes = Vec::new();
    for round in 0..ROUNDS {
        let data = work.path().join(format!("data{round}"));
        let mut child = import(&data);
        std::thread::sleep(std::time::Duration::from_millis(rng.u64(took / 3..=took + took / 10)));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();

        let store = Store::open_with(&data, unlock()).unwrap();
        let n = store.count(TreeId::Families);
        assert!(n == 0 || n == FAMILIES, "round {round}: {n} families after the kill");
        assert_eq!(store.count(TreeId::Groups), usize::from(n > 0), "round {round}: the group came with them");
        if n > 0 {
            let babies: usize = store.families().unwrap().iter().map(|f| f.babies.len()).sum();
            assert_eq!(babies, FAMILIES, "round {round}");
        }
        let report = check::run(&store).unwrap();
        assert!(report.ok(), "round {round}: {:?}", report.problems);
        outcomes.push(format!("{n} ({status})"));
    }
    eprintln!("an import took {took} ms; families after each kill: {}", outcomes.join(", "));
}

/// A store of the fixture's families, imported a month ago (so that a purge of
/// families inactive before today finds them); their ids by first carer.
fn month_old_store(data: &Path) -> Vec<Family> {
    let store = Store::open_with(data, unlock()).unwrap();
    let then = chrono::Utc::now() - chrono::Duration::days(30);
    let roster = support::roster_csv_on(then.date_naive());
    thinkbaby::import::roster::import(&store, roster.as_bytes(), None, then, then.date_naive()).unwrap();
    let families = store.families().unwrap();
    drop(store);
    settle();
    families
}

fn terminal(data: &Path, args: &[&str]) -> support::process::InTerminal {
    let mut all: Vec<&std::ffi::OsStr> = vec!["--data-dir".as_ref(), data.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    support::process::InTerminal::start(&all, &[("THINKBABY_PASSPHRASE", PASSPHRASE.as_ref())])
}

#[cfg(unix)]
#[test]
fn erase_and_purge_ask_first_at_a_terminal() {
    let work = tempdir();
    let data = work.path().join("data");
    let families = month_old_store(&data);
    let zoe = families.iter().find(|f| f.first_carer() == "Zoë Clarke").unwrap().id.to_string();

    // No: nothing is erased.
    let mut t = terminal(&data, &["erase", &zoe, "--reason", "asked to be forgotten"]);
    t.wait_for("go on:");
    assert!(t.output().contains("Erase Zoë Clarke (Ava) for good?"), "{}", t.output());
    t.send("n\r");
    assert_eq!(t.wait(), 1);
    assert!(t.output().contains("nothing was erased"), "{}", t.output());
    assert!(families_named(&data).contains(&"Zoë Clarke".to_string()));
    // Yes: erased.
    let mut t = terminal(&data, &["erase", &zoe, "--reason", "asked to be forgotten"]);
    t.wait_for("go on:");
    t.send("y\r");
    assert_eq!(t.wait(), 0, "{}", t.output());
    assert!(!families_named(&data).contains(&"Zoë Clarke".to_string()));

    // purge lists the families, then asks how many go.
    let today = chrono::Local::now().date_naive().format("%d/%m/%Y").to_string();
    let purge = ["purge", "--inactive-before", &today, "--reason", "tidy up"];
    let mut t = terminal(&data, &purge);
    t.wait_for("go on:");
    let said = t.output();
    assert!(said.contains("Łucja Nowak") && said.contains("Erase 7 families for good, as listed?"), "{said}");
    t.send("\r");
    assert_eq!(t.wait(), 1);
    assert_eq!(families_named(&data).len(), 7, "an empty answer is no");
    // --yes: no question, for scripts.
    let mut with_yes = purge.to_vec();
    with_yes.push("--yes");
    let mut t = terminal(&data, &with_yes);
    assert_eq!(t.wait(), 0, "{}", t.output());
    assert!(!t.output().contains("go on:"));
    assert_eq!(families_named(&data), Vec::<String>::new());
}

/// The first carers of the families not erased.
fn families_named(data: &Path) -> Vec<String> {
    families(data).iter().filter(|f| !f.is_erased()).map(|f| f.first_carer().to_string()).collect()
}

#[test]
fn a_bad_family_id_says_what_an_id_looks_like() {
    let work = tempdir();
    let data = work.path().join("data");
    for args in [&["erase", "nonsense", "--reason", "x"][..], &["audit", "--family", "1234"][..]] {
        let (_, err) = expect(thinkbaby(&data).args(args), 2);
        assert!(err.contains("is not a family id") && err.contains("0192f7a0-5b1e-7c3d-9a4b-1f2e3d4c5b6a"), "{err}");
        assert!(!err.contains("invalid character"), "{err}");
    }
    assert!(!data.exists(), "refused before the store was touched");
}

#[test]
fn counts_in_words_are_singular_for_one() {
    let work = tempdir();
    let data = work.path().join("data");
    let csv = write(
        work.path(),
        "one.csv",
        "parent_name,parent_phone,baby_name,baby_dob,group\nZoë Clarke,07700 900111,Ava,02/05/2026,Central\n",
    );
    let (said, _) = expect(thinkbaby(&data).args(["import", "roster"]).arg(&csv), 0);
    assert!(said.starts_with("added 1 family, 1 baby and 1 group"), "{said}");
    let (_, said) = expect(thinkbaby(&data).args(["export", "-o"]).arg(work.path().join("all.jsonl")), 0);
    assert!(said.contains("exported 1 family, 1 group, 0 sessions"), "{said}");
    assert!(said.contains("1 audit entry"), "{said}");
    let (_, said) = expect(thinkbaby(&data).args(["export", "families", "-o"]).arg(work.path().join("f.csv")), 0);
    assert!(said.contains("exported 1 row"), "{said}");
}

#[test]
fn help_says_what_date_is_for() {
    let (help, _) = expect(bare().arg("--help"), 0);
    let date = help.split("--date").nth(1).unwrap_or_default();
    assert!(date.contains("past session"), "{help}");
}
