//! A 50-unit county end to end, as its 政务公开 office works: check every unit's report, roll
//! them up (aggregate report folder + 汇总.xlsx), build all 51 reports × 3 formats. Target: ≤ 2 s
//! on 2 cores.
//!
//! Not a criterion bench: one run is a second; it repeats the whole sequence and prints the
//! median and the fastest run of each step, and, as a reference measured in the same run, one
//! report's build — the ratio stays meaningful when other work shares the cores.
//!
//! `cargo bench -p nianbao-watch --bench county` (5 runs of 50 units; `NIANBAO_BENCH_UNITS=N`,
//! `NIANBAO_BENCH_RUNS=R` for others). Run as a test (`cargo test --benches`), one run of 10.

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly

use std::path::PathBuf;
use std::time::{Duration, Instant};

use nianbao_watch::batch::{build_many, check_many};
use nianbao_watch::rollup::{rollup, RollupOptions};
use nianbao_watch::{build, BuildOptions, FontCache};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let n = env("NIANBAO_BENCH_UNITS", if bench { 50 } else { 10 });
    let runs = env("NIANBAO_BENCH_RUNS", if bench { 5 } else { 1 }).max(1);
    let tmp = std::env::temp_dir().join(format!("nianbao-bench-county-{}", std::process::id()));
    let units = tmp.join("units");
    let (list, county) = nianbao_core::sample::synthetic_county(n, 2024);
    std::fs::create_dir_all(&units).unwrap();
    std::fs::write(units.join(nianbao_core::rollup::UNITS_FILE), list).unwrap();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for u in &county {
        let dir = units.join(&u.dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &u.files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dirs.push(dir);
    }
    let gov = tmp.join("gov");
    let opts = RollupOptions {
        out_dir: gov.clone(),
        ..RollupOptions::default()
    };
    let build_opts = BuildOptions {
        out_dir: Some(tmp.join("out")),
        ..BuildOptions::default()
    };

    // Reference: one unit's build, three formats, fonts already loaded (as in a batch).
    let mut fonts = FontCache::new(None);
    let one = BuildOptions {
        out_dir: Some(tmp.join("one")),
        ..BuildOptions::default()
    };
    let _ = build(&dirs[1], &one, &mut fonts);
    let reference = median(
        (0..10)
            .map(|_| {
                let t = Instant::now();
                let r = build(&dirs[1], &one, &mut fonts);
                assert!(r.refused.is_none());
                t.elapsed()
            })
            .collect(),
    );

    let mut steps: [Vec<Duration>; 4] = Default::default();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&gov);
        let _ = std::fs::remove_dir_all(tmp.join("out"));
        let all = Instant::now();
        let t = Instant::now();
        let loaded = check_many(&dirs, 0);
        let facts: Vec<_> = loaded
            .iter()
            .map(|l| nianbao_core::batch::Facts::of("", l))
            .collect();
        let _ =
            nianbao_core::batch::cross_check(&facts.iter().map(Option::as_ref).collect::<Vec<_>>());
        steps[0].push(t.elapsed());
        let t = Instant::now();
        let r = rollup(&units, &opts);
        assert!(r.refused.is_none() && !r.has_errors(), "{:?}", r.refused);
        assert_eq!(r.counted(), n);
        steps[1].push(t.elapsed());
        let t = Instant::now();
        let mut all51 = dirs.clone();
        all51.push(gov.clone());
        let failed = std::sync::atomic::AtomicUsize::new(0);
        build_many(&all51, &build_opts, None, 0, &|_, b| {
            if b.refused.is_some() || b.write_failed() {
                failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        assert_eq!(failed.into_inner(), 0);
        steps[2].push(t.elapsed());
        steps[3].push(all.elapsed());
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "county: {n} units, {runs} runs, {} threads; reference: one report's build (DOCX+PDF+XLSX) {:.1} ms",
        std::thread::available_parallelism().map_or(1, |p| p.get()),
        ms(reference)
    );
    let names = [
        format!("check {n} reports"),
        format!("rollup {n} units (report.toml + 汇总.xlsx)"),
        format!("build {} reports × 3 formats", n + 1),
        "end to end".to_string(),
    ];
    for (name, times) in names.iter().zip(steps) {
        let min = *times.iter().min().unwrap();
        let med = median(times);
        println!(
            "  {name:<44} median {:>8.1} ms  min {:>8.1} ms  = {:>6.1} × one build",
            ms(med),
            ms(min),
            med.as_secs_f64() / reference.as_secs_f64()
        );
    }
}
