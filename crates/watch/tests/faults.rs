//! Regression tests for the fault campaign of issue 19 on the build pipeline: fonts that are
//! no fonts or change under a running process, the all-or-nothing output set, hostile file
//! names, the same report twice in one batch.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use nianbao_export::Format;
use nianbao_watch::batch::build_many;
use nianbao_watch::build::{build, safe_file_stem, BuildOptions, BuildReport, FontCache};
use nianbao_watch::write::Written;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-faults-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else if e.file_name() != "expected.txt" {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A copy of the clean broken-case report in `<name>/r`.
fn report(name: &str) -> PathBuf {
    let dir = temp(name).join("r");
    copy_dir(&repo().join("tests/broken/clean"), &dir);
    dir
}

fn append_toml(dir: &Path, text: &str) {
    let p = dir.join("report.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, t + text).unwrap();
}

fn edit_toml(dir: &Path, from: &str, to: &str) {
    let p = dir.join("report.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

fn opts(formats: &[Format]) -> BuildOptions {
    BuildOptions {
        out_dir: None,
        formats: formats.to_vec(),
        ..BuildOptions::default()
    }
}

fn errors<'a>(r: &'a BuildReport, id: &str) -> Vec<&'a nianbao_core::Diagnostic> {
    r.loaded.diagnostics.iter().filter(|d| d.id == id).collect()
}

/// Repro 06 (font cases): a text file named `.ttf` and a truncated font are E-FONT at their
/// `[fonts]` line, from the build and from the same check `nianbao check` runs.
#[test]
fn fonts_that_are_no_fonts_are_located_errors() {
    let dir = report("fakefont");
    std::fs::write(dir.join("fake.ttf"), "这不是字体\n").unwrap();
    let real = std::fs::read(repo().join("fonts/fandol/FandolFang-Regular.otf")).unwrap();
    std::fs::write(dir.join("t.otf"), &real[..100_000]).unwrap();
    append_toml(&dir, "\n[fonts]\nfang = \"fake.ttf\"\nkai = \"t.otf\"\n");
    let mut fonts = FontCache::default();
    let r = build(&dir, &opts(&[Format::Pdf]), &mut fonts);
    assert!(r.outputs.is_empty());
    let e = errors(&r, "E-FONT");
    assert_eq!(e.len(), 2, "{:#?}", r.loaded.diagnostics);
    let line = |d: &nianbao_core::Diagnostic| {
        let s = d.span.as_ref().unwrap();
        r.loaded.sources.get(s.file).line_col(s.range.start).line
    };
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    let fang_line = toml.lines().position(|l| l.starts_with("fang")).unwrap() + 1;
    assert_eq!(line(e[0]), fang_line);
    assert_eq!(line(e[1]), fang_line + 1);
    assert!(
        e[0].message.contains("可能不是字体文件"),
        "{}",
        e[0].message
    );
    assert!(e[1].message.contains("轮廓") || e[1].message.contains("损坏"));
    // ttf-parser's own English ("unknown magic", "malformed font") is not passed on.
    assert!(e
        .iter()
        .all(|d| !d.message.contains("magic") && !d.message.contains("alformed")));

    // `nianbao check` runs the same function on a load.
    let mut loaded = nianbao_core::load_and_check(&dir);
    nianbao_watch::build::check_fonts(&mut loaded, &mut FontCache::default());
    assert_eq!(
        loaded
            .diagnostics
            .iter()
            .filter(|d| d.id == "E-FONT")
            .count(),
        2
    );
}

/// Repro 04: a font file truncated in place between builds (as `cp` over it does while
/// `nianbao watch` runs). With memory-mapped fonts the second build died of SIGBUS; now it
/// notices the change, reads the file again and reports it, and builds again once the
/// font is back.
#[test]
fn a_font_truncated_between_builds_is_read_again_not_a_crash() {
    let fonts_dir = temp("fonts-copy").join("fonts");
    copy_dir(&repo().join("fonts"), &fonts_dir);
    let dir = report("sigbus");
    let mut cache = FontCache::new(Some(fonts_dir.clone()));
    let o = opts(&[Format::Pdf]);
    let first = build(&dir, &o, &mut cache);
    assert!(first.refused.is_none(), "{:?}", first.refused);
    let fang = fonts_dir.join("fandol/FandolFang-Regular.otf");
    let bytes = std::fs::read(&fang).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&fang)
        .unwrap()
        .set_len(0)
        .unwrap();
    std::fs::write(
        dir.join("problems.md"),
        "又一段。本年度未收取信息处理费。\n",
    )
    .unwrap();
    let second = build(&dir, &o, &mut cache);
    let why = second.refused.as_deref().unwrap_or_default();
    assert!(why.contains("FandolFang-Regular.otf"), "{why}");
    std::fs::write(&fang, &bytes).unwrap();
    let third = build(&dir, &o, &mut cache);
    assert!(third.refused.is_none(), "{:?}", third.refused);
    assert_eq!(third.outputs[0].status, Written::Written);
}

/// Repro 11: a folder where the PDF should be. Nothing of the set is replaced and every file
/// says why; once the folder is gone the whole set is written.
#[test]
fn the_output_set_is_replaced_all_or_nothing() {
    let dir = report("allornothing");
    let all = opts(&[Format::Docx, Format::Pdf, Format::Xlsx]);
    let mut fonts = FontCache::default();
    let first = build(&dir, &all, &mut fonts);
    assert!(first.outputs.iter().all(|o| o.status == Written::Written));
    let path = |f: Format| {
        first
            .outputs
            .iter()
            .find(|o| o.format == Some(f))
            .unwrap()
            .path
            .clone()
    };
    let docx_before = std::fs::read(path(Format::Docx)).unwrap();
    std::fs::remove_file(path(Format::Pdf)).unwrap();
    std::fs::create_dir(path(Format::Pdf)).unwrap();
    std::fs::write(
        dir.join("problems.md"),
        "新增的一段。本年度未收取信息处理费。\n",
    )
    .unwrap();
    let second = build(&dir, &all, &mut fonts);
    assert!(second.write_failed());
    for o in &second.outputs {
        match o.format {
            // The tables did not change: the XLSX has these bytes already.
            Some(Format::Xlsx) => assert_eq!(o.status, Written::Unchanged),
            _ => assert!(matches!(o.status, Written::Failed(_)), "{:?}", o.status),
        }
    }
    assert_eq!(std::fs::read(path(Format::Docx)).unwrap(), docx_before);
    let stray: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // Temp and backup files are hidden: none may be left.
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    std::fs::remove_dir(path(Format::Pdf)).unwrap();
    let third = build(&dir, &all, &mut fonts);
    assert!(!third.write_failed());
    assert_ne!(std::fs::read(path(Format::Docx)).unwrap(), docx_before);
}

/// Repro 09: output names never carry control, bidi or zero-width characters, a leading
/// `~$` (Office's lock prefix) or anything Windows refuses.
#[test]
fn hostile_agency_names_give_safe_file_names() {
    for (name, safe) in [
        ("~$某某县交通运输局", "某某县交通运输局"),
        (
            "某某县\u{1b}[31m交通\u{202e}xcod.局\n二行",
            "某某县_[31m交通xcod.局_二行",
        ),
        ("a<b>c:d\"e/f\\g|h?i*j", "a_b_c_d_e_f_g_h_i_j"),
        ("报告. ", "报告"),
        ("CON", "_CON"),
        ("com1.x", "_com1.x"),
        ("COM10", "COM10"),
        ("\u{200b}", "政府信息公开工作年度报告"),
        (".hidden", "hidden"),
    ] {
        assert_eq!(safe_file_stem(name), safe, "{name:?}");
    }
    // Repro 06: an agency name so long that the file name would pass the 255-byte limit of
    // most file systems ("File name too long": check passed, build failed). The name is
    // clipped, keeping its start and the year and 年度报告 at its end.
    let long = format!(
        "{}交通局2024年政府信息公开工作年度报告（草稿）",
        "某".repeat(85)
    );
    let stem = safe_file_stem(&long);
    assert!(stem.len() <= 200, "{} bytes", stem.len());
    assert!(stem.starts_with("某某某") && stem.contains('…'), "{stem}");
    assert!(
        stem.ends_with("2024年政府信息公开工作年度报告（草稿）"),
        "{stem}"
    );
    // The longest agency the loader accepts (50 characters, E-TYPE beyond) is built, under a
    // name within the limit.
    let dir = report("longname");
    edit_toml(
        &dir,
        "agency = \"某某县交通运输局\"",
        &format!("agency = \"{}交通局\"", "某".repeat(47)),
    );
    let built = build(&dir, &opts(&[Format::Xlsx]), &mut FontCache::default());
    assert_eq!(
        built.outputs[0].status,
        Written::Written,
        "{:?}",
        built.outputs
    );
    assert!(built.outputs[0].path.is_file());
    let name = built.outputs[0].path.file_name().unwrap().to_string_lossy();
    assert!(name.len() <= 200 + ".xlsx".len(), "{name}");
    // Built as a draft (E-CHAR is an error), the name is the safe one; a second build is
    // not mistaken for a file open in Office.
    let dir = report("names");
    edit_toml(
        &dir,
        "agency = \"某某县交通运输局\"",
        "agency = \"~$某某县交通运输局\"",
    );
    let mut fonts = FontCache::default();
    let o = opts(&[Format::Xlsx]);
    let first = build(&dir, &o, &mut fonts);
    let name = first.outputs[0]
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("某某县"), "{name}");
    edit_toml(&dir, "licensing = 1520", "licensing = 1600");
    let second = build(&dir, &o, &mut fonts);
    assert_eq!(second.outputs[0].status, Written::Written);
}

/// Repro 12: the same report named twice in one batch: both workers write it, each with its
/// own temp names, and no rename fails.
#[test]
fn the_same_report_twice_in_one_batch() {
    let dir = report("twice");
    let o = opts(&[Format::Docx, Format::Xlsx]);
    for i in 0..20 {
        edit_toml(
            &dir,
            &format!("licensing = {}", 1520 + i),
            &format!("licensing = {}", 1521 + i),
        );
        let failed = Mutex::new(Vec::new());
        build_many(&[dir.clone(), dir.clone()], &o, None, 2, &|_, r| {
            for out in &r.outputs {
                if let Written::Failed(m) = &out.status {
                    failed.lock().unwrap().push(m.clone());
                }
            }
        });
        assert!(failed.lock().unwrap().is_empty(), "{:?}", failed.lock());
    }
}

/// Repro 13 (2): a character of the agency that no font has is a W-GLYPH at the agency's
/// line in report.toml (it said "（位于标题）", unlocated).
#[test]
fn a_missing_glyph_of_the_agency_is_located() {
    let dir = report("glyph");
    edit_toml(
        &dir,
        "agency = \"某某县交通运输局\"",
        "agency = \"某某县😀交通运输局\"",
    );
    let r = build(&dir, &opts(&[Format::Pdf]), &mut FontCache::default());
    let w = errors(&r, "W-GLYPH");
    assert!(!w.is_empty(), "{:#?}", r.loaded.diagnostics);
    for d in w {
        let s = d.span.as_ref().expect("located");
        assert_eq!(r.loaded.sources.get(s.file).line_col(s.range.start).line, 5);
        assert!(!d.message.contains("位于"));
    }
}
