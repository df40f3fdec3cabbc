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
    assert_eq!(
        names,
        ["docx", "pdf", "xlsx"]
            .map(|e| format!("吴忠市信访局2024年政府信息公开工作年度报告.{e}"))
            .to_vec()
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
    assert_eq!(names.len(), 2);
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
        assert_eq!(outputs, 1);
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
