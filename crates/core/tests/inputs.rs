//! Regression tests for the bad-input campaign of issue 19 (reproducers in
//! `../shared/repro/NN-*`): what the loader reads, how far, in which encoding, and what the
//! diagnostics print. Every input goes through `nianbao_core::input`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use nianbao_core::diag::{count, render};
use nianbao_core::load::Loaded;
use nianbao_core::{load_and_check, Diagnostic};

fn clean() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/broken/clean")
}

/// A fresh copy of the clean report in a temp folder `<name>/r`.
fn report(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("nianbao-inputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("r");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(clean()).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "expected.txt" {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    dir
}

fn edit_toml(dir: &Path, from: &str, to: &str) {
    let p = dir.join("report.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

fn with_id<'a>(l: &'a Loaded, id: &str) -> Vec<&'a Diagnostic> {
    l.diagnostics.iter().filter(|d| d.id == id).collect()
}

/// The `file:line:col` a diagnostic points at.
fn place(l: &Loaded, d: &Diagnostic) -> String {
    let s = d.span.as_ref().expect("located");
    let f = l.sources.get(s.file);
    let lc = f.line_col(s.range.start);
    format!(
        "{}:{}:{}",
        f.path.file_name().unwrap().to_string_lossy(),
        lc.line,
        lc.col
    )
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(ok.success());
}

/// Repro 01: a prose file that is a symlink out of the folder, a path through a symlinked
/// folder and a `report.toml` that is a symlink out are E-PATH; a symlink inside is fine.
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_folder_are_refused() {
    use std::os::unix::fs::symlink;
    let dir = report("symlink");
    let outside = dir.parent().unwrap().join("secret.md");
    std::fs::write(&outside, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    std::fs::remove_file(dir.join("overview.md")).unwrap();
    symlink(&outside, dir.join("overview.md")).unwrap();
    let l = load_and_check(&dir);
    let e = with_id(&l, "E-PATH");
    assert_eq!(e.len(), 1, "{:#?}", l.diagnostics);
    assert!(e[0].message.contains("实际位于") && e[0].message.contains("secret.md"));
    assert_eq!(place(&l, e[0]), "report.toml:19:12");
    assert!(l.sources.files().all(|(_, f)| !f.text.contains("root:x")));

    // Through a symlinked folder.
    std::fs::remove_file(dir.join("overview.md")).unwrap();
    std::fs::copy(clean().join("overview.md"), dir.join("overview.md")).unwrap();
    symlink(dir.parent().unwrap(), dir.join("text")).unwrap();
    edit_toml(
        &dir,
        "problems = \"problems.md\"",
        "problems = \"text/secret.md\"",
    );
    let l = load_and_check(&dir);
    assert_eq!(with_id(&l, "E-PATH").len(), 1, "{:#?}", l.diagnostics);

    // A symlink that stays inside the folder is read.
    edit_toml(
        &dir,
        "problems = \"text/secret.md\"",
        "problems = \"alias.md\"",
    );
    symlink(dir.join("problems.md"), dir.join("alias.md")).unwrap();
    let l = load_and_check(&dir);
    assert!(with_id(&l, "E-PATH").is_empty(), "{:#?}", l.diagnostics);
    assert_eq!(count(&l.diagnostics).errors, 0, "{:#?}", l.diagnostics);

    // report.toml itself a symlink out of its folder.
    let other = dir.parent().unwrap().join("other.toml");
    std::fs::rename(dir.join("report.toml"), &other).unwrap();
    symlink(&other, dir.join("report.toml")).unwrap();
    let l = load_and_check(&dir);
    assert!(l.report.is_none());
    assert_eq!(with_id(&l, "E-PATH").len(), 1, "{:#?}", l.diagnostics);
}

/// Repro 01, last year's report: its prose must lie inside last year's folder. A prose file
/// of last year that is a symlink out of that folder (even into this report's) is not read (last year's own findings
/// are not this report's, so nothing is reported), while last year's report is still used.
#[cfg(unix)]
#[test]
fn last_years_prose_is_confined_to_last_years_folder() {
    use std::os::unix::fs::symlink;
    let dir = report("lastyear");
    let base = dir.parent().unwrap();
    let ly = base.join("ly");
    std::fs::create_dir(&ly).unwrap();
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), ly.join(e.file_name())).unwrap();
    }
    edit_toml(&ly, "year = 2024", "year = 2023");
    // Inside this report's folder but outside last year's: still not last year's to read.
    let secret = dir.join("secret.md");
    std::fs::write(&secret, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    std::fs::remove_file(ly.join("overview.md")).unwrap();
    symlink(&secret, ly.join("overview.md")).unwrap();
    edit_toml(
        &dir,
        "# last_year = \"../上年度报告文件夹\"",
        "last_year = \"../ly\"",
    );
    let l = load_and_check(&dir);
    assert!(
        l.sources.files().all(|(_, f)| !f.text.contains("root:x")),
        "{:#?}",
        l.diagnostics
    );
    let report = l.report.as_ref().unwrap();
    assert_eq!(report.last_year.as_ref().map(|r| r.year), Some(2023));
    assert_eq!(count(&l.diagnostics).errors, 0, "{:#?}", l.diagnostics);
}

/// Repros 02 and 14: a FIFO as a prose file, as `report.toml` and as last year's report, a
/// device as last year's report, and a file over 16 MB are refused at once (the FIFOs have
/// no writer: a blocking open would hang this test forever).
#[cfg(unix)]
#[test]
fn fifos_devices_and_huge_files_are_refused_at_once() {
    let dir = report("fifo");
    std::fs::remove_file(dir.join("overview.md")).unwrap();
    mkfifo(&dir.join("overview.md"));
    let start = Instant::now();
    let l = load_and_check(&dir);
    let e = with_id(&l, "E-FILE");
    assert_eq!(e.len(), 1, "{:#?}", l.diagnostics);
    assert!(e[0].message.contains("不是普通文件") && e[0].message.contains("FIFO"));
    assert_eq!(place(&l, e[0]), "report.toml:19:12");

    // Last year's report: a FIFO, then a device. A warning that says why.
    let fifo = dir.parent().unwrap().join("ly.fifo");
    mkfifo(&fifo);
    std::fs::remove_file(dir.join("overview.md")).unwrap();
    std::fs::copy(clean().join("overview.md"), dir.join("overview.md")).unwrap();
    edit_toml(
        &dir,
        "# last_year = \"../上年度报告文件夹\"",
        "last_year = \"../ly.fifo\"",
    );
    let l = load_and_check(&dir);
    let w = with_id(&l, "W-LAST-YEAR");
    assert!(
        w[0].message.contains("不是普通文件"),
        "{:#?}",
        l.diagnostics
    );
    edit_toml(
        &dir,
        "last_year = \"../ly.fifo\"",
        "last_year = \"/dev/zero\"",
    );
    let l = load_and_check(&dir);
    let w = with_id(&l, "W-LAST-YEAR");
    assert!(w[0].message.contains("设备文件"), "{:#?}", l.diagnostics);

    // A prose file larger than the limit.
    let big = vec![b'a'; nianbao_core::input::TEXT_LIMIT as usize + 1];
    std::fs::write(dir.join("problems.md"), big).unwrap();
    let l = load_and_check(&dir);
    let e = with_id(&l, "E-FILE");
    assert!(e[0].message.contains("过大"), "{:#?}", l.diagnostics);

    // report.toml itself a FIFO.
    std::fs::remove_file(dir.join("report.toml")).unwrap();
    mkfifo(&dir.join("report.toml"));
    let l = load_and_check(&dir);
    assert!(l.report.is_none());
    assert!(with_id(&l, "E-FILE")[0].message.contains("不是普通文件"));
    // Each load returned at once (bounded generously for a loaded CI machine).
    assert!(start.elapsed().as_secs() < 30);
}

/// Repro 13 (1) and issue 14 item 6: GBK and UTF-16 files are read, with a located
/// warning; binary garbage is an error at its first bad byte.
#[test]
fn gbk_and_utf16_files_are_read_with_a_warning() {
    let dir = report("gbk");
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&toml);
    std::fs::write(dir.join("report.toml"), &gbk).unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    let problems = std::fs::read_to_string(dir.join("problems.md")).unwrap();
    utf16.extend(problems.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.join("problems.md"), utf16).unwrap();
    let l = load_and_check(&dir);
    assert_eq!(l.report.as_ref().unwrap().agency, "某某县交通运输局");
    let w = with_id(&l, "W-ENCODING");
    assert_eq!(w.len(), 2, "{:#?}", l.diagnostics);
    assert!(w[0].message.contains("GBK"));
    assert_eq!(place(&l, w[0]), "report.toml:1:1");
    assert!(w[1].message.contains("UTF-16"));
    assert_eq!(count(&l.diagnostics).errors, 0, "{:#?}", l.diagnostics);

    std::fs::write(dir.join("problems.md"), b"ok\nab\x00\xff\xfe\x80").unwrap();
    let l = load_and_check(&dir);
    let e = with_id(&l, "E-FILE");
    assert_eq!(place(&l, e[0]), "problems.md:2:4", "{:#?}", l.diagnostics);
    // Windows line endings before it: the same place (the sources keep `\n` endings).
    std::fs::write(dir.join("problems.md"), b"ok\r\n\r\nab\x00\xff\xfe\x80").unwrap();
    let l = load_and_check(&dir);
    let e = with_id(&l, "E-FILE");
    assert_eq!(place(&l, e[0]), "problems.md:3:4", "{:#?}", l.diagnostics);
    let span = e[0].span.as_ref().unwrap();
    assert_eq!(l.sources.slice(span), "\u{fffd}");
}

fn load_toml_edit(name: &str, from: &str, to: &str) -> Loaded {
    let dir = report(name);
    edit_toml(&dir, from, to);
    load_and_check(&dir)
}

/// Repros 06, 07, 08: what the exporters would refuse is a located E-NUMBER/E-DATE/E-CHAR
/// from the loader; counts are bounded so sums cannot wrap; the fee is decimal and printed
/// canonically.
#[test]
fn values_build_would_refuse_are_located_loader_errors() {
    let l = load_toml_edit("big", "licensing = 1520", "licensing = 9007199254740993");
    let e = with_id(&l, "E-NUMBER");
    assert!(e[0].message.contains("1000000000"), "{:#?}", l.diagnostics);
    assert_eq!(place(&l, e[0]), "report.toml:31:13");

    let l = load_toml_edit(
        "wrap",
        "new             = [8, 2, 0, 1, 0, 1]",
        "new             = [18446744073709551612, 2, 0, 1, 0, 1]",
    );
    assert_eq!(with_id(&l, "E-NUMBER").len(), 1, "{:#?}", l.diagnostics);
    // No balance computed with a 0 in place of the unreadable cell.
    assert!(with_id(&l, "E-T3-BALANCE").is_empty());

    for (typed, id, needle) in [
        ("0x10", "E-NUMBER", "十进制"),
        ("0o17", "E-NUMBER", "十进制"),
        ("0b11", "E-NUMBER", "十进制"),
        ("1e-5", "E-NUMBER", "0.00001"),
    ] {
        let l = load_toml_edit("fee", "fee = 2.5", &format!("fee = {typed}"));
        let e = with_id(&l, id);
        assert_eq!(e.len(), 1, "{typed}: {:#?}", l.diagnostics);
        assert!(
            e[0].message.contains(needle) || e[0].hints.iter().any(|h| h.contains(needle)),
            "{typed}: {:?}",
            e[0]
        );
    }
    let l = load_toml_edit("fee0", "fee = 2.5", "fee = -0.0");
    assert_eq!(l.report.as_ref().unwrap().active.fee.text, "0.0");
    assert_eq!(count(&l.diagnostics).errors, 0);

    for typed in ["\"202-1-20\"", "\"0-1-1\""] {
        let l = load_toml_edit(
            "date",
            "published = 2025-01-20",
            &format!("published = {typed}"),
        );
        let e = with_id(&l, "E-DATE");
        assert_eq!(e.len(), 1, "{typed}: {:#?}", l.diagnostics);
        assert!(e[0].message.contains("年份"));
        // "未填写发布日期" would be wrong: it is written, only invalid.
        assert!(with_id(&l, "W-DEADLINE").is_empty(), "{:#?}", l.diagnostics);
    }

    let l = load_toml_edit(
        "nul",
        "agency = \"某某县交通运输局\"",
        "agency = \"某某县\\u0000交通运输局\"",
    );
    let e = with_id(&l, "E-CHAR");
    assert!(e[0].message.contains("U+0000"), "{:#?}", l.diagnostics);
    assert_eq!(place(&l, e[0]), "report.toml:5:10");
}

/// A hand-built report with cells beyond what the loader allows never wraps (debug builds
/// would panic on overflow; release builds would publish 0).
#[test]
fn table_sums_saturate() {
    let mut r = nianbao_core::Report::empty("某局", 2024, nianbao_core::format::Kind::Department);
    for cell in r.applications.rows[0].cells.iter_mut() {
        cell.value = u64::MAX - 3;
    }
    let t = &r.applications;
    assert_eq!(t.value(0, nianbao_core::format::T3_TOTAL_COL), u64::MAX);
    let _ = nianbao_core::check::check(&r);
    let _ = nianbao_core::document::build(&r, true);
}

/// Repro 05: 16,000 half-width commas on one line: a few findings shown, the rest counted;
/// the rendered text stays small and is made in well under a second.
#[test]
fn repeated_findings_are_capped_and_long_lines_clipped() {
    let dir = report("commas");
    let line = "中,".repeat(16_000);
    std::fs::write(dir.join("problems.md"), format!("整改。\n\n{line}\n")).unwrap();
    let start = Instant::now();
    let l = load_and_check(&dir);
    let text = render(&l.diagnostics, &l.sources, false);
    let took = start.elapsed();
    assert_eq!(count(&l.diagnostics).warnings, 16_000);
    let shown = with_id(&l, "W-PUNCT");
    assert_eq!(shown.len(), nianbao_core::diag::PER_LINE + 1);
    assert_eq!(shown.last().unwrap().more, 16_000 - 4);
    assert!(text.contains("另有 15996 处"));
    assert!(text.len() < 10_000, "{} bytes", text.len());
    assert!(text.lines().all(|l| l.chars().count() < 120));
    // Not a timing assertion of speed, a bound against the quadratic blow-up (it took
    // 24 s in a debug build before).
    assert!(took.as_secs() < 20, "{took:?}");
}

/// Repro 09: control characters in a source line never reach the terminal; the caret
/// still lines up.
#[test]
fn control_characters_are_shown_not_sent() {
    let dir = report("esc");
    std::fs::write(
        dir.join("problems.md"),
        "整改。\n\n标题栏\u{1b}]0;PWNED\u{7}清屏\u{1b}[2J,半角逗号。\n",
    )
    .unwrap();
    let l = load_and_check(&dir);
    let text = render(&l.diagnostics, &l.sources, false);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(
        text.contains("标题栏␛]0;PWNED␇清屏␛[2J,半角逗号。"),
        "{text}"
    );
    let caret = text
        .lines()
        .find(|l| l.trim_start().starts_with("| ") && l.contains('^'));
    let source = text.lines().find(|l| l.contains("清屏")).unwrap();
    let col = caret.unwrap().find('^').unwrap();
    // The caret sits under the comma (widths: each CJK character two columns).
    let before: String = source.chars().take_while(|&c| c != ',').collect();
    assert_eq!(col, unicode_width::UnicodeWidthStr::width(before.as_str()));
}
