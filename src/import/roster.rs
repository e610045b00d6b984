//! The roster CSV (design notes section 5): one row per baby; which rows are one
//! family, and what a row may change in a family already stored, is
//! `joining`'s. The whole file is checked first; if any row is wrong, or two
//! rows of one family disagree, every one is reported and nothing is imported.
//! The import is one commit, and importing a file twice changes nothing.

use super::Origin;
use super::joining::{self, Key};
use super::table::{self, ImportError, Row, RowError, yes_no};
use crate::clock::parse_date;
use crate::domain::audit;
use crate::domain::fold::{fold, postcode};
use crate::domain::*;
use crate::store::{Change, Store};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

pub const REQUIRED: &[&str] = &["parent_name", "baby_name", "baby_dob"];
pub const OPTIONAL: &[&str] = &[
    "parent_phone",
    "relationship",
    "baby_due_date",
    "postcode",
    "home_language",
    "interpreter",
    "referral_route",
    "referral_date",
    "hv_level",
    "eha",
    "need_level",
    "photo_consent",
    "data_sharing_consent",
    "alerts",
    "group",
];

/// One checked row.
#[derive(Debug, Clone)]
pub struct RosterRow {
    pub line: u64,
    pub parent_name: String,
    pub parent_phone: String,
    pub relationship: String,
    pub baby_name: String,
    pub baby_dob: NaiveDate,
    pub baby_due: Option<NaiveDate>,
    pub postcode: String,
    pub home_language: String,
    pub interpreter: bool,
    pub referral_route: ReferralRoute,
    pub referral_date: Option<NaiveDate>,
    pub hv_level: HvLevel,
    pub eha: bool,
    pub need_level: Option<u8>,
    pub photos: ConsentAnswer,
    pub data_sharing: ConsentAnswer,
    pub alerts: Vec<Alert>,
    pub group: String,
    /// The columns a family holds once that this row fills (not blank).
    pub given: Vec<&'static str>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub families_added: usize,
    pub babies_added: usize,
    pub groups_added: Vec<String>,
    pub families_known: usize,
    pub ignored_columns: Vec<String>,
    /// Families already in the store whose blanks the file filled: "Zoë Clarke
    /// (postcode, hv_level)".
    pub filled: Vec<String>,
    /// Where the file says otherwise than the store, left as the store has it:
    /// "line 4, Zoë Clarke: photo_consent \"no\" in thinkbaby, \"yes\" in the file".
    pub kept: Vec<String>,
    /// Families in the file with no group (none in the row, no --group): on no roster.
    pub no_group: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {}, {} and {}",
            crate::text::plural(self.families_added, "family", "families"),
            crate::text::plural(self.babies_added, "baby", "babies"),
            crate::text::plural(self.groups_added.len(), "group", "groups")
        )?;
        if self.families_known > 0 {
            let were = if self.families_known == 1 { "was" } else { "were" };
            write!(
                f,
                "\n{} {were} already in the store (same carer's name and phone, or name and postcode)",
                crate::text::plural(self.families_known, "family", "families")
            )?;
            if !self.filled.is_empty() {
                write!(f, "\nthe file filled in what was blank for: {}", self.filled.join("; "))?;
            }
        }
        if !self.kept.is_empty() {
            write!(
                f,
                "\nleft as thinkbaby has them (the file says otherwise; if the file is right, change them in thinkbaby):"
            )?;
            for k in &self.kept {
                write!(f, "\n  {k}")?;
            }
        }
        if !self.groups_added.is_empty() {
            write!(
                f,
                "\nnew groups: {}. Their day and times are not in the file (set to Monday 10:00-11:30 for now): \
                 correct them in thinkbaby: press s on any screen of the group",
                self.groups_added.join(", ")
            )?;
        }
        if self.no_group > 0 {
            write!(
                f,
                "\n{} on no group's roster (no group column, no --group): find them on Check-in (2), \
                 or import again with --group NAME",
                crate::text::plural(self.no_group, "family is", "families are")
            )?;
        }
        if !self.ignored_columns.is_empty() {
            write!(f, "\nignored columns: {}", self.ignored_columns.join(", "))?;
        }
        Ok(())
    }
}

/// Checks every row; returns all of them, or every error with its line number.
pub fn parse(bytes: &[u8], today: NaiveDate) -> Result<(Vec<RosterRow>, Vec<String>), ImportError> {
    let table = table::read(bytes, REQUIRED, OPTIONAL)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for row in &table.rows {
        match check_row(row, today) {
            Ok(r) => rows.push(r),
            Err(reasons) => errors.extend(reasons.into_iter().map(|reason| RowError { line: row.line, reason })),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let disagree = joining::disagreements(&rows);
    if !disagree.is_empty() {
        return Err(ImportError::Disagree(disagree));
    }
    Ok((rows, table.ignored))
}

fn check_row(row: &Row, today: NaiveDate) -> Result<RosterRow, Vec<String>> {
    let mut why = Vec::new();
    let need = |col: &str, why: &mut Vec<String>| {
        let v = row.get(col);
        if v.is_empty() {
            why.push(format!("{col} is empty"));
        }
        v.to_string()
    };
    let parent_name = need("parent_name", &mut why);
    let baby_name = need("baby_name", &mut why);
    let date = |col: &str, required: bool, why: &mut Vec<String>| -> Option<NaiveDate> {
        let v = row.get(col);
        if v.is_empty() {
            if required {
                why.push(format!("{col} is empty"));
            }
            return None;
        }
        match parse_date(v) {
            Ok(d) => Some(d),
            Err(e) => {
                why.push(format!("{col}: {e}"));
                None
            }
        }
    };
    let dob = date("baby_dob", true, &mut why);
    let due = date("baby_due_date", false, &mut why);
    let referral_date = date("referral_date", false, &mut why);
    if let Some(d) = dob {
        if d > today {
            why.push(format!("baby_dob {} is in the future", d.format("%d/%m/%Y")));
        }
        if let Some(due) = due
            && let Err(reason) = age::check_due(d, due)
        {
            why.push(format!("baby_due_date {} {reason}", due.format("%d/%m/%Y")));
        }
    }
    fn choice<T>(
        row: &Row,
        col: &str,
        parse: fn(&str) -> Option<T>,
        accepted: String,
        default: T,
        why: &mut Vec<String>,
    ) -> T {
        let v = row.get(col);
        if v.is_empty() {
            return default;
        }
        parse(v).unwrap_or_else(|| {
            why.push(format!("{col} \"{v}\" is not one of: {accepted}"));
            default
        })
    }
    let referral_route =
        choice(row, "referral_route", ReferralRoute::parse, ReferralRoute::accepted(), ReferralRoute::DropIn, &mut why);
    let hv_level = choice(row, "hv_level", HvLevel::parse, HvLevel::accepted(), HvLevel::Unknown, &mut why);
    let photos =
        choice(row, "photo_consent", ConsentAnswer::parse, "yes, no".into(), ConsentAnswer::NotAsked, &mut why);
    let data_sharing =
        choice(row, "data_sharing_consent", ConsentAnswer::parse, "yes, no".into(), ConsentAnswer::NotAsked, &mut why);
    let flag = |col: &str, why: &mut Vec<String>| match yes_no(row.get(col)) {
        Ok(v) => v.unwrap_or(false),
        Err(e) => {
            why.push(format!("{col}: {e}"));
            false
        }
    };
    let interpreter = flag("interpreter", &mut why);
    let eha = flag("eha", &mut why);
    let need_level = match row.get("need_level") {
        "" => None,
        v => match v.parse::<u8>() {
            Ok(n @ 1..=4) => Some(n),
            _ => {
                why.push(format!("need_level \"{v}\" should be a number from 1 to 4"));
                None
            }
        },
    };
    if !why.is_empty() {
        return Err(why);
    }
    Ok(RosterRow {
        line: row.line,
        parent_name: squash(&parent_name),
        parent_phone: row.get("parent_phone").to_string(),
        relationship: row.get("relationship").to_string(),
        baby_name: squash(&baby_name),
        baby_dob: dob.unwrap_or(today),
        baby_due: due,
        postcode: postcode(row.get("postcode")),
        home_language: row.get("home_language").to_string(),
        interpreter,
        referral_route,
        referral_date,
        hv_level,
        eha,
        need_level,
        photos,
        data_sharing,
        alerts: Alert::parse_list(row.get("alerts")),
        group: squash(row.get("group")),
        given: joining::family_columns().into_iter().filter(|c| !row.get(c).is_empty()).collect(),
    })
}

/// Names as one line: line breaks inside a quoted Excel cell become spaces.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Works out what the rows add to the store, as one change.
pub fn plan(
    rows: &[RosterRow],
    ignored: Vec<String>,
    existing_families: &[Family],
    existing_groups: &[Group],
    default_group: Option<&str>,
    origin: Origin,
) -> (Change, Summary) {
    let (now, device) = (origin.now, origin.device);
    let mut summary = Summary { ignored_columns: ignored, ..Summary::default() };
    let mut groups: HashMap<String, Uuid> = existing_groups.iter().map(|g| (fold(&g.name), g.id)).collect();
    let mut new_groups: Vec<Group> = Vec::new();
    let mut families: Vec<Family> = Vec::new();
    let mut by_key: HashMap<Key, usize> = HashMap::new();
    let mut changed: Vec<bool> = Vec::new();
    for f in existing_families {
        // An erased family has no name or phone to match: a row like theirs is a new family.
        if !f.is_erased() {
            by_key.entry(joining::key_of_family(f)).or_insert(families.len());
        }
        families.push(f.clone());
        changed.push(false);
    }
    let existing = families.len();
    let mut known = std::collections::HashSet::new();
    let mut filled: Vec<(usize, Vec<&'static str>)> = Vec::new();
    let mut no_group = std::collections::HashSet::new();
    for r in rows {
        let group_name = if r.group.is_empty() { default_group.unwrap_or("").trim() } else { r.group.as_str() };
        let group_id = (!group_name.is_empty()).then(|| {
            *groups.entry(fold(group_name)).or_insert_with(|| {
                let g = new_group(group_name, now, device);
                let id = g.id;
                summary.groups_added.push(g.name.clone());
                new_groups.push(g);
                id
            })
        });
        let index = *by_key.entry(joining::key_of_row(r)).or_insert_with(|| {
            families.push(new_family(r, now, device));
            changed.push(true);
            summary.families_added += 1;
            families.len() - 1
        });
        // Rows of one family agree (parse checked): a later row only fills
        // what an earlier one left blank.
        let merged = joining::merge(&mut families[index], r);
        if index < existing {
            known.insert(index);
            let who = crate::text::clean(families[index].first_carer());
            for k in &merged.kept {
                summary.kept.push(format!("line {}, {who}: {k}", r.line));
            }
            if !merged.filled.is_empty() {
                match filled.iter_mut().find(|(i, _)| *i == index) {
                    Some((_, columns)) => columns.extend(merged.filled.iter().copied()),
                    None => filled.push((index, merged.filled.clone())),
                }
            }
        }
        if !merged.filled.is_empty() {
            changed[index] = true;
        }
        if group_id.is_none() {
            no_group.insert(index);
        }
        let f = &mut families[index];
        let same_baby = |b: &Baby| fold(&b.name) == fold(&r.baby_name) && b.dob == r.baby_dob;
        if !f.babies.iter().any(same_baby) {
            f.babies.push(Baby {
                id: new_id(now),
                name: r.baby_name.clone(),
                dob: r.baby_dob,
                due: r.baby_due,
                sex: None,
            });
            summary.babies_added += 1;
            changed[index] = true;
        }
        if let Some(g) = group_id
            && !f.groups.contains(&g)
        {
            f.groups.push(g);
            changed[index] = true;
        }
        if changed[index] && index < existing {
            f.stamp.touch(now, device);
        }
    }
    summary.families_known = known.len();
    summary.filled = filled
        .into_iter()
        .map(|(i, mut columns)| {
            columns.dedup();
            format!("{} ({})", crate::text::clean(families[i].first_carer()), columns.join(", "))
        })
        .collect();
    // A family named in a row with a group is on that roster after all.
    summary.no_group = no_group.iter().filter(|i| families[**i].groups.is_empty()).count();
    let mut change = Change::default();
    for g in &new_groups {
        change.put_group(g);
    }
    for (i, (f, c)) in families.iter().zip(&changed).enumerate() {
        if !*c {
            continue;
        }
        change.put_family(f);
        let entry = match existing_families.get(i) {
            None => AuditEntry::new(f.id, AuditAction::FamilyAdded, now, origin.by, device).detail(Detail::FromRoster),
            Some(old) => AuditEntry::new(f.id, AuditAction::FamilyChanged, now, origin.by, device)
                .detail(Detail::FromRoster)
                .details(audit::family_changes(old, f).into_iter().map(Detail::Field)),
        };
        change.audit(&entry);
    }
    (change, summary)
}

fn new_family(r: &RosterRow, now: DateTime<Utc>, device: Uuid) -> Family {
    let mut f = Family::new(&r.parent_name, &r.parent_phone, Vec::new(), Stamp::new(now, device));
    if let Some(c) = f.carers.first_mut() {
        c.relationship = r.relationship.clone();
    }
    f.postcode = r.postcode.clone();
    f.home_language = r.home_language.clone();
    f.interpreter = r.interpreter;
    f.referral = Referral { route: r.referral_route, date: r.referral_date, referrer: String::new() };
    f.hv_level = r.hv_level;
    f.need_level = r.need_level;
    f.eha = r.eha;
    f.data_sharing.answer = r.data_sharing;
    f.photos.answer = r.photos;
    f.alerts = r.alerts.clone();
    f
}

/// A group named only in a roster: the day and times are guesses to be set later.
fn new_group(name: &str, now: DateTime<Utc>, device: Uuid) -> Group {
    let neighbourhood = name.split_whitespace().find_map(Neighbourhood::parse);
    Group {
        id: new_id(now),
        name: name.to_string(),
        venue: String::new(),
        neighbourhood,
        weekday: 0,
        start: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap_or_default(),
        stamp: Stamp::new(now, device),
    }
}

/// Reads, checks and imports a roster file in one commit.
pub fn import(
    store: &Store,
    bytes: &[u8],
    default_group: Option<&str>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Summary, ImportError> {
    import_from(store, bytes, "file", default_group, now, today)
}

/// As [`import`], naming the file (`source`) in each family's audit entry.
pub fn import_from(
    store: &Store,
    bytes: &[u8],
    source: &str,
    default_group: Option<&str>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Summary, ImportError> {
    let (rows, ignored) = parse(bytes, today)?;
    let by = store.actor();
    let origin = Origin::of(store, &by, source, now);
    let (change, summary) = plan(&rows, ignored, &store.families()?, &store.groups()?, default_group, origin);
    store.commit(change)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const CSV: &str = "parent_name,parent_phone,baby_name,baby_dob,home_language,referral_route,hv_level,photo_consent,alerts,group\n\
                       Ayesha Khan,07700 900101,Zainab,01/03/2026,Urdu,Health visitor,Universal,yes,Allergy: nuts,Central\n\
                       Nobody Grouped,07700 900999,Ali,01/04/2026,,,,,,\n";

    #[test]
    fn a_walk_in_gets_the_offices_details_without_losing_the_facilitators() {
        let now = Utc.with_ymd_and_hms(2026, 11, 19, 10, 0, 0).unwrap();
        let today = now.date_naive();
        // Added on the day as a walk-in: drop-in, level unknown, consents not asked,
        // and a phone the facilitator typed.
        let (rows, ignored) = parse(CSV.as_bytes(), today).unwrap();
        let origin = Origin { now, device: Uuid::nil(), by: "AB", source: "test.csv" };
        let (_, first) = plan(&rows[..1], vec![], &[], &[], None, origin);
        assert_eq!(first.families_added, 1);
        let mut walk_in = new_family(&rows[0], now, Uuid::nil());
        walk_in.home_language = String::new();
        walk_in.referral.route = ReferralRoute::DropIn;
        walk_in.hv_level = HvLevel::Unknown;
        walk_in.photos = Consent::not_asked();
        walk_in.alerts.clear();
        walk_in.postcode = "LU3 1HB".into();
        walk_in.babies.push(Baby {
            id: Uuid::nil(),
            name: "Zainab".into(),
            dob: rows[0].baby_dob,
            due: None,
            sex: None,
        });

        let (change, summary) = plan(&rows, ignored, std::slice::from_ref(&walk_in), &[], None, origin);
        assert_eq!((summary.families_added, summary.babies_added, summary.families_known), (1, 1, 1));
        assert_eq!(summary.filled, ["Ayesha Khan (home_language, referral_route, hv_level, photo_consent, alerts)"]);
        assert_eq!(summary.no_group, 1);
        let text = summary.to_string();
        assert!(text.starts_with("added 1 family, 1 baby and 1 group\n1 family was already"), "{text}");
        assert!(text.contains("1 family is on no group's roster"), "{text}");
        assert!(text.contains("press s on any screen of the group"), "{text}");
        // The stored family: the office's details filled in, the facilitator's postcode kept.
        let stored: Vec<Family> = change
            .ops()
            .iter()
            .filter_map(|o| match o {
                crate::store::change::Op::Family(f) => Some((**f).clone()),
                _ => None,
            })
            .collect();
        let f = stored.iter().find(|f| f.id == walk_in.id).expect("the walk-in is updated, not duplicated");
        assert_eq!(f.home_language, "Urdu");
        assert_eq!(f.referral.route, ReferralRoute::HealthVisitor);
        assert_eq!(f.hv_level, HvLevel::Universal);
        assert_eq!(f.photos.answer, ConsentAnswer::Yes);
        assert_eq!(f.alerts.len(), 1);
        assert_eq!(f.postcode, "LU3 1HB");
        assert_eq!(f.babies.len(), 1, "Zainab is not added twice");
    }
}
