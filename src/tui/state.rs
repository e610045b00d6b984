//! The parts of the app's state that belong to one screen or overlay.

use super::forms::{Form, NoteForm};
use ratatui_textarea::TextArea;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Nothing in the store yet.
    Welcome,
    /// Several groups: which one is today's?
    Picker,
    /// A group's session is open.
    Session,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Done,
    Info,
    Error,
}

#[derive(Debug, Clone)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
    /// A family's alerts, shown on a second line at check-in.
    pub alert: Option<String>,
}

/// A single-line text box.
pub fn line_input(placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_placeholder_text(placeholder.to_string());
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
}

pub fn input_text(t: &TextArea<'_>) -> String {
    t.lines().join("\n")
}

#[derive(Debug)]
pub struct ListCursor {
    pub selected: usize,
}

impl ListCursor {
    pub fn new() -> Self {
        ListCursor { selected: 0 }
    }

    /// Keeps the highlight inside a list of `len` rows.
    pub fn clamp(&mut self, len: usize) {
        if len == 0 {
            self.selected = 0;
        } else if self.selected >= len {
            self.selected = len - 1;
        }
    }

    pub fn step(&mut self, by: isize, len: usize) {
        if len == 0 {
            self.selected = 0;
            return;
        }
        let next = self.selected as isize + by;
        self.selected = next.clamp(0, len as isize - 1) as usize;
    }
}

impl Default for ListCursor {
    fn default() -> Self {
        Self::new()
    }
}

/// Families still being read after the first frame, a piece between keys.
#[derive(Debug, Clone)]
pub struct Loading {
    /// Where the next piece starts.
    pub after: crate::store::Cursor,
    pub read: usize,
}

#[derive(Debug)]
pub struct RosterState {
    pub cursor: ListCursor,
    pub filter: TextArea<'static>,
    pub filtering: bool,
}

#[derive(Debug)]
pub struct CheckInState {
    pub query: TextArea<'static>,
    pub in_search: bool,
    pub hits: Vec<Uuid>,
    pub cursor: ListCursor,
}

#[derive(Debug, Default)]
pub struct NotesState {
    pub cursor: ListCursor,
    pub show_revisions: bool,
}

/// One person in a roll call.
#[derive(Debug, Clone)]
pub struct Person {
    pub family: Uuid,
    /// The carer's or baby's id: marks are kept by it while the program runs.
    pub id: Uuid,
    pub label: String,
    pub baby: bool,
    pub accounted: bool,
}

#[derive(Debug)]
pub struct RollCall {
    pub people: Vec<Person>,
    pub cursor: ListCursor,
}

impl RollCall {
    pub fn missing(&self) -> usize {
        self.people.iter().filter(|p| !p.accounted).count()
    }
}

/// What a "yes" to a question does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    UndoCheckIn(Uuid),
    DiscardNote,
    DiscardForm,
    Quit,
}

#[derive(Debug)]
pub struct Confirm {
    pub question: String,
    pub on_yes: Pending,
}

/// The lock screen: every name hidden until the passphrase is typed.
#[derive(Debug)]
pub struct Locked {
    pub input: TextArea<'static>,
    pub wrong: u32,
    /// No new try before this moment (longer after each wrong try).
    pub retry_at: Option<chrono::DateTime<chrono::Utc>>,
    pub message: Option<String>,
    /// Whatever was open when the screen locked, kept as it was.
    pub under: Option<Box<Overlay>>,
}

/// At most one overlay is open; it takes the keys first.
#[derive(Debug)]
pub enum Overlay {
    Locked(Box<Locked>),
    Help { scroll: u16 },
    Confirm(Confirm, Box<Option<Overlay>>),
    Form(Box<Form>),
    Note(Box<NoteForm>),
    RollCall(RollCall),
}
