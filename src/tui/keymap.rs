//! The one key map. The router reads it to turn keys into actions, and the
//! footer and the help overlay are drawn from it, so they cannot drift apart.

use super::action::{Action, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding works. The router tries the innermost context first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
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
    NoteForm,
    Confirm,
    Help,
    /// A line of text being typed in a list's filter.
    Filter,
    Locked,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
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
            Ctx::NoteForm => "Writing a note",
            Ctx::Confirm => "Questions",
            Ctx::Help => "Help",
            Ctx::Filter => "Filter",
            Ctx::Locked => "Locked screen",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::NONE }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
}
const fn code(code: KeyCode) -> Key {
    Key { code, mods: KeyModifiers::NONE }
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

macro_rules! bind {
    ($ctx:ident, [$($key:expr),+], $shown:literal, $label:literal, $help:literal, $action:expr, $footer:literal) => {
        Binding { ctx: Ctx::$ctx, keys: &[$($key),+], shown: $shown, label: $label, help: $help, action: $action, footer: $footer }
    };
}

pub static BINDINGS: &[Binding] = &[
    // Overlays first: they win.
    bind!(
        Locked,
        [code(KeyCode::Enter)],
        "Enter",
        "unlock",
        "Unlock with the store's passphrase.",
        Action::Unlock,
        true
    ),
    bind!(Help, [code(KeyCode::Esc), k('?'), k('q')], "Esc", "close help", "Close this help.", Action::Back, true),
    bind!(Help, [k('j'), code(KeyCode::Down)], "j/↓", "scroll", "Scroll the help down.", Action::Down, true),
    bind!(Help, [k('k'), code(KeyCode::Up)], "k/↑", "scroll up", "Scroll the help up.", Action::Up, false),
    bind!(
        Help,
        [code(KeyCode::PageDown), k(' ')],
        "PgDn",
        "page down",
        "Scroll the help a page down.",
        Action::PageDown,
        false
    ),
    bind!(Help, [code(KeyCode::PageUp)], "PgUp", "page up", "Scroll the help a page up.", Action::PageUp, false),
    bind!(Confirm, [k('y'), code(KeyCode::Enter)], "y", "yes", "Yes: go ahead.", Action::Yes, true),
    bind!(Confirm, [k('n'), code(KeyCode::Esc)], "n/Esc", "no", "No: leave things as they are.", Action::No, true),
    bind!(
        Form,
        [ctrl('s')],
        "Ctrl-S",
        "save",
        "Save the form (it is on disk when the screen says saved).",
        Action::Save,
        true
    ),
    bind!(
        Form,
        [code(KeyCode::Tab), code(KeyCode::Down)],
        "Tab/↓",
        "next field",
        "Move to the next field.",
        Action::NextField,
        true
    ),
    bind!(
        Form,
        [code(KeyCode::BackTab), code(KeyCode::Up)],
        "S-Tab/↑",
        "previous",
        "Move to the previous field.",
        Action::PrevField,
        false
    ),
    bind!(Form, [code(KeyCode::Esc)], "Esc", "cancel", "Close the form without saving.", Action::Back, true),
    bind!(
        NoteForm,
        [ctrl('s')],
        "Ctrl-S",
        "save",
        "Save the note (it is on disk when the screen says saved).",
        Action::Save,
        true
    ),
    bind!(
        NoteForm,
        [code(KeyCode::Tab)],
        "Tab",
        "next part",
        "Move between text, tags, concern and baby.",
        Action::NextField,
        true
    ),
    bind!(
        NoteForm,
        [code(KeyCode::BackTab)],
        "S-Tab",
        "previous part",
        "Move back between the parts of the note.",
        Action::PrevField,
        false
    ),
    bind!(
        NoteForm,
        [code(KeyCode::Esc)],
        "Esc",
        "cancel",
        "Close the note; asks first if anything was typed.",
        Action::Back,
        true
    ),
    bind!(
        RollCall,
        [k(' ')],
        "Space",
        "accounted for",
        "Mark the highlighted person as accounted for (again to unmark).",
        Action::Mark,
        true
    ),
    bind!(RollCall, [k('r')], "r", "start again", "Start a new roll call with nobody marked.", Action::Restart, true),
    bind!(
        RollCall,
        [code(KeyCode::Esc), k('f')],
        "Esc",
        "close",
        "Close the roll call; marks are kept until r.",
        Action::Back,
        true
    ),
    // Typing contexts.
    bind!(
        CheckInSearch,
        [code(KeyCode::Enter)],
        "Enter",
        "check in",
        "Check in the highlighted family; no match: add a walk-in.",
        Action::CheckIn,
        true
    ),
    bind!(
        CheckInSearch,
        [code(KeyCode::Down)],
        "↓",
        "down",
        "Move the highlight down while typing.",
        Action::Down,
        false
    ),
    bind!(CheckInSearch, [code(KeyCode::Up)], "↑", "up", "Move the highlight up while typing.", Action::Up, false),
    bind!(
        CheckInSearch,
        [code(KeyCode::Tab)],
        "Tab",
        "to the list",
        "Leave the search box for the list (then 1-5, w and q work).",
        Action::FocusList,
        true
    ),
    bind!(
        CheckInSearch,
        [code(KeyCode::Esc)],
        "Esc",
        "back",
        "Leave the search and go back to the roster.",
        Action::Back,
        true
    ),
    bind!(
        Filter,
        [code(KeyCode::Enter)],
        "Enter",
        "keep filter",
        "Keep the filter and go back to the list.",
        Action::FocusList,
        true
    ),
    bind!(Filter, [code(KeyCode::Esc)], "Esc", "clear filter", "Clear the filter.", Action::Back, true),
    // Screens.
    bind!(
        Picker,
        [code(KeyCode::Enter)],
        "Enter",
        "open",
        "Open today's session of the highlighted group.",
        Action::Open,
        true
    ),
    bind!(
        Picker,
        [k('g')],
        "g",
        "new group",
        "Add a group: name, venue, neighbourhood, day and times.",
        Action::NewGroup,
        true
    ),
    bind!(Picker, [k('e')], "e", "edit group", "Change the highlighted group's details.", Action::EditGroup, true),
    bind!(Welcome, [k('g')], "g", "add a group", "Add your first group.", Action::NewGroup, true),
    bind!(Roster, [k('c')], "c", "check in", "Check the highlighted family in.", Action::CheckIn, true),
    bind!(
        Roster,
        [k('x')],
        "x",
        "check out",
        "Check the highlighted family out (the time out is kept).",
        Action::CheckOut,
        true
    ),
    bind!(Roster, [k('u')], "u", "undo", "Undo a check-in made by mistake (asks first).", Action::UndoCheckIn, false),
    bind!(Roster, [k('w')], "w", "walk-in", "Add a walk-in family and check it in.", Action::WalkIn, true),
    bind!(Roster, [k('n')], "n", "note", "Write an observation about the highlighted family.", Action::NewNote, true),
    bind!(Roster, [k('f')], "f", "roll call", "Roll call for a fire drill or evacuation.", Action::RollCall, true),
    bind!(Roster, [k('/')], "/", "filter", "Filter the roster by name.", Action::Filter, true),
    bind!(Roster, [code(KeyCode::Enter)], "Enter", "family", "Open the highlighted family.", Action::OpenFamily, false),
    bind!(
        CheckInList,
        [code(KeyCode::Enter)],
        "Enter",
        "check in",
        "Check in the highlighted family.",
        Action::CheckIn,
        true
    ),
    bind!(CheckInList, [k('w')], "w", "walk-in", "Add a walk-in family and check it in.", Action::WalkIn, true),
    bind!(
        CheckInList,
        [k('/'), code(KeyCode::Tab)],
        "/",
        "search",
        "Back to the search box.",
        Action::FocusSearch,
        true
    ),
    bind!(Notes, [k('n')], "n", "new note", "Write a new observation for this family.", Action::NewNote, true),
    bind!(
        Notes,
        [k('e')],
        "e",
        "edit",
        "Edit the highlighted note (the earlier text is kept).",
        Action::EditNote,
        true
    ),
    bind!(
        Notes,
        [k('v')],
        "v",
        "versions",
        "Show or hide the earlier versions of the highlighted note.",
        Action::ShowRevisions,
        true
    ),
    bind!(
        Family,
        [k('e')],
        "e",
        "edit details",
        "Edit the family's details, alerts and consents.",
        Action::EditFamily,
        true
    ),
    bind!(Family, [k('n')], "n", "note", "Write an observation about this family.", Action::NewNote, true),
    // Lists.
    bind!(List, [k('j'), code(KeyCode::Down)], "j/↓", "down", "Move down.", Action::Down, false),
    bind!(List, [k('k'), code(KeyCode::Up)], "k/↑", "up", "Move up.", Action::Up, false),
    bind!(List, [k('g'), code(KeyCode::Home)], "g", "top", "Go to the top.", Action::Top, false),
    bind!(List, [k('G'), code(KeyCode::End)], "G", "bottom", "Go to the bottom.", Action::Bottom, false),
    bind!(List, [code(KeyCode::PageUp)], "PgUp", "page up", "One page up.", Action::PageUp, false),
    bind!(List, [code(KeyCode::PageDown)], "PgDn", "page down", "One page down.", Action::PageDown, false),
    // Everywhere not typing.
    bind!(Global, [k('1')], "1", "roster", "The day's roster.", Action::Go(Screen::Roster), false),
    bind!(
        Global,
        [k('2')],
        "2",
        "check-in",
        "Quick check-in: type a name and press Enter.",
        Action::Go(Screen::CheckIn),
        false
    ),
    bind!(
        Global,
        [k('3')],
        "3",
        "notes",
        "Observation notes of the highlighted family.",
        Action::Go(Screen::Notes),
        false
    ),
    bind!(
        Global,
        [k('4')],
        "4",
        "family",
        "The highlighted family's details and history.",
        Action::Go(Screen::Family),
        false
    ),
    bind!(Global, [k('5')], "5", "summary", "Summary of today's session.", Action::Go(Screen::Summary), false),
    bind!(Global, [k('?')], "?", "help", "Show every key.", Action::Help, true),
    bind!(Global, [code(KeyCode::Esc)], "Esc", "back", "Close, cancel, or go back.", Action::Back, false),
    bind!(Global, [k('q')], "q", "quit", "Quit. Everything is already saved.", Action::Quit, true),
    // Ctrl-C and Ctrl-L work everywhere, even while typing: the router checks them first.
    bind!(
        Global,
        [ctrl('l')],
        "Ctrl-L",
        "lock",
        "Lock the screen now (it locks itself after idle minutes).",
        Action::Lock,
        false
    ),
    bind!(Global, [ctrl('c')], "Ctrl-C", "quit", "Quit from anywhere, even while typing.", Action::Quit, false),
];

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

/// Every binding, grouped by context, for the help overlay.
pub fn help_sections() -> Vec<(Ctx, Vec<&'static Binding>)> {
    let order = [
        Ctx::Global,
        Ctx::List,
        Ctx::Roster,
        Ctx::RollCall,
        Ctx::CheckInSearch,
        Ctx::CheckInList,
        Ctx::Notes,
        Ctx::NoteForm,
        Ctx::Family,
        Ctx::Form,
        Ctx::Picker,
        Ctx::Filter,
        Ctx::Confirm,
        Ctx::Locked,
        Ctx::Help,
    ];
    order
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
        let readme = include_str!("../../README.md");
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
