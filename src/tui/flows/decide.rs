//! A person's decisions on what waits after a merge, each committed before
//! the screen says so. Each is a new version over the versions it settles
//! (see `store::decide`), so the next bundle takes it to the other laptops.
//! A decision that cannot be saved says why, and its room stays open with
//! the choices as they were.

use super::conflicts;
use crate::domain::{Family, Group, new_id};
use crate::store::StoreError;
use crate::tui::app::App;
use crate::tui::overlay::{Decision, Overlay};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub fn decide(app: &mut App, decision: Decision) {
    let now = app.clock.now();
    let done = match decision {
        Decision::Family { chosen, seen } => family(app, &chosen, &seen, now),
        Decision::Group { chosen, seen } => group(app, &chosen, &seen, now),
        Decision::Note { family, note, keep } => self::note(app, family, note, keep, now),
        Decision::Join { keep, other } => join(app, keep, other, now),
        Decision::Different { a, b } => different(app, a, b, now),
    };
    match done {
        Ok((said, families)) => {
            if matches!(app.overlays.last(), Some(Overlay::Decide(_) | Overlay::Same(_))) {
                app.overlays.pop();
            }
            app.done(said);
            settle(app, &families);
        }
        Err(e) => {
            let why = format!("✗ Not saved: {e}. Your choices are still here.");
            match app.overlays.last_mut() {
                Some(Overlay::Decide(d)) => d.error = Some(why.clone()),
                Some(Overlay::Same(s)) => s.error = Some(why.clone()),
                _ => {}
            }
            // The store may hold something else now: the list under it opens that.
            renew_list(app);
            app.error(why);
        }
    }
}

/// What was said, and the families the decision was about.
type Done = Result<(String, Vec<Uuid>), StoreError>;

/// Refused when the store holds other versions than the person compared.
fn changed_meanwhile<T: PartialEq>(held: &[T], seen: &[T], what: &str) -> Result<(), StoreError> {
    if held == seen {
        return Ok(());
    }
    Err(StoreError::Refused(format!("this {what} changed since the screen was opened: press Esc and open it again")))
}

fn family(app: &mut App, chosen: &Family, seen: &[Family], now: DateTime<Utc>) -> Done {
    let v = app.store.family_versions(chosen.id)?;
    // What the screen showed came from the same `to_decide`.
    let held: Vec<Family> = v.and_then(|v| v.to_decide()).map(|(bodies, _)| bodies).unwrap_or_default();
    changed_meanwhile(&held, seen, "family")?;
    // "Not the same family" said on any laptop stays said.
    let mut chosen = chosen.clone();
    for f in seen {
        for other in &f.not_same_as {
            if !chosen.not_same_as.contains(other) {
                chosen.not_same_as.push(*other);
            }
        }
    }
    chosen.not_same_as.sort();
    app.store.decide_family(&chosen, now)?;
    let f = app.store.family(chosen.id)?.unwrap_or(chosen);
    app.search.upsert(&f);
    let said = format!("✓ Saved {}: {}'s details as you chose them", app.hm(now), f.first_carer());
    app.families.insert(f.clone());
    Ok((said, vec![f.id]))
}

fn group(app: &mut App, chosen: &Group, seen: &[Group], now: DateTime<Utc>) -> Done {
    let v = app.store.group_versions(chosen.id)?;
    // What the screen showed came from the same `to_decide`.
    let held: Vec<Group> = v.and_then(|v| v.to_decide()).map(|(bodies, _)| bodies).unwrap_or_default();
    changed_meanwhile(&held, seen, "group")?;
    app.store.decide_group(chosen, now)?;
    app.groups = app.store.groups()?;
    app.sort_groups();
    if let Some(day) = app.day.as_mut()
        && day.group.id == chosen.id
        && let Some(g) = app.groups.iter().find(|g| g.id == chosen.id)
    {
        day.group = g.clone();
    }
    Ok((format!("✓ Saved {}: group {} as you chose it", app.hm(now), chosen.name), vec![]))
}

fn note(app: &mut App, family: Uuid, id: Uuid, keep: Uuid, now: DateTime<Utc>) -> Done {
    let found = app.store.observations_of_family(family)?.into_iter().find(|o| o.id == id);
    let mut o = found.ok_or_else(|| StoreError::Refused("that note is no longer in the store".into()))?;
    let heads = o.heads();
    let kept = heads.iter().find(|h| h.id == keep).filter(|_| heads.len() > 1);
    let Some(kept) = kept.map(|h| (*h).clone()) else {
        return Err(StoreError::Refused(
            "this note changed since the screen was opened: press Esc and open it again".into(),
        ));
    };
    // A new version with the words kept, over every latest one: settled here,
    // and wherever the next bundle goes.
    let rev = crate::domain::Revision {
        id: new_id(now),
        parents: vec![],
        by: app.initials.clone(),
        at: now,
        why: "kept of the versions written on two laptops".into(),
        ..kept
    };
    o.revise(rev, app.store.device());
    app.store.save_observation(&o)?;
    let who = app.families.get(&family).map(|f| f.first_carer().to_string()).unwrap_or_default();
    Ok((format!("✓ Saved {}: the note about {who} keeps the version chosen", app.hm(now)), vec![family]))
}

fn join(app: &mut App, keep: Uuid, other: Uuid, now: DateTime<Utc>) -> Done {
    let joined = app.store.join_families(keep, other, now)?;
    app.search.upsert(&joined);
    // The other family is found under the one kept from now on.
    if let Some(gone) = app.store.family(other)? {
        app.search.upsert(&gone);
    }
    app.families.remove(&other);
    if app.focus == Some(other) {
        app.focus = Some(keep);
    }
    let said = format!("✓ Saved {}: {}, one family now", app.hm(now), joined.first_carer());
    app.families.insert(joined);
    Ok((said, vec![keep, other]))
}

fn different(app: &mut App, a: Uuid, b: Uuid, now: DateTime<Utc>) -> Done {
    app.store.not_same_family(a, b, now)?;
    for id in [a, b] {
        if let Some(f) = app.store.family(id)? {
            app.families.insert(f);
        }
    }
    Ok((format!("✓ Saved {}: two different families, not asked again", app.hm(now)), vec![a, b]))
}

/// After a decision: the day, the header's count and the list read again.
fn settle(app: &mut App, families: &[Uuid]) {
    for id in families {
        app.concerns.remove(id);
    }
    if let Err(e) = app.reload_day() {
        app.error(format!("✗ Saved, but the day cannot be read again: {e}"));
    }
    app.read_pending();
    renew_list(app);
}

/// The room of what waits, read again under whatever is open over it.
fn renew_list(app: &mut App) {
    let items = conflicts::items(app);
    if let Some(Overlay::Conflicts(list)) = app.overlays.iter_mut().rev().find(|o| matches!(o, Overlay::Conflicts(_))) {
        match items {
            Ok(items) => list.renew(items),
            Err(e) => list.error = Some(format!("✗ The list cannot be read again: {e}")),
        }
    }
}
