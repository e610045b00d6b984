//! Forms. `Form` is a list of fields for the walk-in, family details, group and
//! initials; `NoteForm` is the observation note with its tags.

mod form;
mod note;

pub use form::{Field, FieldKind, Form, FormKey, Purpose};
pub use note::{NoteForm, NotePart};
