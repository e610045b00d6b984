//! Checking in: by search, walk-ins, start-up before every family is read,
//! undo, check-out and the roll call.

use crate::support::*;
use crate::*;
use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::KeyCode;
use thinkbaby::tui::action::Screen;
use thinkbaby::tui::overlay::Overlay;

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

/// On a narrow terminal the message wraps onto a second row rather than
/// cutting off the time the check-in was saved at.
#[test]
fn a_long_check_in_message_wraps_on_a_narrow_screen() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '2');
    typ(&mut app, "ioana");
    enter(&mut app);
    let s = screen_at(&mut app, 60, 20);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[lines.len() - 3], " ✓ Ioana Popescu with Andrei (10w) & Maria (10w) checked in", "{s}");
    assert_eq!(lines[lines.len() - 2], "   10:05", "{s}");
    assert!(s.lines().all(|l| thinkbaby::text::width(l) <= 60), "{s}");
    // Where it fits, one row.
    let s = screen_at(&mut app, 80, 24);
    assert_eq!(status(&s), " ✓ Ioana Popescu with Andrei (10w) & Maria (10w) checked in 10:05", "{s}");
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
        assert_eq!(
            app.highlighted()
                .map(|id| app.families.get(&id).map(|f| f.first_carer().to_string()).unwrap_or_default())
                .as_deref(),
            Some(who)
        );
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

#[test]
fn the_header_counts_stay_right_after_an_erasure_and_an_undo() {
    let fx = Fixture::new();
    let mut app = fx.app();
    for who in ["Zoë Clarke", "Łucja Nowak", "محمد"] {
        highlight(&mut app, who);
        ch(&mut app, 'c');
    }
    assert!(counts(&screen(&mut app)).contains("Here 3 · 3 of 8 expected"));
    drop(app);
    // Zoë's family asks to be forgotten (`thinkbaby erase`); her attendance stays, anonymous.
    let mut store = fx.store();
    let zoe = family_named(&store, "Zoë Clarke");
    store.erase_family(zoe.id, "asked to be forgotten", false, at(11, 0)).unwrap();
    drop(store);
    let mut app = fx.app();
    let s = screen(&mut app);
    assert!(counts(&s).contains("2 of 7 expected"), "never more came than were expected:\n{s}");
    highlight(&mut app, "محمد");
    ch(&mut app, 'u');
    ch(&mut app, 'y');
    assert!(counts(&screen(&mut app)).contains("1 of 7 expected"));
}
