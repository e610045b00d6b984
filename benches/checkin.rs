//! Budget 1: a durable check-in (`Store::check_in`: the attendance record, its
//! index entry and its audit entry in one journal record, one write and one
//! `sync_data`)
//! against the floor, a 200-byte append plus `sync_data` on the same disk, and
//! against the store a developer would pick instead, a one-row SQLite insert in
//! WAL mode with `synchronous=FULL`. All three write in the same temporary folder
//! in the same run. Budget (schema 4): at most 1.2 times the fsync, and faster than SQLite.
//! Criterion times each for a few seconds in turn; the verdicts are judged on
//! rounds of the three in turn, as the disk's speed drifts over seconds.
//! Under `cargo test --benches` each runs once, on a smaller store, and no budget is judged.

mod support;

use chrono::Utc;
use criterion::Criterion;
use std::io::{Seek, SeekFrom, Write};
use std::time::{Duration, Instant};
use support::budget::{self, show};
use support::generate::{self, Params};
use thinkbaby::domain::Family;
use thinkbaby::store::{Change, Store, Unlock, codec};

/// A record the size of a stored attendance and a little over: the write the floor makes.
const RECORD: usize = 200;
/// Rounds of the three writes in turn, for the verdicts (about 2 s).
const ROUNDS: usize = 3_000;

fn main() {
    let bench = support::benchmarking();
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
        .configure_from_args();
    let dir = support::temp_dir("thinkbaby-bench-checkin-");
    println!("writing in {} (set THINKBABY_BENCH_DIR to measure another disk)", dir.path().display());

    // Each way of writing durably, as a closure timing one write: criterion
    // times each in turn below, then the verdicts time them round by round.

    // The floor: append 200 bytes to a file and make the disk hold them.
    let mut floor_file = std::fs::File::create(dir.path().join("floor.dat")).expect("floor file");
    let mut fsync_once = || {
        let record = [0x5au8; RECORD];
        let t = Instant::now();
        floor_file.write_all(&record).expect("write");
        floor_file.sync_data().expect("sync_data");
        t.elapsed()
    };

    // The same, written over the start of a file that already has its size:
    // no metadata to journal, so the least a durable write can cost on this disk.
    let mut over_file = std::fs::File::create(dir.path().join("floor-overwrite.dat")).expect("floor file");
    over_file.set_len(4096).expect("size");
    over_file.sync_all().expect("sync");
    let mut overwrite_once = || {
        let record = [0xa5u8; RECORD];
        let t = Instant::now();
        over_file.seek(SeekFrom::Start(0)).expect("seek");
        over_file.write_all(&record).expect("write");
        over_file.sync_data().expect("sync_data");
        t.elapsed()
    };

    // SQLite in WAL mode with synchronous=FULL: one row (with an index, as the
    // store keeps one) per transaction.
    let db = rusqlite::Connection::open(dir.path().join("sqlite.db")).expect("sqlite");
    db.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    db.pragma_update(None, "synchronous", "FULL").expect("synchronous");
    db.execute_batch(
        "CREATE TABLE attendance (session BLOB NOT NULL, family BLOB NOT NULL, value BLOB NOT NULL,
                                  PRIMARY KEY (session, family)) WITHOUT ROWID;
         CREATE INDEX attendance_by_family ON attendance (family, session);",
    )
    .expect("schema");
    let mut insert = db.prepare("INSERT INTO attendance (session, family, value) VALUES (?1, ?2, ?3)").expect("insert");
    let sqlite_session = uuid::Uuid::now_v7();
    let mut sqlite_once = || {
        let value = vec![0x5au8; RECORD];
        let family = uuid::Uuid::now_v7();
        let t = Instant::now();
        insert.execute((sqlite_session.as_bytes(), family.as_bytes(), &value)).expect("insert row");
        t.elapsed()
    };

    // thinkbaby: Store::check_in of a family not yet checked in, on a store with a
    // few thousand families and three years of sessions.
    let families = if bench { 2_000 } else { 300 };
    let params = Params { families, observations: families * 10, ..Params::default() };
    // Encrypted, as the program makes it: each check-in is sealed and audited.
    let pass = secrecy::SecretString::from("benchmarks only, made-up families");
    let store = Store::open_with(&dir.path().join("store"), Unlock::Passphrase(pass)).expect("store");
    let summary = generate::generate(&store, &params).expect("generate");
    let session = summary.last_sessions[0].clone();
    let template = store.families().expect("families").into_iter().next().expect("a family");
    let mut pool = FreshFamilies { template, ready: Vec::new(), rng: thinkbaby::sample::Rng::new(7) };
    let record_len = std::cell::Cell::new(0);
    let mut check_in_once = || {
        let family = pool.next(&store);
        let t = Instant::now();
        let a = store.check_in(&session, &family, "CR", Utc::now()).expect("check-in").expect("a new check-in");
        let d = t.elapsed();
        record_len.set(codec::encode(&a).len());
        d
    };

    let mut group = c.benchmark_group("durable_write");
    let fsync = budget::timed(&mut group, "fsync_200_bytes", &mut fsync_once);
    let overwrite = budget::timed(&mut group, "fsync_200_bytes_overwrite", &mut overwrite_once);
    let sqlite = budget::timed(&mut group, "sqlite_wal_full_insert", &mut sqlite_once);
    let checkin = budget::timed(&mut group, "store_check_in", &mut check_in_once);
    group.finish();
    println!(
        "a check-in writes an attendance of {} bytes before sealing (+40 sealed), its index entry and its \
         audit entry in one transaction (the floor writes {RECORD} bytes)",
        record_len.get()
    );
    if let Some(o) = overwrite {
        println!("fsync floor without a size change (200 bytes over the start of a file): {}", show(o));
    }
    if let (true, Some(f), Some(s), Some(k)) = (bench, fsync, sqlite, checkin) {
        println!("{}", figures("one after another (criterion, some 8 s each)", f, s, k));
    }

    // The verdicts: the three in turn, round by round, so that the disk's
    // drift over seconds (this machine's fsync has doubled from one minute to
    // the next) weighs on each alike, and the medians of the same rounds are compared.
    if bench {
        let (mut f, mut s, mut k) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            // Each goes first in a third of the rounds.
            for which in 0..3 {
                match (round + which) % 3 {
                    0 => f.push(fsync_once()),
                    1 => s.push(sqlite_once()),
                    _ => k.push(check_in_once()),
                }
            }
        }
        let (f, s, k) = (
            budget::median(&mut f).expect("rounds"),
            budget::median(&mut s).expect("rounds"),
            budget::median(&mut k).expect("rounds"),
        );
        println!("{}", figures(&format!("durable write, {ROUNDS} rounds in turn"), f, s, k));
        budget::verdict(
            "check-in vs fsync",
            format!("median {} ({:.2}x)", show(k), k.as_secs_f64() / f.as_secs_f64()),
            format!("≤ 1.2 × fsync {} = {}", show(f), show(f.mul_f64(1.2))),
            k <= f.mul_f64(1.2),
        );
        budget::verdict(
            "check-in vs SQLite",
            format!("median {} ({:.2}x)", show(k), k.as_secs_f64() / s.as_secs_f64()),
            format!("< SQLite WAL FULL {}", show(s)),
            k < s,
        );
    }
    if bench {
        budget::summary("durable check-in budgets");
    }
    c.final_summary();
}

/// "how: fsync … | SQLite WAL FULL … | thinkbaby check-in … (…x fsync, …x SQLite)".
fn figures(how: &str, fsync: Duration, sqlite: Duration, check_in: Duration) -> String {
    format!(
        "{how}: fsync {} | SQLite WAL FULL {} | thinkbaby check-in {} ({:.2}x fsync, {:.2}x SQLite)",
        show(fsync),
        show(sqlite),
        show(check_in),
        check_in.as_secs_f64() / fsync.as_secs_f64(),
        check_in.as_secs_f64() / sqlite.as_secs_f64()
    )
}

/// Families added to the store a thousand at a time, outside the timed part, so
/// that each check-in is of a family not checked in yet.
struct FreshFamilies {
    template: Family,
    ready: Vec<Family>,
    rng: thinkbaby::sample::Rng,
}

impl FreshFamilies {
    fn next(&mut self, store: &Store) -> Family {
        if self.ready.is_empty() {
            let now = Utc::now();
            let mut change = Change::default();
            for _ in 0..1_000 {
                let mut f = self.template.clone();
                f.id = self.rng.id(now);
                for c in &mut f.carers {
                    c.id = self.rng.id(now);
                }
                for b in &mut f.babies {
                    b.id = self.rng.id(now);
                }
                change.put_family(&f);
                self.ready.push(f);
            }
            store.commit(change).expect("add families");
        }
        self.ready.pop().expect("a family")
    }
}
