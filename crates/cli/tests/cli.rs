//! The `nianbao` binary as a user runs it: exit codes, output, files.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    let d = std::env::temp_dir().join(format!("nianbao-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh scaffold is not a report: its 【待填写】 prompts are errors, so `build` writes
/// nothing and `build --draft` writes files named （草稿）.
#[test]
fn new_scaffold_builds_only_as_a_draft() {
    let dir = temp("new");
    let d = dir.to_str().unwrap();
    let o = nianbao(&[
        "new",
        d,
        "--agency",
        "某某县某某镇人民政府",
        "--year",
        "2025",
        "--kind",
        "乡镇",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "report.toml",
        "opening.md",
        "overview.md",
        "problems.md",
        "other.md",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    assert!(toml.contains("kind = \"township\""), "{toml}");
    let o = nianbao(&["check", d]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.matches("错误[E-TODO]").count(), 9, "{out}");
    assert!(out.contains("检查未通过：9 个错误，0 个警告"), "{out}");
    let o = nianbao(&["build", d, "--format", "docx,xlsx"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.join("out").exists());
    let o = nianbao(&["build", d, "--format", "docx,xlsx", "--draft"]);
    assert_eq!(o.status.code(), Some(1));
    // Only the published files (no hidden files).
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "某某县某某镇人民政府2025年政府信息公开工作年度报告（草稿）.docx",
            // The checksum list of the draft's set.
            "某某县某某镇人民政府2025年政府信息公开工作年度报告（草稿）.sha256",
            "某某县某某镇人民政府2025年政府信息公开工作年度报告（草稿）.xlsx"
        ]
    );
    // Scaffolding again never overwrites the clerk's work.
    let o = nianbao(&["new", d, "--agency", "x", "--year", "2025"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// clap's own words come out in Chinese: errors, tips, usage, help headings; `--kind` takes
/// the Chinese words.
#[test]
fn the_command_line_speaks_chinese() {
    let text = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    for (args, code, says) in [
        (&["bulid"][..], 2, "错误：不认识的命令“bulid”"),
        (&["build", "--formt", "pdf"], 2, "提示：是不是“--format”？"),
        (&["check", "--format", "xml"], 2, "可用的值：text、json"),
        (
            &[
                "new", "x", "--agency", "某局", "--year", "2025", "--kind", "乡村",
            ],
            2,
            "请写 部门",
        ),
        (&["new", "--agency", "a"], 2, "缺少必须写的参数"),
        (
            &["build", "--help"],
            0,
            "用法：nianbao build [选项] [文件夹]...",
        ),
        (&["--help"], 0, "命令："),
    ] {
        let o = nianbao(args);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {out}");
        assert!(out.contains(says), "{args:?}: {out}");
        for english in [
            "error:",
            "Usage:",
            "tip:",
            "Options:",
            "Arguments:",
            "Commands:",
            "[OPTIONS]",
            "Print help",
            "[default:",
        ] {
            assert!(!out.contains(english), "{args:?}: {out}");
        }
    }
    for (word, keyword) in [
        ("部门", "department"),
        ("乡镇", "township"),
        ("街道", "township"),
        ("政府", "government"),
        ("government", "government"),
    ] {
        let dir = temp(&format!("kind-{keyword}-{}", word.len()));
        let o = nianbao(&[
            "new",
            dir.to_str().unwrap(),
            "--agency",
            "某局",
            "--year",
            "2025",
            "--kind",
            word,
        ]);
        assert!(o.status.success(), "{word}: {}", text(&o));
        let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
        assert!(toml.contains(&format!("kind = \"{keyword}\"")), "{word}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn check_exit_codes_and_json() {
    let broken = root().join("tests/broken/t3-balance");
    let o = nianbao(&["check", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("错误[E-T3-BALANCE]"));

    let o = nianbao(&["check", broken.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &json.as_array().unwrap()[0];
    assert_eq!(first["id"], "E-T3-BALANCE");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 70);
    assert!(first["file"].as_str().unwrap().ends_with("report.toml"));
    assert!(!first["hints"].as_array().unwrap().is_empty());

    let clean = root().join("examples/demo-county-2024");
    let o = nianbao(&["check", clean.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("没有错误和警告"));

    let o = nianbao(&["check", "/nonexistent/report"]);
    assert_eq!(o.status.code(), Some(2));
    let o = nianbao(&["check", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    let help = stdout(&nianbao(&["check", "--help"]));
    assert!(help.contains("退出码"));
}

#[test]
fn build_writes_named_outputs_and_drafts() {
    let out = temp("build");
    let ex = root().join("examples/wuzhong-xinfang-2024");
    let o = nianbao(&["build", ex.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // `.<workbook>.nianbao`: the numbers the build wrote into the workbook, not an output.
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    // Every format by default (HTML is two files) and the checksum list.
    assert_eq!(
        names,
        ["docx", "fragment.html", "html", "pdf", "sha256", "xlsx"]
            .map(|e| format!("吴忠市信访局2024年政府信息公开工作年度报告.{e}"))
            .to_vec()
    );
    // The list confirms the set.
    let o = nianbao(&[
        "check",
        ex.to_str().unwrap(),
        "--verify",
        out.to_str().unwrap(),
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("核对通过：5 个文件与校验清单一致"), "{text}");
    assert!(text.contains("源文件与生成时相同"), "{text}");
    let pdf = out.join("吴忠市信访局2024年政府信息公开工作年度报告.pdf");
    std::fs::write(&pdf, b"%PDF-1.7 changed").unwrap();
    let o = nianbao(&[
        "check",
        ex.to_str().unwrap(),
        "--verify",
        pdf.parent().unwrap().to_str().unwrap(),
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("不一致 吴忠市信访局2024年政府信息公开工作年度报告.pdf"),
        "{text}"
    );
    std::fs::remove_dir_all(&out).unwrap();

    // A report with errors: nothing without --draft, drafts with it.
    let broken = root().join("tests/broken/t4-sum");
    let o = nianbao(&[
        "build",
        broken.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--draft"));
    let o = nianbao(&[
        "build",
        broken.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--draft",
        "--format",
        "xlsx,docx",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // `.<workbook>.nianbao`: the numbers the build wrote into the workbook, not an output.
        .filter(|n| !n.starts_with('.'))
        .collect();
    // The two formats and their checksum list.
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names.iter().all(|n| n.contains("年度报告（草稿）.")),
        "{names:?}"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn batch_build_of_a_parent_folder() {
    let out = temp("batch");
    let ex = root().join("examples");
    let o = nianbao(&[
        "build",
        ex.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "xlsx",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("共 3 份报告：3 份已生成"), "{text}");
    for name in [
        "demo-county-2023",
        "demo-county-2024",
        "wuzhong-xinfang-2024",
    ] {
        let outputs = std::fs::read_dir(out.join(name))
            .unwrap()
            .filter(|e| {
                !e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with('.')
            })
            .count();
        // The workbook and its checksum list.
        assert_eq!(outputs, 2);
    }
    // One broken report among good ones: the others still build, the exit code says error.
    let o = nianbao(&[
        "build",
        ex.join("demo-county-2023").to_str().unwrap(),
        root().join("tests/broken/t3-rowsum").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "xlsx",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("1 份已生成，1 份有错误未生成"), "{text}");
    assert!(text.contains("E-T3-ROWSUM"), "{text}");
    std::fs::remove_dir_all(&out).unwrap();
}

/// Repro 16: `nianbao new` refuses a line break in the agency and a five-digit year, and
/// creates nothing; quotes and backslashes in the agency are written as valid TOML.
#[test]
fn new_refuses_bad_agency_and_year_and_escapes_through_toml() {
    let dir = temp("new-bad");
    let d = dir.to_str().unwrap();
    let o = nianbao(&["new", d, "--agency", "某某局\n交通科", "--year", "2025"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("U+000A"));
    assert!(!dir.exists());
    let o = nianbao(&["new", d, "--agency", "某某局", "--year", "99999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("99999"));
    assert!(!dir.exists());
    let o = nianbao(&[
        "new",
        d,
        "--agency",
        "某某局\"一科\"\\二科",
        "--year",
        "2025",
    ]);
    assert!(o.status.success());
    // The scaffold loads: its only findings are the 9 unfilled prompts (E-TODO).
    let o = nianbao(&["check", d]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert_eq!(out.matches("错误[E-TODO]").count(), 9, "{out}");
    assert!(out.contains("检查未通过：9 个错误，0 个警告"), "{out}");
    let toml = std::fs::read_to_string(dir.join("report.toml")).unwrap();
    assert!(
        toml.contains(r#"agency = "某某局\"一科\"\\二科""#),
        "{toml}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Repro 10: stdout closed early (`nianbao check | head -1`): no panic, the usual exit code.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::io::Read as _;
    use std::process::Stdio;
    let dir = temp("pipe");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(root().join("tests/broken/clean")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    // ~200 KB of warnings (more than a pipe buffer), one per line so no cap hides them all.
    let mut text = String::from("整改。\n");
    for i in 0..3000 {
        text.push_str(&format!("\n第{i}段,有半角逗号。\n"));
    }
    std::fs::write(dir.join("problems.md"), text).unwrap();
    for args in [vec!["check"], vec!["check", "--format", "json"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(&args)
            .arg(&dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The read end is dropped here: later writes get EPIPE.
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_of_many_reports_groups_findings_and_summarises() {
    let ex = root().join("examples");
    let o = nianbao(&["check", ex.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // Every report under its own heading, in folder order, then the table.
    let a = text.find("── [1/3] 青禾县人民政府 2023 年度").unwrap();
    let b = text.find("── [2/3] 青禾县人民政府 2024 年度").unwrap();
    let c = text.find("── [3/3] 吴忠市信访局 2024 年度").unwrap();
    let table = text
        .find("报告            年度  类型  错误  警告  发布期限")
        .unwrap();
    assert!(a < b && b < c && c < table, "{text}");
    // The 2023 report is the odd year out of the batch; the seed's punctuation is warned.
    let year = text.find("警告[W-BATCH-YEAR]：本报告为 2023 年度").unwrap();
    assert!(a < year && year < b, "{text}");
    assert!(text[c..table].contains("警告[W-PUNCT]"), "{text}");
    assert!(text.contains("共 3 份报告：3 份通过"), "{text}");

    let o = nianbao(&["check", ex.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let reports = json["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[0]["year"], 2023);
    assert_eq!(reports[0]["kind"], "government");
    assert_eq!(reports[0]["verdict"], "warnings");
    assert_eq!(reports[0]["timing"]["status"], "on_time");
    let ids: Vec<&str> = reports[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"W-BATCH-YEAR"), "{ids:?}");
    assert_eq!(reports[2]["report"], "吴忠市信访局");

    let o = nianbao(&["check", ex.to_str().unwrap(), "--format", "csv"]);
    let csv = stdout(&o);
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].ends_with("报告,文件夹,年度,类型,错误,警告,发布日期,发布期限,期限情况,结论"));
    assert!(lines[3].starts_with("吴忠市信访局,"), "{csv}");
    let o = nianbao(&["check", ex.to_str().unwrap(), "--format", "csv-findings"]);
    let csv = stdout(&o);
    assert!(csv.contains(",警告,W-BATCH-YEAR,"), "{csv}");
    assert!(csv.contains(",警告,W-PUNCT,"), "{csv}");

    // A report with errors among them: exit 1; one named twice: checked once.
    let broken = root().join("tests/broken/t3-balance");
    let o = nianbao(&[
        "check",
        ex.to_str().unwrap(),
        broken.to_str().unwrap(),
        ex.join("demo-county-2024/report.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("── [4/4]"), "{text}");
    assert!(text.contains("错误[E-T3-BALANCE]"), "{text}");
    assert!(text.contains("不通过"), "{text}");
    assert!(
        stderr(&o).contains("是同一份报告，只处理一次"),
        "{}",
        stderr(&o)
    );
    // A folder with neither a report nor reports: exit 2, as for one report.
    let o = nianbao(&[
        "check",
        root().join("crates").to_str().unwrap(),
        ex.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn batch_build_lists_warnings_unless_quiet() {
    let out = temp("batch-warn");
    let ex = root().join("examples");
    let args = [
        "build",
        ex.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "xlsx",
    ];
    let o = nianbao(&args);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("警告[W-PUNCT]"), "{text}");
    assert!(text.contains("── 报告之间的核对 ──"), "{text}");
    assert!(text.contains("警告[W-BATCH-YEAR]"), "{text}");
    // The real 信访局 report has nothing in its tables.
    assert!(
        text.contains("警告[W-BATCH-ZERO]：“吴忠市信访局”的表二、表三、表四全部为 0"),
        "{text}"
    );
    let o = nianbao(&[&args[..], &["--quiet"]].concat());
    let text = stdout(&o);
    assert!(!text.contains("警告["), "{text}");
    assert!(text.contains("报告之间的核对：2 条警告"), "{text}");
    assert!(text.contains("共 3 份报告：3 份已生成"), "{text}");
    std::fs::remove_dir_all(&out).unwrap();
}

/// Reproducer 12: one report named three ways in one batch. It is built once (and temp names
/// could not collide anyway); every batch succeeds.
#[test]
fn the_same_report_named_twice_in_a_batch() {
    let dir = temp("twice");
    std::fs::create_dir_all(&dir).unwrap();
    let src = root().join("examples/wuzhong-xinfang-2024");
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    let d = dir.to_str().unwrap();
    for _ in 0..5 {
        let o = nianbao(&[
            "build",
            d,
            &format!("{d}/"),
            &format!("{d}/report.toml"),
            "--format",
            "xlsx,docx",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert_eq!(stderr(&o).matches("是同一份报告").count(), 2);
    }
    let names: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    for ext in ["docx", "xlsx"] {
        let want = format!("吴忠市信访局2024年政府信息公开工作年度报告.{ext}");
        assert!(names.contains(&want), "{names:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rollup_then_build_the_aggregate() {
    let dir = temp("rollup");
    let units = dir.join("units");
    let (list, county) = nianbao_core::sample::synthetic_county(6, 2024);
    std::fs::create_dir_all(&units).unwrap();
    std::fs::write(units.join("units.toml"), list).unwrap();
    for u in &county {
        std::fs::create_dir_all(units.join(&u.dir)).unwrap();
        for (name, text) in &u.files {
            std::fs::write(units.join(&u.dir).join(name), text).unwrap();
        }
    }
    let gov = dir.join("gov");
    let (u, g) = (units.to_str().unwrap(), gov.to_str().unwrap());
    let o = nianbao(&["rollup", u, "-o", g]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("单位                  类别  年度"), "{text}");
    assert!(text.contains("示范县人民政府办公室  本级  2024"), "{text}");
    assert!(
        text.contains("汇总 2024 年度：6 个单位，6 个计入，0 个未计入"),
        "{text}"
    );
    // The prompts are the office's to write: counted, neither listed nor failing the roll-up.
    assert!(text.contains("汇总报告待填写：10 处【待填写】"), "{text}");
    assert!(!text.contains("错误[E-TODO]"), "{text}");
    for f in ["report.toml", "overview.md", "other.md", "汇总.xlsx"] {
        assert!(gov.join(f).is_file(), "{f}");
    }
    // Until they are written the aggregate is not built; then it is, as a normal report folder.
    let o = nianbao(&["build", g, "--format", "xlsx,docx"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    for entry in std::fs::read_dir(&gov).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md" || e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, written_prompts(&text)).unwrap();
        }
    }
    let o = nianbao(&["build", g, "--format", "xlsx,docx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(gov
        .join("out/示范县人民政府2024年政府信息公开工作年度报告.docx")
        .is_file());
    // A unit goes missing: reported, exit 1, the others still summed.
    std::fs::remove_dir_all(units.join(&county[2].dir)).unwrap();
    let o = nianbao(&["rollup", u, "-o", g]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("错误[E-UNIT-MISSING]"), "{text}");
    assert!(text.contains("units.toml:"), "{text}");
    assert!(text.contains("未报送"), "{text}");
    assert!(text.contains("5 个计入，1 个未计入"), "{text}");
    let o = nianbao(&["rollup", dir.join("nope").to_str().unwrap(), "-o", g]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未汇总"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `text` with every 【待填写……】 prompt written, as the office would.
fn written_prompts(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("【待填写") {
        out.push_str(&rest[..i]);
        let (prompt, after) = rest[i..].split_once('】').unwrap_or((&rest[i..], ""));
        out.push_str(if prompt.contains("信息处理费") {
            "本年度未收取信息处理费。"
        } else {
            "本机关编写的文字。"
        });
        rest = after;
    }
    out.push_str(rest);
    out
}
