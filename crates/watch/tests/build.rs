//! The build pipeline end to end on the shipped examples: outputs read back, names, drafts,
//! determinism, and that a failed build leaves the previous outputs untouched.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use nianbao_core::format::T3_ROWS;
use nianbao_export::xlsx::{CHECK_SHEET, FAIL, PASS};
use nianbao_export::Format;
use nianbao_watch::build::{build, file_name, output_name, BuildOptions, FontCache};
use nianbao_watch::checksums::{self, FileState};
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
        ..BuildOptions::default()
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
        // The workbook and the checksum list of the set.
        assert_eq!(r.outputs.len(), 2);
        assert_eq!(r.outputs[1].format, None);
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
        ..BuildOptions::default()
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
    // The workbook and its checksum list from the first build, and the font folder.
    assert_eq!(names.len(), 3, "{names:?}");
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_dir_all(&src_copy).unwrap();
}

/// The OFD is opt-in: a build without named formats makes DOCX, PDF and XLSX; named, the
/// OFD is written with the others (atomically, like every output), rebuilt to the same
/// bytes, and the layout's warnings that the PDF and the OFD share are reported once.
#[test]
fn ofd_is_built_when_named_and_shares_the_pdfs_warnings() {
    assert_eq!(
        BuildOptions::default().formats,
        [Format::Docx, Format::Pdf, Format::Xlsx, Format::Html]
    );
    let src = temp("ofd-src");
    copy_dir(&examples().join("demo-county-2024"), &src);
    // A character no shipped face has: one W-GLYPH from the shared page layout.
    let opening = std::fs::read_to_string(src.join("opening.md")).unwrap();
    std::fs::write(
        src.join("opening.md"),
        format!("{opening}\n\n缺字\u{E000}测试。\n"),
    )
    .unwrap();
    let out = temp("ofd-out");
    let mut fonts = FontCache::default();
    let opts = BuildOptions {
        out_dir: Some(out.clone()),
        formats: vec![Format::Ofd, Format::Pdf],
        draft: false,
        force: false,
        ..BuildOptions::default()
    };
    let r = build(&src, &opts, &mut fonts);
    assert!(r.refused.is_none(), "{:?}", r.refused);
    let formats: Vec<Format> = r.outputs.iter().filter_map(|o| o.format).collect();
    assert_eq!(formats, [Format::Pdf, Format::Ofd]);
    let ofd = &r.outputs[1];
    assert_eq!(ofd.status, Written::Written);
    assert!(ofd
        .path
        .to_string_lossy()
        .ends_with("年政府信息公开工作年度报告.ofd"));
    let bytes = std::fs::read(&ofd.path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    assert_eq!(zip.by_index(0).unwrap().name().unwrap(), "OFD.xml");
    let glyph: Vec<_> = r
        .loaded
        .diagnostics
        .iter()
        .filter(|d| d.id == "W-GLYPH")
        .collect();
    assert_eq!(glyph.len(), 1, "{glyph:?}");
    let again = build(&src, &opts, &mut fonts);
    assert!(again.outputs.iter().all(|o| o.status == Written::Unchanged));
    std::fs::remove_dir_all(&src).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

/// Every default format (all but the opt-in OFD), the checksum list last: it lists each file written with its
/// SHA-256, the version and the sources digest; `verify` confirms the set and notices a
/// changed, a missing and an unlisted file; a second build rewrites nothing.
#[test]
fn every_format_and_a_checksum_list_that_verifies() {
    let out = temp("all");
    let src = temp("all-src");
    copy_dir(&examples().join("wuzhong-xinfang-2024"), &src);
    let opts = BuildOptions {
        out_dir: Some(out.clone()),
        ..BuildOptions::default()
    };
    let mut fonts = FontCache::default();
    let r = build(&src, &opts, &mut fonts);
    assert!(r.refused.is_none(), "{:?}", r.refused);
    let title = r.loaded.report.as_ref().unwrap().title();
    let suffixes: Vec<&str> = Format::defaults()
        .iter()
        .flat_map(|f| f.files().iter().copied())
        .chain([checksums::SUFFIX])
        .collect();
    assert_eq!(
        suffixes,
        [
            ".docx",
            ".pdf",
            ".xlsx",
            ".html",
            ".fragment.html",
            ".sha256"
        ]
    );
    let paths: Vec<PathBuf> = r.outputs.iter().map(|o| o.path.clone()).collect();
    let want: Vec<PathBuf> = suffixes
        .iter()
        .map(|s| out.join(file_name(&title, false, s)))
        .collect();
    assert_eq!(paths, want);
    assert!(r.outputs.iter().all(|o| o.status == Written::Written));
    let kinds: Vec<String> = r.outputs.iter().map(|o| o.kind()).collect();
    assert_eq!(
        kinds,
        ["DOCX", "PDF", "XLSX", "HTML", "HTML 片段", "校验清单"]
    );

    // The list: every other file, by name, with the SHA-256 of its bytes on disk.
    let list_path = paths.last().unwrap();
    let text = std::fs::read_to_string(list_path).unwrap();
    let parsed = checksums::parse(&text).unwrap();
    assert_eq!(parsed.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    let sources = checksums::current_sources(&src).unwrap();
    assert_eq!(parsed.sources.as_deref(), Some(sources.as_str()));
    assert_eq!(parsed.files.len(), 5);
    for ((digest, name), path) in parsed.files.iter().zip(&paths) {
        assert_eq!(path.file_name().unwrap().to_string_lossy(), *name);
        assert_eq!(
            *digest,
            checksums::sha256_hex(&std::fs::read(path).unwrap())
        );
    }
    let v = checksums::verify(list_path).unwrap();
    assert!(v.ok(), "{:?}", v.files);

    // Same sources: the same bytes, nothing rewritten.
    let again = build(&src, &opts, &mut fonts);
    assert!(again.outputs.iter().all(|o| o.status == Written::Unchanged));

    // The sources digest follows the prose, not the folder's place.
    let moved = temp("all-moved");
    copy_dir(&src, &moved);
    assert_eq!(checksums::current_sources(&moved).unwrap(), sources);
    let overview = moved.join("overview.md");
    let prose = std::fs::read_to_string(&overview).unwrap();
    std::fs::write(&overview, format!("{prose}\n补充一句。\n")).unwrap();
    assert_ne!(checksums::current_sources(&moved).unwrap(), sources);

    // A changed copy, a missing one, a stray one.
    std::fs::write(&paths[1], b"%PDF-1.7 not the published file").unwrap();
    std::fs::remove_file(&paths[2]).unwrap();
    let stray = out.join(file_name(&title, false, ".ofd"));
    std::fs::write(&stray, b"x").unwrap();
    let v = checksums::verify(list_path).unwrap();
    assert!(!v.ok());
    let state = |p: &Path| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        v.files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.clone())
    };
    assert_eq!(state(&paths[0]), Some(FileState::Same));
    assert_eq!(state(&paths[1]), Some(FileState::Changed));
    assert_eq!(state(&paths[2]), Some(FileState::Missing));
    assert_eq!(state(&stray), Some(FileState::Unlisted));
    for d in [out, src, moved] {
        std::fs::remove_dir_all(d).unwrap();
    }
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
    let mut written: Vec<Option<Format>> = report.outputs.iter().map(|o| o.format).collect();
    written.sort();
    // HTML needs no fonts either; the checksum list (None) lists what was written.
    assert_eq!(
        written,
        [
            None,
            Some(Format::Docx),
            Some(Format::Xlsx),
            Some(Format::Html),
            Some(Format::Html)
        ]
    );
    assert!(report.outputs.iter().all(|o| o.status == Written::Written));
    assert!(!report.draft);
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().all(|f| !f.ends_with(".pdf")), "{files:?}");
    assert_eq!(files.len(), 5, "{files:?}");
    // Every hint is one line (the CLI would show a line break as ␊).
    assert!(errors[0].hints.iter().all(|h| !h.contains('\n')), "{said}");
    assert!(!said.contains("以前生成"), "{said}");

    // A PDF left from an earlier build: the error says it is not this build's.
    let old_pdf = out.join("青禾县人民政府2023年政府信息公开工作年度报告.pdf");
    std::fs::write(&old_pdf, b"%PDF-1.7 an earlier build").unwrap();
    let report = build(&examples().join("demo-county-2023"), &opts, &mut fonts);
    let errors: Vec<_> = nianbao_watch::build::errors(&report).collect();
    let said = errors[0].hints.join("\n");
    assert!(
        said.contains("青禾县人民政府2023年政府信息公开工作年度报告.pdf 是以前生成的"),
        "{said}"
    );
    assert_eq!(
        std::fs::read(&old_pdf).unwrap(),
        b"%PDF-1.7 an earlier build"
    );
}
