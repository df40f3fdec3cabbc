//! Loading and checking each example report (`nianbao check` without the printing), and
//! turning it into the format-neutral document.
//!
//! `cargo bench -p nianbao-core`

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly
#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

fn load_check(c: &mut Criterion) {
    let mut g = c.benchmark_group("load_and_check");
    for (name, dir) in nianbao_core::sample::examples() {
        g.bench_function(&name, |b| {
            b.iter(|| nianbao_core::load_and_check(std::hint::black_box(&dir)))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("document_build");
    for (name, dir) in nianbao_core::sample::examples() {
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
