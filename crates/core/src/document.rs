//! The format-neutral document every exporter renders.
//!
//! [`build`] turns a checked [`Report`] into a title, headings, paragraphs of styled runs, the
//! three official tables as cell grids with spans, and an optional signature. Exporters never
//! see the report's source files, and never spell a label: labels come from
//! [`crate::format`] through this document.

use crate::format::{
    self, LabelCell, TableShape, PROSE_PARTS, T3_APPLICANT_COLS, T3_BALANCE, T3_COLUMNS,
    T3_HEADER_ROWS, T3_LABEL_COLS, T3_RESULTS, T3_ROWS, T3_TOTAL, T3_TOTAL_COL, T4_COLUMNS,
    T4_GROUPS, T4_RESULT_COLS, T4_TOTAL_COL,
};
use crate::model::{self, Date, Report};
use crate::source::Span;

/// The mark every output of a draft carries (with the format's own wording around it).
pub const DRAFT_MARK: &str = "草稿";

/// A document ready for rendering.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Metadata for document properties.
    pub meta: Meta,
    /// A draft (the report has errors): every output must show it visibly.
    pub draft: bool,
    /// Title lines: the agency, then `<年度>年政府信息公开工作年度报告`.
    pub title: Vec<String>,
    /// Where each title line comes from (the agency's `report.toml` entry; `None` for the
    /// generated second line), for located warnings.
    pub title_sources: Vec<Option<Span>>,
    /// Where the signature's agency is written (`[signature] agency`, else `agency`).
    pub signature_source: Option<Span>,
    /// Body blocks in order.
    pub blocks: Vec<DocBlock>,
}

/// Document metadata. Every value is taken from the report so output bytes are reproducible.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// Full title.
    pub title: String,
    /// Author: the agency.
    pub author: String,
    /// Report year.
    pub year: i32,
    /// Document date (publication date, else 1 January of the following year).
    pub date: Date,
    /// Language tag.
    pub lang: &'static str,
}

impl Document {
    /// The three official tables, in document order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            DocBlock::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// A run of text with one style.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Text.
    pub text: String,
    /// Bold.
    pub bold: bool,
}

/// A body-level block.
#[derive(Clone, Debug, PartialEq)]
pub enum DocBlock {
    /// A heading: level 1 (`一、`, 黑体), 2 (`（一）`, 楷体), 3 (`1.`), 4 (`（1）`) (仿宋).
    Heading {
        /// 1–4.
        level: u8,
        /// Content.
        runs: Vec<Run>,
        /// Source, when it came from prose.
        source: Option<Span>,
    },
    /// A body paragraph (first line indented two characters).
    Paragraph {
        /// Content.
        runs: Vec<Run>,
        /// Source.
        source: Option<Span>,
    },
    /// One of the official tables.
    Table(Table),
    /// The signature: agency name and date, laid out per GB/T 9704.
    Signature {
        /// Agency name.
        agency: String,
        /// Date, already written the official way (`2025年1月9日`).
        date: String,
    },
    /// The 版记 at the foot of the last page, below the signature, between rules (GB/T 9704
    /// §7.4; sizes and rules in [`crate::typography`]).
    Imprint(Imprint),
}

/// The 版记's text, every word of it from the report and [`crate::format`].
#[derive(Clone, Debug, PartialEq)]
pub struct Imprint {
    /// The 抄送 line: its label (`抄送：`) and the agencies after it, `，`-separated and
    /// closed with `。` (continuation lines align with the first agency). None without 抄送.
    pub cc: Option<(String, String)>,
    /// 印发机关, set at the left of the last line.
    pub printer: String,
    /// 印发日期 with its word (`2025年1月20日印发`), set at the right of the last line.
    pub date: String,
}

/// Which official table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableId {
    /// 表二.
    Active,
    /// 表三.
    Applications,
    /// 表四.
    Appeals,
}

/// A table as a grid of cells with spans.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Which table.
    pub id: TableId,
    /// Its official shape (rows, columns, header rows, column weights, labels).
    pub shape: &'static TableShape,
    /// Every cell (labels and numbers), sorted by row then column.
    pub cells: Vec<Cell>,
    /// Arithmetic checks over the table's cells (for the XLSX 校验 sheet).
    pub checks: Vec<TableCheck>,
}

impl Table {
    /// The cell whose top-left corner is at (`row`, `col`).
    pub fn cell(&self, row: u8, col: u8) -> Option<&Cell> {
        self.cells.iter().find(|c| c.row == row && c.col == col)
    }
}

/// One cell of a table grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Top row (0-based).
    pub row: u8,
    /// Left column (0-based).
    pub col: u8,
    /// Rows covered.
    pub rowspan: u8,
    /// Columns covered.
    pub colspan: u8,
    /// Content.
    pub content: CellContent,
}

/// What a cell holds.
#[derive(Clone, Debug, PartialEq)]
pub enum CellContent {
    /// An official label.
    Label {
        /// The text, from [`crate::format`].
        text: &'static str,
        /// Column header (centred) rather than row label (left aligned).
        header: bool,
    },
    /// A number.
    Number {
        /// The value.
        value: Num,
        /// Typed in, or a sum of other cells.
        role: NumRole,
    },
}

impl CellContent {
    /// The text to print.
    pub fn text(&self) -> String {
        match self {
            CellContent::Label { text, .. } => (*text).to_string(),
            CellContent::Number { value, .. } => value.display(),
        }
    }
}

/// A number in a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Num {
    /// A whole count.
    Count(u64),
    /// A decimal amount (the fee, in 万元) with its display text.
    Decimal {
        /// Value.
        value: f64,
        /// As written in the source.
        text: String,
    },
}

impl Num {
    /// The printed form.
    pub fn display(&self) -> String {
        match self {
            Num::Count(n) => n.to_string(),
            Num::Decimal { text, .. } => text.clone(),
        }
    }

    /// As a float (for spreadsheets).
    pub fn as_f64(&self) -> f64 {
        match self {
            Num::Count(n) => *n as f64,
            Num::Decimal { value, .. } => *value,
        }
    }
}

/// Whether a number is input or computed.
#[derive(Clone, Debug, PartialEq)]
pub enum NumRole {
    /// A leaf cell typed by the clerk (a whole count unless it is the fee).
    Input,
    /// The sum of the cells at these (row, col) grid positions of the same table.
    Sum(Vec<(u8, u8)>),
}

/// An equality the table must satisfy: sum(lhs) = sum(rhs).
#[derive(Clone, Debug, PartialEq)]
pub struct TableCheck {
    /// Check ID (`E-T3-BALANCE`, …).
    pub id: &'static str,
    /// What is compared, in Chinese (e.g. `“自然人”列：一+二=三（七）+四`).
    pub description: String,
    /// Cells summed on the left.
    pub lhs: Vec<(u8, u8)>,
    /// Cells summed on the right.
    pub rhs: Vec<(u8, u8)>,
    /// Whether it holds for the document's numbers.
    pub passes: bool,
}

/// Builds the document for `report`. `draft` marks every output as a draft.
pub fn build(report: &Report, draft: bool) -> Document {
    let date = report
        .published
        .or(report.signature.as_ref().map(|s| s.date))
        .unwrap_or(Date {
            year: report.year + 1,
            month: 1,
            day: 1,
        });
    let meta = Meta {
        title: report.title(),
        author: report.agency.clone(),
        year: report.year,
        date,
        lang: "zh-CN",
    };
    let title = vec![
        report.agency.clone(),
        format!("{}年{}", report.year, format::TITLE_SUFFIX),
    ];
    // Each section: its heading, its prose part (a lead before a table), its table; the
    // opening before the first heading.
    let mut blocks = Vec::new();
    let parts_of = |section: Option<usize>| {
        PROSE_PARTS
            .iter()
            .filter(move |p| p.section == section)
            .filter_map(|p| report.sections.get(p.part))
    };
    for p in parts_of(None) {
        prose(&mut blocks, p);
    }
    let mut tables = vec![table2(report), table3(report), table4(report)];
    for section in 0..format::SECTIONS.len() {
        heading(&mut blocks, section);
        for p in parts_of(Some(section)) {
            prose(&mut blocks, p);
        }
        let (here, later): (Vec<Table>, Vec<Table>) =
            tables.into_iter().partition(|t| t.shape.section == section);
        blocks.extend(here.into_iter().map(DocBlock::Table));
        tables = later;
    }
    if let Some(sig) = &report.signature {
        blocks.push(DocBlock::Signature {
            agency: sig.agency.clone(),
            date: sig.date.chinese(),
        });
    }
    if let Some(imprint) = &report.imprint {
        blocks.push(DocBlock::Imprint(Imprint {
            cc: (!imprint.cc.is_empty()).then(|| {
                (
                    format::IMPRINT_CC.to_string(),
                    format!("{}。", imprint.cc.join("，")),
                )
            }),
            printer: imprint.printer.clone(),
            date: format!("{}{}", imprint.date.chinese(), format::IMPRINT_PRINTED),
        }));
    }
    Document {
        meta,
        draft,
        title,
        title_sources: vec![report.spans.agency.clone(), None],
        signature_source: report
            .spans
            .signature_agency
            .clone()
            .or_else(|| report.spans.agency.clone()),
        blocks,
    }
}

fn heading(blocks: &mut Vec<DocBlock>, section: usize) {
    blocks.push(DocBlock::Heading {
        level: 1,
        runs: vec![Run {
            text: format::SECTIONS[section].to_string(),
            bold: false,
        }],
        source: None,
    });
}

fn runs(inlines: &[model::Inline]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for i in inlines {
        match out.last_mut() {
            Some(last) if last.bold == i.bold => last.text.push_str(&i.text),
            _ => out.push(Run {
                text: i.text.clone(),
                bold: i.bold,
            }),
        }
    }
    out
}

fn prose(blocks: &mut Vec<DocBlock>, p: &model::Prose) {
    for b in &p.blocks {
        blocks.push(match b {
            model::Block::Heading {
                level,
                inlines,
                span,
            } => DocBlock::Heading {
                level: *level,
                runs: runs(inlines),
                source: Some(span.clone()),
            },
            model::Block::Paragraph { inlines, span } => DocBlock::Paragraph {
                runs: runs(inlines),
                source: Some(span.clone()),
            },
            model::Block::ListItem {
                marker,
                inlines,
                span,
            } => {
                let mut r = runs(inlines);
                if !marker.is_empty() {
                    r.insert(
                        0,
                        Run {
                            text: marker.clone(),
                            bold: false,
                        },
                    );
                }
                DocBlock::Paragraph {
                    runs: r,
                    source: Some(span.clone()),
                }
            }
        });
    }
}

fn labels(shape: &'static TableShape) -> Vec<Cell> {
    shape
        .labels
        .iter()
        .map(|l: &LabelCell| Cell {
            row: l.row,
            col: l.col,
            rowspan: l.rowspan,
            colspan: l.colspan,
            content: CellContent::Label {
                text: l.text,
                header: l.header,
            },
        })
        .collect()
}

fn input(row: u8, col: u8, colspan: u8, value: Num) -> Cell {
    Cell {
        row,
        col,
        rowspan: 1,
        colspan,
        content: CellContent::Number {
            value,
            role: NumRole::Input,
        },
    }
}

fn sum(row: u8, col: u8, value: u64, of: Vec<(u8, u8)>) -> Cell {
    Cell {
        row,
        col,
        rowspan: 1,
        colspan: 1,
        content: CellContent::Number {
            value: Num::Count(value),
            role: NumRole::Sum(of),
        },
    }
}

fn finish(
    id: TableId,
    shape: &'static TableShape,
    mut cells: Vec<Cell>,
    checks: Vec<TableCheck>,
) -> Table {
    cells.sort_by_key(|c| (c.row, c.col));
    Table {
        id,
        shape,
        cells,
        checks,
    }
}

fn table2(report: &Report) -> Table {
    let t = &report.active;
    let mut cells = labels(&format::TABLE2);
    for (row, values) in [(2u8, &t.rules), (3, &t.normative)] {
        for (k, c) in values.iter().enumerate() {
            cells.push(input(row, 1 + k as u8, 1, Num::Count(c.value)));
        }
    }
    cells.push(input(6, 1, 3, Num::Count(t.licensing.value)));
    cells.push(input(9, 1, 3, Num::Count(t.punishment.value)));
    cells.push(input(10, 1, 3, Num::Count(t.enforcement.value)));
    cells.push(input(
        13,
        1,
        3,
        Num::Decimal {
            value: t.fee.value,
            text: t.fee.text.clone(),
        },
    ));
    finish(TableId::Active, &format::TABLE2, cells, Vec::new())
}

/// Grid position of table 三 body row `row`, number column `col`.
pub fn t3_pos(row: usize, col: usize) -> (u8, u8) {
    (T3_HEADER_ROWS + row as u8, T3_LABEL_COLS + col as u8)
}

fn table3(report: &Report) -> Table {
    let t = &report.applications;
    let mut cells = labels(&format::TABLE3);
    for row in 0..T3_ROWS.len() {
        for col in 0..T3_COLUMNS.len() {
            let (r, c) = t3_pos(row, col);
            let value = t.value(row, col);
            if col == T3_TOTAL_COL {
                let parts = T3_APPLICANT_COLS.map(|k| t3_pos(row, k)).collect();
                cells.push(sum(r, c, value, parts));
            } else if row == T3_TOTAL {
                let parts = T3_RESULTS.map(|k| t3_pos(k, col)).collect();
                cells.push(sum(r, c, value, parts));
            } else {
                cells.push(input(r, c, 1, Num::Count(value)));
            }
        }
    }
    let mut checks = Vec::new();
    for (col, (_, label)) in T3_COLUMNS.iter().enumerate() {
        let b = &T3_BALANCE;
        let (lhs, rhs) = t.balance(b, col);
        checks.push(TableCheck {
            id: b.id,
            description: format!("“{label}”列：{}={}", b.lhs_text, b.rhs_text),
            passes: lhs == rhs,
            lhs: b.lhs.iter().map(|&r| t3_pos(r, col)).collect(),
            rhs: b.rhs.iter().map(|&r| t3_pos(r, col)).collect(),
        });
    }
    for (col, (_, label)) in T3_COLUMNS.iter().enumerate() {
        checks.push(TableCheck {
            id: "E-T3-SUBTOTAL",
            description: format!("“{label}”列：三（七）总计=三（一）至（六）之和"),
            lhs: vec![t3_pos(T3_TOTAL, col)],
            rhs: T3_RESULTS.map(|k| t3_pos(k, col)).collect(),
            passes: t.value(T3_TOTAL, col) == t.sum(T3_RESULTS, col),
        });
    }
    for (row, def) in T3_ROWS.iter().enumerate() {
        checks.push(TableCheck {
            id: "E-T3-ROWSUM",
            description: format!("第{}行“{}”：总计=各申请人之和", row + 1, def.short),
            lhs: vec![t3_pos(row, T3_TOTAL_COL)],
            rhs: T3_APPLICANT_COLS.map(|k| t3_pos(row, k)).collect(),
            passes: true,
        });
    }
    finish(TableId::Applications, &format::TABLE3, cells, checks)
}

fn table4(report: &Report) -> Table {
    let t = &report.appeals;
    let mut cells = labels(&format::TABLE4);
    let mut checks = Vec::new();
    let row = format::TABLE4.header_rows;
    for (g, group) in t.groups.iter().enumerate() {
        let pos = |k: usize| (row, (g * T4_COLUMNS.len() + k) as u8);
        for k in T4_RESULT_COLS {
            cells.push(input(
                pos(k).0,
                pos(k).1,
                1,
                Num::Count(group.cells[k].value),
            ));
        }
        let parts: Vec<(u8, u8)> = T4_RESULT_COLS.map(pos).collect();
        let (r, c) = pos(T4_TOTAL_COL);
        cells.push(sum(r, c, group.total(), parts.clone()));
        checks.push(TableCheck {
            id: "E-T4-SUM",
            description: format!("{}：维持+纠正+其他+尚未审结=总计", T4_GROUPS[g].1),
            lhs: vec![pos(T4_TOTAL_COL)],
            rhs: parts,
            passes: true,
        });
    }
    finish(TableId::Appeals, &format::TABLE4, cells, checks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Kind;

    #[test]
    fn every_grid_position_is_covered_once() {
        let mut report = Report::empty("某局", 2024, Kind::Department);
        report.applications.rows[0].cells[0].value = 2;
        report.applications.rows[2].cells[0].value = 2;
        let doc = build(&report, false);
        let tables: Vec<&Table> = doc.tables().collect();
        assert_eq!(tables.len(), 3);
        for t in tables {
            let mut grid = vec![vec![0; t.shape.cols as usize]; t.shape.rows as usize];
            for c in &t.cells {
                for r in c.row..c.row + c.rowspan {
                    for k in c.col..c.col + c.colspan {
                        grid[r as usize][k as usize] += 1;
                    }
                }
            }
            assert!(grid.iter().flatten().all(|&n| n == 1), "{:?}", t.id);
            assert!(t.checks.iter().all(|c| c.passes));
        }
        let headings: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                DocBlock::Heading { level: 1, runs, .. } => Some(runs[0].text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(headings, format::SECTIONS.map(String::from).to_vec());
    }

    #[test]
    fn imprint_follows_the_signature() {
        let mut report = Report::empty("某局", 2024, Kind::Department);
        let date = Date {
            year: 2025,
            month: 1,
            day: 20,
        };
        report.signature = Some(model::Signature {
            agency: "某局".into(),
            date,
        });
        report.imprint = Some(model::Imprint {
            cc: vec!["市政府办公室".into(), "市政务公开办".into()],
            printer: "某局办公室".into(),
            date,
            span: None,
        });
        let doc = build(&report, false);
        let n = doc.blocks.len();
        assert!(matches!(doc.blocks[n - 2], DocBlock::Signature { .. }));
        assert_eq!(
            doc.blocks[n - 1],
            DocBlock::Imprint(Imprint {
                cc: Some(("抄送：".into(), "市政府办公室，市政务公开办。".into())),
                printer: "某局办公室".into(),
                date: "2025年1月20日印发".into(),
            })
        );
        report.imprint.as_mut().unwrap().cc.clear();
        let doc = build(&report, false);
        assert!(matches!(
            doc.blocks.last(),
            Some(DocBlock::Imprint(Imprint { cc: None, .. }))
        ));
    }
}
