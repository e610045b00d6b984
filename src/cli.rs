//! The command line. Every command has `--help`.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "thinkbaby",
    version,
    about = "Roster, check-in and observation notes for Think Baby groups, offline on a laptop.",
    long_about = "Roster, check-in and observation notes for Think Baby groups, offline on a laptop.\n\n\
                  Run without a command to open the group screens. Try it on made-up families with --demo."
)]
pub struct Cli {
    /// The folder that holds the store [default: THINKBABY_DATA_DIR, else the platform's data folder]
    #[arg(long, global = true, value_name = "DIR", env = "THINKBABY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Open the screens on made-up demo families, in a temporary store that is deleted on quit
    #[arg(long, conflicts_with = "data_dir")]
    pub demo: bool,

    /// The group to open (its name; the picker is shown when there are several)
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,

    /// The session's date (default: today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub date: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a roster CSV from the centre's office, or an archive into an empty store
    #[command(subcommand)]
    Import(Import),
    /// Write every record as a portable archive (one JSON object a line)
    Export {
        /// Archive format
        #[arg(long, value_enum, default_value_t = ArchiveFormat::Jsonl)]
        format: ArchiveFormat,
        /// Write to FILE instead of the screen
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Read every record and check every index; exits 1 if anything is wrong
    Check,
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Families from a roster CSV (columns parent_name, baby_name, baby_dob, ...)
    Roster {
        /// The CSV file
        file: PathBuf,
        /// The group for rows that name none
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
    },
    /// Every record from an archive written by `thinkbaby export`, into an empty store
    Archive {
        /// The archive file
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArchiveFormat {
    /// One JSON object a line, after a header line
    Jsonl,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{text}\" is not a date: write it as YYYY-MM-DD, for example 2026-11-19"))
}
