//! The command line. Every command has `--help`.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use uuid::Uuid;

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

    /// Read the store's passphrase from the first line of FILE [else THINKBABY_PASSPHRASE, else asked]
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// Lock the screen after this many minutes without a key, 1 to 60 (Ctrl-L locks at once)
    #[arg(long, value_name = "MINUTES", env = "THINKBABY_LOCK_MINUTES", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub lock_after: u32,

    /// Open the screens on made-up demo families, in a temporary store that is deleted on quit
    #[arg(long, conflicts_with = "data_dir")]
    pub demo: bool,

    /// The group to open (its name; the picker is shown when there are several)
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,

    /// Open a past session's day, to type in a session afterwards (a paper
    /// sign-in sheet, notes written up later); dd/mm/yyyy or yyyy-mm-dd [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub date: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a roster CSV from the centre's office, or an archive into an empty store
    #[command(subcommand)]
    Import(Import),
    /// Write every record as a portable archive (one JSON object a line), or
    /// attendance, observations or families as a CSV file for Excel
    #[command(after_help = "Examples:\n  \
        thinkbaby export --format jsonl -o backup.jsonl\n  \
        thinkbaby export attendance --format csv --group \"Blenheim Crescent\" --from 01/09/2026 --to 30/11/2026 -o attendance.csv\n  \
        thinkbaby export families --format csv --pseudonymise -o families.csv")]
    Export {
        /// What to write as CSV; leave it out for the whole archive (jsonl)
        #[arg(value_enum)]
        what: Option<ExportWhat>,
        /// jsonl: the archive of every record; csv: one table for Excel
        /// [default: jsonl, or csv when WHAT is given]
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        #[command(flatten)]
        range: Range,
        /// For the evaluation: families by pseudonym, no names, phones, notes or dates of birth
        #[arg(long)]
        pseudonymise: bool,
        /// Write to FILE instead of the screen
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Figures for the centre and the evaluation: sessions, attendances, new and
    /// returning families, babies' ages at first visit, referral routes, ...
    Report {
        #[command(flatten)]
        range: Range,
        /// text: for reading, with bar charts; csv: for Excel; json: for programs
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// For the evaluation: every count from 1 to 4 shown as <5
        #[arg(long)]
        pseudonymise: bool,
        /// Write to FILE instead of the screen
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Read every record and check every index; exits 1 if anything is wrong
    Check,
    /// The audit trail: who added or changed a family, checked it in or out, or
    /// wrote, edited, deleted or erased a note, when, and why; oldest first
    Audit {
        /// Only this family's entries (its id, as `export` and `audit` show it)
        #[arg(long, value_name = "ID", value_parser = parse_family_id)]
        family: Option<Uuid>,
    },
    /// Erase a family's personal data (names, contacts, dates of birth, note text),
    /// keeping an anonymous record so that attendance counts stay right
    #[command(
        after_help = "Example:\n  thinkbaby erase 0192f7a0-5b1e-7c3d-9a4b-1f2e3d4c5b6a --reason \"asked to be forgotten\""
    )]
    Erase {
        /// The family's id (as `export` and `audit` show it)
        #[arg(value_name = "FAMILY_ID", value_parser = parse_family_id)]
        family: Uuid,
        /// Why: it goes in the audit trail
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Erase a family with a safeguarding note too (only when your safeguarding lead agrees)
        #[arg(long)]
        override_safeguarding: bool,
        /// Do not ask first (for scripts); at a terminal, erase asks before it acts
        #[arg(long)]
        yes: bool,
    },
    /// Erase every family with no attendance, note or change since DATE, listing them first
    Purge {
        /// The date (dd/mm/yyyy or yyyy-mm-dd): families last seen before it are erased
        #[arg(long, value_name = "DATE", value_parser = parse_any_date)]
        inactive_before: NaiveDate,
        /// Only list the families; erase nothing
        #[arg(long)]
        dry_run: bool,
        /// Why: it goes in the audit trail of each family
        #[arg(long, value_name = "TEXT", required_unless_present = "dry_run")]
        reason: Option<String>,
        /// Erase families with a safeguarding note too (only when your safeguarding lead agrees)
        #[arg(long)]
        override_safeguarding: bool,
        /// Do not ask first (for scripts); at a terminal, purge lists the families and asks
        #[arg(long)]
        yes: bool,
    },
    /// Write every record to FILE, sealed with the store's passphrase (age encryption)
    Backup {
        /// The backup file (written beside, then renamed: an older backup stays whole until then)
        file: PathBuf,
        /// Seal it with the passphrase in the first line of FILE instead of the store's
        #[arg(long, value_name = "FILE")]
        backup_passphrase_file: Option<PathBuf>,
    },
    /// Fill an empty data folder from a backup; the new store takes the passphrase given
    Restore {
        /// The backup file
        file: PathBuf,
        /// The backup's passphrase, if it differs from the one given for the new store
        #[arg(long, value_name = "FILE")]
        backup_passphrase_file: Option<PathBuf>,
    },
    /// Write everything this laptop holds as one bundle file, sealed with a
    /// passphrase, to carry to another laptop (name it e.g. LAPTOP-DATE.tbb)
    #[command(after_help = "Example:\n  thinkbaby bundle -o E:\\central-laptop-1-2026-11-28.tbb")]
    Bundle {
        /// The bundle file (written beside, then renamed)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Seal it with the passphrase in the first line of FILE instead of the store's
        #[arg(long, value_name = "FILE")]
        bundle_passphrase_file: Option<PathBuf>,
    },
    /// Merge another laptop's bundle into this store, in one step; into an
    /// empty data folder it sets up a new laptop
    Merge {
        /// The bundle file
        file: PathBuf,
        /// The bundle's passphrase, if it differs from this store's
        #[arg(long, value_name = "FILE")]
        bundle_passphrase_file: Option<PathBuf>,
    },
    /// Sync with the centre's hub (a PostgreSQL server): send what this laptop
    /// has that the hub lacks, take what other laptops sent, in one step
    #[command(after_help = "Examples:\n  \
        thinkbaby sync --hub \"host=hub.centre.local dbname=thinkbaby user=central1 sslmode=verify-full\"\n  \
        THINKBABY_HUB=postgresql://central1@hub.centre.local/thinkbaby thinkbaby sync")]
    Sync {
        /// The hub: a postgresql:// URL or a libpq connection string
        #[arg(long, value_name = "CONN", env = "THINKBABY_HUB", hide_env_values = true)]
        hub: String,
        /// The team's passphrase for the hub's key, from the first line of FILE [default: the store's]
        #[arg(long, value_name = "FILE")]
        hub_passphrase_file: Option<PathBuf>,
    },
    /// List what waits for a person after merging: versions from two laptops
    /// that differ, and families that may be the same family
    Conflicts,
    /// Change the store's passphrase (the store is rebuilt under a new key)
    Passwd {
        /// Read the new passphrase from the first line of FILE instead of asking
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
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
    /// Attendance from a paper sign-in sheet typed into a CSV (columns date, group,
    /// parent_name, baby_name, and optionally time_in, parent_phone)
    Attendance {
        /// The CSV file
        file: PathBuf,
    },
    /// Every record from an archive written by `thinkbaby export`, into an empty store
    Archive {
        /// The archive file
        file: PathBuf,
    },
}

/// Which sessions a report or an export covers.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Range {
    /// Only this group's sessions (its name) [default: every group]
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// From this date, included (dd/mm/yyyy or yyyy-mm-dd)
    #[arg(long, value_name = "DATE", value_parser = parse_any_date)]
    pub from: Option<NaiveDate>,
    /// Up to this date, included (dd/mm/yyyy or yyyy-mm-dd)
    #[arg(long, value_name = "DATE", value_parser = parse_any_date)]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    /// One row per family per session
    Attendance,
    /// One row per observation note
    Observations,
    /// One row per family
    Families,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The archive of every record: one JSON object a line, after a header line
    Jsonl,
    /// A table for Excel (UTF-8 with a byte-order mark, dates as dd/mm/yyyy)
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For reading in a terminal, with bar charts
    Text,
    /// section,item,value rows for Excel
    Csv,
    /// One JSON object
    Json,
}

fn parse_any_date(text: &str) -> Result<NaiveDate, String> {
    crate::clock::parse_date(text)
}

/// A family's id, or what an id looks like and where to find one.
fn parse_family_id(text: &str) -> Result<Uuid, String> {
    Uuid::try_parse(text.trim()).map_err(|_| {
        format!(
            "\"{}\" is not a family id. An id looks like 0192f7a0-5b1e-7c3d-9a4b-1f2e3d4c5b6a; \
             `thinkbaby export families` lists every family with its id",
            crate::text::clean(text)
        )
    })
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    // The same forms as everywhere else: dd/mm/yyyy or yyyy-mm-dd.
    crate::clock::parse_date(text)
}
