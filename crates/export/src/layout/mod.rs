//! Document → pages: the backend-neutral page list every paginated output serialises (the
//! PDF now; the OFD and a raster preview next).
//!
//! The page is GB/T 9704's, read from [`nianbao_core::typography`]: A4, the type area of
//! 156 × 225 mm at 37 mm from the top and 28 mm from the left, the 22 × 28 body grid, the size
//! and face of each element, page numbers and the signature. This module only converts those
//! values to points and decides where each glyph goes:
//!
//! - `text`: shaping (each character resolved to a face and glyph, with W-GLYPH for those no
//!   face has) and the lines of each kind of block;
//! - `linebreak`: Chinese line breaking (禁则) and justification;
//! - `table`: column widths, cell text, row heights, and where a table may break;
//! - `flow`: pagination on the grid — keep-with-next, blank lines, the signature, tables cut
//!   into page segments with their header rows repeated.
//!
//! Body text sits on the grid: every text line occupies one of the 22 line slots of a page
//! (pitch 225 mm / 22), and 28 full-width 3号 characters fill a line exactly (the font's
//! 16 pt advance tightened by ≈ 0.21 pt between characters, as Word's character grid does).
//! Tables are laid out in points and the text after them snaps back to the next slot.
//!
//! Line breaking is our own (~500 lines, `linebreak`): the grid with punctuation squeezing
//! and Latin runs kept whole is the layout itself; UAX #14 crates give break opportunities
//! only (`docs/architecture.md`, “Hand-written where a crate exists”).

mod flow;
mod grid;
mod linebreak;
mod pages;
mod table;
mod text;

use nianbao_core::document::DocBlock;
use nianbao_core::typography as ty;
use nianbao_core::{Diagnostic, Document, Span};

use crate::fonts::{Faces, Fonts};
use crate::ExportError;
use flow::{Flow, Prep};
use text::{Loc, Setter};

#[cfg(test)]
pub(crate) use nianbao_core::typography::{no_end, no_start};
pub use pages::{describe, GlyphRun, Line, LineKind, Page, PlacedGlyph, Rule};

/// Millimetres to points.
pub const MM: f32 = ty::PT_PER_MM;
/// Page width in points.
pub const PAGE_WIDTH: f32 = ty::PAGE_WIDTH.pt();
/// Page height in points.
pub const PAGE_HEIGHT: f32 = ty::PAGE_HEIGHT.pt();
/// Left edge of the type area.
pub const AREA_X: f32 = ty::MARGIN_LEFT.pt();
/// Top edge of the type area.
pub const AREA_Y: f32 = ty::MARGIN_TOP.pt();
/// Width of the type area.
pub const AREA_W: f32 = ty::TYPE_WIDTH.pt();
/// Height of the type area.
pub const AREA_H: f32 = ty::TYPE_HEIGHT.pt();
/// Body lines per page.
pub const LINES: usize = ty::LINES;
/// Full-width body characters per line.
pub const CHARS: usize = ty::CHARS;
/// Line pitch of the body grid.
pub const PITCH: f32 = AREA_H / LINES as f32;
/// Size of body text and headings.
pub const BODY_SIZE: f32 = ty::BODY.size.pt();

/// Ideographic em box: 0.88 em above the baseline, 0.12 below (Fandol, Noto CJK).
const EM_ASCENT: f32 = 0.88;
/// Tolerance for "fits", in points.
const EPS: f32 = 0.01;

/// One cell of the body grid: 156 mm / 28.
pub fn char_pitch() -> f32 {
    ty::char_pitch_pt()
}

/// What the grid adds to each body character's advance: the cell minus the 3号 size
/// (≈ −0.21 pt), as Word adds the grid's `charSpace` to every character.
pub fn grid_tracking() -> f32 {
    char_pitch() - BODY_SIZE
}

/// Baseline of text of `size` centred (by its em box) in a band starting at `top`, `h` high.
fn baseline(top: f32, h: f32, size: f32) -> f32 {
    top + (h - size) / 2.0 + EM_ASCENT * size
}

/// The laid-out pages of a document, before any output format is written.
#[derive(Debug)]
pub struct Laid {
    /// Pages in order.
    pub pages: Vec<Page>,
    /// Warnings found while setting the text (`W-GLYPH`: a character no configured font
    /// has; it is left out).
    pub warnings: Vec<Diagnostic>,
}

/// Lays `doc` out into pages (A4, GB/T 9704 type area and grid).
pub fn layout(doc: &Document, fonts: &Fonts) -> Result<Laid, ExportError> {
    let faces = fonts.parse()?;
    let laid = lay_out(doc, &faces);
    faces.complete()?;
    Ok(laid)
}

/// Lays `doc` out with faces already parsed (the PDF writer needs them too).
pub(crate) fn lay_out(doc: &Document, faces: &Faces<'_>) -> Laid {
    // Every export (PDF or OFD) lays out first: what the last few did not use is forgotten.
    if let Some(recall) = &faces.fonts.recall {
        recall.next_export();
    }
    let mut setter = Setter::new(faces);
    let preps = prepare(doc, &mut setter);
    let mut flow = Flow::default();
    flow.new_page();
    for i in 0..preps.len() {
        flow.place(&preps[i], &preps[i + 1..]);
    }
    let mut pages = flow.pages;
    for page in &mut pages {
        page.lines.push(setter.page_number(page.number));
        if doc.draft {
            page.lines.insert(0, setter.draft_mark());
        }
    }
    Laid {
        pages,
        warnings: setter.warnings,
    }
}

/// Every block measured and broken into lines, in order, not yet placed on a page.
fn prepare(doc: &Document, setter: &mut Setter<'_, '_>) -> Vec<Prep> {
    let mut preps = Vec::new();
    for (i, line) in doc.title.iter().enumerate() {
        let source = doc.title_sources.get(i).cloned().flatten();
        let lines = setter.title_lines(line, &placed(source, "标题"));
        preps.push(Prep::Lines {
            lines,
            keep_next: true,
        });
    }
    if !doc.title.is_empty() {
        preps.push(Prep::Blank(ty::TITLE_BLANK_LINES));
    }
    let mut section = "标题".to_string();
    for block in &doc.blocks {
        match block {
            DocBlock::Heading {
                level,
                runs,
                source,
            } => {
                if *level == 1 {
                    section = runs.iter().map(|r| r.text.as_str()).collect();
                }
                let loc = loc(source, &section);
                let level = (*level).clamp(1, 4);
                let style = ty::HEADINGS[usize::from(level - 1)];
                let kind = LineKind::Heading(level);
                let lines = setter.body_lines(runs, style.role, kind, &loc);
                preps.push(Prep::Lines {
                    lines,
                    keep_next: true,
                });
            }
            DocBlock::Paragraph { runs, source } => {
                let loc = loc(source, &section);
                let lines = setter.body_lines(runs, ty::BODY.role, LineKind::Body, &loc);
                preps.push(Prep::Lines {
                    lines,
                    keep_next: false,
                });
            }
            DocBlock::Table(t) => {
                let loc = Loc::Place(format!("{}（{}）", t.shape.name, section));
                preps.push(Prep::Table(setter.table(t, &loc)));
            }
            DocBlock::Signature { agency, date } => {
                let loc = placed(doc.signature_source.clone(), "落款");
                preps.push(Prep::Signature(setter.signature(agency, date, &loc)));
            }
            DocBlock::Imprint(imprint) => preps.push(Prep::Imprint(setter.imprint(imprint))),
        }
    }
    preps
}

/// Where text that may come from the source is: its span, else the named part of the page.
fn placed(source: Option<Span>, part: &str) -> Loc {
    source.map_or_else(|| Loc::Place(part.into()), Loc::Span)
}

fn loc(source: &Option<Span>, section: &str) -> Loc {
    match source {
        Some(s) => Loc::Span(s.clone()),
        None => Loc::Place(format!("“{section}”")),
    }
}
