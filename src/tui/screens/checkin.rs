//! Check-in (2): a search box, focused on arrival, over every family in the store.

use crate::text::{fit, pad};
use crate::tui::app::App;
use crate::tui::rows::Rows;
use crate::tui::state::input_text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let w = area.width as usize;
    let q = input_text(&app.checkin.query);
    let cursor = if app.checkin.in_search { "▏" } else { "" };
    let prompt = if q.is_empty() && app.checkin.in_search {
        " Find: ▏(type a name, phone or postcode, then Enter)".to_string()
    } else {
        format!(" Find: {q}{cursor}")
    };
    let mut lines = vec![Line::styled(fit(&prompt, w), t.title()), Line::raw("")];
    let hits = &app.checkin.hits;
    if hits.is_empty() {
        let msg = if let Some(l) = &app.loading {
            format!(" Still reading the families ({} so far)…", l.read)
        } else if q.trim().is_empty() {
            " No families in the store yet. Press Enter to add a walk-in.".to_string()
        } else {
            format!(" Nobody matches \"{}\". Press Enter to add them as a walk-in.", q.trim())
        };
        lines.push(Line::raw(fit(&msg, w)));
    }
    let height = area.height.saturating_sub(2) as usize;
    let selected = app.checkin.cursor.selected.min(hits.len().saturating_sub(1));
    let start = selected.saturating_sub(height.saturating_sub(1));
    // Aligned columns: carers, babies, group, postcode, phone; alerts marked `!`.
    let rest = w.saturating_sub(3 + 2 + 10 + 9 + 14);
    let (name_w, baby_w) = (rest / 2, rest - rest / 2);
    for (i, id) in hits.iter().enumerate().skip(start).take(height) {
        let Some(f) = app.families.get(id) else { continue };
        let (g, gstyle) = super::roster::glyph(app, *id);
        let babies = app.babies(&f);
        let group =
            f.groups.iter().find_map(|g| app.groups.iter().find(|x| x.id == *g)).map(|g| g.name.as_str()).unwrap_or("");
        let phone = f.carers.first().map(|c| c.phone.as_str()).unwrap_or("");
        let alert = if app.flagged(&f) { "! " } else { "  " };
        let mut spans = vec![
            Span::styled(format!(" {g} "), gstyle),
            Span::styled(alert, t.alert()),
            Span::raw(pad(&f.carer_names(), name_w)),
            Span::raw(" "),
            Span::raw(pad(&babies, baby_w.saturating_sub(1))),
            Span::raw(" "),
            Span::raw(pad(group, 9)),
            Span::raw(" "),
            Span::raw(pad(&f.postcode, 8)),
            Span::raw(" "),
            Span::raw(pad(phone, 13)),
        ];
        if i == selected {
            spans = spans.into_iter().map(|s| s.patch_style(t.selected())).collect();
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Rows::new(lines), area);
}
