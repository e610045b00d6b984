//! The roster import keeps families apart and never loses what the store holds
//! (issue "families kept apart"): which rows join, rows of one family that
//! disagree, a consent `no` kept, the same file twice, a later file filling
//! blanks, and files with semicolons or tabs between the columns.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::process::{run, settle, tempdir};
use thinkbaby::domain::{ConsentAnswer, Family, HvLevel, ReferralRoute};
use thinkbaby::store::{Store, Unlock};

const PASSPHRASE: &str = "kettle orchard lantern bobbin";

fn thinkbaby(dir: &Path) -> Command {
    support::process::thinkbaby(dir, PASSPHRASE)
}

/// Imports `csv` into `data`; exit code, stdout and stderr.
fn import(data: &Path, csv: &str) -> (i32, String, String) {
    let file = data.with_extension("csv");
    std::fs::write(&file, csv).unwrap();
    let out = run(thinkbaby(data).args(["import", "roster"]).arg(&file));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn families(data: &Path) -> Vec<Family> {
    settle();
    let store = Store::open_with(data, Unlock::Passphrase(PASSPHRASE.into())).unwrap();
    let mut out = store.families().unwrap();
    out.sort_by(|a, b| (&a.postcode, a.first_carer()).cmp(&(&b.postcode, b.first_carer())));
    out
}

fn data_in(work: &tempfile::TempDir) -> PathBuf {
    work.path().join("data")
}

const HEAD: &str = "parent_name,parent_phone,baby_name,baby_dob,postcode,photo_consent,referral_route,hv_level,group\n";

#[test]
fn two_sarah_smiths_without_phones_in_two_postcodes_are_two_families() {
    let work = tempdir();
    let data = data_in(&work);
    let csv = format!(
        "{HEAD}Sarah Smith,,Poppy,01/03/2026,LU2 0JJ,yes,,,Central\n\
         Sarah Smith,,Leo,01/05/2026,LU3 5KK,no,,,Central\n\
         Ioana Popescu,07700 900777,Andrei,09/09/2026,LU1 5BT,yes,,,Central\n\
         Ioana Popescu,07700 900777,Maria,09/09/2026,LU1 5BT,yes,,,Central\n\
         Amina Begum,,Zara,01/02/2026,LU4 9AB,,,,Central\n\
         Amina Begum,,Adam,01/09/2026,lu4 9ab,,,,Central\n"
    );
    let (code, said, err) = import(&data, &csv);
    assert_eq!(code, 0, "{err}");
    assert!(said.starts_with("added 4 families, 6 babies"), "{said}");
    let fams = families(&data);
    let sarah: Vec<&Family> = fams.iter().filter(|f| f.first_carer() == "Sarah Smith").collect();
    assert_eq!(sarah.len(), 2, "{sarah:?}");
    assert_eq!(sarah[0].baby_names(), "Poppy");
    assert_eq!(sarah[0].photos.answer, ConsentAnswer::Yes);
    assert_eq!(sarah[1].baby_names(), "Leo");
    assert_eq!(sarah[1].photos.answer, ConsentAnswer::No, "Leo's carer said no to photos");
    let twins = fams.iter().find(|f| f.first_carer() == "Ioana Popescu").unwrap();
    assert_eq!(twins.babies.len(), 2, "twins join");
    let siblings = fams.iter().find(|f| f.first_carer() == "Amina Begum").unwrap();
    assert_eq!(siblings.babies.len(), 2, "siblings, no phone, one postcode, join");
}

#[test]
fn rows_of_one_family_that_disagree_refuse_the_whole_file() {
    let work = tempdir();
    let data = data_in(&work);
    let csv = format!(
        "{HEAD}Zoë Clarke,07700 900111,Ava,01/03/2026,LU3 1HB,yes,Drop-in/self,,Central\n\
         Zoë Clarke,07700 900111,Alfie,01/03/2026,LU3 1HB,no,Health visitor,,Central\n\
         Łucja Nowak,07700 900222,Zofia,14/07/2026,LU1 2TW,yes,,Universal,Central\n\
         Zoë Clarke,+44 7700 900111,Amber,01/03/2026,LU2 0NX,,,,Central\n\
         Łucja Nowak,07700 900222,Zofia,14/07/2026,LU1 2TW,yes,,Universal,Central\n"
    );
    let (code, _, err) = import(&data, &csv);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("3 pairs of rows would be one family"), "{err}");
    let pair = "lines 2 and 3 (Zoë Clarke): referral_route \"Drop-in/self\" and \"Health visitor\", photo_consent \"yes\" and \"no\"";
    assert!(err.contains(pair), "{err}");
    assert!(err.contains("lines 2 and 5 (Zoë Clarke): postcode \"LU3 1HB\" and \"LU2 0NX\""), "{err}");
    assert!(err.contains("lines 3 and 5"), "{err}");
    assert!(!err.contains("lines 4 and 6"), "Łucja's rows agree: {err}");
    assert!(families(&data).is_empty(), "nothing imported");
}

#[test]
fn the_same_file_twice_changes_nothing() {
    let work = tempdir();
    let data = data_in(&work);
    let roster = support::roster_csv();
    assert_eq!(import(&data, &roster).0, 0);
    let export = |name: &str| {
        let path = work.path().join(name);
        assert!(run(thinkbaby(&data).args(["export", "--format", "jsonl", "-o"]).arg(&path)).status.success());
        std::fs::read(path).unwrap()
    };
    let before = export("before.jsonl");
    let (code, said, err) = import(&data, &roster);
    assert_eq!(code, 0, "{err}");
    assert!(said.starts_with("added 0 families, 0 babies and 0 groups"), "{said}");
    assert!(!said.contains("filled") && !said.contains("left as"), "{said}");
    assert!(before == export("after.jsonl"), "the store changed");
}

#[test]
fn a_later_file_fills_blanks_and_never_overwrites() {
    let work = tempdir();
    let data = data_in(&work);
    let first = format!(
        "{HEAD}Zoë Clarke,07700 900111,Ava,01/03/2026,LU3 1HB,no,,,Central\n\
         Łucja Nowak,07700 900222,Zofia,14/07/2026,,yes,Midwife,,Central\n"
    );
    assert_eq!(import(&data, &first).0, 0);
    let later = format!(
        "{HEAD}Zoë Clarke,07700 900111,Ava,01/03/2026,LU3 1HB,yes,Health visitor,Universal,Central\n\
         Łucja Nowak,07700 900222,Zofia,14/07/2026,LU1 2TW,yes,Health visitor,Universal Plus,Central\n"
    );
    let (code, said, err) = import(&data, &later);
    assert_eq!(code, 0, "{err}");
    assert!(said.contains("Zoë Clarke (referral_route, hv_level)"), "{said}");
    assert!(said.contains("Łucja Nowak (postcode, hv_level)"), "{said}");
    assert!(said.contains("line 2, Zoë Clarke: photo_consent \"no\" in thinkbaby, \"yes\" in the file"), "{said}");
    assert!(
        said.contains("line 3, Łucja Nowak: referral_route \"Midwife\" in thinkbaby, \"Health visitor\""),
        "{said}"
    );
    let fams = families(&data);
    let zoe = fams.iter().find(|f| f.first_carer() == "Zoë Clarke").unwrap();
    assert_eq!(zoe.photos.answer, ConsentAnswer::No, "a no is never turned into yes");
    assert_eq!((zoe.referral.route, zoe.hv_level), (ReferralRoute::HealthVisitor, HvLevel::Universal));
    let lucja = fams.iter().find(|f| f.first_carer() == "Łucja Nowak").unwrap();
    assert_eq!(lucja.referral.route, ReferralRoute::Midwife);
    assert_eq!((lucja.postcode.as_str(), lucja.hv_level), ("LU1 2TW", HvLevel::UniversalPlus));
}

#[test]
fn semicolons_or_tabs_between_columns_are_read() {
    for sep in [";", "\t"] {
        let work = tempdir();
        let data = data_in(&work);
        let csv = format!(
            "\u{feff}parent_name{sep}parent_phone{sep}baby_name{sep}baby_dob{sep}alerts{sep}group\r\n\
             Zoë Clarke{sep}07700 900111{sep}Ava{sep}01/03/2026{sep}\"Allergy: nuts; Medical: asthma\"{sep}Central\r\n"
        );
        let (code, said, err) = import(&data, &csv);
        assert_eq!(code, 0, "{sep:?}: {err}");
        assert!(said.starts_with("added 1 family, 1 baby and 1 group"), "{said}");
        let fams = families(&data);
        assert_eq!(fams[0].alerts.len(), 2, "{:?}", fams[0].alerts);
    }
}
