//! The room of what waits for a person after another laptop's bundle was
//! merged: each family, group or note edited on two laptops, and each pair of
//! families that may be one, in words. Enter opens the one highlighted, to
//! decide part by part (`decide`) or "same family?" (`same`). The list is read
//! by `flows::conflicts` when the room opens and after each decision.

use super::{Decide, Env, Layer, Outcome, Overlay, Same, head_over_list};
use crate::text::fit;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::state::ListCursor;
use crate::tui::view::{above_status, centred};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Padding};

/// Where Enter on an item goes.
#[derive(Debug, Clone)]
pub enum Room {
    Decide(Box<Decide>),
    Same(Box<Same>),
    /// Nothing to open (the records it names cannot be read here): why.
    Nothing(String),
}

/// One thing that waits, in words (cleaned).
#[derive(Debug, Clone)]
pub struct Item {
    /// "≠" edited on two laptops, "?" same family?
    pub glyph: &'static str,
    pub title: String,
    /// What differs, and where the versions come from.
    pub detail: String,
    pub room: Room,
}

#[derive(Debug)]
pub struct Conflicts {
    pub items: Vec<Item>,
    pub cursor: ListCursor,
    /// Why the list could not be read again, if it could not.
    pub error: Option<String>,
}

impl Conflicts {
    pub fn new(items: Vec<Item>) -> Conflicts {
        Conflicts { items, cursor: ListCursor::new(), error: None }
    }

    /// The list read again after a decision; the highlight stays where it was.
    pub fn renew(&mut self, items: Vec<Item>) {
        self.items = items;
        self.cursor.selected = self.cursor.selected.min(self.items.len().saturating_sub(1));
        self.error = None;
    }
}

impl Layer for Conflicts {
    fn contexts(&self) -> Vec<Ctx> {
        vec![Ctx::Conflicts, Ctx::List]
    }

    fn handle(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Back => return Outcome::Close,
            Action::Open => {
                return match self.items.get(self.cursor.selected).map(|i| &i.room) {
                    Some(Room::Decide(d)) => Outcome::Open(Overlay::Decide(d.clone())),
                    Some(Room::Same(s)) => Outcome::Open(Overlay::Same(s.clone())),
                    Some(Room::Nothing(why)) => {
                        self.error = Some(why.clone());
                        Outcome::Stay
                    }
                    None => Outcome::Stay,
                };
            }
            other => {
                self.cursor.step_by(other, self.items.len(), env.facts.page);
            }
        }
        Outcome::Stay
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, facts: &mut Facts) {
        let t = &app.theme;
        let area = above_status(app, area);
        let rect = centred(frame, area, area.width, area.height);
        let title = match self.items.len() {
            0 => " To decide · nothing waits ".to_string(),
            n => format!(" To decide · {n} · Enter decides · Esc closes "),
        };
        let block = Block::default().borders(Borders::ALL).padding(Padding::horizontal(1)).title(title);
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let w = inner.width as usize;
        let head = Rows::wrapped(
            vec![Line::raw(if self.items.is_empty() {
                "Nothing waits for a person: every laptop's versions agree. Esc closes.".to_string()
            } else {
                "From other laptops' bundles: every laptop shows the same version until someone decides.".to_string()
            })],
            w,
        )
        .lines();
        let list = head_over_list(frame, inner, head, self.error.as_deref(), t);
        // Two rows an item: what it is, then what differs.
        let fits = (list.height as usize / 2).max(1);
        facts.page = fits as u16;
        let start = self.cursor.selected.saturating_sub(fits - 1);
        let mut lines = Vec::new();
        for (i, item) in self.items.iter().enumerate().skip(start).take(fits) {
            let here = i == self.cursor.selected;
            let (top, under) = if here { (t.selected(), t.selected()) } else { (t.title(), t.dim()) };
            lines.push(Line::styled(fit(&format!("{} {}", item.glyph, item.title), w), top));
            lines.push(Line::styled(fit(&format!("    {}", item.detail), w), under));
        }
        frame.render_widget(Rows::new(lines), list);
    }
}
