//! Moving about: from screen to screen, up and down lists, and typing into the
//! roster's filter and the check-in search.

use super::action::{Action, Screen};
use super::app::App;
use super::overlay::Overlay;
use super::state::*;
use crate::report::Records;
use crate::report::summary::{SessionSummary, session_summary};
use crate::store::StoreError;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

impl App {
    pub(super) fn go(&mut self, screen: Screen) {
        if self.phase != Phase::Session {
            return;
        }
        if matches!(screen, Screen::Notes | Screen::Family) {
            // With the search cleared after a check-in, the family just checked
            // in is the one meant, not the first in the list.
            let cleared = self.screen == Screen::CheckIn
                && input_text(&self.checkin.query).is_empty()
                && self.checkin.cursor.selected == 0;
            let target = if cleared { self.focus.or_else(|| self.highlighted()) } else { self.highlighted() };
            match target {
                Some(id) => {
                    if self.focus != Some(id) {
                        self.notes.cursor = ListCursor::new();
                        self.family.scroll = 0;
                    }
                    self.focus = Some(id);
                }
                None => {
                    self.info("Choose a family first: highlight it on the roster or find it on Check-in (2).");
                    return;
                }
            }
        }
        if screen == Screen::CheckIn {
            self.checkin.in_search = true;
            self.refresh_hits();
        }
        if screen == Screen::Summary {
            match self.session_summary() {
                Ok(s) => self.summary = s,
                Err(e) => self.error(e.to_string()),
            }
        }
        self.screen = screen;
    }

    /// The summary of today's session, from the records it needs (see
    /// `Records::for_session`); the families are those in memory.
    fn session_summary(&self) -> Result<Option<SessionSummary>, StoreError> {
        let Some(day) = &self.day else { return Ok(None) };
        let Some(session) = &day.session else { return Ok(None) };
        let present: Vec<Uuid> = day.attendance.keys().copied().collect();
        let written: Vec<Uuid> = day.notes.keys().copied().collect();
        // Present families, and everyone on the group's list (for "expected"):
        // all of them on today's roster, which is kept decoded.
        let families = day
            .roster
            .iter()
            .filter_map(|id| self.families.get(id))
            .filter(|f| day.attendance.contains_key(&f.id) || f.expected_at(day.group.id, day.date))
            .map(std::borrow::Cow::into_owned)
            .collect();
        let records = Records::for_session(&self.store, session, &present, &written, families, self.groups.clone())?;
        Ok(Some(session_summary(&records, &self.tags, session)))
    }

    pub(super) fn back(&mut self) {
        match self.screen {
            Screen::Roster if self.roster.filtering || !input_text(&self.roster.filter).is_empty() => {
                clear_input(&mut self.roster.filter);
                self.roster.filtering = false;
            }
            Screen::Roster => {}
            Screen::CheckIn => {
                self.clear_search();
                self.screen = Screen::Roster;
            }
            _ => self.screen = Screen::Roster,
        }
    }

    pub(super) fn input(&mut self, ev: KeyEvent) {
        if ev.code == KeyCode::Enter {
            return;
        }
        if self.screen == Screen::Roster && self.roster.filtering {
            self.roster.filter.input(ev);
            self.roster.cursor = ListCursor::new();
            if let Err(e) = self.read_shown_concerns() {
                self.error(e.to_string());
            }
        } else if self.screen == Screen::CheckIn && self.checkin.in_search {
            self.checkin.query.input(ev);
            self.refresh_hits();
        }
    }

    /// Ctrl-U: the line being typed, emptied.
    pub(super) fn clear_line(&mut self) {
        if self.screen == Screen::Roster && self.roster.filtering {
            clear_input(&mut self.roster.filter);
            self.roster.cursor = ListCursor::new();
        } else if self.screen == Screen::CheckIn && self.checkin.in_search {
            self.clear_search();
        }
    }

    /// How many results the check-in list keeps; more would not fit any screen.
    const HITS: usize = 200;

    /// Ready for the next family: an empty, focused search box.
    pub fn clear_search(&mut self) {
        clear_input(&mut self.checkin.query);
        self.checkin.in_search = true;
        self.refresh_hits();
    }

    /// What is on screen, roughly: when it changes, the terminal is cleared, so
    /// glyphs that the terminal measures differently from us leave no trace.
    /// Moving the highlight alone does not count.
    pub fn layout_key(&self) -> (Phase, Screen, Vec<u8>, String) {
        let overlays = self
            .overlays
            .iter()
            .map(|o| match o {
                Overlay::Lock(_) => 6,
                Overlay::Help(_) => 1,
                Overlay::Question(_) => 2,
                Overlay::Form(_) => 3,
                Overlay::Note(_) => 4,
                Overlay::RollCall(_) => 5,
                Overlay::Conflicts(_) => 7,
                Overlay::Decide(_) => 8,
                Overlay::Same(_) => 9,
            })
            .collect();
        let list = format!("{}\u{0}{}", input_text(&self.roster.filter), input_text(&self.checkin.query));
        (self.phase, self.screen, overlays, list)
    }

    pub fn refresh_hits(&mut self) {
        let q = input_text(&self.checkin.query);
        self.checkin.hits = self.search.search(&q, Self::HITS);
        self.checkin.cursor = ListCursor::new();
        // The first screenful's concerns, for their `!`, once no key waits; the
        // rest as the list scrolls. Checking in reads them before it confirms.
        self.concerns_wanted = self.checkin.hits.iter().take(60).copied().collect();
    }

    pub(super) fn move_cursor(&mut self, action: Action) {
        let page = self.facts.page;
        if self.phase == Phase::Session && self.screen == Screen::Family {
            let max = i32::from(self.facts.family_scroll_max);
            let by = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -i32::from(page),
                Action::PageDown => i32::from(page),
                Action::Top => -max,
                _ => max,
            };
            self.family.scroll = (i32::from(self.family.scroll) + by).clamp(0, max) as u16;
            return;
        }
        let (cursor, len) = match (self.phase, self.screen) {
            (Phase::Picker, _) => (&mut self.picker, self.groups.len()),
            (_, Screen::Roster) => {
                let len = self.roster_rows().len();
                self.roster.cursor.step_by(action, len, page);
                if let Err(e) = self.read_shown_concerns() {
                    self.error(e.to_string());
                }
                return;
            }
            (_, Screen::CheckIn) => {
                let shown: Vec<Uuid> =
                    self.checkin.hits.iter().skip(self.checkin.cursor.selected).take(60).copied().collect();
                if let Err(e) = self.read_concerns(&shown) {
                    self.error(e.to_string());
                }
                (&mut self.checkin.cursor, self.checkin.hits.len())
            }
            (_, Screen::Notes) => {
                let len = self.focus.map(|f| self.notes_of(f).len()).unwrap_or(0);
                (&mut self.notes.cursor, len)
            }
            _ => return,
        };
        cursor.step_by(action, len, page);
    }

    /// Makes `id` the family that Notes (3) and Family (4) show, and highlights
    /// it on the roster: the one just checked in is the one asked about next.
    pub fn select(&mut self, id: Uuid) {
        self.focus = Some(id);
        if let Some(row) = self.roster_rows().iter().position(|r| *r == id) {
            self.roster.cursor.selected = row;
        }
    }
}
