//! The command line: its arguments, what each command does, the passphrase
//! prompts, the data-protection commands and the demo. Nothing below it imports
//! from here; `main.rs` calls [`commands::run`].

pub mod args;
pub mod commands;
pub mod demo;
pub mod exchange;
pub mod passphrase;
pub mod protect;
