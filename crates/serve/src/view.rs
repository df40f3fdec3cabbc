//! What the report page shows, as JSON: the three tables as the document lays them out (labels
//! from `nianbao_core::format` through the document, never spelled here), each input cell with
//! its number key, the prose files' texts, every diagnostic with the field it points at, the
//! cells a failing table check involves, and the hashes of the files as they were read (so a
//! save can tell whether another editor changed them meanwhile).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use nianbao_core::diag::count;
use nianbao_core::document::{CellContent, NumRole};
use nianbao_core::format::{PROSE_PARTS, SECTIONS};
use nianbao_core::load::{Loaded, REPORT_FILE};
use nianbao_core::source::FileId;
use nianbao_core::{document, Document, Severity};
use nianbao_import::workbook;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::grid::KEYS;
use crate::workspace::{self, ReportDir};

/// The content hash of a file's text (hex SHA-256): what a save compares to tell whether the
/// file changed since the page read it.
pub fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A prose part's file, as `[prose]` names it (or the default name when it does not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProseFile {
    /// `[prose]` key.
    pub key: &'static str,
    /// Path relative to the report folder, `/`-separated.
    pub file: String,
    /// Whether `[prose]` names it (otherwise a save adds the entry).
    pub declared: bool,
}

/// The prose files of a report, from its `report.toml` text (toml_edit reads `[prose]`).
pub fn prose_files(toml_text: &str) -> Vec<ProseFile> {
    let doc = toml_text.parse::<toml_edit::DocumentMut>().ok();
    let table = doc.as_ref().and_then(|d| d.get("prose"));
    PROSE_PARTS
        .iter()
        .map(|p| {
            let named = table
                .and_then(|t| t.get(p.key))
                .and_then(toml_edit::Item::as_str);
            ProseFile {
                key: p.key,
                file: named.unwrap_or(p.file).replace('\\', "/"),
                declared: named.is_some(),
            }
        })
        .collect()
}

/// The text the loader read from `path`, if it read it.
fn source_text<'a>(loaded: &'a Loaded, path: &Path) -> Option<(FileId, &'a str)> {
    loaded
        .sources
        .files()
        .find(|(_, f)| f.path == path)
        .map(|(id, f)| (id, f.text.as_str()))
}

/// The number of UTF-16 code units before byte `at` of `text` (a textarea's selection unit).
fn utf16_at(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].encode_utf16().count()
}

/// The page's view of a loaded report in `dir`.
pub fn view(dir: &ReportDir, loaded: &Loaded) -> Value {
    let toml_path = dir.path.join(REPORT_FILE);
    let (toml_id, toml_text) = source_text(loaded, &toml_path).unwrap_or((FileId(u32::MAX), ""));
    let prose = prose_files(toml_text);
    let mut files = BTreeMap::new();
    files.insert(REPORT_FILE.to_string(), hash(toml_text));
    let mut prose_json = Vec::new();
    let mut prose_ids: BTreeMap<FileId, (&'static str, &str)> = BTreeMap::new();
    for (p, def) in prose.iter().zip(PROSE_PARTS.iter()) {
        let path = dir.path.join(&p.file);
        let read = source_text(loaded, &path);
        let text = read.map_or("", |(_, t)| t);
        if let Some((id, t)) = read {
            prose_ids.insert(id, (p.key, t));
        }
        // A file that was not read has the empty hash: a save creates it only if it is still
        // missing then.
        files.insert(
            p.file.clone(),
            read.map_or_else(String::new, |(_, t)| hash(t)),
        );
        prose_json.push(json!({
            "key": p.key,
            "name": def.name,
            "about": def.about,
            "required": def.required,
            "section": def.section,
            "file": p.file,
            "exists": read.is_some(),
            "text": text,
        }));
    }

    let report = loaded.report.as_ref();
    let counts = count(&loaded.diagnostics);
    let doc = report.map(|r| document::build(r, counts.errors > 0));
    let spans = workbook::number_spans(toml_text);
    // Which row of report.toml a key is on (`applications.new`): a diagnostic that covers the
    // numbers of more than one row is about the table, not about cells.
    let row_of = |key: &str| key.rsplit_once('.').map_or(key, |(r, _)| r).to_string();
    let mut diags = Vec::new();
    for d in &loaded.diagnostics {
        let mut target = json!(null);
        let mut place = json!(null);
        if let Some(span) = &d.span {
            let file = loaded.sources.get(span.file);
            let lc = file.line_col(span.range.start);
            let rel = file.path.strip_prefix(&dir.path).map_or_else(
                |_| file.path.display().to_string(),
                |p| p.to_string_lossy().replace('\\', "/"),
            );
            place = json!({ "file": rel, "line": lc.line, "column": lc.col });
            if span.file == toml_id {
                let cells: Vec<&String> = spans
                    .iter()
                    .filter(|(_, r)| r.start >= span.range.start && r.end <= span.range.end)
                    .map(|(k, _)| k)
                    .collect();
                let rows: BTreeSet<String> = cells.iter().map(|k| row_of(k)).collect();
                if !cells.is_empty() && rows.len() == 1 {
                    target = json!({ "cells": cells });
                } else if let Some(r) = report {
                    let field = [
                        ("agency", &r.spans.agency),
                        ("published", &r.spans.published),
                    ]
                    .into_iter()
                    .find(|(_, s)| s.as_ref().is_some_and(|s| s.range == span.range))
                    .map(|(f, _)| f);
                    if let Some(f) = field {
                        target = json!({ "field": f });
                    }
                }
            } else if let Some((key, text)) = prose_ids.get(&span.file) {
                target = json!({
                    "prose": key,
                    "from": utf16_at(text, span.range.start),
                    "to": utf16_at(text, span.range.end),
                });
            }
        }
        diags.push(json!({
            "severity": match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            },
            "id": d.id,
            "message": d.message,
            "hints": d.hints,
            "place": place,
            "target": target,
        }));
    }

    let tables = doc.as_ref().map_or_else(Vec::new, |d| tables(d, &diags));
    let meta = report.map_or(json!(null), |r| {
        json!({
            "title": r.title(),
            "agency": r.agency,
            "year": r.year,
            "kind": r.kind.keyword(),
            "kind_name": r.kind.chinese(),
            "published": r.published.map(|p| p.iso()),
            "deadline": workspace::deadline(r, workspace::today()),
        })
    });
    json!({
        "id": dir.id,
        "dir": display(&dir.path),
        "out_dir": display(&dir.path.join("out")),
        "meta": meta,
        "counts": { "errors": counts.errors, "warnings": counts.warnings },
        "files": files,
        "sections": SECTIONS,
        "prose": prose_json,
        "tables": tables,
        "diagnostics": diags,
    })
}

/// A path as the person knows it (without Windows' `\\?\` prefix of canonical paths).
pub fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix(r"\\?\").map_or(s.clone(), str::to_string)
}

/// The tables of the document with their input keys, and the marks of failing checks.
fn tables(doc: &Document, diags: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, t) in doc.tables().enumerate() {
        let keys = KEYS.get(i);
        let key_at = |pos: &(u8, u8)| keys.and_then(|k| k.get(pos));
        let mut cells = Vec::new();
        for c in &t.cells {
            let mut cell = json!({ "r": c.row, "c": c.col, "rs": c.rowspan, "cs": c.colspan });
            match &c.content {
                CellContent::Label { text, header } => {
                    cell["label"] = json!(text);
                    cell["header"] = json!(header);
                }
                CellContent::Number { value, role } => {
                    cell["value"] = json!(value.display());
                    match role {
                        NumRole::Input => {
                            cell["key"] = json!(key_at(&(c.row, c.col)));
                            cell["decimal"] =
                                json!(matches!(value, nianbao_core::document::Num::Decimal { .. }));
                        }
                        NumRole::Sum(of) => {
                            cell["sum"] = json!(of.iter().map(|(r, c)| [r, c]).collect::<Vec<_>>());
                        }
                    }
                }
            }
            cells.push(cell);
        }
        // A failing check marks every cell it adds up, with the diagnostic that reports it (the
        // one of the same ID pointing at one of its cells), else its own description.
        let mut checks = Vec::new();
        for check in t.checks.iter().filter(|c| !c.passes) {
            let involved: Vec<(u8, u8)> = check.lhs.iter().chain(&check.rhs).copied().collect();
            let keys_involved: BTreeSet<&String> = involved.iter().filter_map(key_at).collect();
            let diag = diags.iter().position(|d| {
                d["id"] == check.id
                    && d["target"]["cells"].as_array().is_some_and(|cs| {
                        cs.iter().any(|k| {
                            k.as_str()
                                .is_some_and(|k| keys_involved.iter().any(|x| x.as_str() == k))
                        })
                    })
            });
            checks.push(json!({
                "id": check.id,
                "description": check.description,
                "cells": involved.iter().map(|(r, c)| [r, c]).collect::<Vec<_>>(),
                "diagnostic": diag,
            }));
        }
        out.push(json!({
            "name": t.shape.name,
            "section": t.shape.section,
            "rows": t.shape.rows,
            "cols": t.shape.cols,
            "weights": t.shape.col_weights,
            "cells": cells,
            "checks": checks,
        }));
    }
    out
}

/// The path of a report's prose file `rel` if it stays inside the report folder (after
/// symlinks), for writing. `None` when it would lead outside.
pub fn prose_path(dir: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    if p.components().any(|c| {
        !matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    }) {
        return None;
    }
    let path = dir.join(p);
    // The folder it goes in must exist inside the report folder; the file itself, when it
    // exists, must too (a symlink to elsewhere is refused, not followed or replaced).
    let parent = path.parent()?.canonicalize().ok()?;
    if !parent.starts_with(dir) {
        return None;
    }
    match path.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => {
            let real = path.canonicalize().ok()?;
            real.starts_with(dir).then_some(real)
        }
        Ok(m) if !m.is_file() => None,
        _ => Some(parent.join(path.file_name()?)),
    }
}
