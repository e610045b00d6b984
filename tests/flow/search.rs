//! The check-in search: hits that match what was typed well, a miss that
//! shows who it may be before adding a walk-in, and Ctrl-U.

use crate::support::demo;
use crate::support::*;
use crate::*;
use thinkbaby::tui::overlay::Overlay;

#[test]
fn a_hit_has_the_letters_typed_in_order_in_one_word_and_digits_as_a_run() {
    let mut d = demo::opened();
    let app = &mut d.app;
    ch(app, '2');
    typ(app, "zoe");
    let s = screen(app);
    let found = hits(&s);
    assert!(found.iter().any(|h| h.contains("Sophie Clarke")), "Zoë is Sophie's baby:\n{s}");
    assert!(!s.contains("Tomasz Kowalski"), "z, o and e are three words apart in his row:\n{s}");
    ctrl(app, 'u');
    typ(app, "900102");
    let s = screen(app);
    assert_eq!(hits(&s).len(), 1, "only 07700 900102, not 900101 or 900104:\n{s}");
    assert!(hits(&s)[0].contains("Rukhsana Begum"), "{s}");
}

#[test]
fn ctrl_u_clears_the_search_line() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '2');
    typ(&mut app, "lucja nowak");
    ctrl(&mut app, 'u');
    let s = screen(&mut app);
    assert!(s.contains(" Find: ▏(type a name, phone or postcode, then Enter)"), "{s}");
    assert_eq!(hits(&s).len(), 8, "every family again:\n{s}");
    // And the roster's filter.
    esc(&mut app);
    ch(&mut app, '/');
    typ(&mut app, "po");
    ctrl(&mut app, 'u');
    assert!(screen(&mut app).contains(" Filter: ▏"));
}

#[test]
fn a_miss_shows_who_it_may_be_above_the_walk_in_form() {
    let fx = Fixture::new();
    let mut app = fx.app();
    ch(&mut app, '2');
    // সাদিয়া, typed in Latin letters as she says it.
    typ(&mut app, "Sadia");
    let s = screen(&mut app);
    assert!(s.contains("Nobody matches \"Sadia\""), "{s}");
    enter(&mut app);
    let s = screen(&mut app);
    assert!(matches!(app.overlay(), Some(Overlay::Form(_))), "{s}");
    assert!(s.contains("Already known? Esc, and find them by another spelling or their phone:"), "{s}");
    assert!(row_of(&s, "07700 900555").contains("সাদিয়া with Rafi"), "{s}");
    assert!(row_of(&s, "Carer's name").contains("Sadia"), "{s}");
    // A phone one digit out: the number goes in the phone field, and the family shows.
    esc(&mut app);
    ctrl(&mut app, 'u');
    typ(&mut app, "07700 900556");
    enter(&mut app);
    let s = screen(&mut app);
    assert!(row_of(&s, "07700 900555").contains("সাদিয়া"), "{s}");
    assert!(row_of(&s, "Phone").contains("07700 900556"), "{s}");
    assert!(!row_of(&s, "Carer's name").contains("0770"), "{s}");
    esc(&mut app);
    assert!(app.overlay().is_none(), "nothing typed in the form: it closes at once");
    assert!(attendance_today(&app.store).is_empty());
}
