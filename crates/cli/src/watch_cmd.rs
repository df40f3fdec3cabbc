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
    let mut fonts = FontCache::for_session(fonts);
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
            Written::Written => written.push(o.kind()),
            Written::Unchanged => same.push(o.kind()),
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

/// Time of day for status lines, in the system's time zone (jiff: `$TZ`, `/etc/localtime`, or
/// Windows' own zone setting). Where none can be found the time is UTC and says so.
mod clock {
    use jiff::tz::TimeZone;
    use jiff::Timestamp;

    /// `HH:MM:SS` now, local time (or `HH:MM:SS UTC`).
    pub fn now() -> String {
        at(Timestamp::now(), TimeZone::try_system().ok())
    }

    pub(super) fn at(t: Timestamp, zone: Option<TimeZone>) -> String {
        match zone {
            Some(zone) => zone.to_datetime(t).strftime("%H:%M:%S").to_string(),
            None => format!("{} UTC", TimeZone::UTC.to_datetime(t).strftime("%H:%M:%S")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_in_local_time() {
        use jiff::tz::{Offset, TimeZone};
        // 2025-01-01T00:00:00Z.
        let t = jiff::Timestamp::from_second(1_735_689_600).unwrap();
        let shanghai = TimeZone::fixed(Offset::constant(8));
        assert_eq!(clock::at(t, Some(shanghai)), "08:00:00");
        // A POSIX TZ string with daylight saving time, as $TZ may give (US Eastern: −5 in
        // January, −4 in July).
        let posix = TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        assert_eq!(clock::at(t, Some(posix.clone())), "19:00:00");
        let july = jiff::Timestamp::from_second(1_751_328_000).unwrap();
        assert_eq!(clock::at(july, Some(posix)), "20:00:00");
        assert_eq!(clock::at(t, None), "00:00:00 UTC");
        // The machine's own zone is found (or the line says UTC).
        let now = clock::now();
        assert!(now.len() == 8 || now.ends_with(" UTC"), "{now}");
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
