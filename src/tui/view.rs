//! Drawing: the frame from the app's state, nothing else, and what the frame
//! learned about the layout handed back (`Facts`). Every stored string passes
//! through `text::clean`/`fit` before it reaches a cell, and `Rows` draws it
//! at the width the terminal gives it.

use super::action::Screen;
use super::app::App;
use super::facts::Facts;
use super::keymap;
use super::overlay::Overlay;
use super::rows::Rows;
use super::screens;
use super::state::{Phase, StatusKind};
use crate::text::fit;
use ratatui::Frame;
use ratatui::buffer::CellWidth;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn draw(app: &App, frame: &mut Frame) -> Facts {
    let area = frame.area();
    let mut facts = Facts { page: 10, family_scroll_max: u16::MAX, help_scroll_max: u16::MAX, too_small: false };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("Window too small: make it at least {MIN_WIDTH}×{MIN_HEIGHT}.");
        frame.render_widget(Rows::new(vec![Line::raw(fit(&msg, area.width as usize))]), area);
        facts.too_small = true;
        return facts;
    }
    if let Some(Overlay::Lock(l)) = app.overlay() {
        // No name, no count: nothing but the box.
        l.draw_box(&app.theme, frame, area, app.clock.now());
        return facts;
    }
    let [head, tabs, body, status, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_rows(app, area.width)),
        Constraint::Length(1),
    ])
    .areas(area);
    facts.page = body.height.saturating_sub(2).max(1);
    header(app, frame, head);
    let whole = Rect { y: tabs.y, height: tabs.height + body.height, ..body };
    match app.phase {
        Phase::Welcome => screens::welcome::draw(app, frame, whole),
        Phase::Picker => screens::picker::draw(app, frame, whole),
        Phase::Session => {
            tab_bar(app, frame, tabs);
            match app.screen {
                Screen::Roster => screens::roster::draw(app, frame, body),
                Screen::CheckIn => screens::checkin::draw(app, frame, body),
                Screen::Notes => screens::notes::draw(app, frame, body),
                Screen::Family => facts.family_scroll_max = screens::family::draw(app, frame, body),
                Screen::Summary => screens::summary::draw(app, frame, body),
            }
        }
    }
    status_line(app, frame, status);
    footer(app, frame, foot);
    let over = Rect { y: tabs.y, height: tabs.height + body.height + status.height, ..body };
    for overlay in &app.overlays {
        overlay.layer().draw(app, frame, over, &mut facts);
    }
    facts
}

fn header(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let w = area.width as usize;
    let demo = if app.options.demo { "DEMO " } else { "" };
    let (top, right, counts) = match &app.day {
        Some(day) => {
            let venue = if day.group.venue.is_empty() { String::new() } else { format!(" · {}", day.group.venue) };
            let top = format!(" {} · {}{}", day.date.format("%a %-d %b %Y"), day.group.name, venue);
            // In the building now; those who left are counted apart.
            let (mut here, mut walk_ins, mut adults, mut babies, mut first) = (0, 0, 0, 0, 0);
            for (id, a) in &day.attendance {
                if a.is_in() {
                    (here, adults, babies) = (here + 1, adults + a.carers.len(), babies + a.babies.len());
                }
                walk_ins += usize::from(a.walk_in);
                first += usize::from(app.is_first_visit(*id));
            }
            let left = day.attendance.len() - here;
            // A walk-in joins the group's list for next week; today they were not expected.
            let (expected, came, concerns) = (day.expected, day.came, day.concerns);
            let right = format!(
                "{} · {} · {demo}{} ",
                crate::text::plural(adults, "adult", "adults"),
                crate::text::plural(babies, "baby", "babies"),
                app.initials
            );
            // Most urgent first; counts of nought are left out, so they fit 80 columns.
            let mut parts = vec![format!("Here {here}")];
            if expected > 0 {
                parts.push(format!("{came} of {expected} expected"));
            }
            if concerns > 0 {
                parts.push(crate::text::plural(concerns, "concern", "concerns"));
            }
            parts.extend(to_decide(app));
            if walk_ins > 0 {
                parts.push(crate::text::plural(walk_ins, "walk-in", "walk-ins"));
            }
            if first > 0 {
                parts.push(crate::text::plural(first, "first visit", "first visits"));
            }
            if left > 0 {
                parts.push(format!("{left} left"));
            }
            (top, right, format!(" {}", parts.join(" · ")))
        }
        None => {
            let counts = to_decide(app).map(|d| format!(" {d}")).unwrap_or_default();
            (" thinkbaby · Think Baby groups".to_string(), format!("{demo}{} ", app.initials), counts)
        }
    };
    let room = w.saturating_sub(crate::text::width(&right) + 1);
    let top_line = format!("{} {right}", crate::text::pad(&top, room));
    let bold = t.header().add_modifier(ratatui::style::Modifier::BOLD);
    let lines = vec![Line::styled(fit(&top_line, w), bold), Line::styled(fit(&counts, w), t.header())];
    frame.render_widget(Rows::new(lines).style(t.header()), area);
}

/// "2 to decide (d)": what waits for a person after a merge, and the key to it.
fn to_decide(app: &App) -> Option<String> {
    (!app.pending.is_empty()).then(|| format!("{} to decide (d)", app.pending.len()))
}

/// Rows the status line takes at `width` columns: the message (two rows
/// when it does not fit in one), and a family's alerts under it.
pub fn status_rows(app: &App, width: u16) -> u16 {
    let Some(s) = &app.status else { return 1 };
    (message_lines(&s.text, width as usize).len() + usize::from(s.alert.is_some())) as u16
}

/// A status message at `width` columns: wrapped onto a second row (under
/// the words, past the ✓ or ✗) rather than cut, so a long name does not hide
/// the time a check-in was saved at. Anything past two rows is cut.
fn message_lines(text: &str, width: usize) -> Vec<String> {
    let rows = Rows::wrapped_hanging(vec![Line::raw(format!(" {text}"))], width).lines();
    let mut rows: Vec<String> = rows.iter().map(|l| l.to_string()).collect();
    if rows.len() > 2 {
        let hang: String = rows[1].chars().take_while(|c| *c == ' ').collect();
        let rest = rows.split_off(1).iter().map(|r| r.trim()).collect::<Vec<_>>().join(" ");
        rows.push(fit(&format!("{hang}{rest}"), width));
    }
    rows
}

/// `area` less the status line at its foot: a room drawn there leaves the
/// messages in sight (what was saved, and what was not).
pub fn above_status(app: &App, area: Rect) -> Rect {
    Rect { height: area.height.saturating_sub(status_rows(app, area.width)), ..area }
}

fn tab_bar(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::raw(" ")];
    for (i, s) in Screen::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, s.title());
        if *s == app.screen {
            spans.push(Span::styled(label, app.theme.selected()));
        } else {
            spans.push(Span::raw(label));
        }
    }
    frame.render_widget(Rows::new(vec![Line::from(spans)]), area);
}

fn status_line(app: &App, frame: &mut Frame, area: Rect) {
    let Some(s) = &app.status else { return };
    let style = match s.kind {
        StatusKind::Done => app.theme.ok(),
        StatusKind::Info => Style::new(),
        StatusKind::Error => app.theme.error(),
    };
    let w = area.width as usize;
    let mut lines: Vec<Line> = message_lines(&s.text, w).into_iter().map(|l| Line::styled(l, style)).collect();
    if let Some(alert) = &s.alert {
        lines.push(Line::styled(fit(&format!(" {alert}"), w), app.theme.alert()));
    }
    frame.render_widget(Rows::new(lines), area);
}

fn footer(app: &App, frame: &mut Frame, area: Rect) {
    let hints = keymap::footer(&app.contexts());
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1usize;
    for (keys, label) in hints {
        let piece = keys.chars().count() + label.chars().count() + 3;
        if used + piece > area.width as usize {
            break;
        }
        used += piece;
        spans.push(Span::styled(keys, app.theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(Rows::new(vec![Line::from(spans)]).style(app.theme.dim()), area);
}

/// A centred box of at most `w`×`h` inside `area`, cleared.
pub fn centred(frame: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    frame.render_widget(Clear, r);
    // Text left of the box that is wider than the room before the box (a
    // Chinese character, a word written whole) would be drawn over its border: blank it.
    let buf = frame.buffer_mut();
    for y in r.y..r.y + r.height {
        for x in buf.area.x..r.x {
            if let Some(cell) = buf.cell_mut((x, y))
                && x + cell.cell_width() > r.x
            {
                cell.reset();
            }
        }
    }
    r
}
