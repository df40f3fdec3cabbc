//! What `POST /api/check` does for a typed number, in process: the page's unsaved edits laid
//! over the demo report's files, loaded, checked and turned into the page's view
//! (`nianbao_serve::check_edits`), against a plain `load_and_check` of the same report in the
//! same run (the ratio is the cost of the overlay and the view). The browser's side of "a
//! typed number → its cell's check result" is measured by `scripts/bench-serve.sh`.
//!
//! `cargo bench -p nianbao-serve`

#![allow(clippy::unwrap_used)] // fixed inputs: a failure should stop the benchmark loudly
#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use nianbao_serve::workspace::ReportDir;
use serde_json::json;

fn check(c: &mut Criterion) {
    let (_, path) = nianbao_core::sample::examples()
        .into_iter()
        .find(|(name, _)| name == "demo-county-2024")
        .unwrap();
    let dir = ReportDir {
        id: "demo-county-2024".into(),
        path,
    };
    // One typed number that unbalances 表三 (an error on 结转下年度), as the page sends it.
    let body = json!({
        "r": dir.id,
        "numbers": { "applications.new.natural": "203" },
        "prose": {},
        "meta": {},
        "base": {},
    });
    let view = nianbao_serve::check_edits(&dir, &body).unwrap();
    assert!(
        view["counts"]["errors"].as_u64().unwrap() > 0,
        "the edit is checked"
    );

    let mut g = c.benchmark_group("serve_check");
    g.bench_function("load_and_check (reference)", |b| {
        b.iter(|| nianbao_core::load_and_check(std::hint::black_box(&dir.path)))
    });
    g.bench_function("check_edits (POST /api/check)", |b| {
        b.iter(|| nianbao_serve::check_edits(&dir, std::hint::black_box(&body)).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = check
}
criterion_main!(benches);
