//! How chrono values cross serde: compact integers in the stored (binary) form,
//! readable strings in the JSON archive. `is_human_readable` tells the two apart,
//! so one set of record types serves both without a second copy of every struct.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

/// A moment, as milliseconds since the Unix epoch (binary) or RFC 3339 (JSON).
pub mod moment {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        } else {
            s.serialize_i64(t.timestamp_millis())
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            DateTime::parse_from_rfc3339(&text).map(|t| t.with_timezone(&Utc)).map_err(D::Error::custom)
        } else {
            let ms = i64::deserialize(d)?;
            Utc.timestamp_millis_opt(ms).single().ok_or_else(|| D::Error::custom("timestamp out of range"))
        }
    }
}

pub mod opt_moment {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct W<'a>(#[serde(with = "super::moment")] &'a DateTime<Utc>);
        t.as_ref().map(W).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "super::moment")] DateTime<Utc>);
        Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
    }
}

/// A calendar date, as days since 1 January of year 1 (binary) or `YYYY-MM-DD` (JSON).
pub mod date {
    use super::*;
    use chrono::Datelike;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() { s.collect_str(&d.format("%Y-%m-%d")) } else { s.serialize_i32(d.num_days_from_ce()) }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(D::Error::custom)
        } else {
            let days = i32::deserialize(d)?;
            NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| D::Error::custom("date out of range"))
        }
    }
}

pub mod opt_date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct W<'a>(#[serde(with = "super::date")] &'a NaiveDate);
        d.as_ref().map(W).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "super::date")] NaiveDate);
        Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
    }
}

/// A time of day to the minute, as minutes since midnight (binary) or `HH:MM` (JSON).
pub mod clock_time {
    use super::*;
    use chrono::Timelike;

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(&t.format("%H:%M"))
        } else {
            s.serialize_u16((t.hour() * 60 + t.minute()) as u16)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            NaiveTime::parse_from_str(&text, "%H:%M").map_err(D::Error::custom)
        } else {
            let m = u16::deserialize(d)? as u32;
            NaiveTime::from_hms_opt(m / 60, m % 60, 0).ok_or_else(|| D::Error::custom("time of day out of range"))
        }
    }
}
