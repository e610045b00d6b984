//! The roster CSV (design notes section 5): one row per baby; rows with the same
//! parent name and phone are one family. The whole file is checked first; if any
//! row is wrong, every wrong row is reported and nothing is imported. The import
//! is one commit, and importing a file twice adds nothing the second time.

use super::Origin;
use super::table::{self, ImportError, Row, RowError, yes_no};
use crate::clock::parse_date;
use crate::domain::audit;
use crate::domain::fold::{digits, fold, postcode};
use crate::domain::*;
use crate::store::{Change, Store};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
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
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub families_added: usize,
    pub babies_added: usize,
    pub groups_added: Vec<String>,
    pub families_known: usize,
    pub ignored_columns: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {} families, {} babies and {} groups",
            self.families_added,
            self.babies_added,
            self.groups_added.len()
        )?;
        if self.families_known > 0 {
            write!(f, "\n{} families were already in the store (same parent name and phone)", self.families_known)?;
        }
        if !self.groups_added.is_empty() {
            write!(
                f,
                "\nnew groups: {} (set their venue, day and times in thinkbaby: press g on the group list)",
                self.groups_added.join(", ")
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
            && (due < d - Duration::days(60) || due > d + Duration::days(140))
        {
            why.push(format!(
                "baby_due_date {} is too far from the birth date {}",
                due.format("%d/%m/%Y"),
                d.format("%d/%m/%Y")
            ));
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
        alerts: parse_alerts(row.get("alerts")),
        group: squash(row.get("group")),
    })
}

/// Names as one line: line breaks inside a quoted Excel cell become spaces.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Allergy: peanuts; May not collect: father` — a kind before a colon, else Other.
pub fn parse_alerts(text: &str) -> Vec<Alert> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| match part.split_once(':') {
            Some((kind, rest)) if AlertKind::parse(kind).is_some() => {
                Alert { kind: AlertKind::parse(kind).unwrap_or(AlertKind::Other), text: rest.trim().to_string() }
            }
            _ => Alert { kind: AlertKind::Other, text: part.to_string() },
        })
        .collect()
}

/// The key that makes rows one family: parent name and phone, accents and spacing ignored.
pub fn family_key(parent_name: &str, phone: &str) -> (String, String) {
    (fold(parent_name), digits(phone))
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
    let mut by_key: HashMap<(String, String), usize> = HashMap::new();
    let mut changed: Vec<bool> = Vec::new();
    for f in existing_families {
        let carer = f.carers.first();
        let key =
            family_key(carer.map(|c| c.name.as_str()).unwrap_or(""), carer.map(|c| c.phone.as_str()).unwrap_or(""));
        // An erased family has no name or phone to match: a row like theirs is a new family.
        if !f.is_erased() {
            by_key.entry(key).or_insert(families.len());
        }
        families.push(f.clone());
        changed.push(false);
    }
    let existing = families.len();
    let mut known = std::collections::HashSet::new();
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
        let key = family_key(&r.parent_name, &r.parent_phone);
        let index = *by_key.entry(key).or_insert_with(|| {
            families.push(new_family(r, now, device));
            changed.push(true);
            summary.families_added += 1;
            families.len() - 1
        });
        if index < existing {
            known.insert(index);
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
            None => AuditEntry::new(f.id, AuditAction::FamilyAdded, now, origin.by, device)
                .what(format!("added from roster {}", origin.source)),
            Some(old) => AuditEntry::new(f.id, AuditAction::FamilyChanged, now, origin.by, device).what(format!(
                "changed by roster import {}: {}",
                origin.source,
                audit::family_changes(old, f).join(", ")
            )),
        };
        change.audit(&entry);
    }
    (change, summary)
}

fn new_family(r: &RosterRow, now: DateTime<Utc>, device: Uuid) -> Family {
    let consent = |answer: ConsentAnswer| Consent { answer, date: None };
    Family {
        id: new_id(now),
        carers: vec![Carer {
            id: new_id(now),
            name: r.parent_name.clone(),
            relationship: r.relationship.clone(),
            phone: r.parent_phone.clone(),
        }],
        babies: Vec::new(),
        postcode: r.postcode.clone(),
        neighbourhood: None,
        home_language: r.home_language.clone(),
        interpreter: r.interpreter,
        referral: Referral { route: r.referral_route, date: r.referral_date, referrer: String::new() },
        hv_level: r.hv_level,
        need_level: r.need_level,
        eha: r.eha,
        data_sharing: consent(r.data_sharing),
        photos: consent(r.photos),
        alerts: r.alerts.clone(),
        groups: Vec::new(),
        stamp: Stamp::new(now, device),
        erased: None,
    }
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
