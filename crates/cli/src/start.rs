//! `nianbao` started without a command: by a double-click on nianbao.exe, with a report folder
//! dropped onto it, or typed bare in a terminal.

use std::ffi::OsString;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nianbao_watch::build::BuildOptions;

use crate::console;

/// Whether `s` names a command (or `help`), so that a folder named like one is never mistaken
/// for a dropped folder. Asks clap, so a new command is covered without a list to keep in step.
fn is_command(s: &str) -> bool {
    use clap::CommandFactory as _;
    s == "help"
        || crate::Cli::command()
            .get_subcommands()
            .any(|c| c.get_name() == s)
}

/// Handles a command line without a command; `None` leaves it to clap.
///
/// - no arguments at all: [`without_arguments`];
/// - only existing folders (what Explorer passes when folders are dropped onto nianbao.exe):
///   `nianbao build` of them, keeping the window open when it is nianbao's own.
pub fn without_command(args: &[OsString]) -> Option<ExitCode> {
    if args.is_empty() {
        return Some(without_arguments());
    }
    let dropped = args.iter().all(|a| {
        let s = a.to_string_lossy();
        !s.starts_with('-') && !is_command(&s) && Path::new(a).is_dir()
    });
    if !dropped {
        return None;
    }
    let dirs: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let code = crate::build_cmd(&dirs, &BuildOptions::default(), None, false);
    Some(if console::own_window() {
        keep_open(code)
    } else {
        code
    })
}

/// `nianbao` with no arguments.
fn without_arguments() -> ExitCode {
    if console::own_window() {
        // Double-clicked in Explorer. Once `nianbao serve` exists (issue 18) this line
        // becomes opening the local web app instead.
        return keep_open(quick_start(true));
    }
    quick_start(false)
}

/// Prints the quick start; `window`: in a window of its own (double-clicked).
fn quick_start(window: bool) -> ExitCode {
    let examples = shipped("示例", "examples").map(|d| shown(&d));
    let guide = shipped("使用说明.txt", "使用说明.txt");
    print!(
        "{}",
        quick_start_text(window, examples.as_deref(), guide.is_some())
    );
    ExitCode::SUCCESS
}

/// Waits for Enter (or the end of stdin), so a window of its own stays readable.
fn keep_open(code: ExitCode) -> ExitCode {
    println!("\n按回车键关闭此窗口……");
    let _ = std::io::stdin().lock().read_line(&mut String::new());
    code
}

/// The short Chinese quick start; `examples`: where the example reports are, if found;
/// `guide`: whether 使用说明.txt was shipped.
fn quick_start_text(window: bool, examples: Option<&Path>, guide: bool) -> String {
    let sep = std::path::MAIN_SEPARATOR;
    let mut t = format!(
        "nianbao（年报）{}：编写政府信息公开工作年度报告，检查后生成 DOCX、PDF、XLSX。\n\n",
        env!("CARGO_PKG_VERSION")
    );
    t.push_str("快速开始：\n");
    t.push_str("  nianbao new 我的报告 --agency \"某某县某某局\" --year 2025\n");
    t.push_str(
        "      新建报告文件夹（乡镇、街道加 --kind 乡镇，县级以上人民政府加 --kind 政府）\n",
    );
    t.push_str("  nianbao check 我的报告\n      只检查，列出问题所在的文件、行、列和修改建议\n");
    t.push_str(&format!(
        "  nianbao build 我的报告\n      检查并生成 DOCX、PDF、XLSX，文件在“我的报告{sep}out”中\n"
    ));
    t.push_str("  nianbao watch 我的报告\n      每次保存后自动重新生成（按 Ctrl+C 停止）\n");
    if let Some(dir) = examples {
        let demo = dir.join("demo-county-2024").display().to_string();
        let demo = if demo.contains(' ') {
            format!("\"{demo}\"")
        } else {
            demo
        };
        t.push_str(&format!("\n试一试示例报告：\n  nianbao build {demo}\n"));
    }
    if cfg!(windows) {
        t.push_str("\n也可以把报告文件夹拖到 nianbao.exe 上，松开即生成。\n");
    }
    if window {
        t.push_str("要输入命令：在 nianbao.exe 所在文件夹窗口的地址栏里输入 cmd 并按回车。\n");
    }
    t.push_str("\n全部命令和选项：nianbao --help");
    t.push_str(if guide {
        "；详细说明见“使用说明.txt”。\n"
    } else {
        "。\n"
    });
    t
}

/// A file or folder shipped with nianbao: `name` next to the executable (zip, tar.gz), or
/// `doc_name` in the Debian package's documentation folder, or (`cargo run`) in the source tree.
fn shipped(name: &str, doc_name: &str) -> Option<PathBuf> {
    let exe_dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let mut candidates = vec![
        exe_dir.join(name),
        exe_dir.join("../share/doc/nianbao").join(doc_name),
    ];
    if option_env!("NIANBAO_PACKAGED").is_none() {
        candidates.push(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(doc_name),
        );
    }
    candidates.into_iter().find(|d| d.exists())
}

/// A path as the clerk would type it: relative to the current folder when inside it (a
/// double-click starts in the executable's folder), else absolute.
fn shown(path: &Path) -> PathBuf {
    let full = strip_verbatim(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()));
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok())
        .map(strip_verbatim);
    match cwd.as_deref().and_then(|c| full.strip_prefix(c).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => full,
    }
}

/// `canonicalize` on Windows gives `\\?\C:\…`, which cmd.exe users never type.
fn strip_verbatim(p: PathBuf) -> PathBuf {
    let s = p.to_string_lossy();
    match s.strip_prefix(r"\\?\") {
        Some(rest) if !rest.starts_with("UNC") => PathBuf::from(rest),
        _ => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_start_names_the_commands_and_the_examples() {
        let t = quick_start_text(false, Some(Path::new("示例")), true);
        for cmd in [
            "nianbao new",
            "nianbao check",
            "nianbao build",
            "nianbao watch",
        ] {
            assert!(t.contains(cmd), "{t}");
        }
        let demo = Path::new("示例").join("demo-county-2024");
        assert!(
            t.contains(&format!("nianbao build {}\n", demo.display())),
            "{t}"
        );
        assert!(!t.contains("地址栏"), "{t}");
        assert!(t.contains("使用说明.txt"), "{t}");
        // A path with a space is quoted, as cmd.exe needs it.
        let t = quick_start_text(true, Some(Path::new("D:/年报 2025/示例")), false);
        assert!(t.contains("nianbao build \"D:/年报 2025/示例"), "{t}");
        assert!(t.contains("地址栏"), "{t}");
        assert!(!t.contains("使用说明.txt"), "{t}");
        assert!(!quick_start_text(false, None, false).contains("试一试"));
    }

    #[test]
    fn only_folders_count_as_dropped() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // Not folders, options or command names: left to clap (None).
        for args in [
            vec!["--help"],
            vec!["check"],
            vec!["build", "."],
            vec!["no-such-folder-here"],
        ] {
            let args: Vec<OsString> = args.into_iter().map(OsString::from).collect();
            assert!(without_command(&args).is_none(), "{args:?}");
        }
        // A file is not a folder either.
        let file = OsString::from(root.join("Cargo.toml"));
        assert!(without_command(&[file]).is_none());
    }

    #[test]
    fn every_command_is_known() {
        for c in [
            "check",
            "new",
            "build",
            "watch",
            "rollup",
            "import",
            "sync-xlsx",
            "help",
        ] {
            assert!(is_command(c), "{c}");
        }
        assert!(!is_command("示例"));
    }

    #[test]
    fn verbatim_prefix_is_dropped() {
        assert_eq!(
            strip_verbatim(PathBuf::from(r"\\?\C:\年报\示例")),
            PathBuf::from(r"C:\年报\示例")
        );
        let unc = PathBuf::from(r"\\?\UNC\server\share");
        assert_eq!(strip_verbatim(unc.clone()), unc);
    }
}
