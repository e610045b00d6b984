//! Reports, exports and the attendance import, against figures worked out by hand.
//!
//! The fixture: two groups, seven families, nine sessions. Blenheim Crescent
//! (G1) meets on Mondays, The Gallery (G2) on Thursdays.
//!
//! | session | date       | group | who came (carers, babies)                        |
//! |---------|------------|-------|--------------------------------------------------|
//! | S0      | 31/08/2026 | G1    | F1 (1, Ava)                                      |
//! | S1      | 07/09/2026 | G1    | F1 (1,1), F2 (2, Zofia), F3 (1, Minh + Anh)       |
//! | T1      | 10/09/2026 | G2    | F5 (1, Rafi), F6 (1, Yichen)                     |
//! | S2      | 14/09/2026 | G1    | F1 (1,1), F2 (1,1), F4 walk-in (1, Yusuf)        |
//! | T2      | 17/09/2026 | G2    | F5 (1,1), F7 (1,1)                               |
//! | S3      | 21/09/2026 | G1    | F1 (1,1), F2 (1,1), F3 (1, Minh only)            |
//! | S4      | 28/09/2026 | G1    | F1 (1,1), F2 (1,1)                               |
//! | S6      | 30/09/2026 | G1    | nobody (opened by mistake: not a session held)  |
//! | S5      | 05/10/2026 | G1    | F1 (1,1), F5 walk-in (1, Rafi)                   |
//!
//! Observations: O1 S1 F1 [responds-to-cues, talks-sings]; O2 S2 F2 [misses-cues,
//! intrusive, signposted] follow up; O3 S3 F3 [hard-to-settle, parent-low,
//! safeguarding-raised, shared-with-colleague] safeguarding; O4 S2 F4
//! [signposted, modelled-interaction, warm-holding] revised to drop
//! `signposted`; O5 S4 F1 [signposted] safeguarding, deleted; O6 T1 F5
//! [signposted] follow up; O7 S0 F1 [calm-alert]; O8 S5 F5 [a tag since removed].

mod support;

use chrono::NaiveDate;
use support::figures::*;
use support::process::tempdir;
use thinkbaby::domain::tags::TagList;
use thinkbaby::report::{self, Filter, render};

#[test]
fn known_answers_for_one_group_over_five_weeks() {
    let dir = tempdir();
    build(dir.path());
    let r = report::report(&records(dir.path()), &TagList::built_in(), &blenheim_autumn());

    // S1-S5; S0 is before the range, S6 had nobody in it.
    assert_eq!(r.sessions_held, 5);
    // 3 + 3 + 3 + 2 + 2.
    assert_eq!(r.attendances, 13);
    // S1: 1+2+1, S2: 1+1+1, S3: 1+1+1, S4: 1+1, S5: 1+1.
    assert_eq!(r.adults, 14);
    // S1: 1+1+2 (twins), S2: 3, S3: 3 (one twin), S4: 2, S5: 2.
    assert_eq!(r.babies, 14);
    // F1-F5.
    assert_eq!(r.distinct_families, 5);
    // F2, F3 (07/09), F4 (14/09), F5 (first came to The Gallery on 10/09);
    // F1 first came on 31/08, before the range.
    assert_eq!(r.new_families, 4);
    // F4, F5: 1; F3: 2; F2: 4; F1: 5.
    assert_eq!(r.repeat, vec![("1", 2), ("2-3", 1), ("4-7", 2), ("8+", 0)]);

    // Babies first seen at S1-S5: Zofia 217 days (31 weeks, 7 months, from her
    // birth: not her corrected 23 weeks), Minh and Anh 189 days (27 weeks,
    // 6 months) on 07/09; Yusuf 287 days (41 weeks, 9 months) on 14/09. Ava was
    // first seen on 31/08 and Rafi at The Gallery.
    let a = &r.first_age;
    assert_eq!(a.babies, 4);
    // Sorted 27, 27, 31, 41: median (27+31)/2; Q1 at rank 0.75; Q3 at rank 2.25.
    assert_eq!(a.median, Some(29.0));
    assert_eq!(a.lower_quartile, Some(27.0));
    assert_eq!(a.upper_quartile, Some(33.5));
    let months: Vec<usize> = counts(&a.by_month);
    assert_eq!(months, [0, 0, 0, 0, 0, 0, 2, 1, 0, 1, 0, 0, 0]);
    assert_eq!(a.by_month[12].0, "12m+");

    // F1 HV, F2 drop-in, F3 midwife, F4 service request, F5 HV.
    assert_eq!(counts(&r.referral_routes), [1, 2, 1, 1, 0]);
    // Unknown F5; Universal F1 F4; Plus F2; Partnership Plus F3.
    assert_eq!(counts(&r.hv_levels), [1, 2, 1, 1]);
    assert_eq!(r.eha, 2);
    assert_eq!(r.interpreter, 2);
    assert_eq!(
        labelled(&r.home_languages),
        [("Arabic", 1), ("Bengali", 1), ("English", 1), ("Polish", 1), ("Vietnamese", 1)]
    );

    // O1, O2, O3, O4, O8 (O5 deleted, O6 at The Gallery, O7 before the range).
    assert_eq!(r.observations, 5);
    assert_eq!(
        labelled(&r.by_domain),
        [
            ("Attunement", 2),
            ("Communication", 1),
            ("Physical", 1),
            ("Baby", 1),
            ("Parent wellbeing", 1),
            ("Staff action", 3),
            ("Other", 1),
        ]
    );
    assert_eq!(r.follow_ups, 1);
    assert_eq!(r.safeguarding, 1);
    // O4's `signposted` was taken out in its revision; O5 is deleted.
    assert_eq!(
        labelled(&r.signposting),
        [
            ("Modelled an interaction", 1),
            ("Signposted to a service", 1),
            ("Shared with a colleague", 1),
            ("Safeguarding concern raised", 1),
        ]
    );
}

#[test]
fn known_answers_for_every_group_and_date() {
    let dir = tempdir();
    build(dir.path());
    let r = report::report(&records(dir.path()), &TagList::built_in(), &Filter::default());
    // S0-S5 and T1, T2; S6 had nobody.
    assert_eq!(r.sessions_held, 8);
    // 1 + 13 + 2 + 2.
    assert_eq!(r.attendances, 18);
    assert_eq!(r.distinct_families, 7);
    assert_eq!(r.new_families, 7);
    // F4 F6 F7: 1; F3 (2) F5 (3): 2-3; F1 (6) F2 (4): 4-7.
    assert_eq!(r.repeat, vec![("1", 3), ("2-3", 2), ("4-7", 2), ("8+", 0)]);
    // "English" (F1) and "english" (F7) are one language, as first written.
    assert_eq!(r.home_languages[0], ("English".to_string(), 2));
    // Every baby at its first attendance: Ava 238 days (34 weeks) on 31/08,
    // Zofia 31, Minh 27, Anh 27, Yusuf 41 (as above), Rafi 157 days (22 weeks)
    // and Yichen 129 days (18 weeks) on 10/09, "=SUM(A1)" 108 days (15) on 17/09.
    // Sorted: 15 18 22 27 27 31 34 41: median 27, Q1 at 1.75 = 21, Q3 at 5.25 = 31.75.
    assert_eq!(r.first_age.babies, 8);
    assert_eq!(r.first_age.median, Some(27.0));
    assert_eq!(r.first_age.lower_quartile, Some(21.0));
    assert_eq!(r.first_age.upper_quartile, Some(31.75));
    // O1-O4, O6-O8.
    assert_eq!(r.observations, 7);
    assert_eq!(r.follow_ups, 2);
    assert_eq!(r.signposting[1], ("Signposted to a service".to_string(), 2));
}

#[test]
fn session_summary_of_the_second_week() {
    let dir = tempdir();
    build(dir.path());
    let recs = records(dir.path());
    let s2 = recs.sessions.iter().find(|s| s.id == sess("S2")).unwrap().clone();
    let s = report::session_summary(&recs, &TagList::built_in(), &s2);
    // F1, F2 (Łucja alone), F4.
    assert_eq!((s.families, s.adults, s.babies), (3, 3, 3));
    // F4 had never come before.
    assert_eq!(s.first_visits, 1);
    assert_eq!(s.walk_ins, 1);
    // F1, F2, F3 are on the list (F4 joined it by walking in); F3 stayed away.
    assert_eq!((s.expected, s.expected_present), (3, 2));
    // F1 (HV) and F4 (service request); F2 came by herself.
    assert_eq!(s.referred_present, 2);
    assert_eq!(labelled(&s.referral_routes), [("Drop-in/self", 1), ("Health visitor", 1), ("Service request form", 1)]);
    assert_eq!(labelled(&s.hv_levels), [("Universal", 2), ("Universal Plus", 1)]);
    assert_eq!(labelled(&s.neighbourhoods), [("North", 2), ("Not recorded", 1)]);
    assert_eq!((s.follow_ups, s.safeguarding), (1, 0));
    assert_eq!(labelled(&s.signposting), [("Modelled an interaction", 1), ("Signposted to a service", 1)]);
    // 26 weeks ending with Monday 14/09: from Monday 23/03.
    assert_eq!(s.weekly.len(), 26);
    assert_eq!(s.weekly[0], (day(2026, 3, 23), 0));
    let tail: Vec<(NaiveDate, usize)> = s.weekly[23..].to_vec();
    assert_eq!(tail, [(day(2026, 8, 31), 1), (day(2026, 9, 7), 3), (day(2026, 9, 14), 3)]);
    assert_eq!(s.weekly.iter().map(|(_, n)| n).sum::<usize>(), 7);
}

#[test]
fn pseudonymised_report_hides_small_counts() {
    let dir = tempdir();
    build(dir.path());
    let r = report::report(&records(dir.path()), &TagList::built_in(), &blenheim_autumn());
    let heading = render::Heading { group: Some("Blenheim Crescent".into()), pseudonymised: true };
    let text = render::text(&r, &heading);
    let line = |label: &str| text.lines().find(|l| l.trim_start().starts_with(label)).unwrap().to_string();
    assert!(line("Sessions held").ends_with(" 5"), "{text}");
    assert!(line("Attendances").ends_with(" 13"));
    assert!(line("Distinct families").ends_with(" 5"));
    assert!(line("New families").ends_with(" <5"));
    assert!(line("4-7 sessions").ends_with(" <5"));
    assert!(line("8+ sessions").ends_with(" 0"));
    // Four babies: the median would tell too much.
    assert!(line("Median").contains("not shown"));
    let json: serde_json::Value = serde_json::from_str(&render::json(&r, &heading)).unwrap();
    let rows = &json["sections"][0]["rows"];
    assert_eq!(rows[1]["value"], 13);
    assert_eq!(rows[5]["value"], "<5");
}

#[test]
fn report_on_the_command_line() {
    let dir = tempdir();
    build(dir.path());
    let out = thinkbaby()
        .unwrap()
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["report", "--group", "blenheim crescent", "--from", "07/09/2026", "--to", "2026-10-05"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Blenheim Crescent, 07/09/2026 to 05/10/2026"), "{text}");
    assert!(text.contains('█'));
    for line in text.lines() {
        assert!(thinkbaby::text::width(line) <= 80, "too wide: {line}");
    }
    let line = text.lines().find(|l| l.contains("Median")).unwrap();
    assert!(line.ends_with(" 29"), "{line}");
    let line = text.lines().find(|l| l.contains("Upper quartile")).unwrap();
    assert!(line.ends_with(" 33.5"), "{line}");

    let out =
        thinkbaby().unwrap().arg("--data-dir").arg(dir.path()).args(["report", "--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sections"][0]["rows"][0]["value"], 8);

    let out = thinkbaby()
        .unwrap()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["report", "--format", "csv", "--group", "The Gallery"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("\u{feff}section,item,value\r\n"));
    assert!(csv.contains("Attendance,Sessions held,2\r\n"), "{csv}");

    let out =
        thinkbaby().unwrap().arg("--data-dir").arg(dir.path()).args(["report", "--group", "Nowhere"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no group \"Nowhere\""));
}
