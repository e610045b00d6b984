//! The data-protection commands: `audit`, `erase`, `purge`, `backup` and
//! `restore`. Every stored string they print goes through `text::clean`.

use super::passphrase;
use crate::clock::Clock;
use crate::domain::{AuditEntry, Family};
use crate::failure::Failure;
use crate::store::{Store, archive, backup};
use crate::text::{clean, plural};
use chrono::NaiveDate;
use secrecy::SecretString;
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

/// One audit entry as a line: when (the laptop's time), who, which family,
/// what (`words`, from `Store::audit_words`).
pub fn audit_line(e: &AuditEntry, words: &str, clock: &dyn Clock) -> String {
    format!("{}  {}  family {}  {}", clock.local(e.at).format("%d/%m/%Y %H:%M"), clean(&e.by), e.family, clean(words))
}

/// `thinkbaby audit [--family ID]`: the trail, oldest first.
pub fn audit(store: &Store, family: Option<Uuid>, clock: &dyn Clock) -> Result<String, Failure> {
    let entries = match family {
        Some(id) => {
            if store.family(id)?.is_none() && store.audit_of_family(id)?.is_empty() {
                return Err(Failure::new(format!("there is no family {id}")));
            }
            store.audit_of_family(id)?
        }
        None => store.audit()?,
    };
    let mut out = String::new();
    for (e, words) in entries.iter().zip(store.audit_words(&entries)?) {
        out.push_str(&audit_line(e, &words, clock));
        out.push('\n');
    }
    if entries.is_empty() {
        out.push_str("no audit entries yet\n");
    }
    Ok(out)
}

/// "Zoë Clarke (Ava)": a family as a facilitator knows it, safe for a terminal.
fn known_as(f: &Family) -> String {
    clean(&format!("{} ({})", f.carer_names(), f.baby_names()))
}

/// At a terminal, asks `question` and reads the answer: `y` goes on; anything
/// else stops, with `stopped` as the message.
fn confirm(question: &str, stopped: &str) -> Result<(), Failure> {
    eprint!("{question} Type y and Enter to go on: ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).map_err(|e| Failure::new(format!("cannot read the answer: {e}")))?;
    match answer.trim().to_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(Failure::new(stopped)),
    }
}

/// `thinkbaby erase FAMILY_ID --reason TEXT [--override-safeguarding] [--yes]`;
/// with `ask`, names the family and asks first.
pub fn erase(
    store: &mut Store,
    family: Uuid,
    reason: &str,
    override_safeguarding: bool,
    ask: bool,
    clock: &dyn Clock,
) -> Result<String, Failure> {
    let found = store.family(family)?;
    let before = found.as_ref().map(known_as).unwrap_or_default();
    if ask && found.as_ref().is_some_and(|f| !f.is_erased()) {
        confirm(
            &format!(
                "Erase {before} for good? Names, phones, dates of birth and the words of every note go; \
                 attendance counts stay."
            ),
            "nothing was erased",
        )?;
    }
    let done = store.erase_family(family, reason, override_safeguarding, clock.now())?;
    let mut out = format!(
        "erased family {family} {before}: names, contacts, dates of birth and the text of {} removed; \
         attendance and figures kept\n",
        plural(done.notes, "note", "notes")
    );
    if done.safeguarding > 0 {
        out.push_str(&format!(
            "{} erased with --override-safeguarding\n",
            plural(done.safeguarding, "safeguarding note", "safeguarding notes")
        ));
    }
    Ok(out)
}

/// `thinkbaby purge --inactive-before DATE [--dry-run] --reason TEXT [--yes]`:
/// lists the families first, then (with `ask`, once the answer is yes) erases
/// each (a safeguarding family only with the override).
pub struct Purge<'a> {
    pub before: NaiveDate,
    pub dry_run: bool,
    pub reason: Option<&'a str>,
    pub override_safeguarding: bool,
    pub ask: bool,
}

impl Purge<'_> {
    pub fn run(&self, store: &mut Store, clock: &dyn Clock) -> Result<String, Failure> {
        let Purge { before, dry_run, reason, override_safeguarding, ask } = *self;
        let list = store.inactive_families(before)?;
        let since = before.format("%d/%m/%Y");
        if list.is_empty() {
            return Ok(format!("no family is without attendance, notes or changes since {since}: nothing to erase\n"));
        }
        let mut out =
            format!("{} with no attendance, note or change since {since}:\n", plural(list.len(), "family", "families"));
        let mut skipped = 0;
        for i in &list {
            let held = i.safeguarding > 0 && !override_safeguarding;
            skipped += usize::from(held);
            out.push_str(&format!(
                "  {}  {}  last active {}{}\n",
                i.family.id,
                known_as(&i.family),
                i.last_active.format("%d/%m/%Y"),
                if held {
                    format!("  skipped: {}", plural(i.safeguarding, "safeguarding note", "safeguarding notes"))
                } else {
                    String::new()
                }
            ));
        }
        if dry_run {
            out.push_str("dry run: nothing was erased\n");
            return Ok(out);
        }
        let reason = reason.unwrap_or("").trim();
        if reason.is_empty() {
            return Err(Failure {
                message: "say why with --reason TEXT: it goes in each family's audit trail".into(),
                code: 2,
            });
        }
        // The list goes out before anything is erased (a reader that stopped reading
        // does not stop the purge).
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush());
        drop(stdout);
        out.clear();
        let erasing = list.len() - skipped;
        if ask && erasing > 0 {
            confirm(
                &format!("Erase {} for good, as listed?", plural(erasing, "family", "families")),
                "nothing was erased",
            )?;
        }
        let ids: Vec<Uuid> =
            list.iter().filter(|i| i.safeguarding == 0 || override_safeguarding).map(|i| i.family.id).collect();
        // All in one rebuild of the store: every one of them, or (stopped) none.
        let erased = if ids.is_empty() {
            0
        } else {
            store.erase_families(&ids, reason, override_safeguarding, clock.now())?.len()
        };
        out.push_str(&format!("erased {}", plural(erased, "family", "families")));
        if skipped > 0 {
            out.push_str(&format!(
            "; kept {} with safeguarding notes (--override-safeguarding erases them too, if your safeguarding lead agrees)",
            plural(skipped, "family", "families")
        ));
        }
        out.push('\n');
        Ok(out)
    }
}

/// A passphrase from `--backup-passphrase-file`, held to the store's rules.
fn backup_passphrase(file: &Path) -> Result<SecretString, Failure> {
    let pass =
        crate::passphrase::given(Some(file))?.ok_or_else(|| Failure::new("the backup passphrase file is empty"))?;
    crate::store::check_new_passphrase(&pass).map_err(|e| Failure::new(format!("backup passphrase: {e}")))?;
    Ok(pass)
}

/// `thinkbaby backup FILE [--backup-passphrase-file F]`.
pub fn backup(
    dir: &Path,
    pass_file: Option<&Path>,
    file: &Path,
    backup_pass: Option<&Path>,
) -> Result<String, Failure> {
    let chosen = backup_pass.map(backup_passphrase).transpose()?;
    let (store, pass) = passphrase::open_store_keeping(dir, pass_file)?;
    let counts = backup::write(&store, file, chosen.unwrap_or(pass))?;
    Ok(format!("backed up {counts}\nto {}, sealed with a passphrase\n", file.display()))
}

/// `thinkbaby restore FILE`: fills an empty data folder. A restore that fails
/// (a wrong backup passphrase, a damaged backup) leaves the folder as it found
/// it: no empty store behind that the next restore would have to be told about.
pub fn restore(
    dir: &Path,
    pass_file: Option<&Path>,
    file: &Path,
    backup_pass: Option<&Path>,
) -> Result<String, Failure> {
    if !file.is_file() {
        return Err(Failure::new(format!("there is no file {}: check the name and the folder", file.display())));
    }
    let chosen = backup_pass.map(|p| crate::passphrase::given(Some(p))).transpose()?.flatten();
    let before = Before::of(dir);
    let restored = (|| {
        let (store, pass) = passphrase::open_store_keeping(dir, pass_file)?;
        if !store.is_empty()? {
            return Err(archive::ArchiveError::NotEmpty.into());
        }
        Ok(backup::restore(&store, file, chosen.unwrap_or(pass))?)
    })();
    match restored {
        Ok(counts) => Ok(format!("restored {counts}\ninto {}\n", dir.display())),
        Err(e) => {
            before.put_back(dir);
            Err(e)
        }
    }
}

/// What the data folder was before a restore.
enum Before {
    Missing,
    Empty,
    /// Something was there: never touched.
    Used,
}

impl Before {
    fn of(dir: &Path) -> Before {
        match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
            Err(_) if !dir.exists() => Before::Missing,
            Ok(true) => Before::Empty,
            _ => Before::Used,
        }
    }

    /// Removes what a failed restore made. The store is closed by now, but
    /// sled's last flush may still be finishing: a few tries.
    fn put_back(&self, dir: &Path) {
        for _ in 0..20 {
            let done = match self {
                Before::Used => return,
                Before::Missing => std::fs::remove_dir_all(dir).is_ok() || !dir.exists(),
                Before::Empty => std::fs::read_dir(dir).map_or(true, |entries| {
                    entries.flatten().all(|e| {
                        let p = e.path();
                        if p.is_dir() { std::fs::remove_dir_all(&p).is_ok() } else { std::fs::remove_file(&p).is_ok() }
                    })
                }),
            };
            if done {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}
