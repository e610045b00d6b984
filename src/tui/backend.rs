//! The crossterm backend, minus one question. ratatui 0.30's `Terminal::clear`
//! asks the terminal where its cursor is and waits for the answer; a terminal
//! that never answers (some consoles, some pseudo-terminals) would stop the
//! program. Nothing here needs the answer: every frame positions the cursor
//! itself. So this backend answers "top left" and asks nothing.

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::io::{self, Stdout};

pub struct Quiet(CrosstermBackend<Stdout>);

pub type Term = Terminal<Quiet>;

impl Backend for Quiet {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.0.draw(content)
    }
    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.0.append_lines(n)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.0.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.0.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.0.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.0.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.0.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        self.0.size()
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.0.window_size()
    }
    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.0)
    }
}

/// Raw mode, the alternate screen and a panic hook that restores the terminal
/// (all from `ratatui::init`), drawn through the quiet backend.
pub fn init() -> io::Result<Term> {
    drop(ratatui::init());
    Terminal::new(Quiet(CrosstermBackend::new(io::stdout())))
}

/// The terminal back as it was (raw mode off, the main screen, the cursor
/// shown) from a signal handler: quietly, since a terminal that hung up
/// leaves nowhere to say anything.
pub fn restore_quietly() {
    use ratatui::crossterm::{cursor, execute, terminal};
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
}
