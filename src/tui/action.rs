use crate::domain::Concern;
use ratatui::crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Roster,
    CheckIn,
    Notes,
    Family,
    Summary,
}

impl Screen {
    pub const ALL: [Screen; 5] = [Screen::Roster, Screen::CheckIn, Screen::Notes, Screen::Family, Screen::Summary];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Roster => "Roster",
            Screen::CheckIn => "Check-in",
            Screen::Notes => "Notes",
            Screen::Family => "Family",
            Screen::Summary => "Summary",
        }
    }
}

/// Everything the program can be asked to do. Keys become actions in the router;
/// `App::update` carries them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Back,
    Go(Screen),
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Filter,
    CheckIn,
    CheckOut,
    UndoCheckIn,
    RollCall,
    Mark,
    /// Start the roll call again with nobody marked.
    Restart,
    WalkIn,
    NewNote,
    EditNote,
    ShowRevisions,
    /// Mark the highlighted note's open concern resolved (asks first).
    ResolveConcern,
    OpenFamily,
    EditFamily,
    FocusList,
    FocusSearch,
    Open,
    NewGroup,
    EditGroup,
    /// The open group's details (the highlighted group's, on the picker).
    GroupSettings,
    /// What waits for a person after another laptop's bundle was merged.
    Conflicts,
    /// "Same family?": yes, join them (asks first).
    SameFamily,
    /// "Same family?": no, two families.
    NotSameFamily,
    Save,
    NextField,
    PrevField,
    /// Change the focused choice: the previous or the next option.
    Left,
    Right,
    /// Set the note's concern level.
    SetConcern(Concern),
    /// Empty the line being typed.
    ClearLine,
    Yes,
    No,
    /// Hide every name until the passphrase is typed.
    Lock,
    /// Try the passphrase on the lock screen.
    Unlock,
    /// A key for the focused text box.
    Input(KeyEvent),
    Resize,
}
