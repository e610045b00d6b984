//! The passphrase box: before the store opens (its passphrase, or a new one
//! typed twice), and as the lock over the screens (after idle minutes, or
//! Ctrl-L), where every name is hidden until the passphrase is typed. One box,
//! one set of keys. Each wrong try makes the next wait longer (1, 2, 4 … 30
//! seconds); the box stays with a countdown, and what is typed meanwhile is kept.

use super::{Env, Job, Layer, Outcome};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::facts::Facts;
use crate::tui::keymap::Ctx;
use crate::tui::rows::Rows;
use crate::tui::state::input_text;
use crate::tui::theme::Theme;
use crate::tui::view::centred;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use ratatui_textarea::TextArea;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// The wait after the n-th wrong passphrase.
pub fn delay(wrong: u32) -> Duration {
    Duration::from_secs(1u64 << wrong.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

fn masked() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_mask_char('•');
    t.set_cursor_line_style(ratatui::style::Style::default());
    // No undo history: it would keep copies of what was typed.
    t.set_max_histories(0);
    t
}

/// Empties a passphrase box, overwriting what was typed in memory first.
fn wipe(t: &mut TextArea<'static>) {
    use zeroize::Zeroize;
    for mut line in std::mem::replace(t, masked()).into_lines() {
        line.zeroize();
    }
}

#[derive(Debug)]
enum Stage {
    /// The store's passphrase.
    Unlock,
    /// A new store: its passphrase, then the same again.
    Choose,
    Confirm(SecretString),
}

/// Why a new store asks for a passphrase, when the whole of `passphrase::WHY`
/// does not fit the window.
const WHY_SHORT: &str = "The store is encrypted: use three or four unrelated words, and keep them \
where your team keeps passwords.";

#[derive(Debug)]
pub struct Lock {
    title: &'static str,
    /// Why it asks, when there is room: said whole, or in short.
    why: Option<(&'static str, &'static str)>,
    /// The line above the passphrase.
    prompt: String,
    input: TextArea<'static>,
    stage: Stage,
    wrong: u32,
    /// No new try before this moment.
    retry_at: Option<DateTime<Utc>>,
    message: Option<String>,
    /// Before the store is open: Esc quits.
    starting: bool,
}

impl Lock {
    fn new(title: &'static str, prompt: String, stage: Stage, starting: bool) -> Lock {
        Lock { title, why: None, prompt, input: masked(), stage, wrong: 0, retry_at: None, message: None, starting }
    }

    /// The lock over the screens.
    pub fn over_screens(demo: bool) -> Lock {
        let hint = if demo { "Demo: press Enter to unlock." } else { "Type the store's passphrase and press Enter." };
        Lock::new(" thinkbaby is locked ", hint.to_string(), Stage::Unlock, false)
    }

    /// The box before the store in `dir` opens; `new` when it has no passphrase yet.
    pub fn at_start(dir: &std::path::Path, new: bool) -> Lock {
        if new {
            let mut lock = Lock::new(" Choose a passphrase ", "New passphrase:".into(), Stage::Choose, true);
            lock.why = Some((crate::passphrase::WHY, WHY_SHORT));
            return lock;
        }
        let prompt = format!("Passphrase for the store in {}:", crate::text::clean(&dir.display().to_string()));
        Lock::new(" Unlock thinkbaby ", prompt, Stage::Unlock, true)
    }

    fn typed(&self) -> SecretString {
        SecretString::from(input_text(&self.input))
    }

    /// What an action does to the box; `Job::Try` hands over a passphrase to try.
    pub fn act(&mut self, action: Action, now: DateTime<Utc>) -> Outcome {
        match action {
            Action::Back if self.starting => return Outcome::Do(Job::Quit),
            Action::Input(ev) => {
                self.input.input(ev);
            }
            Action::Unlock => return self.enter(now),
            _ => {}
        }
        Outcome::Stay
    }

    fn enter(&mut self, now: DateTime<Utc>) -> Outcome {
        if self.waiting(now).is_some() {
            // The countdown says how long; the typing stays for when it ends.
            return Outcome::Stay;
        }
        match &self.stage {
            Stage::Unlock => Outcome::Do(Job::Try(self.typed())),
            Stage::Choose => {
                let first = self.typed();
                match crate::store::check_new_passphrase(&first) {
                    Err(e) => self.message = Some(e.to_string()),
                    Ok(()) => {
                        self.message = None;
                        self.why = None;
                        self.prompt = "Type the same passphrase again:".into();
                        self.stage = Stage::Confirm(first);
                    }
                }
                wipe(&mut self.input);
                Outcome::Stay
            }
            Stage::Confirm(first) => {
                if first.expose_secret() == input_text(&self.input) {
                    return Outcome::Do(Job::Try(first.clone()));
                }
                wipe(&mut self.input);
                *self = Lock::at_start(std::path::Path::new(""), true);
                self.message = Some("The two did not match. Choose it again.".into());
                Outcome::Stay
            }
        }
    }

    /// The passphrase tried was wrong: the box empties and the next try waits.
    pub fn wrong(&mut self, now: DateTime<Utc>) {
        self.wrong += 1;
        self.retry_at = Some(now + chrono::Duration::from_std(delay(self.wrong)).unwrap_or_default());
        self.message = None;
        wipe(&mut self.input);
    }

    /// Done with: what was typed is overwritten in memory.
    pub fn wipe(&mut self) {
        wipe(&mut self.input);
    }

    /// The try failed for another reason, said as it is.
    pub fn refused(&mut self, why: String) {
        self.message = Some(why);
    }

    /// Seconds until another try, while the wait lasts.
    pub fn waiting(&self, now: DateTime<Utc>) -> Option<i64> {
        let at = self.retry_at.filter(|at| *at > now)?;
        Some(((at - now).num_milliseconds() + 999) / 1000)
    }

    /// Keys that work in the box.
    pub fn contexts(&self) -> Vec<Ctx> {
        if self.starting { vec![Ctx::Starting, Ctx::Locked, Ctx::Always] } else { vec![Ctx::Locked] }
    }

    /// The box alone, centred in `area`, nothing of the screens under it.
    /// Why it asks is said whole where there is room, in short where there
    /// is less, and left out last: the passphrase line, what went wrong and
    /// the keys always show.
    pub fn draw_box(&self, theme: &Theme, frame: &mut Frame, area: Rect, now: DateTime<Utc>) {
        let w = area.width.min(72);
        let inner_w = w.saturating_sub(2) as usize;
        let room = area.height.saturating_sub(2) as usize;
        let whole = self.why.map(|(whole, _)| whole);
        let short = self.why.map(|(_, short)| short);
        let mut rows = self.body(theme, now, whole, true, inner_w);
        for (why, spaced) in [(short, true), (None, true), (None, false)] {
            if rows.height() <= room {
                break;
            }
            rows = self.body(theme, now, why, spaced, inner_w);
        }
        // Still too tall (a window far below the smallest the screens use):
        // the bottom shows, where the passphrase goes in and the keys are.
        let scroll = rows.height().saturating_sub(room);
        let h = (rows.height() as u16 + 2).min(area.height);
        let r = centred(frame, area, w, h);
        let block = Block::default().borders(Borders::ALL).title(self.title);
        let inner = block.inner(r);
        frame.render_widget(block, r);
        frame.render_widget(rows.scroll(scroll), inner);
    }

    /// The box's lines, wrapped: why it asks (if given), the prompt, the
    /// passphrase line, what went wrong, the keys; `spaced` with blank rows between.
    fn body(&self, theme: &Theme, now: DateTime<Utc>, why: Option<&str>, spaced: bool, width: usize) -> Rows<'static> {
        let mut body: Vec<Line> = Vec::new();
        if let Some(why) = why {
            body.push(Line::raw(why.to_string()));
            if spaced {
                body.push(Line::raw(""));
            }
        }
        body.push(Line::raw(self.prompt.clone()));
        let dots = "•".repeat(input_text(&self.input).chars().count());
        body.push(Line::styled(format!("> {dots}▏"), theme.title()));
        if spaced {
            body.push(Line::raw(""));
        }
        let waiting = self.waiting(now);
        let status = match (waiting, &self.message) {
            (Some(s), _) => Some(format!("Wrong passphrase. Try again in {s} s (what you type now is kept).")),
            (None, Some(m)) => Some(m.clone()),
            (None, None) if self.wrong > 0 => Some("Wrong passphrase. Type it again and press Enter.".to_string()),
            _ => None,
        };
        if let Some(m) = status {
            body.push(Line::styled(m, theme.error()));
        }
        let keys = if self.starting { "Enter: go on · Esc: quit" } else { "Enter: unlock · Ctrl-C: quit" };
        body.push(Line::styled(keys, theme.dim()));
        Rows::wrapped(body, width)
    }
}

impl Layer for Lock {
    fn contexts(&self) -> Vec<Ctx> {
        Lock::contexts(self)
    }

    fn typing(&self) -> bool {
        true
    }

    fn handle(&mut self, action: Action, env: &mut Env) -> Outcome {
        self.act(action, env.now)
    }

    fn draw(&self, app: &App, frame: &mut Frame, area: Rect, _: &mut Facts) {
        self.draw_box(&app.theme, frame, area, app.clock.now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wrong_try_waits_longer() {
        assert_eq!(delay(1), Duration::from_secs(1));
        assert_eq!(delay(2), Duration::from_secs(2));
        assert_eq!(delay(3), Duration::from_secs(4));
        assert_eq!(delay(20), Duration::from_secs(30));
    }
}
