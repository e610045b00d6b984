//! Notes (3): the focused family's observations, today's first.

use crate::domain::{Concern, Observation};
use crate::text::{clean, fit};
use crate::tui::app::App;
use crate::tui::rows::Rows;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn concern_mark(c: Concern) -> &'static str {
    match c {
        Concern::None => "",
        Concern::FollowUp => "follow up",
        Concern::Safeguarding => "! SAFEGUARDING",
    }
}

pub fn note_lines<'a>(app: &App, o: &Observation, selected: bool, revisions: bool, w: usize) -> Vec<Line<'a>> {
    let t = &app.theme;
    let r = o.current();
    let when = app.clock.local(o.at).format("%a %-d %b %H:%M");
    let tags: Vec<&str> = r.tags.iter().map(|id| app.tags.label(id)).collect();
    let baby = r
        .baby
        .and_then(|b| app.families.get(&o.family).and_then(|f| f.baby(b).map(|b| format!(" · about {}", b.name))))
        .unwrap_or_default();
    let edited =
        if o.revisions.len() > 1 { format!(" · edited ({} versions)", o.revisions.len()) } else { String::new() };
    let head = format!("{} {when} · {}{baby}{edited}", if selected { "▶" } else { " " }, clean(&o.author));
    let mut lines = vec![Line::from(vec![
        Span::styled(fit(&head, w.saturating_sub(18)), if selected { t.selected() } else { t.title() }),
        Span::raw(" "),
        // Edited on two laptops: the higher concern of the latest versions.
        Span::styled(concern_mark(o.concern()), t.alert()),
    ])];
    if o.is_conflicted() && o.is_live() {
        // The higher concern is in the mark above until then.
        lines.push(Line::styled(fit("   Edited on two laptops: d decides which version stays", w), t.warn()));
    }
    if !tags.is_empty() {
        lines.push(Line::styled(fit(&format!("   [{}]", tags.join("] [")), w), t.warn()));
    }
    lines.extend(concern_lines(app, o, w));
    // Wrapped here, so that every line of a long note keeps the indent.
    let room = w.saturating_sub(4).max(10);
    for l in r.text.lines() {
        for piece in textwrap::wrap(&clean(l), room) {
            lines.push(Line::raw(format!("   {piece}")));
        }
    }
    if revisions && o.revisions.len() > 1 {
        for (i, old) in o.revisions.iter().enumerate().rev().skip(1) {
            let at = app.clock.local(old.at).format("%-d %b %H:%M");
            let why = if old.why.is_empty() { String::new() } else { format!(" ({})", clean(&old.why)) };
            lines.push(Line::styled(format!("   version {} by {} at {at}{why}:", i + 1, clean(&old.by)), t.dim()));
            for l in old.text.lines() {
                lines.push(Line::styled(format!("     {}", clean(l)), t.dim()));
            }
        }
        let last = o.current();
        if !last.why.is_empty() {
            lines.push(Line::styled(format!("   latest change: {}", clean(&last.why)), t.dim()));
        }
    }
    lines.push(Line::raw(""));
    lines
}

/// What will be done about a concern, and whether it is still open.
fn concern_lines<'a>(app: &App, o: &Observation, w: usize) -> Vec<Line<'a>> {
    let t = &app.theme;
    let r = o.current();
    if o.concern() == Concern::None {
        return vec![];
    }
    let mut lines = Vec::new();
    if !r.follow_up.trim().is_empty() {
        let follow_up = clean(&crate::text::one_line(&r.follow_up));
        let wrap = textwrap::Options::new(w.max(20)).initial_indent("   Follow-up: ").subsequent_indent("     ");
        for piece in textwrap::wrap(&follow_up, wrap) {
            lines.push(Line::styled(piece.into_owned(), t.warn()));
        }
    }
    match (o.open_concern(), o.resolutions.last()) {
        (Some(_), _) => lines.push(Line::styled("   ! Open: r marks it resolved", t.alert())),
        (None, Some(x)) => {
            let when = app.clock.local(x.at).format("%d/%m/%Y %H:%M");
            lines.push(Line::styled(format!("   Resolved by {} on {when}", clean(&x.by)), t.dim()));
        }
        (None, None) => {}
    }
    lines
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let Some(f) = app.focus.and_then(|id| app.families.get(&id)) else {
        frame.render_widget(Rows::new(vec![Line::raw(" Choose a family on the roster (1) first.")]), area);
        return;
    };
    let notes = app.notes_of(f.id);
    let mut lines = vec![Line::styled(fit(&format!(" Notes · {}", app.who(&f)), w), app.theme.title()), Line::raw("")];
    if notes.is_empty() {
        lines.push(Line::raw(" No notes yet. Press n to write one."));
    }
    let selected = app.notes.cursor.selected.min(notes.len().saturating_sub(1));
    // Scroll so the highlighted note is in view: skip notes above it that do not fit.
    let mut blocks: Vec<Vec<Line>> = notes
        .iter()
        .enumerate()
        .map(|(i, o)| note_lines(app, o, i == selected, app.notes.show_revisions && i == selected, w))
        .collect();
    let room = area.height.saturating_sub(2) as usize;
    let mut first = 0;
    while first < selected && blocks[first..=selected].iter().map(Vec::len).sum::<usize>() > room {
        first += 1;
    }
    for b in blocks.drain(first..) {
        lines.extend(b);
    }
    frame.render_widget(Rows::wrapped(lines, w), area);
}
