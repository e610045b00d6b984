//! Which roster rows are one family, and what a row may change in a family
//! already in the store. The rules (issue "families kept apart"):
//!
//! - Rows are one family only when the carer's name and phone match, or, with
//!   no phone on either row, the name and the postcode. Twins and siblings
//!   written on two rows join; two Sarah Smiths in two postcodes do not.
//! - Rows that join but disagree on anything the family holds once (postcode,
//!   consents, referral, health-visiting level, need level, EHA, home language,
//!   interpreter) are never settled by picking one: the whole file is refused,
//!   every such pair named by its lines and the field.
//! - A later file fills what the store leaves blank and never overwrites what
//!   it holds: a different value is reported, family by family, and left alone.
//!   So a consent `no` is never turned into `yes`, and importing the same file
//!   again changes nothing.

use super::roster::RosterRow;
use crate::domain::fold::fold;
use crate::domain::{ConsentAnswer, Family, HvLevel, ReferralRoute};

/// The key that makes rows (and a stored family) one family.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    name: String,
    phone: String,
    /// Only without a phone: the postcode, spaces and case ignored.
    postcode: String,
}

pub fn key(name: &str, phone: &str, postcode: &str) -> Key {
    // `+44 7700 900123` and `07700 900123` are one phone.
    let phone = super::attendance::phone_key(phone);
    let postcode = if phone.is_empty() { fold(postcode).replace(' ', "") } else { String::new() };
    Key { name: fold(name), phone, postcode }
}

pub fn key_of_row(r: &RosterRow) -> Key {
    key(&r.parent_name, &r.parent_phone, &r.postcode)
}

pub fn key_of_family(f: &Family) -> Key {
    let carer = f.carers.first();
    key(carer.map_or("", |c| c.name.as_str()), carer.map_or("", |c| c.phone.as_str()), &f.postcode)
}

/// One thing a family holds once: its roster column, its value in a row (None
/// when the cell is blank) and in a stored family (None when not yet known),
/// and how a row's value is put into a family.
struct Field {
    column: &'static str,
    in_row: fn(&RosterRow) -> Option<String>,
    in_family: fn(&Family) -> Option<String>,
    fill: fn(&mut Family, &RosterRow),
}

fn given(r: &RosterRow, column: &str, value: String) -> Option<String> {
    r.given.contains(&column).then_some(value)
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// A stored yes/no with no "not known": only yes counts as known (a walk-in
/// starts at no), so a file may say yes but never take a yes back.
fn known_yes(b: bool) -> Option<String> {
    b.then(|| yes_no(b))
}

fn consent(a: ConsentAnswer) -> Option<String> {
    (a != ConsentAnswer::NotAsked).then(|| a.label().to_lowercase())
}

/// A walk-in is "drop-in/self" with no date until someone knows better.
fn referral_known(f: &Family) -> bool {
    f.referral.route != ReferralRoute::DropIn || f.referral.date.is_some() || !f.referral.referrer.is_empty()
}

const FIELDS: &[Field] = &[
    Field {
        column: "postcode",
        in_row: |r| given(r, "postcode", r.postcode.clone()),
        in_family: |f| (!f.postcode.is_empty()).then(|| f.postcode.clone()),
        fill: |f, r| f.postcode = r.postcode.clone(),
    },
    Field {
        column: "home_language",
        in_row: |r| given(r, "home_language", r.home_language.clone()),
        in_family: |f| (!f.home_language.trim().is_empty()).then(|| f.home_language.clone()),
        fill: |f, r| f.home_language = r.home_language.clone(),
    },
    Field {
        column: "interpreter",
        in_row: |r| given(r, "interpreter", yes_no(r.interpreter)),
        in_family: |f| known_yes(f.interpreter),
        fill: |f, r| f.interpreter = r.interpreter,
    },
    Field {
        column: "referral_route",
        in_row: |r| given(r, "referral_route", r.referral_route.label().to_string()),
        in_family: |f| referral_known(f).then(|| f.referral.route.label().to_string()),
        fill: |f, r| f.referral.route = r.referral_route,
    },
    Field {
        column: "referral_date",
        in_row: |r| {
            given(r, "referral_date", r.referral_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default())
        },
        in_family: |f| f.referral.date.map(|d| d.format("%d/%m/%Y").to_string()),
        fill: |f, r| f.referral.date = r.referral_date,
    },
    Field {
        column: "hv_level",
        in_row: |r| given(r, "hv_level", r.hv_level.label().to_string()),
        in_family: |f| (f.hv_level != HvLevel::Unknown).then(|| f.hv_level.label().to_string()),
        fill: |f, r| f.hv_level = r.hv_level,
    },
    Field {
        column: "need_level",
        in_row: |r| given(r, "need_level", r.need_level.map(|n| n.to_string()).unwrap_or_default()),
        in_family: |f| f.need_level.map(|n| n.to_string()),
        fill: |f, r| f.need_level = r.need_level,
    },
    Field {
        column: "eha",
        in_row: |r| given(r, "eha", yes_no(r.eha)),
        in_family: |f| known_yes(f.eha),
        fill: |f, r| f.eha = r.eha,
    },
    Field {
        column: "photo_consent",
        in_row: |r| given(r, "photo_consent", r.photos.label().to_lowercase()),
        in_family: |f| consent(f.photos.answer),
        fill: |f, r| f.photos.answer = r.photos,
    },
    Field {
        column: "data_sharing_consent",
        in_row: |r| given(r, "data_sharing_consent", r.data_sharing.label().to_lowercase()),
        in_family: |f| consent(f.data_sharing.answer),
        fill: |f, r| f.data_sharing.answer = r.data_sharing,
    },
];

/// The columns a family holds once, which rows of one family must agree on.
pub fn family_columns() -> Vec<&'static str> {
    FIELDS.iter().map(|f| f.column).collect()
}

/// Spelling, case and spacing aside, the same value.
fn same(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

/// Every pair of rows that would be one family but disagree, with the fields:
/// `lines 2 and 5 (Sarah Smith): photo_consent "yes" and "no"`.
pub fn disagreements(rows: &[RosterRow]) -> Vec<String> {
    // Rows by family first: comparing every row with every other would take
    // minutes on a file of a few thousand.
    let mut families: Vec<Vec<&RosterRow>> = Vec::new();
    let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    for r in rows {
        let i = *index.entry(key_of_row(r)).or_insert_with(|| {
            families.push(Vec::new());
            families.len() - 1
        });
        families[i].push(r);
    }
    let mut out = Vec::new();
    for family in &families {
        for (i, a) in family.iter().enumerate() {
            for b in &family[i + 1..] {
                let differ: Vec<String> = FIELDS
                    .iter()
                    .filter_map(|field| match ((field.in_row)(a), (field.in_row)(b)) {
                        (Some(x), Some(y)) if !same(&x, &y) => Some(format!("{} \"{x}\" and \"{y}\"", field.column)),
                        _ => None,
                    })
                    .collect();
                if !differ.is_empty() {
                    out.push((a.line, b.line, format!("({}): {}", a.parent_name, differ.join(", "))));
                }
            }
        }
    }
    out.sort_by_key(|(a, b, _)| (*a, *b));
    out.into_iter().map(|(a, b, said)| format!("lines {a} and {b} {said}")).collect()
}

/// What a row did to a family already in the store.
#[derive(Debug, Default)]
pub struct Merged {
    /// Columns the row filled, that the store left blank.
    pub filled: Vec<&'static str>,
    /// Columns where the row says otherwise than the store: `photo_consent:
    /// "no" here, "yes" in the file`. Left as they were.
    pub kept: Vec<String>,
}

/// Fills `f`'s blanks from `r`; reports what differs and leaves it.
pub fn merge(f: &mut Family, r: &RosterRow) -> Merged {
    let mut out = Merged::default();
    for field in FIELDS {
        let Some(theirs) = (field.in_row)(r) else { continue };
        match (field.in_family)(f) {
            None => {
                (field.fill)(f, r);
                if (field.in_family)(f).is_some() {
                    out.filled.push(field.column);
                }
            }
            Some(ours) if !same(&ours, &theirs) => {
                out.kept.push(format!("{} \"{ours}\" in thinkbaby, \"{theirs}\" in the file", field.column));
            }
            Some(_) => {}
        }
    }
    if let Some(c) = f.carers.first_mut()
        && c.relationship.is_empty()
        && !r.relationship.is_empty()
    {
        c.relationship = r.relationship.clone();
        out.filled.push("relationship");
    }
    for a in &r.alerts {
        if !f.alerts.contains(a) {
            f.alerts.push(a.clone());
            out.filled.push("alerts");
        }
    }
    out.filled.dedup();
    out
}
