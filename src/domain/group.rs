use super::family::Neighbourhood;
use super::stamp::Stamp;
use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A recurring Think Baby group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: Uuid,
    pub name: String,
    pub venue: String,
    pub neighbourhood: Option<Neighbourhood>,
    /// Monday = 0 … Sunday = 6.
    pub weekday: u8,
    #[serde(with = "super::wire::clock_time")]
    pub start: NaiveTime,
    #[serde(with = "super::wire::clock_time")]
    pub end: NaiveTime,
    pub stamp: Stamp,
}

impl Group {
    pub fn weekday(&self) -> Weekday {
        Weekday::try_from(self.weekday.min(6)).unwrap_or(Weekday::Mon)
    }

    pub fn meets_on(&self, day: NaiveDate) -> bool {
        use chrono::Datelike;
        day.weekday().num_days_from_monday() as u8 == self.weekday
    }

    /// "Thursdays 10:00-11:30"
    pub fn when(&self) -> String {
        format!("{}s {}-{}", weekday_name(self.weekday()), self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// One meeting of a group on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: Uuid,
    pub group: Uuid,
    #[serde(with = "super::wire::date")]
    pub date: NaiveDate,
    /// Facilitators' initials.
    pub facilitators: Vec<String>,
    pub stamp: Stamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub initials: String,
    pub name: String,
    pub stamp: Stamp,
}
