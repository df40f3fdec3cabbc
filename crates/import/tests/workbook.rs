//! The workbook round trip on a real edited file: openpyxl changed three input cells of
//! nianbao's XLSX of examples/demo-county-2024 and LibreOffice re-saved it
//! (`tests/import/make_fixtures.sh`).

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};

use nianbao_import::workbook;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> (String, nianbao_core::Report) {
    let dir = root().join("examples/demo-county-2024");
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    let mut loaded = nianbao_core::load::load(&dir);
    (toml, loaded.report.take().unwrap())
}

fn edited() -> nianbao_import::Imported {
    let bytes = std::fs::read(root().join("tests/import/edited-workbook.xlsx")).unwrap();
    workbook::read(&bytes).unwrap()
}

#[test]
fn an_edited_workbook_syncs_back_keeping_comments() {
    let (toml, _) = demo();
    let synced = workbook::sync(&toml, &edited()).unwrap();
    let changes: Vec<(&str, &str, &str, &str)> = synced
        .changes
        .iter()
        .map(|c| {
            (
                c.key.as_str(),
                c.cell.as_str(),
                c.before.as_str(),
                c.after.as_str(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "active.fee",
                "工作表“表二 主动公开”B16",
                "356.2731",
                "360.5"
            ),
            (
                "active.licensing",
                "工作表“表二 主动公开”B9",
                "9317",
                "9320"
            ),
            (
                "appeals.review.corrected",
                "工作表“表四 复议诉讼”B6",
                "1",
                "2"
            ),
        ]
    );
    assert!(synced.problems.is_empty(), "{:?}", synced.problems);
    // Only the three values changed: every other line (comments, spacing, order) is as it was.
    let before: Vec<&str> = toml.lines().collect();
    let after: Vec<&str> = synced.toml.lines().collect();
    assert_eq!(before.len(), after.len());
    let differ: Vec<(&str, &str)> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (*a, *b))
        .collect();
    assert_eq!(
        differ,
        [
            (
                "licensing = 9317             # 行政许可：本年处理决定数量",
                "licensing = 9320             # 行政许可：本年处理决定数量"
            ),
            (
                "fee = 356.2731               # 行政事业性收费：本年收费金额（万元）",
                "fee = 360.5               # 行政事业性收费：本年收费金额（万元）"
            ),
            (
                "review            = [7, 1, 2, 1]",
                "review            = [7, 2, 2, 1]"
            ),
        ]
    );
    // Syncing again changes nothing.
    let again = workbook::sync(&synced.toml, &edited()).unwrap();
    assert!(again.changes.is_empty());
    assert_eq!(again.toml, synced.toml);
}

#[test]
fn a_build_would_lose_the_edits_until_they_are_synced() {
    let (toml, report) = demo();
    let bytes = std::fs::read(root().join("tests/import/edited-workbook.xlsx")).unwrap();
    let no_record =
        std::fs::read(root().join("tests/import/edited-workbook-no-record.xlsx")).unwrap();
    // The record of what the build wrote survived openpyxl and LibreOffice…
    let rec = workbook::record(&bytes).expect("LibreOffice kept the record");
    assert_eq!(
        rec.get("工作表“表二 主动公开”B9").map(String::as_str),
        Some("9317")
    );
    assert_eq!(
        rec.get("工作表“表二 主动公开”B16").map(String::as_str),
        Some("356.2731")
    );
    assert_eq!(rec.len(), 10 + 24 * 6 + 12);
    assert!(workbook::record(&no_record).is_none());
    // …and with it or without it, the same three cells are the clerk's.
    for wb in [&bytes, &no_record] {
        let edits = workbook::edits(wb, &report);
        let cells: Vec<&str> = edits.iter().map(|e| e.cell.as_str()).collect();
        assert_eq!(
            cells,
            [
                "工作表“表二 主动公开”B16",
                "工作表“表二 主动公开”B9",
                "工作表“表四 复议诉讼”B6"
            ]
        );
    }
    // After the sync the sources have the workbook's numbers: nothing is lost.
    let synced = workbook::sync(&toml, &edited()).unwrap();
    let loaded = nianbao_core::load::load_str(&synced.toml, &[]);
    let after = loaded.report.unwrap();
    assert!(workbook::edits(&bytes, &after).is_empty());
    // Sources changed after the build while the workbook was left alone: not an edit, since
    // the cell still holds what the record says was written.
    let mut changed = report.clone();
    changed.active.licensing.value = 1;
    let own = nianbao_export::xlsx::export(&nianbao_core::document::build(&report, false)).unwrap();
    assert!(workbook::edits(&own, &changed).is_empty());
    // An edited cell whose sources also changed is still the clerk's: B9 was typed in.
    let edits = workbook::edits(&bytes, &changed);
    assert!(edits
        .iter()
        .any(|e| e.cell.ends_with("B9") && e.sources == "1"));
}

#[test]
fn another_reports_workbook_is_refused() {
    let toml =
        std::fs::read_to_string(root().join("examples/wuzhong-xinfang-2024/report.toml")).unwrap();
    let err = workbook::sync(&toml, &edited()).unwrap_err();
    assert!(err.message.contains("青禾县人民政府"), "{err}");
}
