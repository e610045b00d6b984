//! The `evaluation` schema: exactly the rows `export ... --pseudonymise`
//! writes (the same function makes both: `report::evaluation`), refreshed
//! from the merged records at a sync, in one transaction, so an evaluator's
//! query never sees half a refresh. Nothing in it names anyone.

use super::HubError;
use crate::domain::tags::TagList;
use crate::report::evaluation;
use crate::report::{Filter, Pseudonymiser, Records};
use crate::store::Store;
use postgres::Client;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};

/// Rows in each table after a refresh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tables {
    pub families: usize,
    pub attendance: usize,
    pub observations: usize,
}

/// True when the tables were last refreshed before the hub's latest change.
pub fn lags(client: &mut Client, top: i64) -> Result<bool, HubError> {
    let at = super::schema::meta_number(client, "evaluation_seq")?.unwrap_or(-1);
    Ok(at < top)
}

/// "2026-Q4" for the week "2026-W47": what the evaluation counts by.
fn quarter(week: &str) -> String {
    let (year, w) = week.split_once("-W").unwrap_or((week, "1"));
    let w: u32 = w.parse().unwrap_or(1);
    format!("{year}-Q{}", (w.saturating_sub(1) / 13 + 1).min(4))
}

/// Replaces the tables' rows with those of the merged records.
pub fn refresh(client: &mut Client, store: &Store, top: i64) -> Result<Tables, HubError> {
    let records = Records::load(store)?;
    let pseudo = Pseudonymiser::of_store(store)?;
    let tags = TagList::built_in();
    let all = Filter::default();
    let families = evaluation::families(&records, &all, &pseudo);
    let attendance = evaluation::attendance(&records, &all, &pseudo);
    let observations = evaluation::observations(&records, &tags, &all, &pseudo);
    let mut tx = client.transaction()?;
    tx.batch_execute("TRUNCATE evaluation.families, evaluation.attendance, evaluation.observations")?;

    // Thirteen text columns, then the ages (int[]) and the sessions (int).
    let mut types = vec![Type::TEXT; 13];
    types.extend([Type::INT4_ARRAY, Type::INT4]);
    let mut w = BinaryCopyInWriter::new(
        tx.copy_in(
            "COPY evaluation.families (family, babies, postcode_district, neighbourhood, home_language, interpreter,
             referral_route, hv_level, need_level, eha, groups, first_attendance, first_attendance_quarter,
             baby_age_weeks_at_first_attendance, sessions_attended) FROM STDIN BINARY",
        )?,
        &types,
    );
    for f in &families {
        let q = if f.first_attendance.is_empty() { String::new() } else { quarter(&f.first_attendance) };
        let ages: Vec<i32> = f.baby_age_weeks_at_first_attendance.iter().map(|w| *w as i32).collect();
        let sessions = f.sessions_attended as i32;
        let row: [&(dyn ToSql + Sync); 15] = [
            &f.family,
            &f.babies,
            &f.postcode_district,
            &f.neighbourhood,
            &f.home_language,
            &f.interpreter,
            &f.referral_route,
            &f.hv_level,
            &f.need_level,
            &f.eha,
            &f.groups,
            &f.first_attendance,
            &q,
            &ages,
            &sessions,
        ];
        w.write(&row)?;
    }
    w.finish()?;

    let types =
        [Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::INT4, Type::INT4, Type::BOOL, Type::BOOL, Type::TEXT];
    let mut w = BinaryCopyInWriter::new(
        tx.copy_in(
            "COPY evaluation.attendance (week, quarter, group_name, family, adults, babies, walk_in, first_visit,
             postcode_district) FROM STDIN BINARY",
        )?,
        &types,
    );
    for a in &attendance {
        let (adults, babies) = (a.adults as i32, a.babies as i32);
        let q = quarter(&a.week);
        let row: [&(dyn ToSql + Sync); 9] =
            [&a.week, &q, &a.group, &a.family, &adults, &babies, &a.walk_in, &a.first_visit, &a.postcode_district];
        w.write(&row)?;
    }
    w.finish()?;

    let types = [Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT_ARRAY, Type::TEXT_ARRAY, Type::TEXT];
    let mut w = BinaryCopyInWriter::new(
        tx.copy_in(
            "COPY evaluation.observations (week, quarter, group_name, family, tags, domains, concern) FROM STDIN BINARY",
        )?,
        &types,
    );
    for o in &observations {
        let q = quarter(&o.week);
        let row: [&(dyn ToSql + Sync); 7] = [&o.week, &q, &o.group, &o.family, &o.tags, &o.domains, &o.concern];
        w.write(&row)?;
    }
    w.finish()?;
    super::schema::set_meta(&mut tx, "evaluation_seq", top.to_string().as_bytes())?;
    tx.commit()?;
    Ok(Tables { families: families.len(), attendance: attendance.len(), observations: observations.len() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn weeks_fall_in_their_quarter() {
        assert_eq!(super::quarter("2026-W01"), "2026-Q1");
        assert_eq!(super::quarter("2026-W13"), "2026-Q1");
        assert_eq!(super::quarter("2026-W14"), "2026-Q2");
        assert_eq!(super::quarter("2026-W47"), "2026-Q4");
        assert_eq!(super::quarter("2026-W53"), "2026-Q4");
    }
}
