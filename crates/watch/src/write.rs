//! Atomic output writing, all or nothing: every output of one build is replaced, or none.
//!
//! A PDF viewer that reloads on change never sees half a file, a failed build never
//! destroys the last good output, the folder never holds a new DOCX beside an old PDF, and
//! unchanged bytes are not rewritten (no reload flicker).
//!
//! How: (1) each new file is written to a temp file in the target's folder; (2) each old
//! file is renamed aside to a backup name; (3) each temp file is renamed to its target;
//! (4) the backups are removed. When any step fails, the steps done are undone in reverse
//! (temp files removed, backups renamed back), so the old set stays as it was. Only a crash
//! between (2) and (4) can leave a target missing, with its backup (`.NAME.….old`) beside it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// When the new files of a set are flushed to the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flush {
    /// Before any of them replaces an old file (`build`, batch builds, `serve`): after a
    /// crash the folder holds the old set or the new one, never a file of neither.
    #[default]
    BeforeReplace,
    /// Right after they replaced the old files (`watch`, whose outputs are a live preview
    /// made again at every start): a viewer sees the new set ~2–4 ms sooner after each save.
    /// Linux's local file systems (ext4, XFS, btrfs) reserve the space of written data at
    /// the write, so a full disk still fails the set before anything is replaced; only a
    /// crash within those milliseconds can leave an output incomplete (its checksum list then
    /// says so, and the next build replaces it). A flush that fails is reported for its file.
    /// Linux only (where `watch` builds at once on a close); elsewhere as
    /// [`Flush::BeforeReplace`].
    AfterReplace,
}

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

/// A name beside `target` for a temp or backup file, unique within this process (two
/// threads writing the same report each get their own) and across processes (the pid).
fn side_path(target: &Path, ext: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // At most 40 characters of the name (up to 160 bytes): a target name near the 255-byte
    // limit of most file systems must not make its temp file's name too long.
    let short: String = name.chars().take(40).collect();
    target.with_file_name(format!(".{short}.{}-{n}.{ext}", std::process::id()))
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

/// Whether `target` already holds exactly `bytes` (compared only when the sizes match; a
/// FIFO or device at the target is never read).
fn same_bytes(target: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    let len = bytes.len() as u64;
    let Ok((mut file, meta)) = nianbao_core::input::open_regular(target, len) else {
        return false;
    };
    if meta.len() != len {
        return false;
    }
    // Compared piece by piece, stopping at the first difference: a PDF after an edit
    // differs within its first pages, and the old file is not copied into memory whole.
    let mut chunk = [0u8; 16 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut chunk[..rest.len().min(16 * 1024)]) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if chunk[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
        if rest.is_empty() {
            // Not longer than it was a moment ago?
            return matches!(file.read(&mut chunk[..1]), Ok(0));
        }
    }
}

/// Why `target` cannot be replaced at all, before anything is written: it is open in Office
/// (its lock file exists) or it is a folder.
fn blocked(target: &Path) -> Option<String> {
    if let Some(lock) = office_lock(target) {
        return Some(format!(
            "“{}”正被 Word/Excel/WPS 打开（存在锁文件“{}”），请关闭后重新生成",
            target.display(),
            lock.display()
        ));
    }
    match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.is_dir() => Some(format!(
            "无法替换“{}”：这是一个文件夹；请移走或改名后重新生成",
            target.display()
        )),
        _ => None,
    }
}

/// One file to replace, and how far its replacement got.
struct Job<'a> {
    index: usize,
    target: &'a Path,
    bytes: &'a [u8],
    temp: Option<PathBuf>,
    backup: Option<PathBuf>,
    placed: bool,
}

/// Writes every file of one build, all or nothing: files whose bytes are unchanged are not
/// touched; the others are all replaced, or — if any of them cannot be (locked in Office, a
/// folder in the way, a full disk, a failed rename) — none is, and every one of them reports
/// why. Never leaves a temp or backup file behind, except after a crash.
pub fn write_all(files: &[(&Path, &[u8])]) -> Vec<Written> {
    write_all_flushing(files, Flush::BeforeReplace)
}

/// [`write_all`], flushing the new files to the disk as `flush` says.
pub fn write_all_flushing(files: &[(&Path, &[u8])], flush: Flush) -> Vec<Written> {
    let flush = if cfg!(target_os = "linux") {
        flush
    } else {
        Flush::BeforeReplace
    };
    let mut status: Vec<Written> = vec![Written::Unchanged; files.len()];
    let mut jobs: Vec<Job> = files
        .iter()
        .enumerate()
        .filter(|(_, (target, bytes))| !same_bytes(target, bytes))
        .map(|(index, (target, bytes))| Job {
            index,
            target,
            bytes,
            temp: None,
            backup: None,
            placed: false,
        })
        .collect();
    if jobs.is_empty() {
        return status;
    }
    match replace(&mut jobs, flush) {
        Ok(()) => {
            for job in &jobs {
                status[job.index] = Written::Written;
            }
            if flush == Flush::AfterReplace {
                for (index, why) in flush_placed(&jobs) {
                    status[index] = Written::Failed(why);
                }
            }
        }
        Err((culprit, message)) => {
            undo(&mut jobs);
            for job in &jobs {
                status[job.index] = Written::Failed(if job.index == culprit {
                    message.clone()
                } else {
                    format!(
                        "未更新“{}”：同一次生成的另一个文件未能写入，为使各文件一致，全部保留上次的版本",
                        job.target.display()
                    )
                });
            }
        }
    }
    status
}

/// Steps (1)–(4). The error names the index of the file that failed and why.
fn replace(jobs: &mut [Job], flush: Flush) -> Result<(), (usize, String)> {
    for job in jobs.iter() {
        if let Some(why) = blocked(job.target) {
            return Err((job.index, why));
        }
    }
    // Each temp file is written and flushed to disk on its own thread: the flushes wait on
    // the disk, not the CPU, and overlap (a build's six files: ~5 ms instead of ~8.5 on
    // the CI machine).
    for job in jobs.iter_mut() {
        // Recorded before writing: a half-written temp file is removed by `undo`.
        job.temp = Some(side_path(job.target, "tmp"));
    }
    let results = on_threads(jobs, |job| {
        job.temp
            .as_deref()
            .map_or(Ok(()), |t| write_temp(t, job.bytes, flush))
    });
    for (job, written) in jobs.iter().zip(results) {
        written.map_err(|e| {
            (
                job.index,
                format!("无法写入“{}”：{}", job.target.display(), io_reason(&e)),
            )
        })?;
    }
    for job in jobs.iter_mut() {
        if std::fs::symlink_metadata(job.target).is_err() {
            continue; // nothing to move aside
        }
        let backup = side_path(job.target, "old");
        match std::fs::rename(job.target, &backup) {
            Ok(()) => job.backup = Some(backup),
            // Gone since we looked (another build of the same report moved it): nothing to
            // keep.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err((
                    job.index,
                    format!(
                        "无法替换“{}”（文件可能被其他程序打开，或没有写权限）：{}",
                        job.target.display(),
                        io_reason(&e)
                    ),
                ))
            }
        }
    }
    for job in jobs.iter_mut() {
        let Some(temp) = &job.temp else { continue };
        std::fs::rename(temp, job.target).map_err(|e| {
            (
                job.index,
                format!(
                    "无法替换“{}”（文件可能被其他程序打开，或没有写权限）：{}",
                    job.target.display(),
                    io_reason(&e)
                ),
            )
        })?;
        job.temp = None;
        job.placed = true;
    }
    for job in jobs.iter_mut() {
        if let Some(backup) = job.backup.take() {
            // The new set is complete; a backup that cannot be removed is only clutter.
            let _ = std::fs::remove_file(backup);
        }
    }
    Ok(())
}

/// Undoes whatever [`replace`] did, in reverse: new files out, old files back, temp files
/// removed.
fn undo(jobs: &mut [Job]) {
    for job in jobs.iter_mut().rev() {
        match (job.placed, job.backup.take()) {
            (_, Some(backup)) => {
                // Renaming the old file back also removes a new one placed there.
                let _ = std::fs::rename(&backup, job.target);
            }
            (true, None) => {
                // There was no old file: take the new one away again.
                let _ = std::fs::remove_file(job.target);
            }
            (false, None) => {}
        }
        if let Some(temp) = job.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// The reason of an I/O error for a message: Chinese for the common kinds, with the
/// system's own words (on a Chinese system, Chinese too) otherwise.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let zh = match e.kind() {
        K::PermissionDenied => "没有写权限",
        K::NotFound => "文件夹不存在",
        K::StorageFull => "磁盘已满",
        K::IsADirectory => "目标是一个文件夹",
        K::DirectoryNotEmpty => "目标是一个非空文件夹",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        K::InvalidFilename => "文件名无效或过长",
        K::CrossesDevices => "不能跨磁盘移动",
        _ => "",
    };
    let code = e
        .raw_os_error()
        .map_or_else(String::new, |c| format!("，错误码 {c}"));
    if zh.is_empty() {
        format!("系统错误{code}")
    } else {
        format!("{zh}{code}")
    }
}

fn write_temp(tmp: &Path, bytes: &[u8], flush: Flush) -> std::io::Result<()> {
    let mut f = std::fs::File::create(tmp)?;
    if flush == Flush::AfterReplace {
        return f.write_all(bytes);
    }
    f.write_all(bytes)?;
    f.sync_all()
}

/// `work` for each job, each on a thread of its own (the writes and flushes wait on the
/// disk, not the CPU, so they overlap), results in job order.
fn on_threads(
    jobs: &[Job],
    work: impl Fn(&Job) -> std::io::Result<()> + Sync,
) -> Vec<std::io::Result<()>> {
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| {
                let work = &work;
                s.spawn(move || work(job))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("写入线程意外中止")))
            })
            .collect()
    })
}

/// Flushes the files [`replace`] placed (one thread each, as the temp files are written),
/// and their folders. Returns the files that could not be flushed, with why.
fn flush_placed(jobs: &[Job]) -> Vec<(usize, String)> {
    let sync = |path: &Path| std::fs::File::open(path).and_then(|f| f.sync_all());
    let mut failed: Vec<(usize, String)> = jobs
        .iter()
        .zip(on_threads(jobs, |job| sync(job.target)))
        .filter_map(|(job, result)| {
            result.err().map(|e| {
                (
                    job.index,
                    format!(
                        "“{}”已更新，但未能完整写入磁盘：{}；请检查磁盘后重新生成",
                        job.target.display(),
                        io_reason(&e)
                    ),
                )
            })
        })
        .collect();
    // The renames themselves are recorded in the folders' entries.
    let mut dirs: Vec<&Path> = jobs.iter().filter_map(|j| j.target.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let _ = sync(dir);
    }
    failed.sort();
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp") || n.ends_with(".old"))
            .collect()
    }

    fn fresh(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nianbao-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Flushed after the replacement (`watch`): the same files and statuses, and a set that
    /// cannot be written whole still replaces nothing and leaves nothing behind.
    #[test]
    fn flushing_after_the_replacement_keeps_the_set_all_or_nothing() {
        let dir = fresh("flush-after");
        let after = |files: &[(&Path, &[u8])]| write_all_flushing(files, Flush::AfterReplace);
        let a = dir.join("a.pdf");
        let b = dir.join("b.xlsx");
        let big = vec![7u8; 300_000];
        assert_eq!(
            after(&[(&a, &big), (&b, b"two")]),
            vec![Written::Written, Written::Written]
        );
        assert_eq!(std::fs::read(&a).unwrap(), big);
        assert_eq!(
            after(&[(&a, &big), (&b, b"three")]),
            vec![Written::Unchanged, Written::Written]
        );
        let gone = dir.join("missing").join("x.docx");
        let s = after(&[(&b, b"four"), (&gone, b"x")]);
        assert!(matches!(&s[1], Written::Failed(m) if m.contains("无法写入")));
        assert!(matches!(&s[0], Written::Failed(m) if m.contains("另一个文件")));
        assert_eq!(std::fs::read(&b).unwrap(), b"three");
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Files larger than one comparison piece: equal is unchanged; a difference in the last
    /// byte, in the first piece or in the length is a new file.
    #[test]
    fn compares_large_files_to_the_last_byte() {
        let dir = fresh("compare");
        let a = dir.join("a.pdf");
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(write_all(&[(&a, &big)]), vec![Written::Written]);
        assert_eq!(write_all(&[(&a, &big)]), vec![Written::Unchanged]);
        let mut last = big.clone();
        *last.last_mut().unwrap() ^= 1;
        assert_eq!(write_all(&[(&a, &last)]), vec![Written::Written]);
        assert_eq!(std::fs::read(&a).unwrap(), last);
        let mut first = last.clone();
        first[10] ^= 1;
        assert_eq!(write_all(&[(&a, &first)]), vec![Written::Written]);
        let short = &first[..first.len() - 1];
        assert_eq!(write_all(&[(&a, short)]), vec![Written::Written]);
        assert_eq!(std::fs::read(&a).unwrap(), short);
        assert_eq!(write_all(&[(&a, b"")]), vec![Written::Written]);
        assert_eq!(write_all(&[(&a, b"")]), vec![Written::Unchanged]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn writes_skips_unchanged_and_refuses_the_set_when_one_is_locked() {
        let dir = fresh("write");
        let a = dir.join("a.pdf");
        let b = dir.join("报告.docx");
        assert_eq!(
            write_all(&[(&a, b"one"), (&b, b"two")]),
            vec![Written::Written, Written::Written]
        );
        assert_eq!(write_all(&[(&a, b"one")]), vec![Written::Unchanged]);
        // Open in Word: neither file is replaced (no new PDF beside the old DOCX).
        std::fs::write(dir.join("~$报告.docx"), b"lock").unwrap();
        let s = write_all(&[(&a, b"new"), (&b, b"new")]);
        assert!(matches!(&s[0], Written::Failed(m) if m.contains("另一个文件")));
        assert!(matches!(&s[1], Written::Failed(m) if m.contains("锁文件")));
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        std::fs::remove_file(dir.join("~$报告.docx")).unwrap();
        // A temp write that fails (target folder vanished) replaces nothing.
        let gone = dir.join("missing").join("x.xlsx");
        let s = write_all(&[(&a, b"newer"), (&gone, b"x")]);
        assert!(matches!(&s[1], Written::Failed(m) if m.contains("无法写入")));
        assert!(matches!(&s[0], Written::Failed(m) if m.contains("另一个文件")));
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_rename_late_in_the_set_restores_the_earlier_files() {
        // Repro 11: a folder where the PDF should be. The DOCX, renamed first, must come back.
        let dir = fresh("write-set");
        let docx = dir.join("r.docx");
        let pdf = dir.join("r.pdf");
        let xlsx = dir.join("r.xlsx");
        write_all(&[(&docx, b"d1"), (&pdf, b"p1"), (&xlsx, b"x1")]);
        std::fs::remove_file(&pdf).unwrap();
        std::fs::create_dir(&pdf).unwrap();
        let s = write_all(&[(&docx, b"d2"), (&pdf, b"p2"), (&xlsx, b"x2")]);
        assert!(s.iter().all(|w| matches!(w, Written::Failed(_))), "{s:?}");
        assert!(matches!(&s[1], Written::Failed(m) if m.contains("文件夹")));
        assert_eq!(std::fs::read(&docx).unwrap(), b"d1");
        assert_eq!(std::fs::read(&xlsx).unwrap(), b"x1");
        assert!(pdf.is_dir());
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));

        // A rename that fails after the old files were moved aside (the target folder made
        // read-only cannot be simulated as root; a temp file whose target's parent is gone
        // can): every moved file is renamed back.
        std::fs::remove_dir(&pdf).unwrap();
        let mut jobs: Vec<Job> = [(&docx, &b"d3"[..]), (&xlsx, &b"x3"[..])]
            .into_iter()
            .enumerate()
            .map(|(index, (target, bytes))| Job {
                index,
                target,
                bytes,
                temp: None,
                backup: None,
                placed: false,
            })
            .collect();
        // Both moved aside and the DOCX placed; the XLSX's rename "failed".
        for job in &mut jobs {
            let backup = side_path(job.target, "old");
            std::fs::rename(job.target, &backup).unwrap();
            job.backup = Some(backup);
        }
        std::fs::write(&docx, b"d3").unwrap();
        jobs[0].placed = true;
        let temp = side_path(&xlsx, "tmp");
        std::fs::write(&temp, b"x3").unwrap();
        jobs[1].temp = Some(temp);
        undo(&mut jobs);
        assert_eq!(std::fs::read(&docx).unwrap(), b"d1");
        assert_eq!(std::fs::read(&xlsx).unwrap(), b"x1");
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn side_names_are_unique_across_threads() {
        let t = Path::new("/r/out/报告.pdf");
        let names: std::collections::BTreeSet<PathBuf> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..100).map(|_| side_path(t, "tmp")).collect::<Vec<_>>()))
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(names.len(), 400);
    }
}
