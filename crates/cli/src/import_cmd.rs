//! `nianbao import`, `nianbao new --from` and `nianbao sync-xlsx`: reading files that are not
//! nianbao's sources. The library (nianbao-import) returns values; this prints them.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use nianbao_core::load::REPORT_FILE;
use nianbao_import::{next_year, output, workbook};

/// Folder `nianbao new DIR --from FILE` imports last year's file into, inside DIR.
pub const LAST_YEAR_DIR: &str = "上年度";

/// The file to import, through the loader's read path: a regular file (a FIFO is refused at
/// once), at most [`nianbao_import::MAX_BYTES`].
fn read_input(file: &Path) -> Result<Vec<u8>, ExitCode> {
    nianbao_core::input::read_bytes(file, nianbao_import::MAX_BYTES as u64).map_err(|e| {
        eprintln!("{}（{}）", e.message(file), e.hint());
        ExitCode::from(2)
    })
}

fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), ExitCode> {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("无法创建文件夹“{}”：{e}", dir.display());
        return Err(ExitCode::from(2));
    }
    for (name, text) in files {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("无法写入“{}”：{e}", path.display());
            return Err(ExitCode::from(2));
        }
        println!("  新建 {}", path.display());
    }
    Ok(())
}

/// Imports `file` into `dir`; prints the summary. Does not check.
fn import_into(file: &Path, dir: &Path) -> Result<(), ExitCode> {
    if dir.join(REPORT_FILE).exists() {
        eprintln!(
            "“{}”中已有 report.toml，未覆盖（换一个文件夹，或先删除它）",
            dir.display()
        );
        return Err(ExitCode::from(2));
    }
    let bytes = read_input(file)?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let imp = nianbao_import::import(&bytes, &name).map_err(|e| {
        eprintln!("无法导入“{}”：{e}", file.display());
        ExitCode::from(2)
    })?;
    let files = output::files(&imp);
    if let Some((name, _)) = files.iter().find(|(n, _)| dir.join(n).exists()) {
        eprintln!(
            "“{}”已存在，未覆盖（换一个文件夹，或先删除它）",
            dir.join(name).display()
        );
        return Err(ExitCode::from(2));
    }
    write_files(dir, &files)?;
    let st = imp.stats();
    println!(
        "已从{}导入：表格数字 {} 个从原文读取，{} 个空白或为“/”，{} 个无法识别，{} 个没有找到；{} 行数字未能对应。",
        imp.source.chinese(),
        st.read,
        st.blank,
        st.bad,
        st.missing,
        st.unmapped_rows
    );
    println!(
        "机关、年度、类型等推断项在 report.toml 中标有{}；在原文中的位置和未能导入的内容见 {}",
        output::CHECK_MARK,
        dir.join("IMPORT.md").display()
    );
    Ok(())
}

/// `nianbao import FILE [-o DIR]`: import, then check at once.
pub fn import(file: &Path, out: Option<&Path>) -> ExitCode {
    let dir = out.map_or_else(|| default_dir(file), Path::to_path_buf);
    if let Err(code) = import_into(file, &dir) {
        return code;
    }
    println!("检查导入的报告：");
    crate::check(&dir, crate::OutputFormat::Text)
}

/// The folder next to `file` named after it (`某局2024年报.docx` → `某局2024年报/`).
fn default_dir(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "导入的报告".into(), |s| s.to_string_lossy().into_owned());
    file.with_file_name(stem)
}

/// `nianbao new DIR --from LAST_YEAR`: LAST_YEAR is a report folder (or its report.toml), or a
/// file to import first (into `DIR/上年度/`).
pub fn new_from(dir: &Path, from: &Path, opts: &next_year::Options) -> ExitCode {
    if dir.join(REPORT_FILE).exists() {
        eprintln!("“{}”中已有 report.toml，未覆盖", dir.display());
        return ExitCode::from(2);
    }
    let is_report = from.is_dir() || from.extension().is_some_and(|e| e == "toml");
    let (last_dir, last_year_path) = if is_report {
        let folder = if from.is_dir() {
            from.to_path_buf()
        } else {
            from.parent().map_or_else(PathBuf::new, Path::to_path_buf)
        };
        let rel = relative(dir, &folder);
        (folder, rel)
    } else {
        let target = dir.join(LAST_YEAR_DIR);
        println!("导入上年度报告“{}”：", from.display());
        if let Err(code) = import_into(from, &target) {
            return code;
        }
        (target, LAST_YEAR_DIR.to_string())
    };
    let mut loaded = nianbao_core::load::load(&last_dir);
    let Some(last) = loaded.report.take() else {
        crate::print_diagnostics(&loaded, crate::OutputFormat::Text);
        eprintln!("无法读取上年度报告“{}”", last_dir.display());
        return ExitCode::from(2);
    };
    let files = match next_year::scaffold(&last, &last_year_path, opts) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let files: Vec<(String, String)> = files
        .into_iter()
        .filter(|(name, _)| {
            let keep = !dir.join(name).exists();
            if !keep {
                println!("  保留已有文件 {}", dir.join(name).display());
            }
            keep
        })
        .collect();
    if let Err(code) = write_files(dir, &files) {
        return code;
    }
    println!(
        "已新建 {} 年度报告：{}。上年结转、现行有效件数已按上年度报告填入，上年度的文字作为注释保留在各文字文件中。",
        opts.year.unwrap_or(last.year + 1),
        dir.display()
    );
    println!("  nianbao check {}", dir.display());
    ExitCode::SUCCESS
}

/// A path from `from_dir` to `to` (both taken as given, made absolute when possible).
fn relative(from_dir: &Path, to: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().map_or_else(|_| p.to_path_buf(), |c| c.join(p))
        };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                c => out.push(c),
            }
        }
        out
    };
    let (a, b) = (abs(from_dir), abs(to));
    let ac: Vec<_> = a.components().collect();
    let bc: Vec<_> = b.components().collect();
    let common = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); ac.len() - common];
    parts.extend(
        bc[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// `nianbao sync-xlsx FILE [DIR]`: the workbook's numbers into DIR/report.toml.
pub fn sync_xlsx(file: &Path, dir: Option<&Path>) -> ExitCode {
    let dir = dir.map_or_else(|| default_report_dir(file), Path::to_path_buf);
    let toml_path = if dir.is_file() {
        dir.clone()
    } else {
        dir.join(REPORT_FILE)
    };
    let bytes = match read_input(file) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let toml = match nianbao_core::input::read_text(&toml_path, None) {
        Ok(t) => t.text,
        Err(e) => {
            eprintln!("{}（{}）", e.message(&toml_path), e.hint());
            return ExitCode::from(2);
        }
    };
    let synced = workbook::read(&bytes).and_then(|wb| workbook::sync(&toml, &wb));
    let synced = match synced {
        Ok(s) => s,
        Err(e) => {
            eprintln!("无法同步“{}”：{e}", file.display());
            return ExitCode::from(2);
        }
    };
    for p in &synced.problems {
        eprintln!("  未同步：{p}");
    }
    if synced.changes.is_empty() {
        println!("工作簿中的数字与 {} 相同，没有修改", toml_path.display());
        return ExitCode::from(u8::from(!synced.problems.is_empty()));
    }
    for c in &synced.changes {
        println!("  {}  {}：{} → {}", c.cell, c.label, c.before, c.after);
    }
    if let Err(e) = write_atomic(&toml_path, synced.toml.as_bytes()) {
        eprintln!("无法写入“{}”：{e}", toml_path.display());
        return ExitCode::from(2);
    }
    println!(
        "已把 {} 个数字写回 {}（注释和排版保持不变）。检查：",
        synced.changes.len(),
        toml_path.display()
    );
    let code = crate::check(&dir, crate::OutputFormat::Text);
    if synced.problems.is_empty() {
        code
    } else {
        ExitCode::from(1)
    }
}

/// The report folder of a workbook in its `out/` folder (`DIR/out/x.xlsx` → `DIR`), else the
/// current folder.
fn default_report_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new(""));
    if parent.file_name().is_some_and(|n| n == "out") {
        if let Some(report) = parent.parent() {
            if report.join(REPORT_FILE).is_file() {
                return report.to_path_buf();
            }
        }
    }
    PathBuf::from(".")
}

/// Temp file + rename, so an editor or watcher never sees half a report.toml.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("toml.nianbao-tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
