//! Loading and checking each example report (`nianbao check` without the printing), and
//! turning it into the format-neutral document.
//!
//! `cargo bench -p nianbao-core`

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly
#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

/// Every folder under `examples/` with a `report.toml`, sorted.
fn examples() -> Vec<(String, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("examples/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("report.toml").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

fn load_check(c: &mut Criterion) {
    let mut g = c.benchmark_group("load_and_check");
    for (name, dir) in examples() {
        g.bench_function(&name, |b| {
            b.iter(|| nianbao_core::load_and_check(std::hint::black_box(&dir)))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("document_build");
    for (name, dir) in examples() {
        let loaded = nianbao_core::load_and_check(&dir);
        let report = loaded.report.expect("example loads");
        g.bench_function(&name, |b| {
            b.iter(|| nianbao_core::document::build(std::hint::black_box(&report), false))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // Modest: the whole workspace's benches should finish in a few minutes on 2 cores.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = load_check
}
criterion_main!(benches);
