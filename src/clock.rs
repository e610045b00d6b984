//! The clock is injected so that tests fix "today" and "now".

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, Utc};
use std::cell::Cell;

pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
    /// Wall-clock time where the group meets.
    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime;

    fn today(&self) -> NaiveDate {
        self.local(self.now()).date()
    }
}

/// The laptop's clock and time zone.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&Local).naive_local()
    }
}

/// A clock that says what it is told, in UTC; tests move it on by hand.
#[derive(Debug, Clone)]
pub struct FixedClock {
    now: Cell<DateTime<Utc>>,
}

impl FixedClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        FixedClock { now: Cell::new(now) }
    }

    pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Self {
        use chrono::TimeZone;
        FixedClock::new(Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap_or_default())
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.now.set(self.now.get() + by);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.now.get()
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.naive_utc()
    }
}

impl<C: Clock + ?Sized> Clock for std::rc::Rc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        (**self).local(t)
    }
}

/// Dates as facilitators and Excel write them: `dd/mm/yyyy`, or `yyyy-mm-dd`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("no date given".into());
    }
    NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .map_err(|_| format!("\"{t}\" is not a date: write dd/mm/yyyy, e.g. 07/03/2026"))
        .and_then(|d| {
            if d.format("%Y").to_string().len() == 4 && (1900..=2200).contains(&chrono::Datelike::year(&d)) {
                Ok(d)
            } else {
                Err(format!("\"{t}\" is not a date: write the year with four digits"))
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_and_iso_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(parse_date("07/03/2026"), Ok(d));
        assert_eq!(parse_date("7/3/2026"), Ok(d));
        assert_eq!(parse_date("2026-03-07"), Ok(d));
        assert!(parse_date("31/02/2026").unwrap_err().contains("not a date"));
        assert!(parse_date("03/07/26").is_err());
        assert!(parse_date("").is_err());
    }
}
