//! The facilitator's screens: a small synchronous Elm-style program. Keys are
//! routed to actions (`App::route`), `App::update` carries them out (committing
//! to the store before saying anything is saved), and `view::draw` draws the
//! frame from the state, only when something changed.

pub mod action;
pub mod app;
pub mod backend;
pub mod day;
pub mod forms;
pub mod history;
pub mod keymap;
pub mod screens;
pub mod state;
pub mod theme;
pub mod unlock;
pub mod view;

use crate::clock::Clock;
use crate::failure::Failure;
use crate::store::Store;
use chrono::NaiveDate;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::rc::Rc;
use std::time::Duration;

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
    Ask(std::path::PathBuf, crate::passphrase::Kind),
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
    let result = (|| {
        let store = match opening {
            Opening::Ready(store) => *store,
            Opening::Ask(dir, kind) => match unlock::run(&mut terminal, &dir, kind, theme)? {
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
            terminal.draw(|f| view::draw(app, f)).map_err(io)?;
            dirty = false;
        }
        // Families still to read: a piece at a time, whenever no key is waiting.
        if app.loading.is_some() && !event::poll(Duration::ZERO).map_err(io)? {
            app.load_step()?;
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
