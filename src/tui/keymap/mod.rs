//! The one key map. The router reads it to turn keys into actions, and the
//! footer and the help overlay are drawn from it, so they cannot drift apart.

mod bindings;

pub use bindings::BINDINGS;

use super::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding works. The router tries the innermost context first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere, even while typing: quitting and locking.
    Always,
    Global,
    /// Any list: moving the highlight.
    List,
    Roster,
    CheckInSearch,
    CheckInList,
    Notes,
    Family,
    Summary,
    RollCall,
    Picker,
    Welcome,
    Form,
    /// A form's focused field is a choice.
    Choice,
    /// The initials asked when a group opens.
    Initials,
    NoteForm,
    /// The note form's concern level is focused.
    NoteConcern,
    /// The note form's tags are focused.
    NoteTags,
    Confirm,
    Help,
    /// What waits for a person after a merge.
    Conflicts,
    /// Deciding edits made on two laptops, part by part.
    Decide,
    /// Two families that may be one.
    SameFamily,
    /// A line of text being typed in a list's filter.
    Filter,
    Locked,
    /// The passphrase box before the store is open.
    Starting,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Always => "Everywhere, even while typing",
            Ctx::Global => "Everywhere (not while typing)",
            Ctx::List => "Lists",
            Ctx::Roster => "Roster (1)",
            Ctx::CheckInSearch => "Check-in (2), typing a name",
            Ctx::CheckInList => "Check-in (2), in the list",
            Ctx::Notes => "Notes (3)",
            Ctx::Family => "Family (4)",
            Ctx::Summary => "Summary (5)",
            Ctx::RollCall => "Roll call",
            Ctx::Picker => "Choosing a group",
            Ctx::Welcome => "Welcome",
            Ctx::Form => "Forms",
            Ctx::Choice => "Forms, on a choice",
            Ctx::Initials => "Your initials",
            Ctx::NoteForm => "Writing a note",
            Ctx::NoteConcern => "Writing a note, on the concern",
            Ctx::NoteTags => "Writing a note, on the tags",
            Ctx::Confirm => "Questions",
            Ctx::Help => "Help",
            Ctx::Conflicts => "To decide (after a merge)",
            Ctx::Decide => "Deciding edits from two laptops",
            Ctx::SameFamily => "Same family?",
            Ctx::Filter => "Filter",
            Ctx::Locked => "Locked screen",
            Ctx::Starting => "Opening the store",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [Key],
    /// How the keys are written in the footer and help.
    pub shown: &'static str,
    /// A word or two for the footer.
    pub label: &'static str,
    /// A sentence for the help overlay.
    pub help: &'static str,
    pub action: Action,
    /// Shown in the footer (help shows every binding).
    pub footer: bool,
}

impl Key {
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        // Shift is part of the character ('G', '?'), not a separate modifier.
        let mods = ev.modifiers - KeyModifiers::SHIFT;
        let want = self.mods - KeyModifiers::SHIFT;
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                let same = if want.contains(KeyModifiers::CONTROL) { a.eq_ignore_ascii_case(&b) } else { a == b };
                same && mods == want
            }
            (a, b) => a == b && mods == want,
        }
    }
}

/// The first binding of `ctxs` (innermost first) that `ev` triggers.
pub fn lookup(ctxs: &[Ctx], ev: &KeyEvent) -> Option<Action> {
    ctxs.iter().find_map(|ctx| {
        BINDINGS.iter().filter(|b| b.ctx == *ctx).find(|b| b.keys.iter().any(|key| key.matches(ev))).map(|b| b.action)
    })
}

/// Footer hints for the contexts in force, innermost first, each action once.
pub fn footer(ctxs: &[Ctx]) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut seen: Vec<Action> = Vec::new();
    for ctx in ctxs {
        for b in BINDINGS.iter().filter(|b| b.ctx == *ctx && b.footer) {
            if !seen.contains(&b.action) {
                seen.push(b.action);
                out.push((b.shown, b.label));
            }
        }
    }
    out
}

/// Every context, in the order the help and the README list them.
pub const HELP_ORDER: [Ctx; 26] = [
    Ctx::Always,
    Ctx::Global,
    Ctx::List,
    Ctx::Welcome,
    Ctx::Picker,
    Ctx::Roster,
    Ctx::RollCall,
    Ctx::CheckInSearch,
    Ctx::CheckInList,
    Ctx::Notes,
    Ctx::NoteForm,
    Ctx::NoteTags,
    Ctx::NoteConcern,
    Ctx::Family,
    Ctx::Summary,
    Ctx::Form,
    Ctx::Choice,
    Ctx::Initials,
    Ctx::Filter,
    Ctx::Confirm,
    Ctx::Conflicts,
    Ctx::Decide,
    Ctx::SameFamily,
    Ctx::Locked,
    Ctx::Starting,
    Ctx::Help,
];

/// Every binding, grouped by context, for the help overlay.
pub fn help_sections() -> Vec<(Ctx, Vec<&'static Binding>)> {
    HELP_ORDER
        .iter()
        .map(|c| (*c, BINDINGS.iter().filter(|b| b.ctx == *c).collect::<Vec<_>>()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The key table in the README, made from the key map (a test keeps them equal).
pub fn markdown_table() -> String {
    let mut out = String::from("| keys | where | does |\n|---|---|---|\n");
    for (ctx, bindings) in help_sections() {
        for b in bindings {
            let keys = b.shown.replace('|', "\\|");
            out.push_str(&format!("| `{keys}` | {} | {} |\n", ctx.title(), b.help));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_key_table_is_the_key_map() {
        let readme = include_str!("../../../README.md");
        let table = markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's key table differs from the key map. Put this table under \"Screens and keys\":\n\n{table}"
        );
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn every_context_is_in_the_help() {
        // A new context fails to compile here until it is given a place in HELP_ORDER.
        let named = |c: Ctx| match c {
            Ctx::Always
            | Ctx::Global
            | Ctx::List
            | Ctx::Roster
            | Ctx::CheckInSearch
            | Ctx::CheckInList
            | Ctx::Notes
            | Ctx::Family
            | Ctx::Summary
            | Ctx::RollCall
            | Ctx::Picker
            | Ctx::Welcome
            | Ctx::Form
            | Ctx::Choice
            | Ctx::Initials
            | Ctx::NoteForm
            | Ctx::NoteConcern
            | Ctx::NoteTags
            | Ctx::Confirm
            | Ctx::Help
            | Ctx::Conflicts
            | Ctx::Decide
            | Ctx::SameFamily
            | Ctx::Filter
            | Ctx::Locked
            | Ctx::Starting => HELP_ORDER.contains(&c),
        };
        for b in BINDINGS {
            assert!(named(b.ctx), "{:?} is bound but not in HELP_ORDER", b.ctx);
        }
        for (i, c) in HELP_ORDER.iter().enumerate() {
            assert!(named(*c) && !HELP_ORDER[..i].contains(c), "{c:?} is listed twice");
        }
    }

    #[test]
    fn inner_context_wins() {
        let enter = ev(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(&[Ctx::Roster, Ctx::List, Ctx::Global], &enter), Some(Action::OpenFamily));
        assert_eq!(lookup(&[Ctx::Confirm, Ctx::Roster], &enter), Some(Action::Yes));
        let g = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Ctx::List], &g), Some(Action::Bottom));
        let ctrl_s = ev(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&[Ctx::Form], &ctrl_s), Some(Action::Save));
        assert_eq!(lookup(&[Ctx::Form], &ev(KeyCode::Char('s'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for a in BINDINGS {
            for b in BINDINGS {
                if std::ptr::eq(a, b) || a.ctx != b.ctx {
                    continue;
                }
                for ka in a.keys {
                    for kb in b.keys {
                        assert!(
                            !(ka.code == kb.code && ka.mods == kb.mods),
                            "{:?} binds {:?} twice ({} / {})",
                            a.ctx,
                            ka.code,
                            a.label,
                            b.label
                        );
                    }
                }
            }
        }
    }
}
