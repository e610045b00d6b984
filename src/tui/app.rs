//! The app: state, and `update`, which carries out one action. Whatever an
//! action saves is committed (flushed and synced) before the screen says so.

use super::Options;
use super::action::{Action, Screen};
use super::forms::{Field, Form, NoteForm, NotePart, Purpose};
use super::keymap::{self, Ctx};
use super::state::*;
use super::theme::Theme;
use crate::clock::{Clock, parse_date};
use crate::domain::fold::{fold, postcode};
use crate::domain::tags::TagList;
use crate::domain::*;
use crate::search::SearchIndex;
use crate::store::{META_INITIALS, Store, StoreError};
use chrono::{Datelike, NaiveDate, NaiveTime};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use uuid::Uuid;

pub use super::day::Day;

pub struct App {
    pub store: Store,
    pub clock: Rc<dyn Clock>,
    pub theme: Theme,
    pub tags: TagList,
    pub options: Options,
    pub phase: Phase,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub initials: String,
    /// Every family once loading is over; until then the expected ones and
    /// those read so far.
    pub families: HashMap<Uuid, Family>,
    pub search: SearchIndex,
    /// Some while families are still being read after the first frame.
    pub loading: Option<Loading>,
    pub groups: Vec<Group>,
    pub picker: ListCursor,
    pub day: Option<Day>,
    pub roster: RosterState,
    pub checkin: CheckInState,
    pub notes: NotesState,
    pub family_scroll: u16,
    /// The family that Notes and Family show.
    pub focus: Option<Uuid>,
    /// The focused family's notes, visits and changes; None when they must be read again.
    pub history: Option<super::history::History>,
    pub status: Option<Status>,
    /// Worked out when the Summary screen opens.
    pub summary: Option<crate::report::summary::SessionSummary>,
    /// Who the roll call has accounted for, kept when it is closed and reopened.
    pub roll_marks: HashSet<Uuid>,
    /// Set by the view: the window is below the minimum size.
    pub too_small: bool,
    /// When the last key was pressed, for the idle lock.
    pub last_key: chrono::DateTime<chrono::Utc>,
    pub quit: bool,
}

impl App {
    /// The app with every family read and the search index built.
    pub fn new(store: Store, clock: Rc<dyn Clock>, options: Options, theme: Theme) -> Result<App, StoreError> {
        let mut app = App::starting(store, clock, options, theme)?;
        app.finish_loading()?;
        Ok(app)
    }

    /// The app ready for its first frame: today's expected families are read,
    /// the rest are read afterwards by `load_step`, a piece between keys. On a
    /// Luton-wide store reading them all takes a few hundred milliseconds.
    pub fn starting(store: Store, clock: Rc<dyn Clock>, options: Options, theme: Theme) -> Result<App, StoreError> {
        // No count of the families first: sled counts by reading every key.
        let loading = Loading { after: crate::store::Cursor::default(), read: 0 };
        let families = HashMap::new();
        let search = SearchIndex::new(&[]);
        let groups = store.groups()?;
        let initials: String = store.meta::<String>(META_INITIALS)?.unwrap_or_default();
        let mut app = App {
            store,
            clock,
            theme,
            tags: TagList::built_in(),
            options,
            phase: Phase::Welcome,
            screen: Screen::Roster,
            overlay: None,
            initials,
            families,
            search,
            loading: Some(loading),
            groups,
            picker: ListCursor::new(),
            day: None,
            roster: RosterState { cursor: ListCursor::new(), filter: line_input("type to filter"), filtering: false },
            checkin: CheckInState {
                query: line_input("type a name, phone or postcode"),
                in_search: true,
                hits: vec![],
                cursor: ListCursor::new(),
            },
            notes: NotesState::default(),
            family_scroll: 0,
            focus: None,
            history: None,
            status: None,
            summary: None,
            too_small: false,
            roll_marks: HashSet::new(),
            last_key: chrono::DateTime::<chrono::Utc>::MIN_UTC,
            quit: false,
        };
        app.last_key = app.clock.now();
        app.sort_groups();
        app.start()?;
        Ok(app)
    }

    pub fn today(&self) -> NaiveDate {
        self.options.date.unwrap_or_else(|| self.clock.today())
    }

    /// Groups that meet today first, then by name.
    fn sort_groups(&mut self) {
        let today = self.today();
        self.groups.sort_by_key(|g| (!g.meets_on(today), fold(&g.name)));
    }

    /// Chooses the first screen: welcome, picker, or straight into a group.
    fn start(&mut self) -> Result<(), StoreError> {
        if let Some(name) = self.options.group.clone() {
            match self.groups.iter().find(|g| fold(&g.name) == fold(&name)).cloned() {
                Some(g) => return self.open_group(g),
                None => {
                    self.phase = if self.groups.is_empty() { Phase::Welcome } else { Phase::Picker };
                    let names: Vec<String> = self.groups.iter().map(|g| g.name.clone()).collect();
                    self.error(format!("There is no group called \"{name}\". Groups: {}", names.join(", ")));
                    return Ok(());
                }
            }
        }
        match self.groups.len() {
            0 => self.phase = Phase::Welcome,
            1 => {
                let g = self.groups[0].clone();
                self.open_group(g)?;
            }
            _ => self.phase = Phase::Picker,
        }
        Ok(())
    }

    fn open_group(&mut self, group: Group) -> Result<(), StoreError> {
        let date = self.today();
        let session = self.store.session_on(group.id, date)?;
        if self.loading.is_some() {
            let mut ids = self.store.expected_hint(group.id)?;
            if let Some(s) = &session {
                ids.extend(self.store.attendance_of_session(s.id)?.into_iter().map(|a| a.family));
            }
            self.fetch(&ids)?;
        }
        self.day = Some(Day::new(group, date, session));
        self.phase = Phase::Session;
        self.screen = Screen::Roster;
        self.reload_day()?;
        if self.overlay.is_none() {
            self.ask_initials();
        }
        Ok(())
    }

    fn ask_initials(&mut self) {
        let form = Form::new(
            Purpose::Initials,
            "Who is facilitating today?",
            "Your initials go on every check-in and note you make today.",
            vec![Field::text("Initials", &self.initials.clone(), "e.g. AB", true)],
        );
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    /// Reads families not yet in memory.
    fn fetch(&mut self, ids: &[Uuid]) -> Result<(), StoreError> {
        let missing: Vec<Uuid> = ids.iter().filter(|id| !self.families.contains_key(id)).copied().collect();
        for found in crate::par::map(&missing, 500, |id| self.store.family(*id)) {
            if let Some(f) = found? {
                self.families.insert(f.id, f);
            }
        }
        Ok(())
    }

    /// How many families one loading step reads: a few milliseconds' work, so
    /// a key pressed meanwhile waits no longer than a frame.
    const LOAD_STEP: usize = 2_000;

    /// Reads the next piece of families into memory and the search index.
    /// After the last, works the day out again with everyone known.
    pub fn load_step(&mut self) -> Result<(), StoreError> {
        let Some(mut loading) = self.loading.clone() else { return Ok(()) };
        let (piece, next) = self.store.families_after(&loading.after, Self::LOAD_STEP)?;
        loading.read += piece.len();
        let last = next == loading.after || piece.len() < Self::LOAD_STEP;
        loading.after = next;
        self.search.add(&piece);
        for f in piece {
            // A family changed since it was read is already newer in memory.
            self.families.entry(f.id).or_insert(f);
        }
        self.loading = (!last).then_some(loading);
        if last {
            self.reload_day()?;
            self.keep_history();
            self.remember_expected()?;
        }
        if last || self.screen == Screen::CheckIn {
            self.refresh_hits();
        }
        Ok(())
    }

    pub fn finish_loading(&mut self) -> Result<(), StoreError> {
        while self.loading.is_some() {
            self.load_step()?;
        }
        Ok(())
    }

    /// Keeps the day's expected families for the next start-up's first frame,
    /// when they changed (a new baby on the list, one turned 13 months).
    fn remember_expected(&mut self) -> Result<(), StoreError> {
        let Some(day) = &self.day else { return Ok(()) };
        let mut ids: Vec<Uuid> = day
            .roster
            .iter()
            .filter(|id| self.families.get(id).is_some_and(|f| f.expected_at(day.group.id, day.date)))
            .copied()
            .collect();
        ids.sort();
        let mut known = self.store.expected_hint(day.group.id)?;
        known.sort();
        if known != ids {
            self.store.set_expected_hint(day.group.id, &ids)?;
        }
        Ok(())
    }

    /// Works out the day afresh: who is expected, who is here, first visits.
    pub fn reload_day(&mut self) -> Result<(), StoreError> {
        self.history = None;
        match self.day.as_mut() {
            Some(day) => day.load(&self.store, &self.families, self.loading.is_none()),
            None => Ok(()),
        }
    }

    /// After a commit about one family: reads what it changed about today.
    fn refresh(&mut self, id: Uuid) -> Result<(), StoreError> {
        self.history = None;
        match self.day.as_mut() {
            Some(day) => day.refresh(&self.store, &self.families, id),
            None => Ok(()),
        }
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
                let f = &self.families[*id];
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

    pub fn concern_today(&self, id: Uuid) -> Concern {
        self.day
            .as_ref()
            .and_then(|d| d.notes.get(&id))
            .and_then(|n| n.iter().map(|o| o.concern()).max())
            .unwrap_or(Concern::None)
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

    /// The contexts in force, innermost first: the router and footer read these.
    pub fn contexts(&self) -> Vec<Ctx> {
        match &self.overlay {
            Some(Overlay::Locked(_)) => return vec![Ctx::Locked],
            Some(Overlay::Help { .. }) => return vec![Ctx::Help],
            Some(Overlay::Confirm(..)) => return vec![Ctx::Confirm],
            Some(Overlay::Form(_)) => return vec![Ctx::Form],
            Some(Overlay::Note(_)) => return vec![Ctx::NoteForm],
            Some(Overlay::RollCall(_)) => return vec![Ctx::RollCall, Ctx::List],
            None => {}
        }
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
        match &self.overlay {
            Some(Overlay::Form(_)) | Some(Overlay::Note(_)) | Some(Overlay::Locked(_)) => true,
            Some(_) => false,
            None => {
                self.phase == Phase::Session
                    && ((self.screen == Screen::Roster && self.roster.filtering)
                        || (self.screen == Screen::CheckIn && self.checkin.in_search))
            }
        }
    }

    /// Keys become actions: Ctrl-C always quits; then the key map for the
    /// contexts in force (overlay, focused input, screen, global); then the text box.
    pub fn route(&self, ev: KeyEvent) -> Option<Action> {
        if ev.modifiers.contains(KeyModifiers::CONTROL) {
            match ev.code {
                KeyCode::Char('c') | KeyCode::Char('C') => return Some(Action::Quit),
                KeyCode::Char('l') | KeyCode::Char('L') => return Some(Action::Lock),
                _ => {}
            }
        }
        if let Some(a) = keymap::lookup(&self.contexts(), &ev) {
            return Some(a);
        }
        self.typing().then_some(Action::Input(ev))
    }

    pub fn key(&mut self, ev: KeyEvent) {
        // A key after a long pause meets the lock screen first.
        self.tick();
        self.last_key = self.clock.now();
        if let Some(a) = self.route(ev) {
            // Nothing is done blind: with the window too small, only quitting works.
            if self.too_small && a != Action::Quit {
                return;
            }
            self.update(a);
        }
    }

    pub fn is_locked(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Locked(_)))
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

    fn lock(&mut self) {
        let under = self.overlay.take().map(Box::new);
        let mut input = super::unlock::masked();
        input.set_placeholder_text("passphrase");
        self.overlay =
            Some(Overlay::Locked(Box::new(Locked { input, wrong: 0, retry_at: None, message: None, under })));
    }

    fn try_unlock(&mut self, mut l: Box<Locked>) {
        let now = self.clock.now();
        if let Some(at) = l.retry_at
            && now < at
        {
            l.message = Some(format!("Wait {} s before trying again.", (at - now).num_seconds().max(1)));
            self.overlay = Some(Overlay::Locked(l));
            return;
        }
        let pass = secrecy::SecretString::from(input_text(&l.input));
        match self.store.check_passphrase(&pass) {
            Ok(true) => {
                super::unlock::wipe(&mut l.input);
                self.overlay = l.under.map(|b| *b);
                self.last_key = now;
            }
            Ok(false) => {
                l.wrong += 1;
                let wait = super::unlock::delay(l.wrong);
                l.retry_at = Some(now + chrono::Duration::from_std(wait).unwrap_or_default());
                l.message = Some(format!("Wrong passphrase. Wait {} s, then try again.", wait.as_secs()));
                super::unlock::wipe(&mut l.input);
                self.overlay = Some(Overlay::Locked(l));
            }
            Err(e) => {
                l.message = Some(e.to_string());
                self.overlay = Some(Overlay::Locked(l));
            }
        }
    }

    // ---- messages ----------------------------------------------------------------

    fn done(&mut self, text: String) {
        self.status = Some(Status { kind: StatusKind::Done, text, alert: None });
    }
    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status { kind: StatusKind::Info, text: text.into(), alert: None });
    }
    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status { kind: StatusKind::Error, text: text.into(), alert: None });
    }

    fn now_hm(&self) -> String {
        self.clock.local(self.clock.now()).format("%H:%M").to_string()
    }

    // ---- update ------------------------------------------------------------------

    /// Unsaved typing that quitting would lose.
    fn unsaved(&self) -> bool {
        match &self.overlay {
            Some(Overlay::Note(n)) => n.changed(),
            Some(Overlay::Form(f)) => f.purpose != Purpose::Initials && f.has_typing(),
            Some(Overlay::Locked(l)) => l.under.as_deref().is_some_and(|o| match o {
                Overlay::Note(n) => n.changed(),
                Overlay::Form(f) => f.purpose != Purpose::Initials && f.has_typing(),
                _ => false,
            }),
            _ => false,
        }
    }

    pub fn update(&mut self, action: Action) {
        self.carry_out(action);
        self.keep_history();
    }

    /// Reads the focused family's history when the focus moved or a commit
    /// made it stale. A read that fails says so and shows an empty history.
    fn keep_history(&mut self) {
        let Some(id) = self.focus else { return };
        if self.history.as_ref().is_some_and(|h| h.family == id) {
            return;
        }
        let today = self.day.as_ref().and_then(|d| d.session.as_ref()).map(|s| s.id);
        self.history = Some(match super::history::History::read(&self.store, id, today) {
            Ok(h) => h,
            Err(e) => {
                self.error(format!("This family's history cannot be read: {e}"));
                super::history::History::empty(id)
            }
        });
    }

    fn carry_out(&mut self, action: Action) {
        if action == Action::Quit {
            if self.unsaved() && !self.is_locked() {
                let under = self.overlay.take();
                let question = "Quit? What you are typing has not been saved. (y/n)".to_string();
                self.overlay = Some(Overlay::Confirm(Confirm { question, on_yes: Pending::Quit }, Box::new(under)));
                return;
            }
            self.quit = true;
            return;
        }
        if action == Action::Resize {
            return;
        }
        if action == Action::Lock {
            if !self.is_locked() {
                self.lock();
            }
            return;
        }
        if self.overlay.is_some() {
            self.update_overlay(action);
            return;
        }
        match action {
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Go(screen) => self.go(screen),
            Action::NewGroup => self.group_form(None),
            Action::EditGroup => {
                if let Some(g) = self.groups.get(self.picker.selected) {
                    self.group_form(Some(g.id));
                }
            }
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
            Action::Input(ev) => self.input(ev),
            Action::CheckIn => self.check_in_highlighted(),
            Action::CheckOut => self.check_out_highlighted(),
            Action::UndoCheckIn => self.ask_undo(),
            Action::WalkIn => self.walk_in_form(String::new()),
            Action::NewNote => self.note_form(None),
            Action::EditNote => self.edit_note(),
            Action::ShowRevisions => self.notes.show_revisions = !self.notes.show_revisions,
            Action::OpenFamily => {
                if let Some(id) = self.highlighted() {
                    self.focus = Some(id);
                    self.screen = Screen::Family;
                    self.family_scroll = 0;
                }
            }
            Action::EditFamily => self.family_form(),
            Action::RollCall => self.roll_call(),
            _ => {}
        }
    }

    fn go(&mut self, screen: Screen) {
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
                        self.family_scroll = 0;
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

    fn back(&mut self) {
        match self.screen {
            Screen::Roster if self.roster.filtering || !input_text(&self.roster.filter).is_empty() => {
                self.roster.filter = line_input("type to filter");
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

    fn input(&mut self, ev: KeyEvent) {
        if ev.code == KeyCode::Enter {
            return;
        }
        if self.screen == Screen::Roster && self.roster.filtering {
            self.roster.filter.input(ev);
            self.roster.cursor = ListCursor::new();
        } else if self.screen == Screen::CheckIn && self.checkin.in_search {
            self.checkin.query.input(ev);
            self.refresh_hits();
        }
    }

    /// How many results the check-in list keeps; more would not fit any screen.
    const HITS: usize = 200;

    /// Ready for the next family: an empty, focused search box.
    fn clear_search(&mut self) {
        self.checkin.query = line_input("type a name, phone or postcode");
        self.checkin.in_search = true;
        self.refresh_hits();
    }

    /// What is on screen, roughly: when it changes, the terminal is cleared, so
    /// glyphs that the terminal measures differently from us (Bengali, Arabic)
    /// leave no trace. Moving the highlight alone does not count.
    pub fn layout_key(&self) -> (Phase, Screen, u8, String) {
        let overlay = match &self.overlay {
            Some(Overlay::Locked(_)) => 6,
            None => 0,
            Some(Overlay::Help { .. }) => 1,
            Some(Overlay::Confirm(..)) => 2,
            Some(Overlay::Form(_)) => 3,
            Some(Overlay::Note(_)) => 4,
            Some(Overlay::RollCall(_)) => 5,
        };
        let list = format!("{}\u{0}{}", input_text(&self.roster.filter), input_text(&self.checkin.query));
        (self.phase, self.screen, overlay, list)
    }

    pub fn refresh_hits(&mut self) {
        let q = input_text(&self.checkin.query);
        self.checkin.hits = self.search.search(&q, Self::HITS);
        self.checkin.cursor = ListCursor::new();
    }

    fn list_len(&self) -> usize {
        match (&self.overlay, self.phase, self.screen) {
            (Some(Overlay::RollCall(r)), _, _) => r.people.len(),
            (_, Phase::Picker, _) => self.groups.len(),
            (_, _, Screen::Roster) => self.roster_rows().len(),
            (_, _, Screen::CheckIn) => self.checkin.hits.len(),
            (_, _, Screen::Notes) => self.focus.map(|f| self.notes_of(f).len()).unwrap_or(0),
            _ => 0,
        }
    }

    fn move_cursor(&mut self, action: Action) {
        let len = self.list_len();
        let page = 10;
        let by: isize = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => -(len as isize),
            _ => len as isize,
        };
        if self.phase == Phase::Session && self.screen == Screen::Family && self.overlay.is_none() {
            self.family_scroll = (self.family_scroll as isize + by).clamp(0, 500) as u16;
            return;
        }
        let cursor = match (&mut self.overlay, self.phase, self.screen) {
            (Some(Overlay::RollCall(r)), _, _) => &mut r.cursor,
            (_, Phase::Picker, _) => &mut self.picker,
            (_, _, Screen::Roster) => &mut self.roster.cursor,
            (_, _, Screen::CheckIn) => &mut self.checkin.cursor,
            (_, _, Screen::Notes) => &mut self.notes.cursor,
            _ => return,
        };
        cursor.step(by, len);
    }

    /// The focused family's history (see `keep_history`), if `family` is focused.
    pub fn history_of(&self, family: Uuid) -> Option<&super::history::History> {
        self.history.as_ref().filter(|h| h.family == family)
    }

    /// A focused family's observations, today's first, then newest first;
    /// deleted ones left out.
    pub fn notes_of(&self, family: Uuid) -> &[Observation] {
        self.history_of(family).map_or(&[], |h| &h.notes)
    }

    /// The summary of today's session, from just the records it needs: this
    /// group's sessions and attendance (for the weekly chart), the present
    /// families' whole histories (for first visits), and today's notes.
    fn session_summary(&self) -> Result<Option<crate::report::summary::SessionSummary>, StoreError> {
        let Some(day) = &self.day else { return Ok(None) };
        let Some(session) = &day.session else { return Ok(None) };
        let mut sessions: HashMap<Uuid, Session> =
            self.store.sessions_of(day.group.id)?.into_iter().map(|s| (s.id, s)).collect();
        let mut attendance: HashMap<(Uuid, Uuid), Attendance> = HashMap::new();
        for s in sessions.values() {
            for a in self.store.attendance_of_session(s.id)? {
                attendance.insert((a.session, a.family), a);
            }
        }
        let present: Vec<Uuid> = day.attendance.keys().copied().collect();
        let mut observations = Vec::new();
        for id in &present {
            for a in self.store.attendance_of_family(*id)? {
                if !sessions.contains_key(&a.session)
                    && let Some(s) = self.store.session(a.session)?
                {
                    sessions.insert(s.id, s);
                }
                attendance.insert((a.session, a.family), a);
            }
        }
        // Every note written today, also about families not checked in.
        for id in day.notes.keys() {
            observations.extend(self.store.observations_at(*id, session.id)?);
        }
        let records = crate::report::Records {
            // Present families, and everyone on the group's list (for "expected").
            families: self
                .families
                .values()
                .filter(|f| day.attendance.contains_key(&f.id) || f.expected_at(day.group.id, day.date))
                .cloned()
                .collect(),
            groups: self.groups.clone(),
            sessions: sessions.into_values().collect(),
            attendance: attendance.into_values().collect(),
            observations,
        };
        Ok(Some(crate::report::summary::session_summary(&records, &self.tags, session)))
    }

    // ---- check-in ----------------------------------------------------------------

    /// Today's session, made on first use.
    fn session(&mut self) -> Result<Session, StoreError> {
        let now = self.clock.now();
        let initials = self.initials.clone();
        let day = self.day.as_mut().ok_or_else(|| StoreError::Refused("no group is open".into()))?;
        if let Some(s) = &day.session {
            return Ok(s.clone());
        }
        let s = self.store.open_session(day.group.id, day.date, &initials, now)?;
        day.session = Some(s.clone());
        Ok(s)
    }

    fn check_in_highlighted(&mut self) {
        let Some(id) = self.highlighted() else {
            if self.screen == Screen::CheckIn {
                // Nobody matches, yet: read every family before offering a
                // walk-in, or the same family could be added twice.
                if self.loading.is_some() {
                    if let Err(e) = self.finish_loading() {
                        self.error(e.to_string());
                        return;
                    }
                    if !self.checkin.hits.is_empty() {
                        return;
                    }
                }
                // Nobody matches: the name typed is probably a walk-in.
                let typed = input_text(&self.checkin.query);
                self.walk_in_form(typed);
            }
            return;
        };
        let Some(family) = self.families.get(&id).cloned() else { return };
        if let Some(a) =
            self.day.as_ref().and_then(|d| d.attendance.get(&id)).filter(|a| a.checked_out.is_some()).cloned()
        {
            // They left and came back: clear the time out rather than refuse.
            match self.store.check_back_in(&a, self.clock.now()) {
                Ok(back) => {
                    self.day_mut().attendance.insert(id, back);
                    self.done(format!("✓ {} back in {}", self.who(&family), self.now_hm()));
                    self.show_alerts(&family);
                }
                Err(e) => self.error(format!("✗ Not checked back in: {e}")),
            }
            if self.screen == Screen::CheckIn {
                self.clear_search();
            }
            return;
        }
        if let Some(a) = self.day.as_ref().and_then(|d| d.attendance.get(&id)) {
            let at = self.clock.local(a.checked_in).format("%H:%M");
            self.info(format!("{} is already checked in (since {at}).", self.who(&family)));
            if self.screen == Screen::CheckIn {
                self.clear_search();
            }
            return;
        }
        let result = self.session().and_then(|s| self.store.check_in(&s, &family, &self.initials, self.clock.now()));
        match result {
            Ok(Some(_)) => {
                if let Err(e) = self.refresh(id) {
                    self.error(e.to_string());
                    return;
                }
                self.done(format!("✓ {} checked in {}", self.who(&family), self.now_hm()));
                self.show_alerts(&family);
                self.select(id);
                if self.screen == Screen::CheckIn {
                    self.clear_search();
                }
            }
            Ok(None) => self.info(format!("{} is already checked in.", self.who(&family))),
            Err(e) => self.error(format!("✗ Not checked in: {e}")),
        }
    }

    /// Makes `id` the family that Notes (3) and Family (4) show, and highlights
    /// it on the roster: the one just checked in is the one asked about next.
    fn select(&mut self, id: Uuid) {
        self.focus = Some(id);
        if let Some(row) = self.roster_rows().iter().position(|r| *r == id) {
            self.roster.cursor.selected = row;
        }
    }

    /// Alerts (allergy, who may not collect) under the message, at the moment of check-in.
    fn show_alerts(&mut self, family: &Family) {
        if family.alerts.is_empty() {
            return;
        }
        let alerts: Vec<String> = family.alerts.iter().map(|a| format!("{}: {}", a.kind, a.text)).collect();
        if let Some(s) = self.status.as_mut() {
            s.alert = Some(format!("! {}", alerts.join(" · ")));
        }
    }

    fn day_mut(&mut self) -> &mut Day {
        // Only called with a session open.
        self.day.as_mut().expect("a session is open")
    }

    fn check_out_highlighted(&mut self) {
        let Some(id) = self.highlighted() else { return };
        let Some(family) = self.families.get(&id).cloned() else { return };
        let Some(a) = self.day.as_ref().and_then(|d| d.attendance.get(&id)).cloned() else {
            self.info(format!("{} is not checked in.", family.first_carer()));
            return;
        };
        if let Some(out) = a.checked_out {
            let at = self.clock.local(out).format("%H:%M");
            self.info(format!("{} already left at {at}.", family.first_carer()));
            return;
        }
        match self.store.check_out(&a, self.clock.now()) {
            Ok(a) => {
                self.day_mut().attendance.insert(id, a);
                self.done(format!("← {} checked out {}", family.first_carer(), self.now_hm()));
            }
            Err(e) => self.error(format!("✗ Not checked out: {e}")),
        }
    }

    fn ask_undo(&mut self) {
        let Some(id) = self.highlighted() else { return };
        let Some(family) = self.families.get(&id) else { return };
        if !self.day.as_ref().is_some_and(|d| d.attendance.contains_key(&id)) {
            self.info(format!("{} is not checked in.", family.first_carer()));
            return;
        }
        let question = format!("Undo the check-in of {}? (y/n)", family.first_carer());
        self.overlay = Some(Overlay::Confirm(Confirm { question, on_yes: Pending::UndoCheckIn(id) }, Box::new(None)));
    }

    fn undo(&mut self, id: Uuid) {
        let Some(a) = self.day.as_ref().and_then(|d| d.attendance.get(&id)).cloned() else { return };
        let name = self.families.get(&id).map(|f| f.first_carer().to_string()).unwrap_or_default();
        match self.store.undo_check_in(&a, self.clock.now()) {
            Ok(()) => {
                self.day_mut().attendance.remove(&id);
                if let Err(e) = self.refresh(id) {
                    self.error(e.to_string());
                    return;
                }
                self.done(format!("Check-in of {name} undone"));
            }
            Err(e) => self.error(format!("✗ Not undone: {e}")),
        }
    }

    fn roll_call(&mut self) {
        let Some(day) = &self.day else { return };
        let mut people = Vec::new();
        for id in &day.roster {
            let Some(a) = day.attendance.get(id).filter(|a| a.is_in()) else { continue };
            let Some(f) = self.families.get(id) else { continue };
            for c in f.carers.iter().filter(|c| a.carers.contains(&c.id)) {
                let accounted = self.roll_marks.contains(&c.id);
                people.push(Person { family: f.id, id: c.id, label: c.name.clone(), baby: false, accounted });
            }
            for b in f.babies.iter().filter(|b| a.babies.contains(&b.id)) {
                let label = format!("{}, baby of {}", self.baby(f, b, true), f.first_carer());
                let accounted = self.roll_marks.contains(&b.id);
                people.push(Person { family: f.id, id: b.id, label, baby: true, accounted });
            }
        }
        self.overlay = Some(Overlay::RollCall(RollCall { people, cursor: ListCursor::new() }));
    }

    // ---- overlays ------------------------------------------------------------------

    fn update_overlay(&mut self, action: Action) {
        let Some(overlay) = self.overlay.take() else { return };
        match overlay {
            Overlay::Locked(mut l) => match action {
                Action::Unlock => self.try_unlock(l),
                Action::Input(ev) => {
                    l.input.input(ev);
                    self.overlay = Some(Overlay::Locked(l));
                }
                _ => self.overlay = Some(Overlay::Locked(l)),
            },
            Overlay::Help { scroll } => match action {
                Action::Back | Action::Help => {}
                Action::Down => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_add(1).min(400) }),
                Action::Up => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_sub(1) }),
                Action::PageDown => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_add(15).min(400) }),
                Action::PageUp => self.overlay = Some(Overlay::Help { scroll: scroll.saturating_sub(15) }),
                _ => self.overlay = Some(Overlay::Help { scroll }),
            },
            Overlay::Confirm(c, under) => match action {
                Action::Quit if c.on_yes == Pending::Quit => self.quit = true,
                Action::Yes => match c.on_yes {
                    Pending::UndoCheckIn(id) => self.undo(id),
                    Pending::DiscardNote | Pending::DiscardForm => self.info("Discarded; nothing was saved."),
                    Pending::Quit => self.quit = true,
                },
                Action::No => self.overlay = *under,
                _ => self.overlay = Some(Overlay::Confirm(c, under)),
            },
            Overlay::RollCall(mut r) => match action {
                Action::Back => {}
                Action::Mark => {
                    if let Some(p) = r.people.get_mut(r.cursor.selected) {
                        p.accounted = !p.accounted;
                        if p.accounted {
                            self.roll_marks.insert(p.id);
                            // On to the next person still missing, so a run of Space
                            // presses works down the list and the missing are never hidden.
                            let n = r.people.len();
                            let at = r.cursor.selected;
                            if let Some(next) = (1..n).map(|i| (at + i) % n).find(|i| !r.people[*i].accounted) {
                                r.cursor.selected = next;
                            }
                        } else {
                            self.roll_marks.remove(&p.id);
                        }
                    }
                    self.overlay = Some(Overlay::RollCall(r));
                }
                Action::Restart => {
                    self.roll_marks.clear();
                    for p in &mut r.people {
                        p.accounted = false;
                    }
                    r.cursor = ListCursor::new();
                    self.overlay = Some(Overlay::RollCall(r));
                }
                Action::Up | Action::Down | Action::Top | Action::Bottom | Action::PageUp | Action::PageDown => {
                    self.overlay = Some(Overlay::RollCall(r));
                    self.move_cursor(action);
                }
                _ => self.overlay = Some(Overlay::RollCall(r)),
            },
            Overlay::Form(mut form) => match action {
                Action::Back if form.has_typing() && form.purpose != Purpose::Initials => {
                    let question = "Close the form? What you typed will not be saved. (y/n)".to_string();
                    self.overlay = Some(Overlay::Confirm(
                        Confirm { question, on_yes: Pending::DiscardForm },
                        Box::new(Some(Overlay::Form(form))),
                    ));
                }
                Action::Back if form.purpose == Purpose::Initials => {
                    // Initials are needed for check-ins; keep asking, but allow quitting.
                    form.error = Some("Type your initials and press Enter (Ctrl-C quits).".into());
                    self.overlay = Some(Overlay::Form(form));
                }
                Action::Back => {}
                Action::NextField => {
                    form.next();
                    self.overlay = Some(Overlay::Form(form));
                }
                Action::PrevField => {
                    form.prev();
                    self.overlay = Some(Overlay::Form(form));
                }
                Action::Save => self.save_form(form),
                Action::Input(ev) => {
                    if form.key(ev) == super::forms::FormKey::Submit {
                        self.save_form(form);
                    } else {
                        self.overlay = Some(Overlay::Form(form));
                    }
                }
                _ => self.overlay = Some(Overlay::Form(form)),
            },
            Overlay::Note(mut note) => match action {
                Action::Back if note.changed() => {
                    let question = "Discard this note? It has not been saved. (y/n)".to_string();
                    self.overlay = Some(Overlay::Confirm(
                        Confirm { question, on_yes: Pending::DiscardNote },
                        Box::new(Some(Overlay::Note(note))),
                    ));
                }
                Action::Back => {}
                Action::NextField => {
                    note.next(1);
                    self.overlay = Some(Overlay::Note(note));
                }
                Action::PrevField => {
                    note.next(-1);
                    self.overlay = Some(Overlay::Note(note));
                }
                Action::Save => self.save_note(note),
                Action::Input(ev) => {
                    note.key(ev, &self.tags);
                    self.overlay = Some(Overlay::Note(note));
                }
                _ => self.overlay = Some(Overlay::Note(note)),
            },
        }
    }

    // ---- forms -----------------------------------------------------------------------

    fn walk_in_form(&mut self, name: String) {
        let name = name.trim().to_string();
        let form = Form::new(
            Purpose::WalkIn,
            "Walk-in",
            "Enter moves on; Enter on the last field saves and checks them in.",
            vec![
                Field::text("Carer's name", &name, "e.g. Amina Begum", true),
                Field::text("Baby's name", "", "e.g. Aisha", true),
                Field::date("Baby's date of birth", "", "dd/mm/yyyy", true),
                Field::text("Phone", "", "optional", false),
                Field::text("Postcode", "", "optional", false),
            ],
        );
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    fn group_form(&mut self, id: Option<Uuid>) {
        let g = id.and_then(|id| self.groups.iter().find(|g| g.id == id)).cloned();
        let hoods: Vec<String> =
            std::iter::once("-".to_string()).chain(Neighbourhood::ALL.iter().map(|n| n.label().to_string())).collect();
        let hood = g.as_ref().and_then(|g| g.neighbourhood).map(|n| n as usize + 1).unwrap_or(0);
        let days: Vec<String> = (0..7u8)
            .map(|d| group::weekday_name(chrono::Weekday::try_from(d).unwrap_or(chrono::Weekday::Mon)).to_string())
            .collect();
        let weekday =
            g.as_ref().map(|g| g.weekday as usize).unwrap_or(self.today().weekday().num_days_from_monday() as usize);
        let form = Form::new(
            Purpose::Group(id),
            if id.is_some() { "Edit group" } else { "New group" },
            "←/→ or Space change a choice. Enter on the last field saves.",
            vec![
                Field::text("Name", g.as_ref().map(|g| g.name.as_str()).unwrap_or(""), "e.g. Central", true),
                Field::text(
                    "Venue",
                    g.as_ref().map(|g| g.venue.as_str()).unwrap_or(""),
                    "e.g. Blenheim Crescent Church Hall, LU3 1HB",
                    false,
                ),
                Field::choice("Neighbourhood", hoods, hood),
                Field::choice("Day", days, weekday),
                Field::text(
                    "Starts",
                    &g.as_ref().map(|g| g.start.format("%H:%M").to_string()).unwrap_or("10:00".into()),
                    "HH:MM",
                    true,
                ),
                Field::text(
                    "Ends",
                    &g.as_ref().map(|g| g.end.format("%H:%M").to_string()).unwrap_or("11:30".into()),
                    "HH:MM",
                    true,
                ),
            ],
        );
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    fn family_form(&mut self) {
        let Some(f) = self.focus.and_then(|id| self.families.get(&id)).cloned() else { return };
        let yes_no = || vec!["No".to_string(), "Yes".to_string()];
        let labels = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut fields = Vec::new();
        for (i, c) in f.carers.iter().enumerate() {
            fields.push(Field::text(format!("Carer {} name", i + 1), &c.name, "", true));
            fields.push(Field::text(format!("Carer {} phone", i + 1), &c.phone, "", false));
            fields.push(Field::text(format!("Carer {} relationship", i + 1), &c.relationship, "e.g. mother", false));
        }
        for (i, b) in f.babies.iter().enumerate() {
            fields.push(Field::text(format!("Baby {} name", i + 1), &b.name, "", true));
            fields.push(Field::text(
                format!("Baby {} born", i + 1),
                &b.dob.format("%d/%m/%Y").to_string(),
                "dd/mm/yyyy",
                true,
            ));
            let due = b.due.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
            fields.push(Field::date(format!("Baby {} due", i + 1), &due, "dd/mm/yyyy if born early", false));
        }
        fields.push(Field::text("Postcode", &f.postcode, "", false));
        fields.push(Field::text("Home language", &f.home_language, "", false));
        fields.push(Field::choice("Interpreter needed", yes_no(), f.interpreter as usize));
        fields.push(Field::choice(
            "Health visiting",
            labels(&HvLevel::ALL.iter().map(|h| h.label()).collect::<Vec<_>>()),
            f.hv_level as usize,
        ));
        fields.push(Field::choice(
            "Level of need",
            labels(&["-", "1", "2", "3", "4"]),
            f.need_level.unwrap_or(0) as usize,
        ));
        fields.push(Field::choice("EHA in place", yes_no(), f.eha as usize));
        let consents = labels(&ConsentAnswer::ALL.iter().map(|c| c.label()).collect::<Vec<_>>());
        fields.push(Field::choice("Photo consent", consents.clone(), f.photos.answer as usize));
        fields.push(Field::choice("Data sharing consent", consents, f.data_sharing.answer as usize));
        let alerts: Vec<String> = f.alerts.iter().map(|a| format!("{}: {}", a.kind.label(), a.text)).collect();
        fields.push(Field::text("Alerts", &alerts.join("; "), "Allergy: peanuts; May not collect: ...", false));
        let form = Form::new(
            Purpose::EditFamily(f.id),
            format!("Edit {}", f.first_carer()),
            "Saved as one change with Ctrl-S.",
            fields,
        );
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    fn save_form(&mut self, mut form: Box<Form>) {
        let result = match form.purpose {
            Purpose::Initials => self.save_initials(&form),
            Purpose::WalkIn => self.save_walk_in(&form),
            Purpose::Group(id) => self.save_group(&form, id),
            Purpose::EditFamily(id) => self.save_family(&form, id),
        };
        if let Err(why) = result {
            // The form stays open with everything typed, says what to fix, and
            // puts the cursor on the field the message names.
            if let Some(i) = form.fields.iter().position(|f| why.starts_with(&f.label)) {
                form.focus = i;
            }
            form.error = Some(why);
            self.overlay = Some(Overlay::Form(form));
        }
    }

    fn save_initials(&mut self, form: &Form) -> Result<(), String> {
        let initials: String =
            form.value("Initials").chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        if initials.is_empty() || initials.chars().count() > 4 || !initials.chars().all(char::is_alphabetic) {
            return Err("Initials are one to four letters, e.g. AB.".into());
        }
        self.store.set_meta(META_INITIALS, &initials).map_err(|e| e.to_string())?;
        // The audit trail names who made each change.
        self.store.set_actor(&initials);
        self.initials = initials;
        self.info(format!("Hello {}. Press 2 to check families in, ? for every key.", self.initials));
        Ok(())
    }

    fn save_walk_in(&mut self, form: &Form) -> Result<(), String> {
        let carer = form.value("Carer's name");
        let baby = form.value("Baby's name");
        if carer.is_empty() || baby.is_empty() {
            return Err("The carer's and the baby's names are needed.".into());
        }
        let dob = parse_date(&form.value("Baby's date of birth")).map_err(|e| format!("Baby's date of birth: {e}"))?;
        if dob > self.today() {
            return Err("The baby's date of birth is after today.".into());
        }
        let now = self.clock.now();
        let device = self.store.device();
        let group = self.day.as_ref().map(|d| d.group.id);
        let mut family = Family::new(
            &carer,
            &form.value("Phone"),
            vec![Baby { id: new_id(now), name: baby, dob, due: None, sex: None }],
            Stamp::new(now, device),
        );
        family.postcode = postcode(&form.value("Postcode"));
        family.neighbourhood = self.day.as_ref().and_then(|d| d.group.neighbourhood);
        family.referral.date = Some(self.today());
        // Expected from next week on; today they are a walk-in.
        family.groups = group.into_iter().collect();
        let session = self.session().map_err(|e| e.to_string())?;
        self.store.add_walk_in(&session, &family, &self.initials, now).map_err(|e| format!("Not saved: {e}"))?;
        let id = family.id;
        self.search.upsert(&family);
        self.families.insert(id, family.clone());
        self.refresh(id).map_err(|e| e.to_string())?;
        self.select(id);
        if self.screen == Screen::CheckIn {
            self.clear_search();
        }
        self.done(format!("+ {} checked in {} as a walk-in", self.who(&family), self.now_hm()));
        Ok(())
    }

    fn save_group(&mut self, form: &Form, id: Option<Uuid>) -> Result<(), String> {
        let name = form.value("Name");
        if name.is_empty() {
            return Err("A group needs a name.".into());
        }
        // 10:00, 9:30 and 9.30 all mean what they say.
        let time = |label: &str| {
            let v = form.value(label).replace('.', ":");
            NaiveTime::parse_from_str(&v, "%H:%M").map_err(|_| format!("{label}: write the time as HH:MM, e.g. 10:00"))
        };
        let (start, end) = (time("Starts")?, time("Ends")?);
        if end <= start {
            return Err("The group must end after it starts.".into());
        }
        if self.groups.iter().any(|g| Some(g.id) != id && fold(&g.name) == fold(&name)) {
            return Err(format!("There is already a group called {name}."));
        }
        let now = self.clock.now();
        let device = self.store.device();
        let mut g = match id.and_then(|id| self.groups.iter().find(|g| g.id == id)).cloned() {
            Some(mut g) => {
                g.stamp.touch(now, device);
                g
            }
            None => Group {
                id: new_id(now),
                name: String::new(),
                venue: String::new(),
                neighbourhood: None,
                weekday: 0,
                start,
                end,
                stamp: Stamp::new(now, device),
            },
        };
        g.name = name;
        g.venue = form.value("Venue");
        g.neighbourhood = form.index("Neighbourhood").checked_sub(1).and_then(|i| Neighbourhood::ALL.get(i).copied());
        g.weekday = form.index("Day") as u8;
        g.start = start;
        g.end = end;
        self.store.save_group(&g).map_err(|e| format!("Not saved: {e}"))?;
        self.groups.retain(|x| x.id != g.id);
        self.groups.push(g.clone());
        self.sort_groups();
        self.picker.selected = self.groups.iter().position(|x| x.id == g.id).unwrap_or(0);
        if self.phase == Phase::Welcome {
            self.phase = Phase::Picker;
        }
        self.done(format!("✓ Group {} saved", g.name));
        Ok(())
    }

    fn save_family(&mut self, form: &Form, id: Uuid) -> Result<(), String> {
        let Some(mut f) = self.families.get(&id).cloned() else {
            return Err("That family is no longer in the store.".into());
        };
        let today = self.today();
        for (i, c) in f.carers.iter_mut().enumerate() {
            let name = form.value(&format!("Carer {} name", i + 1));
            if name.is_empty() {
                return Err(format!("Carer {} needs a name.", i + 1));
            }
            c.name = name;
            c.phone = form.value(&format!("Carer {} phone", i + 1));
            c.relationship = form.value(&format!("Carer {} relationship", i + 1));
        }
        for (i, b) in f.babies.iter_mut().enumerate() {
            let name = form.value(&format!("Baby {} name", i + 1));
            if name.is_empty() {
                return Err(format!("Baby {} needs a name.", i + 1));
            }
            b.name = name;
            b.dob = parse_date(&form.value(&format!("Baby {} born", i + 1)))
                .map_err(|e| format!("Baby {} born: {e}", i + 1))?;
            if b.dob > today {
                return Err(format!("Baby {}'s date of birth is after today.", i + 1));
            }
            let due = form.value(&format!("Baby {} due", i + 1));
            b.due = if due.is_empty() {
                None
            } else {
                Some(parse_date(&due).map_err(|e| format!("Baby {} due: {e}", i + 1))?)
            };
            if let Some(due) = b.due {
                age::check_due(b.dob, due).map_err(|why| format!("Baby {}'s due date {why}.", i + 1))?;
            }
        }
        f.postcode = postcode(&form.value("Postcode"));
        f.home_language = form.value("Home language");
        f.interpreter = form.index("Interpreter needed") == 1;
        f.hv_level = HvLevel::ALL.get(form.index("Health visiting")).copied().unwrap_or(HvLevel::Unknown);
        f.need_level = match form.index("Level of need") {
            0 => None,
            n => Some(n as u8),
        };
        f.eha = form.index("EHA in place") == 1;
        for (label, consent) in [("Photo consent", &mut f.photos), ("Data sharing consent", &mut f.data_sharing)] {
            let answer = ConsentAnswer::ALL.get(form.index(label)).copied().unwrap_or(ConsentAnswer::NotAsked);
            if answer != consent.answer {
                *consent = Consent { answer, date: Some(today) };
            }
        }
        f.alerts = crate::import::roster::parse_alerts(&form.value("Alerts"));
        f.stamp.touch(self.clock.now(), self.store.device());
        self.store.save_family(&f).map_err(|e| format!("Not saved: {e}"))?;
        self.history = None;
        self.search.upsert(&f);
        self.families.insert(f.id, f.clone());
        self.done(format!("✓ {}'s details saved", f.first_carer()));
        Ok(())
    }

    fn note_form(&mut self, existing: Option<&Observation>) {
        let Some(id) = self.highlighted() else {
            self.info("Choose a family first.");
            return;
        };
        let Some(f) = self.families.get(&id) else { return };
        let babies = f.babies.iter().map(|b| (b.id, b.name.clone())).collect();
        let title = match existing {
            Some(_) => format!("Edit note · {}", self.who(f)),
            None => format!("New note · {}", self.who(f)),
        };
        self.focus = Some(id);
        self.overlay = Some(Overlay::Note(Box::new(NoteForm::new(id, title, babies, existing))));
    }

    fn edit_note(&mut self) {
        let Some(f) = self.focus else { return };
        let notes = self.notes_of(f);
        match notes.get(self.notes.cursor.selected) {
            Some(o) => self.note_form(Some(&o.clone())),
            None => self.info("No note to edit: press n to write one."),
        }
    }

    fn save_note(&mut self, mut note: Box<NoteForm>) {
        let body = note.body();
        if body.trim().is_empty() && note.tags.is_empty() {
            note.error = Some("Write something or choose a tag (Tab) before saving.".into());
            note.part = NotePart::Text;
            self.overlay = Some(Overlay::Note(note));
            return;
        }
        let now = self.clock.now();
        let rev = Revision {
            id: new_id(now),
            parents: vec![],
            tags: note.tags.clone(),
            text: body,
            concern: note.concern,
            follow_up: if note.concern == Concern::None {
                String::new()
            } else {
                input_text(&note.follow_up).trim().to_string()
            },
            baby: note.baby,
            by: self.initials.clone(),
            at: now,
            why: input_text(&note.why).trim().to_string(),
        };
        let result = match note.editing {
            Some(obs_id) => {
                let existing = self
                    .store
                    .observations_of_family(note.family)
                    .ok()
                    .and_then(|l| l.into_iter().find(|o| o.id == obs_id));
                match existing {
                    Some(mut o) if note.changed() => {
                        o.revise(rev, self.store.device());
                        self.store.save_observation(&o).map(|_| o)
                    }
                    Some(o) => {
                        self.info("Nothing changed.");
                        Ok(o)
                    }
                    None => Err(StoreError::Refused("that note is no longer in the store".into())),
                }
            }
            None => self.session().and_then(|s| {
                let o = Observation::new(new_id(now), note.family, s.id, rev, self.store.device());
                self.store.save_observation(&o).map(|_| o)
            }),
        };
        match result {
            Ok(o) => {
                if let Err(e) = self.refresh(o.family) {
                    self.error(e.to_string());
                    return;
                }
                let flag = if o.concern() == Concern::Safeguarding {
                    " — safeguarding concern: tell the safeguarding lead today"
                } else {
                    ""
                };
                self.done(format!("✓ Note saved {}{flag}", self.now_hm()));
            }
            Err(e) => {
                note.error = Some(format!("Not saved: {e}. Your text is still here; try Ctrl-S again."));
                self.overlay = Some(Overlay::Note(note));
            }
        }
    }
}
