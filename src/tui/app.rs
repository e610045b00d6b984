//! The app: what every screen and overlay shares, and the one way in for keys.
//! A key becomes an action through the key map (`route`); `update` hands the
//! action to the overlay on top, if any (`overlay`), else to the screens.
//! Whatever an action saves is committed (flushed and synced) by a flow
//! (`flows`) before the screen says so.

use super::Options;
use super::action::{Action, Screen};
use super::day::Day;
use super::facts::Facts;
use super::families::Families;
use super::flows;
use super::history::History;
use super::keymap::{self, Ctx};
use super::overlay::{Env, Job, Lock, Outcome, Overlay, Question};
use super::state::*;
use super::theme::Theme;
use crate::clock::Clock;
use crate::domain::fold::fold;
use crate::domain::tags::TagList;
use crate::domain::*;
use crate::search::SearchIndex;
use crate::store::Store;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use secrecy::SecretString;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use uuid::Uuid;

pub struct App {
    pub store: Store,
    pub clock: Rc<dyn Clock>,
    pub theme: Theme,
    pub tags: TagList,
    pub options: Options,
    pub phase: Phase,
    pub screen: Screen,
    /// What is open over the screens, top last; the top takes the keys.
    pub overlays: Vec<Overlay>,
    pub initials: String,
    /// Every family once loading is over; until then the expected ones and
    /// those read so far.
    pub families: Families,
    pub search: SearchIndex,
    /// Some while families are still being read after the first frame.
    pub loading: Option<Loading>,
    pub groups: Vec<Group>,
    pub picker: ListCursor,
    pub day: Option<Day>,
    pub roster: RosterState,
    pub checkin: CheckInState,
    pub notes: NotesState,
    pub family: FamilyState,
    /// The family that Notes and Family show.
    pub focus: Option<Uuid>,
    /// The focused family's notes, visits and changes; None when they must be read again.
    pub history: Option<History>,
    pub status: Option<Status>,
    /// Worked out when the Summary screen opens.
    pub summary: Option<crate::report::summary::SessionSummary>,
    /// Who the roll call has accounted for, kept when it is closed and reopened.
    pub roll_marks: HashSet<Uuid>,
    /// Open concerns (follow-up, safeguarding) by family, newest first, from any
    /// session: read for the roster's families and the search's first hits, and
    /// again after a commit about a family (see `concerns.rs`).
    pub concerns: HashMap<Uuid, Vec<Observation>>,
    /// Families on screen whose concerns are to be read once no key waits:
    /// the search's hits change with every key, and reading their notes then
    /// would slow the typing (see `concerns.rs`).
    pub concerns_wanted: Vec<Uuid>,
    /// What waits for a person after a merge (the header counts it): read at
    /// the start and after each commit that can change it, never per frame.
    pub pending: Vec<crate::store::Pending>,
    /// What the last frame learned about the layout (see `App::learn`).
    pub facts: Facts,
    /// When the last key was pressed, for the idle lock.
    pub last_key: chrono::DateTime<chrono::Utc>,
    pub quit: bool,
}

impl App {
    pub fn today(&self) -> NaiveDate {
        self.options.date.unwrap_or_else(|| self.clock.today())
    }

    /// The overlay on top, which takes the keys.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    pub fn open(&mut self, overlay: Overlay) {
        self.overlays.push(overlay);
    }

    /// What the last frame learned: the next keys go by it.
    pub fn learn(&mut self, facts: Facts) {
        self.facts = facts;
    }

    // ---- what the screens show -------------------------------------------------

    /// The roster after the filter.
    pub fn roster_rows(&self) -> Vec<Uuid> {
        let Some(day) = &self.day else { return vec![] };
        let filter = fold(&input_text(&self.roster.filter));
        if filter.is_empty() {
            return day.roster.clone();
        }
        day.roster
            .iter()
            .filter(|id| {
                let Some(f) = self.families.get(id) else { return false };
                f.carers.iter().any(|c| fold(&c.name).contains(&filter))
                    || f.babies.iter().any(|b| fold(&b.name).contains(&filter))
            })
            .copied()
            .collect()
    }

    /// The family under the highlight on the current screen.
    pub fn highlighted(&self) -> Option<Uuid> {
        match self.screen {
            Screen::Roster => self.roster_rows().get(self.roster.cursor.selected).copied(),
            Screen::CheckIn => self.checkin.hits.get(self.checkin.cursor.selected).copied(),
            _ => self.focus,
        }
    }

    pub fn is_first_visit(&self, id: Uuid) -> bool {
        self.day.as_ref().is_some_and(|d| !d.been_before.contains(&id))
    }

    /// The family's open concerns, newest first (none, until they are read).
    pub fn open_concerns(&self, id: Uuid) -> &[Observation] {
        self.concerns.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Marked `!`: an alert (allergy, who may not collect) or an open concern.
    pub fn flagged(&self, f: &Family) -> bool {
        !f.alerts.is_empty() || !self.open_concerns(f.id).is_empty()
    }

    /// "Imran 3m (c6w)" in lists, "Imran (3m, corrected 6w)" in sentences; an
    /// erased baby has neither name nor age, and says so.
    pub fn baby(&self, f: &Family, b: &Baby, sentence: bool) -> String {
        if f.is_erased() {
            return family::ERASED.to_string();
        }
        let a = age::age_on(b.dob, b.due, self.today());
        if sentence { format!("{} ({})", b.name, a.sentence()) } else { format!("{} {}", b.name, a.cell()) }
    }

    /// All of a family's babies, for a list row.
    pub fn babies(&self, f: &Family) -> String {
        f.babies.iter().map(|b| self.baby(f, b, false)).collect::<Vec<_>>().join(", ")
    }

    /// "Amina Begum with Aisha (7m)"
    pub fn who(&self, f: &Family) -> String {
        let babies: Vec<String> = f.babies.iter().map(|b| self.baby(f, b, true)).collect();
        format!("{} with {}", f.first_carer(), babies.join(" & "))
    }

    /// The focused family's history (see `keep_history`), if `family` is focused.
    pub fn history_of(&self, family: Uuid) -> Option<&History> {
        self.history.as_ref().filter(|h| h.family == family)
    }

    /// A focused family's observations, today's first, then newest first;
    /// deleted ones left out.
    pub fn notes_of(&self, family: Uuid) -> &[Observation] {
        self.history_of(family).map_or(&[], |h| &h.notes)
    }

    // ---- keys ----------------------------------------------------------------------

    /// The contexts in force, innermost first: the router and footer read these.
    pub fn contexts(&self) -> Vec<Ctx> {
        let mut ctxs = match self.overlay() {
            Some(o) => o.layer().contexts(),
            None => self.screen_contexts(),
        };
        ctxs.push(Ctx::Always);
        ctxs
    }

    fn screen_contexts(&self) -> Vec<Ctx> {
        match self.phase {
            Phase::Welcome => vec![Ctx::Welcome, Ctx::Global],
            Phase::Picker => vec![Ctx::Picker, Ctx::List, Ctx::Global],
            Phase::Session => match self.screen {
                Screen::Roster if self.roster.filtering => vec![Ctx::Filter],
                Screen::Roster => vec![Ctx::Roster, Ctx::List, Ctx::Global],
                Screen::CheckIn if self.checkin.in_search => vec![Ctx::CheckInSearch],
                Screen::CheckIn => vec![Ctx::CheckInList, Ctx::List, Ctx::Global],
                Screen::Notes => vec![Ctx::Notes, Ctx::List, Ctx::Global],
                Screen::Family => vec![Ctx::Family, Ctx::List, Ctx::Global],
                Screen::Summary => vec![Ctx::Summary, Ctx::Global],
            },
        }
    }

    /// A text box has the keys that the key map does not claim.
    pub fn typing(&self) -> bool {
        match self.overlay() {
            Some(o) => o.layer().typing(),
            None => {
                self.phase == Phase::Session
                    && ((self.screen == Screen::Roster && self.roster.filtering)
                        || (self.screen == Screen::CheckIn && self.checkin.in_search))
            }
        }
    }

    /// Keys become actions: the key map for the contexts in force (overlay,
    /// focused input, screen, global, always), then the text box.
    pub fn route(&self, ev: KeyEvent) -> Option<Action> {
        keymap::lookup(&self.contexts(), &ev).or_else(|| self.typing().then_some(Action::Input(ev)))
    }

    pub fn key(&mut self, ev: KeyEvent) {
        // A key after a long pause meets the lock screen first.
        self.tick();
        self.last_key = self.clock.now();
        if let Some(a) = self.route(ev) {
            // Nothing is done blind: with the window too small, only quitting works.
            if self.facts.too_small && a != Action::Quit {
                return;
            }
            self.update(a);
        }
    }

    pub fn is_locked(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Lock(_)))
    }

    /// Locks the screen when no key was pressed for `lock_after` minutes.
    pub fn tick(&mut self) {
        if !self.is_locked() && self.clock.now() - self.last_key >= self.lock_after() {
            self.update(Action::Lock);
        }
    }

    fn lock_after(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.options.lock_after.max(1)))
    }

    /// How long the event loop may sleep before the idle lock is due.
    pub fn until_lock(&self) -> std::time::Duration {
        let left = self.last_key + self.lock_after() - self.clock.now();
        left.to_std().unwrap_or_default()
    }

    fn try_unlock(&mut self, pass: SecretString) {
        let now = self.clock.now();
        let checked = self.store.check_passphrase(&pass);
        let Some(Overlay::Lock(lock)) = self.overlays.last_mut() else { return };
        match checked {
            Ok(true) => {
                lock.wipe();
                self.overlays.pop();
                self.last_key = now;
            }
            Ok(false) => lock.wrong(now),
            Err(e) => lock.refused(e.to_string()),
        }
    }

    // ---- messages ----------------------------------------------------------------

    pub fn done(&mut self, text: String) {
        self.status = Some(Status { kind: StatusKind::Done, text, alert: None });
    }
    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status { kind: StatusKind::Info, text: text.into(), alert: None });
    }
    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status { kind: StatusKind::Error, text: text.into(), alert: None });
    }

    pub fn now_hm(&self) -> String {
        self.hm(self.clock.now())
    }

    /// "10:05", as the clock on the wall says it.
    pub fn hm(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        self.clock.local(t).format("%H:%M").to_string()
    }

    /// When a check-in happens (a check-out, when `leaving`): now; but for a
    /// session on another day (`--date`, typing in a past week), the group's
    /// start (or end) that day, not today's time of day on that date.
    pub fn session_time(&self, leaving: bool) -> chrono::DateTime<chrono::Utc> {
        let now = self.clock.now();
        let Some(day) = self.day.as_ref().filter(|d| d.date != self.clock.today()) else { return now };
        let wall = day.date.and_time(if leaving { day.group.end } else { day.group.start });
        // The clock turns moments into wall-clock times; take its offset now.
        let offset = self.clock.local(now) - now.naive_utc();
        (wall - offset).and_utc()
    }

    // ---- update ------------------------------------------------------------------

    /// What quitting would lose, from the overlays open (a lock keeps what is under it).
    fn unsaved(&self) -> Option<String> {
        self.overlays.iter().rev().find_map(|o| o.layer().unsaved())
    }

    pub fn update(&mut self, action: Action) {
        self.carry_out(action);
        self.keep_history();
    }

    /// Reads the focused family's history when the focus moved or a commit
    /// made it stale. A read that fails says so and shows an empty history.
    pub(super) fn keep_history(&mut self) {
        let Some(id) = self.focus else { return };
        if self.history.as_ref().is_some_and(|h| h.family == id) {
            return;
        }
        let today = self.day.as_ref().and_then(|d| d.session.as_ref()).map(|s| s.id);
        self.history = Some(match History::read(&self.store, id, today) {
            Ok(h) => h,
            Err(e) => {
                self.error(format!("This family's history cannot be read: {e}"));
                History::empty(id)
            }
        });
    }

    fn carry_out(&mut self, action: Action) {
        match action {
            Action::Quit => return self.quit_asking(),
            Action::Resize => return,
            Action::Lock => {
                if !self.is_locked() {
                    self.open(Overlay::Lock(Box::new(Lock::over_screens(self.options.demo))));
                }
                return;
            }
            _ => {}
        }
        if !self.overlays.is_empty() {
            self.update_overlay(action);
            return;
        }
        match action {
            Action::Help => self.open(Overlay::Help(Default::default())),
            Action::Go(screen) => self.go(screen),
            Action::NewGroup => flows::group::open(self, None),
            Action::EditGroup => {
                if let Some(g) = self.groups.get(self.picker.selected) {
                    flows::group::open(self, Some(g.id));
                }
            }
            Action::GroupSettings => flows::group::settings(self),
            Action::Conflicts => flows::conflicts::open(self),
            Action::Open => {
                if let Some(g) = self.groups.get(self.picker.selected).cloned()
                    && let Err(e) = self.open_group(g)
                {
                    self.error(e.to_string());
                }
            }
            Action::Up | Action::Down | Action::Top | Action::Bottom | Action::PageUp | Action::PageDown => {
                self.move_cursor(action)
            }
            _ if self.phase != Phase::Session => {}
            Action::Back => self.back(),
            Action::Filter => self.roster.filtering = true,
            Action::FocusList => {
                self.roster.filtering = false;
                self.checkin.in_search = false;
            }
            Action::FocusSearch => self.checkin.in_search = true,
            Action::ClearLine => self.clear_line(),
            Action::Input(ev) => self.input(ev),
            Action::CheckIn => flows::checkin::check_in_highlighted(self),
            Action::CheckOut => flows::checkin::check_out_highlighted(self),
            Action::UndoCheckIn => flows::checkin::ask_undo(self),
            Action::WalkIn => flows::walkin::open(self, String::new()),
            Action::NewNote => flows::note::open(self, None),
            Action::EditNote => flows::note::edit(self),
            Action::ShowRevisions => self.notes.show_revisions = !self.notes.show_revisions,
            Action::ResolveConcern => flows::note::ask_resolve(self),
            Action::OpenFamily => {
                if let Some(id) = self.highlighted() {
                    self.focus = Some(id);
                    self.screen = Screen::Family;
                    self.family.scroll = 0;
                }
            }
            Action::EditFamily => flows::family::open(self),
            Action::RollCall => flows::checkin::roll_call(self),
            _ => {}
        }
    }

    fn quit_asking(&mut self) {
        let asked = matches!(self.overlay(), Some(Overlay::Question(q)) if matches!(q.on_yes, Job::Quit));
        match self.unsaved() {
            Some(what) if !asked && !self.is_locked() => {
                let q = format!("Quit? {} has not been saved.", capitalised(&what));
                self.open(Overlay::Question(Question::new(q, Job::Quit)));
            }
            _ => self.quit = true,
        }
    }

    /// The action goes to the overlay on top; what it asks for is done here.
    fn update_overlay(&mut self, action: Action) {
        let Some(top) = self.overlays.last_mut() else { return };
        let mut env = Env { now: self.clock.now(), tags: &self.tags, facts: &self.facts, marks: &mut self.roll_marks };
        let outcome = top.layer_mut().handle(action, &mut env);
        match outcome {
            Outcome::Stay => {}
            Outcome::Close => {
                self.overlays.pop();
            }
            Outcome::Open(o) => self.open(o),
            Outcome::Do(job) => self.run(job),
            Outcome::CloseThen(job) => {
                self.overlays.pop();
                self.run(job);
            }
        }
    }

    fn run(&mut self, job: Job) {
        match job {
            Job::Save => flows::save(self),
            Job::Try(pass) => self.try_unlock(pass),
            Job::Quit => self.quit = true,
            Job::Discard => {
                self.overlays.pop();
                self.info("Discarded; nothing was saved.");
            }
            Job::UndoCheckIn(id) => flows::checkin::undo(self, id),
            Job::Resolve(id) => flows::note::resolve(self, id),
            Job::Decide(decision) => flows::decide::decide(self, decision),
        }
    }

    /// Reads again what waits for a person, after a commit that may have changed it.
    pub fn read_pending(&mut self) {
        match self.store.pending() {
            Ok(p) => self.pending = p,
            Err(e) => self.error(format!("✗ What waits for a person cannot be read: {e}")),
        }
    }
}

/// "The note you are writing" from "the note you are writing".
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
