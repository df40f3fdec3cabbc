//! `nianbao import`, `nianbao new --from` and the workbook round trip (`sync-xlsx`, and
//! `build` refusing to overwrite an edited workbook), as a user runs them.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader as _};

fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn import_writes_sources_that_check_and_build() {
    let t = temp("docx");
    let out = t.join("imported");
    let fixture = root().join("tests/import/agency-python-docx.docx");
    let o = nianbao(&[
        "import",
        fixture.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let log = text(&o);
    assert_eq!(o.status.code(), Some(0), "{log}");
    assert!(log.contains("166 个从原文读取"), "{log}");
    assert!(log.contains("检查通过"), "{log}");
    for f in [
        "report.toml",
        "IMPORT.md",
        "overview.md",
        "problems.md",
        "other.md",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let toml = std::fs::read_to_string(out.join("report.toml")).unwrap();
    assert!(
        toml.contains("agency = \"青禾县人民政府\"    # 【请核对】"),
        "{toml}"
    );
    // Importing over an existing report is refused.
    let o = nianbao(&[
        "import",
        fixture.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = nianbao(&["build", out.to_str().unwrap(), "--format", "docx,xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn new_from_last_years_file_carries_over() {
    let t = temp("new-from");
    let dir = t.join("青禾县-2025");
    let last = root().join("tests/import/pdftotext-layout.txt");
    let o = nianbao(&[
        "new",
        dir.to_str().unwrap(),
        "--from",
        last.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(dir.join("上年度/report.toml").is_file());
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    assert!(toml.contains("year = 2025"), "{toml}");
    assert!(toml.contains("last_year = \"上年度\""), "{toml}");
    assert!(
        toml.contains("carried_over    = [11, 3, 0, 0, 0, 1]"),
        "{toml}"
    );
    assert!(toml.contains("normative = [0, 0, 88]"), "{toml}");
    let overview = std::fs::read_to_string(dir.join("overview.md")).unwrap();
    assert!(
        overview.contains("<!--") && overview.contains("15234条"),
        "{overview}"
    );
    // Last year's numbers agree with this year's start: no W-CARRY, no W-STOCK. The only
    // errors are the scaffold's unfilled prompts (E-TODO).
    let o = nianbao(&["check", dir.to_str().unwrap()]);
    let log = text(&o);
    assert_eq!(o.status.code(), Some(1), "{log}");
    assert!(log.contains("错误[E-TODO]"), "{log}");
    assert_eq!(
        log.matches("错误[").count(),
        log.matches("错误[E-TODO]").count(),
        "{log}"
    );
    assert!(
        !log.contains("W-CARRY") && !log.contains("W-STOCK"),
        "{log}"
    );
    assert!(!log.contains("W-LAST-YEAR"), "{log}");
    // From a report folder: last_year is the relative path to it.
    let dir2 = t.join("from-folder");
    let src = root().join("examples/demo-county-2024");
    let o = nianbao(&[
        "new",
        dir2.to_str().unwrap(),
        "--from",
        src.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = nianbao(&["check", dir2.to_str().unwrap()]);
    assert!(!text(&o).contains("W-LAST-YEAR"), "{}", text(&o));
}

fn cell(xlsx: &Path, sheet_prefix: &str, a1: (u32, u32)) -> Data {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(xlsx).unwrap();
    let name = wb
        .sheet_names()
        .into_iter()
        .find(|n| n.starts_with(sheet_prefix))
        .unwrap();
    let range = wb.worksheet_range(&name).unwrap();
    range.get_value(a1).cloned().unwrap_or(Data::Empty)
}

#[test]
fn an_edited_workbook_is_kept_until_synced() {
    let t = temp("sync");
    copy_dir(
        &root().join("examples/demo-county-2023"),
        &t.join("demo-county-2023"),
    );
    let dir = t.join("demo-county-2024");
    copy_dir(&root().join("examples/demo-county-2024"), &dir);
    let d = dir.to_str().unwrap();
    let o = nianbao(&["build", d, "--format", "docx,xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let xlsx = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .unwrap();
    let docx = xlsx.with_extension("docx");
    // Rebuilding an untouched workbook, even with changed sources, is fine.
    let o = nianbao(&["build", d, "--format", "docx,xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The clerk's edits: openpyxl changed three cells and LibreOffice re-saved the file.
    let edited = std::fs::read(root().join("tests/import/edited-workbook.xlsx")).unwrap();
    std::fs::write(&xlsx, &edited).unwrap();
    let docx_before = std::fs::read(&docx).unwrap();
    let o = nianbao(&["build", d, "--format", "docx,xlsx"]);
    let log = text(&o);
    assert_eq!(o.status.code(), Some(1), "{log}");
    for c in ["B9", "B16", "B6"] {
        assert!(log.contains(&format!("”{c} ")), "{c}: {log}");
    }
    assert!(log.contains("工作簿中为 9320，源文件为 9317"), "{log}");
    assert!(log.contains("nianbao sync-xlsx"), "{log}");
    // Nothing was replaced: neither the workbook nor the other outputs.
    assert_eq!(std::fs::read(&xlsx).unwrap(), edited);
    assert_eq!(std::fs::read(&docx).unwrap(), docx_before);

    // sync-xlsx finds the report folder from out/ and lists each changed cell.
    let o = nianbao(&["sync-xlsx", xlsx.to_str().unwrap()]);
    let log = text(&o);
    assert_eq!(o.status.code(), Some(0), "{log}");
    assert!(
        log.contains("工作表“表二 主动公开”B9  表二“行政许可”本年处理决定数量：9317 → 9320"),
        "{log}"
    );
    assert!(log.contains("已把 3 个数字写回"), "{log}");
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    assert!(
        toml.contains("licensing = 9320             # 行政许可：本年处理决定数量"),
        "{toml}"
    );
    assert!(toml.contains("# 示例：虚构的“青禾县人民政府”"), "{toml}");

    // Now the build goes through and the workbook carries the clerk's numbers.
    let o = nianbao(&["build", d, "--format", "docx,xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(cell(&xlsx, "表二", (8, 1)), Data::Float(9320.0));

    // The workbook records the numbers its build wrote; the edited file now holds exactly
    // those, so putting it back is not an edit. Nothing but the published files is in out/.
    let names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    std::fs::write(&xlsx, &edited).unwrap();
    let o = nianbao(&["build", d, "--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Without that record (a program that drops custom properties saved it) every difference
    // from the sources counts; --force overwrites.
    let no_record =
        std::fs::read(root().join("tests/import/edited-workbook-no-record.xlsx")).unwrap();
    std::fs::write(&xlsx, &no_record).unwrap();
    let src = std::fs::read_to_string(dir.join("report.toml"))
        .unwrap()
        .replace("licensing = 9320", "licensing = 9317");
    std::fs::write(dir.join("report.toml"), src).unwrap();
    let o = nianbao(&["build", d, "--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = nianbao(&["build", d, "--format", "xlsx", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(cell(&xlsx, "表二", (8, 1)), Data::Float(9317.0));
}
