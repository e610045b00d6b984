//! CSV files from the centre's office, checked whole before anything is stored.

pub mod attendance;
pub mod roster;
pub mod table;

pub use table::{ImportError, RowError};
