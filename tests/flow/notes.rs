//! Observation notes: tags, twins, discarding, editing.

use crate::support::*;
use crate::*;
use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use thinkbaby::domain::Concern;
use thinkbaby::tui::overlay::Overlay;

// ---- notes -----------------------------------------------------------------------------

#[test]
fn a_note_with_tags_is_still_there_after_reopening() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'n');
    let s = screen(&mut app);
    assert!(s.contains("New note · Zoë Clarke with Ava (6m)"), "{s}");
    typ(&mut app, "Sang to Ava and waited for her smile before each verse.");
    tab(&mut app);
    // In the tags, letters toggle tags by hotkey: a = responds to cues, f = talks or sings.
    ch(&mut app, 'a');
    ch(&mut app, 'f');
    ch(&mut app, 'b');
    ch(&mut app, 'b');
    let s = screen(&mut app);
    assert!(s.contains("[✓] a Responds to cues"), "{s}");
    assert!(s.contains("[✓] f Talks or sings to baby"), "{s}");
    assert!(s.contains("[ ] b Misses cues"), "b twice is off again:\n{s}");
    tab(&mut app);
    key(&mut app, KeyCode::Right);
    let s = screen(&mut app);
    assert!(s.contains("Concern: ◀ Follow up ▶"), "{s}");
    ctrl(&mut app, 's');
    assert!(app.overlay().is_none());
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Note saved 10:05", "{s}");
    assert!(row_of(&s, "Zoë Clarke").ends_with(" 1"), "the notes column counts it:\n{s}");
    assert!(counts(&s).contains("1 concern"), "{s}");

    drop(app);
    let store = fx.store();
    let zoe = family_named(&store, "Zoë Clarke");
    let notes = notes_of(&store, &zoe);
    assert_eq!(notes.len(), 1);
    let o = &notes[0];
    assert_eq!(o.author, INITIALS);
    assert_eq!(o.at, at(10, 5));
    assert_eq!(o.revisions.len(), 1);
    let r = o.current();
    assert_eq!(r.text, "Sang to Ava and waited for her smile before each verse.");
    assert_eq!(r.tags, vec!["responds-to-cues".to_string(), "talks-sings".to_string()]);
    assert_eq!(r.concern, Concern::FollowUp);
    assert_eq!(r.baby, Some(zoe.babies[0].id), "one baby: the note is about her");
    assert_eq!(Some(o.session), store.session_on(group(&store).id, today()).unwrap().map(|s| s.id));
    drop(store);

    // The next run shows it on Notes (3).
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, '3');
    let s = screen(&mut app);
    assert!(s.contains("Notes · Zoë Clarke with Ava (6m)"), "{s}");
    assert!(s.contains("Thu 19 Nov 10:05 · AB · about Ava"), "{s}");
    assert!(s.contains("follow up"), "{s}");
    assert!(s.contains("[Responds to cues] [Talks or sings to baby]"), "{s}");
    assert!(s.contains("Sang to Ava and waited for her smile before each verse."), "{s}");
}

#[test]
fn a_note_about_one_twin() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Ioana Popescu");
    ch(&mut app, 'n');
    typ(&mut app, "Maria rolled over for the first time.");
    tab(&mut app);
    tab(&mut app);
    tab(&mut app);
    let s = screen(&mut app);
    assert!(s.contains("Baby: ◀ whole family ▶"), "{s}");
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    let s = screen(&mut app);
    assert!(s.contains("Baby: ◀ Maria ▶"), "{s}");
    ctrl(&mut app, 's');
    ch(&mut app, '3');
    let s = screen(&mut app);
    assert!(s.contains("about Maria"), "{s}");

    drop(app);
    let store = fx.store();
    let ioana = family_named(&store, "Ioana Popescu");
    let maria = ioana.babies.iter().find(|b| b.name == "Maria").unwrap();
    let notes = notes_of(&store, &ioana);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].current().baby, Some(maria.id));
    assert_eq!(notes[0].current().concern, Concern::None);
}

#[test]
fn esc_on_a_note_with_text_asks_before_discarding() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Nguyễn Thị Lan");
    ch(&mut app, 'n');
    typ(&mut app, "Half a thought");
    esc(&mut app);
    let s = screen(&mut app);
    assert!(s.contains("Discard this note? Its text has not been saved. (y/n)"), "{s}");
    ch(&mut app, 'n');
    let s = screen(&mut app);
    assert!(matches!(app.overlay(), Some(Overlay::Note(_))), "{s}");
    assert!(s.contains("Half a thought"), "the text is still there:\n{s}");
    esc(&mut app);
    ch(&mut app, 'y');
    assert!(app.overlay().is_none());
    assert!(status(&screen(&mut app)).contains("Discarded; nothing was saved."));
    // An empty note closes without asking.
    ch(&mut app, 'n');
    esc(&mut app);
    assert!(app.overlay().is_none());

    drop(app);
    let store = fx.store();
    let lan = family_named(&store, "Nguyễn Thị Lan");
    assert!(notes_of(&store, &lan).is_empty());
}

#[test]
fn an_edited_note_keeps_its_earlier_revision() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "সাদিয়া");
    ch(&mut app, 'n');
    typ(&mut app, "Rafi calm on the mat.");
    ctrl(&mut app, 's');

    fx.clock.advance(Duration::minutes(20));
    ch(&mut app, '3');
    ch(&mut app, 'e');
    let s = screen(&mut app);
    assert!(s.contains("Edit note · সাদিয়া with Rafi (5m)"), "{s}");
    assert!(s.contains("Rafi calm on the mat."), "the saved text is in the form:\n{s}");
    typ(&mut app, " Mum sang to him.");
    tab(&mut app);
    ch(&mut app, 'f');
    tab(&mut app);
    tab(&mut app);
    typ(&mut app, "added what mum did");
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Note saved 10:25", "{s}");
    assert!(s.contains("edited (2 versions)"), "{s}");
    assert!(s.contains("Rafi calm on the mat. Mum sang to him."), "{s}");
    assert!(!s.contains("version 1 by"), "earlier versions only on request:\n{s}");

    ch(&mut app, 'v');
    let s = screen(&mut app);
    assert!(s.contains("version 1 by AB at 19 Nov 10:05:"), "{s}");
    assert!(s.contains("     Rafi calm on the mat.\n"), "{s}");
    assert!(s.contains("latest change: added what mum did"), "{s}");

    drop(app);
    let store = fx.store();
    let f = family_named(&store, "সাদিয়া");
    let notes = notes_of(&store, &f);
    assert_eq!(notes.len(), 1, "an edit is a revision, not a second note");
    let o = &notes[0];
    assert_eq!(o.revisions.len(), 2);
    assert_eq!(o.revisions[0].text, "Rafi calm on the mat.");
    assert!(o.revisions[0].tags.is_empty());
    assert_eq!(o.revisions[0].at, at(10, 5));
    assert_eq!(o.revisions[1].text, "Rafi calm on the mat. Mum sang to him.");
    assert_eq!(o.revisions[1].tags, vec!["talks-sings".to_string()]);
    assert_eq!(o.revisions[1].why, "added what mum did");
    assert_eq!(o.revisions[1].at, at(10, 25));
    assert_eq!(o.at, at(10, 5), "the note keeps the time it was first written");
}
