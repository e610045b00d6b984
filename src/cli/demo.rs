//! The demo store behind `thinkbaby --demo`: Luton's two first Think Baby groups,
//! the made-up families of `assets/demo/roster.csv`, and eight weeks of sessions,
//! check-ins and observation notes, so every screen has something to show.
//!
//! The roster's dates were written for [`ANCHOR`] (late November 2026). The demo
//! runs on the real date, so every date in the roster is moved by the distance
//! from the anchor to today: the baby about to turn one is always about to turn
//! one, and no birth date is ever in the future.
//!
//! Deterministic: no randomness comes from the OS. Ids and choices in the history
//! come from `sample::Rng` with a fixed seed, its notes from `sample::notes`
//! (the generated stores of trials and benchmarks use the same). The roster
//! import makes its own ids.
//! Nothing is written outside `dir`. Today's session is not made: the facilitator
//! opens it and checks families in live.

use crate::clock::{Clock, SystemClock};
use crate::domain::audit;
use crate::domain::*;
use crate::failure::Failure;
use crate::import::roster;
use crate::sample::Rng;
use crate::sample::notes::NOTES;
use crate::store::{Change, Store};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

/// The demo roster, inside the program so that `--demo` needs no file.
pub const ROSTER: &[u8] = include_bytes!("../../assets/demo/roster.csv");

/// The day the roster's dates were written for: a Thursday in late November 2026.
pub const ANCHOR: (i32, u32, u32) = (2026, 11, 26);

/// Past weekly sessions made for each group.
pub const WEEKS_OF_HISTORY: i64 = 8;

pub const CENTRAL: &str = "Central";
pub const SOUTH: &str = "South";

const SEED: u64 = 0x7468_696e_6b62_6162; // "thinkbab"

/// Roster columns that hold dates, moved with the calendar.
const DATE_COLUMNS: &[&str] = &["baby_dob", "baby_due_date", "referral_date"];

/// Staff of the demo groups: initials and names.
const STAFF: &[(&str, &str)] =
    &[("JH", "Jess Holloway"), ("NR", "Nadia Rahman"), ("KO", "Kasia Olszewska"), ("DM", "Dawn Matthews")];

/// `thinkbaby --demo`: the screens on a demo store in a temporary folder, removed
/// on quit, and also when the program is stopped by SIGTERM, SIGHUP or Ctrl-C
/// (a closed terminal window, a shutdown).
pub fn run(options: crate::tui::Options) -> Result<(), Failure> {
    let clock = SystemClock;
    let dir = tempfile::Builder::new()
        .prefix("thinkbaby-demo-")
        .tempdir()
        .map_err(|e| Failure::new(format!("cannot make a temporary folder for the demo: {e}")))?;
    let path = dir.path().to_path_buf();
    let _cleanup = crate::interrupt::on_interrupt(move || {
        // sled's threads may add a file while the folder goes: try again.
        for _ in 0..3 {
            if std::fs::remove_dir_all(&path).is_ok() || !path.exists() {
                break;
            }
        }
        // The screens put the terminal back themselves (see `tui::run`).
    });
    let store = build(dir.path(), &clock)?;
    crate::tui::run(crate::tui::Opening::Ready(Box::new(store)), std::rc::Rc::new(clock), options)
}

/// Makes the demo store in `dir`, sealed with a key that lives only in memory:
/// the demo is thrown away on quit.
pub fn build(dir: &Path, clock: &dyn Clock) -> Result<Store, Failure> {
    let store = Store::open_with(dir, crate::store::Unlock::Ephemeral)?;
    fill(&store, clock)?;
    Ok(store)
}

/// Fills an open store with the demo: groups, staff, the roster, then the history.
pub fn fill(store: &Store, clock: &dyn Clock) -> Result<(), Failure> {
    let now = clock.now();
    let today = clock.today();
    let mut rng = Rng::new(SEED);
    let device = store.device();
    let created = now - Duration::weeks(WEEKS_OF_HISTORY + 2);

    // Central meets on today's weekday, so the demo always has a group today;
    // South meets on Tuesdays (Wednesdays when Central has Tuesday).
    let central_day = today.weekday().num_days_from_monday() as u8;
    let south_day = if central_day == 1 { 2 } else { 1 };
    let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default();
    let half_eleven = NaiveTime::from_hms_opt(11, 30, 0).unwrap_or_default();
    let group = |rng: &mut Rng, name: &str, venue: &str, n: Neighbourhood, weekday: u8| Group {
        id: rng.id(created),
        name: name.into(),
        venue: venue.into(),
        neighbourhood: Some(n),
        weekday,
        start: ten,
        end: half_eleven,
        stamp: Stamp::new(created, device),
    };
    let central =
        group(&mut rng, CENTRAL, "Blenheim Crescent Church Hall, LU3 1HB", Neighbourhood::Central, central_day);
    let south = group(&mut rng, SOUTH, "The Gallery, The Mall, LU1 2TW", Neighbourhood::South, south_day);
    let mut setup = Change::default();
    setup.put_group(&central);
    setup.put_group(&south);
    for (initials, name) in STAFF {
        setup.put_staff(&Staff {
            initials: (*initials).into(),
            name: (*name).into(),
            stamp: Stamp::new(created, device),
        });
    }
    store.commit(setup)?;

    let shift = today.signed_duration_since(anchor());
    roster::import(store, &shifted_roster(shift)?, None, now, today)?;

    let history = history(store, clock, &mut rng, &[(&central, ["JH", "NR"]), (&south, ["KO", "DM"])])?;
    store.commit(history)?;
    Ok(())
}

/// The anchor as a date.
pub fn anchor() -> NaiveDate {
    let (y, m, d) = ANCHOR;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The demo roster with every date moved by `shift`, as CSV bytes.
pub fn shifted_roster(shift: Duration) -> Result<Vec<u8>, Failure> {
    let broken = |e: &dyn std::fmt::Display| Failure::new(format!("the built-in demo roster is damaged: {e}"));
    let mut reader = csv::Reader::from_reader(ROSTER);
    let headers = reader.headers().map_err(|e| broken(&e))?.clone();
    let dated: Vec<bool> = headers.iter().map(|h| DATE_COLUMNS.contains(&h.trim())).collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).map_err(|e| broken(&e))?;
    for record in reader.records() {
        let record = record.map_err(|e| broken(&e))?;
        let mut out = Vec::with_capacity(record.len());
        for (field, is_date) in record.iter().zip(&dated) {
            if *is_date && !field.trim().is_empty() {
                let day = crate::clock::parse_date(field).map_err(|e| broken(&e))?;
                out.push((day + shift).format("%d/%m/%Y").to_string());
            } else {
                out.push(field.to_string());
            }
        }
        writer.write_record(&out).map_err(|e| broken(&e))?;
    }
    writer.into_inner().map_err(|e| broken(&e))
}

/// Eight weeks of sessions for each group, with check-ins and a handful of notes.
fn history(store: &Store, clock: &dyn Clock, rng: &mut Rng, groups: &[(&Group, [&str; 2])]) -> Result<Change, Failure> {
    let today = clock.today();
    let device = store.device();
    let mut families = store.families()?;
    // The import makes random ids: order families by name so the history is the same every time.
    families.sort_by(|a, b| {
        (a.first_carer(), a.carers.first().map(|c| c.phone.as_str()))
            .cmp(&(b.first_carer(), b.carers.first().map(|c| c.phone.as_str())))
    });
    let mut change = Change::default();

    // Where each family belongs, and from which week it first came (none for some
    // families new on the roster). A family comes on three weeks out of four.
    let neighbourhood: HashMap<Uuid, Option<Neighbourhood>> =
        groups.iter().map(|(g, _)| (g.id, g.neighbourhood)).collect();
    let mut first_week = Vec::with_capacity(families.len());
    for f in &mut families {
        if let Some(n) = f.groups.first().and_then(|g| neighbourhood.get(g)) {
            f.neighbourhood = *n;
            change.put_family(f);
        }
        first_week.push(match rng.below(10) {
            0 => None,
            1..=3 => Some(rng.below(WEEKS_OF_HISTORY as u64) as i64),
            _ => Some(0),
        });
    }

    let mut visits: Vec<(Session, Attendance)> = Vec::new();
    // The audit trail of the history, as the screens would have written it; its
    // ids from a generator of their own, so the history itself does not move.
    let mut audit_ids = Rng::new(SEED ^ 0x0061_7564_6974);
    let mut audit = |change: &mut Change, entry: AuditEntry| {
        change.audit(&AuditEntry { id: audit_ids.id(entry.at), ..entry });
    };
    for (group, staff) in groups {
        let last = last_meeting_before(today, group.weekday);
        for week in 0..WEEKS_OF_HISTORY {
            let day = last - Duration::weeks(WEEKS_OF_HISTORY - 1 - week);
            let opened = at(clock, day, 9, 45);
            let facilitators: Vec<String> = if rng.below(4) == 0 {
                vec![staff[0].to_string()]
            } else {
                staff.iter().map(|s| s.to_string()).collect()
            };
            // A session's id follows from its group and date; the draw keeps the
            // history's random numbers where they were.
            let _ = rng.id(opened);
            let session = Session::new(group.id, day, facilitators.clone(), Stamp::new(opened, device));
            change.put_session(&session);
            for (f, first) in families.iter().zip(&first_week) {
                let expected = f.groups.contains(&group.id);
                let comes = match first {
                    Some(w) if expected => week >= *w && rng.below(4) != 0,
                    // Now and then a family from the other group drops in.
                    _ => !expected && rng.below(40) == 0,
                };
                let oldest = f.babies.iter().map(|b| b.dob).min();
                if !comes || oldest.is_none_or(|dob| dob + Duration::weeks(2) > day) {
                    continue;
                }
                let checked_in = at(clock, day, 10, 0) + Duration::minutes(rng.below(35) as i64);
                let checked_out = at(clock, day, 11, 15) + Duration::minutes(rng.below(20) as i64);
                let a = Attendance {
                    session: session.id,
                    family: f.id,
                    checked_in,
                    checked_out: Some(checked_out),
                    carers: f.carers.iter().map(|c| c.id).collect(),
                    babies: f.babies.iter().filter(|b| b.dob <= day).map(|b| b.id).collect(),
                    walk_in: !expected,
                    by: facilitators[rng.below(facilitators.len() as u64) as usize].clone(),
                    stamp: Stamp::new(checked_in, device),
                };
                change.put_attendance(&a);
                for (action, when) in [(AuditAction::CheckedIn, checked_in), (AuditAction::CheckedOut, checked_out)] {
                    let entry = AuditEntry::new(f.id, action, when, &a.by, device).at_session(session.id);
                    audit(&mut change, if a.walk_in { entry.detail(Detail::WalkIn) } else { entry });
                }
                visits.push((session.clone(), a));
            }
        }
    }

    // A handful of notes, each on a different visit.
    let mut used = std::collections::HashSet::new();
    for note in NOTES {
        if used.len() == visits.len() {
            break;
        }
        let mut pick = rng.below(visits.len() as u64) as usize;
        while !used.insert(pick) {
            pick = (pick + 1) % visits.len();
        }
        let (session, a) = &visits[pick];
        let author = session.facilitators[rng.below(session.facilitators.len() as u64) as usize].clone();
        let written = a.checked_in + Duration::minutes(20 + rng.below(40) as i64);
        let id = rng.id(written);
        let first = Revision {
            id: crate::store::migrate::revision_id(id, 0, written),
            parents: vec![],
            tags: note.tags.iter().map(|t| t.to_string()).collect(),
            text: note.text.into(),
            concern: note.concern,
            follow_up: note.follow_up.into(),
            baby: a.babies.first().copied(),
            by: author,
            at: written,
            why: String::new(),
        };
        let o = Observation::new(id, a.family, session.id, first, device);
        if let Some((action, details)) = audit::observation_change(None, &o) {
            let entry = AuditEntry::new(o.family, action, written, &o.author, device);
            audit(&mut change, entry.at_session(session.id).about_note(o.id).details(details));
        }
        change.put_observation(&o);
    }
    Ok(change)
}

/// The latest day before `today` that falls on `weekday` (Monday = 0).
fn last_meeting_before(today: NaiveDate, weekday: u8) -> NaiveDate {
    let now = today.weekday().num_days_from_monday() as i64;
    let back = (now - weekday as i64).rem_euclid(7);
    today - Duration::days(if back == 0 { 7 } else { back })
}

/// The moment of a wall-clock time on `day` where the group meets.
fn at(clock: &dyn Clock, day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let wall = day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
    // The clock turns moments into wall-clock times; take its offset near that moment.
    let guess = wall.and_utc();
    let offset = clock.local(guess) - guess.naive_utc();
    (wall - offset).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_meeting_is_strictly_before_today() {
        let thu = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(last_meeting_before(thu, 3), thu - Duration::days(7));
        assert_eq!(last_meeting_before(thu, 1), NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        assert_eq!(last_meeting_before(thu, 4), NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
    }

    #[test]
    fn the_roster_moves_with_the_calendar() {
        let moved = String::from_utf8(shifted_roster(Duration::days(7)).unwrap()).unwrap();
        // Freddie, born 10/12/2025 in the file, a week later.
        assert!(moved.contains("Freddie,17/12/2025"), "{moved}");
        let same = String::from_utf8(shifted_roster(Duration::zero()).unwrap()).unwrap();
        assert!(same.contains("Imran,14/08/2026,09/10/2026"));
    }
}
