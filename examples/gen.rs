//! Generates a realistic store for trying the program at scale and for benchmarks:
//!
//! ```text
//! THINKBABY_PASSPHRASE='made-up families only' \
//!   cargo run --release --example gen -- --families 50000 --observations 500000 --data-dir DIR
//! ```
//!
//! The store is encrypted under the passphrase given, as the program makes it
//! (or clear, with `--clear`). The same seed gives the same records. The data
//! folder must be new or empty.

use chrono::NaiveDate;
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use thinkbaby::sample::store as generate;
use thinkbaby::store::{Store, Unlock};

#[derive(Debug, Parser)]
#[command(name = "gen", about = "Generate a realistic thinkbaby store (made-up families) for trials and benchmarks")]
struct Args {
    /// How many families
    #[arg(long, default_value_t = 50_000)]
    families: usize,
    /// How many observation notes in all
    #[arg(long, default_value_t = 500_000)]
    observations: usize,
    /// The folder to write the store into (new or empty)
    #[arg(long, value_name = "DIR")]
    data_dir: PathBuf,
    /// The last session day; weekly sessions run for three years before it
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2026-11-19")]
    until: NaiveDate,
    /// The random seed: the same seed gives the same store
    #[arg(long, default_value_t = 2014)]
    seed: u64,
    /// Read the new store's passphrase from the first line of FILE [else THINKBABY_PASSPHRASE]
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Make a store without encryption (the program would seal it on first open)
    #[arg(long, conflicts_with = "passphrase_file")]
    clear: bool,
    /// Records per commit
    #[arg(long, default_value_t = 4_000)]
    batch: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let started = Instant::now();
    let unlock = if args.clear {
        Unlock::Plain
    } else {
        match thinkbaby::passphrase::given(args.passphrase_file.as_deref()) {
            Ok(Some(pass)) => Unlock::Passphrase(pass),
            Ok(None) => {
                eprintln!(
                    "give the new store's passphrase with --passphrase-file FILE or THINKBABY_PASSPHRASE, \
                     or --clear for a store without encryption"
                );
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("{}", e.message);
                return ExitCode::from(e.code);
            }
        }
    };
    let store = match Store::open_with(&args.data_dir, unlock) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(e.exit_code());
        }
    };
    match store.is_empty() {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("{} already holds a store: give a new or empty folder", args.data_dir.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    let params = generate::Params {
        families: args.families,
        observations: args.observations,
        until: args.until,
        years: 3,
        seed: args.seed,
        batch: args.batch,
    };
    match generate::generate(&store, &params) {
        Ok(summary) => {
            println!("wrote {summary} to {} in {:.1?}", args.data_dir.display(), started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
