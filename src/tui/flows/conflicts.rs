//! What waits for a person after a merge, read from the store and put in
//! words a facilitator understands: whose details, which laptop each version
//! came from, what differs. The room of what waits (`overlay::conflicts`)
//! opens with it and is read again after each decision (`flows::decide`).

use crate::domain::audit::FamilyField;
use crate::domain::conflict::{GroupPart, differences, group_differences, group_value, value};
use crate::domain::{Family, Group, Revision};
use crate::store::{Pending, StoreError, pending};
use crate::text::{and_list, clean, one_line, plural};
use crate::tui::app::App;
use crate::tui::overlay::conflicts::{Item, Room};
use crate::tui::overlay::decide::{Choice, Subject};
use crate::tui::overlay::same::Side;
use crate::tui::overlay::{Conflicts, Decide, Overlay, Same};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// `d`: the room of what waits, read now.
pub fn open(app: &mut App) {
    match items(app) {
        Ok(items) => app.open(Overlay::Conflicts(Box::new(Conflicts::new(items)))),
        Err(e) => app.error(format!("✗ What waits cannot be read: {e}")),
    }
}

/// Everything in the pending list, in its order, each in words.
pub fn items(app: &App) -> Result<Vec<Item>, StoreError> {
    app.pending.iter().map(|p| item(app, p)).collect()
}

fn item(app: &App, p: &Pending) -> Result<Item, StoreError> {
    let found = match p.kind {
        pending::FAMILY => family(app, p.a)?,
        pending::GROUP => group(app, p.a)?,
        pending::NOTE => note(app, p.a, p.b)?,
        pending::SAME_FAMILY => same(app, p.a, p.b)?,
        _ => None,
    };
    Ok(found.unwrap_or_else(|| Item {
        glyph: "≠",
        title: "A record this laptop cannot show".into(),
        detail: format!("it may have been erased or joined meanwhile (id {})", p.a),
        room: Room::Nothing("This one cannot be decided here: `thinkbaby conflicts` lists it in full.".into()),
    }))
}

/// "this laptop", or "laptop 1a2b3c4d" (the end of its id, as `thinkbaby merge` names it).
pub fn laptop(app: &App, device: Uuid) -> String {
    if device == app.store.device() {
        return "this laptop".into();
    }
    let hex = device.simple().to_string();
    format!("laptop {}", &hex[hex.len() - 8..])
}

fn when(app: &App, t: DateTime<Utc>) -> String {
    app.clock.local(t).format("%d/%m/%Y %H:%M").to_string()
}

/// The choices' names of the versions: the one shown now, then the others.
fn names(others: usize) -> Vec<String> {
    let mut out = vec!["shown now".to_string()];
    match others {
        1 => out.push("other".into()),
        n => out.extend((1..=n).map(|i| format!("other {i}"))),
    }
    out
}

// ---- families ----------------------------------------------------------------------

/// Which fields one choice covers: a family's carers are taken together, and
/// so are its babies (see `conflict::take_fields`); any other field alone.
fn parts(fields: &[FamilyField]) -> Vec<Vec<FamilyField>> {
    use FamilyField as F;
    let kind = |f: &FamilyField| match f {
        F::CarerAdded | F::CarerRemoved | F::CarerName | F::CarerRelationship | F::CarerPhone => 1,
        F::BabyAdded | F::BabyRemoved | F::BabyName | F::BabyDob | F::BabyDue | F::BabySex => 2,
        _ => 0,
    };
    let mut out: Vec<Vec<FamilyField>> = Vec::new();
    for f in fields {
        if out.iter().any(|p| p.contains(f)) {
            continue;
        }
        match out.iter_mut().find(|p| kind(f) != 0 && kind(&p[0]) == kind(f)) {
            Some(part) => part.push(*f),
            None => out.push(vec![*f]),
        }
    }
    out
}

/// A part of a family in words: each field's value, on its own line, less
/// those another line already says ("Zoë Clarke" beside "Zoë Clarke: 07700 900111").
fn part_value(app: &App, f: &Family, part: &[FamilyField]) -> String {
    let values: Vec<String> = part
        .iter()
        .map(|field| match field {
            FamilyField::Groups => group_names(app, &f.groups),
            other => value(f, *other),
        })
        .collect();
    let kept: Vec<&String> = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !values.iter().enumerate().any(|(j, w)| j != *i && w != *v && w.contains(v.as_str())))
        .map(|(_, v)| v)
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for v in kept {
        if !out.contains(&v.as_str()) {
            out.push(v);
        }
    }
    out.join("\n")
}

pub fn group_names(app: &App, ids: &[Uuid]) -> String {
    if ids.is_empty() {
        return "(none)".into();
    }
    let names: Vec<String> = ids
        .iter()
        .map(|id| {
            app.groups.iter().find(|g| g.id == *id).map_or("a group not on this laptop".into(), |g| g.name.clone())
        })
        .collect();
    names.join("; ")
}

fn family(app: &App, id: Uuid) -> Result<Option<Item>, StoreError> {
    let Some((versions, bys)) = app.store.family_versions(id)?.and_then(|v| v.to_decide()) else { return Ok(None) };
    let shown = versions[0].clone();
    let mut sources = Vec::new();
    let mut fields: Vec<FamilyField> = Vec::new();
    for other in &versions[1..] {
        for d in differences(&shown, other) {
            if !fields.contains(&d.field) {
                fields.push(d.field);
            }
        }
    }
    let parts = parts(&fields);
    let names = names(versions.len() - 1);
    for (i, (f, by)) in versions.iter().zip(&bys).enumerate() {
        sources.push((names[i].clone(), format!("from {}, {}", laptop(app, *by), when(app, f.stamp.updated))));
    }
    let choices: Vec<Choice> = parts
        .iter()
        .map(|part| {
            let label = and_list(&part.iter().map(|f| f.label()).collect::<Vec<_>>());
            Choice::new(label, versions.iter().map(|f| part_value(app, f, part)).collect())
        })
        .collect();
    let who = clean(&app.who(&shown));
    let differ: Vec<String> = choices.iter().map(|c| c.label.clone()).collect();
    let detail = format!("different: {} · shown: {}'s", differ.join(", "), laptop(app, bys[0]));
    let title = format!("{who}: details edited on two laptops");
    let subject = Subject::Family { versions, fields: parts };
    let decide = Decide::new(title.clone(), sources, choices, subject);
    Ok(Some(Item { glyph: "≠", title, detail, room: Room::Decide(Box::new(decide)) }))
}

// ---- groups ------------------------------------------------------------------------

fn group(app: &App, id: Uuid) -> Result<Option<Item>, StoreError> {
    let Some((versions, bys)) = app.store.group_versions(id)?.and_then(|v| v.to_decide()) else { return Ok(None) };
    let shown: Group = versions[0].clone();
    let parts: Vec<GroupPart> = GroupPart::ALL
        .into_iter()
        .filter(|p| versions[1..].iter().any(|o| group_differences(&shown, o).contains(p)))
        .collect();
    let names = names(versions.len() - 1);
    let sources = versions
        .iter()
        .zip(&bys)
        .enumerate()
        .map(|(i, (g, by))| (names[i].clone(), format!("from {}, {}", laptop(app, *by), when(app, g.stamp.updated))))
        .collect();
    let choices: Vec<Choice> =
        parts.iter().map(|p| Choice::new(p.label(), versions.iter().map(|g| group_value(g, *p)).collect())).collect();
    let differ: Vec<&str> = parts.iter().map(|p| p.label()).collect();
    let title = format!("Group {}: edited on two laptops", clean(&shown.name));
    let detail = format!("different: {} · shown: {}'s", differ.join(", "), laptop(app, bys[0]));
    let decide = Decide::new(title.clone(), sources, choices, Subject::Group { versions, parts });
    Ok(Some(Item { glyph: "≠", title, detail, room: Room::Decide(Box::new(decide)) }))
}

// ---- notes -------------------------------------------------------------------------

fn note(app: &App, family: Uuid, id: Uuid) -> Result<Option<Item>, StoreError> {
    let Some(o) = app.store.observations_of_family(family)?.into_iter().find(|o| o.id == id) else {
        return Ok(None);
    };
    let about = app.store.family(family)?.map(|f| clean(&f.carer_names())).unwrap_or_else(|| "a family".into());
    let shown = o.current().id;
    let mut heads: Vec<_> = o.heads().into_iter().cloned().collect();
    if heads.len() < 2 {
        return Ok(None);
    }
    // The one shown now first, then the others as they stand.
    heads.sort_by_key(|h| h.id != shown);
    let names = names(heads.len() - 1);
    let sources = heads
        .iter()
        .enumerate()
        .map(|(i, h)| (names[i].clone(), format!("written by {} on {}", clean(&h.by), when(app, h.at))))
        .collect();
    let options = heads.iter().map(|h| revision_words(app, h)).collect();
    let choices = vec![Choice::new("which version stays", options)];
    let mut levels: Vec<_> = heads.iter().map(|h| h.concern).collect();
    levels.sort();
    levels.dedup();
    let concerns: Vec<String> = levels.iter().map(ToString::to_string).collect();
    let title = format!("A note about {about} ({}): edited on two laptops", app.clock.local(o.at).format("%d/%m/%Y"));
    let detail = match concerns.len() {
        1 => format!("concern {} in both · the words differ", concerns[0]),
        _ => format!("concerns {} · {} shown meanwhile", and_list(&concerns), o.concern()),
    };
    let subject = Subject::Note { family, note: id, heads: heads.iter().map(|h| h.id).collect() };
    let decide = Decide::new(title.clone(), sources, choices, subject);
    Ok(Some(Item { glyph: "≠", title, detail, room: Room::Decide(Box::new(decide)) }))
}

/// A note's version in words: its concern and follow-up, tags, and text.
fn revision_words(app: &App, r: &Revision) -> String {
    let mut out = vec![format!("Concern: {}", r.concern)];
    if !r.follow_up.trim().is_empty() {
        out.push(format!("Follow-up: {}", one_line(&r.follow_up)));
    }
    if !r.tags.is_empty() {
        let tags: Vec<&str> = r.tags.iter().map(|t| app.tags.label(t)).collect();
        out.push(format!("[{}]", tags.join("] [")));
    }
    out.push(r.text.clone());
    out.join("\n")
}

// ---- same family? ------------------------------------------------------------------

fn same(app: &App, here: Uuid, came: Uuid) -> Result<Option<Item>, StoreError> {
    let (Some(a), Some(b)) = (app.store.family(here)?, app.store.family(came)?) else { return Ok(None) };
    if a.joined_into.is_some() || b.joined_into.is_some() {
        return Ok(None);
    }
    let from = laptop(app, b.stamp.device);
    let a_side = side(app, &a, "Already here".into())?;
    let b_side = side(app, &b, format!("From {from}"))?;
    let phone =
        |f: &Family| f.carers.iter().find(|c| !c.phone.is_empty()).map_or("no phone".into(), |c| c.phone.clone());
    let babies = |f: &Family| {
        let list: Vec<String> = f.babies.iter().map(|x| format!("{} {}", x.name, x.dob.format("%d/%m/%Y"))).collect();
        list.join(", ")
    };
    let title = clean(&format!("Same family? {} here, and {} from {from}", a.carer_names(), b.carer_names()));
    let detail = clean(&format!("{} ({}) | {} ({})", babies(&a), phone(&a), babies(&b), phone(&b)));
    let room = Room::Same(Box::new(Same::new(a_side, b_side)));
    Ok(Some(Item { glyph: "?", title, detail, room }))
}

/// A family as "same family?" shows it beside the other.
fn side(app: &App, f: &Family, heading: String) -> Result<Side, StoreError> {
    let visits = app.store.attendance_of_family(f.id)?.len();
    let notes = app.store.observations_of_family(f.id)?.iter().filter(|o| o.is_live()).count();
    let or_dash = |s: String| if s.trim().is_empty() { "-".to_string() } else { s };
    let carers: Vec<String> = f
        .carers
        .iter()
        .map(|c| if c.relationship.is_empty() { c.name.clone() } else { format!("{} ({})", c.name, c.relationship) })
        .collect();
    let phones: Vec<&str> = f.carers.iter().map(|c| c.phone.as_str()).filter(|p| !p.is_empty()).collect();
    let babies: Vec<String> =
        f.babies.iter().map(|b| format!("{}, born {}", b.name, b.dob.format("%d/%m/%Y"))).collect();
    let rows = vec![
        ("Carers", or_dash(carers.join("; "))),
        ("Phones", or_dash(phones.join(", "))),
        ("Babies", or_dash(babies.join("; "))),
        ("Postcode", or_dash(f.postcode.clone())),
        ("Groups", group_names(app, &f.groups)),
        ("Visits", format!("{} · {}", plural(visits, "session", "sessions"), plural(notes, "note", "notes"))),
        ("Added", app.clock.local(f.stamp.created).format("%d/%m/%Y").to_string()),
    ];
    let rows = rows.into_iter().map(|(k, v)| (k, clean(&one_line(&v)))).collect();
    Ok(Side { id: f.id, heading, name: clean(f.first_carer()), rows, visits, notes })
}
