//! XLSX exporter: the three statistical tables as a workbook a clerk can paste from and edit.
//!
//! One sheet per official table, laid out like the table in the report (the same labels, the
//! same merged cells, a border on every cell), under a few title rows, plus a `校验` sheet that
//! lists every arithmetic check of the document with its ID and result.
//!
//! Totals are `=SUM(..)` formulas and check results `=IF(..)` formulas, so a clerk who edits a
//! number in Excel or WPS sees totals and checks react. Their cached results are the document's
//! own values: readers that never recalculate (calamine, openpyxl, previews, LibreOffice with
//! its default settings) show the same numbers as the DOCX and PDF.
//!
//! The exporter trusts the document — cached totals are the `Sum` cells' values, cached check
//! results are [`TableCheck::passes`] — but refuses a document whose totals or `passes` flags
//! disagree with its own numbers: such a workbook would show one number where the cache is used
//! and another where it is recalculated.
//!
//! Bytes are deterministic: the creation date comes from the document's date and
//! rust_xlsxwriter zips with a fixed timestamp.

use std::collections::HashMap;

use nianbao_core::document::{CellContent, Num, NumRole, Table, TableCheck, TableId};
use nianbao_core::typography::{self as ty, Role};
use nianbao_core::{format, Document};
use rust_xlsxwriter::{
    utility, Color, ConditionalFormatCell, ConditionalFormatCellRule, DataValidation,
    DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::ExportError;
use nianbao_core::typography::no_start;

#[cfg(test)]
mod tests;

/// The visible mark on every sheet of a draft (top cell and printed page header).
pub const DRAFT_MARK: &str = "草稿 — 未经校验，不得发布";
/// Prefix of every sheet name of a draft, so the mark shows on the tabs too.
pub const DRAFT_SHEET_PREFIX: &str = "草稿 ";
/// Name of the checks sheet (before any draft prefix).
pub const CHECK_SHEET: &str = "校验";
/// Result text of a check that holds.
pub const PASS: &str = "通过";
/// Result text of a check that fails.
pub const FAIL: &str = "不通过";

/// Heading of the checks sheet.
const CHECK_TITLE: &str = "表格勾稽关系校验";
/// Label of the failed-checks counter on the checks sheet.
const FAILED_COUNT: &str = "不通过项数";
/// Column headers of the checks sheet with their widths in pixels.
const CHECK_COLUMNS: [(&str, u32); 7] = [
    ("序号", 48),
    ("检查ID", 120),
    ("表格", 56),
    ("说明", 400),
    ("左边合计", 80),
    ("右边合计", 80),
    ("结果", 72),
];
/// Printed page footer: `第 1 页，共 2 页`, centred.
const FOOTER: &str = "&C第 &P 页，共 &N 页";
/// Printed page header codes for the draft mark: centred, bold, red.
const DRAFT_HEADER_CODES: &str = "&C&\"-,Bold\"&KFF0000";

const COUNT_ERROR_TITLE: &str = "数值无效";
const COUNT_ERROR_MESSAGE: &str = "此处只能填写大于或等于 0 的整数。";
const FEE_ERROR_MESSAGE: &str = "此处只能填写大于或等于 0 的金额（单位：万元），可以有小数。";

/// GB2312 charset: what Excel writes for Chinese faces; it tells clients to pick an East
/// Asian face.
pub(crate) const GB2312_CHARSET: u8 = 134;
/// Size of the workbook's text (its Normal style and the table cells).
pub(crate) const FONT_PT: f64 = ty::WORKBOOK_NORMAL.size.pt() as f64;
/// Size of the sheets' title rows.
pub(crate) const HEADING_PT: f64 = ty::WORKBOOK_HEADING.size.pt() as f64;

/// The face a workbook names for `role`: the installed face, since a workbook has no
/// font-substitution table (仿宋_GB2312 would become whatever the reader's default is).
pub(crate) fn face(role: Role) -> &'static str {
    role.faces().map_or("", |f| f.installed)
}

/// Workbook defaults matching a Chinese Excel/WPS workbook in 宋体 11: row 18 px, column 72 px.
const DEFAULT_ROW_PX: u32 = 18;
const DEFAULT_COL_PX: u32 = 72;
/// Height of one wrapped text line, and the padding a row gets on top of its lines (points).
/// Generous enough for the substitute CJK faces of LibreOffice, whose lines are taller than 宋体's.
const LINE_PT: f64 = 15.0;
const ROW_PAD_PT: f64 = 7.5;
/// Horizontal space a cell loses to its padding and borders, in pixels.
const CELL_PAD_PX: f64 = 8.0;
/// The paper of [`ty::PAGE_WIDTH`] × [`ty::PAGE_HEIGHT`] in Excel's paper-size numbering
/// (9: A4; 0: the printer's default, for a size Excel has no number for).
pub(crate) const PAPER: u8 = match (ty::PAGE_WIDTH.0, ty::PAGE_HEIGHT.0) {
    (210, 297) => 9,
    _ => 0,
};
/// The largest integer an XLSX number (an IEEE double) holds exactly.
pub(crate) const MAX_EXACT: u64 = 1 << 53;

/// How one table's sheet is named and laid out.
struct SheetLayout {
    /// Tab name after the shape's name (`表三` + ` 依申请公开`).
    suffix: &'static str,
    /// Column width in pixels per unit of the shape's column weight.
    px_per_weight: u32,
    /// Print in landscape (table 四 is 15 columns wide and 4 rows tall).
    landscape: bool,
}

fn sheet_layout(id: TableId) -> SheetLayout {
    match id {
        TableId::Active => SheetLayout {
            suffix: "主动公开",
            px_per_weight: 20,
            landscape: false,
        },
        // 23 px per weight: number columns fit four characters a line (商业企业 on one,
        // 社会公益组织 on two), the third label column the 13-em 1.本机关不掌握相关政府信息.
        // Portrait: at ~77 % the whole table fits one A4 page; landscape would need two.
        TableId::Applications => SheetLayout {
            suffix: "依申请公开",
            px_per_weight: 23,
            landscape: false,
        },
        TableId::Appeals => SheetLayout {
            suffix: "复议诉讼",
            px_per_weight: 72,
            landscape: true,
        },
    }
}

/// Sheet name of `table`: `表二 主动公开`, with [`DRAFT_SHEET_PREFIX`] for a draft.
fn sheet_name(table: &Table, draft: bool) -> String {
    let prefix = if draft { DRAFT_SHEET_PREFIX } else { "" };
    format!(
        "{prefix}{} {}",
        table.shape.name,
        sheet_layout(table.id).suffix
    )
}

/// Name of the checks sheet.
fn check_sheet_name(draft: bool) -> String {
    let prefix = if draft { DRAFT_SHEET_PREFIX } else { "" };
    format!("{prefix}{CHECK_SHEET}")
}

/// Rows above each table (and above the checks list): the draft mark if any, the section
/// heading, then the report's title so a pasted or printed sheet says whose numbers these are.
fn title_rows(draft: bool) -> u32 {
    if draft {
        3
    } else {
        2
    }
}

/// Exports the document's tables as an XLSX workbook.
///
/// Errors only if the document contradicts itself (a total or a check's `passes` that
/// disagrees with its numbers, a number an XLSX cannot hold exactly, a cell outside its
/// table) or if rust_xlsxwriter fails.
pub fn export(doc: &Document) -> Result<Vec<u8>, ExportError> {
    let tables: Vec<&Table> = doc.tables().collect();
    let grids = tables
        .iter()
        .map(|t| Grid::new(t))
        .collect::<Result<Vec<_>, _>>()?;
    for grid in &grids {
        grid.verify()?;
    }

    let mut workbook = workbook()?;
    let formats = Formats::new();
    let mut record = Vec::new();
    for (sheet, grid) in (1..).zip(&grids) {
        write_table(workbook.add_worksheet(), doc, grid, &formats)?;
        record_inputs(&mut record, sheet, grid, title_rows(doc.draft))?;
    }
    workbook.set_properties(&properties(doc, &record)?);
    write_checks(workbook.add_worksheet(), doc, &grids, &formats)?;
    save(&mut workbook)
}

/// A workbook whose Normal style is the workbook face and size, with the row height and column
/// width a Chinese Excel/WPS gives it (also `汇总.xlsx`'s).
pub(crate) fn workbook() -> Result<Workbook, ExportError> {
    let mut workbook = Workbook::new();
    workbook
        .set_default_format(
            &Format::new()
                .set_font_name(face(ty::WORKBOOK_NORMAL.role))
                .set_font_charset(GB2312_CHARSET)
                .set_font_size(FONT_PT),
            DEFAULT_ROW_PX,
            DEFAULT_COL_PX,
        )
        .map_err(xlsx_error)?;
    Ok(workbook)
}

/// The workbook's bytes, the same on Windows as on Linux (also `汇总.xlsx`'s).
pub(crate) fn save(workbook: &mut Workbook) -> Result<Vec<u8>, ExportError> {
    let mut bytes = workbook.save_to_buffer().map_err(xlsx_error)?;
    // rust_xlsxwriter cannot be told the zip host.
    crate::zip_host::made_by_unix(&mut bytes);
    Ok(bytes)
}

pub(crate) fn xlsx_error(e: XlsxError) -> ExportError {
    ExportError::new(format!("无法生成 XLSX：{e}"))
}

/// Document properties; the creation (and modification) date is the document's date at
/// midnight UTC, so identical documents give identical bytes. `record` (see
/// [`RECORD_PROPERTY`]) becomes custom properties of at most [`RECORD_CHUNK`] characters each.
fn properties(doc: &Document, record: &[String]) -> Result<DocProperties, ExportError> {
    let d = doc.meta.date;
    let year = u16::try_from(d.year)
        .map_err(|_| ExportError::new(format!("文档日期的年份 {} 超出 XLSX 的范围", d.year)))?;
    let created = ExcelDateTime::from_ymd(year, d.month, d.day).map_err(xlsx_error)?;
    let mut props = DocProperties::new()
        .set_title(&doc.meta.title)
        .set_author(&doc.meta.author)
        .set_creation_datetime(&created);
    for (i, chunk) in (1..).zip(record_chunks(record)) {
        props = props.set_custom_property(format!("{RECORD_PROPERTY}{i}"), chunk.as_str());
    }
    Ok(props)
}

/// Prefix of the custom document properties that record what the build wrote into each input
/// cell, as `<sheet>!<cell>=<number>` entries joined by `;` (sheet numbered from 1): `nianbao-1`,
/// `nianbao-2`, …. The next build compares the cells with this record to tell a number the clerk
/// typed in Excel/WPS from one the sources changed since (see `nianbao_import::workbook::edits`).
/// It lives in the workbook itself, so the output folder holds only the published files; Excel,
/// WPS and LibreOffice keep custom properties when they save.
pub const RECORD_PROPERTY: &str = "nianbao-";

/// Longest value of one record property: Office shows and edits custom properties of at most 255
/// characters, so no entry is split across that limit.
pub const RECORD_CHUNK: usize = 255;

/// Appends one record entry per input cell of `grid`, written on sheet number `sheet` with the
/// table starting `offset` rows down.
fn record_inputs(
    record: &mut Vec<String>,
    sheet: u32,
    grid: &Grid,
    offset: u32,
) -> Result<(), ExportError> {
    for cell in &grid.table.cells {
        if let CellContent::Number {
            value,
            role: NumRole::Input,
        } = &cell.content
        {
            let v = number(value, grid.table.shape.name)?;
            let at = cell_ref(offset + u32::from(cell.row), u16::from(cell.col));
            record.push(format!("{sheet}!{at}={v}"));
        }
    }
    Ok(())
}

/// `entries` joined by `;` into values of at most [`RECORD_CHUNK`] characters.
fn record_chunks(entries: &[String]) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    for e in entries {
        match chunks.last_mut() {
            Some(c) if c.len() + 1 + e.len() <= RECORD_CHUNK => {
                c.push(';');
                c.push_str(e);
            }
            _ => chunks.push(e.clone()),
        }
    }
    chunks
}

// ---------------------------------------------------------------------------------------------
// The document's tables, indexed and checked

/// A table with its cells indexed by grid position.
struct Grid<'a> {
    table: &'a Table,
    /// Numbers by the grid position of their top-left corner.
    numbers: HashMap<(u8, u8), &'a Num>,
}

impl<'a> Grid<'a> {
    fn new(table: &'a Table) -> Result<Self, ExportError> {
        let shape = table.shape;
        let mut numbers = HashMap::new();
        for cell in &table.cells {
            let inside = cell.rowspan >= 1
                && cell.colspan >= 1
                && u16::from(cell.row) + u16::from(cell.rowspan) <= u16::from(shape.rows)
                && u16::from(cell.col) + u16::from(cell.colspan) <= u16::from(shape.cols);
            if !inside {
                return Err(ExportError::new(format!(
                    "{}的单元格（第{}行第{}列，跨{}行{}列）超出表格范围",
                    shape.name,
                    cell.row + 1,
                    cell.col + 1,
                    cell.rowspan,
                    cell.colspan
                )));
            }
            if let CellContent::Number { value, .. } = &cell.content {
                numbers.insert((cell.row, cell.col), value);
            }
        }
        Ok(Grid { table, numbers })
    }

    /// The number at `pos`, as the double an XLSX stores.
    fn value(&self, pos: (u8, u8)) -> Result<f64, ExportError> {
        match self.numbers.get(&pos) {
            Some(n) => number(n, self.table.shape.name),
            None => Err(ExportError::new(format!(
                "{}的第{}行第{}列没有数字，却被合计或校验引用",
                self.table.shape.name,
                pos.0 + 1,
                pos.1 + 1
            ))),
        }
    }

    fn sum(&self, cells: &[(u8, u8)]) -> Result<f64, ExportError> {
        cells
            .iter()
            .try_fold(0.0, |acc, &p| Ok(acc + self.value(p)?))
    }

    /// Every total equals the sum of its parts and every check's `passes` matches the numbers.
    fn verify(&self) -> Result<(), ExportError> {
        let name = self.table.shape.name;
        for cell in &self.table.cells {
            if let CellContent::Number {
                value,
                role: NumRole::Sum(parts),
            } = &cell.content
            {
                let (stated, computed) = (number(value, name)?, self.sum(parts)?);
                if !same(stated, computed) {
                    return Err(ExportError::new(format!(
                        "{name}第{}行第{}列的合计为 {}，但各项之和为 {}",
                        cell.row + 1,
                        cell.col + 1,
                        value.display(),
                        result_text(computed)
                    )));
                }
            }
        }
        for check in &self.table.checks {
            let holds = same(self.sum(&check.lhs)?, self.sum(&check.rhs)?);
            if holds != check.passes {
                return Err(ExportError::new(format!(
                    "{name}的校验 {}（{}）标记为{}，但表中数字{}",
                    check.id,
                    check.description,
                    if check.passes { PASS } else { FAIL },
                    if holds { "相符" } else { "不符" }
                )));
            }
        }
        Ok(())
    }
}

/// A number as the double an XLSX stores, refusing what a double cannot hold exactly.
fn number(n: &Num, table: &str) -> Result<f64, ExportError> {
    match n {
        Num::Count(c) if *c > MAX_EXACT => Err(ExportError::new(format!(
            "{table}中的数字 {c} 过大，XLSX 无法精确保存"
        ))),
        Num::Decimal { value, text } if !value.is_finite() => Err(ExportError::new(format!(
            "{table}中的金额 {text} 不是有效数字"
        ))),
        _ => Ok(n.as_f64()),
    }
}

/// Equality of two sums: exact for counts, within rounding for amounts.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The cached-result text of a formula: integers without a decimal point.
pub(crate) fn result_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < MAX_EXACT as f64 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

// ---------------------------------------------------------------------------------------------
// Formats

struct Formats {
    draft: Format,
    heading: Format,
    subtitle: Format,
    header: Format,
    label_left: Format,
    label_centre: Format,
    count_input: Format,
    total: Format,
    check_text: Format,
    check_number: Format,
    check_failed: Format,
}

/// Every table cell: the table face, thin border on all four sides, vertically centred,
/// wrapped, locked.
pub(crate) fn cell_format() -> Format {
    Format::new()
        .set_font_name(face(ty::WORKBOOK_CELL.role))
        .set_font_charset(GB2312_CHARSET)
        .set_font_size(FONT_PT)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

impl Formats {
    fn new() -> Self {
        let title = Format::new()
            .set_font_charset(GB2312_CHARSET)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        Formats {
            draft: title
                .clone()
                .set_font_name(face(ty::WORKBOOK_HEADING.role))
                .set_font_size(HEADING_PT)
                .set_bold()
                .set_font_color(Color::Red),
            heading: title
                .clone()
                .set_font_name(face(ty::WORKBOOK_HEADING.role))
                .set_font_size(HEADING_PT),
            subtitle: title
                .set_font_name(face(ty::WORKBOOK_NORMAL.role))
                .set_font_size(FONT_PT),
            header: cell_format().set_align(FormatAlign::Center),
            label_left: cell_format().set_align(FormatAlign::Left),
            label_centre: cell_format().set_align(FormatAlign::Center),
            count_input: cell_format()
                .set_align(FormatAlign::Center)
                .set_num_format("0")
                .set_unlocked(),
            total: cell_format()
                .set_align(FormatAlign::Center)
                .set_num_format("0"),
            check_text: cell_format().set_align(FormatAlign::Left),
            check_number: cell_format().set_align(FormatAlign::Center),
            check_failed: Format::new().set_bold().set_font_color(Color::Red),
        }
    }

    /// An input amount shows as many decimals as the source wrote (`1234.5678`), or the
    /// general format when it wrote none, so a typed `12.5` is never displayed rounded.
    fn fee_input(text: &str) -> Format {
        let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
        let num_format = if decimals == 0 {
            "General".to_string()
        } else {
            format!("0.{}", "0".repeat(decimals))
        };
        cell_format()
            .set_align(FormatAlign::Center)
            .set_num_format(num_format)
            .set_unlocked()
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: column widths and row heights

/// Width of `text` in pixels at `pt` points: CJK and full-width characters are one em, ASCII
/// half an em (宋体 and its substitutes are monospaced that way).
fn char_px(c: char, pt: f64) -> f64 {
    let em = pt * 96.0 / 72.0;
    if c.is_ascii() {
        em / 2.0
    } else {
        em
    }
}

/// Lines `text` wraps into in a cell `width_px` wide, breaking between any two characters
/// except before a mark that may not start a line (禁则, as the page layout applies it: it
/// pulls the previous character down with it).
pub(crate) fn lines(text: &str, width_px: f64, pt: f64) -> u32 {
    let usable = (width_px - CELL_PAD_PX).max(1.0);
    let mut count = 1;
    let mut line = 0.0;
    let mut prev = 0.0;
    for c in text.chars() {
        let w = char_px(c, pt);
        if line + w > usable && line > 0.0 {
            count += 1;
            line = if no_start(c) && line > prev {
                prev
            } else {
                0.0
            };
        }
        line += w;
        prev = w;
    }
    count
}

/// `pt` rounded up to whole pixels (0.75 pt): row heights are stored in pixels, and rounding
/// down would take a sliver off the room a row was given.
pub(crate) fn whole_px(pt: f64) -> f64 {
    (pt / 0.75).ceil() * 0.75
}

/// Row height in points for `n` lines of body text.
pub(crate) fn row_pt(n: u32) -> f64 {
    f64::from(n) * LINE_PT + ROW_PAD_PT
}

/// Heights (points) of a table's grid rows: each row fits its one-row cells; a taller merged
/// cell that still lacks room gets the difference spread over its rows.
fn row_heights(table: &Table, col_px: &[u32]) -> Vec<f64> {
    let span_px = |col: u8, colspan: u8| -> f64 {
        col_px[usize::from(col)..usize::from(col + colspan)]
            .iter()
            .map(|&w| f64::from(w))
            .sum()
    };
    let needed = |cell: &nianbao_core::document::Cell| -> f64 {
        match &cell.content {
            CellContent::Label { text, .. } => {
                row_pt(lines(text, span_px(cell.col, cell.colspan), FONT_PT))
            }
            CellContent::Number { .. } => row_pt(1),
        }
    };
    let mut heights = vec![row_pt(1); usize::from(table.shape.rows)];
    for cell in table.cells.iter().filter(|c| c.rowspan == 1) {
        let h = &mut heights[usize::from(cell.row)];
        *h = h.max(needed(cell));
    }
    let mut tall: Vec<_> = table.cells.iter().filter(|c| c.rowspan > 1).collect();
    tall.sort_by_key(|c| (c.rowspan, c.row, c.col));
    for cell in tall {
        let rows = usize::from(cell.row)..usize::from(cell.row + cell.rowspan);
        let have: f64 = heights[rows.clone()].iter().sum();
        let missing = needed(cell) - have;
        if missing > 0.0 {
            for h in &mut heights[rows] {
                *h += missing / f64::from(cell.rowspan);
            }
        }
    }
    heights.into_iter().map(whole_px).collect()
}

// ---------------------------------------------------------------------------------------------
// Sheets

/// `A1`, 0-based.
fn cell_ref(row: u32, col: u16) -> String {
    utility::row_col_to_cell(row, col)
}

/// A sheet name quoted for a formula (always quoted: valid for every name).
fn quoted(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

/// The cells as few references as possible: vertical runs, then side-by-side runs of equal
/// height joined into rectangles (`D8:D28`, `D4:I4`), sorted by their top-left cell.
fn ranges(cells: &[(u32, u16)]) -> Vec<String> {
    let mut cells = cells.to_vec();
    cells.sort_by_key(|&(r, c)| (c, r));
    cells.dedup();
    // (first row, first col, last row, last col)
    let mut runs: Vec<(u32, u16, u32, u16)> = Vec::new();
    for (r, c) in cells {
        match runs.last_mut() {
            Some(last) if last.1 == c && last.2 + 1 == r => last.2 = r,
            _ => runs.push((r, c, r, c)),
        }
    }
    runs.sort_by_key(|&(r0, c0, r1, _)| (r0, r1, c0));
    let mut rects: Vec<(u32, u16, u32, u16)> = Vec::new();
    for run in runs {
        match rects.last_mut() {
            Some(last) if last.0 == run.0 && last.2 == run.2 && last.3 + 1 == run.1 => {
                last.3 = run.3;
            }
            _ => rects.push(run),
        }
    }
    rects.sort_by_key(|&(r0, c0, _, _)| (r0, c0));
    rects
        .into_iter()
        .map(|(r0, c0, r1, c1)| {
            if (r0, c0) == (r1, c1) {
                cell_ref(r0, c0)
            } else {
                utility::cell_range(r0, c0, r1, c1)
            }
        })
        .collect()
}

/// `SUM(..)` of grid positions of a table whose sheet starts at `offset`, each reference
/// prefixed by `sheet` (empty, or a quoted name and `!`).
fn sum_call(sheet: &str, offset: u32, cells: &[(u8, u8)]) -> String {
    let cells: Vec<(u32, u16)> = cells
        .iter()
        .map(|&(r, c)| (offset + u32::from(r), u16::from(c)))
        .collect();
    let refs: Vec<String> = ranges(&cells)
        .into_iter()
        .map(|r| format!("{sheet}{r}"))
        .collect();
    format!("SUM({})", refs.join(","))
}

/// Writes the title rows, each merged across the sheet's columns (`col_px`); returns the
/// first row after them.
fn write_titles(
    ws: &mut Worksheet,
    doc: &Document,
    heading: &str,
    col_px: &[u32],
    formats: &Formats,
) -> Result<u32, ExportError> {
    let last_col = u16::try_from(col_px.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let width: f64 = col_px.iter().map(|&w| f64::from(w)).sum();
    let mut rows: Vec<(&str, &Format, f64)> = Vec::new();
    if doc.draft {
        rows.push((DRAFT_MARK, &formats.draft, HEADING_PT));
    }
    rows.push((heading, &formats.heading, HEADING_PT));
    rows.push((&doc.meta.title, &formats.subtitle, FONT_PT));
    for (row, (text, format, pt)) in (0u32..).zip(rows) {
        if last_col > 0 {
            ws.merge_range(row, 0, row, last_col, text, format)
                .map_err(xlsx_error)?;
        } else {
            ws.write_string_with_format(row, 0, text, format)
                .map_err(xlsx_error)?;
        }
        let line_pt = pt * 1.4;
        let height = whole_px(f64::from(lines(text, width, pt)) * line_pt + ROW_PAD_PT + 4.0);
        ws.set_row_height(row, height).map_err(xlsx_error)?;
    }
    Ok(title_rows(doc.draft))
}

/// Print setup shared by every sheet.
fn page_setup(
    ws: &mut Worksheet,
    draft: bool,
    landscape: bool,
    repeat_to: Option<u32>,
) -> Result<(), ExportError> {
    ws.set_paper_size(PAPER);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer(FOOTER);
    if draft {
        ws.set_header(format!("{DRAFT_HEADER_CODES}{DRAFT_MARK}"));
        ws.set_tab_color(Color::Red);
    }
    if let Some(last) = repeat_to {
        ws.set_repeat_rows(0, last).map_err(xlsx_error)?;
    }
    // No password: protection only keeps labels and formulas from being typed over.
    ws.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::new()
    });
    Ok(())
}

/// Input cells of one kind, for one data validation over all of them.
struct InputRanges {
    /// One-cell inputs (compressed into ranges when applied).
    cells: Vec<(u32, u16)>,
    /// Merged inputs, as ranges.
    merged: Vec<String>,
    /// Corners of the first input (rust_xlsxwriter wants one range besides the multi-range).
    first: Option<(u32, u16, u32, u16)>,
}

impl InputRanges {
    fn new() -> Self {
        InputRanges {
            cells: Vec::new(),
            merged: Vec::new(),
            first: None,
        }
    }

    fn add(&mut self, r0: u32, c0: u16, r1: u32, c1: u16) {
        self.first.get_or_insert((r0, c0, r1, c1));
        if (r0, c0) == (r1, c1) {
            self.cells.push((r0, c0));
        } else {
            self.merged.push(utility::cell_range(r0, c0, r1, c1));
        }
    }

    fn apply(&self, ws: &mut Worksheet, validation: DataValidation) -> Result<(), ExportError> {
        let Some((r0, c0, r1, c1)) = self.first else {
            return Ok(());
        };
        let mut refs = ranges(&self.cells);
        refs.extend(self.merged.iter().cloned());
        let validation = validation
            // A blank is not a number: the format wants 0 written as 0.
            .ignore_blank(false)
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_error_title(COUNT_ERROR_TITLE)
            .map_err(xlsx_error)?
            .set_multi_range(refs.join(" "));
        ws.add_data_validation(r0, c0, r1, c1, &validation)
            .map_err(xlsx_error)?;
        Ok(())
    }
}

fn write_table(
    ws: &mut Worksheet,
    doc: &Document,
    grid: &Grid,
    formats: &Formats,
) -> Result<(), ExportError> {
    let table = grid.table;
    let shape = table.shape;
    let layout = sheet_layout(table.id);
    ws.set_name(sheet_name(table, doc.draft))
        .map_err(xlsx_error)?;
    let col_px: Vec<u32> = (0..usize::from(shape.cols))
        .map(|c| u32::from(shape.col_weights.get(c).copied().unwrap_or(1)) * layout.px_per_weight)
        .collect();
    for (col, &px) in (0u16..).zip(&col_px) {
        ws.set_column_width_pixels(col, px).map_err(xlsx_error)?;
    }
    // The heading of the section the table is printed in is the sheet's title.
    let heading = format::SECTIONS.get(shape.section).copied().unwrap_or("");
    let offset = write_titles(ws, doc, heading, &col_px, formats)?;
    for (row, height) in (offset..).zip(row_heights(table, &col_px)) {
        ws.set_row_height(row, height).map_err(xlsx_error)?;
    }

    let mut counts = InputRanges::new();
    let mut fees = InputRanges::new();
    for cell in &table.cells {
        let (r0, c0) = (offset + u32::from(cell.row), u16::from(cell.col));
        let (r1, c1) = (
            r0 + u32::from(cell.rowspan) - 1,
            c0 + u16::from(cell.colspan) - 1,
        );
        let merged = (r0, c0) != (r1, c1);
        match &cell.content {
            CellContent::Label { text, header } => {
                // Headers centred; row labels left, except tall merged ones (三、本年度办理结果,
                // （三）不予公开, …) which read better centred in their block.
                let format = if *header {
                    &formats.header
                } else if cell.rowspan > 1 {
                    &formats.label_centre
                } else {
                    &formats.label_left
                };
                if merged {
                    // merge_range writes `format` to every cell of the range (blank cells after
                    // the first), so every cell inside the merge has its border too.
                    ws.merge_range(r0, c0, r1, c1, text, format)
                        .map_err(xlsx_error)?;
                } else {
                    ws.write_string_with_format(r0, c0, *text, format)
                        .map_err(xlsx_error)?;
                }
            }
            CellContent::Number { value, role } => {
                let fee_format;
                let format = match (role, value) {
                    (NumRole::Sum(_), _) => &formats.total,
                    (NumRole::Input, Num::Count(_)) => &formats.count_input,
                    (NumRole::Input, Num::Decimal { text, .. }) => {
                        fee_format = Formats::fee_input(text);
                        &fee_format
                    }
                };
                if merged {
                    ws.merge_range(r0, c0, r1, c1, "", format)
                        .map_err(xlsx_error)?;
                }
                let v = number(value, shape.name)?;
                match role {
                    NumRole::Input => {
                        ws.write_number_with_format(r0, c0, v, format)
                            .map_err(xlsx_error)?;
                        match value {
                            Num::Count(_) => counts.add(r0, c0, r1, c1),
                            Num::Decimal { .. } => fees.add(r0, c0, r1, c1),
                        }
                    }
                    NumRole::Sum(parts) => {
                        let formula = Formula::new(format!("={}", sum_call("", offset, parts)))
                            .set_result(result_text(v));
                        ws.write_formula_with_format(r0, c0, formula, format)
                            .map_err(xlsx_error)?;
                    }
                }
            }
        }
    }
    counts.apply(
        ws,
        DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_message(COUNT_ERROR_MESSAGE)
            .map_err(xlsx_error)?,
    )?;
    fees.apply(
        ws,
        DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_message(FEE_ERROR_MESSAGE)
            .map_err(xlsx_error)?,
    )?;

    let header_end = offset + u32::from(shape.header_rows);
    if shape.header_rows > 0 {
        ws.set_freeze_panes(header_end, 0).map_err(xlsx_error)?;
    }
    page_setup(ws, doc.draft, layout.landscape, header_end.checked_sub(1))?;
    Ok(())
}

/// One row of the checks sheet.
struct CheckRow<'a> {
    grid: &'a Grid<'a>,
    check: &'a TableCheck,
}

/// Column of the checks sheet with each check's result.
const RESULT_COL: u16 = 6;

fn write_checks(
    ws: &mut Worksheet,
    doc: &Document,
    grids: &[Grid],
    formats: &Formats,
) -> Result<(), ExportError> {
    ws.set_name(check_sheet_name(doc.draft))
        .map_err(xlsx_error)?;
    let col_px: Vec<u32> = CHECK_COLUMNS.iter().map(|&(_, w)| w).collect();
    for (col, &px) in (0u16..).zip(&col_px) {
        ws.set_column_width_pixels(col, px).map_err(xlsx_error)?;
    }
    let offset = write_titles(ws, doc, CHECK_TITLE, &col_px, formats)?;
    let rows: Vec<CheckRow> = grids
        .iter()
        .flat_map(|grid| {
            grid.table
                .checks
                .iter()
                .map(move |check| CheckRow { grid, check })
        })
        .collect();

    let summary = offset;
    let header = offset + 1;
    let first = offset + 2;
    let last = u32::try_from(rows.len())
        .ok()
        .and_then(|n| n.checked_sub(1))
        .map(|n| first + n);
    write_check_summary(ws, &rows, summary, first, last, formats)?;
    for (col, (text, _)) in (0u16..).zip(CHECK_COLUMNS) {
        ws.write_string_with_format(header, col, text, &formats.header)
            .map_err(xlsx_error)?;
    }
    ws.set_row_height(header, row_pt(1)).map_err(xlsx_error)?;
    for (n, (row, r)) in (first..).zip(&rows).enumerate() {
        write_check_row(ws, doc, n, row, r, formats)?;
    }
    highlight_failures(ws, summary, first, last, formats)?;
    ws.set_freeze_panes(first, 0).map_err(xlsx_error)?;
    page_setup(ws, doc.draft, false, Some(header))?;
    Ok(())
}

/// The failed-checks counter: a COUNTIF over the results `first..=last`.
fn write_check_summary(
    ws: &mut Worksheet,
    rows: &[CheckRow],
    summary: u32,
    first: u32,
    last: Option<u32>,
    formats: &Formats,
) -> Result<(), ExportError> {
    ws.merge_range(
        summary,
        0,
        summary,
        RESULT_COL - 1,
        FAILED_COUNT,
        &formats.header,
    )
    .map_err(xlsx_error)?;
    let failed = rows.iter().filter(|r| !r.check.passes).count();
    let count = match last {
        None => Formula::new("=0").set_result("0"),
        Some(last) => Formula::new(format!(
            "=COUNTIF({},\"{FAIL}\")",
            utility::cell_range(first, RESULT_COL, last, RESULT_COL)
        ))
        .set_result(failed.to_string()),
    };
    ws.write_formula_with_format(summary, RESULT_COL, count, &formats.check_number)
        .map_err(xlsx_error)?;
    ws.set_row_height(summary, row_pt(1)).map_err(xlsx_error)?;
    Ok(())
}

/// Check number `n` on sheet row `row`: its ID, table and description, both sides as SUM
/// formulas over the table's sheet, and the IF that says 通过 or 不通过.
fn write_check_row(
    ws: &mut Worksheet,
    doc: &Document,
    n: usize,
    row: u32,
    r: &CheckRow,
    formats: &Formats,
) -> Result<(), ExportError> {
    let table = r.grid.table;
    let sheet = format!("{}!", quoted(&sheet_name(table, doc.draft)));
    let sheet_offset = title_rows(doc.draft);
    let lhs = r.grid.sum(&r.check.lhs)?;
    let rhs = r.grid.sum(&r.check.rhs)?;
    let text = [
        (n + 1).to_string(),
        r.check.id.to_string(),
        table.shape.name.to_string(),
        r.check.description.clone(),
    ];
    for (col, t) in (0u16..).zip(&text) {
        let format = if col == 3 {
            &formats.check_text
        } else {
            &formats.check_number
        };
        ws.write_string_with_format(row, col, t, format)
            .map_err(xlsx_error)?;
    }
    for (col, cells, value) in [(4u16, &r.check.lhs, lhs), (5, &r.check.rhs, rhs)] {
        let formula = Formula::new(format!("={}", sum_call(&sheet, sheet_offset, cells)))
            .set_result(result_text(value));
        ws.write_formula_with_format(row, col, formula, &formats.check_number)
            .map_err(xlsx_error)?;
    }
    let (e, f) = (cell_ref(row, 4), cell_ref(row, 5));
    let result = Formula::new(format!("=IF({e}={f},\"{PASS}\",\"{FAIL}\")"))
        .set_result(if r.check.passes { PASS } else { FAIL });
    ws.write_formula_with_format(row, RESULT_COL, result, &formats.check_number)
        .map_err(xlsx_error)?;
    let height = row_pt(lines(
        &r.check.description,
        f64::from(CHECK_COLUMNS[3].1),
        FONT_PT,
    ));
    ws.set_row_height(row, height).map_err(xlsx_error)?;
    Ok(())
}

/// A failed check (and a non-zero failure count) turns red and bold wherever it shows.
fn highlight_failures(
    ws: &mut Worksheet,
    summary: u32,
    first: u32,
    last: Option<u32>,
    formats: &Formats,
) -> Result<(), ExportError> {
    ws.add_conditional_format(
        summary,
        RESULT_COL,
        summary,
        RESULT_COL,
        &ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::GreaterThan(0))
            .set_format(&formats.check_failed),
    )
    .map_err(xlsx_error)?;
    if let Some(last) = last {
        let fail = format!("\"{FAIL}\"");
        ws.add_conditional_format(
            first,
            RESULT_COL,
            last,
            RESULT_COL,
            &ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::EqualTo(fail.as_str()))
                .set_format(&formats.check_failed),
        )
        .map_err(xlsx_error)?;
    }
    Ok(())
}
