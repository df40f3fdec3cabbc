//! What every reader produces: the file as a flow of paragraphs and table grids.
//!
//! DOCX, HTML, XLSX and text readers differ only in how they get here; recognising the title,
//! the six sections and the three tables works on this flow alone.

/// A paragraph's piece of text with one style.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Text.
    pub text: String,
    /// Bold.
    pub bold: bool,
}

/// A paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Para {
    /// Runs in order (adjacent runs of one style merged).
    pub runs: Vec<Run>,
    /// The heading level the file itself gives (a Word heading style, an `<h3>`), if any.
    pub outline: Option<u8>,
    /// Where it was found, for IMPORT.md (`第 12 段`, `第 96 行`).
    pub at: String,
}

impl Para {
    /// A paragraph of one plain run.
    pub fn plain(text: impl Into<String>, at: impl Into<String>) -> Self {
        Para {
            runs: vec![Run {
                text: text.into(),
                bold: false,
            }],
            outline: None,
            at: at.into(),
        }
    }

    /// The paragraph's text.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// Whether every non-blank character is bold.
    pub fn all_bold(&self) -> bool {
        let mut any = false;
        for r in &self.runs {
            if r.text.trim().is_empty() {
                continue;
            }
            if !r.bold {
                return false;
            }
            any = true;
        }
        any
    }

    /// Appends a run, merging it into the last one when the style is the same.
    pub fn push(&mut self, text: &str, bold: bool) {
        if text.is_empty() {
            return;
        }
        match self.runs.last_mut() {
            Some(last) if last.bold == bold => last.text.push_str(text),
            _ => self.runs.push(Run {
                text: text.to_string(),
                bold,
            }),
        }
    }
}

/// One cell of a table grid, at its top-left position.
#[derive(Clone, Debug, PartialEq)]
pub struct GridCell {
    /// 0-based row.
    pub row: usize,
    /// 0-based column.
    pub col: usize,
    /// Rows covered.
    pub rowspan: usize,
    /// Columns covered.
    pub colspan: usize,
    /// Text, paragraphs joined.
    pub text: String,
    /// Where it was found (`表格 2 第 3 行第 4 列`, `表三 依申请公开!D7`, `第 96 行`).
    pub at: String,
}

/// A table as the file has it: cells with spans, rows in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    /// Every cell at its origin, sorted by row then column.
    pub cells: Vec<GridCell>,
    /// Where the table was found.
    pub at: String,
    /// Whether the grid comes from flattened text (cell positions mean nothing; blank cells
    /// at either end of a row are what the flattening left of merged cells).
    pub from_text: bool,
}

impl Grid {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.cells
            .iter()
            .map(|c| c.row + c.rowspan.max(1))
            .max()
            .unwrap_or(0)
    }

    /// The cells whose origin is in `row`, left to right.
    pub fn row(&self, row: usize) -> impl Iterator<Item = &GridCell> {
        self.cells.iter().filter(move |c| c.row == row)
    }
}

/// A block of the flow.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph.
    Para(Para),
    /// A table.
    Table(Grid),
}

/// A file read into a flow, with what the reader itself noticed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flow {
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// What the reader did that the clerk should know (joined paragraphs, dropped page
    /// numbers, merged cells it had to work out itself, …), in Chinese.
    pub notes: Vec<String>,
}
