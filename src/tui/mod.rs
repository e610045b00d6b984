//! The facilitator's screens: a small synchronous Elm-style program. Keys are
//! routed to actions (`App::route`), `App::update` carries them out (committing
//! to the store before saying anything is saved), and `view::draw` draws the
//! frame from the state, only when something changed.

pub mod action;
pub mod app;
pub mod forms;
pub mod keymap;
pub mod screens;
pub mod state;
pub mod theme;
pub mod view;

use crate::clock::Clock;
use crate::commands::Failure;
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
}

pub fn run(store: Store, clock: Rc<dyn Clock>, options: Options) -> Result<(), Failure> {
    let mut app = app::App::new(store, clock, options, theme::Theme::from_env())?;
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Failure::new("thinkbaby's screens need a terminal. Run it in a terminal window, or use a command (thinkbaby --help)."));
    }
    // ratatui::init restores the terminal on panic too.
    let mut terminal = ratatui::init();
    let result = event_loop(&mut app, &mut terminal);
    ratatui::restore();
    result
}

fn event_loop(app: &mut app::App, terminal: &mut ratatui::DefaultTerminal) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::new(format!("the terminal stopped working: {e}"));
    let mut dirty = true;
    while !app.quit {
        if dirty {
            terminal.draw(|f| view::draw(app, f)).map_err(io)?;
            dirty = false;
        }
        // Wake once a minute so the clock in messages and ages stays current.
        if !event::poll(Duration::from_secs(60)).map_err(io)? {
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
