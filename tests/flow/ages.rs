//! Babies' ages on the screens, as health visitors count them: corrected only for
//! a birth before 37 weeks, written one way in table cells and one way in
//! sentences, and a due date that cannot be right refused in the family form.
//! Flow tests on ratatui's `TestBackend` with the clock fixed at Thursday
//! 19 November 2026.

use crate::status;
use crate::support::*;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyCode;
use thinkbaby::clock::Clock;
use thinkbaby::import::roster;
use thinkbaby::store::Store;
use thinkbaby::tui::app::App;
use thinkbaby::tui::overlay::Overlay;
use thinkbaby::tui::theme::Theme;

/// Three babies born on 14 August 2026, three months old today: Ava five days
/// before her due date (a term baby), Zofia six weeks before hers, and Yusuf
/// with no due date known.
const ROSTER: &str = "\
parent_name,parent_phone,baby_name,baby_dob,baby_due_date,group
Zoë Clarke,07700 900111,Ava,14/08/2026,19/08/2026,Central
Łucja Nowak,07700 900222,Zofia,14/08/2026,25/09/2026,Central
محمد,07700 900444,Yusuf,14/08/2026,,Central
";

struct Ages {
    app: App,
    dir: tempfile::TempDir,
}

fn open_ages() -> Ages {
    let dir = tempdir();
    let clock = clock();
    let store = Store::open(dir.path()).unwrap();
    roster::import(&store, ROSTER.as_bytes(), None, clock.now(), clock.today()).unwrap();
    drop(store);
    let mut app = open(dir.path(), clock, Theme { color: true });
    sign_in(&mut app);
    Ages { app, dir }
}

#[test]
fn a_term_baby_has_no_corrected_age_and_a_baby_born_six_weeks_early_has() {
    let mut a = open_ages();
    let app = &mut a.app;
    let s = screen(app);
    // In a table cell: the age, then the corrected age in brackets.
    assert!(row_of(&s, "Zoë Clarke").contains(" Ava 3m "), "{s}");
    assert!(!row_of(&s, "Zoë Clarke").contains("(c"), "born 5 days early: a term baby\n{s}");
    assert!(row_of(&s, "Łucja Nowak").contains(" Zofia 3m (c7w) "), "born 6 weeks early\n{s}");
    assert!(!row_of(&s, "محمد").contains("(c"), "{s}");

    // In a sentence: no brackets inside the brackets.
    ch(app, '2');
    typ(app, "lucja");
    enter(app);
    let s = screen(app);
    assert_eq!(status(&s).trim(), "✓ Łucja Nowak with Zofia (3m, corrected 7w) checked in 10:05", "{s}");
    esc(app);
    highlight(app, "Łucja Nowak");
    ch(app, '3');
    let s = screen(app);
    assert!(s.contains(" Notes · Łucja Nowak with Zofia (3m, corrected 7w)"), "{s}");
    ch(app, '4');
    let s = screen(app);
    assert!(s.contains("   baby Zofia  3m, corrected 7w  born 14/08/2026, due 25/09/2026"), "{s}");

    ch(app, '1');
    highlight(app, "Zoë Clarke");
    ch(app, '4');
    let s = screen(app);
    assert!(
        s.contains("   baby Ava  3m  born 14/08/2026, due 19/08/2026\n"),
        "the due date is kept, no correction\n{s}"
    );
}

#[test]
fn snapshot_a_corrected_age_on_the_roster_and_in_a_status_line() {
    let mut a = open_ages();
    highlight(&mut a.app, "Łucja Nowak");
    ch(&mut a.app, 'c');
    insta::assert_snapshot!("roster_corrected", screen(&mut a.app));
}

/// Moves the family form's focus to the field named `label` and types `text` over it.
fn type_over(app: &mut App, label: &str, text: &str) {
    for _ in 0..40 {
        match app.overlay() {
            Some(Overlay::Form(f)) if f.fields[f.focus].label == label => break,
            Some(Overlay::Form(_)) => tab(app),
            _ => panic!("the family form is not open"),
        }
    }
    for _ in 0..20 {
        key(app, KeyCode::Backspace);
    }
    typ(app, text);
}

fn form_error(app: &App) -> String {
    match app.overlay() {
        Some(Overlay::Form(f)) => f.error.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

#[test]
fn the_family_form_refuses_a_due_date_before_the_birth_or_20_weeks_after() {
    let mut a = open_ages();
    let app = &mut a.app;
    highlight(app, "محمد");
    ch(app, '4');
    ch(app, 'e');

    type_over(app, "Baby 1 due", "13/08/2026");
    ctrl(app, 's');
    let why = form_error(app);
    assert_eq!(why, "Baby 1's due date is before the birth: leave it empty unless the baby came early.");
    assert!(screen(app).contains("is before the birth"), "the reason is on the screen");

    // Born on 14 August: 20 weeks later is 1 January, and a day more is refused.
    type_over(app, "Baby 1 due", "02/01/2027");
    ctrl(app, 's');
    assert_eq!(form_error(app), "Baby 1's due date is more than 20 weeks after the birth: check both dates.");

    type_over(app, "Baby 1 due", "01/01/2027");
    ctrl(app, 's');
    assert!(app.overlay().is_none(), "saved: {}", form_error(app));
    let s = screen(app);
    assert!(s.contains("   baby Yusuf  3m, corrected 0w  born 14/08/2026, due 01/01/2027"), "{s}");

    drop(a.app);
    let store = Store::open(a.dir.path()).unwrap();
    let due = family_named(&store, "محمد").babies[0].due;
    assert_eq!(due, NaiveDate::from_ymd_opt(2027, 1, 1), "only the date that can be right was saved");
}
