//! `nianbao watch`: the printing side of the rebuild-on-save loop in `nianbao_watch::watch`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use nianbao_watch::build::{BuildOptions, BuildReport, FontCache};
use nianbao_watch::watch::events::Changes;
use nianbao_watch::watch::{Timing, Update, Watch};
use nianbao_watch::write::Written;

use crate::{print_diagnostics, OutputFormat};

/// Exit codes of `watch` (it never exits because of the report itself).
pub const HELP: &str = "退出码 / exit codes:
  0  按 Ctrl-C 停止 / stopped with Ctrl-C
  2  无法启动文件监视 / the file watcher could not be started";

/// Runs `nianbao watch` until Ctrl-C.
pub fn run(dir: &Path, opts: BuildOptions, fonts: Option<PathBuf>) -> ExitCode {
    let mut watch = match Watch::new(dir, opts, Timing::default()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // Ctrl-C (and SIGTERM) only asks the loop to stop: a build in progress finishes first, so
    // no `.tmp` file is left in the output folder and no output is half-replaced. A second
    // Ctrl-C exits at once, in case a build hangs (e.g. on a network drive).
    let stopper = watch.stopper();
    // Nobody reads the status lines any more (`nianbao watch | head`): stop quietly.
    let on_gone = watch.stopper();
    let presses = AtomicUsize::new(0);
    if let Err(e) = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::SeqCst) > 0 {
            std::process::exit(130);
        }
        stopper.stop();
    }) {
        eprintln!("无法处理 Ctrl-C：{e}");
        return ExitCode::from(2);
    }
    let report_file = if dir.is_file() {
        dir.to_path_buf()
    } else {
        dir.join(nianbao_core::load::REPORT_FILE)
    };
    println!("监视“{}”：保存即重新生成（按 Ctrl-C 停止）", dir.display());
    // Changed paths arrive absolute and resolved; shown relative to where the user is.
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .unwrap_or_default();
    let mut fonts = FontCache::new(fonts);
    let mut waiting = false;
    let result = watch.run(&mut fonts, |update| match update {
        Update::Built { report, cause } => {
            let missing = report.loaded.report.is_none() && !report_file.exists();
            if missing {
                // Say it once, not on every unrelated event in the folder.
                if !waiting {
                    println!(
                        "[{}] 找不到“{}”，等待它出现……",
                        clock::now(),
                        report_file.display()
                    );
                }
                waiting = true;
                return;
            }
            waiting = false;
            print_diagnostics(&report.loaded, OutputFormat::Text);
            for o in &report.outputs {
                if let Written::Failed(m) = &o.status {
                    eprintln!("  失败 {m}");
                }
            }
            println!("{}", status_line(&clock::now(), report, cause, &cwd));
            if crate::out::stdout_gone() {
                on_gone.stop();
            }
        }
        Update::Warning(m) => eprintln!("[{}] {m}", clock::now()),
    });
    match result {
        Ok(()) => {
            println!("已停止");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// What triggered a build, in a few words. Paths relative to `cwd` when under it.
fn cause_text(cause: &Changes, cwd: &Path) -> String {
    if cause.paths.is_empty() {
        return if cause.rescan {
            "重新检查".into()
        } else {
            "首次生成".into()
        };
    }
    let names: Vec<String> = cause
        .paths
        .iter()
        .map(|p| {
            let shown = p.strip_prefix(cwd).unwrap_or(p).display().to_string();
            nianbao_core::diag::terminal_safe(&shown).into_owned()
        })
        .collect();
    if names.len() > 3 {
        format!("{} 等 {} 个文件有改动", names[..3].join("、"), names.len())
    } else {
        format!("{} 有改动", names.join("、"))
    }
}

/// One line per build: time, cause, what was written, time taken, counts.
fn status_line(time: &str, report: &BuildReport, cause: &Changes, cwd: &Path) -> String {
    let c = report.counts();
    let mut parts: Vec<String> = Vec::new();
    if let Some(why) = &report.refused {
        parts.push(format!("{why}（保留上次的文件）"));
    }
    let (mut written, mut same, mut failed) = (Vec::new(), Vec::new(), 0);
    for o in &report.outputs {
        match o.status {
            // The long official file names are the same every time: name the formats.
            Written::Written => written.push(o.format.extension().to_uppercase()),
            Written::Unchanged => same.push(o.format.extension().to_uppercase()),
            Written::Failed(_) => failed += 1,
        }
    }
    let draft = if report.draft { "草稿" } else { "" };
    if !written.is_empty() {
        parts.push(format!("已生成{draft} {}", written.join("、")));
    }
    if !same.is_empty() {
        parts.push(format!("未变化 {}", same.join("、")));
    }
    if failed > 0 {
        parts.push(format!("{failed} 个文件未能写入"));
    }
    // Say once, on the first build, where the files are.
    if cause.paths.is_empty() && !cause.rescan {
        if let Some(dir) = report.outputs.first().and_then(|o| o.path.parent()) {
            let dir = dir.strip_prefix(cwd).unwrap_or(dir);
            parts.push(format!("文件在 {}", dir.display()));
        }
    }
    format!(
        "[{time}] {} → {}；用时 {:.1} ms；{} 个错误，{} 个警告",
        cause_text(cause, cwd),
        parts.join("；"),
        report.elapsed.as_secs_f64() * 1000.0,
        c.errors,
        c.warnings
    )
}

/// Time of day for status lines, in the system's local time zone without a date-time crate:
/// the UTC offset comes from the TZif file (`$TZ` naming a zone, else `/etc/localtime`).
/// Without one (Windows, minimal containers) the time is UTC and says so.
mod clock {
    use std::time::{SystemTime, UNIX_EPOCH};

    /// `HH:MM:SS` now, local time (or `HH:MM:SS UTC`).
    pub fn now() -> String {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        match local_offset(secs) {
            Some(off) => hms(secs + i64::from(off)),
            None => format!("{} UTC", hms(secs)),
        }
    }

    fn hms(secs: i64) -> String {
        let s = secs.rem_euclid(86_400);
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }

    fn local_offset(now: i64) -> Option<i32> {
        let file = match std::env::var("TZ") {
            Ok(tz) if !tz.is_empty() => {
                let name = tz.trim_start_matches(':');
                if name.starts_with('/') {
                    name.into()
                } else {
                    format!("/usr/share/zoneinfo/{name}")
                }
            }
            _ => "/etc/localtime".to_string(),
        };
        offset_at(&std::fs::read(file).ok()?, now)
    }

    fn be32(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }

    /// The UTC offset in seconds in force at `now` per a TZif file (RFC 8536): the type of
    /// the last transition at or before `now`, else type 0. (Transitions past the file's last
    /// one, given only by its POSIX-TZ footer, are not followed: right for zones without
    /// daylight saving time such as Asia/Shanghai.)
    pub(super) fn offset_at(tzif: &[u8], now: i64) -> Option<i32> {
        if tzif.get(..4)? != b"TZif" {
            return None;
        }
        let counts = |b: &[u8]| -> Option<[usize; 6]> {
            let mut c = [0usize; 6];
            for (i, v) in c.iter_mut().enumerate() {
                *v = usize::try_from(be32(b, 20 + 4 * i)?).ok()?;
            }
            Some(c)
        };
        let [isut, isstd, leap, time, types, chars] = counts(tzif)?;
        let (data, time_size) = if tzif.get(4).copied().unwrap_or(0) >= b'2' {
            // Skip the version 1 block; use the 64-bit one after it.
            let v1 = 44 + time * 5 + types * 6 + chars + leap * 8 + isstd + isut;
            (tzif.get(v1..)?, 8)
        } else {
            (tzif, 4)
        };
        let [_, _, _, time, types, _] = counts(data)?;
        if data.get(..4)? != b"TZif" || types == 0 {
            return None;
        }
        let times = 44;
        let idx = times + time * time_size;
        let infos = idx + time;
        let mut ty = 0usize;
        for i in 0..time {
            let at = times + i * time_size;
            let t = if time_size == 8 {
                i64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?)
            } else {
                i64::from(be32(data, at)? as i32)
            };
            if t > now {
                break;
            }
            ty = usize::from(*data.get(idx + i)?);
        }
        let off = be32(data, infos + ty * 6)?;
        Some(off as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TZif v2 file with the given transitions (time, type) and types (offset).
    fn tzif(transitions: &[(i64, u8)], offsets: &[i32]) -> Vec<u8> {
        let block = |big: bool| {
            let mut b = b"TZif2".to_vec();
            b.extend([0u8; 15]);
            for n in [0, 0, 0, transitions.len(), offsets.len(), 4] {
                b.extend((n as u32).to_be_bytes());
            }
            for (t, _) in transitions {
                if big {
                    b.extend(t.to_be_bytes());
                } else {
                    b.extend((*t as i32).to_be_bytes());
                }
            }
            b.extend(transitions.iter().map(|(_, ty)| *ty));
            for o in offsets {
                b.extend(o.to_be_bytes());
                b.extend([0u8, 0]);
            }
            b.extend(b"XXX\0");
            b
        };
        let mut f = block(false);
        f.extend(block(true));
        f.extend(b"\nCST-8\n");
        f
    }

    #[test]
    fn local_offset_from_tzif() {
        // Shanghai-like: LMT, then CST from 1901, a DST period in 1991, CST again.
        let file = tzif(
            &[(-2_177_481_943, 1), (671_212_800, 2), (684_860_400, 1)],
            &[29_143, 28_800, 32_400],
        );
        let cases = [
            (-3_000_000_000, 29_143),
            (0, 28_800),
            (680_000_000, 32_400),
            (1_735_689_600, 28_800),
        ];
        for (now, want) in cases {
            assert_eq!(clock::offset_at(&file, now), Some(want), "{now}");
        }
        assert_eq!(clock::offset_at(&tzif(&[], &[0]), 1_735_689_600), Some(0));
        assert_eq!(clock::offset_at(b"not a tzif", 0), None);
        assert_eq!(clock::offset_at(&file[..30], 0), None);
        // The machine's own zone file, if any, parses.
        if let Ok(f) = std::fs::read("/etc/localtime") {
            assert!(clock::offset_at(&f, 1_735_689_600).is_some());
        }
    }

    #[test]
    fn cause_texts() {
        let p = |v: &[&str]| Changes {
            paths: v.iter().map(PathBuf::from).collect(),
            rescan: false,
        };
        let cwd = Path::new("/home/u");
        assert_eq!(cause_text(&Changes::default(), cwd), "首次生成");
        let rescan = Changes {
            rescan: true,
            ..Changes::default()
        };
        assert_eq!(cause_text(&rescan, cwd), "重新检查");
        assert_eq!(
            cause_text(&p(&["/home/u/r/report.toml"]), cwd),
            "r/report.toml 有改动"
        );
        assert_eq!(
            cause_text(&p(&["/elsewhere/report.toml"]), cwd),
            "/elsewhere/report.toml 有改动"
        );
        assert_eq!(
            cause_text(&p(&["/r/a.md", "/r/b.md", "/r/c.md", "/r/d.md"]), cwd),
            "/r/a.md、/r/b.md、/r/c.md 等 4 个文件有改动"
        );
    }
}
