//! Who is facilitating today: asked when a group opens, kept for next time.

use crate::store::META_INITIALS;
use crate::tui::app::App;
use crate::tui::overlay::fields::{Field, FieldError, FieldId};
use crate::tui::overlay::{Form, Overlay, Purpose};

pub fn ask(app: &mut App) {
    let form = Form::new(
        Purpose::Initials,
        "Who is facilitating today?",
        "Your initials go on every check-in and note you make today.",
        vec![Field::text(FieldId::Initials, "Initials", &app.initials.clone(), "e.g. AB", true)],
    );
    app.open(Overlay::Form(Box::new(form)));
}

pub fn save(app: &mut App, form: &Form) -> Result<(), FieldError> {
    let initials: String =
        form.value(FieldId::Initials).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if initials.is_empty() || initials.chars().count() > 4 || !initials.chars().all(char::is_alphabetic) {
        return Err(FieldError::at(FieldId::Initials, "Initials are one to four letters, e.g. AB."));
    }
    app.store.set_meta(META_INITIALS, &initials).map_err(|e| FieldError::whole(e.to_string()))?;
    // The audit trail names who made each change.
    app.store.set_actor(&initials);
    app.initials = initials;
    app.info(format!("Hello {}. Press 2 to check families in, ? for every key.", app.initials));
    Ok(())
}
