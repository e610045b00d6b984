//! Each screen of the demo at 80x24, as insta snapshots.

use crate::support::demo;
use crate::support::*;
use ratatui::crossterm::event::KeyCode;
use thinkbaby::tui::theme::Theme;

// ---- snapshots on the demo store -------------------------------------------------------------
//
// Each screen at 80x24 on `thinkbaby --demo`'s families with the clock fixed at
// Thursday 19 November 2026 (Central meets on the clock's weekday). The demo's
// ids are random, and no screen shows one.

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
