//! The facilitator's screens: a small synchronous Elm-style program. Keys are
//! routed to actions through the one key map (`App::route`), `App::update`
//! carries them out (a flow commits to the store before saying anything is
//! saved), and `view::draw` draws the frame from the state, only when
//! something changed, and returns what it learned about the layout.
//!
//! Where things are (see also `docs/architecture.md`): `app` (what everything
//! shares), `start` (start-up and loading), `nav` (moving about), `screens`
//! (drawn under the overlays), `overlay` (the rooms over them: lock, question,
//! form, note, roll call, help, what waits after a merge), `flows` (the jobs
//! that save), `keymap`.

pub mod action;
pub mod app;
pub mod backend;
pub mod concerns;
pub mod day;
pub mod facts;
pub mod families;
pub mod flows;
pub mod history;
pub mod keymap;
mod nav;
pub mod overlay;
pub mod rows;
pub mod screens;
mod start;
pub mod state;
pub mod theme;
pub mod view;

use crate::clock::Clock;
use crate::failure::Failure;
use crate::store::{Store, StoreError, Unlock};
use chrono::NaiveDate;
use ratatui::crossterm::event::{self, Event, KeyEvent, KeyEventKind};
use std::rc::Rc;
use std::time::Duration;

use action::Action;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub group: Option<String>,
    pub date: Option<NaiveDate>,
    pub demo: bool,
    /// Minutes without a key before the screen locks.
    pub lock_after: u32,
}

/// How the store reaches the screens: already open, or to be unlocked on screen.
pub enum Opening {
    Ready(Box<Store>),
    /// The store in this folder, its passphrase asked in the lock's box (a
    /// new one chosen, for a new store).
    Ask(std::path::PathBuf),
}

pub fn run(opening: Opening, clock: Rc<dyn Clock>, options: Options) -> Result<(), Failure> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Failure::new(
            "thinkbaby's screens need a terminal. Run it in a terminal window, or use a command (thinkbaby --help).",
        ));
    }
    let theme = theme::Theme::from_env();
    // Restores the terminal on panic too.
    let mut terminal = backend::init().map_err(|e| Failure::new(format!("cannot use this terminal: {e}")))?;
    // And when the program is told to stop (SIGTERM at a shutdown, SIGHUP
    // from a closed window): every commit is already on disk, so only the
    // terminal needs putting back.
    let _restore = crate::interrupt::on_interrupt(backend::restore_quietly);
    let result = (|| {
        let store = match opening {
            Opening::Ready(store) => *store,
            Opening::Ask(dir) => match unlock(&mut terminal, &dir, theme, &*clock)? {
                Some(store) => store,
                None => return Ok(()),
            },
        };
        let mut app = app::App::starting(store, clock, options, theme)?;
        event_loop(&mut app, &mut terminal)
    })();
    ratatui::restore();
    result
}

fn event_loop(app: &mut app::App, terminal: &mut backend::Term) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::new(format!("the terminal stopped working: {e}"));
    let mut dirty = true;
    while !app.quit {
        if dirty {
            let mut facts = app.facts;
            terminal.draw(|f| facts = view::draw(app, f)).map_err(io)?;
            app.learn(facts);
            dirty = false;
        }
        // Families still to read, a piece at a time, and the concerns of what
        // the search shows: whenever no key is waiting.
        if app.has_idle_work() && !event::poll(Duration::ZERO).map_err(io)? {
            app.idle_step()?;
            dirty = true;
            continue;
        }
        // Wake once a minute so times stay current, and when the idle lock is due.
        let wait = app.until_lock().min(Duration::from_secs(60)).max(Duration::from_millis(200));
        if !event::poll(wait).map_err(io)? {
            let before = app.layout_key();
            app.tick();
            if app.layout_key() != before {
                terminal.clear().map_err(io)?;
            }
            dirty = true;
            continue;
        }
        match event::read().map_err(io)? {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                let before = app.layout_key();
                app.key(k);
                if app.layout_key() != before {
                    terminal.clear().map_err(io)?;
                }
                dirty = true;
            }
            Event::Resize(..) => {
                terminal.clear().map_err(io)?;
                app.update(action::Action::Resize);
                dirty = true;
            }
            Event::Paste(text) => {
                for c in text.chars() {
                    let code = if c == '\n' { event::KeyCode::Enter } else { event::KeyCode::Char(c) };
                    app.key(event::KeyEvent::new(code, event::KeyModifiers::NONE));
                }
                dirty = true;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The passphrase box before the store opens: the same box, keys and waits as
/// the lock over the screens. None when the facilitator quits.
fn unlock(
    terminal: &mut backend::Term,
    dir: &std::path::Path,
    theme: theme::Theme,
    clock: &dyn Clock,
) -> Result<Option<Store>, Failure> {
    use overlay::{Job, Lock, Outcome};
    let io = |e: std::io::Error| Failure::new(format!("the terminal stopped working: {e}"));
    let new = Store::probe(dir)? == crate::store::Probe::New;
    let mut lock = Lock::at_start(dir, new);
    loop {
        terminal.draw(|f| lock.draw_box(&theme, f, f.area(), clock.now())).map_err(io)?;
        // While a wrong try's wait counts down, redraw every second or so.
        let wait =
            if lock.waiting(clock.now()).is_some() { Duration::from_millis(250) } else { Duration::from_secs(60) };
        if !event::poll(wait).map_err(io)? {
            continue;
        }
        let key = match event::read().map_err(io)? {
            Event::Key(k) if k.kind != KeyEventKind::Release => k,
            Event::Paste(text) => {
                for c in text.chars().filter(|c| *c != '\n' && *c != '\r') {
                    lock.act(Action::Input(KeyEvent::from(event::KeyCode::Char(c))), clock.now());
                }
                continue;
            }
            _ => continue,
        };
        let action = keymap::lookup(&lock.contexts(), &key).unwrap_or(Action::Input(key));
        let pass = match action {
            Action::Quit => return Ok(None),
            other => match lock.act(other, clock.now()) {
                Outcome::Do(Job::Quit) => return Ok(None),
                Outcome::Do(Job::Try(pass)) => pass,
                _ => continue,
            },
        };
        match Store::open_with(dir, Unlock::Passphrase(pass)) {
            Ok(store) => {
                lock.wipe();
                return Ok(Some(store));
            }
            Err(StoreError::WrongPassphrase) => lock.wrong(clock.now()),
            Err(e) => return Err(e.into()),
        }
    }
}
