//! The key map in the help and the footer, and every screen at every size.

use crate::support::*;
use ratatui::crossterm::event::KeyCode;
use thinkbaby::text::fit;
use thinkbaby::tui::keymap::{self, BINDINGS};
use thinkbaby::tui::overlay::Overlay;

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
    // Every binding of every context is in the help: the help's own keys,
    // the welcome screen's, the passphrase box's at start-up, all of them.
    let listed: Vec<_> = keymap::help_sections().into_iter().flat_map(|(_, v)| v).collect();
    for b in BINDINGS {
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
    assert!(s.contains("Glyphs: ✓ here  · expected  + walk-in  ← left  ! alert or open concern"), "{s}");
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
    assert_eq!(foot(&mut app), " c check in  x check out  w walk-in  n note  f roll call  / filter  ? help");
    ch(&mut app, '2');
    assert_eq!(foot(&mut app), " Enter check in  Tab to the list  Esc back");
    tab(&mut app);
    assert_eq!(foot(&mut app), " Enter check in  w walk-in  / search  ? help  q quit");
    ch(&mut app, 'w');
    assert_eq!(foot(&mut app), " Ctrl-S save  Tab/↓ next field  Esc cancel");
    esc(&mut app);
    ch(&mut app, '1');
    ch(&mut app, 'n');
    assert_eq!(foot(&mut app), " Ctrl-S save  Tab next part  Esc cancel");
    tab(&mut app);
    assert_eq!(foot(&mut app), " Ctrl-S save  Tab next part  Esc cancel");
    tab(&mut app);
    assert_eq!(foot(&mut app), " f follow up  s safeguarding  Ctrl-S save  Tab next part  Esc cancel");
    esc(&mut app);
    ch(&mut app, '?');
    assert_eq!(foot(&mut app), " Esc close help  j/↓ scroll");
    esc(&mut app);
    ctrl(&mut app, 'l');
    assert_eq!(foot(&mut app), "", "the lock shows nothing but its box");
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
