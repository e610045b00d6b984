//! A walk-in: a family nobody expected, added with the least that is needed
//! and checked in at once.

use super::checkin::session;
use crate::clock::parse_date;
use crate::domain::fold::postcode;
use crate::domain::{Baby, Family, Stamp, new_id};
use crate::tui::action::Screen;
use crate::tui::app::App;
use crate::tui::overlay::fields::{Field, FieldError, FieldId};
use crate::tui::overlay::{Form, Overlay, Purpose};

/// The walk-in form, filled with what was typed (a name, or a phone number).
/// Families that may be the one meant are listed above the fields, so that
/// adding a family is a decision, not one Enter too many.
pub fn open(app: &mut App, typed: String) {
    let typed = typed.trim().to_string();
    let phone_like = crate::domain::fold::digits(&typed).len() >= 6
        && typed.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '+');
    let (name, phone) = if phone_like { (String::new(), typed.clone()) } else { (typed.clone(), String::new()) };
    let mut form = Form::new(
        Purpose::WalkIn,
        "Walk-in",
        "Enter moves on; Enter on the last field saves and checks them in.",
        vec![
            Field::text(FieldId::CarerName(0), "Carer's name", &name, "e.g. Amina Begum", true),
            Field::text(FieldId::BabyName(0), "Baby's name", "", "e.g. Aisha", true),
            Field::date(FieldId::BabyBorn(0), "Baby's date of birth", "", "dd/mm/yyyy", true),
            Field::text(FieldId::CarerPhone(0), "Phone", &phone, "optional", false),
            Field::text(FieldId::Postcode, "Postcode", "", "optional", false),
        ],
    );
    let close = if typed.is_empty() { vec![] } else { app.search.closest(&typed, 3) };
    if !close.is_empty() {
        form.notice.push("Already known? Esc, and find them by another spelling or their phone:".into());
        for id in close {
            if let Some(f) = app.families.get(&id) {
                let phone = f.carers.first().map(|c| c.phone.as_str()).unwrap_or("");
                form.notice.push(format!("  {}  {phone}", app.who(&f)));
            }
        }
    }
    app.open(Overlay::Form(Box::new(form)));
}

pub fn save(app: &mut App, form: &Form) -> Result<(), FieldError> {
    let carer = form.value(FieldId::CarerName(0));
    let baby = form.value(FieldId::BabyName(0));
    if carer.is_empty() {
        return Err(FieldError::at(FieldId::CarerName(0), "The carer's and the baby's names are needed."));
    }
    if baby.is_empty() {
        return Err(FieldError::at(FieldId::BabyName(0), "The carer's and the baby's names are needed."));
    }
    let born = FieldId::BabyBorn(0);
    let dob = parse_date(&form.value(born)).map_err(|e| FieldError::at(born, format!("Baby's date of birth: {e}")))?;
    if dob > app.today() {
        return Err(FieldError::at(born, "The baby's date of birth is after today."));
    }
    let now = app.clock.now();
    let device = app.store.device();
    let group = app.day.as_ref().map(|d| d.group.id);
    let mut family = Family::new(
        &carer,
        &form.value(FieldId::CarerPhone(0)),
        vec![Baby { id: new_id(now), name: baby, dob, due: None, sex: None }],
        Stamp::new(now, device),
    );
    family.postcode = postcode(&form.value(FieldId::Postcode));
    family.neighbourhood = app.day.as_ref().and_then(|d| d.group.neighbourhood);
    family.referral.date = Some(app.today());
    // Expected from next week on; today they are a walk-in.
    family.groups = group.into_iter().collect();
    let session = session(app).map_err(|e| FieldError::whole(e.to_string()))?;
    let at = app.session_time(false);
    app.store
        .add_walk_in(&session, &family, &app.initials, at)
        .map_err(|e| FieldError::whole(format!("Not saved: {e}")))?;
    let id = family.id;
    app.search.upsert(&family);
    app.families.insert(family.clone());
    app.refresh(id).map_err(|e| FieldError::whole(e.to_string()))?;
    app.select(id);
    if app.screen == Screen::CheckIn {
        app.clear_search();
    }
    app.done(format!("+ {} checked in {} as a walk-in", app.who(&family), app.hm(at)));
    Ok(())
}
