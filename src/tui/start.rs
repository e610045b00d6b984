//! Start-up: the first screen (welcome, picker, or straight into the one
//! group), today's families read before the first frame and everyone else a
//! piece at a time after it, and the day worked out as families become known.

use super::Options;
use super::action::Screen;
use super::app::App;
use super::day::Day;
use super::facts::Facts;
use super::families::Families;
use super::flows;
use super::state::*;
use super::theme::Theme;
use crate::clock::Clock;
use crate::domain::Group;
use crate::domain::fold::fold;
use crate::domain::tags::TagList;
use crate::search::SearchIndex;
use crate::store::{META_INITIALS, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use uuid::Uuid;

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
        let groups = store.groups()?;
        let initials: String = store.meta::<String>(META_INITIALS)?.unwrap_or_default();
        let pending = store.pending()?;
        let now = clock.now();
        let mut app = App {
            store,
            clock,
            theme,
            tags: TagList::built_in(),
            options,
            phase: Phase::Welcome,
            screen: Screen::Roster,
            overlays: vec![],
            initials,
            families: Families::default(),
            search: SearchIndex::new(&[]),
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
            family: FamilyState::default(),
            focus: None,
            history: None,
            status: None,
            summary: None,
            roll_marks: HashSet::new(),
            concerns: HashMap::new(),
            concerns_wanted: Vec::new(),
            pending,
            facts: Facts::first(),
            last_key: now,
            quit: false,
        };
        app.sort_groups();
        app.start()?;
        Ok(app)
    }

    /// Groups that meet today first, then by name.
    pub(super) fn sort_groups(&mut self) {
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

    pub(super) fn open_group(&mut self, group: Group) -> Result<(), StoreError> {
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
        if self.overlays.is_empty() {
            flows::initials::ask(self);
        }
        Ok(())
    }

    /// Reads families not yet in memory.
    fn fetch(&mut self, ids: &[Uuid]) -> Result<(), StoreError> {
        let missing: Vec<Uuid> = ids.iter().filter(|id| !self.families.contains_key(id)).copied().collect();
        for found in crate::par::map(&missing, 500, |id| self.store.family(*id)) {
            // A family joined into another is shown as that one.
            if let Some(f) = found?.filter(|f| f.joined_into.is_none()) {
                self.families.insert(f);
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
        for f in piece.iter().filter(|f| f.joined_into.is_none()) {
            self.families.add_packed(f);
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

    /// Works out the day afresh: who is expected, who is here, first visits,
    /// and the open concerns of the families on screen.
    pub fn reload_day(&mut self) -> Result<(), StoreError> {
        self.history = None;
        let Some(day) = self.day.as_mut() else { return Ok(()) };
        day.load(&self.store, &self.families, self.loading.is_none())?;
        // Today's roster is drawn at every frame: kept decoded.
        self.families.keep_open(&day.roster);
        self.read_shown_concerns()
    }

    /// After a commit about one family: reads what it changed about today.
    pub fn refresh(&mut self, id: Uuid) -> Result<(), StoreError> {
        self.history = None;
        self.concerns.remove(&id);
        self.read_concerns(&[id])?;
        match self.day.as_mut() {
            Some(day) => day.refresh(&self.store, &self.families, id),
            None => Ok(()),
        }
    }
}
