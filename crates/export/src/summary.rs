//! `汇总.xlsx`: the 政务公开 office's table of a roll-up — one row per unit, one column per
//! leaf cell of tables 二, 三 and 四 under the official labels, and a totals row equal to the
//! aggregate report.
//!
//! The totals are `SUMIF` formulas over the units whose 计入汇总 cell is 是, so a unit left out
//! (errors, another year, counted twice) shows its numbers without being summed, and Excel, WPS
//! and LibreOffice recompute the same totals the aggregate `report.toml` has. Their cached
//! results are the aggregate's own values; the exporter refuses a table whose totals are not
//! the sums of its counted rows ([`Summary::verify`]).
//!
//! Highlights: a unit with errors is red, a unit that is missing or not counted grey, a late
//! publication orange (its date cells).

use nianbao_core::document::Num;
use nianbao_core::rollup::{Summary, UnitRow};
use nianbao_core::typography as ty;
use rust_xlsxwriter::{
    utility, Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    Worksheet,
};

use crate::xlsx::{
    cell_format, face, lines, result_text, row_pt, whole_px, xlsx_error, FONT_PT, GB2312_CHARSET,
    HEADING_PT, MAX_EXACT, PAPER,
};
use crate::ExportError;

/// Name of the one sheet.
pub const SHEET: &str = "汇总";
/// Text of the 计入汇总 cell of a counted unit (the `SUMIF` criterion).
pub const COUNTED: &str = "是";
/// Text of the 计入汇总 cell of a unit left out.
pub const NOT_COUNTED: &str = "否";
/// First cell of the totals row.
pub const TOTALS_LABEL: &str = "合计（计入汇总的单位）";

/// The columns before the leaf cells, with their widths in pixels.
pub const FIXED: [(&str, u32); 12] = [
    ("序号", 40),
    ("单位", 208),
    ("文件夹", 120),
    ("类别", 64),
    ("年度", 48),
    ("发布日期", 88),
    ("发布期限", 88),
    ("期限情况", 80),
    ("错误", 44),
    ("警告", 44),
    ("状态", 200),
    ("计入汇总", 64),
];
/// Index of the 计入汇总 column.
const COUNTED_COL: u16 = 11;
/// Width of a count column and of the fee column, in pixels.
const COUNT_PX: u32 = 72;
const FEE_PX: u32 = 104;

/// Rows before the table: title, description, legend.
const TOP_ROWS: u32 = 3;
/// Header rows: table, row (or group) label, column label.
const HEADER_ROWS: u32 = 3;

/// Fills of the highlights: Excel's own 差 (bad), 适中 (neutral) and a light grey.
const RED_FILL: u32 = 0xFFC7CE;
const RED_FONT: u32 = 0x9C0006;
const ORANGE_FILL: u32 = 0xFFEB9C;
const ORANGE_FONT: u32 = 0x9C5700;
const GREY_FILL: u32 = 0xD9D9D9;

/// How a unit's row is highlighted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Plain,
    Error,
    Grey,
    Late,
}

fn tone(u: &UnitRow) -> Tone {
    if u.errors > 0 {
        Tone::Error
    } else if !u.status.counted() {
        Tone::Grey
    } else {
        Tone::Plain
    }
}

fn toned(f: Format, tone: Tone) -> Format {
    match tone {
        Tone::Plain => f,
        Tone::Error => f
            .set_background_color(Color::RGB(RED_FILL))
            .set_font_color(Color::RGB(RED_FONT)),
        Tone::Grey => f.set_background_color(Color::RGB(GREY_FILL)),
        Tone::Late => f
            .set_background_color(Color::RGB(ORANGE_FILL))
            .set_font_color(Color::RGB(ORANGE_FONT)),
    }
}

fn text_format(tone: Tone, centre: bool) -> Format {
    let f = cell_format().set_align(if centre {
        FormatAlign::Center
    } else {
        FormatAlign::Left
    });
    toned(f, tone)
}

fn number_format(tone: Tone, decimals: usize) -> Format {
    let num = if decimals == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(decimals))
    };
    toned(
        cell_format()
            .set_align(FormatAlign::Center)
            .set_num_format(num),
        tone,
    )
}

fn date_format(tone: Tone) -> Format {
    toned(
        cell_format()
            .set_align(FormatAlign::Center)
            .set_num_format("yyyy-mm-dd"),
        tone,
    )
}

fn decimals(n: &Num) -> usize {
    match n {
        Num::Count(_) => 0,
        Num::Decimal { text, .. } => text.split_once('.').map_or(0, |(_, d)| d.len()),
    }
}

fn value(n: &Num) -> Result<f64, ExportError> {
    match n {
        Num::Count(c) if *c > MAX_EXACT => Err(ExportError::new(format!(
            "汇总表中的数字 {c} 过大，XLSX 无法精确保存"
        ))),
        Num::Decimal { value, text } if !value.is_finite() => Err(ExportError::new(format!(
            "汇总表中的金额 {text} 不是有效数字"
        ))),
        _ => Ok(n.as_f64()),
    }
}

fn excel_date(d: nianbao_core::model::Date) -> Result<ExcelDateTime, ExportError> {
    let year = u16::try_from(d.year)
        .map_err(|_| ExportError::new(format!("日期的年份 {} 超出 XLSX 的范围", d.year)))?;
    ExcelDateTime::from_ymd(year, d.month, d.day).map_err(xlsx_error)
}

/// Exports the 汇总 table as a one-sheet workbook.
///
/// Errors when the table contradicts itself (totals that are not the sums of the counted
/// units, a number an XLSX cannot hold exactly) or when rust_xlsxwriter fails.
pub fn export(summary: &Summary) -> Result<Vec<u8>, ExportError> {
    summary
        .verify()
        .map_err(|e| ExportError::new(format!("汇总表自相矛盾：{e}")))?;
    let mut workbook = crate::xlsx::workbook()?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&summary.title)
            .set_author(&summary.agency)
            .set_creation_datetime(&excel_date(summary.date)?),
    );
    write_sheet(workbook.add_worksheet(), summary)?;
    crate::xlsx::save(&mut workbook)
}

fn write_sheet(ws: &mut Worksheet, s: &Summary) -> Result<(), ExportError> {
    ws.set_name(SHEET).map_err(xlsx_error)?;
    let fixed = FIXED.len() as u16;
    let fee_cols: Vec<bool> = s
        .totals
        .iter()
        .map(|t| matches!(t, Num::Decimal { .. }))
        .collect();
    let mut col_px: Vec<u32> = FIXED.iter().map(|(_, w)| *w).collect();
    col_px.extend(
        fee_cols
            .iter()
            .map(|&fee| if fee { FEE_PX } else { COUNT_PX }),
    );
    for (col, &px) in (0u16..).zip(&col_px) {
        ws.set_column_width_pixels(col, px).map_err(xlsx_error)?;
    }
    let last_col = u16::try_from(col_px.len() - 1)
        .map_err(|_| ExportError::new("汇总表的列数超出 XLSX 的范围"))?;

    // Title, description, legend.
    let counted = s.units.iter().filter(|u| u.status.counted()).count();
    let missing = s
        .units
        .iter()
        .filter(|u| matches!(u.status, nianbao_core::rollup::Status::Missing))
        .count();
    let description = format!(
        "共 {} 个单位：计入汇总 {counted} 个，未计入 {} 个（其中未报送 {missing} 个）。合计行只加“计入汇总”为“{COUNTED}”的单位，等于汇总报告 report.toml 中的数字。",
        s.units.len(),
        s.units.len() - counted
    );
    let title_format = Format::new()
        .set_font_name(face(ty::WORKBOOK_HEADING.role))
        .set_font_charset(GB2312_CHARSET)
        .set_font_size(HEADING_PT)
        .set_align(FormatAlign::VerticalCenter);
    let note_format = Format::new()
        .set_font_name(face(ty::WORKBOOK_NORMAL.role))
        .set_font_charset(GB2312_CHARSET)
        .set_font_size(FONT_PT)
        .set_align(FormatAlign::VerticalCenter);
    let span_px: f64 = col_px[..FIXED.len()].iter().map(|&w| f64::from(w)).sum();
    ws.merge_range(0, 0, 0, fixed - 1, &s.title, &title_format)
        .map_err(xlsx_error)?;
    ws.set_row_height(0, whole_px(HEADING_PT * 1.4 + 8.0))
        .map_err(xlsx_error)?;
    ws.merge_range(
        1,
        0,
        1,
        fixed - 1,
        &description,
        &note_format.clone().set_text_wrap(),
    )
    .map_err(xlsx_error)?;
    // LibreOffice's substitute faces run wider than 宋体: leave a tenth of the width spare.
    ws.set_row_height(1, row_pt(lines(&description, span_px * 0.9, FONT_PT)))
        .map_err(xlsx_error)?;
    ws.write_string_with_format(2, 0, "图例", &note_format)
        .map_err(xlsx_error)?;
    for (col, (text, tone)) in (1u16..).zip([
        ("有错误的单位", Tone::Error),
        ("未报送或未计入", Tone::Grey),
        ("逾期发布", Tone::Late),
    ]) {
        ws.write_string_with_format(2, col, text, &text_format(tone, true))
            .map_err(xlsx_error)?;
    }
    ws.set_row_height(2, row_pt(1)).map_err(xlsx_error)?;

    // Headers: the fixed columns span all three header rows; the leaf columns have the table,
    // then the row (or group) label, then the column label, equal neighbours merged.
    let (h0, h1, h2) = (TOP_ROWS, TOP_ROWS + 1, TOP_ROWS + 2);
    let header = cell_format()
        .set_align(FormatAlign::Center)
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2));
    for (col, (text, _)) in (0u16..).zip(FIXED) {
        ws.merge_range(h0, col, h2, col, text, &header)
            .map_err(xlsx_error)?;
    }
    let tables: Vec<String> = s
        .columns
        .iter()
        .map(|c| format!("{} {}", c.table, c.section))
        .collect();
    let groups: Vec<String> = s
        .columns
        .iter()
        .map(|c| format!("{}\u{0}{}", c.table, c.group))
        .collect();
    let mut group_lines = 1;
    for (row, keys, text_of) in [
        (
            h0,
            &tables,
            &(|k: usize| tables[k].clone()) as &dyn Fn(usize) -> String,
        ),
        (h1, &groups, &|k: usize| s.columns[k].group.clone()),
    ] {
        let mut k = 0;
        while k < keys.len() {
            let mut end = k;
            while end + 1 < keys.len() && keys[end + 1] == keys[k] {
                end += 1;
            }
            let (c0, c1) = (fixed + k as u16, fixed + end as u16);
            let text = text_of(k);
            if c0 == c1 {
                ws.write_string_with_format(row, c0, &text, &header)
                    .map_err(xlsx_error)?;
            } else {
                ws.merge_range(row, c0, row, c1, &text, &header)
                    .map_err(xlsx_error)?;
            }
            if row == h1 {
                let px: f64 = col_px[usize::from(c0)..=usize::from(c1)]
                    .iter()
                    .map(|&w| f64::from(w))
                    .sum();
                group_lines = group_lines.max(lines(&text, px, FONT_PT));
            }
            k = end + 1;
        }
    }
    let mut label_lines = 1;
    for (k, c) in s.columns.iter().enumerate() {
        let col = fixed + k as u16;
        ws.write_string_with_format(h2, col, c.label, &header)
            .map_err(xlsx_error)?;
        label_lines = label_lines.max(lines(c.label, f64::from(col_px[usize::from(col)]), FONT_PT));
    }
    ws.set_row_height(h0, row_pt(1)).map_err(xlsx_error)?;
    ws.set_row_height(h1, row_pt(group_lines))
        .map_err(xlsx_error)?;
    ws.set_row_height(h2, row_pt(label_lines))
        .map_err(xlsx_error)?;

    // One row per unit.
    let first = TOP_ROWS + HEADER_ROWS;
    for (i, u) in s.units.iter().enumerate() {
        let row = first + i as u32;
        write_unit(ws, row, i, u, &fee_cols)?;
    }
    let n = s.units.len() as u32;

    // Totals: SUMIF over the counted rows, cached with the aggregate's values.
    let totals_row = first + n;
    let bold = |f: Format| f.set_bold().set_border_top(FormatBorder::Double);
    ws.merge_range(
        totals_row,
        0,
        totals_row,
        fixed - 1,
        TOTALS_LABEL,
        &bold(text_format(Tone::Plain, true)),
    )
    .map_err(xlsx_error)?;
    for (k, total) in s.totals.iter().enumerate() {
        let col = fixed + k as u16;
        let f = bold(number_format(Tone::Plain, decimals(total)));
        let v = value(total)?;
        let cached = match total {
            Num::Decimal { text, .. } => text.clone(),
            Num::Count(_) => result_text(v),
        };
        let formula = if n == 0 {
            Formula::new("=0").set_result("0")
        } else {
            let counted_range =
                utility::cell_range_absolute(first, COUNTED_COL, totals_row - 1, COUNTED_COL);
            let range = utility::cell_range(first, col, totals_row - 1, col);
            Formula::new(format!("=SUMIF({counted_range},\"{COUNTED}\",{range})"))
                .set_result(cached)
        };
        ws.write_formula_with_format(totals_row, col, formula, &f)
            .map_err(xlsx_error)?;
    }
    ws.set_row_height(totals_row, row_pt(1))
        .map_err(xlsx_error)?;

    ws.set_freeze_panes(first, 2).map_err(xlsx_error)?;
    if n > 0 {
        ws.autofilter(h2, 0, totals_row - 1, last_col)
            .map_err(xlsx_error)?;
    }
    ws.set_paper_size(PAPER);
    ws.set_landscape();
    ws.set_repeat_rows(h0, h2).map_err(xlsx_error)?;
    ws.set_repeat_columns(0, 1).map_err(xlsx_error)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

fn write_unit(
    ws: &mut Worksheet,
    row: u32,
    i: usize,
    u: &UnitRow,
    fee_cols: &[bool],
) -> Result<(), ExportError> {
    let t = tone(u);
    let late = matches!(u.timing, Some(nianbao_core::batch::Timing::Late(_)));
    let date_tone = if late { Tone::Late } else { t };
    let text = |ws: &mut Worksheet, col: u16, s: &str, tone: Tone, centre: bool| {
        ws.write_string_with_format(row, col, s, &text_format(tone, centre))
            .map(|_| ())
            .map_err(xlsx_error)
    };
    let number = |ws: &mut Worksheet, col: u16, v: usize| {
        ws.write_number_with_format(row, col, v as f64, &number_format(t, 0))
            .map(|_| ())
            .map_err(xlsx_error)
    };
    number(ws, 0, i + 1)?;
    text(ws, 1, &u.name, t, false)?;
    text(ws, 2, &u.folder, t, false)?;
    text(ws, 3, u.role.map_or("", |r| r.chinese()), t, true)?;
    match u.year {
        Some(y) => ws
            .write_number_with_format(row, 4, f64::from(y), &number_format(t, 0))
            .map(|_| ())
            .map_err(xlsx_error)?,
        None => text(ws, 4, "", t, true)?,
    }
    for (col, date) in [(5u16, u.published), (6, u.deadline)] {
        let tone = if col == 5 { date_tone } else { t };
        match date {
            Some(d) => {
                ws.write_datetime_with_format(row, col, excel_date(d)?, &date_format(tone))
                    .map_err(xlsx_error)?;
            }
            None => text(ws, col, "", tone, true)?,
        }
    }
    let timing = u.timing.map(|t| t.chinese()).unwrap_or_default();
    text(ws, 7, &timing, date_tone, true)?;
    if u.values.is_some() {
        number(ws, 8, u.errors)?;
        number(ws, 9, u.warnings)?;
    } else {
        text(ws, 8, "", t, true)?;
        text(ws, 9, "", t, true)?;
    }
    text(ws, 10, &u.status.chinese(), t, false)?;
    let counted = if u.status.counted() {
        COUNTED
    } else {
        NOT_COUNTED
    };
    text(ws, COUNTED_COL, counted, t, true)?;
    let fixed = FIXED.len() as u16;
    for k in 0..fee_cols.len() {
        let col = fixed + k as u16;
        match u.values.as_ref().and_then(|v| v.get(k)) {
            Some(v) => {
                ws.write_number_with_format(row, col, value(v)?, &number_format(t, decimals(v)))
                    .map_err(xlsx_error)?;
            }
            None => {
                ws.write_blank(row, col, &number_format(t, 0))
                    .map_err(xlsx_error)?;
            }
        }
    }
    let height = row_pt(lines(&u.status.chinese(), f64::from(FIXED[10].1), FONT_PT))
        .max(row_pt(lines(&u.name, f64::from(FIXED[1].1), FONT_PT)));
    ws.set_row_height(row, height).map_err(xlsx_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Cursor;

    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use nianbao_core::batch::Timing;
    use nianbao_core::model::Date;
    use nianbao_core::rollup::{self, Role, Status, Summary, UnitRow};
    use nianbao_core::sample::sample_report;

    use super::*;

    fn unit(name: &str, status: Status, errors: usize, values: Option<Vec<Num>>) -> UnitRow {
        UnitRow {
            name: name.into(),
            folder: format!("units/{name}"),
            role: Some(Role::Department),
            year: Some(2024),
            published: Some(Date {
                year: 2025,
                month: 2,
                day: 3,
            }),
            deadline: Some(Date {
                year: 2025,
                month: 1,
                day: 31,
            }),
            timing: Some(Timing::Late(3)),
            errors,
            warnings: 1,
            status,
            values,
        }
    }

    fn summary() -> Summary {
        let a = sample_report();
        let mut b = a.clone();
        b.active.licensing.value = 7;
        b.active.fee.text = "0.5".into();
        b.active.fee.value = 0.5;
        let sum = rollup::sum("示范市人民政府", 2024, &[&a, &b]).unwrap();
        Summary {
            title: "示范市人民政府2024年政府信息公开工作年度报告汇总表".into(),
            agency: "示范市人民政府".into(),
            year: 2024,
            date: Date {
                year: 2025,
                month: 3,
                day: 31,
            },
            columns: rollup::columns(),
            units: vec![
                unit("甲局", Status::Included, 0, Some(rollup::leaf_values(&a))),
                unit("乙局", Status::Included, 0, Some(rollup::leaf_values(&b))),
                unit(
                    "丙局",
                    Status::Excluded("有 1 个错误".into()),
                    1,
                    Some(rollup::leaf_values(&a)),
                ),
                unit("丁局", Status::Missing, 0, None),
            ],
            totals: rollup::leaf_values(&sum),
        }
    }

    #[test]
    fn totals_labels_and_highlights_read_back() {
        let s = summary();
        let bytes = export(&s).unwrap();
        assert_eq!(bytes, export(&s).unwrap(), "deterministic");
        let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(xlsx.sheet_names(), [SHEET]);
        let range = xlsx.worksheet_range(SHEET).unwrap();
        let formulas = xlsx.worksheet_formula(SHEET).unwrap();
        let styles = xlsx.worksheet_style(SHEET).unwrap();
        let at = |r: u32, c: u16| range.get_value((r, u32::from(c))).cloned();
        let fixed = FIXED.len() as u16;
        let first = TOP_ROWS + HEADER_ROWS;
        let totals = first + 4;
        // Headers: table, row label, column label.
        assert_eq!(
            at(TOP_ROWS, fixed),
            Some(Data::String("表二 二、主动公开政府信息情况".into()))
        );
        assert_eq!(at(TOP_ROWS + 1, fixed), Some(Data::String("规章".into())));
        assert_eq!(
            at(TOP_ROWS + 2, fixed),
            Some(Data::String("本年制发件数".into()))
        );
        assert_eq!(
            at(TOP_ROWS + 2, 1),
            Some(Data::Empty),
            "单位 is merged down"
        );
        assert_eq!(at(TOP_ROWS, 1), Some(Data::String("单位".into())));
        // Every total is the aggregate's value, cached, and a SUMIF over the counted rows.
        for (k, total) in s.totals.iter().enumerate() {
            let col = fixed + k as u16;
            assert_eq!(at(totals, col), Some(Data::Float(total.as_f64())), "{k}");
            let f = formulas
                .get_value((totals, u32::from(col)))
                .unwrap()
                .clone();
            assert!(f.starts_with("SUMIF($L$7:$L$10,\"是\","), "{f}");
        }
        // Licensing: 15234 + 7 (丙局 is shown but not counted).
        assert_eq!(at(totals, fixed + 6), Some(Data::Float(15_241.0)));
        assert_eq!(at(first + 2, fixed + 6), Some(Data::Float(15_234.0)));
        assert_eq!(at(first + 2, COUNTED_COL), Some(Data::String("否".into())));
        assert_eq!(
            at(first + 3, fixed),
            Some(Data::Empty),
            "a missing unit has no numbers"
        );
        let fill = |r: u32, c: u16| {
            styles
                .get((r, u32::from(c)))
                .and_then(|s| s.fill.clone())
                .and_then(|f| f.get_color())
                .map(|c| (u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue))
        };
        assert_eq!(fill(first, 1), None);
        assert_eq!(fill(first + 2, 1), Some(RED_FILL), "errors");
        assert_eq!(fill(first + 2, fixed + 3), Some(RED_FILL));
        assert_eq!(fill(first + 3, 1), Some(GREY_FILL), "missing");
        assert_eq!(fill(first, 5), Some(ORANGE_FILL), "late");
        assert_eq!(fill(first, 7), Some(ORANGE_FILL));
        assert_eq!(at(first, 7), Some(Data::String("逾期 3 天".into())));
    }

    #[test]
    fn refuses_totals_that_do_not_add_up() {
        let mut s = summary();
        s.totals[6] = Num::Count(15_234);
        let e = export(&s).unwrap_err();
        assert!(e.message.contains("行政许可"), "{}", e.message);
        let mut s = summary();
        s.units[1].status = Status::Unlisted;
        assert!(export(&s).is_err());
    }
}
