//! Batch build of many synthetic reports × the default formats with `build_many`, as
//! `nianbao build DIR -o OUT` does for a folder of report folders. Not a criterion bench: one
//! run is already seconds long; it prints the wall time.
//!
//! `cargo bench -p nianbao-watch --bench batch` (1,000 reports; `NIANBAO_BENCH_REPORTS=N`
//! for another count). Run as a test (`cargo test --benches`), it builds 20.

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use nianbao_watch::batch::build_many;
use nianbao_watch::BuildOptions;

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let n: u64 = std::env::var("NIANBAO_BENCH_REPORTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if bench { 1_000 } else { 20 });
    let tmp = std::env::temp_dir().join(format!("nianbao-bench-batch-{}", std::process::id()));
    let src = tmp.join("src");
    let mut dirs: Vec<PathBuf> = Vec::new();
    for i in 0..n {
        let dir = src.join(format!("r{i:05}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (name, text) in nianbao_core::sample::synthetic_source(i) {
            std::fs::write(dir.join(name), text).expect("write source");
        }
        dirs.push(dir);
    }
    let opts = BuildOptions {
        out_dir: Some(tmp.join("out")),
        ..BuildOptions::default()
    };
    let formats: Vec<&str> = opts.formats.iter().map(|f| f.extension()).collect();
    let formats = formats.join(",");
    let built = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let start = Instant::now();
    // NIANBAO_BENCH_THREADS: worker threads (default: what `nianbao build` uses).
    let threads: usize = std::env::var("NIANBAO_BENCH_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    build_many(&dirs, &opts, None, threads, &|_, report| {
        if report.refused.is_some() || report.write_failed() {
            failed.fetch_add(1, Ordering::Relaxed);
        } else {
            built.fetch_add(1, Ordering::Relaxed);
        }
        let size: usize = report.outputs.iter().map(|o| o.size).sum();
        bytes.fetch_add(size, Ordering::Relaxed);
    });
    let wall = start.elapsed();
    let _ = std::fs::remove_dir_all(&tmp);
    let built = built.into_inner();
    println!(
        "batch: {built} of {n} reports × the default formats ({formats}) in {:.2} s wall ({:.1} ms per report, {} threads), {:.1} MB written",
        wall.as_secs_f64(),
        wall.as_secs_f64() * 1e3 / n.max(1) as f64,
        if threads == 0 {
            std::thread::available_parallelism().map_or(1, |p| p.get())
        } else {
            threads
        },
        bytes.into_inner() as f64 / 1e6
    );
    assert_eq!(failed.into_inner(), 0, "some reports failed to build");
}
