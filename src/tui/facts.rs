//! What a drawn frame learned about the layout. Drawing only reads the app and
//! returns these; the event loop hands them back (`App::learn`), and the next
//! keys use them: whether anything fits, how far a page goes, where scrolling ends.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// The window is below the minimum size: only quitting works.
    pub too_small: bool,
    /// Rows a list shows at once, for PgUp and PgDn.
    pub page: u16,
    /// How far the Family screen can scroll: its last page.
    pub family_scroll_max: u16,
    /// How far the help can scroll.
    pub help_scroll_max: u16,
}

impl Facts {
    /// Before the first frame: a page of ten rows, scrolling free.
    pub fn first() -> Facts {
        Facts { too_small: false, page: 10, family_scroll_max: u16::MAX, help_scroll_max: u16::MAX }
    }
}
