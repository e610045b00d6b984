//! Flow tests: a facilitator's key presses on a fixture store with a fixed clock,
//! drawn on ratatui's `TestBackend`. Each test asserts what the screen says and,
//! where something is saved, what the store holds (read back after the app is
//! gone, as the next run of the program would read it).

mod support;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use support::*;
use thinkbaby::domain::Concern;
use thinkbaby::text::fit;
use thinkbaby::tui::action::Screen;
use thinkbaby::tui::keymap::{self, BINDINGS};
use thinkbaby::tui::overlay::Overlay;
use thinkbaby::tui::theme::Theme;

fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 19, h, m, 0).unwrap()
}

/// The line of the screen that the status message is on (one above the footer).
fn status(screen: &str) -> &str {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - 2]
}

/// The header's counts line.
fn counts(screen: &str) -> &str {
    screen.lines().nth(1).unwrap_or("")
}

/// The check-in hits: the lines under the search box.
fn hits(screen: &str) -> Vec<&str> {
    let lines: Vec<&str> = screen.lines().collect();
    lines[5..lines.len() - 2].iter().copied().filter(|l| !l.trim().is_empty()).collect()
}

// ---- check-in -----------------------------------------------------------------------

#[test]
fn check_in_by_search() {
    let fx = Fixture::new();
    let mut app = fx.app();
    let s = screen(&mut app);
    assert!(counts(&s).contains("Here 0 · 0 of 8 expected"), "{s}");
    assert_eq!(glyph_of(&s, "Zoë Clarke"), "·");

    ch(&mut app, '2');
    assert_eq!(app.screen, Screen::CheckIn);
    let s = screen(&mut app);
    assert!(s.contains("Find: ▏"), "the search box is focused on arrival:\n{s}");
    typ(&mut app, "zoe");
    let s = screen(&mut app);
    assert!(s.contains(" Find: zoe▏"), "{s}");
    let found = hits(&s);
    assert!(found[0].contains("Zoë Clarke") && found[0].contains("Ava 6m"), "{s}");
    enter(&mut app);

    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Zoë Clarke with Ava (6m) checked in 10:05", "{s}");
    assert!(s.contains(" Find: ▏"), "the search is empty and focused for the next family:\n{s}");
    assert!(counts(&s).contains("Here 1 · 1 of 8 expected · 1 first visit"), "{s}");
    assert_eq!(glyph_of(&s, "Zoë Clarke"), "✓", "{s}");

    // A family already in is told so, not checked in twice.
    typ(&mut app, "zoe");
    enter(&mut app);
    let s = screen(&mut app);
    assert!(status(&s).contains("Zoë Clarke with Ava (6m) is already checked in (since 10:05)"), "{s}");

    esc(&mut app);
    assert_eq!(app.screen, Screen::Roster);
    let s = screen(&mut app);
    let row = row_of(&s, "Zoë Clarke");
    assert!(row.trim_start().starts_with('✓') && row.contains("10:05"), "{s}");

    drop(app);
    let store = fx.store();
    let zoe = family_named(&store, "Zoë Clarke");
    let all = attendance_today(&store);
    assert_eq!(all.len(), 1, "one check-in, not two: {all:?}");
    let a = &all[0];
    assert_eq!(a.family, zoe.id);
    assert_eq!(a.checked_in, at(10, 5));
    assert_eq!(a.checked_out, None);
    assert_eq!(a.by, INITIALS);
    assert!(!a.walk_in);
    assert_eq!(a.carers, vec![zoe.carers[0].id]);
    assert_eq!(a.babies, vec![zoe.babies[0].id]);
}

#[test]
fn search_ignores_accents_and_case() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '2');
    for (query, who) in [
        ("zoe", "Zoë Clarke"),
        ("ZOË", "Zoë Clarke"),
        ("lucja", "Łucja Nowak"),
        ("nguyen thi", "Nguyễn Thị Lan"),
        ("minh anh", "Nguyễn Thị Lan"),
        ("李娜", "李娜"),
        ("محمد", "محمد"),
        ("900555", "সাদিয়া"),
        ("lu12tw", "Łucja Nowak"),
        ("maria", "Ioana Popescu"),
    ] {
        typ(&mut app, query);
        let s = screen(&mut app);
        let found = hits(&s);
        assert!(!found.is_empty() && found[0].contains(who), "{query:?} should find {who} first:\n{s}");
        assert_eq!(app.highlighted().map(|id| app.families[&id].first_carer().to_string()).as_deref(), Some(who));
        for _ in query.chars() {
            key(&mut app, KeyCode::Backspace);
        }
    }

    // And Enter checks in the one found by its unaccented name.
    typ(&mut app, "lucja");
    enter(&mut app);
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Łucja Nowak with Zofia (4m) checked in 10:05", "{s}");
    drop(app);
    let store = fx.store();
    let lucja = family_named(&store, "Łucja Nowak");
    assert!(attendance_of(&store, &lucja).is_some());
    assert_eq!(attendance_today(&store).len(), 1);
}

// ---- walk-in ----------------------------------------------------------------------

#[test]
fn walk_in_from_a_search_that_finds_nobody() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '2');
    typ(&mut app, "Fatima Noor");
    let s = screen(&mut app);
    assert!(s.contains("Nobody matches \"Fatima Noor\". Press Enter to add them as a walk-in."), "{s}");
    enter(&mut app);
    let s = screen(&mut app);
    assert!(s.contains("Walk-in"), "{s}");
    assert!(row_of(&s, "Carer's name").contains("Fatima Noor"), "the typed name fills the form:\n{s}");

    enter(&mut app);
    typ(&mut app, "Layla");
    enter(&mut app);
    // A date that does not exist: Enter stays on the field, says why, and keeps the typing.
    typ(&mut app, "31/02/2026");
    enter(&mut app);
    let s = screen(&mut app);
    assert!(matches!(app.overlay(), Some(Overlay::Form(_))), "{s}");
    assert!(s.contains("✗ Baby's date of birth: \"31/02/2026\" is not a date"), "{s}");
    assert!(row_of(&s, "Carer's name").contains("Fatima Noor"), "{s}");
    assert!(row_of(&s, "▶Baby's date of birth").contains("31/02/2026▏"), "the cursor stays on the date:\n{s}");
    assert!(attendance_today(&app.store).is_empty(), "nothing saved yet");

    // Correct it where it is, then go on and save from the last field.
    for _ in 0.."31/02/2026".len() {
        key(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "03/10/2026");
    enter(&mut app);
    let s = screen(&mut app);
    assert!(!s.contains("✗"), "the error goes once the date is right:\n{s}");
    typ(&mut app, "07700 900999");
    enter(&mut app);
    typ(&mut app, "lu4 0aa");
    enter(&mut app);
    assert!(app.overlay().is_none(), "saved and closed");
    let s = screen(&mut app);
    assert_eq!(status(&s), " + Fatima Noor with Layla (6w) checked in 10:05 as a walk-in", "{s}");
    assert!(counts(&s).contains("Here 1 · 0 of 8 expected · 1 walk-in"), "a walk-in was not expected today:\n{s}");
    esc(&mut app);
    let s = screen(&mut app);
    assert_eq!(glyph_of(&s, "Fatima Noor"), "+", "{s}");
    assert!(row_of(&s, "Fatima Noor").contains("walk-in"), "{s}");

    drop(app);
    let store = fx.store();
    let f = family_named(&store, "Fatima Noor");
    assert_eq!(f.carers[0].phone, "07700 900999");
    assert_eq!(f.babies.len(), 1);
    assert_eq!(f.babies[0].name, "Layla");
    assert_eq!(f.babies[0].dob, NaiveDate::from_ymd_opt(2026, 10, 3).unwrap());
    assert_eq!(f.postcode, "LU4 0AA");
    assert_eq!(f.groups, vec![group(&store).id], "expected at this group from next week");
    let a = attendance_of(&store, &f).expect("checked in");
    assert!(a.walk_in);
    assert_eq!(a.checked_in, at(10, 5));
    assert_eq!(a.babies, vec![f.babies[0].id]);
}

#[test]
fn walk_in_from_the_roster_saved_with_ctrl_s() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, 'w');
    let s = screen(&mut app);
    assert!(s.contains("Walk-in · Ctrl-S saves · Esc cancels"), "{s}");
    typ(&mut app, "Grace Okafor");
    enter(&mut app);
    typ(&mut app, "Tobi");
    enter(&mut app);
    typ(&mut app, "2026-08-01");
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert!(app.overlay().is_none(), "{s}");
    assert_eq!(status(&s), " + Grace Okafor with Tobi (3m) checked in 10:05 as a walk-in", "{s}");
    assert_eq!(glyph_of(&s, "Grace Okafor"), "+", "{s}");

    drop(app);
    let store = fx.store();
    let f = family_named(&store, "Grace Okafor");
    assert_eq!(f.babies[0].dob, NaiveDate::from_ymd_opt(2026, 8, 1).unwrap());
    assert!(attendance_of(&store, &f).is_some_and(|a| a.walk_in));
}

// ---- start-up: the first frame before every family is read --------------------------

/// The app as the program starts it: the expected families read, the rest not yet.
/// Takes the family off the fixture group's list (as if from another group's); returns its id.
fn off_the_list(fx: &Fixture, carer: &str) -> uuid::Uuid {
    let store = fx.store();
    let mut f = family_named(&store, carer);
    f.groups.clear();
    let mut change = thinkbaby::store::Change::default();
    change.put_family(&f);
    store.commit(change).unwrap();
    f.id
}

fn starting(fx: &Fixture) -> thinkbaby::tui::app::App {
    let store = thinkbaby::store::Store::open(fx.dir.path()).unwrap();
    thinkbaby::tui::app::App::starting(store, fx.clock.clone(), options(), Theme { color: true }).unwrap()
}

#[test]
fn the_roster_shows_before_the_families_are_read_and_search_waits_for_them() {
    let fx = Fixture::new();
    // Zoë is on another group's list: only search finds her here.
    let zoe = off_the_list(&fx, "Zoë Clarke");

    // The very first start knows nobody yet, and says it is reading.
    let mut app = starting(&fx);
    sign_in(&mut app);
    assert!(app.loading.is_some());
    let s = screen(&mut app);
    assert!(s.contains("Reading the families…"), "{s}");
    assert!(!s.contains("Nobody is expected"), "{s}");
    app.finish_loading().unwrap();
    let s = screen(&mut app);
    assert!(counts(&s).contains("0 of 7 expected"), "{s}");
    drop(app);

    // It left the list of the expected behind: the next start shows them at once.
    let mut app = starting(&fx);
    sign_in(&mut app);
    assert!(app.loading.is_some(), "the families are not read yet");
    let s = screen(&mut app);
    assert!(counts(&s).contains("0 of 7 expected"), "{s}");
    assert_eq!(glyph_of(&s, "Łucja Nowak"), "·", "{s}");
    assert!(!s.contains("Zoë Clarke"), "{s}");

    // Search has nothing to go on yet: it says so instead of offering a
    // walk-in, and Enter reads the rest before deciding.
    ch(&mut app, '2');
    typ(&mut app, "zoe");
    let s = screen(&mut app);
    assert!(s.contains("Still reading the families (0 so far)…"), "{s}");
    assert!(!s.contains("Nobody matches"), "{s}");
    enter(&mut app);
    assert!(app.loading.is_none(), "Enter read every family");
    assert!(app.overlay().is_none(), "no walk-in form: Zoë is on the store:\n{}", screen(&mut app));
    assert_eq!(app.checkin.hits, vec![zoe]);
    enter(&mut app);
    let s = screen(&mut app);
    assert!(status(&s).contains("Zoë Clarke with Ava (6m) checked in"), "{s}");
}

// ---- undo and check-out -------------------------------------------------------------

#[test]
fn undo_a_check_in_after_saying_yes() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "محمد");
    ch(&mut app, 'c');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ محمد with Yusuf (2m) checked in 10:05", "{s}");
    assert_eq!(glyph_of(&s, "محمد"), "✓");
    let mohammed = family_named(&app.store, "محمد");
    assert!(attendance_of(&app.store, &mohammed).is_some());

    // "n" leaves it as it was.
    ch(&mut app, 'u');
    let s = screen(&mut app);
    assert!(s.contains("Undo the check-in of محمد? (y/n)"), "{s}");
    ch(&mut app, 'n');
    assert!(app.overlay().is_none());
    let s = screen(&mut app);
    assert_eq!(glyph_of(&s, "محمد"), "✓", "{s}");
    assert!(attendance_of(&app.store, &mohammed).is_some());

    ch(&mut app, 'u');
    ch(&mut app, 'y');
    let s = screen(&mut app);
    assert_eq!(status(&s), " Check-in of محمد undone", "{s}");
    assert_eq!(glyph_of(&s, "محمد"), "·", "{s}");
    assert!(counts(&s).contains("Here 0 · 0 of 8 expected"), "{s}");

    // Undo on a family that is not in says so.
    ch(&mut app, 'u');
    assert!(app.overlay().is_none());
    assert!(status(&screen(&mut app)).contains("محمد is not checked in."));

    drop(app);
    let store = fx.store();
    assert!(attendance_of(&store, &mohammed).is_none());
    assert!(attendance_today(&store).is_empty());
}

#[test]
fn a_family_written_about_today_stays_listed_after_their_check_in_is_undone() {
    let fx = Fixture::new();
    // Zoë comes from another group's list, so she is not expected here.
    off_the_list(&fx, "Zoë Clarke");
    let mut app = fx.app();
    assert!(!screen(&mut app).contains("Zoë Clarke"), "not on this group's list");
    ch(&mut app, '2');
    typ(&mut app, "zoe");
    enter(&mut app);
    esc(&mut app);
    ch(&mut app, '1');
    let s = screen(&mut app);
    assert_eq!(glyph_of(&s, "Zoë Clarke"), "+", "listed, as a walk-in, once she is in:\n{s}");
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'n');
    typ(&mut app, "Came with her sister; Ava slept through.");
    ctrl(&mut app, 's');
    ch(&mut app, 'u');
    ch(&mut app, 'y');
    let s = screen(&mut app);
    assert_eq!(status(&s), " Check-in of Zoë Clarke undone", "{s}");
    assert!(row_of(&s, "Zoë Clarke").ends_with(" 1"), "still listed, with today's note:\n{s}");
    assert!(counts(&s).contains("Here 0"), "{s}");
}

#[test]
fn check_out_keeps_the_time_out() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Łucja Nowak");
    ch(&mut app, 'x');
    assert!(status(&screen(&mut app)).contains("Łucja Nowak is not checked in."));
    ch(&mut app, 'c');
    fx.clock.advance(Duration::minutes(70));
    ch(&mut app, 'x');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ← Łucja Nowak checked out 11:15", "{s}");
    assert_eq!(glyph_of(&s, "Łucja Nowak"), "←", "{s}");
    assert!(counts(&s).contains("Here 0 · 1 of 8 expected") && counts(&s).ends_with("· 1 left"), "{s}");
    ch(&mut app, 'x');
    assert!(status(&screen(&mut app)).contains("Łucja Nowak already left at 11:15."));

    drop(app);
    let store = fx.store();
    let lucja = family_named(&store, "Łucja Nowak");
    let a = attendance_of(&store, &lucja).expect("the attendance stays");
    assert_eq!(a.checked_in, at(10, 5));
    assert_eq!(a.checked_out, Some(at(11, 15)));
    drop(store);

    // The next run shows her as gone, with her time in.
    let mut app = fx.app();
    let s = screen(&mut app);
    assert_eq!(glyph_of(&s, "Łucja Nowak"), "←", "{s}");
    assert!(row_of(&s, "Łucja Nowak").contains("10:05"), "{s}");
}

// ---- roll call --------------------------------------------------------------------------

#[test]
fn roll_call_counts_down_to_zero() {
    let fx = Fixture::new();
    let mut app = fx.app();
    for who in ["Zoë Clarke", "Ioana Popescu", "李娜"] {
        highlight(&mut app, who);
        ch(&mut app, 'c');
    }
    // 李娜 has gone home: not in the building, so not in the roll call.
    highlight(&mut app, "李娜");
    ch(&mut app, 'x');

    ch(&mut app, 'f');
    let s = screen(&mut app);
    assert!(s.contains(" 5 STILL MISSING of 5 (2 adults, 3 babies). Space marks each person."), "{s}");
    assert!(s.contains("Roll call · 5 missing"), "{s}");
    for who in [
        "[ ] Ioana Popescu",
        "[ ] Zoë Clarke",
        "[ ] Andrei (10w), baby of Ioana Popescu",
        "[ ] Maria (10w), baby of Ioana Popescu",
        "[ ] Ava (6m), baby of Zoë Clarke",
    ] {
        assert!(s.contains(who), "{who}:\n{s}");
    }
    assert!(!s.contains("李娜") && !s.contains("Yichen"), "{s}");
    assert!(!s.contains("Łucja"), "not checked in:\n{s}");

    for missing in (0..5).rev() {
        ch(&mut app, ' ');
        let s = screen(&mut app);
        assert!(s.contains(&format!("Roll call · {missing} missing")), "{s}");
        if missing > 0 {
            assert!(s.contains(&format!(" {missing} STILL MISSING of 5")), "{s}");
        } else {
            assert!(s.contains(" ✓ All 5 people accounted for (2 adults, 3 babies)."), "{s}");
            assert!(!s.contains("STILL MISSING"), "{s}");
            assert_eq!(s.matches("[✓]").count(), 5, "{s}");
        }
    }
    esc(&mut app);
    assert!(app.overlay().is_none());

    // A roll call writes nothing.
    drop(app);
    let store = fx.store();
    let here = attendance_today(&store);
    assert_eq!(here.len(), 3);
    assert_eq!(here.iter().filter(|a| a.checked_out.is_none()).count(), 2);
}

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

// ---- help ----------------------------------------------------------------------------

/// Every line the help overlay shows, scrolling down with ↓ until nothing new comes.
fn help_text(app: &mut thinkbaby::tui::app::App, w: u16, h: u16) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut last = String::new();
    for _ in 0..200 {
        let s = screen_at(app, w, h);
        if s == last {
            break;
        }
        for l in s.lines() {
            seen.push(l.to_string());
        }
        last = s;
        key(app, KeyCode::Down);
    }
    seen.join("\n")
}

/// Checks that `text` (what the help showed) has every section and every binding of
/// the key map: its keys, then its sentence, whole or (when `whole` is false) at
/// least the part that fits a 78-column box.
fn assert_help_lists_every_binding(text: &str, whole: bool) {
    for (ctx, bindings) in keymap::help_sections() {
        assert!(text.contains(&format!(" {}", ctx.title())), "section {:?} missing:\n{text}", ctx.title());
        for b in bindings {
            let line = format!("   {:<10}{}", b.shown, b.help);
            let want = if whole { line } else { fit(&line, 76).trim_end_matches('…').to_string() };
            assert!(text.contains(&want), "help lacks {want:?}:\n{text}");
        }
    }
    // Every binding that works somewhere the help can be opened from is in the help.
    let listed: Vec<_> = keymap::help_sections().into_iter().flat_map(|(_, v)| v).collect();
    for b in BINDINGS {
        if matches!(b.ctx, keymap::Ctx::Help | keymap::Ctx::Welcome | keymap::Ctx::Summary) {
            continue;
        }
        assert!(listed.iter().any(|l| std::ptr::eq(*l, b)), "{:?} {} is not in the help", b.ctx, b.shown);
    }
}

#[test]
fn help_lists_the_keys_of_the_key_map() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '?');
    assert!(matches!(app.overlay(), Some(Overlay::Help(_))));
    // Tall enough to hold all of it; wide enough that no sentence is cut.
    let s = screen_at(&mut app, 120, 200);
    assert!(s.contains("Glyphs: ✓ here  · expected  + walk-in  ← left  ! alert or safeguarding"), "{s}");
    assert_help_lists_every_binding(&s, false);
    // The footer shows how to close it, from the same key map.
    assert!(s.lines().last().unwrap().contains("Esc close help"), "{s}");
    esc(&mut app);
    assert!(app.overlay().is_none());
}

#[test]
fn help_at_80x24_can_be_read_to_the_end() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '?');
    let text = help_text(&mut app, 80, 24);
    assert_help_lists_every_binding(&text, true);
}

#[test]
fn footer_hints_come_from_the_key_map() {
    let fx = Fixture::new();
    let mut app = fx.app();
    let foot = |app: &mut thinkbaby::tui::app::App| screen(app).lines().last().unwrap().to_string();
    let expect = |app: &thinkbaby::tui::app::App| {
        let mut line = String::from(" ");
        for (keys, label) in keymap::footer(&app.contexts()) {
            let piece = format!("{keys} {label}  ");
            if line.chars().count() + piece.chars().count() > 80 {
                break;
            }
            line.push_str(&piece);
        }
        line.trim_end().to_string()
    };
    assert_eq!(foot(&mut app), expect(&app));
    ch(&mut app, '2');
    assert_eq!(foot(&mut app), expect(&app));
    ch(&mut app, 'w');
    assert_eq!(foot(&mut app), expect(&app));
}

// ---- sizes -------------------------------------------------------------------------------

const TOO_SMALL: &str = "Window too small: make it at least 60×16.";

/// One step of a facilitator's way through the screens.
type Step = Box<dyn Fn(&mut thinkbaby::tui::app::App)>;

/// Opens, one after another, every kind of screen and overlay, drawing each at `sizes`.
fn every_screen(sizes: &[(u16, u16)], check: &mut dyn FnMut(&mut thinkbaby::tui::app::App, u16, u16, &str)) {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "李娜");
    ch(&mut app, 'c');
    highlight(&mut app, "Ioana Popescu");
    ch(&mut app, 'c');
    ch(&mut app, 'n');
    typ(
        &mut app,
        "A long note that goes on and on so that it has to wrap at every width we draw it at, 李娜 and محمد too.",
    );
    ctrl(&mut app, 's');
    let steps: Vec<(&str, Step)> = vec![
        ("roster", Box::new(|_| {})),
        (
            "filter",
            Box::new(|a| {
                ch(a, '/');
                typ(a, "po");
            }),
        ),
        (
            "check-in",
            Box::new(|a| {
                esc(a);
                ch(a, '2');
                typ(a, "na");
            }),
        ),
        (
            "notes",
            Box::new(|a| {
                esc(a);
                highlight(a, "Ioana Popescu");
                ch(a, '3');
            }),
        ),
        ("revisions", Box::new(|a| ch(a, 'v'))),
        ("family", Box::new(|a| ch(a, '4'))),
        ("edit family", Box::new(|a| ch(a, 'e'))),
        (
            "summary",
            Box::new(|a| {
                esc(a);
                ch(a, 'y');
                ch(a, '5');
            }),
        ),
        ("help", Box::new(|a| ch(a, '?'))),
        (
            "walk-in",
            Box::new(|a| {
                esc(a);
                ch(a, '1');
                ch(a, 'w');
                typ(a, "Someone with a name far longer than any column would hold");
            }),
        ),
        ("confirm", Box::new(esc)),
        (
            "note form",
            Box::new(|a| {
                ch(a, 'y');
                ch(a, 'n');
                typ(a, "Typing");
            }),
        ),
        (
            "roll call",
            Box::new(|a| {
                esc(a);
                ch(a, 'y');
                ch(a, 'f');
            }),
        ),
    ];
    for (name, step) in steps.iter() {
        step(&mut app);
        for &(w, h) in sizes {
            check(&mut app, w, h, name);
        }
    }
}

#[test]
fn no_size_down_to_1x1_panics_and_small_ones_ask_for_more_room() {
    let mut sizes = Vec::new();
    for w in 1..=60 {
        for h in 1..=16 {
            sizes.push((w, h));
        }
    }
    sizes.extend([
        (61, 17),
        (60, 17),
        (61, 16),
        (59, 24),
        (80, 15),
        (200, 50),
        (300, 3),
        (2, 100),
        (1000, 1),
        (80, 24),
        (100, 30),
    ]);
    every_screen(&sizes, &mut |app, w, h, name| {
        let buf = draw(app, w, h);
        let l = lines(&buf);
        if w < 60 || h < 16 {
            assert_eq!(l[0], fit(TOO_SMALL, w as usize).trim_end(), "{name} at {w}x{h}");
            assert!(l[1..].iter().all(|x| x.is_empty()), "{name} at {w}x{h}: only one line:\n{}", l.join("\n"));
        } else {
            assert!(!l.join("").contains("Window too small"), "{name} at {w}x{h}");
        }
    });
}

// ---- hostile text -------------------------------------------------------------------------

#[test]
fn an_escape_sequence_in_a_name_is_shown_harmless() {
    let fx = Fixture::new();
    let mut app = fx.app();
    let mut seen_placeholder = 0;
    let mut silent: Vec<String> = Vec::new();
    let mut check = |app: &mut thinkbaby::tui::app::App, what: &str| {
        for (w, h) in [(80, 24), (60, 16), (132, 40)] {
            let buf = draw(app, w, h);
            for cell in buf.content() {
                assert!(
                    !cell.symbol().chars().any(|c| c.is_control()),
                    "{what} at {w}x{h}: a control character reached a cell: {:?}",
                    cell.symbol()
                );
            }
            let s = lines(&buf).join("\n");
            if s.contains("Eve[2J") && !what.contains("form title") {
                silent.push(format!("{what} at {w}x{h}:\n{s}"));
            }
            if s.contains("Eve�[2J") {
                seen_placeholder += 1;
            }
        }
    };
    // Roster, the check-in list, the status line, notes, family, roll call, forms and questions.
    check(&mut app, "roster");
    ch(&mut app, '2');
    typ(&mut app, "eve");
    check(&mut app, "check-in");
    enter(&mut app);
    check(&mut app, "status");
    esc(&mut app);
    highlight(&mut app, EVIL);
    ch(&mut app, 'n');
    typ(&mut app, "Ruby smiled.");
    check(&mut app, "note form");
    ctrl(&mut app, 's');
    ch(&mut app, '3');
    check(&mut app, "notes");
    ch(&mut app, '4');
    check(&mut app, "family");
    ch(&mut app, 'e');
    check(&mut app, "family form (form title: see below)");
    esc(&mut app);
    check(&mut app, "closing the family form (form title: see below)");
    ch(&mut app, 'y');
    ch(&mut app, '1');
    ch(&mut app, 'f');
    check(&mut app, "roll call");
    esc(&mut app);
    ch(&mut app, 'u');
    check(&mut app, "undo question");
    ch(&mut app, 'n');
    ch(&mut app, 'x');
    check(&mut app, "check-out");
    assert!(seen_placeholder >= 30, "the name is shown with a visible placeholder ({seen_placeholder})");
    assert!(silent.is_empty(), "the escape vanished without a placeholder:\n{}", silent.join("\n\n"));

    // The store keeps the name as it was given.
    drop(app);
    let store = fx.store();
    let eve = family_named(&store, EVIL);
    assert!(attendance_of(&store, &eve).is_some_and(|a| a.checked_out.is_some()));
}

// ---- NO_COLOR -----------------------------------------------------------------------------

#[test]
fn no_color_means_no_colour_and_glyphs_carry_the_state() {
    let fx = Fixture::new();
    let mut app = fx.app_with(Theme { color: false });
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'c');
    highlight(&mut app, "Łucja Nowak");
    ch(&mut app, 'c');
    ch(&mut app, 'x');
    highlight(&mut app, "محمد");
    ch(&mut app, 'c');
    ch(&mut app, 'n');
    typ(&mut app, "Worried about a bruise.");
    tab(&mut app);
    tab(&mut app);
    ch(&mut app, 's');
    ctrl(&mut app, 's');
    ch(&mut app, 'w');
    typ(&mut app, "Grace Okafor");
    enter(&mut app);
    typ(&mut app, "Tobi");
    enter(&mut app);
    typ(&mut app, "01/08/2026");
    ctrl(&mut app, 's');
    highlight(&mut app, "李娜");

    let s = screen(&mut app);
    assert_eq!(glyph_of(&s, "Zoë Clarke"), "✓", "here:\n{s}");
    assert_eq!(glyph_of(&s, "Nguyễn Thị Lan"), "·", "expected:\n{s}");
    assert_eq!(glyph_of(&s, "Grace Okafor"), "+", "walk-in:\n{s}");
    assert_eq!(glyph_of(&s, "Łucja Nowak"), "←", "left:\n{s}");
    assert!(row_of(&s, "李娜").contains(" ! "), "an alert:\n{s}");
    assert!(row_of(&s, "محمد").contains(" ! "), "a safeguarding concern today:\n{s}");

    let mut screens: Vec<(&str, ratatui::buffer::Buffer)> = vec![("roster", draw(&mut app, 80, 24))];
    ch(&mut app, '?');
    screens.push(("help", draw(&mut app, 80, 24)));
    esc(&mut app);
    highlight(&mut app, "محمد");
    ch(&mut app, '3');
    let notes = screen(&mut app);
    assert!(notes.contains("! SAFEGUARDING"), "{notes}");
    screens.push(("notes", draw(&mut app, 80, 24)));
    ch(&mut app, '4');
    screens.push(("family", draw(&mut app, 80, 24)));
    ch(&mut app, 'n');
    typ(&mut app, "x");
    tab(&mut app);
    ch(&mut app, 'a');
    screens.push(("note form", draw(&mut app, 80, 24)));
    esc(&mut app);
    screens.push(("question", draw(&mut app, 80, 24)));
    ch(&mut app, 'y');
    ch(&mut app, '2');
    screens.push(("check-in, empty search", draw(&mut app, 80, 24)));
    typ(&mut app, "o");
    screens.push(("check-in", draw(&mut app, 80, 24)));
    esc(&mut app);
    ch(&mut app, 'w');
    screens.push(("walk-in form", draw(&mut app, 80, 24)));
    ctrl(&mut app, 's');
    screens.push(("form error", draw(&mut app, 80, 24)));
    esc(&mut app);
    ch(&mut app, 'f');
    screens.push(("roll call", draw(&mut app, 80, 24)));

    let mut coloured: Vec<String> = Vec::new();
    for (name, buf) in &screens {
        for (i, cell) in buf.content().iter().enumerate() {
            let (x, y) = (i as u16 % buf.area.width, i as u16 / buf.area.width);
            if cell.fg != Color::Reset || cell.bg != Color::Reset {
                coloured.push(format!(
                    "{name}: the cell at {x},{y} ({:?}) is {:?} on {:?}",
                    cell.symbol(),
                    cell.fg,
                    cell.bg
                ));
            }
        }
    }
    assert!(coloured.is_empty(), "colour with NO_COLOR:\n{}", coloured.join("\n"));
}

#[test]
fn an_escape_sequence_in_a_form_title_shows_a_placeholder() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, EVIL);
    ch(&mut app, '4');
    ch(&mut app, 'e');
    let s = screen(&mut app);
    assert!(s.contains("Edit Eve�[2J�]0;pwned�"), "{s}");
}

#[test]
fn no_color_in_an_empty_note_form() {
    let fx = Fixture::new();
    let mut app = fx.app_with(Theme { color: false });
    ch(&mut app, 'n');
    let buf = draw(&mut app, 80, 24);
    for cell in buf.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "{:?}:\n{}",
            cell.symbol(),
            lines(&buf).join("\n")
        );
    }
}

// ---- snapshots on the demo store -------------------------------------------------------------
//
// Each screen at 80x24 on `thinkbaby --demo`'s families with the clock fixed at
// Thursday 19 November 2026 (Central meets on the clock's weekday). The demo's
// ids are random, and no screen shows one.

mod demo {
    use super::support::*;
    use chrono::Duration;
    use std::rc::Rc;
    use thinkbaby::clock::FixedClock;
    use thinkbaby::store::Store;
    use thinkbaby::tui::Options;
    use thinkbaby::tui::app::App;
    use thinkbaby::tui::theme::Theme;

    pub struct Demo {
        pub app: App,
        pub clock: Rc<FixedClock>,
        _dir: tempfile::TempDir,
    }

    /// The demo store, its picker on the screen.
    pub fn picker() -> Demo {
        let dir = tempdir();
        let clock = clock();
        let store: Store = thinkbaby::cli::demo::build(dir.path(), &*clock).unwrap();
        let options = Options { demo: true, ..options() };
        let app = App::new(store, clock.clone(), options, Theme { color: true }).unwrap();
        Demo { app, clock, _dir: dir }
    }

    /// Central opened from the picker, the facilitator signed in.
    pub fn opened() -> Demo {
        let mut d = picker();
        enter(&mut d.app);
        sign_in(&mut d.app);
        d
    }

    fn check_in(d: &mut Demo, query: &str, minutes_later: i64) {
        d.clock.advance(Duration::minutes(minutes_later));
        ch(&mut d.app, '2');
        typ(&mut d.app, query);
        enter(&mut d.app);
        esc(&mut d.app);
    }

    /// An hour into the session: five families in (one a walk-in), one gone
    /// home, and a note written today.
    pub fn session() -> Demo {
        let mut d = opened();
        check_in(&mut d, "ayesha", 0);
        check_in(&mut d, "ioana", 3);
        check_in(&mut d, "李娜", 4);
        check_in(&mut d, "tomasz", 3);
        d.clock.advance(Duration::minutes(5));
        ch(&mut d.app, 'w');
        typ(&mut d.app, "Grace Okafor");
        enter(&mut d.app);
        typ(&mut d.app, "Tobi");
        enter(&mut d.app);
        typ(&mut d.app, "01/08/2026");
        ctrl(&mut d.app, 's');
        d.clock.advance(Duration::minutes(50));
        highlight(&mut d.app, "李娜");
        ch(&mut d.app, 'x');
        d.clock.advance(Duration::minutes(2));
        highlight(&mut d.app, "Ayesha Khan");
        ch(&mut d.app, 'n');
        typ(&mut d.app, "Zainab reached for the mirror and Ayesha named what she saw; long shared gaze.");
        tab(&mut d.app);
        ch(&mut d.app, 'g');
        ch(&mut d.app, 'h');
        ctrl(&mut d.app, 's');
        ch(&mut d.app, 'g');
        d
    }
}

#[test]
fn snapshot_picker() {
    let mut d = demo::picker();
    insta::assert_snapshot!("picker", screen(&mut d.app));
}

#[test]
fn the_picker_shows_whole_group_names_that_start_alike() {
    let mut d = demo::picker();
    d.app.groups[0].name = "Flying Start Central".into();
    d.app.groups[1].name = "Flying Start South (Bury Park)".into();
    let s = screen(&mut d.app);
    let row = |name: &str| s.lines().find(|l| l.contains(name)).map(str::to_owned);
    assert!(row("Flying Start Central ").is_some_and(|r| r.contains(" today ")), "{s}");
    assert!(row("Flying Start South (Bury Park) ").is_some_and(|r| r.contains(" Tuesdays ")), "{s}");
}

#[test]
fn snapshot_initials() {
    let mut d = demo::picker();
    enter(&mut d.app);
    insta::assert_snapshot!("initials", screen(&mut d.app));
}

#[test]
fn snapshot_roster_at_the_start() {
    let mut d = demo::opened();
    insta::assert_snapshot!("roster_start", screen(&mut d.app));
}

#[test]
fn snapshot_roster() {
    let mut d = demo::session();
    insta::assert_snapshot!("roster", screen(&mut d.app));
}

#[test]
fn snapshot_check_in_with_a_query() {
    let mut d = demo::session();
    ch(&mut d.app, '2');
    typ(&mut d.app, "sa");
    insta::assert_snapshot!("check_in", screen(&mut d.app));
}

#[test]
fn snapshot_notes() {
    let mut d = demo::session();
    highlight(&mut d.app, "Ayesha Khan");
    ch(&mut d.app, '3');
    insta::assert_snapshot!("notes", screen(&mut d.app));
}

#[test]
fn snapshot_family() {
    let mut d = demo::session();
    highlight(&mut d.app, "Ayesha Khan");
    enter(&mut d.app);
    insta::assert_snapshot!("family", screen(&mut d.app));
}

#[test]
fn snapshot_summary() {
    let mut d = demo::session();
    ch(&mut d.app, '5');
    insta::assert_snapshot!("summary", screen(&mut d.app));
}

#[test]
fn snapshot_help() {
    let mut d = demo::session();
    ch(&mut d.app, '?');
    insta::assert_snapshot!("help", screen(&mut d.app));
}

#[test]
fn snapshot_walk_in_form() {
    let mut d = demo::session();
    ch(&mut d.app, 'w');
    typ(&mut d.app, "Bushra Iqbal");
    enter(&mut d.app);
    typ(&mut d.app, "Hana");
    enter(&mut d.app);
    typ(&mut d.app, "12/09/20");
    insta::assert_snapshot!("walk_in_form", screen(&mut d.app));
}

#[test]
fn snapshot_note_form() {
    let mut d = demo::session();
    highlight(&mut d.app, "Ioana Popescu");
    ch(&mut d.app, 'n');
    typ(&mut d.app, "Andrei settled on Ioana's shoulder while Maria watched the bubbles.");
    tab(&mut d.app);
    ch(&mut d.app, 'c');
    ch(&mut d.app, 'j');
    tab(&mut d.app);
    tab(&mut d.app);
    key(&mut d.app, KeyCode::Right);
    insta::assert_snapshot!("note_form", screen(&mut d.app));
}

#[test]
fn snapshot_roll_call() {
    let mut d = demo::session();
    ch(&mut d.app, 'f');
    ch(&mut d.app, ' ');
    ch(&mut d.app, ' ');
    ch(&mut d.app, ' ');
    insta::assert_snapshot!("roll_call", screen(&mut d.app));
}

#[test]
fn snapshot_too_small() {
    let mut d = demo::session();
    insta::assert_snapshot!("too_small", screen_at(&mut d.app, 59, 16));
}

#[test]
fn snapshot_welcome() {
    // The welcome screen names the data folder: a short one, shown as <data folder>.
    let base = if cfg!(unix) { std::path::PathBuf::from("/tmp") } else { std::env::temp_dir() };
    let dir = tempfile::Builder::new().prefix("tb-").tempdir_in(base).unwrap();
    let mut app = open(dir.path(), clock(), Theme { color: true });
    let s = screen(&mut app);
    let shown = dir.path().display().to_string();
    assert!(s.contains(&shown), "{s}");
    insta::assert_snapshot!("welcome", s.replace(&shown, "<data folder>"));
}

#[test]
fn the_family_just_checked_in_is_the_one_opened_next() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '2');
    typ(&mut app, "lucja");
    enter(&mut app);
    // From the check-in list (search cleared), Family (4) opens Łucja, not the first name.
    tab(&mut app);
    ch(&mut app, '4');
    let s = screen(&mut app);
    assert!(s.lines().nth(3).unwrap_or("").contains("Łucja Nowak"), "{s}");
    // And on the roster she is the highlighted row.
    ch(&mut app, '1');
    ch(&mut app, '4');
    let s = screen(&mut app);
    assert!(s.lines().nth(3).unwrap_or("").contains("Łucja Nowak"), "{s}");
}
