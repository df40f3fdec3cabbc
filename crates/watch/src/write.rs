//! Atomic output writing: temp file in the same folder, then rename.
//!
//! A PDF viewer that reloads on change never sees half a file, a failed build never
//! destroys the last good output, and unchanged bytes are not rewritten (no reload flicker).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Temp files made by this process so far: with the process id, a name no other writer uses —
/// not another process, and not another thread of this one writing the same target (a batch
/// that names one report twice used to collide on `.<name>.<pid>.tmp`).
static TEMPS: AtomicU64 = AtomicU64::new(0);

fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = TEMPS.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()))
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
        match write_temp(target, bytes) {
            Ok(tmp) => temps[i] = Some(tmp),
            Err((tmp, e)) => {
                if let Some(tmp) = tmp {
                    let _ = std::fs::remove_file(&tmp);
                }
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

/// Writes `bytes` to a new temp file next to `target` and returns its path. The file is
/// created exclusively (`create_new`): a stale temp file of the same name is never reused.
/// On failure, the temp file to remove (if one was created) and the error.
fn write_temp(target: &Path, bytes: &[u8]) -> Result<PathBuf, (Option<PathBuf>, std::io::Error)> {
    let mut tries = 0;
    let (tmp, mut f) = loop {
        let tmp = temp_path(target);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 3 => tries += 1,
            Err(e) => return Err((None, e)),
        }
    };
    match f.write_all(bytes).and_then(|()| f.sync_all()) {
        Ok(()) => Ok(tmp),
        Err(e) => Err((Some(tmp), e)),
    }
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

    /// Two workers writing the same target at once (a batch that names one report twice) each
    /// get their own temp file: both renames succeed, the file is whole.
    #[test]
    fn concurrent_writers_of_one_target_never_collide() {
        let dir = std::env::temp_dir().join(format!("nianbao-write2-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("报告.pdf");
        std::thread::scope(|s| {
            for t in 0..4u8 {
                let target = &target;
                s.spawn(move || {
                    for i in 0..50u8 {
                        let bytes = vec![t; 1000 + usize::from(i)];
                        let status = write_all(&[(target, &bytes)]);
                        assert!(
                            matches!(status[0], Written::Written | Written::Unchanged),
                            "{status:?}"
                        );
                    }
                });
            }
        });
        let bytes = std::fs::read(&target).unwrap();
        assert!(bytes.iter().all(|&b| b == bytes[0]), "one writer's bytes");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "no temp file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
