//! Budgets: each benchmark times its operation itself (through criterion's
//! `iter_custom`, so criterion still prints its own statistics), keeps every
//! per-operation time, and prints its median against its budget.

use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;
use std::cell::RefCell;
use std::time::Duration;

/// One budget's outcome.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: String,
    pub figure: String,
    pub budget: String,
    pub met: bool,
}

thread_local! {
    static VERDICTS: RefCell<Vec<Verdict>> = const { RefCell::new(Vec::new()) };
}

/// Prints a verdict now and keeps it for the summary.
pub fn verdict(name: &str, figure: String, budget: String, met: bool) {
    let v = Verdict { name: name.to_string(), figure, budget, met };
    println!("BUDGET {:<40} {:<30} budget {:<40} {}", v.name, v.figure, v.budget, if v.met { "met" } else { "MISSED" });
    VERDICTS.with(|all| all.borrow_mut().push(v));
}

/// Prints every verdict of this run as a table.
pub fn summary(title: &str) {
    VERDICTS.with(|all| {
        let all = all.borrow();
        if all.is_empty() {
            return;
        }
        println!();
        println!("{title}");
        println!("| {:<40} | {:<30} | {:<40} | {:<6} |", "benchmark", "figure", "budget", "result");
        println!("|{}|{}|{}|{}|", "-".repeat(42), "-".repeat(32), "-".repeat(42), "-".repeat(8));
        for v in all.iter() {
            println!(
                "| {:<40} | {:<30} | {:<40} | {:<6} |",
                v.name,
                v.figure,
                v.budget,
                if v.met { "met" } else { "MISSED" }
            );
        }
        println!();
    });
}

/// Runs `op` under criterion as benchmark `name`; `op` does one operation and
/// returns how long the part that counts took (setup left out). Returns the
/// median of every operation timed, warm-up included, or None when criterion's
/// filter skipped it.
pub fn timed<F>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, mut op: F) -> Option<Duration>
where
    F: FnMut() -> Duration,
{
    let mut samples: Vec<Duration> = Vec::new();
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let d = op();
                samples.push(d);
                total += d;
            }
            total
        })
    });
    median(&mut samples)
}

pub fn median(samples: &mut [Duration]) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    Some(samples[samples.len() / 2])
}

/// "1.23 ms", "456 µs", "78 ns".
pub fn show(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// A verdict for "median at most `limit`".
pub fn at_most(name: &str, median: Option<Duration>, limit: Duration) {
    match median {
        Some(m) => verdict(name, format!("median {}", show(m)), format!("≤ {}", show(limit)), m <= limit),
        None => println!("BUDGET {name}: not run (filtered out)"),
    }
}
