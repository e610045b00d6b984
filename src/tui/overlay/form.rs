//! A form of fields: the facilitator's initials, a walk-in, a family's details,
//! a group. What saving means is the flow's (`tui::flows`); the form keeps the
//! typing, moves between fields, and asks before letting changes go.

use super::fields::{Field, FieldError, FieldId, FieldKind};
use super::{Env, Job, Layer, Outcome, Overlay, Question};
use crate::text::{fit, pad, width};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::state::input_text;
use crate::tui::view::centred;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Initials,
    WalkIn,
    EditFamily(Uuid),
    /// A new group (None) or an existing one.
    Group(Option<Uuid>),
}

#[derive(Debug)]
pub struct Form {
    pub purpose: Purpose,
    pub title: String,
    pub intro: String,
    /// Lines shown above the fields: families that may be the one being added.
    pub notice: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last save did not go through; the typed text stays.
    pub error: Option<String>,
    /// What a button does to the form (the family form adds and takes away carers and babies).
    pub press: Option<fn(&mut Form, FieldId)>,
    /// Carers or babies were added or taken away since it opened.
    pub reshaped: bool,
}

impl Form {
    pub fn new(purpose: Purpose, title: impl Into<String>, intro: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            purpose,
            title: title.into(),
            intro: intro.into(),
            notice: vec![],
            fields,
            focus: 0,
            error: None,
            press: None,
            reshaped: false,
        }
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The trimmed text of a field, or a choice's option; empty if there is no such field.
    pub fn value(&self, id: FieldId) -> String {
        self.field(id).map(Field::value).unwrap_or_default()
    }

    /// A choice's option number.
    pub fn index(&self, id: FieldId) -> usize {
        self.field(id).map(Field::index).unwrap_or(0)
    }

    pub fn has(&self, id: FieldId) -> bool {
        self.field(id).is_some()
    }

    pub fn focus_on(&mut self, id: FieldId) {
        if let Some(i) = self.fields.iter().position(|f| f.id == id) {
            self.focus = i;
        }
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn next(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    /// A save that did not go through: say why, and put the cursor on the field to fix.
    pub fn fail(&mut self, e: FieldError) {
        if let Some(id) = e.field {
            self.focus_on(id);
        }
        self.error = Some(e.message);
    }

    /// What closing now would lose, in words; None when nothing changed.
    pub fn losses(&self) -> Option<String> {
        let mut labels: Vec<String> = self.fields.iter().filter(|f| f.changed()).map(|f| f.label.clone()).collect();
        if self.reshaped {
            labels.push("the carers or babies added or taken away".into());
        }
        (!labels.is_empty()).then(|| crate::text::and_list(&labels))
    }

    /// A key for the focused field.
    fn key(&mut self, ev: KeyEvent) -> Outcome {
        let last = self.focus + 1 == self.fields.len();
        let Some(field) = self.fields.get_mut(self.focus) else { return Outcome::Stay };
        let enter = ev.code == KeyCode::Enter;
        if enter
            && let Some(check) = field.check
            && let Err(why) = check(&field.value())
        {
            self.error = Some(format!("{}: {why}", field.label));
            return Outcome::Stay;
        }
        match (&mut field.kind, ev.code) {
            (FieldKind::Button, KeyCode::Enter | KeyCode::Char(' ')) => {
                let id = field.id;
                if let Some(press) = self.press {
                    press(self, id);
                    self.reshaped = true;
                    self.error = None;
                }
            }
            (_, KeyCode::Enter) if last => return Outcome::Do(Job::Save),
            (_, KeyCode::Enter) => {
                self.error = None;
                self.next();
            }
            (FieldKind::Choice { options, index }, KeyCode::Char(c))
                if !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                // Typing the first letter of an option picks it; again, the next
                // with that letter (t: Tuesday, then Thursday).
                let n = options.len();
                let starts = |o: &String| o.to_lowercase().starts_with(c.to_ascii_lowercase());
                if let Some(i) = (1..=n).map(|k| (*index + k) % n).find(|i| starts(&options[*i])) {
                    *index = i;
                }
            }
            (FieldKind::Text(t), _) => {
                t.input(ev);
            }
            _ => {}
        }
        Outcome::Stay
    }
}

impl Layer for Form {
    fn contexts(&self) -> Vec<Ctx> {
        match self.focused() {
            _ if self.purpose == Purpose::Initials => vec![Ctx::Initials],
            Some(f) if f.is_choice() => vec![Ctx::Choice, Ctx::Form],
            _ => vec![Ctx::Form],
        }
    }

    fn typing(&self) -> bool {
        true
    }

    fn unsaved(&self) -> Option<String> {
        if self.purpose == Purpose::Initials { None } else { self.losses().map(|l| format!("what you typed in {l}")) }
    }

    fn handle(&mut self, action: Action, _: &mut Env) -> Outcome {
        match action {
            Action::Back if self.purpose == Purpose::Initials => {
                // Initials are needed for check-ins; keep asking, but allow quitting.
                self.error = Some("Type your initials and press Enter (Ctrl-C quits).".into());
            }
            Action::Back => match self.losses() {
                Some(lost) => {
                    let q = format!("Close and lose what you typed in {lost}?");
                    return Outcome::Open(Overlay::Question(Question::new(q, Job::Discard)));
                }
                None => return Outcome::Close,
            },
            Action::NextField => self.next(),
            Action::PrevField => self.prev(),
            Action::Save => return Outcome::Do(Job::Save),
            Action::Left | Action::Right => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.turn(if action == Action::Left { -1 } else { 1 });
                }
            }
            Action::Input(ev) => return self.key(ev),
            _ => {}
        }
        Outcome::Stay
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, _: &mut Facts) {
        let t = &app.theme;
        let h = (self.fields.len() + self.notice.len() + 7).min(area.height as usize) as u16;
        let r = centred(frame, area, 72, h);
        let inner_w = r.width.saturating_sub(2) as usize;
        let label_w = self.fields.iter().map(|f| width(&f.label)).max().unwrap_or(10).min(24);
        let mut lines = vec![Line::styled(fit(&format!(" {}", self.intro), inner_w), t.dim())];
        for n in &self.notice {
            lines.push(Line::styled(fit(&format!(" {n}"), inner_w), t.warn()));
        }
        // The error is never cut, since it says what to do: it wraps.
        let error = match &self.error {
            Some(e) => Rows::wrapped(vec![Line::styled(format!(" ✗ {e}"), t.error())], inner_w).height(),
            None => 1,
        };
        // Scroll so the focused field is in view in a tall form on a short screen.
        let room = (r.height as usize).saturating_sub(2 + lines.len() + error);
        let first = self.focus.saturating_sub(room.saturating_sub(1));
        let mut rows = Vec::new();
        for (i, f) in self.fields.iter().enumerate().skip(first).take(room) {
            rows.push(field_line(app, f, i == self.focus, label_w, inner_w));
        }
        let keys = if self.purpose == Purpose::Initials { "Enter saves" } else { "Ctrl-S saves · Esc cancels" };
        let title = fit(&format!(" {} · {keys} ", self.title), r.width.saturating_sub(2) as usize);
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(r);
        frame.render_widget(block, r);
        match &self.error {
            Some(e) => lines.extend(Rows::wrapped(vec![Line::styled(format!(" ✗ {e}"), t.error())], inner_w).lines()),
            None => lines.push(Line::raw("")),
        }
        lines.extend(rows);
        frame.render_widget(Rows::new(lines), inner);
    }
}

/// One field's row: marker, label, value (with the caret when focused) and placeholder.
fn field_line(app: &App, f: &Field, focused: bool, label_w: usize, inner_w: usize) -> Line<'static> {
    let t = &app.theme;
    let marker = if focused { "▶" } else { " " };
    let req = if f.required { "*" } else { " " };
    let (value, placeholder) = match &f.kind {
        FieldKind::Text(area) => {
            let v = input_text(area);
            let shown = if focused {
                let (before, after) = f.split_at_cursor();
                format!("{before}▏{after}")
            } else {
                v.clone()
            };
            (shown, if v.is_empty() { area.placeholder_text().to_string() } else { String::new() })
        }
        FieldKind::Choice { options, index } => {
            let v = options.get(*index).cloned().unwrap_or_default();
            (if focused { format!("◀ {v} ▶") } else { v }, String::new())
        }
        FieldKind::Button => {
            let label = format!("[ {} ]", f.label);
            let style = if focused { t.selected() } else { t.dim() };
            return Line::from(vec![
                Span::raw(format!("{marker}{} ", pad("", label_w + 1))),
                Span::styled(label, style),
            ]);
        }
    };
    let label = format!("{marker}{}{req} ", pad(&f.label, label_w));
    let room_v = inner_w.saturating_sub(width(&label));
    let mut spans = vec![Span::styled(label, if focused { t.title() } else { t.dim() })];
    spans.push(Span::styled(fit(&value, room_v), if focused { t.selected() } else { Style::new() }));
    if !placeholder.is_empty() {
        spans.push(Span::styled(fit(&format!(" {placeholder}"), room_v.saturating_sub(width(&value))), t.dim()));
    }
    Line::from(spans)
}
