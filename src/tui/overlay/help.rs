//! The help overlay: every key, generated from the key map.

use super::{Env, Layer, Outcome};
use crate::text::fit;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::{self, Ctx};
use crate::tui::rows::Rows;
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

#[derive(Debug, Default)]
pub struct Help {
    pub scroll: u16,
}

impl Layer for Help {
    fn contexts(&self) -> Vec<Ctx> {
        vec![Ctx::Help]
    }

    fn handle(&mut self, action: Action, env: &mut Env) -> Outcome {
        let page = env.facts.page.max(1);
        let by = |s: u16, d: i32| (i32::from(s) + d).clamp(0, i32::from(env.facts.help_scroll_max)) as u16;
        self.scroll = match action {
            Action::Back | Action::Help => return Outcome::Close,
            Action::Down => by(self.scroll, 1),
            Action::Up => by(self.scroll, -1),
            Action::PageDown => by(self.scroll, i32::from(page)),
            Action::PageUp => by(self.scroll, -i32::from(page)),
            _ => return Outcome::Stay,
        };
        Outcome::Stay
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, facts: &mut Facts) {
        let t = &app.theme;
        let r = centred(frame, area, 78, area.height);
        let mut lines = vec![
            Line::raw(" Glyphs: ✓ here  · expected  + walk-in  ← left  ! alert or open concern"),
            Line::raw(" Ages: 9w weeks  7m months  ⌛ one year or older"),
            Line::raw("       3m (c6w): born before 37 weeks, corrected age 6w (from the due date)"),
            Line::raw(""),
        ];
        for (ctx, bindings) in keymap::help_sections() {
            lines.push(Line::styled(format!(" {}", ctx.title()), t.title()));
            for b in bindings {
                let room = (r.width as usize).saturating_sub(15);
                lines.push(Line::from(vec![
                    Span::styled(format!("   {:<10}", b.shown), t.key()),
                    Span::raw(fit(b.help, room)),
                ]));
            }
            lines.push(Line::raw(""));
        }
        let block = Block::default().borders(Borders::ALL).title(" Keys · Esc closes · ↑↓ PgDn scroll ");
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let last = (lines.len() as u16).saturating_sub(inner.height);
        facts.help_scroll_max = last;
        facts.page = inner.height.saturating_sub(1).max(1);
        frame.render_widget(Rows::new(lines).scroll(self.scroll.min(last) as usize), inner);
    }
}
