//! A baby's age as facilitators say it: weeks up to 12 weeks, then months;
//! corrected for an early birth; flagged from the first birthday ("ageing out").

use chrono::{Months, NaiveDate};
use std::fmt;

/// Up to and including this many weeks, an age is said in weeks.
const WEEKS_UNTIL: i64 = 12;

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
    /// Age counted from the due date, when the baby came early.
    pub corrected: Option<AgeUnit>,
    /// 12 months or older (by actual age): the group is for babies under one.
    pub ageing_out: bool,
    /// Whole days since birth, for sorting and reports.
    pub days: i64,
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.corrected {
            Some(c) => write!(f, "{} (c{})", self.actual, c)?,
            None => write!(f, "{}", self.actual)?,
        }
        if self.ageing_out {
            f.write_str(" ⌛")?;
        }
        Ok(())
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

/// The age of a baby born on `dob`, due on `due` (if known), seen on `today`.
pub fn age_on(dob: NaiveDate, due: Option<NaiveDate>, today: NaiveDate) -> Age {
    let actual = unit_between(dob, today);
    let corrected = due.filter(|d| *d > dob).map(|d| unit_between(d, today));
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
