//! Tables: column widths from the official shape, cell text broken in its column, row
//! heights, where a table may break between pages, and its segments drawn page by page with
//! the header rows repeated.

use std::collections::BTreeSet;

use nianbao_core::document::{Cell, CellContent, Table};
use nianbao_core::typography as ty;

use super::flow::Flow;
use super::linebreak::{break_balanced, break_lines, Measure};
use super::pages::{Line, LineKind, Rule};
use super::text::{Loc, Setter};
use super::{baseline, AREA_H, AREA_W, AREA_X, AREA_Y, EPS};

/// Table text size.
const TABLE_SIZE: f32 = ty::TABLE.size.pt();
/// Baseline distance of table text (exact in the DOCX too).
const TABLE_LEAD: f32 = ty::TABLE_LINE_PITCH_TWIPS as f32 / 20.0;
/// Horizontal cell padding: the DOCX's cell margin.
const PAD_X: f32 = ty::TABLE_CELL_INSET.pt();
/// Vertical cell padding: the DOCX's top and bottom cell margins.
const PAD_Y: f32 = ty::TABLE_CELL_PAD_Y_TWIPS as f32 / 20.0;
/// Border width.
const RULE_W: f32 = ty::RULE_HALF_POINTS as f32 / 2.0;

/// A table measured: columns, rows, and every cell's lines.
pub(super) struct TableLayout {
    /// Column boundaries relative to the type area's left edge.
    col_x: Vec<f32>,
    row_h: Vec<f32>,
    header_rows: usize,
    /// Rows that start a group with its own headings ([`Table::shape`]`.starts_group`).
    group_start: Vec<bool>,
    cells: Vec<CellLayout>,
}

struct CellLayout {
    row: usize,
    col: usize,
    rowspan: usize,
    colspan: usize,
    /// Lines with x relative to the cell's left edge and y relative to the text block top.
    lines: Vec<Line>,
    /// Height the cell needs (text plus padding).
    need: f32,
}

impl Setter<'_, '_> {
    /// Measures `t` across the type area's width.
    pub fn table(&mut self, t: &Table, loc: &Loc) -> TableLayout {
        let shape = t.shape;
        let total: f32 = shape.col_weights.iter().map(|&w| f32::from(w)).sum();
        let mut col_x = vec![0.0];
        let mut acc = 0.0;
        for &w in shape.col_weights {
            acc += f32::from(w);
            col_x.push(AREA_W * acc / total.max(1.0));
        }
        let rows = usize::from(shape.rows);
        // Cells come from core's table shapes; one outside the grid would be a core bug, and
        // is skipped rather than allowed to index out of bounds.
        let mut cells: Vec<CellLayout> = t
            .cells
            .iter()
            .filter(|c| c.row < shape.rows && c.col < shape.cols)
            .map(|c| self.cell(c, &col_x, loc))
            .collect();
        cells.sort_by_key(|c| (c.row, c.col));
        TableLayout {
            row_h: row_heights(&cells, rows),
            col_x,
            header_rows: usize::from(shape.header_rows),
            group_start: (0..shape.rows).map(|r| shape.starts_group(r)).collect(),
            cells,
        }
    }

    fn cell(&mut self, c: &Cell, col_x: &[f32], loc: &Loc) -> CellLayout {
        let col = usize::from(c.col);
        let colspan = usize::from(c.colspan.max(1));
        let left = col_x.get(col).copied().unwrap_or(0.0);
        let right = col_x.get(col + colspan).copied().unwrap_or(AREA_W);
        let inner = (right - left - 2.0 * PAD_X).max(TABLE_SIZE);
        let (text, centred) = match &c.content {
            CellContent::Label { text, header } => ((*text).to_string(), *header),
            CellContent::Number { .. } => (c.content.text(), true),
        };
        let shaped = self.shape(&[(&text, false)], ty::TABLE.role, TABLE_SIZE, loc);
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        let m = Measure {
            width: inner,
            indent: 0.0,
            tracking: 0.0,
            // Row labels are left-aligned, wrapped lines too: no letter-spacing.
            justify: false,
            size: TABLE_SIZE,
        };
        let broken = if centred {
            break_balanced(&items, &m)
        } else {
            break_lines(&items, &m)
        };
        let lines: Vec<Line> = broken
            .iter()
            .enumerate()
            .map(|(k, bl)| {
                let x0 = if centred {
                    PAD_X + (inner - bl.width) / 2.0 - bl.start
                } else {
                    PAD_X
                };
                let mut l = self.line(LineKind::Cell, &shaped, bl, x0, TABLE_SIZE);
                l.y = baseline(k as f32 * TABLE_LEAD, TABLE_LEAD, TABLE_SIZE);
                l
            })
            .collect();
        let need = lines.len().max(1) as f32 * TABLE_LEAD + 2.0 * PAD_Y;
        CellLayout {
            row: usize::from(c.row),
            col,
            rowspan: usize::from(c.rowspan.max(1)),
            colspan,
            lines,
            need,
        }
    }
}

/// Row heights: each row fits its one-row cells; spanning cells that need more grow their
/// rows evenly.
fn row_heights(cells: &[CellLayout], rows: usize) -> Vec<f32> {
    let mut row_h = vec![TABLE_LEAD + 2.0 * PAD_Y; rows];
    for c in cells.iter().filter(|c| c.rowspan == 1) {
        if let Some(h) = row_h.get_mut(c.row) {
            *h = h.max(c.need);
        }
    }
    let mut spans: Vec<&CellLayout> = cells.iter().filter(|c| c.rowspan > 1).collect();
    spans.sort_by_key(|c| c.rowspan);
    for c in spans {
        let end = (c.row + c.rowspan).min(rows);
        if c.row >= end {
            continue;
        }
        let have: f32 = row_h[c.row..end].iter().sum();
        if c.need > have {
            let add = (c.need - have) / (end - c.row) as f32;
            for h in &mut row_h[c.row..end] {
                *h += add;
            }
        }
    }
    row_h
}

impl TableLayout {
    /// Height of what a heading keeps with: the header rows and the first body row, or for
    /// a table without repeating header rows (表二) its first group.
    pub fn first_chunk(&self) -> f32 {
        let end = if self.header_rows == 0 {
            (1..self.row_h.len())
                .find(|&r| self.group_start[r])
                .unwrap_or(self.row_h.len())
        } else {
            (self.header_rows + 1).min(self.row_h.len())
        };
        self.row_h[..end].iter().sum()
    }

    /// Whether the table may break between rows `b - 1` and `b` when this page's part of
    /// the table body starts at row `seg_start`: no spanning cell across the break may be
    /// left with a part too low for its text.
    fn can_break(&self, seg_start: usize, b: usize) -> bool {
        if b <= self.header_rows {
            return false;
        }
        // Without repeating header rows (表二), only before a group that brings its own
        // headings (GB/T 9704 sets no rule; a continued table must not start unlabelled).
        if self.header_rows == 0 && !self.group_start.get(b).copied().unwrap_or(false) {
            return false;
        }
        self.cells.iter().all(|c| {
            let end = c.row + c.rowspan;
            if !(c.row < b && b < end) {
                return true;
            }
            let before: f32 = self.row_h[c.row.max(seg_start)..b].iter().sum();
            let after: f32 = self.row_h[b..end.min(self.row_h.len())].iter().sum();
            before + EPS >= c.need && after + EPS >= c.need
        })
    }

    /// The rows from `r` on that fit on this page when they start at `y` (from the top of
    /// the type area): the index of the first row that does not.
    fn rows_fitting(&self, r: usize, mut y: f32) -> usize {
        let mut fit = r;
        while fit < self.row_h.len() && y + self.row_h[fit] <= AREA_H + EPS {
            y += self.row_h[fit];
            fit += 1;
        }
        fit
    }

    /// The last row boundary up to `fit` where the part of the table that starts at row
    /// `r` may end.
    fn last_break(&self, r: usize, fit: usize) -> Option<usize> {
        (r + 1..=fit).rev().find(|&b| self.can_break(r, b))
    }
}

impl Flow {
    /// Places a table from the next slot: page segments cut at rows where it may break, the
    /// header rows repeated at the top of each continuation.
    pub(super) fn table(&mut self, t: &TableLayout) {
        let rows = t.row_h.len();
        if rows == 0 {
            return;
        }
        // Tables start at a slot boundary.
        self.y = self.slot() as f32 * super::PITCH;
        if self.free_slots() == 0 {
            self.new_page();
        }
        let header: f32 = t.row_h[..t.header_rows.min(rows)].iter().sum();
        let mut r = 0;
        let mut continued = false;
        while r < rows {
            let top = self.y;
            let fit = t.rows_fitting(r, top + if continued { header } else { 0.0 });
            let end = if fit >= rows {
                rows
            } else {
                match t.last_break(r, fit) {
                    Some(b) => b,
                    None if !self.at_top() => {
                        // Nothing sensible fits below the text: start on a new page.
                        self.new_page();
                        continue;
                    }
                    // Not even a whole page holds it: cut where the page ends.
                    None => fit.max(r + 1),
                }
            };
            let mut shown: Vec<usize> = Vec::new();
            if continued {
                shown.extend(0..t.header_rows.min(rows));
            }
            shown.extend(r..end);
            self.y = self.draw_segment(t, &shown, top);
            r = end;
            if r < rows {
                self.new_page();
                continued = r >= t.header_rows;
            }
        }
    }

    /// Draws the rows `shown` (ascending, possibly header rows then a later run) from `top`;
    /// returns the bottom. A cell cut by a page break is drawn, text and all, on each page.
    fn draw_segment(&mut self, t: &TableLayout, shown: &[usize], top: f32) -> f32 {
        let mut row_top = vec![f32::NAN; t.row_h.len()];
        let mut y = top;
        for &r in shown {
            row_top[r] = y;
            y += t.row_h[r];
        }
        let bottom = y;
        let mut edges: BTreeSet<(i64, i64, i64, i64)> = BTreeSet::new();
        let mut lines = Vec::new();
        for c in &t.cells {
            let vis: Vec<usize> = (c.row..c.row + c.rowspan)
                .filter(|r| shown.contains(r))
                .collect();
            let (Some(&first), Some(&last)) = (vis.first(), vis.last()) else {
                continue;
            };
            let y1 = row_top[first];
            let y2 = row_top[last] + t.row_h[last];
            let x1 = t.col_x[c.col];
            let x2 = t.col_x[(c.col + c.colspan).min(t.col_x.len() - 1)];
            let q = |v: f32| (v * 100.0).round() as i64;
            for e in [
                (x1, y1, x2, y1),
                (x1, y2, x2, y2),
                (x1, y1, x1, y2),
                (x2, y1, x2, y2),
            ] {
                edges.insert((q(e.0), q(e.1), q(e.2), q(e.3)));
            }
            let text_h = c.lines.len() as f32 * TABLE_LEAD;
            let text_top = y1 + ((y2 - y1) - text_h) / 2.0;
            for l in &c.lines {
                let mut l = l.clone();
                l.x += AREA_X + x1;
                l.y += AREA_Y + text_top;
                lines.push(l);
            }
        }
        let page = self.page();
        page.lines.extend(lines);
        page.rules
            .extend(edges.into_iter().map(|(x1, y1, x2, y2)| Rule {
                x1: AREA_X + x1 as f32 / 100.0,
                y1: AREA_Y + y1 as f32 / 100.0,
                x2: AREA_X + x2 as f32 / 100.0,
                y2: AREA_Y + y2 as f32 / 100.0,
                width: RULE_W,
            }));
        bottom
    }
}
