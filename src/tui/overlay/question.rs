//! A yes-or-no question about what is under it: undo a check-in, discard a
//! form, quit with typing unsaved.

use super::{Env, Job, Layer, Outcome};
use crate::text::width;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

#[derive(Debug)]
pub struct Question {
    pub text: String,
    /// What a yes does; a no closes the question and changes nothing.
    pub on_yes: Job,
}

impl Question {
    pub fn new(text: impl Into<String>, on_yes: Job) -> Question {
        Question { text: text.into(), on_yes }
    }
}

impl Layer for Question {
    fn contexts(&self) -> Vec<Ctx> {
        vec![Ctx::Confirm]
    }

    fn handle(&mut self, action: Action, _: &mut Env) -> Outcome {
        match action {
            Action::Yes => Outcome::CloseThen(self.on_yes.clone()),
            Action::No => Outcome::Close,
            _ => Outcome::Stay,
        }
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, _: &mut Facts) {
        let question = format!("{} (y/n)", self.text);
        // As wide as the question, up to the screen; a long one wraps.
        let w = (width(&question) as u16 + 4).clamp(30, area.width);
        let inner = w.saturating_sub(4) as usize;
        let rows = Rows::wrapped(vec![Line::styled(question, app.theme.title())], inner);
        let h = rows.height() as u16 + 4;
        let r = centred(frame, area, w, h);
        let block = Block::default().borders(Borders::ALL).title(" Are you sure? ");
        let inside = block.inner(r);
        frame.render_widget(block, r);
        let text = Rect {
            x: inside.x + 1,
            y: inside.y + 1,
            width: inside.width.saturating_sub(2),
            height: inside.height.saturating_sub(1),
        };
        frame.render_widget(rows, text);
    }
}
