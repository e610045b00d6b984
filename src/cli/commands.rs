//! What each command does, and how its errors reach the user: one or two plain
//! lines and an exit status (1, or 2 for usage and a locked store).

use super::args::{Cli, Command, ExportFormat, ExportWhat, Import, Range, ReportFormat};
use crate::clock::{Clock, SystemClock};
use crate::domain::tags::TagList;
use crate::failure::Failure;
use crate::import::{attendance, roster};
use crate::report::export::{self, Table};
use crate::report::{Filter, Pseudonymiser, Records, render};
use crate::store::{Store, archive, check};
use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

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
    // Whatever the program creates (sled's files, exports, the demo's folder)
    // is for this account alone.
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let clock = SystemClock;
    if cli.demo {
        let options =
            crate::tui::Options { group: cli.group.clone(), date: cli.date, demo: true, lock_after: cli.lock_after };
        return super::demo::run(options);
    }
    let dir = data_dir(&cli)?;
    if dir.is_dir()
        && let Some(said) = crate::store::perms::secure(&dir)?
    {
        eprintln!("{said}");
    }
    match cli.command {
        None => {
            let opening = match crate::passphrase::given(cli.passphrase_file.as_deref())? {
                Some(pass) => crate::tui::Opening::Ready(Box::new(super::passphrase::open_given(&dir, pass)?)),
                None => crate::tui::Opening::Ask(dir.clone()),
            };
            let options =
                crate::tui::Options { group: cli.group, date: cli.date, demo: false, lock_after: cli.lock_after };
            crate::tui::run(opening, std::rc::Rc::new(clock), options)
        }
        Some(Command::Audit { family }) => {
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            write_out(None, super::protect::audit(&store, family, &clock)?.as_bytes())
        }
        Some(Command::Erase { family, reason, override_safeguarding, yes }) => {
            let mut store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            let ask = !yes && std::io::stdin().is_terminal();
            let said = super::protect::erase(&mut store, family, &reason, override_safeguarding, ask, &clock)?;
            write_out(None, said.as_bytes())
        }
        Some(Command::Purge { inactive_before, dry_run, reason, override_safeguarding, yes }) => {
            if inactive_before > clock.today() {
                return Err(usage(&format!(
                    "--inactive-before {} is in the future: every family would count as inactive. \
                     Give a date in the past, such as a year ago.",
                    inactive_before.format("%d/%m/%Y")
                )));
            }
            let mut store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            let purge = super::protect::Purge {
                before: inactive_before,
                dry_run,
                reason: reason.as_deref(),
                override_safeguarding,
                ask: !yes && std::io::stdin().is_terminal(),
            };
            write_out(None, purge.run(&mut store, &clock)?.as_bytes())
        }
        Some(Command::Backup { file, backup_passphrase_file }) => {
            let pass = cli.passphrase_file.as_deref();
            eprint!("{}", super::protect::backup(&dir, pass, &file, backup_passphrase_file.as_deref())?);
            Ok(())
        }
        Some(Command::Restore { file, backup_passphrase_file }) => {
            let pass = cli.passphrase_file.as_deref();
            eprint!("{}", super::protect::restore(&dir, pass, &file, backup_passphrase_file.as_deref())?);
            Ok(())
        }
        Some(Command::Bundle { output, bundle_passphrase_file }) => {
            let pass = cli.passphrase_file.as_deref();
            eprint!("{}", super::exchange::write(&dir, pass, &output, bundle_passphrase_file.as_deref(), &clock)?);
            Ok(())
        }
        Some(Command::Merge { file, bundle_passphrase_file }) => {
            let pass = cli.passphrase_file.as_deref();
            let said = super::exchange::merge(&dir, pass, &file, bundle_passphrase_file.as_deref(), &clock)?;
            write_out(None, said.as_bytes())
        }
        Some(Command::Sync { hub, hub_passphrase_file }) => {
            let pass = cli.passphrase_file.as_deref();
            let said = super::exchange::sync(&dir, pass, &hub, hub_passphrase_file.as_deref())?;
            write_out(None, said.as_bytes())
        }
        Some(Command::Conflicts) => {
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            write_out(None, super::exchange::conflicts(&store, &clock)?.as_bytes())
        }
        Some(Command::Passwd { new_passphrase_file }) => {
            super::passphrase::change(&dir, cli.passphrase_file.as_deref(), new_passphrase_file.as_deref())
        }
        Some(Command::Import(Import::Roster { file, group })) => {
            let bytes = read_file(&file)?;
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            let name = file_name(&file);
            let summary = roster::import_from(&store, &bytes, &name, group.as_deref(), clock.now(), clock.today())?;
            println!("{}", crate::text::clean_multiline(&summary.to_string()));
            Ok(())
        }
        Some(Command::Import(Import::Attendance { file })) => {
            let bytes = read_file(&file)?;
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            let name = file_name(&file);
            let summary = attendance::import_from(&store, &bytes, &name, clock.today(), clock.now(), &local_to_utc)?;
            println!("{}", crate::text::clean_multiline(&summary.to_string()));
            Ok(())
        }
        Some(Command::Import(Import::Archive { file })) => {
            let f = File::open(&file).map_err(|e| missing(&file, e))?;
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            let counts = archive::import(&store, &mut BufReader::new(f))?;
            println!("imported {counts}");
            Ok(())
        }
        Some(Command::Report { range, format, pseudonymise, output }) => {
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            report(&store, &range, format, pseudonymise, output.as_deref())
        }
        Some(Command::Export { what: Some(what), format, range, pseudonymise, output }) => {
            if format == Some(ExportFormat::Jsonl) {
                return Err(usage(
                    "the archive (--format jsonl) always holds every record: leave out ATTENDANCE, OBSERVATIONS or FAMILIES, or use --format csv",
                ));
            }
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            export_csv(&store, what, &range, pseudonymise, output.as_deref(), &clock)
        }
        Some(Command::Export { what: None, format: Some(ExportFormat::Csv), .. }) => {
            Err(usage("say what to write as CSV: thinkbaby export attendance|observations|families --format csv"))
        }
        Some(Command::Export { what: None, format: _, range, pseudonymise, output }) => {
            if pseudonymise || range.group.is_some() || range.from.is_some() || range.to.is_some() {
                return Err(usage(
                    "the archive (--format jsonl) always holds every record and is never pseudonymised: \
                     --group, --from, --to and --pseudonymise go with `export attendance|observations|families --format csv`",
                ));
            }
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
            let counts = match &output {
                Some(path) => crate::whole_file::write(
                    path,
                    |e| Failure::new(format!("cannot write {}: {e}", path.display())),
                    |w| Ok(archive::export(&store, w)?),
                )?,
                None => {
                    let stdout = std::io::stdout();
                    let mut lock = stdout.lock();
                    match archive::export(&store, &mut lock) {
                        Ok(counts) => counts,
                        // The reader stopped reading (`| head`): that is its choice, not an error.
                        Err(archive::ArchiveError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                            return Ok(());
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            };
            eprintln!("exported {counts}");
            say_in_clear(output.as_deref());
            Ok(())
        }
        Some(Command::Check) => {
            let store = super::passphrase::open_store(&dir, cli.passphrase_file.as_deref())?;
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
                    "{} found. Keep a copy of {} and restore from a backup or export.",
                    crate::text::plural(report.problems.len(), "problem", "problems"),
                    dir.display()
                )))
            }
        }
    }
}

/// A command line that asks for something that cannot be done (exit status 2).
fn usage(message: &str) -> Failure {
    Failure::usage(message)
}

/// A date and time on this laptop's clock, as a moment.
fn local_to_utc(t: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| t.and_utc())
}

/// The filter of `--group`, `--from` and `--to`, with the group's stored name.
fn filter(store: &Store, range: &Range) -> Result<(Filter, Option<String>), Failure> {
    if let (Some(from), Some(to)) = (range.from, range.to)
        && from > to
    {
        return Err(usage(&format!(
            "--from {} is after --to {}: give the earlier date first",
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y")
        )));
    }
    let group = match &range.group {
        None => None,
        Some(name) => match store.group_named(name)? {
            Some(g) => Some(g),
            None => {
                let names: Vec<String> = store.groups()?.into_iter().map(|g| g.name).collect();
                return Err(Failure::new(format!(
                    "there is no group \"{name}\" (groups: {})",
                    if names.is_empty() { "none yet".to_string() } else { names.join(", ") }
                )));
            }
        },
    };
    let f = Filter { group: group.as_ref().map(|g| g.id), from: range.from, to: range.to };
    Ok((f, group.map(|g| g.name)))
}

/// Writes `bytes` to FILE (whole, synced to disk) or to the screen.
fn write_out(output: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    match output {
        Some(path) => {
            let cannot = |e: std::io::Error| Failure::new(format!("cannot write {}: {e}", path.display()));
            crate::whole_file::write(path, cannot, |w| w.write_all(bytes).map_err(cannot))
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match lock.write_all(bytes).and_then(|_| lock.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(format!("cannot write: {e}"))),
                _ => Ok(()),
            }
        }
    }
}

fn report(
    store: &Store,
    range: &Range,
    format: ReportFormat,
    pseudonymise: bool,
    output: Option<&Path>,
) -> Result<(), Failure> {
    let (filter, group) = filter(store, range)?;
    let records = Records::load(store)?;
    let figures = crate::report::report(&records, &TagList::built_in(), &filter);
    let heading = render::Heading { group, pseudonymised: pseudonymise };
    let bytes = match format {
        ReportFormat::Text => render::text(&figures, &heading).into_bytes(),
        ReportFormat::Json => render::json(&figures, &heading).into_bytes(),
        ReportFormat::Csv => {
            render::csv(&figures, &heading).map_err(|e| Failure::new(format!("cannot write the report: {e}")))?
        }
    };
    write_out(output, &bytes)
}

fn export_csv(
    store: &Store,
    what: ExportWhat,
    range: &Range,
    pseudonymise: bool,
    output: Option<&Path>,
    clock: &dyn Clock,
) -> Result<(), Failure> {
    let (filter, _) = filter(store, range)?;
    let records = Records::load(store)?;
    let pseudo = if pseudonymise { Some(Pseudonymiser::of_store(store)?) } else { None };
    let table = match what {
        ExportWhat::Attendance => Table::Attendance,
        ExportWhat::Observations => Table::Observations,
        ExportWhat::Families => Table::Families,
    };
    let mut bytes = Vec::new();
    let rows = export::write(table, &records, &TagList::built_in(), &filter, pseudo.as_ref(), clock, &mut bytes)
        .map_err(|e| Failure::new(format!("cannot write the export: {e}")))?;
    write_out(output, &bytes)?;
    eprintln!("exported {}", crate::text::plural(rows, "row", "rows"));
    if !pseudonymise {
        say_in_clear(output);
    }
    Ok(())
}

/// At a terminal, one line: an export holds personal data in clear, and where
/// it is. (`backup` is the sealed copy; an export is for Excel or a move.)
fn say_in_clear(output: Option<&Path>) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    match output {
        Some(path) => eprintln!(
            "{} holds personal data in clear (not encrypted): keep it safe, delete it when done",
            std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display()
        ),
        None if !std::io::stdout().is_terminal() => eprintln!(
            "the export went out in clear (not encrypted): keep the file it went to safe and delete it when done"
        ),
        None => {}
    }
}

fn missing(path: &Path, e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::NotFound {
        Failure::new(format!("there is no file {}: check the name and the folder", path.display()))
    } else {
        Failure::new(format!("cannot read {}: {e}", path.display()))
    }
}

/// The file's name without its folder, for the audit trail.
fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| missing(path, e))
}
