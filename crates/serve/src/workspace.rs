//! The workspace: the folder `nianbao serve` was started in, the report folders inside it, and
//! the one way a request names a file — a path relative to the workspace that must stay inside
//! it after every symlink is resolved.

use std::path::{Component, Path, PathBuf};

use nianbao_core::load::REPORT_FILE;
use serde_json::{json, Value};

/// How deep below the workspace report folders are looked for (`县/2024/某局`).
const DEPTH: usize = 3;

/// Folders never looked into: outputs, hidden folders, tool folders.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "out" | "node_modules" | "target")
}

/// The workspace root, as its real path.
#[derive(Clone, Debug)]
pub struct Workspace {
    root: PathBuf,
}

/// A report folder inside the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportDir {
    /// Its name in URLs: the path relative to the workspace, `/`-separated; `.` for the
    /// workspace itself.
    pub id: String,
    /// Its real path.
    pub path: PathBuf,
}

impl Workspace {
    /// The workspace at `dir` (made absolute, symlinks resolved).
    pub fn new(dir: &Path) -> Result<Workspace, String> {
        let root = dir
            .canonicalize()
            .map_err(|e| format!("无法打开文件夹“{}”：{e}", dir.display()))?;
        if !root.is_dir() {
            return Err(format!("“{}”不是文件夹", dir.display()));
        }
        Ok(Workspace { root })
    }

    /// The real path of the workspace.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real path of `rel` (a `/`-separated path relative to the workspace) if it exists
    /// and lies inside the workspace after symlinks are resolved. No `..`, no absolute path,
    /// no drive letter, no backslash.
    pub fn resolve(&self, rel: &str) -> Option<PathBuf> {
        let mut path = self.root.clone();
        if rel != "." {
            for part in rel.split('/') {
                let ok = !part.is_empty()
                    && !part.contains('\\')
                    && !part.contains(':')
                    && matches!(
                        Path::new(part).components().next(),
                        Some(Component::Normal(_))
                    )
                    && Path::new(part).components().count() == 1;
                if !ok {
                    return None;
                }
                path.push(part);
            }
        }
        let real = path.canonicalize().ok()?;
        real.starts_with(&self.root).then_some(real)
    }

    /// The report folder `id` names, if it is one (its `report.toml` a file inside the
    /// workspace too).
    pub fn report(&self, id: &str) -> Option<ReportDir> {
        let path = self.resolve(id)?;
        let toml = path.join(REPORT_FILE).canonicalize().ok()?;
        (toml.starts_with(&self.root) && toml.is_file()).then(|| ReportDir {
            id: self.id_of(&path),
            path,
        })
    }

    /// The id of a real path inside the workspace.
    pub fn id_of(&self, real: &Path) -> String {
        let rel = real.strip_prefix(&self.root).unwrap_or(real);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.is_empty() {
            ".".into()
        } else {
            parts.join("/")
        }
    }

    /// Every report folder in the workspace (the workspace itself included), sorted by id.
    pub fn reports(&self) -> Vec<ReportDir> {
        let mut out = Vec::new();
        self.scan(&self.root.clone(), 0, &mut out);
        out.sort();
        out
    }

    fn scan(&self, dir: &Path, depth: usize, out: &mut Vec<ReportDir>) {
        if let Some(r) = self.report(&self.id_of(dir)) {
            out.push(r);
        }
        if depth == DEPTH {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if skipped(&name) || !e.file_type().is_ok_and(|t| t.is_dir()) {
                // Symlinked folders are not followed: the workspace is what is inside it.
                continue;
            }
            self.scan(&e.path(), depth + 1, out);
        }
    }

    /// Files in the workspace folder itself that `nianbao import` reads (last year's
    /// published report, to start a new one from).
    pub fn importable(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return Vec::new();
        };
        let mut out: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                let lower = n.to_lowercase();
                [".docx", ".xlsx", ".html", ".htm", ".txt"]
                    .iter()
                    .any(|ext| lower.ends_with(ext))
                    && !n.starts_with("~$")
            })
            .collect();
        out.sort();
        out
    }
}

/// Today in China (UTC+8, no daylight saving), from the system clock.
pub fn today() -> nianbao_core::model::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil((secs + 8 * 3600) / 86_400)
}

/// The calendar date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: u64) -> nianbao_core::model::Date {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    nianbao_core::model::Date { year, month, day }
}

/// Days from 1970-01-01 to `d` (the inverse of [`civil`]).
fn days(d: nianbao_core::model::Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The deadline line of a report: when it is due and how long is left (or how late it is), or
/// when it was published.
pub fn deadline(report: &nianbao_core::Report, today: nianbao_core::model::Date) -> Value {
    let due = report.deadline();
    let left = days(due) - days(today);
    let text = match report.published {
        Some(p) if p.is_valid() && p <= due => {
            format!("已定于 {} 发布（期限 {}）", p.chinese(), due.chinese())
        }
        Some(p) if p.is_valid() => format!("发布日期 {} 晚于期限 {}", p.chinese(), due.chinese()),
        _ if left > 0 => format!("发布期限 {}，还有 {left} 天", due.chinese()),
        _ if left == 0 => format!("发布期限 {}，就是今天", due.chinese()),
        _ => format!("发布期限 {}，已过 {} 天", due.chinese(), -left),
    };
    let late = match report.published {
        Some(p) if p.is_valid() => p > due,
        _ => left < 0,
    };
    json!({ "due": due.iso(), "days_left": left, "text": text, "late": late })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use nianbao_core::model::Date;

    #[test]
    fn dates() {
        let d = |year, month, day| Date { year, month, day };
        assert_eq!(civil(0), d(1970, 1, 1));
        assert_eq!(civil(19_723), d(2024, 1, 1));
        assert_eq!(civil(20_089), d(2025, 1, 1));
        assert_eq!(civil(19_782), d(2024, 2, 29));
        for n in [0u64, 59, 60, 365, 10_000, 19_782, 20_500, 40_000] {
            assert_eq!(days(civil(n)) as u64, n);
        }
    }

    #[test]
    fn paths_stay_inside() {
        let tmp = std::env::temp_dir().join(format!("nianbao-ws-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("ws/a/out")).unwrap();
        std::fs::create_dir_all(tmp.join("outside")).unwrap();
        std::fs::write(tmp.join("ws/a/report.toml"), "").unwrap();
        std::fs::write(tmp.join("ws/a/out/report.toml"), "").unwrap();
        std::fs::write(tmp.join("outside/report.toml"), "").unwrap();
        let ws = Workspace::new(&tmp.join("ws")).unwrap();
        assert!(ws.report("a").is_some());
        for bad in [
            "..",
            "../outside",
            "a/../../outside",
            "/etc",
            "a\\..",
            "",
            "a//b",
            "C:",
        ] {
            assert!(
                ws.resolve(bad).is_none() || ws.report(bad).is_none(),
                "{bad}"
            );
            assert!(ws.report(bad).is_none(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.join("outside"), tmp.join("ws/link")).unwrap();
            assert!(ws.resolve("link").is_none());
            assert!(ws.report("link").is_none());
        }
        let ids: Vec<String> = ws.reports().into_iter().map(|r| r.id).collect();
        // out/ is an output folder, link/ leads outside.
        assert_eq!(ids, ["a"]);
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
