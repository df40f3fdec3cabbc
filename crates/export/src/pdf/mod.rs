//! PDF exporter: the report as a GB/T 9704 公文-style PDF with embedded subset CJK fonts.
//!
//! Pipeline: [`Document`] → [`layout`] (our own line breaking with 禁则, the 22 × 28 body
//! grid, tables with repeated headers, page numbers) → a backend-neutral page list
//! ([`Page`]: positioned glyph runs and rules) → the PDF writer (font subsets with
//! ToUnicode, reproducible metadata). An OFD writer could take the same page list.
//!
//! Fonts are read from disk at run time ([`Fonts::load`], found with [`find_font_dir`]) and
//! parsed zero-copy per export; the Fandol faces are GPL with the font exception and must
//! never be compiled into the binary.

mod cff;
mod fonts;
mod layout;
mod linebreak;
mod pages;
mod writer;

#[cfg(test)]
mod tests;

use nianbao_core::{Diagnostic, Document};

use crate::ExportError;

pub use fonts::{find_font_dir, FaceId, Fonts, Role};
pub use layout::{AREA_H, AREA_W, AREA_X, AREA_Y, BODY_SIZE, CHARS, LINES, PITCH};
pub use pages::{
    describe, GlyphRun, Line, LineKind, Page, PlacedGlyph, Rule, MM, PAGE_HEIGHT, PAGE_WIDTH,
};

/// The bytes of a PDF and what the reader should know about it.
#[derive(Debug)]
pub struct PdfOutput {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Warnings (`W-GLYPH`: a character no configured font has; it is left out).
    pub warnings: Vec<Diagnostic>,
}

/// The laid-out pages of a document, before any output format is written.
#[derive(Debug)]
pub struct Laid {
    /// Pages in order.
    pub pages: Vec<Page>,
    /// Warnings found while setting the text.
    pub warnings: Vec<Diagnostic>,
}

/// Lays `doc` out into pages (A4, GB/T 9704 type area and grid).
pub fn layout(doc: &Document, fonts: &Fonts) -> Result<Laid, ExportError> {
    let faces = fonts.parse()?;
    let (pages, warnings) = layout::layout(doc, &faces)?;
    Ok(Laid { pages, warnings })
}

/// Renders `doc` as a PDF. Identical input and fonts give identical bytes.
pub fn export(doc: &Document, fonts: &Fonts) -> Result<PdfOutput, ExportError> {
    let faces = fonts.parse()?;
    let (pages, warnings) = layout::layout(doc, &faces)?;
    let bytes = writer::write(&pages, &faces, doc)?;
    Ok(PdfOutput { bytes, warnings })
}
