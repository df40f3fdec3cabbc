//! A new report folder in the workspace, from the template (as `nianbao new` writes it) or
//! from last year's report (as `nianbao new --from` does: a report folder of the workspace, or
//! a published file in it, imported into `上年度/` first).

use std::path::Path;

use nianbao_core::format::Kind;
use nianbao_core::load::REPORT_FILE;
use nianbao_core::template;
use nianbao_import::{next_year, output};
use serde::Deserialize;

use crate::workspace::Workspace;

/// Folder `--from FILE` imports last year's file into (as `nianbao new --from` does).
const LAST_YEAR_DIR: &str = "上年度";

/// The new-report form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewReport {
    /// Folder name, directly inside the workspace.
    pub folder: String,
    /// 机关全称 (with `from`: default last year's).
    pub agency: String,
    /// Year (with `from`: default last year's + 1).
    pub year: Option<i32>,
    /// `department` / `township` / `government`.
    pub kind: String,
    /// Last year's report: a report id of the workspace, or `file:<name>` of a file in it.
    pub from: String,
}

/// Whether `name` is a plain folder name (no separators, no `..`, no leading dot).
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 100
        && !name.starts_with('.')
        && !name.chars().any(|c| {
            matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
        })
        && name.trim() == name
}

/// Creates the report; returns its id.
pub fn create(ws: &Workspace, form: &NewReport) -> Result<String, String> {
    let folder = form.folder.trim();
    if !plain_name(folder) {
        return Err("文件夹名无效：不能为空，不能含 / \\ : * ? \" < > |，不能以“.”开头".into());
    }
    let dir = ws.root().join(folder);
    if dir.exists() {
        return Err(format!("文件夹“{folder}”已存在，请换一个名字"));
    }
    let kind = match form.kind.as_str() {
        "" => None,
        k => Some(
            Kind::ALL
                .iter()
                .find(|(_, kw)| *kw == k)
                .map(|(kind, _)| *kind)
                .ok_or_else(|| format!("未知的机关类型“{k}”"))?,
        ),
    };
    let agency = form.agency.trim();
    if let Some(y) = form.year {
        if !(2008..=2100).contains(&y) {
            return Err(format!("年度 {y} 无效"));
        }
    }
    let files: Vec<(String, String)> = if form.from.is_empty() {
        if agency.is_empty() {
            return Err("请填写机关全称".into());
        }
        let year = form.year.ok_or("请填写年度")?;
        template::scaffold(agency, year, kind.unwrap_or(Kind::Department))?
            .into_iter()
            .map(|(n, t)| (n.to_string(), t))
            .collect()
    } else {
        let opts = next_year::Options {
            agency: (!agency.is_empty()).then(|| agency.to_string()),
            year: form.year,
            kind,
        };
        let (last_dir, last_path) = if let Some(file) = form.from.strip_prefix("file:") {
            if !ws.importable().iter().any(|f| f == file) {
                return Err(format!("工作文件夹中没有可导入的文件“{file}”"));
            }
            let bytes = std::fs::read(ws.root().join(file))
                .map_err(|e| format!("无法读取“{file}”：{e}"))?;
            if bytes.len() > nianbao_import::MAX_BYTES {
                return Err(format!("“{file}”过大，不像是一份年度报告"));
            }
            let imp = nianbao_import::import(&bytes, file)
                .map_err(|e| format!("无法导入“{file}”：{e}"))?;
            let target = dir.join(LAST_YEAR_DIR);
            write_files(&target, &output::files(&imp))?;
            (target, LAST_YEAR_DIR.to_string())
        } else {
            let last = ws
                .report(&form.from)
                .ok_or_else(|| format!("工作文件夹中没有报告“{}”", form.from))?;
            // The new folder is directly inside the workspace.
            let rel = if last.id == "." {
                "..".to_string()
            } else {
                format!("../{}", last.id)
            };
            (last.path, rel)
        };
        let mut loaded = nianbao_core::load::load(&last_dir);
        let last = loaded
            .report
            .take()
            .ok_or_else(|| format!("无法读取上年度报告“{}”", last_dir.display()))?;
        next_year::scaffold(&last, &last_path, &opts).map_err(|e| e.to_string())?
    };
    write_files(&dir, &files)?;
    let real = dir
        .canonicalize()
        .map_err(|e| format!("无法打开“{}”：{e}", dir.display()))?;
    debug_assert!(real.join(REPORT_FILE).is_file());
    Ok(ws.id_of(&real))
}

fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("无法创建文件夹“{}”：{e}", dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        std::fs::write(&path, text).map_err(|e| format!("无法写入“{}”：{e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        assert!(plain_name("某局-2025"));
        for bad in ["", "..", ".x", "a/b", "a\\b", "C:", " a", "a\n"] {
            assert!(!plain_name(bad), "{bad:?}");
        }
    }
}
