//! Batch work on many reports in parallel on all cores (a 政务公开 office checking or
//! rebuilding every agency's report at once). One report's failure never stops the others.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use nianbao_core::load::Loaded;

use crate::build::{build, report_dir, BuildOptions, BuildReport, FontCache};

/// Command-line arguments expanded into report folders.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The reports, each once, in the order given (a parent's sub-folders sorted by name).
    pub reports: Vec<PathBuf>,
    /// Arguments that named no report.
    pub bad: Vec<PathBuf>,
    /// Arguments that named a report already in `reports` (another spelling of the same
    /// folder, or its `report.toml`): (as given, the entry it repeats). Each report is checked
    /// and built once — two workers on one report would write the same files.
    pub duplicates: Vec<(PathBuf, PathBuf)>,
}

/// Expands command-line arguments into report folders: a folder with a `report.toml` (or a
/// `report.toml` file) is a report; any other folder stands for its sub-folders that are
/// reports (sorted by name). A report named twice is kept once.
pub fn expand(args: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    let mut seen: HashMap<PathBuf, usize> = HashMap::new();
    let mut add = |out: &mut Expanded, p: PathBuf| {
        let key = identity(&p);
        match seen.get(&key) {
            Some(&i) => {
                let first = out.reports[i].clone();
                out.duplicates.push((p, first));
            }
            None => {
                seen.insert(key, out.reports.len());
                out.reports.push(p);
            }
        }
    };
    for arg in args {
        if is_report(arg) {
            add(&mut out, arg.clone());
            continue;
        }
        let subs = sub_reports(arg);
        if subs.is_empty() {
            out.bad.push(arg.clone());
        }
        for s in subs {
            add(&mut out, s);
        }
    }
    out
}

/// The report folders directly inside `dir`, sorted by name.
pub fn sub_reports(dir: &Path) -> Vec<PathBuf> {
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir() && is_report(p))
                .collect()
        })
        .unwrap_or_default();
    subs.sort();
    subs
}

/// Whether `p` is a report: a folder with a `report.toml`, or a `.toml` file.
pub fn is_report(p: &Path) -> bool {
    p.is_file() && p.extension().is_some_and(|e| e == "toml")
        || p.join(nianbao_core::load::REPORT_FILE).is_file()
}

/// What makes two spellings of a report the same report: its folder's canonical path (or the
/// path as given, when it cannot be resolved).
pub fn identity(p: &Path) -> PathBuf {
    let dir = report_dir(p);
    std::fs::canonicalize(&dir).unwrap_or(dir)
}

/// Runs `f` on every item on `threads` worker threads (0 = all cores), calling `done` from
/// the workers as each finishes; returns the results in item order.
fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: &(dyn Fn(usize, &T) -> R + Sync),
    done: &(dyn Fn(usize, &R) + Sync),
) -> Vec<R> {
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
    .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    break;
                };
                let r = f(i, item);
                done(i, &r);
                if let Ok(mut v) = results.lock() {
                    v[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// Loads and checks every report in `dirs` on `threads` worker threads (0 = all cores);
/// results in `dirs` order.
pub fn check_many(dirs: &[PathBuf], threads: usize) -> Vec<Loaded> {
    par_map(
        dirs,
        threads,
        &|_, dir| nianbao_core::load_and_check(dir),
        &|_, _| {},
    )
}

/// The sub-folder of the batch's output folder for each report: its folder's name, with `-2`,
/// `-3`, … for a name seen before (two reports in folders of one name must not overwrite each
/// other's outputs).
pub fn out_names(dirs: &[PathBuf]) -> Vec<String> {
    let mut used: HashMap<String, usize> = HashMap::new();
    dirs.iter()
        .enumerate()
        .map(|(i, dir)| {
            let folder = if dir.extension().is_some_and(|e| e == "toml") {
                dir.parent().unwrap_or(dir)
            } else {
                dir
            };
            let base = folder.file_name().map_or_else(
                || format!("report-{i}"),
                |n| n.to_string_lossy().into_owned(),
            );
            let n = used.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}-{n}")
            }
        })
        .collect()
}

/// Builds every report in `dirs` on `threads` worker threads (0 = all cores). `opts.out_dir`,
/// when set, gets one sub-folder per report ([`out_names`]). `done` is called from the workers
/// as each report finishes, with its index in `dirs`; it must be quick.
pub fn build_many(
    dirs: &[PathBuf],
    opts: &BuildOptions,
    font_dir: Option<PathBuf>,
    threads: usize,
    done: &(dyn Fn(usize, &BuildReport) + Sync),
) {
    // Fonts are loaded once and shared: each build's cache is a clone of this one.
    let mut base = FontCache::new(font_dir);
    if opts.formats.iter().any(|f| f.uses_fonts()) {
        // A failure here shows up again, per report, in each build.
        let _ = base.get(&[]);
    }
    let names = out_names(dirs);
    let one = |i: usize, dir: &PathBuf| {
        let mut o = opts.clone();
        if let (Some(out), true) = (&opts.out_dir, dirs.len() > 1) {
            o.out_dir = Some(out.join(&names[i]));
        }
        build(dir, &o, &mut base.clone())
    };
    // The reports themselves are not kept: a batch of 1,000 would hold every document.
    let _: Vec<()> = par_map(dirs, threads, &|i, d| done(i, &one(i, d)), &|_, _| {});
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_report_is_expanded_once() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let demo = root.join("demo-county-2024");
        let args = vec![
            demo.clone(),
            root.join("demo-county-2024/"),
            demo.join("report.toml"),
            root.clone(),
        ];
        let e = expand(&args);
        let names: Vec<String> = e
            .reports
            .iter()
            .map(|p| {
                report_dir(p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(
            names,
            [
                "demo-county-2024",
                "demo-county-2023",
                "wuzhong-xinfang-2024"
            ]
        );
        assert_eq!(e.duplicates.len(), 3, "{:?}", e.duplicates);
        assert!(e.duplicates.iter().all(|(_, first)| *first == demo));
        assert!(e.bad.is_empty());
        let e = expand(&[root.join("demo-county-2024/overview.md"), root.join("nope")]);
        assert!(e.reports.is_empty());
        assert_eq!(e.bad.len(), 2);
    }

    #[test]
    fn output_folders_never_share_a_name() {
        let dirs: Vec<PathBuf> = ["a/r1", "b/r1", "c/r2/report.toml", "d/r1"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(out_names(&dirs), ["r1", "r1-2", "r2", "r1-3"]);
    }
}
