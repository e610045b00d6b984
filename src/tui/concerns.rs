//! Open concerns (follow-up, safeguarding) from any session: read for the
//! families on screen (a Luton-wide roster has thousands of rows, each family's
//! notes sealed: reading them all would hold up the first frame), as the
//! roster or the search list moves, and said without their words (level, date, author)
//! wherever the family is named: the roster's `!`, the check-in message, the
//! Family screen. The words are one key away, on Notes.

use super::app::App;
use crate::domain::{Concern, Observation};
use crate::store::StoreError;
use uuid::Uuid;

impl App {
    /// Reads the open concerns of the roster's rows on screen and a screenful
    /// either side, so that scrolling finds them read.
    pub fn read_shown_concerns(&mut self) -> Result<(), StoreError> {
        let at = self.roster.cursor.selected;
        let shown: Vec<Uuid> = self.roster_rows().into_iter().skip(at.saturating_sub(60)).take(120).collect();
        self.read_concerns(&shown)
    }

    /// Work for a pause between keys: families still to read, then the
    /// concerns of the search's hits.
    pub fn has_idle_work(&self) -> bool {
        self.loading.is_some() || !self.concerns_wanted.is_empty()
    }

    /// One piece of that work; what fails to read is said on the status line.
    pub fn idle_step(&mut self) -> Result<(), StoreError> {
        if self.loading.is_some() {
            return self.load_step();
        }
        let wanted = std::mem::take(&mut self.concerns_wanted);
        if let Err(e) = self.read_concerns(&wanted) {
            self.error(e.to_string());
        }
        Ok(())
    }

    /// Reads the open concerns of those of `ids` not read yet, a few at once.
    pub fn read_concerns(&mut self, ids: &[Uuid]) -> Result<(), StoreError> {
        let missing: Vec<Uuid> = ids.iter().filter(|id| !self.concerns.contains_key(id)).copied().collect();
        let found = crate::par::map(&missing, 50, |id| self.store.open_concerns(*id));
        for (id, open) in missing.into_iter().zip(found) {
            self.concerns.insert(id, open?);
        }
        Ok(())
    }
}

/// "Safeguarding concern raised 12/11/2026 by JH": an open concern, without its words.
pub fn words(o: &Observation) -> Option<String> {
    let r = o.open_concern()?;
    let what = match r.concern {
        Concern::Safeguarding => "Safeguarding concern",
        _ => "Follow-up",
    };
    Some(format!("{what} raised {} by {}", r.at.format("%d/%m/%Y"), crate::text::clean(&r.by)))
}
