//! Document → pages: the GB/T 9704 page (A4, type area 156 × 225 mm at 37 mm from the top and
//! 28 mm from the left), the 22 × 28 body grid, title, headings, tables, signature, page
//! numbers and the draft mark.
//!
//! Body text sits on the grid: every text line occupies one of the 22 line slots of a page
//! (pitch 225 mm / 22), and 28 full-width 3号 characters fill a line exactly (the font's
//! 16 pt advance tightened by ≈ 0.21 pt between characters, as Word's character grid does).
//! Tables are laid out in points and the text after them snaps back to the next slot.

use std::collections::BTreeSet;

use nianbao_core::document::{Cell, CellContent, DocBlock, Run, Table};
use nianbao_core::{Diagnostic, Document, Span};

use super::fonts::{FaceId, Faces, Role};
use super::linebreak::{break_balanced, break_lines, BrokenLine, Measure};
use super::pages::{
    GlyphRun, Line, LineKind, Page, PlacedGlyph, Rule, MM, PAGE_HEIGHT, PAGE_WIDTH,
};
use crate::ExportError;

/// Left edge of the type area.
pub const AREA_X: f32 = 28.0 * MM;
/// Top edge of the type area.
pub const AREA_Y: f32 = 37.0 * MM;
/// Width of the type area.
pub const AREA_W: f32 = 156.0 * MM;
/// Height of the type area.
pub const AREA_H: f32 = 225.0 * MM;
/// Body lines per page.
pub const LINES: usize = 22;
/// Full-width body characters per line.
pub const CHARS: usize = 28;
/// Line pitch of the body grid.
pub const PITCH: f32 = AREA_H / LINES as f32;
/// 3号: body and headings.
pub const BODY_SIZE: f32 = 16.0;
/// 2号: the title.
pub const TITLE_SIZE: f32 = 22.0;
/// 4号: page numbers.
pub const FOLIO_SIZE: f32 = 14.0;
/// 五号: table text (table 三 must fit the width with its narrow label columns).
pub const TABLE_SIZE: f32 = 10.5;
/// Baseline distance of table text.
const TABLE_LEAD: f32 = TABLE_SIZE * 1.35;
/// Horizontal cell padding.
const PAD_X: f32 = 2.0;
/// Vertical cell padding.
const PAD_Y: f32 = 3.0;
/// Border width.
const RULE_W: f32 = 0.5;
/// Size of the 草稿 mark.
const DRAFT_SIZE: f32 = 110.0;
/// Ideographic em box: 0.88 em above the baseline, 0.12 below (Fandol, Noto CJK).
const EM_ASCENT: f32 = 0.88;
const EPS: f32 = 0.01;

/// Space between adjacent body units so 28 full-width characters fill the width exactly.
pub fn grid_tracking() -> f32 {
    (AREA_W - CHARS as f32 * BODY_SIZE) / (CHARS - 1) as f32
}

/// Baseline of text of `size` centred (by its em box) in a band starting at `top`, `h` high.
fn baseline(top: f32, h: f32, size: f32) -> f32 {
    top + (h - size) / 2.0 + EM_ASCENT * size
}

/// A shaped character: what the line breaker measures and the writer draws.
#[derive(Clone, Copy, Debug)]
struct Shaped {
    ch: char,
    face: FaceId,
    /// 0 for spaces and line breaks (measured, never drawn).
    gid: u16,
    advance: f32,
    bold: bool,
}

/// Where a piece of text comes from, for W-GLYPH messages.
#[derive(Clone, Debug)]
enum Loc {
    Span(Span),
    Place(String),
}

/// A block measured and broken into lines, not yet placed on a page.
enum Prep {
    /// Lines on consecutive grid slots (x final, y relative to the slot top).
    Lines { lines: Vec<Line>, keep_next: bool },
    /// Empty grid slots.
    Blank(usize),
    /// A table.
    Table(TableLayout),
    /// Agency and date lines after one blank slot, kept together.
    Signature(Vec<Line>),
}

struct TableLayout {
    /// Column boundaries relative to the type area's left edge.
    col_x: Vec<f32>,
    row_h: Vec<f32>,
    header_rows: usize,
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

/// Lays out `doc`: the page list and W-GLYPH warnings.
pub(crate) fn layout(
    doc: &Document,
    faces: &Faces<'_>,
) -> Result<(Vec<Page>, Vec<Diagnostic>), ExportError> {
    let mut ctx = Ctx {
        faces,
        warnings: Vec::new(),
        seen: BTreeSet::new(),
    };
    let mut preps = Vec::new();
    for line in &doc.title {
        let lines = ctx.title_lines(line);
        preps.push(Prep::Lines {
            lines,
            keep_next: true,
        });
    }
    if !doc.title.is_empty() {
        preps.push(Prep::Blank(1));
    }
    let mut section = "标题".to_string();
    for block in &doc.blocks {
        match block {
            // Rendered once the exporters are on the shared layout module (WIP).
            DocBlock::Imprint(_) => {}
            DocBlock::Heading {
                level,
                runs,
                source,
            } => {
                if *level == 1 {
                    section = runs.iter().map(|r| r.text.as_str()).collect();
                }
                let loc = loc(source, &section);
                let (role, kind) = match level {
                    1 => (Role::Hei, LineKind::Heading(1)),
                    2 => (Role::Kai, LineKind::Heading(2)),
                    l => (Role::Fang, LineKind::Heading((*l).clamp(3, 4))),
                };
                let lines = ctx.body_lines(runs, role, kind, &loc);
                preps.push(Prep::Lines {
                    lines,
                    keep_next: true,
                });
            }
            DocBlock::Paragraph { runs, source } => {
                let loc = loc(source, &section);
                let lines = ctx.body_lines(runs, Role::Fang, LineKind::Body, &loc);
                preps.push(Prep::Lines {
                    lines,
                    keep_next: false,
                });
            }
            DocBlock::Table(t) => {
                let loc = Loc::Place(format!("{}（{}）", t.shape.name, section));
                preps.push(Prep::Table(ctx.table(t, &loc)));
            }
            DocBlock::Signature { agency, date } => {
                preps.push(Prep::Signature(ctx.signature(agency, date)));
            }
        }
    }
    let mut flow = Flow::default();
    flow.new_page();
    for i in 0..preps.len() {
        let next_min = min_height(&preps[i + 1..]);
        match &preps[i] {
            Prep::Lines { lines, keep_next } => {
                flow.lines(lines, if *keep_next { next_min } else { 0.0 })
            }
            Prep::Blank(n) => flow.blank(*n),
            Prep::Table(t) => flow.table(t),
            Prep::Signature(lines) => flow.signature(lines),
        }
    }
    let mut pages = flow.pages;
    for page in &mut pages {
        if let Some(folio) = ctx.folio(page.number) {
            page.lines.push(folio);
        }
        if doc.draft {
            if let Some(mark) = ctx.draft_mark() {
                page.lines.insert(0, mark);
            }
        }
    }
    Ok((pages, ctx.warnings))
}

fn loc(source: &Option<Span>, section: &str) -> Loc {
    match source {
        Some(s) => Loc::Span(s.clone()),
        None => Loc::Place(format!("“{section}”")),
    }
}

/// Least height the blocks need at the bottom of a page for a heading before them not to be
/// stranded there: their first line, or a table's header and first body row.
fn min_height(rest: &[Prep]) -> f32 {
    match rest.first() {
        None => 0.0,
        Some(Prep::Lines { lines, keep_next }) => {
            if *keep_next {
                lines.len() as f32 * PITCH + min_height(&rest[1..])
            } else {
                PITCH
            }
        }
        Some(Prep::Blank(n)) => *n as f32 * PITCH + min_height(&rest[1..]),
        Some(Prep::Table(t)) => t.first_chunk(),
        Some(Prep::Signature(_)) => 2.0 * PITCH,
    }
}

struct Ctx<'a, 'f> {
    faces: &'a Faces<'f>,
    warnings: Vec<Diagnostic>,
    seen: BTreeSet<(char, String)>,
}

impl Ctx<'_, '_> {
    /// Shapes styled runs in `role`, dropping (and reporting) characters no face has.
    fn shape(&mut self, runs: &[(&str, bool)], role: Role, size: f32, loc: &Loc) -> Vec<Shaped> {
        let mut out = Vec::new();
        let home = self.faces.fonts.face_of(role);
        for (text, bold) in runs {
            for c in text.chars() {
                let c = if c == '\r' { continue } else { c };
                if c == ' ' || c == '\t' || c == '\n' || c == '\u{a0}' {
                    // Spaces are drawn (with the face's space glyph) so extractors keep
                    // them; line breaks are measured as nothing and never drawn.
                    let space = (c != '\n').then(|| self.faces.lookup(home, ' ')).flatten();
                    out.push(Shaped {
                        ch: if c == '\n' { '\n' } else { ' ' },
                        face: home,
                        gid: space.map_or(0, |r| r.gid),
                        advance: if c == '\n' {
                            0.0
                        } else {
                            space.map_or(0.25, |r| r.advance) * size
                        },
                        bold: *bold,
                    });
                    continue;
                }
                match self.faces.resolve(role, c) {
                    Some(r) => out.push(Shaped {
                        ch: c,
                        face: r.face,
                        gid: r.gid,
                        advance: r.advance * size,
                        bold: *bold,
                    }),
                    None => self.missing(c, loc),
                }
            }
        }
        out
    }

    fn missing(&mut self, c: char, loc: &Loc) {
        let key = match loc {
            Loc::Span(s) => format!("{}:{}", s.file.0, s.range.start),
            Loc::Place(p) => p.clone(),
        };
        if !self.seen.insert((c, key)) {
            return;
        }
        let message = format!(
            "PDF 缺字：“{c}”（U+{:04X}）不在任何已配置的字体中，PDF 里省略了这个字",
            c as u32
        );
        let d = match loc {
            Loc::Span(s) => Diagnostic::warning("W-GLYPH", message).at(s.clone()),
            Loc::Place(p) => Diagnostic::warning("W-GLYPH", format!("{message}（位于{p}）")),
        };
        self.warnings.push(d.hint(
            "为 fallback 角色指定一个含有这个字的字体文件（如本机构有授权的宋体或仿宋），或核对是否录入了生僻字、异体字",
        ));
    }

    /// Builds a [`Line`] from broken-line positions; `x0` is the measure's left edge.
    fn line(&self, kind: LineKind, shaped: &[Shaped], bl: &BrokenLine, x0: f32, size: f32) -> Line {
        let mut runs: Vec<GlyphRun> = Vec::new();
        let mut text = String::new();
        for &(i, x) in &bl.pos {
            let s = shaped[i];
            text.push(s.ch);
            if s.gid == 0 {
                continue;
            }
            let g = PlacedGlyph {
                gid: s.gid,
                x: x - bl.start,
                ch: s.ch,
            };
            match runs.last_mut() {
                Some(r) if r.face == s.face && r.bold == s.bold => r.glyphs.push(g),
                _ => runs.push(GlyphRun {
                    face: s.face,
                    size,
                    bold: s.bold,
                    glyphs: vec![g],
                }),
            }
        }
        Line {
            kind,
            x: x0 + bl.start,
            y: 0.0,
            width: bl.width,
            full: bl.full,
            text,
            runs,
            gray: 0.0,
            angle: 0.0,
        }
    }

    fn body_lines(&mut self, runs: &[Run], role: Role, kind: LineKind, loc: &Loc) -> Vec<Line> {
        let parts: Vec<(&str, bool)> = runs.iter().map(|r| (r.text.as_str(), r.bold)).collect();
        let shaped = self.shape(&parts, role, BODY_SIZE, loc);
        let track = grid_tracking();
        let m = Measure {
            width: AREA_W,
            indent: 2.0 * (BODY_SIZE + track),
            tracking: track,
            justify: true,
            size: BODY_SIZE,
        };
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        break_lines(&items, &m)
            .iter()
            .map(|bl| {
                let mut l = self.line(kind, &shaped, bl, AREA_X, BODY_SIZE);
                l.y = baseline(0.0, PITCH, BODY_SIZE);
                l
            })
            .collect()
    }

    /// One entry of `doc.title`, wrapped into balanced centred lines if too long.
    fn title_lines(&mut self, text: &str) -> Vec<Line> {
        let shaped = self.shape(
            &[(text, false)],
            Role::Title,
            TITLE_SIZE,
            &Loc::Place("标题".into()),
        );
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        let m = Measure {
            width: AREA_W,
            indent: 0.0,
            tracking: 0.0,
            justify: false,
            size: TITLE_SIZE,
        };
        let lines = break_balanced(&items, &m);
        lines
            .iter()
            .map(|bl| {
                let x0 = AREA_X + (AREA_W - bl.width) / 2.0 - bl.start;
                let mut l = self.line(LineKind::Title, &shaped, bl, x0, TITLE_SIZE);
                l.y = baseline(0.0, PITCH, TITLE_SIZE);
                l
            })
            .collect()
    }

    /// Text of one line set at natural width (for the signature and page numbers).
    fn single(
        &mut self,
        text: &str,
        role: Role,
        size: f32,
        tracking: f32,
        loc: &Loc,
        kind: LineKind,
    ) -> Line {
        let shaped = self.shape(&[(text, false)], role, size, loc);
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        let m = Measure {
            width: f32::MAX / 4.0,
            indent: 0.0,
            tracking,
            justify: false,
            size,
        };
        let bl = break_lines(&items, &m)
            .into_iter()
            .next()
            .unwrap_or(BrokenLine {
                pos: Vec::new(),
                start: 0.0,
                width: 0.0,
                full: false,
                items: 0..0,
            });
        self.line(kind, &shaped, &bl, 0.0, size)
    }

    /// GB/T 9704 signature without seal: the agency right-indented two characters, the date
    /// below it starting two characters to the right of the agency's first character (if
    /// the date is longer, the date is right-indented two characters and the agency moves
    /// left to stay two characters before it).
    fn signature(&mut self, agency: &str, date: &str) -> Vec<Line> {
        let loc = Loc::Place("落款".into());
        let track = grid_tracking();
        let ch = BODY_SIZE + track;
        let mut name = self.single(
            agency,
            Role::Fang,
            BODY_SIZE,
            track,
            &loc,
            LineKind::Signature,
        );
        let mut day = self.single(
            date,
            Role::Fang,
            BODY_SIZE,
            track,
            &loc,
            LineKind::Signature,
        );
        let right = AREA_X + AREA_W - 2.0 * ch;
        let mut name_x = right - name.width;
        let mut date_x = name_x + 2.0 * ch;
        if date_x + day.width > right + EPS {
            date_x = right - day.width;
            name_x = date_x - 2.0 * ch;
        }
        name.x = name_x;
        day.x = date_x;
        for l in [&mut name, &mut day] {
            l.y = baseline(0.0, PITCH, BODY_SIZE);
        }
        vec![name, day]
    }

    /// `— N —` in 4号 宋体, 7 mm below the type area; odd pages right-aligned one character
    /// in from the type area's right edge, even pages left-aligned one character in.
    fn folio(&mut self, number: usize) -> Option<Line> {
        let loc = Loc::Place("页码".into());
        let mut l = self.single(
            &format!("— {number} —"),
            Role::Song,
            FOLIO_SIZE,
            0.0,
            &loc,
            LineKind::PageNumber,
        );
        l.x = if number % 2 == 1 {
            AREA_X + AREA_W - FOLIO_SIZE - l.width
        } else {
            AREA_X + FOLIO_SIZE
        };
        l.y = AREA_Y + AREA_H + 7.0 * MM + EM_ASCENT * FOLIO_SIZE;
        Some(l)
    }

    /// A large light-grey 草稿 across the middle of the page, under the text.
    fn draft_mark(&mut self) -> Option<Line> {
        let loc = Loc::Place("草稿标记".into());
        let mut l = self.single("草稿", Role::Hei, DRAFT_SIZE, 0.0, &loc, LineKind::Draft);
        let angle: f32 = 45.0;
        let (sin, cos) = angle.to_radians().sin_cos();
        // Centre of the em box on the page's centre; in PDF space (y up) the baseline
        // starts half the width back along the direction and 0.38 em below the centre.
        let (cx, cy) = (PAGE_WIDTH / 2.0, PAGE_HEIGHT / 2.0);
        let drop = (EM_ASCENT - 0.5) * DRAFT_SIZE;
        let px = cx - cos * l.width / 2.0 + sin * drop;
        let py_up = (PAGE_HEIGHT - cy) - sin * l.width / 2.0 - cos * drop;
        l.x = px;
        l.y = PAGE_HEIGHT - py_up;
        l.angle = angle;
        l.gray = 0.85;
        Some(l)
    }

    fn table(&mut self, t: &Table, loc: &Loc) -> TableLayout {
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
        let mut row_h = vec![TABLE_LEAD + 2.0 * PAD_Y; rows];
        for c in cells.iter().filter(|c| c.rowspan == 1) {
            if let Some(h) = row_h.get_mut(c.row) {
                *h = h.max(c.need);
            }
        }
        // Spanning cells: grow their rows evenly when the text needs more.
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
        TableLayout {
            col_x,
            row_h,
            header_rows: usize::from(shape.header_rows),
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
        let shaped = self.shape(&[(&text, false)], Role::Song, TABLE_SIZE, loc);
        let items: Vec<(char, f32)> = shaped.iter().map(|s| (s.ch, s.advance)).collect();
        let m = Measure {
            width: inner,
            indent: 0.0,
            tracking: 0.0,
            justify: !centred,
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

impl TableLayout {
    /// Height of the header rows and the first body row (what a heading keeps with). A table
    /// without repeating header rows (表二) is kept whole when a page can hold it, as the DOCX
    /// does: a continuation of it would start without any column headings.
    fn first_chunk(&self) -> f32 {
        if let Some(total) = self.whole() {
            return total;
        }
        let end = (self.header_rows + 1).min(self.row_h.len());
        self.row_h[..end].iter().sum()
    }

    /// The height of a table that should not break: no header rows and short enough for a page.
    fn whole(&self) -> Option<f32> {
        let total: f32 = self.row_h.iter().sum();
        (self.header_rows == 0 && total <= AREA_H + EPS).then_some(total)
    }

    /// Whether the table may break between rows `b - 1` and `b` when this page's part of
    /// the table body starts at row `seg_start`: no spanning cell across the break may be
    /// left with a part too low for its text.
    fn can_break(&self, seg_start: usize, b: usize) -> bool {
        if b <= self.header_rows {
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
}

/// The page-filling state.
#[derive(Default)]
struct Flow {
    pages: Vec<Page>,
    /// Offset from the top of the type area on the current page.
    y: f32,
}

impl Flow {
    fn new_page(&mut self) {
        let number = self.pages.len() + 1;
        self.pages.push(Page {
            number,
            lines: Vec::new(),
            rules: Vec::new(),
        });
        self.y = 0.0;
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page();
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    /// Index of the next free grid slot on this page.
    fn slot(&self) -> usize {
        ((self.y - EPS) / PITCH).ceil().max(0.0) as usize
    }

    fn free_slots(&self) -> usize {
        LINES.saturating_sub(self.slot())
    }

    fn at_top(&self) -> bool {
        self.y <= EPS
    }

    /// Places lines on consecutive slots; `keep` is the height the next block needs on the
    /// same page as the last of these lines (keep-with-next for headings and the title).
    fn lines(&mut self, lines: &[Line], keep: f32) {
        if keep > 0.0 && !self.at_top() {
            let free = self.free_slots() as f32 * PITCH;
            let need = lines.len() as f32 * PITCH + keep.min(AREA_H - lines.len() as f32 * PITCH);
            if need > free + EPS {
                self.new_page();
            }
        }
        for l in lines {
            if self.free_slots() == 0 {
                self.new_page();
            }
            let top = self.slot() as f32 * PITCH;
            let mut l = l.clone();
            l.y += AREA_Y + top;
            self.page().lines.push(l);
            self.y = top + PITCH;
        }
    }

    fn blank(&mut self, n: usize) {
        if self.at_top() {
            return;
        }
        for _ in 0..n {
            if self.free_slots() == 0 {
                self.new_page();
                return;
            }
            self.y = (self.slot() + 1) as f32 * PITCH;
        }
    }

    fn signature(&mut self, lines: &[Line]) {
        if self.free_slots() < lines.len() + 1 {
            self.new_page();
        } else {
            self.blank(1);
        }
        self.lines(lines, 0.0);
    }

    fn table(&mut self, t: &TableLayout) {
        let rows = t.row_h.len();
        if rows == 0 {
            return;
        }
        // Tables start at a slot boundary.
        self.y = self.slot() as f32 * PITCH;
        if self.free_slots() == 0 {
            self.new_page();
        }
        if t.whole().is_some_and(|h| self.y + h > AREA_H + EPS) {
            self.new_page();
        }
        let header: f32 = t.row_h[..t.header_rows.min(rows)].iter().sum();
        let mut r = 0;
        let mut continued = false;
        while r < rows {
            let top = self.y;
            let mut y = top + if continued { header } else { 0.0 };
            let mut fit = r;
            while fit < rows && y + t.row_h[fit] <= AREA_H + EPS {
                y += t.row_h[fit];
                fit += 1;
            }
            let end = if fit >= rows {
                rows
            } else {
                let seg_start = r;
                match (r + 1..=fit).rev().find(|&b| t.can_break(seg_start, b)) {
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
            let bottom = self.draw_segment(t, &shown, top);
            self.y = bottom;
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
