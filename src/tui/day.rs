//! The open session and what the screens need to know about it: who is expected,
//! who is here, today's notes and who comes for the first time.
//!
//! It is worked out whole when a group is opened. After a commit only the family
//! it was about is read again: on a Luton-wide store a whole reload reads every
//! expected family's history and would make each check-in wait for it.

use super::families::Families;
use crate::domain::fold::fold;
use crate::domain::{Attendance, Concern, Group, Observation, Session};
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug)]
pub struct Day {
    pub group: Group,
    pub date: NaiveDate,
    /// Made at the first check-in or note, so merely looking writes nothing.
    pub session: Option<Session>,
    pub attendance: HashMap<Uuid, Attendance>,
    /// Today's live observations, by family.
    pub notes: HashMap<Uuid, Vec<Observation>>,
    /// Families with an attendance at any session before today.
    pub been_before: HashSet<Uuid>,
    /// Families expected at this group, and anyone checked in or written about
    /// today: sorted by name.
    pub roster: Vec<Uuid>,
    /// How many on the roster were expected (not walk-ins today), for the header.
    pub expected: usize,
    /// How many of those expected are checked in (or were, and left).
    pub came: usize,
    /// Today's notes that raise a concern, for the header (counted when the
    /// notes are read, not at every frame: a note's concern walks its revisions).
    pub concerns: usize,
}

impl Day {
    pub fn new(group: Group, date: NaiveDate, session: Option<Session>) -> Day {
        Day {
            group,
            date,
            session,
            attendance: HashMap::new(),
            notes: HashMap::new(),
            been_before: HashSet::new(),
            roster: vec![],
            expected: 0,
            came: 0,
            concerns: 0,
        }
    }

    /// Works the day out afresh from the store. `everyone` false reads notes and
    /// past visits only for the families here today: enough for the first frame,
    /// while the rest of the families are still being read.
    pub fn load(&mut self, store: &Store, families: &Families, everyone: bool) -> Result<(), StoreError> {
        self.attendance.clear();
        // Who came and what was written, from the session's own visits: a
        // family without a visit today has no note today, so the roster's
        // families need not be asked one by one.
        let mut written: HashMap<Uuid, Vec<Observation>> = HashMap::new();
        if let Some(s) = &self.session {
            for (family, visit) in store.visits_of_session(s.id)? {
                if let Some(a) = visit.attendance {
                    self.attendance.insert(a.family, a);
                }
                let live: Vec<Observation> = visit.notes.into_iter().filter(|o| o.is_live()).collect();
                if !live.is_empty() {
                    written.insert(family, live);
                }
            }
        }
        let mut ids: HashSet<Uuid> = families.expected_at(self.group.id, self.date).into_iter().collect();
        ids.extend(self.attendance.keys().copied());
        // Whoever was listed before stays a candidate: a walk-in whose check-in
        // was undone is still listed while a note about them today stands.
        ids.extend(self.roster.iter().copied());
        self.notes = written.into_iter().filter(|(id, _)| ids.contains(id)).collect();
        let asked: Vec<Uuid> = ids.iter().filter(|id| everyone || self.attendance.contains_key(id)).copied().collect();
        // A small read for each of a few thousand families: spread over the cores.
        let found = crate::par::map(&asked, 500, |id| self.came_before(store, *id));
        self.been_before.clear();
        for (id, before) in asked.iter().zip(found) {
            if before? {
                self.been_before.insert(*id);
            }
        }
        self.roster = ids.into_iter().filter(|id| self.belongs(families, *id)).collect();
        self.sort_and_count(families);
        Ok(())
    }

    /// Reads one family's attendance and notes today again, after a commit about
    /// them, and lists or unlists them.
    pub fn refresh(&mut self, store: &Store, families: &Families, id: Uuid) -> Result<(), StoreError> {
        if let Some(s) = &self.session {
            match store.attendance(s.id, id)? {
                Some(a) => self.attendance.insert(id, a),
                None => self.attendance.remove(&id),
            };
        }
        self.read_notes(store, id)?;
        if self.came_before(store, id)? {
            self.been_before.insert(id);
        } else {
            self.been_before.remove(&id);
        }
        let listed = self.roster.contains(&id);
        if self.belongs(families, id) != listed {
            if listed {
                self.roster.retain(|r| *r != id);
            } else {
                self.roster.push(id);
            }
        }
        self.sort_and_count(families);
        Ok(())
    }

    fn read_notes(&mut self, store: &Store, id: Uuid) -> Result<(), StoreError> {
        let notes = self.notes_today(store, id)?;
        if notes.is_empty() {
            self.notes.remove(&id);
        } else {
            self.notes.insert(id, notes);
        }
        Ok(())
    }

    /// The family's live notes at today's session.
    fn notes_today(&self, store: &Store, id: Uuid) -> Result<Vec<Observation>, StoreError> {
        match &self.session {
            Some(s) => Ok(store.observations_at(id, s.id)?.into_iter().filter(|o| o.is_live()).collect()),
            None => Ok(vec![]),
        }
    }

    /// Whether the family came to any session before today, at any group.
    fn came_before(&self, store: &Store, id: Uuid) -> Result<bool, StoreError> {
        store.came_before(id, self.date)
    }

    /// Listed today: expected, here, or written about.
    fn belongs(&self, families: &Families, id: Uuid) -> bool {
        families.get(&id).is_some_and(|f| {
            f.expected_at(self.group.id, self.date) || self.attendance.contains_key(&id) || self.notes.contains_key(&id)
        })
    }

    /// Sorts the roster by name and counts the expected, and how many of them
    /// came: from the same families, so the header never says more came than
    /// were expected (an erased family is expected no more, though its
    /// attendance stays for the figures).
    fn sort_and_count(&mut self, families: &Families) {
        self.roster.sort_by_cached_key(|id| families.get(id).map(|f| fold(f.first_carer())));
        let expected: Vec<Uuid> = self
            .roster
            .iter()
            .filter_map(|id| families.get(id))
            .filter(|f| {
                f.expected_at(self.group.id, self.date) && !self.attendance.get(&f.id).is_some_and(|a| a.walk_in)
            })
            .map(|f| f.id)
            .collect();
        self.expected = expected.len();
        self.came = expected.iter().filter(|id| self.attendance.contains_key(id)).count();
        self.concerns = self.notes.values().flatten().filter(|o| o.concern() != Concern::None).count();
    }
}
