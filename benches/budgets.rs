//! Budgets 2-6 on a generated Luton-wide store (50,000 families, 500,000
//! observations, three years of weekly sessions for four groups), made once per
//! run in a temporary folder:
//!
//! 2. one keystroke of search on Check-in, extending the query: median ≤ 5 ms;
//! 3. a full frame of the roster and of the check-in list at 200x50: median ≤ 1 ms;
//! 4. start-up (open, load, build the search index, first frame): ≤ 150 ms, the
//!    passphrase derivation (Argon2id, tuned to about half a second) reported
//!    apart, and the real program's peak memory ≤ 100 MB (`/usr/bin/time -v`,
//!    when installed);
//! 5. a family's timeline with 500 observations: ≤ 2 ms;
//! 6. the store's size on disk: ≤ 2.5 times its archive.
//!
//! The store is encrypted, as the program makes it. Under `cargo test --benches`
//! a store of 500 families is used, each benchmark runs once and no budget is judged.

mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::Criterion;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};
use support::budget::{self, show};
use support::generate::{self, Params};
use thinkbaby::clock::FixedClock;
use thinkbaby::search::SearchIndex;
use thinkbaby::store::{META_KEYRING, Store, Unlock, archive, crypto};
use thinkbaby::tui::action::{Action, Screen};
use thinkbaby::tui::app::App;
use thinkbaby::tui::theme::Theme;
use thinkbaby::tui::{Options, view};

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
const GROUP: &str = "Flying Start Central";
/// The benchmark store's passphrase (made-up data; not a secret).
const PASSPHRASE: &str = "benchmarks only, made-up families";

fn unlock() -> Unlock {
    Unlock::Passphrase(secrecy::SecretString::from(PASSPHRASE))
}

/// What a facilitator types on Check-in: a carer's name, a baby's, a surname
/// shared by many, phone digits, a postcode.
const TYPED: &[&str] = &["lucja", "sadia", "begum", "hodan", "popescu", "07812", "lu4 9"];

/// Set (to the store's folder) when this program runs itself to measure memory.
const MEMORY_CHILD: &str = "THINKBABY_BENCH_MEMORY_OF";

fn main() {
    if let Some(dir) = std::env::var_os(MEMORY_CHILD) {
        memory_child(Path::new(&dir));
        return;
    }
    let bench = support::benchmarking();
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let params =
        if bench { Params::default() } else { Params { families: 500, observations: 5_000, ..Params::default() } };
    let tmp = support::temp_dir("thinkbaby-bench-store-");
    let dir = tmp.path().join("store");
    let day = params.until;

    let started = Instant::now();
    let heavy = {
        let store = Store::open_with(&dir, unlock()).expect("store");
        let summary = generate::generate(&store, &params).expect("generate");
        let heavy = generate::add_heavy_family(&store, &summary, 500, 99).expect("heavy family");
        println!("generated {summary} in {}, in {}", show(started.elapsed()), dir.display());
        heavy
    };

    // The passphrase derivation, apart: it is tuned to take about half a second
    // on the laptop that made the store, on purpose.
    let kdf = {
        let store = Store::open_with(&dir, unlock()).expect("store");
        let ring: crypto::Keyring = store.meta(META_KEYRING).expect("keyring").expect("an encrypted store");
        let pass = secrecy::SecretString::from(PASSPHRASE);
        let mut times: Vec<Duration> = (0..3)
            .map(|_| {
                let t = Instant::now();
                ring.unlock(&pass).expect("unlock");
                t.elapsed()
            })
            .collect();
        let kdf = budget::median(&mut times).unwrap_or_default();
        println!(
            "passphrase derivation (Argon2id, {} MiB, {} passes, {} lane): median {} (reported apart, not in start-up)",
            ring.kdf.memory_kib / 1024,
            ring.kdf.passes,
            ring.kdf.lanes,
            show(kdf)
        );
        kdf
    };

    // 4. Start-up, in process: open the store, read today's expected families,
    //    open today's session and draw the first frame (the other families are
    //    read and indexed after it, between keys: reported in the breakdown).
    {
        let (breakdown, _) = start_up(&dir, day, kdf);
        println!("start-up, once: {breakdown}");
        let mut group = c.benchmark_group("start_up");
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(12));
        let median = budget::timed(&mut group, "open_day_first_frame_without_kdf", || {
            start_up(&dir, day, kdf).1.saturating_sub(kdf)
        });
        group.finish();
        if bench {
            budget::at_most("start-up (in process, without KDF)", median, Duration::from_millis(150));
        }
    }

    let mut app = open_app(&dir, day);
    let families = app.families.len();

    // 2. One keystroke of search, through the app as the key would go.
    {
        let mut group = c.benchmark_group("search");
        let mut word = 0;
        let mut typed = 0;
        let mut first_letters = Vec::new();
        let mut concern_reads = Vec::new();
        let median = budget::timed(&mut group, &format!("keystroke_{families}_families"), || {
            let text = TYPED[word];
            let ch = text.chars().nth(typed).unwrap_or(' ');
            let t = Instant::now();
            app.key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
            let d = t.elapsed();
            if typed == 0 {
                first_letters.push(d);
            }
            // What the program does after drawing, when no key waits: the
            // hits' open concerns (their `!`). Not in the keystroke; reported.
            let t = Instant::now();
            app.idle_step().expect("concerns");
            concern_reads.push(t.elapsed());
            typed += 1;
            if typed == text.chars().count() {
                // Start the next word from an empty box, outside the timing.
                typed = 0;
                word = (word + 1) % TYPED.len();
                app.update(Action::Back);
                app.update(Action::Go(Screen::CheckIn));
            }
            d
        });
        group.finish();
        if let Some(first) = budget::median(&mut first_letters) {
            println!("search: first letter (scans every family) median {}", show(first));
        }
        if let Some(reads) = budget::median(&mut concern_reads) {
            println!("search: the hits' open concerns, read once no key waits, median {}", show(reads));
        }
        // The index alone, for the record: a new query each time, no narrowing.
        let list: Vec<_> = app.families.values().map(std::borrow::Cow::into_owned).collect();
        let mut index = SearchIndex::new(&list);
        let mut group = c.benchmark_group("search");
        let mut n = 0;
        let fresh = budget::timed(&mut group, "fresh_query_no_narrowing", || {
            let q = TYPED[n % TYPED.len()];
            n += 1;
            index.search("", 0);
            let t = Instant::now();
            std::hint::black_box(index.search(q, 200));
            t.elapsed()
        });
        group.finish();
        if let Some(f) = fresh {
            println!("search: a whole word typed at once (no narrowing) median {}", show(f));
        }
        if bench {
            budget::at_most(&format!("search keystroke ({families} families)"), median, Duration::from_millis(5));
        }
    }

    // 3. Drawing a full frame at 200x50.
    {
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
        let mut group = c.benchmark_group("frame_200x50");
        app.update(Action::Back);
        app.update(Action::Go(Screen::Roster));
        let rows = app.roster_rows().len();
        let roster = budget::timed(&mut group, "roster", || {
            let t = Instant::now();
            terminal
                .draw(|f| {
                    view::draw(&app, f);
                })
                .expect("draw");
            t.elapsed()
        });
        app.update(Action::Go(Screen::CheckIn));
        let checkin = budget::timed(&mut group, "check_in_list", || {
            let t = Instant::now();
            terminal
                .draw(|f| {
                    view::draw(&app, f);
                })
                .expect("draw");
            t.elapsed()
        });
        group.finish();
        println!("frame: the roster has {rows} rows, the check-in list {} hits", app.checkin.hits.len());
        if bench {
            budget::at_most("frame: roster 200x50", roster, Duration::from_millis(1));
            budget::at_most("frame: check-in list 200x50", checkin, Duration::from_millis(1));
        }
    }

    // 5. A family's timeline: 500 observations and its attendance.
    {
        let mut group = c.benchmark_group("timeline");
        let (mut notes, mut visits) = (0, 0);
        let median = budget::timed(&mut group, "family_with_500_observations", || {
            let t = Instant::now();
            // What the Family and Notes screens read: every visit with its notes and history.
            let v = app.store.visits_of_family(heavy).expect("visits");
            let d = t.elapsed();
            notes = v.iter().map(|v| v.notes.len()).sum();
            visits = v.iter().filter(|v| v.attendance.is_some()).count();
            d
        });
        group.finish();
        println!("timeline: {notes} observations and {visits} attendances");
        if bench {
            budget::at_most("timeline, 500 observations", median, Duration::from_millis(2));
        }
    }

    // 6. Size on disk against the archive.
    let exported = {
        let archive_path = tmp.path().join("archive.jsonl");
        let t = Instant::now();
        let file = std::fs::File::create(&archive_path).expect("archive file");
        let mut w = BufWriter::new(file);
        let counts = archive::export(&app.store, &mut w).expect("export");
        w.flush().expect("archive written");
        drop(w);
        let exported = t.elapsed();
        let store_bytes = support::disk_usage(&dir);
        let archive_bytes = std::fs::metadata(&archive_path).map(|m| m.len()).unwrap_or(1).max(1);
        let ratio = store_bytes as f64 / archive_bytes as f64;
        println!(
            "size: store {} on disk, archive {} ({counts}, exported in {}); ratio {ratio:.2}",
            support::mib(store_bytes),
            support::mib(archive_bytes),
            show(exported)
        );
        if bench {
            budget::verdict(
                "store size / archive size",
                format!("{ratio:.2} ({} / {})", support::mib(store_bytes), support::mib(archive_bytes)),
                "≤ 2.5".into(),
                ratio <= 2.5,
            );
        }
        exported
    };
    drop(app);

    // 7. Several laptops: bundles and the hub, against the export's time.
    support::exchange::run(&dir, tmp.path(), PASSPHRASE, exported, bench);

    // 4 again: the real program in a pseudo-terminal, for its peak memory; and
    // where the memory goes, step by step, in a fresh process.
    if bench {
        real_program(&dir, day, kdf);
        memory_steps(&dir);
    }

    if bench {
        budget::summary(&format!("budgets on a store of {families} families"));
    }
    c.final_summary();
}

fn clock(day: NaiveDate) -> FixedClock {
    use chrono::Datelike;
    FixedClock::new(Utc.with_ymd_and_hms(day.year(), day.month(), day.day(), 10, 15, 0).single().unwrap_or_default())
}

fn options(day: NaiveDate) -> Options {
    Options { group: Some(GROUP.into()), date: Some(day), demo: false, lock_after: 240 }
}

/// The app on today's session of the Central group, initials given.
fn open_app(dir: &Path, day: NaiveDate) -> App {
    let store = Store::open_with(dir, unlock()).expect("store");
    let mut app = App::new(store, Rc::new(clock(day)), options(day), Theme { color: true }).expect("app");
    app.overlays.clear();
    app.initials = "CR".into();
    app
}

/// One start-up, as the program does it; returns a breakdown and the total
/// (the passphrase derivation included: `kdf` is only for the breakdown).
///
/// The program draws its first frame once today's expected families are read
/// (`App::starting`), then reads the rest and builds the search index a piece at
/// a time between keys (`App::load_step`). Both are timed; the total is the
/// time to the first frame, and the breakdown says when search is complete.
fn start_up(dir: &Path, day: NaiveDate, kdf: Duration) -> (String, Duration) {
    let t = Instant::now();
    let store = Store::open_with(dir, unlock()).expect("store");
    let opened = t.elapsed();
    let t1 = Instant::now();
    let mut app = App::starting(store, Rc::new(clock(day)), options(day), Theme { color: true }).expect("app");
    let made = t1.elapsed();
    let t2 = Instant::now();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal
        .draw(|f| {
            view::draw(&app, f);
        })
        .expect("draw");
    let drawn = t2.elapsed();
    let total = opened + made + drawn;
    let t3 = Instant::now();
    app.finish_loading().expect("every family read");
    let loaded = t3.elapsed();
    let breakdown = format!(
        "open {} (of which about {} deriving the key) + App::starting {} (today's {} expected families) + first frame {} = {}; then every family read and indexed {} later",
        show(opened),
        show(kdf),
        show(made),
        app.day.as_ref().map_or(0, |d| d.roster.len()),
        show(drawn),
        show(total),
        show(loaded),
    );
    drop(app);
    (breakdown, total)
}

/// Runs the real `thinkbaby` in a pseudo-terminal, under `/usr/bin/time -v` when
/// it is installed: the time until its first frame shows, and its peak memory.
fn real_program(dir: &Path, day: NaiveDate, kdf: Duration) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let exe = env!("CARGO_BIN_EXE_thinkbaby");
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut firsts = Vec::new();
    let mut peak_kb: Option<u64> = None;
    // Each run's first frame and peak, so that one run unlike the others shows.
    let mut runs: Vec<String> = Vec::new();
    for _ in 0..5 {
        let pty = native_pty_system();
        let pair = pty.openpty(PtySize { rows: HEIGHT, cols: WIDTH, pixel_width: 0, pixel_height: 0 }).expect("pty");
        let mut cmd = if gnu_time {
            let mut c = CommandBuilder::new("/usr/bin/time");
            c.arg("-v");
            c.arg(exe);
            c
        } else {
            CommandBuilder::new(exe)
        };
        cmd.args(["--data-dir", &dir.display().to_string(), "--group", GROUP, "--date", &day.to_string()]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("THINKBABY_PASSPHRASE", PASSPHRASE);
        let t = Instant::now();
        let mut child = pair.slave.spawn_command(cmd).expect("spawn thinkbaby");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let mut writer = pair.master.take_writer().expect("writer");
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut out: Vec<u8> = Vec::new();
        let mut first = None;
        let mut quit_sent = false;
        let deadline = Instant::now() + Duration::from_secs(30);
        // The first frame holds the group's name; then Ctrl-C quits.
        while Instant::now() < deadline {
            if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(50)) {
                out.extend(chunk);
                if first.is_none() && String::from_utf8_lossy(&out).contains("Flying Start Central") {
                    first = Some(t.elapsed());
                }
            }
            // Quit once the rest of the families have surely been read and
            // indexed after the first frame, so the peak memory counts them.
            if first.is_some_and(|f| t.elapsed() > f + Duration::from_secs(3)) && !quit_sent {
                quit_sent = true;
                writer.write_all(b"\x03").ok();
                writer.flush().ok();
            }
            if first.is_some() && child.try_wait().ok().flatten().is_some() {
                break;
            }
        }
        child.wait().ok();
        while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(200)) {
            out.extend(chunk);
        }
        let text = String::from_utf8_lossy(&out).to_string();
        if let Some(d) = first {
            firsts.push(d);
        } else {
            println!(
                "real program: no first frame within 30 s; output ended with {:?}",
                text.chars().rev().take(300).collect::<String>()
            );
        }
        let kb = text
            .lines()
            .find(|l| l.contains("Maximum resident set size"))
            .and_then(|l| l.rsplit(':').next())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(kb) = kb {
            peak_kb = Some(peak_kb.unwrap_or(0).max(kb));
        }
        runs.push(format!(
            "{} / {}",
            first.map_or("-".into(), show),
            kb.map_or("-".into(), |kb| format!("{:.1} MiB", kb as f64 / 1024.0))
        ));
    }
    println!("real program, each run (first frame / peak memory): {}", runs.join(", "));
    let first = budget::median(&mut firsts);
    if let Some(f) = first {
        println!(
            "real program: first frame after {} (median of {}, process start and the {} key derivation included)",
            show(f),
            firsts.len(),
            show(kdf)
        );
    }
    budget::at_most(
        "start-up (real program, without KDF)",
        first.map(|f| f.saturating_sub(kdf)),
        Duration::from_millis(150),
    );
    match peak_kb {
        Some(kb) => budget::verdict(
            "peak memory (real program)",
            format!("{:.1} MiB", kb as f64 / 1024.0),
            "≤ 100 MiB".into(),
            kb <= 100 * 1024,
        ),
        None => {
            println!("BUDGET peak memory: not measured (install GNU time: apt-get install time)")
        }
    }
}

/// Runs this benchmark program again, as a fresh process, to report the memory
/// each step of start-up takes (Linux: from /proc/self/status).
fn memory_steps(dir: &Path) {
    if !Path::new("/proc/self/status").exists() {
        return;
    }
    let Ok(me) = std::env::current_exe() else { return };
    match std::process::Command::new(me).env(MEMORY_CHILD, dir).output() {
        Ok(out) => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Err(e) => println!("memory steps: cannot run ({e})"),
    }
}

/// Resident and peak memory now, in MiB.
fn memory_now() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn memory_child(dir: &Path) {
    let step = |what: &str| {
        let (rss, peak) = memory_now();
        println!("memory: {what:<52} resident {rss:>6.1} MiB, peak so far {peak:>6.1} MiB");
    };
    step("at start");
    let store = Store::open_with(dir, unlock()).expect("store");
    step("store open (key derived: 64 MiB, freed)");
    let day = Params::default().until;
    let mut app = App::starting(store, Rc::new(clock(day)), options(day), Theme { color: true }).expect("app");
    step("App::starting (today's expected families)");
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal
        .draw(|f| {
            view::draw(&app, f);
        })
        .expect("draw");
    step("first frame drawn");
    app.finish_loading().expect("every family read");
    step(&format!("all {} families read and indexed", app.families.len()));
}
