//! Every key of the program, in one table: where it works, how it is written,
//! and what it does. Overlays come first, then typing, then screens, lists and
//! the keys that work everywhere; within a context the first match wins.

use super::{Binding, Ctx, Key};
use crate::domain::Concern;
use crate::tui::action::{Action, Screen};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::NONE }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
}
const fn code(code: KeyCode) -> Key {
    Key { code, mods: KeyModifiers::NONE }
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
    bind!(Starting, [code(KeyCode::Esc)], "Esc", "quit", "Quit without opening the store.", Action::Back, true),
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
        SameFamily,
        [k('s')],
        "s",
        "same family",
        "Same family: join them into the one marked keep (asks first).",
        Action::SameFamily,
        true
    ),
    bind!(
        SameFamily,
        [k('d')],
        "d",
        "different",
        "Two different families: they are not asked about again.",
        Action::NotSameFamily,
        true
    ),
    bind!(
        SameFamily,
        [code(KeyCode::Tab), code(KeyCode::Left), code(KeyCode::Right)],
        "Tab",
        "keep other",
        "Choose which family to keep; the other joins it.",
        Action::NextField,
        true
    ),
    bind!(
        SameFamily,
        [code(KeyCode::Esc), k('l')],
        "Esc",
        "later",
        "Decide later: it stays on the list.",
        Action::Back,
        true
    ),
    bind!(
        Decide,
        [code(KeyCode::Right), k(' ')],
        "→/Space",
        "other value",
        "Keep the next version's value of the highlighted part.",
        Action::Right,
        true
    ),
    bind!(
        Decide,
        [code(KeyCode::Left)],
        "←",
        "previous value",
        "Keep the previous version's value.",
        Action::Left,
        false
    ),
    bind!(
        Decide,
        [ctrl('s')],
        "Ctrl-S",
        "save decision",
        "Save the values marked (on disk when the screen says so).",
        Action::Save,
        true
    ),
    bind!(
        Decide,
        [code(KeyCode::Esc)],
        "Esc",
        "back",
        "Back to the list; asks first if you marked anything.",
        Action::Back,
        true
    ),
    bind!(
        Conflicts,
        [code(KeyCode::Enter)],
        "Enter",
        "decide",
        "Decide the highlighted one: part by part, or \"same family?\".",
        Action::Open,
        true
    ),
    bind!(
        Conflicts,
        [code(KeyCode::Esc), k('d')],
        "Esc",
        "close",
        "Close; what is not decided waits for later.",
        Action::Back,
        true
    ),
    bind!(
        Initials,
        [code(KeyCode::Enter), ctrl('s')],
        "Enter",
        "save",
        "Save your initials; they go on today's check-ins and notes.",
        Action::Save,
        true
    ),
    bind!(
        Choice,
        [code(KeyCode::Right), k(' ')],
        "→/Space",
        "next choice",
        "Change the highlighted choice to the next option.",
        Action::Right,
        true
    ),
    bind!(
        Choice,
        [code(KeyCode::Left)],
        "←",
        "previous choice",
        "Change the highlighted choice back.",
        Action::Left,
        false
    ),
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
    bind!(
        Form,
        [code(KeyCode::Esc)],
        "Esc",
        "cancel",
        "Close the form; asks first if anything was changed.",
        Action::Back,
        true
    ),
    bind!(NoteConcern, [k('n')], "n", "none", "No concern.", Action::SetConcern(Concern::None), false),
    bind!(
        NoteConcern,
        [k('f')],
        "f",
        "follow up",
        "A concern to follow up.",
        Action::SetConcern(Concern::FollowUp),
        true
    ),
    bind!(
        NoteConcern,
        [k('s')],
        "s",
        "safeguarding",
        "A safeguarding concern: tell the safeguarding lead today.",
        Action::SetConcern(Concern::Safeguarding),
        true
    ),
    bind!(
        NoteConcern,
        [code(KeyCode::Right), k(' ')],
        "→/Space",
        "next level",
        "The next concern level.",
        Action::Right,
        false
    ),
    bind!(
        NoteConcern,
        [code(KeyCode::Left)],
        "←",
        "previous level",
        "The previous concern level.",
        Action::Left,
        false
    ),
    bind!(
        NoteTags,
        [code(KeyCode::Down)],
        "↓",
        "next tag",
        "Move down the tags; a tag's letter ticks it from anywhere.",
        Action::Down,
        false
    ),
    bind!(NoteTags, [code(KeyCode::Up)], "↑", "previous tag", "Move up the tags.", Action::Up, false),
    bind!(NoteTags, [k(' ')], "Space", "tick", "Tick or untick the highlighted tag.", Action::Mark, false),
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
    bind!(CheckInSearch, [ctrl('u')], "Ctrl-U", "clear", "Clear the search line.", Action::ClearLine, false),
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
    bind!(Filter, [ctrl('u')], "Ctrl-U", "clear", "Clear the filter line.", Action::ClearLine, false),
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
        Notes,
        [k('r')],
        "r",
        "resolved",
        "Mark the highlighted note's concern resolved (asks first).",
        Action::ResolveConcern,
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
    bind!(
        Global,
        [k('s')],
        "s",
        "group",
        "The group's details: name, venue, neighbourhood, day and times.",
        Action::GroupSettings,
        false
    ),
    bind!(
        Global,
        [k('d')],
        "d",
        "to decide",
        "What waits for a person after a merge (the header counts it).",
        Action::Conflicts,
        false
    ),
    bind!(Global, [k('?')], "?", "help", "Show every key.", Action::Help, true),
    bind!(Global, [code(KeyCode::Esc)], "Esc", "back", "Close, cancel, or go back.", Action::Back, false),
    bind!(Global, [k('q')], "q", "quit", "Quit. Everything is already saved.", Action::Quit, true),
    // Even while typing.
    bind!(
        Always,
        [ctrl('l')],
        "Ctrl-L",
        "lock",
        "Lock the screen now (it locks itself after idle minutes).",
        Action::Lock,
        false
    ),
    bind!(Always, [ctrl('c')], "Ctrl-C", "quit", "Quit, even while typing.", Action::Quit, false),
];
