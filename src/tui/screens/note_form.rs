//! The note form: text, tags toggled by their hotkeys, concern, baby, and why (edits).

use crate::domain::Concern;
use crate::text::fit;
use crate::tui::app::App;
use crate::tui::forms::{NoteForm, NotePart};
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(app: &App, frame: &mut Frame, area: Rect, note: &NoteForm) {
    let t = &app.theme;
    let r = centred(frame, area, area.width, area.height);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(&format!(" {} ", note.title), r.width.saturating_sub(4) as usize));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let tag_rows = (app.tags.tags.len() as u16).div_ceil(if inner.width >= 100 { 3 } else { 2 });
    let [msg, text_area, tags_head, tags_area, choices] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(tag_rows.min(inner.height.saturating_sub(6))),
        Constraint::Length(1),
    ])
    .areas(inner);
    let w = inner.width as usize;
    let m = match &note.error {
        Some(e) => Line::styled(fit(&format!("✗ {e}"), w), t.error()),
        None => {
            Line::styled(fit("Tab moves between the parts: text, tags, concern, and more. Ctrl-S saves.", w), t.dim())
        }
    };
    frame.render_widget(Paragraph::new(m), msg);
    let focus_style = |part: NotePart| if note.part == part { t.title() } else { t.dim() };
    // The text box: ratatui-textarea draws and wraps it; shown text is cleaned on save/display.
    let mut text = note.text.clone();
    text.set_block(Block::default().borders(Borders::TOP).title(" Note ").border_style(focus_style(NotePart::Text)));
    text.set_placeholder_style(t.dim());
    if note.part != NotePart::Text {
        text.set_cursor_style(Style::new());
    }
    frame.render_widget(&text, text_area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            if note.part == NotePart::Tags {
                "─ Tags: press a letter to toggle ─"
            } else {
                "─ Tags (Tab to choose) ─"
            },
            focus_style(NotePart::Tags),
        )),
        tags_head,
    );
    let cols = if inner.width >= 100 { 3 } else { 2 };
    let col_w = (inner.width / cols) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let rows = tag_rows as usize;
    for row in 0..rows {
        let mut spans = Vec::new();
        for c in 0..cols as usize {
            if let Some(tag) = app.tags.tags.get(c * rows + row) {
                let on = note.tags.contains(&tag.id);
                let text = format!("{} {} {}", if on { "[✓]" } else { "[ ]" }, tag.hotkey, tag.label);
                let cell = format!("{} ", crate::text::pad(&text, col_w.saturating_sub(1)));
                spans.push(Span::styled(cell, if on { t.ok() } else { Style::new() }));
            }
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), tags_area);
    let concern_style = if note.concern == Concern::Safeguarding { t.alert() } else { focus_style(NotePart::Concern) };
    let mut spans = vec![
        Span::styled("Concern: ", focus_style(NotePart::Concern)),
        Span::styled(
            if note.part == NotePart::Concern { format!("◀ {} ▶", note.concern) } else { note.concern.to_string() },
            concern_style,
        ),
    ];
    if note.babies.len() > 1 {
        spans.push(Span::styled("   Baby: ", focus_style(NotePart::Baby)));
        let b = note.baby_label();
        spans.push(Span::styled(
            if note.part == NotePart::Baby { format!("◀ {b} ▶") } else { b },
            focus_style(NotePart::Baby),
        ));
    }
    if note.concern != Concern::None {
        let f = crate::tui::state::input_text(&note.follow_up);
        spans.push(Span::styled("   Follow-up: ", focus_style(NotePart::FollowUp)));
        spans.push(Span::raw(if note.part == NotePart::FollowUp { format!("{f}▏") } else { f }));
    }
    if note.editing.is_some() {
        let why = crate::tui::state::input_text(&note.why);
        spans.push(Span::styled("   Why changed: ", focus_style(NotePart::Why)));
        spans.push(Span::raw(if note.part == NotePart::Why { format!("{why}▏") } else { why }));
    }
    spans.push(Span::styled(format!("   by {}", app.initials), t.dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), choices);
}
