//! Roll call for a fire drill or an evacuation: everyone checked in and not out.

use crate::text::fit;
use crate::tui::app::App;
use crate::tui::state::RollCall;
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(app: &App, frame: &mut Frame, area: Rect, r: &RollCall) {
    let t = &app.theme;
    let rect = centred(frame, area, area.width, area.height);
    let w = rect.width.saturating_sub(2) as usize;
    let missing = r.missing();
    let adults = r.people.iter().filter(|p| !p.baby).count();
    let babies = r.people.len() - adults;
    let head = if r.people.is_empty() {
        " Nobody is checked in.".to_string()
    } else if missing == 0 {
        format!(" ✓ All {} people accounted for ({adults} adults, {babies} babies).", r.people.len())
    } else {
        format!(
            " {missing} STILL MISSING of {} ({adults} adults, {babies} babies). Space marks each person.",
            r.people.len()
        )
    };
    let mut lines = vec![Line::styled(fit(&head, w), if missing == 0 { t.ok() } else { t.alert() }), Line::raw("")];
    let room = rect.height.saturating_sub(4) as usize;
    let start = r.cursor.selected.saturating_sub(room.saturating_sub(1));
    for (i, p) in r.people.iter().enumerate().skip(start).take(room) {
        let mark = if p.accounted { "[✓]" } else { "[ ]" };
        let text = format!(" {mark} {}", p.label);
        let style = if i == r.cursor.selected {
            t.selected()
        } else if p.accounted {
            t.dim()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(fit(&text, w), style));
    }
    let block = Block::default().borders(Borders::ALL).title(format!(" Roll call · {missing} missing · Esc closes "));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
