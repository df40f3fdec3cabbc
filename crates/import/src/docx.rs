//! Word documents, read with docx-rs's reader (`docx_rs::read_docx`).
//!
//! What docx-rs's reader gives and what it does not (0.4.22, judged on nianbao's own DOCX,
//! the same re-saved by LibreOffice, and a python-docx file shaped like an agency's report):
//!
//! - It parses paragraphs, runs, tables, hyperlinks, tracked insertions and content controls
//!   into a typed tree — but the merge properties of a cell (`w:gridSpan`, `w:vMerge`) and a
//!   run's `w:b` are private fields with no getter. They are read here from docx-rs's own
//!   serde serialisation of those properties (its JSON form, which is public).
//! - It does not work out the grid: a vertically merged cell is a `restart` cell followed by
//!   `continue` cells in the rows below. `Reader::table` turns those into one cell with a rowspan,
//!   and counts columns through `gridSpan`, so every cell gets its true position.
//! - Fields: the result runs between `separate` and `end` are ordinary runs and are kept; the
//!   instruction text (`PAGE`, `HYPERLINK …`) is dropped.
//! - A style's heading level is taken from its name (`heading 2`, which Chinese Word uses too
//!   under style id `2`) or its `w:outlineLvl`.

use docx_rs::{
    DocumentChild, InsertChild, Paragraph, ParagraphChild, RunChild, StructuredDataTagChild, Table,
    TableCellContent, TableChild, TableRowChild,
};

use crate::flow::{Block, Flow, Grid, GridCell, Para};
use crate::ImportError;

/// Reads a DOCX into a flow.
pub fn read(bytes: &[u8]) -> Result<Flow, ImportError> {
    let doc = docx_rs::read_docx(bytes).map_err(|e| ImportError {
        message: format!("无法读取 Word 文档：{e}"),
    })?;
    let mut r = Reader {
        headings: heading_styles(&doc.styles),
        flow: Flow::default(),
        paras: 0,
        tables: 0,
        merged: 0,
    };
    r.children(&doc.document.children);
    if r.merged > 0 {
        r.flow.notes.push(format!(
            "Word 表格中有 {} 个纵向合并的单元格（w:vMerge），docx-rs 不计算合并，已按行列位置还原",
            r.merged
        ));
    }
    Ok(r.flow)
}

/// Paragraph style ids that are headings, with their level (1–9).
fn heading_styles(styles: &docx_rs::Styles) -> Vec<(String, u8)> {
    styles
        .styles
        .iter()
        .filter_map(|s| {
            let by_name = if s.name.is_heading() {
                s.name.get_heading_number()
            } else {
                None
            };
            let by_outline = serde_json::to_value(&s.paragraph_property)
                .ok()
                .and_then(|v| v.get("outlineLvl").and_then(serde_json::Value::as_u64))
                .map(|l| l as usize + 1);
            let level = by_name.or(by_outline)?;
            Some((s.style_id.clone(), u8::try_from(level.min(9)).unwrap_or(9)))
        })
        .collect()
}

struct Reader {
    headings: Vec<(String, u8)>,
    flow: Flow,
    paras: usize,
    tables: usize,
    merged: usize,
}

impl Reader {
    fn children(&mut self, children: &[DocumentChild]) {
        for child in children {
            match child {
                DocumentChild::Paragraph(p) => {
                    self.paras += 1;
                    let at = format!("第 {} 段", self.paras);
                    let para = self.paragraph(p, at);
                    if !para.text().trim().is_empty() {
                        self.flow.blocks.push(Block::Para(para));
                    }
                }
                DocumentChild::Table(t) => {
                    self.tables += 1;
                    let grid = self.table(t, self.tables);
                    self.flow.blocks.push(Block::Table(grid));
                }
                DocumentChild::StructuredDataTag(sdt) => {
                    self.sdt(&sdt.children);
                }
                _ => {}
            }
        }
    }

    fn sdt(&mut self, children: &[StructuredDataTagChild]) {
        for c in children {
            match c {
                StructuredDataTagChild::Paragraph(p) => {
                    self.children(&[DocumentChild::Paragraph(p.clone())])
                }
                StructuredDataTagChild::Table(t) => {
                    self.children(&[DocumentChild::Table(t.clone())])
                }
                StructuredDataTagChild::StructuredDataTag(s) => self.sdt(&s.children),
                _ => {}
            }
        }
    }

    fn paragraph(&self, p: &Paragraph, at: String) -> Para {
        let mut para = Para {
            runs: Vec::new(),
            outline: None,
            at,
        };
        let style = p.property.style.as_ref().map(|s| s.val.as_str());
        para.outline = style.and_then(|s| {
            self.headings
                .iter()
                .find(|(id, _)| id == s)
                .map(|(_, level)| *level)
        });
        if para.outline.is_none() {
            para.outline = serde_json::to_value(&p.property)
                .ok()
                .and_then(|v| v.get("outlineLvl").and_then(serde_json::Value::as_u64))
                .and_then(|l| u8::try_from(l + 1).ok());
        }
        para_children(&p.children, &mut para);
        para
    }

    /// A table as a grid: columns counted through `gridSpan`, vertical merges joined into
    /// one cell with a rowspan.
    fn table(&mut self, t: &Table, n: usize) -> Grid {
        let mut grid = Grid {
            cells: Vec::new(),
            at: format!("表格 {n}"),
            from_text: false,
        };
        let mut row_index = 0;
        for TableChild::TableRow(row) in &t.rows {
            let mut col = 0;
            for TableRowChild::TableCell(cell) in &row.cells {
                let props = serde_json::to_value(&cell.property).unwrap_or_default();
                let span = props
                    .get("gridSpan")
                    .and_then(serde_json::Value::as_u64)
                    .map_or(1, |s| usize::try_from(s.clamp(1, 64)).unwrap_or(1));
                let vmerge = props
                    .get("verticalMerge")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string);
                if vmerge.as_deref() == Some("continue") {
                    // Extend the cell above that starts in this column.
                    if let Some(above) = grid
                        .cells
                        .iter_mut()
                        .rev()
                        .find(|c| c.col == col && c.row + c.rowspan == row_index)
                    {
                        above.rowspan += 1;
                        self.merged += 1;
                        col += span;
                        continue;
                    }
                }
                let mut text = String::new();
                for content in &cell.children {
                    cell_text(content, &mut text);
                }
                grid.cells.push(GridCell {
                    row: row_index,
                    col,
                    rowspan: 1,
                    colspan: span,
                    text: text.trim().to_string(),
                    at: format!("表格 {n} 第 {} 行第 {} 列", row_index + 1, col + 1),
                });
                col += span;
            }
            row_index += 1;
        }
        grid.cells.sort_by_key(|c| (c.row, c.col));
        grid
    }
}

fn cell_text(content: &TableCellContent, out: &mut String) {
    match content {
        TableCellContent::Paragraph(p) => {
            let mut para = Para {
                runs: Vec::new(),
                outline: None,
                at: String::new(),
            };
            para_children(&p.children, &mut para);
            let t = para.text();
            if !t.trim().is_empty() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(t.trim());
            }
        }
        TableCellContent::Table(t) => {
            for TableChild::TableRow(row) in &t.rows {
                for TableRowChild::TableCell(c) in &row.cells {
                    for content in &c.children {
                        cell_text(content, out);
                    }
                }
            }
        }
        TableCellContent::StructuredDataTag(sdt) => {
            for c in &sdt.children {
                if let StructuredDataTagChild::Paragraph(p) = c {
                    cell_text(&TableCellContent::Paragraph(p.clone()), out);
                }
            }
        }
        TableCellContent::TableOfContents(_) => {}
    }
}

fn para_children(children: &[ParagraphChild], para: &mut Para) {
    for child in children {
        match child {
            ParagraphChild::Run(r) => run(r, para),
            ParagraphChild::Hyperlink(h) => para_children(&h.children, para),
            ParagraphChild::Insert(ins) => {
                for c in &ins.children {
                    if let InsertChild::Run(r) = c {
                        run(r, para);
                    }
                }
            }
            ParagraphChild::MoveTo(m) => {
                for c in &m.children {
                    if let docx_rs::MoveToChild::Run(r) = c {
                        run(r, para);
                    }
                }
            }
            ParagraphChild::StructuredDataTag(sdt) => {
                for c in &sdt.children {
                    if let StructuredDataTagChild::Run(r) = c {
                        run(r, para);
                    }
                }
            }
            // Deleted text (tracked changes) is not in the document.
            _ => {}
        }
    }
}

fn run(r: &docx_rs::Run, para: &mut Para) {
    let bold = serde_json::to_value(&r.run_property)
        .ok()
        .and_then(|v| v.get("bold").and_then(serde_json::Value::as_bool))
        .unwrap_or(false);
    let mut text = String::new();
    for c in &r.children {
        match c {
            RunChild::Text(t) => text.push_str(&t.text),
            RunChild::Tab(_) | RunChild::PTab(_) => text.push('\t'),
            RunChild::Break(_) | RunChild::CarriageReturn(_) => text.push('\n'),
            // Field instructions, deleted text, drawings: not text of the report.
            _ => {}
        }
    }
    para.push(&text, bold);
}
