//! Each exporter on each example's document. Fonts are loaded once, outside the timed loop
//! (as in `nianbao watch` and batch builds); `pdf_with_font_load` also times finding,
//! mapping and parsing the font files (what a cold `nianbao build` pays once).
//!
//! `cargo bench -p nianbao-export`

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly
#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use nianbao_core::Document;
use nianbao_export::{fonts, layout, pdf};

/// The document of every example under `examples/`, sorted by folder name.
fn documents() -> Vec<(String, Document)> {
    let dirs = nianbao_core::sample::examples();
    dirs.into_iter()
        .map(|(name, dir)| {
            let loaded = nianbao_core::load_and_check(&dir);
            let report = loaded.report.expect("example loads");
            (name, nianbao_core::document::build(&report, false))
        })
        .collect()
}

fn exporters(c: &mut Criterion) {
    let docs = documents();
    let fonts =
        fonts::Fonts::load(&fonts::find_font_dir(None).expect("fonts"), &[]).expect("fonts");
    let mut g = c.benchmark_group("xlsx");
    for (name, doc) in &docs {
        g.bench_function(name, |b| {
            b.iter(|| nianbao_export::xlsx::export(std::hint::black_box(doc)).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("docx");
    for (name, doc) in &docs {
        g.bench_function(name, |b| {
            b.iter(|| nianbao_export::docx::export(std::hint::black_box(doc)).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("html");
    for (name, doc) in &docs {
        g.bench_function(name, |b| {
            b.iter(|| nianbao_export::html::export(std::hint::black_box(doc)).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("pdf");
    for (name, doc) in &docs {
        g.bench_function(name, |b| {
            b.iter(|| pdf::export(std::hint::black_box(doc), &fonts).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("ofd");
    for (name, doc) in &docs {
        g.bench_function(name, |b| {
            b.iter(|| nianbao_export::ofd::export(std::hint::black_box(doc), &fonts).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("pdf_layout_only");
    for (name, doc) in &docs {
        g.bench_function(name, |b| {
            b.iter(|| layout::layout(std::hint::black_box(doc), &fonts).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("pdf_with_font_load");
    if let Some((name, doc)) = docs.iter().find(|(n, _)| n.starts_with("wuzhong")) {
        g.bench_function(name, |b| {
            b.iter(|| {
                let fonts = fonts::Fonts::load(&fonts::find_font_dir(None).unwrap(), &[]).unwrap();
                pdf::export(std::hint::black_box(doc), &fonts).unwrap()
            })
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
    targets = exporters
}
criterion_main!(benches);
