//! The evaluation's rows: what `export ... --pseudonymise` writes, row for row,
//! and what an evaluation table elsewhere (a hub's database) is to hold, so both
//! follow one set of rules. The rules, and why:
//!
//! - A family is its pseudonym ([`Pseudonymiser::of`]); an erased family gets a
//!   new one at its erasure, so its rows no longer join those of files made before.
//! - No exact dates: a session is its ISO week (`2026-W47`).
//! - The baby's age only at the family's first attendance, in weeks: the
//!   evaluation's question is how early parents come, and weeks are what
//!   tells 6 weeks from 10. Ages at every attendance, with the week, would place
//!   a birth within days; one age and its week place it within about a fortnight.
//! - A category (postcode district, home language, referral route, ...) that
//!   fewer than [`RARE`] families in the file share is shown as `Other`: a rare
//!   home language or a street's district would point at one family. Blank
//!   (not recorded) stays blank.
//! - No names, phones, notes, follow-ups, referrers, alerts, authors or times.

use super::export::Table;
use super::pseudonym::Pseudonymiser;
use super::{Filter, Index, Records};
use crate::domain::age::weeks_on;
use crate::domain::fold::{fold, postcode_district};
use crate::domain::tags::TagList;
use crate::domain::{Attendance, Family, Session};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A category shared by fewer families than this in a file is shown as [`OTHER`].
pub const RARE: usize = 5;

pub const OTHER: &str = "Other";

/// A session's date as the evaluation sees it: its ISO week, `2026-W47`.
pub fn iso_week(day: NaiveDate) -> String {
    day.format("%G-W%V").to_string()
}

/// One family at one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceRow {
    pub week: String,
    pub group: String,
    pub family: String,
    pub adults: usize,
    pub babies: usize,
    pub walk_in: bool,
    pub first_visit: bool,
    pub postcode_district: String,
}

/// One observation as it reads now (deleted ones are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservationRow {
    pub week: String,
    pub group: String,
    pub family: String,
    /// Tag labels, in the note's order.
    pub tags: Vec<String>,
    /// The tags' domains, each once.
    pub domains: Vec<String>,
    pub concern: String,
}

/// One family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyRow {
    pub family: String,
    /// How many babies, as a category: twins are rare.
    pub babies: String,
    pub postcode_district: String,
    pub neighbourhood: String,
    pub home_language: String,
    pub interpreter: String,
    pub referral_route: String,
    pub hv_level: String,
    pub need_level: String,
    pub eha: String,
    pub groups: String,
    /// The ISO week of the family's first attendance at any session.
    pub first_attendance: String,
    /// Each baby's age in whole weeks at that first attendance.
    pub baby_age_weeks_at_first_attendance: Vec<i64>,
    pub sessions_attended: usize,
}

/// The rows of one pseudonymised table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Rows {
    Attendance(Vec<AttendanceRow>),
    Observations(Vec<ObservationRow>),
    Families(Vec<FamilyRow>),
}

/// The pseudonymised rows of `table`: the one place that says what an
/// evaluation file holds.
pub fn rows(table: Table, r: &Records, tags: &TagList, filter: &Filter, pseudo: &Pseudonymiser) -> Rows {
    match table {
        Table::Attendance => Rows::Attendance(attendance(r, filter, pseudo)),
        Table::Observations => Rows::Observations(observations(r, tags, filter, pseudo)),
        Table::Families => Rows::Families(families(r, filter, pseudo)),
    }
}

/// The attendance at matching sessions, by week, group and pseudonym.
pub fn attendance(r: &Records, filter: &Filter, pseudo: &Pseudonymiser) -> Vec<AttendanceRow> {
    let ix = Index::new(r);
    let visits: Vec<(&Attendance, &Session)> = ix.attended(r, filter);
    let families: Vec<&Family> = distinct(visits.iter().map(|(a, _)| a.family), &ix);
    let district = Categories::of(&families, |f| postcode_district(&f.postcode));
    let mut rows: Vec<AttendanceRow> = visits
        .iter()
        .map(|(a, s)| {
            let f = ix.families.get(&a.family).copied();
            AttendanceRow {
                week: iso_week(s.date),
                group: ix.group_name(s.group).to_string(),
                family: name(pseudo, f, a.family),
                adults: a.carers.len(),
                babies: a.babies.len(),
                walk_in: a.walk_in,
                first_visit: ix.family_first.get(&a.family) == Some(&s.date),
                postcode_district: f.map(|f| district.shown(&postcode_district(&f.postcode))).unwrap_or_default(),
            }
        })
        .collect();
    // Sorted by what is shown, so the order gives nothing more away.
    rows.sort_by(|a, b| (&a.week, &a.group, &a.family).cmp(&(&b.week, &b.group, &b.family)));
    rows
}

/// The live observations at matching sessions: tags, domains and concern.
pub fn observations(r: &Records, tags: &TagList, filter: &Filter, pseudo: &Pseudonymiser) -> Vec<ObservationRow> {
    let ix = Index::new(r);
    let mut rows: Vec<ObservationRow> = ix
        .observed(r, filter)
        .iter()
        .map(|(o, s)| {
            let rev = o.current();
            let mut domains: Vec<String> = Vec::new();
            for t in &rev.tags {
                let d = tags.domain_of(t).to_string();
                if !domains.contains(&d) {
                    domains.push(d);
                }
            }
            ObservationRow {
                week: iso_week(s.date),
                group: ix.group_name(s.group).to_string(),
                family: name(pseudo, ix.families.get(&o.family).copied(), o.family),
                tags: rev.tags.iter().map(|t| tags.label(t).to_string()).collect(),
                domains,
                concern: rev.concern.label().to_string(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.week, &a.group, &a.family).cmp(&(&b.week, &b.group, &b.family)));
    rows
}

/// The families: everyone without a group or dates; with them, the families
/// that came, and, for a group without dates, those on its list too.
pub fn families(r: &Records, filter: &Filter, pseudo: &Pseudonymiser) -> Vec<FamilyRow> {
    let ix = Index::new(r);
    let mut attended: HashMap<Uuid, usize> = HashMap::new();
    for (a, _) in ix.attended(r, filter) {
        *attended.entry(a.family).or_default() += 1;
    }
    let listed: HashSet<Uuid> = match (filter.group, filter.from, filter.to) {
        (Some(g), None, None) => r.families.iter().filter(|f| f.groups.contains(&g)).map(|f| f.id).collect(),
        _ => HashSet::new(),
    };
    let chosen: Vec<&Family> = r
        .families
        .iter()
        .filter(|f| filter.is_everything() || attended.contains_key(&f.id) || listed.contains(&f.id))
        .collect();

    let groups_of = |f: &Family| f.groups.iter().map(|g| ix.group_name(*g).to_string()).collect::<Vec<_>>().join("; ");
    let babies = Categories::of(&chosen, |f| f.babies.len().to_string());
    let district = Categories::of(&chosen, |f| postcode_district(&f.postcode));
    let hood = Categories::of(&chosen, |f| f.neighbourhood.map(|n| n.label().to_string()).unwrap_or_default());
    let language = Categories::of(&chosen, language_of);
    let interpreter = Categories::of(&chosen, |f| yes_no(f.interpreter));
    let route = Categories::of(&chosen, |f| f.referral.route.label().to_string());
    let level = Categories::of(&chosen, |f| f.hv_level.label().to_string());
    let need = Categories::of(&chosen, |f| f.need_level.map(|n| n.to_string()).unwrap_or_default());
    let eha = Categories::of(&chosen, |f| yes_no(f.eha));
    let groups = Categories::of(&chosen, groups_of);

    let mut rows: Vec<FamilyRow> = chosen
        .iter()
        .map(|f| {
            let first = ix.family_first.get(&f.id).copied();
            FamilyRow {
                family: pseudo.of(f),
                babies: babies.shown(&f.babies.len().to_string()),
                postcode_district: district.shown(&postcode_district(&f.postcode)),
                neighbourhood: hood.shown(&f.neighbourhood.map(|n| n.label().to_string()).unwrap_or_default()),
                home_language: language.shown(&language_of(f)),
                interpreter: interpreter.shown(&yes_no(f.interpreter)),
                referral_route: route.shown(f.referral.route.label()),
                hv_level: level.shown(f.hv_level.label()),
                need_level: need.shown(&f.need_level.map(|n| n.to_string()).unwrap_or_default()),
                eha: eha.shown(&yes_no(f.eha)),
                groups: groups.shown(&groups_of(f)),
                first_attendance: first.map(iso_week).unwrap_or_default(),
                baby_age_weeks_at_first_attendance: match first {
                    // An erased family's dates of birth are gone: no ages.
                    Some(d) if !f.is_erased() => {
                        f.babies.iter().filter(|b| b.dob <= d).map(|b| weeks_on(b.dob, d)).collect()
                    }
                    _ => vec![],
                },
                sessions_attended: attended.get(&f.id).copied().unwrap_or(0),
            }
        })
        .collect();
    // Sorted by pseudonym, so the order gives nothing away (ids are time-ordered).
    rows.sort_by(|a, b| a.family.cmp(&b.family));
    rows
}

/// The family's pseudonym; an id with no family record keeps its plain pseudonym.
fn name(pseudo: &Pseudonymiser, f: Option<&Family>, id: Uuid) -> String {
    f.map(|f| pseudo.of(f)).unwrap_or_else(|| pseudo.family(id))
}

fn distinct<'a>(ids: impl Iterator<Item = Uuid>, ix: &Index<'a>) -> Vec<&'a Family> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).filter_map(|id| ix.families.get(&id).copied()).collect()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// A home language as first written, spacing squashed.
fn language_of(f: &Family) -> String {
    f.home_language.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many families in the file share each value of one column.
struct Categories {
    /// Families by folded value (case, accents and spacing ignored).
    counts: HashMap<String, usize>,
    /// The first spelling met of each value, for its families to share.
    spelling: HashMap<String, String>,
}

impl Categories {
    fn of(families: &[&Family], value: impl Fn(&Family) -> String) -> Categories {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut spelling: HashMap<String, String> = HashMap::new();
        let mut seen: HashSet<Uuid> = HashSet::new();
        for f in families.iter().filter(|f| seen.insert(f.id)) {
            let v = value(f);
            let key = fold(&v);
            *counts.entry(key.clone()).or_default() += 1;
            spelling.entry(key).or_insert(v);
        }
        Categories { counts, spelling }
    }

    /// The value, or `Other` when fewer than [`RARE`] families share it.
    fn shown(&self, value: &str) -> String {
        let key = fold(value);
        if key.is_empty() {
            return String::new();
        }
        match self.counts.get(&key) {
            Some(n) if *n >= RARE => self.spelling.get(&key).cloned().unwrap_or_else(|| value.to_string()),
            _ => OTHER.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_cross_the_year_as_iso_says() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(iso_week(d(2026, 11, 19)), "2026-W47");
        assert_eq!(iso_week(d(2027, 1, 1)), "2026-W53");
        assert_eq!(iso_week(d(2025, 12, 29)), "2026-W01");
    }
}
