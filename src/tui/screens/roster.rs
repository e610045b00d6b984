//! Roster (1): everyone expected today and everyone checked in, one row each.

use crate::domain::{Family, age};
use crate::text::pad;
use crate::tui::app::App;
use crate::tui::rows::Rows;
use crate::tui::state::input_text;
use crate::tui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use uuid::Uuid;

/// Column widths for a given screen width: carers, babies, flags, time, notes.
fn widths(w: usize) -> [usize; 5] {
    let fixed = 2 + 6 + 6; // glyph, time in, notes count
    let rest = w.saturating_sub(fixed + 4);
    let carers = rest * 30 / 100;
    let babies = rest * 32 / 100;
    let flags = rest.saturating_sub(carers + babies);
    [carers, babies, flags, 6, 5]
}

pub fn glyph(app: &App, id: Uuid) -> (&'static str, Style) {
    let t = &app.theme;
    match app.day.as_ref().and_then(|d| d.attendance.get(&id)) {
        Some(a) if a.checked_out.is_some() => (theme::LEFT, t.dim()),
        Some(a) if a.walk_in => (theme::WALK_IN, t.here()),
        Some(_) => (theme::HERE, t.here()),
        None => (theme::EXPECTED, Style::new()),
    }
}

/// The short flags of a family, worst first.
pub fn flags(app: &App, f: &Family) -> String {
    let mut out: Vec<String> = Vec::new();
    if app.flagged(f) {
        out.push(theme::ALERT.into());
    }
    if app.is_first_visit(f.id) {
        out.push("1st".into());
    }
    if app.day.as_ref().and_then(|d| d.attendance.get(&f.id)).is_some_and(|a| a.walk_in) {
        out.push("walk-in".into());
    }
    if !f.hv_level.short().is_empty() {
        out.push(f.hv_level.short().into());
    }
    if f.eha {
        out.push("EHA".into());
    }
    if f.interpreter {
        let lang = if f.home_language.is_empty() { "?".to_string() } else { f.home_language.clone() };
        out.push(format!("interp:{lang}"));
    }
    if f.no_photos() {
        out.push("no-photo".into());
    }
    if f.babies.iter().any(|b| age::age_on(b.dob, b.due, app.today()).ageing_out) {
        out.push("ageing-out".into());
    }
    out.join(" ")
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let w = area.width as usize;
    let [cw, bw, fw, tw, nw] = widths(w);
    let rows = app.roster_rows();
    let mut lines: Vec<Line> = Vec::new();
    let filter = input_text(&app.roster.filter);
    let top = if app.roster.filtering || !filter.is_empty() {
        let cursor = if app.roster.filtering { "▏" } else { "" };
        format!(
            " Filter: {filter}{cursor}   ({} of {})",
            rows.len(),
            app.day.as_ref().map(|d| d.roster.len()).unwrap_or(0)
        )
    } else {
        format!(
            " {}{}{}{}{}",
            pad("  Carer", cw + 3),
            pad("Baby", bw + 1),
            pad("Flags", fw + 1),
            pad("In", tw),
            pad("Notes", nw)
        )
    };
    lines.push(Line::styled(crate::text::fit(&top, w), t.title()));
    let height = area.height.saturating_sub(1) as usize;
    if rows.is_empty() {
        let msg = if app.loading.is_some() {
            " Reading the families…"
        } else if filter.is_empty() {
            " Nobody is expected today yet. Press 2 to check a family in, or w for a walk-in."
        } else {
            " Nobody matches the filter. Esc clears it."
        };
        lines.push(Line::raw(crate::text::fit(msg, w)));
    }
    let selected = app.roster.cursor.selected.min(rows.len().saturating_sub(1));
    let start = selected.saturating_sub(height.saturating_sub(1));
    for (i, id) in rows.iter().enumerate().skip(start).take(height) {
        let Some(f) = app.families.get(id) else { continue };
        let (g, gstyle) = glyph(app, *id);
        let babies = app.babies(&f);
        let a = app.day.as_ref().and_then(|d| d.attendance.get(id));
        let time = a.map(|a| app.clock.local(a.checked_in).format("%H:%M").to_string()).unwrap_or_default();
        let notes = app.day.as_ref().and_then(|d| d.notes.get(id)).map(|n| n.len().to_string()).unwrap_or_default();
        let flags = flags(app, &f);
        let mut spans = vec![
            Span::styled(format!(" {g} "), gstyle),
            Span::raw(pad(&f.carer_names(), cw)),
            Span::raw(" "),
            Span::raw(pad(&babies, bw)),
            Span::raw(" "),
            Span::styled(pad(&flags, fw), if flags.starts_with('!') { t.alert() } else { t.warn() }),
            Span::raw(" "),
            Span::raw(pad(&time, tw)),
            Span::raw(pad(&notes, nw)),
        ];
        if i == selected {
            spans = spans.into_iter().map(|s| s.patch_style(t.selected())).collect();
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Rows::new(lines), area);
}
