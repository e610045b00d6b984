//! A baby's age as facilitators say it: weeks up to 12 weeks, then months;
//! corrected for a birth before 37 weeks; flagged from the first birthday
//! ("ageing out"). One way to write it: `3m (c6w)` in a table cell, `3m,
//! corrected 6w` in a sentence.

use chrono::{Duration, Months, NaiveDate};
use std::fmt;

/// Up to and including this many weeks, an age is said in weeks.
const WEEKS_UNTIL: i64 = 12;

/// Health visitors correct the age only of a baby born before 37 weeks (RCPCH
/// growth-chart guidance), that is more than 3 weeks before the due date: the age
/// of a baby born later is its age, whatever the due date says.
const TERM_WITHIN_DAYS: i64 = 21;

/// A due date this long after the birth means a birth at 20 weeks: a typing
/// mistake, not a baby at a baby group.
const DUE_AT_MOST_WEEKS: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeUnit {
    Weeks(i64),
    Months(u32),
}

impl fmt::Display for AgeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgeUnit::Weeks(w) => write!(f, "{w}w"),
            AgeUnit::Months(m) => write!(f, "{m}m"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    /// Age since birth.
    pub actual: AgeUnit,
    /// Age counted from the due date, when the baby was born before 37 weeks.
    pub corrected: Option<AgeUnit>,
    /// 12 months or older (by actual age): the group is for babies under one.
    pub ageing_out: bool,
    /// Whole days since birth, for sorting and reports.
    pub days: i64,
}

impl Age {
    /// For a table cell, where room is short: `3m (c6w)`, `12m ⌛`.
    pub fn cell(&self) -> String {
        self.written(|c| format!(" (c{c})"))
    }

    /// Inside a sentence or after a name in brackets, so no brackets of its own:
    /// `3m, corrected 6w`.
    pub fn sentence(&self) -> String {
        self.written(|c| format!(", corrected {c}"))
    }

    fn written(&self, corrected: impl Fn(AgeUnit) -> String) -> String {
        let mut out = self.actual.to_string();
        if let Some(c) = self.corrected {
            out.push_str(&corrected(c));
        }
        if self.ageing_out {
            out.push_str(" ⌛");
        }
        out
    }
}

/// The cell form, [`Age::cell`].
impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cell())
    }
}

/// Whole calendar months from `from` to `to`: a month is complete on the same day
/// of the month, or on the month's last day when that day does not exist (born
/// 31 January, one month old on 28 or 29 February).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    if to < from {
        return 0;
    }
    let mut months = 0u32;
    // An estimate, then step: never more than a couple of iterations.
    let estimate = (to.signed_duration_since(from).num_days() / 31).max(0) as u32;
    if estimate > 0 && from.checked_add_months(Months::new(estimate)).is_some_and(|d| d <= to) {
        months = estimate;
    }
    while from.checked_add_months(Months::new(months + 1)).is_some_and(|d| d <= to) {
        months += 1;
    }
    months
}

fn unit_between(from: NaiveDate, to: NaiveDate) -> AgeUnit {
    let days = to.signed_duration_since(from).num_days().max(0);
    let weeks = days / 7;
    if weeks <= WEEKS_UNTIL { AgeUnit::Weeks(weeks) } else { AgeUnit::Months(whole_months(from, to)) }
}

/// Born more than 3 weeks before the due date (before 37 weeks): the age that
/// health visitors use is counted from the due date.
fn corrects(dob: NaiveDate, due: NaiveDate) -> bool {
    due.signed_duration_since(dob).num_days() > TERM_WITHIN_DAYS
}

/// Whether a due date can go with a date of birth; the reason says what to do and
/// reads after the due date's name: "baby_due_date 01/06/2026 is before the birth".
/// One check for the roster import and the forms.
pub fn check_due(dob: NaiveDate, due: NaiveDate) -> Result<(), String> {
    if due < dob {
        Err("is before the birth: leave it empty unless the baby came early".into())
    } else if due > dob + Duration::weeks(DUE_AT_MOST_WEEKS) {
        Err(format!("is more than {DUE_AT_MOST_WEEKS} weeks after the birth: check both dates"))
    } else {
        Ok(())
    }
}

/// The age of a baby born on `dob`, due on `due` (if known), seen on `today`.
pub fn age_on(dob: NaiveDate, due: Option<NaiveDate>, today: NaiveDate) -> Age {
    let actual = unit_between(dob, today);
    let corrected = due.filter(|d| corrects(dob, *d)).map(|d| unit_between(d, today));
    Age {
        actual,
        corrected,
        ageing_out: whole_months(dob, today) >= 12,
        days: today.signed_duration_since(dob).num_days(),
    }
}

/// Whole weeks from birth to a date (for evaluation exports).
pub fn weeks_on(dob: NaiveDate, day: NaiveDate) -> i64 {
    day.signed_duration_since(dob).num_days().max(0) / 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_until_twelve_then_months() {
        let dob = d(2026, 1, 1);
        assert_eq!(age_on(dob, None, d(2026, 1, 1)).to_string(), "0w");
        assert_eq!(age_on(dob, None, d(2026, 1, 7)).to_string(), "0w");
        assert_eq!(age_on(dob, None, d(2026, 1, 8)).to_string(), "1w");
        // 84 days is exactly 12 weeks: still said in weeks.
        assert_eq!(age_on(dob, None, d(2026, 3, 26)).to_string(), "12w");
        assert_eq!(age_on(dob, None, d(2026, 4, 1)).to_string(), "12w");
        // 91 days: 13 weeks, now in months (3 whole months on 1 April).
        assert_eq!(age_on(dob, None, d(2026, 4, 2)).to_string(), "3m");
    }

    #[test]
    fn month_ends_clamp_to_the_last_day() {
        // Born 31 October: one month on 30 November, four months on 28 February.
        let dob = d(2025, 10, 31);
        assert_eq!(whole_months(dob, d(2025, 11, 29)), 0);
        assert_eq!(whole_months(dob, d(2025, 11, 30)), 1);
        assert_eq!(whole_months(dob, d(2026, 2, 27)), 3);
        assert_eq!(whole_months(dob, d(2026, 2, 28)), 4);
        assert_eq!(whole_months(dob, d(2026, 3, 30)), 4);
        assert_eq!(whole_months(dob, d(2026, 3, 31)), 5);
    }

    #[test]
    fn born_on_29_february_turns_one_on_28_february() {
        let dob = d(2024, 2, 29);
        assert!(!age_on(dob, None, d(2025, 2, 27)).ageing_out);
        let on_28 = age_on(dob, None, d(2025, 2, 28));
        assert!(on_28.ageing_out);
        assert_eq!(on_28.actual, AgeUnit::Months(12));
        assert_eq!(on_28.to_string(), "12m ⌛");
    }

    #[test]
    fn ageing_out_from_the_first_birthday() {
        let dob = d(2025, 11, 22);
        assert!(!age_on(dob, None, d(2026, 11, 21)).ageing_out);
        assert_eq!(age_on(dob, None, d(2026, 11, 21)).actual, AgeUnit::Months(11));
        assert!(age_on(dob, None, d(2026, 11, 22)).ageing_out);
    }

    #[test]
    fn corrected_age_for_an_early_baby() {
        // Born eight weeks early.
        let dob = d(2026, 6, 1);
        let due = d(2026, 7, 27);
        let a = age_on(dob, Some(due), d(2026, 9, 1));
        assert_eq!(a.actual, AgeUnit::Months(3));
        assert_eq!(a.to_string(), "3m (c5w)");
        // Before the due date the corrected age is nought weeks, not negative.
        let early = age_on(dob, Some(due), d(2026, 6, 20));
        assert_eq!(early.to_string(), "2w (c0w)");
    }

    #[test]
    fn corrected_only_when_born_more_than_three_weeks_early() {
        let today = d(2026, 11, 19);
        let dob = d(2026, 8, 14);
        let early = |days: i64| age_on(dob, Some(dob + Duration::days(days)), today);
        // 20 and 21 days early: born at 37 weeks or later, a term baby.
        assert_eq!(early(20).corrected, None);
        assert_eq!(early(20).sentence(), "3m");
        assert_eq!(early(21).corrected, None);
        assert_eq!(early(21).cell(), "3m");
        // 22 days early: born at 36 weeks and 6 days.
        assert_eq!(early(22).corrected, Some(AgeUnit::Weeks(10)));
        assert_eq!(early(22).cell(), "3m (c10w)");
        assert!(!corrects(dob, dob + Duration::days(21)));
        assert!(corrects(dob, dob + Duration::days(22)));
    }

    #[test]
    fn a_cell_and_a_sentence_say_the_same_age() {
        let dob = d(2026, 8, 14);
        let a = age_on(dob, Some(dob + Duration::weeks(6)), d(2026, 11, 19));
        assert_eq!(a.cell(), "3m (c7w)");
        assert_eq!(a.to_string(), a.cell());
        // No brackets: it is written inside "Imran (...)".
        assert_eq!(a.sentence(), "3m, corrected 7w");
        let one = age_on(d(2025, 11, 1), None, d(2026, 11, 19));
        assert_eq!((one.cell(), one.sentence()), ("12m ⌛".to_string(), "12m ⌛".to_string()));
        let both = age_on(d(2025, 10, 1), Some(d(2025, 11, 26)), d(2026, 10, 1));
        assert_eq!((both.cell().as_str(), both.sentence().as_str()), ("12m (c10m) ⌛", "12m, corrected 10m ⌛"));
    }

    #[test]
    fn a_due_date_from_the_birth_to_20_weeks_after_it() {
        let dob = d(2026, 6, 10);
        assert_eq!(check_due(dob, dob), Ok(()));
        assert_eq!(check_due(dob, dob + Duration::weeks(20)), Ok(()));
        let before = check_due(dob, dob - Duration::days(1)).unwrap_err();
        assert!(before.starts_with("is before the birth"), "{before}");
        let late = check_due(dob, dob + Duration::weeks(20) + Duration::days(1)).unwrap_err();
        assert!(late.starts_with("is more than 20 weeks after the birth"), "{late}");
    }

    #[test]
    fn due_date_before_birth_is_not_a_correction() {
        // A late baby: no corrected age.
        let a = age_on(d(2026, 6, 10), Some(d(2026, 6, 1)), d(2026, 7, 1));
        assert_eq!(a.corrected, None);
        assert_eq!(a.to_string(), "3w");
    }

    #[test]
    fn a_date_before_birth_is_nought() {
        let a = age_on(d(2026, 6, 10), None, d(2026, 6, 1));
        assert_eq!(a.to_string(), "0w");
        assert!(!a.ageing_out);
    }
}
