//! What the benchmarks share: the store generator (the library's, as the demo's
//! and `examples/gen.rs`'s), the budget checks, and the folder they write in.

#![allow(dead_code)]

pub mod budget;
pub mod exchange;
pub use thinkbaby::sample::store as generate;

use std::path::{Path, PathBuf};

/// Where benchmarks make their temporary stores: `THINKBABY_BENCH_DIR`, else the
/// system's temporary folder. Every comparison of one run writes in the same folder,
/// so on the same disk.
pub fn bench_dir() -> PathBuf {
    std::env::var_os("THINKBABY_BENCH_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir)
}

pub fn temp_dir(prefix: &str) -> tempfile::TempDir {
    let base = bench_dir();
    std::fs::create_dir_all(&base).expect("the benchmark folder can be made");
    tempfile::Builder::new().prefix(prefix).tempdir_in(&base).expect("a temporary folder for the benchmark")
}

/// True under `cargo bench`; false under `cargo test --benches`, where criterion
/// runs each benchmark once and a small store is enough.
pub fn benchmarking() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

/// Bytes the files under `dir` take on disk (allocated blocks, as `du` counts them).
pub fn disk_usage(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                total += disk_usage(&e.path());
            } else {
                total += allocated(&meta);
            }
        }
    }
    total
}

#[cfg(unix)]
fn allocated(meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.blocks() * 512
}

#[cfg(not(unix))]
fn allocated(meta: &std::fs::Metadata) -> u64 {
    meta.len()
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
