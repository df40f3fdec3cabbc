//! `nianbao` without a command, as a clerk starts it: bare, or with a report folder dropped onto
//! it; and a build that cannot find its fonts.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(args: &[&std::ffi::OsStr], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    c.args(args)
        .env("NO_COLOR", "1")
        .env_remove("NIANBAO_FONTS")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// A copy of an example in a fresh folder whose name has Chinese and a space.
fn copy_example(name: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("nianbao-start-{test}-{}", std::process::id()))
        .join("我的 报告");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(examples().join(name)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    dir
}

#[test]
fn no_arguments_print_the_quick_start() {
    let o = run(&[], &[]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("快速开始"), "{out}");
    assert!(out.contains("nianbao build 我的报告"), "{out}");
    // Run from the source tree, it points at the repository's examples.
    assert!(out.contains("demo-county-2024"), "{out}");
    // Not in a window of its own (outside Windows never): no waiting for Enter.
    assert!(!out.contains("按回车键"), "{out}");
}

#[test]
fn a_dropped_folder_is_built_into_its_out_folder() {
    let dir = copy_example("wuzhong-xinfang-2024", "dropped");
    let o = run(&[dir.as_os_str()], &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("检查通过：0 个错误"), "{out}");
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    // Every format (HTML is two files) and the checksum list, as `nianbao build` writes them.
    let stem = "吴忠市信访局2024年政府信息公开工作年度报告";
    assert_eq!(
        names,
        ["docx", "fragment.html", "html", "pdf", "sha256", "xlsx"].map(|e| format!("{stem}.{e}"))
    );
    // Same bytes as `nianbao build`.
    let built = dir.parent().unwrap().join("built");
    let o = run(
        &[
            "build".as_ref(),
            dir.as_os_str(),
            "-o".as_ref(),
            built.as_os_str(),
        ],
        &[],
    );
    assert!(o.status.success());
    for n in &names {
        assert_eq!(
            std::fs::read(dir.join("out").join(n)).unwrap(),
            std::fs::read(built.join(n)).unwrap(),
            "{n}"
        );
    }
}

/// Without fonts the PDF cannot be made: E-FONT says where nianbao looked and what to do, the
/// formats that need no fonts (DOCX, XLSX, HTML) are still written, and the last line does not say
/// 检查通过.
#[test]
fn without_fonts_only_the_pdf_is_missing_and_the_last_line_says_so() {
    let dir = copy_example("demo-county-2023", "nofonts");
    let empty = dir.parent().unwrap().join("no fonts here");
    std::fs::create_dir_all(&empty).unwrap();
    let out_dir = dir.parent().unwrap().join("out");
    let o = run(
        &[
            "build".as_ref(),
            dir.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        &[("NIANBAO_FONTS", &empty)],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    let all = format!("{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        all.contains("E-FONT") && all.contains("NIANBAO_FONTS") && all.contains("fonts.toml"),
        "{all}"
    );
    let last = out.lines().last().unwrap();
    assert!(last.contains("检查未通过：1 个错误"), "{out}");
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let stem = "青禾县人民政府2023年政府信息公开工作年度报告";
    // HTML needs no fonts either; the checksum list lists what was written.
    assert_eq!(
        names,
        ["docx", "fragment.html", "html", "sha256", "xlsx"].map(|e| format!("{stem}.{e}"))
    );
}
