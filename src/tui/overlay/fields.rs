//! A form's fields, each named by a [`FieldId`] (never by its label's text), and
//! the error a save returns: which field, and what to do.

use crate::tui::state::{input_text, line_input};
use ratatui_textarea::TextArea;

/// Every field a form can have. Carers and babies are numbered from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    Initials,
    CarerName(usize),
    CarerPhone(usize),
    CarerRelationship(usize),
    BabyName(usize),
    BabyBorn(usize),
    BabyDue(usize),
    Postcode,
    HomeLanguage,
    Interpreter,
    HvLevel,
    NeedLevel,
    Eha,
    Photos,
    DataSharing,
    Alerts,
    GroupName,
    Venue,
    Neighbourhood,
    Day,
    Starts,
    Ends,
    /// Buttons: they add or take away a carer's or a baby's fields.
    AddCarer,
    AddBaby,
    RemoveCarer(usize),
    RemoveBaby(usize),
}

/// Why a save did not go through: the field to fix (None: the form as a whole)
/// and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Option<FieldId>,
    pub message: String,
}

impl FieldError {
    pub fn at(field: FieldId, message: impl Into<String>) -> FieldError {
        FieldError { field: Some(field), message: message.into() }
    }

    /// An error about the form as a whole (the store refused, say).
    pub fn whole(message: impl Into<String>) -> FieldError {
        FieldError { field: None, message: message.into() }
    }
}

#[derive(Debug)]
pub enum FieldKind {
    Text(Box<TextArea<'static>>),
    /// One of a few options, changed with ←/→ or Space.
    Choice {
        options: Vec<String>,
        index: usize,
    },
    /// Enter or Space does what it says.
    Button,
}

/// Checks a field's text; the error says what to write instead.
pub type Check = fn(&str) -> Result<(), String>;

#[derive(Debug)]
pub struct Field {
    pub id: FieldId,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Checked when Enter leaves the field, so a mistake is caught where it was made.
    pub check: Option<Check>,
    /// The value when the form opened, to tell what a close would lose.
    pub original: String,
}

impl Field {
    pub fn text(id: FieldId, label: impl Into<String>, value: &str, placeholder: &str, required: bool) -> Field {
        let mut area = line_input(placeholder);
        area.insert_str(value);
        let original = value.trim().to_string();
        Field { id, label: label.into(), kind: FieldKind::Text(Box::new(area)), required, check: None, original }
    }

    /// A date field (`dd/mm/yyyy`), checked on Enter; may be left empty unless required.
    pub fn date(id: FieldId, label: impl Into<String>, value: &str, placeholder: &str, required: bool) -> Field {
        let mut f = Field::text(id, label, value, placeholder, required);
        f.check = Some(|v: &str| if v.trim().is_empty() { Ok(()) } else { crate::clock::parse_date(v).map(|_| ()) });
        f
    }

    pub fn choice(id: FieldId, label: impl Into<String>, options: Vec<String>, index: usize) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        let original = options.get(index).cloned().unwrap_or_default();
        Field {
            id,
            label: label.into(),
            kind: FieldKind::Choice { options, index },
            required: false,
            check: None,
            original,
        }
    }

    pub fn button(id: FieldId, label: impl Into<String>) -> Field {
        Field {
            id,
            label: label.into(),
            kind: FieldKind::Button,
            required: false,
            check: None,
            original: String::new(),
        }
    }

    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Text(t) => input_text(t).trim().to_string(),
            FieldKind::Choice { options, index } => options.get(*index).cloned().unwrap_or_default(),
            FieldKind::Button => String::new(),
        }
    }

    pub fn index(&self) -> usize {
        match &self.kind {
            FieldKind::Choice { index, .. } => *index,
            _ => 0,
        }
    }

    pub fn changed(&self) -> bool {
        !matches!(self.kind, FieldKind::Button) && self.value() != self.original
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.kind, FieldKind::Choice { .. })
    }

    /// Moves a choice by `by` options, round the end.
    pub fn turn(&mut self, by: isize) {
        if let FieldKind::Choice { options, index } = &mut self.kind {
            let n = options.len().max(1) as isize;
            *index = (*index as isize + by).rem_euclid(n) as usize;
        }
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
            _ => (self.value(), String::new()),
        }
    }
}
