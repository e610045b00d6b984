//! The reports' fixture, worked out by hand: two groups, seven families, nine
//! sessions (see `tests/report.rs` for the table), and the real binary run on it.
#![allow(dead_code)]

use super::process::{settle, spawning};
use assert_cmd::Command;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use std::path::Path;
use thinkbaby::domain::*;
use thinkbaby::report::{Filter, Records};
use thinkbaby::store::{Change, Store};
use uuid::Uuid;

pub fn open_store(dir: &Path) -> Result<Store, thinkbaby::store::StoreError> {
    settle();
    Store::open_with(dir, thinkbaby::store::Unlock::Passphrase(PASSPHRASE.into()))
}

/// Every store the program makes is encrypted; scripts give the passphrase so.
pub const PASSPHRASE: &str = "test passphrase for reports";

/// The real binary, run with `.output()` while the read guard is held.
pub struct Cli {
    pub cmd: Command,
}

pub fn thinkbaby() -> Result<Cli, assert_cmd::cargo::CargoError> {
    let mut cmd = Command::cargo_bin("thinkbaby")?;
    cmd.env("THINKBABY_PASSPHRASE", PASSPHRASE);
    Ok(Cli { cmd })
}

impl Cli {
    pub fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.arg(a);
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, a: I) -> Self {
        self.cmd.args(a);
        self
    }

    pub fn output(mut self) -> std::io::Result<std::process::Output> {
        // The binary opens a store this test has just closed: wait out any
        // child that was forked while it was open, as `open_store` does.
        settle();
        let _spawning = spawning();
        self.cmd.output()
    }
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn at(d: NaiveDate, h: u32, min: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(h, min, 0).unwrap())
}

pub const G1: Uuid = Uuid::from_u128(0x61);
pub const G2: Uuid = Uuid::from_u128(0x62);

pub fn fam(n: u128) -> Uuid {
    Uuid::from_u128(0xF0 + n)
}

pub fn sess(name: &str) -> Uuid {
    let n = match name {
        "S0" => 0,
        "S1" => 1,
        "S2" => 2,
        "S3" => 3,
        "S4" => 4,
        "S5" => 5,
        "S6" => 6,
        "T1" => 11,
        "T2" => 12,
        _ => panic!("no session {name}"),
    };
    Uuid::from_u128(0x5E00 + n)
}

pub fn now() -> DateTime<Utc> {
    at(day(2026, 8, 1), 9, 0)
}

pub fn stamp() -> Stamp {
    Stamp::new(now(), Uuid::from_u128(0xDE))
}

pub fn group(id: Uuid, name: &str, weekday: u8, hood: Neighbourhood) -> Group {
    Group {
        id,
        name: name.into(),
        venue: String::new(),
        neighbourhood: Some(hood),
        weekday,
        start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        stamp: stamp(),
    }
}

pub struct F<'a> {
    pub n: u128,
    pub carers: &'a [&'a str],
    pub phone: &'a str,
    pub babies: &'a [(&'a str, NaiveDate)],
    /// Born this many weeks before the due date (0: no due date).
    pub weeks_early: i64,
    pub route: ReferralRoute,
    pub hv: HvLevel,
    pub language: &'a str,
    pub interpreter: bool,
    pub eha: bool,
    pub postcode: &'a str,
    pub hood: Option<Neighbourhood>,
    pub groups: &'a [Uuid],
}

pub fn carer_id(n: u128, i: usize) -> Uuid {
    Uuid::from_u128(0xCA00 + n * 16 + i as u128)
}

pub fn baby_id(n: u128, i: usize) -> Uuid {
    Uuid::from_u128(0xBA00 + n * 16 + i as u128)
}

pub fn family(f: F) -> Family {
    Family {
        id: fam(f.n),
        carers: f
            .carers
            .iter()
            .enumerate()
            .map(|(i, name)| Carer {
                id: carer_id(f.n, i),
                name: name.to_string(),
                relationship: String::new(),
                phone: f.phone.into(),
            })
            .collect(),
        babies: f
            .babies
            .iter()
            .enumerate()
            .map(|(i, (name, dob))| Baby {
                id: baby_id(f.n, i),
                name: name.to_string(),
                dob: *dob,
                due: (f.weeks_early > 0).then(|| *dob + Duration::weeks(f.weeks_early)),
                sex: None,
            })
            .collect(),
        postcode: f.postcode.into(),
        neighbourhood: f.hood,
        home_language: f.language.into(),
        interpreter: f.interpreter,
        referral: Referral { route: f.route, date: None, referrer: "Health visitor Jo Bloggs".into() },
        hv_level: f.hv,
        need_level: None,
        eha: f.eha,
        data_sharing: Consent::not_asked(),
        photos: Consent::not_asked(),
        alerts: vec![],
        groups: f.groups.to_vec(),
        stamp: stamp(),
        erased: None,
        joined_into: None,
        not_same_as: vec![],
    }
}

pub fn families() -> Vec<Family> {
    use HvLevel::*;
    use ReferralRoute::*;
    let base = F {
        n: 0,
        carers: &[],
        phone: "",
        babies: &[],
        weeks_early: 0,
        route: DropIn,
        hv: Unknown,
        language: "",
        interpreter: false,
        eha: false,
        postcode: "",
        hood: None,
        groups: &[],
    };
    vec![
        family(F {
            n: 1,
            carers: &["Zoë Adams"],
            phone: "07700 900001",
            babies: &[("Ava", day(2026, 1, 5))],
            route: HealthVisitor,
            hv: Universal,
            language: "English",
            postcode: "LU3 1HB",
            hood: Some(Neighbourhood::North),
            groups: &[G1],
            ..base
        }),
        family(F {
            n: 2,
            carers: &["Łucja Nowak", "Piotr Nowak"],
            phone: "07700 900002",
            babies: &[("Zofia", day(2026, 2, 2))],
            // Reports and exports count her age from her birth all the same.
            weeks_early: 8,
            route: DropIn,
            hv: UniversalPlus,
            language: "Polish",
            eha: true,
            postcode: "LU3 2AB",
            hood: Some(Neighbourhood::North),
            groups: &[G1],
            ..base
        }),
        family(F {
            n: 3,
            carers: &["Nguyễn Thị Lan"],
            phone: "07700 900003",
            babies: &[("Minh", day(2026, 3, 2)), ("Anh", day(2026, 3, 2))],
            route: Midwife,
            hv: PartnershipPlus,
            language: "Vietnamese",
            interpreter: true,
            postcode: "LU4 0SZ",
            hood: Some(Neighbourhood::West),
            groups: &[G1],
            ..base
        }),
        family(F {
            n: 4,
            carers: &["محمد"],
            phone: "07700 900004",
            babies: &[("Yusuf", day(2025, 12, 1))],
            route: ServiceRequest,
            hv: Universal,
            language: "Arabic",
            interpreter: true,
            eha: true,
            postcode: "LU1 2TW",
            // Joined the list when walking in on 14/09.
            groups: &[G1],
            ..base
        }),
        family(F {
            n: 5,
            carers: &["সাদিয়া Begum"],
            phone: "07700 900005",
            babies: &[("Rafi", day(2026, 4, 6))],
            route: HealthVisitor,
            hv: Unknown,
            language: "Bengali",
            postcode: "LU2 0NX",
            hood: Some(Neighbourhood::Central),
            groups: &[G2],
            ..base
        }),
        family(F {
            n: 6,
            carers: &["李娜"],
            phone: "07700 900006",
            babies: &[("Yichen", day(2026, 5, 4))],
            route: OtherAgency,
            hv: Universal,
            language: "Mandarin",
            postcode: "LU1 2HN",
            groups: &[G2],
            ..base
        }),
        family(F {
            n: 7,
            carers: &["Eve\u{1b}[2J O'Brien, Smith"],
            phone: "+44 7700 900007",
            babies: &[("=SUM(A1)", day(2026, 6, 1))],
            route: DropIn,
            hv: Universal,
            language: "english",
            postcode: "LU2 7DS",
            groups: &[G2],
            ..base
        }),
    ]
}

pub fn session(name: &str, group: Uuid, date: NaiveDate) -> Session {
    Session { id: sess(name), group, date, facilitators: vec!["JH".into()], stamp: stamp() }
}

/// One attendance: family `n`, carers and babies by index.
pub fn came(s: &Session, n: u128, carers: &[usize], babies: &[usize], walk_in: bool) -> Attendance {
    Attendance {
        session: s.id,
        family: fam(n),
        checked_in: at(s.date, 10, 5),
        checked_out: Some(at(s.date, 11, 25)),
        carers: carers.iter().map(|i| carer_id(n, *i)).collect(),
        babies: babies.iter().map(|i| baby_id(n, *i)).collect(),
        walk_in,
        by: "JH".into(),
        stamp: stamp(),
    }
}

pub fn note(n: u128, fam_n: u128, session: &str, tags: &[&str], concern: Concern, text: &str) -> Observation {
    let when = at(day(2026, 9, 1), 10, 30);
    Observation {
        id: Uuid::from_u128(0x0B00 + n),
        family: fam(fam_n),
        session: sess(session),
        author: "JH".into(),
        at: when,
        revisions: vec![Revision {
            id: Uuid::from_u128(0x0C00 + n),
            parents: vec![],
            tags: tags.iter().map(|t| t.to_string()).collect(),
            text: text.into(),
            concern,
            follow_up: String::new(),
            baby: Some(baby_id(fam_n, 0)),
            by: "JH".into(),
            at: when,
            why: String::new(),
        }],
        deleted: None,
        resolutions: vec![],
        stamp: stamp(),
        erased: None,
    }
}

/// The fixture in the table above, committed to a store in `dir` (closed on return).
pub fn build(dir: &Path) {
    let store = open_store(dir).unwrap();
    let mut c = Change::default();
    c.put_group(&group(G1, "Blenheim Crescent", 0, Neighbourhood::North));
    c.put_group(&group(G2, "The Gallery", 3, Neighbourhood::Central));
    for f in families() {
        c.put_family(&f);
    }
    let s0 = session("S0", G1, day(2026, 8, 31));
    let s1 = session("S1", G1, day(2026, 9, 7));
    let t1 = session("T1", G2, day(2026, 9, 10));
    let s2 = session("S2", G1, day(2026, 9, 14));
    let t2 = session("T2", G2, day(2026, 9, 17));
    let s3 = session("S3", G1, day(2026, 9, 21));
    let s4 = session("S4", G1, day(2026, 9, 28));
    let s6 = session("S6", G1, day(2026, 9, 30));
    let s5 = session("S5", G1, day(2026, 10, 5));
    for s in [&s0, &s1, &t1, &s2, &t2, &s3, &s4, &s6, &s5] {
        c.put_session(s);
    }
    let visits = [
        came(&s0, 1, &[0], &[0], false),
        came(&s1, 1, &[0], &[0], false),
        came(&s1, 2, &[0, 1], &[0], false),
        came(&s1, 3, &[0], &[0, 1], false),
        came(&t1, 5, &[0], &[0], false),
        came(&t1, 6, &[0], &[0], false),
        came(&s2, 1, &[0], &[0], false),
        came(&s2, 2, &[0], &[0], false),
        came(&s2, 4, &[0], &[0], true),
        came(&t2, 5, &[0], &[0], false),
        came(&t2, 7, &[0], &[0], false),
        came(&s3, 1, &[0], &[0], false),
        came(&s3, 2, &[0], &[0], false),
        came(&s3, 3, &[0], &[0], false),
        came(&s4, 1, &[0], &[0], false),
        came(&s4, 2, &[0], &[0], false),
        came(&s5, 1, &[0], &[0], false),
        came(&s5, 5, &[0], &[0], true),
    ];
    for a in &visits {
        c.put_attendance(a);
    }
    use Concern::*;
    let mut o4 =
        note(4, 4, "S2", &["signposted", "modelled-interaction", "warm-holding"], None, "First words on the note");
    o4.revise(
        Revision {
            id: Uuid::from_u128(0x0D04),
            parents: vec![],
            tags: vec!["modelled-interaction".into(), "warm-holding".into()],
            text: "Dad copied the floor play we showed him".into(),
            concern: None,
            follow_up: String::new(),
            baby: Some(baby_id(4, 0)),
            by: "NR".into(),
            at: at(day(2026, 9, 14), 12, 0),
            why: "wrong tag".into(),
        },
        Uuid::from_u128(0xDE),
    );
    let mut o5 = note(5, 1, "S4", &["signposted"], Safeguarding, "Entered on the wrong family");
    o5.deleted = Some(Tombstone { by: "JH".into(), at: at(day(2026, 9, 28), 12, 0), why: "wrong family".into() });
    let mut o2 = note(2, 2, "S2", &["misses-cues", "intrusive", "signposted"], FollowUp, "=cmd|' /C calc'!A0");
    o2.revisions[0].follow_up = "Call about, \"sleep\" clinic\nnext week".into();
    let notes = [
        note(1, 1, "S1", &["responds-to-cues", "talks-sings"], None, "Sang to Ava, who smiled back"),
        o2,
        note(
            3,
            3,
            "S3",
            &["hard-to-settle", "parent-low", "safeguarding-raised", "shared-with-colleague"],
            Safeguarding,
            "Mum very tired",
        ),
        o4,
        o5,
        note(6, 5, "T1", &["signposted"], FollowUp, "Told about the food bank"),
        note(7, 1, "S0", &["calm-alert"], None, "Calm"),
        note(8, 5, "S5", &["a-tag-since-removed"], None, "Old tag"),
    ];
    for o in &notes {
        c.put_observation(o);
    }
    store.commit(c).unwrap();
}

pub fn records(dir: &Path) -> Records {
    let store = open_store(dir).unwrap();
    Records::load(&store).unwrap()
}

pub fn blenheim_autumn() -> Filter {
    Filter { group: Some(G1), from: Some(day(2026, 9, 7)), to: Some(day(2026, 10, 5)) }
}

pub fn counts<T>(v: &[(T, usize)]) -> Vec<usize> {
    v.iter().map(|(_, n)| *n).collect()
}

pub fn labelled(v: &[(String, usize)]) -> Vec<(&str, usize)> {
    v.iter().map(|(l, n)| (l.as_str(), *n)).collect()
}
