//! The parts of the app's state that belong to one screen; each overlay keeps
//! its own (see `overlay`).

use super::action::Action;
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

/// Empties a text box, keeping its placeholder.
pub fn clear_input(t: &mut TextArea<'static>) {
    *t = line_input(t.placeholder_text());
}

pub fn input_text(t: &TextArea<'_>) -> String {
    t.lines().join("\n")
}

#[derive(Debug, Clone)]
pub struct ListCursor {
    pub selected: usize,
}

impl ListCursor {
    pub fn new() -> Self {
        ListCursor { selected: 0 }
    }

    pub fn step(&mut self, by: isize, len: usize) {
        if len == 0 {
            self.selected = 0;
            return;
        }
        let next = self.selected as isize + by;
        self.selected = next.clamp(0, len as isize - 1) as usize;
    }

    /// Moves as a list key says: a row, a page of `page` rows, or to an end.
    /// Returns false for an action that is not a move.
    pub fn step_by(&mut self, action: Action, len: usize, page: u16) -> bool {
        let page = page.max(1) as isize;
        let by = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => -(len as isize),
            Action::Bottom => len as isize,
            _ => return false,
        };
        self.step(by, len);
        true
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

#[derive(Debug, Default)]
pub struct FamilyState {
    /// Rows scrolled down; never past the last page (see `Facts::family_scroll_max`).
    pub scroll: u16,
}
