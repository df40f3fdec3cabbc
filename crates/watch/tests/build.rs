//! The build pipeline end to end on the shipped examples: outputs read back, names, drafts,
//! determinism, and that a failed build leaves the previous outputs untouched.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use nianbao_core::format::T3_ROWS;
use nianbao_export::xlsx::{CHECK_SHEET, FAIL, PASS};
use nianbao_export::Format;
use nianbao_watch::build::{build, output_name, BuildOptions, FontCache};
use nianbao_watch::write::Written;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-build-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn xlsx_only(out: &Path) -> BuildOptions {
    BuildOptions {
        out_dir: Some(out.to_path_buf()),
        formats: vec![Format::Xlsx],
        draft: false,
        force: false,
    }
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

/// Replaces the first number of the `new` row of table 三 (breaks E-T3-BALANCE).
fn break_balance(toml: &str) -> String {
    let line = toml
        .lines()
        .find(|l| l.trim_start().starts_with("new ") || l.trim_start().starts_with("new="))
        .expect("a `new` row");
    let open = line.find('[').unwrap();
    let comma = line.find(',').unwrap();
    let broken = format!("{}1000{}", &line[..=open], &line[comma..]);
    toml.replacen(line, &broken, 1)
}

#[test]
fn examples_build_and_read_back() {
    for name in [
        "demo-county-2023",
        "demo-county-2024",
        "wuzhong-xinfang-2024",
    ] {
        let out = temp(name);
        let mut fonts = FontCache::default();
        let r = build(&examples().join(name), &xlsx_only(&out), &mut fonts);
        assert!(r.refused.is_none(), "{name}: {:?}", r.refused);
        assert_eq!(r.outputs.len(), 1);
        let report = r.loaded.report.as_ref().unwrap();
        let expected = out.join(output_name(&report.title(), false, Format::Xlsx));
        assert_eq!(r.outputs[0].path, expected);
        assert_eq!(r.outputs[0].status, Written::Written);
        assert!(expected
            .file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with("年政府信息公开工作年度报告.xlsx"));

        let bytes = std::fs::read(&expected).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        // Every table-三 number equals the model's (2 title rows, 3 header rows, 3 label columns).
        let t3 = wb.worksheet_range("表三 依申请公开").unwrap();
        let t = &report.applications;
        for row in 0..T3_ROWS.len() {
            for col in 0..7 {
                let cell = t3.get_value((5 + row as u32, 3 + col as u32));
                assert_eq!(
                    cell,
                    Some(&Data::Float(t.value(row, col) as f64)),
                    "{name} row {row} col {col}"
                );
            }
        }
        // The checks sheet passes everything.
        let checks = wb.worksheet_range(CHECK_SHEET).unwrap();
        let results: Vec<&str> = checks
            .cells()
            .filter_map(|(_, _, v)| match v {
                Data::String(s) if s == PASS || s == FAIL => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(results.len(), 42, "{name}");
        assert!(results.iter().all(|s| *s == PASS), "{name}");
        // Building again rewrites nothing.
        let again = build(&examples().join(name), &xlsx_only(&out), &mut fonts);
        assert_eq!(again.outputs[0].status, Written::Unchanged);
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[test]
fn errors_refuse_unless_draft_and_drafts_are_named() {
    let src = temp("errsrc");
    copy_dir(&examples().join("demo-county-2023"), &src);
    let out = temp("errout");
    let mut fonts = FontCache::default();
    let good = build(&src, &xlsx_only(&out), &mut fonts);
    let good_path = good.outputs[0].path.clone();
    let good_bytes = std::fs::read(&good_path).unwrap();

    let toml = std::fs::read_to_string(src.join("report.toml")).unwrap();
    std::fs::write(src.join("report.toml"), break_balance(&toml)).unwrap();

    let refused = build(&src, &xlsx_only(&out), &mut fonts);
    assert!(refused.counts().errors > 0);
    assert!(refused.refused.as_deref().unwrap().contains("--draft"));
    assert!(refused.outputs.is_empty());
    assert_eq!(std::fs::read(&good_path).unwrap(), good_bytes);

    let mut opts = xlsx_only(&out);
    opts.draft = true;
    let draft = build(&src, &opts, &mut fonts);
    assert!(draft.draft);
    let name = draft.outputs[0]
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.ends_with("年度报告（草稿）.xlsx"), "{name}");
    assert_eq!(draft.outputs[0].status, Written::Written);
    // The final output stays as it was; the draft sits beside it.
    assert_eq!(std::fs::read(&good_path).unwrap(), good_bytes);
    std::fs::remove_dir_all(&src).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn exporter_failure_replaces_nothing() {
    let out = temp("fontfail");
    let src = examples().join("demo-county-2024");
    let mut fonts = FontCache::default();
    let first = build(&src, &xlsx_only(&out), &mut fonts);
    let path = first.outputs[0].path.clone();
    let before = std::fs::read(&path).unwrap();
    // Change the report so the XLSX would differ, and point the PDF at a font folder whose
    // fonts do not exist: the PDF fails after the XLSX rendered, and nothing may be replaced.
    // (A missing font folder is not a failure: see the next test.)
    let broken_fonts = out.join("broken-fonts");
    std::fs::create_dir_all(&broken_fonts).unwrap();
    std::fs::write(
        broken_fonts.join("fonts.toml"),
        "[roles]\nfang = \"missing.otf\"\n",
    )
    .unwrap();
    let src_copy = temp("fontfail-src");
    copy_dir(&src, &src_copy);
    let toml = std::fs::read_to_string(src_copy.join("report.toml")).unwrap();
    let toml = toml.replace("last_year = \"../demo-county-2023\"", "");
    std::fs::write(src_copy.join("report.toml"), break_balance(&toml)).unwrap();
    let mut bad = FontCache::new(Some(broken_fonts));
    let opts = BuildOptions {
        out_dir: Some(out.clone()),
        formats: vec![Format::Xlsx, Format::Pdf],
        draft: true,
        force: false,
    };
    let failed = build(&src_copy, &opts, &mut bad);
    assert!(failed.refused.is_some(), "{:?}", failed.outputs);
    assert!(failed.outputs.is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // `.<workbook>.nianbao`: the numbers the build wrote into the workbook, not an output.
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}"); // the XLSX and the font folder
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_dir_all(&src_copy).unwrap();
}

/// No fonts (a binary copied without its `fonts/` folder): E-FONT says where it looked, the
/// formats that need no fonts are still written, the PDF is not.
#[test]
fn without_fonts_the_docx_and_xlsx_are_still_written() {
    let out = temp("no-fonts");
    let empty = temp("no-fonts-dir");
    let opts = BuildOptions {
        out_dir: Some(out.clone()),
        ..BuildOptions::default()
    };
    let mut fonts = FontCache::new(Some(empty.clone()));
    let report = build(&examples().join("demo-county-2023"), &opts, &mut fonts);
    let errors: Vec<_> = nianbao_watch::build::errors(&report).collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].id, "E-FONT");
    let said = errors[0].hints.join("\n");
    assert!(said.contains(&empty.display().to_string()), "{said}");
    assert!(said.contains("--fonts"), "{said}");
    let mut written: Vec<Format> = report.outputs.iter().map(|o| o.format).collect();
    written.sort();
    assert_eq!(written, [Format::Docx, Format::Xlsx]);
    assert!(report.outputs.iter().all(|o| o.status == Written::Written));
    assert!(!report.draft);
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().all(|f| !f.ends_with(".pdf")), "{files:?}");
    assert_eq!(files.len(), 2, "{files:?}");
}
