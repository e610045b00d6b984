//! One session at a glance, for the Summary screen (5): plain numbers and
//! labelled counts, ready to draw.

use super::{Index, Records, staff_actions};
use crate::domain::tags::TagList;
use crate::domain::{Concern, Family, HvLevel, ReferralRoute, Session};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Weeks of the group's attendance shown by the summary's chart (six months).
pub const WEEKS: usize = 26;

/// What happened at one session.
///
/// Labels in the `Vec<(String, usize)>` lists are fixed words (referral routes,
/// health-visiting levels, neighbourhoods) or labels from the centre's tag list:
/// draw them through `text::fit`/`text::clean` like any other text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSummary {
    pub session: Uuid,
    pub group: Uuid,
    pub date: NaiveDate,
    /// Families checked in (one attendance each).
    pub families: usize,
    /// Carers present, over all families.
    pub adults: usize,
    /// Babies present, over all families.
    pub babies: usize,
    /// Families here for the first time at any Think Baby session (no attendance
    /// on an earlier date).
    pub first_visits: usize,
    /// Families checked in as walk-ins (not on this group's list).
    pub walk_ins: usize,
    /// Families on this group's list (expected every week), not counting those
    /// who walked in to this session and joined the list then.
    pub expected: usize,
    /// Of those, how many came.
    pub expected_present: usize,
    /// Families present who were referred (any route but drop-in/self).
    pub referred_present: usize,
    /// Referral routes of the families present; only routes with a family, in
    /// the fixed order (Drop-in/self, Health visitor, Midwife, ...).
    pub referral_routes: Vec<(String, usize)>,
    /// Health-visiting levels of the families present; only levels with a
    /// family, in order (Unknown, Universal, Universal Plus, ...).
    pub hv_levels: Vec<(String, usize)>,
    /// Neighbourhoods of the families present (Central, South, North, West,
    /// then "Not recorded"); only those with a family.
    pub neighbourhoods: Vec<(String, usize)>,
    /// Live observations at this session with concern level "Follow up".
    pub follow_ups: usize,
    /// Live observations at this session with concern level "Safeguarding".
    pub safeguarding: usize,
    /// Staff-action tags used at this session, by label, with the number of
    /// observations carrying each; only tags used, in the tag list's order.
    pub signposting: Vec<(String, usize)>,
    /// The group's attendance over the 26 weeks ending with this session's week:
    /// (Monday of the week, distinct families at the group's sessions that week),
    /// oldest first, weeks without a session as 0. Always 26 entries.
    pub weekly: Vec<(NaiveDate, usize)>,
}

/// The Monday of `day`'s week.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Works out the summary of `session` from every record (other sessions are
/// needed for first visits and the weekly chart).
pub fn session_summary(records: &Records, tags: &TagList, session: &Session) -> SessionSummary {
    let ix = Index::new(records);
    let present: Vec<_> = records.attendance.iter().filter(|a| a.session == session.id).collect();
    let families: Vec<&Family> = present.iter().filter_map(|a| ix.families.get(&a.family).copied()).collect();

    let mut out = SessionSummary {
        session: session.id,
        group: session.group,
        date: session.date,
        families: present.len(),
        adults: present.iter().map(|a| a.carers.len()).sum(),
        babies: present.iter().map(|a| a.babies.len()).sum(),
        walk_ins: present.iter().filter(|a| a.walk_in).count(),
        ..SessionSummary::default()
    };
    out.first_visits =
        present.iter().filter(|a| ix.family_first.get(&a.family).is_none_or(|d| *d >= session.date)).count();
    let here: HashSet<Uuid> = present.iter().map(|a| a.family).collect();
    // A walk-in joins the group's list for the weeks after; today they were not expected.
    let walked_in: HashSet<Uuid> = present.iter().filter(|a| a.walk_in).map(|a| a.family).collect();
    let expected: Vec<&Family> = records
        .families
        .iter()
        .filter(|f| f.expected_at(session.group, session.date) && !walked_in.contains(&f.id))
        .collect();
    out.expected = expected.len();
    out.expected_present = expected.iter().filter(|f| here.contains(&f.id)).count();
    out.referred_present = families.iter().filter(|f| f.referral.route != ReferralRoute::DropIn).count();

    out.referral_routes = present_only(
        ReferralRoute::ALL
            .iter()
            .map(|r| (r.label().to_string(), families.iter().filter(|f| f.referral.route == *r).count())),
    );
    out.hv_levels = present_only(
        HvLevel::ALL.iter().map(|l| (l.label().to_string(), families.iter().filter(|f| f.hv_level == *l).count())),
    );
    let mut hoods: Vec<(String, usize)> = crate::domain::Neighbourhood::ALL
        .iter()
        .map(|n| (n.label().to_string(), families.iter().filter(|f| f.neighbourhood == Some(*n)).count()))
        .collect();
    hoods.push(("Not recorded".into(), families.iter().filter(|f| f.neighbourhood.is_none()).count()));
    out.neighbourhoods = present_only(hoods.into_iter());

    let observed: Vec<_> = records.observations.iter().filter(|o| o.session == session.id && o.is_live()).collect();
    out.follow_ups = observed.iter().filter(|o| o.concern() == Concern::FollowUp).count();
    out.safeguarding = observed.iter().filter(|o| o.concern() == Concern::Safeguarding).count();
    out.signposting = present_only(staff_actions(tags, observed.iter().copied()).into_iter());

    out.weekly = weekly(records, &ix, session);
    out
}

fn present_only(items: impl Iterator<Item = (String, usize)>) -> Vec<(String, usize)> {
    items.filter(|(_, n)| *n > 0).collect()
}

fn weekly(records: &Records, ix: &Index, session: &Session) -> Vec<(NaiveDate, usize)> {
    let last = week_start(session.date);
    let first = last - Duration::weeks(WEEKS as i64 - 1);
    let mut seen: HashMap<NaiveDate, HashSet<Uuid>> = HashMap::new();
    for a in &records.attendance {
        let Some(s) = ix.sessions.get(&a.session) else {
            continue;
        };
        if s.group != session.group {
            continue;
        }
        let week = week_start(s.date);
        if week >= first && week <= last {
            seen.entry(week).or_default().insert(a.family);
        }
    }
    (0..WEEKS as i64)
        .map(|i| {
            let week = first + Duration::weeks(i);
            (week, seen.get(&week).map_or(0, HashSet::len))
        })
        .collect()
}
