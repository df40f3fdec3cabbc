//! The whole pipeline on each example in one process: load, check, document, the three
//! exporters and the atomic write, as `nianbao watch` runs it on every save. Fonts stay
//! loaded between iterations (the watch loop keeps its [`FontCache`]); outputs go to a
//! temporary folder, and from the second iteration on the files are unchanged, so the write
//! step is the read-and-compare that skips rewriting them (what a save that changes nothing
//! visible costs). `build_fresh_fonts` loads the fonts in every iteration. `build_after_edit`
//! is what `watch` does after a save that changes one number: demo-county-2024 (and last
//! year's report beside it) copied to a temporary folder, its 行政许可 figure changed before
//! every build, with a session's fonts ([`FontCache::for_session`], as `watch` keeps them), so
//! every build writes new DOCX, PDF, XLSX and checksum files (the formats of the watch
//! latency test, `crates/cli/tests/watch.rs`, `save_latency`).
//!
//! `cargo bench -p nianbao-watch --bench build`

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly
#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use nianbao_export::Format;
use nianbao_watch::{build, BuildOptions, FontCache};

fn full_build(c: &mut Criterion) {
    let tmp = std::env::temp_dir().join(format!("nianbao-bench-build-{}", std::process::id()));
    let mut fonts = FontCache::new(None);
    let mut g = c.benchmark_group("build");
    for (name, dir) in nianbao_core::sample::examples() {
        let opts = BuildOptions {
            out_dir: Some(tmp.join(&name)),
            ..BuildOptions::default()
        };
        g.bench_function(&name, |b| {
            b.iter(|| {
                let r = build(&dir, &opts, &mut fonts);
                assert!(r.refused.is_none(), "{:?}", r.refused);
                r
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("build_fresh_fonts");
    if let Some((name, dir)) = nianbao_core::sample::examples()
        .into_iter()
        .find(|(n, _)| n.starts_with("wuzhong"))
    {
        let opts = BuildOptions {
            out_dir: Some(tmp.join(&name)),
            ..BuildOptions::default()
        };
        g.bench_function(&name, |b| {
            b.iter(|| build(&dir, &opts, &mut FontCache::new(None)))
        });
    }
    g.finish();
    after_edit(c, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
}

fn after_edit(c: &mut Criterion, tmp: &std::path::Path) {
    let examples = nianbao_core::sample::examples();
    let copy = |name: &str| {
        let (_, from) = examples.iter().find(|(n, _)| n == name).unwrap();
        let to = tmp.join("edit").join(name);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            }
        }
        to
    };
    copy("demo-county-2023");
    let dir = copy("demo-county-2024");
    let report = dir.join("report.toml");
    let text = std::fs::read_to_string(&report).unwrap();
    const FIGURE: &str = "licensing = 9317";
    assert!(text.contains(FIGURE));
    let opts = BuildOptions {
        out_dir: Some(dir.join("out")),
        formats: vec![Format::Docx, Format::Pdf, Format::Xlsx],
        ..BuildOptions::default()
    };
    let mut fonts = FontCache::for_session(None);
    let mut value = 10_000;
    let mut g = c.benchmark_group("build_after_edit");
    g.bench_function("demo-county-2024", |b| {
        b.iter(|| {
            value += 1;
            let edited = text.replacen(FIGURE, &format!("licensing = {value}"), 1);
            std::fs::write(&report, edited).unwrap();
            let r = build(&dir, &opts, &mut fonts);
            assert!(r.refused.is_none(), "{:?}", r.refused);
            r
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // Modest: the whole workspace's benches should finish in a few minutes on 2 cores.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = full_build
}
criterion_main!(benches);
