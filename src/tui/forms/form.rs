use crate::tui::state::{input_text, line_input};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;
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
pub enum FieldKind {
    Text(Box<TextArea<'static>>),
    /// One of a few options, changed with ←/→ or Space.
    Choice {
        options: Vec<String>,
        index: usize,
    },
}

/// Checks a field's text; the error says what to write instead.
pub type Check = fn(&str) -> Result<(), String>;

#[derive(Debug)]
pub struct Field {
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Checked when Enter leaves the field, so a mistake is caught where it was made.
    pub check: Option<Check>,
}

impl Field {
    pub fn text(label: impl Into<String>, value: &str, placeholder: &str, required: bool) -> Field {
        let mut area = line_input(placeholder);
        area.insert_str(value);
        Field { label: label.into(), kind: FieldKind::Text(Box::new(area)), required, check: None }
    }

    /// A date field (`dd/mm/yyyy`), checked on Enter; may be left empty unless required.
    pub fn date(label: impl Into<String>, value: &str, placeholder: &str, required: bool) -> Field {
        let mut f = Field::text(label, value, placeholder, required);
        f.check = Some(|v: &str| if v.trim().is_empty() { Ok(()) } else { crate::clock::parse_date(v).map(|_| ()) });
        f
    }

    /// The text before and after the cursor, for drawing the caret where it is.
    pub fn split_at_cursor(&self) -> (String, String) {
        match &self.kind {
            FieldKind::Text(t) => {
                let line = t.lines().first().cloned().unwrap_or_default();
                let col = t.cursor().1;
                let cut = line.char_indices().nth(col).map(|(i, _)| i).unwrap_or(line.len());
                (line[..cut].to_string(), line[cut..].to_string())
            }
            FieldKind::Choice { .. } => (self.value(), String::new()),
        }
    }

    pub fn choice(label: impl Into<String>, options: Vec<String>, index: usize) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        Field { label: label.into(), kind: FieldKind::Choice { options, index }, required: false, check: None }
    }

    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Text(t) => input_text(t).trim().to_string(),
            FieldKind::Choice { options, index } => options.get(*index).cloned().unwrap_or_default(),
        }
    }

    pub fn index(&self) -> usize {
        match &self.kind {
            FieldKind::Text(_) => 0,
            FieldKind::Choice { index, .. } => *index,
        }
    }
}

#[derive(Debug)]
pub struct Form {
    pub title: String,
    pub intro: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last save did not go through; the typed text stays.
    pub error: Option<String>,
    pub purpose: Purpose,
}

/// What a key did to the form.
#[derive(Debug, PartialEq, Eq)]
pub enum FormKey {
    Handled,
    /// Enter on the last field: save.
    Submit,
}

impl Form {
    pub fn new(purpose: Purpose, title: impl Into<String>, intro: impl Into<String>, fields: Vec<Field>) -> Form {
        Form { title: title.into(), intro: intro.into(), fields, focus: 0, error: None, purpose }
    }

    pub fn value(&self, label: &str) -> String {
        self.fields.iter().find(|f| f.label == label).map(Field::value).unwrap_or_default()
    }

    pub fn index(&self, label: &str) -> usize {
        self.fields.iter().find(|f| f.label == label).map(Field::index).unwrap_or(0)
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

    /// Anything typed that would be lost by closing.
    pub fn has_typing(&self) -> bool {
        self.fields.iter().any(|f| matches!(&f.kind, FieldKind::Text(t) if !input_text(t).trim().is_empty()))
    }

    pub fn key(&mut self, ev: KeyEvent) -> FormKey {
        let last = self.focus + 1 == self.fields.len();
        let Some(field) = self.fields.get_mut(self.focus) else { return FormKey::Handled };
        if ev.code == KeyCode::Enter
            && let Some(check) = field.check
            && let Err(why) = check(&field.value())
        {
            self.error = Some(format!("{}: {why}", field.label));
            return FormKey::Handled;
        }
        match (&mut field.kind, ev.code) {
            (_, KeyCode::Enter) if last => return FormKey::Submit,
            (_, KeyCode::Enter) => {
                self.error = None;
                self.next()
            }
            (FieldKind::Choice { options, index }, KeyCode::Right | KeyCode::Char(' ')) => {
                *index = (*index + 1) % options.len().max(1);
            }
            (FieldKind::Choice { options, index }, KeyCode::Left) => {
                *index = (*index + options.len().max(1) - 1) % options.len().max(1);
            }
            (FieldKind::Choice { options, index }, KeyCode::Char(c)) => {
                // Typing the first letter of an option picks it.
                if let Some(i) = options.iter().position(|o| o.to_lowercase().starts_with(c.to_ascii_lowercase())) {
                    *index = i;
                }
            }
            (FieldKind::Text(t), _) => {
                t.input(ev);
            }
            _ => {}
        }
        FormKey::Handled
    }
}
