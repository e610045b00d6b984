//! A generator of realistic thinkbaby stores, for `examples/gen.rs` and the
//! benchmarks: families with names from Luton's languages, babies whose ages at
//! their first visit spread over a year, weekly sessions for four groups over
//! about three years, attendance and observation notes.
//!
//! It writes through `Change` in batches of a few thousand records a commit: it
//! is a generator, not a user path, so it does not pay one sync per record.
//! The same seed gives the same records (ids included), whatever the machine.

use super::Rng;
use super::names::{BACKGROUNDS, Background, GROUPS, GroupPlan, STAFF};
use super::notes::{audit_entry, audit_note, observation};
use crate::domain::audit::{self, AuditAction};
use crate::domain::*;
use crate::store::{Change, Store, StoreError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use uuid::Uuid;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Params {
    pub families: usize,
    pub observations: usize,
    /// The last session day; sessions run weekly for `years` before it.
    pub until: NaiveDate,
    pub years: u32,
    pub seed: u64,
    /// Records (puts, index entries included) per commit.
    pub batch: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            families: 50_000,
            observations: 500_000,
            until: NaiveDate::from_ymd_opt(2026, 11, 19).unwrap_or_default(),
            years: 3,
            seed: 2014,
            batch: 4_000,
        }
    }
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub groups: Vec<Group>,
    pub sessions: usize,
    pub families: usize,
    pub babies: usize,
    pub attendance: usize,
    pub observations: usize,
    /// Audit entries, one for each change the program would have recorded.
    pub audit: usize,
    pub commits: usize,
    /// The last session of each group (same order as `groups`).
    pub last_sessions: Vec<Session>,
    /// A family with the most attendances, for timeline benchmarks.
    pub busiest_family: Option<Uuid>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} families ({} babies), {} groups, {} sessions, {} attendances, {} observations, {} audit entries in {} commits",
            self.families,
            self.babies,
            self.groups.len(),
            self.sessions,
            self.attendance,
            self.observations,
            self.audit,
            self.commits
        )
    }
}

fn background(rng: &mut Rng) -> &'static Background {
    let total: u32 = BACKGROUNDS.iter().map(|b| b.weight).sum();
    let mut n = rng.below(u64::from(total)) as u32;
    for b in BACKGROUNDS {
        if n < b.weight {
            return b;
        }
        n -= b.weight;
    }
    &BACKGROUNDS[0]
}

fn at(day: NaiveDate, hour: u32, min: u32) -> DateTime<Utc> {
    let t = NaiveTime::from_hms_opt(hour.min(23), min.min(59), 0).unwrap_or_default();
    Utc.from_utc_datetime(&day.and_time(t))
}

fn phone(rng: &mut Rng) -> String {
    format!("07{:03} {:06}", rng.within(100..1000), rng.below(1_000_000))
}

fn postcode(rng: &mut Rng, plan: &GroupPlan) -> String {
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let a = LETTERS[rng.index(LETTERS.len())] as char;
    let b = LETTERS[rng.index(LETTERS.len())] as char;
    format!("{}{a}{b}", *rng.pick(plan.postcodes))
}

/// One family's plan: its record and the sessions (indexes into its group's list) it came to.
struct Plan {
    family: Family,
    group: usize,
    visits: Vec<usize>,
}

struct Writer<'a> {
    store: &'a Store,
    change: Change,
    batch: usize,
    commits: usize,
}

impl Writer<'_> {
    fn maybe_commit(&mut self) -> Result<(), StoreError> {
        if self.change.len() >= self.batch {
            self.commit()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        if !self.change.is_empty() {
            self.store.commit(std::mem::take(&mut self.change))?;
            self.commits += 1;
        }
        Ok(())
    }
}

/// Writes a generated store into `store` (which should be empty) and says what it wrote.
pub fn generate(store: &Store, p: &Params) -> Result<Summary, StoreError> {
    let mut rng = Rng::new(p.seed);
    let device = store.device();
    let first_day = p.until - Duration::days(365 * i64::from(p.years));
    let mut w = Writer { store, change: Change::default(), batch: p.batch.max(1), commits: 0 };
    let mut summary = Summary::default();

    let setup = at(first_day - Duration::days(30), 9, 0);
    for (initials, name) in STAFF {
        w.change.put_staff(&Staff {
            initials: initials.to_string(),
            name: name.to_string(),
            stamp: Stamp::new(setup, device),
        });
    }

    // Groups and their weekly sessions, oldest first.
    let mut sessions: Vec<Vec<Session>> = Vec::new();
    for plan in GROUPS {
        let g = Group {
            id: rng.id(setup),
            name: plan.name.to_string(),
            venue: plan.venue.to_string(),
            neighbourhood: Some(plan.neighbourhood),
            weekday: plan.weekday,
            start: NaiveTime::from_hms_opt(plan.start.0, plan.start.1, 0).unwrap_or_default(),
            // Groups run an hour and a half (13:30 ends at 15:00, not at 14:60).
            end: NaiveTime::from_hms_opt(plan.start.0, plan.start.1, 0).unwrap_or_default()
                + chrono::Duration::minutes(90),
            stamp: Stamp::new(setup, device),
        };
        w.change.put_group(&g);
        let mut day = first_day;
        while day.weekday().num_days_from_monday() as u8 != plan.weekday {
            day += Duration::days(1);
        }
        let mut list = Vec::new();
        while day <= p.until {
            let start = at(day, plan.start.0, plan.start.1);
            // The id follows from group and date; the draw keeps the numbers after it where they were.
            let _ = rng.id(start - Duration::minutes(30));
            let staff = plan.staff.iter().map(|s| s.to_string()).collect();
            let s = Session::new(g.id, day, staff, Stamp::new(start - Duration::minutes(30), device));
            w.change.put_session(&s);
            list.push(s);
            w.maybe_commit()?;
            day += Duration::days(7);
        }
        summary.sessions += list.len();
        summary.last_sessions.extend(list.last().cloned());
        sessions.push(list);
        summary.groups.push(g);
    }
    w.commit()?;

    // Families: a first visit somewhere in the three years, a baby aged 0-12 months
    // then, and visits on most weeks after it for a while.
    let mut plans: Vec<Plan> = Vec::with_capacity(p.families);
    for _ in 0..p.families {
        let gi = rng.index(GROUPS.len());
        let gp = &GROUPS[gi];
        let list = &sessions[gi];
        let first = rng.index(list.len());
        let first_day = list[first].date;
        let age_days = rng.within(0..365);
        let dob = first_day - Duration::days(age_days);
        let bg = background(&mut rng);
        let route = match rng.below(100) {
            0..35 => ReferralRoute::DropIn,
            35..70 => ReferralRoute::HealthVisitor,
            70..80 => ReferralRoute::Midwife,
            80..92 => ReferralRoute::ServiceRequest,
            _ => ReferralRoute::OtherAgency,
        };
        let referred =
            if route == ReferralRoute::DropIn { first_day } else { first_day - Duration::days(rng.within(3..40)) };
        let created = at(referred, 9 + rng.below(7) as u32, rng.below(60) as u32);
        let surname = *rng.pick(bg.surnames);
        let mut carers = vec![Carer {
            id: rng.id(created),
            name: format!("{} {surname}", *rng.pick(bg.mothers)),
            relationship: if rng.below(20) == 0 { "Grandmother".into() } else { "Mother".into() },
            phone: phone(&mut rng),
        }];
        if rng.below(100) < 25 {
            carers.push(Carer {
                id: rng.id(created),
                name: format!("{} {surname}", *rng.pick(bg.fathers)),
                relationship: "Father".into(),
                phone: if rng.coin() { phone(&mut rng) } else { String::new() },
            });
        }
        let twins = rng.below(60) == 0;
        let early = rng.below(10) == 0;
        let due = early.then(|| dob + Duration::days(rng.within(14..70)));
        let mut babies = Vec::new();
        for _ in 0..if twins { 2 } else { 1 } {
            let girl = rng.coin();
            babies.push(Baby {
                id: rng.id(created),
                name: rng.pick(if girl { bg.girls } else { bg.boys }).to_string(),
                dob,
                due,
                sex: if rng.below(20) == 0 {
                    None
                } else if girl {
                    Some(Sex::Female)
                } else {
                    Some(Sex::Male)
                },
            });
        }
        let need_level = match rng.below(100) {
            0..60 => None,
            60..80 => Some(1),
            80..93 => Some(2),
            93..98 => Some(3),
            _ => Some(4),
        };
        let consent = |rng: &mut Rng| match rng.below(100) {
            0..80 => Consent { answer: ConsentAnswer::Yes, date: Some(first_day) },
            80..90 => Consent { answer: ConsentAnswer::No, date: Some(first_day) },
            _ => Consent::not_asked(),
        };
        let mut alerts = Vec::new();
        if rng.below(25) == 0 {
            alerts.push(Alert {
                kind: AlertKind::Allergy,
                text: "Nut allergy (baby): no snacks from the group table".into(),
            });
        }
        if rng.below(120) == 0 {
            alerts.push(Alert {
                kind: AlertKind::NoCollect,
                text: "Father may not collect: court order, see file".into(),
            });
        }
        let family = Family {
            id: rng.id(created),
            carers,
            babies,
            postcode: postcode(&mut rng, gp),
            neighbourhood: Some(gp.neighbourhood),
            home_language: bg.language.to_string(),
            interpreter: rng.percent(u64::from(bg.interpreter)),
            referral: Referral {
                route,
                date: (route != ReferralRoute::DropIn).then_some(referred),
                referrer: match route {
                    ReferralRoute::HealthVisitor => "HV team, Bute House".into(),
                    ReferralRoute::Midwife => "Community midwife, L&D".into(),
                    ReferralRoute::ServiceRequest => "Service request form".into(),
                    ReferralRoute::OtherAgency => "Luton Adult Learning".into(),
                    ReferralRoute::DropIn => String::new(),
                },
            },
            hv_level: match rng.below(100) {
                0..10 => HvLevel::Unknown,
                10..55 => HvLevel::Universal,
                55..90 => HvLevel::UniversalPlus,
                _ => HvLevel::PartnershipPlus,
            },
            need_level,
            eha: matches!(need_level, Some(2..)) && rng.below(10) < 7,
            data_sharing: consent(&mut rng),
            photos: consent(&mut rng),
            alerts,
            groups: vec![summary.groups[gi].id],
            stamp: Stamp::new(created, device),
            erased: None,
            joined_into: None,
            not_same_as: vec![],
        };
        // Visits: the first, then each later week with a chance, until the baby
        // is a year old or the family stops coming.
        let mut visits = vec![first];
        let keep = 0.55 + rng.fraction() * 0.4;
        let mut s = first + 1;
        while s < list.len() && list[s].date < dob + Duration::days(365) {
            if rng.fraction() < 0.12 {
                break;
            }
            if rng.fraction() < keep {
                visits.push(s);
            }
            s += 1;
        }
        plans.push(Plan { family, group: gi, visits });
    }
    plans.sort_by_key(|pl| pl.family.id);

    // Observations: `p.observations` in all, shared out in proportion to visits.
    let total_visits: usize = plans.iter().map(|pl| pl.visits.len()).sum();
    let mut seen_visits = 0usize;
    let mut given = 0usize;
    let mut busiest = (0usize, None);
    for pl in &plans {
        let f = &pl.family;
        let list = &sessions[pl.group];
        w.change.put_family(f);
        let added = audit_entry(&mut rng, AuditEntry::new(f.id, AuditAction::FamilyAdded, f.stamp.created, "", device));
        w.change.audit(&added);
        summary.audit += 1;
        summary.families += 1;
        summary.babies += f.babies.len();
        if pl.visits.len() > busiest.0 {
            busiest = (pl.visits.len(), Some(f.id));
        }
        let gp = &GROUPS[pl.group];
        for (n, &si) in pl.visits.iter().enumerate() {
            let s = &list[si];
            let checked_in = at(s.date, gp.start.0, gp.start.1) + Duration::minutes(rng.within(-5..40));
            let a = Attendance {
                session: s.id,
                family: f.id,
                checked_in,
                checked_out: (rng.below(10) != 0).then(|| checked_in + Duration::minutes(rng.within(45..100))),
                carers: f.carers.iter().take(if rng.below(4) == 0 { 2 } else { 1 }).map(|c| c.id).collect(),
                babies: f.babies.iter().map(|b| b.id).collect(),
                walk_in: n == 0 && f.referral.route == ReferralRoute::DropIn,
                by: rng.pick(&gp.staff).to_string(),
                stamp: Stamp::new(checked_in, device),
            };
            w.change.put_attendance(&a);
            let walk = if a.walk_in { vec![audit::Detail::WalkIn] } else { vec![] };
            let e = AuditEntry::new(f.id, AuditAction::CheckedIn, checked_in, &a.by, device).at_session(s.id);
            w.change.audit(&audit_entry(&mut rng, e.details(walk)));
            summary.audit += 1;
            if let Some(out) = a.checked_out {
                let e = AuditEntry::new(f.id, AuditAction::CheckedOut, out, "", device).at_session(s.id);
                w.change.audit(&audit_entry(&mut rng, e));
                summary.audit += 1;
            }
            summary.attendance += 1;
        }
        seen_visits += pl.visits.len();
        let due = if total_visits == 0 {
            0
        } else {
            (p.observations as u128 * seen_visits as u128 / total_visits as u128) as usize
        };
        let count = due.saturating_sub(given);
        given += count;
        // Spread this family's notes over its visits, oldest first.
        let mut slots: Vec<usize> = (0..count).map(|_| pl.visits[rng.index(pl.visits.len())]).collect();
        slots.sort_unstable();
        for si in slots {
            let s = &list[si];
            let o = observation(&mut rng, f, at(s.date, gp.start.0, gp.start.1), s, gp.staff, device);
            w.change.put_observation(&o);
            let before = w.change.len();
            audit_note(&mut rng, &mut w.change, &o, device);
            summary.audit += w.change.len() - before;
            summary.observations += 1;
        }
        w.maybe_commit()?;
    }
    w.commit()?;
    summary.busiest_family = busiest.1;
    summary.commits = w.commits;
    Ok(summary)
}

/// A family with `count` observations spread over `count / 3` visits, added to
/// the store after generation (a heavy timeline for benchmarks). Returns its id.
pub fn add_heavy_family(store: &Store, summary: &Summary, count: usize, seed: u64) -> Result<Uuid, StoreError> {
    let mut rng = Rng::new(seed);
    let device = store.device();
    let group = summary.groups.first().map(|g| g.id).unwrap_or_default();
    let sessions = store.sessions_of(group)?;
    let visits = (count / 3).clamp(1, sessions.len().max(1));
    let first = sessions.len().saturating_sub(visits);
    let created = at(sessions.get(first).map(|s| s.date).unwrap_or_default(), 10, 0);
    let family = Family {
        id: rng.id(created),
        carers: vec![Carer {
            id: rng.id(created),
            name: "Nguyễn Thị Lan".into(),
            relationship: "Mother".into(),
            phone: "07700 900123".into(),
        }],
        babies: vec![Baby {
            id: rng.id(created),
            name: "Minh".into(),
            dob: created.date_naive() - Duration::days(20),
            due: None,
            sex: Some(Sex::Male),
        }],
        postcode: "LU1 1AA".into(),
        neighbourhood: Some(Neighbourhood::Central),
        home_language: "Vietnamese".into(),
        interpreter: true,
        referral: Referral {
            route: ReferralRoute::HealthVisitor,
            date: Some(created.date_naive()),
            referrer: "HV team".into(),
        },
        hv_level: HvLevel::UniversalPlus,
        need_level: Some(2),
        eha: true,
        data_sharing: Consent { answer: ConsentAnswer::Yes, date: Some(created.date_naive()) },
        photos: Consent::not_asked(),
        alerts: vec![],
        groups: vec![group],
        stamp: Stamp::new(created, device),
        erased: None,
        joined_into: None,
        not_same_as: vec![],
    };
    let mut change = Change::default();
    change.put_family(&family);
    change.audit(&audit_entry(&mut rng, AuditEntry::new(family.id, AuditAction::FamilyAdded, created, "", device)));
    let used = &sessions[first..first + visits.min(sessions.len() - first)];
    for s in used {
        let t = at(s.date, 10, 5);
        change.put_attendance(&Attendance {
            session: s.id,
            family: family.id,
            checked_in: t,
            checked_out: Some(t + Duration::minutes(80)),
            carers: vec![family.carers[0].id],
            babies: vec![family.babies[0].id],
            walk_in: false,
            by: "CR".into(),
            stamp: Stamp::new(t, device),
        });
        let (fid, sid) = (family.id, s.id);
        let e = AuditEntry::new(fid, AuditAction::CheckedIn, t, "CR", device).at_session(sid);
        change.audit(&audit_entry(&mut rng, e));
        let e = AuditEntry::new(fid, AuditAction::CheckedOut, t + Duration::minutes(80), "", device).at_session(sid);
        change.audit(&audit_entry(&mut rng, e));
    }
    for i in 0..count {
        let s = &used[i % used.len()];
        let o = observation(
            &mut rng,
            &family,
            at(s.date, GROUPS[0].start.0, GROUPS[0].start.1),
            s,
            GROUPS[0].staff,
            device,
        );
        change.put_observation(&o);
        audit_note(&mut rng, &mut change, &o, device);
    }
    store.commit(change)?;
    Ok(family.id)
}
