//! Edits from the page: checking them before they are saved, and saving them.
//!
//! Numbers go into `report.toml` through the workbook round trip's `set_numbers` (toml_edit:
//! the clerk's comments, spacing and key order stay, only the numbers change); prose goes into
//! its Markdown file as typed. Every file is written atomically (temp file + rename, all of
//! them or none: `nianbao_watch::write::write_all`).
//!
//! A save names the content hash of each file as the page read it. If a file it would change
//! has another hash now, another editor saved it meanwhile: nothing is written and the page is
//! told which files (a save with `force` then applies the page's numbers onto the new text, so
//! the other editor's other changes stay; a prose file is replaced).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nianbao_core::load::REPORT_FILE;
use nianbao_import::workbook;
use nianbao_watch::write::{write_all, Written};
use serde::Deserialize;
use toml_edit::DocumentMut;

use crate::view::{self, hash, prose_files};
use crate::workspace::ReportDir;

/// Largest text file read (`report.toml`, a prose file).
const TEXT_LIMIT: u64 = 16 * 1024 * 1024;

/// What the page sends: the fields it changed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Edits {
    /// Number key → number as typed.
    pub numbers: BTreeMap<String, String>,
    /// `[prose]` key → the whole text.
    pub prose: BTreeMap<String, String>,
    /// `agency` → text, `published` → `YYYY-MM-DD` (empty: remove).
    pub meta: BTreeMap<String, String>,
    /// File (relative to the report folder) → its hash as the page read it.
    pub base: BTreeMap<String, String>,
    /// Save even though a file changed meanwhile.
    pub force: bool,
}

/// Why edits cannot be applied.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Files changed by another editor since the page read them.
    Conflict(Vec<String>),
    /// A value that cannot be written (message in Chinese).
    Invalid(String),
}

/// Reads a text file of the report (at most 16 MB, a regular file), without a BOM; `None` when
/// it does not exist.
pub fn read_text(path: &Path) -> Result<Option<String>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("无法读取“{}”：{e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!("“{}”不是普通文件", path.display()));
    }
    if meta.len() > TEXT_LIMIT {
        return Err(format!("“{}”过大", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取“{}”：{e}", path.display()))?;
    let mut text = String::from_utf8(bytes)
        .map_err(|_| format!("“{}”不是 UTF-8 编码，请先用 UTF-8 保存", path.display()))?;
    if text.starts_with('\u{feff}') {
        text.replace_range(..3, "");
    }
    Ok(Some(text))
}

/// Whether `value` may be written at `key`: a whole number ≥ 0, or for the fee a decimal ≥ 0.
fn valid_number(key: &str, value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if key == "active.fee" {
        let (int, frac) = value.split_once('.').unwrap_or((value, "0"));
        digits(int) && digits(frac) && value.len() <= 20
    } else {
        digits(value) && value.parse::<i64>().is_ok()
    }
}

/// Applies the number and meta edits to `report.toml` text.
fn apply_toml(
    text: &str,
    edits: &Edits,
    prose_to_declare: &[(String, String)],
) -> Result<String, Refused> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Refused::Invalid(format!(
            "report.toml 有格式错误，请先在编辑器中改正：{}",
            e.message().trim()
        ))
    })?;
    let bad: Vec<String> = edits
        .numbers
        .iter()
        .filter(|(k, v)| !valid_number(k, v))
        .map(|(k, v)| format!("{}“{v}”", workbook::label(k)))
        .collect();
    if !bad.is_empty() {
        return Err(Refused::Invalid(format!(
            "这些数字无效（件数填 0 或正整数，收费金额填不小于 0 的数）：{}",
            bad.join("；")
        )));
    }
    let set = workbook::set_numbers(
        &mut doc,
        edits.numbers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        true,
    );
    if let Some(k) = set.invalid.first() {
        return Err(Refused::Invalid(format!("未知的数字“{k}”")));
    }
    for (field, value) in &edits.meta {
        let value = value.trim();
        let new = match field.as_str() {
            "agency" if !value.is_empty() => toml_edit::Value::from(value),
            "published" if value.is_empty() => {
                doc.remove("published");
                continue;
            }
            "published" => match value.parse::<toml_edit::Datetime>() {
                Ok(d) if d.date.is_some() && d.time.is_none() => toml_edit::Value::from(d),
                _ => {
                    return Err(Refused::Invalid(format!(
                        "发布日期“{value}”无效，应写作 2025-01-20"
                    )))
                }
            },
            "agency" => return Err(Refused::Invalid("机关全称不能为空".into())),
            _ => return Err(Refused::Invalid(format!("未知的字段“{field}”"))),
        };
        match doc.get_mut(field).and_then(toml_edit::Item::as_value_mut) {
            Some(slot) => {
                let decor = slot.decor().clone();
                *slot = new;
                *slot.decor_mut() = decor;
            }
            None => {
                doc.insert(field, toml_edit::Item::Value(new));
            }
        }
    }
    for (key, file) in prose_to_declare {
        if doc.get("prose").is_none() {
            doc.insert("prose", toml_edit::table());
        }
        if let Some(t) = doc
            .get_mut("prose")
            .and_then(toml_edit::Item::as_table_like_mut)
        {
            t.insert(key, toml_edit::value(file.as_str()));
        }
    }
    Ok(doc.to_string())
}

/// The files edits would write: (path, relative name, old text or None, new text).
type Planned = Vec<(PathBuf, String, Option<String>, String)>;

fn plan(dir: &ReportDir, edits: &Edits) -> Result<Planned, Refused> {
    let toml_path = dir.path.join(REPORT_FILE);
    let old_toml = read_text(&toml_path)
        .map_err(Refused::Invalid)?
        .ok_or_else(|| Refused::Invalid("找不到 report.toml".into()))?;
    let files = prose_files(&old_toml);
    let mut planned = Vec::new();
    let mut declare = Vec::new();
    for (key, text) in &edits.prose {
        let Some(pf) = files.iter().find(|p| p.key == key) else {
            return Err(Refused::Invalid(format!("未知的文字部分“{key}”")));
        };
        let Some(path) = view::prose_path(&dir.path, &pf.file) else {
            return Err(Refused::Invalid(format!(
                "文字文件“{}”不在报告文件夹内，不能从网页保存",
                pf.file
            )));
        };
        if !pf.declared {
            declare.push((pf.key.to_string(), pf.file.clone()));
        }
        let old = read_text(&path).map_err(Refused::Invalid)?;
        // Keep the file's line endings (Notepad writes CRLF); the page's text has LF.
        let crlf = old.as_deref().is_some_and(|t| t.contains("\r\n"));
        let mut new = text.replace("\r\n", "\n");
        if crlf {
            new = new.replace('\n', "\r\n");
        }
        planned.push((path, pf.file.clone(), old, new));
    }
    let touches_toml = !edits.numbers.is_empty() || !edits.meta.is_empty() || !declare.is_empty();
    if touches_toml {
        let new = apply_toml(&old_toml, edits, &declare)?;
        planned.push((toml_path, REPORT_FILE.to_string(), Some(old_toml), new));
    }
    Ok(planned)
}

/// The files whose hash differs from what the page read.
fn conflicts(planned: &Planned, edits: &Edits) -> Vec<String> {
    planned
        .iter()
        .filter(|(_, rel, old, _)| {
            let now = old.as_deref().map_or_else(String::new, hash);
            edits.base.get(rel).is_some_and(|b| *b != now) || !edits.base.contains_key(rel)
        })
        .map(|(_, rel, _, _)| rel.clone())
        .collect()
}

/// What a save did: each file written (relative name) and its new hash.
pub type Saved = BTreeMap<String, String>;

/// Saves the edits into the report in `dir`.
pub fn save(dir: &ReportDir, edits: &Edits) -> Result<Saved, Refused> {
    let planned = plan(dir, edits)?;
    if !edits.force {
        let changed = conflicts(&planned, edits);
        if !changed.is_empty() {
            return Err(Refused::Conflict(changed));
        }
    }
    let writes: Vec<(&Path, &[u8])> = planned
        .iter()
        .map(|(p, _, _, new)| (p.as_path(), new.as_bytes()))
        .collect();
    let statuses = write_all(&writes);
    if let Some(Written::Failed(m)) = statuses.iter().find(|s| matches!(s, Written::Failed(_))) {
        return Err(Refused::Invalid(format!("保存失败：{m}")));
    }
    Ok(planned
        .iter()
        .map(|(_, rel, _, new)| (rel.clone(), hash(new)))
        .collect())
}

/// The texts the edits would give each file, for checking them unsaved
/// (`nianbao_core::load::load_overlay`).
pub fn overlay(dir: &ReportDir, edits: &Edits) -> Result<Vec<(PathBuf, String)>, Refused> {
    // The loader joins the report folder and the `[prose]` path: overlay under that spelling.
    Ok(plan(dir, edits)?
        .into_iter()
        .map(|(_, rel, _, new)| (dir.path.join(rel), new))
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn numbers() {
        assert!(valid_number("applications.new.natural", "12"));
        assert!(!valid_number("applications.new.natural", "-1"));
        assert!(!valid_number("applications.new.natural", "1.5"));
        assert!(!valid_number("applications.new.natural", ""));
        assert!(!valid_number(
            "applications.new.natural",
            "99999999999999999999"
        ));
        assert!(valid_number("active.fee", "356.2731"));
        assert!(valid_number("active.fee", "0"));
        assert!(!valid_number("active.fee", "1."));
        assert!(!valid_number("active.fee", "-2"));
    }

    #[test]
    fn toml_edits_keep_comments() {
        let text = "agency = \"某局\"  # 全称\nyear = 2024\n\n[applications]\n# 表三\nnew = [1, 2, 3, 4, 5, 6]  # 一\n";
        let mut edits = Edits::default();
        edits
            .numbers
            .insert("applications.new.research".into(), "30".into());
        edits.meta.insert("published".into(), "2025-01-20".into());
        let out = apply_toml(text, &edits, &[]).unwrap();
        assert!(out.contains("agency = \"某局\"  # 全称\n"), "{out}");
        assert!(
            out.contains("# 表三\nnew = [1, 2, 30, 4, 5, 6]  # 一\n"),
            "{out}"
        );
        assert!(out.contains("published = 2025-01-20"), "{out}");
        edits.meta.insert("published".into(), "2025-13-01".into());
        assert!(matches!(
            apply_toml(text, &edits, &[]),
            Err(Refused::Invalid(_))
        ));
    }
}
