//! A group's details: name, venue, neighbourhood, day and times. Reached from
//! the picker, the welcome screen, and, with `s`, every screen that names the group.

use crate::domain::fold::fold;
use crate::domain::{Group, Neighbourhood, Stamp, group, new_id};
use crate::tui::app::App;
use crate::tui::overlay::fields::{Field, FieldError, FieldId};
use crate::tui::overlay::{Form, Overlay, Purpose};
use crate::tui::state::Phase;
use chrono::{Datelike, NaiveTime};
use uuid::Uuid;

/// `s`: the open group's details; on the picker, the highlighted group's.
pub fn settings(app: &mut App) {
    let id = match app.phase {
        crate::tui::state::Phase::Session => app.day.as_ref().map(|d| d.group.id),
        crate::tui::state::Phase::Picker => app.groups.get(app.picker.selected).map(|g| g.id),
        crate::tui::state::Phase::Welcome => None,
    };
    match id {
        Some(id) => open(app, Some(id)),
        None => app.info("There is no group yet: press g to add one."),
    }
}

/// The group form, empty for a new group.
pub fn open(app: &mut App, id: Option<Uuid>) {
    let g = id.and_then(|id| app.groups.iter().find(|g| g.id == id)).cloned();
    let hoods: Vec<String> =
        std::iter::once("-".to_string()).chain(Neighbourhood::ALL.iter().map(|n| n.label().to_string())).collect();
    let hood = g.as_ref().and_then(|g| g.neighbourhood).map(|n| n as usize + 1).unwrap_or(0);
    let days: Vec<String> = (0..7u8)
        .map(|d| group::weekday_name(chrono::Weekday::try_from(d).unwrap_or(chrono::Weekday::Mon)).to_string())
        .collect();
    let weekday =
        g.as_ref().map(|g| g.weekday as usize).unwrap_or(app.today().weekday().num_days_from_monday() as usize);
    let time = |t: Option<NaiveTime>, default: &str| t.map(|t| t.format("%H:%M").to_string()).unwrap_or(default.into());
    let form = Form::new(
        Purpose::Group(id),
        if id.is_some() { "Edit group" } else { "New group" },
        "←/→ or Space change a choice. Enter on the last field saves.",
        vec![
            Field::text(
                FieldId::GroupName,
                "Name",
                g.as_ref().map(|g| g.name.as_str()).unwrap_or(""),
                "e.g. Central",
                true,
            ),
            Field::text(
                FieldId::Venue,
                "Venue",
                g.as_ref().map(|g| g.venue.as_str()).unwrap_or(""),
                "e.g. Blenheim Crescent Church Hall, LU3 1HB",
                false,
            ),
            Field::choice(FieldId::Neighbourhood, "Neighbourhood", hoods, hood),
            Field::choice(FieldId::Day, "Day", days, weekday),
            Field::text(FieldId::Starts, "Starts", &time(g.as_ref().map(|g| g.start), "10:00"), "HH:MM", true),
            Field::text(FieldId::Ends, "Ends", &time(g.as_ref().map(|g| g.end), "11:30"), "HH:MM", true),
        ],
    );
    app.open(Overlay::Form(Box::new(form)));
}

pub fn save(app: &mut App, form: &Form, id: Option<Uuid>) -> Result<(), FieldError> {
    let name = form.value(FieldId::GroupName);
    if name.is_empty() {
        return Err(FieldError::at(FieldId::GroupName, "A group needs a name."));
    }
    // 10:00, 9:30 and 9.30 all mean what they say.
    let time = |field: FieldId, label: &str| {
        let v = form.value(field).replace('.', ":");
        NaiveTime::parse_from_str(&v, "%H:%M")
            .map_err(|_| FieldError::at(field, format!("{label}: write the time as HH:MM, e.g. 10:00")))
    };
    let (start, end) = (time(FieldId::Starts, "Starts")?, time(FieldId::Ends, "Ends")?);
    if end <= start {
        return Err(FieldError::at(FieldId::Ends, "The group must end after it starts."));
    }
    if app.groups.iter().any(|g| Some(g.id) != id && fold(&g.name) == fold(&name)) {
        return Err(FieldError::at(FieldId::GroupName, format!("There is already a group called {name}.")));
    }
    let now = app.clock.now();
    let device = app.store.device();
    let mut g = match id.and_then(|id| app.groups.iter().find(|g| g.id == id)).cloned() {
        Some(mut g) => {
            g.stamp.touch(now, device);
            g
        }
        None => Group {
            id: new_id(now),
            name: String::new(),
            venue: String::new(),
            neighbourhood: None,
            weekday: 0,
            start,
            end,
            stamp: Stamp::new(now, device),
        },
    };
    g.name = name;
    g.venue = form.value(FieldId::Venue);
    g.neighbourhood =
        form.index(FieldId::Neighbourhood).checked_sub(1).and_then(|i| Neighbourhood::ALL.get(i).copied());
    g.weekday = form.index(FieldId::Day) as u8;
    g.start = start;
    g.end = end;
    app.store.save_group(&g).map_err(|e| FieldError::whole(format!("Not saved: {e}")))?;
    app.groups.retain(|x| x.id != g.id);
    app.groups.push(g.clone());
    app.sort_groups();
    app.picker.selected = app.groups.iter().position(|x| x.id == g.id).unwrap_or(0);
    // The open session's header names the group as it now reads.
    if let Some(day) = app.day.as_mut().filter(|d| d.group.id == g.id) {
        day.group = g.clone();
    }
    if app.phase == Phase::Welcome {
        app.phase = Phase::Picker;
    }
    app.done(format!("✓ Group {} saved", g.name));
    Ok(())
}
