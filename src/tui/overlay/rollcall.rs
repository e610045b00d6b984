//! Roll call for a fire drill or an evacuation: everyone checked in and not out,
//! each marked as accounted for with Space.

use super::{Env, Layer, Outcome};
use crate::text::fit;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::state::ListCursor;
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use std::collections::HashSet;
use uuid::Uuid;

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
    /// Everyone in the building, marked as `marks` says.
    pub fn new(mut people: Vec<Person>, marks: &HashSet<Uuid>) -> RollCall {
        for p in &mut people {
            p.accounted = marks.contains(&p.id);
        }
        RollCall { people, cursor: ListCursor::new() }
    }

    pub fn missing(&self) -> usize {
        self.people.iter().filter(|p| !p.accounted).count()
    }

    fn mark(&mut self, marks: &mut HashSet<Uuid>) {
        let Some(p) = self.people.get_mut(self.cursor.selected) else { return };
        p.accounted = !p.accounted;
        if !p.accounted {
            marks.remove(&p.id);
            return;
        }
        marks.insert(p.id);
        // On to the next person still missing, so a run of Space presses works
        // down the list and the missing are never hidden.
        let n = self.people.len();
        let at = self.cursor.selected;
        if let Some(next) = (1..n).map(|i| (at + i) % n).find(|i| !self.people[*i].accounted) {
            self.cursor.selected = next;
        }
    }
}

impl Layer for RollCall {
    fn contexts(&self) -> Vec<Ctx> {
        vec![Ctx::RollCall, Ctx::List]
    }

    fn handle(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Back => return Outcome::Close,
            Action::Mark => self.mark(env.marks),
            Action::Restart => {
                env.marks.clear();
                for p in &mut self.people {
                    p.accounted = false;
                }
                self.cursor = ListCursor::new();
            }
            other => {
                self.cursor.step_by(other, self.people.len(), env.facts.page);
            }
        }
        Outcome::Stay
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, facts: &mut Facts) {
        let t = &app.theme;
        let rect = centred(frame, area, area.width, area.height);
        let w = rect.width.saturating_sub(2) as usize;
        let missing = self.missing();
        let adults = self.people.iter().filter(|p| !p.baby).count();
        let babies = self.people.len() - adults;
        let head = if self.people.is_empty() {
            " Nobody is checked in.".to_string()
        } else if missing == 0 {
            format!(" ✓ All {} people accounted for ({adults} adults, {babies} babies).", self.people.len())
        } else {
            format!(
                " {missing} STILL MISSING of {} ({adults} adults, {babies} babies). Space marks each person.",
                self.people.len()
            )
        };
        let mut lines = vec![Line::styled(fit(&head, w), if missing == 0 { t.ok() } else { t.alert() }), Line::raw("")];
        let room = rect.height.saturating_sub(4) as usize;
        facts.page = room.max(1) as u16;
        let start = self.cursor.selected.saturating_sub(room.saturating_sub(1));
        for (i, p) in self.people.iter().enumerate().skip(start).take(room) {
            let mark = if p.accounted { "[✓]" } else { "[ ]" };
            let text = format!(" {mark} {}", p.label);
            let style = if i == self.cursor.selected {
                t.selected()
            } else if p.accounted {
                t.dim()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::styled(fit(&text, w), style));
        }
        let block =
            Block::default().borders(Borders::ALL).title(format!(" Roll call · {missing} missing · Esc closes "));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        frame.render_widget(Rows::new(lines), inner);
    }
}
