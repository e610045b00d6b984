//! A paper sign-in sheet typed in after the group: columns `date`, `group`,
//! `parent_name`, `baby_name`, and optionally `time_in` and `parent_phone`. The
//! same CSV rules as the roster (byte-order mark, CRLF, quoted fields, any
//! column order and case). Each row is matched to one family already in the
//! store, by the parent's name (and phone, when given) and the baby's name,
//! ignoring accents, case and spacing. A row that matches no family, or several,
//! is reported with its line number, not guessed; if any row is wrong, nothing
//! is imported. Sessions are made as needed; everything is one commit, and a
//! family already recorded at a session is left as it is, so importing a sheet
//! twice adds nothing the second time.

use super::Origin;
use super::table::{self, ImportError, Row, RowError};
use crate::clock::parse_date;
use crate::domain::fold::{digits, fold};
use crate::domain::*;
use crate::store::{Change, Store};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

pub const REQUIRED: &[&str] = &["date", "group", "parent_name", "baby_name"];
pub const OPTIONAL: &[&str] = &["time_in", "parent_phone"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub sessions_added: usize,
    pub attendances_added: usize,
    /// Families the sheet lists at a session where they were already checked in.
    pub already_recorded: usize,
    pub ignored_columns: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {} attendance{} and {} session{}",
            self.attendances_added,
            if self.attendances_added == 1 { "" } else { "s" },
            self.sessions_added,
            if self.sessions_added == 1 { "" } else { "s" }
        )?;
        if self.already_recorded > 0 {
            write!(
                f,
                "\n{} already recorded, left as {}",
                self.already_recorded,
                if self.already_recorded == 1 { "it was" } else { "they were" }
            )?;
        }
        if !self.ignored_columns.is_empty() {
            write!(f, "\nignored columns: {}", self.ignored_columns.join(", "))?;
        }
        Ok(())
    }
}

/// One row, matched.
#[derive(Debug, Clone)]
struct Matched {
    group: Uuid,
    date: NaiveDate,
    time: Option<NaiveTime>,
    family: Uuid,
    carer: Uuid,
    baby: Uuid,
}

/// The rows of one family at one session, merged: the first row (with the
/// earliest time), and the carers and babies named on any of them.
type Visit = (Matched, Vec<Uuid>, Vec<Uuid>);

/// Phone digits in one national form: `+44 7700 900123` and `07700 900123` agree.
pub(crate) fn phone_key(text: &str) -> String {
    let d = digits(text);
    if let Some(rest) = d.strip_prefix("0044") {
        format!("0{rest}")
    } else if d.len() >= 12
        && let Some(rest) = d.strip_prefix("44")
    {
        format!("0{rest}")
    } else {
        d
    }
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim().replace('.', ":");
    NaiveTime::parse_from_str(&t, "%H:%M").ok()
}

/// The one family a row names, with the carer and the baby; else why not.
fn find<'a>(families: &'a [Family], parent: &str, phone: &str, baby: &str) -> Result<(&'a Family, Uuid, Uuid), String> {
    let (parent_key, phone_key_) = (fold(parent), phone_key(phone));
    let named: Vec<(&Family, &Carer)> = families
        .iter()
        .flat_map(|f| f.carers.iter().map(move |c| (f, c)))
        .filter(|(_, c)| fold(&c.name) == parent_key)
        .collect();
    let candidates: Vec<(&Family, &Carer)> =
        named.iter().copied().filter(|(_, c)| phone_key_.is_empty() || phone_key(&c.phone) == phone_key_).collect();
    if candidates.is_empty() {
        return Err(if named.is_empty() {
            format!("no family has a parent named \"{parent}\"; add the family first (roster import or walk-in)")
        } else {
            format!("no family has a parent named \"{parent}\" with phone \"{phone}\"; check the phone number")
        });
    }
    let baby_key = fold(baby);
    let with_baby: Vec<(&Family, &Carer, &Baby)> = candidates
        .iter()
        .filter_map(|(f, c)| f.babies.iter().find(|b| fold(&b.name) == baby_key).map(|b| (*f, *c, b)))
        .collect();
    match with_baby.as_slice() {
        [(f, c, b)] => Ok((f, c.id, b.id)),
        [] if candidates.len() == 1 => Err(format!(
            "the family of \"{parent}\" has no baby named \"{baby}\" (its babies: {})",
            candidates[0].0.baby_names()
        )),
        [] => Err(format!("no family has both a parent named \"{parent}\" and a baby named \"{baby}\"")),
        many => Err(format!(
            "{} families have a parent named \"{parent}\" and a baby named \"{baby}\"; {}",
            many.len(),
            if phone.is_empty() {
                "add parent_phone to tell them apart"
            } else {
                "they share this phone too: check them in thinkbaby"
            }
        )),
    }
}

fn check_row(row: &Row, families: &[Family], groups: &[Group], today: NaiveDate) -> Result<Matched, Vec<String>> {
    let mut why = Vec::new();
    let date = match parse_date(row.get("date")) {
        Ok(d) if d > today => {
            why.push(format!("date {} is in the future", d.format("%d/%m/%Y")));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            why.push(format!("date: {e}"));
            None
        }
    };
    let group_name = row.get("group");
    let group = if group_name.is_empty() {
        why.push("group is empty".into());
        None
    } else {
        let g = groups.iter().find(|g| fold(&g.name) == fold(group_name));
        if g.is_none() {
            let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
            why.push(format!(
                "there is no group \"{group_name}\" (groups: {})",
                if known.is_empty() { "none yet".to_string() } else { known.join(", ") }
            ));
        }
        g.map(|g| g.id)
    };
    let time = match row.get("time_in") {
        "" => None,
        t => {
            let parsed = parse_time(t);
            if parsed.is_none() {
                why.push(format!("time_in \"{t}\" is not a time: write it as 10:15"));
            }
            parsed
        }
    };
    let (parent, baby) = (row.get("parent_name"), row.get("baby_name"));
    if parent.is_empty() {
        why.push("parent_name is empty".into());
    }
    if baby.is_empty() {
        why.push("baby_name is empty".into());
    }
    let found = if parent.is_empty() || baby.is_empty() {
        None
    } else {
        match find(families, parent, row.get("parent_phone"), baby) {
            Ok(f) => Some(f),
            Err(e) => {
                why.push(e);
                None
            }
        }
    };
    match (date, group, found) {
        (Some(date), Some(group), Some((f, carer, baby))) if why.is_empty() => {
            Ok(Matched { group, date, time, family: f.id, carer, baby })
        }
        _ => Err(why),
    }
}

/// Everything the import reads from the store.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    pub families: &'a [Family],
    pub groups: &'a [Group],
    pub sessions: &'a [Session],
    pub attendance: &'a [Attendance],
}

/// Checks every row and works out the change: the sessions to make and the
/// attendances to add. `to_utc` turns a local date and time into a moment.
pub fn plan(
    bytes: &[u8],
    known: Known,
    today: NaiveDate,
    origin: Origin,
    by: &str,
    to_utc: &dyn Fn(NaiveDateTime) -> DateTime<Utc>,
) -> Result<(Change, Summary), ImportError> {
    let (now, device) = (origin.now, origin.device);
    let t = table::read(bytes, REQUIRED, OPTIONAL)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for row in &t.rows {
        match check_row(row, known.families, known.groups, today) {
            Ok(m) => rows.push(m),
            Err(reasons) => errors.extend(reasons.into_iter().map(|reason| RowError { line: row.line, reason })),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }

    let mut summary = Summary { ignored_columns: t.ignored, ..Summary::default() };
    let mut change = Change::default();
    let mut sessions: HashMap<(Uuid, NaiveDate), Uuid> =
        known.sessions.iter().map(|s| ((s.group, s.date), s.id)).collect();
    let recorded: HashSet<(Uuid, Uuid)> = known.attendance.iter().map(|a| (a.session, a.family)).collect();
    // (session, family) -> merged rows, in the order of the file.
    let mut visits: BTreeMap<(Uuid, Uuid), Visit> = BTreeMap::new();
    let mut skipped: HashSet<(Uuid, Uuid)> = HashSet::new();
    for m in rows {
        let session = *sessions.entry((m.group, m.date)).or_insert_with(|| {
            let s = Session::new(m.group, m.date, vec![], Stamp::new(now, device));
            change.put_session(&s);
            summary.sessions_added += 1;
            s.id
        });
        if recorded.contains(&(session, m.family)) {
            skipped.insert((session, m.family));
            continue;
        }
        let entry = visits.entry((session, m.family)).or_insert_with(|| (m.clone(), vec![], vec![]));
        if !entry.1.contains(&m.carer) {
            entry.1.push(m.carer);
        }
        if !entry.2.contains(&m.baby) {
            entry.2.push(m.baby);
        }
        if let Some(t) = m.time
            && entry.0.time.is_none_or(|e| t < e)
        {
            entry.0.time = Some(t);
        }
    }
    summary.already_recorded = skipped.len();
    for ((session, family), (m, carers, babies)) in visits {
        let f = known.families.iter().find(|f| f.id == family);
        let group = known.groups.iter().find(|g| g.id == m.group);
        let time = m.time.or(group.map(|g| g.start)).unwrap_or_default();
        let a = Attendance {
            session,
            family,
            checked_in: to_utc(m.date.and_time(time)),
            // A paper sheet does not say when a family left.
            checked_out: None,
            carers,
            babies,
            walk_in: f.is_none_or(|f| !f.groups.contains(&m.group)),
            by: by.to_string(),
            stamp: Stamp::new(now, device),
        };
        change.put_attendance(&a);
        let entry = AuditEntry::new(family, AuditAction::CheckedIn, now, origin.by, device);
        change.audit(&entry.at_session(a.session).detail(Detail::FromSignInSheet));
        summary.attendances_added += 1;
    }
    Ok((change, summary))
}

/// Reads, checks and imports a sign-in sheet in one commit.
pub fn import(
    store: &Store,
    bytes: &[u8],
    today: NaiveDate,
    now: DateTime<Utc>,
    to_utc: &dyn Fn(NaiveDateTime) -> DateTime<Utc>,
) -> Result<Summary, ImportError> {
    import_from(store, bytes, "file", today, now, to_utc)
}

/// As [`import`], naming the file (`source`) in each check-in's audit entry.
pub fn import_from(
    store: &Store,
    bytes: &[u8],
    source: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
    to_utc: &dyn Fn(NaiveDateTime) -> DateTime<Utc>,
) -> Result<Summary, ImportError> {
    let (families, groups, sessions, attendance) =
        (store.families()?, store.groups()?, store.sessions()?, store.all_attendance()?);
    let by: String = store.meta(crate::store::META_INITIALS).ok().flatten().unwrap_or_default();
    let known = Known { families: &families, groups: &groups, sessions: &sessions, attendance: &attendance };
    let actor = store.actor();
    let origin = Origin::of(store, &actor, source, now);
    let (change, summary) = plan(bytes, known, today, origin, &by, to_utc)?;
    store.commit(change)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_national_form() {
        assert_eq!(phone_key("+44 7700 900123"), "07700900123");
        assert_eq!(phone_key("0044 7700 900123"), "07700900123");
        assert_eq!(phone_key("07700-900-123"), "07700900123");
        assert_eq!(phone_key(""), "");
    }

    #[test]
    fn times_as_written() {
        assert_eq!(parse_time("9:05"), NaiveTime::from_hms_opt(9, 5, 0));
        assert_eq!(parse_time("10.15"), NaiveTime::from_hms_opt(10, 15, 0));
        assert_eq!(parse_time("ten"), None);
    }
}
