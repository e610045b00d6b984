//! Choosing the group when the store has several: those meeting today first.

use crate::text::{clean, fit, pad, width};
use crate::tui::app::App;
use crate::tui::rows::Rows;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let w = area.width as usize;
    let today = app.today();
    let mut lines = vec![
        Line::raw(""),
        Line::styled(fit(&format!(" Which group is meeting? ({})", today.format("%A %-d %B %Y")), w), t.title()),
        Line::raw(""),
    ];
    // Names are what tells groups apart ("Flying Start Central", "… North"):
    // as wide as the longest, up to half the screen; the venue gives way first.
    let name_w = app.groups.iter().map(|g| width(&clean(&g.name))).max().unwrap_or(0).clamp(7, (w / 2).max(7));
    for (i, g) in app.groups.iter().enumerate() {
        let mark = if g.meets_on(today) { "today" } else { "" };
        let venue = if g.venue.is_empty() { "(no venue yet: e to edit)".to_string() } else { g.venue.clone() };
        let text = format!(
            " {} {} {:<6} {}  {}",
            if i == app.picker.selected { "▶" } else { " " },
            pad(&g.name, name_w),
            mark,
            g.when(),
            clean(&venue)
        );
        let style = if i == app.picker.selected { t.selected() } else { ratatui::style::Style::new() };
        lines.push(Line::styled(fit(&text, w), style));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(" Enter opens the highlighted group; e changes its details; g adds a new group.", t.dim()));
    frame.render_widget(Rows::new(lines), area);
}
