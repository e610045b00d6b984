//! Observation notes: a new one, an edit (the earlier text is kept as a
//! revision), and a concern marked resolved.

use super::checkin::session;
use crate::domain::{Concern, Observation, Revision, new_id};
use crate::store::StoreError;
use crate::tui::app::App;
use crate::tui::overlay::note::NotePart;
use crate::tui::overlay::{Job, NoteForm, Overlay, Question};
use crate::tui::state::input_text;
use uuid::Uuid;

/// The note form for the highlighted family: empty, or `existing` to edit.
pub fn open(app: &mut App, existing: Option<&Observation>) {
    let Some(id) = app.highlighted() else {
        app.info("Choose a family first.");
        return;
    };
    let Some(f) = app.families.get(&id) else { return };
    let babies = f.babies.iter().map(|b| (b.id, b.name.clone())).collect();
    let title = match existing {
        Some(_) => format!("Edit note · {}", app.who(&f)),
        None => format!("New note · {}", app.who(&f)),
    };
    app.focus = Some(id);
    app.open(Overlay::Note(Box::new(NoteForm::new(id, title, babies, existing))));
}

/// The highlighted note on Notes (3), to edit.
pub fn edit(app: &mut App) {
    let Some(f) = app.focus else { return };
    match app.notes_of(f).get(app.notes.cursor.selected).cloned() {
        Some(o) => open(app, Some(&o)),
        None => app.info("No note to edit: press n to write one."),
    }
}

/// Saves the note; it stays open with its text when it cannot be saved.
pub fn save(app: &mut App, mut note: Box<NoteForm>) {
    let body = note.body();
    if body.trim().is_empty() && note.tags.is_empty() {
        note.error = Some("Write something or choose a tag (Tab) before saving.".into());
        note.part = NotePart::Text;
        app.open(Overlay::Note(note));
        return;
    }
    let now = app.clock.now();
    let rev = Revision {
        id: new_id(now),
        parents: vec![],
        tags: note.tags.clone(),
        text: body,
        concern: note.concern,
        follow_up: if note.concern == Concern::None {
            String::new()
        } else {
            input_text(&note.follow_up).trim().to_string()
        },
        baby: note.baby,
        by: app.initials.clone(),
        at: now,
        why: input_text(&note.why).trim().to_string(),
    };
    let result = match note.editing {
        Some(obs_id) => {
            let existing =
                app.store.observations_of_family(note.family).ok().and_then(|l| l.into_iter().find(|o| o.id == obs_id));
            match existing {
                Some(mut o) if note.changed() => {
                    o.revise(rev, app.store.device());
                    app.store.save_observation(&o).map(|_| o)
                }
                Some(o) => {
                    app.info("Nothing changed.");
                    Ok(o)
                }
                None => Err(StoreError::Refused("that note is no longer in the store".into())),
            }
        }
        None => session(app).and_then(|s| {
            let o = Observation::new(new_id(now), note.family, s.id, rev, app.store.device());
            app.store.save_observation(&o).map(|_| o)
        }),
    };
    match result {
        Ok(o) => {
            if let Err(e) = app.refresh(o.family) {
                app.error(e.to_string());
                return;
            }
            let flag = if o.concern() == Concern::Safeguarding {
                " — safeguarding concern: tell the safeguarding lead today"
            } else {
                ""
            };
            app.done(format!("✓ Note saved {}{flag}", app.now_hm()));
            // An edit goes over every latest version: one edited on two laptops is settled.
            app.read_pending();
        }
        Err(e) => {
            note.error = Some(format!("Not saved: {e}. Your text is still here; try Ctrl-S again."));
            app.open(Overlay::Note(note));
        }
    }
}

/// `r` on Notes: asks before marking the highlighted note's concern resolved.
pub fn ask_resolve(app: &mut App) {
    let Some(f) = app.focus else { return };
    let Some(o) = app.notes_of(f).get(app.notes.cursor.selected).cloned() else {
        app.info("No note to mark: press n to write one.");
        return;
    };
    match crate::tui::concerns::words(&o) {
        Some(words) => {
            let q =
                format!("Mark the {} resolved? Your initials and the time stay with the note.", lower_first(&words));
            app.open(Overlay::Question(Question::new(q, Job::Resolve(o.id))));
        }
        None => app.info("This note has no open concern to mark resolved."),
    }
}

/// Marks the note's open concern resolved, by the facilitator signed in, now;
/// the note keeps who and when.
pub fn resolve(app: &mut App, observation: Uuid) {
    let Some(o) = app.focus.and_then(|f| app.notes_of(f).iter().find(|o| o.id == observation)).cloned() else {
        return;
    };
    match app.store.resolve_concern(&o, &app.initials, app.clock.now()) {
        Ok(done) => {
            if let Err(e) = app.refresh(done.family) {
                app.error(e.to_string());
                return;
            }
            app.done(format!("✓ Concern marked resolved by {} at {}", app.initials, app.now_hm()));
        }
        Err(e) => app.error(format!("✗ Not marked resolved: {e}")),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}
