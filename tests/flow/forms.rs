//! Forms that let go: Esc on an untouched form closes it, a changed one asks
//! and says what would be lost, a family gains or loses a carer or a baby, and
//! every part of every form can be reached in the smallest window.

use crate::support::*;
use crate::*;
use ratatui::crossterm::event::KeyCode;
use thinkbaby::tui::app::App;
use thinkbaby::tui::overlay::Overlay;
use thinkbaby::tui::overlay::fields::FieldId;

/// The open form's focused field's label.
fn focused(app: &App) -> String {
    match app.overlay() {
        Some(Overlay::Form(f)) => f.fields[f.focus].label.clone(),
        other => panic!("no form is open: {other:?}"),
    }
}

/// Tabs the open form to the field `id`.
fn tab_to(app: &mut App, id: FieldId) {
    for _ in 0..60 {
        match app.overlay() {
            Some(Overlay::Form(f)) if f.fields[f.focus].id == id => return,
            Some(Overlay::Form(_)) => tab(app),
            other => panic!("no form is open: {other:?}"),
        }
    }
    panic!("the form has no field {id:?}");
}

#[test]
fn esc_on_an_untouched_form_closes_it_and_the_keys_after_land_nowhere_in_it() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, '4');
    ch(&mut app, 'e');
    assert!(matches!(app.overlay(), Some(Overlay::Form(_))));
    // A facilitator leaving in a hurry: Esc, Esc, then on to the next thing.
    esc(&mut app);
    assert!(app.overlay().is_none(), "closed at once, nothing asked:\n{}", screen(&mut app));
    esc(&mut app);
    typ(&mut app, "/sarah");
    ch(&mut app, '4');
    assert!(app.overlay().is_none());
    drop(app);
    let zoe = family_named(&fx.store(), "Zoë Clarke");
    assert_eq!(zoe.carers[0].phone, "07700 900111", "nothing typed reached the form");
    assert_eq!(zoe.carers[0].relationship, "");
}

#[test]
fn a_changed_form_asks_first_and_names_what_would_be_lost() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, 'w');
    typ(&mut app, "Fatima Noor");
    tab(&mut app);
    typ(&mut app, "Layla");
    esc(&mut app);
    let s = screen(&mut app);
    assert!(s.contains("Close and lose what you typed in Carer's name and Baby's name? (y/n)"), "{s}");
    // No: back to the form, with everything typed.
    ch(&mut app, 'n');
    assert_eq!(focused(&app), "Baby's name");
    let s = screen(&mut app);
    assert!(row_of(&s, "Carer's name").contains("Fatima Noor"), "{s}");
    esc(&mut app);
    ch(&mut app, 'y');
    assert!(app.overlay().is_none());
    assert!(status(&screen(&mut app)).contains("Discarded; nothing was saved."));
    assert!(attendance_today(&app.store).is_empty());

    // The family form names a changed field by its label.
    highlight(&mut app, "Łucja Nowak");
    ch(&mut app, '4');
    ch(&mut app, 'e');
    tab_to(&mut app, FieldId::Postcode);
    typ(&mut app, "X");
    esc(&mut app);
    assert!(screen(&mut app).contains("Close and lose what you typed in Postcode? (y/n)"));
}

#[test]
fn a_failed_save_puts_the_cursor_on_the_field_to_fix() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Ioana Popescu");
    ch(&mut app, '4');
    ch(&mut app, 'e');
    tab_to(&mut app, FieldId::CarerName(0));
    for _ in 0.."Ioana Popescu".len() {
        key(&mut app, KeyCode::Backspace);
    }
    tab_to(&mut app, FieldId::Postcode);
    ctrl(&mut app, 's');
    assert_eq!(focused(&app), "Carer 1 name", "{}", screen(&mut app));
    assert!(screen(&mut app).contains("✗ Carer 1 needs a name."));
    typ(&mut app, "Ioana Popescu");
    tab_to(&mut app, FieldId::BabyBorn(1));
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "01/01/2027");
    tab_to(&mut app, FieldId::Alerts);
    ctrl(&mut app, 's');
    assert_eq!(focused(&app), "Baby 2 born");
    assert!(screen(&mut app).contains("✗ Baby 2's date of birth is after today."));
}

#[test]
fn the_family_form_adds_and_takes_away_carers_and_babies() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, '4');
    ch(&mut app, 'e');
    // A second carer.
    tab_to(&mut app, FieldId::AddCarer);
    enter(&mut app);
    assert_eq!(focused(&app), "Carer 2 name");
    typ(&mut app, "Tom Clarke");
    tab(&mut app);
    typ(&mut app, "07700 900112");
    tab(&mut app);
    typ(&mut app, "father");
    // Twins: a second baby, and a third added by mistake, then taken away.
    for name in ["Isla", "Oops"] {
        tab_to(&mut app, FieldId::AddBaby);
        enter(&mut app);
        typ(&mut app, name);
        tab(&mut app);
        typ(&mut app, "02/05/2026");
    }
    assert_eq!(focused(&app), "Baby 3 born");
    tab_to(&mut app, FieldId::RemoveBaby(2));
    assert_eq!(focused(&app), "Remove baby 3");
    enter(&mut app);
    let s = screen(&mut app);
    assert!(!s.contains("Oops"), "{s}");
    ctrl(&mut app, 's');
    let s = screen(&mut app);
    assert!(app.overlay().is_none(), "{s}");
    assert_eq!(status(&s), " ✓ Zoë Clarke's details saved", "{s}");

    drop(app);
    let zoe = family_named(&fx.store(), "Zoë Clarke");
    let carers: Vec<(&str, &str, &str)> =
        zoe.carers.iter().map(|c| (c.name.as_str(), c.phone.as_str(), c.relationship.as_str())).collect();
    assert_eq!(carers, [("Zoë Clarke", "07700 900111", ""), ("Tom Clarke", "07700 900112", "father")]);
    let babies: Vec<&str> = zoe.babies.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(babies, ["Ava", "Isla"]);
    assert_ne!(zoe.babies[0].id, zoe.babies[1].id);

    // Taking the second carer away again, one key on its button.
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, '4');
    ch(&mut app, 'e');
    tab_to(&mut app, FieldId::RemoveCarer(1));
    ch(&mut app, ' ');
    esc(&mut app);
    assert!(screen(&mut app).contains("the carers or babies added or taken away"), "asks before losing it");
    ch(&mut app, 'n');
    ctrl(&mut app, 's');
    drop(app);
    let zoe = family_named(&fx.store(), "Zoë Clarke");
    assert_eq!(zoe.carers.len(), 1);
    assert_eq!(zoe.babies.len(), 2);
}

#[test]
fn at_60x20_every_field_of_the_family_form_comes_into_view() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Ioana Popescu");
    ch(&mut app, '4');
    ch(&mut app, 'e');
    let count = match app.overlay() {
        Some(Overlay::Form(f)) => f.fields.len(),
        _ => unreachable!(),
    };
    for _ in 0..count {
        let label = focused(&app);
        let s = screen_at(&mut app, 60, 20);
        assert!(
            s.lines().any(|l| l.contains(&format!("▶{label}")) || (l.contains('▶') && l.contains(&label))),
            "{label} is focused but not on screen:\n{s}"
        );
        tab(&mut app);
    }
}

#[test]
fn at_60x20_every_tag_of_the_note_form_can_be_ticked_and_seen() {
    let fx = Fixture::new();
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'n');
    tab(&mut app);
    let tags = thinkbaby::domain::tags::TagList::built_in();
    for tag in &tags.tags {
        ch(&mut app, tag.hotkey);
        let s = screen_at(&mut app, 60, 20);
        let label: String = tag.label.chars().take(12).collect();
        assert!(
            s.lines().any(|l| l.contains(&format!("[✓] {} {label}", tag.hotkey))),
            "{} was ticked out of sight:\n{s}",
            tag.label
        );
    }
    // ↓ and ↑ move through the tags; Space ticks the one under the cursor.
    key(&mut app, KeyCode::Up);
    ch(&mut app, ' ');
    let last = tags.tags.len() - 2;
    let s = screen_at(&mut app, 60, 20);
    let label: String = tags.tags[last].label.chars().take(12).collect();
    assert!(s.contains(&format!("[ ] {} {label}", tags.tags[last].hotkey)), "untick in view:\n{s}");
}
