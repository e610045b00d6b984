//! The help overlay, generated from the key map.

use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(app: &App, frame: &mut Frame, area: Rect, scroll: u16) {
    let t = &app.theme;
    let r = centred(frame, area, 78, area.height);
    let mut lines = vec![
        Line::raw(" Glyphs: ✓ here  · expected  + walk-in  ← left  ! alert or safeguarding"),
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
                Span::raw(crate::text::fit(b.help, room)),
            ]));
        }
        lines.push(Line::raw(""));
    }
    let block = Block::default().borders(Borders::ALL).title(" Keys · Esc closes · ↑↓ PgDn scroll ");
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
}
