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
    // The checks alone, and the prose-claims pass alone (W-TEXT-TABLE/W-TEXT-ZERO reading), on
    // the loaded example: the claims pass should stay a small fraction of a check.
    let mut g = c.benchmark_group("check");
    for (name, dir) in nianbao_core::sample::examples() {
        let report = nianbao_core::load_and_check(&dir).report.unwrap();
        g.bench_function(&name, |b| {
            b.iter(|| nianbao_core::check::check(std::hint::black_box(&report)))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("claims");
    for (name, dir) in nianbao_core::sample::examples() {
        let report = nianbao_core::load_and_check(&dir).report.unwrap();
        g.bench_function(&name, |b| {
            b.iter(|| {
                let mut n = 0;
                for (_, prose) in std::hint::black_box(&report).sections.all() {
                    let mut reader = nianbao_core::claims::Reader::new(report.year);
                    for block in &prose.blocks {
                        let heading = matches!(block, nianbao_core::model::Block::Heading { .. });
                        let found = reader.block(&block.text(), heading, |i| block.is_generated(i));
                        n += found.counts.len() + found.absences.len();
                    }
                }
                n
            })
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
