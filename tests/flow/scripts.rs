//! Names in wide and combining scripts, drawn as a terminal draws them: each
//! word of a combining script written whole, as wide as the terminal makes it,
//! and nothing after it landing on it.

use crate::support::*;
use ratatui::buffer::CellWidth;
use thinkbaby::clock::Clock;
use thinkbaby::import::roster;
use thinkbaby::store::Store;
use thinkbaby::text;
use thinkbaby::tui::theme::Theme;

/// Families named in Bengali, Arabic, Devanagari, Chinese and with an emoji.
pub const SCRIPTS: &str = "\
parent_name,parent_phone,baby_name,baby_dob,group
রহিমা বেগম,07700 900501,সাদিয়া,10/06/2026,Central
فاطمة الزهراء,07700 900502,يوسف,20/08/2026,Central
प्रिया शर्मा,07700 900503,अनन्या,01/07/2026,Central
王芳,07700 900504,李娜,05/04/2026,Central
Maya Lee 🌸,07700 900505,Noor ✨,12/09/2026,Central
";

fn app() -> (tempfile::TempDir, thinkbaby::tui::app::App) {
    let dir = tempdir();
    let clock = clock();
    let store = Store::open(dir.path()).unwrap();
    roster::import(&store, SCRIPTS.as_bytes(), None, clock.now(), clock.today()).unwrap();
    drop(store);
    let mut app = open(dir.path(), clock, Theme { color: true });
    sign_in(&mut app);
    (dir, app)
}

#[test]
fn snapshot_names_in_five_scripts() {
    let (_dir, mut app) = app();
    insta::assert_snapshot!("roster_scripts", screen(&mut app));
}

#[test]
fn each_name_is_written_whole_and_the_age_starts_after_it() {
    let (_dir, mut app) = app();
    let buf = draw(&mut app, 80, 24);
    let rows = lines(&buf);
    for (baby, age) in [("সাদিয়া", "5m"), ("अनन्या", "4m"), ("Noor ✨", "9w"), ("李娜", "7m"), ("يوسف", "2m")]
    {
        let y = rows.iter().position(|l| l.contains(baby)).unwrap_or_else(|| panic!("{baby} is not on the roster"));
        assert!(rows[y].contains(&format!("{baby} {age} ")), "the age right after the name: {:?}", rows[y]);
        // A word of a script that combines characters goes to the terminal in one cell.
        let combining = baby.chars().any(|c| text::width(&c.to_string()) == 0);
        if combining {
            let cell = (0..80).map(|x| &buf[(x, y as u16)]).find(|c| c.symbol() == baby);
            let cell = cell.unwrap_or_else(|| panic!("{baby} is not written whole"));
            assert_eq!(cell.cell_width() as usize, text::width(baby), "{baby}: as wide as the terminal draws it");
        }
    }
}
