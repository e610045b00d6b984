//! Laptops for the tests of several laptops (bundles, the hub, kills): each its
//! own data folder, driven through the real binary, and the small records
//! those tests make.

use super::process::{settle, spawning};
use chrono::{DateTime, NaiveTime, Utc};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use thinkbaby::domain::*;
use thinkbaby::store::{Store, Unlock};
use uuid::Uuid;

/// Every laptop of a test's team uses this passphrase.
pub const PASSPHRASE: &str = "two laptops one group hall";

pub struct Laptop {
    pub dir: PathBuf,
}

impl Laptop {
    pub fn new(work: &Path, name: &str) -> Laptop {
        Laptop { dir: work.join(name) }
    }

    /// The binary on this laptop's folder, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = super::process::thinkbaby(&self.dir, PASSPHRASE);
        c.args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let _spawning = spawning();
        self.command(args).output().unwrap()
    }

    /// Runs a command that must succeed; its stdout and stderr.
    pub fn ok(&self, args: &[&str]) -> (String, String) {
        let out = self.run(args);
        let (o, e) =
            (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
        assert!(out.status.success(), "{args:?} failed ({}):\n{o}\n{e}", out.status);
        (o, e)
    }

    /// Runs a command that must fail with status 1 in one or two plain lines;
    /// its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.trim().lines().count() <= 2 && !err.contains("panicked"), "{err}");
        err
    }

    pub fn export(&self) -> String {
        self.ok(&["export", "--format", "jsonl"]).0
    }

    pub fn bundle(&self, to: &Path) -> PathBuf {
        self.ok(&["bundle", "-o", to.to_str().unwrap()]);
        to.to_path_buf()
    }

    pub fn merge(&self, bundle: &Path) -> String {
        self.ok(&["merge", bundle.to_str().unwrap()]).0
    }

    pub fn sync(&self, hub: &str) -> String {
        self.ok(&["sync", "--hub", hub]).0
    }

    pub fn open(&self) -> Store {
        settle();
        Store::open_with(&self.dir, Unlock::Passphrase(PASSPHRASE.into())).unwrap()
    }

    /// Writes `csv` to `work/name` and imports it (`what`: roster or attendance).
    pub fn import(&self, what: &str, work: &Path, name: &str, csv: &str) {
        let path = work.join(name);
        std::fs::write(&path, csv).unwrap();
        self.ok(&["import", what, path.to_str().unwrap()]);
    }
}

/// The Central group, meeting on Thursdays, with the id its name gives.
pub fn central(now: DateTime<Utc>, device: Uuid) -> Group {
    Group {
        id: Group::id_for_name("Central"),
        name: "Central".into(),
        venue: String::new(),
        neighbourhood: Some(Neighbourhood::Central),
        weekday: 3,
        start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        stamp: Stamp::new(now, device),
    }
}

/// A note's first revision, written by AB at `at`.
pub fn revision(at: DateTime<Utc>, text: &str, concern: Concern) -> Revision {
    Revision {
        id: new_id(at),
        parents: vec![],
        tags: vec!["responds-to-cues".into()],
        text: text.into(),
        concern,
        follow_up: String::new(),
        baby: None,
        by: "AB".into(),
        at,
        why: String::new(),
    }
}

pub fn family_named(store: &Store, carer: &str) -> Family {
    store.families().unwrap().into_iter().find(|f| f.carers.iter().any(|c| c.name == carer)).unwrap()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, with its bytes.
pub fn every_file(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}
