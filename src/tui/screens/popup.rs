//! Questions and field forms, drawn over the screen.

use crate::text::{fit, width};
use crate::tui::app::App;
use crate::tui::forms::{FieldKind, Form};
use crate::tui::state::input_text;
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn confirm(app: &App, frame: &mut Frame, area: Rect, question: &str) {
    let w = (width(question) as u16 + 6).min(area.width);
    let r = centred(frame, area, w.max(30), 5);
    let block = Block::default().borders(Borders::ALL).title(" Are you sure? ");
    let lines = vec![
        Line::raw(""),
        Line::styled(format!(" {}", fit(question, r.width.saturating_sub(4) as usize)), app.theme.title()),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

pub fn form(app: &App, frame: &mut Frame, area: Rect, form: &Form) {
    let t = &app.theme;
    let h = (form.fields.len() as u16 + 7).min(area.height);
    let r = centred(frame, area, 72, h);
    let inner_w = r.width.saturating_sub(2) as usize;
    let label_w = form.fields.iter().map(|f| width(&f.label)).max().unwrap_or(10).min(24);
    let mut lines = vec![Line::styled(fit(&format!(" {}", form.intro), inner_w), t.dim())];
    // The error may take two lines; it is never cut, since it says what to do.
    match &form.error {
        Some(e) => lines.push(Line::styled(crate::text::clean(&format!(" ✗ {e}")), t.error())),
        None => lines.push(Line::raw("")),
    }
    // Scroll so the focused field is visible in a tall form on a short screen.
    let room = r.height.saturating_sub(4) as usize;
    let first = form.focus.saturating_sub(room.saturating_sub(1));
    for (i, f) in form.fields.iter().enumerate().skip(first).take(room) {
        let focused = i == form.focus;
        let marker = if focused { "▶" } else { " " };
        let req = if f.required { "*" } else { " " };
        let value = match &f.kind {
            FieldKind::Text(area) => {
                let v = input_text(area);
                if focused {
                    let (before, after) = f.split_at_cursor();
                    format!("{before}▏{after}")
                } else {
                    v
                }
            }
            FieldKind::Choice { options, index } => {
                let v = options.get(*index).cloned().unwrap_or_default();
                if focused { format!("◀ {v} ▶") } else { v }
            }
        };
        let placeholder = match &f.kind {
            FieldKind::Text(a) if input_text(a).is_empty() => a.placeholder_text().to_string(),
            _ => String::new(),
        };
        let label = format!("{marker}{}{req} ", crate::text::pad(&f.label, label_w));
        let room_v = inner_w.saturating_sub(width(&label));
        let mut spans = vec![Span::styled(label, if focused { t.title() } else { t.dim() })];
        spans
            .push(Span::styled(fit(&value, room_v), if focused { t.selected() } else { ratatui::style::Style::new() }));
        if !placeholder.is_empty() {
            spans.push(Span::styled(fit(&format!(" {placeholder}"), room_v.saturating_sub(width(&value))), t.dim()));
        }
        lines.push(Line::from(spans));
    }
    let keys = if form.purpose == crate::tui::forms::Purpose::Initials {
        "Enter saves"
    } else {
        "Ctrl-S saves · Esc cancels"
    };
    let title = fit(&format!(" {} · {keys} ", form.title), r.width.saturating_sub(2) as usize);
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), r);
}

/// The lock screen: no name, no count, nothing but the box.
pub fn locked(app: &App, frame: &mut Frame, area: Rect, l: &crate::tui::state::Locked) {
    let t = &app.theme;
    let r = centred(frame, area, 60, 9);
    let dots = "•".repeat(input_text(&l.input).chars().count());
    let hint = if app.store.is_encrypted() && !app.options.demo {
        "Type the store's passphrase and press Enter."
    } else {
        "Demo: press Enter to unlock."
    };
    let mut lines = vec![Line::raw(hint), Line::raw(""), Line::styled(format!("> {dots}▏"), t.title()), Line::raw("")];
    if let Some(m) = &l.message {
        lines.push(Line::styled(m.clone(), t.error()));
    }
    let block = Block::default().borders(Borders::ALL).title(" thinkbaby is locked ");
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), r);
}
