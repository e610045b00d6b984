//! Shared by the flow and end-to-end tests: a fixture store of families named as
//! Luton's families write their names, a fixed clock, key presses, and the
//! screen read back as lines of text.
//!
//! Each test crate uses a different part of this module.
#![allow(dead_code)]

pub mod demo;
pub mod figures;
pub mod laptop;
pub mod postgres;
pub mod process;

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::rc::Rc;
use thinkbaby::clock::{Clock, FixedClock};
use thinkbaby::domain::{Attendance, Family, Group, Observation};
use thinkbaby::import::roster;
use thinkbaby::store::{Store, Unlock};
use thinkbaby::tui::app::App;
use thinkbaby::tui::overlay::{Overlay, Purpose};
use thinkbaby::tui::theme::Theme;
use thinkbaby::tui::{Options, view};

/// The group every fixture family belongs to.
pub const GROUP: &str = "Central";

/// The facilitator's initials typed at the start.
pub const INITIALS: &str = "AB";

/// A name with a terminal escape sequence: clear the screen, set the window title, bell.
pub const EVIL: &str = "Eve\u{1b}[2J\u{1b}]0;pwned\u{7}";

/// The fixture's roster: one row per baby, twins as two rows of one family.
/// Names as Luton's families write them; one name carries an escape sequence.
pub fn roster_csv() -> String {
    roster_csv_on(today())
}

/// The fixture's roster with every date moved by the distance from the fixture's
/// today to `day`, so the babies are the same ages on `day` (for the real clock).
pub fn roster_csv_on(day: NaiveDate) -> String {
    let shift = day.signed_duration_since(today());
    let moved = |dob: &str| {
        let d = NaiveDate::parse_from_str(dob, "%d/%m/%Y").unwrap();
        (d + shift).format("%d/%m/%Y").to_string()
    };
    let rows: &[[&str; 7]] = &[
        // parent_name, parent_phone, baby_name, baby_dob, postcode, home_language, alerts
        ["Zoë Clarke", "07700 900111", "Ava", "02/05/2026", "LU3 1HB", "English", ""],
        ["Łucja Nowak", "07700 900222", "Zofia", "14/07/2026", "LU1 2TW", "Polish", ""],
        ["Nguyễn Thị Lan", "07700 900333", "Minh Anh", "01/03/2026", "LU4 9AB", "Vietnamese", ""],
        ["محمد", "07700 900444", "Yusuf", "20/08/2026", "LU1 1AA", "Arabic", ""],
        ["সাদিয়া", "07700 900555", "Rafi", "10/06/2026", "LU2 0NX", "Bengali", ""],
        ["李娜", "07700 900666", "Yichen", "05/04/2026", "LU3 2CD", "Mandarin", "Allergy: peanuts"],
        ["Ioana Popescu", "07700 900777", "Andrei", "09/09/2026", "LU1 5BT", "Romanian", ""],
        ["Ioana Popescu", "07700 900777", "Maria", "09/09/2026", "LU1 5BT", "Romanian", ""],
        [EVIL, "07700 900888", "Ruby", "12/01/2026", "LU2 7EF", "English", ""],
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "parent_name",
        "parent_phone",
        "baby_name",
        "baby_dob",
        "postcode",
        "home_language",
        "alerts",
        "group",
    ])
    .unwrap();
    for r in rows {
        let dob = moved(r[3]);
        let mut rec: Vec<&str> = r.to_vec();
        rec[3] = &dob;
        rec.push(GROUP);
        w.write_record(&rec).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Thursday 19 November 2026, 10:05 (UTC is Luton's time in November).
pub fn clock() -> Rc<FixedClock> {
    Rc::new(FixedClock::at(2026, 11, 19, 10, 5))
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 19).unwrap()
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("thinkbaby-flow-").tempdir().unwrap()
}

/// Imports the fixture roster into the store in `dir`, then closes the store.
pub fn fill(dir: &Path, clock: &dyn Clock) {
    let store = Store::open(dir).unwrap();
    roster::import(&store, roster_csv().as_bytes(), None, clock.now(), clock.today()).unwrap();
}

/// The passphrase of a sealed fixture store.
pub const PASSPHRASE: &str = "bobbin wind up the lantern hall";

/// A fixture store, imported and closed: open it with [`open`].
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub clock: Rc<FixedClock>,
    /// How the store opens: in the clear, or sealed with [`PASSPHRASE`].
    pub unlock: fn() -> Unlock,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempdir();
        let clock = clock();
        fill(dir.path(), &*clock);
        Fixture { dir, clock, unlock: || Unlock::Plain }
    }

    /// The fixture sealed with [`PASSPHRASE`], as the program makes a store.
    pub fn sealed() -> Fixture {
        let dir = tempdir();
        let clock = clock();
        let unlock = || Unlock::Passphrase(PASSPHRASE.into());
        let store = Store::open_with(dir.path(), unlock()).unwrap();
        roster::import(&store, roster_csv().as_bytes(), None, clock.now(), clock.today()).unwrap();
        drop(store);
        Fixture { dir, clock, unlock }
    }

    /// The app on the fixture store, past the initials form, on the roster.
    pub fn app(&self) -> App {
        self.app_with(Theme { color: true })
    }

    pub fn app_with(&self, theme: Theme) -> App {
        let store = self.store();
        let mut app = App::new(store, self.clock.clone(), options(), theme).unwrap();
        sign_in(&mut app);
        app
    }

    /// The store again, after the app was dropped.
    pub fn store(&self) -> Store {
        Store::open_with(self.dir.path(), (self.unlock)()).unwrap()
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

/// Options as the command line gives them, with the idle lock as late as it goes
/// (4 hours), so a test can move the clock on by an hour between two keys.
pub fn options() -> Options {
    Options { lock_after: 240, ..Options::default() }
}

pub fn open(dir: &Path, clock: Rc<FixedClock>, theme: Theme) -> App {
    let store = Store::open(dir).unwrap();
    App::new(store, clock, options(), theme).unwrap()
}

/// Answers the initials form that opening a group asks first.
pub fn sign_in(app: &mut App) {
    assert!(
        matches!(app.overlay(), Some(Overlay::Form(f)) if f.purpose == Purpose::Initials),
        "the initials form comes first"
    );
    if app.initials.is_empty() {
        typ(app, INITIALS);
    }
    enter(app);
    assert!(app.overlay().is_none(), "initials accepted");
    assert_eq!(app.initials, INITIALS);
}

// ---- keys -------------------------------------------------------------------

pub fn key(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn ch(app: &mut App, c: char) {
    let mods = if c.is_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
    app.key(KeyEvent::new(KeyCode::Char(c), mods));
}

/// Types each character as a key press.
pub fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

pub fn enter(app: &mut App) {
    key(app, KeyCode::Enter);
}

pub fn esc(app: &mut App) {
    key(app, KeyCode::Esc);
}

pub fn tab(app: &mut App) {
    key(app, KeyCode::Tab);
}

pub fn ctrl(app: &mut App, c: char) {
    app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

// ---- the screen ---------------------------------------------------------------

/// Draws the app on a `w`×`h` test terminal and returns the buffer; the app
/// learns what the frame did, as after each frame of the program.
pub fn draw(app: &mut App, w: u16, h: u16) -> Buffer {
    // As the program does when no key waits (families still to read apart:
    // tests of start-up read those themselves).
    if app.loading.is_none() {
        app.idle_step().unwrap();
    }
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut facts = app.facts;
    terminal.draw(|f| facts = view::draw(app, f)).unwrap();
    app.learn(facts);
    terminal.backend().buffer().clone()
}

/// The buffer as lines of text, trailing spaces cut. A wide character (Chinese)
/// fills two cells, and a word written whole (Bengali) as many as it is wide;
/// the cells they cover are skipped, so the line reads as typed.
pub fn lines(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    let mut out = Vec::with_capacity(area.height as usize);
    for y in area.y..area.y + area.height {
        let mut line = String::new();
        let mut covered = 0usize;
        for x in area.x..area.x + area.width {
            if covered > 0 {
                covered -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            line.push_str(cell.symbol());
            covered = (cell.cell_width() as usize).saturating_sub(1);
        }
        out.push(line.trim_end().to_string());
    }
    out
}

/// The screen at 80x24, as one string of lines.
pub fn screen(app: &mut App) -> String {
    screen_at(app, 80, 24)
}

pub fn screen_at(app: &mut App, w: u16, h: u16) -> String {
    lines(&draw(app, w, h)).join("\n")
}

/// The roster row (on screen) that names `who`.
pub fn row_of<'a>(screen: &'a str, who: &str) -> &'a str {
    screen.lines().find(|l| l.contains(who)).unwrap_or_else(|| panic!("no line shows {who:?}:\n{screen}"))
}

/// The status glyph at the start of a roster row: "✓", "·", "+" or "←".
pub fn glyph_of(screen: &str, who: &str) -> String {
    let row = row_of(screen, who);
    row.trim_start().chars().next().map(String::from).unwrap_or_default()
}

// ---- the store ------------------------------------------------------------------

pub fn family_named(store: &Store, carer: &str) -> Family {
    store
        .families()
        .unwrap()
        .into_iter()
        .find(|f| f.carers.iter().any(|c| c.name == carer))
        .unwrap_or_else(|| panic!("no family with carer {carer:?} in the store"))
}

pub fn group(store: &Store) -> Group {
    store.group_named(GROUP).unwrap().expect("the fixture group")
}

/// Today's attendance in the store, or nothing when no session was made.
pub fn attendance_today(store: &Store) -> Vec<Attendance> {
    let g = group(store);
    match store.session_on(g.id, today()).unwrap() {
        Some(s) => store.attendance_of_session(s.id).unwrap(),
        None => vec![],
    }
}

pub fn attendance_of(store: &Store, family: &Family) -> Option<Attendance> {
    attendance_today(store).into_iter().find(|a| a.family == family.id)
}

pub fn notes_of(store: &Store, family: &Family) -> Vec<Observation> {
    store.observations_of_family(family.id).unwrap()
}

/// Moves the roster highlight to the row of the family whose first carer is `carer`.
pub fn highlight(app: &mut App, carer: &str) {
    let rows = app.roster_rows();
    let at = rows
        .iter()
        .position(|id| app.families.get(id).is_some_and(|f| f.first_carer() == carer))
        .unwrap_or_else(|| panic!("{carer:?} is not on the roster"));
    // Up to the top, then down by key presses, as a facilitator would.
    ch(app, 'g');
    for _ in 0..at {
        ch(app, 'j');
    }
    assert_eq!(
        app.highlighted()
            .map(|id| app.families.get(&id).map(|f| f.first_carer().to_string()).unwrap_or_default())
            .as_deref(),
        Some(carer)
    );
}

/// The app on the fixture store opened for `date` (`--date`), signed in.
pub fn app_on(fx: &Fixture, date: NaiveDate) -> App {
    let options = Options { date: Some(date), ..options() };
    let mut app = App::new(fx.store(), fx.clock.clone(), options, Theme { color: true }).unwrap();
    sign_in(&mut app);
    app
}
