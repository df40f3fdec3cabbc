//! Load + check + document + rendered diagnostics on arbitrary bytes: `report.toml`, then the
//! prose files, separated by 0xFF bytes (a byte neither UTF-8 nor GBK text contains). Part
//! `k` is the file of prose part `k` (opening.md, overview.md, …), so a seed whose
//! report.toml names those files exercises the prose too. Every part goes through the
//! loader's decoder (UTF-8, BOM, UTF-16, GB18030).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_core::format::PROSE_PARTS;
use nianbao_core::{diag, document, input, load};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xff);
    let toml = text(parts.next().unwrap_or_default());
    let prose: Vec<(&str, String)> = PROSE_PARTS
        .iter()
        .zip(parts)
        .map(|(p, bytes)| (p.file, text(bytes)))
        .collect();
    let files: Vec<(&str, &str)> = prose.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let mut loaded = load::load_str(&toml, &files);
    nianbao_core::finish(&mut loaded);
    let shown = diag::render(&loaded.diagnostics, &loaded.sources, false);
    // Capped and clipped: the rendering stays proportional to the input, not its square.
    assert!(shown.len() < 64 * 1024 + 64 * data.len(), "{} bytes", shown.len());
    assert!(!shown.contains('\u{1b}'));
    let _ = diag::to_json(&loaded.diagnostics, &loaded.sources);
    if let Some(report) = &loaded.report {
        let _ = document::build(report, true);
    }
});

fn text(bytes: &[u8]) -> String {
    match input::decode(bytes) {
        Ok(d) => d.text,
        Err(e) => e.lossy,
    }
}
