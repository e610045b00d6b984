//! The first screen of an encrypted store: its passphrase, or, for a new store,
//! a new passphrase typed twice with the reason for it. Each wrong try makes
//! the next one wait longer (1, 2, 4 … 30 seconds).

use super::theme::Theme;
use crate::failure::Failure;
use crate::passphrase::{Kind, WHY};
use crate::store::{Store, StoreError, Unlock};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;
use std::time::Duration;

/// The wait after the n-th wrong passphrase.
pub fn delay(wrong: u32) -> Duration {
    Duration::from_secs(1u64 << wrong.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

pub fn masked() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_mask_char('•');
    t.set_cursor_line_style(ratatui::style::Style::default());
    // No undo history: it would keep copies of what was typed.
    t.set_max_histories(0);
    t
}

/// Empties a passphrase box, overwriting what was typed in memory first.
pub fn wipe(t: &mut TextArea<'static>) {
    use zeroize::Zeroize;
    for mut line in std::mem::replace(t, masked()).into_lines() {
        line.zeroize();
    }
}

fn text(t: &TextArea<'_>) -> SecretString {
    SecretString::from(t.lines().join(""))
}

/// Asks until the store opens; None when the facilitator quits.
pub fn run(
    terminal: &mut super::backend::Term,
    dir: &Path,
    kind: Kind,
    theme: Theme,
) -> Result<Option<Store>, Failure> {
    let io = |e: std::io::Error| Failure::new(format!("the terminal stopped working: {e}"));
    let mut first = masked();
    let mut second = masked();
    let mut stage = 0;
    let mut wrong = 0u32;
    let mut message: Option<String> = None;
    loop {
        let (title, lines) = match (kind, stage) {
            (Kind::Existing, _) => {
                (" Unlock thinkbaby ", vec![format!("Passphrase for the store in {}:", dir.display())])
            }
            (Kind::New, 0) => {
                (" Choose a passphrase ", vec![WHY.to_string(), String::new(), "New passphrase:".to_string()])
            }
            (Kind::New, _) => (" Choose a passphrase ", vec!["Type the same passphrase again:".to_string()]),
        };
        let field = if stage == 0 { &first } else { &second };
        terminal
            .draw(|f| {
                let area = f.area();
                let w = area.width.min(72);
                let h = area.height.min(14);
                let r =
                    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
                f.render_widget(Clear, r);
                let mut body: Vec<Line> = lines.iter().map(|l| Line::raw(crate::text::clean(l))).collect();
                let dots = "•".repeat(field.lines().join("").chars().count());
                body.push(Line::styled(format!("> {dots}▏"), theme.title()));
                body.push(Line::raw(""));
                if let Some(m) = &message {
                    body.push(Line::styled(m.clone(), theme.error()));
                }
                body.push(Line::styled("Enter: go on · Esc: quit", theme.dim()));
                let block = Block::default().borders(Borders::ALL).title(title);
                f.render_widget(Paragraph::new(body).block(block).wrap(Wrap { trim: false }), r);
            })
            .map_err(io)?;
        let Event::Key(k) = event::read().map_err(io)? else { continue };
        if k.kind == KeyEventKind::Release {
            continue;
        }
        let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char('c'));
        if k.code == KeyCode::Esc || ctrl_c {
            return Ok(None);
        }
        if k.code != KeyCode::Enter {
            if stage == 0 {
                first.input(k)
            } else {
                second.input(k)
            };
            continue;
        }
        match (kind, stage) {
            (Kind::New, 0) => {
                if let Err(e) = crate::store::check_new_passphrase(&text(&first)) {
                    message = Some(e.to_string());
                    wipe(&mut first);
                } else {
                    message = None;
                    stage = 1;
                }
            }
            (Kind::New, _) => {
                if text(&first).expose_secret() != text(&second).expose_secret() {
                    message = Some("The two did not match. Choose it again.".into());
                    wipe(&mut first);
                    wipe(&mut second);
                    stage = 0;
                } else {
                    let opened = Store::open_with(dir, Unlock::Passphrase(text(&first)));
                    wipe(&mut first);
                    wipe(&mut second);
                    return Ok(Some(opened?));
                }
            }
            (Kind::Existing, _) => match Store::open_with(dir, Unlock::Passphrase(text(&first))) {
                Ok(store) => {
                    wipe(&mut first);
                    return Ok(Some(store));
                }
                Err(StoreError::WrongPassphrase) => {
                    wrong += 1;
                    let wait = delay(wrong);
                    message = Some(format!("Wrong passphrase. Wait {} s, then try again.", wait.as_secs()));
                    wipe(&mut first);
                    terminal
                        .draw(|f| f.render_widget(Paragraph::new(message.clone().unwrap_or_default()), f.area()))
                        .map_err(io)?;
                    std::thread::sleep(wait);
                    // Keys pressed while waiting are dropped, not taken as a new try.
                    while event::poll(Duration::ZERO).map_err(io)? {
                        let _ = event::read();
                    }
                    terminal.clear().map_err(io)?;
                }
                Err(e) => return Err(e.into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::delay;
    use std::time::Duration;

    #[test]
    fn each_wrong_try_waits_longer() {
        assert_eq!(delay(1), Duration::from_secs(1));
        assert_eq!(delay(2), Duration::from_secs(2));
        assert_eq!(delay(3), Duration::from_secs(4));
        assert_eq!(delay(20), Duration::from_secs(30));
    }
}
