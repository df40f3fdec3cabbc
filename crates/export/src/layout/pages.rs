//! The backend-neutral page list: what the layout engine decided, in points, with the
//! origin at the top-left corner of the page and y growing downwards.
//!
//! A writer (PDF now, OFD later) only has to draw these: positioned glyphs with their face,
//! size and text; straight rules; nothing is measured again.

use std::fmt::Write as _;

use crate::fonts::FaceId;

/// One page.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// 1-based page number.
    pub number: usize,
    /// Text lines in reading order (the draft mark, if any, comes first).
    pub lines: Vec<Line>,
    /// Table borders.
    pub rules: Vec<Rule>,
}

/// What a line of text is, for tests, goldens and writers that tag structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// A line of the document title.
    Title,
    /// A heading line of level 1–4.
    Heading(u8),
    /// A body paragraph line.
    Body,
    /// A line inside a table cell.
    Cell,
    /// The signature (agency or date line).
    Signature,
    /// A line of the 版记 (抄送, or the 印发机关 or 印发日期).
    Imprint,
    /// The page number.
    PageNumber,
    /// The 草稿 mark of a draft.
    Draft,
}

impl LineKind {
    /// Short name used in the golden projection.
    pub fn name(self) -> String {
        match self {
            LineKind::Title => "title".into(),
            LineKind::Heading(l) => format!("h{l}"),
            LineKind::Body => "body".into(),
            LineKind::Cell => "cell".into(),
            LineKind::Signature => "sign".into(),
            LineKind::Imprint => "imprint".into(),
            LineKind::PageNumber => "page".into(),
            LineKind::Draft => "draft".into(),
        }
    }
}

/// One line of text: a baseline and glyph runs on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// What it is.
    pub kind: LineKind,
    /// Left edge of the line's first character box (points from the page's left edge).
    pub x: f32,
    /// Baseline (points from the page's top edge).
    pub y: f32,
    /// From the left edge of the first character box to the right edge of the last.
    pub width: f32,
    /// Justified (or squeezed) to fill its measure exactly.
    pub full: bool,
    /// The text, as the reader should get it back (no inserted spaces).
    pub text: String,
    /// Glyph runs, each of one face, size and weight.
    pub runs: Vec<GlyphRun>,
    /// Fill grey (0 black … 1 white).
    pub gray: f32,
    /// Rotation about (x, y), degrees counter-clockwise.
    pub angle: f32,
}

/// Glyphs of one face, size and weight.
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphRun {
    /// The face (index into the [`crate::fonts::Fonts`]).
    pub face: FaceId,
    /// Font size in points.
    pub size: f32,
    /// Drawn emboldened (fill and stroke: the official faces have no bold).
    pub bold: bool,
    /// The glyphs, left to right.
    pub glyphs: Vec<PlacedGlyph>,
}

/// One glyph at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in the face (never 0).
    pub gid: u16,
    /// Pen position along the line's direction, relative to [`Line::x`].
    pub x: f32,
    /// The character it shows (for ToUnicode).
    pub ch: char,
}

/// A straight line (a table border, a rule of the 版记).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// Start x.
    pub x1: f32,
    /// Start y (from the top).
    pub y1: f32,
    /// End x.
    pub x2: f32,
    /// End y (from the top).
    pub y2: f32,
    /// Stroke width in points.
    pub width: f32,
}

/// A readable projection of a page list: one line per text line (`page y x kind text`),
/// then the count of rules per page. Used by the golden test.
pub fn describe(pages: &[Page]) -> String {
    let mut out = String::new();
    for p in pages {
        for l in &p.lines {
            let _ = writeln!(
                out,
                "{} {:6.1} {:6.1} {:5} {}{}",
                p.number,
                l.y,
                l.x,
                l.kind.name(),
                l.text,
                if l.full { "" } else { " ⏎" }
            );
        }
        let _ = writeln!(out, "{} rules: {}", p.number, p.rules.len());
    }
    out
}
