//! Import (`nianbao import`, `nianbao new --from`) on arbitrary bytes: sniffed as DOCX, XLSX,
//! HTML or text, recognised, written out as sources; the `report.toml` it writes must always
//! be TOML, and the written sources load and check without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_core::diag::Severity;
use nianbao_core::load;

fuzz_target!(
    init: {
        // `import` turns a panic inside a third-party reader (docx-rs, calamine, zip) into an
        // error with `catch_unwind`; libFuzzer's hook would abort first. A panic that escapes
        // is still a crash: libfuzzer-sys aborts on any panic reaching the fuzz target.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
        let Ok(imported) = nianbao_import::import(data, "fuzz") else {
            return;
        };
        let files = nianbao_import::output::files(&imported);
        let toml = &files[0].1;
        let prose: Vec<(&str, &str)> = files[1..]
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let mut loaded = load::load_str(toml, &prose);
        nianbao_core::finish(&mut loaded);
        let broken = loaded
            .diagnostics
            .iter()
            .find(|d| d.id == "E-TOML" && d.severity == Severity::Error);
        assert!(broken.is_none(), "import wrote invalid TOML: {broken:?}\n{toml}");
    }
);
