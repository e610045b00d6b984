//! Overlays: what is drawn over the screens and takes the keys first. Each is
//! a room of its own: its state, `handle` (an action in, an [`Outcome`] out)
//! and `draw`. They stack: a question opened over a form, or the lock over
//! anything, closes back to what was under it.
//!
//! A new overlay is a module here with a type that implements [`Layer`], a
//! variant of [`Overlay`], and, for work that needs the store, a [`Job`] that
//! a flow in `tui::flows` carries out (as the list of what waits after a
//! merge, `conflicts`, hands its decisions to `flows::decide`).

pub mod conflicts;
pub mod decide;
pub mod fields;
pub mod form;
pub mod help;
pub mod lock;
pub mod note;
pub mod question;
pub mod rollcall;
pub mod same;

pub use conflicts::Conflicts;
pub use decide::Decide;
pub use form::{Form, Purpose};
pub use help::Help;
pub use lock::Lock;
pub use note::NoteForm;
pub use question::Question;
pub use rollcall::RollCall;
pub use same::Same;

use super::action::Action;
use super::app::App;
use super::facts::Facts;
use super::keymap::Ctx;
use super::rows::Rows;
use super::theme::Theme;
use crate::domain::tags::TagList;
use crate::domain::{Family, Group};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use secrecy::SecretString;
use std::collections::HashSet;
use uuid::Uuid;

/// Draws `head`, then `error` (wrapped) and a blank row, at the top of
/// `inner`; returns the room left below for a list.
fn head_over_list(frame: &mut Frame, inner: Rect, mut head: Vec<Line>, error: Option<&str>, t: &Theme) -> Rect {
    if let Some(e) = error {
        head.extend(Rows::wrapped(vec![Line::styled(e.to_string(), t.error())], inner.width as usize).lines());
    }
    head.push(Line::raw(""));
    let top = (head.len() as u16).min(inner.height);
    frame.render_widget(Rows::new(head), Rect { height: top, ..inner });
    Rect { y: inner.y + top, height: inner.height - top, ..inner }
}

/// What an overlay asks for after an action.
#[derive(Debug)]
pub enum Outcome {
    /// Stay open as it is now.
    Stay,
    /// Close, back to whatever was under it.
    Close,
    /// Open another over this one (a question about it, say).
    Open(Overlay),
    /// Stay open while the app does something that needs the store or the
    /// screens; the job decides whether this overlay closes.
    Do(Job),
    /// Close, then do something (a question answered yes).
    CloseThen(Job),
}

/// Work that an overlay hands to the app.
#[derive(Debug, Clone)]
pub enum Job {
    /// Save the form or note on top.
    Save,
    /// Try this passphrase on the lock.
    Try(SecretString),
    Quit,
    /// Close the overlay on top without saving it (a question about it said yes).
    Discard,
    UndoCheckIn(Uuid),
    /// Mark this observation's concern resolved.
    Resolve(Uuid),
    /// Write a person's decision on what waits after a merge.
    Decide(Decision),
}

/// A person's decision on something that waits after a merge: each is a new
/// version over the versions it settles, so it travels in bundles.
#[derive(Debug, Clone)]
pub enum Decision {
    /// The family as chosen, part by part, over every version held; `seen`
    /// are the versions the person compared (the one shown now first).
    Family {
        chosen: Box<Family>,
        seen: Vec<Family>,
    },
    Group {
        chosen: Box<Group>,
        seen: Vec<Group>,
    },
    /// Of a note edited on two laptops, the revision `keep` stays as the note.
    Note {
        family: Uuid,
        note: Uuid,
        keep: Uuid,
    },
    /// The same family: `other` joins `keep`.
    Join {
        keep: Uuid,
        other: Uuid,
    },
    /// Two different families.
    Different {
        a: Uuid,
        b: Uuid,
    },
}

/// What an overlay may read or change while it handles an action, besides itself.
pub struct Env<'a> {
    pub now: DateTime<Utc>,
    pub tags: &'a TagList,
    pub facts: &'a Facts,
    /// Who the roll call has accounted for; kept while the program runs.
    pub marks: &'a mut HashSet<Uuid>,
}

/// One overlay's behaviour.
pub trait Layer {
    /// The key map's contexts while it is on top, innermost first.
    fn contexts(&self) -> Vec<Ctx>;
    /// Keys the key map does not claim go to its text box.
    fn typing(&self) -> bool {
        false
    }
    /// What closing it now would lose, in a few words; None when nothing would.
    fn unsaved(&self) -> Option<String> {
        None
    }
    fn handle(&mut self, action: Action, env: &mut Env) -> Outcome;
    /// Draws it over `area` (the screen's body and status line); what the frame
    /// learned goes into `facts`.
    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, facts: &mut Facts);
}

/// At most one of each kind is useful at a time, but they stack: see the module's notes.
#[derive(Debug)]
pub enum Overlay {
    Lock(Box<Lock>),
    Question(Question),
    Form(Box<Form>),
    Note(Box<NoteForm>),
    RollCall(RollCall),
    Help(Help),
    Conflicts(Box<Conflicts>),
    Decide(Box<Decide>),
    Same(Box<Same>),
}

impl Overlay {
    pub fn layer(&self) -> &dyn Layer {
        match self {
            Overlay::Lock(l) => l.as_ref(),
            Overlay::Question(q) => q,
            Overlay::Form(f) => f.as_ref(),
            Overlay::Note(n) => n.as_ref(),
            Overlay::RollCall(r) => r,
            Overlay::Help(h) => h,
            Overlay::Conflicts(c) => c.as_ref(),
            Overlay::Decide(d) => d.as_ref(),
            Overlay::Same(s) => s.as_ref(),
        }
    }

    pub fn layer_mut(&mut self) -> &mut dyn Layer {
        match self {
            Overlay::Lock(l) => l.as_mut(),
            Overlay::Question(q) => q,
            Overlay::Form(f) => f.as_mut(),
            Overlay::Note(n) => n.as_mut(),
            Overlay::RollCall(r) => r,
            Overlay::Help(h) => h,
            Overlay::Conflicts(c) => c.as_mut(),
            Overlay::Decide(d) => d.as_mut(),
            Overlay::Same(s) => s.as_mut(),
        }
    }
}
