//! The workbook round trip: the clerk types numbers into nianbao's XLSX (its unlocked,
//! validated input cells) in Excel or WPS; [`sync`] writes them back into `report.toml`
//! keeping every comment, space and key order (toml_edit), and lists each changed cell; and
//! [`edits`] tells the build which cells of an existing workbook would be overwritten with
//! other numbers, so it never silently throws the clerk's typing away.
//!
//! To tell “the clerk edited the workbook” from “the sources changed since the last build”,
//! every workbook carries a [`record`] of the numbers its build wrote (custom document
//! properties, kept by Excel, WPS and LibreOffice): a cell whose number still equals the
//! record was not edited, whatever the sources say now.

use std::collections::BTreeMap;

use nianbao_core::format::{
    T2_STOCK_COLUMNS, T3_COLUMNS, T3_ROWS, T3_TOTAL, T4_COLUMNS, T4_GROUPS,
};
use nianbao_core::Report;
use toml_edit::{DocumentMut, Item, Value as TomlValue};

use crate::tables::How;
use crate::{ImportError, Imported, SourceKind};

/// One number that differs between the workbook and the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The number's key (`applications.new.natural`).
    pub key: String,
    /// What it is, in Chinese (`表三“一、本年新收政府信息公开申请数量”·自然人`).
    pub label: String,
    /// The workbook cell (`工作表“表三 依申请公开”D7`).
    pub cell: String,
    /// The number in `report.toml`.
    pub before: String,
    /// The number in the workbook.
    pub after: String,
}

/// The Chinese name of a number key.
pub fn label(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["active", row, col] => {
            let row = if *row == "rules" {
                "规章"
            } else {
                "行政规范性文件"
            };
            let col = T2_STOCK_COLUMNS
                .iter()
                .find(|c| c.0 == *col)
                .map_or(*col, |c| c.1);
            format!("表二“{row}”·{col}")
        }
        ["active", "fee"] => "表二“行政事业性收费”本年收费金额（万元）".into(),
        ["active", k] => {
            let name = match *k {
                "licensing" => "行政许可",
                "punishment" => "行政处罚",
                _ => "行政强制",
            };
            format!("表二“{name}”本年处理决定数量")
        }
        ["applications", row, col] => {
            let row = T3_ROWS
                .iter()
                .find(|r| r.key == *row)
                .map_or(*row, |r| r.label);
            let col = T3_COLUMNS
                .iter()
                .find(|c| c.0 == *col)
                .map_or(*col, |c| c.1);
            format!("表三“{row}”·{col}")
        }
        ["appeals", g, col] => {
            let g = T4_GROUPS.iter().find(|x| x.0 == *g).map_or(*g, |x| x.1);
            let col = T4_COLUMNS
                .iter()
                .find(|c| c.0 == *col)
                .map_or(*col, |c| c.1);
            format!("表四“{g}”·{col}")
        }
        _ => key.to_string(),
    }
}

/// Where a number key lives in `report.toml`: table, key, index in the array (None for a
/// scalar).
fn toml_path(key: &str) -> Option<(&'static str, String, Option<usize>)> {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["active", row @ ("rules" | "normative"), col] => {
            let i = T2_STOCK_COLUMNS.iter().position(|c| c.0 == *col)?;
            Some(("active", (*row).to_string(), Some(i)))
        }
        ["active", k] => Some(("active", (*k).to_string(), None)),
        ["applications", row, col] => {
            let i = T3_COLUMNS[..6].iter().position(|c| c.0 == *col)?;
            Some(("applications", (*row).to_string(), Some(i)))
        }
        ["appeals", g, col] => {
            let i = T4_COLUMNS[..4].iter().position(|c| c.0 == *col)?;
            Some(("appeals", (*g).to_string(), Some(i)))
        }
        _ => None,
    }
}

/// Every input number of a loaded report by key, as text (the fee as written).
pub fn report_numbers(r: &Report) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (row, cells) in [
        ("rules", &r.active.rules),
        ("normative", &r.active.normative),
    ] {
        for (c, (ck, _)) in cells.iter().zip(T2_STOCK_COLUMNS) {
            m.insert(format!("active.{row}.{ck}"), c.value.to_string());
        }
    }
    m.insert(
        "active.licensing".into(),
        r.active.licensing.value.to_string(),
    );
    m.insert(
        "active.punishment".into(),
        r.active.punishment.value.to_string(),
    );
    m.insert(
        "active.enforcement".into(),
        r.active.enforcement.value.to_string(),
    );
    m.insert("active.fee".into(), fee_text(r.active.fee.value));
    for (i, row) in T3_ROWS.iter().enumerate() {
        if i == T3_TOTAL {
            continue;
        }
        for (c, (ck, _)) in r.applications.rows[i].cells.iter().zip(T3_COLUMNS) {
            m.insert(
                format!("applications.{}.{ck}", row.key),
                c.value.to_string(),
            );
        }
    }
    for (g, (gk, _)) in T4_GROUPS.iter().enumerate() {
        for (c, (ck, _)) in r.appeals.groups[g].cells.iter().zip(T4_COLUMNS) {
            m.insert(format!("appeals.{gk}.{ck}"), c.value.to_string());
        }
    }
    m
}

/// A fee in its shortest exact form (`356.2731`, `0`).
fn fee_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The numbers of a workbook by key (as text, the fee normalised like [`report_numbers`]),
/// with the cell each came from. Cells that hold no number are left out and listed.
pub fn workbook_numbers(imp: &Imported) -> (BTreeMap<String, (String, String)>, Vec<String>) {
    let mut m = BTreeMap::new();
    let mut problems = Vec::new();
    for (key, v) in imp.values() {
        match &v.how {
            How::Read => {
                let text = if key == "active.fee" {
                    v.text.parse::<f64>().map_or(v.text.clone(), fee_text)
                } else {
                    v.count.to_string()
                };
                m.insert(key, (text, v.at.clone()));
            }
            How::Blank(_) => problems.push(format!("{}（{}）是空白，未同步", v.at, label(&key))),
            How::Bad(t) => problems.push(format!(
                "{}（{}）的“{t}”不是有效数字，未同步",
                v.at,
                label(&key)
            )),
            How::Missing => problems.push(format!("工作簿中没有找到{}，未同步", label(&key))),
        }
    }
    (m, problems)
}

/// Reads one of nianbao's workbooks (or one laid out like it).
pub fn read(bytes: &[u8]) -> Result<Imported, ImportError> {
    let imp = crate::import(bytes, "工作簿")?;
    if imp.source != SourceKind::Xlsx {
        return Err(ImportError::new("这不是 Excel 工作簿（XLSX）"));
    }
    Ok(imp)
}

/// What [`sync`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Synced {
    /// The new `report.toml` text (equal to the old one when nothing changed).
    pub toml: String,
    /// Each number changed.
    pub changes: Vec<Change>,
    /// Cells that could not be synced (blank, not a number, key missing in report.toml).
    pub problems: Vec<String>,
}

/// Writes the workbook's numbers into `report.toml` text, keeping comments and layout.
///
/// Refuses a workbook of another report (its title names another agency or year).
pub fn sync(toml_text: &str, workbook: &Imported) -> Result<Synced, ImportError> {
    let mut doc: DocumentMut = toml_text.parse().map_err(|e: toml_edit::TomlError| {
        ImportError::new(format!(
            "report.toml 格式错误，无法写回：{}",
            e.message().trim()
        ))
    })?;
    let agency = doc.get("agency").and_then(Item::as_str).map(str::to_string);
    let year = doc.get("year").and_then(Item::as_integer);
    if let (Some(a), Some(w)) = (&agency, &workbook.agency) {
        if *a != w.value {
            return Err(ImportError::new(format!(
                "工作簿是“{}”的，不是本报告（“{a}”）的",
                w.value
            )));
        }
    }
    if let (Some(y), Some(w)) = (year, &workbook.year) {
        if y != i64::from(w.value) {
            return Err(ImportError::new(format!(
                "工作簿是 {} 年度的，本报告是 {y} 年度",
                w.value
            )));
        }
    }
    let (numbers, mut problems) = workbook_numbers(workbook);
    let mut changes = Vec::new();
    for (key, (value, cell)) in numbers {
        let Some((table, row, index)) = toml_path(&key) else {
            continue;
        };
        let slot = doc
            .get_mut(table)
            .and_then(|t| t.get_mut(&row))
            .and_then(|item| match index {
                Some(i) => item.as_array_mut().and_then(|a| a.get_mut(i)),
                None => item.as_value_mut(),
            });
        let Some(slot) = slot else {
            problems.push(format!(
                "report.toml 中没有 [{table}] {row}，{}（{cell}）未同步",
                label(&key)
            ));
            continue;
        };
        let before = match &*slot {
            TomlValue::Integer(i) => i.value().to_string(),
            TomlValue::Float(f) => fee_text(*f.value()),
            other => other.to_string().trim().to_string(),
        };
        if same_number(&before, &value) {
            continue;
        }
        let new = if let Ok(n) = value.parse::<i64>() {
            TomlValue::from(n)
        } else if let Ok(f) = value.parse::<f64>() {
            TomlValue::from(f)
        } else {
            continue;
        };
        let decor = slot.decor().clone();
        *slot = new;
        *slot.decor_mut() = decor;
        changes.push(Change {
            label: label(&key),
            key,
            cell,
            before,
            after: value,
        });
    }
    Ok(Synced {
        toml: doc.to_string(),
        changes,
        problems,
    })
}

fn same_number(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

/// What the build that wrote `bytes` put into each input cell, by cell (`工作表“表二 主动公开”B9`
/// → `9317`), read from the workbook's own record (custom document properties
/// `nianbao-1`, `nianbao-2`, …; see `nianbao_export::xlsx::RECORD_PROPERTY`). None when the
/// workbook has no record: not written by nianbao, or saved by a program that dropped it.
pub fn record(bytes: &[u8]) -> Option<BTreeMap<String, String>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut xml = String::new();
    {
        use std::io::Read as _;
        let file = zip.by_name("docProps/custom.xml").ok()?;
        // A record is a few KB; a larger part is not ours.
        file.take(1 << 20).read_to_string(&mut xml).ok()?;
    }
    let mut chunks = Vec::new();
    for i in 1.. {
        match property(&xml, &format!("nianbao-{i}")) {
            Some(v) => chunks.push(v),
            None => break,
        }
    }
    if chunks.is_empty() {
        return None;
    }
    let names = {
        use calamine::Reader as _;
        calamine::Xlsx::new(std::io::Cursor::new(bytes))
            .ok()?
            .sheet_names()
    };
    let mut out = BTreeMap::new();
    for entry in chunks.iter().flat_map(|c| c.split(';')) {
        let Some((at, value)) = entry.split_once('=') else {
            continue;
        };
        let Some((sheet, cell)) = at.split_once('!') else {
            continue;
        };
        let Some(name) = sheet
            .parse::<usize>()
            .ok()
            .and_then(|n| names.get(n.checked_sub(1)?))
        else {
            continue;
        };
        out.insert(format!("工作表“{name}”{cell}"), value.to_string());
    }
    Some(out)
}

/// The text value of the custom property `name` in `docProps/custom.xml`: the one child of
/// `<property … name="…">` (`<vt:lpwstr>` from Excel, WPS and LibreOffice; openpyxl declares
/// the namespace on that element, so its attributes are skipped).
fn property<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let at = xml.find(&format!("name=\"{name}\""))?;
    let rest = &xml[at..];
    let rest = &rest[..rest.find("</property>")?];
    // Past the end of <property …>, then past the child's start tag.
    let rest = &rest[rest.find('>')? + 1..];
    let tag_end = rest.find('>')?;
    let tag = rest[..tag_end].strip_prefix('<')?;
    let tag = tag.split_whitespace().next()?;
    let text = &rest[tag_end + 1..];
    Some(&text[..text.find(&format!("</{tag}>"))?])
}

/// A workbook cell the clerk changed that a build would overwrite with another number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// What the number is.
    pub label: String,
    /// The workbook cell.
    pub cell: String,
    /// The number in the workbook.
    pub workbook: String,
    /// The number the build would write (from the sources).
    pub sources: String,
}

/// The cells of an existing workbook whose numbers the clerk changed and the sources do not
/// have: a build would lose them. A cell still holding what the build that wrote it put there
/// (the workbook's [`record`]) was not edited, whatever the sources say now; without a record
/// every cell that differs from the sources counts.
///
/// A workbook that cannot be read (not one of ours, damaged) gives no edits: it is replaced.
pub fn edits(existing: &[u8], sources: &Report) -> Vec<Edit> {
    let Ok(imp) = read(existing) else {
        return Vec::new();
    };
    let built = record(existing);
    let (numbers, _) = workbook_numbers(&imp);
    let now = report_numbers(sources);
    let mut out = Vec::new();
    for (key, (value, cell)) in numbers {
        let Some(source) = now.get(&key) else {
            continue;
        };
        if same_number(&value, source) {
            continue;
        }
        let edited = match built.as_ref().and_then(|b| b.get(&cell)) {
            Some(was) => !same_number(&value, was),
            None => true,
        };
        if edited {
            out.push(Edit {
                label: label(&key),
                cell,
                workbook: value,
                sources: source.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            label("applications.new.natural"),
            "表三“一、本年新收政府信息公开申请数量”·自然人"
        );
        assert_eq!(label("active.rules.in_force"), "表二“规章”·现行有效件数");
        assert_eq!(label("appeals.review.pending"), "表四“行政复议”·尚未审结");
    }
}
