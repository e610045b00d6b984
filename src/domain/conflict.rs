//! What waits for a person after laptops merge: a family or a group edited on
//! two laptops (which parts differ, and how each reads), and two families that
//! look like one (the same walk-in added on two laptops), and how a decision
//! is written.

use super::audit::{FamilyField, family_changes};
use super::family::{Baby, Carer, Consent, ConsentAnswer, Family, Joined};
use super::fold::{digits, fold};
use super::group::Group;
use uuid::Uuid;

/// One part of a family that two versions give differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: FamilyField,
    /// As the shown version has it.
    pub shown: String,
    /// As the other version has it.
    pub other: String,
}

/// The parts two versions of a family give differently, each as it reads.
/// Stored text: clean it before it reaches a terminal.
pub fn differences(shown: &Family, other: &Family) -> Vec<Difference> {
    family_changes(shown, other)
        .into_iter()
        .filter(|f| *f != FamilyField::Erased)
        .map(|field| Difference { field, shown: value(shown, field), other: value(other, field) })
        .collect()
}

/// A part of a family in words, as a facilitator would read it.
pub fn value(f: &Family, field: FamilyField) -> String {
    use FamilyField as F;
    let list = |items: Vec<String>| if items.is_empty() { "(none)".to_string() } else { items.join("; ") };
    let consent = |c: &Consent| match c.date {
        Some(d) => format!("{} ({})", c.answer, d.format("%d/%m/%Y")),
        None => c.answer.to_string(),
    };
    match field {
        F::CarerAdded | F::CarerRemoved | F::CarerName => list(f.carers.iter().map(|c| c.name.clone()).collect()),
        F::CarerRelationship => list(f.carers.iter().map(|c| format!("{}: {}", c.name, c.relationship)).collect()),
        F::CarerPhone => list(f.carers.iter().map(|c| format!("{}: {}", c.name, c.phone)).collect()),
        F::BabyAdded | F::BabyRemoved | F::BabyName => list(f.babies.iter().map(|b| b.name.clone()).collect()),
        F::BabyDob => list(f.babies.iter().map(|b| format!("{}: {}", b.name, b.dob.format("%d/%m/%Y"))).collect()),
        F::BabyDue => list(
            f.babies
                .iter()
                .map(|b| format!("{}: {}", b.name, b.due.map_or("-".to_string(), |d| d.format("%d/%m/%Y").to_string())))
                .collect(),
        ),
        F::BabySex => list(
            f.babies
                .iter()
                .map(|b| format!("{}: {}", b.name, b.sex.map_or("-".to_string(), |s| s.to_string())))
                .collect(),
        ),
        F::Postcode => f.postcode.clone(),
        F::Neighbourhood => f.neighbourhood.map_or("-".to_string(), |n| n.to_string()),
        F::HomeLanguage => f.home_language.clone(),
        F::Interpreter => if f.interpreter { "yes" } else { "no" }.to_string(),
        F::Referral => format!(
            "{}{}",
            f.referral.route,
            f.referral.date.map_or(String::new(), |d| format!(", {}", d.format("%d/%m/%Y")))
        ),
        F::HvLevel => f.hv_level.to_string(),
        F::NeedLevel => f.need_level.map_or("-".to_string(), |n| n.to_string()),
        F::Eha => if f.eha { "yes" } else { "no" }.to_string(),
        F::DataSharing => consent(&f.data_sharing),
        F::Photos => consent(&f.photos),
        F::Alerts => list(f.alerts.iter().map(|a| format!("{}: {}", a.kind, a.text)).collect()),
        F::Groups => f.groups.len().to_string(),
        F::Erased => String::new(),
    }
}

/// `base` with the parts named in `fields` taken from `other`: a person's
/// decision, field by field.
pub fn take_fields(base: &Family, other: &Family, fields: &[FamilyField]) -> Family {
    use FamilyField as F;
    let mut out = base.clone();
    for field in fields {
        match field {
            F::CarerAdded | F::CarerRemoved | F::CarerName | F::CarerRelationship | F::CarerPhone => {
                out.carers = other.carers.clone()
            }
            F::BabyAdded | F::BabyRemoved | F::BabyName | F::BabyDob | F::BabyDue | F::BabySex => {
                out.babies = other.babies.clone()
            }
            F::Postcode => out.postcode = other.postcode.clone(),
            F::Neighbourhood => out.neighbourhood = other.neighbourhood,
            F::HomeLanguage => out.home_language = other.home_language.clone(),
            F::Interpreter => out.interpreter = other.interpreter,
            F::Referral => out.referral = other.referral.clone(),
            F::HvLevel => out.hv_level = other.hv_level,
            F::NeedLevel => out.need_level = other.need_level,
            F::Eha => out.eha = other.eha,
            F::DataSharing => out.data_sharing = other.data_sharing.clone(),
            F::Photos => out.photos = other.photos.clone(),
            F::Alerts => out.alerts = other.alerts.clone(),
            F::Groups => out.groups = other.groups.clone(),
            F::Erased => {}
        }
    }
    out
}

/// Whether two families look like one: a carer with the same name and phone,
/// or a baby with the same name and date of birth.
pub fn looks_same(a: &Family, b: &Family) -> bool {
    if a.id == b.id || a.is_erased() || b.is_erased() || a.not_same_as.contains(&b.id) || b.not_same_as.contains(&a.id)
    {
        return false;
    }
    // The last nine digits: "+44 7700 900111" and "07700 900111" are one phone.
    let phone = |c: &Carer| {
        let d = digits(&c.phone);
        d[d.len().saturating_sub(9)..].to_string()
    };
    let carer = |x: &Carer, y: &Carer| {
        !x.name.trim().is_empty() && fold(&x.name) == fold(&y.name) && phone(x).len() == 9 && phone(x) == phone(y)
    };
    let baby = |x: &Baby, y: &Baby| !x.name.trim().is_empty() && fold(&x.name) == fold(&y.name) && x.dob == y.dob;
    a.carers.iter().any(|x| b.carers.iter().any(|y| carer(x, y)))
        || a.babies.iter().any(|x| b.babies.iter().any(|y| baby(x, y)))
}

/// Two families confirmed as one: `keep` with everyone `other` has that it
/// lacks, its blanks filled from `other`, and each consent the stricter of
/// the two (a "no" is never turned into a "yes"); and where `other`'s
/// records go (its people mapped onto `keep`'s).
pub fn join(keep: &Family, other: &Family) -> (Family, Joined) {
    let mut out = keep.clone();
    let mut people = Vec::new();
    for c in &other.carers {
        match out.carers.iter().find(|k| fold(&k.name) == fold(&c.name)) {
            Some(k) => people.push((c.id, k.id)),
            None => {
                out.carers.push(c.clone());
                people.push((c.id, c.id));
            }
        }
    }
    for b in &other.babies {
        match out.babies.iter().find(|k| fold(&k.name) == fold(&b.name) && k.dob == b.dob) {
            Some(k) => people.push((b.id, k.id)),
            None => {
                out.babies.push(b.clone());
                people.push((b.id, b.id));
            }
        }
    }
    let fill = |mine: &mut String, theirs: &str| {
        if mine.trim().is_empty() {
            *mine = theirs.to_string();
        }
    };
    fill(&mut out.postcode, &other.postcode);
    fill(&mut out.home_language, &other.home_language);
    fill(&mut out.referral.referrer, &other.referral.referrer);
    out.neighbourhood = out.neighbourhood.or(other.neighbourhood);
    out.need_level = out.need_level.or(other.need_level);
    out.referral.date = out.referral.date.or(other.referral.date);
    out.interpreter |= other.interpreter;
    out.eha |= other.eha;
    if out.hv_level == super::family::HvLevel::Unknown {
        out.hv_level = other.hv_level;
    }
    out.photos = stricter(&out.photos, &other.photos);
    out.data_sharing = stricter(&out.data_sharing, &other.data_sharing);
    for a in &other.alerts {
        if !out.alerts.contains(a) {
            out.alerts.push(a.clone());
        }
    }
    for g in &other.groups {
        if !out.groups.contains(g) {
            out.groups.push(*g);
        }
    }
    (out, Joined { into: keep.id, people })
}

/// No over yes, yes over not asked.
fn stricter(a: &Consent, b: &Consent) -> Consent {
    let rank = |c: &Consent| match c.answer {
        ConsentAnswer::No => 2,
        ConsentAnswer::Yes => 1,
        ConsentAnswer::NotAsked => 0,
    };
    if rank(b) > rank(a) { b.clone() } else { a.clone() }
}

/// The ids of a family's people, for following a join.
pub fn people(f: &Family) -> Vec<Uuid> {
    f.carers.iter().map(|c| c.id).chain(f.babies.iter().map(|b| b.id)).collect()
}

/// A part of a group that two versions may give differently; the day and
/// the times are one part, as the group's form has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupPart {
    Name,
    Venue,
    Neighbourhood,
    When,
}

impl GroupPart {
    pub const ALL: [GroupPart; 4] = [GroupPart::Name, GroupPart::Venue, GroupPart::Neighbourhood, GroupPart::When];

    pub fn label(self) -> &'static str {
        match self {
            GroupPart::Name => "name",
            GroupPart::Venue => "venue",
            GroupPart::Neighbourhood => "neighbourhood",
            GroupPart::When => "day and times",
        }
    }
}

/// A part of a group in words. Stored text: clean it before it reaches a terminal.
pub fn group_value(g: &Group, part: GroupPart) -> String {
    let or_dash = |s: &str| if s.trim().is_empty() { "-".to_string() } else { s.to_string() };
    match part {
        GroupPart::Name => g.name.clone(),
        GroupPart::Venue => or_dash(&g.venue),
        GroupPart::Neighbourhood => g.neighbourhood.map_or("-".to_string(), |n| n.to_string()),
        GroupPart::When => g.when(),
    }
}

/// The parts two versions of a group give differently.
pub fn group_differences(shown: &Group, other: &Group) -> Vec<GroupPart> {
    GroupPart::ALL
        .into_iter()
        .filter(|p| match p {
            GroupPart::Name => shown.name != other.name,
            GroupPart::Venue => shown.venue != other.venue,
            GroupPart::Neighbourhood => shown.neighbourhood != other.neighbourhood,
            GroupPart::When => (shown.weekday, shown.start, shown.end) != (other.weekday, other.start, other.end),
        })
        .collect()
}

/// `base` with the parts named in `parts` taken from `other`.
pub fn take_group_parts(base: &Group, other: &Group, parts: &[GroupPart]) -> Group {
    let mut out = base.clone();
    for part in parts {
        match part {
            GroupPart::Name => out.name = other.name.clone(),
            GroupPart::Venue => out.venue = other.venue.clone(),
            GroupPart::Neighbourhood => out.neighbourhood = other.neighbourhood,
            GroupPart::When => (out.weekday, out.start, out.end) = (other.weekday, other.start, other.end),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Stamp, family::Baby};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn family(carer: &str, phone: &str, baby: &str, dob: (i32, u32, u32)) -> Family {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 0, 0).unwrap();
        let dob = NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap();
        let b = Baby { id: crate::domain::new_id(t), name: baby.into(), dob, due: None, sex: None };
        Family::new(carer, phone, vec![b], Stamp::new(t, Uuid::nil()))
    }

    #[test]
    fn the_same_walk_in_on_two_laptops_looks_like_one_family() {
        let a = family("Zoë Clarke", "07700 900111", "Ava", (2026, 5, 2));
        let b = family("Zoe Clarke", "+44 7700 900111", "Ava", (2026, 5, 2));
        assert!(looks_same(&a, &b), "same carer and phone, accents and +44 apart");
        let c = family("Zoë Clarke", "", "Ava", (2026, 5, 2));
        assert!(looks_same(&a, &c), "same baby and date of birth");
        let d = family("Zoë Clarke", "", "Ava", (2026, 5, 3));
        assert!(!looks_same(&a, &d), "a name alone is not enough");
        let mut e = b.clone();
        e.not_same_as.push(a.id);
        assert!(!looks_same(&a, &e), "a person said they are different");
    }

    #[test]
    fn joining_keeps_everyone_and_never_turns_a_no_into_a_yes() {
        let mut a = family("Zoë Clarke", "07700 900111", "Ava", (2026, 5, 2));
        a.photos = Consent { answer: ConsentAnswer::Yes, date: None };
        let mut b = family("Zoe Clarke", "07700 900111", "Ava", (2026, 5, 2));
        b.carers.push(Carer {
            id: Uuid::from_u128(9),
            name: "Tom Clarke".into(),
            relationship: "Father".into(),
            phone: String::new(),
        });
        b.photos = Consent { answer: ConsentAnswer::No, date: None };
        b.postcode = "LU3 1HB".into();
        let (joined, to) = join(&a, &b);
        assert_eq!(joined.carers.len(), 2);
        assert_eq!(joined.babies.len(), 1, "Ava is one baby");
        assert_eq!(joined.photos.answer, ConsentAnswer::No);
        assert_eq!(joined.postcode, "LU3 1HB", "a blank is filled");
        assert_eq!(to.into, a.id);
        assert_eq!(to.person(b.babies[0].id), a.babies[0].id);
        assert_eq!(to.person(b.carers[0].id), a.carers[0].id);
    }

    #[test]
    fn differences_name_the_field_and_both_values() {
        let a = family("Zoë Clarke", "07700 900111", "Ava", (2026, 5, 2));
        let mut b = a.clone();
        b.carers[0].phone = "07700 900222".into();
        let d = differences(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, FamilyField::CarerPhone);
        assert_eq!(
            (d[0].shown.as_str(), d[0].other.as_str()),
            ("Zoë Clarke: 07700 900111", "Zoë Clarke: 07700 900222")
        );
        assert_eq!(take_fields(&a, &b, &[FamilyField::CarerPhone]).carers[0].phone, "07700 900222");
    }

    #[test]
    fn a_group_differs_by_part_and_takes_a_part_from_the_other() {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 0, 0).unwrap();
        let at = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let a = Group {
            id: Uuid::from_u128(1),
            name: "Central".into(),
            venue: "Blenheim Crescent Church Hall".into(),
            neighbourhood: None,
            weekday: 3,
            start: at(10, 0),
            end: at(11, 30),
            stamp: Stamp::new(t, Uuid::nil()),
        };
        let mut b = a.clone();
        b.venue = "The Gallery, The Mall".into();
        b.end = at(12, 0);
        assert_eq!(group_differences(&a, &b), vec![GroupPart::Venue, GroupPart::When]);
        assert_eq!(group_value(&b, GroupPart::When), "Thursdays 10:00-12:00");
        let chosen = take_group_parts(&a, &b, &[GroupPart::When]);
        assert_eq!((chosen.venue.as_str(), chosen.end), ("Blenheim Crescent Church Hall", at(12, 0)));
    }
}
