//! The note form: text, tags ticked by their letters, concern level and what
//! will be done about it, which baby (twins), and why (edits). Saving is the
//! note flow's (`tui::flows::note`).

use super::{Env, Job, Layer, Outcome, Overlay, Question};
use crate::domain::{Concern, Observation, tags::TagList};
use crate::text::fit;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::state::{input_text, line_input};
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use ratatui_textarea::{TextArea, WrapMode};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePart {
    Text,
    Tags,
    Concern,
    Baby,
    /// What will be done about a concern (only with a concern).
    FollowUp,
    /// Why a saved note was changed (edits only).
    Why,
}

#[derive(Debug)]
pub struct NoteForm {
    pub family: Uuid,
    /// The observation being edited; None for a new note.
    pub editing: Option<Uuid>,
    pub title: String,
    pub text: TextArea<'static>,
    pub tags: Vec<String>,
    /// The tag last moved to or ticked: the tag list scrolls to keep it in view.
    pub tag_at: usize,
    pub concern: Concern,
    pub baby: Option<Uuid>,
    /// The family's babies, for twins: (id, name).
    pub babies: Vec<(Uuid, String)>,
    pub why: TextArea<'static>,
    pub follow_up: TextArea<'static>,
    pub part: NotePart,
    pub error: Option<String>,
    original: (String, Vec<String>, Concern, Option<Uuid>, String),
}

impl NoteForm {
    pub fn new(family: Uuid, title: String, babies: Vec<(Uuid, String)>, existing: Option<&Observation>) -> NoteForm {
        let mut text = TextArea::default();
        text.set_wrap_mode(WrapMode::WordOrGlyph);
        text.set_placeholder_text("What did you see? (Tab: tags, concern, baby)");
        text.set_cursor_line_style(Style::default());
        let mut follow_up = line_input("what will be done, by whom");
        let (tags, concern, baby) = match existing {
            Some(o) => {
                let r = o.current();
                text.insert_str(crate::text::clean_multiline(&r.text));
                follow_up.insert_str(crate::text::clean(&r.follow_up));
                (r.tags.clone(), r.concern, r.baby)
            }
            // One baby: the note is about that baby.
            None => (vec![], Concern::None, if babies.len() == 1 { Some(babies[0].0) } else { None }),
        };
        let original = (input_text(&text), tags.clone(), concern, baby, input_text(&follow_up));
        NoteForm {
            family,
            editing: existing.map(|o| o.id),
            title,
            text,
            tags,
            tag_at: 0,
            concern,
            baby,
            babies,
            why: line_input("why it changed, e.g. added detail"),
            follow_up,
            part: NotePart::Text,
            error: None,
            original,
        }
    }

    pub fn parts(&self) -> Vec<NotePart> {
        let mut p = vec![NotePart::Text, NotePart::Tags, NotePart::Concern];
        if self.concern != Concern::None {
            p.push(NotePart::FollowUp);
        }
        if self.babies.len() > 1 {
            p.push(NotePart::Baby);
        }
        if self.editing.is_some() {
            p.push(NotePart::Why);
        }
        p
    }

    pub fn next(&mut self, by: isize) {
        let parts = self.parts();
        let at = parts.iter().position(|p| *p == self.part).unwrap_or(0) as isize;
        let n = parts.len() as isize;
        self.part = parts[((at + by).rem_euclid(n)) as usize];
    }

    pub fn body(&self) -> String {
        input_text(&self.text).trim_end().to_string()
    }

    /// What has changed since it opened, in words; empty when nothing has.
    pub fn changes(&self) -> Vec<&'static str> {
        let (text, tags, concern, baby, follow_up) = &self.original;
        let mut out = Vec::new();
        if self.body() != text.trim_end() {
            out.push("text");
        }
        if &self.tags != tags {
            out.push("tags");
        }
        if self.concern != *concern || input_text(&self.follow_up) != *follow_up {
            out.push("concern");
        }
        if self.baby != *baby {
            out.push("baby");
        }
        out
    }

    pub fn changed(&self) -> bool {
        !self.changes().is_empty()
    }

    pub fn toggle_tag(&mut self, id: &str) {
        match self.tags.iter().position(|t| t == id) {
            Some(i) => {
                self.tags.remove(i);
            }
            None => self.tags.push(id.to_string()),
        }
    }

    pub fn baby_label(&self) -> String {
        match self.baby.and_then(|id| self.babies.iter().find(|(b, _)| *b == id)) {
            Some((_, name)) => name.clone(),
            None => "whole family".into(),
        }
    }

    /// The next (or previous) concern level, or baby, for ←/→.
    fn turn(&mut self, by: isize) {
        match self.part {
            NotePart::Concern => {
                let all = Concern::ALL;
                let at = all.iter().position(|c| *c == self.concern).unwrap_or(0) as isize;
                self.concern = all[(at + by).rem_euclid(all.len() as isize) as usize];
            }
            NotePart::Baby => {
                let mut options: Vec<Option<Uuid>> = vec![None];
                options.extend(self.babies.iter().map(|(id, _)| Some(*id)));
                let at = options.iter().position(|b| *b == self.baby).unwrap_or(0) as isize;
                self.baby = options[(at + by).rem_euclid(options.len() as isize) as usize];
            }
            _ => {}
        }
    }

    /// A key the key map left to the focused part: text, or a tag's letter.
    pub fn key(&mut self, ev: KeyEvent, tags: &TagList) {
        let plain = !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match self.part {
            NotePart::Text => {
                self.text.input(ev);
            }
            NotePart::Why if ev.code != KeyCode::Enter => {
                self.why.input(ev);
            }
            NotePart::FollowUp if ev.code != KeyCode::Enter => {
                self.follow_up.input(ev);
            }
            NotePart::Tags => {
                if let (KeyCode::Char(c), true) = (ev.code, plain)
                    && let Some(at) = tags.tags.iter().position(|t| Some(t) == tags.by_hotkey(c))
                {
                    let id = tags.tags[at].id.clone();
                    self.toggle_tag(&id);
                    // Ticked by its letter: scrolled into view, even below the window's edge.
                    self.tag_at = at;
                }
            }
            _ => {}
        }
    }
}

impl Layer for NoteForm {
    fn contexts(&self) -> Vec<Ctx> {
        match self.part {
            NotePart::Concern => vec![Ctx::NoteConcern, Ctx::NoteForm],
            NotePart::Tags => vec![Ctx::NoteTags, Ctx::NoteForm],
            NotePart::Baby => vec![Ctx::Choice, Ctx::NoteForm],
            _ => vec![Ctx::NoteForm],
        }
    }

    fn typing(&self) -> bool {
        matches!(self.part, NotePart::Text | NotePart::Tags | NotePart::FollowUp | NotePart::Why)
    }

    fn unsaved(&self) -> Option<String> {
        self.changed().then(|| "the note you are writing".to_string())
    }

    fn handle(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Back if self.changed() => {
                let what = self.changes();
                let verb = if what == ["tags"] || what.len() > 1 { "have" } else { "has" };
                let q = format!("Discard this note? Its {} {verb} not been saved.", crate::text::and_list(&what));
                return Outcome::Open(Overlay::Question(Question::new(q, Job::Discard)));
            }
            Action::Back => return Outcome::Close,
            Action::NextField => self.next(1),
            Action::PrevField => self.next(-1),
            Action::Save => return Outcome::Do(Job::Save),
            Action::SetConcern(c) => self.concern = c,
            Action::Left => self.turn(-1),
            Action::Right => self.turn(1),
            Action::Down | Action::Up => {
                let n = env.tags.tags.len().max(1);
                let by = if action == Action::Down { 1 } else { n - 1 };
                self.tag_at = (self.tag_at + by) % n;
            }
            Action::Mark => {
                if let Some(tag) = env.tags.tags.get(self.tag_at) {
                    let id = tag.id.clone();
                    self.toggle_tag(&id);
                }
            }
            Action::Input(ev) => self.key(ev, env.tags),
            _ => {}
        }
        Outcome::Stay
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, _: &mut Facts) {
        draw(self, app, frame, area);
    }
}

fn draw(note: &NoteForm, app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let r = centred(frame, area, area.width, area.height);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(&format!(" {} ", note.title), r.width.saturating_sub(4) as usize));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let cols: usize = if inner.width >= 100 { 3 } else { 2 };
    let tag_rows = app.tags.tags.len().div_ceil(cols) as u16;
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
    frame.render_widget(Rows::new(vec![m]), msg);
    let focus_style = |part: NotePart| if note.part == part { t.title() } else { t.dim() };
    // The text box: ratatui-textarea draws and wraps it; shown text is cleaned on save/display.
    let mut text = note.text.clone();
    text.set_block(Block::default().borders(Borders::TOP).title(" Note ").border_style(focus_style(NotePart::Text)));
    text.set_placeholder_style(t.dim());
    if note.part != NotePart::Text {
        text.set_cursor_style(Style::new());
    }
    frame.render_widget(&text, text_area);
    let rows = tag_rows as usize;
    let shown = tags_area.height as usize;
    // The tag list scrolls so that the tag last moved to or ticked is in view.
    let first = (note.tag_at % rows.max(1)).saturating_sub(shown.saturating_sub(1));
    let more = if rows > shown { format!(" ({}-{} of {rows} rows)", first + 1, first + shown) } else { String::new() };
    let head = if note.part == NotePart::Tags {
        format!("─ Tags: press a letter to toggle{more} ─")
    } else {
        format!("─ Tags (Tab to choose){more} ─")
    };
    frame.render_widget(Rows::new(vec![Line::styled(fit(&head, w), focus_style(NotePart::Tags))]), tags_head);
    let col_w = w / cols;
    let mut lines: Vec<Line> = Vec::new();
    for row in first..(first + shown).min(rows) {
        let mut spans = Vec::new();
        for c in 0..cols {
            let at = c * rows + row;
            if let Some(tag) = app.tags.tags.get(at) {
                let on = note.tags.contains(&tag.id);
                let text = format!("{} {} {}", if on { "[✓]" } else { "[ ]" }, tag.hotkey, tag.label);
                let cell = format!("{} ", crate::text::pad(&text, col_w.saturating_sub(1)));
                let here = note.part == NotePart::Tags && at == note.tag_at;
                let style = if here {
                    t.selected()
                } else if on {
                    t.ok()
                } else {
                    Style::new()
                };
                spans.push(Span::styled(cell, style));
            }
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Rows::new(lines), tags_area);
    frame.render_widget(Rows::new(vec![choices_line(note, app)]), choices);
}

/// Concern, baby, follow-up, why and author, on the last line.
fn choices_line(note: &NoteForm, app: &App) -> Line<'static> {
    let t = &app.theme;
    let focus_style = |part: NotePart| if note.part == part { t.title() } else { t.dim() };
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
        let b = crate::text::clean(&note.baby_label());
        spans.push(Span::styled(
            if note.part == NotePart::Baby { format!("◀ {b} ▶") } else { b },
            focus_style(NotePart::Baby),
        ));
    }
    if note.concern != Concern::None {
        let f = crate::text::clean(&input_text(&note.follow_up));
        spans.push(Span::styled("   Follow-up: ", focus_style(NotePart::FollowUp)));
        spans.push(Span::raw(if note.part == NotePart::FollowUp { format!("{f}▏") } else { f }));
    }
    if note.editing.is_some() {
        let why = crate::text::clean(&input_text(&note.why));
        spans.push(Span::styled("   Why changed: ", focus_style(NotePart::Why)));
        spans.push(Span::raw(if note.part == NotePart::Why { format!("{why}▏") } else { why }));
    }
    spans.push(Span::styled(format!("   by {}", app.initials), t.dim()));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn tab_reaches_follow_up_and_why() {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let rev = crate::domain::Revision {
            id: Uuid::nil(),
            parents: vec![],
            tags: vec![],
            text: "first".into(),
            concern: Concern::None,
            follow_up: String::new(),
            baby: None,
            by: "AB".into(),
            at,
            why: String::new(),
        };
        let o = Observation {
            id: Uuid::nil(),
            family: Uuid::nil(),
            session: Uuid::nil(),
            author: "AB".into(),
            at,
            revisions: vec![rev],
            deleted: None,
            resolutions: vec![],
            erased: None,
            stamp: crate::domain::Stamp::new(at, Uuid::nil()),
        };
        let tags = TagList::built_in();
        let mut marks = std::collections::HashSet::new();
        let facts = Facts::first();
        let mut env = Env { now: at, tags: &tags, facts: &facts, marks: &mut marks };
        let mut n = NoteForm::new(Uuid::nil(), "t".into(), vec![(Uuid::nil(), "Ava".into())], Some(&o));
        assert_eq!(n.parts(), [NotePart::Text, NotePart::Tags, NotePart::Concern, NotePart::Why]);
        n.next(1);
        n.next(1);
        assert_eq!(n.part, NotePart::Concern);
        n.handle(Action::Right, &mut env);
        assert_eq!(n.concern, Concern::FollowUp);
        n.next(1);
        assert_eq!(n.part, NotePart::FollowUp);
        n.key(key(KeyCode::Char('x')), &tags);
        assert_eq!(input_text(&n.follow_up), "x");
        n.next(1);
        assert_eq!(n.part, NotePart::Why);
        n.next(1);
        assert_eq!(n.part, NotePart::Text);
    }
}
