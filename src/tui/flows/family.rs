//! A family's details, alerts and consents, edited in one form and saved as
//! one change. A second carer or another baby (twins, a new baby) can be
//! added, and one added by mistake taken away.

use crate::clock::parse_date;
use crate::domain::fold::postcode;
use crate::domain::*;
use crate::tui::app::App;
use crate::tui::overlay::fields::{Field, FieldError, FieldId};
use crate::tui::overlay::{Form, Overlay, Purpose};
use uuid::Uuid;

fn labels(all: &[&str]) -> Vec<String> {
    all.iter().map(|s| s.to_string()).collect()
}

fn yes_no() -> Vec<String> {
    labels(&["No", "Yes"])
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

/// A carer's fields; `i` numbers them in the form, whatever their place.
fn carer_fields(i: usize, c: Option<&Carer>) -> Vec<Field> {
    let mut out = vec![
        Field::text(FieldId::CarerName(i), "", c.map_or("", |c| &c.name), "", true),
        Field::text(FieldId::CarerPhone(i), "", c.map_or("", |c| &c.phone), "", false),
        Field::text(FieldId::CarerRelationship(i), "", c.map_or("", |c| &c.relationship), "e.g. mother", false),
    ];
    if i > 0 {
        out.push(Field::button(FieldId::RemoveCarer(i), ""));
    }
    out
}

fn baby_fields(i: usize, b: Option<&Baby>) -> Vec<Field> {
    let mut out = vec![
        Field::text(FieldId::BabyName(i), "", b.map_or("", |b| &b.name), "", true),
        Field::date(FieldId::BabyBorn(i), "", &date(b.map(|b| b.dob)), "dd/mm/yyyy", true),
        Field::date(FieldId::BabyDue(i), "", &date(b.and_then(|b| b.due)), "dd/mm/yyyy if born early", false),
    ];
    if i > 0 {
        out.push(Field::button(FieldId::RemoveBaby(i), ""));
    }
    out
}

/// Numbers carers and babies as they now stand: "Carer 2 name", "Remove baby 3".
fn relabel(form: &mut Form) {
    let (mut carer, mut baby) = (0, 0);
    for f in &mut form.fields {
        f.label = match f.id {
            FieldId::CarerName(_) => {
                carer += 1;
                format!("Carer {carer} name")
            }
            FieldId::CarerPhone(_) => format!("Carer {carer} phone"),
            FieldId::CarerRelationship(_) => format!("Carer {carer} relationship"),
            FieldId::RemoveCarer(_) => format!("Remove carer {carer}"),
            FieldId::BabyName(_) => {
                baby += 1;
                format!("Baby {baby} name")
            }
            FieldId::BabyBorn(_) => format!("Baby {baby} born"),
            FieldId::BabyDue(_) => format!("Baby {baby} due"),
            FieldId::RemoveBaby(_) => format!("Remove baby {baby}"),
            _ => continue,
        };
    }
}

/// What the form's buttons do: add a carer's or a baby's fields, or take them away.
fn press(form: &mut Form, id: FieldId) {
    let next = |form: &Form, name: fn(usize) -> FieldId| (0..).find(|i| !form.has(name(*i))).unwrap_or(0);
    let at = form.fields.iter().position(|f| f.id == id).unwrap_or(0);
    match id {
        FieldId::AddCarer => {
            let i = next(form, FieldId::CarerName);
            form.fields.splice(at..at, carer_fields(i, None));
            form.focus_on(FieldId::CarerName(i));
        }
        FieldId::AddBaby => {
            let i = next(form, FieldId::BabyName);
            form.fields.splice(at..at, baby_fields(i, None));
            form.focus_on(FieldId::BabyName(i));
        }
        FieldId::RemoveCarer(i) => form.fields.retain(|f| {
            !matches!(f.id, FieldId::CarerName(j) | FieldId::CarerPhone(j) | FieldId::CarerRelationship(j)
                | FieldId::RemoveCarer(j) if j == i)
        }),
        FieldId::RemoveBaby(i) => form.fields.retain(|f| {
            !matches!(f.id, FieldId::BabyName(j) | FieldId::BabyBorn(j) | FieldId::BabyDue(j)
                | FieldId::RemoveBaby(j) if j == i)
        }),
        _ => return,
    }
    form.focus = form.focus.min(form.fields.len().saturating_sub(1));
    relabel(form);
}

/// The focused family's form.
pub fn open(app: &mut App) {
    let Some(f) = app.focus.and_then(|id| app.families.owned(&id)) else { return };
    let mut fields = Vec::new();
    for (i, c) in f.carers.iter().enumerate() {
        fields.extend(carer_fields(i, Some(c)));
    }
    fields.push(Field::button(FieldId::AddCarer, "Add a carer"));
    for (i, b) in f.babies.iter().enumerate() {
        fields.extend(baby_fields(i, Some(b)));
    }
    fields.push(Field::button(FieldId::AddBaby, "Add a baby"));
    fields.push(Field::text(FieldId::Postcode, "Postcode", &f.postcode, "", false));
    fields.push(Field::text(FieldId::HomeLanguage, "Home language", &f.home_language, "", false));
    fields.push(Field::choice(FieldId::Interpreter, "Interpreter needed", yes_no(), f.interpreter as usize));
    let hv: Vec<&str> = HvLevel::ALL.iter().map(|h| h.label()).collect();
    fields.push(Field::choice(FieldId::HvLevel, "Health visiting", labels(&hv), f.hv_level as usize));
    let need = labels(&["-", "1", "2", "3", "4"]);
    fields.push(Field::choice(FieldId::NeedLevel, "Level of need", need, f.need_level.unwrap_or(0) as usize));
    fields.push(Field::choice(FieldId::Eha, "EHA in place", yes_no(), f.eha as usize));
    let consents = labels(&ConsentAnswer::ALL.iter().map(|c| c.label()).collect::<Vec<_>>());
    fields.push(Field::choice(FieldId::Photos, "Photo consent", consents.clone(), f.photos.answer as usize));
    fields.push(Field::choice(FieldId::DataSharing, "Data sharing consent", consents, f.data_sharing.answer as usize));
    let alerts = Alert::list_text(&f.alerts);
    fields.push(Field::text(FieldId::Alerts, "Alerts", &alerts, "Allergy: peanuts; May not collect: ...", false));
    let mut form = Form::new(
        Purpose::EditFamily(f.id),
        format!("Edit {}", f.first_carer()),
        "Saved as one change with Ctrl-S.",
        fields,
    );
    form.press = Some(press);
    relabel(&mut form);
    app.open(Overlay::Form(Box::new(form)));
}

/// The carers as the form has them: those it started with keep their ids.
fn carers(form: &Form, f: &Family, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<Carer>, FieldError> {
    let mut out = Vec::new();
    for (n, field) in form.fields.iter().filter(|x| matches!(x.id, FieldId::CarerName(_))).enumerate() {
        let FieldId::CarerName(i) = field.id else { continue };
        let name = field.value();
        if name.is_empty() {
            return Err(FieldError::at(field.id, format!("Carer {} needs a name.", n + 1)));
        }
        out.push(Carer {
            id: f.carers.get(i).map(|c| c.id).unwrap_or_else(|| new_id(now)),
            name,
            phone: form.value(FieldId::CarerPhone(i)),
            relationship: form.value(FieldId::CarerRelationship(i)),
        });
    }
    Ok(out)
}

fn babies(form: &Form, f: &Family, app: &App) -> Result<Vec<Baby>, FieldError> {
    let now = app.clock.now();
    let mut out = Vec::new();
    for (n, field) in form.fields.iter().filter(|x| matches!(x.id, FieldId::BabyName(_))).enumerate() {
        let FieldId::BabyName(i) = field.id else { continue };
        let n = n + 1;
        let name = field.value();
        if name.is_empty() {
            return Err(FieldError::at(field.id, format!("Baby {n} needs a name.")));
        }
        let born = FieldId::BabyBorn(i);
        let dob = parse_date(&form.value(born)).map_err(|e| FieldError::at(born, format!("Baby {n} born: {e}")))?;
        if dob > app.today() {
            return Err(FieldError::at(born, format!("Baby {n}'s date of birth is after today.")));
        }
        let due = match form.value(FieldId::BabyDue(i)) {
            d if d.is_empty() => None,
            d => Some(parse_date(&d).map_err(|e| FieldError::at(FieldId::BabyDue(i), format!("Baby {n} due: {e}")))?),
        };
        if let Some(due) = due {
            age::check_due(dob, due)
                .map_err(|why| FieldError::at(FieldId::BabyDue(i), format!("Baby {n}'s due date {why}.")))?;
        }
        let old = f.babies.get(i);
        out.push(Baby {
            id: old.map(|b| b.id).unwrap_or_else(|| new_id(now)),
            name,
            dob,
            due,
            sex: old.and_then(|b| b.sex),
        });
    }
    Ok(out)
}

pub fn save(app: &mut App, form: &Form, id: Uuid) -> Result<(), FieldError> {
    let Some(mut f) = app.families.owned(&id) else {
        return Err(FieldError::whole("That family is no longer in the store."));
    };
    let today = app.today();
    f.carers = carers(form, &f, app.clock.now())?;
    f.babies = babies(form, &f, app)?;
    f.postcode = postcode(&form.value(FieldId::Postcode));
    f.home_language = form.value(FieldId::HomeLanguage);
    f.interpreter = form.index(FieldId::Interpreter) == 1;
    f.hv_level = HvLevel::ALL.get(form.index(FieldId::HvLevel)).copied().unwrap_or(HvLevel::Unknown);
    f.need_level = match form.index(FieldId::NeedLevel) {
        0 => None,
        n => Some(n as u8),
    };
    f.eha = form.index(FieldId::Eha) == 1;
    for (field, consent) in [(FieldId::Photos, &mut f.photos), (FieldId::DataSharing, &mut f.data_sharing)] {
        let answer = ConsentAnswer::ALL.get(form.index(field)).copied().unwrap_or(ConsentAnswer::NotAsked);
        if answer != consent.answer {
            *consent = Consent { answer, date: Some(today) };
        }
    }
    f.alerts = Alert::parse_list(&form.value(FieldId::Alerts));
    f.stamp.touch(app.clock.now(), app.store.device());
    app.store.save_family(&f).map_err(|e| FieldError::whole(format!("Not saved: {e}")))?;
    app.history = None;
    app.search.upsert(&f);
    app.families.insert(f.clone());
    app.done(format!("✓ {}'s details saved", f.first_carer()));
    // The edit may have made two laptops' versions agree.
    app.read_pending();
    Ok(())
}
