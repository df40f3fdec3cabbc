//! Workbooks, read with calamine: nianbao's own (one sheet per table under two title rows,
//! plus the 校验 sheet), or an agency's laid out like the official tables, all on one sheet
//! or one per sheet. Merged cells are taken from the sheet's merge list, so a merged number
//! is read once, at its top-left cell.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};

use crate::flow::{Block, Flow, Grid, GridCell, Para};
use crate::recognize::{section_of, table_marker};
use crate::ImportError;

/// The most rows and columns of a sheet looked at (the official tables need 31 × 15).
const MAX_ROWS: u32 = 2000;
const MAX_COLS: u32 = 64;

/// A1-style reference of a 0-based cell.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// A cell's value as text: whole floats without a decimal point, others in their shortest
/// exact form (`356.2731`).
pub fn data_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTime(d) => d.to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// One sheet as a grid of cells with merges (blank cells kept; cells a merge covers dropped).
pub(crate) struct Sheet {
    pub name: String,
    pub grid: Grid,
}

/// Every sheet of the workbook as a grid.
pub(crate) fn sheets(bytes: &[u8]) -> Result<Vec<Sheet>, ImportError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| ImportError {
        message: format!("无法读取工作簿：{e}"),
    })?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let Ok(range) = wb.worksheet_range(&name) else {
            continue;
        };
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        let (r1, c1) = range.end().unwrap_or((r0, c0));
        let (r1, c1) = (r1.min(r0 + MAX_ROWS), c1.min(c0 + MAX_COLS));
        let mut grid = Grid {
            cells: Vec::new(),
            at: format!("工作表“{name}”"),
            from_text: false,
        };
        for r in r0..=r1 {
            for c in c0..=c1 {
                let merge = merges.iter().find(|m| {
                    (m.start.0..=m.end.0).contains(&r) && (m.start.1..=m.end.1).contains(&c)
                });
                let (rowspan, colspan) = match merge {
                    Some(m) if m.start != (r, c) => continue,
                    Some(m) => (m.end.0 - m.start.0 + 1, m.end.1 - m.start.1 + 1),
                    None => (1, 1),
                };
                let text = range.get_value((r, c)).map(data_text).unwrap_or_default();
                grid.cells.push(GridCell {
                    row: (r - r0) as usize,
                    col: (c - c0) as usize,
                    rowspan: rowspan as usize,
                    colspan: colspan as usize,
                    text: text.trim().to_string(),
                    at: format!("工作表“{name}”{}", cell_name(r, c)),
                });
            }
        }
        out.push(Sheet { name, grid });
    }
    Ok(out)
}

/// Reads a workbook into a flow: the report's title once, each table sheet's section heading,
/// and its grid. Sheets with none of the official tables (nianbao's 校验 sheet) are skipped.
pub fn read(bytes: &[u8]) -> Result<Flow, ImportError> {
    let mut flow = Flow::default();
    let mut title: Option<Para> = None;
    let mut body: Vec<Block> = Vec::new();
    for sheet in sheets(bytes)? {
        let g = &sheet.grid;
        let rows = g.rows();
        let first_marker = (0..rows).find(|&r| {
            let texts: Vec<&str> = g.row(r).map(|c| c.text.as_str()).collect();
            table_marker(&texts).is_some()
        });
        let Some(first) = first_marker else {
            if g.cells.iter().any(|c| !c.text.is_empty()) {
                flow.notes.push(format!(
                    "工作表“{}”中没有表二、表三或表四，未导入",
                    sheet.name
                ));
            }
            continue;
        };
        for r in 0..first {
            let texts: Vec<&str> = g
                .row(r)
                .map(|c| c.text.as_str())
                .filter(|t| !t.is_empty())
                .collect();
            if texts.is_empty() {
                continue;
            }
            let text = texts.join("");
            let at = g.row(r).next().map(|c| c.at.clone()).unwrap_or_default();
            if text.contains("政府信息公开工作年度报告") {
                title.get_or_insert_with(|| Para::plain(text, at));
            } else if section_of(&text).is_some() {
                body.push(Block::Para(Para::plain(text, at)));
            } else {
                flow.notes.push(format!("{at}“{text}”不是表格内容，未导入"));
            }
        }
        let cells = g.cells.iter().filter(|c| c.row >= first).cloned().collect();
        body.push(Block::Table(Grid {
            cells,
            at: g.at.clone(),
            from_text: false,
        }));
    }
    if let Some(t) = title {
        flow.blocks.push(Block::Para(t));
    }
    flow.blocks.extend(body);
    flow.notes
        .push("工作簿只有表格，没有文字部分：文字文件中写入了待填写提示".into());
    Ok(flow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 3), "D7");
        assert_eq!(cell_name(0, 26), "AA1");
    }

    #[test]
    fn float_text() {
        assert_eq!(data_text(&Data::Float(12.0)), "12");
        assert_eq!(data_text(&Data::Float(356.2731)), "356.2731");
    }
}
