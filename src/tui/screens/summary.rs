//! Summary (5) of the open session. (Figures come from `report::session_summary`
//! once the reports module lands; until then, today's counts.)

use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let here = app.day.as_ref().map(|d| d.attendance.len()).unwrap_or(0);
    frame.render_widget(Paragraph::new(format!(" {here} families checked in today.")), area);
}
