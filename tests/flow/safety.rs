//! Hostile text in names, NO_COLOR, and the lock.

use crate::support::*;
use chrono::Duration;
use ratatui::style::Color;
use thinkbaby::tui::theme::Theme;

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

// ---- the lock ---------------------------------------------------------------------------

#[test]
fn a_wrong_passphrase_keeps_the_box_with_a_countdown_and_the_typing() {
    let fx = Fixture::sealed();
    let mut app = fx.app();
    highlight(&mut app, "Zoë Clarke");
    ch(&mut app, 'n');
    typ(&mut app, "Half a note");
    ctrl(&mut app, 'l');
    let s = screen(&mut app);
    assert!(s.contains("thinkbaby is locked") && !s.contains("Zoë") && !s.contains("Half a note"), "{s}");

    typ(&mut app, "not it");
    enter(&mut app);
    for _ in 0..3 {
        // Wrong twice: the second wait is two seconds.
        typ(&mut app, "still not it");
        fx.clock.advance(Duration::seconds(5));
        enter(&mut app);
    }
    let s = screen(&mut app);
    assert!(s.contains("thinkbaby is locked"), "the box stays:\n{s}");
    assert!(s.contains("Wrong passphrase. Try again in 8 s (what you type now is kept)."), "{s}");
    // Typing during the wait is kept, and Enter then does not try it.
    typ(&mut app, PASSPHRASE);
    enter(&mut app);
    assert!(app.is_locked());
    fx.clock.advance(Duration::seconds(3));
    let s = screen(&mut app);
    assert!(s.contains("Try again in 5 s"), "the countdown is live:\n{s}");
    assert!(s.contains(&format!("> {}▏", "•".repeat(PASSPHRASE.chars().count()))), "{s}");
    fx.clock.advance(Duration::seconds(5));
    let s = screen(&mut app);
    assert!(s.contains("Wrong passphrase. Type it again and press Enter."), "{s}");
    enter(&mut app);
    assert!(!app.is_locked(), "the typing kept during the wait unlocks");
    let s = screen(&mut app);
    assert!(s.contains("Half a note"), "the note is as it was:\n{s}");
}

#[test]
fn the_start_up_passphrase_box_shows_every_part_with_a_refusal_down_to_the_smallest_window() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use thinkbaby::tui::action::Action;
    use thinkbaby::tui::overlay::Lock;
    let dir = tempdir();
    let now = crate::at(10, 5);
    for (w, h) in [(80, 24), (60, 20), (60, 17), (60, 16), (72, 16), (100, 40)] {
        let mut lock = Lock::at_start(dir.path(), true);
        for c in "qwertyuiopasdfgh".chars() {
            lock.act(Action::Input(KeyEvent::from(KeyCode::Char(c))), now);
        }
        lock.act(Action::Unlock, now);
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        t.draw(|f| lock.draw_box(&Theme { color: true }, f, f.area(), now)).unwrap();
        let s = lines(t.backend().buffer()).join("\n");
        for part in [
            "Choose a passphrase",
            "New passphrase:",
            "> ▏",
            "too easy to guess",
            "those).",
            "Enter: go on · Esc: quit",
        ] {
            assert!(s.contains(part), "{part:?} is not shown at {w}x{h}:\n{s}");
        }
        assert!(s.contains("encrypted"), "why it asks, at least in short, at {w}x{h}:\n{s}");
        if h >= 20 {
            assert!(s.contains("nobody can open the store."), "the whole of why it asks at {w}x{h}:\n{s}");
        }
    }
}
