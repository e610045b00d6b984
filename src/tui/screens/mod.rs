//! The screens under the overlays: each draws from `&App` and nothing else.
//! A new screen is a module here, a `Screen` (or `Phase`) to reach it by, and
//! its keys in the key map.

pub mod checkin;
pub mod family;
pub mod notes;
pub mod picker;
pub mod roster;
pub mod summary;
pub mod welcome;
