//! Atomic output writing: temp file in the same folder, then rename.
//!
//! A PDF viewer that reloads on change never sees half a file, a failed build never
//! destroys the last good output, and unchanged bytes are not rewritten (no reload flicker).

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What happened to one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Replaced (or created).
    Written,
    /// The file already had exactly these bytes; not touched.
    Unchanged,
    /// Could not be written; the previous file is untouched. Message in Chinese.
    Failed(String),
}

fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// The Office lock file Word/Excel/WPS keep next to an open document (`~$name`).
pub fn office_lock(target: &Path) -> Option<PathBuf> {
    let name = target.file_name()?.to_string_lossy().into_owned();
    let dir = target.parent()?;
    // Office shortens long names: `~$` replaces the first two characters.
    let candidates = [
        format!("~${name}"),
        format!("~${}", name.chars().skip(2).collect::<String>()),
    ];
    candidates
        .into_iter()
        .map(|c| dir.join(c))
        .find(|p| p.exists())
}

/// Writes every file atomically. Temp files are written first; only when all of them are
/// complete are they renamed over the targets, so a failure part-way replaces nothing.
/// A target that is locked (open in Office) is skipped with a message; the others are written.
pub fn write_all(files: &[(&Path, &[u8])]) -> Vec<Written> {
    let mut status: Vec<Option<Written>> = vec![None; files.len()];
    let mut temps: Vec<Option<PathBuf>> = vec![None; files.len()];
    for (i, (target, bytes)) in files.iter().enumerate() {
        if std::fs::read(target).is_ok_and(|old| old == *bytes) {
            status[i] = Some(Written::Unchanged);
            continue;
        }
        if let Some(lock) = office_lock(target) {
            status[i] = Some(Written::Failed(format!(
                "“{}”正被 Word/Excel/WPS 打开（存在锁文件“{}”），请关闭后重新生成",
                target.display(),
                lock.display()
            )));
            continue;
        }
        let tmp = temp_path(target);
        match write_temp(&tmp, bytes) {
            Ok(()) => temps[i] = Some(tmp),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                status[i] = Some(Written::Failed(format!(
                    "无法写入“{}”：{e}",
                    target.display()
                )));
            }
        }
    }
    let temp_failed = status
        .iter()
        .any(|s| matches!(s, Some(Written::Failed(m)) if m.starts_with("无法写入")));
    for (i, (target, _)) in files.iter().enumerate() {
        let Some(tmp) = temps[i].take() else {
            continue;
        };
        if temp_failed {
            // Keep the set consistent: do not replace some files when another failed.
            let _ = std::fs::remove_file(&tmp);
            status[i] = Some(Written::Failed(format!(
                "未更新“{}”：同一次生成中另一个文件写入失败",
                target.display()
            )));
            continue;
        }
        status[i] = Some(match std::fs::rename(&tmp, target) {
            Ok(()) => Written::Written,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Written::Failed(format!(
                    "无法替换“{}”（文件可能被其他程序打开或没有写权限）：{e}",
                    target.display()
                ))
            }
        });
    }
    status
        .into_iter()
        .map(|s| s.unwrap_or(Written::Unchanged))
        .collect()
}

fn write_temp(tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(tmp)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_skips_unchanged_and_respects_locks() {
        let dir = std::env::temp_dir().join(format!("nianbao-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.pdf");
        let b = dir.join("报告.docx");
        assert_eq!(
            write_all(&[(&a, b"one"), (&b, b"two")]),
            vec![Written::Written, Written::Written]
        );
        assert_eq!(write_all(&[(&a, b"one")]), vec![Written::Unchanged]);
        std::fs::write(dir.join("~$报告.docx"), b"lock").unwrap();
        let s = write_all(&[(&a, b"new"), (&b, b"new")]);
        assert_eq!(s[0], Written::Written);
        assert!(matches!(&s[1], Written::Failed(m) if m.contains("锁文件")));
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        // A temp write that fails (target folder vanished) replaces nothing.
        let gone = dir.join("missing").join("x.xlsx");
        let s = write_all(&[(&a, b"newer"), (&gone, b"x")]);
        assert!(matches!(&s[1], Written::Failed(_)));
        assert!(matches!(&s[0], Written::Failed(m) if m.contains("另一个文件")));
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
