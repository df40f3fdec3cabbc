//! The whole pipeline on each example in one process: load, check, document, the three
//! exporters and the atomic write, as `nianbao watch` runs it on every save. Fonts stay
//! loaded between iterations (the watch loop keeps its [`FontCache`]); outputs go to a
//! temporary folder, and from the second iteration on the files are unchanged, so the write
//! step is the read-and-compare that skips rewriting them (what a save that changes nothing
//! visible costs). `build_fresh_fonts` loads the fonts in every iteration.
//!
//! `cargo bench -p nianbao-watch --bench build`

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly
#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
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
    let _ = std::fs::remove_dir_all(&tmp);
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
