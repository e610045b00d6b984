//! "Same family?": two families that look like one (the same walk-in added on
//! two laptops), side by side, and three answers: the same family (joined,
//! after a yes: it moves attendance and notes), two different families, or
//! later. The one kept is the one on this laptop unless the person says so.

use super::{Decision, Env, Job, Layer, Outcome, Overlay, Question};
use crate::text::{fit, pad, plural};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::view::{above_status, centred};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding};
use uuid::Uuid;

/// One of the two families, in words (cleaned).
#[derive(Debug, Clone)]
pub struct Side {
    pub id: Uuid,
    /// "Already on this laptop", "Came from laptop 1a2b3c4d".
    pub heading: String,
    /// How a question names it: "Sana Mahmood".
    pub name: String,
    /// What a facilitator compares: carers, phones, babies, postcode, groups, visits.
    pub rows: Vec<(&'static str, String)>,
    pub visits: usize,
    pub notes: usize,
}

#[derive(Debug, Clone)]
pub struct Same {
    pub sides: [Side; 2],
    /// The side kept when they are joined: 0, the one here, unless changed.
    pub keep: usize,
    /// Why the last answer was not saved.
    pub error: Option<String>,
}

impl Same {
    pub fn new(here: Side, came: Side) -> Same {
        Same { sides: [here, came], keep: 0, error: None }
    }

    /// The question asked before joining: what moves where.
    fn join_question(&self) -> Question {
        let keep = &self.sides[self.keep];
        let other = &self.sides[1 - self.keep];
        let moved = match (other.visits, other.notes) {
            (0, 0) => "details go".to_string(),
            (1, 0) => "1 attendance moves".to_string(),
            (v, 0) => format!("{v} attendances move"),
            (0, n) => format!("{} {}", plural(n, "note", "notes"), if n == 1 { "moves" } else { "move" }),
            (v, n) => format!("{} and {} move", plural(v, "attendance", "attendances"), plural(n, "note", "notes")),
        };
        let q = format!(
            "Join them as one family? {} ({}) is kept, and the other's {moved} to it. This cannot be undone here.",
            keep.name,
            lower(&keep.heading),
        );
        Question::new(q, Job::Decide(Decision::Join { keep: keep.id, other: other.id }))
    }

    /// Both families' rows side by side under a label column, each cell wrapped to its column.
    fn table(&self, app: &App, w: usize) -> Vec<Line<'static>> {
        let t = &app.theme;
        let label_w = 10;
        let col = w.saturating_sub(label_w) / 2;
        let mut lines = Vec::new();
        let heads: Vec<String> = self
            .sides
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}{}", if i == self.keep { "● keep: " } else { "○ " }, s.heading))
            .collect();
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(label_w)),
            Span::styled(pad(&fit(&heads[0], col - 1), col), if self.keep == 0 { t.ok() } else { t.dim() }),
            Span::styled(fit(&heads[1], col - 1), if self.keep == 1 { t.ok() } else { t.dim() }),
        ]));
        for (r, (label, _)) in self.sides[0].rows.iter().enumerate() {
            let cell = |s: &Side| {
                let text = s.rows.get(r).map_or(String::new(), |(_, v)| v.clone());
                Rows::wrapped(vec![Line::raw(text)], col.saturating_sub(1)).lines()
            };
            let (a, b) = (cell(&self.sides[0]), cell(&self.sides[1]));
            for i in 0..a.len().max(b.len()) {
                let name = if i == 0 { pad(label, label_w) } else { " ".repeat(label_w) };
                let left = a.get(i).map_or(String::new(), ToString::to_string);
                let right = b.get(i).map_or(String::new(), ToString::to_string);
                lines.push(Line::from(vec![
                    Span::styled(name, t.title()),
                    Span::raw(pad(&left, col)),
                    Span::raw(right),
                ]));
            }
        }
        lines
    }
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

impl Layer for Same {
    fn contexts(&self) -> Vec<Ctx> {
        vec![Ctx::SameFamily]
    }

    fn handle(&mut self, action: Action, _: &mut Env) -> Outcome {
        match action {
            Action::Back => Outcome::Close,
            Action::NextField => {
                self.keep = 1 - self.keep;
                self.error = None;
                Outcome::Stay
            }
            Action::SameFamily => Outcome::Open(Overlay::Question(self.join_question())),
            Action::NotSameFamily => {
                Outcome::Do(Job::Decide(Decision::Different { a: self.sides[0].id, b: self.sides[1].id }))
            }
            _ => Outcome::Stay,
        }
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, _: &mut Facts) {
        let t = &app.theme;
        let area = above_status(app, area);
        let rect = centred(frame, area, area.width, area.height);
        let block = Block::default().borders(Borders::ALL).padding(Padding::horizontal(1)).title(" Same family? ");
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let w = inner.width as usize;
        let table = self.table(app, w);
        let mut lines = Vec::new();
        // The families first; what this is about, above them where there is room.
        let intro = "Two laptops may have added the same family. Nothing is joined until you say so.";
        let intro = Rows::wrapped(vec![Line::raw(intro.to_string())], w).lines();
        let error = match &self.error {
            Some(e) => Rows::wrapped(vec![Line::styled(e.clone(), t.error())], w).lines(),
            None => vec![],
        };
        if intro.len() + error.len() + 1 + table.len() <= inner.height as usize {
            lines.extend(intro);
        }
        lines.extend(error);
        if lines.len() + 1 + table.len() <= inner.height as usize {
            lines.push(Line::raw(""));
        }
        lines.extend(table);
        frame.render_widget(Rows::new(lines), inner);
    }
}
