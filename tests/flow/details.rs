//! Details a facilitator reads and corrects: the group's settings from any
//! screen that names it, the family's history in words, alerts written over
//! two lines, the initials box, and check-ins typed in for another day.

use crate::support::*;
use crate::*;
use chrono::{NaiveDate, TimeZone, Utc};
use ratatui::crossterm::event::KeyCode;
use thinkbaby::tui::overlay::{Overlay, Purpose};

#[test]
fn a_centre_with_one_group_reaches_its_settings_from_every_screen() {
    let fx = Fixture::new();
    let mut app = fx.app();
    for screen_key in ['1', '2', '3', '4', '5'] {
        if screen_key == '2' {
            ch(&mut app, '2');
            tab(&mut app);
        } else {
            ch(&mut app, screen_key);
        }
        ch(&mut app, 's');
        assert!(
            matches!(app.overlay(), Some(Overlay::Form(f)) if matches!(f.purpose, Purpose::Group(Some(_)))),
            "s on screen {screen_key}:\n{}",
            screen(&mut app)
        );
        esc(&mut app);
    }
    // The import set Monday 10:00-11:30; it meets on Thursdays, 13:30 to 15:00.
    ch(&mut app, '1');
    ch(&mut app, 's');
    let s = screen(&mut app);
    assert!(row_of(&s, "Name").contains("Central") && row_of(&s, "Day").contains("Monday"), "{s}");
    tab(&mut app);
    typ(&mut app, "Blenheim Crescent Church Hall");
    tab(&mut app);
    tab(&mut app);
    ch(&mut app, 't');
    ch(&mut app, 't');
    tab(&mut app);
    for (field, time) in [("Starts", "13:30"), ("Ends", "15:00")] {
        assert!(row_of(&screen(&mut app), "▶").contains(field));
        for _ in 0..5 {
            key(&mut app, KeyCode::Backspace);
        }
        typ(&mut app, time);
        tab(&mut app);
    }
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert_eq!(status(&s), " ✓ Group Central saved", "{s}");
    assert!(s.lines().next().unwrap().contains("Central · Blenheim Crescent"), "the header as it now reads:\n{s}");
    drop(app);
    let g = group(&fx.store());
    assert_eq!((g.weekday, g.start.to_string(), g.end.to_string()), (3, "13:30:00".into(), "15:00:00".into()));
}

#[test]
fn the_initials_box_says_the_keys_its_footer_says() {
    let fx = Fixture::new();
    let mut app = open(fx.dir.path(), fx.clock.clone(), thinkbaby::tui::theme::Theme { color: true });
    let s = screen(&mut app);
    assert!(s.contains("Who is facilitating today? · Enter saves"), "{s}");
    assert_eq!(s.lines().last().unwrap(), " Enter save", "{s}");
}

#[test]
fn the_family_history_names_a_note_by_its_date_and_first_words() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'n');
    typ(&mut app, "Ava reached for the mirror and Zoë named what she saw.");
    ctrl(&mut app, 's');
    ch(&mut app, '4');
    let s = screen_at(&mut app, 160, 40);
    assert!(s.contains("Note added: the note of 19/11/2026 10:05, “Ava reached for the mirror…”"), "{s}");
    let id = notes_of(&app.store, &family_named(&app.store, "Zoë Clarke"))[0].id.simple().to_string();
    assert!(!s.contains(&id[id.len() - 8..]), "no internal id:\n{s}");
}

#[test]
fn an_alert_written_over_two_lines_shows_cleanly_at_check_in() {
    let fx = Fixture::new();
    {
        let store = fx.store();
        let mut f = family_named(&store, "李娜");
        f.alerts[0].text = "Cows' milk allergy\nEpiPen in changing bag".into();
        store.save_family(&f).unwrap();
    }
    let mut app = fx.app();
    highlight(&mut app, "李娜");
    ch(&mut app, 'c');
    let s = screen(&mut app);
    let alert = s.lines().nth(s.lines().count() - 2).unwrap();
    assert_eq!(alert, " ! Allergy: Cows' milk allergy, EpiPen in changing bag", "{s}");
    ch(&mut app, '4');
    assert!(screen(&mut app).contains("   ! Allergy: Cows' milk allergy, EpiPen in changing bag"));
}

#[test]
fn a_check_in_typed_in_for_another_day_is_at_the_groups_time_that_day() {
    let fx = Fixture::new();
    // A week ago, typed in today at 10:05 from a paper sheet.
    let day = NaiveDate::from_ymd_opt(2026, 11, 12).unwrap();
    let mut app = app_on(&fx, day);
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'c');
    let s = screen(&mut app);
    assert!(status(&s).ends_with("checked in 10:00"), "the group's start, not 10:05:\n{s}");
    ch(&mut app, 'x');
    assert!(status(&screen(&mut app)).ends_with("checked out 11:30"));
    drop(app);
    let store = fx.store();
    let zoe = family_named(&store, "Zoë Clarke");
    let a = &store.attendance_of_family(zoe.id).unwrap()[0];
    assert_eq!(a.checked_in, Utc.with_ymd_and_hms(2026, 11, 12, 10, 0, 0).unwrap());
    assert_eq!(a.checked_out, Some(Utc.with_ymd_and_hms(2026, 11, 12, 11, 30, 0).unwrap()));
}
