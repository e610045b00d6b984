//! Checking families in and out: from the roster or the search, back in after
//! leaving, undone after a mistake (asked first), and the roll call of
//! everyone in the building.

use super::walkin;
use crate::domain::{Family, Session};
use crate::store::StoreError;
use crate::tui::action::Screen;
use crate::tui::app::App;
use crate::tui::overlay::rollcall::Person;
use crate::tui::overlay::{Job, Overlay, Question, RollCall};
use crate::tui::state::input_text;
use uuid::Uuid;

/// Today's session, made on first use.
pub fn session(app: &mut App) -> Result<Session, StoreError> {
    let now = app.clock.now();
    let initials = app.initials.clone();
    let day = app.day.as_mut().ok_or_else(|| StoreError::Refused("no group is open".into()))?;
    if let Some(s) = &day.session {
        return Ok(s.clone());
    }
    let s = app.store.open_session(day.group.id, day.date, &initials, now)?;
    day.session = Some(s.clone());
    Ok(s)
}

/// On the check-in screen, the search is emptied for the next family.
fn next_please(app: &mut App) {
    if app.screen == Screen::CheckIn {
        app.clear_search();
    }
}

pub fn check_in_highlighted(app: &mut App) {
    let Some(id) = app.highlighted() else {
        if app.screen == Screen::CheckIn {
            // Nobody matches, yet: read every family before offering a
            // walk-in, or the same family could be added twice.
            if app.loading.is_some() {
                if let Err(e) = app.finish_loading() {
                    app.error(e.to_string());
                    return;
                }
                if !app.checkin.hits.is_empty() {
                    return;
                }
            }
            // Nobody matches: the name typed is probably a walk-in.
            let typed = input_text(&app.checkin.query);
            walkin::open(app, typed);
        }
        return;
    };
    let Some(family) = app.families.owned(&id) else { return };
    let here = app.day.as_ref().and_then(|d| d.attendance.get(&id)).cloned();
    match here {
        // They left and came back: clear the time out rather than refuse.
        Some(a) if a.checked_out.is_some() => match app.store.check_back_in(&a, app.session_time(false)) {
            Ok(back) => {
                if let Some(day) = app.day.as_mut() {
                    day.attendance.insert(id, back);
                }
                app.done(format!("✓ {} back in {}", app.who(&family), app.hm(app.session_time(false))));
                show_alerts(app, &family);
            }
            Err(e) => app.error(format!("✗ Not checked back in: {e}")),
        },
        Some(a) => {
            let at = app.clock.local(a.checked_in).format("%H:%M");
            app.info(format!("{} is already checked in (since {at}).", app.who(&family)));
        }
        None => {
            let at = app.session_time(false);
            let result = session(app).and_then(|s| app.store.check_in(&s, &family, &app.initials, at));
            match result {
                Ok(Some(_)) => {
                    if let Err(e) = app.refresh(id) {
                        app.error(e.to_string());
                        return;
                    }
                    app.done(format!("✓ {} checked in {}", app.who(&family), app.hm(at)));
                    show_alerts(app, &family);
                    app.select(id);
                }
                Ok(None) => {
                    app.info(format!("{} is already checked in.", app.who(&family)));
                    return;
                }
                Err(e) => {
                    app.error(format!("✗ Not checked in: {e}"));
                    return;
                }
            }
        }
    }
    next_please(app);
}

/// Under the message, at the moment of check-in: each open concern by its
/// level, date and author (its words are one key away, on Notes), then the
/// alerts (allergy, who may not collect).
fn show_alerts(app: &mut App, family: &Family) {
    if let Err(e) = app.read_concerns(&[family.id]) {
        app.error(e.to_string());
        return;
    }
    let mut parts: Vec<String> = app.open_concerns(family.id).iter().filter_map(crate::tui::concerns::words).collect();
    if !parts.is_empty() {
        let last = parts.len() - 1;
        parts[last].push_str(": Notes (3)");
    }
    parts.extend(family.alerts.iter().map(|a| format!("{}: {}", a.kind, crate::text::one_line(&a.text))));
    if parts.is_empty() {
        return;
    }
    if let Some(s) = app.status.as_mut() {
        s.alert = Some(format!("! {}", parts.join(" · ")));
    }
}

pub fn check_out_highlighted(app: &mut App) {
    let Some(id) = app.highlighted() else { return };
    let Some(family) = app.families.owned(&id) else { return };
    let Some(a) = app.day.as_ref().and_then(|d| d.attendance.get(&id)).cloned() else {
        app.info(format!("{} is not checked in.", family.first_carer()));
        return;
    };
    if let Some(out) = a.checked_out {
        let at = app.clock.local(out).format("%H:%M");
        app.info(format!("{} already left at {at}.", family.first_carer()));
        return;
    }
    let at = app.session_time(true);
    match app.store.check_out(&a, at) {
        Ok(a) => {
            if let Some(day) = app.day.as_mut() {
                day.attendance.insert(id, a);
            }
            app.done(format!("← {} checked out {}", family.first_carer(), app.hm(at)));
        }
        Err(e) => app.error(format!("✗ Not checked out: {e}")),
    }
}

pub fn ask_undo(app: &mut App) {
    let Some(id) = app.highlighted() else { return };
    let Some(family) = app.families.get(&id) else { return };
    if !app.day.as_ref().is_some_and(|d| d.attendance.contains_key(&id)) {
        app.info(format!("{} is not checked in.", family.first_carer()));
        return;
    }
    let question = format!("Undo the check-in of {}?", family.first_carer());
    app.open(Overlay::Question(Question::new(question, Job::UndoCheckIn(id))));
}

pub fn undo(app: &mut App, id: Uuid) {
    let Some(a) = app.day.as_ref().and_then(|d| d.attendance.get(&id)).cloned() else { return };
    let name = app.families.get(&id).map(|f| f.first_carer().to_string()).unwrap_or_default();
    match app.store.undo_check_in(&a, app.clock.now()) {
        Ok(()) => {
            if let Some(day) = app.day.as_mut() {
                day.attendance.remove(&id);
            }
            if let Err(e) = app.refresh(id) {
                app.error(e.to_string());
                return;
            }
            app.done(format!("Check-in of {name} undone"));
        }
        Err(e) => app.error(format!("✗ Not undone: {e}")),
    }
}

/// Everyone checked in and not out, carers and babies, for an evacuation.
pub fn roll_call(app: &mut App) {
    let Some(day) = &app.day else { return };
    let mut people = Vec::new();
    for id in &day.roster {
        let Some(a) = day.attendance.get(id).filter(|a| a.is_in()) else { continue };
        let Some(f) = app.families.get(id) else { continue };
        for c in f.carers.iter().filter(|c| a.carers.contains(&c.id)) {
            people.push(Person { family: f.id, id: c.id, label: c.name.clone(), baby: false, accounted: false });
        }
        for b in f.babies.iter().filter(|b| a.babies.contains(&b.id)) {
            let label = format!("{}, baby of {}", app.baby(&f, b, true), f.first_carer());
            people.push(Person { family: f.id, id: b.id, label, baby: true, accounted: false });
        }
    }
    let roll = RollCall::new(people, &app.roll_marks);
    app.open(Overlay::RollCall(roll));
}
