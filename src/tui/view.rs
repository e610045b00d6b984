//! Drawing: the frame from the app's state, nothing else. Every stored string
//! passes through `text::clean`/`fit` before it reaches a cell.

use super::action::Screen;
use super::app::App;
use super::keymap;
use super::screens;
use super::state::{Overlay, Phase, StatusKind};
use crate::domain::Concern;
use crate::text::fit;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    app.too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    if app.too_small {
        let msg = format!("Window too small: make it at least {MIN_WIDTH}×{MIN_HEIGHT}.");
        frame
            .render_widget(Paragraph::new(fit(&msg, area.width as usize)), Rect { height: 1.min(area.height), ..area });
        return;
    }
    if let Some(Overlay::Locked(l)) = &app.overlay {
        screens::popup::locked(app, frame, area, l);
        return;
    }
    let status_lines = if app.status.as_ref().is_some_and(|s| s.alert.is_some()) { 2 } else { 1 };
    let [head, tabs, body, status, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_lines),
        Constraint::Length(1),
    ])
    .areas(area);
    header(app, frame, head);
    match app.phase {
        Phase::Welcome => {
            screens::welcome::draw(app, frame, Rect { y: tabs.y, height: tabs.height + body.height, ..body })
        }
        Phase::Picker => {
            screens::picker::draw(app, frame, Rect { y: tabs.y, height: tabs.height + body.height, ..body })
        }
        Phase::Session => {
            tab_bar(app, frame, tabs);
            match app.screen {
                Screen::Roster => screens::roster::draw(app, frame, body),
                Screen::CheckIn => screens::checkin::draw(app, frame, body),
                Screen::Notes => screens::notes::draw(app, frame, body),
                Screen::Family => app.family_scroll = screens::family::draw(app, frame, body),
                Screen::Summary => screens::summary::draw(app, frame, body),
            }
        }
    }
    status_line(app, frame, status);
    footer(app, frame, foot);
    if let Some(overlay) = &app.overlay {
        let body_and_more = Rect { y: tabs.y, height: tabs.height + body.height + status.height, ..body };
        match overlay {
            Overlay::Help { scroll } => screens::help::draw(app, frame, body_and_more, *scroll),
            Overlay::Confirm(c, under) => {
                if let Some(u) = under.as_ref() {
                    draw_overlay(app, frame, body_and_more, u);
                }
                screens::popup::confirm(app, frame, body_and_more, &c.question);
            }
            other => draw_overlay(app, frame, body_and_more, other),
        }
    }
}

fn draw_overlay(app: &App, frame: &mut Frame, area: Rect, overlay: &Overlay) {
    match overlay {
        Overlay::Form(form) => screens::popup::form(app, frame, area, form),
        Overlay::Note(note) => screens::note_form::draw(app, frame, area, note),
        Overlay::RollCall(r) => screens::rollcall::draw(app, frame, area, r),
        _ => {}
    }
}

fn header(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    frame.render_widget(Paragraph::new("").style(t.header()), area);
    let w = area.width as usize;
    let demo = if app.options.demo { "DEMO " } else { "" };
    let (top, right, counts) = match &app.day {
        Some(day) => {
            let venue = if day.group.venue.is_empty() { String::new() } else { format!(" · {}", day.group.venue) };
            let top = format!(" {} · {}{}", day.date.format("%a %-d %b %Y"), day.group.name, venue);
            // In the building now; those who left are counted apart.
            let inside: Vec<_> = day.attendance.values().filter(|a| a.is_in()).collect();
            let left = day.attendance.len() - inside.len();
            let walk_ins = day.attendance.values().filter(|a| a.walk_in).count();
            // A walk-in joins the group's list for next week; today they were not expected.
            let expected = day.expected;
            let came = day.attendance.values().filter(|a| !a.walk_in).count();
            let adults: usize = inside.iter().map(|a| a.carers.len()).sum();
            let babies: usize = inside.iter().map(|a| a.babies.len()).sum();
            let first = day.attendance.keys().filter(|id| app.is_first_visit(**id)).count();
            let concerns = day.notes.values().flatten().filter(|o| o.concern() != Concern::None).count();
            let right = format!(
                "{} · {} · {demo}{} ",
                crate::text::plural(adults, "adult", "adults"),
                crate::text::plural(babies, "baby", "babies"),
                app.initials
            );
            // Most urgent first; counts of nought are left out, so they fit 80 columns.
            let mut parts = vec![format!("Here {}", inside.len())];
            if expected > 0 {
                parts.push(format!("{came} of {expected} expected"));
            }
            if concerns > 0 {
                parts.push(crate::text::plural(concerns, "concern", "concerns"));
            }
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
        None => (" thinkbaby · Think Baby groups".to_string(), format!("{demo}{} ", app.initials), String::new()),
    };
    let room = w.saturating_sub(crate::text::width(&right) + 1);
    let top_line = format!("{} {right}", crate::text::pad(&top, room));
    frame.render_widget(
        Paragraph::new(fit(&top_line, w)).style(t.header().add_modifier(ratatui::style::Modifier::BOLD)),
        Rect { height: 1, ..area },
    );
    frame.render_widget(Paragraph::new(fit(&counts, w)).style(t.header()), Rect { y: area.y + 1, height: 1, ..area });
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
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_line(app: &App, frame: &mut Frame, area: Rect) {
    let Some(s) = &app.status else { return };
    let style = match s.kind {
        StatusKind::Done => app.theme.ok(),
        StatusKind::Info => Style::new(),
        StatusKind::Error => app.theme.error(),
    };
    let w = area.width as usize;
    frame.render_widget(Paragraph::new(fit(&format!(" {}", s.text), w)).style(style), Rect { height: 1, ..area });
    if let Some(alert) = &s.alert
        && area.height > 1
    {
        let line = Rect { y: area.y + 1, height: 1, ..area };
        frame.render_widget(Paragraph::new(fit(&format!(" {alert}"), w)).style(app.theme.alert()), line);
    }
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
    frame.render_widget(Paragraph::new(Line::from(spans)).style(app.theme.dim()), area);
}

/// A centred box of at most `w`×`h` inside `area`, cleared.
pub fn centred(frame: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    frame.render_widget(Clear, r);
    // A wide character (李) whose right half falls under the box's left edge
    // would be drawn half over the border: blank it.
    if r.x > 0 {
        let buf = frame.buffer_mut();
        for y in r.y..r.y + r.height {
            if let Some(cell) = buf.cell_mut((r.x - 1, y))
                && crate::text::width(cell.symbol()) > 1
            {
                cell.set_symbol(" ");
            }
        }
    }
    r
}
