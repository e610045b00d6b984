//! The facilitator's jobs, one module each: check-in (and out, undo, roll call),
//! a walk-in, a group's details, a family's details, a note, the initials, and
//! what waits after a merge (`conflicts` reads it, `decide` writes decisions).
//! Each opens its overlay and carries out what the overlay asks for, committing
//! to the store before the screen says anything is saved.
//!
//! A new job is a module here; its overlay is in `tui::overlay`.

pub mod checkin;
pub mod conflicts;
pub mod decide;
pub mod family;
pub mod group;
pub mod initials;
pub mod note;
pub mod walkin;

use super::app::App;
use super::overlay::{Overlay, Purpose};

/// Saves the form or note on top. It closes when saved; when not, it stays
/// with everything typed, says what to fix and puts the cursor there.
pub fn save(app: &mut App) {
    match app.overlays.pop() {
        Some(Overlay::Form(mut form)) => {
            let saved = match form.purpose {
                Purpose::Initials => initials::save(app, &form),
                Purpose::WalkIn => walkin::save(app, &form),
                Purpose::Group(id) => group::save(app, &form, id),
                Purpose::EditFamily(id) => family::save(app, &form, id),
            };
            if let Err(e) = saved {
                form.fail(e);
                app.open(Overlay::Form(form));
            }
        }
        Some(Overlay::Note(note)) => note::save(app, note),
        Some(other) => app.open(other),
        None => {}
    }
}
