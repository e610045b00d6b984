//! `thinkbaby export attendance|observations|families --format csv`: files for
//! Excel. UTF-8 with a byte-order mark (so Excel shows every name), CRLF line
//! ends, dates as `dd/mm/yyyy`, fields quoted by the csv crate where needed.
//! Stored text goes through `text::clean` and a leading `= + - @` is guarded
//! with an apostrophe, so that a cell is never run as a formula.
//!
//! Pseudonymised, a file holds the rows of [`super::evaluation`], whose rules
//! say what it leaves out.

use super::evaluation::{self, Rows};
use super::pseudonym::Pseudonymiser;
use super::{Filter, Index, Records};
use crate::clock::Clock;
use crate::domain::age::weeks_on;
use crate::domain::tags::TagList;
use crate::domain::{Attendance, Family, Session};
use crate::text::{clean, clean_multiline};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use uuid::Uuid;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// One row per family per session.
    Attendance,
    /// One row per live observation (deleted ones are left out).
    Observations,
    /// One row per family.
    Families,
}

/// A CSV writer as Excel likes it (CRLF line ends).
pub fn writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w)
}

/// Stored text made safe for a cell: control characters shown, formulas defused.
pub fn safe(text: &str) -> String {
    guard(clean(text))
}

fn safe_multiline(text: &str) -> String {
    guard(clean_multiline(text))
}

fn guard(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text }
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Writes the table for the sessions matching `filter`, byte-order mark first.
/// Returns the number of rows written (not counting the header).
pub fn write(
    table: Table,
    records: &Records,
    tags: &TagList,
    filter: &Filter,
    pseudo: Option<&Pseudonymiser>,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> Result<usize, csv::Error> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = writer(out);
    let rows = match pseudo {
        Some(p) => pseudonymised(&mut w, evaluation::rows(table, records, tags, filter, p))?,
        None => {
            let ix = Index::new(records);
            match table {
                Table::Attendance => attendance(&mut w, records, &ix, filter, clock)?,
                Table::Observations => observations(&mut w, records, &ix, tags, filter, clock)?,
                Table::Families => families(&mut w, records, &ix, filter)?,
            }
        }
    };
    w.flush()?;
    Ok(rows)
}

type Out<'a> = csv::Writer<&'a mut dyn Write>;

/// The evaluation's rows as CSV, a header first.
fn pseudonymised(w: &mut Out, rows: Rows) -> Result<usize, csv::Error> {
    let list = |v: &[String]| safe(&v.join("; "));
    let n = match rows {
        Rows::Attendance(rows) => {
            w.write_record([
                "week",
                "group",
                "family",
                "adults",
                "babies",
                "walk_in",
                "first_visit",
                "postcode_district",
            ])?;
            for r in &rows {
                w.write_record([
                    r.week.clone(),
                    safe(&r.group),
                    r.family.clone(),
                    r.adults.to_string(),
                    r.babies.to_string(),
                    yes_no(r.walk_in).into(),
                    yes_no(r.first_visit).into(),
                    safe(&r.postcode_district),
                ])?;
            }
            rows.len()
        }
        Rows::Observations(rows) => {
            w.write_record(["week", "group", "family", "tags", "domains", "concern"])?;
            for r in &rows {
                w.write_record([
                    r.week.clone(),
                    safe(&r.group),
                    r.family.clone(),
                    list(&r.tags),
                    list(&r.domains),
                    r.concern.clone(),
                ])?;
            }
            rows.len()
        }
        Rows::Families(rows) => {
            w.write_record([
                "family",
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
                "first_attendance",
                "baby_age_weeks_at_first_attendance",
                "sessions_attended",
            ])?;
            for r in &rows {
                let ages: Vec<String> = r.baby_age_weeks_at_first_attendance.iter().map(|a| a.to_string()).collect();
                w.write_record([
                    r.family.clone(),
                    r.babies.clone(),
                    safe(&r.postcode_district),
                    r.neighbourhood.clone(),
                    safe(&r.home_language),
                    r.interpreter.clone(),
                    r.referral_route.clone(),
                    r.hv_level.clone(),
                    r.need_level.clone(),
                    r.eha.clone(),
                    safe(&r.groups),
                    r.first_attendance.clone(),
                    ages.join("; "),
                    r.sessions_attended.to_string(),
                ])?;
            }
            rows.len()
        }
    };
    Ok(n)
}

fn attendance(w: &mut Out, r: &Records, ix: &Index, filter: &Filter, clock: &dyn Clock) -> Result<usize, csv::Error> {
    w.write_record([
        "date",
        "group",
        "family_id",
        "parents_present",
        "babies_present",
        "adults",
        "babies",
        "walk_in",
        "first_visit",
        "baby_age_weeks",
        "time_in",
        "time_out",
        "postcode",
    ])?;
    let mut rows: Vec<(&Attendance, &Session)> = ix.attended(r, filter);
    rows.sort_by(|(a, s), (b, t)| {
        (s.date, ix.group_name(s.group), a.checked_in, a.family).cmp(&(
            t.date,
            ix.group_name(t.group),
            b.checked_in,
            b.family,
        ))
    });
    let time = |t: DateTime<Utc>| clock.local(t).format("%H:%M").to_string();
    for (a, s) in &rows {
        let f = ix.families.get(&a.family).copied();
        // The carers and babies who came, not the whole family.
        let names = |ids: &[Uuid], name: &dyn Fn(&Family, Uuid) -> Option<String>| -> String {
            f.map(|f| ids.iter().filter_map(|id| name(f, *id)).collect::<Vec<_>>().join(" & ")).unwrap_or_default()
        };
        let ages: Vec<String> = a
            .babies
            .iter()
            // An erased family's dates of birth are gone: no ages.
            .filter_map(|b| f.filter(|f| !f.is_erased()).and_then(|f| f.baby(*b)))
            .map(|b| weeks_on(b.dob, s.date).to_string())
            .collect();
        w.write_record([
            day(s.date),
            safe(ix.group_name(s.group)),
            a.family.to_string(),
            safe(&names(&a.carers, &|f, id| f.carers.iter().find(|c| c.id == id).map(|c| c.name.clone()))),
            safe(&names(&a.babies, &|f, id| f.baby(id).map(|b| b.name.clone()))),
            a.carers.len().to_string(),
            a.babies.len().to_string(),
            yes_no(a.walk_in).to_string(),
            yes_no(ix.family_first.get(&a.family) == Some(&s.date)).to_string(),
            ages.join("; "),
            time(a.checked_in),
            a.checked_out.map(time).unwrap_or_default(),
            safe(f.map(|f| f.postcode.as_str()).unwrap_or("")),
        ])?;
    }
    Ok(rows.len())
}

fn observations(
    w: &mut Out,
    r: &Records,
    ix: &Index,
    tags: &TagList,
    filter: &Filter,
    clock: &dyn Clock,
) -> Result<usize, csv::Error> {
    w.write_record([
        "date",
        "group",
        "family_id",
        "parents",
        "baby",
        "time",
        "author",
        "tags",
        "domains",
        "concern",
        "follow_up",
        "note",
        "edited",
    ])?;
    let mut rows = ix.observed(r, filter);
    rows.sort_by_key(|(o, s)| (s.date, o.at, o.id));
    for (o, s) in &rows {
        let f = ix.families.get(&o.family).copied();
        let rev = o.current();
        let baby = rev.baby.and_then(|b| f.and_then(|f| f.baby(b)));
        let labels: Vec<&str> = rev.tags.iter().map(|t| tags.label(t)).collect();
        let mut domains: Vec<&str> = Vec::new();
        for t in &rev.tags {
            let d = tags.domain_of(t);
            if !domains.contains(&d) {
                domains.push(d);
            }
        }
        w.write_record([
            day(s.date),
            safe(ix.group_name(s.group)),
            o.family.to_string(),
            f.map(|f| safe(&f.carer_names())).unwrap_or_default(),
            baby.map(|b| safe(&b.name)).unwrap_or_default(),
            clock.local(o.at).format("%H:%M").to_string(),
            safe(&o.author),
            safe(&labels.join("; ")),
            safe(&domains.join("; ")),
            rev.concern.label().to_string(),
            safe_multiline(&rev.follow_up),
            safe_multiline(&rev.text),
            yes_no(o.revisions.len() > 1).to_string(),
        ])?;
    }
    Ok(rows.len())
}

fn families(w: &mut Out, r: &Records, ix: &Index, filter: &Filter) -> Result<usize, csv::Error> {
    w.write_record([
        "family_id",
        "parents",
        "phones",
        "babies",
        "baby_dobs",
        "postcode",
        "neighbourhood",
        "home_language",
        "interpreter",
        "referral_route",
        "referral_date",
        "referrer",
        "hv_level",
        "need_level",
        "eha",
        "data_sharing_consent",
        "photo_consent",
        "groups",
        "first_attendance",
        "sessions_attended",
    ])?;
    let mut attended: HashMap<Uuid, usize> = HashMap::new();
    for (a, _) in ix.attended(r, filter) {
        *attended.entry(a.family).or_default() += 1;
    }
    // Everyone when nothing is asked for; else the families that came, and,
    // for a group without dates, the families on its list too.
    let listed: HashSet<Uuid> = match (filter.group, filter.from, filter.to) {
        (Some(g), None, None) => r.families.iter().filter(|f| f.groups.contains(&g)).map(|f| f.id).collect(),
        _ => HashSet::new(),
    };
    let mut chosen: Vec<&Family> = r
        .families
        .iter()
        .filter(|f| filter.is_everything() || attended.contains_key(&f.id) || listed.contains(&f.id))
        .collect();
    chosen.sort_by_key(|f| (crate::domain::fold::fold(f.first_carer()), f.id));
    for f in &chosen {
        let groups: Vec<String> = f.groups.iter().map(|g| safe(ix.group_name(*g))).collect();
        let phones: Vec<&str> = f.carers.iter().map(|c| c.phone.as_str()).filter(|p| !p.is_empty()).collect();
        w.write_record([
            f.id.to_string(),
            safe(&f.carer_names()),
            safe(&phones.join("; ")),
            safe(&f.baby_names()),
            if f.is_erased() {
                String::new()
            } else {
                f.babies.iter().map(|b| day(b.dob)).collect::<Vec<_>>().join("; ")
            },
            safe(&f.postcode),
            f.neighbourhood.map(|n| n.label().to_string()).unwrap_or_default(),
            safe(&f.home_language),
            yes_no(f.interpreter).into(),
            f.referral.route.label().into(),
            f.referral.date.map(day).unwrap_or_default(),
            safe(&f.referral.referrer),
            f.hv_level.label().into(),
            f.need_level.map(|n| n.to_string()).unwrap_or_default(),
            yes_no(f.eha).into(),
            f.data_sharing.answer.label().into(),
            f.photos.answer.label().into(),
            groups.join("; "),
            ix.family_first.get(&f.id).copied().map(day).unwrap_or_default(),
            attended.get(&f.id).copied().unwrap_or(0).to_string(),
        ])?;
    }
    Ok(chosen.len())
}
