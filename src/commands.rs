//! What each command does, and how its errors reach the user: one or two plain
//! lines and an exit status (1, or 2 for usage and a locked store).

use crate::cli::{Cli, Command, Import};
use crate::clock::{Clock, SystemClock};
use crate::import::{ImportError, roster};
use crate::store::{Store, StoreError, archive, check};
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), code: 1 }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure { code: e.exit_code(), message: e.to_string() }
    }
}

impl From<ImportError> for Failure {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(s) => s.into(),
            other => Failure::new(other.to_string()),
        }
    }
}

impl From<archive::ArchiveError> for Failure {
    fn from(e: archive::ArchiveError) -> Self {
        match e {
            archive::ArchiveError::Store(s) => s.into(),
            other => Failure::new(other.to_string()),
        }
    }
}

/// `--data-dir`, else `THINKBABY_DATA_DIR` (clap reads both), else the platform's folder.
pub fn data_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    directories::ProjectDirs::from("uk.org", "Flying Start", "thinkbaby")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| Failure::new("cannot find a folder for the data on this computer: give one with --data-dir DIR"))
}

pub fn run(cli: Cli) -> Result<(), Failure> {
    let clock = SystemClock;
    if cli.demo {
        let options = crate::tui::Options { group: cli.group.clone(), date: cli.date, demo: true };
        let dir = tempfile::Builder::new()
            .prefix("thinkbaby-demo-")
            .tempdir()
            .map_err(|e| Failure::new(format!("cannot make a temporary folder for the demo: {e}")))?;
        let store = crate::demo::build(dir.path(), &clock)?;
        return crate::tui::run(store, std::rc::Rc::new(clock), options);
    }
    let dir = data_dir(&cli)?;
    match cli.command {
        None => {
            let store = Store::open(&dir)?;
            let options = crate::tui::Options { group: cli.group, date: cli.date, demo: false };
            crate::tui::run(store, std::rc::Rc::new(clock), options)
        }
        Some(Command::Import(Import::Roster { file, group })) => {
            let bytes = read_file(&file)?;
            let store = Store::open(&dir)?;
            let summary = roster::import(&store, &bytes, group.as_deref(), clock.now(), clock.today())?;
            println!("{summary}");
            Ok(())
        }
        Some(Command::Import(Import::Archive { file })) => {
            let f = File::open(&file).map_err(|e| missing(&file, e))?;
            let store = Store::open(&dir)?;
            let counts = archive::import(&store, &mut BufReader::new(f))?;
            println!("imported {counts}");
            Ok(())
        }
        Some(Command::Export { format: _, output }) => {
            let store = Store::open(&dir)?;
            let counts = match &output {
                Some(path) => {
                    let f = File::create(path)
                        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
                    let mut w = BufWriter::new(f);
                    let counts = archive::export(&store, &mut w)?;
                    w.into_inner()
                        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?
                        .sync_all()
                        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
                    counts
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut lock = stdout.lock();
                    let counts = archive::export(&store, &mut lock)?;
                    lock.flush().ok();
                    counts
                }
            };
            eprintln!("exported {counts}");
            Ok(())
        }
        Some(Command::Check) => {
            let store = Store::open(&dir)?;
            let report = check::run(&store)?;
            for (tree, n) in &report.counts {
                println!("{tree:<22}{n:>8}");
            }
            if report.ok() {
                println!("no problems found");
                Ok(())
            } else {
                for p in &report.problems {
                    println!("problem: {}", crate::text::clean(p));
                }
                Err(Failure::new(format!(
                    "{} problem{} found. Keep a copy of {} and restore from a backup or export.",
                    report.problems.len(),
                    if report.problems.len() == 1 { "" } else { "s" },
                    dir.display()
                )))
            }
        }
    }
}

fn missing(path: &Path, e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::NotFound {
        Failure::new(format!("there is no file {}: check the name and the folder", path.display()))
    } else {
        Failure::new(format!("cannot read {}: {e}", path.display()))
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| missing(path, e))
}
