//! Flow tests: a facilitator's key presses on a fixture store with a fixed clock,
//! drawn on ratatui's `TestBackend`, one file per job. Each test asserts what
//! the screen says and, where something is saved, what the store holds (read
//! back after the app is gone, as the next run of the program would read it).

#[path = "../support/mod.rs"]
mod support;

mod ages;
mod checkin;
mod concerns;
mod details;
mod forms;
mod keys;
mod merged;
mod notes;
mod safety;
mod same;
mod screens;
mod scripts;
mod search;

use chrono::{TimeZone, Utc};
use support::*;
use thinkbaby::tui::app::App;
use thinkbaby::tui::theme::Theme;

pub fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 19, h, m, 0).unwrap()
}

/// The status message, above the footer: one row, or two when it wraps
/// (the second row indented under the first), joined with a space.
pub fn status(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let last = lines[lines.len() - 2];
    let above = lines[lines.len() - 3];
    let starts_message = |l: &str| l.starts_with(' ') && !l[1..].starts_with(' ');
    if last.starts_with("   ") && starts_message(above) {
        return format!("{above} {}", last.trim_start());
    }
    last.to_string()
}

/// The header's counts line.
pub fn counts(screen: &str) -> &str {
    screen.lines().nth(1).unwrap_or("")
}

/// The check-in hits: the lines under the search box.
pub fn hits(screen: &str) -> Vec<&str> {
    let lines: Vec<&str> = screen.lines().collect();
    lines[5..lines.len() - 2].iter().copied().filter(|l| !l.trim().is_empty()).collect()
}

/// Takes the family off the fixture group's list (as if from another group's); returns its id.
pub fn off_the_list(fx: &Fixture, carer: &str) -> uuid::Uuid {
    let store = fx.store();
    let mut f = family_named(&store, carer);
    f.groups.clear();
    let mut change = thinkbaby::store::Change::default();
    change.put_family(&f);
    store.commit(change).unwrap();
    f.id
}

/// The app as the program starts it: the expected families read, the rest not yet.
pub fn starting(fx: &Fixture) -> App {
    let store = thinkbaby::store::Store::open(fx.dir.path()).unwrap();
    App::starting(store, fx.clock.clone(), options(), Theme { color: true }).unwrap()
}
