//! thinkbaby: roster, check-in and observation notes for Think Baby groups.

pub mod cli;
pub mod clock;
pub mod domain;
pub mod failure;
pub mod hub;
pub mod import;
pub mod interrupt;
pub mod par;
pub mod passphrase;
pub mod progress;
pub mod report;
pub mod sample;
pub mod search;
pub mod store;
pub mod text;
pub mod tui;
pub mod whole_file;
