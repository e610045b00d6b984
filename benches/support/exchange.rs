//! Budgets of several laptops on the generated store, each against the time
//! `export --format jsonl` took on the same store: writing a bundle and
//! merging it into a new laptop (each within 2x the export), merging a bundle
//! with nothing new (within 1x), the first sync to an empty hub (within 3x) and
//! a sync with nothing new (under a second). One timed run each: they take
//! seconds, and criterion's samples would take an hour.

use super::budget::{self, show};
use std::path::Path;
use std::time::{Duration, Instant};
use thinkbaby::store::{Store, Unlock, bundle};

#[path = "../../tests/support/postgres.rs"]
mod postgres;

/// Times `f` once, and says what it took.
fn once<T>(what: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    println!("{what}: {}", show(took));
    (out, took)
}

pub fn run(dir: &Path, work: &Path, pass: &str, exported: Duration, bench: bool) {
    let unlock = || Unlock::Passphrase(pass.into());
    let path = work.join("laptop-1.tbb");
    let mut store = Store::open_with(dir, unlock()).expect("store");
    let (_, wrote) = once("bundle: written", || {
        bundle::write(&store, &path, pass.into(), chrono::Utc::now()).expect("bundle written")
    });
    println!("bundle: {}", super::mib(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)));
    // As `thinkbaby merge FILE` does it.
    let merge = |s: &mut Store| s.merge_bundle(&path, pass.into()).expect("bundle merged").1;

    let new_laptop = work.join("laptop-2");
    let (merged, into_new) = once("bundle: merged into a new laptop", || {
        let mut fresh = Store::open_with(&new_laptop, unlock()).expect("new laptop");
        merge(&mut fresh)
    });
    println!("  added {} families, {} attendances", merged.stats.families_added, merged.stats.attendance_added);
    let (again, nothing_new) = once("bundle: merged with nothing new", || merge(&mut store));
    assert_eq!(again.stats.families_added + again.stats.families_changed, 0, "nothing new");

    if bench {
        let within = |what: &str, took: Duration, times: u32| {
            budget::verdict(
                what,
                format!("{} ({:.2}x export)", show(took), took.as_secs_f64() / exported.as_secs_f64()),
                format!("≤ {times} × export {} = {}", show(exported), show(exported * times)),
                took <= exported * times,
            )
        };
        within("bundle: write", wrote, 2);
        within("bundle: merge into a new laptop", into_new, 2);
        within("bundle: merge, nothing new", nothing_new, 1);
    }

    let Some(pg) = postgres::Cluster::start() else {
        println!("BUDGET hub: not measured (no PostgreSQL here: apt-get install postgresql)");
        return;
    };
    let hub = pg.database("bench");
    let pass = secrecy::SecretString::from(pass);
    let (first, took_first) =
        once("hub: first sync to an empty hub", || thinkbaby::hub::sync(&mut store, &hub, &pass).expect("synced"));
    println!("  sent {} values", first.pushed);
    let (_, took_empty) =
        once("hub: sync with nothing new", || thinkbaby::hub::sync(&mut store, &hub, &pass).expect("synced"));
    if bench {
        budget::verdict(
            "hub: first sync",
            format!("{} ({:.2}x export)", show(took_first), took_first.as_secs_f64() / exported.as_secs_f64()),
            format!("≤ 3 × export {} = {}", show(exported), show(exported * 3)),
            took_first <= exported * 3,
        );
        budget::at_most("hub: sync, nothing new", Some(took_empty), Duration::from_secs(1));
    }
}
