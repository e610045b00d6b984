//! A concern raised at an earlier session stays in sight until someone marks
//! it resolved: `!` on the roster and in the check-in list, its level, date
//! and author at check-in, its follow-up on Notes.

use crate::support::*;
use crate::*;
use chrono::Duration;
use thinkbaby::domain::Concern;

/// Last week, AB wrote a safeguarding note about Zoë, with what will be done.
fn a_concern_last_week(fx: &Fixture) {
    fx.clock.advance(Duration::days(-7));
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'n');
    typ(&mut app, "A bruise on Ava's arm; mum said she fell.");
    tab(&mut app);
    tab(&mut app);
    ch(&mut app, 's');
    tab(&mut app);
    typ(&mut app, "Told the safeguarding lead; she calls mum on Monday.");
    ctrl(&mut app, 's');
    drop(app);
    fx.clock.advance(Duration::days(7));
}

#[test]
fn a_concern_from_last_week_is_in_sight_until_it_is_marked_resolved() {
    let fx = Fixture::new();
    a_concern_last_week(&fx);
    let mut app = fx.app();
    let s = screen(&mut app);
    assert!(row_of(&s, "Zoë Clarke").contains(" ! "), "flagged on the roster:\n{s}");
    assert!(!row_of(&s, "Łucja Nowak").contains(" ! "), "{s}");
    ch(&mut app, '2');
    typ(&mut app, "zoe");
    let s = screen(&mut app);
    assert!(hits(&s)[0].contains("! Zoë Clarke"), "and in the check-in list:\n{s}");
    enter(&mut app);
    let s = screen(&mut app);
    let alert = s.lines().nth(s.lines().count() - 2).unwrap();
    assert_eq!(alert, " ! Safeguarding concern raised 12/11/2026 by AB: Notes (3)", "{s}");
    assert!(!s.contains("bruise"), "the words stay on Notes:\n{s}");

    // Notes: the follow-up in words, and r to mark it resolved, asked first.
    esc(&mut app);
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, '3');
    let s = screen(&mut app);
    assert!(s.contains("   Follow-up: Told the safeguarding lead; she calls mum on Monday."), "{s}");
    assert!(s.contains("   ! Open: r marks it resolved"), "{s}");
    ch(&mut app, 'r');
    let s = screen(&mut app);
    assert!(s.contains("Mark the safeguarding concern raised 12/11/2026 by AB resolved?"), "{s}");
    ch(&mut app, 'y');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Concern marked resolved by AB at 10:05", "{s}");
    assert!(s.contains("   Resolved by AB on 19/11/2026 10:05"), "{s}");
    ch(&mut app, '1');
    assert!(!row_of(&screen(&mut app), "Zoë Clarke").contains(" ! "), "no longer flagged");

    // The store keeps who and when, and the note as it was.
    drop(app);
    let store = fx.store();
    let notes = notes_of(&store, &family_named(&store, "Zoë Clarke"));
    assert_eq!(notes.len(), 1);
    assert!(notes[0].open_concern().is_none());
    assert_eq!(notes[0].concern(), Concern::Safeguarding, "the level stays, for the figures");
    assert_eq!((notes[0].resolutions[0].by.as_str(), notes[0].resolutions[0].at), ("AB", at(10, 5)));
}

#[test]
fn a_note_without_an_open_concern_has_nothing_to_resolve() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Łucja Nowak");
    ch(&mut app, 'n');
    typ(&mut app, "Zofia smiled at the mirror.");
    ctrl(&mut app, 's');
    ch(&mut app, '3');
    ch(&mut app, 'r');
    assert!(app.overlay().is_none());
    assert_eq!(status(&screen(&mut app)), " This note has no open concern to mark resolved.");
}
