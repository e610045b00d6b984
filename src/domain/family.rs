use super::stamp::Stamp;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Declares a small enum with its stored order, its label and the words that
/// parse to it. The order of variants is part of the stored format: append only.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $label:literal [$($word:literal),*]),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a label or one of its accepted words, ignoring case and spaces.
            pub fn parse(text: &str) -> Option<Self> {
                let t: String = text.trim().to_lowercase().chars().filter(|c| !matches!(c, ' ' | '-' | '_' | '/')).collect();
                $(
                    let label: String = $label.to_lowercase().chars().filter(|c| !matches!(c, ' ' | '-' | '_' | '/')).collect();
                    if t == label $(|| t == $word)* { return Some($name::$variant); }
                )+
                None
            }

            pub fn accepted() -> String {
                [$($label),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label()) }
        }
    };
}
pub(crate) use choice;

choice!(Neighbourhood {
    Central => "Central" [],
    South => "South" [],
    North => "North" [],
    West => "West" [],
});

choice!(ReferralRoute {
    DropIn => "Drop-in/self" ["dropin", "self", "selfreferral", "walkin"],
    HealthVisitor => "Health visitor" ["hv"],
    Midwife => "Midwife" [],
    ServiceRequest => "Service request form" ["servicerequest", "srf"],
    OtherAgency => "Other agency" ["other", "agency"],
});

choice!(HvLevel {
    Unknown => "Unknown" ["", "notknown"],
    Universal => "Universal" ["u"],
    UniversalPlus => "Universal Plus" ["up"],
    PartnershipPlus => "Universal Partnership Plus" ["upp", "partnershipplus"],
});

impl HvLevel {
    /// The short form for a crowded roster row.
    pub fn short(self) -> &'static str {
        match self {
            HvLevel::Unknown => "",
            HvLevel::Universal => "U",
            HvLevel::UniversalPlus => "UP",
            HvLevel::PartnershipPlus => "UPP",
        }
    }
}

choice!(ConsentAnswer {
    NotAsked => "Not asked" ["", "notknown", "unknown"],
    Yes => "Yes" ["y", "true", "1"],
    No => "No" ["n", "false", "0"],
});

choice!(Sex {
    Female => "Female" ["f", "girl"],
    Male => "Male" ["m", "boy"],
});

choice!(AlertKind {
    Allergy => "Allergy" [],
    Medical => "Medical" [],
    NoCollect => "May not collect" ["nocollect", "maynotcollect", "collection"],
    Other => "Other" [],
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carer {
    pub id: Uuid,
    pub name: String,
    pub relationship: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baby {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "super::wire::date")]
    pub dob: NaiveDate,
    #[serde(with = "super::wire::opt_date")]
    pub due: Option<NaiveDate>,
    pub sex: Option<Sex>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub route: ReferralRoute,
    #[serde(with = "super::wire::opt_date")]
    pub date: Option<NaiveDate>,
    pub referrer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub answer: ConsentAnswer,
    #[serde(with = "super::wire::opt_date")]
    pub date: Option<NaiveDate>,
}

impl Consent {
    pub fn not_asked() -> Self {
        Consent { answer: ConsentAnswer::NotAsked, date: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub text: String,
}

impl Alert {
    /// Alerts as a roster or the family form writes them: `Allergy: peanuts;
    /// May not collect: ...`. A part without a known kind is kept whole as Other.
    pub fn parse_list(text: &str) -> Vec<Alert> {
        text.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|part| match part.split_once(':').and_then(|(kind, rest)| Some((AlertKind::parse(kind)?, rest))) {
                Some((kind, rest)) => Alert { kind, text: rest.trim().to_string() },
                None => Alert { kind: AlertKind::Other, text: part.to_string() },
            })
            .collect()
    }

    /// The alerts written as `parse_list` reads them back, on one line (an
    /// alert written over two lines in a spreadsheet cell is joined up).
    pub fn list_text(alerts: &[Alert]) -> String {
        let line = |a: &Alert| format!("{}: {}", a.kind.label(), crate::text::one_line(&a.text));
        alerts.iter().map(line).collect::<Vec<_>>().join("; ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    pub id: Uuid,
    pub carers: Vec<Carer>,
    pub babies: Vec<Baby>,
    pub postcode: String,
    pub neighbourhood: Option<Neighbourhood>,
    pub home_language: String,
    pub interpreter: bool,
    pub referral: Referral,
    pub hv_level: HvLevel,
    pub need_level: Option<u8>,
    pub eha: bool,
    pub data_sharing: Consent,
    pub photos: Consent,
    pub alerts: Vec<Alert>,
    /// The groups this family is expected at.
    pub groups: Vec<Uuid>,
    pub stamp: Stamp,
    /// Set when the family's personal data was erased (schema 3): the record stays,
    /// anonymous, so that attendance counts and session totals stay right.
    pub erased: Option<Erasure>,
    /// Set when a person confirmed this family is the same as another (two
    /// laptops added the same walk-in): its records now belong to that one.
    pub joined_into: Option<Joined>,
    /// Families a person confirmed are not this one, so nobody asks again.
    pub not_same_as: Vec<Uuid>,
}

/// Where a family's records went when a person confirmed it is the same as
/// another: the other family, and which of its people each of this one's is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    pub into: Uuid,
    /// This family's carer and baby ids, each with the other family's id for the same person.
    pub people: Vec<(Uuid, Uuid)>,
}

impl Joined {
    /// The other family's id for one of this family's people.
    pub fn person(&self, id: Uuid) -> Uuid {
        self.people.iter().find(|(from, _)| *from == id).map_or(id, |(_, to)| *to)
    }
}

/// What is shown in place of an erased family's names.
pub const ERASED: &str = "(erased)";

/// When, by whom and why personal data was erased (a family, or an observation's text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    #[serde(with = "super::wire::moment")]
    pub at: DateTime<Utc>,
    /// Initials of who erased it, or "command line".
    pub by: String,
    pub why: String,
}

/// Edits of a family on two laptops wait for a person; an erasure outranks
/// every other version, so erased details are never kept as a conflict.
impl super::version::Merge for Family {
    /// Erased first, then joined into another family: a decision that moved
    /// the family's records is not undone by an older version.
    fn rank(&self) -> u8 {
        if self.is_erased() {
            2
        } else if self.joined_into.is_some() {
            1
        } else {
            0
        }
    }

    fn differs(&self, other: &Self) -> bool {
        Family { stamp: other.stamp.clone(), ..self.clone() } != *other
    }
}

impl Family {
    /// A new family with one carer and its babies; everything else as for a
    /// drop-in nobody has told us about yet (route drop-in, level unknown,
    /// consents not asked, on no group's list).
    pub fn new(carer: &str, phone: &str, babies: Vec<Baby>, stamp: Stamp) -> Family {
        let now = stamp.created;
        Family {
            id: super::new_id(now),
            carers: vec![Carer {
                id: super::new_id(now),
                name: carer.to_string(),
                relationship: String::new(),
                phone: phone.to_string(),
            }],
            babies,
            postcode: String::new(),
            neighbourhood: None,
            home_language: String::new(),
            interpreter: false,
            referral: Referral { route: ReferralRoute::DropIn, date: None, referrer: String::new() },
            hv_level: HvLevel::Unknown,
            need_level: None,
            eha: false,
            data_sharing: Consent::not_asked(),
            photos: Consent::not_asked(),
            alerts: vec![],
            groups: vec![],
            stamp,
            erased: None,
            joined_into: None,
            not_same_as: vec![],
        }
    }

    /// "Amina Begum" or "Amina Begum & Tariq Begum"; "(erased)" for an erased family.
    pub fn carer_names(&self) -> String {
        if self.is_erased() {
            return ERASED.to_string();
        }
        let names: Vec<&str> = self.carers.iter().map(|c| c.name.as_str()).collect();
        names.join(" & ")
    }

    pub fn first_carer(&self) -> &str {
        if self.is_erased() {
            return ERASED;
        }
        self.carers.first().map(|c| c.name.as_str()).unwrap_or("(no carer)")
    }

    pub fn baby_names(&self) -> String {
        if self.is_erased() {
            return ERASED.to_string();
        }
        let names: Vec<&str> = self.babies.iter().map(|b| b.name.as_str()).collect();
        names.join(" & ")
    }

    /// True when the family's personal data was erased.
    pub fn is_erased(&self) -> bool {
        self.erased.is_some()
    }

    pub fn baby(&self, id: Uuid) -> Option<&Baby> {
        self.babies.iter().find(|b| b.id == id)
    }

    /// Expected at `group` on `day`: on the group's list, not erased, and with a
    /// baby under 13 months (the group is for babies under one; the month after
    /// the first birthday they still show, flagged as ageing out). Families are
    /// never taken off a list, so without this a roster would grow for ever.
    pub fn expected_at(&self, group: Uuid, day: NaiveDate) -> bool {
        self.groups.contains(&group)
            && !self.is_erased()
            && self.babies.iter().any(|b| super::age::whole_months(b.dob, day) < 13)
    }

    pub fn no_photos(&self) -> bool {
        self.photos.answer == ConsentAnswer::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn expected_while_a_baby_is_under_thirteen_months() {
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 19, 10, 0, 0).unwrap();
        let day = t.date_naive();
        let group = Uuid::from_u128(7);
        let baby = |dob: NaiveDate| Baby { id: Uuid::nil(), name: "B".into(), dob, due: None, sex: None };
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let mut f = Family::new("Zoë", "", vec![baby(d(2025, 10, 20))], Stamp::new(t, Uuid::nil()));
        assert!(!f.expected_at(group, day), "not on the group's list");
        f.groups.push(group);
        assert!(f.expected_at(group, day), "12 months old: ageing out, still expected");
        f.babies = vec![baby(d(2025, 10, 19))];
        assert!(!f.expected_at(group, day), "13 months old: no longer expected");
        f.babies.push(baby(d(2026, 9, 1)));
        assert!(f.expected_at(group, day), "a younger sibling keeps the family expected");
        f.erased = Some(Erasure { at: t, by: "AB".into(), why: "asked".into() });
        assert!(!f.expected_at(group, day), "an erased family is on no roster");
    }

    #[test]
    fn alerts_read_back_as_they_are_written() {
        let alerts = Alert::parse_list("Allergy: peanuts; may not collect: her ex-partner ;; EpiPen in bag");
        assert_eq!(
            alerts,
            vec![
                Alert { kind: AlertKind::Allergy, text: "peanuts".into() },
                Alert { kind: AlertKind::NoCollect, text: "her ex-partner".into() },
                Alert { kind: AlertKind::Other, text: "EpiPen in bag".into() },
            ]
        );
        assert_eq!(Alert::parse_list(&Alert::list_text(&alerts)), alerts);
        assert_eq!(
            Alert::parse_list("Note: call first"),
            vec![Alert { kind: AlertKind::Other, text: "Note: call first".into() }]
        );
    }
}
