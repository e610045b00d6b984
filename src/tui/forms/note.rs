use crate::domain::{Concern, Observation, tags::TagList};
use crate::tui::state::{input_text, line_input};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
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
        text.set_cursor_line_style(ratatui::style::Style::default());
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

    pub fn changed(&self) -> bool {
        (self.body(), &self.tags, self.concern, self.baby, input_text(&self.follow_up))
            != (
                self.original.0.trim_end().to_string(),
                &self.original.1,
                self.original.2,
                self.original.3,
                self.original.4.clone(),
            )
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

    pub fn key(&mut self, ev: KeyEvent, tags: &TagList) {
        let plain = !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match self.part {
            NotePart::Text => {
                self.text.input(ev);
            }
            NotePart::Why => {
                if ev.code != KeyCode::Enter {
                    self.why.input(ev);
                }
            }
            NotePart::FollowUp => {
                if ev.code != KeyCode::Enter {
                    self.follow_up.input(ev);
                }
            }
            NotePart::Tags => {
                if let (KeyCode::Char(c), true) = (ev.code, plain)
                    && let Some(tag) = tags.by_hotkey(c)
                {
                    let id = tag.id.clone();
                    self.toggle_tag(&id);
                }
            }
            NotePart::Concern => {
                let all = Concern::ALL;
                let at = all.iter().position(|c| *c == self.concern).unwrap_or(0);
                match ev.code {
                    KeyCode::Right | KeyCode::Char(' ') => self.concern = all[(at + 1) % all.len()],
                    KeyCode::Left => self.concern = all[(at + all.len() - 1) % all.len()],
                    KeyCode::Char('n') => self.concern = Concern::None,
                    KeyCode::Char('f') => self.concern = Concern::FollowUp,
                    KeyCode::Char('s') => self.concern = Concern::Safeguarding,
                    _ => {}
                }
            }
            NotePart::Baby => {
                let mut options: Vec<Option<Uuid>> = vec![None];
                options.extend(self.babies.iter().map(|(id, _)| Some(*id)));
                let at = options.iter().position(|b| *b == self.baby).unwrap_or(0);
                match ev.code {
                    KeyCode::Right | KeyCode::Char(' ') => self.baby = options[(at + 1) % options.len()],
                    KeyCode::Left => self.baby = options[(at + options.len() - 1) % options.len()],
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

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
        let mut n = NoteForm::new(Uuid::nil(), "t".into(), vec![(Uuid::nil(), "Ava".into())], Some(&o));
        assert_eq!(n.parts(), [NotePart::Text, NotePart::Tags, NotePart::Concern, NotePart::Why]);
        n.next(1);
        n.next(1);
        assert_eq!(n.part, NotePart::Concern);
        n.key(key(KeyCode::Right), &tags);
        assert_eq!(n.concern, Concern::FollowUp);
        n.next(1);
        assert_eq!(n.part, NotePart::FollowUp);
        n.next(1);
        assert_eq!(n.part, NotePart::Why);
        n.next(1);
        assert_eq!(n.part, NotePart::Text);
    }
}
