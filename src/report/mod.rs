//! Figures for the centre's commissioners and for the evaluation, worked out from
//! records already loaded: pure functions, no I/O and no terminal. `Records::load`
//! is the one place that reads the store.
//!
//! - [`report`]: the figures over a group and a range of dates.
//! - [`session_summary`]: one session, for the Summary screen.
//! - [`render`]: a report as text (with bar charts), CSV or JSON.
//! - [`export`]: attendance, observations and families as CSV for Excel.
//! - [`evaluation`]: the pseudonymised rows of those tables, for the evaluation.
//! - [`pseudonym`]: keyed pseudonyms and small-count suppression for the evaluation.
//!
//! Definitions used throughout:
//! - A session *matches* a filter when it belongs to the filter's group (if any)
//!   and its date lies within `from..=to` (each end optional).
//! - A family's (or a baby's) *first attendance* is its earliest attendance at any
//!   session of any group, whatever the filter.

pub mod evaluation;
pub mod export;
pub mod pseudonym;
pub mod render;
pub mod summary;

pub use pseudonym::Pseudonymiser;
pub use summary::{SessionSummary, session_summary};

use crate::domain::age::{weeks_on, whole_months};
use crate::domain::fold::fold;
use crate::domain::tags::{STAFF_ACTION, TagList};
use crate::domain::{Attendance, Concern, Family, Group, HvLevel, Observation, ReferralRoute, Session};
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Every record a report reads, loaded once.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub families: Vec<Family>,
    pub groups: Vec<Group>,
    pub sessions: Vec<Session>,
    pub attendance: Vec<Attendance>,
    pub observations: Vec<Observation>,
}

impl Records {
    /// Every record; a family a person joined into another is not one of its own.
    pub fn load(store: &Store) -> Result<Records, StoreError> {
        Ok(Records {
            families: store.families()?.into_iter().filter(|f| f.joined_into.is_none()).collect(),
            groups: store.groups()?,
            sessions: store.sessions()?,
            attendance: store.all_attendance()?,
            observations: store.all_observations()?,
        })
    }

    /// Just what the summary of one `session` needs, for the Summary screen:
    /// its group's sessions and attendance (the weekly chart), the `present`
    /// families' whole attendance (first visits), and the notes written at it
    /// about the `written_about` families. `families` and `groups` are given,
    /// already in memory.
    pub fn for_session(
        store: &Store,
        session: &Session,
        present: &[Uuid],
        written_about: &[Uuid],
        families: Vec<Family>,
        groups: Vec<Group>,
    ) -> Result<Records, StoreError> {
        let mut sessions: HashMap<Uuid, Session> =
            store.sessions_of(session.group)?.into_iter().map(|s| (s.id, s)).collect();
        let mut attendance: HashMap<(Uuid, Uuid), Attendance> = HashMap::new();
        for s in sessions.values() {
            for a in store.attendance_of_session(s.id)? {
                attendance.insert((a.session, a.family), a);
            }
        }
        for id in present {
            for a in store.attendance_of_family(*id)? {
                if !sessions.contains_key(&a.session)
                    && let Some(s) = store.session(a.session)?
                {
                    sessions.insert(s.id, s);
                }
                attendance.insert((a.session, a.family), a);
            }
        }
        let mut observations = Vec::new();
        for id in written_about {
            observations.extend(store.observations_at(*id, session.id)?);
        }
        Ok(Records {
            families,
            groups,
            sessions: sessions.into_values().collect(),
            attendance: attendance.into_values().collect(),
            observations,
        })
    }
}

/// Which sessions a report or export covers. Both dates are included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub group: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Filter {
    pub fn takes_date(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }

    pub fn takes(&self, s: &Session) -> bool {
        self.group.is_none_or(|g| g == s.group) && self.takes_date(s.date)
    }

    /// True when neither a group nor a date was given.
    pub fn is_everything(&self) -> bool {
        self.group.is_none() && self.from.is_none() && self.to.is_none()
    }
}

/// Look-ups over `Records`, built once per report.
pub(crate) struct Index<'a> {
    pub sessions: HashMap<Uuid, &'a Session>,
    pub families: HashMap<Uuid, &'a Family>,
    pub groups: HashMap<Uuid, &'a Group>,
    /// Each family's first attendance date (any group).
    pub family_first: HashMap<Uuid, NaiveDate>,
    /// Each baby's first attendance date (any group), by baby id.
    pub baby_first: HashMap<Uuid, NaiveDate>,
}

impl<'a> Index<'a> {
    pub fn new(r: &'a Records) -> Self {
        let sessions: HashMap<Uuid, &Session> = r.sessions.iter().map(|s| (s.id, s)).collect();
        let mut family_first: HashMap<Uuid, NaiveDate> = HashMap::new();
        let mut baby_first: HashMap<Uuid, NaiveDate> = HashMap::new();
        for a in &r.attendance {
            let Some(s) = sessions.get(&a.session) else {
                continue;
            };
            earliest(&mut family_first, a.family, s.date);
            for b in &a.babies {
                earliest(&mut baby_first, *b, s.date);
            }
        }
        Index {
            sessions,
            families: r.families.iter().map(|f| (f.id, f)).collect(),
            groups: r.groups.iter().map(|g| (g.id, g)).collect(),
            family_first,
            baby_first,
        }
    }

    /// The attendances at sessions that match `filter`, with their sessions.
    pub fn attended(&self, r: &'a Records, filter: &Filter) -> Vec<(&'a Attendance, &'a Session)> {
        r.attendance
            .iter()
            .filter_map(|a| self.sessions.get(&a.session).map(|s| (a, *s)))
            .filter(|(_, s)| filter.takes(s))
            .collect()
    }

    /// Live (not deleted) observations made at sessions that match `filter`.
    pub fn observed(&self, r: &'a Records, filter: &Filter) -> Vec<(&'a Observation, &'a Session)> {
        r.observations
            .iter()
            .filter(|o| o.is_live())
            .filter_map(|o| self.sessions.get(&o.session).map(|s| (o, *s)))
            .filter(|(_, s)| filter.takes(s))
            .collect()
    }

    pub fn group_name(&self, id: Uuid) -> &'a str {
        self.groups.get(&id).map(|g| g.name.as_str()).unwrap_or("(unknown group)")
    }
}

fn earliest(map: &mut HashMap<Uuid, NaiveDate>, id: Uuid, day: NaiveDate) {
    map.entry(id).and_modify(|d| *d = (*d).min(day)).or_insert(day);
}

/// The repeat-attendance buckets: sessions attended by a family in the range.
pub const REPEAT_BUCKETS: [&str; 4] = ["1", "2-3", "4-7", "8+"];

fn repeat_bucket(sessions: usize) -> usize {
    match sessions {
        0 | 1 => 0,
        2..=3 => 1,
        4..=7 => 2,
        _ => 3,
    }
}

/// The babies' ages when they first came, in whole weeks since birth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FirstAge {
    /// Babies whose first attendance (at any session) is one of the matching sessions.
    pub babies: usize,
    /// Median and quartiles in weeks, as Excel's MEDIAN and QUARTILE.INC work them
    /// out (linear between ranks); None when there are no babies.
    pub median: Option<f64>,
    pub lower_quartile: Option<f64>,
    pub upper_quartile: Option<f64>,
    /// Babies by whole months of age at their first attendance: labels `0m` to
    /// `11m`, then `12m+`; all thirteen, zeros included.
    pub by_month: Vec<(String, usize)>,
}

/// Every figure of `thinkbaby report`. Family figures (routes, levels, languages)
/// count distinct families that attended a matching session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub filter: Filter,
    /// Matching sessions at which at least one family was checked in (a session
    /// opened by mistake, with nobody in it, is not a session held).
    pub sessions_held: usize,
    /// Attendances: one per family per session.
    pub attendances: usize,
    /// Carers present, summed over attendances.
    pub adults: usize,
    /// Babies present, summed over attendances.
    pub babies: usize,
    pub distinct_families: usize,
    /// Families whose first attendance at any session falls within the dates.
    pub new_families: usize,
    /// Families by sessions attended, in the order of `REPEAT_BUCKETS`.
    pub repeat: Vec<(&'static str, usize)>,
    pub first_age: FirstAge,
    /// Every route, in order, zeros included.
    pub referral_routes: Vec<(ReferralRoute, usize)>,
    /// Every level, in order, zeros included.
    pub hv_levels: Vec<(HvLevel, usize)>,
    /// Families with an Early Help Assessment in place.
    pub eha: usize,
    /// Home languages as first written, most families first; blank ones as
    /// "Not recorded". Spellings that differ only in case or accents are one.
    pub home_languages: Vec<(String, usize)>,
    /// Families who need an interpreter.
    pub interpreter: usize,
    /// Live observations at matching sessions.
    pub observations: usize,
    /// Observations with at least one tag of each domain, in the tag list's
    /// order (zeros included); tags no longer in the list count under "Other".
    pub by_domain: Vec<(String, usize)>,
    /// Observations whose concern level is "Follow up".
    pub follow_ups: usize,
    /// Observations whose concern level is "Safeguarding".
    pub safeguarding: usize,
    /// Each tag of the "Staff action" domain, by label, with the observations
    /// that carry it (zeros included).
    pub signposting: Vec<(String, usize)>,
}

/// Works out every figure of the report.
pub fn report(r: &Records, tags: &TagList, filter: &Filter) -> Report {
    let ix = Index::new(r);
    let attended = ix.attended(r, filter);

    let mut held: HashSet<Uuid> = HashSet::new();
    let mut per_family: HashMap<Uuid, usize> = HashMap::new();
    let mut out = Report { filter: *filter, ..Report::default() };
    for (a, s) in &attended {
        held.insert(s.id);
        *per_family.entry(a.family).or_default() += 1;
        out.attendances += 1;
        out.adults += a.carers.len();
        out.babies += a.babies.len();
    }
    out.sessions_held = held.len();
    out.distinct_families = per_family.len();
    out.new_families =
        per_family.keys().filter(|f| ix.family_first.get(f).is_some_and(|d| filter.takes_date(*d))).count();

    let mut repeat = [0usize; 4];
    for n in per_family.values() {
        repeat[repeat_bucket(*n)] += 1;
    }
    out.repeat = REPEAT_BUCKETS.iter().copied().zip(repeat).collect();

    out.first_age = first_age(&ix, &attended);

    // Family figures, over the distinct families that came, in a fixed order.
    let mut families: Vec<&Family> = per_family.keys().filter_map(|id| ix.families.get(id).copied()).collect();
    families.sort_by_key(|f| f.id);
    out.referral_routes = ReferralRoute::ALL
        .iter()
        .map(|route| (*route, families.iter().filter(|f| f.referral.route == *route).count()))
        .collect();
    out.hv_levels =
        HvLevel::ALL.iter().map(|level| (*level, families.iter().filter(|f| f.hv_level == *level).count())).collect();
    out.eha = families.iter().filter(|f| f.eha).count();
    out.interpreter = families.iter().filter(|f| f.interpreter).count();
    out.home_languages = home_languages(&families);

    // Observations.
    let observed = ix.observed(r, filter);
    out.observations = observed.len();
    let mut domains: Vec<(String, usize)> = tags.domains().into_iter().map(|d| (d.to_string(), 0)).collect();
    for (o, _) in &observed {
        let rev = o.current();
        let mut seen: Vec<&str> = rev.tags.iter().map(|t| tags.domain_of(t)).collect();
        seen.sort_unstable();
        seen.dedup();
        for d in seen {
            match domains.iter_mut().find(|(name, _)| name == d) {
                Some(slot) => slot.1 += 1,
                None => domains.push((d.to_string(), 1)),
            }
        }
        match rev.concern {
            Concern::FollowUp => out.follow_ups += 1,
            Concern::Safeguarding => out.safeguarding += 1,
            Concern::None => {}
        }
    }
    out.by_domain = domains;
    out.signposting = staff_actions(tags, observed.iter().map(|(o, _)| *o));
    out
}

/// Each staff-action tag, by label, with the number of observations carrying it.
pub(crate) fn staff_actions<'a>(
    tags: &TagList,
    observations: impl Iterator<Item = &'a Observation>,
) -> Vec<(String, usize)> {
    let mut out: Vec<(String, String, usize)> =
        tags.tags.iter().filter(|t| t.domain == STAFF_ACTION).map(|t| (t.id.clone(), t.label.clone(), 0)).collect();
    for o in observations {
        for (id, _, n) in out.iter_mut() {
            if o.current().tags.iter().any(|t| t == id) {
                *n += 1;
            }
        }
    }
    out.into_iter().map(|(_, label, n)| (label, n)).collect()
}

fn home_languages(families: &[&Family]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, String, usize)> = Vec::new();
    for f in families {
        let name = f.home_language.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = if name.is_empty() { "Not recorded".to_string() } else { name };
        let key = fold(&name);
        match counts.iter_mut().find(|(k, _, _)| *k == key) {
            Some(slot) => slot.2 += 1,
            None => counts.push((key, name, 1)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    counts.into_iter().map(|(_, name, n)| (name, n)).collect()
}

fn first_age(ix: &Index, attended: &[(&Attendance, &Session)]) -> FirstAge {
    let mut weeks: Vec<i64> = Vec::new();
    let mut months = [0usize; 13];
    let mut counted: HashSet<Uuid> = HashSet::new();
    for (a, s) in attended {
        let Some(family) = ix.families.get(&a.family) else {
            continue;
        };
        // An erased family's dates of birth are gone: its babies are left out of
        // the age figures (and counted nowhere else differently).
        if family.is_erased() {
            continue;
        }
        for b in &a.babies {
            if ix.baby_first.get(b) != Some(&s.date) || !counted.insert(*b) {
                continue;
            }
            let Some(baby) = family.baby(*b) else {
                continue;
            };
            weeks.push(weeks_on(baby.dob, s.date));
            months[(whole_months(baby.dob, s.date) as usize).min(12)] += 1;
        }
    }
    weeks.sort_unstable();
    let by_month = months
        .iter()
        .enumerate()
        .map(|(m, n)| (if m == 12 { "12m+".to_string() } else { format!("{m}m") }, *n))
        .collect();
    FirstAge {
        babies: weeks.len(),
        median: quantile(&weeks, 0.5),
        lower_quartile: quantile(&weeks, 0.25),
        upper_quartile: quantile(&weeks, 0.75),
        by_month,
    }
}

/// The `p` quantile of sorted values, linear between ranks (Excel's QUARTILE.INC).
pub fn quantile(sorted: &[i64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    let frac = h - lo as f64;
    Some(sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_as_excel() {
        // QUARTILE.INC({1,2,3,4},1) = 1.75, median 2.5, Q3 3.25.
        assert_eq!(quantile(&[1, 2, 3, 4], 0.25), Some(1.75));
        assert_eq!(quantile(&[1, 2, 3, 4], 0.5), Some(2.5));
        assert_eq!(quantile(&[1, 2, 3, 4], 0.75), Some(3.25));
        assert_eq!(quantile(&[7], 0.25), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn buckets() {
        let b: Vec<usize> = [1, 2, 3, 4, 7, 8, 30].iter().map(|n| repeat_bucket(*n)).collect();
        assert_eq!(b, [0, 1, 1, 2, 2, 3, 3]);
    }
}
