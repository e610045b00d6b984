//! The first screen of an empty store: how to get started.

use crate::tui::app::App;
use crate::tui::rows::Rows;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let dir = crate::text::clean(&app.store.dir().display().to_string());
    let lines = vec![
        Line::raw(""),
        Line::styled(" Welcome to thinkbaby", t.title()),
        Line::raw(""),
        Line::raw(" The store is empty. To get started:"),
        Line::raw(""),
        Line::raw("  • Try it first on made-up families: quit (q) and run  thinkbaby --demo"),
        Line::raw("  • Import the roster from the centre's office:"),
        Line::raw("        thinkbaby import roster roster.csv --group Central"),
        Line::raw(
            "  • Or press g to add your group (name, venue, day and times), open it, and add families as they arrive with w (walk-in).",
        ),
        Line::raw(""),
        Line::styled(format!(" Data is kept on this laptop, in {dir}"), t.dim()),
    ];
    frame.render_widget(Rows::wrapped_hanging(lines, area.width as usize), area);
}
