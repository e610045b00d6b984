//! Deciding edits made on two laptops, part by part: for each part that the
//! versions give differently, the person marks the value to keep (the one
//! every laptop shows now, or another laptop's) and saves. A family and a
//! group have a part for each field that differs; a note edited on two
//! laptops has one part, which of its latest versions stays.
//!
//! The room holds the versions it was opened with, so what is saved is what
//! the person saw (`flows::decide` checks they are still the versions held).

use super::{Decision, Env, Job, Layer, Outcome, Question, head_over_list};
use crate::domain::audit::FamilyField;
use crate::domain::conflict::{GroupPart, take_fields, take_group_parts};
use crate::domain::{Family, Group};
use crate::text::{fit, pad, width};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::state::ListCursor;
use crate::tui::view::{above_status, centred};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding};
use uuid::Uuid;

/// One part to decide and the values the versions give for it.
#[derive(Debug, Clone)]
pub struct Choice {
    /// What the part is: "carer's phone".
    pub label: String,
    /// The different values, as they read (cleaned); the first is the shown version's.
    pub options: Vec<String>,
    /// For each option, the version it comes from (0: the one shown now).
    pub from: Vec<usize>,
    pub picked: usize,
}

impl Choice {
    /// A part from each version's value of it (the shown version first):
    /// versions that agree are one option.
    pub fn new(label: impl Into<String>, values: Vec<String>) -> Choice {
        let mut options: Vec<String> = Vec::new();
        let mut from = Vec::new();
        for (version, value) in values.into_iter().enumerate() {
            let value = crate::text::clean_multiline(&value);
            if !options.contains(&value) {
                options.push(value);
                from.push(version);
            }
        }
        Choice { label: label.into(), options, from, picked: 0 }
    }
}

/// What is being decided, with the versions the choices are made from.
#[derive(Debug, Clone)]
pub enum Subject {
    /// The family's versions, the shown one first; for each choice, the fields it covers.
    Family { versions: Vec<Family>, fields: Vec<Vec<FamilyField>> },
    /// The group's versions, the shown one first; for each choice, its part.
    Group { versions: Vec<Group>, parts: Vec<GroupPart> },
    /// The note's latest revisions, the shown one first.
    Note { family: Uuid, note: Uuid, heads: Vec<Uuid> },
}

#[derive(Debug, Clone)]
pub struct Decide {
    /// "Zoë Clarke with Ava (6m): details edited on two laptops"
    pub title: String,
    /// Each version's name in the choices ("shown now", "other") and where it
    /// comes from, in the order of the subject's versions.
    pub sources: Vec<(String, String)>,
    pub choices: Vec<Choice>,
    pub cursor: ListCursor,
    pub subject: Subject,
    /// Why the last try was not saved; the choices stay.
    pub error: Option<String>,
}

impl Decide {
    pub fn new(title: String, sources: Vec<(String, String)>, choices: Vec<Choice>, subject: Subject) -> Decide {
        Decide { title, sources, choices, cursor: ListCursor::new(), subject, error: None }
    }

    /// Whether anything is marked other than the version shown now.
    pub fn changed(&self) -> bool {
        self.choices.iter().any(|c| c.picked != 0)
    }

    /// The decision as marked: the shown version with each part taken from
    /// the version whose value was chosen (None with no versions to choose from).
    pub fn decision(&self) -> Option<Decision> {
        let picked = |c: &Choice| c.from.get(c.picked).copied().unwrap_or(0);
        Some(match &self.subject {
            Subject::Family { versions, fields } => {
                let mut chosen = versions.first()?.clone();
                for (c, fields) in self.choices.iter().zip(fields) {
                    if let Some(other) = versions.get(picked(c)).filter(|_| picked(c) != 0) {
                        chosen = take_fields(&chosen, other, fields);
                    }
                }
                Decision::Family { chosen: Box::new(chosen), seen: versions.clone() }
            }
            Subject::Group { versions, parts } => {
                let mut chosen = versions.first()?.clone();
                for (c, part) in self.choices.iter().zip(parts) {
                    if let Some(other) = versions.get(picked(c)).filter(|_| picked(c) != 0) {
                        chosen = take_group_parts(&chosen, other, &[*part]);
                    }
                }
                Decision::Group { chosen: Box::new(chosen), seen: versions.clone() }
            }
            Subject::Note { family, note, heads } => {
                let keep = self.choices.first().map_or(0, picked);
                Decision::Note { family: *family, note: *note, keep: *heads.get(keep).or(heads.first())? }
            }
        })
    }

    fn pick(&mut self, by: isize) {
        let Some(c) = self.choices.get_mut(self.cursor.selected) else { return };
        let n = c.options.len() as isize;
        c.picked = (c.picked as isize + by).rem_euclid(n.max(1)) as usize;
        self.error = None;
    }

    /// The choices drawn, and for each the rows it spans.
    fn lines(&self, app: &App, w: usize) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
        let t = &app.theme;
        let tag_w = self.sources.iter().map(|(name, _)| width(name)).max().unwrap_or(0);
        let value_w = w.saturating_sub(tag_w + 6).max(10);
        let mut lines = Vec::new();
        let mut spans = Vec::new();
        for (i, c) in self.choices.iter().enumerate() {
            let start = lines.len();
            let here = i == self.cursor.selected;
            let label = format!("{} {}", if here { "▶" } else { " " }, capital(&c.label));
            lines.push(Line::styled(fit(&label, w), if here { t.selected() } else { t.title() }));
            for (o, value) in c.options.iter().enumerate() {
                let name = self.sources.get(c.from[o]).map_or("", |(n, _)| n.as_str());
                let mark = if o == c.picked { "●" } else { "○" };
                let style = if o == c.picked { t.ok() } else { t.dim() };
                let wrapped = Rows::wrapped(value.lines().map(|l| Line::raw(l.to_string())).collect(), value_w);
                for (row, text) in wrapped.lines().into_iter().enumerate() {
                    let head =
                        if row == 0 { format!("  {mark} {}  ", pad(name, tag_w)) } else { " ".repeat(tag_w + 6) };
                    let mut spans = vec![Span::styled(head, style)];
                    spans.extend(text.spans);
                    lines.push(Line::from(spans));
                }
            }
            spans.push((start, lines.len()));
        }
        (lines, spans)
    }
}

/// "Carer's phone" from "carer's phone".
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

impl Layer for Decide {
    fn contexts(&self) -> Vec<Ctx> {
        vec![Ctx::Decide, Ctx::List]
    }

    fn unsaved(&self) -> Option<String> {
        self.changed().then(|| "your choice of values".to_string())
    }

    fn handle(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Back if self.changed() => {
                let q = "Back to the list? The values you marked are not saved, and it stays undecided.";
                return Outcome::Open(super::Overlay::Question(Question::new(q, Job::Discard)));
            }
            Action::Back => return Outcome::Close,
            Action::Right => self.pick(1),
            Action::Left => self.pick(-1),
            Action::Save => {
                if let Some(decision) = self.decision() {
                    return Outcome::Do(Job::Decide(decision));
                }
            }
            other => {
                self.cursor.step_by(other, self.choices.len(), env.facts.page.min(3));
            }
        }
        Outcome::Stay
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, facts: &mut Facts) {
        let t = &app.theme;
        let area = above_status(app, area);
        let rect = centred(frame, area, area.width, area.height);
        let title = format!(" {} ", fit(&self.title, rect.width.saturating_sub(4) as usize));
        let block = Block::default().borders(Borders::ALL).padding(Padding::horizontal(1)).title(title);
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let w = inner.width as usize;
        let mut head: Vec<Line> = self
            .sources
            .iter()
            .map(|(name, whence)| Line::raw(fit(&format!("{}: {whence}", capital(name)), w)))
            .collect();
        head.push(Line::styled(fit("Mark the value to keep for each part (→), then Ctrl-S.", w), t.dim()));
        let list = head_over_list(frame, inner, head, self.error.as_deref(), t);
        let (lines, spans) = self.lines(app, w);
        let room = list.height as usize;
        let (start, end) = spans.get(self.cursor.selected).copied().unwrap_or((0, 0));
        // The highlighted part whole in sight, its label first when it is taller than the room.
        let scroll = end.saturating_sub(room).min(start);
        facts.page = 3;
        frame.render_widget(Rows::new(lines).scroll(scroll), list);
    }
}
