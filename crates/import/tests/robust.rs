//! Bad input never panics: every fixture, truncated and with bytes flipped, imports to a
//! value or an error (a cheap stand-in until the fuzz targets of issue 19).

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn damaged_files_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/import");
    // Quiet the readers' caught panics (docx-rs, calamine): only a panic that escapes counts.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut runs = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
        if !matches!(ext.as_deref(), Some("docx" | "xlsx" | "html" | "txt")) {
            continue;
        }
        let original = std::fs::read(&path).unwrap();
        for round in 0..40 {
            let mut bytes = original.clone();
            if round % 4 == 0 {
                let cut = (rng.next() as usize) % bytes.len().max(1);
                bytes.truncate(cut);
            }
            for _ in 0..(1 + round % 8) {
                if bytes.is_empty() {
                    break;
                }
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = rng.next() as u8;
            }
            let result = std::panic::catch_unwind(|| {
                if let Ok(imp) = nianbao_import::import(&bytes, "x") {
                    let _ = nianbao_import::output::files(&imp);
                }
            });
            let _ = std::panic::take_hook();
            assert!(result.is_ok(), "{} round {round}", path.display());
            std::panic::set_hook(Box::new(|_| {}));
            runs += 1;
        }
    }
    let _ = std::panic::take_hook();
    assert!(runs >= 200, "{runs}");
}

#[test]
fn hostile_html_spans_stay_bounded() {
    let mut html = String::from("<html><body><h1>某局2024年政府信息公开工作年度报告</h1><table>");
    for _ in 0..2000 {
        html.push_str("<tr><td rowspan=65534 colspan=1000>x</td><td>第二十条第（一）项</td></tr>");
    }
    html.push_str("</table><p>六、其他需要报告的事项</p></body></html>");
    let imp = nianbao_import::import(html.as_bytes(), "x.html").unwrap();
    assert!(imp.tables.active.is_some());
}
