//! Batch builds: many reports in parallel on all cores (a 政务公开 office rebuilding every
//! agency's report at once). One report's failure never stops the others.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::build::{build, BuildOptions, BuildReport, FontCache};

/// Expands command-line arguments into report folders: a folder with a `report.toml` is a
/// report; any other folder stands for its sub-folders that are reports (sorted by name).
/// Returns the folders and the arguments that named no report.
pub fn expand(args: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut reports = Vec::new();
    let mut bad = Vec::new();
    for arg in args {
        if is_report(arg) {
            reports.push(arg.clone());
            continue;
        }
        let mut subs: Vec<PathBuf> = std::fs::read_dir(arg)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| is_report(p))
                    .collect()
            })
            .unwrap_or_default();
        subs.sort();
        if subs.is_empty() {
            bad.push(arg.clone());
        }
        reports.extend(subs);
    }
    (reports, bad)
}

fn is_report(p: &Path) -> bool {
    p.is_file() && p.extension().is_some_and(|e| e == "toml")
        || p.join(nianbao_core::load::REPORT_FILE).is_file()
}

/// Builds every report in `dirs` on `threads` worker threads (0 = all cores). `opts.out_dir`,
/// when set, gets one sub-folder per report (named after its folder). `done` is called from
/// the workers as each report finishes, with its index in `dirs`; it must be quick.
pub fn build_many(
    dirs: &[PathBuf],
    opts: &BuildOptions,
    font_dir: Option<PathBuf>,
    threads: usize,
    done: &(dyn Fn(usize, &BuildReport) + Sync),
) {
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
    .min(dirs.len().max(1));
    let next = AtomicUsize::new(0);
    // Fonts are loaded once and shared: each worker's cache is a clone of this one.
    let mut base = FontCache::new(font_dir);
    if opts.formats.iter().any(|f| f.uses_fonts()) {
        // A failure here shows up again, per report, in each build.
        let _ = base.get(&[]);
    }
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut fonts = base.clone();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(dir) = dirs.get(i) else {
                        break;
                    };
                    let mut o = opts.clone();
                    if let (Some(out), true) = (&opts.out_dir, dirs.len() > 1) {
                        let name = dir.file_name().map_or_else(
                            || format!("report-{i}"),
                            |n| n.to_string_lossy().into_owned(),
                        );
                        o.out_dir = Some(out.join(name));
                    }
                    let report = build(dir, &o, &mut fonts);
                    done(i, &report);
                }
            });
        }
    });
}
