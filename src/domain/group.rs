use super::family::Neighbourhood;
use super::stamp::Stamp;
use super::version::Merge;
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

    /// The id of a new group called `name`: from the name, so that two
    /// laptops setting up the same group separately make one group, not two.
    pub fn id_for_name(name: &str) -> Uuid {
        super::stamp::derived_id(&[b"thinkbaby group", super::fold::fold(name).as_bytes()])
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

impl Session {
    /// A session's id follows from its group and date: every laptop gives the
    /// same meeting the same id, so their check-ins land on one session.
    pub fn id_for(group: Uuid, date: NaiveDate) -> Uuid {
        super::stamp::derived_id(&[
            b"thinkbaby session",
            group.as_bytes(),
            date.format("%Y-%m-%d").to_string().as_bytes(),
        ])
    }

    pub fn new(group: Uuid, date: NaiveDate, facilitators: Vec<String>, stamp: Stamp) -> Session {
        Session { id: Session::id_for(group, date), group, date, facilitators, stamp }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub initials: String,
    pub name: String,
    pub stamp: Stamp,
}

/// Two laptops' edits of a group wait for a person; times of writing apart.
impl Merge for Group {
    fn differs(&self, other: &Self) -> bool {
        Group { stamp: other.stamp.clone(), ..self.clone() } != *other
    }
}

impl Merge for Staff {
    fn differs(&self, other: &Self) -> bool {
        self.name != other.name
    }
}

/// A session written on two laptops is one session: everyone who facilitated it.
impl Merge for Session {
    fn join(live: &[&Self]) -> Option<Self> {
        let mut out = live[0].clone();
        for s in &live[1..] {
            for f in &s.facilitators {
                if !out.facilitators.contains(f) {
                    out.facilitators.push(f.clone());
                }
            }
            out.stamp = out.stamp.merged(&s.stamp);
        }
        Some(out)
    }
}
